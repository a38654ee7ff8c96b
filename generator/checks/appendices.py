"""Appendices: Roman numerals, the «(Kèm theo …)» line, and header rows that repeat."""

from __future__ import annotations

from collections.abc import Iterator

from docx.oxml.ns import qn

from .model import row_cells, table_rows
from .parts import APPENDIX, Context, norm
from .registry import rule
from .styles import number

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _headings(context: Context) -> list[int]:
    blocks = context.doc.blocks
    return [
        i
        for i, b in enumerate(blocks)
        if i >= context.parts.appendix_start
        and b.para is not None
        and APPENDIX.fullmatch(norm(b.para.text))
    ]


@rule("phu-luc", "Phụ lục số La Mã, dòng «Kèm theo»")
def appendices(context: Context) -> Iterator[str]:
    blocks = context.doc.blocks
    headings = _headings(context)
    for position, index in enumerate(headings):
        para = blocks[index].para
        words = norm(para.text).split()
        label = words[-1] if len(words) > 2 else ""
        if len(headings) > 1 and label != ROMAN[position % len(ROMAN)]:
            yield f"{para.where} {para.quote()}: cần «Phụ lục {ROMAN[position]}» (số La Mã)"
        yield from context.check_style(para, "tên phụ lục", (13, 14), bold=True)
        near = [b.para for b in blocks[index + 1 : index + 6] if b.para and b.para.text.strip()]
        attached = [p for p in near if norm(p.text).startswith("(Kèm theo")]
        if not attached:
            yield f"{para.where} {para.quote()}: thiếu dòng «(Kèm theo … số …)»"
            continue
        line = attached[0]
        if not all(context.italic(line, r) for r in context.doc.text_runs(line)):
            yield f"{line.where} {line.quote()}: dòng «Kèm theo» cần in nghiêng"


def header_rows(table) -> int:
    """How many rows at the top are headings: the first row, every row a heading cell
    spans down into, and the row under a first row that groups columns."""
    rows = table_rows(table)
    if not rows:
        return 0
    count = 1
    if any(_span(c) > 1 for c in row_cells(rows[0])) and len(rows) > 2:
        count = 2
    while count < len(rows) and any(_continues(c) for c in row_cells(rows[count])):
        count += 1
    return count


def _span(cell) -> int:
    span = cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    value = None if span is None else number(span.get(qn("w:val")))
    return 1 if value is None else int(value)


def _continues(cell) -> bool:
    merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return merge is not None and merge.get(qn("w:val"), "continue") == "continue"


def _repeats(row) -> bool:
    flag = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
    return flag is not None and flag.get(qn("w:val"), "true") not in ("0", "false")


@rule("hang-tieu-de-bang", "Hàng tiêu đề bảng phụ lục lặp lại ở mỗi trang")
def repeated_headers(context: Context) -> Iterator[str]:
    blocks = context.doc.blocks
    headings = _headings(context)
    for position, start in enumerate(headings):
        end = headings[position + 1] if position + 1 < len(headings) else len(blocks)
        numeral = norm(blocks[start].para.text).split()[-1]
        tables = [b for b in blocks[start:end] if b.number is not None]
        for t_index, block in enumerate(tables, start=1):
            rows = table_rows(block.element)
            for r_index in range(header_rows(block.element)):
                if not _repeats(rows[r_index]):
                    yield (
                        f"phụ lục {numeral}, bảng {t_index} (phần {block.section}, bảng "
                        f"{block.number}), hàng {r_index + 1}: hàng tiêu đề chưa đặt "
                        "«lặp lại ở đầu mỗi trang»"
                    )
