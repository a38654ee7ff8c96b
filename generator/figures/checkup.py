"""Check a data folder without writing anything (``vanban validate``), and tie out totals.

``build`` runs the same check first, so what ``validate`` accepts, ``build``
accepts, and what it refuses, ``build`` refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.errors import InvalidData, Problem
from ..inputs.folder import Inputs, load_inputs
from .aggregate import Appendix, Sector, aggregate, sector_total
from .tieout import TIEOUT_FILE, Disagreement, tie_out


@dataclass(frozen=True)
class Checkup:
    inputs: Inputs
    appendices: tuple[Appendix, ...]
    sector: Sector  # the whole table's figures, whatever the appendices
    disagreements: list[Disagreement]  # with doi-chieu.toml, when the folder has one


def check_folder(data_dir: Path, sheet: str | None = None, *, strict: bool = False) -> Checkup:
    """Read, check and compute everything; with ``strict`` warnings and tie-out gaps fail."""
    inputs = load_inputs(data_dir, sheet, strict=strict)
    appendices = aggregate(inputs.units, inputs.declarations)
    reported = data_dir / TIEOUT_FILE
    disagreements = tie_out(reported, appendices) if reported.is_file() else []
    if strict and disagreements:
        fix = f"sửa số liệu, hoặc sửa {TIEOUT_FILE} nếu số báo cáo sai."
        raise InvalidData([Problem(TIEOUT_FILE, f"đối chiếu: {d}", fix) for d in disagreements])
    return Checkup(
        inputs, appendices, sector_total(inputs.units, inputs.declarations), disagreements
    )


def validation_json(checkup: Checkup | None, problems: list[Problem]) -> dict[str, Any]:
    """The outcome of ``validate`` for scripts: valid or not, errors, warnings, tie-out."""

    def problem(p: Problem) -> dict[str, Any]:
        return {
            "tep": p.file,
            "trang_tinh": p.sheet,
            "dong": p.row,
            "cot": p.column,
            "muc": p.key,
            "loi": p.message,
            "cach_sua": p.fix,
            "thong_bao": str(p),
        }

    if checkup is None:
        return {
            "hop_le": False,
            "loi": [problem(p) for p in problems],
            "canh_bao": [],
            "doi_chieu": [],
        }
    total = checkup.sector.total
    return {
        "hop_le": True,
        "loi": [],
        "canh_bao": [problem(p) for p in checkup.inputs.warnings],
        "ghi_chu": checkup.inputs.notes,
        "doi_chieu": [
            {
                "phu_luc": d.appendix,
                "hang": d.row,
                "cap_hoc": d.level,
                "chi_tieu": d.column,
                "bao_cao": d.reported,
                "tinh_duoc": d.computed,
            }
            for d in checkup.disagreements
        ],
        "so_dong": len(checkup.inputs.units),
        "tong": total.as_dict(),
    }
