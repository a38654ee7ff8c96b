"""Templates of the kinds beyond the notice: the công văn đôn đốc (NĐ30 Mẫu 1.5) and the
báo cáo tổng hợp of ``vanban collect`` (Mẫu 1.4), built from the notice's pieces.

Like the notice's, the .docx files in ``templates/<kind>/`` are what clerks open
and edit in Word; ``python -m generator.documents.template_maker templates``
regenerates every template, and a test checks they have not drifted.
"""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_SECTION

from . import docx_xml as x
from . import template_maker as t

REMINDER_NUMBER = "Số: {{ van_ban.so | so_hieu }}/{{ van_ban.ky_hieu }}"
REMINDER_BODY = (
    "Thực hiện Thông báo số {{ thong_bao.so | so_hieu }}/{{ thong_bao.ky_hieu }}"
    " {{ thong_bao.ngay | ngay }} của {{ co_quan.ten }} về việc rà soát dữ liệu trên cơ sở dữ"
    " liệu ngành, đến {{ so_lieu.thoi_diem | luc }} toàn ngành còn"
    " {{ toan_nganh.hs.chua | so }} học sinh, học viên ({{ toan_nganh.hs.ti_le | ti_le }} %) và"
    " {{ toan_nganh.ns.chua | so }} cán bộ, giáo viên, nhân viên"
    " ({{ toan_nganh.ns.ti_le | ti_le }} %) chưa đồng bộ thông tin với Cơ sở dữ liệu quốc gia về"
    " dân cư.",
    "Trong đó, {{ can_don_doc | length | so }} đơn vị có tỉ lệ chưa đồng bộ từ"
    " {{ don_doc.nguong_ti_le | ti_le }} % trở lên hoặc chưa nộp báo cáo theo mẫu (__danh sách"
    " và số liệu tại Phụ lục kèm theo__).",
    "{{ co_quan.ten }} đề nghị thủ trưởng các đơn vị có tên trong Phụ lục khẩn trương rà soát"
    " từng trường hợp, cập nhật thông tin trên cơ sở dữ liệu ngành và báo cáo theo mẫu qua hệ"
    " thống {{ so_lieu.he_thong_nop }} **trước {{ don_doc.han | luc }}**.",
    "Đề nghị các đơn vị nghiêm túc thực hiện./.",
)
REPORT_SUBJECT = "Tổng hợp các trường hợp không đồng bộ với Cơ sở dữ liệu quốc gia về dân cư"
REPORT_BODY = (
    "Thực hiện Thông báo số {{ thong_bao.so | so_hieu }}/{{ thong_bao.ky_hieu }}"
    " {{ thong_bao.ngay | ngay }} của {{ co_quan.ten }} về việc rà soát dữ liệu trên cơ sở dữ"
    " liệu ngành, đến hạn {{ so_lieu.han_bao_cao | luc }} đã nhận {{ thu_ve.da_nhan | so }}"
    " báo cáo; {{ thu_ve.day_du_hop_le | so }} đơn vị đã báo cáo đầy đủ, hợp lệ về"
    " {{ thu_ve.so_truong_hop | so }} trường hợp không đồng bộ với Cơ sở dữ liệu quốc gia về"
    " dân cư.",
    "Lý do chưa đồng bộ: {% for r in thu_ve.theo_ly_do %}{{ r.ly_do }}: {{ r.so_nguoi | so }}"
    "{% if not loop.last %}; {% endif %}{% else %}chưa có{% endfor %}"
    " (__chi tiết theo đơn vị và cấp học tại Phụ lục kèm theo__).",
    "Còn {{ thu_ve.chua_nop | length | so }} đơn vị chưa nộp báo cáo và"
    " {{ thu_ve.co_loi | length | so }} đơn vị có báo cáo cần sửa lại (danh sách trong tệp"
    " Excel tổng hợp kèm theo)./.",
)


def make_reminder_template() -> Document:
    """The công văn đôn đốc: no tên loại, «V/v …» under the number, «Kính gửi:»."""
    document = _start()
    t.header_block(
        document, ("{{ co_quan.chu_quan }}", "{{ co_quan.ban_hanh }}"), REMINDER_NUMBER, t.DATE_LINE
    )
    subject = document.tables[-1].cell(1, 0)
    t.paragraph(subject, "V/v {{ van_ban.trich_yeu }}", 12)
    t.paragraph(document, "", before=6)
    t.paragraph(document, "{%p if kinh_gui.danh_sach | length == 1 %}")
    t.paragraph(document, "Kính gửi: {{ kinh_gui.danh_sach[0] }}.")
    t.paragraph(document, "{%p else %}")
    t.paragraph(document, "Kính gửi:")
    t.paragraph(document, "{%p for noi in kinh_gui.danh_sach %}")
    t.paragraph(document, "- {{ noi }}{% if loop.last %}.{% else %};{% endif %}")
    t.paragraph(document, "{%p endfor %}")
    t.paragraph(document, "{%p endif %}", after=6)
    for text in REMINDER_BODY:
        t.body_paragraph(document, text)
    t._signature_block(document)
    _appendix_start(
        document, "DANH SÁCH ĐƠN VỊ CẦN KHẨN TRƯƠNG HOÀN THÀNH RÀ SOÁT DỮ LIỆU", "Công văn"
    )
    _reminder_table(document)
    _finish(document, "Mẫu Công văn đôn đốc rà soát dữ liệu")
    return document


def make_report_template() -> Document:
    """The báo cáo tổng hợp of the collected forms (counts only, no personal data)."""
    document = _start()
    t.header_block(
        document, ("{{ co_quan.chu_quan }}", "{{ co_quan.ban_hanh }}"), t.NUMBER_LINE, t.DATE_LINE
    )
    t.title_block(document, "BÁO CÁO", REPORT_SUBJECT)
    for text in REPORT_BODY:
        t.body_paragraph(document, text)
    t._signature_block(document)
    _appendix_start(
        document, "SỐ TRƯỜNG HỢP KHÔNG ĐỒNG BỘ THEO ĐƠN VỊ, CẤP HỌC VÀ LÝ DO", "Báo cáo"
    )
    _report_table(document)
    _finish(document, "Mẫu Báo cáo tổng hợp các mẫu báo cáo đã thu về")
    return document


def _start() -> Document:
    document = Document()
    t.set_defaults(document)
    t.page_setup(document.sections[0], landscape=False)
    t._page_number_headers(document.sections[0])
    return document


def _appendix_start(document: Document, title: str, cited: str) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    t.page_setup(section, landscape=True)
    x.restart_page_numbers(section._sectPr)
    t.paragraph(document, "Phụ lục", bold=True)
    t.paragraph(document, title, bold=True)
    t.paragraph(document, t.ATTACHED_LINE.replace("Thông báo", cited), italic=True)
    x.add_rule(document, 4.0, t.LANDSCAPE_WIDTH_CM, space_after=6)
    t.paragraph(
        document,
        "(Số liệu tính đến thời điểm {{ so_lieu.thoi_diem | luc }})",
        13,
        italic=True,
        after=6,
    )


def _table(document: Document, headers: list[str], widths: list[float], size: float):
    table = document.add_table(rows=4, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = 1
    x.fixed_layout(table, widths, cell_margin_cm=0.08)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        x.cell_text(cell, text, size, bold=True)
    x.row_flags(table.rows[0], header=True)
    x.row_flags(table.rows[2])
    return table


def _fill(table, loop: str, cells: list[str], size: float) -> None:
    x.cell_text(table.rows[1].cells[0], f"{{%tr for r in {loop} %}}", size)
    x.cell_text(table.rows[3].cells[0], "{%tr endfor %}", size)
    for index, (cell, text) in enumerate(zip(table.rows[2].cells, cells, strict=True)):
        x.cell_text(cell, text, size, align=t.LEFT if index in (1, 2) else t.CENTER)


def _reminder_table(document: Document) -> None:
    headers = ["STT", "Đơn vị", "Đơn vị quản lý", "Số HS", "HS chưa đồng bộ", "Tỉ lệ (%)"]
    headers += ["Số NS", "NS chưa đồng bộ", "Tỉ lệ (%)", "Lý do đôn đốc"]
    widths = [1.1, 5.2, 3.6, 1.8, 1.9, 1.6, 1.8, 1.9, 1.6, 4.7]
    table = _table(document, headers, widths, 11)
    figures = [
        f"{{{{ r.{who}.{what} | {fmt} }}}}"
        for who in ("hs", "ns")
        for what, fmt in (("tong", "so"), ("chua", "so"), ("ti_le", "ti_le"))
    ]
    cells = ["{{ r.stt }}", "{{ r.ten }}", "{{ r.don_vi_quan_ly }}", *figures, "{{ r.ly_do }}"]
    _fill(table, "can_don_doc", cells, 11)
    t.paragraph(document, "", 2)


def _report_table(document: Document) -> None:
    headers = ["STT", "Đơn vị", "Đơn vị quản lý", "Cấp học", "Lý do", "Số người"]
    widths = [1.2, 6.4, 5.0, 2.2, 7.2, 3.2]
    table = _table(document, headers, widths, 11)
    cells = ["{{ loop.index }}", "{{ r.don_vi }}", "{{ r.don_vi_quan_ly }}", "{{ r.cap_hoc }}"]
    cells += ["{{ r.ly_do }}", "{{ r.so_nguoi | so }}"]
    _fill(table, "thu_ve.chi_tiet", cells, 11)
    total = table.add_row()
    x.row_flags(total)
    label = total.cells[0].merge(total.cells[4])
    x.cell_text(label, "Tổng số", 11, bold=True)
    x.cell_text(total.cells[5], "{{ thu_ve.so_truong_hop | so }}", 11, bold=True)
    t.paragraph(document, "", 2)


def _finish(document: Document, title: str) -> None:
    t._properties(document)
    document.core_properties.title = title
