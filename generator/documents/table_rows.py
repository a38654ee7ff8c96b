"""One table of a rendered part, gathered row by row and finished as docxtpl and vanban do.

After Jinja, docxtpl fixes the grid of tables whose ``{%tc %}`` column loops added
or removed cells (its ``fix_tables``); vanban then fits such columns to the page
(:mod:`.columns`) and splits long tables (:mod:`.long_tables`). docxtpl does this on
a tree of the whole part, which for tens of thousands of rows costs gigabytes. Here
a table's rows stay text (kept in a temporary file past :data:`SPILL_BYTES`), what
the fixes need is measured as each row arrives, and only rows that a fix changes are
parsed. The XML is the same as the tree's (``tests/test_stream.py`` compares them).

Anything between rows (bookmarks, content controls ``w:sdt`` around rows) keeps
a table whole (not split); its grid is still fixed and its columns fitted, as on
the tree: rows inside a content control count for the grid but are not fitted.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator

from lxml import etree

from . import columns, long_tables

W = columns.W
SPILL_BYTES = 8 << 20  # rows kept in memory before they go to a temporary file
_SPAN = re.compile(r'<w:gridSpan w:val="(\d+)"')
_NESTED = re.compile(r"<w:tbl[ >]")
_CONTROL = re.compile(r"<(/?)w:sdt[ >]")
_GRID_END = "</w:tblGrid>"
_WRAPPER = "vanban-mot-phan"
PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True)


class Fragments:
    """Parse and write back pieces of a part, with the namespaces its root declares."""

    def __init__(self, namespaces: str) -> None:
        self._start = f"<{_WRAPPER} {namespaces}>"

    def parse(self, text: str) -> etree._Element:
        return etree.fromstring(f"{self._start}{text}</{_WRAPPER}>", PARSER)

    @staticmethod
    def text(wrapper: etree._Element) -> str:
        """The wrapper's content as text (the namespaces stay declared on the part's root)."""
        written = etree.tostring(wrapper, encoding="unicode")
        if written.endswith("/>"):
            return ""
        return written[written.index(">") + 1 : -len(f"</{_WRAPPER}>")]


class _Spool:
    """Rows as UTF-8, in memory up to :data:`SPILL_BYTES`, then in a temporary file."""

    def __init__(self) -> None:
        spool = tempfile.SpooledTemporaryFile  # closed by close(), once the table is written
        self._file = spool(max_size=SPILL_BYTES, prefix="vanban-bang-")  # noqa: SIM115
        self._sizes: list[tuple[int, int]] = []

    def add(self, row: str, tail: str) -> None:
        data, after = row.encode("utf-8"), tail.encode("utf-8")
        self._file.write(data + after)
        self._sizes.append((len(data), len(after)))

    def add_tail(self, tail: str) -> None:
        """Text after the last row added (kept with it, as an element's tail)."""
        size, after = self._sizes[-1]
        extra = tail.encode("utf-8")
        self._file.write(extra)
        self._sizes[-1] = (size, after + len(extra))

    def __len__(self) -> int:
        return len(self._sizes)

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        self._file.seek(0)
        for size, after in self._sizes:
            yield self._file.read(size), self._file.read(after)

    def close(self) -> None:
        self._file.close()


class GatheredTable:
    """A table outside tables (``top``: a child of the body, not in a text box or content
    control): its head, then its rows as they come."""

    def __init__(self, head: str, fragments: Fragments, layout: bool, *, top: bool = True) -> None:
        self.head = head  # from "<w:tbl" to the first row: properties and grid
        self.tail = "</w:tbl>"
        self._fragments = fragments
        self._layout = layout
        self._rows = _Spool()
        self._most_cells = 0  # docxtpl's measures: cells of the fullest row, at any depth,
        self._most_columns = 0  # and grid columns (spans counted) of the widest one
        self._widest: str | None = None  # the first top-level row with the most cells
        self._widest_cells = -1
        self._headers: list[str] = []  # leading rows repeated on every page
        self._merges: list[bool] = []  # body rows that continue a vertical merge
        self._parse_rows = False  # some row has spans to order or a table inside
        self.splittable = top  # a child of the body, nothing but rows inside: can be split
        self._controls = _control_depth(head)  # content controls open around the next row
        self._in_control: list[bool] = []  # rows inside one (not the table's own rows)
        self._fit: columns.Fit | None = None
        self._width: int | None = None  # the page's text width, once known
        self._head_tree: etree._Element | None | bool = None  # False: not parseable

    def add_row(self, row: str) -> None:
        spans = "gridSpan" in row
        if "<w:tbl" in row and _NESTED.search(row):
            self._parse_rows = True
            cells, most_cells, most_columns = self._measure_nested(row)
        else:
            cells = most_cells = row.count("<w:tc>") + row.count("<w:tc ")
            extra = sum(int(span) - 1 for span in _SPAN.findall(row)) if spans else 0
            most_columns = cells + extra
        self._parse_rows = self._parse_rows or spans
        self._most_cells = max(self._most_cells, most_cells)
        self._most_columns = max(self._most_columns, most_columns)
        self._in_control.append(self._controls > 0)
        if cells > self._widest_cells and not self._controls:
            self._widest, self._widest_cells = row, cells
        if len(self._rows) == len(self._headers) and long_tables.is_header(row):
            self._headers.append(row)
        else:
            self._merges.append("vMerge" in row and long_tables.continues_merge(row))
        self._rows.add(row, "")

    def add_between(self, text: str) -> None:
        """Text between two rows, or after the last: it follows the row before it."""
        if "<" in text:
            self.splittable = False
            self._controls += _control_depth(text)
        self._rows.add_tail(text)

    def _measure_nested(self, row: str) -> tuple[int, int, int]:
        element = self._fragments.parse(row)[0]
        all_rows = list(element.iter(f"{W}tr"))
        return (
            columns.cell_count(element),
            max(columns.cell_count(r) for r in all_rows),
            max(_grid_columns(r) for r in all_rows),
        )

    def needs_page_width(self) -> bool:
        """True when the table's columns are fitted to the page, so its section must be known."""
        return self._plan(None) is not None

    def _plan(self, text_width: int | None) -> columns.Fit | None:
        if not self._layout or self._widest is None or self._head() is None:
            return None
        widest = self._fragments.parse(self._widest)[0]
        columns.order_spans(widest)
        table = self._head()
        return columns.plan(columns.grid_widths(table), columns.cell_widths(widest), text_width)

    def _head(self) -> etree._Element | None:
        """The table without rows, its grid fixed as docxtpl fixes it (None: not parseable)."""
        if self._head_tree is None:
            try:
                self._head_tree = self._fragments.parse(self._own_head()[0] + "</w:tbl>")
            except etree.XMLSyntaxError:
                self._head_tree, self.splittable = False, False
                return None
            fix_grid(self._head_tree[0], self._most_cells, self._most_columns)
        return self._head_tree[0] if self._head_tree is not False else None

    def _own_head(self) -> tuple[str, str]:
        """The head cut after the grid: the table's properties, and what opens before the
        first row (a bookmark, a content control's start)."""
        end = self.head.rfind(_GRID_END)
        end = end + len(_GRID_END) if end >= 0 else len(self.head)
        return self.head[:end], self.head[end:]

    def finish(self, text_width: int | None) -> Iterator[str | bytes]:
        """The table's XML: grid fixed, columns fitted to ``text_width``, long tables split."""
        table = self._head()
        self._width, self._fit = text_width, self._plan(text_width)
        if table is not None and self._fit is not None:
            columns.apply_to_grid(table, self._fit)
        head = self.head
        written = self._fragments.text(self._head_tree) if table is not None else ""
        if written.endswith("</w:tbl>"):
            head = written[: -len("</w:tbl>")] + self._own_head()[1]
        starts = long_tables.starts(self._merges) if self._layout and self.splittable else [0]
        repeat = ""
        if len(starts) > 1:
            headers = "".join(self._row(row.encode("utf-8")).decode() for row in self._headers)
            repeat = "</w:tbl>" + long_tables.SEPARATOR + "<w:tbl>" + _children(head) + headers
        yield head
        cuts = {len(self._headers) + start for start in starts[1:]}
        for index, (row, tail) in enumerate(self._rows):
            if index in cuts:
                yield repeat
            yield self._row(row, in_control=self._in_control[index])
            if tail:
                yield tail
        self._rows.close()
        yield self.tail

    def _row(self, row: bytes, *, in_control: bool = False) -> bytes:
        """One row with the fixes that change it (the row unchanged when none does); a row
        inside a content control only has its nested tables fixed, as on the tree."""
        plain = b"gridSpan" not in row and b"<w:tbl" not in row
        fitted = self._fit is not None and not in_control
        if not fitted and (not self._parse_rows or plain or (in_control and b"<w:tbl" not in row)):
            return row
        text = row.decode("utf-8")
        wrapper = self._fragments.parse(text)
        element = wrapper[0]
        if self._layout and not in_control:
            columns.order_spans(element)
        if fitted:
            columns.apply_to_row(element, self._fit)
        for nested in element.iter(f"{W}tbl"):
            fix_grid(nested, *_measures(nested))
        if self._layout:
            for nested in element.iter(f"{W}tbl"):
                columns.fit_columns(nested, self._width)
        return self._fragments.text(wrapper).encode("utf-8")


def _control_depth(text: str) -> int:
    """Content controls opened less those closed in ``text``."""
    return sum(-1 if found[1] else 1 for found in _CONTROL.finditer(text))


def _children(head: str) -> str:
    """The head without its ``<w:tbl …>`` start tag: what every piece of a split table repeats."""
    return head[head.index(">") + 1 :]


def _grid_columns(row: etree._Element) -> int:
    total = 0
    for cell in row.findall(f"{W}tc"):
        span = cell.find(f"{W}tcPr/{W}gridSpan")
        total += int(span.get(f"{W}val")) if span is not None else 1
    return total


def _measures(table: etree._Element) -> tuple[int, int]:
    rows = list(table.iter(f"{W}tr"))
    if not rows:
        return 0, 0
    return max(columns.cell_count(r) for r in rows), max(_grid_columns(r) for r in rows)


def fix_grid(table: etree._Element, most_cells: int, most_columns: int) -> None:
    """docxtpl's grid fix: columns added when a row has more cells than the grid (widths
    scaled to keep the table's width), removed when no row fills the grid (their width
    shared among the others). ``most_*`` are measured over every row at any depth."""
    grid = table.find(f"{W}tblGrid")
    if grid is None:
        return
    found = grid.findall(f"{W}gridCol")
    added = most_cells - len(found)
    width = sum(float(c.get(f"{W}w")) for c in found if c.get(f"{W}w") is not None)
    if added > 0 and width > 0:
        old, new = width / len(found), width / (len(found) + added)
        for column in found:
            if column.get(f"{W}w") is not None:
                column.set(f"{W}w", str(int(float(column.get(f"{W}w")) * new / old)))
        for _ in range(added):
            etree.SubElement(grid, f"{W}gridCol", {f"{W}w": str(int(new))})
    found = grid.findall(f"{W}gridCol")
    removed = len(found) - most_columns
    if removed > 0:
        freed = 0.0
        for column in found[-removed:]:
            freed += float(column.get(f"{W}w", "0"))
            grid.remove(column)
        left = grid.findall(f"{W}gridCol")
        extra = int(freed / len(left)) if left else 0
        for column in left:
            column.set(f"{W}w", str(int(float(column.get(f"{W}w", "0")) + extra)))
