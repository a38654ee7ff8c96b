"""The body: justified, first-line indent, size, «./.» at the end; and its last lines
kept with the signature block, so the signature never stands on a page of its own."""

from __future__ import annotations

from collections.abc import Iterator

from .parts import Context
from .registry import Unclear, rule
from .styles import number

INDENT_TWIPS = (539, 737)  # 0.95–1.3 cm: NĐ30 says 1 cm or 1.27 cm


@rule("than-van-ban", "Thân văn bản (căn đều, lùi đầu dòng, cỡ chữ, «./.»)")
def body(context: Context) -> Iterator[str]:
    paragraphs = context.parts.body
    if not paragraphs:
        yield "không thấy thân văn bản (sau trích yếu, hoặc sau «Kính gửi» của công văn)"
        return
    for para in paragraphs:
        if context.alignment(para) != "both":
            yield f"{para.where} {para.quote()}: cần căn đều hai bên"
        indent = context.styles.first_line_twips(para.element, para.table_style)
        if not INDENT_TWIPS[0] <= indent <= INDENT_TWIPS[1]:
            shown = "không có" if indent == 0 else f"{indent / 567:.2f} cm".replace(".", ",")
            yield f"{para.where} {para.quote()}: lùi đầu dòng {shown} (cần 1 cm hoặc 1,27 cm)"
        yield from context.check_style(para, "thân văn bản", (13, 14))
    yield from _spacing(context, paragraphs)
    last = paragraphs[-1]
    if not last.text.rstrip().endswith("./."):
        yield f"{last.where}: thân văn bản phải kết thúc bằng «./.»"


def _spacing(context: Context, paragraphs) -> Iterator[str]:
    """Lines single to 1.5 apart; at least 6 pt between paragraphs (after + next before)."""
    styles = context.styles
    for para in paragraphs:
        rule_, line = styles.spacing(para.element, "lineRule"), styles.spacing(para.element, "line")
        value = number(line)
        if value is not None and rule_ in (None, "auto") and not 0.95 <= value / 240 <= 1.55:
            shown = f"{value / 240:.2f}".replace(".", ",")
            yield f"{para.where} {para.quote()}: giãn dòng {shown} dòng (cần từ 1 đến 1,5 dòng)"
    for para, following in zip(paragraphs, paragraphs[1:], strict=False):
        after = number(styles.spacing(para.element, "after")) or 0
        before = number(styles.spacing(following.element, "before")) or 0
        if after + before < 119:  # twips: 6 pt less a rounding margin
            yield (
                f"{para.where} {para.quote()}: cách đoạn sau {(after + before) / 20:g} pt "
                "(cần ít nhất 6 pt)"
            )


@rule("trang-chu-ky", "Trang có chữ ký có cả thân văn bản")
def signature_page(context: Context) -> Iterator[str]:
    parts = context.parts
    if not parts.body or parts.signature is None:
        yield Unclear("không thấy thân văn bản hoặc bảng chữ ký nên không xét được")
        return
    last = parts.body[-1]
    blocks = context.doc.blocks
    position = next(i for i, b in enumerate(blocks) if b.para is last)
    between = blocks[position + 1 : blocks.index(parts.signature)]
    if any(b.number is not None for b in between):
        yield Unclear(f"{last.where}: có bảng giữa thân văn bản và chữ ký; xem bản in")
        return
    chain = [last] + [b.para for b in between]
    if all(context.styles.keeps_with_next(p.element) for p in chain):
        return
    yield Unclear(
        f"{last.where}: đoạn cuối thân văn bản chưa đặt «giữ với đoạn sau» (Keep with next); "
        "tệp không cho biết trang có chữ ký có thân văn bản hay không: xem bản PDF"
    )
