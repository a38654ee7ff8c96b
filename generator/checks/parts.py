"""Where each part of an NĐ30 document is: header block, tên loại or «V/v», «Kính gửi»,
body, signature block, appendices; and the style checks every part uses.

The header block is the first table of the body holding the Quốc hiệu; number, place and
date are read from it only (a body that cites «Kế hoạch số 125/KH-UBND, ngày 05 tháng 6 năm
2023» is body text). The signature block is the last table of the main part (before the
first appendix) with «Nơi nhận:» or, failing that, the last table there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Block, Document, Para, cell_text, make_para, row_cells, run_text, table_rows

NATION = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
DOC_TYPES = (
    "NGHỊ QUYẾT", "QUYẾT ĐỊNH", "CHỈ THỊ", "QUY CHẾ", "QUY ĐỊNH", "THÔNG CÁO", "THÔNG BÁO",
    "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "KẾ HOẠCH", "PHƯƠNG ÁN", "ĐỀ ÁN", "DỰ ÁN", "BÁO CÁO",
    "BIÊN BẢN", "TỜ TRÌNH", "HỢP ĐỒNG", "BẢN GHI NHỚ", "BẢN THỎA THUẬN", "BẢN THOẢ THUẬN",
    "GIẤY ỦY QUYỀN", "GIẤY UỶ QUYỀN", "GIẤY MỜI", "GIẤY GIỚI THIỆU", "GIẤY NGHỈ PHÉP",
    "PHIẾU GỬI", "PHIẾU CHUYỂN", "PHIẾU BÁO", "THƯ CÔNG",
    "CÔNG VĂN",  # not a tên loại: found so that it can be reported (Mẫu 1.5 has none)
)  # fmt: skip
APPENDIX = re.compile(r"(?i)phụ lục(\s+\S+)?")
FORM_NAMED, FORM_LETTER = "Mẫu 1.4", "Mẫu 1.5"


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class Parts:
    header: Block | None
    header_left: list[Para]
    header_right: list[Para]
    form: str | None  # FORM_NAMED (tên loại) or FORM_LETTER (công văn), None: neither found
    title: Para | None
    subject: Para | None  # the trích yếu under the tên loại, or «V/v …» of a công văn
    subject_more: list[Para]  # further centred lines of a long trích yếu
    greeting: Para | None  # «Kính gửi:» of a công văn
    body: list[Para]
    signature: Block | None
    appendix_start: int  # index in blocks of the first appendix heading (len: none)


class Context:
    """The document, its parts, and the style checks the rules share."""

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.styles = document.styles
        self.parts = _find_parts(document)

    def size(self, para: Para, run) -> float:
        return self.styles.size(run, para.element, para.table_style)

    def bold(self, para: Para, run) -> bool:
        return self.styles.toggle(run, para.element, "w:b", para.table_style)

    def italic(self, para: Para, run) -> bool:
        return self.styles.toggle(run, para.element, "w:i", para.table_style)

    def alignment(self, para: Para) -> str:
        return self.styles.alignment(para.element, para.table_style)

    def check_style(
        self,
        para: Para,
        label: str,
        sizes: tuple[float, float],
        *,
        bold: bool | None = None,
        italic: bool | None = None,
    ) -> Iterator[str]:
        """Size, bold and italic of every run with text; one finding per kind of fault."""
        for run in self.doc.text_runs(para):
            size = self.size(para, run)
            if not sizes[0] <= size <= sizes[1]:
                yield (
                    f"{para.where} ({label}) {para.quote()}: cỡ chữ {size:g} "
                    f"(cần {sizes[0]:g}–{sizes[1]:g})"
                )
                return
            if bold is not None and self.bold(para, run) != bold:
                yield f"{para.where} ({label}) {para.quote()}: {'cần' if bold else 'không'} in đậm"
                return
            if italic is not None and self.italic(para, run) != italic:
                state = "cần" if italic else "không"
                yield f"{para.where} ({label}) {para.quote()}: {state} in nghiêng"
                return

    def centred(self, para: Para, label: str) -> Iterator[str]:
        if self.alignment(para) != "center":
            yield f"{para.where} ({label}) {para.quote()}: cần căn giữa"


def _cell_paras(block: Block, column: str) -> list[Para]:
    """Non-empty paragraphs of the first (left) or the last (right) column of every row."""
    found = []
    for r_index, row in enumerate(table_rows(block.element), start=1):
        cells = row_cells(row)
        if len(cells) < 2:
            continue
        c_index = 0 if column == "left" else len(cells) - 1
        where = f"phần {block.section}, bảng {block.number}, hàng {r_index}, ô {c_index + 1}"
        for element in cells[c_index].iter("{*}p"):
            para = make_para(element, where, block.section)
            if para.text.strip():
                found.append(para)
    return found


def _find_parts(doc: Document) -> Parts:
    blocks = doc.blocks
    appendix_start = next(
        (
            i
            for i, b in enumerate(blocks)
            if b.para is not None and APPENDIX.fullmatch(norm(b.para.text))
        ),
        len(blocks),
    )
    main = blocks[:appendix_start]
    header = next(
        (
            b
            for b in main
            if b.number is not None and any(n in norm(cell_text_all(b)).upper() for n in NATION)
        ),
        None,
    )
    left = _cell_paras(header, "left") if header else []
    right = _cell_paras(header, "right") if header else []
    after = main.index(header) + 1 if header else 0
    title = next(
        (b.para for b in main[after:] if b.para is not None and shown(doc, b.para) in DOC_TYPES),
        None,
    )
    letter = next((p for p in left if any(is_letter_subject(ln) for ln in lines(p))), None)
    signature = _signature(main[after:])
    end = main.index(signature) if signature else len(main)
    texts = [b.para for b in main[after:end] if b.para is not None and b.para.text.strip()]
    greeting = next((p for p in texts if norm(p.text).startswith("Kính gửi")), None)
    more: list[Para] = []
    if title is not None:
        form, following = FORM_NAMED, [p for p in texts if p.index > title.index]
        subject = following[0] if following else None
        body = following[1:]
        while body and _subject_line(doc, body[0]):
            more.append(body.pop(0))  # a trích yếu on two lines
    elif letter is not None or greeting is not None:
        form, subject = FORM_LETTER, letter
        body = _after_greeting(doc, texts, greeting)
    else:
        form, subject, body = None, None, []
    return Parts(
        header, left, right, form, title, subject, more, greeting, body, signature, appendix_start
    )


def _subject_line(doc: Document, para: Para) -> bool:
    """Centred and bold: the second line of a trích yếu, not a (misaligned) body paragraph."""
    runs = doc.text_runs(para)
    return doc.styles.alignment(para.element) == "center" and all(
        doc.styles.toggle(run, para.element, "w:b") for run in runs
    )


def shown(doc: Document, para: Para) -> str:
    """The text as the page shows it: runs formatted «All caps» in capitals."""
    styles = doc.styles
    return norm(
        "".join(
            run_text(r).upper() if styles.toggle(r, para.element, "w:caps", para.table_style)
            else run_text(r)
            for r in para.runs
        )
    )  # fmt: skip


def lines(para: Para) -> list[str]:
    """The paragraph's lines (a line break inside a paragraph starts a new one)."""
    return [norm(line) for line in para.text.split("\n") if line.strip()]


def is_letter_subject(line: str) -> bool:
    return line.lower().startswith("v/v")


def cell_text_all(block: Block) -> str:
    return " ".join(cell_text(c) for row in table_rows(block.element) for c in row_cells(row))


def _signature(blocks: list[Block]) -> Block | None:
    tables = [b for b in blocks if b.number is not None and table_rows(b.element)]
    with_recipients = [b for b in tables if "Nơi nhận" in cell_text_all(b)]
    if with_recipients:
        return with_recipients[-1]
    return tables[-1] if tables else None


def _after_greeting(doc: Document, texts: list[Para], greeting: Para | None) -> list[Para]:
    """A công văn's body: after «Kính gửi:» and its addressees (lines starting with a dash,
    or short lines not justified, as body paragraphs are)."""
    if greeting is None:
        return texts
    rest = [p for p in texts if p.index > greeting.index]
    while rest and (
        re.match(r"^[-–+•]\s", norm(rest[0].text))
        or (len(norm(rest[0].text)) < 100 and doc.styles.alignment(rest[0].element) != "both")
    ):
        rest = rest[1:]
    return rest
