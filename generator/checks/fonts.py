"""Times New Roman in every run with text: body, tables, text boxes, headers and footers."""

from __future__ import annotations

from collections.abc import Iterator

from .parts import Context
from .registry import Unclear, rule
from .styles import THEME_UNKNOWN

FONT = "Times New Roman"


@rule("phong-chu", "Phông Times New Roman ở mọi đoạn chữ")
def fonts(context: Context) -> Iterator[str]:
    doc = context.doc
    for para in doc.paragraphs():
        for run in doc.text_runs(para):
            found = doc.styles.fonts(run, para.element, para.table_style)
            wrong = sorted({f for f in found.values() if f not in (FONT, None, THEME_UNKNOWN)})
            if wrong:
                yield f"{para.where} {para.quote()}: phông {', '.join(wrong)} (cần {FONT})"
                break
            if None in found.values() or THEME_UNKNOWN in found.values():
                yield Unclear(
                    f"{para.where} {para.quote()}: tệp không ghi phông chữ "
                    "(máy mở tệp sẽ dùng phông mặc định của nó)"
                )
                break
