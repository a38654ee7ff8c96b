"""Compute every appendix's rows and totals from the one unit table (pandas).

Nothing here formats: the figures stay integers until the template's filters
write them the Vietnamese way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..inputs.reading import COUNT_COLUMNS
from ..kinds.appendices import AppendixSpec, Declarations


@dataclass(frozen=True)
class Counts:
    hs_tong: int = 0
    hs_chua: int = 0
    ns_tong: int = 0
    ns_chua: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, n) + getattr(other, n) for n in COUNT_COLUMNS))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNT_COLUMNS}


@dataclass(frozen=True)
class Row:
    """One line of an appendix table: a label and its counts per level present."""

    label: str
    by_level: dict[str, Counts] = field(default_factory=dict)

    @property
    def total(self) -> Counts:
        return sum(self.by_level.values(), Counts())


@dataclass(frozen=True)
class Appendix:
    spec: AppendixSpec
    rows: tuple[Row, ...]
    total: Row


def aggregate(units: pd.DataFrame, declarations: Declarations) -> tuple[Appendix, ...]:
    """Every declared appendix, in declaration order."""
    return tuple(
        _appendix(units, spec, declarations.level_names) for spec in declarations.appendices
    )


def _appendix(units: pd.DataFrame, spec: AppendixSpec, level_names: dict[str, str]) -> Appendix:
    selected = units[units["cap_hoc"].isin(spec.levels)]
    sums = selected.groupby([spec.rows_by, "cap_hoc"], sort=False)[list(COUNT_COLUMNS)].sum()
    by_key: dict[str, dict[str, Counts]] = {}  # one pass: no per-row lookups (40,000 units)
    for (key, level), values in zip(sums.index, sums.to_numpy().tolist(), strict=True):
        by_key.setdefault(key, {})[level] = Counts(*(int(v) for v in values))
    rows = [
        Row(
            _label(key, spec, level_names),
            {level: by_key[key][level] for level in spec.levels if level in by_key.get(key, {})},
        )
        for key in _row_keys(selected, spec)
    ]
    total = Row("Tổng số", _sum_levels(rows, spec.levels))
    return Appendix(spec, tuple(rows), total)


def _row_keys(selected: pd.DataFrame, spec: AppendixSpec) -> list[str]:
    if spec.rows_by == "cap_hoc":
        return list(spec.levels)
    keys = list(pd.unique(selected[spec.rows_by]))
    if spec.pinned and spec.pinned.office in keys:
        keys.remove(spec.pinned.office)
        keys.insert(0, spec.pinned.office)
    return keys


def _label(key: str, spec: AppendixSpec, level_names: dict[str, str]) -> str:
    if spec.rows_by == "cap_hoc":
        return level_names[key]
    if spec.pinned and key == spec.pinned.office:
        return spec.pinned.label
    return key.removeprefix(spec.strip_prefix) if spec.strip_prefix else key


def _sum_levels(rows: list[Row], levels: tuple[str, ...]) -> dict[str, Counts]:
    totals = {level: Counts() for level in levels}
    for row in rows:
        for level, counts in row.by_level.items():
            totals[level] = totals[level] + counts
    return totals
