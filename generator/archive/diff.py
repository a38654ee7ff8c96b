"""What changed between two versions or two data folders, told the way a clerk reads it.

Each side is an archived version (``output/2023-06-23/v002``) or a data folder
(``data/2023-09-15``); both are read and checked as ``build`` reads them. The
result lists, each exactly once: the headline totals of the notice's body;
then per managing office its totals, the units renamed (same office and level,
a similar name and the same or close figures: «Đổi tên: A → B»), added and
removed (with their figures), and the figures changed.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..common.vnformat import count, signed
from ..figures.aggregate import Counts, sector_total
from ..inputs.folder import load_inputs
from ..inputs.headers import COUNT_COLUMNS, LABELS, fold
from .versions import MANIFEST, load_version

KEY = ["don_vi", "cap_hoc"]
RENAME_NAME_SIMILARITY = 0.6  # difflib ratio of the folded names
RENAME_FIGURES_DISTANCE = 0.25  # total absolute change / total figures before
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@dataclass(frozen=True)
class Change:
    unit: str
    level: str
    column: str  # canonical count column
    before: int
    after: int
    office: str = ""

    @property
    def difference(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class UnitRow:
    """A unit at one level with its figures (an addition or a removal)."""

    unit: str
    level: str
    office: str
    counts: Counts


@dataclass(frozen=True)
class Rename:
    before: str
    after: str
    level: str
    office: str
    changes: tuple[Change, ...]  # its figure changes (under the new name)


@dataclass(frozen=True)
class OfficeDiff:
    office: str
    totals_before: Counts
    totals_after: Counts
    renamed: tuple[Rename, ...] = ()
    added: tuple[UnitRow, ...] = ()
    removed: tuple[UnitRow, ...] = ()
    changes: tuple[Change, ...] = ()  # units under the same name on both sides

    @property
    def quiet(self) -> bool:
        return not (self.renamed or self.added or self.removed or self.changes)


@dataclass(frozen=True)
class Diff:
    before: str
    after: str
    changes: tuple[Change, ...]  # same name on both sides
    added: tuple[tuple[str, str], ...]  # (unit, level) only in ``after``, renames excluded
    removed: tuple[tuple[str, str], ...]  # (unit, level) only in ``before``, renames excluded
    totals_before: Counts
    totals_after: Counts
    renamed: tuple[Rename, ...] = ()
    added_rows: tuple[UnitRow, ...] = ()
    removed_rows: tuple[UnitRow, ...] = ()
    offices: tuple[OfficeDiff, ...] = field(default_factory=tuple)


def diff(before: Path, after: Path) -> Diff:
    """Compare the unit tables behind two versions or data folders."""
    old, old_total = _side(before)
    new, new_total = _side(after)
    merged = old.merge(new, on=KEY, how="outer", suffixes=("_a", "_b"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    changes = tuple(
        change
        for row in both.to_dict("records")
        for change in _changes(row, row["don_vi"], row["don_vi_quan_ly_b"])
    )
    removed = _rows(merged[merged["_merge"] == "left_only"], "_a")
    added = _rows(merged[merged["_merge"] == "right_only"], "_b")
    renamed, added, removed = _renames(removed, added)
    return Diff(
        before=_label(before),
        after=_label(after),
        changes=changes,
        added=tuple((r.unit, r.level) for r in added),
        removed=tuple((r.unit, r.level) for r in removed),
        totals_before=old_total,
        totals_after=new_total,
        renamed=renamed,
        added_rows=added,
        removed_rows=removed,
        offices=_by_office(old, new, changes, renamed, added, removed),
    )


def _side(path: Path) -> tuple[pd.DataFrame, Counts]:
    if (path / MANIFEST).is_file():
        version = load_version(path)
        inputs = load_inputs(version.inputs, version.manifest.get("trang_tinh"))
    else:
        inputs = load_inputs(path)
    total = sector_total(inputs.units, inputs.declarations).total
    return inputs.units, total


def _label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if (path / MANIFEST).is_file() else str(path)


def _changes(row: dict, unit: str, office: str) -> list[Change]:
    return [
        Change(unit, row["cap_hoc"], c, int(row[f"{c}_a"]), int(row[f"{c}_b"]), office)
        for c in COUNT_COLUMNS
        if row[f"{c}_a"] != row[f"{c}_b"]
    ]


def _rows(frame: pd.DataFrame, side: str) -> list[UnitRow]:
    return [
        UnitRow(
            row["don_vi"],
            row["cap_hoc"],
            row[f"don_vi_quan_ly{side}"],
            Counts(*(int(row[f"{c}{side}"]) for c in COUNT_COLUMNS)),
        )
        for row in frame.to_dict("records")
    ]


def _renames(
    removed: list[UnitRow], added: list[UnitRow]
) -> tuple[tuple[Rename, ...], tuple[UnitRow, ...], tuple[UnitRow, ...]]:
    """Pair a removed and an added unit of the same office and level, alike in name and figures."""
    pairs = []
    for i, old in enumerate(removed):
        for j, new in enumerate(added):
            if (old.level, old.office) != (new.level, new.office):
                continue
            likeness = difflib.SequenceMatcher(None, fold(old.unit), fold(new.unit)).ratio()
            distance = _distance(old.counts, new.counts)
            if likeness >= RENAME_NAME_SIMILARITY and distance <= RENAME_FIGURES_DISTANCE:
                pairs.append((likeness - distance, i, j))
    used_old, used_new, renames = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        old, new = removed[i], added[j]
        row = {"cap_hoc": new.level}
        for c in COUNT_COLUMNS:
            row[f"{c}_a"], row[f"{c}_b"] = getattr(old.counts, c), getattr(new.counts, c)
        renames.append(Rename(old.unit, new.unit, new.level, new.office,
                              tuple(_changes(row, new.unit, new.office))))  # fmt: skip
    renames.sort(key=lambda r: (r.office, r.after, r.level))
    kept_old = tuple(r for i, r in enumerate(removed) if i not in used_old)
    kept_new = tuple(r for j, r in enumerate(added) if j not in used_new)
    return tuple(renames), kept_new, kept_old


def _distance(before: Counts, after: Counts) -> float:
    moved = sum(abs(getattr(after, c) - getattr(before, c)) for c in COUNT_COLUMNS)
    return moved / max(1, sum(getattr(before, c) for c in COUNT_COLUMNS))


def _by_office(
    old: pd.DataFrame,
    new: pd.DataFrame,
    changes: tuple[Change, ...],
    renamed: tuple[Rename, ...],
    added: tuple[UnitRow, ...],
    removed: tuple[UnitRow, ...],
) -> tuple[OfficeDiff, ...]:
    def totals(frame: pd.DataFrame) -> dict[str, Counts]:
        sums = frame.groupby("don_vi_quan_ly", sort=False)[list(COUNT_COLUMNS)].sum()
        return {office: Counts(*(int(v) for v in row)) for office, row in sums.iterrows()}

    before, after = totals(old), totals(new)
    offices = list(dict.fromkeys([*before, *after]))
    result = []
    for office in offices:
        result.append(
            OfficeDiff(
                office,
                before.get(office, Counts()),
                after.get(office, Counts()),
                tuple(r for r in renamed if r.office == office),
                tuple(r for r in added if r.office == office),
                tuple(r for r in removed if r.office == office),
                tuple(c for c in changes if c.office == office),
            )
        )
    return tuple(result)


def counts_text(counts: Counts) -> str:
    """«HS 513 (chưa đồng bộ 0), NS 47 (chưa đồng bộ 10)»."""
    return (
        f"HS {count(counts.hs_tong)} (chưa đồng bộ {count(counts.hs_chua)}), "
        f"NS {count(counts.ns_tong)} (chưa đồng bộ {count(counts.ns_chua)})"
    )


def diff_workbook(result: Diff) -> bytes:
    """The comparison as an .xlsx: a sheet per section, the same lines as on screen."""
    book = Workbook()
    book.remove(book.active)
    before, after = result.before, result.after
    head = ["Chỉ tiêu", before, after, "Chênh lệch"]
    rows = [_figure_row(LABELS[n], result.totals_before, result.totals_after, n)
            for n in COUNT_COLUMNS]  # fmt: skip
    write_sheet(book, "Tổng", head, rows)
    office_rows = [
        [o.office, *_figure_row(LABELS[n], o.totals_before, o.totals_after, n)]
        for o in result.offices
        if o.totals_before != o.totals_after
        for n in COUNT_COLUMNS
        if getattr(o.totals_before, n) != getattr(o.totals_after, n)
    ]
    write_sheet(book, "Theo đơn vị quản lý", ["Đơn vị quản lý", *head], office_rows)
    renames = [
        [r.office, r.level, r.before, r.after, "; ".join(_change_text(c) for c in r.changes)]
        for r in result.renamed
    ]
    write_sheet(
        book, "Đổi tên", ["Đơn vị quản lý", "Cấp học", "Tên cũ", "Tên mới", "Số liệu"], renames
    )
    for title, units in (("Thêm", result.added_rows), ("Bớt", result.removed_rows)):
        unit_rows = [
            [u.office, u.unit, u.level, *(count(getattr(u.counts, n)) for n in COUNT_COLUMNS)]
            for u in units
        ]
        columns = ["Đơn vị quản lý", "Đơn vị", "Cấp học", *(LABELS[n] for n in COUNT_COLUMNS)]
        write_sheet(book, title, columns, unit_rows)
    changed = [
        [
            c.office,
            c.unit,
            c.level,
            LABELS[c.column],
            count(c.before),
            count(c.after),
            signed(c.difference),
        ]  # fmt: skip
        for c in result.changes
    ]
    columns = ["Đơn vị quản lý", "Đơn vị", "Cấp học", "Chỉ tiêu", before, after, "Chênh lệch"]
    write_sheet(book, "Thay đổi", columns, changed)
    return workbook_bytes(book)


def _figure_row(label: str, before: Counts, after: Counts, name: str) -> list[str]:
    old, new = getattr(before, name), getattr(after, name)
    return [label, count(old), count(new), signed(new - old)]


def _change_text(change: Change) -> str:
    return (
        f"{LABELS[change.column]} {count(change.before)} → {count(change.after)} "
        f"({signed(change.difference)})"
    )


def write_sheet(book: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    """A sheet whose every cell is stored as text (a name starting with "=" stays a name).

    The one place the diff workbook's cells are written; to be switched to the shared
    text-as-text writer when it lands in ``common``.
    """
    sheet = book.create_sheet(title)
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(r, c)
            cell.value = "" if value is None else _visible(str(value))
            cell.data_type = "s"
            if r == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook's bytes, identical for identical contents (fixed dates, fixed zip times)."""
    book.properties.creator = "vanban"
    book.properties.created = book.properties.modified = datetime(2020, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = _MODIFIED.sub(rb"\g<1>2020-01-01T00:00:00Z\g<2>", data)
            target.writestr(info, data)
    return out.getvalue()


def _visible(text: str) -> str:
    """Control characters (which Excel cannot hold) shown as ``\\x07``, never dropped."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m[0]):02x}", text)
