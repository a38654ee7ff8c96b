"""Where a problem is, the way a clerk finds it in Excel: «Sheet1!E12»."""

from __future__ import annotations

from pathlib import Path

from ..common.errors import Problem
from ..inputs import reading
from ..inputs.headers import fold

HEADER_ROWS = reading.HEADER_SEARCH + 2  # two-row headers start within the searched rows


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_place(folder: Path, problem: Problem) -> str:
    """«Trang!E12» (or «E12» for a CSV) when the cell can be named, else the row or key."""
    if problem.row is None:
        return f"mục {problem.key}" if problem.key else ""
    letter = _letter(folder / problem.file, problem.sheet, problem.column)
    if letter is None:
        return f"dòng {problem.row}" + (f", cột «{problem.column}»" if problem.column else "")
    return f"{problem.sheet}!{letter}{problem.row}" if problem.sheet else f"{letter}{problem.row}"


def _letter(path: Path, sheet: str | None, column: str | None) -> str | None:
    if not column or path.name not in reading.TABLE_NAMES or not path.is_file():
        return None
    try:
        grid, _, _ = reading._read_grid(path, sheet)  # the reader's own view of the cells
    except Exception:  # the cell's name is a convenience: never fail the page for it
        return None
    wanted = fold(column)
    for row in grid[:HEADER_ROWS]:
        hits = [i for i, cell in enumerate(row) if fold(cell) == wanted]
        if len(hits) == 1:
            return column_letter(hits[0])
        if hits:
            return None  # the same label twice (two-row header): do not guess
    return None
