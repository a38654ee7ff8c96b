"""Compute every appendix's rows and totals from the one unit table (pandas).

Nothing here formats: the figures stay integers until the template's filters
write them the Vietnamese way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..common.vnformat import ratio
from ..inputs.reading import COUNT_COLUMNS
from ..kinds.appendices import AppendixSpec, Declarations, Threshold

SECTOR_LABEL = "Toàn ngành"


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


@dataclass(frozen=True)
class Sector:
    """The whole table's figures, per declared level (with the levels' declared names)."""

    row: Row
    level_names: dict[str, str]

    @property
    def total(self) -> Counts:
        return self.row.total


def aggregate(units: pd.DataFrame, declarations: Declarations) -> tuple[Appendix, ...]:
    """Every declared appendix, in declaration order."""
    return tuple(
        _appendix(units, spec, declarations.level_names) for spec in declarations.appendices
    )


def sector_total(units: pd.DataFrame, declarations: Declarations) -> Sector:
    """The whole table's figures, per declared level: what the body and the archive report.

    It does not depend on any appendix: removing, reordering or filtering them leaves it as is.
    """
    sums = units.groupby("cap_hoc", sort=False)[list(COUNT_COLUMNS)].sum()
    present = sums.to_dict("index")
    names = {
        **declarations.level_names,
        **{lv: lv for lv in present if lv not in declarations.level_names},
    }
    by_level = {level: Counts(**_ints(present.get(level, {}))) for level in names}
    return Sector(Row(SECTOR_LABEL, by_level), names)


def _appendix(units: pd.DataFrame, spec: AppendixSpec, level_names: dict[str, str]) -> Appendix:
    columns = list(dict.fromkeys([spec.rows_by, "cap_hoc", *COUNT_COLUMNS]))
    chosen = units["cap_hoc"].isin(spec.levels).to_numpy()
    selected = units[columns] if chosen.all() else units.loc[chosen, columns]  # no copy if all
    sums = selected.groupby([spec.rows_by, "cap_hoc"], sort=False)[list(COUNT_COLUMNS)].sum()
    by_key: dict[str, dict[str, Counts]] = {}  # one pass: no per-row lookups (40,000 units)
    for (key, level), values in zip(sums.index, sums.to_numpy().tolist(), strict=True):
        by_key.setdefault(key, {})[level] = Counts(*(int(v) for v in values))
    keys = _row_keys(selected, spec)
    rows = {
        key: Row(
            _label(key, spec, level_names),
            {level: by_key[key][level] for level in spec.levels if level in by_key.get(key, {})},
        )
        for key in keys
    }
    if spec.threshold is not None:
        rows = {key: row for key, row in rows.items() if _kept(row.total, spec.threshold)}
    ordered = _sorted(rows, spec)
    shown = set(rows) if spec.threshold is not None else None
    total = Row("Tổng số", _sum_levels(sums, shown, spec.levels))
    return Appendix(spec, tuple(ordered), total)


def _kept(counts: Counts, threshold: Threshold) -> bool:
    """Whether a row reaches the threshold: for "ca_hai", learners' or staff's figures do."""
    groups = ("hs", "ns") if threshold.group == "ca_hai" else (threshold.group,)
    for group in groups:
        whole, part = getattr(counts, f"{group}_tong"), getattr(counts, f"{group}_chua")
        if threshold.min_unsynced is not None and part < threshold.min_unsynced:
            continue
        if threshold.min_rate is not None and ratio(part, whole) < threshold.min_rate:
            continue
        return True
    return False


def _sorted(rows: dict[str, Row], spec: AppendixSpec) -> list[Row]:
    """Rows in table order, or by unsynchronised count or rate, largest first (stable)."""
    pinned = [row for key, row in rows.items() if spec.pinned and key == spec.pinned.office]
    others = [row for key, row in rows.items() if not (spec.pinned and key == spec.pinned.office)]
    if spec.sort_by != "nhu_bang":
        others.sort(key=lambda row: _sort_value(row.total, spec), reverse=True)
    return pinned + others


def _sort_value(counts: Counts, spec: AppendixSpec) -> tuple[object, ...]:
    groups = ("hs", "ns") if spec.sort_group == "ca_hai" else (spec.sort_group,)
    part = sum(getattr(counts, f"{group}_chua") for group in groups)
    whole = sum(getattr(counts, f"{group}_tong") for group in groups)
    return (ratio(part, whole), part) if spec.sort_by == "ti_le" else (part, ratio(part, whole))


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


def _ints(values: dict[str, object]) -> dict[str, int]:
    return {name: int(values.get(name, 0)) for name in COUNT_COLUMNS}


def _sum_levels(
    sums: pd.DataFrame, shown: set[str] | None, levels: tuple[str, ...]
) -> dict[str, Counts]:
    """Each level's total over the rows shown (``sums``: counts by row key and level;
    ``shown``: the keys left by a threshold, None for all)."""
    if shown is not None:
        sums = sums[[key in shown for key in sums.index.get_level_values(0)]]
    by_level = sums.groupby(level=1, sort=False).sum()
    found = dict(zip(by_level.index, by_level.to_numpy().tolist(), strict=True))
    return {
        level: Counts(*(int(v) for v in found[level])) if level in found else Counts()
        for level in levels
    }
