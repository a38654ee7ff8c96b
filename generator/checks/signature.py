"""The signature block: «Nơi nhận:» and its list, the authority line and the signer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import make_para, row_cells, table_rows
from .parts import Context, norm, shown
from .registry import rule

PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
WRONG_PREFIX = re.compile(r"^(T/M|K/T|T/L|T/UQ|Q/)", re.IGNORECASE)
NO_DOT = re.compile(r"^(TM|KT|TL|TUQ|Q)(?=\s)")


def _cells(context: Context):
    """(where, cell element) of the signature table's first row."""
    block = context.parts.signature
    row = table_rows(block.element)[0]
    for c_index, cell in enumerate(row_cells(row), start=1):
        yield f"phần {block.section}, bảng {block.number}, hàng 1, ô {c_index}", cell


def _lines(context: Context, where: str, cell) -> list:
    paras = [make_para(p, where, context.parts.signature.section) for p in cell.iter("{*}p")]
    return [p for p in paras if p.text.strip()]


@rule("noi-nhan", "Nơi nhận")
def recipients(context: Context) -> Iterator[str]:
    if context.parts.signature is None:
        yield "không thấy bảng «Nơi nhận» và chữ ký sau thân văn bản"
        return
    found = [
        _lines(context, where, cell)
        for where, cell in _cells(context)
        if any(norm(p.text) == "Nơi nhận:" for p in _lines(context, where, cell))
    ]
    if not found:
        yield f"phần 1, bảng {context.parts.signature.number}: không thấy «Nơi nhận:»"
        return
    lines = found[0]
    yield from context.check_style(lines[0], "Nơi nhận", (12, 12), bold=True, italic=True)
    items = lines[1:]
    if not items:
        yield f"{lines[0].where}: «Nơi nhận:» chưa có nơi nhận nào"
        return
    for para in items[:-1]:
        text = norm(para.text)
        if not (text.startswith("- ") and text.endswith(";")):
            yield f"{para.where} {para.quote()}: nơi nhận cần dạng «- …;»"
    last = norm(items[-1].text)
    if not (last.startswith("- Lưu:") and last.endswith(".")):
        yield f"{items[-1].where} {items[-1].quote()}: nơi nhận cuối cần dạng «- Lưu: VT, ….»"
    for para in items:
        yield from context.check_style(para, "nơi nhận", (11, 11))


@rule("quyen-han-nguoi-ky", "Quyền hạn và người ký")
def authority(context: Context) -> Iterator[str]:
    if context.parts.signature is None:
        yield "không thấy bảng chữ ký sau thân văn bản"
        return
    cells = list(_cells(context))
    signer = [
        _lines(context, where, cell)
        for where, cell in cells
        if not any(norm(p.text) == "Nơi nhận:" for p in _lines(context, where, cell))
    ]
    lines = signer[-1] if signer else []
    if not lines:
        yield f"phần 1, bảng {context.parts.signature.number}: ô chữ ký trống"
        return
    first = shown(context.doc, lines[0])
    wrong = WRONG_PREFIX.match(first)
    if wrong:
        yield (
            f"{lines[0].where} «{first}»: viết tắt «{wrong.group(1)}» sai thể thức "
            f"(dùng {', '.join(PREFIXES)})"
        )
    elif NO_DOT.match(first):
        prefix = NO_DOT.match(first).group(1)
        yield f"{lines[0].where} «{first}»: thiếu dấu chấm, viết «{prefix}.»"
    elif "." in first.split()[0] and not first.startswith(PREFIXES):
        allowed = ", ".join(PREFIXES)
        yield f"{lines[0].where} «{first}»: viết tắt quyền hạn phải là một trong {allowed}"
    for para in lines[:-1]:
        if shown(context.doc, para) != norm(para.text).upper():
            yield f"{para.where} (quyền hạn) {para.quote()}: cần viết in hoa"
        yield from context.check_style(para, "quyền hạn", (13, 14), bold=True)
    yield from context.check_style(lines[-1], "họ tên người ký", (13, 14), bold=True)
