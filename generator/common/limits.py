"""Every limit vanban puts on what it reads, in one place (the README lists them).

A file or table beyond a limit is refused with a message saying which limit,
before any parsing work: an accident (a 2 GB sheet, a runaway export) or a
hostile file must end in a clear answer, not in an exhausted machine.
"""

from __future__ import annotations

MIB = 1024 * 1024

TABLE_FILE_BYTES = 128 * MIB  # a unit table (CSV/XLSX/XLSM/XLS/ODS) on disk
PERSONS_FILE_BYTES = 8 * 1024 * MIB  # a per-person export (a country's people as CSV: ~3.5 GB)
XLS_FILE_BYTES = 16 * MIB  # an old .xls (65,536 rows at most), unmeasured before reading: its
# reader takes ~200 bytes a cell, and 16 MB holds ~2.5 million cells (a unit table needs ~0.5)
FORM_FILE_BYTES = 32 * MIB  # one returned form (.xlsx/.docx) or template
UNZIPPED_BYTES = 512 * MIB  # all parts of one .xlsx/.xlsm/.ods/.docx once uncompressed
UNZIPPED_PART_BYTES = 384 * MIB  # one part of such a file once uncompressed
ZIP_MEMBERS = 10_000  # parts in one .xlsx/.docx (Excel writes a few dozen)
TABLE_COLUMNS = 16_384  # cells in one row of a CSV (Excel's own column limit)
SHEET_CELLS = 3_500_000  # cells a spreadsheet reader lays out for one sheet (~220 bytes each)
UNIT_ROWS = 1_048_576  # rows of a unit table (Excel's own sheet limit)
CELL_CHARS = 32_767  # characters in one cell (Excel's own cell limit)
COUNT_MAX = 999_999_999  # one count (people); sums of a million rows stay exact in int64
PROBLEMS_SHOWN = 20  # rows listed for each kind of problem; the rest are counted

UNZIPPED_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".docx", ".docm")
