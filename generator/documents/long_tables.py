"""Split very long tables so LibreOffice lays them out in seconds, not minutes.

LibreOffice's layout of one table is roughly quadratic in its length (10,000
rows: about 11 minutes). A table with more than ``max_rows`` body rows is cut
into tables of at most ``max_rows`` rows, each starting with a copy of the
original's repeated header rows. Each piece after the first starts on a new
page, after an empty paragraph of 1 pt (without a paragraph between them,
Word and LibreOffice join adjacent tables back into one): the reader sees the
header at the top of every page and every row once, in order; only the page
that ends a piece may be shorter than the others. Cuts never fall inside a
vertically merged cell. This is a step after rendering: templates and
declarations stay as they are.
"""

from __future__ import annotations

import copy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

MAX_ROWS = 200


def split_long_tables(body, max_rows: int | None = None) -> int:
    """Split every table of ``body`` (a ``w:body`` element) longer than ``max_rows``
    body rows (default :data:`MAX_ROWS`); returns how many tables were split."""
    max_rows = max_rows or MAX_ROWS
    split = 0
    for table in list(body.iterchildren(qn("w:tbl"))):
        if _split(table, max_rows):
            split += 1
    return split


def _split(table, max_rows: int) -> bool:
    rows = list(table.iterchildren(qn("w:tr")))
    header = 0
    while (
        header < len(rows) and rows[header].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    ):
        header += 1
    body = rows[header:]
    if len(body) <= max_rows:
        return False
    pieces = _pieces(body, max_rows)
    anchor = table
    for piece in pieces[1:]:
        separator = _separator()
        anchor.addnext(separator)
        new = OxmlElement("w:tbl")
        for child in table:
            if child.tag != qn("w:tr"):
                new.append(copy.deepcopy(child))
        for row in rows[:header]:
            new.append(copy.deepcopy(row))
        for row in piece:
            new.append(row)  # moved out of the original table
        separator.addnext(new)
        anchor = new
    return True


def _pieces(body: list, max_rows: int) -> list[list]:
    pieces: list[list] = [[]]
    for row in body:
        if len(pieces[-1]) >= max_rows and not _continues_merge(row):
            pieces.append([])
        pieces[-1].append(row)
    return pieces


def _continues_merge(row) -> bool:
    """A row whose cell continues a vertical merge from the row above (cannot start a table)."""
    merges = row.iter(qn("w:vMerge"))
    return any(merge.get(qn("w:val")) in (None, "continue") for merge in merges)


def _separator():
    """An empty 1 pt paragraph that starts a new page."""
    paragraph = OxmlElement("w:p")
    properties = OxmlElement("w:pPr")
    page_break = OxmlElement("w:pageBreakBefore")
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "20")
    spacing.set(qn("w:lineRule"), "exact")
    run_properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    run_properties.append(size)
    properties.extend([page_break, spacing, run_properties])
    paragraph.append(properties)
    return paragraph
