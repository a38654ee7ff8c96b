"""Figures per unit for any kind: the sector total, every unit's counts and rates, and
the units to remind (rate at or above a threshold, or report form not returned).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ..common.vnformat import ratio
from ..inputs.headers import COUNT_COLUMNS
from .aggregate import Counts


def sector_total(units: pd.DataFrame) -> Counts:
    """The whole table's counts (not any appendix's): what the body and the archive cite."""
    if units.empty:
        return Counts()
    return Counts(*(int(units[column].sum()) for column in COUNT_COLUMNS))


def unit_figures(units: pd.DataFrame) -> list[dict]:
    """One entry per (office, unit), all levels summed, in table order."""
    if units.empty:
        return []
    keys = ["don_vi_quan_ly", "don_vi"]
    sums = units.groupby(keys, sort=False)[list(COUNT_COLUMNS)].sum().reset_index()
    return [
        {
            "ten": row["don_vi"],
            "don_vi_quan_ly": row["don_vi_quan_ly"],
            "hs": _group(int(row["hs_tong"]), int(row["hs_chua"])),
            "ns": _group(int(row["ns_tong"]), int(row["ns_chua"])),
        }
        for row in sums.to_dict("records")
    ]


def to_remind(
    figures: list[dict], threshold: Decimal | None, missing: set[tuple[str, str]]
) -> list[dict]:
    """Units whose learners' or staff rate (in %) is at or above ``threshold``, or whose
    form did not come back (``missing``: (office, unit)); each says why."""
    chosen = []
    for unit in figures:
        reasons = []
        over = threshold is not None and any(
            unit[who]["chua"] and unit[who]["ti_le"] >= threshold for who in ("hs", "ns")
        )
        if over:
            reasons.append("tỉ lệ chưa đồng bộ cao")
        if (unit["don_vi_quan_ly"], unit["ten"]) in missing:
            reasons.append("chưa nộp báo cáo")
        if reasons:
            chosen.append({**unit, "ly_do": "; ".join(reasons), "stt": len(chosen) + 1})
    return chosen


def _group(whole: int, part: int) -> dict:
    return {"tong": whole, "chua": part, "ti_le": ratio(part, whole)}
