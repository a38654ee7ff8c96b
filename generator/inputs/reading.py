"""Read a clerk's table (CSV or spreadsheet) into a grid of text, then into the unit table.

CSV comes in any of the character sets of :mod:`.charsets`, with ",", ";" or
tab between cells; XLSX, XLSM, XLS and ODS are read with python-calamine
(formula cells give their values; merged cells give their value to every cell
they cover). Every file is checked by :mod:`.guard` first (size, zip bombs,
XML entities), and the grid keeps Excel's row and column numbers. Headers map
through :mod:`.headers`; checking values is :mod:`.validation`'s job.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from python_calamine import CalamineWorkbook

from ..common import limits
from ..common.errors import InvalidData, Problem
from ..common.vnformat import count
from . import charsets, guard
from .headers import (
    COLUMNS,
    COUNT_COLUMNS,
    HEADER_DEPTH,
    HEADER_SEARCH,
    IGNORED,
    LABELS,
    SheetHeader,
    column_letter,
    find_header,
    fold,
    missing_columns,
    no_header,
)

__all__ = ["COUNT_COLUMNS", "LABELS", "Grid", "RawTable", "find_table", "fold", "read_table"]

TABLE_NAMES = ("don-vi.csv", "don-vi.xlsx", "don-vi.xlsm", "don-vi.xls", "don-vi.ods")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_COLUMNS = ("don_vi", "cap_hoc", "don_vi_quan_ly")
_HEAD_CHARS = 1 << 18  # a CSV longer than this has its body parsed by pyarrow
_MAX_COLUMNS = 512
_CHECK_BYTES = 1 << 22  # a large CSV is checked (UTF-8, NFC) this much at a time
_BLOCK_BYTES = 1 << 20  # pyarrow parses this much at a time, on one thread: it keeps the
# transient memory of a million-row table ~50 MB lower than larger blocks on two threads
_DELIMITERS = (",", ";", "\t")
_CONVERT_FIX = (
    "chuyển sang Unicode bằng Unikey: bôi đen bảng, chép (Ctrl+C), mở Unikey → Công cụ chuyển mã "
    "(Ctrl+Shift+F6), chọn nguồn {font}, đích Unicode, bấm «Chuyển mã», rồi dán lại (Ctrl+V)."
)
_WHAT = "bảng số liệu đơn vị"


@dataclass(frozen=True)
class Grid:
    """A sheet (or CSV file) as text: ``rows[i]`` is Excel row ``i + 1``."""

    file: str
    sheet: str | None
    rows: list[list[str]]
    encoding: str | None = None  # for CSV: the character set it was found in
    merged: bool = False  # merged cells were filled in (spreadsheets)
    data: bytes | None = None  # a large CSV in UTF-8 (NFC): ``rows`` is its head only
    delimiter: str = ","
    start: int = 0  # where the text begins in ``data`` (after a byte order mark)


@dataclass(frozen=True)
class RawTable:
    """The table as text, with canonical column names and the clerk's row numbers."""

    file: str
    sheet: str | None
    frame: pd.DataFrame  # canonical columns, str values, "" for blank
    rows: tuple[int, ...]  # Excel-style number of each data row
    headers: dict[str, str]  # canonical name → the header as written
    encoding: str | None = None  # for CSV: the character set it was found in
    letters: dict[str, str] = field(default_factory=dict)  # canonical name → column letter


def find_table(folder: Path) -> Path | None:
    """The unit table inside a data folder, or None."""
    return next((folder / name for name in TABLE_NAMES if (folder / name).is_file()), None)


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """Read a flat unit table (one row per unit and level); InvalidData lists every problem."""
    grid = read_grids(path, sheet)[0]
    header = find_header(grid.rows, grid.file, grid.sheet, merged=grid.merged)
    return table_from(grid, header)


def table_from(
    grid: Grid,
    header: SheetHeader | None,
    implied: dict[str, str] | None = None,
    level: str | None = None,
) -> RawTable:
    """The unit table a grid holds under ``header``.

    ``implied`` gives values for columns the sheet does not have (the level and office an
    appendix implies); ``level`` picks the columns of one level in a sheet with a column
    pair per level.
    """
    if not any(any(row) for row in grid.rows):
        fix = "nhập dòng tiêu đề ở dòng 1 và mỗi đơn vị, mỗi cấp học một dòng bên dưới."
        raise InvalidData([Problem(grid.file, "tệp trống.", fix, sheet=grid.sheet)])
    if header is None:
        raise InvalidData(_legacy_header(grid) or [no_header(grid.file, grid.sheet)])
    implied = implied or {}
    positions = {
        found.name: position
        for position, found in header.columns.items()
        if found.name != IGNORED and (found.level == level or found.name in TEXT_COLUMNS)
    }
    problems = list(header.problems)
    problems += missing_columns(
        set(positions) | set(implied),
        tuple(c.name for c in COLUMNS),
        header.row,
        grid.file,
        grid.sheet,
    )
    if problems:
        raise InvalidData(problems)
    fast = _arrow_body(grid, header.first_data_row) if grid.data is not None else None
    if fast is None:
        if grid.data is not None:
            grid = _full_grid(grid)
        first = header.first_data_row - 1
        body = [(n, row) for n, row in enumerate(grid.rows[first:], start=first + 1) if any(row)]
        width = max(header.columns) + 1 if header.columns else 0
        problems += _ragged_rows(body, width, grid.file, grid.sheet)
        rows = tuple(number for number, _ in body)

        def cells(position: int) -> pd.Series:
            return pd.Series(
                [row[position] if position < len(row) else "" for _, row in body], dtype="str"
            )
    else:
        cells, rows = fast
    frame = _frame(cells, len(rows), positions, implied, _label_positions(header))
    letters = {name: column_letter(position) for name, position in positions.items()}
    shown = _shown(header, positions)
    table = RawTable(grid.file, grid.sheet, frame, rows, shown, grid.encoding, letters)
    problems += check_cells(table)
    if problems:
        raise InvalidData(problems)
    return table


def _shown(header: SheetHeader, positions: dict[str, int]) -> dict[str, str]:
    return {name: header.columns[position].shown for name, position in positions.items()}


def _label_positions(header: SheetHeader) -> list[int]:
    """Ignored columns left of the name (STT): a merged «Tổng số» may be all a row says."""
    names = [p for p, f in header.columns.items() if f.name in TEXT_COLUMNS]
    first_name = min(names, default=0)
    return [p for p, f in header.columns.items() if f.name == IGNORED and p < first_name]


def _frame(
    cells: Callable[[int], pd.Series],
    length: int,
    positions: dict[str, int],
    implied: dict[str, str],
    labels: list[int],
) -> pd.DataFrame:
    columns = {}
    for column in COLUMNS:
        position = positions.get(column.name)
        if position is None:
            columns[column.name] = pd.Series([implied.get(column.name, "")] * length, dtype="str")
        else:
            columns[column.name] = cells(position)
    frame = pd.DataFrame(columns)
    for name in TEXT_COLUMNS:  # a line break typed in a name (Alt+Enter) becomes a space
        if name in positions and guard.matches(frame[name], "[\t\r\n]").any():
            frame[name] = frame[name].str.replace(guard.LINE_BREAKS.pattern, " ", regex=True)
    name = next((n for n in ("don_vi", "don_vi_quan_ly") if n in positions), None)
    if labels and name:
        for position in labels:  # «Tổng số» written in STT, merged over the name
            written = cells(position)
            take = (frame[name] == "").to_numpy() & written.map(_is_total_label).to_numpy(bool)
            frame.loc[take, name] = written[take]
    return frame


def _is_total_label(text: str) -> bool:
    folded = fold(text)
    return folded in ("tong so", "tong cong", "cong", "tong") or folded.startswith(
        ("tong so", "tong cong")
    )


def check_cells(table: RawTable) -> list[Problem]:
    """Cells too long, control characters, old-font text: one problem per kind and column."""
    problems = []
    for name in table.frame.columns:
        column = table.frame[name]
        at = Problem(
            table.file,
            "",
            row=None,
            column=table.headers.get(name, LABELS[name]),
            sheet=table.sheet,
            letter=table.letters.get(name),
        )
        lengths = column.str.len()
        for position in (lengths > limits.CELL_CHARS).to_numpy().nonzero()[0][:1]:
            problems.append(guard.too_long(_row(at, table.rows[position]), lengths[position]))
        bad = guard.matches(column, guard.CONTROL_RE2).nonzero()[0]
        for position in bad[: limits.PROBLEMS_SHOWN]:
            char = guard.CONTROL.search(column[position]).group()
            problems.append(guard.control(_row(at, table.rows[position]), char))
        problems += _legacy_text(column, table, at)
    return problems


def _row(at: Problem, row: int) -> Problem:
    return Problem(at.file, at.message, at.fix, row, at.column, at.sheet, at.key, at.letter)


def _legacy_text(column: pd.Series, table: RawTable, at: Problem) -> list[Problem]:
    """Text typed in an old Vietnamese font, decided once per distinct value."""
    if pc.all(pc.string_is_ascii(guard.arrow(column))).as_py() is not False:
        return []  # plain ASCII (counts, codes): no old font draws its letters there
    maybe = guard.matches(column, "[\u00a0-\u00ff]")
    if maybe.any():
        maybe &= ~guard.matches(column, charsets.VIETNAMESE_LETTERS)
    candidates = column[maybe]
    fonts = {value: charsets.legacy_font(value) for value in candidates.unique()}
    hits = [(p, fonts[v]) for p, v in candidates.items() if fonts.get(v)]
    if not hits:
        return []
    position, font = hits[0]
    rows = [table.rows[p] for p, _ in hits]
    shown = ", ".join(str(n) for n in rows[:5]) + (", …" if len(rows) > 5 else "")
    message = (
        f"{len(hits)} ô viết bằng bảng mã cũ {font}, ví dụ «{column[position]}» "
        f"(dòng {shown}); chương trình không đoán chữ."
    )
    fix = _CONVERT_FIX.format(font=font.split(" ")[0])
    return [Problem(at.file, message, fix, rows[0], at.column, at.sheet, None, at.letter)]


def _legacy_header(grid: Grid) -> list[Problem]:
    """Old-font text in the top rows: the reason no header was recognised."""
    for number, row in enumerate(grid.rows[:HEADER_SEARCH], start=1):
        for position, cell in enumerate(row):
            font = charsets.legacy_font(cell)
            if font:
                message = f"tiêu đề viết bằng bảng mã cũ {font}, ví dụ «{cell}»."
                fix = _CONVERT_FIX.format(font=font.split(" ")[0])
                letter = column_letter(position)
                return [Problem(grid.file, message, fix, number, None, grid.sheet, None, letter)]
    return []


# --- Grids ---------------------------------------------------------------------------------


def read_grids(path: Path, sheet: str | None = None, every: bool = False) -> list[Grid]:
    """The file as grids: one for CSV; the named (or first) sheet, or ``every`` sheet."""
    guard.check_file(path, limits.TABLE_FILE_BYTES, _WHAT)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, sheet, every)
    return [read_csv_grid(path)]


def read_csv_grid(path: Path, data: bytes | None = None) -> Grid:
    """A CSV file as a grid, in whatever accepted character set and delimiter it uses."""
    data = path.read_bytes() if data is None else data
    if data.count(b"\n") > limits.UNIT_ROWS + 1:
        _too_many_rows(path.name, None, data.count(b"\n"))
    large = _large_utf8(path.name, data)
    if large is not None:
        return large
    text, encoding = decode(path.name, data)
    nul = text.find("\x00")  # the csv module cannot read past one
    if nul >= 0:
        start = text.rfind("\n", 0, nul) + 1
        line = text[start : text.find("\n", nul) if "\n" in text[nul:] else len(text)]
        marked = [line.replace("\x00", "\x01")]
        try:
            cells = next(csv.reader(marked, delimiter=sniff_delimiter(text)))
        except csv.Error:  # not a table at all (a binary file): the line is all we can say
            cells = []
        position = next((i for i, cell in enumerate(cells) if "\x01" in cell), None)
        letter = column_letter(position) if position is not None else None
        at = Problem(path.name, "", row=text.count("\n", 0, nul) + 1, letter=letter)
        raise InvalidData([guard.control(at, "\x00")])
    delimiter = sniff_delimiter(text)
    if len(text) > _HEAD_CHARS:  # the head for the header; pyarrow parses the body
        end = _head_end(text, 0)
        rows = _csv_rows(path.name, text[:end], delimiter)
        del data
        encoded = text.encode("utf-8")
        del text
        return Grid(path.name, None, rows, encoding, data=encoded, delimiter=delimiter)
    return Grid(path.name, None, _csv_rows(path.name, text, delimiter), encoding)


def _head_end(text: str | bytes, start: int) -> int:
    """Where the lines that may hold the header end (the rest is the body)."""
    newline = "\n" if isinstance(text, str) else b"\n"
    end = start
    for _ in range(HEADER_SEARCH + HEADER_DEPTH + 1):
        end = text.find(newline, end) + 1 or len(text)  # type: ignore[arg-type]
    return end


def _large_utf8(file: str, data: bytes) -> Grid | None:
    """A large CSV already in UTF-8 and NFC, with its head read and its body left as bytes
    (never decoded whole); None when the careful path must decide (other character sets,
    text to normalise, a NUL, a head without a line to find the delimiter on)."""
    if len(data) <= 4 * _HEAD_CHARS or b"\x00" in data:  # 4: UTF-8 bytes per character
        return None
    bom = data.startswith(codecs.BOM_UTF8)
    start = len(codecs.BOM_UTF8) if bom else 0
    if not _utf8_nfc(data, start):
        return None
    end = _head_end(data, start)
    head = data[start:end].decode("utf-8")
    if not head.strip():
        return None
    delimiter = sniff_delimiter(head)
    rows = _csv_rows(file, head, delimiter)
    encoding = charsets.UTF8_BOM if bom else charsets.UTF8
    return Grid(file, None, rows, encoding, data=data, delimiter=delimiter, start=start)


def _utf8_nfc(data: bytes, start: int) -> bool:
    """Whether ``data[start:]`` is UTF-8 in NFC, decoded a few MB at a time (cut after a line
    feed, which never joins a neighbour in normalisation)."""
    view = memoryview(data)
    while start < len(data):
        end = data.find(b"\n", start + _CHECK_BYTES) + 1 or len(data)
        try:
            piece = str(view[start:end], "utf-8")
        except UnicodeDecodeError:
            return False
        if not unicodedata.is_normalized("NFC", piece):
            return False
        start = end
    return True


def _csv_rows(file: str, text: str, delimiter: str) -> list[list[str]]:
    _check_width(file, text, delimiter)
    csv.field_size_limit(limits.CELL_CHARS + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append([cell.strip() for cell in row])
    except csv.Error:
        at = Problem(file, "", row=reader.line_num)
        raise InvalidData([guard.too_long(at, limits.CELL_CHARS + 1)]) from None
    return rows


def _check_width(file: str, text: str, delimiter: str) -> None:
    """Refuse a line with more cells than a sheet can have, before the csv module builds it
    (one 100 MB line of commas would be 50 million cells)."""
    if text.count(delimiter) <= limits.TABLE_COLUMNS:
        return
    start, number = 0, 0
    while True:
        number += 1
        end = text.find("\n", start)
        cells = text.count(delimiter, start, len(text) if end < 0 else end) + 1
        if cells > limits.TABLE_COLUMNS:
            message = (
                f"dòng có {count(cells)} ô, quá giới hạn {count(limits.TABLE_COLUMNS)} cột "
                "của một bảng (như Excel)."
            )
            fix = "mở tệp bằng Excel, xoá các cột thừa, lưu lại dạng CSV."
            raise InvalidData([Problem(file, message, fix, row=number)])
        if end < 0:
            return
        start = end + 1


def _full_grid(grid: Grid) -> Grid:
    text = (grid.data or b"")[grid.start :].decode("utf-8")
    rows = _csv_rows(grid.file, text, grid.delimiter)
    return Grid(grid.file, grid.sheet, rows, grid.encoding)


def _arrow_body(
    grid: Grid, first_row: int
) -> tuple[Callable[[int], pd.Series], tuple[int, ...]] | None:
    """The body of a large CSV parsed by pyarrow; None when only the careful path is exact
    (blank lines, line breaks inside cells, ragged rows, huge cells)."""
    data = grid.data or b""
    start = grid.start
    for _ in range(first_row - 1):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return None
    size = len(data) - start
    lines = data.count(b"\n", start) + (0 if data.endswith(b"\n") or not size else 1)
    columns = _arrow_columns(memoryview(data)[start:], grid.delimiter)
    if columns is None or len(columns[0]) != lines or len(columns) >= _MAX_COLUMNS:
        return None
    return _arrow_cells(columns, first_row)


def _arrow_columns(body: memoryview, delimiter: str) -> list[pa.ChunkedArray] | None:
    """The columns of a CSV body as Arrow strings (the table itself let go)."""
    try:
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True, block_size=_BLOCK_BYTES, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.large_string() for i in range(_MAX_COLUMNS)},
                strings_can_be_null=False,
            ),
        ).columns
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _arrow_cells(
    trimmed: list[pa.ChunkedArray], first_row: int
) -> tuple[Callable[[int], pd.Series], tuple[int, ...]]:
    """Each column trimmed in place (the untrimmed one let go), blank rows left out."""
    filled = None
    for position, column in enumerate(trimmed):
        trimmed[position] = column = pc.utf8_trim_whitespace(column)
        written = pc.not_equal(column, "")
        filled = written if filled is None else pc.or_(filled, written)
    keep = filled.to_numpy(zero_copy_only=False)
    pa.default_memory_pool().release_unused()  # the parser's and the untrimmed columns' pages
    numbers = np.arange(first_row, len(keep) + first_row)
    if not keep.all():
        numbers = numbers[keep]
        trimmed = [column.filter(pa.array(keep)) for column in trimmed]

    def cells(position: int) -> pd.Series:
        if position >= len(trimmed):
            return pd.Series([""] * len(numbers), dtype="str")
        return pd.Series(trimmed[position], dtype="str")

    return cells, tuple(numbers.tolist())


def decode(file: str, data: bytes) -> tuple[str, str]:
    """The text (NFC) of a CSV file and its character set; InvalidData when none fits."""
    try:
        text, encoding = charsets.decode(data)
    except charsets.UnknownEncoding:
        fix = "mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu «CSV UTF-8 (Comma delimited)»."
        message = "không nhận ra bảng mã của tệp (không phải UTF-8, UTF-16 hay Windows-1258)."
        raise InvalidData([Problem(file, message, fix)]) from None
    return unicodedata.normalize("NFC", text), encoding


def sniff_delimiter(text: str) -> str:
    """The delimiter seen most often on the first non-blank line (",", ";" or tab)."""
    start = 0
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.strip() or end < 0:
            break
        start = end + 1
    return max(_DELIMITERS, key=line.count)


def _too_many_rows(file: str, sheet: str | None, rows: int) -> None:
    message = (
        f"bảng có khoảng {rows:,} dòng, quá giới hạn {limits.UNIT_ROWS:,} dòng của một bảng "
        "đơn vị (mỗi đơn vị, mỗi cấp học một dòng)."
    ).replace(",", ".")
    fix = "xoá các dòng thừa; dữ liệu từng người thì đặt vào tệp ca-nhan.csv."
    raise InvalidData([Problem(file, message, fix, sheet=sheet)])


def _read_spreadsheet(path: Path, sheet: str | None, every: bool) -> list[Grid]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    except Exception as error:  # calamine raises its own errors for damaged or foreign files
        fix = "mở tệp bằng Excel và lưu lại dạng .xlsx."
        message = f"không đọc được tệp bảng tính ({type(error).__name__})."
        raise InvalidData([Problem(path.name, message, fix)]) from None
    if sheet is not None and sheet not in workbook.sheet_names:
        fix = f"chọn một trong các trang tính: {', '.join(workbook.sheet_names)}."
        raise InvalidData([Problem(path.name, f"không có trang tính «{sheet}».", fix)])
    wanted = [sheet] if sheet is not None else (names if every else names[:1])
    if not wanted:
        fix = "mở tệp bằng Excel và kiểm tra tệp có trang tính chứa bảng số liệu."
        raise InvalidData([Problem(path.name, "tệp không có trang tính nào.", fix)])
    return [_sheet_grid(path, workbook, name) for name in wanted]


def _sheet_grid(path: Path, workbook: CalamineWorkbook, name: str) -> Grid:
    try:
        sheet = workbook.get_sheet_by_name(name)
        if sheet.total_height > limits.UNIT_ROWS:
            _too_many_rows(path.name, name, sheet.total_height)
        values = sheet.to_python(skip_empty_area=False)
        merges = sheet.merged_cell_ranges or []
    except InvalidData:
        raise
    except Exception as error:
        fix = "mở tệp bằng Excel và lưu lại dạng .xlsx."
        message = f"không đọc được trang tính ({type(error).__name__})."
        raise InvalidData([Problem(path.name, message, fix, sheet=name)]) from None
    rows = [[_cell_text(cell) for cell in row] for row in values]
    for (top, left), (bottom, right) in merges:
        if top < len(rows) and left < len(rows[top]):
            value = rows[top][left]
            for r in range(top, min(bottom, len(rows) - 1) + 1):
                row = rows[r]
                row.extend([""] * (right + 1 - len(row)))
                for c in range(left, right + 1):
                    row[c] = value
    return Grid(path.name, name, rows, None, merged=bool(merges))


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip() if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return "" if value is None else unicodedata.normalize("NFC", str(value)).strip()


def _ragged_rows(
    body: list[tuple[int, list[str]]], width: int, file: str, sheet: str | None
) -> list[Problem]:
    problems = []
    for number, row in body:
        if len(row) > width and any(row[width:]):
            message = f"dòng có {len(row)} ô nhưng bảng chỉ có {width} cột."
            fix = (
                "nếu số có dấu phẩy (12,5) thì đặt trong dấu ngoặc kép hoặc bỏ dấu phẩy; "
                "xoá các ô thừa bên phải."
            )
            problems.append(Problem(file, message, fix, row=number, sheet=sheet))
            if len(problems) >= limits.PROBLEMS_SHOWN:
                break
    return problems
