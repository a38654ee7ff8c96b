"""More templates streamed and rendered on the whole tree: the same XML."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

from generator.documents import long_tables
from generator.documents.docx_xml import deterministic_bytes
from generator.documents.fastdocx import CompiledTemplate

from .test_stream import _assert_same_as_reference


def _loop_table(document, *, columns=False, header=True):
    """A table: a header row, rows from ``{%tr for r in hang %}``, optionally a column loop."""
    table = document.add_table(rows=4, cols=4 if columns else 3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("STT", "Tên", "Số", "Cột"), strict=False):
        cell.text = text
    if header:
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    table.cell(1, 0).text = "{%tr for r in hang %}"
    table.cell(2, 0).text = "{{ r.stt }}"
    if columns:
        table.cell(2, 1).text = "{%tc for c in cot %}"
        table.cell(2, 2).text = "{{ c }}"
        table.cell(2, 3).text = "{%tc endfor %}"
    else:
        table.cell(2, 1).text = "{% if r.stt % 2 %}lẻ {{ r.ten }}{% else %}chẵn{% endif %}"
        table.cell(2, 2).text = "{{ r.so }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    for column, width in zip(table.columns, (Cm(2), Cm(8), Cm(3), Cm(1)), strict=False):
        for cell in column.cells:
            cell.width = width
    return table


def _save(document, tmp_path):
    path = tmp_path / "mau.docx"
    path.write_bytes(deterministic_bytes(document))
    return path


def _context(count, columns=0):
    return {
        "hang": [{"stt": n, "ten": f"Đơn vị {n}", "so": n * 7} for n in range(count)],
        "cot": [f"c{n}" for n in range(columns)],
    }


@pytest.mark.parametrize("count", [0, 3, 20])
def test_if_inside_a_row(tmp_path, monkeypatch, count):
    document = docx.Document()
    _loop_table(document)
    _assert_same_as_reference(_save(document, tmp_path), _context(count), monkeypatch, 6)


@pytest.mark.parametrize("count", [3, 20])
def test_two_tables_back_to_back_with_column_loops(tmp_path, monkeypatch, count):
    document = docx.Document()
    _loop_table(document, columns=True)
    _loop_table(document, columns=True)
    document.add_paragraph("sau")
    _assert_same_as_reference(_save(document, tmp_path), _context(count, 6), monkeypatch, 6)


@pytest.mark.parametrize("count", [3, 30])
def test_column_loop_in_a_long_table(tmp_path, monkeypatch, count):
    document = docx.Document()
    document.add_paragraph("trước")
    _loop_table(document, columns=True)
    _assert_same_as_reference(_save(document, tmp_path), _context(count, 9), monkeypatch, 6)


def _between_rows(table, xml):
    table._tbl.tr_lst[1].addprevious(parse_xml(xml))


def _bookmarked(tmp_path):
    document = docx.Document()
    table = _loop_table(document, columns=True)
    _between_rows(table, f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="bang"/>')
    table._tbl.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="0"/>'))
    return _save(document, tmp_path)


@pytest.mark.parametrize("count", [0, 3, 6])
def test_bookmark_between_rows(tmp_path, monkeypatch, count):
    _assert_same_as_reference(_bookmarked(tmp_path), _context(count, 6), monkeypatch, 6)


def test_a_long_table_with_a_bookmark_between_rows_stays_whole_but_fitted(tmp_path, monkeypatch):
    """The tree split copies the bookmark into every piece (ids twice): the stream keeps
    such a table whole, its grid fitted to the page all the same."""
    monkeypatch.setattr(long_tables, "MAX_ROWS", 6)
    data = CompiledTemplate(_bookmarked(tmp_path), layout=True).render(_context(20, 6))
    (table,) = docx.Document(io.BytesIO(data)).tables
    assert [row.cells[0].text for row in table.rows] == ["STT", *map(str, range(20))]
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    assert len(grid) == 7
    assert sum(int(column.get(qn("w:w"))) for column in grid) == 12240 - 2 * 1800


def _text_box(run_properties: str = ""):
    """A run holding a VML text box, and the box's content."""
    box = parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml">{run_properties}'
        '<w:pict><v:shape style="width:400pt;height:200pt">'
        "<v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></w:r>"
    )
    return box, next(box.iter(qn("w:txbxContent")))


def _in_a_text_box(document, table):
    """``table`` moved into a text box (VML) of a new paragraph."""
    box, content = _text_box()
    content.append(table._tbl)
    content.append(OxmlElement("w:p"))
    document.add_paragraph("hộp")._p.append(box)


@pytest.mark.parametrize("count", [3, 20])
def test_a_table_in_a_text_box(tmp_path, monkeypatch, count):
    document = docx.Document()
    _in_a_text_box(document, _loop_table(document, columns=True))
    document.add_paragraph("sau")
    _assert_same_as_reference(_save(document, tmp_path), _context(count, 6), monkeypatch, 6)


@pytest.mark.parametrize("count", [3])
def test_tblprex_and_grid_before(tmp_path, monkeypatch, count):
    document = docx.Document()
    table = _loop_table(document, columns=True)
    row = table._tbl.tr_lst[2]
    row.insert(
        0, parse_xml(f'<w:tblPrEx {nsdecls("w")}><w:tblW w:w="0" w:type="auto"/></w:tblPrEx>')
    )
    row.get_or_add_trPr().insert(0, parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    _assert_same_as_reference(_save(document, tmp_path), _context(count, 4), monkeypatch, 6)


@pytest.mark.parametrize("count", [3, 20])
def test_sdt_around_rows(tmp_path, monkeypatch, count):
    document = docx.Document()
    table = _loop_table(document, columns=True)
    tbl = table._tbl
    sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    rows = tbl.tr_lst
    rows[1].addprevious(sdt)
    for row in rows[1:4]:
        sdt[1].append(row)
    _assert_same_as_reference(_save(document, tmp_path), _context(count, 6), monkeypatch, 6)


def test_header_table_with_column_loop(tmp_path, monkeypatch):
    document = docx.Document()
    document.add_paragraph("thân")
    header = document.sections[0].header
    table = header.add_table(rows=1, cols=3, width=Cm(12))
    table.cell(0, 0).text = "{%tc for c in cot %}"
    table.cell(0, 1).text = "{{ c }}"
    table.cell(0, 2).text = "{%tc endfor %}"
    _assert_same_as_reference(_save(document, tmp_path), _context(0, 5), monkeypatch, 6)


def test_empty_table_last_before_the_section(tmp_path, monkeypatch):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "{%tr for r in hang %}"
    table.cell(1, 0).text = "{%tr endfor %}"
    _assert_same_as_reference(_save(document, tmp_path), _context(0), monkeypatch, 6)


@pytest.mark.parametrize(
    "value",
    [
        "{_{ x }_} {_% y %_}",
        "a\tb",
        "a\ab",
        "a\fb",
        "a\nb\tc\ad\fe",
        "x" * 5000 + "\t" + "y" * 5000,
    ],
)
def test_values_with_marks(tmp_path, monkeypatch, value):
    document = docx.Document()
    document.add_paragraph("{{ v }}")
    _loop_table(document)
    document.add_paragraph("{{ v }}").runs[0].bold = True
    context = _context(8) | {"v": value}
    for row in context["hang"]:
        row["ten"] = value
    _assert_same_as_reference(_save(document, tmp_path), context, monkeypatch, 6)


def test_one_run_longer_than_a_block(tmp_path, monkeypatch):
    document = docx.Document()
    document.add_paragraph("a")
    document.add_paragraph("{{ v }}")
    document.add_paragraph("b{{ v }}")
    _assert_same_as_reference(_save(document, tmp_path), {"v": "z\t" * 300_000}, monkeypatch, 6)


def test_pictures_keep_numbered_ids(tmp_path, monkeypatch):
    import io
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    image = io.BytesIO(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )
    document = docx.Document()
    document.add_paragraph().add_run().add_picture(io.BytesIO(image.getvalue()), width=Cm(1))
    table = _loop_table(document, header=False)
    table.cell(2, 2).paragraphs[0].add_run().add_picture(io.BytesIO(image.getvalue()), width=Cm(1))
    document.add_paragraph().add_run().add_picture(io.BytesIO(image.getvalue()), width=Cm(1))
    _assert_same_as_reference(_save(document, tmp_path), _context(15), monkeypatch, 6)


def test_windows_line_endings_in_the_template_xml(tmp_path, monkeypatch):
    import zipfile

    document = docx.Document()
    document.add_paragraph("{{ v }}")
    _loop_table(document, columns=True)
    plain = _save(document, tmp_path)
    path = tmp_path / "crlf.docx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                data = data.replace(b"><", b">\r\n  <")
            target.writestr(name, data)
    _assert_same_as_reference(path, _context(20, 6) | {"v": "a\tb"}, monkeypatch, 6)


def test_tabs_in_a_text_box_longer_than_a_block(tmp_path, monkeypatch):
    document = docx.Document()
    holder = docx.Document()
    for _ in range(40):
        holder.add_paragraph("{{ v }}").runs[0].bold = True
    box, content = _text_box("<w:rPr><w:i/></w:rPr>")
    for paragraph in holder.element.body.findall(qn("w:p")):
        content.append(paragraph)
    outer = document.add_paragraph("hộp {{ v }}", style="Heading 1")._p
    outer.append(box)
    _assert_same_as_reference(_save(document, tmp_path), {"v": "a\tb\nc"}, monkeypatch, 6)
