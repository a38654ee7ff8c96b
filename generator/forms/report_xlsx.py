"""The consolidated report as .xlsx (``vanban collect``): by unit, by level, what to fix.

Every sheet has a title, the notice it answers, the counts (sent, received, not
returned, with errors, complete), column widths, a frozen header and a totals
row; the reasons are in the form's order. Text is always text (see
:mod:`generator.common.tables`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..common.tables import append_row, set_text, workbook_bytes
from ..common.vnformat import short_date
from .sheet import REASONS

if TYPE_CHECKING:
    from .collect import Collected


def tally_frame(result: Collected) -> pd.DataFrame:
    """The valid rows counted by office, unit, level and reason (reasons in the form's order)."""
    columns = ["Đơn vị quản lý", "Đơn vị", "Cấp học", "Lý do", "Số người"]
    order = {reason: index for index, reason in enumerate(REASONS)}
    rows = sorted(result.tally.items(), key=lambda i: (i[0][0], i[0][1], i[0][2], order[i[0][3]]))
    return pd.DataFrame([[*key, n] for key, n in rows], columns=columns)


def report_workbook(result: Collected) -> bytes:
    """The consolidated report as .xlsx: by unit, by level, and what units must fix."""
    book = Workbook()
    book.remove(book.active)
    per_unit: dict[tuple[str, str], Counter] = {}
    for (office, unit, _, reason), people in result.tally.items():
        per_unit.setdefault((office, unit), Counter())[reason] += people
    by_unit = []
    for u in result.units:
        counts = [per_unit.get((u.office, u.unit), Counter())[r] for r in REASONS]
        by_unit.append([u.office, u.unit, u.status, u.people, *counts, sum(counts)])
    _table(book, "Theo đơn vị", result, ["Đơn vị quản lý", "Đơn vị", "Trạng thái",
           "Số người trong mẫu", *REASONS, "Cộng"], by_unit, total_from=3)  # fmt: skip
    levels = sorted({level for (_, level) in result.by_reason_and_level()})
    counts = result.by_reason_and_level()
    by_level = [
        [level, *[counts[(r, level)] for r in REASONS], sum(counts[(r, level)] for r in REASONS)]
        for level in levels
    ]
    _table(book, "Theo cấp học", result, ["Cấp học", *REASONS, "Cộng"], by_level, total_from=1)
    issues = [
        [p.office, p.unit, p.file, p.row, p.column, p.level, p.message] for p in result.problems
    ]
    _table(book, "Cần sửa", result, ["Đơn vị quản lý", "Đơn vị", "Tệp", "Dòng", "Cột", "Mức",
           "Vấn đề"], issues, total_from=None)  # fmt: skip
    return workbook_bytes(book)


def _table(book, title: str, result: Collected, header: list[str], rows: list[list[Any]],
           total_from: int | None) -> None:  # fmt: skip
    sheet = book.create_sheet(title)
    lines = [
        f"TỔNG HỢP CÁC TRƯỜNG HỢP KHÔNG ĐỒNG BỘ VỚI CSDL QUỐC GIA VỀ DÂN CƯ — {title.upper()}",
        f"Theo {result.notice}; hạn báo cáo {short_date(result.deadline)}. Đã gửi "
        f"{result.sent} mẫu; đã nhận {result.received}; chưa nộp {result.missing}; có lỗi "
        f"{result.with_errors}; đầy đủ, hợp lệ {result.complete}.",
    ]
    for row, text in enumerate(lines, start=1):
        set_text(sheet.cell(row=row, column=1), text).font = Font(bold=row == 1, size=12)
    header_row = len(lines) + 2
    for column, label in enumerate(header, start=1):
        cell = set_text(sheet.cell(row=header_row, column=column), label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for values in rows:
        append_row(sheet, values)
    if total_from is not None:
        totals = ["Tổng cộng"] + [""] * (total_from - 1)
        totals += [sum(r[i] for r in rows) for i in range(total_from, len(header))]
        for cell in sheet[append_row(sheet, totals)]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate
    for column, label in enumerate(header, start=1):
        longest = max([len(str(r[column - 1] or "")) for r in rows] + [len(label) // 2, 6])
        sheet.column_dimensions[get_column_letter(column)].width = min(longest + 2, 60)
