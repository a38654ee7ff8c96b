"""Render one docxtpl template many times: parse and compile once, then only fill and zip.

docxtpl re-reads the template, re-cleans its XML with regular expressions and
re-parses the result for every document; for a batch of 1,500 unit forms, or a
table of 10,000 rows, that work dominates. Here each part that holds tags
(body, headers, footers, footnotes) is serialised and cleaned exactly as docxtpl
does it (its own ``patch_xml``) and compiled into a Jinja template once. A render
then does what docxtpl's ``render`` does after Jinja, with docxtpl's own code:
the ``{_{`` escapes, line breaks, tabs, new paragraphs and page breaks in values
(``resolve_listing``), the column fix of tables whose ``{%tc %}`` loops added
cells (``fix_tables``), renumbered drawing ids, and the templated document
properties (title, subject, author, comments, identifier, language). The parts
are the same XML as docxtpl's (a test compares them); only images, sub-documents
and rich text objects are not supported (use :func:`render.render_docx`).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docxtpl import DocxTemplate
from jinja2 import Template
from lxml import etree

from ..common.errors import TemplateProblem
from .docx_xml import FIXED_ZIP_TIME
from .render import compile_template, make_environment, rendering, template_errors

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARAGRAPH = re.compile(r"<w:p([ >])")
_MARKED = re.compile(r"\n<w:p([ >])")
_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
_TC_TAG = re.compile(r"\{[{%]-?\s*tc\s")
_CORE = "docProps/core.xml"
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # as docxtpl
_TAGGED = ("{{", "{%")


class CompiledTemplate:
    """A .docx template compiled once; :meth:`render` gives a document's bytes."""

    def __init__(self, template: Path) -> None:
        self.template = template
        self._helper = _open(template)
        self._environment = make_environment()
        with zipfile.ZipFile(template) as archive:
            self._entries = [(i.filename, archive.read(i.filename)) for i in archive.infolist()]
        self._compiled: dict[str, Template] = {}
        self._fix_tables: set[str] = set()
        with template_errors(template):
            for name, text in self._parts():
                if any(tag in text for tag in _TAGGED):
                    cleaned = _PARAGRAPH.sub(r"\n<w:p\1", self._helper.patch_xml(text))
                    self._compiled[name] = compile_template(template, cleaned)
                    if _TC_TAG.search(text):
                        self._fix_tables.add(name)
            self._properties = self._property_templates()

    def _parts(self) -> list[tuple[str, str]]:
        """Each part docxtpl renders, serialised the way docxtpl serialises it."""
        document = self._helper.docx
        helper = self._helper
        parts = [(document.part.partname, helper.xml_to_string(document.element))]
        for relation in document.part.rels.values():
            if relation.is_external:
                continue
            if relation.reltype in (RT.HEADER, RT.FOOTER, RT.FOOTNOTES):
                part = relation.target_part
                parts.append((part.partname, helper.get_part_xml(part)))
        return [(str(name).lstrip("/"), text) for name, text in parts]

    def _property_templates(self) -> dict[str, Template]:
        core = self._helper.docx.core_properties
        return {
            name: self._environment.from_string(getattr(core, name) or "") for name in _PROPERTIES
        }

    def render(self, context: dict[str, Any]) -> bytes:
        """The filled document, with fixed zip times (same context, same bytes).

        The same limits and messages as the notice (:func:`.render.rendering`) apply.
        """
        buffer = io.BytesIO()
        with (
            rendering(self.template, context),
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for name, data in self._entries:
                if name in self._compiled:
                    data = (_DECLARATION + self._render_part(name, context)).encode("utf-8")
                elif name == _CORE:
                    data = self._render_properties(context)
                entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(entry, data)
        return buffer.getvalue()

    def _render_part(self, name: str, context: dict[str, Any]) -> str:
        """docxtpl's ``render_xml_part`` after Jinja, and its tree fixes where needed."""
        xml = _MARKED.sub(r"<w:p\1", self._compiled[name].render(context))
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
        xml = xml.replace("%_}", "%}")
        if _LISTING.search(xml):
            xml = self._helper.resolve_listing(xml)
        if name in self._fix_tables or "docPr" in xml:
            tree = self._helper.fix_tables(xml)
            self._helper.docx_ids_index = 1000
            self._helper.fix_docpr_ids(tree)
            xml = etree.tostring(tree, encoding="unicode")
        return xml

    def _render_properties(self, context: dict[str, Any]) -> bytes:
        """docxtpl's ``render_properties``: each property rendered and set through python-docx."""
        element = copy.deepcopy(self._helper.docx.core_properties._element)
        properties = CoreProperties(element)
        for name, template in self._properties.items():
            setattr(properties, name, template.render(context))
        return serialize_part_xml(element)


def _open(template: Path) -> DocxTemplate:
    try:
        helper = DocxTemplate(template)
        helper.init_docx()
    except Exception as error:  # python-docx raises several kinds for a damaged file
        raise TemplateProblem(
            template=template,
            detail=f"không mở được tệp .docx ({type(error).__name__}).",
            fix="mở và lưu lại tệp bằng Word (Lưu thành .docx).",
        ) from None
    return helper
