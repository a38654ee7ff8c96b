"""A wider corpus of hostile files and templates (issue #13): each ends in exit 1 or 3 with a
Vietnamese message naming the file and the fix, fast and small, with nothing written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from generator.cli.main import cli
from generator.documents.sandbox import TemplateLimit, budget, make_environment

from .test_hostile_inputs import _build

HEADER = [
    "Tên đơn vị",
    "Cấp học",
    "Đơn vị quản lý",
    "Tổng số học sinh",
    "Học sinh chưa đồng bộ",
    "Tổng số nhân sự",
    "Nhân sự chưa đồng bộ",
]
_MAIN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _xlsx(parts: dict[str, bytes]) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["THPT An Dương", "THPT", "Sở GDĐT", 2204, 2, 108, 0])
    source, target = io.BytesIO(), io.BytesIO()
    book.save(source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, parts.get(name, old.read(name)))
    return target.getvalue()


def _table(data_copy: Path, name: str, content: bytes) -> Path:
    (data_copy / "don-vi.csv").unlink()
    (data_copy / name).write_bytes(content)
    return data_copy


@pytest.mark.parametrize(
    "cells",
    [
        b'<row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        b"<row r='1'><c r='a1'><v>1</v></c></row>"
        b"<row r='60000'><c s='0' r='xfd60000'><v>1</v></c></row>",
        b"<row><c><v>1</v></c></row><row>"
        + b"<c><v>1</v></c>" * 16384
        + b'</row><row r="100000"><c><v>1</v></c></row>',
    ],
    ids=["far-corner", "lower-case-single-quotes", "cells-without-reference"],
)
def test_a_sheet_spanning_billions_of_cells_is_refused_before_the_reader(
    data_copy, tmp_path, cells
):
    sheet = _MAIN + b"<sheetData>" + cells + b"</sheetData></worksheet>"
    data = _table(data_copy, "don-vi.xlsx", _xlsx({"xl/worksheets/sheet1.xml": sheet}))
    result = _build(data, tmp_path)  # calamine aborted the process (exit 134) on the first
    assert result.exit_code == 1
    assert "don-vi.xlsx: không đọc tệp này: trang tính (phần «xl/worksheets/sheet1.xml»)" in (
        result.stderr
    )
    assert "quá giới hạn 3.500.000 ô" in result.stderr and "Ctrl+End" in result.stderr


def test_an_empty_formatted_cell_far_away_does_not_count(data_copy, tmp_path):
    sheet = (
        _MAIN + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData></worksheet>'
    )
    data = _table(data_copy, "don-vi.xlsx", _xlsx({"xl/worksheets/sheet1.xml": sheet}))
    result = _build(data, tmp_path)
    assert result.exit_code == 1
    assert "không tìm thấy hàng tiêu đề" in result.stderr  # read, not refused for its size


def test_a_dtd_after_a_long_comment_is_still_refused(data_copy, tmp_path):
    book = _xlsx({})
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        workbook = archive.read("xl/workbook.xml")
    hostile = b'<?xml version="1.0"?><!--' + b" " * 8000 + b'--><!DOCTYPE x [<!ENTITY a "a">]>'
    data = _table(data_copy, "don-vi.xlsx", _xlsx({"xl/workbook.xml": hostile + workbook}))
    result = _build(data, tmp_path)
    assert result.exit_code == 1
    assert "phần «xl/workbook.xml» khai báo thực thể XML (DTD)" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe" + ",".join(HEADER).encode("utf-16-le") + b"\x00\xd8A\x00",  # lone surrogate
        (",".join(HEADER) + "\n").encode("utf-16-le") + b"\x00",  # UTF-16 without BOM, odd
    ],
    ids=["bom-lone-surrogate", "odd-length"],
)
def test_broken_utf16_is_an_unknown_character_set(data_copy, tmp_path, content):
    result = _build(_table(data_copy, "don-vi.csv", content), tmp_path)
    assert result.exit_code == 1, result.stderr  # was exit 5 (UnicodeDecodeError)
    assert "don-vi.csv: không nhận ra bảng mã của tệp" in result.stderr


def test_a_binary_file_named_csv_is_a_data_error(data_copy, tmp_path):
    noise = bytes(range(256)) * 40  # NUL, CR, LF and every other byte
    result = _build(_table(data_copy, "don-vi.csv", noise), tmp_path)
    assert result.exit_code == 1, result.stderr  # was exit 5 (csv.Error)
    assert "don-vi.csv, dòng" in result.stderr and "U+0000" in result.stderr


@pytest.mark.parametrize("value", [str(2**70), "1.000.000.000.000.000.000", "9" * 5000])
def test_a_count_too_large_names_the_cell(data_copy, tmp_path, value):
    line = f"THPT A,THPT,Sở GDĐT,{value},0,10,0\n"
    result = _build(
        _table(data_copy, "don-vi.csv", (",".join(HEADER) + "\n" + line).encode()), tmp_path
    )
    assert result.exit_code == 1, result.stderr  # 2**70 was exit 5; 10**18 was accepted
    assert "dòng 2, cột «Tổng số học sinh»" in result.stderr
    assert "lớn quá giới hạn 999.999.999" in result.stderr


def test_a_line_wider_than_a_sheet_is_refused_before_parsing(data_copy, tmp_path):
    content = (",".join(HEADER) + "," * 20_000 + "\n").encode()
    result = _build(_table(data_copy, "don-vi.csv", content), tmp_path)
    assert result.exit_code == 1
    assert "don-vi.csv, dòng 1: dòng có 20.007 ô, quá giới hạn 16.384 cột" in result.stderr


def test_stray_header_columns_are_listed_twenty_then_counted(data_copy, tmp_path):
    header = ",".join(HEADER + [f"cot {i}" for i in range(500)])
    content = (header + "\nTHPT A,THPT,Sở GDĐT,1,0,1,0\n").encode()
    result = _build(_table(data_copy, "don-vi.csv", content), tmp_path)
    assert result.exit_code == 1
    assert result.stderr.count("tiêu đề cột không thuộc bảng số liệu") == 20
    assert "còn 480 cột khác có tiêu đề sai như vậy" in result.stderr


@pytest.mark.parametrize(
    "tag, message",
    [
        (
            "{% set l = [1] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}",
            "dài hơn",
        ),
        ("{{ '%999999999s'|format(1) }}", "dài hơn"),
        (
            "{% set l = [] %}{% for i in range(1000) %}"
            "{% set _ = l.append('x' * 1999999) %}{% endfor %}",
            "tổng cộng hơn 100.000.000",
        ),
        (
            "{% set s = namespace(v='') %}{% for i in range(100000) %}"
            "{% set s.v = s.v ~ 'xxxxxxxxxxxxxxxxxxxx' %}{% endfor %}",
            "tổng cộng hơn 100.000.000",
        ),
    ],
    ids=["list-extend-doubling", "format-filter-width", "many-big-strings", "concat-in-loop"],
)
def test_a_template_building_too_much_in_total_is_refused(tag, message):
    environment = make_environment()  # these took 23 GB, 1.1 GB, 4 GB and 31 s before
    with budget(), pytest.raises(TemplateLimit, match=message):
        environment.from_string(tag).render()


def test_ordinary_appends_and_joins_still_render():
    environment = make_environment()
    tag = "{% set l = [] %}{% for i in range(50000) %}{% set _ = l.append(i) %}{% endfor %}"
    with budget():
        assert environment.from_string(tag + "{{ l|length }}").render() == "50000"


def test_sha256_reads_a_file_in_pieces(tmp_path):
    import hashlib

    from generator.common.files import sha256

    path = tmp_path / "x.bin"
    path.write_bytes(b"ab" * (3 << 20))
    assert sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def _ods(rows: str) -> bytes:
    """An OpenDocument sheet as LibreOffice writes one: ``rows`` inside its one table."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Trang1">'
        f'<table:table-column table:number-columns-repeated="7"/>{rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def _ods_row(values: list, repeat: str = "") -> str:
    cells = "".join(
        f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
        "</table:table-cell>"
        if isinstance(v, int)
        else f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in values
    )
    return f"<table:table-row{repeat}>{cells}</table:table-row>"


def test_an_opendocument_sheet_of_repeated_values_is_refused_before_the_reader(data_copy, tmp_path):
    bomb = (
        '<table:table-row table:number-rows-repeated="1000"><table:table-cell '
        'table:number-columns-repeated="16384" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
    )
    data = _table(data_copy, "don-vi.ods", _ods(_ods_row(HEADER) + bomb))
    result = _build(data, tmp_path)  # calamine alone took 1 GB to lay these out
    assert result.exit_code == 1
    assert "don-vi.ods: không đọc tệp này: trang tính (phần «content.xml»)" in result.stderr
    assert "16.400.384 ô, quá giới hạn 3.500.000 ô" in result.stderr  # 1.001 × 16.384


def test_repeated_empty_cells_and_rows_in_an_opendocument_sheet_do_not_count(data_copy, tmp_path):
    empty = '<table:table-cell table:number-columns-repeated="16377"/>'
    rows = (
        _ods_row(HEADER).replace("</table:table-row>", empty + "</table:table-row>")
        + _ods_row(["THPT An Dương", "THPT", "Sở GDĐT", 2204, 2, 108, 0])
        + '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    data = _table(data_copy, "don-vi.ods", _ods(rows))
    (data / "doi-chieu.toml").unlink(missing_ok=True)
    result = CliRunner().invoke(cli, ["validate", str(data)])
    assert result.exit_code == 0, result.output


def test_the_readme_states_the_input_limits_limits_py_applies():
    from generator.common import limits

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Giới hạn (tệp lạ, tệp quá lớn)") :]
    section = section[: section.index("\n### ")]

    def written(number: int) -> str:
        return f"{number:,}".replace(",", ".")

    for limit in (limits.UNIT_ROWS, limits.TABLE_COLUMNS, limits.SHEET_CELLS, limits.CELL_CHARS,
                  limits.COUNT_MAX, limits.ZIP_MEMBERS, limits.PROBLEMS_SHOWN):  # fmt: skip
        assert written(limit) in section, limit
    for size in (limits.TABLE_FILE_BYTES, limits.UNZIPPED_BYTES, limits.UNZIPPED_PART_BYTES,
                 limits.XLS_FILE_BYTES):  # fmt: skip
        assert f"{size // limits.MIB} MB" in section, size
    assert f"{limits.PERSONS_FILE_BYTES // limits.MIB // 1024} GB" in section


def test_an_old_excel_file_too_large_to_measure_is_refused_before_the_reader(data_copy, tmp_path):
    from generator.common import limits

    data = _table(data_copy, "don-vi.xls", b"")
    with open(data / "don-vi.xls", "wb") as stream:  # sparse: no disk used
        stream.truncate(limits.XLS_FILE_BYTES + 1)
    result = _build(data, tmp_path)  # a 41 MB .xls of numbers took the reader 1.3 GB
    assert result.exit_code == 1
    assert "don-vi.xls: tệp .xls nặng 16 MB, quá giới hạn 16 MB" in result.stderr
    assert "lưu lại thành .xlsx" in result.stderr
