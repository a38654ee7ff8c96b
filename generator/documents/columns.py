"""Fit the columns of tables whose column count a ``{%tc for %}`` loop changed.

docxtpl repeats the cells of a column loop (each copy keeps its template width)
but leaves the table's grid as it was, or spreads it evenly. Here the grid is
rebuilt from the cells' own widths, scaled to the text width of the page the
table is on: the template's proportions are kept for any number of columns
(squeezed hard, the table's text shrinks too, down to 8 pt).
Tables whose grid already matches their cells are left exactly as they are.

Two steps, so that a long table can be fitted one row at a time
(:mod:`.table_rows`): :func:`plan` decides from the grid and the widest row,
:func:`apply_to_grid` and :func:`apply_to_row` change the table.
:func:`fit_columns` does both for every table of a parsed tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SHRINK_TEXT_BELOW = 0.9  # columns squeezed more than this: the text shrinks with them
MIN_HALF_POINTS = 16  # … but never below 8 pt
TOLERANCE_TWIPS = 20  # a grid this close to its cells' widths is left alone
_NS = {"w": W[1:-1]}


@dataclass(frozen=True)
class Fit:
    """What fitting does to one table: its new grid, and how much its text shrinks."""

    widths: tuple[int, ...]
    shrink: float | None  # None: sizes stay


def fit_columns(tree: etree._Element, text_width: int | None = None) -> None:
    """Fit every table in ``tree`` (a rendered document part, or a piece of one) that needs
    it; ``text_width`` is the page's text width when the tree does not hold its section."""
    for table in tree.iter(f"{W}tbl"):
        rows = table.findall(f"{W}tr")
        for row in rows:
            order_spans(row)
        grid = table.find(f"{W}tblGrid")
        widest = max(rows, key=cell_count, default=None)
        if grid is None or widest is None:
            continue
        fit = plan(grid_widths(table), cell_widths(widest), _text_width(table) or text_width)
        if fit is None:
            continue
        apply_to_grid(table, fit)
        for row in rows:
            apply_to_row(row, fit)


def cell_count(row: etree._Element) -> int:
    return len(row.findall(f"{W}tc"))


def grid_widths(table: etree._Element) -> list[int]:
    return [int(column.get(f"{W}w", "0")) for column in table.iterfind(f"{W}tblGrid/{W}gridCol")]


def plan(grid: list[int], widths: list[int] | None, text_width: int | None) -> Fit | None:
    """The fit for a table with ``grid`` whose widest row has cells ``widths`` (None: the
    table is left alone)."""
    if widths is None or _matches(grid, widths):
        return None
    target = text_width or sum(widths)
    shrink = target / sum(widths) if target < sum(widths) * SHRINK_TEXT_BELOW else None
    return Fit(tuple(_scaled(widths, target)), shrink)


def _matches(grid: list[int], widths: list[int]) -> bool:
    """The grid agrees with the cells (Word's own rounding of a few twips is no change)."""
    return len(grid) == len(widths) and all(
        abs(have - want) <= max(TOLERANCE_TWIPS, want // 20)
        for have, want in zip(grid, widths, strict=True)
    )


def order_spans(row: etree._Element) -> None:
    """Put ``w:gridSpan`` after ``w:tcW``, as the schema wants (docxtpl's colspan puts it first)."""
    for span in row.iterfind(f"{W}tc/{W}tcPr/{W}gridSpan"):
        width = span.getparent().find(f"{W}tcW")
        if width is not None and span.getparent().index(span) < span.getparent().index(width):
            width.addnext(span)


def cell_widths(row: etree._Element) -> list[int] | None:
    """The widths of a row's cells, one per grid column (None: not all in dxa)."""
    widths = []
    for cell in row.findall(f"{W}tc"):
        width = cell.find(f"{W}tcPr/{W}tcW")
        if width is None or width.get(f"{W}type") != "dxa":
            return None
        span = _span(cell)
        widths += [int(width.get(f"{W}w")) // span] * span
    return widths


def _span(cell: etree._Element) -> int:
    span = cell.find(f"{W}tcPr/{W}gridSpan")
    return int(span.get(f"{W}val")) if span is not None else 1


def _text_width(table: etree._Element) -> int | None:
    """Page width less the side margins of the section the table is in, when the tree
    holds that section."""
    found = table.xpath("following::w:sectPr[1]", namespaces=_NS)
    return section_text_width(found[0]) if found else None


def section_text_width(section: etree._Element) -> int | None:
    """Page width less the side margins of ``section`` (a ``w:sectPr``), in twips."""
    size, margins = section.find(f"{W}pgSz"), section.find(f"{W}pgMar")
    if size is None or margins is None:
        return None
    page = int(size.get(f"{W}w"))
    return page - int(margins.get(f"{W}left", "0")) - int(margins.get(f"{W}right", "0"))


def _scaled(widths: list[int], target: int) -> list[int]:
    total = sum(widths) or 1
    scaled = [width * target // total for width in widths]
    scaled[-1] += target - sum(scaled)  # the rounding remainder goes to the last column
    return scaled


def apply_to_grid(table: etree._Element, fit: Fit) -> None:
    """The table's grid and total width (``table`` needs no rows)."""
    grid = table.find(f"{W}tblGrid")
    for column in grid.findall(f"{W}gridCol"):
        grid.remove(column)
    for width in fit.widths:
        etree.SubElement(grid, f"{W}gridCol").set(f"{W}w", str(width))
    total = table.find(f"{W}tblPr/{W}tblW")
    if total is not None:
        total.set(f"{W}w", str(sum(fit.widths)))
        total.set(f"{W}type", "dxa")
    if fit.shrink is not None:
        _shrink_text(table, fit.shrink, rows=False)


def apply_to_row(row: etree._Element, fit: Fit) -> None:
    """One row's cell widths, and its text sizes when the table shrinks."""
    column = 0
    for cell in row.findall(f"{W}tc"):
        span = _span(cell)
        width = cell.find(f"{W}tcPr/{W}tcW")
        if width is not None:
            width.set(f"{W}w", str(sum(fit.widths[column : column + span])))
            width.set(f"{W}type", "dxa")
        column += span
    if fit.shrink is not None:
        _shrink_text(row, fit.shrink)


def _shrink_text(element: etree._Element, factor: float, rows: bool = True) -> None:
    """Scale font sizes by ``factor`` (not below 8 pt), so figures stay on one line."""
    sizes = [*element.iter(f"{W}sz"), *element.iter(f"{W}szCs")]
    if not rows:  # the table's own properties, not its rows (they are done one by one)
        sizes = [size for size in sizes if not any(a.tag == f"{W}tr" for a in size.iterancestors())]
    for size in sizes:
        value = int(size.get(f"{W}val", "0"))
        size.set(f"{W}val", str(max(MIN_HALF_POINTS, min(value, round(value * factor)))))
