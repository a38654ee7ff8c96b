"""Forms made from the page, three returned (one with a mistake), the board and the report."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from openpyxl import load_workbook
from playwright.sync_api import expect

from generator.forms.register import FORMS_FOLDER
from generator.forms.sheet import FIRST_ROW, HEADER_ROW, SIGNATURE_MARK
from generator.inputs.synth import write_synthetic
from generator.web.accounts import audit_log

from ..conftest import SHIPPED
from .conftest import snapshot

PERIOD = "thu-nghiem"


def _filled(form, *, leave_first_reason_blank: bool) -> tuple[bytes, int]:
    """The form filled in as a unit would; returns its bytes and how many rows are valid."""
    book = load_workbook(form)
    sheet = book.active
    column = {sheet.cell(HEADER_ROW, c).value: c for c in range(1, sheet.max_column + 1)}
    keys = [(r, sheet.cell(r, column["Mã dòng"]).value) for r in range(FIRST_ROW, sheet.max_row)]
    rows = [r for r, key in keys if key and key != SIGNATURE_MARK]
    for number in rows:
        sheet.cell(number, column["Lý do chưa đồng bộ"]).value = "Sai ngày sinh"
        sheet.cell(number, column["Biện pháp khắc phục"]).value = "Sửa theo giấy khai sinh"
        sheet.cell(number, column["Ngày dự kiến hoàn thành"]).value = datetime(2023, 7, 1)
        if "Trường" in column:
            sheet.cell(number, column["Trường"]).value = "Trường Tiểu học Hoa Phượng"
    if leave_first_reason_blank:
        sheet.cell(rows[0], column["Lý do chưa đồng bộ"]).value = None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), len(rows) - leave_first_reason_blank


def test_forms_three_returned_one_wrong_board_and_report(serve, page, tmp_path):
    site = serve()
    write_synthetic(site.data / PERIOD, SHIPPED, 0.01, 2023, "csv")
    page.goto(f"{site.url}/ky/{PERIOD}/mau-bao-cao?hom_nay=2023-06-24")
    page.get_by_role("button", name="Làm mẫu báo cáo").click()
    zips = page.locator("ul.downloads").first.get_by_role("link")
    expect(zips.first).to_be_visible(timeout=120_000)
    with page.expect_download() as waiting:
        zips.first.click()
    bundle = zipfile.ZipFile(waiting.value.path())
    assert bundle.namelist() and all(name.endswith(".xlsx") for name in bundle.namelist())

    forms = sorted((site.output / PERIOD / FORMS_FOLDER).glob("*/*.xlsx"))[:3]
    blank = [form.read_bytes() for form in forms]
    sent, valid = [], 0
    for index, form in enumerate(forms):
        content, rows = _filled(form, leave_first_reason_blank=index == 1)
        sent.append({"name": form.name, "mimeType": "application/octet-stream", "buffer": content})
        valid += rows
    page.goto(f"{site.url}/ky/{PERIOD}/mau-bao-cao?hom_nay=2023-06-24")
    page.get_by_label("Các tệp .xlsx đã điền").set_input_files(files=sent)
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã nhận 3 tệp")

    states = page.locator("table.board tbody tr td:nth-child(3)").all_inner_texts()
    assert states.count("đầy đủ") == 2
    assert states.count("có lỗi") == 1
    assert states.count("chưa nộp") == len(states) - 3
    wrong = page.locator("table.board tbody tr", has_text="có lỗi")
    expect(wrong).to_contain_text("cột «Lý do chưa đồng bộ»")
    expect(wrong).to_contain_text("chưa chọn lý do chưa đồng bộ.")
    expect(page.locator(".summary")).to_contain_text(f"chưa nộp: {len(states) - 3}")
    assert [form.read_bytes() for form in forms] == blank  # returned forms are kept apart

    page.get_by_role("button", name="Lập báo cáo tổng hợp").click()
    report = page.get_by_role("link", name="tong-hop-bao-cao.xlsx")
    expect(report).to_be_visible()
    expect(page.get_by_role("link", name="tong-hop-bao-cao.docx")).to_be_visible()
    snapshot(page, "mau-bao-cao")
    with page.expect_download() as waiting:
        report.click()
    waiting.value.save_as(tmp_path / "tong-hop.xlsx")
    sheet = load_workbook(tmp_path / "tong-hop.xlsx")["Theo đơn vị"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "Đơn vị quản lý")
    total = next(row for row in rows if row[0] == "Tổng cộng")
    assert total[header.index("Cộng")] == valid
    actions = {entry["action"] for entry in audit_log(site.output)}
    assert {"làm mẫu báo cáo", "nhận báo cáo", "lập báo cáo tổng hợp", "tải về"} <= actions
