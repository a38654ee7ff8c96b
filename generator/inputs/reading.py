"""Read the unit table (one row per unit and level) from CSV or a spreadsheet.

CSV comes in any of the character sets of :mod:`generator.charsets`, with
",", ";" or tab between cells; XLSX, XLS and ODS are read with python-calamine
(formula cells give their values). Headers map through
:mod:`generator.headers`. Values come back as NFC text with the row numbers the
clerk sees; checking them is :mod:`generator.validation`'s job.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from ..common.errors import InvalidData, Problem
from . import charsets
from .headers import COLUMNS, COUNT_COLUMNS, IGNORED, LABELS, classify, fold, map_headers

__all__ = ["COUNT_COLUMNS", "LABELS", "RawTable", "find_table", "fold", "read_table"]

TABLE_NAMES = ("don-vi.csv", "don-vi.xlsx", "don-vi.xls", "don-vi.ods")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_DELIMITERS = (",", ";", "\t")
HEADER_SEARCH = 15  # rows looked through for the header, below any title rows
_CONVERT_FIX = (
    "chuyển sang Unicode bằng Unikey: bôi đen bảng, chép (Ctrl+C), mở Unikey → Công cụ chuyển mã "
    "(Ctrl+Shift+F6), chọn nguồn {font}, đích Unicode, bấm «Chuyển mã», rồi dán lại (Ctrl+V)."
)


@dataclass(frozen=True)
class RawTable:
    """The table as text, with canonical column names and the clerk's row numbers."""

    file: str
    sheet: str | None
    frame: pd.DataFrame  # canonical columns, str values, "" for blank
    rows: tuple[int, ...]  # Excel-style number of each data row
    headers: dict[str, str]  # canonical name → the header as written
    encoding: str | None = None  # for CSV: the character set it was found in


def find_table(folder: Path) -> Path | None:
    """The unit table inside a data folder, or None."""
    return next((folder / name for name in TABLE_NAMES if (folder / name).is_file()), None)


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """Read ``path`` and map its headers; raises InvalidData listing every layout problem."""
    grid, sheet_name, encoding = _read_grid(path, sheet)
    numbered = [(number, row) for number, row in enumerate(grid, start=1) if any(row)]
    if not numbered:
        fix = "nhập dòng tiêu đề ở dòng 1 và mỗi đơn vị, mỗi cấp học một dòng bên dưới."
        raise InvalidData([Problem(path.name, "tệp trống.", fix, sheet=sheet_name)])
    start = _header_position(numbered)
    header_number, header = numbered[start]
    second = numbered[start + 1][1] if len(numbered) > start + 1 else None
    mapping, problems = map_headers(header, second, header_number, path.name, sheet_name)
    body = numbered[start + mapping.rows :]
    problems += _ragged_rows(body, len(header), path.name, sheet_name)
    problems += _legacy_text(numbered[start:], mapping.columns, path.name, sheet_name)
    if problems:
        raise InvalidData(problems)
    frame = _frame(body, mapping.columns)
    rows = tuple(number for number, _ in body)
    return RawTable(path.name, sheet_name, frame, rows, mapping.labels, encoding)


def _header_position(numbered: list[tuple[int, list[str]]]) -> int:
    """The header row: the first that names two known columns (titles above are skipped)."""
    for position, (_, row) in enumerate(numbered[:HEADER_SEARCH]):
        if sum(classify(cell) not in (None, IGNORED) for cell in row if cell) >= 2:
            return position
    return 0


def _frame(body: list[tuple[int, list[str]]], columns: dict[int, str]) -> pd.DataFrame:
    wanted = {position: name for position, name in columns.items() if name != IGNORED}
    records = [
        {name: (row[p] if p < len(row) else "") for p, name in wanted.items()} for _, row in body
    ]
    return pd.DataFrame.from_records(records, columns=[c.name for c in COLUMNS]).fillna("")


def _read_grid(path: Path, sheet: str | None) -> tuple[list[list[str]], str | None, str | None]:
    """Every row of the file as a list of NFC strings (blank cells as "")."""
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        grid, name = _read_spreadsheet(path, sheet)
        return grid, name, None
    try:
        text, encoding = charsets.decode(path.read_bytes())
    except charsets.UnknownEncoding:
        fix = "mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu «CSV UTF-8 (Comma delimited)»."
        message = "không nhận ra bảng mã của tệp (không phải UTF-8, UTF-16 hay Windows-1258)."
        raise InvalidData([Problem(path.name, message, fix)]) from None
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    return [[_clean_text(cell) for cell in row] for row in rows], None, encoding


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(_DELIMITERS, key=first.count)


def _read_spreadsheet(path: Path, sheet: str | None) -> tuple[list[list[str]], str]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own errors for damaged or foreign files
        fix = "mở tệp bằng Excel và lưu lại dạng .xlsx."
        message = f"không đọc được tệp bảng tính ({type(error).__name__})."
        raise InvalidData([Problem(path.name, message, fix)]) from None
    name = sheet if sheet is not None else workbook.sheet_names[0]
    if name not in workbook.sheet_names:
        fix = f"chọn một trong các trang tính: {', '.join(workbook.sheet_names)}."
        raise InvalidData([Problem(path.name, f"không có trang tính «{name}».", fix)])
    rows = workbook.get_sheet_by_name(name).to_python()
    return [[_cell_text(cell) for cell in row] for row in rows], name


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return _clean_text("" if value is None else str(value))


def _clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _ragged_rows(
    body: list[tuple[int, list[str]]], width: int, file: str, sheet: str | None
) -> list[Problem]:
    problems = []
    for number, row in body:
        if any(row[width:]):
            message = f"dòng có {len(row)} ô nhưng bảng chỉ có {width} cột."
            fix = (
                "nếu số có dấu phẩy (12,5) thì đặt trong dấu ngoặc kép hoặc bỏ dấu phẩy; "
                "xoá các ô thừa bên phải."
            )
            problems.append(Problem(file, message, fix, row=number, sheet=sheet))
    return problems


def _legacy_text(
    rows: list[tuple[int, list[str]]], columns: dict[int, str], file: str, sheet: str | None
) -> list[Problem]:
    """One problem per column whose text is typed in an old Vietnamese font."""
    found: dict[int, list[tuple[int, str, str]]] = {}
    for number, row in rows:
        for position, cell in enumerate(row):
            font = charsets.legacy_font(cell)
            if font:
                found.setdefault(position, []).append((number, cell, font))
    problems = []
    for position, cells in sorted(found.items()):
        number, example, font = cells[0]
        name = columns.get(position)
        column = LABELS.get(name, f"cột thứ {position + 1}")
        shown = ", ".join(str(n) for n, _, _ in cells[:5]) + (", …" if len(cells) > 5 else "")
        message = (
            f"{len(cells)} ô viết bằng bảng mã cũ {font}, ví dụ «{example}» "
            f"(dòng {shown}); chương trình không đoán chữ."
        )
        problems.append(
            Problem(
                file,
                message,
                _CONVERT_FIX.format(font=font.split(" ")[0]),
                row=number,
                column=column,
                sheet=sheet,
            )
        )
    return problems
