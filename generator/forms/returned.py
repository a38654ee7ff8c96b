"""Read a returned form (.xlsx or .docx) back into rows, finding its columns by header.

A unit may move, widen or rename columns a little: the header row is looked for
among the first rows, and each header is matched with the same folding as every
other table (case, diacritics and punctuation ignored, usual other names
accepted). The form code and the row keys come from the hidden key column of
the .xlsx, or from the hidden text in the STT cells of the .docx.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
from openpyxl.utils import get_column_letter

from ..common.errors import InvalidData, VanbanError
from ..inputs.headers import HEADER_SEARCH, fold
from ..inputs.reading import read_grids
from .sheet import ALIASES, FIRST_ROW, FORM_MARK, KEY_COLUMN, SIGNATURE_MARK

_UNIT_LINE = re.compile(r"^Đơn vị:\s*(.+?)\s{2,}Đơn vị quản lý:\s*(.+?)\s*$")
MAX_FORM_BYTES = 64 * 2**20  # a form of a few thousand rows is well under 5 MB
NEEDED = ("ly_do", "ly_do_khac", "bien_phap", "ngay", KEY_COLUMN)


@dataclass
class ReturnedForm:
    file: str
    code: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # column → "«header» (cột G)"
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)
    unreadable: str | None = None  # why the file could not be read
    named: tuple[str, str] | None = None  # (office, unit) as the title line names them
    row_word: str = "dòng"  # how the clerk calls a row of this file
    first_row: int = FIRST_ROW  # where the person STT 1 was on the form as sent

    def missing(self, several: bool) -> list[str]:
        wanted = (*NEEDED, "truong") if several else NEEDED
        return [name for name in wanted if name not in self.labels]


def read_returned(path: Path, name: str) -> ReturnedForm:
    """The rows of a returned form; ``unreadable`` says why when it cannot be read."""
    oversized = _oversized(path)
    if oversized:
        return ReturnedForm(name, unreadable=oversized)
    if path.suffix.lower() == ".docx":
        return _read_docx(path, name)
    try:
        grids = [grid.rows for grid in read_grids(path, every=True)]
    except InvalidData as error:
        return ReturnedForm(name, unreadable=error.problems[0].message)
    except VanbanError as error:
        return ReturnedForm(name, unreadable=str(error))
    # the form's sheet, even when another one was put before it
    grid = next(
        (rows for rows in grids if _header_row(rows) is not None), grids[0] if grids else []
    )
    return _from_grid(name, grid)


def _oversized(path: Path) -> str | None:
    """Why a file is too big to be a form, checked before any parsing (zip bombs too)."""
    if path.stat().st_size > MAX_FORM_BYTES:
        return f"tệp quá lớn cho một mẫu báo cáo (trên {MAX_FORM_BYTES // 2**20} MB)."
    if not zipfile.is_zipfile(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return "tệp hỏng (không mở được như tệp nén Office)."
    if inflated > MAX_FORM_BYTES:
        return f"tệp khi giải nén quá lớn cho một mẫu báo cáo (trên {MAX_FORM_BYTES // 2**20} MB)."
    return None


def _from_grid(name: str, grid: list[list[str]]) -> ReturnedForm:
    form = ReturnedForm(name)
    header = _header_row(grid)
    if header is None:
        form.unreadable = "không thấy dòng tiêu đề của mẫu (STT, Họ và tên, Lý do …)."
        return form
    columns = _columns(grid[header])
    form.labels = {
        column: f"«{grid[header][index]}» (cột {get_column_letter(index + 1)})"
        for column, index in columns.items()
    }
    titles = [_UNIT_LINE.match(cell) for row in grid[:header] for cell in row if cell]
    form.named = next(((m.group(2), m.group(1)) for m in titles if m), None)
    key = columns.get(KEY_COLUMN)
    if key is not None:
        marks = [row[key] for row in grid[:header] if len(row) > key]
        form.code = next((m[len(FORM_MARK) :] for m in marks if m.startswith(FORM_MARK)), None)
    signed = False  # below the signature block only rows with a row key are people
    for number, row in enumerate(grid[header + 1 :], start=header + 2):
        values = {column: row[i] if i < len(row) else "" for column, i in columns.items()}
        signed = signed or values.get(KEY_COLUMN) == SIGNATURE_MARK
        if values.get(KEY_COLUMN) == SIGNATURE_MARK or (signed and not values.get(KEY_COLUMN)):
            continue
        if any(values.values()):
            form.rows.append((number, values))
    return form


def _header_row(grid: list[list[str]]) -> int | None:
    for index, row in enumerate(grid[:HEADER_SEARCH]):
        if sum(fold(cell) in ALIASES for cell in row if cell) >= 3:
            return index
    return None


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = ALIASES.get(fold(cell)) if cell else None
        if name and name not in columns:
            columns[name] = index
    return columns


def _read_docx(path: Path, name: str) -> ReturnedForm:
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several kinds for a damaged file
        return ReturnedForm(name, unreadable=f"tệp .docx hỏng ({type(error).__name__}).")
    for table in document.tables:
        if not table.rows:
            continue
        visible = [_cell(cell)[0] for cell in table.rows[0].cells]
        if sum(fold(text) in ALIASES for text in visible) < 3:
            continue
        form = ReturnedForm(name, row_word="hàng", first_row=2)
        columns = _columns(visible)
        form.labels = {c: f"«{visible[i]}» (cột {i + 1} của bảng)" for c, i in columns.items()}
        form.labels[KEY_COLUMN] = "«STT» (mã ẩn)"
        form.code = _cell(table.rows[0].cells[0])[1] or None
        for number, row in enumerate(table.rows[1:], start=2):
            cells = row.cells
            values = {c: _cell(cells[i])[0] if i < len(cells) else "" for c, i in columns.items()}
            values[KEY_COLUMN] = _cell(cells[0])[1]
            if any(values.values()):
                form.rows.append((number, values))
        return form
    return ReturnedForm(name, unreadable="không thấy bảng danh sách người trong tệp .docx.")


def _cell(cell) -> tuple[str, str]:
    """A .docx cell's visible text and its hidden text."""
    shown, hidden = [], []
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            (hidden if run.font.hidden else shown).append(run.text)
    return "".join(shown).strip(), "".join(hidden).strip()
