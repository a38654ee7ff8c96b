"""The unit table's columns, and how a clerk's header row(s) map onto them.

A label is matched ignoring case, spaces, punctuation and diacritics, so
"Tên đơn vị", "TEN DON VI" and "don_vi" are one column. Tables laid out like
the notice's own appendices have two header rows: a group header ("HỌC SINH",
"CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN") merged over "Tổng số | Chưa xác thực | Tỉ lệ";
the group then tells which count a "Chưa xác thực" is. STT and ratio columns
are recognised and left out (ratios are always computed).

Tables shaped like printed appendices are read too (:func:`find_header`): the
header block is found below any title rows (one to four rows, merged cells
already filled by the reader), and a column may carry a level ("Số HS MN", or
"Mầm non" merged over "Tổng số | Chưa đồng bộ"). Every alias of every table
vanban reads (unit tables, per-person exports, returned forms) is matched here:
:func:`match_columns` for tables with one header row.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from ..common import limits
from ..common.errors import Problem
from ..common.vnformat import count

IGNORED = "_bo_qua"  # a recognised column that carries nothing we read (STT, Tỉ lệ)


@dataclass(frozen=True)
class Column:
    name: str  # canonical name, used in code
    label: str  # the label the shipped table uses
    aliases: tuple[str, ...]  # other labels a clerk may write


COLUMNS = (
    Column("don_vi", "Tên đơn vị", ("đơn vị", "tên trường", "trường", "đơn vị p gdđt", "unit")),
    Column("cap_hoc", "Cấp học", ("bậc học", "cấp", "level")),
    Column("don_vi_quan_ly", "Đơn vị quản lý", ("cơ quan quản lý", "quản lý", "phòng gdđt")),
    Column("hs_tong", "Tổng số học sinh", ("số học sinh", "tổng số hs", "số hs", "tổng số học viên",
                                           "số học viên")),
    Column("hs_chua", "Học sinh chưa đồng bộ", ("hs chưa đồng bộ", "số hs chưa đồng bộ",
                                                "học sinh chưa xác thực", "hs chưa xác thực")),
    Column("ns_tong", "Tổng số nhân sự", ("số nhân sự", "tổng số ns", "số ns", "tổng số cbgvnv")),
    Column("ns_chua", "Nhân sự chưa đồng bộ", ("ns chưa đồng bộ", "số ns chưa đồng bộ",
                                               "nhân sự chưa xác thực", "ns chưa xác thực")),
)  # fmt: skip
COUNT_COLUMNS = ("hs_tong", "hs_chua", "ns_tong", "ns_chua")
LABELS = {column.name: column.label for column in COLUMNS}
_IGNORED_LABELS = ("stt", "tt", "so tt", "ghi chu")
_LEARNERS = ("hoc sinh", "hoc vien", "hs")
_STAFF = ("can bo", "nhan su", "giao vien", "nhan vien", "ns", "cbgvnv")


def fold(text: str) -> str:
    """Lower case, no diacritics, "đ" → "d", punctuation and spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", " ", plain.lower()).strip()


_ALIASES = {
    fold(alias): column.name
    for column in COLUMNS
    for alias in (column.name, column.label, *column.aliases)
}


def classify(label: str, group: str = "") -> str | None:
    """The canonical column a header (under an optional group header) names, or None."""
    folded, folded_group = fold(label), fold(group)
    if folded in _ALIASES and not folded_group:
        return _ALIASES[folded]
    if folded in _IGNORED_LABELS or folded.startswith("ti le") or folded.startswith("ty le"):
        return IGNORED
    if folded in _ALIASES and _ALIASES[folded] not in COUNT_COLUMNS:
        return _ALIASES[folded]
    who = _who(folded) or _who(folded_group)
    measure = "chua" if "chua" in folded else "tong" if _is_total(folded) else None
    if who and measure:
        return f"{who}_{measure}"
    return _ALIASES.get(folded)


def _who(folded: str) -> str | None:
    words = f" {folded} "
    if any(f" {w} " in words for w in _LEARNERS):
        return "hs"
    if any(f" {w} " in words for w in _STAFF):
        return "ns"
    return None


def _is_total(folded: str) -> bool:
    return folded.startswith(("tong so", "so ")) or folded in ("tong", "tong so")


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[int, str]  # position → canonical name (IGNORED for STT, ratios)
    labels: dict[str, str]  # canonical name → the header as the clerk wrote it
    rows: int  # how many header rows (1 or 2)


def map_headers(
    first: list[str], second: list[str] | None, row: int, file: str, sheet: str | None
) -> tuple[HeaderMap, list[Problem]]:
    """Map one header row, or two when that is what the sheet has; problems if neither fits."""
    single, problems = _map(first, [""] * len(first), row, file, sheet)
    if not problems or second is None:
        return single, problems
    groups = _forward_fill(first)
    labels = [sub or group for group, sub in zip(groups, _pad(second, len(first)), strict=True)]
    grouped = [
        group if sub else "" for group, sub in zip(groups, _pad(second, len(first)), strict=True)
    ]
    double, double_problems = _map(labels, grouped, row, file, sheet)
    if not double_problems:
        return HeaderMap(double.columns, double.labels, rows=2), []
    return single, problems


def _pad(cells: list[str], width: int) -> list[str]:
    return (cells + [""] * width)[:width]


def _forward_fill(cells: list[str]) -> list[str]:
    filled, last = [], ""
    for cell in cells:
        last = cell or last
        filled.append(last)
    return filled


def _map(
    labels: list[str], groups: list[str], row: int, file: str, sheet: str | None
) -> tuple[HeaderMap, list[Problem]]:
    columns: dict[int, str] = {}
    written: dict[str, str] = {}
    problems = []
    unknown = 0
    for position, (label, group) in enumerate(zip(labels, groups, strict=True)):
        if not label and not group:
            continue
        name = classify(label, group)
        shown = f"{group} / {label}" if group and group != label else label
        if name is None or (name != IGNORED and name in written):
            unknown += 1
            if unknown <= limits.PROBLEMS_SHOWN:  # a sheet of 100.000 stray columns: count them
                problems.append(_unknown(shown, name, row, file, sheet))
        elif name != IGNORED:
            written[name] = shown
        columns[position] = name or IGNORED
    problems += _more_columns(unknown, row, file, sheet)
    for column in COLUMNS:
        if column.name not in written:
            fix = f"thêm cột có tiêu đề «{column.label}» ở dòng {row}."
            problems.append(
                Problem(file, "thiếu cột bắt buộc.", fix, row=row, column=column.label, sheet=sheet)
            )
    return HeaderMap(columns, written, rows=1), problems


def _more_columns(unknown: int, row: int, file: str, sheet: str | None) -> list[Problem]:
    """After the first columns with a wrong header, the number of the others."""
    if unknown <= limits.PROBLEMS_SHOWN:
        return []
    more = f"còn {count(unknown - limits.PROBLEMS_SHOWN)} cột khác có tiêu đề sai như vậy."
    return [Problem(file, more, "xoá các cột thừa, sửa tiêu đề.", row=row, sheet=sheet)]


def _unknown(
    shown: str,
    duplicate_of: str | None,
    row: int,
    file: str,
    sheet: str | None,
    position: int | None = None,
) -> Problem:
    if duplicate_of:
        message = f"cột này trùng với cột «{LABELS[duplicate_of]}» đã có."
        fix = "xoá một trong hai cột."
    else:
        message = "tiêu đề cột không thuộc bảng số liệu."
        fix = _suggest(shown)
    letter = column_letter(position) if position is not None else None
    return Problem(file, message, fix, row=row, column=shown, sheet=sheet, letter=letter)


def _suggest(header: str) -> str:
    close = difflib.get_close_matches(fold(header), list(_ALIASES), n=1, cutoff=0.8)
    if close:
        return f"có phải ý bạn là «{LABELS[_ALIASES[close[0]]]}»? Sửa lại tiêu đề cho đúng."
    labels = ", ".join(f"«{label}»" for label in LABELS.values())
    return f"xoá cột này, hoặc đổi tiêu đề thành một trong: {labels}."


# --- Header blocks of tables shaped like printed appendices --------------------------------

HEADER_SEARCH = 15  # rows looked through for the header, below any title rows
HEADER_DEPTH = 4  # rows a header block may span (group, level, measure, and one more)
_NUMBER = re.compile(r"^[+-]?\d[\d.,\s\u00a0]*$")
_NUMBERING = re.compile(r"^\(?(\d{1,2}|[A-Za-z])\)?$")
_MEASURES = ("tong so", "tong", "so ", "chua", "ti le", "ty le", "da ")


@dataclass(frozen=True)
class Found:
    """One column of a header block: canonical name, level (or None), the label as written."""

    name: str
    level: str | None
    shown: str


@dataclass(frozen=True)
class SheetHeader:
    row: int  # Excel number of the first header row
    depth: int  # header rows, including a column-numbering row under them
    columns: dict[int, Found]  # position → what it holds (IGNORED ones included)
    problems: list[Problem]
    title: str  # the text above the header (titles, "PHỤ LỤC II")

    @property
    def first_data_row(self) -> int:
        return self.row + self.depth

    def names(self) -> set[str]:
        return {f.name for f in self.columns.values() if f.name != IGNORED}

    def levels(self) -> set[str]:
        return {f.level for f in self.columns.values() if f.level}


def _headerish(cell: str) -> bool:
    folded = fold(cell)
    if not folded:
        return False
    return (
        classify(cell) is not None
        or _who(folded) is not None
        or folded.startswith(_MEASURES)
        or folded in ("cap hoc", "don vi", "phong gddt")
    )


def header_row(rows: list[list[str]]) -> int | None:
    """Index of the first row naming two columns (title rows above are skipped), else None."""
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        cells = {cell for cell in row if cell}
        known = [cell for cell in cells if _headerish(cell)]
        if len(known) >= 2 and any(classify(cell) not in (None, IGNORED) for cell in cells):
            return index
        if len(known) >= 3:
            return index
    return None


def is_numbering(row: list[str]) -> bool:
    """A row of column numbers under a printed header: "1 2 3 …" or "(1) (2) …" or "A B …"."""
    cells = [cell for cell in row if cell]
    return len(cells) >= 3 and all(_NUMBERING.match(cell) for cell in cells)


def _is_header_continuation(row: list[str]) -> bool:
    return any(row) and not any(_NUMBER.match(cell) for cell in row if cell)


def find_header(
    rows: list[list[str]],
    file: str,
    sheet: str | None,
    levels: dict[str, str] | None = None,
    merged: bool = False,
) -> SheetHeader | None:
    """The header block of a grid (row i = Excel row i + 1), or None when there is none.

    ``merged``: merged cells were already filled in (spreadsheets); otherwise a group label
    written once is carried over the columns to its right.
    """
    start = header_row(rows)
    if start is None:
        return None
    depth = 1
    while (
        depth < HEADER_DEPTH
        and start + depth < len(rows)
        and _is_header_continuation(rows[start + depth])
    ):
        depth += 1
    block = [rows[start + k] for k in range(depth)]
    if start + depth < len(rows) and is_numbering(rows[start + depth]):
        depth += 1
    width = max(len(row) for row in block)
    block = [_pad(row, width) for row in block]
    filled = block if merged else [_forward_fill(r) for r in block[:-1]] + [block[-1]]
    found = [_column(block, filled, c, levels) for c in range(width)]
    columns, problems = _settle(found, start + 1, file, sheet)
    title = " ".join(cell for row in rows[:start] for cell in row if cell)
    return SheetHeader(start + 1, depth, columns, problems, title)


def _column(
    block: list[list[str]], filled: list[list[str]], c: int, levels: dict[str, str] | None
) -> tuple[str, str, str | None] | None:
    own = [row[c] for row in block]
    leaf_at = max((k for k, cell in enumerate(own) if cell), default=None)
    if leaf_at is None:
        return None
    leaf = own[leaf_at]
    groups = []
    for row in filled[:leaf_at]:
        if row[c] and row[c] != leaf and row[c] not in groups:
            groups.append(row[c])
    level = None
    if levels:
        level = _level_of(leaf, levels)
        for group in groups:
            level = level or _level_of(group, levels)
    group_text = " ".join(g for g in groups if not levels or not _level_of(g, levels))
    return leaf, group_text, level


def _level_of(text: str, levels: dict[str, str]) -> str | None:
    words = f" {fold(text)} "
    for code, name in sorted(levels.items(), key=lambda item: -len(item[0])):
        if f" {fold(code)} " in words or (fold(name) and f" {fold(name)} " in words):
            return code
    return None


def _settle(
    found: list[tuple[str, str, str | None] | None], row: int, file: str, sheet: str | None
) -> tuple[dict[int, Found], list[Problem]]:
    columns: dict[int, Found] = {}
    problems: list[Problem] = []
    tagged = any(f is not None and f[2] for f in found)
    seen: dict[tuple[str, str | None], int] = {}
    previous: Found | None = None
    unknown = 0
    for position, item in enumerate(found):
        if item is None:
            previous = None
            continue
        leaf, group, level = item
        shown = f"{group} / {leaf}" if group else leaf
        name = classify(leaf, group)
        folded = fold(leaf)
        if tagged and level is None and "tong" in folded and "chua" in folded:
            name = IGNORED  # "Tổng số HS chưa đồng bộ": the sum of the level pairs
        if (
            tagged
            and level is None
            and name in COUNT_COLUMNS
            and previous is not None
            and previous.level
            and previous.name[:2] == name[:2]
            and previous.name != name
        ):
            level = previous.level  # "Số HS MN | Chưa đồng bộ": the pair shares its level
        if name is None or (name != IGNORED and (name, level) in seen):
            unknown += 1
            if unknown <= limits.PROBLEMS_SHOWN:
                problems.append(_unknown(shown, name, row, file, sheet, position))
            if name is None:
                previous = None
                continue
        elif name != IGNORED:
            seen[(name, level)] = position
        columns[position] = previous = Found(name, level, shown)
    return columns, problems + _more_columns(unknown, row, file, sheet)


def column_letter(position: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA" (Excel's column names)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def missing_columns(
    names: set[str], wanted: tuple[str, ...], row: int | None, file: str, sheet: str | None
) -> list[Problem]:
    """One problem per required column not found, placed at the header row found."""
    problems = []
    for name in wanted:
        if name not in names:
            label = LABELS[name]
            where = f"ở dòng {row}" if row else "ở dòng tiêu đề"
            fix = f"thêm cột có tiêu đề «{label}» {where}."
            problems.append(
                Problem(file, "thiếu cột bắt buộc.", fix, row=row, column=label, sheet=sheet)
            )
    return problems


def no_header(file: str, sheet: str | None) -> Problem:
    labels = ", ".join(f"«{label}»" for label in LABELS.values())
    return Problem(
        file,
        f"không tìm thấy hàng tiêu đề trong {HEADER_SEARCH} dòng đầu.",
        f"ghi một hàng tiêu đề với các cột {labels}, phía trên các dòng số liệu.",
        sheet=sheet,
    )


# --- One header row, any table (per-person exports, returned forms) -----------------------


@dataclass(frozen=True)
class Wanted:
    """A column some table needs: canonical name, label shown, other labels accepted."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = True


def match_columns(
    headers: list[str],
    wanted: tuple[Wanted, ...],
    file: str,
    row: int = 1,
    sheet: str | None = None,
) -> tuple[dict[str, str], list[Problem]]:
    """header as written → canonical name, and one problem per required column missing."""
    aliases = {fold(a): w.name for w in wanted for a in (w.name, w.label, *w.aliases)}
    renamed: dict[str, str] = {}
    for header in headers:
        name = aliases.get(fold(str(header)))
        if name and name not in renamed.values():
            renamed[header] = name
    problems = [
        Problem(
            file,
            "thiếu cột bắt buộc.",
            f"thêm cột «{w.label}» vào dòng tiêu đề (dòng {row}).",
            row=row,
            column=w.label,
            sheet=sheet,
        )
        for w in wanted
        if w.required and w.name not in renamed.values()
    ]
    return renamed, problems
