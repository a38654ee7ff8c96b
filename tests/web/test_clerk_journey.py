"""A clerk's period in a real browser: a table with a mistake, the fix, build, pages, compare,
issue, download; the information form; the audit log."""

from __future__ import annotations

import csv
import io

import docx
from openpyxl import Workbook
from playwright.sync_api import expect

from generator.web.accounts import audit_log

from .conftest import snapshot, tree

PERIOD = "2023-06-23"


def _table_xlsx(site, cell_e4) -> bytes:
    """The shipped unit table as an .xlsx on sheet «Số liệu», with E4 set to ``cell_e4``."""
    text = (site.data / PERIOD / "don-vi.csv").read_text(encoding="utf-8-sig")
    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    for row in csv.reader(io.StringIO(text)):
        sheet.append([int(c) if c.isdigit() else c for c in row])
    assert sheet["A4"].value == "THPT Bạch Đằng" and sheet["E4"].value == 0
    sheet["E4"] = cell_e4
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(page, name: str, content: bytes) -> None:
    page.get_by_label("Bảng số liệu đơn vị").check()
    page.get_by_label("Tệp (hoặc").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}]
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()


def test_a_clerk_fixes_a_cell_builds_compares_and_issues(serve, page):
    site = serve()
    page.goto(site.url + "/")
    row = page.get_by_role("row", name=PERIOD)
    expect(row).to_contain_text("Thông báo rà soát dữ liệu")
    expect(row).to_contain_text("chưa tạo")
    snapshot(page, "cac-ky")

    row.get_by_role("link", name=PERIOD).click()
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_url(f"{site.url}/ky/{PERIOD}/v001")
    pictures = page.locator("#cac-trang img")
    expect(pictures.first).to_be_visible(timeout=90_000)
    assert pictures.count() >= 5
    assert page.locator("#cac-trang img").first.evaluate("i => i.naturalWidth") > 100

    # A table with a mistake: the cell is named, nothing is written.
    before = tree(site.data)
    page.goto(f"{site.url}/ky/{PERIOD}")
    _upload(page, "so-lieu.xlsx", _table_xlsx(site, "mười"))
    refused = page.locator("section.refused")
    expect(refused).to_contain_text("Chưa nhận tệp «so-lieu.xlsx»")
    expect(refused.locator("td.cell")).to_have_text("Số liệu!E4")
    expect(refused).to_contain_text("Học sinh chưa đồng bộ")
    snapshot(page, "tai-len-co-loi")
    assert tree(site.data) == before

    # The fix is taken: the folder now reads the .xlsx and its figures.
    _upload(page, "so-lieu.xlsx", _table_xlsx(site, 5))
    expect(page.get_by_role("status").first).to_contain_text(
        "Đã nhận «so-lieu.xlsx» thành don-vi.xlsx"
    )
    expect(page.locator("ul.figures")).to_contain_text("3.945")
    assert (site.data / PERIOD / "don-vi.xlsx").is_file()
    assert not (site.data / PERIOD / "don-vi.csv").exists()
    kept = list((site.data / PERIOD / ".da-thay").glob("*-don-vi.csv"))
    assert [k.read_bytes() for k in kept] == [before[f"{PERIOD}/don-vi.csv"]]
    snapshot(page, "ky")

    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_url(f"{site.url}/ky/{PERIOD}/v002")
    expect(page.locator("#cac-trang img").first).to_be_visible(timeout=90_000)
    snapshot(page, "phien-ban")

    # Compare with the previous version: the changed cell, and the changed pages side by side.
    page.get_by_label("So phiên bản này với").select_option(f"{PERIOD}/v001")
    page.get_by_role("button", name="So sánh").click()
    change = page.locator("table.changes tbody tr")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("THPT Bạch Đằng")
    expect(change.locator("td")).to_have_text(
        ["THPT Bạch Đằng", "THPT", "Học sinh chưa đồng bộ", "0", "5", "+5"]
    )
    assert page.locator(".side-by-side").count() >= 1
    snapshot(page, "so-sanh")

    # Issue with number 5: the confirmation shows the number's place in the register.
    page.goto(f"{site.url}/ky/{PERIOD}/v002")
    page.get_by_label("Số văn bản").fill("5")
    page.get_by_label("Ngày ban hành").fill("2023-06-26")
    page.get_by_role("button", name="Xem vị trí trong sổ").click()
    expect(page.locator("table.register tr.new")).to_contain_text("số sẽ cấp cho 2023-06-23/v002")
    snapshot(page, "ban-hanh")
    page.get_by_role("button", name="Xác nhận ban hành số 05/TB-SGDĐT").click()
    page.wait_for_url(f"{site.url}/ky/{PERIOD}/v003")
    expect(page.locator("h1")).to_contain_text("đã ban hành")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="thong-bao-2023-06-23-so-05.docx").click()
    issued = docx.Document(waiting.value.path())
    text = "\n".join(p.text for p in issued.paragraphs) + "".join(
        cell.text for table in issued.tables for row in table.rows for cell in row.cells
    )
    assert "05/TB-SGDĐT" in text and "DỰ THẢO" not in text

    page.get_by_role("link", name="Nhật ký").click()
    actions = page.locator("table tbody tr td:nth-child(3)").all_inner_texts()
    assert {"tạo dự thảo", "tải lên", "ban hành", "tải về"} <= set(actions)
    assert page.locator("td.hash").first.inner_text().strip() != ""
    snapshot(page, "nhat-ky")


def test_the_information_form_writes_the_toml_and_keeps_its_comments(serve, page):
    site = serve()
    stored = site.data / PERIOD / "thong-bao.toml"
    original = stored.read_text(encoding="utf-8")
    page.goto(f"{site.url}/ky/{PERIOD}/thong-tin")
    page.get_by_label("Quyền hạn ký").fill("T/M BAN CHỈ ĐẠO\nTRƯỞNG BAN")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.locator("#f-ky-quyen_han-loi")).to_contain_text("NĐ30 không dùng «T/M»")
    assert stored.read_text(encoding="utf-8") == original

    page.get_by_label("Quyền hạn ký").fill("TM. BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ\nTRƯỞNG BAN")
    page.get_by_label("Người ký").fill("Nguyễn Thị Hoa")
    page.get_by_label("Hạn các đơn vị gửi báo cáo").fill("2023-07-05T17:00")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu thông tin văn bản.")
    snapshot(page, "thong-tin")
    saved = stored.read_text(encoding="utf-8")
    assert 'nguoi_ky = "Nguyễn Thị Hoa"' in saved
    assert "han_bao_cao = 2023-07-05T17:00:00             # hạn các đơn vị gửi báo cáo" in saved
    changed = [line for line in saved.splitlines() if line not in original.splitlines()]
    assert len(changed) == 2, changed
    assert audit_log(site.output)[0]["action"] == "sửa thông tin"


def _tab_to(page, text: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.innerText")
        if focused and focused.strip() == text:
            return
    raise AssertionError(f"«{text}» cannot be reached with Tab")


def test_the_keyboard_alone_reaches_a_period_and_builds(serve, page):
    site = serve()
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Bỏ qua thanh điều hướng"
    _tab_to(page, PERIOD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/ky/{PERIOD}")
    _tab_to(page, "Tạo dự thảo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/ky/{PERIOD}/v001")
