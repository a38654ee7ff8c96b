"""Produce the shipped template ``templates/mau-thong-bao.docx`` (NĐ30 layout, docxtpl tags).

The .docx in ``templates/`` is what clerks open and edit in Word; this module is
how it was made, and a test checks that the two have not drifted apart.
Regenerate both templates (the notice and the unit report form) with::

    python -m generator.template_maker templates
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from . import docx_xml as x

BODY_PT = 14
TEXT_WIDTH_CM = 16.5  # A4 portrait less the 30 mm and 15 mm side margins
LANDSCAPE_WIDTH_CM = 25.2
SUBJECT_RULE_CM = 6.0  # NĐ30: 1/3–1/2 of the trích yếu's line (36 % of a full line)
CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def _cited(lead: str, *levels: str) -> str:
    """«Từ số liệu tại Phụ lục I, Phụ lục II và Phụ lục III»: the appendices showing ``levels``.

    The body names appendices by the levels they show, never by their code or
    position, so removing or reordering appendices in phu-luc.toml keeps it right.
    With no such appendix it reads «… các phụ lục kèm theo».
    """
    wanted = " or ".join(f"'{level}' in p.cap" for level in levels)
    return (
        f"{{% for p in phu_luc if {wanted} %}}{{% if loop.first %}}{lead} "
        "{% elif loop.last %} và {% else %}, {% endif %}Phụ lục {{ p.so }}"
        f"{{% else %}}{lead} các phụ lục kèm theo{{% endfor %}}"
    )


BODY = (
    "Thời gian qua, với sự chỉ đạo quyết liệt của Ban Chỉ đạo chuyển đổi số ngành GDĐT, cùng với"
    " sự hỗ trợ của Công an thành phố và sự vào cuộc của các đơn vị giáo dục trên toàn thành phố,"
    " dữ liệu trên Cơ sở dữ liệu ngành (CSDL ngành) đã có những chuyển biến tích cực; việc khai"
    " thác dữ liệu từ CSDL ngành để in phiếu điểm, in học bạ cho học sinh là minh chứng cho chất"
    " lượng dữ liệu trên CSDL ngành. Tuy nhiên, đến thời điểm {{ so_lieu.thoi_diem | luc }} vẫn"
    " còn {{ toan_nganh.hs.chua | so }} học sinh, học viên và"
    " {{ toan_nganh.ns.chua | so }} cán bộ, giáo viên, nhân viên chưa đồng bộ thông tin"
    " trên CSDL ngành với Cơ sở dữ liệu quốc gia về dân cư (__chi tiết tại các Phụ lục"
    " {{ ds_phu_luc }} kèm theo__). Trên cơ sở các văn bản chỉ đạo của Sở GDĐT về công tác chuyển"
    " đổi số và các hướng dẫn chi tiết đã gửi các đơn vị về việc nhập liệu thông tin lên CSDL"
    " ngành, Trưởng Ban Chỉ đạo chuyển đổi số ngành GDĐT thành phố {{ co_quan.dia_danh }} yêu cầu"
    " thủ trưởng các đơn vị thực hiện nghiêm các nội dung sau:",
    "**1. Đối với các trường THPT, Trung tâm GDTX {{ co_quan.dia_danh }}, các Trung tâm"
    " GDNN-GDTX quận, huyện**",
    _cited("Từ số liệu tại", "THPT", "GDTX")
    + ": các đơn vị rà soát thông tin từng trường hợp học sinh, học viên, cán bộ,"
    " giáo viên, nhân viên; tìm hiểu lý do chưa đồng bộ thông tin với Cơ sở dữ liệu quốc gia về"
    " dân cư, chỉ rõ nguyên nhân, biện pháp khắc phục và thời gian dự kiến hoàn thành. Báo cáo"
    " theo mẫu về Sở GDĐT **những trường hợp không đồng bộ với CSDLQG** trước"
    " {{ so_lieu.han_bao_cao | luc }}.",
    "**2. Đối với các Phòng GDĐT quận, huyện**",
    _cited("Trên cơ sở số liệu tại", "MN", "TH", "THCS") + ": chỉ đạo"
    " các đơn vị trong phạm vi quản lý tiếp tục rà soát thông tin từng trường hợp học sinh, cán"
    " bộ, giáo viên, nhân viên chưa đồng bộ thông tin với Cơ sở dữ liệu quốc gia về dân cư, chỉ rõ"
    " nguyên nhân, biện pháp khắc phục; tổng hợp và báo cáo về Sở GDĐT **những trường hợp không"
    " đồng bộ với CSDLQG** trước {{ so_lieu.han_bao_cao | luc }}.",
    "__Lưu ý:__ Các đơn vị nộp báo cáo qua hệ thống {{ so_lieu.he_thong_nop }}; mẫu báo cáo được"
    " gửi kèm theo Thông báo này.",
    "Trưởng Ban Chỉ đạo chuyển đổi số ngành GDĐT thành phố {{ co_quan.dia_danh }} yêu cầu thủ"
    " trưởng các đơn vị giáo dục trên địa bàn thành phố nghiêm túc thực hiện./.",
)
NUMBER_LINE = "Số: {{ van_ban.so | so_hieu }}/{{ van_ban.ky_hieu }}"
DATE_LINE = "{{ co_quan.dia_danh }}, {{ van_ban.ngay | ngay(van_ban.nam) }}"
ATTACHED_LINE = (
    "(Kèm theo Thông báo số {{ van_ban.so | so_hieu }}/{{ van_ban.ky_hieu }}"
    " {{ van_ban.ngay | ngay(van_ban.nam) }} của {{ co_quan.ten }})"
)
_MARKUP = re.compile(r"(\*\*.+?\*\*|__.+?__)")


def make_template() -> Document:
    """The notice template as a python-docx Document."""
    document = Document()
    set_defaults(document)
    page_setup(document.sections[0], landscape=False)
    _page_number_headers(document.sections[0])
    header_block(
        document, ("{{ co_quan.chu_quan }}", "{{ co_quan.ban_hanh }}"), NUMBER_LINE, DATE_LINE
    )
    title_block(document, "THÔNG BÁO", "{{ van_ban.trich_yeu }}")
    for text in BODY:
        body_paragraph(document, text)
    _signature_block(document)
    _appendix_sections(document)
    _properties(document)
    return document


def set_defaults(document: Document) -> None:
    _drop_legacy_parts(document)
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):  # defaults, headings …: no theme fonts
        fonts.attrib.clear()
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(slot), x.FONT)
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        run_defaults.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    run_defaults.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
    paragraph_defaults = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = paragraph_defaults.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    for name in ("Normal", "Header", "Footer", "Table Grid"):
        x.set_font(document.styles[name].element)


def _drop_legacy_parts(document: Document) -> None:
    """Parts of python-docx's default file this template does not use.

    stylesWithEffects and numbering name other fonts (theme fonts, Symbol) and
    the thumbnail shows some other document.
    """
    unused = ("/stylesWithEffects", "/numbering", "/metadata/thumbnail")
    for rels in (document.part.rels, document.part.package.rels):
        for key in [k for k, rel in rels.items() if rel.reltype.endswith(unused)]:
            del rels[key]


def page_setup(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long_side, short_side = Mm(297), Mm(210)
    section.page_width, section.page_height = (
        (long_side, short_side) if landscape else (short_side, long_side)
    )
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True


def _page_number_headers(section) -> None:
    """Page numbers from page 2 on; "DỰ THẢO" at the top of every page of a draft."""
    for header in (section.header, section.first_page_header):
        x.cell_text(header, "{%p if du_thao %}", 13, align=RIGHT)
        paragraph(header, "DỰ THẢO", 13, bold=True, align=RIGHT)
        paragraph(header, "{%p endif %}", 13, align=RIGHT)
        paragraph(header, "", 13)  # a header always keeps one paragraph
    page_number = section.header.paragraphs[-1]
    page_number.alignment = CENTER
    x.page_number_field(page_number, 13)


def paragraph(
    container,
    text: str,
    size: float = BODY_PT,
    *,
    bold=False,
    italic=False,
    align=CENTER,
    before: float = 0,
    after: float = 0,
):
    added = container.add_paragraph()
    added.alignment = align
    fmt = added.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if text:
        x.styled_run(added, text, size, bold=bold, italic=italic)
    return added


def header_block(
    document: Document, agencies: tuple[str, str], number_line: str, date_line: str
) -> None:
    """The NĐ30 heading: agencies and number left, nation, motto and place-date right."""
    left, right = 6.9, TEXT_WIDTH_CM - 6.9
    table = document.add_table(rows=2, cols=2)
    x.fixed_layout(table, [left, right], cell_margin_cm=0.05)
    agency, nation = table.cell(0, 0), table.cell(0, 1)
    x.cell_text(agency, agencies[0], 13)
    paragraph(agency, agencies[1], 13, bold=True)
    x.add_rule(agency, 2.6, left, space_after=6)
    x.cell_text(nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    paragraph(nation, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    x.add_rule(nation, 6.05, right, space_after=6)
    x.cell_text(table.cell(1, 0), number_line, 13)
    x.cell_text(table.cell(1, 1), date_line, 14, italic=True)


def title_block(document: Document, kind: str, subject: str) -> None:
    """The document type in capitals and its trích yếu, with a short rule under them."""
    paragraph(document, kind, bold=True, before=18)
    paragraph(document, subject, bold=True)
    x.add_rule(document, SUBJECT_RULE_CM, TEXT_WIDTH_CM, space_after=12)


def body_paragraph(container, text: str) -> None:
    paragraph = container.add_paragraph()
    paragraph.alignment = JUSTIFY
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = 1.0
    for part in _MARKUP.split(text):
        if part:
            bold, italic = part.startswith("**"), part.startswith("__")
            plain = part[2:-2] if bold or italic else part
            x.styled_run(paragraph, plain, BODY_PT, bold=bold, italic=italic)


def _signature_block(document: Document) -> None:
    """Nơi nhận and the signer in one row that never splits; the last body paragraph keeps
    with it, so the signature page always shows the end of the body (office rule)."""
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    left, right = 7.0, TEXT_WIDTH_CM - 7.0
    table = document.add_table(rows=1, cols=2)
    x.fixed_layout(table, [left, right], cell_margin_cm=0.05)
    x.row_flags(table.rows[0])  # the signature block never splits across pages
    recipients, signer = table.cell(0, 0), table.cell(0, 1)
    x.cell_text(recipients, "Nơi nhận:", 12, bold=True, italic=True, align=LEFT)
    paragraph(recipients, "{%p for noi in noi_nhan.danh_sach %}", 11, align=LEFT)
    paragraph(recipients, "- {{ noi }};", 11, align=LEFT)
    paragraph(recipients, "{%p endfor %}", 11, align=LEFT)
    paragraph(recipients, "- Lưu: {{ noi_nhan.luu }}.", 11, align=LEFT)
    x.cell_text(signer, "{%p for dong in ky.quyen_han %}", BODY_PT)
    paragraph(signer, "{{ dong }}", bold=True)
    paragraph(signer, "{%p endfor %}")
    paragraph(signer, "", before=72)
    paragraph(signer, "{{ ky.nguoi_ky }}", bold=True)


def _appendix_sections(document: Document) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    page_setup(section, landscape=True)
    x.restart_page_numbers(section._sectPr)
    paragraph(document, "{%p for pl in phu_luc %}")
    paragraph(document, "Phụ lục {{ pl.so }}", bold=True)
    paragraph(document, "{{ pl.tieu_de }}", bold=True)
    paragraph(document, ATTACHED_LINE, italic=True)
    x.add_rule(document, 4.0, LANDSCAPE_WIDTH_CM, space_after=6)
    paragraph(
        document,
        "(Số liệu tính đến thời điểm {{ so_lieu.thoi_diem | luc }})",
        13,
        italic=True,
        after=6,
    )
    paragraph(document, '{%p if pl.bo_cuc == "gop" %}')
    _combined_table(document)
    paragraph(document, "{%p else %}")
    _by_level_table(document)
    paragraph(document, "{%p endif %}")
    paragraph(document, "{%p if not loop.last %}")
    section._sectPr.addprevious(x.section_break_paragraph(section._sectPr))
    paragraph(document, "{%p else %}")
    paragraph(document, "", 2)
    paragraph(document, "{%p endif %}")
    paragraph(document, "{%p endfor %}")


def _group_headers(table, size: float, span: int) -> None:
    first, second = table.rows[0], table.rows[1]
    for column, text in ((0, "STT"), (1, "{{ pl.cot_ten }}")):
        merged = first.cells[column].merge(second.cells[column])
        x.cell_text(merged, text, size, bold=True)
    learners = first.cells[2].merge(first.cells[1 + span])
    x.cell_text(learners, "{{ pl.nhom_hs }}", size, bold=True)
    staff = first.cells[2 + span].merge(first.cells[1 + 2 * span])
    x.cell_text(staff, "CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN", size, bold=True)
    for row in (first, second):
        x.row_flags(row, header=True)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _body_rows(table, size: float, cells: list[str], total: list[str]) -> None:
    loop_open, data, loop_close, total_row = table.rows[2:6]
    x.cell_text(loop_open.cells[0], "{%tr for r in pl.hang %}", size)
    x.cell_text(loop_close.cells[0], "{%tr endfor %}", size)
    for cell, text in zip(data.cells, cells, strict=True):
        x.cell_text(cell, text, size, align=_alignment(text))
    label = total_row.cells[0].merge(total_row.cells[1])
    x.cell_text(label, "Tổng số", size, bold=True)
    for cell, text in zip(total_row.cells[2:], total, strict=True):
        x.cell_text(cell, text, size, bold=True, align=_alignment(text))
    for row in (data, total_row):
        x.row_flags(row)


def _alignment(text: str) -> WD_ALIGN_PARAGRAPH:
    """Figures right-aligned (units under units), names left, row numbers centred."""
    if "| so" in text or "| ti_le" in text:
        return RIGHT
    return LEFT if "r.ten" in text else CENTER


def _combined_table(document: Document) -> None:
    size = 12
    table = document.add_table(rows=6, cols=8)
    table.style = document.styles["Table Grid"]
    table.alignment = 1
    x.fixed_layout(table, [1.2, 8.8] + [2.8, 2.8, 2.0] * 2, cell_margin_cm=0.1)
    _group_headers(table, size, span=3)
    for cell, text in zip(
        table.rows[1].cells[2:], ["Tổng số", "Chưa đồng bộ", "Tỉ lệ (%)"] * 2, strict=True
    ):
        x.cell_text(cell, text, size, bold=True)

    def figures(row: str) -> list[str]:
        return [
            f"{{{{ {row}.{who}.{what} | {fmt} }}}}"
            for who in ("hs", "ns")
            for what, fmt in (("tong", "so"), ("chua", "so"), ("ti_le", "ti_le"))
        ]

    _body_rows(table, size, ["{{ r.stt }}", "{{ r.ten }}", *figures("r")], figures("pl.tong"))


def _by_level_table(document: Document) -> None:
    """A pair of columns (total, unsynchronised) per level of the appendix, for 1 to 5 levels.

    The pairs come from ``{%tc for %}`` column loops; the group headers span them with
    ``{% colspan %}``; render.py then fits the columns to the page width.
    """
    size, tag = 10, 0.4
    per_person_kind = [tag, 1.6, 1.3, tag, 1.9]  # header cells wrap to 3 lines at most
    table = document.add_table(rows=6, cols=2 + 2 * len(per_person_kind))
    table.style = document.styles["Table Grid"]
    table.alignment = 1
    x.fixed_layout(table, [0.9, 3.0] + per_person_kind * 2, cell_margin_cm=0.08)
    first, second = table.rows[0], table.rows[1]
    for column, text in ((0, "STT"), (1, "{{ pl.cot_ten }}")):
        x.cell_text(first.cells[column].merge(second.cells[column]), text, size, bold=True)
    span = "{% colspan pl.cap | length * 2 + 1 %}"
    for start, text in ((2, "{{ pl.nhom_hs }}"), (7, "CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN")):
        group = first.cells[start].merge(first.cells[start + 4])
        x.cell_text(group, span + text, size, bold=True)
    for start, short in ((2, "HS"), (7, "NS")):
        labels = ["{%tc for ten in pl.ten_cap %}", f"Số {short} {{{{ ten }}}}", "Chưa đồng bộ"]
        labels += ["{%tc endfor %}", f"Tổng số {short} chưa đồng bộ"]
        for offset, text in enumerate(labels):
            x.cell_text(second.cells[start + offset], text, size, bold=True)
    for row in (first, second):
        x.row_flags(row, header=True)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    def figures(row: str) -> list[str]:
        result = []
        for who in ("hs", "ns"):
            result += [f"{{%tc for c in {row}.{who}.cap %}}", "{{ c.tong | so }}"]
            result += ["{{ c.chua | so }}", "{%tc endfor %}", f"{{{{ {row}.{who}.chua | so }}}}"]
        return result

    _body_rows(table, size, ["{{ r.stt }}", "{{ r.ten }}", *figures("r")], figures("pl.tong"))


def _properties(document: Document) -> None:
    properties = document.core_properties
    properties.title = "Mẫu Thông báo rà soát dữ liệu CSDL ngành"
    properties.author = properties.last_modified_by = "vanban"
    properties.comments = "Mẫu docxtpl; sửa được bằng Word. Xem README của vanban."
    properties.language = "vi-VN"
    properties.created = properties.modified = datetime(2023, 1, 1)
    properties.revision = 1
    x.set_app_properties(document)


FORM_COLUMNS = (
    ("STT", "{{ p.stt }}", 1.1), ("Họ và tên", "{{ p.ten }}", 4.6),
    ("Ngày sinh", "{{ p.ngay_sinh }}", 2.3), ("Mã định danh", "{{ p.ma }}", 3.0),
    ("Cấp học", "{{ p.cap }}", 1.6), ("Đối tượng", "{{ p.loai }}", 1.7),
    ("Lý do chưa đồng bộ", "", 3.6), ("Biện pháp khắc phục", "", 4.3),
    ("Ngày dự kiến hoàn thành", "", 2.5),
)  # fmt: skip


def make_form_template() -> Document:
    """A unit's report form (.docx), filled by :class:`generator.fastdocx.CompiledTemplate`."""
    document = Document()
    set_defaults(document)
    page_setup(document.sections[0], landscape=True)
    header_block(
        document,
        ("{{ don_vi_quan_ly }}", "{{ don_vi }}"),
        "Số:       /BC",
        "{{ dia_danh }}, ngày     tháng     năm {{ nam }}",
    )
    title_block(
        document, "BÁO CÁO", "Các trường hợp không đồng bộ với Cơ sở dữ liệu quốc gia về dân cư"
    )
    paragraph(
        document,
        "(Số liệu tính đến {{ thoi_diem }}; gửi về Sở GDĐT qua hệ thống "
        "{{ he_thong }} trước {{ han }})",
        13,
        italic=True,
        after=6,
    )
    table = document.add_table(rows=4, cols=len(FORM_COLUMNS))
    table.style = document.styles["Table Grid"]
    x.fixed_layout(table, [width for _, _, width in FORM_COLUMNS], cell_margin_cm=0.08)
    x.cell_text(table.rows[1].cells[0], "{%tr for p in nguoi %}", 11)
    x.cell_text(table.rows[3].cells[0], "{%tr endfor %}", 11)
    for index, (label, value, _) in enumerate(FORM_COLUMNS):
        x.cell_text(table.rows[0].cells[index], label, 11, bold=True)
        x.cell_text(table.rows[2].cells[index], value, 11, align=LEFT if index == 1 else CENTER)
    x.row_flags(table.rows[0], header=True)
    x.row_flags(table.rows[2])
    paragraph(document, "Lý do chọn một trong: {{ ly_do }}.", 12, italic=True, align=LEFT, before=6)
    paragraph(document, "THỦ TRƯỞNG ĐƠN VỊ", bold=True, align=RIGHT, before=12)
    paragraph(document, "(Ký, ghi rõ họ tên, đóng dấu)", 13, italic=True, align=RIGHT)
    _properties(document)
    document.core_properties.title = "Mẫu báo cáo của đơn vị"
    return document


TEMPLATES = {"mau-thong-bao.docx": make_template, "mau-bao-cao.docx": make_form_template}


def main(argv: list[str] | None = None) -> None:
    folder = Path((argv or sys.argv[1:] or ["templates"])[0])
    for name, make in TEMPLATES.items():
        (folder / name).write_bytes(x.deterministic_bytes(make()))
        print(f"Đã ghi {folder / name}")


if __name__ == "__main__":
    main()
