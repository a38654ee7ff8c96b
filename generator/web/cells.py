"""Where a problem is, the way a clerk finds it in Excel: «Sheet1!E12»."""

from __future__ import annotations

from ..common.errors import Problem


def cell_place(problem: Problem) -> str:
    """«Trang!E12» (or «E12» for a CSV) when the reader named the cell, else the row or key."""
    if problem.cell:
        return f"{problem.sheet}!{problem.cell}" if problem.sheet else problem.cell
    if problem.row is None:
        return f"mục {problem.key}" if problem.key else ""
    return f"dòng {problem.row}" + (f", cột «{problem.column}»" if problem.column else "")
