"""Per-person exports of the education database: read, check, and count per unit and level.

One row per student or staff member (``ca-nhan.csv``, ``.xlsx`` or ``.parquet``
in the data folder). The file is read by pyarrow as record batches holding only
the columns needed (a Parquet file a million rows at a time, so memory does not
grow with the people); :mod:`.tally` checks and counts them once per distinct value, so a
city's 565,000 people or a country's 24 million are checked in seconds. Each kind of
problem lists its first rows and how many more there are. The result is the same
unit table the notice is built from.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..common import limits
from ..common.errors import InvalidData, Problem
from . import guard
from .charsets import UTF8, UTF8_BOM
from .headers import Wanted, column_letter, fold, match_columns
from .reading import decode, sniff_delimiter
from .tally import KINDS, SYNCED, Tally

PERSON_NAMES = ("ca-nhan.parquet", "ca-nhan.csv", "ca-nhan.xlsx")


PersonColumn = Wanted  # a per-person column: matched by the one alias matcher (headers.py)

PERSON_COLUMNS = (
    PersonColumn("ma_dinh_danh", "Mã định danh", ("mã", "số định danh", "mã học sinh",
                                                  "mã cán bộ", "cccd", "id")),
    PersonColumn("ho_ten", "Họ và tên", ("họ tên", "tên")),
    PersonColumn("ngay_sinh", "Ngày sinh", ("ngày tháng năm sinh",)),
    PersonColumn("doi_tuong", "Đối tượng", ("loại", "hs/ns", "loại đối tượng")),
    PersonColumn("don_vi", "Đơn vị", ("tên đơn vị", "trường", "tên trường")),
    PersonColumn("cap_hoc", "Cấp học", ("bậc học", "cấp")),
    PersonColumn("don_vi_quan_ly", "Đơn vị quản lý", ("cơ quan quản lý", "phòng gdđt")),
    PersonColumn("xac_thuc", "Trạng thái xác thực", ("xác thực", "trạng thái",
                                                     "trạng thái đồng bộ", "đồng bộ")),
    PersonColumn("ly_do", "Lý do", ("lý do chưa xác thực", "ghi chú"), required=False),
)  # fmt: skip
PERSON_LABELS = {c.name: c.label for c in PERSON_COLUMNS}
CATEGORICAL = ("doi_tuong", "don_vi", "cap_hoc", "don_vi_quan_ly", "xac_thuc")
DICTIONARY = (*CATEGORICAL, "ngay_sinh")  # read dictionary-encoded: few distinct values
BATCH_ROWS = 1 << 20  # rows per batch handed to the tally
COUNTING = (
    "ma_dinh_danh",
    "ngay_sinh",
    "doi_tuong",
    "don_vi",
    "cap_hoc",
    "don_vi_quan_ly",
    "xac_thuc",
)  # what the notice needs: no names, no reasons


def find_persons(folder: Path) -> Path | None:
    return next((folder / n for n in PERSON_NAMES if (folder / n).is_file()), None)


@dataclass(frozen=True)
class _Source:
    """What pyarrow reads: the file itself (UTF-8) or its text re-encoded, and how."""

    data: Path | io.BytesIO
    delimiter: str
    headers: list[str]
    encoding: str | None


@dataclass
class Export:
    """An export whose headers matched: its columns under canonical names, read in batches."""

    path: Path
    source: _Source
    renamed: dict[str, str]  # the header as written → canonical name (only those read)
    letters: dict[str, str]  # canonical name → column letter
    table: pa.Table | None = None  # CSV and XLSX: read whole (pyarrow's threads), then sliced

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The rows in order, at most ``BATCH_ROWS`` at a time, columns renamed."""
        if self.path.suffix.lower() == ".parquet":
            yield from self._parquet_batches(list(self.renamed))
            return
        table = self._whole()
        for start in range(0, table.num_rows, BATCH_ROWS):
            yield table.slice(start, BATCH_ROWS).combine_chunks().to_batches()[0]

    def chunks(self, name: str) -> Iterator[pa.Array]:
        """One column again, chunk by chunk (the exact duplicate check re-reads the IDs)."""
        header = next(h for h, n in self.renamed.items() if n == name)
        if self.path.suffix.lower() == ".parquet":
            yield from (batch.column(0) for batch in self._parquet_batches([header]))
        else:
            yield from self._whole().column(name).chunks

    def _parquet_batches(self, headers: list[str]) -> Iterator[pa.RecordBatch]:
        """A Parquet file's rows ``BATCH_ROWS`` at a time, text with few values as dictionaries."""
        import pyarrow.parquet as pq  # only for a Parquet export (it brings pyarrow's file systems)

        schema = pq.read_schema(self.path)
        few = [h for h in headers if self.renamed[h] in DICTIONARY and _text(schema, h)]
        parquet = pq.ParquetFile(self.path, read_dictionary=few)
        names = [self.renamed[h] for h in headers]
        groups = range(parquet.num_row_groups)
        if all(parquet.metadata.row_group(g).num_rows <= 2 * BATCH_ROWS for g in groups):
            for group in groups:  # whole row groups: twice as fast as iter_batches, less memory
                table = parquet.read_row_group(group, columns=headers).rename_columns(names)
                yield from table.combine_chunks().to_batches()
            return
        for batch in parquet.iter_batches(BATCH_ROWS, columns=headers, use_threads=True):
            yield batch.rename_columns(names)

    def _whole(self) -> pa.Table:
        if self.table is None:
            if self.path.suffix.lower() in (".xlsx", ".xlsm"):
                frame = pd.read_excel(
                    self.path, dtype=str, engine="calamine", usecols=list(self.renamed)
                )
                table = pa.Table.from_pandas(frame.fillna(""), preserve_index=False)
            else:
                table = _read_csv(self.path, self.source, self.renamed)
            self.table = table.rename_columns([self.renamed[h] for h in table.column_names])
        return self.table


def _text(schema: pa.Schema, header: str) -> bool:
    kind = schema.field(header).type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def open_export(path: Path, wanted: tuple[str, ...] | None = None) -> Export:
    """The export, its headers matched (only ``wanted`` columns kept, when given).

    CSV goes through the same charset and delimiter detection as the unit table
    (UTF-8, UTF-16, Windows-1258; ",", ";" or tab), and headers through the one alias
    matcher; every file through the same guard (size, zip bombs, cell length, controls).
    """
    guard.check_file(path, limits.PERSONS_FILE_BYTES, "tệp dữ liệu từng người")
    source = _source(path)
    renamed, problems = match_columns(source.headers, PERSON_COLUMNS, path.name)
    if problems:
        raise InvalidData(problems)
    keep = {h: name for h, name in renamed.items() if wanted is None or name in wanted}
    letters = {
        name: column_letter(source.headers.index(h))
        for h, name in keep.items()
        if h in source.headers
    }
    return Export(path, source, keep, letters)


def count_persons(path: Path, levels: dict[str, str] | None) -> pd.DataFrame:
    """The unit table counted from the export; InvalidData lists every problem.

    With ``levels`` None (no declarations), only the cells are checked.
    """
    export = open_export(path, COUNTING)
    tally = Tally(path.name, PERSON_LABELS, levels, export.letters)
    for batch in export.batches():
        tally.add(batch)
    problems = tally.finish(lambda: export.chunks("ma_dinh_danh"))
    if problems:
        raise InvalidData(problems)
    return tally.units()


def read_persons(path: Path, wanted: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The export as a frame with canonical column names (only ``wanted`` ones, when given).

    Text columns with few distinct values (units, levels, states) come back as
    categories, NFC and trimmed.
    """
    export = open_export(path, wanted)
    table = pa.Table.from_batches(list(export.batches()))
    tally = Tally(path.name, PERSON_LABELS, None)
    for batch in table.to_batches():
        tally.add(batch)
    problems = tally.finish(lambda: iter(()))
    if problems:
        raise InvalidData(problems)
    frame = table.to_pandas()
    frame.attrs["letters"] = export.letters
    for name in CATEGORICAL:
        if name in frame:
            frame[name] = _cleaned(frame[name])
    if "ngay_sinh" in frame and isinstance(frame["ngay_sinh"].dtype, pd.CategoricalDtype):
        frame["ngay_sinh"] = frame["ngay_sinh"].astype("str")  # dictionary-read, text as before
    return frame


def _cleaned(column: pd.Series) -> pd.Series:
    """NFC and trimmed, computed once per distinct value (few units, many people)."""
    categories = column.astype("category")
    clean = {v: unicodedata.normalize("NFC", str(v)).strip() for v in categories.cat.categories}
    return categories.map(clean).astype("category")


def _source(path: Path, decoded: bool = False) -> _Source:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return _Source(path, ",", list(pq.read_schema(path).names), None)
    if suffix in (".xlsx", ".xlsm"):
        return _Source(
            path, ",", list(pd.read_excel(path, nrows=0, engine="calamine").columns), None
        )
    encoding = None if decoded else _utf8_head(path)
    if encoding is None:  # not UTF-8: decode as the unit table is, hand pyarrow UTF-8
        text, encoding = decode(path.name, path.read_bytes())
        data: Path | io.BytesIO = io.BytesIO(text.encode("utf-8"))
        head = text[: 1 << 16]
    else:
        data = path
        with open(path, "rb") as stream:
            head = stream.read(1 << 16).decode("utf-8-sig", errors="ignore")
    delimiter = sniff_delimiter(head)
    first = next(csv.reader(io.StringIO(head), delimiter=delimiter), [])
    headers = [unicodedata.normalize("NFC", h).strip() for h in first]
    return _Source(data, delimiter, headers, encoding)


def _utf8_head(path: Path) -> str | None:
    """UTF-8 (with or without BOM) when the file's start decodes so, else None.

    The rest is validated by pyarrow as it reads the columns used (see ``_read_csv``).
    """
    with open(path, "rb") as stream:
        start = stream.read(1 << 16)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if len(start) >= 4 and start[1:4:2] == b"\x00\x00":
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start)  # a letter cut at the end is fine
    except UnicodeDecodeError:
        return None
    return UTF8_BOM if start.startswith(codecs.BOM_UTF8) else UTF8


def _read_csv(path: Path, source: _Source, renamed: dict[str, str]) -> pa.Table:
    """Only the columns in ``renamed``, as text; those with few distinct values as dictionaries."""
    few = pa.dictionary(pa.int32(), pa.string())
    options = pacsv.ConvertOptions(
        include_columns=list(renamed),
        column_types={h: few if n in DICTIONARY else pa.string() for h, n in renamed.items()},
        strings_can_be_null=False,
    )
    parse = pacsv.ParseOptions(delimiter=source.delimiter, newlines_in_values=False)
    read = pacsv.ReadOptions(use_threads=True, block_size=1 << 22)
    try:
        return pacsv.read_csv(
            source.data, read_options=read, parse_options=parse, convert_options=options
        )
    except pa.ArrowInvalid as error:
        if "invalid UTF8" in str(error) and isinstance(source.data, Path):
            return _read_csv(path, _source(path, decoded=True), renamed)  # not UTF-8 after all
        raise InvalidData([_broken_csv(path, source, str(error))]) from None


def _broken_csv(path: Path, source: _Source, detail: str) -> Problem:
    """Where pyarrow stopped: a cell too long, or a row with more cells than the header."""
    if isinstance(source.data, io.BytesIO):
        source.data.seek(0)
        stream = io.TextIOWrapper(source.data, encoding="utf-8", newline="")
    else:
        stream = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    csv.field_size_limit(limits.CELL_CHARS + 1)
    reader = csv.reader(stream, delimiter=source.delimiter)
    width = len(source.headers)
    try:
        for row in reader:
            if len(row) != width:
                message = f"dòng có {len(row)} ô nhưng dòng tiêu đề có {width} cột."
                fix = "đặt các ô có dấu phẩy trong dấu ngoặc kép, hoặc xoá các ô thừa."
                return Problem(path.name, message, fix, row=reader.line_num)
    except csv.Error:
        return guard.too_long(Problem(path.name, "", row=reader.line_num), limits.CELL_CHARS + 1)
    finally:
        stream.close()
    message = f"không đọc được tệp CSV ({detail.splitlines()[0][:120]})."
    return Problem(path.name, message, "mở tệp bằng Excel và lưu lại dạng «CSV UTF-8».")


def check_persons(frame: pd.DataFrame, levels: dict[str, str], file: str) -> pd.DataFrame:
    """The rows with ``doi_tuong`` as HS/NS and ``xac_thuc`` as bool; InvalidData otherwise.

    The checks are the notice's (:class:`.tally.Tally`), on the frame's columns.
    """
    tally = Tally(file, PERSON_LABELS, levels, frame.attrs.get("letters"))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for batch in table.to_batches():
        tally.add(batch)
    problems = tally.finish(lambda: iter(table.column("ma_dinh_danh").chunks))
    if problems:
        raise InvalidData(problems)
    kinds = _mapped(frame["doi_tuong"], KINDS)
    synced = _mapped(frame["xac_thuc"], SYNCED)
    known_levels = {level.upper(): level for level in levels}
    level = _mapped(frame["cap_hoc"], {fold(k): v for k, v in known_levels.items()})
    return frame.assign(doi_tuong=kinds, xac_thuc=synced.astype(bool), cap_hoc=level)


def _mapped(column: pd.Series, vocabulary: dict[str, object]) -> pd.Series:
    """Each value looked up once per distinct value; unknown ones become missing (NaN)."""
    categories = column.astype("category")
    mapped = [vocabulary.get(fold(str(value))) for value in categories.cat.categories]
    known = sorted({m for m in mapped if m is not None}, key=str)
    index = {value: position for position, value in enumerate(known)}
    lookup = np.array([index.get(m, -1) if m is not None else -1 for m in mapped] + [-1])
    codes = lookup[categories.cat.codes.to_numpy()]
    return pd.Series(pd.Categorical.from_codes(codes, categories=known), index=column.index)
