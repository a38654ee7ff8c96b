"""Write the corpus ``vanban check`` is tested against: tests/data/check-corpus/.

Every document starts from a correct notice built from the shipped data (the draft, or its
issued copy) and gets one small python-docx / XML edit: either one broken NĐ30 rule, or a
different but correct way of writing the same thing (formatting from styles, a công văn,
a copy saved by LibreOffice, a body that cites another document's number and date …).
``expected.json`` lists, for each file, the rule ids that must fail and those that must be
reported as unclear. Run from the repository root (LibreOffice needed for one file)::

    PYTHONPATH=$PWD python tests/data/make_check_corpus.py
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.archive.build import build  # noqa: E402
from generator.archive.issuing import issue  # noqa: E402
from generator.documents.docx_xml import deterministic_bytes  # noqa: E402

TARGET = Path(__file__).resolve().parent / "check-corpus"
Edit = Callable[[docx.document.Document], None]
CASES: list[tuple[str, str, Edit, list[str], list[str]]] = []  # name, base, edit, fails, unclear


def case(name: str, fails: list[str], base: str = "draft", unclear: list[str] | None = None):
    def register(edit: Edit) -> Edit:
        CASES.append((name, base, edit, fails, unclear or []))
        return edit

    return register


# --- helpers ---------------------------------------------------------------------------------


def para(document, start: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text.strip().startswith(start))


def body_paragraph(document) -> Paragraph:
    return para(document, "Thời gian qua")


def last_body(document) -> Paragraph:
    return next(p for p in document.paragraphs if p.text.rstrip().endswith("./."))


def cell_para(document, table: int, row: int, col: int, start: str = "") -> Paragraph:
    cell = document.tables[table].cell(row, col)
    return next(p for p in cell.paragraphs if p.text.strip().startswith(start) and p.text.strip())


def set_run_font(run_element, font: str) -> None:
    rpr = run_element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), font)


def set_text(paragraph: Paragraph, text: str) -> None:
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def remove(element) -> None:
    element.getparent().remove(element)


def appendix_tables(document):
    return document.tables[2:]


def header_rows(table):
    return table._tbl.findall(qn("w:tr"))[:2]


# --- broken: the page ------------------------------------------------------------------------


@case("le-trai-25mm", ["kho-giay-le"])
def _(d):
    d.sections[0].left_margin = Mm(25)


@case("le-tren-15mm", ["kho-giay-le"])
def _(d):
    d.sections[0].top_margin = Mm(15)


@case("le-gay-10mm", ["kho-giay-le"])
def _(d):
    d.sections[0]._sectPr.find(qn("w:pgMar")).set(qn("w:gutter"), str(int(Mm(10).twips)))


@case("le-doi-xung", ["kho-giay-le"])
def _(d):
    settings = d.settings.element
    mirror = OxmlElement("w:mirrorMargins")
    settings.insert(0, mirror)


@case("kho-letter", ["kho-giay-le"])
def _(d):
    d.sections[0].page_width, d.sections[0].page_height = Mm(216), Mm(279)


@case("phu-luc-le-phai-30mm", ["kho-giay-le"])
def _(d):
    d.sections[2].right_margin = Mm(30)


# --- broken: fonts ---------------------------------------------------------------------------


@case("arial-truc-tiep", ["phong-chu"])
def _(d):
    set_run_font(body_paragraph(d).runs[0]._element, "Arial")


@case("arial-qua-kieu-ky-tu", ["phong-chu"])
def _(d):
    style = d.styles.add_style("Nhan manh", WD_STYLE_TYPE.CHARACTER)
    style.font.name = "Arial"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:hAnsi"), "Arial")
    run = body_paragraph(d).runs[0]
    run.style = style
    run._element.rPr.remove(run._element.rPr.find(qn("w:rFonts")))


@case("arial-qua-kieu-doan", ["phong-chu"])
def _(d):
    style = d.styles.add_style("Than Arial", WD_STYLE_TYPE.PARAGRAPH)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(slot), "Arial")
    paragraph = body_paragraph(d)
    paragraph.style = style
    for run in paragraph.runs:
        run._element.rPr.remove(run._element.rPr.find(qn("w:rFonts")))


@case("arial-qua-kieu-goc", ["phong-chu"])
def _(d):
    """Arial from the style a paragraph style is based on (basedOn chain)."""
    base = d.styles.add_style("Goc Arial", WD_STYLE_TYPE.PARAGRAPH)
    fonts = base.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(slot), "Arial")
    derived = d.styles.add_style("Than tu goc", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = base
    derived.paragraph_format.alignment = 3
    paragraph = para(d, "Từ số liệu")
    paragraph.style = derived
    for run in paragraph.runs:
        run._element.rPr.remove(run._element.rPr.find(qn("w:rFonts")))


@case("arial-trong-lien-ket", ["phong-chu"])
def _(d):
    paragraph = body_paragraph(d)
    run = copy.deepcopy(paragraph.runs[-1]._element)
    run.find(qn("w:t")).text = " (xem csdl.moet.gov.vn)"
    set_run_font(run, "Arial")
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), "muc-1")
    link.append(run)
    paragraph._p.append(link)


@case("arial-trong-truong", ["phong-chu"])
def _(d):
    paragraph = last_body(d)
    run = copy.deepcopy(paragraph.runs[0]._element)
    run.find(qn("w:t")).text = "23/06/2023"
    set_run_font(run, "Arial")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), ' DATE \\@ "dd/MM/yyyy" ')
    field.append(run)
    paragraph._p.insert(1, field)


_BOX_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def text_box(font: str, text: str):
    """A floating text box as Word writes it: DrawingML with a VML fallback."""
    run = (
        f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}"/>'
        f'<w:sz w:val="26"/></w:rPr><w:t>{text}</w:t></w:r>'
    )
    return parse_xml(
        f'<w:r {_BOX_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" '
        'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0'
        '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0'
        '</wp:posOffset></wp:positionV><wp:extent cx="1828800" cy="457200"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="901" name="Khung chu 1"/><wp:cNvGraphicFramePr/><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="1828800" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></wps:spPr><wps:txbx><w:txbxContent><w:p>"
        f"{run}</w:p></w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" anchor="t"><a:noAutofit/></wps:bodyPr>'
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape style="width:144pt;height:36pt"><v:textbox>'
        f"<w:txbxContent><w:p>{run}</w:p></w:txbxContent></v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )


@case("arial-trong-khung-chu", ["phong-chu"])
def _(d):
    body_paragraph(d)._p.append(text_box("Arial", "Ghi chú"))


@case("arial-o-chan-trang", ["phong-chu"])
def _(d):
    footer = d.sections[0].footer
    paragraph = footer.paragraphs[0]
    run = paragraph.add_run("Tài liệu nội bộ")
    run.font.name = "Arial"
    run.font.size = Pt(10)


@case("phong-theo-chu-de", ["phong-chu"])
def _(d):
    fonts = body_paragraph(d).runs[0]._element.rPr.find(qn("w:rFonts"))
    fonts.set(qn("w:hAnsiTheme"), "minorHAnsi")
    fonts.set(qn("w:asciiTheme"), "minorHAnsi")


# --- broken: the header block ----------------------------------------------------------------


@case("quoc-hieu-khong-dam", ["quoc-hieu-co-quan"])
def _(d):
    for run in cell_para(d, 0, 0, 1, "CỘNG").runs:
        run.bold = False


@case("tieu-ngu-co-12", ["quoc-hieu-co-quan"])
def _(d):
    for run in cell_para(d, 0, 0, 1, "Độc lập").runs:
        run.font.size = Pt(12)


@case("co-quan-chu-thuong", ["quoc-hieu-co-quan"])
def _(d):
    set_text(cell_para(d, 0, 0, 0, "SỞ"), "Sở Giáo dục và Đào tạo")


@case("ky-hieu-chu-thuong", ["so-ky-hieu"])
def _(d):
    paragraph = cell_para(d, 0, 1, 0, "Số")
    set_text(paragraph, paragraph.text.replace("TB-SGDĐT", "tb-sgdđt"))


@case("so-thieu-so-0", ["so-ky-hieu"], base="issued")
def _(d):
    paragraph = cell_para(d, 0, 1, 0, "Số")
    set_text(paragraph, paragraph.text.replace("05/", "5/"))


@case("ngay-thieu-so-0", ["dia-danh-ngay"], base="issued")
def _(d):
    set_text(cell_para(d, 0, 1, 1), "Hải Phòng, ngày 4 tháng 7 năm 2023")


@case("thang-7-co-so-0", ["dia-danh-ngay"], base="issued")
def _(d):
    set_text(cell_para(d, 0, 1, 1), "Hải Phòng, ngày 04 tháng 07 năm 2023")


@case("ngay-khong-nghieng", ["dia-danh-ngay"])
def _(d):
    for run in cell_para(d, 0, 1, 1).runs:
        run.italic = False


# --- broken: title and body ------------------------------------------------------------------


@case("ten-loai-can-trai", ["ten-loai-trich-yeu"])
def _(d):
    para(d, "THÔNG BÁO").alignment = 0


@case("trich-yeu-co-vv", ["ten-loai-trich-yeu"])
def _(d):
    paragraph = para(d, "Về việc")
    set_text(paragraph, "V/v " + paragraph.text[len("Về việc ") :])


@case("trich-yeu-khong-dam", ["ten-loai-trich-yeu"])
def _(d):
    for run in para(d, "Về việc").runs:
        run.bold = False


@case("than-can-trai", ["than-van-ban"])
def _(d):
    para(d, "Từ số liệu").alignment = 0


@case("than-khong-lui-dau-dong", ["than-van-ban"])
def _(d):
    para(d, "Trên cơ sở").paragraph_format.first_line_indent = 0


@case("than-co-12", ["than-van-ban"])
def _(d):
    for run in para(d, "Lưu ý").runs:
        run.font.size = Pt(12)


@case("than-gian-dong-gap-doi", ["than-van-ban"])
def _(d):
    para(d, "Từ số liệu").paragraph_format.line_spacing = 2.0


@case("than-khong-cach-doan", ["than-van-ban"])
def _(d):
    para(d, "Trên cơ sở").paragraph_format.space_after = Pt(0)


@case("than-thieu-ket-thuc", ["than-van-ban"])
def _(d):
    run = last_body(d).runs[-1]
    run.text = run.text.replace("./.", ".")


@case("giu-voi-doan-sau-bi-bo", [], unclear=["trang-chu-ky"])
def _(d):
    last_body(d).paragraph_format.keep_with_next = False


# --- broken: signature block -----------------------------------------------------------------


def signature_cell(d, col: int):
    return d.tables[1].cell(0, col)


@case("noi-nhan-khong-nghieng", ["noi-nhan"])
def _(d):
    for run in signature_cell(d, 0).paragraphs[0].runs:
        run.italic = False


@case("noi-nhan-thieu-cham-phay", ["noi-nhan"])
def _(d):
    paragraph = signature_cell(d, 0).paragraphs[1]
    set_text(paragraph, paragraph.text.rstrip(";"))


@case("noi-nhan-luu-thieu-cham", ["noi-nhan"])
def _(d):
    paragraph = signature_cell(d, 0).paragraphs[-1]
    set_text(paragraph, paragraph.text.rstrip("."))


@case("khong-co-dong-noi-nhan", ["noi-nhan"])
def _(d):
    remove(signature_cell(d, 0).paragraphs[0]._p)


@case("quyen-han-k-gach", ["quyen-han-nguoi-ky"])
def _(d):
    paragraph = signature_cell(d, 1).paragraphs[0]
    set_text(paragraph, paragraph.text.replace("TM.", "K/T"))


@case("quyen-han-tm-thieu-cham", ["quyen-han-nguoi-ky"])
def _(d):
    paragraph = signature_cell(d, 1).paragraphs[0]
    set_text(paragraph, paragraph.text.replace("TM.", "TM"))


@case("nguoi-ky-khong-dam", ["quyen-han-nguoi-ky"])
def _(d):
    signer = [p for p in signature_cell(d, 1).paragraphs if p.text.strip()][-1]
    for run in signer.runs:
        run.bold = False


# --- broken: appendices and tables -----------------------------------------------------------


@case("phu-luc-so-a-rap", ["phu-luc"])
def _(d):
    set_text(para(d, "Phụ lục II"), "Phụ lục 2")


@case("phu-luc-khong-dam", ["phu-luc"])
def _(d):
    for run in para(d, "Phụ lục III").runs:
        run.bold = False


@case("kem-theo-khong-nghieng", ["phu-luc"])
def _(d):
    for run in para(d, "(Kèm theo").runs:
        run.italic = False


@case("hang-tieu-de-2-khong-lap", ["hang-tieu-de-bang"])
def _(d):
    second = header_rows(appendix_tables(d)[1])[1]
    remove(second.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}"))


@case("hang-tieu-de-1-khong-lap", ["hang-tieu-de-bang"])
def _(d):
    first = header_rows(appendix_tables(d)[3])[0]
    remove(first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}"))


# --- broken: page numbers --------------------------------------------------------------------


def page_field(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


@case("so-trang-o-chan-trang-dau", ["so-trang"])
def _(d):
    footer = d.sections[0].first_page_footer
    page_field(footer.paragraphs[0])
    footer.paragraphs[0].runs  # noqa: B018 (the footer part now exists)


@case("khong-dat-trang-dau-khac", ["so-trang"])
def _(d):
    d.sections[0].different_first_page_header_footer = False


@case("so-trang-o-chan-trang", ["so-trang"])
def _(d):
    header = d.sections[0].header
    numbered = next(p for p in header.paragraphs if "PAGE" in p._p.xml)
    field = numbered._p.find(qn("w:fldSimple"))
    remove(field)
    page_field(d.sections[0].footer.paragraphs[0])


@case("so-trang-thieu-o-trang-chan", ["so-trang"])
def _(d):
    """Even and odd pages with their own headers: the even one has no number."""
    d.settings.odd_and_even_pages_header_footer = True
    d.sections[0].even_page_header.paragraphs[0].text = ""


@case("so-trang-can-trai", ["so-trang"])
def _(d):
    header = d.sections[0].header
    next(p for p in header.paragraphs if "PAGE" in p._p.xml).alignment = 0


# --- broken: công văn ------------------------------------------------------------------------


def to_letter(d) -> None:
    """The notice rewritten as a công văn (Mẫu 1.5): «V/v …» under the number, «Kính gửi:»."""
    number = cell_para(d, 0, 1, 0, "Số")
    subject = para(d, "Về việc")
    letter = copy.deepcopy(number._p)
    number._p.addnext(letter)
    letter = Paragraph(letter, number._parent)
    set_text(letter, "V/v rà soát dữ liệu trên cơ sở dữ liệu ngành")
    letter.paragraph_format.space_before = Pt(6)
    for run in letter.runs:
        run.font.size = Pt(12)
    title = para(d, "THÔNG BÁO")
    rule = subject._p.getnext()
    greeting = copy.deepcopy(title._p)
    title._p.addprevious(greeting)
    greeting = Paragraph(greeting, title._parent)
    set_text(greeting, "Kính gửi: Các đơn vị giáo dục trực thuộc.")
    for run in greeting.runs:
        run.bold = False
    for element in (title._p, subject._p, rule):
        remove(element)
    for paragraph in d.paragraphs:
        if paragraph.text.startswith("(Kèm theo Thông báo"):
            for run in paragraph.runs:
                run.text = run.text.replace("Thông báo", "Công văn")
    number_run = number.runs[-1]
    number_run.text = number_run.text.replace("TB-SGDĐT", "SGDĐT-VP")


@case("cong-van-dung", [])
def _(d):
    to_letter(d)


@case("cong-van-thieu-kinh-gui", ["ten-loai-trich-yeu"])
def _(d):
    to_letter(d)
    remove(para(d, "Kính gửi")._p)


@case("cong-van-vv-in-dam", ["ten-loai-trich-yeu"])
def _(d):
    to_letter(d)
    for run in cell_para(d, 0, 1, 0, "V/v").runs:
        run.bold = True


@case("cong-van-lui-dau-dong-sai", ["than-van-ban"])
def _(d):
    to_letter(d)
    para(d, "Thời gian qua").paragraph_format.first_line_indent = Mm(30)


# --- correct, written differently ------------------------------------------------------------


@case("du-thao-dung", [])
def _(d):
    pass


@case("ban-hanh-dung", [], base="issued")
def _(d):
    pass


@case("than-trich-dan-ngay-khac", [], base="issued")
def _(d):
    paragraph = para(d, "Từ số liệu")
    first = paragraph.runs[0]
    first.text = "Thực hiện Kế hoạch số 125/KH-UBND, ngày 5 tháng 6 năm 2023 của UBND; " + (
        first.text
    )
    moved = copy.deepcopy(paragraph._p)
    para(d, "Thời gian qua")._p.addprevious(moved)
    remove(paragraph._p)


@case("kieu-doan-va-kieu-ky-tu", [])
def _(d):
    """Alignment, indent, size and bold from paragraph and character styles, none direct."""
    body_style = d.styles.add_style("Than van ban", WD_STYLE_TYPE.PARAGRAPH)
    body_style.paragraph_format.alignment = 3  # justify
    body_style.paragraph_format.first_line_indent = Mm(12.7)
    body_style.font.size = Pt(14)
    title_style = d.styles.add_style("Ten loai", WD_STYLE_TYPE.PARAGRAPH)
    title_style.paragraph_format.alignment = 1
    title_style.font.size = Pt(14)
    strong = d.styles.add_style("Dam", WD_STYLE_TYPE.CHARACTER)
    strong.font.bold = True
    elements = [p._p for p in d.paragraphs]
    start = elements.index(para(d, "THÔNG BÁO")._p)
    end = elements.index(last_body(d)._p)
    for index, paragraph in enumerate(d.paragraphs[start : end + 1]):
        if not paragraph.text.strip():
            continue
        paragraph.style = title_style if index < 2 else body_style
        ppr = paragraph._p.pPr
        for tag in ("w:jc", "w:ind"):
            if ppr.find(qn(tag)) is not None:
                ppr.remove(ppr.find(qn(tag)))
        for run in paragraph.runs:
            rpr = run._element.rPr
            for tag in ("w:sz", "w:szCs"):
                if rpr.find(qn(tag)) is not None:
                    rpr.remove(rpr.find(qn(tag)))
            if run.bold:
                run.bold = None
                run.style = strong
    for run in cell_para(d, 0, 0, 1, "CỘNG").runs:
        run.bold = None
        run.style = strong


@case("lien-ket-truong-khung-chu-dung-phong", [])
def _(d):
    paragraph = body_paragraph(d)
    run = copy.deepcopy(paragraph.runs[-1]._element)
    run.find(qn("w:t")).text = " (xem csdl.moet.gov.vn)"
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), "muc-1")
    link.append(run)
    paragraph._p.insert(2, link)
    para(d, "Từ số liệu")._p.append(text_box("Times New Roman", "Ghi chú"))


@case("so-trang-truong-phuc-hop", [])
def _(d):
    """The page number as Word writes it: a complex field (fldChar, instrText)."""
    header = d.sections[0].header
    numbered = next(p for p in header.paragraphs if "PAGE" in p._p.xml)
    remove(numbered._p.find(qn("w:fldSimple")))
    for xml in (
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE \\* MERGEFORMAT </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>2</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    ):
        run = parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:rFonts w:ascii="Times New Roman" '
            f'w:hAnsi="Times New Roman"/><w:sz w:val="26"/></w:rPr>{xml}</w:r>'
        )
        numbered._p.append(run)


@case("du-thao-de-trong-bang-dau-cham", [])
def _(d):
    """A draft typed by hand leaves number, day and month as dots."""
    set_text(cell_para(d, 0, 1, 0, "Số"), "Số: …/TB-SGDĐT")
    set_text(cell_para(d, 0, 1, 1), "Hải Phòng, ngày ..... tháng ..... năm 2023")


@case("mot-co-quan", [])
def _(d):
    """An agency without a parent agency line: only the issuing agency, in bold."""
    remove(cell_para(d, 0, 0, 0, "UBND")._p)


@case("chu-hoa-bang-dinh-dang", [])
def _(d):
    """Capitals shown by the «All caps» format, the letters typed in lower case."""
    for paragraph, text in (
        (cell_para(d, 0, 0, 0, "SỞ"), "Sở Giáo dục và Đào tạo"),
        (para(d, "THÔNG BÁO"), "Thông báo"),
        (signature_cell(d, 1).paragraphs[0], "TM. Ban Chỉ đạo chuyển đổi số"),
    ):
        set_text(paragraph, text)
        for run in paragraph.runs:
            run.font.all_caps = True


@case("trich-yeu-hai-dong", [])
def _(d):
    """A long trích yếu typed as two centred, bold paragraphs."""
    subject = para(d, "Về việc")
    second = copy.deepcopy(subject._p)
    subject._p.addnext(second)
    set_text(subject, "Về việc rà soát dữ liệu trên cơ sở dữ liệu ngành")
    set_text(Paragraph(second, subject._parent), "giáo dục và đào tạo")


@case("cong-van-con-ten-loai", ["ten-loai-trich-yeu"])
def _(d):
    to_letter(d)
    greeting = para(d, "Kính gửi")
    title = copy.deepcopy(greeting._p)
    greeting._p.addprevious(title)
    title = Paragraph(title, greeting._parent)
    set_text(title, "CÔNG VĂN")
    title.alignment = 1
    for run in title.runs:
        run.bold = True


@case("bang-than-van-ban", [])
def _(d):
    """A small table inside the body does not end the body."""
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Tổng số"
    table.cell(0, 1).text = "3.940"
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.font.name = "Times New Roman"
            run._element.rPr.get_or_add_rFonts().set(qn("w:hAnsi"), "Times New Roman")
    para(d, "2. Đối với")._p.addprevious(table._tbl)


# --- writing ---------------------------------------------------------------------------------


def _bases(work: Path) -> dict[str, Path]:
    draft = build(ROOT / "data" / "2023-06-23", work / "out")
    issued = issue(draft.version.path, 5, date(2023, 7, 4))
    return {"draft": draft.output, "issued": issued.output}


def _libreoffice_copy(source: Path, work: Path) -> Path:
    folder = work / "lo"
    folder.mkdir(parents=True)
    profile = (work / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx",
         "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return folder / source.name


def main() -> None:
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    expected = {}
    with tempfile.TemporaryDirectory(prefix="vanban-corpus-") as work:
        bases = _bases(Path(work))
        for number, (name, base, edit, fails, unclear) in enumerate(CASES, start=1):
            document = docx.Document(str(bases[base]))
            edit(document)
            file = f"{number:02d}-{name}.docx"
            (TARGET / file).write_bytes(deterministic_bytes(document))
            expected[file] = {"khong_dat": sorted(fails), "chua_ro": sorted(unclear)}
        saved = _libreoffice_copy(TARGET / "01-le-trai-25mm.docx", Path(work))
        file = f"{len(CASES) + 1:02d}-luu-bang-libreoffice-le-trai-25mm.docx"
        shutil.copyfile(saved, TARGET / file)
        expected[file] = {"khong_dat": ["kho-giay-le"], "chua_ro": []}
        correct = next(f for f in expected if f.endswith("du-thao-dung.docx"))
        saved = _libreoffice_copy(TARGET / correct, Path(work) / "second")
        file = f"{len(CASES) + 2:02d}-luu-bang-libreoffice-dung.docx"
        shutil.copyfile(saved, TARGET / file)
        expected[file] = {"khong_dat": [], "chua_ro": []}
    (TARGET / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(expected)} tệp trong {TARGET}")


if __name__ == "__main__":
    main()
