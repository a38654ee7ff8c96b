"""Check a .docx against the layout rules of Nghị định 30/2020 (``vanban check``).

Each rule looks at the document as Word lays it out (sections, paragraphs,
runs and their effective font, size, bold and italic) and reports where it
failed. The rules are those of ``shared/reference/nd30-format.md``; a document
typed by hand is checked the same way as one this tool made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..common.errors import UnreadableDocument

FONT = "Times New Roman"
NATION = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOC_TYPES = ("THÔNG BÁO", "KẾ HOẠCH", "BÁO CÁO", "QUYẾT ĐỊNH", "HƯỚNG DẪN", "TỜ TRÌNH",
             "GIẤY MỜI", "CHỈ THỊ", "CÔNG VĂN")  # fmt: skip
PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
WRONG_PREFIX = re.compile(r"^(T/M|K/T|T/L|T/UQ|Q/)\b", re.IGNORECASE)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
MARGINS_MM = {"trên": (20, 25), "dưới": (20, 25), "trái": (30, 35), "phải": (15, 20)}
INDENT_CM = (0.95, 1.3)


@dataclass
class Result:
    rule: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def check_document(path: Path) -> list[Result]:
    """Every rule's result for the .docx at ``path``."""
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several kinds for a damaged file
        detail = f"tệp không phải .docx hoặc đã hỏng ({type(error).__name__})."
        raise UnreadableDocument(path=path, detail=detail) from error
    view = _View(document)
    return [Result(name, list(rule(view))) for name, rule in RULES]


class _View:
    """The document with the lookups every rule needs."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.paragraphs = document.paragraphs
        self.styles = document.styles
        defaults = document.styles.element.find(qn("w:docDefaults"))
        self.default_rpr = (
            None if defaults is None else defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        )
        self.header_table = document.tables[0] if document.tables else None
        self.signature = _signature_table(document)

    def effective(self, run, paragraph: Paragraph, prop: str):
        """A run's font name, size, bold or italic as Word resolves it."""
        value = getattr(run.font, prop)
        style = paragraph.style
        while value is None and style is not None:
            value = getattr(style.font, prop)
            style = style.base_style
        if value is None and prop in ("name", "size"):
            value = self._default(prop)
        return value

    def _default(self, prop: str):
        if self.default_rpr is None:
            return None
        if prop == "size":
            size = self.default_rpr.find(qn("w:sz"))
            return None if size is None else Pt(int(size.get(qn("w:val"))) / 2)
        fonts = self.default_rpr.find(qn("w:rFonts"))
        return None if fonts is None else fonts.get(qn("w:ascii"))


def _signature_table(document: Document) -> Table | None:
    for table in document.tables:
        for cell in table.rows[0].cells if table.rows else []:
            if any(p.text.strip() == "Nơi nhận:" for p in cell.paragraphs):
                return table
    return None


def _all_paragraphs(view: _View) -> Iterator[tuple[str, Paragraph]]:
    for index, paragraph in enumerate(view.paragraphs, start=1):
        yield f"đoạn {index}", paragraph
    for t_index, table in enumerate(view.document.tables, start=1):
        for r_index, row in enumerate(table.rows, start=1):
            for c_index, cell in enumerate(row.cells, start=1):
                for paragraph in cell.paragraphs:
                    yield f"bảng {t_index}, hàng {r_index}, ô {c_index}", paragraph
    for s_index, section in enumerate(view.document.sections, start=1):
        for name, part in (
            ("đầu trang", section.header),
            ("đầu trang đầu", section.first_page_header),
        ):
            if not part.is_linked_to_previous:
                for paragraph in part.paragraphs:
                    yield f"{name} phần {s_index}", paragraph


def _quote(paragraph: Paragraph) -> str:
    text = paragraph.text.strip()
    return f"«{text[:50]}{'…' if len(text) > 50 else ''}»"


def _styled_runs(paragraph: Paragraph):
    return [run for run in paragraph.runs if run.text.strip()]


def _pt(length: Length | None) -> str:
    return "?" if length is None else f"{length.pt:g}"


def _check_style(
    view: _View,
    paragraph: Paragraph,
    where: str,
    sizes: tuple[float, float],
    *,
    bold: bool | None = None,
    italic: bool | None = None,
) -> Iterator[str]:
    for run in _styled_runs(paragraph):
        size = view.effective(run, paragraph, "size")
        if size is None or not sizes[0] <= size.pt <= sizes[1]:
            yield f"{where} {_quote(paragraph)}: cỡ chữ {_pt(size)} (cần {sizes[0]:g}–{sizes[1]:g})"
            return
        if bold is not None and bool(view.effective(run, paragraph, "bold")) != bold:
            yield f"{where} {_quote(paragraph)}: {'cần' if bold else 'không'} in đậm"
            return
        if italic is not None and bool(view.effective(run, paragraph, "italic")) != italic:
            yield f"{where} {_quote(paragraph)}: {'cần' if italic else 'không'} in nghiêng"
            return


# --- the rules -----------------------------------------------------------------------------


def rule_page(view: _View) -> Iterator[str]:
    for index, section in enumerate(view.document.sections, start=1):
        sides = sorted([section.page_width or 0, section.page_height or 0])
        if abs(sides[0] - Mm(210)) > Mm(1) or abs(sides[1] - Mm(297)) > Mm(1):
            yield f"phần {index}: khổ giấy {sides[0].mm:.0f}×{sides[1].mm:.0f} mm (cần A4 210×297)"
        margins = {
            "trên": section.top_margin,
            "dưới": section.bottom_margin,
            "trái": section.left_margin,
            "phải": section.right_margin,
        }
        for side, value in margins.items():
            low, high = MARGINS_MM[side]
            if value is None or not low - 0.5 <= value.mm <= high + 0.5:
                shown = "?" if value is None else f"{value.mm:.0f}"
                yield f"phần {index}: lề {side} {shown} mm (cần {low}–{high} mm)"


def rule_font(view: _View) -> Iterator[str]:
    for where, paragraph in _all_paragraphs(view):
        for run in _styled_runs(paragraph):
            fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
            theme = fonts is not None and any("heme" in key for key in fonts.attrib)
            name = view.effective(run, paragraph, "name")
            hansi = fonts.get(qn("w:hAnsi")) if fonts is not None else None
            if theme or name != FONT or (hansi is not None and hansi != FONT):
                shown = "phông theo chủ đề" if theme else f"phông {hansi or name}"
                yield f"{where} {_quote(paragraph)}: {shown} (cần {FONT})"
                break


def rule_header_block(view: _View) -> Iterator[str]:
    table = view.header_table
    if table is None or len(table.columns) < 2:
        yield "không thấy bảng tiêu đề (cơ quan bên trái, quốc hiệu bên phải) ở đầu văn bản"
        return
    left = [p for p in table.cell(0, 0).paragraphs if p.text.strip()]
    right = [p for p in table.cell(0, 1).paragraphs if p.text.strip()]
    if len(right) < 2 or right[0].text.strip() not in NATION or right[1].text.strip() != MOTTO:
        yield f"ô phải: cần «{NATION[0]}» rồi «{MOTTO}»"
    else:
        yield from _check_style(view, right[0], "quốc hiệu", (12, 13), bold=True)
        yield from _check_style(view, right[1], "tiêu ngữ", (13, 14), bold=True)
    if len(left) < 2:
        yield "ô trái: cần tên cơ quan chủ quản rồi tên cơ quan ban hành"
        return
    for paragraph, label, bold in (
        (left[0], "cơ quan chủ quản", False),
        (left[1], "cơ quan ban hành", True),
    ):
        if paragraph.text != paragraph.text.upper():
            yield f"{label} {_quote(paragraph)}: cần viết in hoa"
        yield from _check_style(view, paragraph, label, (12, 13), bold=bold)


def _find(view: _View, pattern: str) -> tuple[str, Paragraph] | None:
    regex = re.compile(pattern)
    return next(((w, p) for w, p in _all_paragraphs(view) if regex.match(p.text.strip())), None)


def rule_number(view: _View) -> Iterator[str]:
    found = _find(view, r"^Số\s*:")
    if found is None:
        yield "không thấy dòng «Số: …/…»"
        return
    where, paragraph = found
    match = re.fullmatch(r"Số\s*:\s*(\d*)\s*/\s*(\S+)", paragraph.text.strip())
    if match is None:
        yield f"{where} {_quote(paragraph)}: cần dạng «Số: 05/TB-SGDĐT» (số để trống khi dự thảo)"
        return
    number, symbol = match.groups()
    if symbol != symbol.upper():
        yield f"{where}: ký hiệu «{symbol}» phải viết in hoa"
    if number and int(number) < 10 and len(number) < 2:
        yield f"{where}: số {number} dưới 10 phải có số 0 đứng trước ({int(number):02d})"
    yield from _check_style(view, paragraph, where, (13, 13))


def rule_place_date(view: _View) -> Iterator[str]:
    found = _find(view, r"^[^,]+, ngày\b")
    if found is None:
        yield "không thấy dòng «<địa danh>, ngày … tháng … năm …»"
        return
    where, paragraph = found
    text = paragraph.text.strip()
    match = re.search(r"ngày\s*(\d*)\s*tháng\s*(\d*)\s*năm\s*(\d*)$", text)
    if match is None:
        yield f"{where} {_quote(paragraph)}: cần dạng «<địa danh>, ngày 04 tháng 7 năm 2023»"
        return
    day, month, year = match.groups()
    if day and (int(day) < 10) != day.startswith("0"):
        yield f"{where}: «ngày {day}»: ngày 1–9 viết 01–09, từ 10 trở đi không có số 0"
    if month and (int(month) <= 2) != month.startswith("0"):
        yield f"{where}: «tháng {month}»: tháng 1, 2 viết 01, 02; các tháng khác không có số 0"
    if not re.fullmatch(r"\d{4}", year or ""):
        yield f"{where}: năm phải đủ 4 chữ số"
    yield from _check_style(view, paragraph, where, (13, 14), italic=True)


def _title_index(view: _View) -> int | None:
    for index, paragraph in enumerate(view.paragraphs):
        if paragraph.text.strip() in DOC_TYPES:
            return index
    return None


def rule_title(view: _View) -> Iterator[str]:
    index = _title_index(view)
    if index is None:
        yield f"không thấy tên loại văn bản in hoa ({', '.join(DOC_TYPES[:3])}, …) ở đoạn riêng"
        return
    title = view.paragraphs[index]
    following = [p for p in view.paragraphs[index + 1 :] if p.text.strip()]
    yield from _title_paragraph(view, title, f"đoạn {index + 1}")
    if not following:
        yield "không thấy trích yếu dưới tên loại"
        return
    subject = following[0]
    if subject.text.strip().lower().startswith("v/v"):
        yield f"trích yếu {_quote(subject)}: không viết «V/v»"
    yield from _title_paragraph(view, subject, "trích yếu")


def _title_paragraph(view: _View, paragraph: Paragraph, where: str) -> Iterator[str]:
    if paragraph.alignment != WD_ALIGN_PARAGRAPH.CENTER:
        yield f"{where} {_quote(paragraph)}: cần căn giữa"
    yield from _check_style(view, paragraph, where, (13, 14), bold=True)


def _body(view: _View) -> list[tuple[int, Paragraph]]:
    """The paragraphs after the trích yếu up to the signature table."""
    start = _title_index(view)
    if start is None:
        return []
    position = {id(p._p): i for i, p in enumerate(view.paragraphs)}
    body, skipped_subject = [], False
    element = view.paragraphs[start]._p.getnext()
    while element is not None and element.tag != qn("w:tbl"):
        if element.tag == qn("w:p") and id(element) in position:
            paragraph = view.paragraphs[position[id(element)]]
            if paragraph.text.strip() and skipped_subject:
                body.append((position[id(element)], paragraph))
            skipped_subject = skipped_subject or bool(paragraph.text.strip())
        element = element.getnext()
    return body


def rule_body(view: _View) -> Iterator[str]:
    body = _body(view)
    if not body:
        yield "không thấy thân văn bản sau trích yếu"
        return
    for index, paragraph in body:
        where = f"đoạn {index + 1}"
        if paragraph.alignment != WD_ALIGN_PARAGRAPH.JUSTIFY:
            yield f"{where} {_quote(paragraph)}: cần căn đều hai bên"
        indent = paragraph.paragraph_format.first_line_indent
        if indent is None or not INDENT_CM[0] <= indent.cm <= INDENT_CM[1]:
            shown = "không có" if indent is None else f"{indent.cm:.2f} cm"
            yield f"{where} {_quote(paragraph)}: lùi đầu dòng {shown} (cần 1 cm hoặc 1,27 cm)"
        yield from _check_style(view, paragraph, where, (13, 14))
    if not body[-1][1].text.rstrip().endswith("./."):
        yield f"đoạn {body[-1][0] + 1}: thân văn bản phải kết thúc bằng «./.»"


def rule_recipients(view: _View) -> Iterator[str]:
    table = view.signature
    if table is None:
        yield "không thấy «Nơi nhận:» trong bảng chữ ký"
        return
    cell = next(
        c for c in table.rows[0].cells if any(p.text.strip() == "Nơi nhận:" for p in c.paragraphs)
    )
    lines = [p for p in cell.paragraphs if p.text.strip()]
    yield from _check_style(view, lines[0], "«Nơi nhận:»", (12, 12), bold=True, italic=True)
    items = lines[1:]
    if not items:
        yield "«Nơi nhận:» chưa có nơi nhận nào"
        return
    for paragraph in items[:-1]:
        text = paragraph.text.strip()
        if not (text.startswith("- ") and text.endswith(";")):
            yield f"nơi nhận {_quote(paragraph)}: cần dạng «- …;»"
    last = items[-1].text.strip()
    if not (last.startswith("- Lưu:") and last.endswith(".")):
        yield f"nơi nhận cuối {_quote(items[-1])}: cần dạng «- Lưu: VT, …»."
    for paragraph in items:
        yield from _check_style(view, paragraph, "nơi nhận", (11, 11))


def rule_authority(view: _View) -> Iterator[str]:
    table = view.signature
    if table is None:
        yield "không thấy bảng chữ ký"
        return
    cells = table.rows[0].cells
    signer = cells[-1]
    lines = [p for p in signer.paragraphs if p.text.strip()]
    if not lines:
        yield "ô chữ ký trống"
        return
    first = lines[0].text.strip()
    if WRONG_PREFIX.match(first):
        prefix = WRONG_PREFIX.match(first).group(1)
        yield f"«{first}»: viết tắt «{prefix}» sai thể thức (dùng {', '.join(PREFIXES)})"
    elif "." in first.split()[0] and not first.startswith(PREFIXES):
        yield f"«{first}»: chữ viết tắt quyền hạn phải là một trong {', '.join(PREFIXES)}"
    for paragraph in lines[:-1]:
        if paragraph.text != paragraph.text.upper():
            yield f"quyền hạn {_quote(paragraph)}: cần viết in hoa"
        yield from _check_style(view, paragraph, "quyền hạn", (13, 14), bold=True)
    yield from _check_style(view, lines[-1], "họ tên người ký", (13, 14), bold=True)


def _appendix_headings(view: _View) -> list[tuple[int, Paragraph]]:
    return [
        (i, p)
        for i, p in enumerate(view.paragraphs)
        if re.fullmatch(r"(?i)phụ lục\s+\S+", p.text.strip())
    ]


def rule_appendices(view: _View) -> Iterator[str]:
    headings = _appendix_headings(view)
    for position, (index, paragraph) in enumerate(headings):
        label = paragraph.text.strip().split()[-1]
        if len(headings) > 1 and label != ROMAN[position]:
            expected = f"Phụ lục {ROMAN[position]}"
            yield f"đoạn {index + 1} {_quote(paragraph)}: cần «{expected}» (số La Mã)"
        near = [p for p in view.paragraphs[index + 1 : index + 5] if p.text.strip()]
        attached = [p for p in near if p.text.strip().startswith("(Kèm theo")]
        if not attached:
            yield f"đoạn {index + 1} {_quote(paragraph)}: thiếu dòng «(Kèm theo … số …)»"
        elif not all(view.effective(r, attached[0], "italic") for r in _styled_runs(attached[0])):
            yield f"{_quote(attached[0])}: dòng «Kèm theo» cần in nghiêng"


def rule_repeat_headers(view: _View) -> Iterator[str]:
    headings = _appendix_headings(view)
    if not headings:
        return
    first_heading = headings[0][1]._p
    body = view.document.element.body
    start = list(body).index(first_heading)
    for position, element in enumerate(list(body)[start:], start=1):
        if element.tag != qn("w:tbl"):
            continue
        first_row = element.find(qn("w:tr"))
        props = None if first_row is None else first_row.find(qn("w:trPr"))
        if props is None or props.find(qn("w:tblHeader")) is None:
            yield f"bảng thứ {position} sau «Phụ lục»: hàng tiêu đề chưa đặt lặp lại ở mỗi trang"


def rule_page_numbers(view: _View) -> Iterator[str]:
    section = view.document.sections[0]
    if not section.different_first_page_header_footer:
        yield "phần 1: chưa đặt «trang đầu khác» nên số trang hiện ở trang 1"
        return
    if "PAGE" in section.first_page_header._element.xml:
        yield "phần 1: đầu trang của trang 1 có số trang (trang 1 không đánh số)"
    if "PAGE" not in section.header._element.xml:
        yield "phần 1: đầu trang chưa có số trang (từ trang 2)"


RULES: tuple[tuple[str, Callable[[_View], Iterator[str]]], ...] = (
    ("Khổ A4 và lề mọi phần", rule_page),
    ("Phông Times New Roman ở mọi đoạn chữ", rule_font),
    ("Cơ quan, quốc hiệu, tiêu ngữ", rule_header_block),
    ("Số và ký hiệu", rule_number),
    ("Địa danh và ngày tháng", rule_place_date),
    ("Tên loại và trích yếu", rule_title),
    ("Thân văn bản (căn đều, lùi đầu dòng, cỡ chữ, «./.»)", rule_body),
    ("Nơi nhận", rule_recipients),
    ("Quyền hạn và người ký", rule_authority),
    ("Phụ lục số La Mã, dòng «Kèm theo»", rule_appendices),
    ("Hàng tiêu đề bảng phụ lục lặp lại", rule_repeat_headers),
    ("Số trang (không ở trang 1)", rule_page_numbers),
)
