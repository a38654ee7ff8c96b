"""A unit's form as an .xlsx sheet that a clerk fills in without a phone call.

Landscape A4, fitted to one page wide (the header row repeats on every page);
the columns to fill are shaded and each shows a prompt when selected; the
reason is chosen from a list, and «Khác» turns «Ghi rõ lý do khác» red until it
is filled; the date must be a date from the data date on (a date after the
deadline is accepted by Excel and reported by ``collect``); a date and signature
block closes the form. The sheet is protected without a password: only the
cells to fill can be changed, so the list and the hidden row keys stay intact.
A form that covers several schools (a unit named «Các …») has a «Trường» column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..common.tables import append_row, set_text, workbook_bytes
from ..common.vnformat import long_date
from ..inputs.headers import fold

REASONS = ("Sai ngày sinh", "Sai họ tên", "Sai số định danh", "Chưa có số định danh",
           "Sai giới tính", "Sai quê quán", "Đã chuyển đi", "Khác")  # fmt: skip
OTHER = "Khác"
SHEET_TITLE = "Báo cáo"
HEADER_ROW = 7  # the column headers, as Excel numbers rows
FIRST_ROW = HEADER_ROW + 1
FORM_MARK = "vanban-mau:"  # in the hidden key column, above the header: the form code
SIGNATURE_MARK = "vanban-ky"  # in the hidden key column: the signature block starts here
FONT = "Times New Roman"
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_ALERT_FILL = PatternFill("solid", fgColor="F4B6B6")
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BODY_FONT = Font(name=FONT, size=11)
_BODY_ALIGN = Alignment(vertical="top", wrap_text=True)
_KEY_ALIGN = Alignment(vertical="top")
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class FormColumn:
    name: str
    label: str
    width: float
    prompt: str = ""  # an input column shows this when a cell is selected
    aliases: tuple[str, ...] = ()

    @property
    def is_input(self) -> bool:
        return bool(self.prompt)


SCHOOL = FormColumn("truong", "Trường", 20, "Ghi tên trường của người này.", ("tên trường",))
COLUMNS = (
    FormColumn("stt", "STT", 5, aliases=("tt", "số tt")),
    FormColumn("ten", "Họ và tên", 22, aliases=("họ tên",)),
    FormColumn("ngay_sinh", "Ngày sinh", 11),
    FormColumn("ma", "Mã định danh", 14, aliases=("số định danh",)),
    FormColumn("cap", "Cấp học", 8),
    FormColumn("loai", "Đối tượng", 9),
    FormColumn("ly_do", "Lý do chưa đồng bộ", 19,
               "Chọn một lý do trong danh sách (bấm mũi tên bên phải ô). "
               "Không có lý do phù hợp thì chọn «Khác» và ghi rõ ở cột bên cạnh.",
               ("lý do", "lý do không đồng bộ")),
    FormColumn("ly_do_khac", "Ghi rõ lý do khác", 19,
               "Bắt buộc khi đã chọn «Khác»: ghi rõ lý do.", ("lý do khác", "ghi rõ lý do")),
    FormColumn("bien_phap", "Biện pháp khắc phục", 26,
               "Bắt buộc: việc đơn vị sẽ làm để dữ liệu được đồng bộ.",
               ("biện pháp", "giải pháp khắc phục")),
    FormColumn("ngay", "Ngày dự kiến hoàn thành", 13,
               "Bắt buộc: ngày/tháng/năm, ví dụ 30/06/2023.",
               ("ngày hoàn thành", "ngày dự kiến", "thời hạn hoàn thành")),
    FormColumn("ma_dong", "Mã dòng", 18),
)  # fmt: skip
KEY_COLUMN = "ma_dong"
ALIASES = {
    fold(alias): column.name
    for column in (SCHOOL, *COLUMNS)
    for alias in (column.label, *column.aliases)
}


def covers_several(unit: str) -> bool:
    """A unit named as a group («Các trường trực thuộc Sở») covers several schools."""
    return fold(unit).split(" ")[0] in ("cac", "nhung")


def form_columns(several: bool) -> tuple[FormColumn, ...]:
    return (COLUMNS[0], SCHOOL, *COLUMNS[1:]) if several else COLUMNS


def form_workbook(
    office: str, unit: str, code: str, rows: list[dict[str, Any]], header: dict[str, Any]
) -> bytes:
    """One unit's form as .xlsx bytes (the same inputs give the same bytes)."""
    columns = form_columns(covers_several(unit))
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    letters = {c.name: get_column_letter(i) for i, c in enumerate(columns, start=1)}
    _title(sheet, office, unit, header, len(columns) - 1)
    set_text(sheet[f"{letters[KEY_COLUMN]}1"], FORM_MARK + code)
    for index, column in enumerate(columns, start=1):
        cell = set_text(sheet.cell(row=HEADER_ROW, column=index), column.label)
        cell.font, cell.border = Font(name=FONT, bold=True, size=11), _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.is_input:
            cell.fill = _INPUT_FILL
    for row in rows:
        append_row(sheet, [row.get(column.name) for column in columns])
    last = HEADER_ROW + len(rows)
    _body_cells(sheet, columns, last)
    _validations(sheet, letters, last, header)
    _signature(sheet, letters, last + 2, len(columns) - 1, header)
    _page(sheet, columns)
    return workbook_bytes(book)


def _title(sheet, office: str, unit: str, header: dict[str, Any], width: int) -> None:
    notice = header.get("thong_bao") or "Thông báo rà soát dữ liệu"
    lines = [
        (office.upper(), False, 12),
        (unit.upper(), True, 12),
        ("BÁO CÁO CÁC TRƯỜNG HỢP KHÔNG ĐỒNG BỘ VỚI CSDL QUỐC GIA VỀ DÂN CƯ", True, 13),
        (f"Đơn vị: {unit}    Đơn vị quản lý: {office}", True, 12),
        (
            f"Thực hiện {notice} của {header['co_quan']}; số liệu tính đến "
            f"{header['thoi_diem']}. Hạn gửi báo cáo: trước {header['han']}, qua hệ thống "
            f"{header['he_thong']}.",
            False,
            12,
        ),
        (
            "Điền các cột tô màu (chọn ô để xem hướng dẫn). Chọn «Khác» thì ghi rõ lý do ở cột "
            "bên cạnh. Không xoá, thêm hay chép dòng từ mẫu của đơn vị khác.",
            False,
            11,
        ),
    ]
    for row, (text, bold, size) in enumerate(lines, start=1):
        cell = set_text(sheet.cell(row=row, column=1), text)
        cell.font = Font(name=FONT, bold=bold, size=size)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.row_dimensions[5].height = 32
    sheet.row_dimensions[6].height = 30
    sheet.row_dimensions[HEADER_ROW].height = 32


def _body_cells(sheet, columns: tuple[FormColumn, ...], last: int) -> None:
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_row=last, max_col=len(columns)):
        for cell, column in zip(row, columns, strict=True):
            cell.border = _BOX
            cell.font = _BODY_FONT
            cell.alignment = _KEY_ALIGN if column.name == KEY_COLUMN else _BODY_ALIGN
            if column.is_input:
                cell.fill = _INPUT_FILL
                cell.protection = _UNLOCKED
            if column.name == "ngay":
                cell.number_format = "DD/MM/YYYY"


def _validations(sheet, letters: dict[str, str], last: int, header: dict[str, Any]) -> None:
    if last < FIRST_ROW:
        return
    span = {name: f"{letter}{FIRST_ROW}:{letter}{last}" for name, letter in letters.items()}
    prompts = {c.name: c for c in (SCHOOL, *COLUMNS) if c.is_input and c.name in letters}
    deadline = header["han_ngay"]
    for name, column in prompts.items():
        prompt = column.prompt
        if name == "ngay":
            prompt += f" Hạn báo cáo: {long_date(deadline)}; ngày sau hạn vẫn được ghi."
        rule = _rule(name, header, column.label, prompt)
        rule.add(span[name])
        sheet.add_data_validation(rule)
    reason, detail = letters["ly_do"], letters["ly_do_khac"]
    sheet.conditional_formatting.add(
        span["ly_do_khac"],
        FormulaRule(
            formula=[f'AND(${reason}{FIRST_ROW}="{OTHER}",LEN(TRIM({detail}{FIRST_ROW}))=0)'],
            fill=_ALERT_FILL,
        ),
    )


def _rule(name: str, header: dict[str, Any], title: str, prompt: str) -> DataValidation:
    common = {
        "allow_blank": True,
        "showInputMessage": True,
        "promptTitle": title[:32],
        "prompt": prompt[:255],
        "showErrorMessage": name in ("ly_do", "ngay"),
    }
    if name == "ly_do":
        return DataValidation(
            type="list",
            formula1='"' + ",".join(REASONS) + '"',
            errorTitle="Lý do",
            error="Chọn một lý do trong danh sách; lý do khác thì chọn «Khác».",
            **common,
        )
    if name == "ngay":
        start = header["tu_ngay"]
        return DataValidation(
            type="date",
            operator="greaterThanOrEqual",
            formula1=_excel_date(start),
            errorTitle="Ngày",
            error=f"Ghi một ngày (ngày/tháng/năm) từ {long_date(start)} trở đi.",
            **common,
        )
    return DataValidation(**common)


def _excel_date(value: date) -> str:
    return f"DATE({value.year},{value.month},{value.day})"


def _signature(
    sheet, letters: dict[str, str], row: int, width: int, header: dict[str, Any]
) -> None:
    middle = max(width // 2, 2)
    lines = [
        (f"{header['dia_danh']}, ngày ...... tháng ...... năm {header['nam']}", False, True),
        ("THỦ TRƯỞNG ĐƠN VỊ", True, False),
        ("(Ký, ghi rõ họ tên, đóng dấu)", False, True),
    ]
    set_text(sheet[f"{letters[KEY_COLUMN]}{row}"], SIGNATURE_MARK)
    maker = set_text(sheet.cell(row=row + 1, column=1), "Người lập biểu")
    maker.font = Font(name=FONT, bold=True, size=12)
    sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=middle)
    for offset, (text, bold, italic) in enumerate(lines):
        cell = set_text(sheet.cell(row=row + offset, column=middle + 1), text)
        cell.font = Font(name=FONT, bold=bold, italic=italic, size=12)
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(
            start_row=row + offset, start_column=middle + 1, end_row=row + offset, end_column=width
        )
    sheet.cell(row=row, column=middle + 1).protection = Protection(locked=False)


def _page(sheet, columns: tuple[FormColumn, ...]) -> None:
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.column_dimensions[get_column_letter(len(columns))].hidden = True
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.horizontalCentered = True
    protection = sheet.protection
    protection.sheet = True  # no password: it only keeps the list and the keys intact
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    protection.autoFilter = protection.sort = False
