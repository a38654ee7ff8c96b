"""Render one docxtpl template many times: parse and compile once, then only fill and zip.

docxtpl re-reads the template, re-cleans its XML with regular expressions and
re-parses the result for every document; for a batch of 1,500 unit forms, or a
table of 10,000 rows, that work dominates. Here the cleaned XML of each part
that holds tags is compiled into a Jinja template once; a render is then a
Jinja render plus a zip. It supports what the shipped form template uses
(``{{ }}``, ``{% %}``, ``{%p %}``, ``{%tr %}``); templates that need docxtpl's
other post-processing (``{%tc %}`` column loops, images, sub-documents, rich
text) should go through :func:`generator.documents.render.render_docx`. Both use the one
sandbox of :mod:`.render`, with its limits and messages.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import Template

from ..common.files import FIXED_ZIP_TIME
from .render import compile_template, open_template, rendering

_PARAGRAPH = re.compile(r"<w:p([ >])")
_MARKED = re.compile(r"\n<w:p([ >])")
_TEMPLATED = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")


class CompiledTemplate:
    """A .docx template compiled once; :meth:`render` gives a document's bytes."""

    def __init__(self, template: Path) -> None:
        self.template = template
        helper = open_template(template)  # only for docxtpl's tag clean-up (patch_xml)
        with zipfile.ZipFile(template) as archive:
            self._entries = [
                (info.filename, archive.read(info.filename)) for info in archive.infolist()
            ]
        self._compiled: dict[str, Template] = {}
        for name, data in self._entries:
            text = data.decode("utf-8", errors="replace") if _TEMPLATED.search(name) else ""
            if "{{" in text or "{%" in text:
                cleaned = _PARAGRAPH.sub(r"\n<w:p\1", helper.patch_xml(text))
                self._compiled[name] = compile_template(template, cleaned)

    def render(self, context: dict[str, Any]) -> bytes:
        """The filled document, with fixed zip times (same context, same bytes).

        The same limits and messages as the notice (:func:`.render.rendering`) apply.
        """
        with rendering(self.template, context):
            filled = {name: part.render(context) for name, part in self._compiled.items()}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in self._entries:
                if name in filled:
                    data = _MARKED.sub(r"<w:p\1", filled[name]).encode("utf-8")
                entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(entry, data)
        return buffer.getvalue()
