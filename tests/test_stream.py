"""Documents filled block by block and row by row are the XML a whole-tree render gives.

The reference here is the way vanban rendered before streaming: docxtpl's own render
(its grid fix of column loops), vanban's column fitting on the parsed body, then long
tables split on the tree. The streamed render must give the same canonical XML for
every part, with blocks and spills small enough that every boundary is crossed.
"""

from __future__ import annotations

import copy
import csv
import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docxtpl import DocxTemplate
from lxml import etree

from generator.common.errors import TemplateProblem
from generator.documents import long_tables, stream, table_rows
from generator.documents.columns import fit_columns
from generator.documents.context import build_context
from generator.documents.docx_xml import deterministic_bytes
from generator.documents.fastdocx import CompiledTemplate
from generator.documents.render import make_environment
from generator.figures.checkup import check_folder
from generator.kinds.templates import TEMPLATE_FILE, shipped


class _Reference(DocxTemplate):
    """docxtpl with vanban's fitting inside its table fix, as render.py did before."""

    def fix_tables(self, xml):
        tree = super().fix_tables(xml)
        fit_columns(tree)
        return tree


def _reference_split(body, max_rows: int) -> None:
    """Long tables cut on the parsed tree (the former implementation)."""
    header_tag = f"{qn('w:trPr')}/{qn('w:tblHeader')}"
    for table in list(body.iterchildren(qn("w:tbl"))):
        rows = list(table.iterchildren(qn("w:tr")))
        header = 0
        while header < len(rows) and rows[header].find(header_tag) is not None:
            header += 1
        pieces: list[list] = [[]]
        for row in rows[header:]:
            merges = [m.get(qn("w:val")) for m in row.iter(qn("w:vMerge"))]
            continues = any(value in (None, "continue") for value in merges)
            if len(pieces[-1]) >= max_rows and not continues:
                pieces.append([])
            pieces[-1].append(row)
        anchor = table
        for piece in pieces[1:]:
            separator = etree.fromstring(
                f'<w:p xmlns:w="{qn("w:p")[1:].split("}")[0]}"><w:pPr><w:pageBreakBefore/>'
                '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
                '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
            )
            anchor.addnext(separator)
            new = OxmlElement("w:tbl")
            for child in table:
                if child.tag != qn("w:tr"):
                    new.append(copy.deepcopy(child))
            for row in rows[:header]:
                new.append(copy.deepcopy(row))
            for row in piece:
                new.append(row)
            separator.addnext(new)
            anchor = new


def _reference(template, context, max_rows: int) -> bytes:
    document = _Reference(template)
    document.render(context, make_environment(), autoescape=True)
    _reference_split(document.docx.element.body, max_rows)
    return deterministic_bytes(document.docx)


def _canonical(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: etree.tostring(etree.fromstring(archive.read(name)), method="c14n")
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }


def _assert_same_as_reference(template, context, monkeypatch, max_rows: int = 7) -> bytes:
    monkeypatch.setattr(long_tables, "MAX_ROWS", max_rows)
    monkeypatch.setattr(stream, "BLOCK", 2048)  # many blocks: every boundary is crossed
    monkeypatch.setattr(table_rows, "SPILL_BYTES", 4096)  # rows go through the disk
    streamed = CompiledTemplate(template, layout=True).render(context)
    expected, got = _canonical(_reference(template, context, max_rows)), _canonical(streamed)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs from the whole-tree render"
    return streamed


def test_the_notice_with_long_appendices_is_the_xml_of_a_whole_tree_render(data_copy, monkeypatch):
    table = data_copy / "don-vi.csv"
    with open(table, encoding="utf-8-sig", newline="") as stream_:
        rows = list(csv.reader(stream_))
    rows += [[f"THPT Thử <{n}> & Co", "THPT", "Sở GDĐT", "900", str(n % 5), "40", "1"]
             for n in range(60)]  # fmt: skip
    with open(table, "w", encoding="utf-8-sig", newline="") as stream_:
        csv.writer(stream_).writerows(rows)
    checkup = check_folder(data_copy)
    context = build_context(
        checkup.inputs.metadata, checkup.appendices, 12, None, sector=checkup.sector
    )
    streamed = _assert_same_as_reference(shipped(TEMPLATE_FILE), context, monkeypatch)
    tables = docx.Document(io.BytesIO(streamed)).tables
    names = [c.text for t in tables for r in t.rows for c in r.cells[1:2]]
    assert sum("THPT Thử <" in name for name in names) == 60  # every row once, literally


def _template_with_merges_and_a_nested_table(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=6, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("STT", "Tên", "Số"), strict=True):
        cell.text = text
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    table.cell(1, 0).text = "{%tr for r in hang %}"
    table.cell(2, 0).text = "{{ r.stt }}"
    table.cell(2, 1).text = "{{ r.ten }}"
    table.cell(2, 2).text = "{{ r.so }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    table.cell(4, 0).text = "Cuối"
    table.cell(4, 1).merge(table.cell(5, 1)).text = "ô gộp dọc"
    inner = table.cell(5, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "{{ hang | length }}"
    inner.cell(0, 1).text = "trong"
    for column, width in zip(table.columns, (Cm(2), Cm(8), Cm(3)), strict=True):
        for cell in column.cells:
            cell.width = width
    path = tmp_path / "mau.docx"
    path.write_bytes(deterministic_bytes(document))
    return path


@pytest.mark.parametrize("count", [0, 5, 23, 40])
def test_merged_cells_nested_tables_and_cut_points_match_the_tree(tmp_path, monkeypatch, count):
    template = _template_with_merges_and_a_nested_table(tmp_path)
    context = {"hang": [{"stt": n, "ten": f"Đơn vị {n}\tthứ", "so": n * 7} for n in range(count)]}
    _assert_same_as_reference(template, context, monkeypatch, max_rows=6)


def test_a_template_whose_tags_break_the_xml_is_refused_with_a_message(tmp_path):
    document = docx.Document()
    document.add_paragraph("{%p if co %}")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "{%p endif %}"  # closes in a table cell what opened outside it
    path = tmp_path / "hong.docx"
    path.write_bytes(deterministic_bytes(document))
    with pytest.raises(TemplateProblem) as raised:
        CompiledTemplate(path, layout=True).render({"co": False})
    assert "văn bản Word hỏng" in str(raised.value)
    assert "cùng cấp" in str(raised.value)
