"""Tên loại and trích yếu (Mẫu 1.4), or «V/v …» under the number and «Kính gửi:» (Mẫu 1.5)."""

from __future__ import annotations

from collections.abc import Iterator

from .parts import (
    DOC_TYPES,
    FORM_LETTER,
    FORM_NAMED,
    Context,
    is_letter_subject,
    lines,
    norm,
    shown,
)
from .registry import rule


@rule("ten-loai-trich-yeu", "Tên loại và trích yếu (Mẫu 1.4) hoặc «V/v», «Kính gửi» (Mẫu 1.5)")
def title(context: Context) -> Iterator[str]:
    parts = context.parts
    if parts.form == FORM_NAMED:
        yield from _named(context)
    elif parts.form == FORM_LETTER:
        yield from _letter(context)
    else:
        yield (
            f"không thấy tên loại văn bản in hoa ({', '.join(DOC_TYPES[5:8])}, …) ở đoạn riêng, "
            "cũng không thấy trích yếu «V/v …» của công văn dưới số, ký hiệu"
        )


def _named(context: Context) -> Iterator[str]:
    parts = context.parts
    if shown(context.doc, parts.title) == "CÔNG VĂN":
        yield (
            f"{parts.title.where} «CÔNG VĂN»: công văn không có tên loại; trích yếu viết "
            "«V/v …» dưới số, ký hiệu (NĐ30 Mẫu 1.5)"
        )
        return
    yield from context.centred(parts.title, "tên loại")
    yield from context.check_style(parts.title, "tên loại", (13, 14), bold=True)
    letter = next((p for p in parts.header_left if any(map(is_letter_subject, lines(p)))), None)
    if letter is not None:
        yield f"{letter.where} {letter.quote()}: văn bản có tên loại không ghi «V/v» dưới số"
    subject = parts.subject
    if subject is None:
        yield f"{parts.title.where}: không thấy trích yếu dưới tên loại"
        return
    if norm(subject.text).lower().startswith("v/v"):
        yield f"{subject.where} (trích yếu) {subject.quote()}: không viết «V/v»"
    for line in [subject, *parts.subject_more]:
        yield from context.centred(line, "trích yếu")
        yield from context.check_style(line, "trích yếu", (13, 14), bold=True)


def _letter(context: Context) -> Iterator[str]:
    parts = context.parts
    subject = parts.subject
    if subject is None:
        yield "công văn: không thấy trích yếu «V/v …» dưới số, ký hiệu (ô trái bảng tiêu đề)"
    else:
        yield from context.centred(subject, "trích yếu công văn")
        yield from context.check_style(subject, "trích yếu công văn", (12, 13), bold=False)
    if parts.greeting is None:
        yield "công văn: không thấy «Kính gửi:» trước thân văn bản"
    else:
        yield from context.check_style(parts.greeting, "Kính gửi", (13, 14))
