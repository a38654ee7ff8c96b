"""Assemble what the template sees: metadata, the sector total and every appendix, as dicts.

Figures stay numbers (ints, Decimal ratios, dates); the template writes them
with the filters of :mod:`generator.vnformat`. The variables are documented in
the README ("Biến trong mẫu").
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from ..common.vnformat import ratio
from ..figures.aggregate import Appendix, Counts, Row, Sector
from ..figures.reminders import to_remind, unit_figures
from ..inputs.folder import Inputs


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


def kind_context(inputs: Inputs, wanted: Collection[str] | None = None) -> dict[str, Any]:
    """What every kind's template may use beyond the appendices.

    ``don_vi`` (every unit's figures; the sector total is ``toan_nganh``),
    ``can_don_doc`` (units to remind: rate at or above ``don_doc.nguong_ti_le`` of the
    metadata, or form not returned), ``thu_ve`` (collect's result or None),
    ``thong_bao`` (the notice cited: so, ngay, ky_hieu; blank when not given).
    With ``wanted`` (the names a template reads), the per-unit lists are made only when
    the template reads them: a notice of a million units needs none.
    """
    context = {"thu_ve": inputs.collected, "thong_bao": _cited(inputs.metadata)}
    if wanted is None or {"don_vi", "can_don_doc"} & set(wanted):
        context |= _units(inputs)
    return context


def _cited(metadata: dict[str, Any]) -> dict[str, Any]:
    cited = metadata.get("thong_bao", {})
    return {"so": cited.get("so"), "ngay": cited.get("ngay"), "ky_hieu": cited.get("ky_hieu") or ""}


def _units(inputs: Inputs) -> dict[str, Any]:
    figures = unit_figures(inputs.units)
    collected = inputs.collected
    missing = {(u["don_vi_quan_ly"], u["don_vi"]) for u in (collected or {}).get("chua_nop", [])}
    known = {(u["don_vi_quan_ly"], u["ten"]) for u in figures}
    figures += [
        {"ten": unit, "don_vi_quan_ly": office, "hs": _blank(), "ns": _blank()}
        for office, unit in sorted(missing - known)
    ]
    threshold = inputs.metadata.get("don_doc", {}).get("nguong_ti_le")
    return {"don_vi": figures, "can_don_doc": to_remind(figures, threshold, missing)}


def _blank() -> dict[str, Any]:
    return {"tong": None, "chua": None, "ti_le": None}
