"""Check a .docx against the layout rules of Nghị định 30/2020 (``vanban check``).

Each rule looks at the document as Word lays it out: formatting through direct formatting,
character and paragraph styles and the document defaults; text inside hyperlinks, fields
and text boxes; every section's headers and footers. It knows both NĐ30 forms: Mẫu 1.4
(văn bản có tên loại) and Mẫu 1.5 (công văn: «V/v …», «Kính gửi:»). Every finding names
where it is; what the file cannot settle is reported as unclear, not passed or failed.

The rules live in one module per part of the document (page, fonts, heading, title, body,
signature, appendices) and register themselves in :mod:`.registry`.
"""

from __future__ import annotations

from pathlib import Path

from . import appendices, body, fonts, heading, page, signature, title  # noqa: F401 (rules)
from .model import Document
from .parts import Context
from .registry import FAILED, PASSED, RULES, UNCLEAR, Result, run

__all__ = ["FAILED", "PASSED", "RULES", "UNCLEAR", "Result", "check_document"]


ORDER = (
    "kho-giay-le", "phong-chu", "quoc-hieu-co-quan", "so-ky-hieu", "dia-danh-ngay",
    "ten-loai-trich-yeu", "than-van-ban", "trang-chu-ky", "noi-nhan", "quyen-han-nguoi-ky",
    "phu-luc", "hang-tieu-de-bang", "so-trang",
)  # fmt: skip


def check_document(path: Path) -> list[Result]:
    """Every rule's result for the .docx at ``path``, in the order of the document's parts."""
    context = Context(Document(path))
    rules = sorted(RULES, key=lambda r: ORDER.index(r.id) if r.id in ORDER else len(ORDER))
    return [run(rule, context) for rule in rules]
