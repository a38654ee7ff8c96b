"""From the text Jinja writes for one document part to the part's bytes, a block at a time.

docxtpl finishes a rendered part in one piece: the whole text is cleaned with
regular expressions, parsed into one tree and written back, which for tens of
thousands of table rows costs minutes and gigabytes. Here Jinja's output flows
through in blocks of about a megabyte, cut where a paragraph starts, and each
block gets what docxtpl does after Jinja, with the same result:

1. the line breaks docxtpl puts before paragraphs (for its error messages) go,
   the ``{_{ … }_}`` escapes become braces, and tabs, line breaks, new paragraphs
   and page breaks inside values become Word's own (docxtpl's ``resolve_listing``);
   none of these spans a paragraph start, so a block is a whole unit of work;
2. in the document body, every top-level table is gathered row by row and
   finished by :mod:`.table_rows` (grid fixed after ``{%tc %}`` loops; with
   ``layout``, columns fitted to the page and long tables split). A table fitted
   to the page waits, with what follows it, for the section that ends its page
   (``w:sectPr``), which gives the page's text width;
3. picture ids (``wp:docPr``) are numbered in order from 1001, as docxtpl does.

Memory stays at a few blocks plus the table being gathered (itself spilled to
disk when long), whatever the length of the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree

from .columns import section_text_width
from .table_rows import Fragments, GatheredTable

BLOCK = 1 << 20  # characters gathered before a block is cut at a paragraph start
_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
_LISTING_CHARACTERS = ("\t", "\a", "\n", "\f")
_TOKEN = re.compile(r"<(/?)w:(tbl|tr)[ >]")
_ENCLOSING = re.compile(r"<(/?)w:(?:txbxContent|sdt)[ >]")  # what makes a table not the body's
_SECTION = re.compile(r"<w:sectPr[ >].*?</w:sectPr>", re.S)
_DOCPR = re.compile(r'(<wp:docPr\b[^>]*?\bid=")[^"]*(")')
FIRST_PICTURE_ID = 1000  # docxtpl numbers pictures from the one after this
_PARAGRAPH_TEXT = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.S)
_RUN = re.compile(r"<w:r(?: [^>]*)?>.*?</w:r>", re.S)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>.*?</w:t>", re.S)
_PARAGRAPH_PROPERTIES = re.compile(r"<w:pPr>.*?</w:pPr>", re.S)
_RUN_PROPERTIES = re.compile(r"<w:rPr>.*?</w:rPr>", re.S)


def blocks(pieces: Iterable[str]) -> Iterator[str]:
    """Jinja's output in blocks that start at a paragraph, each cleaned as docxtpl cleans."""
    buffer: list[str] = []
    size, wanted = 0, BLOCK
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size < wanted:
            continue
        text = "".join(buffer)
        cut = text.rfind("\n<w:p")
        if cut <= 0:  # one long paragraph: gather more before trying again
            buffer, wanted = [text], size * 2
            continue
        yield clean(text[:cut])
        buffer = [text[cut:]]
        size, wanted = len(buffer[0]), BLOCK
    if buffer:
        yield clean("".join(buffer))


def clean(block: str) -> str:
    """docxtpl's clean-ups after Jinja, on a block that starts at a paragraph."""
    block = block.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # r"\n<w:p([ >])"
    if "{_" in block or "_}" in block:
        block = block.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
        block = block.replace("%_}", "%}")
    if any(mark in block for mark in _LISTING_CHARACTERS) and _LISTING.search(block):
        block = _PARAGRAPH_TEXT.sub(_listing_paragraph, block)
    return block


def _listing_paragraph(paragraph: re.Match) -> str:
    """A paragraph whose texts hold a tab (a tab), a line break (a line break), \\a (a new
    paragraph) or \\f (a page break), written as Word writes them, each new run or
    paragraph keeping the formatting of the one it came from (as docxtpl's listing)."""
    text = paragraph.group(0)
    if not any(mark in text for mark in _LISTING_CHARACTERS):
        return text
    found = _PARAGRAPH_PROPERTIES.search(text)
    ppr = found.group(0) if found else ""

    def run(match: re.Match) -> str:
        found = _RUN_PROPERTIES.search(match.group(0))
        rpr = found.group(0) if found else ""
        start = f'<w:r>{rpr}<w:t xml:space="preserve">'
        marks = {
            "\t": f"</w:t></w:r><w:r>{rpr}<w:tab/></w:r>{start}",
            "\a": f"</w:t></w:r></w:p><w:p>{ppr}{start}",
            "\n": '</w:t><w:br/><w:t xml:space="preserve">',
            "\f": f'</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p><w:p>{ppr}{start}',
        }

        def texts(found: re.Match) -> str:
            written = found.group(0)
            for mark, replacement in marks.items():
                written = written.replace(mark, replacement)
            return written

        return _TEXT.sub(texts, match.group(0))

    return _RUN.sub(run, text)


class Body:
    """The document body's blocks in, its finished text out (tables done row by row)."""

    def __init__(self, namespaces: str, *, layout: bool) -> None:
        self._fragments = Fragments(namespaces)
        self._layout = layout
        self._depth = 0  # tables open around the current position
        self._table: GatheredTable | None = None
        self._top = True  # the table being gathered is a child of the body
        self._open: list[str] = []  # text of the table's head, current row or between rows
        self._enclosed = 0  # text boxes and content controls open around the position
        self._waiting: list[str | GatheredTable] = []  # output held for a page width
        self._pictures = FIRST_PICTURE_ID

    def feed(self, block: str) -> Iterator[bytes]:
        position = 0
        for token in _TOKEN.finditer(block):
            closing, name = token[1] == "/", token[2]
            if self._depth == 0:
                if name == "tbl" and not closing:
                    yield from self._outside(block[position : token.start()])
                    self._top = self._enclosed == 0
                    position = token.start()
                    self._depth, self._open = 1, []
                continue
            if name == "tbl":
                self._depth += -1 if closing else 1
                if self._depth == 0:
                    yield from self._end_table(block[position : token.end()])
                    position = token.end()
            elif self._depth == 1 and not closing:
                self._start_row(block[position : token.start()])
                position = token.start()
            elif self._depth == 1:
                self._end_row(block[position : token.end()])
                position = token.end()
        if self._depth:
            self._open.append(block[position:])
        else:
            yield from self._outside(block[position:])

    def close(self) -> Iterator[bytes]:
        """The rest: tables still waiting get the width of no section (their cells' own)."""
        if self._depth:  # a table never closed: written as it came (the XML check says so)
            self._waiting.append("".join(self._open))
        yield from self._flush(None)

    def _start_row(self, before: str) -> None:
        text = "".join(self._open) + before
        if self._table is None:
            self._table = GatheredTable(text, self._fragments, self._layout, top=self._top)
        elif text:
            self._table.add_between(text)
        self._open = []

    def _end_row(self, rest: str) -> None:
        self._table.add_row("".join(self._open) + rest)
        self._open = []

    def _end_table(self, rest: str) -> Iterator[bytes]:
        text = "".join(self._open) + rest
        table, self._table, self._open = self._table, None, []
        if table is None:  # a table without rows: its grid is still fixed, as docxtpl does
            table = GatheredTable(
                text[: -len("</w:tbl>")], self._fragments, self._layout, top=self._top
            )
        elif len(text) > len("</w:tbl>"):
            table.add_between(text[: -len("</w:tbl>")])
        if self._waiting or table.needs_page_width():
            self._waiting.append(table)
        else:
            yield from self._emit(table.finish(None))

    def _outside(self, text: str) -> Iterator[bytes]:
        if not text:
            return
        self._enclosed += sum(-1 if found[1] else 1 for found in _ENCLOSING.finditer(text))
        if not self._waiting:
            yield from self._emit([text])
            return
        self._waiting.append(text)
        section = _SECTION.search(text)
        if section is not None:
            width = section_text_width(self._fragments.parse(section.group(0))[0])
            yield from self._flush(width)

    def _flush(self, width: int | None) -> Iterator[bytes]:
        waiting, self._waiting = self._waiting, []
        for item in waiting:
            if isinstance(item, GatheredTable):
                yield from self._emit(item.finish(width))
            else:
                yield from self._emit([item])

    def _emit(self, pieces: Iterable[str | bytes]) -> Iterator[bytes]:
        """Pieces as UTF-8, with picture ids numbered in order."""
        for piece in pieces:
            if isinstance(piece, bytes):
                if b"docPr" not in piece:
                    yield piece
                    continue
                piece = piece.decode("utf-8")
            if "docPr" in piece:
                piece = self._number_pictures(piece)
            yield piece.encode("utf-8")

    def _number_pictures(self, text: str) -> str:
        def next_id(match: re.Match) -> str:
            self._pictures += 1
            return f"{match[1]}{self._pictures}{match[2]}"

        return _DOCPR.sub(next_id, text)


def finish_body(text: str, *, layout: bool = True) -> str:
    """A whole document part's text (a ``w:document``) through :class:`Body` at once."""
    body = Body(root_namespaces(text), layout=layout)
    return b"".join([*body.feed(text), *body.close()]).decode("utf-8")


def root_namespaces(part: str) -> str:
    """The namespace declarations on the root element of a part's XML text."""
    start = re.search(r"<(?!\?)[^>]+>", part)
    found = re.findall(r'\sxmlns(?::[\w.-]+)?="[^"]*"', start.group(0)) if start else []
    return "".join(found).strip()


class WellFormed:
    """An XML check of the bytes as they pass, keeping no tree."""

    class _Nothing:
        def close(self) -> None:
            return None

    def __init__(self) -> None:
        self._parser = etree.XMLParser(
            target=self._Nothing(), resolve_entities=False, huge_tree=True, no_network=True
        )

    def feed(self, data: bytes) -> None:
        self._parser.feed(data)

    def close(self) -> None:
        """Raises ``etree.XMLSyntaxError`` when what was fed is not one XML document."""
        self._parser.close()
