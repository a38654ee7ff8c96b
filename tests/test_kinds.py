"""Document kinds are declarations: listing them, starting a folder, and every declaration error."""

from __future__ import annotations

import csv
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from generator.cli.main import cli
from generator.common.errors import InvalidData
from generator.inputs.headers import LABELS
from generator.kinds.metadata import load_metadata
from generator.kinds.templates import kind_names

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "2023-06-23"
SHIPPED_KINDS = ("thong-bao", "cong-van-don-doc", "bao-cao-tong-hop")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_kinds_lists_each_shipped_kind_on_one_line():
    result = run("kinds")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(kind_names()) >= 3
    for name in SHIPPED_KINDS:
        assert sum(line.startswith(f"{name} ") for line in lines) == 1
    assert any("Mẫu 1.5" in line for line in lines if line.startswith("cong-van-don-doc"))


@pytest.mark.parametrize("kind", SHIPPED_KINDS)
def test_new_writes_a_folder_whose_commented_metadata_is_valid(kind, tmp_path):
    folder = tmp_path / "data" / "moi"
    result = run("new", kind, str(folder))
    assert result.exit_code == 0, result.output
    (metadata,) = [p for p in folder.glob("*.toml")]
    text = metadata.read_text(encoding="utf-8")
    assert f'loai = "{kind}"' in text
    assert text.count("#") > 10  # every line explains itself
    with pytest.raises(InvalidData) as unfilled:
        load_metadata(metadata)
    lines = text.splitlines()
    for problem in unfilled.value.problems:  # only the values only the clerk knows
        assert problem.message == "chưa điền." and "…" in lines[problem.row - 1]
    metadata.write_text(text.replace("…", "Ninh Bình"), encoding="utf-8")
    assert load_metadata(metadata)["loai"] == kind


def test_new_writes_the_unit_table_headers_as_csv_and_xlsx(tmp_path):
    folder = tmp_path / "moi"
    assert run("new", "cong-van-don-doc", str(folder)).exit_code == 0
    with open(folder / "don-vi.csv", encoding="utf-8-sig", newline="") as stream:
        assert next(csv.reader(stream)) == list(LABELS.values())
    sheet = CalamineWorkbook.from_path(str(folder / "don-vi.xlsx")).get_sheet_by_index(0)
    assert sheet.to_python()[0] == list(LABELS.values())


def test_new_never_overwrites_a_folder(tmp_path):
    folder = tmp_path / "co-san"
    folder.mkdir()
    (folder / "don-vi.csv").write_text("của văn thư", encoding="utf-8")
    result = run("new", "thong-bao", str(folder))
    assert result.exit_code == 4
    assert "không ghi đè" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["don-vi.csv"]
    assert (folder / "don-vi.csv").read_text(encoding="utf-8") == "của văn thư"


def test_new_refuses_an_unknown_kind(tmp_path):
    result = run("new", "ke-hoach-la", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "không có loại văn bản «ke-hoach-la»" in result.stderr
    assert "thong-bao" in result.stderr
    assert not (tmp_path / "x").exists()


def test_two_builds_of_a_new_folder_give_the_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert run("new", "thong-bao", str(tmp_path / name)).exit_code == 0
    for file in ("thong-bao.toml", "don-vi.csv", "don-vi.xlsx"):
        a = (tmp_path / "a" / file).read_bytes()
        b = (tmp_path / "b" / file).read_bytes().replace(b"/b", b"/a")
        assert a == b, file


# --- a user's own kind, and every way its declaration can be wrong -----------------------


@pytest.fixture
def own_kind(tmp_path, monkeypatch):
    """A kind «thu» in the user's templates/ folder, and a data folder naming it."""
    monkeypatch.chdir(tmp_path)
    kind = tmp_path / "templates" / "thu"
    shutil.copytree(ROOT / "templates" / "thong-bao", kind)
    declaration = kind / "kind.toml"
    declaration.write_text(
        declaration.read_text(encoding="utf-8").replace('ma = "thong-bao"', 'ma = "thu"'),
        encoding="utf-8",
    )
    data = tmp_path / "data" / "thu"
    shutil.copytree(SHIPPED, data)
    metadata = data / "thong-bao.toml"
    metadata.write_text('loai = "thu"\n' + metadata.read_text(encoding="utf-8"), encoding="utf-8")
    return declaration, data


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` (which must be there) and return the 1-based line of the change."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _build_fails(data: Path, tmp_path: Path, *expected: str) -> None:
    output = tmp_path / "ket-qua"
    result = run("build", str(data), "--output", str(output))
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()  # nothing written


def test_a_users_own_kind_builds_with_its_own_output_name(own_kind, tmp_path):
    declaration, data = own_kind
    _edit(declaration, 'ten_tep = "thong-bao-', 'ten_tep = "thu-nghiem-')
    result = run("build", str(data), "--output", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "thu" / "v001" / "thu-nghiem-thu-du-thao.docx").is_file()
    assert "thu " in run("kinds").output


DECLARATION_ERRORS = {
    "unknown-key": (
        'ten_loai = "THÔNG BÁO"',
        'ten_loai = "THÔNG BÁO"\nloc_theo = "THPT"',
        1,
        "loc_theo",
        "khoá không có trong khai báo",
    ),
    "wrong-type": ('mau_nd30 = "1.4"', "mau_nd30 = 1.4", 0, "mau_nd30", "không hợp lệ"),
    "unknown-form": ('mau_nd30 = "1.4"', 'mau_nd30 = "1.6"', 0, "mau_nd30", "'1.4' or '1.5'"),
    "unknown-field-type": ('kieu = "ngay_gio"', 'kieu = "thoi_gian"', 0, "truong[9].kieu", ""),
    "bool-as-text": ("bat_buoc = false", 'bat_buoc = "không"', 0, "truong[7].bat_buoc", ""),
    "bad-field-key": ('khoa = "ky.nguoi_ky"', 'khoa = "nguoi_ky"', 0, "truong[13].khoa", ""),
    "missing-template": (
        'mau_van_ban = "mau-thong-bao.docx"',
        'mau_van_ban = "mau-khac.docx"',
        0,
        "mau_van_ban",
        "mẫu văn bản «mau-khac.docx» không có",
    ),
    "missing-appendix-file": (
        'phu_luc = "phu-luc.toml"',
        'phu_luc = "phu-luc-khac.toml"',
        0,
        "phu_luc",
        "«phu-luc-khac.toml» không có",
    ),
    "unknown-name-part": (
        'ten_tep = "thong-bao-{thu_muc}-{trang_thai}.docx"',
        'ten_tep = "thong-bao-{nam}.docx"',
        0,
        "ten_tep",
        "tên tệp kết quả sai",
    ),
    "folder-mismatch": ('ma = "thu"', 'ma = "khac"', 0, "ma", "mã khác tên thư mục"),
    "duplicate-field": (
        'khoa = "ky.nguoi_ky"',
        'khoa = "ky.quyen_han"',
        0,
        "truong[13].khoa",
        "«ky.quyen_han» trùng",
    ),
}


@pytest.mark.parametrize("case", sorted(DECLARATION_ERRORS))
def test_a_wrong_declaration_names_file_line_and_key(own_kind, tmp_path, case):
    declaration, data = own_kind
    old, new, offset, key, message = DECLARATION_ERRORS[case]
    line = _edit(declaration, old, new) + offset
    _build_fails(
        data,
        tmp_path,
        f"templates/thu/kind.toml, dòng {line}, mục «{key}»:",
        message,
        "Cách sửa:",
    )


def test_a_missing_declaration_key_is_named(own_kind, tmp_path):
    declaration, data = own_kind
    _edit(declaration, 'mo_ta = "', '# mo_ta = "')
    _build_fails(data, tmp_path, "templates/thu/kind.toml", "mục «mo_ta»: thiếu khoá bắt buộc.")


def test_a_declaration_syntax_error_names_the_line(own_kind, tmp_path):
    declaration, data = own_kind
    line = _edit(declaration, 'ten_loai = "THÔNG BÁO"', "ten_loai = THÔNG BÁO")
    _build_fails(data, tmp_path, f"kind.toml, dòng {line}: sai cú pháp")


def test_a_table_kind_without_levels_is_refused(own_kind, tmp_path):
    declaration, data = own_kind
    _edit(declaration, 'phu_luc = "phu-luc.toml"', "")
    _build_fails(data, tmp_path, "mục «cap_hoc»: bảng số liệu cần danh sách cấp học.")


def test_every_problem_of_a_declaration_is_listed_at_once(own_kind, tmp_path):
    declaration, data = own_kind
    _edit(declaration, 'mau_nd30 = "1.4"', 'mau_nd30 = "2"\nthem = 1')
    _build_fails(data, tmp_path, "mục «mau_nd30»", "mục «them»", "Dữ liệu có 2 lỗi")


def test_the_metadata_fields_come_from_the_kind(own_kind, tmp_path):
    declaration, data = own_kind
    declaration.write_text(
        declaration.read_text(encoding="utf-8")
        + '\n[[truong]]\nkhoa = "so_lieu.nguong"\nkieu = "so_thuc"\nnhan = "ngưỡng (%)"\n'
        'vi_du = "2.5"\n',
        encoding="utf-8",
    )
    metadata = data / "thong-bao.toml"
    _build_fails(data, tmp_path, "thong-bao.toml", "mục «so_lieu.nguong»: thiếu thông tin")
    line = _edit(metadata, "[so_lieu]\n", '[so_lieu]\nnguong = "cao"\n') + 1
    _build_fails(
        data, tmp_path, f"thong-bao.toml, dòng {line}, mục «so_lieu.nguong»: giá trị 'cao'"
    )
    _edit(metadata, 'nguong = "cao"', "nguong = 2.5")
    assert run("build", str(data), "--output", str(tmp_path / "ok")).exit_code == 0


def test_an_unknown_kind_in_the_metadata_is_named(data_copy, tmp_path):
    metadata = data_copy / "thong-bao.toml"
    metadata.write_text('loai = "ke-hoach"\n' + metadata.read_text(encoding="utf-8"), "utf-8")
    _build_fails(data_copy, tmp_path, "thong-bao.toml, mục «loai»", "«ke-hoach»", "vanban kinds")


def test_a_folder_without_a_kind_is_the_notice(tmp_path):
    raw = tomllib.loads((SHIPPED / "thong-bao.toml").read_text(encoding="utf-8"))
    assert "loai" not in raw
    assert load_metadata(SHIPPED / "thong-bao.toml")["loai"] == "thong-bao"


def test_a_data_folders_own_template_still_wins(data_copy, tmp_path):
    own = data_copy / "mau-thong-bao.docx"
    shutil.copyfile(ROOT / "templates" / "thong-bao" / "mau-thong-bao.docx", own)
    result = run("build", str(data_copy), "--output", str(tmp_path / "o"))
    assert result.exit_code == 0
    assert (
        f"Mẫu đã dùng: {own}" in result.output or "2023-06-23/mau-thong-bao.docx" in result.output
    )


def test_kinds_still_lists_the_others_when_one_declaration_is_wrong(own_kind):
    declaration, _ = own_kind
    _edit(declaration, 'mau_nd30 = "1.4"', 'mau_nd30 = "9"')
    result = run("kinds")
    assert result.exit_code == 1
    assert any(line.startswith("thong-bao ") for line in result.output.splitlines())
    assert "templates/thu/kind.toml" in result.stderr and "mau_nd30" in result.stderr


def test_a_new_folder_with_both_tables_left_asks_to_remove_one(tmp_path):
    folder = tmp_path / "moi"
    assert run("new", "thong-bao", str(folder)).exit_code == 0
    result = run("validate", str(folder))
    assert result.exit_code == 1
    assert "có 2 bảng số liệu (don-vi.csv, don-vi.xlsx)" in result.stderr
    (folder / "don-vi.xlsx").unlink()
    with open(folder / "don-vi.csv", "a", encoding="utf-8") as stream:
        stream.write("THPT Một,THPT,Sở GDĐT,100,2,10,0\r\n")
    metadata = folder / "thong-bao.toml"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("…", "Tây Bắc"), "utf-8")
    filled = run("validate", str(folder))
    assert filled.exit_code == 0, filled.stderr
    assert "Dữ liệu hợp lệ: 1 dòng, 1 đơn vị." in filled.output


def test_two_metadata_files_are_refused(data_copy, tmp_path):
    (data_copy / "van-ban.toml").write_bytes((data_copy / "thong-bao.toml").read_bytes())
    _build_fails(data_copy, tmp_path, "có cả thong-bao.toml và van-ban.toml")


def test_a_users_copy_of_a_shipped_kind_overrides_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    own = tmp_path / "templates" / "thong-bao"
    shutil.copytree(ROOT / "templates" / "thong-bao", own)
    _edit(own / "kind.toml", 'ten_tep = "thong-bao-', 'ten_tep = "tb-rieng-')
    result = run("build", str(SHIPPED), "--output", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "2023-06-23" / "v001" / "tb-rieng-2023-06-23-du-thao.docx").is_file()
    assert "[templates/thong-bao]" in run("kinds").output  # shown relative to here


@pytest.mark.parametrize("name", ["../thong-bao", "/etc", "thong-bao/../thong-bao"])
def test_a_kind_name_is_never_a_path(data_copy, tmp_path, name):
    metadata = data_copy / "thong-bao.toml"
    metadata.write_text(f'loai = "{name}"\n' + metadata.read_text(encoding="utf-8"), "utf-8")
    _build_fails(data_copy, tmp_path, "mục «loai»", f"không có loại văn bản «{name}»")
