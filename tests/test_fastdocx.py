"""The compiled renderer gives what docxtpl gives, part for part, safely and reproducibly."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pytest
from docxtpl import DocxTemplate
from lxml import etree

from generator.common.errors import TemplateProblem
from generator.documents.context import build_context
from generator.documents.docx_xml import deterministic_bytes
from generator.documents.fastdocx import CompiledTemplate
from generator.documents.render import make_environment
from generator.documents.template_maker import make_form_template
from generator.figures.checkup import check_folder
from generator.forms.making import FORM_TEMPLATE, form_context
from generator.kinds.templates import TEMPLATE_FILE, shipped

from .conftest import SHIPPED

HEADER = {
    "co_quan": "Sở Giáo dục và Đào tạo",
    "thong_bao": "Thông báo số 12/TB-SGDĐT ngày 26/6/2023",
    "thoi_diem": "11h30 ngày 23/6/2023",
    "han": "17h00 ngày 04/7/2023",
    "he_thong": "qlvb.hpnet.vn",
    "dia_danh": "Hải Phòng",
    "nam": 2023,
    "han_ngay": date(2023, 7, 4),
}


def _row(number: int, name: str, key: str) -> dict:
    return {"stt": number, "ten": name, "ngay_sinh": "05/09/2008", "ma": "031******123",
            "cap": "THPT", "loai": "HS", "ma_dong": key}  # fmt: skip


PEOPLE = [
    _row(1, "Nguyễn Văn An", "k1"),
    _row(2, 'Trần Thị <Bình> & "Bé" {{ 7*7 }}', "k2"),
    _row(3, "Dòng một\nDòng hai\tcột\aĐoạn mới\fTrang mới", "k3"),
    _row(4, "Thoát {_{ x }_} và {_% y %_}", "k4"),
]


def _docxtpl(template, context) -> bytes:
    document = DocxTemplate(template)
    document.render(context, make_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xml_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: etree.tostring(etree.fromstring(archive.read(name)), method="c14n")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def _assert_same_xml(template, context) -> bytes:
    fast = CompiledTemplate(template).render(context)
    expected, got = _xml_parts(_docxtpl(template, context)), _xml_parts(fast)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs from docxtpl's"
    return fast


def _texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return [p.text for p in document.paragraphs] + cells


@pytest.mark.parametrize("unit", ["THPT An Lão", "Các trường trực thuộc Sở"])
def test_the_form_is_the_same_xml_as_docxtpl_gives(unit):
    context = form_context("Sở GDĐT", unit, "ma-mau", PEOPLE, HEADER)
    fast = _assert_same_xml(shipped(FORM_TEMPLATE), context)
    joined = "\n".join(_texts(fast))
    assert 'Trần Thị <Bình> & "Bé" {{ 7*7 }}' in joined  # literal, and the XML stays valid
    assert "Thoát {{ x }} và {% y %}" in joined
    assert "Dòng một\nDòng hai" in joined  # a line break, not a raw newline
    assert ("Trường" in _texts(fast)) == unit.startswith("Các")


@pytest.mark.parametrize("number", [None, 12])
def test_the_notice_is_the_same_xml_as_docxtpl_gives(number):
    checkup = check_folder(SHIPPED)
    issued_on = date(2023, 6, 26) if number else None
    metadata, appendices = checkup.inputs.metadata, checkup.appendices
    context = build_context(metadata, appendices, number, issued_on, sector=checkup.sector)
    _assert_same_xml(shipped(TEMPLATE_FILE), context)


def test_templated_properties_and_column_loops_are_rendered_as_docxtpl_does(tmp_path):
    document = make_form_template()
    document.core_properties.title = "Báo cáo {{ ten_don_vi }}"
    document.core_properties.subject = "{{ co_quan }} & {{ nam }}"
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "{%tc for c in cot %}"
    table.cell(0, 1).text = "{{ c }}"
    table.cell(0, 2).text = "{%tc endfor %}"
    template = tmp_path / "mau.docx"
    template.write_bytes(deterministic_bytes(document))
    context = {**form_context("Sở", "Trường A", "m", PEOPLE, HEADER), "cot": list("abcde")}
    fast = _assert_same_xml(template, context)
    assert docx.Document(io.BytesIO(fast)).core_properties.title == "Báo cáo Trường A"


def test_the_same_context_gives_the_same_bytes():
    compiled = CompiledTemplate(shipped(FORM_TEMPLATE))
    context = form_context("Sở GDĐT", "THPT An Lão", "m", PEOPLE, HEADER)
    assert compiled.render(context) == compiled.render(context)


def test_one_compiled_template_serves_many_units():
    compiled = CompiledTemplate(shipped(FORM_TEMPLATE))
    first = "\n".join(
        _texts(compiled.render(form_context("Sở GDĐT", "Trường A", "a", PEOPLE[:1], HEADER)))
    )
    second = "\n".join(
        _texts(compiled.render(form_context("Sở GDĐT", "Trường B", "b", PEOPLE, HEADER)))
    )
    assert "TRƯỜNG A" in first and "TRƯỜNG B" not in first
    assert "Nguyễn Văn An" in first and "Trần Thị" not in first
    assert "TRƯỜNG B" in second and "Trần Thị" in second


@pytest.mark.parametrize(
    ("tag", "said"),
    [
        ("{{ bien_khong_co }}", "mẫu dùng biến"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "bị cấm"),
        ("{% for %}", "thẻ mẫu viết sai"),
    ],
)
def test_a_bad_form_template_is_a_template_error_not_a_crash(tmp_path, tag, said):
    document = make_form_template()
    document.add_paragraph(tag)
    template = tmp_path / "mau.docx"
    template.write_bytes(deterministic_bytes(document))
    with pytest.raises(TemplateProblem, match=said) as caught:
        CompiledTemplate(template).render(form_context("Sở", "A", "m", PEOPLE, HEADER))
    assert caught.value.exit_code == 3
