"""The list of periods (data folders) with their latest version and its state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..archive.versions import Version, versions
from ..inputs.persons import PERSON_NAMES
from ..inputs.reading import TABLE_NAMES
from ..kinds.metadata import METADATA_FILE

KIND_NOTICE = "Thông báo rà soát dữ liệu"
STATES = {"du_thao": "dự thảo", "ban_hanh": "đã ban hành"}


@dataclass(frozen=True)
class Period:
    name: str
    kind: str
    table: str | None
    latest: Version | None

    @property
    def state(self) -> str:
        if self.latest is None:
            return "chưa tạo"
        return STATES.get(self.latest.manifest.get("trang_thai"), "dự thảo")


def period_kind(data_dir: Path) -> str:
    """The kind of document a data folder makes (one kind today: the data-review notice)."""
    return KIND_NOTICE


def list_periods(data_root: Path, output_root: Path) -> list[Period]:
    """Every data folder under ``data_root``, newest name first."""
    if not data_root.is_dir():
        return []
    found = []
    for folder in sorted(data_root.iterdir(), key=lambda p: p.name, reverse=True):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        table = next((n for n in TABLE_NAMES + PERSON_NAMES if (folder / n).is_file()), None)
        if table is None and not (folder / METADATA_FILE).is_file():
            continue
        history = versions(output_root / folder.name)
        found.append(
            Period(folder.name, period_kind(folder), table, history[-1] if history else None)
        )
    return found
