"""Render a docxtpl template with a context into .docx bytes, safely and reproducibly.

Jinja runs in the sandbox of :mod:`.sandbox` (autoescape: a value "GD&ĐT" or "<"
stays literal and the XML stays valid; StrictUndefined: a missing variable is an
error, never a blank; bounded work and time). The bytes are the same for the same
template and context.

Every template vanban fills (through :mod:`.fastdocx`) runs inside :func:`rendering`:
whatever goes wrong in a template becomes one :class:`TemplateProblem` (exit 3) with a
Vietnamese message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SecurityError

from ..common.errors import TemplateProblem
from .sandbox import TemplateLimit, budget, make_environment

__all__ = ["compile_code", "environment", "make_environment", "open_template", "rendering"]

_FIX_VARIABLE = "sửa tên biến trong mẫu cho đúng danh sách biến ở README (mục «Biến trong mẫu»)."
_FIX_LIMIT = (
    "bỏ vòng lặp, phép nhân hay luỹ thừa quá lớn trong mẫu; mẫu chỉ cần lặp trên dữ liệu "
    "(xem README, mục «Giới hạn của mẫu»)."
)


environment = make_environment()  # the one every render uses


@contextmanager
def rendering(template: Path, context: dict[str, Any] | None = None) -> Iterator[None]:
    """Run a render of ``template`` within the limits; any failure is a TemplateProblem.

    ``context`` (when given) lets a missing variable be named with its full dotted path and
    the paragraph that uses it, as ``vanban check-template`` names it.
    """
    try:
        with budget():
            yield
    except jinja2.UndefinedError as error:
        raise TemplateProblem(
            template=template, detail=_undefined(template, context, error), fix=_FIX_VARIABLE
        ) from None
    except TemplateLimit as error:
        raise TemplateProblem(
            template=template, detail=f"{error}, vượt giới hạn của mẫu.", fix=_FIX_LIMIT
        ) from None
    except SecurityError as error:
        raise TemplateProblem(
            template=template,
            detail=f"mẫu làm việc bị cấm ({error}).",
            fix="chỉ dùng biến và bộ lọc có trong README.",
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateProblem(template=template, detail=_syntax(error), fix=_FIX_SYNTAX) from None
    except (RecursionError, MemoryError):
        raise TemplateProblem(
            template=template,
            detail="mẫu gọi lồng nhau hoặc tạo dữ liệu quá nhiều.",
            fix=_FIX_LIMIT,
        ) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, jinja2.TemplateError) as error:
        raise TemplateProblem(
            template=template,
            detail=f"mẫu tính hoặc gọi sai ({type(error).__name__}: {str(error)[:200]}).",
            fix="mở mẫu bằng Word, sửa biểu thức trong thẻ {{ … }} hoặc {% … %} đó.",
        ) from None


_FIX_SYNTAX = "mở mẫu bằng Word, sửa thẻ {{ … }} hoặc {% … %} ở chỗ đó."


def _syntax(error: jinja2.TemplateSyntaxError) -> str:
    where = " / ".join(line.strip() for line in getattr(error, "docx_context", []) if line)
    near = f" gần: «{where[:200]}»" if where else ""
    return f"thẻ mẫu viết sai ({error.message}){near}."


def _undefined(template: Path, context: dict[str, Any] | None, error: Exception) -> str:
    """The missing variables with their full names and places, as check-template says."""
    if context is not None:
        from .template_check import check_template  # it imports this module

        try:
            unknown = check_template(template, context).unknown
        except Exception:  # the message is still right without the places  # noqa: BLE001
            unknown = []
        if unknown:
            listed = "; ".join(f"{path}, ở {where}" for path, where in unknown[:10])
            more = f" (và {len(unknown) - 10} chỗ nữa)" if len(unknown) > 10 else ""
            return f"mẫu dùng biến mà dữ liệu không có: {listed}{more}."
    return f"mẫu dùng biến không có ({error})."


def compile_code(template: Path, source: str) -> Any:
    """``source`` (a part of ``template``) compiled in the sandbox to Python code; a syntax
    error is exit 3."""
    try:
        return environment.compile(source)
    except jinja2.TemplateSyntaxError as error:
        line = source.split("\n")[error.lineno - 1] if error.lineno else ""
        error.docx_context = [re.sub(r"<[^>]+>", "", line)]  # the paragraph, as docxtpl says
        raise TemplateProblem(template=template, detail=_syntax(error), fix=_FIX_SYNTAX) from None


def open_template(template: Path):
    """The template opened by docxtpl; a missing or damaged file is a TemplateProblem."""
    from docxtpl import DocxTemplate  # only where a template is read for the first time

    if not template.is_file():
        raise TemplateProblem(
            template=template, detail="không có tệp này.", fix="ghi đúng đường dẫn tới tệp .docx."
        )
    try:
        document = DocxTemplate(template)
        document.init_docx()
    except Exception as error:  # python-docx raises several kinds for a damaged file
        raise TemplateProblem(
            template=template,
            detail=f"không mở được tệp .docx ({type(error).__name__}).",
            fix="mở và lưu lại tệp bằng Word (Lưu thành .docx).",
        ) from error
    return document
