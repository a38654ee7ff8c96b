"""Fill a .docx template: compiled once (and cached on disk), then filled part by part, streamed.

What docxtpl does with a template before Jinja runs depends on the template alone:
each part that holds tags (body, headers, footers, footnotes) is serialised and
cleaned exactly as docxtpl does it (its own ``patch_xml``) and compiled by Jinja.
That is done once per template and kept in :mod:`..common.cache`, so a build with
an unchanged template imports neither docxtpl nor python-docx. A render then runs
Jinja and streams its output through :mod:`.stream`, which does what docxtpl's
``render`` does after Jinja (the ``{_{`` escapes, line breaks and tabs in values,
the grid fix of ``{%tc %}`` column loops, picture ids) and, with ``layout``,
vanban's own steps (columns fitted to the page, long tables split): the parts are
the same XML as docxtpl's (``tests/test_fastdocx.py`` compares them), in memory of
a few megabytes whatever the number of rows. The templated document properties
(title, subject, author, comments, identifier, language) are rendered as docxtpl
renders them; :func:`render_docx` then sets the notice's own properties.

Images, sub-documents and rich-text objects in the context are not supported.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from lxml import etree

from ..common.cache import cached
from ..common.errors import TemplateProblem
from ..common.files import FIXED_ZIP_TIME
from . import stream
from .properties import (
    CUSTOM,
    app_xml,
    core_xml,
    custom_xml,
    with_custom_relation,
    with_custom_type,
)
from .render import compile_code, environment, open_template, rendering
from .sandbox import charge_output

__all__ = ["CompiledTemplate", "render_docx"]

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARAGRAPH = re.compile(r"<w:p([ >])")
_TAGGED = ("{{", "{%")
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # as docxtpl
_CORE, _APP, _CUSTOM = "docProps/core.xml", "docProps/app.xml", CUSTOM
_CONTENT_TYPES, _ROOT_RELS = "[Content_Types].xml", "_rels/.rels"
_ZIP_LEVEL = 1  # zlib level of every part: 6× faster than the default, files 1.5× larger


class CompiledTemplate:
    """A .docx template compiled once; :meth:`render` gives a document's bytes.

    ``layout`` adds vanban's own steps for documents it lays out (columns of column
    loops fitted to the page, long tables split); the unit forms are filled without.
    """

    def __init__(self, template: Path, *, layout: bool = False) -> None:
        self.template = template
        self.layout = layout
        try:
            data = template.read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                self._entries = [(i.filename, archive.read(i.filename)) for i in archive.infolist()]
        except (OSError, zipfile.BadZipFile, ValueError) as error:
            raise _damaged(template, error) from None
        compiled = cached("mau", data, lambda: _compile(template), _shaping())
        globals_ = environment.make_globals(None)
        self._parts = {
            name: (jinja2.Template.from_code(environment, code, globals_, None), spaces, body)
            for name, code, spaces, body in compiled["parts"]
        }
        self._properties = {
            name: jinja2.Template.from_code(environment, code, globals_, None)
            for name, code in compiled["properties"].items()
        }
        self.names = frozenset(compiled["names"])  # the variables the template reads

    def render(
        self,
        context: dict[str, Any],
        properties: dict[str, Any] | None = None,
        custom: dict[str, str] | None = None,
    ) -> bytes:
        """The filled document, with fixed zip times (same context, same bytes).

        ``properties`` (title, subject, author, comments, time) and ``custom`` (File →
        Properties → Custom) are set after the template's own; the same limits and
        messages as every template (:func:`.render.rendering`) apply.
        """
        buffer = io.BytesIO()
        with (
            rendering(self.template, context),
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for name, data in self._entries:
                if name in self._parts:
                    self._write_part(target, name, context)
                    continue
                if name == _CORE:
                    data = self._core(data, context, properties)
                elif name == _APP and properties is not None:
                    data = app_xml()
                elif custom is not None and name == _CONTENT_TYPES:
                    data = with_custom_type(data)
                elif custom is not None and name == _ROOT_RELS:
                    data = with_custom_relation(data)
                elif custom is not None and name == _CUSTOM:
                    continue  # written anew below
                target.writestr(_entry(name), data)
            if custom is not None:
                target.writestr(_entry(_CUSTOM), custom_xml(custom))
        return buffer.getvalue()

    def _write_part(self, target: zipfile.ZipFile, name: str, context: dict[str, Any]) -> None:
        compiled, namespaces, body = self._parts[name]
        checker = stream.WellFormed()
        entry = _entry(name)
        try:
            with target.open(entry, "w") as part:
                checker.feed(_DECLARATION)
                part.write(_DECLARATION)
                for data in self._finished(compiled, namespaces, body, context):
                    checker.feed(data)
                    part.write(data)
            checker.close()
        except etree.XMLSyntaxError as error:
            raise TemplateProblem(
                template=self.template,
                detail=f"mẫu tạo ra văn bản Word hỏng ({name}: {str(error)[:200]}).",
                fix=(
                    "mở mẫu bằng Word: mỗi thẻ {%p …%} hay {%tr …%} mở phải có thẻ đóng "
                    "ở cùng cấp (cùng đoạn, cùng hàng bảng)."
                ),
            ) from None

    def _finished(
        self, compiled: jinja2.Template, namespaces: str, body: bool, context: dict[str, Any]
    ) -> Iterator[bytes]:
        """The part's bytes in pieces of about a megabyte."""
        finisher = stream.Body(namespaces, layout=self.layout) if body else None
        pending: list[bytes] = []
        size = 0
        for block in stream.blocks(compiled.generate(context)):
            charge_output(len(block))
            for piece in finisher.feed(block) if finisher else (block.encode("utf-8"),):
                pending.append(piece)
                size += len(piece)
                if size >= stream.BLOCK:
                    yield b"".join(pending)
                    pending, size = [], 0
        pending += finisher.close() if finisher else ()
        yield b"".join(pending)

    def _core(
        self, data: bytes, context: dict[str, Any], properties: dict[str, Any] | None
    ) -> bytes:
        """docxtpl's templated properties, then vanban's own."""
        values: dict[str, Any] = {
            name: template.render(context) for name, template in self._properties.items()
        }
        if properties is not None:
            values |= {
                "title": properties["title"],
                "subject": properties["subject"],
                "author": properties["author"],
                "last_modified_by": "vanban",
                "comments": properties.get("comments", ""),
                "language": "vi-VN",
                "created": properties["time"],
                "modified": properties["time"],
                "revision": 1,
            }
        return core_xml(data, values)


def render_docx(
    template: Path | CompiledTemplate,
    context: dict[str, Any],
    properties: dict[str, Any],
    custom: dict[str, str],
) -> bytes:
    """A laid-out document (notice, công văn, report) with its core and custom properties."""
    if not isinstance(template, CompiledTemplate):
        template = CompiledTemplate(template, layout=True)
    return template.render(context, properties, custom)


def _shaping() -> list[Path]:
    """The code that decides what :func:`_compile` makes: vanban's, docxtpl's, Jinja's."""
    here = Path(__file__).parent
    shaping = [
        here / "fastdocx.py",
        here / "sandbox.py",
        Path(jinja2.__file__).parent / "compiler.py",
    ]
    found = importlib.util.find_spec("docxtpl")  # its clean-up code, without importing it
    if found is not None and found.origin:
        shaping.append(Path(found.origin).with_name("template.py"))
    return shaping


def _compile(template: Path) -> dict[str, Any]:
    """What the cache keeps: each tagged part's compiled code, namespaces and role, and the
    code of the templated properties (docxtpl and python-docx are needed only here)."""
    helper = open_template(template)
    parts, names = [], set()
    for name, text, body in _parts(helper):
        if any(tag in text for tag in _TAGGED):
            cleaned = _PARAGRAPH.sub(r"\n<w:p\1", helper.patch_xml(text))
            code = compile_code(template, cleaned)
            parts.append((name, code, stream.root_namespaces(cleaned), body))
            names |= meta.find_undeclared_variables(environment.parse(cleaned))
    core = helper.docx.core_properties
    sources = {name: getattr(core, name) or "" for name in _PROPERTIES}
    properties = {name: compile_code(template, source) for name, source in sources.items()}
    for source in sources.values():
        names |= meta.find_undeclared_variables(environment.parse(source))
    return {"parts": parts, "properties": properties, "names": sorted(names)}


def _parts(helper) -> list[tuple[str, str, bool]]:
    """Each part docxtpl renders, serialised the way docxtpl serialises it."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = helper.docx
    parts = [(document.part.partname, helper.xml_to_string(document.element), True)]
    for relation in document.part.rels.values():
        if not relation.is_external and relation.reltype in (RT.HEADER, RT.FOOTER, RT.FOOTNOTES):
            part = relation.target_part
            parts.append((part.partname, helper.get_part_xml(part), False))
    return [(str(name).lstrip("/"), text, body) for name, text, body in parts]


def _damaged(template: Path, error: Exception) -> TemplateProblem:
    if isinstance(error, FileNotFoundError):
        return TemplateProblem(
            template=template, detail="không có tệp này.", fix="ghi đúng đường dẫn tới tệp .docx."
        )
    return TemplateProblem(
        template=template,
        detail=f"không mở được tệp .docx ({type(error).__name__}).",
        fix="mở và lưu lại tệp bằng Word (Lưu thành .docx).",
    )


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry._compresslevel = _ZIP_LEVEL  # (Python 3.13 also names it compress_level)
    entry.external_attr = 0o644 << 16
    return entry
