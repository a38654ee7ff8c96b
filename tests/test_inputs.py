"""The same data in every form clerks have it builds the same notice."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from generator.archive.build import build
from generator.cli.main import cli

from .conftest import SHIPPED, to_cp1258

GROUPS = ("HỌC SINH", "CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _rows() -> list[list[str]]:
    with open(SHIPPED / "don-vi.csv", encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def _document_parts(path: Path) -> dict[str, bytes]:
    """What a reader sees: the body, headers and styles (not the input hashes)."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("word/")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return _document_parts(build(SHIPPED, tmp_path_factory.mktemp("ref")).output)


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _replace_table(folder: Path, name: str, data: bytes) -> None:
    (folder / "don-vi.csv").unlink()
    (folder / name).write_bytes(data)


def _appendix_shaped_xlsx(path: Path) -> None:
    """The table laid out like the notice's appendices: a title, STT, two header rows with
    merged group headers, ratio columns, and the total row first, as in 2023."""
    rows = _rows()[1:]
    book = Workbook()
    sheet = book.active
    sheet.title = "PL"
    sheet.append(["PHỤ LỤC: THỐNG KÊ SỐ HỌC SINH, NHÂN SỰ CHƯA ĐỒNG BỘ"])
    sheet.append([])
    sheet.append(
        ["STT", "Đơn vị", "Cấp học", "Đơn vị quản lý", GROUPS[0], None, None, GROUPS[1], None, None]
    )
    sheet.append(
        [
            None,
            None,
            None,
            None,
            "Tổng số học sinh",
            "Chưa xác thực",
            "Tỉ lệ (%)",
            "Tổng số nhân sự",
            "Chưa xác thực",
            "Tỉ lệ (%)",
        ]
    )
    for column in ("A", "B", "C", "D"):
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("E3:G3")
    sheet.merge_cells("H3:J3")
    totals = [sum(int(r[i]) for r in rows) for i in (3, 4, 5, 6)]
    sheet.append(
        [None, "Tổng Số", None, None, totals[0], totals[1], "0,74", totals[2], totals[3], "2,17"]
    )
    for number, row in enumerate(rows, start=1):
        counts = [int(v) for v in row[3:]]
        sheet.append(
            [number, row[0], row[1], row[2], counts[0], counts[1], "x", counts[2], counts[3], "x"]
        )
    book.save(path)


FORMS = {
    "xlsx": lambda folder: _save_xlsx(folder),
    "utf-16-tab": lambda folder: _replace_table(
        folder, "don-vi.csv", _csv_text(_rows(), "\t").encode("utf-16")
    ),
    "cp1258": lambda folder: _replace_table(folder, "don-vi.csv", to_cp1258(_csv_text(_rows()))),
    "cp1258-semicolon": lambda folder: _replace_table(
        folder, "don-vi.csv", to_cp1258(_csv_text(_rows(), ";"))
    ),
    "utf-8-no-bom": lambda folder: _replace_table(
        folder, "don-vi.csv", _csv_text(_rows()).encode("utf-8")
    ),
    "nfd": lambda folder: _replace_table(
        folder, "don-vi.csv", unicodedata.normalize("NFD", _csv_text(_rows())).encode("utf-8")
    ),
    "appendix-shaped": lambda folder: _appendix_shaped(folder),
}


def _save_xlsx(folder: Path) -> None:
    book = Workbook()
    for row in _rows():
        book.active.append([int(c) if c.isdigit() else c for c in row])
    book.save(folder / "don-vi.xlsx")
    (folder / "don-vi.csv").unlink()


def _appendix_shaped(folder: Path) -> None:
    _appendix_shaped_xlsx(folder / "don-vi.xlsx")
    (folder / "don-vi.csv").unlink()


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_builds_the_same_document(form, data_copy, tmp_path, reference):
    FORMS[form](data_copy)
    result = build(data_copy, tmp_path / "out")
    assert _document_parts(result.output) == reference


def test_the_reading_is_reported_not_guessed_silently(data_copy, tmp_path):
    FORMS["cp1258"](data_copy)
    result = run("build", str(data_copy), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "don-vi.csv: đọc theo bảng mã Windows-1258" in result.output
    FORMS["utf-16-tab"](data_copy)
    assert "bảng mã UTF-16" in run("validate", str(data_copy)).output


def test_an_appendix_total_row_that_disagrees_is_reported(data_copy):
    _appendix_shaped(data_copy)
    from openpyxl import load_workbook

    book = load_workbook(data_copy / "don-vi.xlsx")
    book["PL"]["H5"] = 490  # as PL III printed its staff total
    book.save(data_copy / "don-vi.xlsx")
    result = run("validate", str(data_copy))
    assert result.exit_code == 1
    assert (
        "don-vi.xlsx, trang tính «PL», dòng 5, cột «CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN / Tổng số "
        "nhân sự»: dòng tổng ghi 490, nhưng các dòng cộng lại được 33.052."
    ) in result.stderr


def test_a_named_sheet_is_read(data_copy, tmp_path):
    book = Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["Bảng này chỉ để ghi chú"])
    data = book.create_sheet("Số liệu")
    for row in _rows():
        data.append([int(c) if c.isdigit() else c for c in row])
    book.save(data_copy / "don-vi.xlsx")
    (data_copy / "don-vi.csv").unlink()
    result = run("build", str(data_copy), "--sheet", "Số liệu", "-o", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr
    assert "3.940 / 532.591" in result.output


def test_warnings_are_shown_but_do_not_block(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    path.write_text(
        path.read_text(encoding="utf-8-sig") + "THPT Mới,THPT,Sở GDĐT,0,0,12,0\n",
        encoding="utf-8-sig",
    )
    result = run("build", str(data_copy), "-o", str(tmp_path / "o"))
    assert result.exit_code == 0
    assert "Cảnh báo: don-vi.csv, dòng 129, cột «Tổng số học sinh»: 0 học sinh nhưng có 12" in (
        result.output
    )
    strict = run("build", str(data_copy), "-o", str(tmp_path / "o2"), "--strict")
    assert strict.exit_code == 1
    assert not (tmp_path / "o2").exists()


def test_old_font_text_in_a_spreadsheet_cell_is_refused(data_copy):
    book = Workbook()
    for row in _rows()[:3]:
        book.active.append(row)
    book.active["A3"] = "Tr\u00adêng THPT An L·o"  # typed with .VnTime
    book.save(data_copy / "don-vi.xlsx")
    (data_copy / "don-vi.csv").unlink()
    result = run("validate", str(data_copy))
    assert result.exit_code == 1
    assert "dòng 3, cột «Tên đơn vị»: 1 ô viết bằng bảng mã cũ TCVN3 (phông .VnTime)" in (
        result.stderr
    )


def test_validate_reports_the_2023_tie_out(data_copy):
    result = run("validate", str(SHIPPED))
    assert result.exit_code == 0
    assert "Đối chiếu với doi-chieu.toml: 23 số báo cáo khác số tính từ các dòng:" in result.output
    assert (
        "Phụ lục III, hàng «Tổng số», «Tổng số nhân sự»: báo cáo 490, tính từ các dòng 454 "
        "(chênh −36)."
    ) in result.output
    assert (
        "Phụ lục I, hàng «Tổng số», «Học sinh chưa đồng bộ»: báo cáo 4.085, tính từ các dòng "
        "3.940 (chênh −145)."
    ) in result.output
    as_json = json.loads(run("validate", str(SHIPPED), "--json").output)
    assert as_json["hop_le"] is True and len(as_json["doi_chieu"]) == 23
    assert run("validate", str(SHIPPED), "--strict").exit_code == 1


def test_validate_json_lists_errors_for_scripts(data_copy):
    path = data_copy / "don-vi.csv"
    path.write_text(
        path.read_text(encoding="utf-8-sig").replace(",THPT,", ",THPTX,", 1), encoding="utf-8-sig"
    )
    result = run("validate", str(data_copy), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["hop_le"] is False
    assert report["loi"][0]["dong"] == 2 and report["loi"][0]["cot"] == "Cấp học"


# --- check-template -------------------------------------------------------------------


def test_the_shipped_template_fits_the_shipped_data():
    result = run("check-template", "templates/thong-bao/mau-thong-bao.docx", "--data", str(SHIPPED))
    assert result.exit_code == 0
    assert "Mẫu dùng được với dữ liệu này." in result.output
    assert "phu_luc[].tong.ten" in result.output  # provided, never used


def test_check_template_names_unknown_variables_and_split_tags(tmp_path):
    document = docx.Document()
    document.add_paragraph("Người ký: {{ ky.nguoi_ky }}")
    split = document.add_paragraph("Số học sinh: ")
    split.add_run("{{ so_lieu.")
    split.add_run("so_hoc_sinh }}").bold = True
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 1).text = "{{ van_ban.tieu_de }}"
    path = tmp_path / "mau.docx"
    document.save(str(path))
    result = run("check-template", str(path), "--data", str(SHIPPED))
    assert result.exit_code == 3
    assert "so_lieu.so_hoc_sinh, ở «Số học sinh: {{ so_lieu.so_hoc_sinh }}»" in result.output
    assert "van_ban.tieu_de, ở «{{ van_ban.tieu_de }}»" in result.output
    assert "{{ so_lieu.so_hoc_sinh }}, ở đoạn 2" in result.output
    assert "co_quan.chu_quan" in result.output  # provided, never used
