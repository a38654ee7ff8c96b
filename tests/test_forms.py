"""Report forms for every unit, filled in, sent back and collected."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli.main import cli
from generator.common.tables import read_csv
from generator.forms.collect import find_round
from generator.forms.making import make_forms
from generator.forms.register import (
    FORMS_FOLDER,
    KEPT_FOLDER,
    KEYS,
    REGISTER,
    RETURNED_FOLDER,
    SECRET_FILE,
)
from generator.forms.report import consolidate
from generator.forms.sheet import FIRST_ROW, HEADER_ROW, REASONS, SIGNATURE_MARK
from generator.inputs.synth import write_synthetic

from .conftest import SHIPPED

TODAY = date(2023, 6, 26)
PERSON_HEADER = ["Mã định danh", "Họ và tên", "Ngày sinh", "Đối tượng", "Đơn vị", "Cấp học",
                 "Đơn vị quản lý", "Trạng thái xác thực"]  # fmt: skip


def write_people(folder: Path, units: list[tuple[str, str, str, int]]) -> Path:
    """A data folder whose units (office, unit, level, unsynchronised people) are given."""
    folder.mkdir(parents=True)
    shutil.copyfile(SHIPPED / "thong-bao.toml", folder / "thong-bao.toml")
    rows, number = [], 0
    for office, unit, level, people in units:
        for index in range(people + 1):  # one synchronised person per unit too
            number += 1
            status = "Chưa xác thực" if index else "Đã xác thực"
            name = f"Người {number} {unit[:20]}"
            rows.append(
                [f"0310{number:08d}", name, "05/09/2008", "HS", unit, level, office, status]
            )
    frame = pd.DataFrame(rows, columns=PERSON_HEADER)
    frame.to_csv(folder / "ca-nhan.csv", index=False, encoding="utf-8-sig")
    return folder


ROUND = [
    ("Phòng GDĐT Lê Chân", "Trường Tiểu học Lê Lợi", "TH", 3),
    ("Phòng GDĐT Kiến An", "Trường Tiểu học Lê Lợi", "TH", 2),
    ("Phòng GDĐT Kiến An", "Trường THCS Bắc Sơn", "THCS", 4),
    ("Phòng GDĐT Kiến An", "Trường THCS Nam Sơn", "THCS", 3),
    ("Sở GDĐT", "THPT An Lão", "THPT", 3),
    ("Sở GDĐT", "THPT Cát Bà", "THPT", 2),
    ("Sở GDĐT", "Các trường trực thuộc Sở", "TH", 2),
    ("Sở GDĐT", "THPT Hồng Bàng", "THPT", 2),
    ("Sở GDĐT", "THPT Kiến Thuỵ", "THPT", 2),
    ("Sở GDĐT", "THPT Lê Quý Đôn", "THPT", 2),
    ("Sở GDĐT", "THPT Mạc Đĩnh Chi", "THPT", 3),
]


@pytest.fixture
def round_(tmp_path):
    data = write_people(tmp_path / "dot-1", ROUND)
    return make_forms(data, tmp_path / "out", zip_offices=True, docx=True, workers=1)


def register(result) -> dict[tuple[str, str], str]:
    """(office, unit) → the .xlsx file sent to it, as the register says."""
    rows = read_csv(result.kept / REGISTER)
    return {
        (r["Đơn vị quản lý"], r["Đơn vị"]): r["Tệp"] for r in rows if r["Tệp"].endswith(".xlsx")
    }


def header_columns(sheet) -> dict[str, int]:
    return {sheet.cell(HEADER_ROW, c).value: c for c in range(1, sheet.max_column + 1)}


def data_rows(sheet, columns) -> list[int]:
    keys = [(r, sheet.cell(r, columns["Mã dòng"]).value) for r in range(FIRST_ROW, sheet.max_row)]
    return [r for r, key in keys if key and key != SIGNATURE_MARK]


def fill(path: Path, target: Path, change=None) -> None:
    """Fill every row of the form at ``path`` correctly, apply ``change``, save to ``target``."""
    book = load_workbook(path)
    sheet = book.active
    columns = header_columns(sheet)
    rows = data_rows(sheet, columns)
    for number, row in enumerate(rows):
        sheet.cell(row, columns["Lý do chưa đồng bộ"], REASONS[number % 3])
        sheet.cell(row, columns["Biện pháp khắc phục"], "Hướng dẫn gia đình cập nhật")
        sheet.cell(row, columns["Ngày dự kiến hoàn thành"], datetime(2023, 7, 1))
        if "Trường" in columns:
            sheet.cell(row, columns["Trường"], "Trường Tiểu học Hoa Phượng")
    if change:
        change(sheet, columns)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


def test_one_form_per_office_and_unit_even_when_two_units_share_a_name(round_):
    sent = register(round_)
    assert round_.forms == len(ROUND) == len(sent)
    assert round_.people == sum(people for *_, people in ROUND)
    first, second = sent[(ROUND[0][0], ROUND[0][1])], sent[(ROUND[1][0], ROUND[1][1])]
    assert first != second
    assert first.split("/")[1] == second.split("/")[1] == "truong-tieu-hoc-le-loi.xlsx"
    for (office, unit), file in sent.items():
        title = load_workbook(round_.folder / file).active["A4"].value
        assert title == f"Đơn vị: {unit}    Đơn vị quản lý: {office}"


def test_the_folder_to_send_holds_only_forms_and_zips_of_every_format(round_):
    sent = sorted(p.relative_to(round_.folder).as_posix() for p in round_.folder.rglob("*"))
    files = [p for p in sent if "." in p]
    assert all(p.endswith((".xlsx", ".docx", ".zip")) for p in files)
    assert len([p for p in files if p.endswith(".docx")]) == len(ROUND)
    with zipfile.ZipFile(round_.folder / "phong-gddt-kien-an.zip") as bundle:
        names = bundle.namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["docx"] * 3 + ["xlsx"] * 3
    kept = {p.name for p in round_.kept.iterdir()}
    assert kept == {REGISTER, KEYS, "thong-bao.toml"}
    assert (round_.folder.parent / SECRET_FILE).is_file()
    assert round_.returned.is_dir() and round_.returned.parent == round_.folder.parent


def test_files_and_folders_have_ordinary_permissions(round_):
    mask = os.umask(0o022)
    os.umask(mask)
    for path in [round_.folder, round_.kept, *round_.folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = (0o777 if path.is_dir() else 0o666) & ~mask
        assert mode == expected, f"{path}: {oct(mode)}"


def test_the_register_maps_every_sent_file_to_its_unit_and_holds_nothing_personal(round_):
    rows = read_csv(round_.kept / REGISTER)
    files = {p.relative_to(round_.folder).as_posix() for p in round_.folder.rglob("*.?lsx")}
    files |= {p.relative_to(round_.folder).as_posix() for p in round_.folder.rglob("*.docx")}
    assert {r["Tệp"] for r in rows} == files
    people = pd.read_csv(round_.folder.parent.parent.parent / "dot-1" / "ca-nhan.csv", dtype=str)
    text = (round_.kept / REGISTER).read_text("utf-8") + (round_.kept / KEYS).read_text("utf-8")
    assert not any(name in text for name in people["Họ và tên"])
    assert not any(identifier in text for identifier in people["Mã định danh"])


def test_a_form_a_clerk_fills_without_a_phone_call(round_):
    path = round_.folder / register(round_)[("Sở GDĐT", "Các trường trực thuộc Sở")]
    sheet = load_workbook(path).active
    columns = header_columns(sheet)
    assert list(columns)[:3] == ["STT", "Trường", "Họ và tên"]  # a form for several schools
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    inputs = ["Trường", "Lý do chưa đồng bộ", "Ghi rõ lý do khác", "Biện pháp khắc phục",
              "Ngày dự kiến hoàn thành"]  # fmt: skip
    for label, column in columns.items():
        cell = sheet.cell(FIRST_ROW, column)
        shaded = cell.fill.fgColor.rgb == "00FFF2CC"
        assert shaded == (label in inputs) and (not cell.protection.locked) == shaded, label
    assert sheet.protection.sheet and not sheet.protection.password
    assert not sheet.protection.formatColumns and not sheet.protection.formatRows
    detail = sheet.cell(FIRST_ROW, columns["Ghi rõ lý do khác"]).coordinate
    alerts = {str(r.sqref).split(":")[0]: r for r in sheet.conditional_formatting}
    assert '="Khác"' in alerts[detail].rules[0].formula[0]
    prompts = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    letters = {label: sheet.cell(FIRST_ROW, c).column_letter for label, c in columns.items()}
    for label in inputs:
        rule = prompts[f"{letters[label]}{FIRST_ROW}"]
        assert rule.showInputMessage and rule.prompt, label
    assert "Khác" in prompts[f"{letters['Lý do chưa đồng bộ']}{FIRST_ROW}"].formula1
    dates = prompts[f"{letters['Ngày dự kiến hoàn thành']}{FIRST_ROW}"]
    assert dates.type == "date" and dates.operator == "greaterThanOrEqual"  # late: not refused
    assert "04 tháng 7 năm 2023" in dates.prompt
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "THỦ TRƯỞNG ĐƠN VỊ" in texts and "Người lập biểu" in texts
    assert any(t.startswith("Hải Phòng, ngày") for t in texts)
    assert sheet.column_dimensions[letters["Mã dòng"]].hidden
    single = load_workbook(round_.folder / register(round_)[("Sở GDĐT", "THPT An Lão")]).active
    assert "Trường" not in header_columns(single)


def test_a_printed_form_is_one_page_wide(tmp_path):
    """LibreOffice Calc prints the widest form (with a school column) one page wide."""
    data = write_people(tmp_path / "dot", [("Sở GDĐT", "Các trường trực thuộc Sở", "TH", 80)])
    result = make_forms(data, tmp_path / "out", workers=1)
    form = tmp_path / "mau.xlsx"
    fill(next(result.folder.rglob("*.xlsx")), form)
    pages = _page_texts(_to_pdf(form, tmp_path))
    assert len(pages) >= 2  # 80 people: several pages long, never two pages wide
    for text in pages:  # the header row repeats, whole, on every page
        flat = " ".join(text.split())
        assert "STT Trường Họ và tên" in flat and "Ngày dự kiến hoàn" in flat
        assert "Hướng dẫn gia đình cập nhật" in flat and "01/07/2023" in flat
    assert "THỦ TRƯỞNG ĐƠN VỊ" in pages[-1]


def _to_pdf(path: Path, outdir: Path) -> Path:
    import subprocess

    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return outdir / f"{path.stem}.pdf"


def _page_texts(pdf: Path) -> list[str]:
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_the_docx_form_passes_the_nd30_check(round_):
    from generator.checks.conformance import check_document

    for path in sorted(round_.folder.rglob("*.docx"))[:3]:
        failed = [(r.rule, r.failures) for r in check_document(path) if not r.passed]
        assert not failed, f"{path.name}: {failed}"


def _mistakes(round_) -> dict[str, tuple]:
    """Each kind of mistake in one form; returns the expected (unit, row, column, message)."""
    sent = register(round_)
    returned = round_.returned
    paths = {key: round_.folder / file for key, file in sent.items()}
    expected = {}

    def copy_row_from(other):
        donor = load_workbook(paths[other]).active

        def change(sheet, columns):
            values = [c.value for c in donor[FIRST_ROW]]
            row = sheet.max_row + 1
            for column, value in enumerate(values, start=1):
                sheet.cell(row, column, value)
            sheet.cell(row, columns["Lý do chưa đồng bộ"], "Sai họ tên")
            sheet.cell(row, columns["Biện pháp khắc phục"], "x")
            sheet.cell(row, columns["Ngày dự kiến hoàn thành"], datetime(2023, 7, 1))

        return change

    def cell(label, value, row=FIRST_ROW):
        def change(sheet, columns):
            sheet.cell(row, columns[label]).value = value

        return change

    def duplicate(sheet, columns):
        row = sheet.max_row + 1
        for column in range(1, sheet.max_column + 1):
            sheet.cell(row, column, sheet.cell(FIRST_ROW, column).value)

    def other_without_detail(sheet, columns):
        sheet.cell(FIRST_ROW, columns["Lý do chưa đồng bộ"], "Khác")

    def late(sheet, columns):
        sheet.cell(FIRST_ROW, columns["Ngày dự kiến hoàn thành"], datetime(2023, 7, 20))

    cases = {
        ("Phòng GDĐT Lê Chân", "Trường Tiểu học Lê Lợi"): (
            cell("Ngày dự kiến hoàn thành", "31/6/2023"), "Ngày dự kiến hoàn thành",
            "«31/6/2023» không phải một ngày có thật"),
        ("Phòng GDĐT Kiến An", "Trường THCS Bắc Sơn"): (
            lambda s, c: s.delete_rows(FIRST_ROW + 1), None, "thiếu người STT 2"),
        ("Phòng GDĐT Kiến An", "Trường THCS Nam Sơn"): (
            copy_row_from(("Phòng GDĐT Kiến An", "Trường THCS Bắc Sơn")), "Mã dòng",
            "thuộc mẫu của Trường THCS Bắc Sơn (Phòng GDĐT Kiến An)"),
        ("Sở GDĐT", "THPT An Lão"): (
            cell("Biện pháp khắc phục", None), "Biện pháp khắc phục",
            "chưa ghi biện pháp khắc phục"),
        ("Sở GDĐT", "THPT Cát Bà"): (other_without_detail, "Ghi rõ lý do khác",
                                     "đã chọn «Khác» nhưng chưa ghi rõ lý do"),
        ("Sở GDĐT", "THPT Hồng Bàng"): (
            cell("Mã dòng", "0000000000000000"), "Mã dòng", "mã dòng ẩn của người STT 1 bị sửa"),
        ("Sở GDĐT", "THPT Kiến Thuỵ"): (duplicate, "Mã dòng", "dòng lặp lại người ở dòng 8"),
        ("Sở GDĐT", "THPT Lê Quý Đôn"): (late, "Ngày dự kiến hoàn thành", "sau hạn báo cáo"),
    }  # fmt: skip
    for key, (change, column, message) in cases.items():
        fill(paths[key], returned / f"{key[1]} (đã điền).xlsx", change)
        expected[key] = (column, message)
    fill(paths[("Sở GDĐT", "Các trường trực thuộc Sở")], returned / "a" / "b.xlsx")
    shutil.copy(paths[("Sở GDĐT", "THPT Mạc Đĩnh Chi")], returned / "chua-dien.xlsx")
    resaved = load_workbook(paths[(ROUND[1][0], ROUND[1][1])])  # opened, saved, nothing filled
    resaved.save(returned / "mo-ra-roi-luu.xlsx")
    return expected


def test_a_collection_round_counts_exactly_and_names_every_problem(round_):
    expected = _mistakes(round_)
    misplaced = round_.folder / register(round_)[(ROUND[1][0], ROUND[1][1])]
    fill(misplaced, misplaced)  # a filled form put back among the sent ones: not read, said so
    result = consolidate(round_.folder.parent, today=TODAY)
    assert [p.file for p in result.strays] == [f"{FORMS_FOLDER}/{register(round_)[ROUND[1][:2]]}"]
    assert "khác mẫu đã gửi (mẫu đã điền đặt nhầm chỗ?)" in result.strays[0].message
    status = {(u.office, u.unit): u for u in result.units}
    received = set(expected) | {("Sở GDĐT", "Các trường trực thuộc Sở")}
    assert {k for k, u in status.items() if u.received} == received
    missing = {k for k, u in status.items() if not u.received}
    assert missing == {(ROUND[1][0], ROUND[1][1]), ("Sở GDĐT", "THPT Mạc Đĩnh Chi")}
    assert status[("Sở GDĐT", "THPT Mạc Đĩnh Chi")].blank == ["chua-dien.xlsx"]
    assert status[(ROUND[1][0], ROUND[1][1])].blank == ["mo-ra-roi-luu.xlsx"]
    assert (result.sent, result.received, result.missing) == (11, 9, 2)
    assert result.with_errors == 7 and result.complete == 2  # the late date is only a warning
    assert status[("Sở GDĐT", "THPT Lê Quý Đôn")].complete
    for key, (column, message) in expected.items():
        problems = status[key].problems
        assert len(problems) == 1, [str(p) for p in problems]
        problem = problems[0]
        assert message in problem.message, str(problem)
        assert (problem.column is None) == (column is None)
        if column:
            assert problem.column.startswith(f"«{column}» (cột ")
        assert problem.row == (None if column is None else problem.row) and str(key[1]) in str(
            problem
        )
    wrong_rows = {"Trường Tiểu học Lê Lợi": 1, "THPT An Lão": 1, "THPT Cát Bà": 1}
    counted = sum(result.tally.values())
    valid = sum(p for office, unit, _, p in ROUND if (office, unit) in received)
    # dropped person, wrong rows and the foreign/edited/duplicated rows are not counted
    assert counted == valid - sum(wrong_rows.values()) - 1 - 1
    assert result.by_reason_and_level()[(REASONS[0], "THPT")] > 0


def test_the_problems_name_unit_row_and_column_on_the_command_line(round_):
    _mistakes(round_)
    out = CliRunner().invoke(cli, ["collect", str(round_.folder.parent), "--hom-nay", "2023-06-26"])
    assert out.exit_code == 0, out.output
    assert "Đã gửi 11 mẫu; đã nhận 9; chưa nộp 2; có lỗi 7; đầy đủ, hợp lệ 2." in out.output
    assert "Trường Tiểu học Lê Lợi (Phòng GDĐT Lê Chân) — có lỗi:" in out.output
    assert "dòng 8, cột «Ngày dự kiến hoàn thành» (cột J)" in out.output
    assert "chua-dien.xlsx: mẫu gửi đi chưa điền" in out.output
    assert "- Trường Tiểu học Lê Lợi (Phòng GDĐT Kiến An)" in out.output


def test_the_consolidated_workbook_has_title_totals_and_the_form_reason_order(round_):
    _mistakes(round_)
    result = consolidate(round_.folder.parent, today=TODAY)
    book = load_workbook(result.outputs[0])
    sheet = book["Theo đơn vị"]
    assert sheet["A1"].value.startswith("TỔNG HỢP")
    assert "Đã gửi 11 mẫu; đã nhận 9" in sheet["A2"].value
    header = [c.value for c in sheet[4]]
    assert header[4 : 4 + len(REASONS)] == list(REASONS)
    assert sheet.freeze_panes == "A5"
    assert sheet.column_dimensions["B"].width >= 20
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[0] == "Tổng cộng" and last[-1] == sum(result.tally.values())
    text = "\n".join(p.text for p in __import__("docx").Document(str(result.outputs[1])).paragraphs)
    assert "đã nhận 9 báo cáo; 2 đơn vị đã báo cáo đầy đủ, hợp lệ" in text
    assert "Còn 2 đơn vị chưa nộp" in text


def test_a_filled_docx_form_is_read_back(round_):
    import docx

    sent = register(round_)
    path = (round_.folder / sent[("Sở GDĐT", "THPT An Lão")]).with_suffix(".docx")
    document = docx.Document(str(path))
    table = document.tables[-1]
    labels = [c.text for c in table.rows[0].cells]
    for row in table.rows[1:]:
        row.cells[labels.index("Lý do chưa đồng bộ")].text = "Đã chuyển đi"
        row.cells[labels.index("Biện pháp khắc phục")].text = "Xoá khỏi danh sách"
        row.cells[labels.index("Ngày dự kiến hoàn thành")].text = "30/6/2023"
    row = table.rows[2]
    row.cells[labels.index("Ngày dự kiến hoàn thành")].text = "31/6/2023"
    table.rows[3].cells[labels.index("Ngày dự kiến hoàn thành")].text = "01/6/2023"
    document.save(str(round_.returned / "an-lao.docx"))
    result = consolidate(round_.folder.parent, today=TODAY)
    unit = next(u for u in result.units if u.unit == "THPT An Lão")
    assert unit.received and [p.message for p in unit.problems] == [
        "ngày dự kiến hoàn thành «31/6/2023» không phải một ngày có thật "
        "(ghi dạng ngày/tháng/năm).",
        "ngày dự kiến 01/6/2023 trước ngày số liệu 23/6/2023.",
    ]
    assert [p.row for p in unit.problems] == [3, 4]
    assert unit.problems[0].column.startswith("«Ngày dự kiến")
    assert str(unit.problems[1]).startswith("THPT An Lão (Sở GDĐT): an-lao.docx, hàng 4, cột")
    assert sum(result.tally.values()) == 1


def test_returned_forms_kept_elsewhere(round_, tmp_path):
    downloads = tmp_path / "Tải về"
    fill(round_.folder / register(round_)[("Sở GDĐT", "THPT An Lão")], downloads / "an lao.xlsx")
    root = str(round_.folder.parent)
    out = CliRunner().invoke(cli, ["collect", root, "--nhan-ve", str(downloads)])
    assert out.exit_code == 0, out.output
    assert "Đã gửi 11 mẫu; đã nhận 1; chưa nộp 10; có lỗi 0; đầy đủ, hợp lệ 1." in out.output
    wrong = CliRunner().invoke(cli, ["collect", root, "--nhan-ve", str(round_.folder)])
    assert wrong.exit_code == 1 and "không phải thư mục mẫu đơn vị gửi lại" in wrong.stderr


def test_a_reason_typed_instead_of_chosen_counts_as_the_listed_one(round_):
    def typed(sheet, columns):
        sheet.cell(FIRST_ROW, columns["Lý do chưa đồng bộ"]).value = "  đã CHUYỂN đi "
        sheet.cell(FIRST_ROW + 1, columns["Lý do chưa đồng bộ"]).value = "Chuyển trường"

    sent = round_.folder / register(round_)[("Sở GDĐT", "THPT An Lão")]
    fill(sent, round_.returned / "an-lao.xlsx", typed)
    result = consolidate(round_.folder.parent, today=TODAY)
    unit = next(u for u in result.units if u.unit == "THPT An Lão")
    assert [p.message for p in unit.problems] == [
        "lý do «Chuyển trường» không có trong danh sách; chọn trong danh sách."
    ]
    assert result.tally[("Sở GDĐT", "THPT An Lão", "THPT", "Đã chuyển đi")] == 1


def test_collect_says_so_when_pointed_at_the_sent_folder(round_):
    out = CliRunner().invoke(cli, ["collect", str(round_.folder)])
    assert out.exit_code == 1
    assert "không phải thư mục mẫu đơn vị gửi lại" in out.stderr and RETURNED_FOLDER in out.stderr
    kept = CliRunner().invoke(cli, ["collect", str(round_.kept)])
    assert kept.exit_code == 1 and "luu-tai-so/" in kept.stderr
    assert find_round(round_.returned)[1] == round_.returned  # the returned folder itself: fine


def test_forms_never_overwrites_a_filled_form(round_, tmp_path):
    data = tmp_path / "dot-1"
    again = make_forms(data, tmp_path / "out", zip_offices=True, docx=True, workers=1)
    assert again.forms == round_.forms  # the forms as sent may be made again
    victim = round_.folder / register(round_)[("Sở GDĐT", "THPT An Lão")]
    fill(victim, victim)
    filled = victim.read_bytes()
    out = CliRunner().invoke(cli, ["forms", str(data), "-o", str(tmp_path / "out")])
    assert out.exit_code == 1
    assert "khác với mẫu đã gửi" in out.stderr and victim.name in out.stderr
    assert victim.read_bytes() == filled


def test_hostile_unit_names_get_distinct_safe_file_names_and_stay_text(tmp_path):
    names = ["Trường X", "Trường X.", "a-b", "A B", "con", "AUX", "com1", "lpt1.", "x" * 300,
             "=HYPERLINK(\"http://x\",\"bấm\")", "=cmd|' /C calc'!A0", "+1", "@SUM(1)",
             "Trường Y "]  # fmt: skip
    data = write_people(tmp_path / "dot", [("Phòng =1+1", n, "TH", 1) for n in names])
    result = make_forms(data, tmp_path / "out", docx=True, workers=1)
    files = sorted(p.name for p in result.folder.rglob("*.xlsx"))
    assert len(files) == len(set(files)) == result.forms
    stems = [Path(f).stem for f in files]
    assert not set(stems) & {"con", "aux", "com1", "lpt1"}
    assert {"con-0", "aux-0", "com1-0", "lpt1-0"} <= set(stems)
    assert all(len(stem) <= 60 and not stem.endswith((".", " ")) for stem in stems)
    for path in result.folder.rglob("*.xlsx"):
        sheet = load_workbook(path).active
        for row in sheet.iter_rows(max_row=FIRST_ROW + 1):
            for cell in row:
                assert cell.data_type != "f", f"{path.name} {cell.coordinate}: {cell.value}"
    raw = (result.kept / REGISTER).read_text("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(raw)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(1)" in cells
    units = {row["Đơn vị"] for row in read_csv(result.kept / REGISTER)}
    assert {'=HYPERLINK("http://x","bấm")', "=cmd|' /C calc'!A0", "+1"} <= units


def test_output_faults_are_messages_not_crashes(tmp_path, monkeypatch):
    data = write_people(tmp_path / "dot", ROUND[:2])
    a_file = tmp_path / "tep"
    a_file.write_text("x")
    out = CliRunner().invoke(cli, ["forms", str(data), "-o", str(a_file)])
    assert out.exit_code == 4 and "không phải thư mục" in out.stderr
    from generator.forms import sheet

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sheet, "workbook_bytes", full)
    out = CliRunner().invoke(cli, ["forms", str(data), "-o", str(tmp_path / "out")])
    assert out.exit_code == 4 and "No space left on device" in out.stderr
    assert not list((tmp_path / "out" / "dot").glob(".dang-tao-*"))
    assert not (tmp_path / "out" / "dot" / FORMS_FOLDER).exists()


def test_a_killed_run_leaves_no_staging_folder_behind(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    data = tmp_path / "dot"
    write_synthetic(data, SHIPPED, scale=0.05, seed=3, fmt="csv")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    command = [sys.executable, "-m", "generator", "forms", str(data), "-o", str(out), "--docx"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while not list((out / "dot").glob(".dang-tao-*/mau-bao-cao/*")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert list((out / "dot").glob(".dang-tao-*"))
    small = write_people(tmp_path / "small", ROUND[:1])
    make_forms(small, out, workers=1)  # another data folder: its own staging only
    result = make_forms(data, out, workers=1)
    assert not list((out / "dot").glob(".dang-tao-*"))
    assert result.forms > 0 and not (out / "dot" / KEPT_FOLDER / ".dang-chay").exists()


def test_odd_returned_files_are_reported_not_counted(round_):
    sent = register(round_)
    lao = round_.folder / sent[("Sở GDĐT", "THPT An Lão")]
    fill(lao, round_.returned / "an-lao-lan-1.xlsx")
    fill(lao, round_.returned / "an-lao-lan-2.xlsx")
    fill(round_.folder / sent[("Sở GDĐT", "THPT Cát Bà")], round_.returned / "cat-ba.xlsx",
         lambda sheet, columns: sheet.delete_cols(columns["Biện pháp khắc phục"]))  # fmt: skip
    (round_.returned / "hong.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    moved = round_.returned / "hong-bang.xlsx"
    fill(round_.folder / sent[("Sở GDĐT", "THPT Hồng Bàng")], moved)
    book = load_workbook(moved)
    book.create_sheet("Ghi chú", 0)["A1"] = "Trang tính khác đặt lên đầu"
    book.save(moved)
    other = pd.DataFrame({"STT": [1], "Họ và tên": ["A"], "Lý do chưa đồng bộ": ["Khác"]})
    other.to_excel(round_.returned / "la.xlsx", index=False)
    (round_.returned / "bao-cao.pdf").write_bytes(b"%PDF-1.4")
    fill(round_.folder / sent[("Sở GDĐT", "THPT Kiến Thuỵ")], round_.returned / "kien-thuy.xlsx",
         lambda sheet, columns: sheet.delete_cols(columns["Mã dòng"]))  # fmt: skip
    with zipfile.ZipFile(round_.returned / "bom.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (65 * 2**20))
    result = consolidate(round_.folder.parent, today=TODAY)
    status = {u.unit: u for u in result.units}
    lao = status["THPT An Lão"]
    assert lao.received and not lao.complete and len(lao.files) == 2
    assert [p.file for p in lao.problems] == ["an-lao-lan-2.xlsx"]
    assert "đã có tệp an-lao-lan-1.xlsx" in lao.problems[0].message
    assert not status["THPT Cát Bà"].complete
    assert "không thấy cột «Biện pháp khắc phục»" in status["THPT Cát Bà"].problems[0].message
    strays = {p.file: p.message for p in result.strays}
    assert set(strays) == {"hong.xlsx", "la.xlsx", "bao-cao.pdf", "bom.xlsx"}
    assert "khi giải nén quá lớn" in strays["bom.xlsx"]
    assert "lưu thành .xlsx/.docx" in strays["bao-cao.pdf"]
    assert "không nhận ra mẫu" in strays["la.xlsx"] and "hỏng" in strays["hong.xlsx"]
    assert status["THPT Hồng Bàng"].complete
    thuy = status["THPT Kiến Thuỵ"]  # known by its title line once the key column is gone
    assert thuy.received and "không thấy cột «Mã dòng»" in thuy.problems[0].message
    assert sum(result.tally.values()) == 3 + 2  # An Lão's three people counted once, Hồng Bàng's


def test_forms_cite_the_issued_notice(tmp_path):
    from generator.archive.build import build
    from generator.archive.issuing import issue

    data = write_synthetic(tmp_path / "dot", SHIPPED, scale=0.01, seed=5, fmt="csv").parent
    draft = build(data, tmp_path / "out")
    issue(draft.version.path, 12, date(2023, 6, 26))
    result = make_forms(data, tmp_path / "out", workers=1)
    sheet = load_workbook(next(result.folder.rglob("*.xlsx"))).active
    assert "Thực hiện Thông báo số 12/TB-SGDĐT ngày 26/6/2023 của Sở Giáo dục" in sheet["A5"].value
    filled = next(result.folder.rglob("*.xlsx"))
    fill(filled, result.returned / filled.name)
    report = consolidate(result.folder.parent, today=TODAY)
    assert (
        "Theo Thông báo số 12/TB-SGDĐT ngày 26/6/2023"
        in load_workbook(report.outputs[0])["Theo đơn vị"]["A2"].value
    )


@pytest.mark.parametrize(
    ("tag", "said"),
    [
        ("{{ nguoi[3].ten }}", "mẫu dùng biến"),  # fails only in some units' forms
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "mẫu làm việc bị cấm"),
        ("{{ bien_la }}", "mẫu dùng biến"),
    ],
)
def test_a_bad_form_template_is_a_template_error_in_every_process(tmp_path, tag, said):
    from generator.documents.docx_xml import deterministic_bytes
    from generator.documents.template_maker import make_form_template

    units = [("Phòng GDĐT A", "Trường Đầu", "TH", 4)]
    units += [("Phòng GDĐT A", f"Trường số {n:02d}", "TH", 1) for n in range(60)]
    data = write_people(tmp_path / "dot", units)
    template = make_form_template()
    template.add_paragraph(tag)
    (data / "mau-bao-cao.docx").write_bytes(deterministic_bytes(template))
    out = CliRunner().invoke(cli, ["forms", str(data), "-o", str(tmp_path / "out"), "--docx"])
    assert out.exit_code == 3, out.output
    assert said in out.stderr and "mau-bao-cao.docx" in out.stderr
    assert not (tmp_path / "out" / "dot" / FORMS_FOLDER).exists()


def test_a_form_saved_again_as_ods_by_libreoffice_is_read_back(round_, tmp_path):
    import subprocess

    sent = round_.folder / register(round_)[("Sở GDĐT", "THPT Mạc Đĩnh Chi")]
    filled = tmp_path / "mac-dinh-chi.xlsx"
    fill(sent, filled)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "ods",
         "--outdir", str(round_.returned), str(filled)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = consolidate(round_.folder.parent, today=TODAY)
    unit = next(u for u in result.units if u.unit == "THPT Mạc Đĩnh Chi")
    assert unit.files == ["mac-dinh-chi.ods"] and unit.complete, [str(p) for p in unit.problems]
    assert sum(result.tally.values()) == 3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30/6/2023", date(2023, 6, 30)),
        ("01/07/2023", date(2023, 7, 1)),
        ("2023-07-01T00:00:00", date(2023, 7, 1)),  # a real date cell
        ("45108", date(2023, 7, 1)),  # a date cell whose format was lost
        ("31/6/2023", None),
        ("29/2/2023", None),
        ("sau tết", None),
        ("", None),
    ],
)
def test_the_dates_a_clerk_types(typed, expected):
    from generator.forms.making import fill_date

    assert fill_date(typed) == expected


def test_forms_run_at_the_same_time_agree(tmp_path):
    import subprocess
    import sys

    from generator.common.files import sha256
    from generator.forms.register import keyed

    data = write_people(tmp_path / "dot", ROUND)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    command = [sys.executable, "-m", "generator", "forms", str(data), "-o", str(out), "--docx"]
    runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE) for _ in range(3)]
    assert [run.wait(timeout=300) for run in runs] == [0, 0, 0]
    root = out / "dot"
    secret = (root / SECRET_FILE).read_bytes()
    for row in read_csv(root / KEPT_FOLDER / REGISTER):
        assert sha256(root / FORMS_FOLDER / row["Tệp"]) == row["SHA-256"]
        assert row["Mã mẫu"] == keyed(secret, row["Đơn vị quản lý"], row["Đơn vị"])
    assert not list(root.glob(".dang-tao-*")) and not list(root.glob(f"{SECRET_FILE}.*"))
