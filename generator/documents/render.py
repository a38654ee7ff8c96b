"""Render a docxtpl template with a context into .docx bytes, safely and reproducibly.

Jinja runs sandboxed, with autoescape (a value "GD&ĐT" or "<" stays literal and
the XML stays valid) and StrictUndefined (a missing variable is an error, never
a blank). The bytes are the same for the same template and context.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..common.errors import TemplateProblem
from ..common.vnformat import FILTERS
from .columns import fit_columns
from .compile_cache import CachedTemplate, with_compile_cache
from .docx_xml import deterministic_bytes, set_app_properties, set_custom_properties
from .long_tables import split_long_tables

_FIX_VARIABLE = "sửa tên biến trong mẫu cho đúng danh sách biến ở README (mục «Biến trong mẫu»)."


def make_environment() -> SandboxedEnvironment:
    """The one Jinja environment every render uses, with the Vietnamese filters."""
    environment = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters.update(FILTERS)
    return environment


_ENVIRONMENT = make_environment()


def render_docx(
    template: Path,
    context: dict[str, Any],
    properties: dict[str, Any],
    custom: dict[str, str],
) -> bytes:
    """The rendered document with its core (title, author, …) and custom properties."""
    document = _open(template)
    try:
        document.render(context, jinja_env=with_compile_cache(_ENVIRONMENT), autoescape=True)
    except jinja2.UndefinedError as error:
        raise TemplateProblem(
            template=template, detail=f"mẫu dùng biến không có ({error}).", fix=_FIX_VARIABLE
        ) from None
    except SecurityError as error:
        raise TemplateProblem(
            template=template,
            detail=f"mẫu làm việc bị cấm ({error}).",
            fix="chỉ dùng biến và bộ lọc có trong README.",
        ) from None
    except jinja2.TemplateSyntaxError as error:
        where = " / ".join(line.strip() for line in getattr(error, "docx_context", []) if line)
        raise TemplateProblem(
            template=template,
            detail=f"thẻ mẫu viết sai ({error.message}) gần: «{where[:200]}».",
            fix="mở mẫu bằng Word, sửa thẻ {{ … }} hoặc {% … %} ở chỗ đó.",
        ) from None
    split_long_tables(document.docx.element.body)  # LibreOffice: minutes → seconds
    _set_properties(document, properties)
    set_custom_properties(document.docx, custom)
    return deterministic_bytes(document.docx)


class _Template(CachedTemplate):
    """The cached docxtpl template, with column loops' columns fitted to the page."""

    def fix_tables(self, xml):
        tree = super().fix_tables(xml)
        fit_columns(tree)
        return tree


def _open(template: Path) -> DocxTemplate:
    try:
        document = _Template(template)  # same bytes, cleaned and compiled once
        document.init_docx()
    except Exception as error:  # python-docx raises several kinds for a damaged file
        raise TemplateProblem(
            template=template,
            detail=f"không mở được tệp .docx ({type(error).__name__}).",
            fix="mở và lưu lại tệp bằng Word (Lưu thành .docx).",
        ) from error
    return document


def _set_properties(document: DocxTemplate, properties: dict[str, Any]) -> None:
    core = document.docx.core_properties
    core.title = properties["title"]
    core.subject = properties["subject"]
    core.author = properties["author"]
    core.last_modified_by = "vanban"
    core.comments = properties.get("comments", "")
    core.language = "vi-VN"
    stamp: datetime = properties["time"]
    core.created = core.modified = stamp
    core.revision = 1
    set_app_properties(document.docx)
