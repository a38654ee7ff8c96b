"""The document properties vanban writes: core (title, author, dates), app and custom.

Written at the level of the package's XML parts, so that filling a template needs
no python-docx; :mod:`.docx_xml` uses the same texts for the templates it makes.
"""

from __future__ import annotations

from datetime import datetime
from html import escape as _html_escape
from typing import Any

from lxml import etree

CUSTOM = "docProps/custom.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def escape(text: str) -> str:
    """``text`` for XML character data (``xml.sax.saxutils`` would import urllib and ssl)."""
    return _html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    """``text`` as a quoted XML attribute value."""
    return f'"{_html_escape(text, quote=True)}"'


_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_CORE_TAGS = {
    "author": f"{{{_DC}}}creator",
    "comments": f"{{{_DC}}}description",
    "identifier": f"{{{_DC}}}identifier",
    "language": f"{{{_DC}}}language",
    "subject": f"{{{_DC}}}subject",
    "title": f"{{{_DC}}}title",
    "last_modified_by": f"{{{_CP}}}lastModifiedBy",
    "revision": f"{{{_CP}}}revision",
    "created": f"{{{_DCTERMS}}}created",
    "modified": f"{{{_DCTERMS}}}modified",
}


def core_xml(data: bytes, values: dict[str, Any]) -> bytes:
    """``docProps/core.xml`` with ``values`` set as python-docx sets them (a missing element
    is added at the end; dates in UTC, typed W3CDTF)."""
    root = etree.fromstring(data, _PARSER)
    for name, value in values.items():
        tag = _CORE_TAGS[name]
        element = root.find(tag)
        if element is None:
            element = etree.SubElement(root, tag)
        if isinstance(value, datetime):
            element.text = value.strftime("%Y-%m-%dT%H:%M:%SZ")
            element.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
        else:
            element.text = str(value)
    return etree.tostring(root, encoding="UTF-8", standalone=True)


_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def app_xml(application: str = "vanban") -> bytes:
    """``docProps/app.xml`` naming the program that wrote the file, without stale page, word
    and time counts (Word recounts them when it saves)."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_APP_NS}" xmlns:vt="{_VT_NS}">'
        f"<Application>{escape(application)}</Application><DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()


def custom_xml(properties: dict[str, str]) -> bytes:
    """``docProps/custom.xml`` (File → Properties → Custom in Word)."""
    entries = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name={quoteattr(name)}>'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(properties.items()), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{entries}</Properties>'
    ).encode()


def with_custom_type(data: bytes) -> bytes:
    root = etree.fromstring(data, _PARSER)
    overrides = list(root.iter(f"{{{_TYPES_NS}}}Override"))
    if not any(o.get("PartName") == f"/{CUSTOM}" for o in overrides):
        override = etree.Element(f"{{{_TYPES_NS}}}Override")
        override.set("PartName", f"/{CUSTOM}")
        override.set("ContentType", _CUSTOM_TYPE)
        later = [o for o in overrides if o.get("PartName", "") > f"/{CUSTOM}"]
        if later:  # in order of part names, as python-docx writes them
            later[0].addprevious(override)
        else:
            root.append(override)
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def with_custom_relation(data: bytes) -> bytes:
    """The package relation to the custom properties, with the first free ``rIdN``."""
    root = etree.fromstring(data, _PARSER)
    relations = list(root.iter(f"{{{_RELS_NS}}}Relationship"))
    if not any(r.get("Type") == _CUSTOM_REL for r in relations):
        taken = {r.get("Id") for r in relations}
        number = next(n for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
        relation = etree.SubElement(root, f"{{{_RELS_NS}}}Relationship")
        relation.set("Id", f"rId{number}")
        relation.set("Type", _CUSTOM_REL)
        relation.set("Target", CUSTOM)
    return etree.tostring(root, encoding="UTF-8", standalone=True)
