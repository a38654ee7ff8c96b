"""The vanban command as a clerk uses it: messages, exit codes, nothing half-written."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from generator.archive import build as build_module
from generator.cli.main import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _set_cell(folder: Path, row: int, column: int, value: str) -> None:
    """Change one cell of don-vi.csv; ``row`` counts like Excel (1 = headers)."""
    path = folder / "don-vi.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[row - 1].split(",")
    cells[column] = value
    lines[row - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def test_build_writes_the_notice_and_prints_where_and_the_headline(data_copy, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(data_copy), "--output", str(out))
    assert result.exit_code == 0, result.output
    target = out / "2023-06-23" / "v001" / "thong-bao-2023-06-23-du-thao.docx"
    assert target.is_file()
    assert f"Đã tạo phiên bản v001: {target}" in result.output
    assert "Học sinh, học viên chưa đồng bộ: 3.940 / 532.591 (0,74 %)" in result.output
    assert "Cán bộ, giáo viên, nhân viên chưa đồng bộ: 717 / 33.052 (2,17 %)" in result.output


def test_help_is_in_vietnamese():
    result = run("--help")
    assert "Soạn văn bản của Sở GDĐT" in result.output
    assert "Cách dùng: vanban" in result.output and "Lệnh:" in result.output
    build_help = run("build", "--help").output
    assert "Tạo dự thảo Thông báo" in build_help and "Tuỳ chọn:" in build_help
    assert "Hiện hướng dẫn này rồi thoát." in build_help
    assert "Show this message" not in build_help + result.output


def test_missing_data_folder(tmp_path):
    result = run("build", str(tmp_path / "khong-co"), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "Không tìm thấy thư mục số liệu" in result.stderr
    assert "vanban build data/2023-06-23" in result.stderr
    assert not (tmp_path / "out").exists()


def test_every_bad_row_is_reported_at_once_and_nothing_is_written(data_copy, tmp_path):
    _set_cell(data_copy, 3, 1, "THPTX")  # unknown level
    _set_cell(data_copy, 5, 3, "-4")  # negative count
    _set_cell(data_copy, 6, 6, "99")  # Cát Hải: more not synchronised than staff (32)
    _set_cell(data_copy, 9, 3, '"12,5"')  # not a whole number
    _set_cell(data_copy, 11, 2, "")  # no managing office
    out = tmp_path / "out"
    result = run("build", str(data_copy), "--output", str(out))
    assert result.exit_code == 1
    message = result.stderr
    assert "Dữ liệu có 5 lỗi" in message
    assert "don-vi.csv, dòng 3, cột «Cấp học»: cấp học «THPTX» không hợp lệ." in message
    assert "don-vi.csv, dòng 5, cột «Tổng số học sinh»: số âm (-4)." in message
    assert "don-vi.csv, dòng 6, cột «Nhân sự chưa đồng bộ»" in message
    assert "(99) lớn hơn tổng số nhân sự (32)" in message
    assert "don-vi.csv, dòng 9, cột «Tổng số học sinh»: «12,5» không phải số nguyên." in message
    assert "don-vi.csv, dòng 11, cột «Đơn vị quản lý»: thiếu đơn vị quản lý." in message
    assert message.count("Cách sửa:") == 5
    assert "Traceback" not in result.output + message
    assert not out.exists()


def test_fixed_data_then_builds(data_copy, tmp_path):
    _set_cell(data_copy, 3, 1, "THPTX")
    assert run("build", str(data_copy), "--output", str(tmp_path / "o")).exit_code == 1
    _set_cell(data_copy, 3, 1, "thpt")  # level case does not matter
    assert run("build", str(data_copy), "--output", str(tmp_path / "o")).exit_code == 0


def test_a_row_with_more_cells_than_columns(data_copy, tmp_path):
    _set_cell(data_copy, 9, 3, "12,5")  # unquoted: the comma makes an eighth cell
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "don-vi.csv, dòng 9: dòng có 8 ô nhưng bảng chỉ có 7 cột." in result.stderr


def test_blank_lines_do_not_shift_row_numbers(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(3, ",,,,,,")  # row 4 left blank
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    _set_cell(data_copy, 6, 1, "XYZ")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert "dòng 6, cột «Cấp học»: cấp học «XYZ» không hợp lệ." in result.stderr


def test_duplicate_unit_and_a_total_row_in_the_middle(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(10, "Tổng số,THPT,Sở GDĐT,69315,129,4191,172")  # becomes row 11
    lines.append("THPT An Dương,THPT,Sở GDĐT,1,0,1,0")  # row 130
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 1
    duplicate = "dòng 130, cột «Tên đơn vị»: đơn vị «THPT An Dương», cấp THPT đã có ở dòng 2."
    assert duplicate in result.stderr
    assert "dòng 11, cột «Tên đơn vị»: đây là dòng tổng (cộng), không phải một đơn vị." in (
        result.stderr
    )


def test_a_total_row_at_the_bottom_is_checked_against_the_rows(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text + "Tổng số,,,532591,3940,33052,716\n", encoding="utf-8-sig")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert (
        "dòng 129, cột «Nhân sự chưa đồng bộ»: dòng tổng ghi 716, nhưng các dòng cộng lại được 717."
    ) in result.stderr
    assert result.stderr.count("dòng tổng ghi") == 1
    path.write_text(text + "Tổng số,,,532591,3940,33052,717\n", encoding="utf-8-sig")
    fixed = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert fixed.exit_code == 0, fixed.stderr
    assert "3.940 / 532.591" in fixed.output


def test_a_misspelt_header_gets_a_did_you_mean(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    text = path.read_text(encoding="utf-8-sig").replace("Cấp học", "Cap hocc", 1)
    path.write_text(text, encoding="utf-8-sig")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "dòng 1, cột «Cap hocc»: tiêu đề cột không thuộc bảng số liệu." in result.stderr
    assert "có phải ý bạn là «Cấp học»?" in result.stderr
    assert "dòng 1, cột «Cấp học»: thiếu cột bắt buộc." in result.stderr


def test_vietnamese_header_aliases_are_accepted(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[0] = "TÊN ĐƠN VỊ,cap_hoc,Co quan quan ly,Số HS,HS chưa xác thực,Số NS,NS chưa xác thực"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr
    assert "3.940 / 532.591" in result.output


def test_metadata_problems_are_named_by_key(data_copy, tmp_path):
    path = data_copy / "thong-bao.toml"
    text = path.read_text(encoding="utf-8").replace("TM. BAN CHỈ ĐẠO", "T/M BAN CHỈ ĐẠO")
    text = text.replace('nguoi_ky = "Bùi Văn Kiệt"', "")
    path.write_text(text, encoding="utf-8")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "thong-bao.toml, mục «ky.nguoi_ky»: thiếu thông tin bắt buộc." in result.stderr
    assert "thong-bao.toml, mục «ky.quyen_han»" in result.stderr
    assert "viết «TM.»" in result.stderr


def test_metadata_syntax_error_names_the_line(data_copy, tmp_path):
    path = data_copy / "thong-bao.toml"
    text = path.read_text(encoding="utf-8").replace(
        'he_thong_nop = "qlvb.hpnet.vn"', "he_thong_nop = qlvb.hpnet.vn"
    )
    path.write_text(text, encoding="utf-8")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 1
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("he_thong_nop"))
    assert f"thong-bao.toml, dòng {line}: sai cú pháp" in result.stderr


def test_values_with_markup_characters_appear_literally(data_copy, tmp_path):
    path = data_copy / "thong-bao.toml"
    hostile = "Phòng GD&ĐT <Kiến An> \\\"số 1\\\" 'A' {{ 7*7 }} {% if %}"
    text = path.read_text(encoding="utf-8").replace(
        '"Các đơn vị giáo dục (để t/h)"', f'"{hostile}"'
    )
    path.write_text(text, encoding="utf-8")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr
    text = _docx_text(tmp_path / "o" / "2023-06-23" / "v001" / "thong-bao-2023-06-23-du-thao.docx")
    assert "- Phòng GD&ĐT <Kiến An> \"số 1\" 'A' {{ 7*7 }} {% if %};" in text
    assert "- Lưu: VT, GDTX&ĐH." in text  # everything after the value survived
    assert "Phụ lục IV" in text


def _template_with(tmp_path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    path = tmp_path / "mau.docx"
    document.save(str(path))
    return path


def test_a_clerks_own_template_in_the_data_folder_wins(data_copy, tmp_path):
    own = _template_with(tmp_path, "Bản của văn thư: {{ pl.toan_nganh.tong.hs.chua | so }}")
    own.rename(data_copy / "mau-thong-bao.docx")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr
    assert "mau-thong-bao.docx" in result.output
    text = _docx_text(tmp_path / "o" / "2023-06-23" / "v001" / "thong-bao-2023-06-23-du-thao.docx")
    assert text.strip() == "Bản của văn thư: 3.940"


def test_a_template_variable_the_data_lacks_is_an_error_not_a_blank(data_copy, tmp_path):
    own = _template_with(tmp_path, "Số liệu: {{ so_lieu.khong_co }}")
    own.rename(data_copy / "mau-thong-bao.docx")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 3
    assert "khong_co" in result.stderr and "Cách sửa" in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ so_lieu.__class__.__init__ }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_a_template_reaching_python_internals_is_refused(data_copy, tmp_path, attack):
    own = _template_with(tmp_path, attack)
    own.rename(data_copy / "mau-thong-bao.docx")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 3, result.output
    assert "Mẫu văn bản" in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_broken_template_tag_says_where(data_copy, tmp_path):
    own = _template_with(tmp_path, "Tổng: {{ pl.toan_nganh.tong.hs.chua | so }")
    own.rename(data_copy / "mau-thong-bao.docx")
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 3
    assert "thẻ mẫu viết sai" in result.stderr and "Tổng:" in result.stderr


def test_unexpected_faults_give_a_message_not_a_traceback(monkeypatch, tmp_path):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(build_module, "build", broken)
    result = run("build", str(tmp_path))
    assert result.exit_code == 5
    assert "--debug" in result.stderr and "Traceback" not in result.stderr
    debug = run("--debug", "build", str(tmp_path))
    assert debug.exit_code == 5
    assert re.search(r"Traceback .*RuntimeError: boom", debug.stderr, re.S)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["build"],
            "Lỗi: gõ lệnh chưa đúng: thiếu tham số DATA. Xem hướng dẫn: vanban build --help",
        ),
        (["buil", "x"], "không có lệnh «buil». Có phải ý bạn là build?"),
        (["build", "--strct", "x"], "không có tuỳ chọn --strct. Có phải ý bạn là --strict?"),
        (
            ["build", "--pfd", "x"],
            "không có tuỳ chọn --pfd. Có phải ý bạn là một trong: --pdf, --pdf-a?",
        ),
        (["issue", "x", "--so", "abc", "--ngay", "2023-06-26"], "«abc» không phải số nguyên"),
    ],
)
def test_mistyped_commands_get_a_vietnamese_message_and_exit_2(args, expected):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert expected in result.stderr
