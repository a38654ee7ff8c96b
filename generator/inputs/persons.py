"""Per-person exports of the education database: read, check, and count per unit and level.

One row per student or staff member (``ca-nhan.csv``, ``.xlsx`` or ``.parquet``
in the data folder). The checks are vectorised (pandas), so a city's 565,000
people or a country's 24 million are checked in seconds; each kind of problem
lists its first rows and how many more there are. The result is the same unit
table the notice is built from.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..common import limits
from ..common.errors import InvalidData, Problem
from . import guard
from .charsets import UTF8, UTF8_BOM
from .headers import Wanted, column_letter, fold, match_columns
from .reading import decode, sniff_delimiter

PERSON_NAMES = ("ca-nhan.parquet", "ca-nhan.csv", "ca-nhan.xlsx")
SHOWN = 10  # rows listed for each kind of problem


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
COUNTING = (
    "ma_dinh_danh",
    "ngay_sinh",
    "doi_tuong",
    "don_vi",
    "cap_hoc",
    "don_vi_quan_ly",
    "xac_thuc",
)  # what the notice needs: no names, no reasons
KINDS = {"hs": "HS", "hoc sinh": "HS", "hoc vien": "HS", "ns": "NS", "nhan su": "NS",
         "can bo": "NS", "giao vien": "NS", "nhan vien": "NS"}  # fmt: skip
SYNCED = {"da xac thuc": True, "chua xac thuc": False, "da dong bo": True,
          "chua dong bo": False, "co": True, "khong": False, "1": True, "0": False}  # fmt: skip


def find_persons(folder: Path) -> Path | None:
    return next((folder / n for n in PERSON_NAMES if (folder / n).is_file()), None)


@dataclass(frozen=True)
class _Source:
    """What pyarrow reads: the file itself (UTF-8) or its text re-encoded, and how."""

    data: Path | io.BytesIO
    delimiter: str
    headers: list[str]
    encoding: str | None


def read_persons(path: Path, wanted: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The export with canonical column names (only ``wanted`` ones, when given).

    CSV goes through the same charset and delimiter detection as the unit table
    (UTF-8, UTF-16, Windows-1258; ",", ";" or tab), and headers through the one alias
    matcher; every file through the same guard (size, zip bombs, cell length, controls).
    """
    guard.check_file(path, limits.PERSONS_FILE_BYTES, "tệp dữ liệu từng người")
    source = _source(path)
    renamed, problems = match_columns(source.headers, PERSON_COLUMNS, path.name)
    if problems:
        raise InvalidData(problems)
    keep = [h for h, name in renamed.items() if wanted is None or name in wanted]
    few = {h for h in keep if renamed[h] in CATEGORICAL}
    frame = _load(path, source, keep, few).rename(columns=renamed)
    frame.attrs["letters"] = {
        renamed[h]: column_letter(source.headers.index(h)) for h in keep if h in source.headers
    }
    for name in ("don_vi", "cap_hoc", "don_vi_quan_ly", "doi_tuong", "xac_thuc"):
        frame[name] = _text(frame[name])
    problems = _cells(frame, path.name)
    if problems:
        raise InvalidData(problems)
    return frame


def _source(path: Path) -> _Source:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _Source(path, ",", list(pq.read_schema(path).names), None)
    if suffix in (".xlsx", ".xlsm"):
        return _Source(
            path, ",", list(pd.read_excel(path, nrows=0, engine="calamine").columns), None
        )
    encoding = _utf8_encoding(path)
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


def _utf8_encoding(path: Path) -> str | None:
    """UTF-8 (with or without BOM) when the whole file decodes so, else None (streamed)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as stream:
        start = stream.read(4)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        if len(start) >= 4 and start[1:4:2] == b"\x00\x00":
            return None
        try:
            decoder.decode(start)
            while chunk := stream.read(1 << 24):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return UTF8_BOM if start.startswith(codecs.BOM_UTF8) else UTF8


def _load(path: Path, source: _Source, columns: list[str], few: set[str]) -> pd.DataFrame:
    """Columns in ``few`` (few distinct values: units, levels, states) come back as categories."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=str, engine="calamine", usecols=columns).fillna("")
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path, columns=columns)
    else:
        table = _read_csv(path, source, columns)
    encoded = [
        table.column(i).dictionary_encode()
        if name in few and pa.types.is_string(table.column(i).type)
        else table.column(i)
        for i, name in enumerate(table.column_names)
    ]
    return pa.table(encoded, names=table.column_names).to_pandas()


def _read_csv(path: Path, source: _Source, columns: list[str]) -> pa.Table:
    options = pacsv.ConvertOptions(
        include_columns=columns,
        column_types={c: pa.string() for c in columns},
        strings_can_be_null=False,
    )
    parse = pacsv.ParseOptions(delimiter=source.delimiter, newlines_in_values=False)
    read = pacsv.ReadOptions(use_threads=True, block_size=1 << 22)
    try:
        return pacsv.read_csv(
            source.data, read_options=read, parse_options=parse, convert_options=options
        )
    except pa.ArrowInvalid as error:
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


def _cells(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Cells longer than the limit or holding control characters (once per distinct value)."""
    problems = []
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            values = pd.Series(column.cat.categories, dtype="str")
        elif pd.api.types.is_string_dtype(column.dtype):
            values = column
        else:
            continue
        bad = values.str.contains(guard.CONTROL.pattern, regex=True) | (
            values.str.len() > limits.CELL_CHARS
        )
        if not bad.any():
            continue
        value = values[bad].iloc[0]
        rows = (column == value).to_numpy().nonzero()[0]
        at = Problem(file, "", row=int(rows[0]) + 2 if len(rows) else None)
        at = replace(at, column=PERSON_LABELS[name])
        found = guard.CONTROL.search(value)
        problems.append(
            guard.control(at, found.group()) if found else guard.too_long(at, len(value))
        )
    return problems


def _text(column: pd.Series) -> pd.Series:
    """NFC and trimmed, computed once per distinct value (few units, many people)."""
    categories = column.astype("category")
    clean = {v: unicodedata.normalize("NFC", str(v)).strip() for v in categories.cat.categories}
    return categories.map(clean).astype("category")


def check_persons(
    frame: pd.DataFrame, levels: dict[str, str], file: str, *, counting_only: bool = False
) -> pd.DataFrame:
    """The rows with ``doi_tuong`` as HS/NS and ``xac_thuc`` as bool; InvalidData otherwise."""
    problems: list[Problem] = []
    kinds = _mapped(frame["doi_tuong"], KINDS)
    synced = _mapped(frame["xac_thuc"], SYNCED)
    known_levels = {level.upper(): level for level in levels}
    level = _mapped(frame["cap_hoc"], {fold(k): v for k, v in known_levels.items()})
    problems += _rows(
        file,
        frame,
        kinds.isna(),
        "doi_tuong",
        "đối tượng «{}» không rõ.",
        "ghi HS (học sinh, học viên) hoặc NS (cán bộ, giáo viên, nhân viên).",
    )
    problems += _rows(
        file,
        frame,
        synced.isna(),
        "xac_thuc",
        "trạng thái «{}» không rõ.",
        "ghi «Đã xác thực» hoặc «Chưa xác thực».",
    )
    problems += _rows(
        file,
        frame,
        level.isna(),
        "cap_hoc",
        "cấp học «{}» không hợp lệ.",
        f"ghi một trong: {', '.join(levels)}.",
    )
    for name in ("don_vi", "don_vi_quan_ly"):
        problems += _rows(
            file, frame, frame[name] == "", name, "ô để trống{}.", "ghi tên vào ô này."
        )
    problems += _duplicates(frame, file)
    problems += _birth_dates(frame, file)
    if problems:
        raise InvalidData(problems)
    if counting_only:  # the notice needs no IDs or birth dates: don't copy them
        frame = frame.drop(columns=["ma_dinh_danh", "ngay_sinh"], errors="ignore")
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


def _rows(
    file: str, frame: pd.DataFrame, bad: pd.Series, column: str, message: str, fix: str
) -> list[Problem]:
    positions = bad.to_numpy().nonzero()[0]
    problems = [
        Problem(
            file,
            message.format(frame[column].iloc[p] if "{}" in message else ""),
            fix,
            row=int(p) + 2,
            column=PERSON_LABELS[column],
            letter=frame.attrs.get("letters", {}).get(column),
        )
        for p in positions[:SHOWN]
    ]
    if len(positions) > SHOWN:
        problems.append(
            Problem(
                file,
                f"còn {len(positions) - SHOWN} dòng khác cùng lỗi này.",
                fix,
                column=PERSON_LABELS[column],
            )
        )
    return problems


def _duplicates(frame: pd.DataFrame, file: str) -> list[Problem]:
    ids = frame["ma_dinh_danh"]
    if _all_distinct_numbers(_arrow_strings(ids)):
        return []  # the usual case (12-digit IDs, no repeats), decided without Python strings
    texts = ids.astype(str)
    positions = (texts.duplicated(keep="first") & (texts != "")).to_numpy().nonzero()[0]
    problems = []
    for p in positions[:SHOWN]:
        first = int((texts.to_numpy() == texts.iloc[p]).nonzero()[0][0]) + 2
        problems.append(
            Problem(
                file,
                f"mã định danh {texts.iloc[p]} đã có ở dòng {first}.",
                "mỗi người một dòng: xoá dòng trùng.",
                row=int(p) + 2,
                column=PERSON_LABELS["ma_dinh_danh"],
            )
        )
    if len(positions) > SHOWN:
        problems.append(
            Problem(
                file,
                f"còn {len(positions) - SHOWN} mã định danh trùng khác.",
                "mỗi người một dòng.",
                column=PERSON_LABELS["ma_dinh_danh"],
            )
        )
    return problems + _rows(
        file,
        frame,
        texts == "",
        "ma_dinh_danh",
        "thiếu mã định danh{}.",
        "ghi số định danh cá nhân (12 chữ số) hoặc mã trên CSDL ngành.",
    )


def _all_distinct_numbers(ids: pa.ChunkedArray) -> bool:
    """True when every ID is a number and none repeats (checked as int64: fast)."""
    try:
        numbers = pc.cast(ids, pa.int64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return not pd.Series(numbers).duplicated().any()


def _arrow_strings(column: pd.Series) -> pa.ChunkedArray:
    """The column as Arrow strings (free when pandas already holds it in Arrow)."""
    data = getattr(column.array, "_pa_array", None)
    if data is not None and (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):
        return data
    return pa.chunked_array([pa.array(column.astype(str).to_numpy(dtype=object), pa.string())])


def _birth_dates(frame: pd.DataFrame, file: str) -> list[Problem]:
    raw = frame["ngay_sinh"]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return []
    text = raw.astype(str).str.strip()
    distinct = pd.Series(text.unique())  # a few thousand dates for a city's people
    parsed = pd.to_datetime(distinct, format="%d/%m/%Y", errors="coerce")
    parsed = parsed.fillna(pd.to_datetime(distinct, format="%Y-%m-%d", errors="coerce"))
    invalid = parsed.isna() | (parsed.dt.year < 1900) | (parsed > pd.Timestamp.now())
    bad = text.isin(set(distinct[invalid]))
    return _rows(
        file,
        frame,
        bad,
        "ngay_sinh",
        "ngày sinh «{}» không đúng.",
        "ghi dạng ngày/tháng/năm, ví dụ 05/09/2008.",
    )


def count_units(persons: pd.DataFrame) -> pd.DataFrame:
    """The unit table: one row per unit and level, with the four counts."""
    keys = ["don_vi", "cap_hoc", "don_vi_quan_ly"]
    frame = persons[keys + ["doi_tuong", "xac_thuc"]].assign(
        tong=1, chua=~persons["xac_thuc"].astype(bool)
    )
    grouped = frame.groupby(keys + ["doi_tuong"], observed=True, sort=False)[["tong", "chua"]]
    table = grouped.sum().unstack("doi_tuong", fill_value=0)
    table.columns = [f"{kind.lower()}_{measure}" for measure, kind in table.columns]
    for name in ("hs_tong", "hs_chua", "ns_tong", "ns_chua"):
        if name not in table:
            table[name] = 0
    table = table.reset_index()[keys + ["hs_tong", "hs_chua", "ns_tong", "ns_chua"]]
    for name in keys:
        table[name] = table[name].astype(str)
    return table.astype({n: "int64" for n in ("hs_tong", "hs_chua", "ns_tong", "ns_chua")})
