"""Assemble what the template sees: metadata, the sector total and every appendix, as dicts.

Figures stay numbers (ints, Decimal ratios, dates); the template writes them
with the filters of :mod:`generator.vnformat`. The variables are documented in
the README ("Biến trong mẫu").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..common.vnformat import ratio
from ..figures.aggregate import Appendix, Counts, Row, Sector


def build_context(
    metadata: dict[str, Any],
    appendices: tuple[Appendix, ...],
    number: int | None = None,
    issued_on: date | None = None,
    *,
    sector: Sector,
) -> dict[str, Any]:
    """The render context; a draft (no number) leaves number and date blank.

    ``toan_nganh`` is the sector total, computed from the whole table: the body
    uses it, never an appendix, so appendices can be removed or reordered.
    """
    tables = [_appendix(appendix, sector.level_names) for appendix in appendices]
    year = (issued_on or metadata["so_lieu"]["thoi_diem"]).year
    return {
        **metadata,
        "du_thao": number is None,
        "van_ban": {**metadata["van_ban"], "so": number, "ngay": issued_on, "nam": year},
        "toan_nganh": _sector(sector),
        "phu_luc": tables,
        "pl": {table["ma"]: table for table in tables},
        "ds_phu_luc": ", ".join(table["so"] for table in tables),
    }


def _sector(sector: Sector) -> dict[str, Any]:
    """``toan_nganh``: hs/ns totals and rates, and the same for each declared level."""
    return {
        "ten": sector.row.label,
        **_figures(sector.total),
        "cap": [
            {"ma": level, "ten": name, **_figures(sector.row.by_level[level])}
            for level, name in sector.level_names.items()
        ],
    }


def _figures(counts: Counts) -> dict[str, Any]:
    return {
        who: {
            "tong": getattr(counts, f"{who}_tong"),
            "chua": getattr(counts, f"{who}_chua"),
            "ti_le": ratio(getattr(counts, f"{who}_chua"), getattr(counts, f"{who}_tong")),
        }
        for who in ("hs", "ns")
    }


def _appendix(appendix: Appendix, level_names: dict[str, str]) -> dict[str, Any]:
    spec = appendix.spec
    rows = [_row(row, spec.levels, stt=index) for index, row in enumerate(appendix.rows, 1)]
    return {
        "ma": spec.key,
        "so": spec.number,
        "tieu_de": spec.title,
        "bo_cuc": spec.layout,
        "cot_ten": spec.name_header,
        "nhom_hs": spec.learners_header,
        "cap": list(spec.levels),
        "ten_cap": [level_names.get(level, level) for level in spec.levels],
        "hang": rows,
        "tong": _row(appendix.total, spec.levels, stt=None),
    }


def _row(row: Row, levels: tuple[str, ...], stt: int | None) -> dict[str, Any]:
    total = row.total
    return {
        "stt": stt,
        "ten": row.label,
        "hs": _group(total.hs_tong, total.hs_chua, [row.by_level.get(lv) for lv in levels], "hs"),
        "ns": _group(total.ns_tong, total.ns_chua, [row.by_level.get(lv) for lv in levels], "ns"),
    }


def _group(whole: int, part: int, per_level: list[Counts | None], who: str) -> dict[str, Any]:
    return {
        "tong": whole,
        "chua": part,
        "ti_le": ratio(part, whole),
        "cap": [_level_cell(counts, who) for counts in per_level],
    }


def _level_cell(counts: Counts | None, who: str) -> dict[str, int | None]:
    if counts is None:
        return {"tong": None, "chua": None}
    return {"tong": getattr(counts, f"{who}_tong"), "chua": getattr(counts, f"{who}_chua")}
