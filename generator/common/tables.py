"""The one writer for every .xlsx and .csv vanban produces: values are never formulas.

openpyxl stores any string that starts with ``=`` as a live formula; a unit name
like ``=HYPERLINK(…)`` or a reason typed as ``=cmd|' /C calc'!A0`` must stay text.
:func:`set_text` stores text as text (and shows control characters visibly as
``�``, which a .xlsx cannot hold); :func:`append_row` does it for a whole row.
In CSV, a text starting with ``= + - @`` (or tab, carriage return) gets a leading
apostrophe, as OWASP advises, and :func:`read_csv` takes it off again.
:func:`workbook_bytes` saves a workbook with fixed times, so the same content
gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell

from .files import stable_zip

FIXED_TIME = datetime(2020, 1, 1)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
VISIBLE_REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    """``text`` with every control character (except tab and line breaks) shown as ``�``."""
    return _CONTROL.sub(VISIBLE_REPLACEMENT, text)


def set_text(cell: Cell, value: Any) -> Cell:
    """Put ``value`` in ``cell``: strings always as text, numbers and dates as they are."""
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def append_row(sheet, values: Sequence[Any]) -> int:
    """Append ``values`` as a new row (text as text); returns the row's number."""
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
    row = sheet._current_row  # the row openpyxl's append just wrote
    for cell in sheet[row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    return row


def workbook_bytes(book) -> bytes:
    """The workbook's bytes, with fixed document times and zip entry times."""
    book.properties.creator = "vanban"
    book.properties.lastModifiedBy = "vanban"
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue(), FIXED_TIME)


def csv_value(value: Any) -> str:
    """One CSV cell as text; a text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        text = clean_text(value)
        return "'" + text if text.startswith(_RISKY_START) else text
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV (with the BOM Excel needs to see Vietnamese) of ``header`` and ``rows``."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_value(h) for h in header])
    writer.writerows([csv_value(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV written by :func:`csv_bytes`, with the defusing apostrophe removed."""
    text = path.read_text(encoding="utf-8-sig")
    return [
        {key: _undefused(value) for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


def _undefused(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_RISKY_START) else value
