"""The versions of one data folder's notice, newest first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .versions import versions


def history(data_dir: Path, output_dir: Path = Path("output")) -> list[dict[str, Any]]:
    """One record per version: name, time, state, number/date, figures, what changed."""
    records = []
    for version in reversed(versions(output_dir / data_dir.name)):
        manifest = version.manifest
        records.append(
            {
                "phien_ban": version.name,
                "duong_dan": str(version.path),
                "thoi_gian_tao": manifest.get("thoi_gian_tao"),
                "trang_thai": manifest.get("trang_thai"),
                "so": manifest.get("so"),
                "ngay_ban_hanh": manifest.get("ngay_ban_hanh"),
                "tu_phien_ban": manifest.get("tu_phien_ban"),
                "so_lieu": manifest.get("so_lieu"),
                "thay_doi": manifest.get("thay_doi", []),
                "van_ban": manifest.get("van_ban"),
            }
        )
    return records
