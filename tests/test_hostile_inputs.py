"""Hostile and accidental inputs: each ends in exit 1 with a Vietnamese message naming the
file (and the cell), before any parser does the damage, and nothing is written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from generator.cli.main import cli
from generator.common import limits
from generator.inputs.synth import write_synthetic

from .conftest import SHIPPED

HEADER = (
    "Tên đơn vị,Cấp học,Đơn vị quản lý,Tổng số học sinh,Học sinh chưa đồng bộ,"
    "Tổng số nhân sự,Nhân sự chưa đồng bộ\n"
)


def _build(data: Path, tmp_path: Path):
    out = tmp_path / "output"
    result = CliRunner().invoke(cli, ["build", str(data), "-o", str(out)])
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("*")), "nothing may be written"
    return result


def _xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["THPT An Dương", "THPT", "Sở GDĐT", 2204, 2, 108, 0])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(source: bytes, target: Path, replace: dict[str, bytes | None]) -> None:
    """A copy of an .xlsx with some parts replaced; ``None`` values are streamed zeros."""
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for item in old.infolist():
            data = replace.get(item.filename, old.read(item.filename))
            if data is None:  # a bomb: more than the part limit of blanks, ~1 MB on disk
                with new.open(item.filename, "w", force_zip64=True) as stream:
                    chunk = b" " * (1 << 24)
                    for _ in range(limits.UNZIPPED_PART_BYTES // len(chunk) + 1):
                        stream.write(chunk)
            else:
                new.writestr(item, data)


def _folder_with(data_copy: Path, name: str, data: bytes) -> Path:
    (data_copy / "don-vi.csv").unlink()
    (data_copy / name).write_bytes(data)
    return data_copy


def test_a_zip_bomb_is_refused_before_parsing(data_copy, tmp_path):
    bomb = data_copy / "don-vi.xlsx"
    (data_copy / "don-vi.csv").unlink()
    _rezip(_xlsx_bytes(), bomb, {"xl/worksheets/sheet1.xml": None})
    assert bomb.stat().st_size < 2 * limits.MIB
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert "don-vi.xlsx: không đọc tệp này: khi giải nén, phần «xl/worksheets/sheet1.xml»" in (
        result.stderr
    )
    assert "bom nén" in result.stderr and "Cách sửa" in result.stderr


def test_an_xml_entity_in_a_workbook_is_refused(data_copy, tmp_path):
    source = _xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    if sheet.startswith(b"<?xml"):
        sheet = sheet[sheet.index(b"?>") + 2 :]
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + sheet
    evil = evil.replace(b"<v>2204</v>", b"<v>&e;</v>")
    assert b"&e;" in evil
    (data_copy / "don-vi.csv").unlink()
    _rezip(source, data_copy / "don-vi.xlsx", {"xl/worksheets/sheet1.xml": evil})
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert "khai báo thực thể XML (DTD)" in result.stderr


def test_a_file_that_is_not_really_a_workbook(data_copy, tmp_path):
    _folder_with(data_copy, "don-vi.xlsx", b"PK\x03\x04 this is not a zip at all")
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert "tệp bị hỏng hoặc không phải tệp Office" in result.stderr


def test_a_50_mb_cell_in_the_unit_table(data_copy, tmp_path):
    text = HEADER + "THPT A,THPT,Sở GDĐT,1,0,1,0\n" + '"' + "x" * (50 * limits.MIB) + '",THPT\n'
    _folder_with(data_copy, "don-vi.csv", text.encode("utf-8"))
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert "don-vi.csv, dòng 3: ô dài" in result.stderr
    assert "quá giới hạn 32.767 ký tự một ô" in result.stderr


def test_a_50_mb_cell_in_a_per_person_export(tmp_path):
    folder = tmp_path / "ky"
    write_synthetic(folder, SHIPPED, scale=0.001, seed=1, fmt="csv")
    export = folder / "ca-nhan.csv"
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[3].split(",")
    cells[1] = '"' + "y" * (50 * limits.MIB) + '"'
    lines[3] = ",".join(cells)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _build(folder, tmp_path)
    assert result.exit_code == 1, result.output
    assert "ca-nhan.csv, dòng 4: ô dài" in result.stderr


@pytest.mark.parametrize("char", ["\u0007", "\u000c", "\u001b", "\u2028"])
def test_a_control_character_in_a_name_names_the_cell(data_copy, tmp_path, char):
    text = HEADER + f"THPT A{char}B,THPT,Sở GDĐT,10,0,1,0\n"
    _folder_with(data_copy, "don-vi.csv", text.encode("utf-8"))
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert "don-vi.csv, dòng 2, cột «Tên đơn vị»: ô chứa ký tự điều khiển" in result.stderr
    assert f"U+{ord(char):04X}" in result.stderr


def test_a_control_character_in_a_spreadsheet_cell_names_the_cell(data_copy):
    book = Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["THPT An Dương", "THPT", "Sở_x0007_GDĐT", 2204, 2, 108, 0])  # Excel's \a
    (data_copy / "don-vi.csv").unlink()
    book.save(data_copy / "don-vi.xlsx")
    from generator.common.errors import InvalidData
    from generator.inputs.folder import load_inputs

    with pytest.raises(InvalidData) as raised:
        load_inputs(data_copy)
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.cell) == ("Sheet", "C2")


def test_a_line_break_typed_in_a_name_becomes_a_space(data_copy):
    from generator.inputs.folder import load_inputs

    text = (data_copy / "don-vi.csv").read_text(encoding="utf-8-sig")
    text = text.replace("THPT An Dương,", '"THPT An\nDương",', 1)
    (data_copy / "don-vi.csv").write_text(text, encoding="utf-8-sig")
    units = load_inputs(data_copy).units
    assert "THPT An Dương" in set(units["don_vi"])


def test_a_per_person_export_with_a_control_character(tmp_path):
    folder = tmp_path / "ky"
    write_synthetic(folder, SHIPPED, scale=0.001, seed=1, fmt="csv")
    export = folder / "ca-nhan.csv"
    text = export.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    unit = lines[2].split(",")[4]
    lines[2] = lines[2].replace(unit, unit[:4] + "\x0c" + unit[4:], 1)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _build(folder, tmp_path)
    assert result.exit_code == 1, result.output
    assert "ca-nhan.csv, dòng 3, cột «Đơn vị»: ô chứa ký tự điều khiển" in result.stderr


def test_more_rows_than_the_declared_limit_are_refused_before_any_work(
    data_copy, tmp_path, monkeypatch
):
    monkeypatch.setattr(limits, "UNIT_ROWS", 100)
    result = _build(data_copy, tmp_path)  # 127 rows
    assert result.exit_code == 1
    assert "quá giới hạn 100 dòng của một bảng đơn vị" in result.stderr


def test_a_file_over_the_size_limit_is_refused(data_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "TABLE_FILE_BYTES", 1000)
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert "don-vi.csv: tệp nặng" in result.stderr and "quá giới hạn" in result.stderr


def test_openpyxl_reads_office_xml_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # returned forms read by openpyxl never expand entities


def test_a_zip_with_too_many_parts_is_refused(data_copy, tmp_path):
    (data_copy / "don-vi.csv").unlink()
    with zipfile.ZipFile(data_copy / "don-vi.xlsx", "w") as book:
        for number in range(limits.ZIP_MEMBERS + 1):
            book.writestr(f"x/{number}.xml", b"")
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert f"tệp gồm {limits.ZIP_MEMBERS + 1} phần, quá giới hạn" in result.stderr


def test_many_rows_with_the_same_error_are_listed_first_then_counted(data_copy, tmp_path):
    rows = "".join(f"THPT X{n},THPTX,Sở GDĐT,10,0,1,0\n" for n in range(25))
    _folder_with(data_copy, "don-vi.csv", (HEADER + rows).encode("utf-8"))
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert result.stderr.count("cấp học «THPTX» không hợp lệ") == limits.PROBLEMS_SHOWN
    assert "còn 5 dòng khác cùng lỗi này" in result.stderr


def test_a_per_person_export_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "ky"
    write_synthetic(folder, SHIPPED, scale=0.001, seed=1, fmt="csv")
    monkeypatch.setattr(limits, "PERSONS_FILE_BYTES", 1000)
    result = _build(folder, tmp_path)
    assert result.exit_code == 1
    assert "ca-nhan.csv: tệp nặng" in result.stderr and "tệp dữ liệu từng người" in result.stderr


def test_a_nul_byte_in_a_csv_names_its_line(data_copy, tmp_path):
    text = HEADER + "THPT A,THPT,Sở GDĐT,10,0,1,0\nTHPT B\x00,THPT,Sở GDĐT,10,0,1,0\n"
    _folder_with(data_copy, "don-vi.csv", text.encode("utf-8"))
    result = _build(data_copy, tmp_path)
    assert result.exit_code == 1
    assert "don-vi.csv, dòng 3: ô chứa ký tự điều khiển không in được (U+0000)" in result.stderr
    from generator.common.errors import InvalidData
    from generator.inputs.reading import read_table

    with pytest.raises(InvalidData) as raised:
        read_table(data_copy / "don-vi.csv")
    assert raised.value.problems[0].cell == "A3"
