"""Last year's workbook as input: the 2023 appendices typed as printed build the same figures.

tests/data/phu-luc-2023/don-vi.xlsx is written by make_workbook.py in that folder: one sheet
per appendix, titles, merged headers, a «Tổng số» merged across STT and name, numbers as text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli.main import cli
from generator.common.errors import InvalidData
from generator.figures.aggregate import aggregate
from generator.inputs.folder import load_inputs

from .conftest import SHIPPED

WORKBOOK = Path(__file__).parent / "data" / "phu-luc-2023" / "don-vi.xlsx"


def _figures(inputs) -> list:
    """Every appendix as the reader sees it: row labels and their counts per level."""
    return [
        (
            appendix.spec.number,
            [(row.label, row.by_level) for row in appendix.rows],
            appendix.total.by_level,
        )
        for appendix in aggregate(inputs.units, inputs.declarations)
    ]


def _folder(tmp_path: Path, book_path: Path = WORKBOOK, name: str = "don-vi.xlsx") -> Path:
    folder = tmp_path / "2023"
    folder.mkdir()
    shutil.copyfile(SHIPPED / "thong-bao.toml", folder / "thong-bao.toml")
    shutil.copyfile(book_path, folder / name)
    return folder


def _edited(tmp_path: Path, edit) -> Path:
    book = load_workbook(WORKBOOK)
    edit(book)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def _untitle(sheet) -> None:
    for row in (1, 2, 3):
        sheet.cell(row, 1).value = None


def test_the_printed_appendices_build_the_same_figures_as_the_table(tmp_path, shipped_inputs):
    inputs = load_inputs(_folder(tmp_path))
    assert _figures(inputs) == _figures(shipped_inputs)
    notes = "\n".join(inputs.notes)
    assert "trang tính «PL I» là phụ lục I (nhận theo tiêu đề; chỉ dùng để đối chiếu)" in notes
    assert "trang tính «PL II» là phụ lục II" in notes
    assert "cấp học THPT; đơn vị quản lý «Sở GDĐT»" in notes
    assert "mỗi cặp cột một cấp học: MN, TH, THCS" in notes


def test_sheets_in_any_order_under_any_names_without_titles(tmp_path, shipped_inputs):
    def shuffle(book):
        book._sheets.reverse()
        for number, sheet in enumerate(book.worksheets, start=1):
            sheet.title = f"Trang {number}"
            _untitle(sheet)  # no "PHỤ LỤC", no title: matched by the columns

    inputs = load_inputs(_folder(tmp_path, _edited(tmp_path, shuffle)))
    assert _figures(inputs) == _figures(shipped_inputs)
    assert any("«Trang 2» là phụ lục III (nhận theo các cột" in note for note in inputs.notes)


def test_the_same_workbook_saved_as_xlsm_is_read(tmp_path, shipped_inputs):
    inputs = load_inputs(_folder(tmp_path, name="don-vi.xlsm"))
    assert _figures(inputs) == _figures(shipped_inputs)


def test_a_total_row_that_disagrees_names_its_sheet_and_cell(tmp_path):
    def wrong_total(book):
        sheet = book["PL II"]
        sheet.cell(sheet.max_row, 3).value = "69.316"

    folder = _folder(tmp_path, _edited(tmp_path, wrong_total))
    with pytest.raises(InvalidData) as raised:
        load_inputs(folder)
    (problem,) = raised.value.problems
    assert problem.sheet == "PL II"
    assert problem.cell == "C73"
    assert "dòng tổng ghi 69.316, nhưng các dòng cộng lại được 69.315" in problem.message


def test_the_summary_sheet_is_tied_out_not_counted(tmp_path):
    def wrong_summary(book):
        book["PL I"]["C8"] = 1  # Mầm non's pupils in appendix I

    with pytest.raises(InvalidData) as raised:
        load_inputs(_folder(tmp_path, _edited(tmp_path, wrong_summary)))
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.cell) == ("PL I", "C8")
    assert "bảng tổng hợp ghi 1, nhưng các trang tính khác cộng lại (cấp MN) được" in (
        problem.message
    )


def test_appendix_ii_alone_as_printed_is_a_table_of_the_body_s_thpt_schools(tmp_path):
    def only_ii(book):
        for name in ("PL I", "PL III", "PL IV"):
            del book[name]

    inputs = load_inputs(_folder(tmp_path, _edited(tmp_path, only_ii)))
    assert len(inputs.units) == 66
    assert set(inputs.units["cap_hoc"]) == {"THPT"}
    assert set(inputs.units["don_vi_quan_ly"]) == {"Sở GDĐT"}
    row = inputs.units[inputs.units["don_vi"] == "THPT Trần Nguyên Hãn"].iloc[0]
    assert (row["hs_tong"], row["hs_chua"]) == (1739, 25)  # typed as the text «1.739»


def test_an_ambiguous_sheet_asks_for_the_mapping_then_follows_it(tmp_path):
    def untitled_ii_and_iii(book):
        for name, new in (("PL II", "Trường"), ("PL III", "Trung tâm")):
            _untitle(book[name])
            for cell in book[name][5]:
                if cell.value in ("HỌC SINH", "HỌC VIÊN"):
                    cell.value = "HỌC SINH, HỌC VIÊN"
            book[name].title = new

    folder = _folder(tmp_path, _edited(tmp_path, untitled_ii_and_iii))
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "trang tính «Trường»" in result.stderr
    assert "không biết trang tính này là phụ lục nào (có thể là: II (thpt), III (gdtx))" in (
        result.stderr
    )
    assert "bang-so-lieu.toml" in result.stderr
    (folder / "bang-so-lieu.toml").write_text(
        '[trang_tinh]\n"Trường" = "thpt"\n"Trung tâm" = "III"\n', encoding="utf-8"
    )
    fixed = CliRunner().invoke(cli, ["validate", str(folder)])
    assert fixed.exit_code == 0, fixed.stderr
    assert "«Trung tâm» là phụ lục III (nhận theo bang-so-lieu.toml" in fixed.output


def test_a_sheet_named_like_its_appendix_settles_a_tie(tmp_path, shipped_inputs):
    def untitled_ii_and_iii(book):
        for name in ("PL II", "PL III"):
            _untitle(book[name])
            for cell in book[name][5]:
                if cell.value in ("HỌC SINH", "HỌC VIÊN"):
                    cell.value = "HỌC SINH, HỌC VIÊN"

    inputs = load_inputs(_folder(tmp_path, _edited(tmp_path, untitled_ii_and_iii)))
    assert _figures(inputs) == _figures(shipped_inputs)


def test_a_missing_column_is_placed_at_the_header_row_found(tmp_path):
    def no_staff_total(book):
        sheet = book["PL II"]
        sheet["F6"] = None
        sheet["F5"] = "NHÂN VIÊN"
        sheet["F6"] = "Ghi chép"

    with pytest.raises(InvalidData) as raised:
        load_inputs(_folder(tmp_path, _edited(tmp_path, no_staff_total)))
    assert all(p.row in (5, None) for p in raised.value.problems), raised.value
    assert not any(p.row == 1 for p in raised.value.problems)


def test_an_unknown_column_in_one_sheet_is_named_there(tmp_path):
    def odd_column(book):
        book["PL III"]["H6"] = "Ghi chép"

    folder = _folder(tmp_path, _edited(tmp_path, odd_column))
    with pytest.raises(InvalidData) as raised:
        load_inputs(folder)
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.row, problem.letter) == ("PL III", 5, "H")
    assert "tiêu đề cột không thuộc bảng số liệu" in problem.message
