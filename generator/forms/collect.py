"""Read the filled report forms back, check them, and tally the reasons (``vanban collect``).

Each form is checked against ``danh-sach.csv`` (written by ``forms``): people
who are not on the unit's list, people missing from it, an empty or unknown
reason, a completion date that is missing, past, or after the deadline. What
passes is tallied by unit, level and reason into the consolidated report the
Sở needs, as .xlsx and as .docx (NĐ30 layout). Neither holds any person's name,
ID or date of birth.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from ..common.errors import MissingInput
from ..common.files import stable_zip, write_atomic
from ..common.vnformat import short_date
from .making import FIRST_ROW, FIXED_TIME, REASONS, REGISTER, fill_date

_UNIT_LINE = re.compile(r"Đơn vị:\s*(.*?)\s{2,}Đơn vị quản lý:\s*(.*)$")
REPORT_NAME = "tong-hop-bao-cao"


@dataclass(frozen=True)
class FormIssue:
    unit: str
    file: str
    row: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, dòng {self.row}" if self.row else self.file
        return f"{self.unit}: {where}: {self.message}"


@dataclass
class Collected:
    issues: list[FormIssue] = field(default_factory=list)
    tally: Counter = field(default_factory=Counter)  # (office, unit, level, reason) → people
    forms: int = 0
    missing_forms: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def collect(folder: Path, deadline: date, today: date | None = None) -> Collected:
    """Check every filled form under ``folder`` and tally what is right."""
    register_path = folder / REGISTER
    if not register_path.is_file():
        raise MissingInput(
            path=register_path,
            what="danh sách người của các mẫu báo cáo",
            fix="chỉ tới thư mục mẫu báo cáo do «vanban forms» làm "
            "(output/<thư mục số liệu>/mau-bao-cao).",
        )
    register = pd.read_csv(register_path, dtype=str, encoding="utf-8-sig")
    expected = {unit: set(group["ma_dong"]) for unit, group in register.groupby("don_vi")}
    levels = dict(zip(register["ma_dong"], register["cap_hoc"], strict=True))
    result = Collected()
    seen_units = set()
    for path in sorted(folder.rglob("*.xlsx")):
        unit, office, rows = _read_form(path)
        seen_units.add(unit)
        result.forms += 1
        _check_form(
            result,
            path.relative_to(folder).as_posix(),
            unit,
            office,
            rows,
            expected.get(unit, set()),
            levels,
            deadline,
            today or date.today(),
        )
    result.missing_forms = sorted(set(expected) - seen_units)
    for unit in result.missing_forms:
        result.issues.append(FormIssue(unit, "(không có tệp)", None, "đơn vị chưa nộp báo cáo."))
    return result


def _read_form(path: Path) -> tuple[str, str, list[tuple[int, list]]]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    title = str(sheet[3][0]) if len(sheet) > 3 and sheet[3] else ""
    match = _UNIT_LINE.search(title)
    unit, office = (match.group(1).strip(), match.group(2).strip()) if match else (path.stem, "")
    rows = [
        (number, row)
        for number, row in enumerate(sheet, start=1)
        if number >= FIRST_ROW and any(cell not in ("", None) for cell in row)
    ]
    return unit, office, rows


def _check_form(
    result: Collected,
    file: str,
    unit: str,
    office: str,
    rows: list,
    expected: set[str],
    levels: dict[str, str],
    deadline: date,
    today: date,
) -> None:
    def issue(row: int | None, message: str) -> None:
        result.issues.append(FormIssue(unit, file, row, message))

    found = set()
    for number, row in rows:
        cells = (list(row) + [""] * 10)[:10]
        reason, when, key = str(cells[6] or "").strip(), fill_date(cells[8]), str(cells[9] or "")
        if key not in expected:
            issue(number, "người này không có trong danh sách của đơn vị (dòng thêm vào?).")
            continue
        found.add(key)
        problems = _row_problems(reason, cells[8], when, deadline, today)
        for message in problems:
            issue(number, message)
        if not problems:
            result.tally[(office, unit, levels.get(key, ""), reason)] += 1
    if expected - found:
        issue(None, f"thiếu {len(expected - found)} người có trong danh sách (dòng bị xoá?).")


def _row_problems(reason: str, typed, when: date | None, deadline: date, today: date) -> list[str]:
    problems = []
    if not reason:
        problems.append("chưa chọn lý do chưa đồng bộ (cột G).")
    elif reason not in REASONS:
        problems.append(f"lý do «{reason}» không có trong danh sách (cột G).")
    if when is None:
        shown = f" «{typed}» không phải ngày" if typed not in ("", None) else " chưa ghi"
        problems.append(f"ngày dự kiến hoàn thành{shown} (cột I).")
    elif when > deadline:
        problems.append(f"ngày dự kiến {short_date(when)} sau hạn báo cáo {short_date(deadline)}.")
    elif when < today:
        problems.append(f"ngày dự kiến {short_date(when)} đã qua.")
    return problems


def tally_frame(result: Collected) -> pd.DataFrame:
    rows = [
        {"Đơn vị quản lý": o, "Đơn vị": u, "Cấp học": lv, "Lý do": r, "Số người": n}
        for (o, u, lv, r), n in sorted(result.tally.items())
    ]
    return pd.DataFrame(rows, columns=["Đơn vị quản lý", "Đơn vị", "Cấp học", "Lý do", "Số người"])


def report_workbook(result: Collected) -> bytes:
    """The consolidated report as .xlsx: tallies by unit and level, by level, and the issues."""
    frame = tally_frame(result)
    book = Workbook()
    sheets = (
        ("Theo đơn vị", frame),
        (
            "Theo cấp học",
            frame.pivot_table(
                index="Cấp học", columns="Lý do", values="Số người", aggfunc="sum", fill_value=0
            ).reset_index()
            if not frame.empty
            else frame,
        ),
        (
            "Cần sửa",
            pd.DataFrame(
                [
                    {"Đơn vị": i.unit, "Tệp": i.file, "Dòng": i.row, "Vấn đề": i.message}
                    for i in result.issues
                ],
                columns=["Đơn vị", "Tệp", "Dòng", "Vấn đề"],
            ),
        ),
    )
    book.remove(book.active)
    for title, table in sheets:
        sheet = book.create_sheet(title)
        sheet.append([str(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in table.itertuples(index=False):
            sheet.append([None if pd.isna(v) else v for v in values])
    buffer = io.BytesIO()
    book.properties.creator = "vanban"
    book.save(buffer)
    return stable_zip(buffer.getvalue(), FIXED_TIME)  # same forms, same bytes


def write_reports(result: Collected, folder: Path, report_docx: bytes) -> list[Path]:
    """Write the .xlsx and .docx next to the forms folder, atomically."""
    base = folder.parent / REPORT_NAME
    outputs = [base.with_suffix(".xlsx"), base.with_suffix(".docx")]
    write_atomic(outputs[0], report_workbook(result))
    write_atomic(outputs[1], report_docx)
    return outputs
