"""The header block: agencies, Quốc hiệu and Tiêu ngữ, number and ký hiệu, place and date.

Number, place and date are read from the header block only (see :mod:`.parts`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .parts import NATION, Context, lines, norm, shown
from .registry import rule

MOTTOS = ("Độc lập - Tự do - Hạnh phúc", "Độc lập – Tự do – Hạnh phúc")
BLANK = r"[\s.…_]*"  # a draft leaves number, day and month blank: spaces, dots or «…»
NO_HEADER = "không thấy bảng tiêu đề (cơ quan bên trái, Quốc hiệu bên phải) ở đầu văn bản"


@rule("quoc-hieu-co-quan", "Cơ quan, Quốc hiệu, Tiêu ngữ")
def header_block(context: Context) -> Iterator[str]:
    parts = context.parts
    if parts.header is None:
        yield NO_HEADER
        return
    right = parts.header_right
    doc = context.doc
    if len(right) < 2 or shown(doc, right[0]) not in NATION or norm(right[1].text) not in MOTTOS:
        yield f"phần 1, bảng {parts.header.number}, ô phải: cần «{NATION[0]}» rồi «{MOTTOS[0]}»"
    else:
        yield from context.check_style(right[0], "Quốc hiệu", (12, 13), bold=True)
        yield from context.check_style(right[1], "Tiêu ngữ", (13, 14), bold=True)
    agencies = _agencies(context)
    if not agencies:
        yield f"phần 1, bảng {parts.header.number}, ô trái: không thấy tên cơ quan ban hành"
        return
    roles = [(agencies[-1], "cơ quan ban hành", True)]
    if len(agencies) > 1:
        roles.insert(0, (agencies[0], "cơ quan chủ quản", False))
    for para, label, bold in roles:
        if shown(doc, para) != norm(para.text).upper():
            yield f"{para.where} ({label}) {para.quote()}: cần viết in hoa"
        yield from context.check_style(para, label, (12, 13), bold=bold)


def _agencies(context: Context):
    found = []
    for para in context.parts.header_left:
        if re.match(r"^(Số|V/v)\b", norm(para.text), re.IGNORECASE):
            break
        found.append(para)
    return found


def _number_line(context: Context):
    return next((p for p in context.parts.header_left if re.match(r"^Số\s*:", norm(p.text))), None)


@rule("so-ky-hieu", "Số và ký hiệu")
def number(context: Context) -> Iterator[str]:
    if context.parts.header is None:
        yield NO_HEADER
        return
    para = _number_line(context)
    if para is None:
        yield "bảng tiêu đề, ô trái: không thấy dòng «Số: …/…» dưới tên cơ quan"
        return
    match = re.fullmatch(rf"Số\s*:{BLANK}(\d*){BLANK}/\s*(\S+)", lines(para)[0])
    if match is None:
        yield f"{para.where} {para.quote()}: cần dạng «Số: 05/TB-SGDĐT» (số để trống khi dự thảo)"
        return
    value, symbol = match.groups()
    if symbol != symbol.upper():
        yield f"{para.where}: ký hiệu «{symbol}» phải viết in hoa"
    if value and int(value) < 10 and len(value) < 2:
        yield f"{para.where}: số {value} dưới 10 phải có số 0 đứng trước ({int(value):02d})"
    yield from context.check_style(para, "số, ký hiệu", (13, 13), italic=False)


@rule("dia-danh-ngay", "Địa danh và ngày tháng")
def place_date(context: Context) -> Iterator[str]:
    if context.parts.header is None:
        yield NO_HEADER
        return
    para = next(
        (p for p in context.parts.header_right if re.match(r"^[^,]+,\s*ngày\b", norm(p.text))),
        None,
    )
    if para is None:
        yield "bảng tiêu đề, ô phải: không thấy dòng «<địa danh>, ngày … tháng … năm …»"
        return
    text = norm(para.text)
    match = re.search(rf"ngày{BLANK}(\d*){BLANK}tháng{BLANK}(\d*){BLANK}năm\s*(\d*)$", text)
    if match is None:
        yield f"{para.where} {para.quote()}: cần dạng «Hải Phòng, ngày 04 tháng 7 năm 2023»"
        return
    day, month, year = match.groups()
    if day and (int(day) < 10) != day.startswith("0"):
        yield f"{para.where}: «ngày {day}»: ngày 1–9 viết 01–09, từ 10 trở đi không có số 0"
    if month and (int(month) <= 2) != month.startswith("0"):
        yield f"{para.where}: «tháng {month}»: tháng 1, 2 viết 01, 02; các tháng khác không có số 0"
    if not re.fullmatch(r"\d{4}", year or ""):
        yield f"{para.where}: năm phải đủ 4 chữ số"
    yield from context.check_style(para, "địa danh, ngày", (13, 14), italic=True)
