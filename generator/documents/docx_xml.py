"""Small OOXML helpers python-docx lacks: fonts in every slot, borders, row flags, fields.

Each helper inserts its element at the position the schema requires, so Word
does not call the file corrupt.
"""

from __future__ import annotations

import copy
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..common.files import FIXED_ZIP_TIME, stable_zip  # noqa: F401  (FIXED_ZIP_TIME: re-exported)
from .properties import app_xml

FONT = "Times New Roman"
_PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_TRPR_AFTER_CANTSPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_TRPR_AFTER_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden")
_TBLPR_AFTER_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription")
_SECTPR_AFTER_PGNUM = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip


def set_font(rpr_parent, size: float | None = None) -> None:
    """Times New Roman in the ascii, hAnsi, cs and eastAsia slots (Vietnamese needs hAnsi)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)
    if size is not None:
        rpr.sz_val = Pt(size)
        _set_val(
            rpr,
            "w:szCs",
            str(int(size * 2)),
            after=(
                "w:highlight",
                "w:u",
                "w:effect",
                "w:bdr",
                "w:shd",
                "w:fitText",
                "w:vertAlign",
                "w:rtl",
                "w:cs",
                "w:em",
                "w:lang",
                "w:eastAsianLayout",
                "w:specVanish",
                "w:oMath",
            ),
        )


def _set_val(parent, tag: str, value: str, after: tuple[str, ...]) -> None:
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.insert_element_before(element, *after)
    element.set(qn("w:val"), value)


def styled_run(
    paragraph: Paragraph, text: str, size: float, *, bold: bool = False, italic: bool = False
) -> Run:
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    set_font(run._element, size)
    return run


def paragraph_border(paragraph: Paragraph, side: str = "bottom", size_eighths: int = 6) -> None:
    """A single line along one side of the paragraph (used for the short rules)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    for key, value in (
        ("val", "single"),
        ("sz", str(size_eighths)),
        ("space", "1"),
        ("color", "000000"),
    ):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)
    ppr.insert_element_before(borders, *_PPR_AFTER_BORDER)


def add_rule(container, length_cm: float, width_cm: float, space_after: float = 0) -> Paragraph:
    """A horizontal rule ``length_cm`` long, centred in a block ``width_cm`` wide.

    It is the top border of an empty 2 pt paragraph whose indents set its length,
    so a clerk can move or resize it in Word like any paragraph.
    """
    paragraph = container.add_paragraph()
    side = max((width_cm - length_cm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(side)
    fmt.space_before, fmt.space_after = Pt(4), Pt(space_after)
    fmt.line_spacing = Pt(2)
    paragraph_border(paragraph, "top")
    return paragraph


def row_flags(row: _Row, *, header: bool = False) -> None:
    """Never split the row across pages; repeat it on every page when ``header``."""
    trpr = row._tr.get_or_add_trPr()
    trpr.insert_element_before(OxmlElement("w:cantSplit"), *_TRPR_AFTER_CANTSPLIT)
    if header:
        trpr.insert_element_before(OxmlElement("w:tblHeader"), *_TRPR_AFTER_HEADER)


def fixed_layout(table: Table, widths_cm: list[float], cell_margin_cm: float | None = None) -> None:
    """Fixed column widths (Word and LibreOffice then agree on line breaks)."""
    table.autofit = False  # writes <w:tblLayout w:type="fixed"/>
    tblpr = table._tbl.tblPr
    total = tblpr.find(qn("w:tblW"))
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(sum(int(Cm(width).twips) for width in widths_cm)))
    if cell_margin_cm is not None:
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            element = OxmlElement(f"w:{side}")
            element.set(qn("w:w"), str(int(Cm(cell_margin_cm).twips)))
            element.set(qn("w:type"), "dxa")
            margins.append(element)
        tblpr.insert_element_before(margins, *_TBLPR_AFTER_MARGINS)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def cell_text(
    cell: _Cell,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
) -> Paragraph:
    """Put ``text`` in the cell's first paragraph, with no spacing around it."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Cm(0)
    styled_run(paragraph, text, size, bold=bold, italic=italic)
    mark_size(paragraph, size)
    return paragraph


def mark_size(paragraph: Paragraph, size: float) -> None:
    """The paragraph mark's size, so that an empty cell is no taller than a filled one."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(int(size * 2)))
        rpr.append(element)
    ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")


def page_number_field(paragraph: Paragraph, size: float) -> None:
    """A PAGE field showing the current page number."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    field.append(run)
    set_font(run, size)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    paragraph._p.append(field)


def restart_page_numbers(sect_pr) -> None:
    """Number this section's pages from 1."""
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    sect_pr.insert_element_before(numbering, *_SECTPR_AFTER_PGNUM)


def section_break_paragraph(sect_pr) -> OxmlElement:
    """An empty paragraph that ends a section laid out as ``sect_pr``."""
    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    paragraph.append(ppr)
    ppr.append(copy.deepcopy(sect_pr))
    return paragraph


def deterministic_bytes(document) -> bytes:
    """The document's .docx bytes with fixed zip entry times and order.

    python-docx stamps each entry with the current time; rewriting the zip with
    one fixed time and sorted-by-original order makes equal content give equal bytes.
    """
    raw = io.BytesIO()
    document.save(raw)
    return stable_zip(raw.getvalue())


def set_app_properties(document) -> None:
    """``docProps/app.xml`` of a python-docx document, as :func:`.properties.app_xml` says."""
    for part in document.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = app_xml()
