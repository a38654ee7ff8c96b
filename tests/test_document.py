"""The built notice as a reader sees it, opened with python-docx."""

from __future__ import annotations

import re
import zipfile

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from generator.archive.build import build

from .conftest import SHIPPED


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _body_text(document) -> str:
    return "\n".join(_texts(document))


def _paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def _runs_style(paragraph) -> set[tuple]:
    return {(r.font.size, bool(r.bold), bool(r.italic)) for r in paragraph.runs if r.text.strip()}


def test_one_portrait_section_then_four_landscape_appendix_sections(document):
    sections = document.sections
    assert len(sections) == 5
    for index, section in enumerate(sections):
        landscape = index > 0
        assert section.orientation == (WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT)
        width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        assert abs(section.page_width - width) < Mm(0.1)
        assert abs(section.page_height - height) < Mm(0.1)
        margins = (
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
        assert [round(m.mm) for m in margins] == [20, 20, 30, 15]


def test_page_numbers_in_the_header_but_not_on_the_first_page(document):
    first = document.sections[0]
    assert first.different_first_page_header_footer
    assert "PAGE" not in first.first_page_header._element.xml
    assert "PAGE" in first.header._element.xml
    assert first.header.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.CENTER
    for section in document.sections[1:]:
        assert section.different_first_page_header_footer
        numbering = section._sectPr.find(qn("w:pgNumType"))
        assert numbering is not None and numbering.get(qn("w:start")) == "1"


def test_header_block_texts_and_styles(document):
    header = document.tables[0]
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert [p.text for p in left.paragraphs if p.text] == [
        "UBND THÀNH PHỐ HẢI PHÒNG",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    ]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert _runs_style(left.paragraphs[0]) == {(Pt(13), False, False)}
    assert _runs_style(left.paragraphs[1]) == {(Pt(13), True, False)}
    assert _runs_style(right.paragraphs[0]) == {(Pt(12), True, False)}
    assert _runs_style(right.paragraphs[1]) == {(Pt(14), True, False)}
    number, place = header.cell(1, 0).paragraphs[0], header.cell(1, 1).paragraphs[0]
    assert re.fullmatch(r"Số: +/TB-SGDĐT", number.text)
    assert re.fullmatch(r"Hải Phòng, ngày +tháng +năm 2023", place.text)
    assert _runs_style(place) == {(Pt(14), False, True)}
    for cell in (left, right):  # the rules under the agency and under the motto
        assert any(p._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None for p in cell.paragraphs)


def test_title_body_and_figures(document):
    title = _paragraph(document, "THÔNG BÁO")
    assert _runs_style(title) == {(Pt(14), True, False)}
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    subject = "Về việc rà soát dữ liệu trên cơ sở dữ liệu ngành giáo dục và đào tạo"
    assert _runs_style(_paragraph(document, subject)) == {(Pt(14), True, False)}
    text = _body_text(document)
    assert "vẫn còn 3.940 học sinh, học viên và 717 cán bộ, giáo viên, nhân viên" in text
    assert "đến thời điểm 11h30 ngày 23/6/2023" in text
    assert "các Phụ lục I, II, III, IV kèm theo" in text
    assert "Phụ lục I, Phụ lục II và Phụ lục III" in text
    assert "Phụ lục I và Phụ lục IV" in text
    assert text.count("trước 17h00 ngày 04/7/2023") == 2
    assert "qlvb.hpnet.vn" in text
    assert "4085" not in text and "4.085" not in text


def test_body_paragraphs_are_justified_with_a_first_line_indent(document):
    body = [p for p in document.paragraphs if p.text.startswith(("Thời gian qua", "Từ số liệu"))]
    assert len(body) == 2
    for paragraph in body:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert round(paragraph.paragraph_format.first_line_indent.cm, 2) == 1.27
        assert paragraph.paragraph_format.space_after >= Pt(6)
        assert {size for size, _, _ in _runs_style(paragraph)} == {Pt(14)}
    assert any(p.text.endswith("thực hiện./.") for p in document.paragraphs)


def test_signature_block(document):
    signature = document.tables[1]
    recipients = [p.text for p in signature.cell(0, 0).paragraphs if p.text]
    assert recipients == [
        "Nơi nhận:",
        "- Ban Giám đốc Sở (để chỉ đạo);",
        "- Các Phòng Sở (để t/h);",
        "- Phòng GDĐT quận, huyện (để t/h);",
        "- Các đơn vị giáo dục (để t/h);",
        "- Lưu: VT, GDTX&ĐH.",
    ]
    assert _runs_style(signature.cell(0, 0).paragraphs[0]) == {(Pt(12), True, True)}
    signer = [p.text for p in signature.cell(0, 1).paragraphs if p.text]
    assert signer == ["TM. BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ", "TRƯỞNG BAN", "Bùi Văn Kiệt"]


def test_four_appendix_headings_in_roman_numerals(document):
    headings = [p for p in document.paragraphs if p.text.startswith("Phụ lục ")]
    assert [p.text for p in headings] == ["Phụ lục I", "Phụ lục II", "Phụ lục III", "Phụ lục IV"]
    for heading in headings:
        assert _runs_style(heading) == {(Pt(14), True, False)}
        assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER
    attached = [p for p in document.paragraphs if p.text.startswith("(Kèm theo Thông báo số")]
    assert len(attached) == 4
    for line in attached:
        pattern = r"\(Kèm theo Thông báo số +/TB-SGDĐT ngày +tháng +năm 2023 của {}\)"
        assert re.fullmatch(pattern.format("Sở Giáo dục và Đào tạo"), line.text)
        assert all(run.italic for run in line.runs if run.text.strip())


def test_appendix_tables_repeat_two_header_rows_and_bold_total(document):
    tables = document.tables[2:]
    assert [len(t.columns) for t in tables] == [8, 8, 8, 16]
    assert [len(t.rows) for t in tables] == [2 + 5 + 1, 2 + 66 + 1, 2 + 15 + 1, 2 + 16 + 1]
    for table in tables:
        for index, row in enumerate(table.rows):
            properties = row._tr.trPr
            repeated = properties is not None and properties.find(qn("w:tblHeader")) is not None
            assert repeated == (index < 2)
            assert properties.find(qn("w:cantSplit")) is not None
        groups = [c.text for c in table.rows[0].cells]
        assert "CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN" in groups
        total = table.rows[-1]
        assert total.cells[0].text == "Tổng số"
        assert all(r.bold for c in total.cells for p in c.paragraphs for r in p.runs if r.text)


def test_appendix_tables_hold_the_computed_rows(document):
    pl2 = document.tables[3]
    row = next(r for r in pl2.rows if r.cells[1].text == "THPT Trần Nguyên Hãn")
    assert [c.text for c in row.cells[2:]] == ["1.739", "25", "1,44", "91", "12", "13,19"]
    pl3_total = document.tables[4].rows[-1]
    assert pl3_total.cells[5].text == "454"
    pl1_total = [c.text for c in document.tables[2].rows[-1].cells[2:]]
    assert pl1_total == ["532.591", "3.940", "0,74", "33.052", "717", "2,17"]
    assert document.tables[4].rows[0].cells[2].text == "HỌC VIÊN"


def _parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
        }


def test_no_template_tags_are_left(built):
    for name, xml in _parts(built.output).items():
        text = re.sub(r"<[^>]+>", "", xml)
        assert "{{" not in text and "{%" not in text and "%}" not in text, name


def test_times_new_roman_everywhere(built):
    parts = _parts(built.output)
    fonts = re.findall(r"<w:rFonts [^>]*/>", "".join(parts.values()))
    assert fonts
    for element in fonts:
        assert "Theme" not in element and "theme" not in element, element
        assert set(re.findall(r'w:(?:ascii|hAnsi|cs|eastAsia)="([^"]+)"', element)) == {
            "Times New Roman"
        }, element
    assert 'w:ascii="Times New Roman"' in parts["word/styles.xml"].split("</w:docDefaults>")[0]


def test_the_same_data_gives_the_same_bytes(tmp_path):
    first = build(SHIPPED, tmp_path / "a").output.read_bytes()
    second = build(SHIPPED, tmp_path / "b").output.read_bytes()
    assert first == second


def test_document_properties_come_from_the_metadata(document):
    core = document.core_properties
    assert core.author == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert core.title.startswith("Thông báo Về việc rà soát")
    assert core.created.year == 2023 and core.created.month == 6
