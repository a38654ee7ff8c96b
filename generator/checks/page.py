"""The page: A4, margins and text width of every section; page numbers in headers and footers."""

from __future__ import annotations

from collections.abc import Iterator

from docx.oxml.ns import qn

from .model import has_page_field, make_para
from .parts import Context
from .registry import Unclear, rule
from .styles import number as measure

MARGINS_MM = {"trên": (20, 25), "dưới": (20, 25), "trái": (30, 35), "phải": (15, 20)}
TWIPS_PER_MM = 1440 / 25.4


def _mm(element, attribute: str) -> float | None:
    value = None if element is None else measure(element.get(qn(f"w:{attribute}")))
    return None if value is None else abs(value) / TWIPS_PER_MM


@rule("kho-giay-le", "Khổ A4 và lề mọi phần (kể cả lề gáy, lề đối xứng)")
def page_and_margins(context: Context) -> Iterator[str]:
    doc = context.doc
    if doc.setting("w:mirrorMargins"):
        yield (
            "tệp đặt «lề đối xứng» (mirror margins): trang chẵn có lề trái bằng lề phải "
            "(15–20 mm); cần bỏ lề đối xứng"
        )
    gutter_top = doc.setting("w:gutterAtTop")
    for number, sect_pr in enumerate(doc.section_properties, start=1):
        size = sect_pr.find(qn("w:pgSz"))
        sides = sorted([_mm(size, "w") or 0, _mm(size, "h") or 0])
        if size is None:
            yield Unclear(f"phần {number}: tệp không ghi khổ giấy (Word dùng khổ mặc định)")
        elif abs(sides[0] - 210) > 1 or abs(sides[1] - 297) > 1:
            yield f"phần {number}: khổ giấy {sides[0]:.0f}×{sides[1]:.0f} mm (cần A4 210×297)"
        yield from _margins(number, sect_pr, gutter_top)


def _margins(number: int, sect_pr, gutter_top: bool) -> Iterator[str]:
    """Each margin, the gutter added to its side: the text width is then right too."""
    margins = sect_pr.find(qn("w:pgMar"))
    if margins is None:
        yield Unclear(f"phần {number}: tệp không ghi lề trang")
        return
    gutter = _mm(margins, "gutter") or 0
    gutter_side = "trên" if gutter_top else "phải" if _rtl_gutter(sect_pr) else "trái"
    values = {
        "trên": _mm(margins, "top"),
        "dưới": _mm(margins, "bottom"),
        "trái": _mm(margins, "left"),
        "phải": _mm(margins, "right"),
    }
    for side, value in values.items():
        low, high = MARGINS_MM[side]
        extra = gutter if side == gutter_side else 0
        shown_value = None if value is None else value + extra
        if shown_value is None or not low - 0.5 <= shown_value <= high + 0.5:
            shown = "?" if value is None else f"{shown_value:.0f}"
            note = f" ({value:.0f} mm + {gutter:.0f} mm lề gáy)" if extra and value else ""
            yield f"phần {number}: lề {side} {shown} mm{note} (cần {low}–{high} mm)"


def _rtl_gutter(sect_pr) -> bool:
    element = sect_pr.find(qn("w:rtlGutter"))
    return element is not None and element.get(qn("w:val"), "true") not in ("0", "false")


@rule("so-trang", "Số trang ở đầu trang, giữa; không ở trang 1")
def page_numbers(context: Context) -> Iterator[str]:
    doc = context.doc
    for number, kind, side, root in doc.header_footer_parts():
        if side == "footer" and has_page_field(root):
            kind_name = {"first": " trang đầu", "even": " trang chẵn"}.get(kind, "")
            yield (
                f"chân trang{kind_name} phần {number}: có số trang "
                "(số trang đặt ở đầu trang, căn giữa)"
            )
    first = doc.section_properties[0] if doc.section_properties else None
    if first is None:
        return
    title_page = first.find(qn("w:titlePg"))
    different_first = title_page is not None and title_page.get(qn("w:val"), "true") not in (
        "0",
        "false",
    )
    header = doc.shown(1, "header", "first" if different_first else "default")
    if header is not None and has_page_field(header):
        reason = "" if different_first else " (chưa đặt «trang đầu khác»)"
        yield f"đầu trang của trang 1 (phần 1) có số trang{reason}: trang 1 không đánh số"
    yield from _numbers_from_page_two(context)


def _numbers_from_page_two(context: Context) -> Iterator[str]:
    doc = context.doc
    header = doc.shown(1, "header", "default")
    if doc.setting("w:evenAndOddHeaders") and header is not None and has_page_field(header):
        even = doc.shown(1, "header", "even")
        if even is None or not has_page_field(even):
            yield "đầu trang trang chẵn phần 1 không có số trang (tệp đặt trang chẵn, lẻ khác nhau)"
    if header is not None and has_page_field(header):
        for element in header.iter(qn("w:p")):
            if has_page_field(element):
                para = make_para(element, "đầu trang phần 1", 1)
                if context.alignment(para) != "center":
                    yield "đầu trang phần 1: số trang cần căn giữa"
                break
        return
    if doc.pages == 1:
        return
    if doc.pages is None and doc.surely_several_pages():
        yield "đầu trang phần 1 không có số trang (văn bản có nhiều trang: cần số từ trang 2)"
    elif doc.pages is None:
        yield Unclear(
            "đầu trang phần 1 không có số trang; tệp không cho biết văn bản có mấy trang "
            "(văn bản từ 2 trang cần số trang ở đầu trang, từ trang 2)"
        )
    else:
        yield f"đầu trang phần 1 không có số trang (văn bản {doc.pages} trang)"
