"""What changed between two versions or two data folders: figures per unit and level.

Each side is an archived version (``output/2023-06-23/v002``) or a data folder
(``data/2023-09-15``); both are read and checked as ``build`` reads them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..common.files import stable_zip
from ..figures.aggregate import Counts, aggregate
from ..inputs.folder import load_inputs
from ..inputs.reading import COUNT_COLUMNS, LABELS
from .versions import MANIFEST, load_version

KEY = ["don_vi", "cap_hoc"]
FIXED_TIME = datetime(2020, 1, 1)


@dataclass(frozen=True)
class Change:
    unit: str
    level: str
    column: str  # canonical count column
    before: int
    after: int

    @property
    def difference(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Diff:
    before: str
    after: str
    changes: tuple[Change, ...]
    added: tuple[tuple[str, str], ...]  # (unit, level) only in ``after``
    removed: tuple[tuple[str, str], ...]  # (unit, level) only in ``before``
    totals_before: Counts
    totals_after: Counts


def diff(before: Path, after: Path) -> Diff:
    """Compare the unit tables behind two versions or data folders."""
    old, old_total = _side(before)
    new, new_total = _side(after)
    merged = old.merge(new, on=KEY, how="outer", suffixes=("_a", "_b"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    changes = tuple(
        Change(
            row["don_vi"], row["cap_hoc"], column, int(row[f"{column}_a"]), int(row[f"{column}_b"])
        )
        for row in both.to_dict("records")
        for column in COUNT_COLUMNS
        if row[f"{column}_a"] != row[f"{column}_b"]
    )
    return Diff(
        before=_label(before),
        after=_label(after),
        changes=changes,
        added=_keys(merged, "right_only"),
        removed=_keys(merged, "left_only"),
        totals_before=old_total,
        totals_after=new_total,
    )


def _side(path: Path) -> tuple[pd.DataFrame, Counts]:
    if (path / MANIFEST).is_file():
        version = load_version(path)
        inputs = load_inputs(version.inputs, version.manifest.get("trang_tinh"))
    else:
        inputs = load_inputs(path)
    total = aggregate(inputs.units, inputs.declarations)[0].total.total
    return inputs.units, total


def _label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if (path / MANIFEST).is_file() else str(path)


def _keys(merged: pd.DataFrame, side: str) -> tuple[tuple[str, str], ...]:
    rows = merged[merged["_merge"] == side]
    return tuple(zip(rows["don_vi"], rows["cap_hoc"], strict=True))


def diff_workbook(result: Diff) -> bytes:
    """The comparison as an .xlsx for the leader: changes, added/removed rows, totals."""
    book = Workbook()
    changes = book.active
    changes.title = "Thay đổi"
    _sheet(
        changes,
        ["Đơn vị", "Cấp học", "Chỉ tiêu", result.before, result.after, "Chênh lệch"],
        [
            [c.unit, c.level, LABELS[c.column], c.before, c.after, c.difference]
            for c in result.changes
        ],
    )
    rows = [[unit, level, "thêm"] for unit, level in result.added]
    rows += [[unit, level, "bớt"] for unit, level in result.removed]
    _sheet(book.create_sheet("Thêm, bớt"), ["Đơn vị", "Cấp học", "Thay đổi"], rows)
    _sheet(
        book.create_sheet("Tổng"),
        ["Chỉ tiêu", result.before, result.after, "Chênh lệch"],
        [
            [
                LABELS[name],
                getattr(result.totals_before, name),
                getattr(result.totals_after, name),
                getattr(result.totals_after, name) - getattr(result.totals_before, name),
            ]
            for name in COUNT_COLUMNS
        ],
    )
    book.properties.creator = "vanban"
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue(), FIXED_TIME)  # same inputs, same bytes


def _sheet(sheet, header: list[str], rows: list[list]) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_visible(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: a name "=HYPERLINK(…)" is no formula
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)


def _visible(value: object) -> object:
    """Control characters (which Excel cannot hold) shown as ``\\x07``, never dropped."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m[0]):02x}", value)
    return value
