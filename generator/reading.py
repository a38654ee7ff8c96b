"""Read the unit table (one row per unit and level) from CSV or a spreadsheet.

Header labels are matched against the aliases in ``COLUMNS`` ignoring case,
spaces, punctuation and diacritics, so "Tên đơn vị", "TEN DON VI" and
"don_vi" all name the same column. Values come back as NFC text; checking
them is :mod:`generator.validation`'s job.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from .errors import InvalidData, Problem

TABLE_NAMES = ("don-vi.csv", "don-vi.xlsx", "don-vi.xls", "don-vi.ods")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass(frozen=True)
class Column:
    name: str  # canonical name, used in code
    label: str  # the label the shipped table uses
    aliases: tuple[str, ...]  # other labels a clerk may write


COLUMNS = (
    Column("don_vi", "Tên đơn vị", ("đơn vị", "tên trường", "trường", "unit")),
    Column("cap_hoc", "Cấp học", ("bậc học", "cấp", "level")),
    Column("don_vi_quan_ly", "Đơn vị quản lý", ("cơ quan quản lý", "quản lý", "phòng gdđt")),
    Column(
        "hs_tong", "Tổng số học sinh", ("số học sinh", "tổng số hs", "số hs", "tổng số học viên")
    ),
    Column(
        "hs_chua",
        "Học sinh chưa đồng bộ",
        ("hs chưa đồng bộ", "số hs chưa đồng bộ", "học sinh chưa xác thực", "hs chưa xác thực"),
    ),
    Column("ns_tong", "Tổng số nhân sự", ("số nhân sự", "tổng số ns", "số ns", "tổng số cbgvnv")),
    Column(
        "ns_chua",
        "Nhân sự chưa đồng bộ",
        ("ns chưa đồng bộ", "số ns chưa đồng bộ", "nhân sự chưa xác thực", "ns chưa xác thực"),
    ),
)
COUNT_COLUMNS = ("hs_tong", "hs_chua", "ns_tong", "ns_chua")
LABELS = {column.name: column.label for column in COLUMNS}


@dataclass(frozen=True)
class RawTable:
    """The table as text, with canonical column names and the clerk's row numbers."""

    file: str
    sheet: str | None
    frame: pd.DataFrame  # canonical columns, str values, "" for blank
    rows: tuple[int, ...]  # Excel-style number of each data row
    headers: dict[str, str]  # canonical name → the header as written


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


def find_table(folder: Path) -> Path | None:
    """The unit table inside a data folder, or None."""
    return next((folder / name for name in TABLE_NAMES if (folder / name).is_file()), None)


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """Read ``path`` and map its headers; raises InvalidData listing every layout problem."""
    grid, sheet_name = _read_grid(path, sheet)
    numbered = [(number, row) for number, row in enumerate(grid, start=1) if any(row)]
    if not numbered:
        fix = "nhập dòng tiêu đề ở dòng 1 và mỗi đơn vị, mỗi cấp học một dòng bên dưới."
        raise InvalidData([Problem(path.name, "tệp trống.", fix, sheet=sheet_name)])
    header_number, header = numbered[0]
    headers, problems = _map_headers(header, header_number, path.name, sheet_name)
    body = numbered[1:]
    problems += _ragged_rows(body, len(header), path.name, sheet_name)
    if problems:
        raise InvalidData(problems)
    width = len(header)
    frame = pd.DataFrame(
        [(row + [""] * width)[:width] for _, row in body], columns=header, dtype=str
    )
    frame = frame.rename(columns={v: k for k, v in headers.items()})
    return RawTable(path.name, sheet_name, frame, tuple(n for n, _ in body), headers)


def _read_grid(path: Path, sheet: str | None) -> tuple[list[list[str]], str | None]:
    """Every row of the file as a list of NFC strings (blank cells as "")."""
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, sheet)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        fix = "mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu «CSV UTF-8 (Comma delimited)»."
        raise InvalidData([Problem(path.name, "tệp không ở mã hoá UTF-8.", fix)]) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    return [[_clean_text(cell) for cell in row] for row in rows], None


def _read_spreadsheet(path: Path, sheet: str | None) -> tuple[list[list[str]], str]:
    workbook = CalamineWorkbook.from_path(str(path))
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


def _clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _map_headers(
    headers: list[str], row: int, file: str, sheet: str | None
) -> tuple[dict[str, str], list[Problem]]:
    found: dict[str, str] = {}
    problems = []
    for position, header in enumerate(headers):
        name = _ALIASES.get(fold(header))
        if name is None or name in found:
            problems.append(_unknown_header(header, position, name, row, file, sheet))
        else:
            found[name] = header
    for column in COLUMNS:
        if column.name not in found:
            fix = f"thêm cột có tiêu đề «{column.label}» ở dòng {row}."
            problem = Problem(
                file, "thiếu cột bắt buộc.", fix, row=row, column=column.label, sheet=sheet
            )
            problems.append(problem)
    return found, problems


def _unknown_header(
    header: str, position: int, duplicate_of: str | None, row: int, file: str, sheet: str | None
) -> Problem:
    shown = header or f"(cột thứ {position + 1}, không có tiêu đề)"
    if duplicate_of:
        message = f"cột này trùng với cột «{LABELS[duplicate_of]}» đã có."
        fix = "xoá một trong hai cột."
    else:
        message = "tiêu đề cột không thuộc bảng số liệu."
        fix = _suggest(header)
    return Problem(file, message, fix, row=row, column=shown, sheet=sheet)


def _suggest(header: str) -> str:
    close = difflib.get_close_matches(fold(header), list(_ALIASES), n=1, cutoff=0.6)
    if close:
        return f"có phải ý bạn là «{LABELS[_ALIASES[close[0]]]}»? Sửa lại tiêu đề cho đúng."
    labels = ", ".join(f"«{label}»" for label in LABELS.values())
    return f"xoá cột này, hoặc đổi tiêu đề thành một trong: {labels}."
