"""Fit the columns of tables whose column count a ``{%tc for %}`` loop changed.

docxtpl repeats the cells of a column loop (each copy keeps its template width)
but leaves the table's grid as it was, or spreads it evenly. Here the grid is
rebuilt from the cells' own widths, scaled to the text width of the page the
table is on: the template's proportions are kept for any number of columns
(squeezed hard, the table's text shrinks too, down to 8 pt).
Tables whose grid already matches their cells are left exactly as they are.
"""

from __future__ import annotations

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SHRINK_TEXT_BELOW = 0.9  # columns squeezed more than this: the text shrinks with them
MIN_HALF_POINTS = 16  # … but never below 8 pt
TOLERANCE_TWIPS = 20  # a grid this close to its cells' widths is left alone
_NS = {"w": W[1:-1]}


def fit_columns(tree: etree._Element) -> None:
    """Rebuild the grid of every table in ``tree`` (a rendered document part) that needs it."""
    for table in tree.iter(f"{W}tbl"):
        _order_spans(table)
        widths = _cell_widths(table)
        grid = table.find(f"{W}tblGrid")
        if widths is None or grid is None:
            continue
        columns = grid.findall(f"{W}gridCol")
        if _matches([int(column.get(f"{W}w", "0")) for column in columns], widths):
            continue
        target = _text_width(table) or sum(widths)
        scaled = _scaled(widths, target)
        for column in columns:
            grid.remove(column)
        for width in scaled:
            etree.SubElement(grid, f"{W}gridCol").set(f"{W}w", str(width))
        _set_cell_widths(table, scaled)
        _set_table_width(table, sum(scaled))
        if target < sum(widths) * SHRINK_TEXT_BELOW:
            _shrink_text(table, target / sum(widths))


def _matches(grid: list[int], widths: list[int]) -> bool:
    """The grid agrees with the cells (Word's own rounding of a few twips is no change)."""
    return len(grid) == len(widths) and all(
        abs(have - want) <= max(TOLERANCE_TWIPS, want // 20)
        for have, want in zip(grid, widths, strict=True)
    )


def _order_spans(table: etree._Element) -> None:
    """Put ``w:gridSpan`` after ``w:tcW``, as the schema wants (docxtpl's colspan puts it first)."""
    for span in table.iterfind(f"{W}tr/{W}tc/{W}tcPr/{W}gridSpan"):
        width = span.getparent().find(f"{W}tcW")
        if width is not None and span.getparent().index(span) < span.getparent().index(width):
            width.addnext(span)


def _cell_widths(table: etree._Element) -> list[int] | None:
    """The widths of the row with the most cells, one per grid column (None: not all in dxa)."""
    rows = table.findall(f"{W}tr")
    if not rows:
        return None
    widest = max(rows, key=lambda row: len(row.findall(f"{W}tc")))
    widths = []
    for cell in widest.findall(f"{W}tc"):
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
    """Page width less the side margins of the section the table is in (twentieths of a pt)."""
    found = table.xpath("following::w:sectPr[1]", namespaces=_NS)
    if not found:
        return None
    size, margins = found[0].find(f"{W}pgSz"), found[0].find(f"{W}pgMar")
    if size is None or margins is None:
        return None
    page = int(size.get(f"{W}w"))
    return page - int(margins.get(f"{W}left", "0")) - int(margins.get(f"{W}right", "0"))


def _scaled(widths: list[int], target: int) -> list[int]:
    total = sum(widths) or 1
    scaled = [width * target // total for width in widths]
    scaled[-1] += target - sum(scaled)  # the rounding remainder goes to the last column
    return scaled


def _set_cell_widths(table: etree._Element, widths: list[int]) -> None:
    for row in table.findall(f"{W}tr"):
        column = 0
        for cell in row.findall(f"{W}tc"):
            span = _span(cell)
            width = cell.find(f"{W}tcPr/{W}tcW")
            if width is not None:
                width.set(f"{W}w", str(sum(widths[column : column + span])))
                width.set(f"{W}type", "dxa")
            column += span


def _shrink_text(table: etree._Element, factor: float) -> None:
    """Scale the table's font sizes by ``factor`` (not below 8 pt), so figures stay on one line."""
    for size in (*table.iter(f"{W}sz"), *table.iter(f"{W}szCs")):
        value = int(size.get(f"{W}val", "0"))
        size.set(f"{W}val", str(max(MIN_HALF_POINTS, min(value, round(value * factor)))))


def _set_table_width(table: etree._Element, width: int) -> None:
    total = table.find(f"{W}tblPr/{W}tblW")
    if total is not None:
        total.set(f"{W}w", str(width))
        total.set(f"{W}type", "dxa")
