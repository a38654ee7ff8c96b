"""Split very long tables so LibreOffice lays them out in seconds, not minutes.

LibreOffice's layout of one table is roughly quadratic in its length (10,000
rows: about 11 minutes). A table with more than :data:`MAX_ROWS` body rows is
cut into tables of at most that many rows, each starting with a copy of the
original's repeated header rows. Each piece after the first starts on a new
page, after an empty paragraph of 1 pt (without a paragraph between them,
Word and LibreOffice join adjacent tables back into one): the reader sees the
header at the top of every page and every row once, in order; only the page
that ends a piece may be shorter than the others. Cuts never fall inside a
vertically merged cell. This is a step after rendering (:mod:`.table_rows`
does it as a table's rows pass): templates and declarations stay as they are.
"""

from __future__ import annotations

import re

MAX_ROWS = 200

# An empty 1 pt paragraph that starts a new page: what stands between two pieces.
SEPARATOR = (
    '<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:before="0" w:after="0" w:line="20" '
    'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
)
_HEADER = re.compile(
    r"<w:tr(?: [^>]*)?>(?:(?!<w:tc[ >]).)*?<w:trPr>(?:(?!</w:trPr>).)*?<w:tblHeader[ />]", re.S
)
_MERGE = re.compile(r'<w:vMerge(?![^>]*w:val="restart")[ />]')


def is_header(row: str) -> bool:
    """A row repeated at the top of every page (``w:tblHeader`` in its own properties)."""
    return _HEADER.match(row) is not None


def continues_merge(row: str) -> bool:
    """A row whose cell continues a vertical merge from the row above (cannot start a piece)."""
    return _MERGE.search(row) is not None


def starts(merges: list[bool], max_rows: int | None = None) -> list[int]:
    """Where each piece starts, as indexes into the body rows; ``merges[i]`` says row ``i``
    continues a merge. A single piece (``[0]``) means the table is left whole."""
    max_rows = max_rows or MAX_ROWS
    found, length = [0], 0
    for index, continues in enumerate(merges):
        if length >= max_rows and not continues:
            found.append(index)
            length = 0
        length += 1
    return found
