"""Read the unit table (one row per unit and level) from CSV or a spreadsheet.

Header labels are matched against the aliases in ``COLUMNS`` ignoring case,
spaces, punctuation and diacritics, so "Tên đơn vị", "TEN DON VI" and
"don_vi" all name the same column. Values come back as NFC text; checking
them is :mod:`generator.validation`'s job.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InvalidData, Problem

TABLE_NAMES = ("don-vi.csv", "don-vi.xlsx", "don-vi.xls", "don-vi.ods")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
HEADER_ROW = 1  # the row the clerk sees the headers on, in Excel numbering


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
    """Read ``path`` and map its headers; raises InvalidData listing every header problem."""
    frame, sheet_name = _read_frame(path, sheet)
    frame = frame.fillna("").astype(str).map(_clean_text)
    frame = frame.loc[~(frame == "").all(axis=1)]
    headers, problems = _map_headers(list(frame.columns), path.name, sheet_name)
    if problems:
        raise InvalidData(problems)
    rows = tuple(int(index) + HEADER_ROW + 1 for index in frame.index)
    frame = frame.rename(columns={v: k for k, v in headers.items()}).reset_index(drop=True)
    return RawTable(path.name, sheet_name, frame, rows, headers)


def _read_frame(path: Path, sheet: str | None) -> tuple[pd.DataFrame, str | None]:
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        target = sheet if sheet is not None else 0
        frame = pd.read_excel(path, sheet_name=target, dtype=str, engine="calamine")
        return frame, sheet if sheet is not None else _first_sheet(path)
    text = path.read_bytes().decode("utf-8-sig")
    from io import StringIO

    return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False), None


def _first_sheet(path: Path) -> str:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).sheet_names[0]


def _clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _map_headers(
    headers: list[str], file: str, sheet: str | None
) -> tuple[dict[str, str], list[Problem]]:
    found: dict[str, str] = {}
    problems = []
    for position, header in enumerate(headers):
        name = _ALIASES.get(fold(header))
        if name is None or name in found:
            problems.append(_unknown_header(header, position, name, file, sheet))
        else:
            found[name] = header
    for column in COLUMNS:
        if column.name not in found:
            fix = f"thêm cột có tiêu đề «{column.label}» ở dòng {HEADER_ROW}."
            problems.append(
                Problem(
                    file,
                    "thiếu cột bắt buộc.",
                    fix,
                    row=HEADER_ROW,
                    column=column.label,
                    sheet=sheet,
                )
            )
    return found, problems


def _unknown_header(
    header: str, position: int, duplicate_of: str | None, file: str, sheet: str | None
) -> Problem:
    shown = header if not header.startswith("Unnamed:") else f"(cột thứ {position + 1}, trống)"
    if duplicate_of:
        message = f"cột này trùng với cột «{LABELS[duplicate_of]}» đã có."
        fix = "xoá một trong hai cột."
    else:
        message = "tiêu đề cột không thuộc bảng số liệu."
        fix = _suggest(header)
    return Problem(file, message, fix, row=HEADER_ROW, column=shown, sheet=sheet)


def _suggest(header: str) -> str:
    close = difflib.get_close_matches(fold(header), list(_ALIASES), n=1, cutoff=0.6)
    if close:
        return f"có phải ý bạn là «{LABELS[_ALIASES[close[0]]]}»? Sửa lại tiêu đề cho đúng."
    labels = ", ".join(f"«{label}»" for label in LABELS.values())
    return f"xoá cột này, hoặc đổi tiêu đề thành một trong: {labels}."
