"""A .docx as the conformance rules see it: every paragraph with where it is.

Paragraphs are found in the body, in table cells (nested tables too), in text boxes
(``w:txbxContent``; of an ``mc:AlternateContent`` only the chosen form, so nothing is seen
twice) and in the headers and footers of every section. A paragraph's text and runs include
those inside hyperlinks, fields, content controls and tracked insertions, never deleted text.
Each paragraph carries a place in words a clerk can find: «phần 1, đoạn 12», «phần 1, bảng 2,
hàng 1, ô 2», «đầu trang (trang đầu) phần 1», «khung chữ trong phần 1, đoạn 3».
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

from ..common.errors import UnreadableDocument
from .styles import StyleSheet

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
_INLINE_CONTAINERS = {
    qn(tag)
    for tag in ("w:hyperlink", "w:fldSimple", "w:ins", "w:smartTag", "w:sdt", "w:sdtContent",
                "w:customXml", "w:moveTo", "w:dir", "w:bdo")
}  # fmt: skip
_PAGE_FIELD = re.compile(r"\b(PAGE|NUMPAGES|SECTIONPAGES)\b")
HEADER_KINDS = {"default": "", "first": " (trang đầu)", "even": " (trang chẵn)"}


@dataclass
class Para:
    """One paragraph and where it is."""

    element: etree._Element
    where: str
    section: int  # 1-based
    table_style: str | None = None
    index: int | None = None  # position among the body's top-level paragraphs (0-based)
    runs: list[etree._Element] = field(default_factory=list)
    text: str = ""
    text_runs: list[etree._Element] | None = None

    def quote(self) -> str:
        text = self.text.strip()
        return f"«{text[:50]}{'…' if len(text) > 50 else ''}»"


@dataclass
class Block:
    """A top-level element of the body: a paragraph or a table."""

    element: etree._Element
    section: int
    para: Para | None = None  # for paragraphs
    number: int | None = None  # 1-based table number, for tables


def runs_of(paragraph: etree._Element) -> list[etree._Element]:
    """The paragraph's own runs, through hyperlinks, fields and the like (not text boxes)."""
    found: list[etree._Element] = []

    def visit(parent: etree._Element) -> None:
        for child in parent:
            if child.tag == _R:
                found.append(child)
            elif child.tag in _INLINE_CONTAINERS:
                visit(child)
            elif child.tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    visit(choice)

    visit(paragraph)
    return found


_T, _TAB, _BREAKS, _TYPE = qn("w:t"), qn("w:tab"), (qn("w:br"), qn("w:cr")), qn("w:type")
_HYPHEN, _R, _P = qn("w:noBreakHyphen"), qn("w:r"), qn("w:p")
_TBL, _TC, _TR, _TXBX = qn("w:tbl"), qn("w:tc"), qn("w:tr"), qn("w:txbxContent")
_GROUPS = (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"))
_FALLBACK = f"{{{MC}}}Fallback"


def run_text(run: etree._Element) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n" if child.get(_TYPE) in (None, "textWrapping") else "")
        elif tag == _HYPHEN:
            parts.append("-")
    return "".join(parts)


def has_page_field(element: etree._Element) -> bool:
    """A PAGE (or NUMPAGES) field anywhere in ``element``, simple or complex."""
    for simple in element.iter(qn("w:fldSimple")):
        if _PAGE_FIELD.search(simple.get(qn("w:instr"), "")):
            return True
    return any(_PAGE_FIELD.search(i.text or "") for i in element.iter(qn("w:instrText")))


class Document:
    """The parts of one .docx the rules read, and its paragraphs with their places."""

    def __init__(self, path: Path) -> None:
        try:
            self.docx = docx.Document(str(path))
        except Exception as error:  # python-docx raises several kinds for a damaged file
            detail = f"tệp không phải .docx hoặc đã hỏng ({type(error).__name__})."
            raise UnreadableDocument(path=path, detail=detail) from error
        part = self.docx.part
        self.body = part.element.body
        theme = next((r.target_part for r in part.rels.values() if r.reltype == _THEME), None)
        self.styles = StyleSheet(
            part.styles.element if part._styles_part is not None else None,
            _parse(theme.blob) if theme is not None else None,
        )
        self.settings = part._settings_part.element if part._settings_part else None
        self.blocks = list(self._blocks())
        self.section_properties = [
            b.element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            for b in self.blocks
            if b.para is not None and b.element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
        ] + [self.body.find(qn("w:sectPr"))]
        self.section_properties = [s for s in self.section_properties if s is not None]
        self.pages = _page_count(self.docx)

    def surely_several_pages(self) -> bool:
        """More than one page whatever the layout: a page or section break, or more text
        than one A4 page holds at 13 pt (about 3,500 characters)."""
        for sect_pr in self.section_properties[1:]:  # a section that starts on a new page
            start = sect_pr.find(qn("w:type"))
            if start is None or start.get(qn("w:val")) != "continuous":
                return True
        if any(b.get(_TYPE) == "page" for b in self.body.iter(_BREAKS[0])):
            return True
        return sum(len(p.text) for p in self.paragraphs()) > 3500

    # --- the body ---------------------------------------------------------------------

    def _top_level(self) -> Iterator[etree._Element]:
        def visit(parent):
            for child in parent:
                if child.tag in (qn("w:p"), qn("w:tbl")):
                    yield child
                elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
                    yield from visit(child)

        yield from visit(self.body)

    def _blocks(self) -> Iterator[Block]:
        section, paragraphs, tables = 1, 0, 0
        for element in self._top_level():
            if element.tag == qn("w:p"):
                paragraphs += 1
                para = make_para(element, f"phần {section}, đoạn {paragraphs}", section)
                para.index = paragraphs - 1
                yield Block(element, section, para=para)
                if element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                    section += 1
            else:
                tables += 1
                yield Block(element, section, number=tables)

    def paragraphs(self) -> Iterator[Para]:
        """Every paragraph of the document: body, tables, text boxes, headers and footers."""
        for block in self.blocks:
            if block.para is not None:
                yield block.para
                yield from _text_boxes(block.para)
            else:
                where = f"phần {block.section}, bảng {block.number}"
                yield from table_paragraphs(block.element, where, block.section)
        for number, kind, side, root in self.header_footer_parts():
            where = f"{'đầu trang' if side == 'header' else 'chân trang'}{HEADER_KINDS[kind]}"
            yield from _container(root, f"{where} phần {number}", number)

    def header_footer_parts(self) -> Iterator[tuple[int, str, str, etree._Element]]:
        """(section, kind, "header"/"footer", root) for each part a section names itself."""
        for number, sect_pr in enumerate(self.section_properties, start=1):
            for side in ("header", "footer"):
                for reference in sect_pr.findall(qn(f"w:{side}Reference")):
                    root = self.part_root(reference.get(qn("r:id")))
                    if root is not None:
                        yield number, reference.get(qn("w:type"), "default"), side, root

    def part_root(self, rel_id: str | None) -> etree._Element | None:
        rel = self.docx.part.rels.get(rel_id) if rel_id else None
        if rel is None or rel.is_external:
            return None
        return getattr(rel.target_part, "element", None)

    def shown(self, number: int, side: str, kind: str) -> etree._Element | None:
        """The header or footer of ``kind`` that section ``number`` shows (inherited from an
        earlier section when it names none)."""
        for sect_pr in reversed(self.section_properties[:number]):
            for reference in sect_pr.findall(qn(f"w:{side}Reference")):
                if reference.get(qn("w:type"), "default") == kind:
                    return self.part_root(reference.get(qn("r:id")))
        return None

    def setting(self, tag: str) -> bool:
        element = None if self.settings is None else self.settings.find(qn(tag))
        return element is not None and element.get(qn("w:val"), "true") not in ("0", "false")

    # --- formatting -------------------------------------------------------------------

    def text_runs(self, para: Para) -> list[etree._Element]:
        if para.text_runs is None:
            para.text_runs = [run for run in para.runs if run_text(run).strip()]
        return para.text_runs


def make_para(element: etree._Element, where: str, section: int, table_style=None) -> Para:
    runs = runs_of(element)
    return Para(element, where, section, table_style, runs=runs, text="".join(map(run_text, runs)))


def _table_style(table: etree._Element) -> str | None:
    style = table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
    return None if style is None else style.get(qn("w:val"))


def table_rows(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        if child.tag == _TR:
            rows.append(child)
        elif child.tag in _GROUPS:
            rows.extend(child.iter(_TR))
    return rows


def row_cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row.iter(_TC) if _owner(c, _TR) is row]


def _owner(element: etree._Element, tag: str) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def cell_text(cell: etree._Element) -> str:
    return "\n".join(make_para(p, "", 0).text for p in cell.findall(qn("w:p")))


def table_paragraphs(table: etree._Element, where: str, section: int) -> Iterator[Para]:
    style = _table_style(table)
    for r_index, row in enumerate(table_rows(table), start=1):
        for c_index, cell in enumerate(row_cells(row), start=1):
            place = f"{where}, hàng {r_index}, ô {c_index}"
            yield from _container(cell, place, section, style)


def _container(root, where: str, section: int, style: str | None = None) -> Iterator[Para]:
    nested = 0
    for child in root:
        if child.tag == _P:
            para = make_para(child, where, section, style)
            yield para
            yield from _text_boxes(para)
        elif child.tag == _TBL:
            nested += 1
            yield from table_paragraphs(child, f"{where}, bảng lồng {nested}", section)
        elif child.tag in _GROUPS:
            yield from _container(child, where, section, style)


def _text_boxes(para: Para) -> Iterator[Para]:
    for box in para.element.iter(_TXBX):
        if any(a.tag == _FALLBACK for a in box.iterancestors()):
            continue
        if _owner(box, _P) is not para.element:
            continue  # a box inside a box is reached from its own paragraph
        yield from _container(box, f"khung chữ trong {para.where}", para.section)


def _parse(blob: bytes) -> etree._Element | None:
    """A part's XML, entities not expanded; None when it is not XML."""
    try:
        return etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def _page_count(document) -> int | None:
    """The page count Word saved in docProps/app.xml, when it did."""
    for part in document.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            match = re.search(rb"<(?:\w+:)?Pages>(\d+)<", part.blob)
            return int(match.group(1)) if match else None
    return None
