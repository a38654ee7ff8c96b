"""Check a per-person export and count it per unit and level, one Arrow batch at a time.

What enters: record batches with canonical column names (from :mod:`.persons`), text
columns preferably dictionary-encoded. What leaves: the problems found (each kind lists
its first rows and how many more there are) and, when there are none, the unit table.
Each distinct value is checked once (a country has 24 million people but a few thousand
units, levels and birth dates); the rows themselves are only touched by NumPy. Memory
holds the counts per unit and one int64 per person (their ID, for the duplicate check).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..common import limits
from ..common.errors import InvalidData, Problem
from ..common.vnformat import count
from . import guard
from .headers import fold

SHOWN = 10  # rows listed for each kind of problem
KINDS = {"hs": "HS", "hoc sinh": "HS", "hoc vien": "HS", "ns": "NS", "nhan su": "NS",
         "can bo": "NS", "giao vien": "NS", "nhan vien": "NS"}  # fmt: skip
SYNCED = {"da xac thuc": True, "chua xac thuc": False, "da dong bo": True,
          "chua dong bo": False, "co": True, "khong": False, "1": True, "0": False}  # fmt: skip
CLEANED = ("doi_tuong", "don_vi", "cap_hoc", "don_vi_quan_ly", "xac_thuc")  # NFC, trimmed
KEYS = ("don_vi", "cap_hoc", "don_vi_quan_ly")
COUNTS = ("hs_tong", "hs_chua", "ns_tong", "ns_chua")
_BITS = {"don_vi": 26, "don_vi_quan_ly": 26, "cap_hoc": 8}  # of the packed group key
_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: IDs split evenly in two halves


@dataclass
class _Listed:
    """One kind of problem: the first rows (with their values) and how many rows in all."""

    rows: list[tuple[int, str]] = field(default_factory=list)
    total: int = 0

    def add(self, rows: np.ndarray, value: Callable[[int], str]) -> None:
        room = SHOWN - len(self.rows)
        self.rows += [(int(r), value(int(r))) for r in rows[: max(room, 0)]]
        self.total += len(rows)


@dataclass
class _Codes:
    """One column's distinct (cleaned or mapped) values, numbered in order of first appearance."""

    values: dict[object, int] = field(default_factory=dict)

    def code(self, value: object) -> int:
        return self.values.setdefault(value, len(self.values))

    def names(self) -> list[object]:
        return list(self.values)


@dataclass
class _Column:
    """A batch's column as dictionary indices and its distinct values (cleaned when asked)."""

    indices: np.ndarray
    values: list[str]
    order: list[int]  # the dictionary positions used, in order of first appearance

    def rows(self, positions: Iterable[int]) -> np.ndarray:
        return np.flatnonzero(np.isin(self.indices, list(positions)))


class Tally:
    """Problems and counts of an export fed batch by batch (``add``), then ``finish``."""

    def __init__(self, file: str, labels: dict[str, str], levels: dict[str, str] | None,
                 letters: dict[str, str] | None = None) -> None:  # fmt: skip
        self.file, self.labels, self.letters = file, labels, letters or {}
        self.levels = levels  # None: only the cells are checked (no declarations)
        self.known_levels = {fold(k.upper()): k for k in levels or {}}
        self.rows = 0
        self.cells: dict[str, Problem] = {}
        self.listed = {name: _Listed() for name in ("doi_tuong", "xac_thuc", "cap_hoc",
                                                    "don_vi", "don_vi_quan_ly", "ma_dinh_danh",
                                                    "ngay_sinh")}  # fmt: skip
        self.codes = {name: _Codes() for name in KEYS}
        self.groups: list[pa.Table] = []
        self.ids: list[tuple[np.ndarray, np.ndarray]] = []  # int64 IDs, in two halves
        self.numeric_ids = True
        self.dates: dict[str, bool] = {}
        self.mapped: dict[str, list[object]] = {}  # this batch's kinds, states and levels

    def add(self, batch: pa.RecordBatch) -> None:
        columns = {
            name: _column(batch.column(name), name in CLEANED)
            for name in batch.column_names
            if name in CLEANED or _few(name, batch.column(name).type)
        }
        ids = self._ids(batch) if "ma_dinh_danh" in batch.column_names else None
        for name in batch.column_names:
            if name not in self.cells and not (name == "ma_dinh_danh" and ids is not None):
                self._cell(name, batch.column(name), columns.get(name))
        if self.levels is not None:
            self._check(batch, columns, ids)
        self.rows += batch.num_rows

    def _ids(self, batch: pa.RecordBatch) -> np.ndarray | None:
        """The batch's IDs as int64 when all are numbers (the usual 12 digits), else None."""
        column = batch.column("ma_dinh_danh")
        try:
            numbers = pc.cast(column, pa.int64()).to_numpy()
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            self.numeric_ids = False
            return None
        if self.numeric_ids:
            half = (numbers.view(np.uint64) * _SPREAD) >> np.uint64(63) == 1
            self.ids.append((numbers[half], numbers[~half]))  # an ID always goes to one half
        return numbers

    def _cell(self, name: str, array: pa.Array, column: _Column | None) -> None:
        """The first cell too long or holding a control character, once per column."""
        if column is not None:
            values = pa.array([column.values[p] for p in column.order], pa.string())
        elif _is_text(array.type):
            values = pc.fill_null(array, "")
        else:
            return
        bad = pc.or_(
            pc.fill_null(pc.match_substring_regex(values, guard.CONTROL_RE2), False),
            pc.greater(pc.utf8_length(values), limits.CELL_CHARS),
        )
        first = np.flatnonzero(bad.to_numpy(zero_copy_only=False))
        if not len(first):
            return
        if column is not None:
            rows = column.rows([column.order[p] for p in first])
            row, value = int(rows[0]), column.values[column.indices[rows[0]]]
        else:
            row, value = int(first[0]), values[int(first[0])].as_py()
        at = Problem(self.file, "", row=self.rows + row + 2, column=self.labels[name])
        found = guard.CONTROL.search(value)
        self.cells[name] = (
            guard.control(at, found.group()) if found else guard.too_long(at, len(value))
        )

    def _check(
        self, batch: pa.RecordBatch, columns: dict[str, _Column], ids: np.ndarray | None
    ) -> None:
        kinds = self._mapped("doi_tuong", columns["doi_tuong"], KINDS)
        synced = self._mapped("xac_thuc", columns["xac_thuc"], SYNCED)
        level = self._mapped("cap_hoc", columns["cap_hoc"], self.known_levels)
        for name in ("don_vi", "don_vi_quan_ly"):
            column = columns[name]
            self._list(name, column, [p for p in column.order if column.values[p] == ""])
        if ids is None:
            texts = pc.cast(batch.column("ma_dinh_danh"), pa.string())
            empty = np.flatnonzero(pc.equal(pc.fill_null(texts, ""), "").to_numpy(False))
            self.listed["ma_dinh_danh"].add(empty + self.rows, lambda _: "")
        if "ngay_sinh" in columns:
            self._birth_dates(columns["ngay_sinh"])
        if self._clean():
            self._count(columns, kinds, synced, level)

    def _mapped(self, name: str, column: _Column, vocabulary: dict) -> np.ndarray:
        """Each row's value in ``vocabulary`` (numbered in ``self.mapped``); -1 if unknown."""
        lookup = np.full(len(column.values) + 1, -1, dtype=np.int64)
        codes = _Codes()
        for position in column.order:
            found = vocabulary.get(fold(column.values[position]))
            if found is not None:
                lookup[position] = codes.code(found)
        self.mapped[name] = codes.names()
        self._list(name, column, [p for p in column.order if lookup[p] < 0])
        return lookup[column.indices]

    def _list(self, name: str, column: _Column, positions: list[int]) -> None:
        """The rows holding the dictionary values at ``positions``, with their values."""
        if not positions:
            return
        rows = column.rows(positions)
        offset = self.rows
        self.listed[name].add(rows + offset, lambda r: column.values[column.indices[r - offset]])

    def _birth_dates(self, column: _Column) -> None:
        new = [column.values[p] for p in column.order if column.values[p] not in self.dates]
        self.dates.update(zip(new, _valid_dates(new), strict=True))
        bad = [p for p in column.order if not self.dates[column.values[p]]]
        self._list("ngay_sinh", column, bad)

    def _clean(self) -> bool:
        return not self.cells and not any(listed.total for listed in self.listed.values())

    def _count(self, columns, kinds: np.ndarray, synced: np.ndarray, level: np.ndarray) -> None:
        """Rows per unit, level, office, kind and state, as one packed int64 key per row."""
        key = np.zeros(len(kinds), dtype=np.int64)
        for name in KEYS:
            if name == "cap_hoc":
                lookup = [self.codes[name].code(value) for value in self.mapped[name]]
                local = np.array([*lookup, 0])[level]
            else:
                local = self._global(name, columns[name])
            if len(self.codes[name].values) >= 1 << _BITS[name]:
                raise InvalidData([self._too_many(name)])
            key = (key << _BITS[name]) | local
        hs = np.array([kind == "HS" for kind in self.mapped["doi_tuong"]] + [False])[kinds]
        unsynced = ~np.array([*self.mapped["xac_thuc"], True], dtype=bool)[synced]
        key = (key << 2) | (hs.astype(np.int64) << 1) | unsynced
        counted = pc.value_counts(pa.array(key)).flatten()
        self.groups.append(pa.table({"key": counted[0], "people": counted[1]}))

    def _too_many(self, name: str) -> Problem:
        message = f"có hơn {count(1 << _BITS[name])} giá trị khác nhau trong cột này."
        fix = "mỗi ô ghi tên đơn vị, cấp học hoặc đơn vị quản lý, không ghi mã riêng từng người."
        return Problem(self.file, message, fix, column=self.labels[name])

    def _global(self, name: str, column: _Column) -> np.ndarray:
        lookup = np.zeros(len(column.values) + 1, dtype=np.int64)
        for position in column.order:
            lookup[position] = self.codes[name].code(column.values[position])
        return lookup[column.indices]

    def finish(self, id_chunks: Callable[[], Iterator[pa.Array]]) -> list[Problem]:
        """Every problem found; ``id_chunks`` re-reads the IDs for the exact duplicate check."""
        if self.cells:
            return list(self.cells.values())
        if self.levels is None:
            return []
        problems = self._problems("doi_tuong", "đối tượng «{}» không rõ.",
                                  "ghi HS (học sinh, học viên) hoặc NS (cán bộ, giáo viên, "
                                  "nhân viên).")  # fmt: skip
        problems += self._problems("xac_thuc", "trạng thái «{}» không rõ.",
                                   "ghi «Đã xác thực» hoặc «Chưa xác thực».")  # fmt: skip
        problems += self._problems("cap_hoc", "cấp học «{}» không hợp lệ.",
                                   f"ghi một trong: {', '.join(self.levels)}.")  # fmt: skip
        for name in ("don_vi", "don_vi_quan_ly"):
            problems += self._problems(name, "ô để trống{}.", "ghi tên vào ô này.")
        if not self._distinct_numbers():
            problems += _duplicates(id_chunks(), self.file, self.labels["ma_dinh_danh"])
        problems += self._problems(
            "ma_dinh_danh",
            "thiếu mã định danh{}.",
            "ghi số định danh cá nhân (12 chữ số) hoặc mã trên CSDL ngành.",
        )
        problems += self._problems("ngay_sinh", "ngày sinh «{}» không đúng.",
                                   "ghi dạng ngày/tháng/năm, ví dụ 05/09/2008.")  # fmt: skip
        return problems

    def _distinct_numbers(self) -> bool:
        """True when every ID is a number and none repeats (int64, each half sorted in a
        thread of its own: equal IDs always fall in the same half)."""
        if not self.numeric_ids:
            return False
        halves = [[pair[side] for pair in self.ids] for side in (0, 1)]
        self.ids = []
        with ThreadPoolExecutor(2) as pool:
            return not any(pool.map(_repeats, halves))

    def _problems(self, name: str, message: str, fix: str) -> list[Problem]:
        listed = self.listed[name]
        column, letter = self.labels[name], self.letters.get(name)
        problems = [
            Problem(self.file, message.format(value), fix, row + 2, column, letter=letter)
            for row, value in listed.rows
        ]
        if listed.total > SHOWN:
            more = f"còn {listed.total - SHOWN} dòng khác cùng lỗi này."
            problems.append(Problem(self.file, more, fix, column=column))
        return problems

    def units(self) -> pd.DataFrame:
        """The unit table: one row per unit and level, with the four counts.

        Rows come in the order of first appearance of each unit, then level, then office.
        """
        groups = pa.concat_tables(self.groups) if self.groups else None
        keys = groups["key"].to_numpy() if groups else np.array([], np.int64)
        people = groups["people"].to_numpy() if groups else np.array([], np.int64)
        units, where = np.unique(keys >> 2, return_inverse=True)
        table = {}
        shift = 0
        for name in reversed(KEYS):
            codes = (units >> shift) & ((1 << _BITS[name]) - 1)
            table[name] = np.array(self.codes[name].names(), dtype=object)[codes]
            shift += _BITS[name]
        measures = np.zeros((len(units), 4), dtype=np.int64)
        slot = 2 * (1 - ((keys >> 1) & 1))  # HS first, then NS
        np.add.at(measures, (where, slot), people)
        np.add.at(measures, (where, slot + 1), people * (keys & 1))
        frame = pd.DataFrame({n: pd.Series(table[n], dtype="str") for n in KEYS})
        for position, name in enumerate(COUNTS):
            frame[name] = measures[:, position]
        return frame  # np.unique sorted the packed keys: first-appearance order


def _repeats(parts: list[np.ndarray]) -> bool:
    numbers = np.concatenate(parts) if parts else np.array([], np.int64)
    numbers.sort()  # in place: NumPy lets the other thread run meanwhile
    return bool((numbers[1:] == numbers[:-1]).any())


def _few(name: str, kind: pa.DataType) -> bool:
    """Columns checked per distinct value: birth dates as text, and any dictionary column."""
    return _is_text(kind) and (name == "ngay_sinh" or pa.types.is_dictionary(kind))


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _column(array: pa.Array | pa.ChunkedArray, clean: bool) -> _Column:
    """Dictionary indices and values (NFC and trimmed when ``clean``); nulls are blanks."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_dictionary(array.type) or array.null_count:
        array = pc.fill_null(pc.cast(array, pa.string()), "").dictionary_encode()
    values = array.dictionary.to_pylist()
    if clean:
        values = [unicodedata.normalize("NFC", v).strip() for v in values]
    indices = array.indices.to_numpy()
    order = pc.unique(array.indices).to_pylist()
    return _Column(indices, values, order)


def _valid_dates(texts: list[str]) -> list[bool]:
    """dd/mm/yyyy or yyyy-mm-dd, from 1900 to today (each distinct text parsed once)."""
    if not texts:
        return []
    distinct = pd.Series([t.strip() for t in texts], dtype="str")
    parsed = pd.to_datetime(distinct, format="%d/%m/%Y", errors="coerce")
    other = parsed.isna()
    if other.any():
        parsed[other] = pd.to_datetime(distinct[other], format="%Y-%m-%d", errors="coerce")
    invalid = parsed.isna() | (parsed.dt.year < 1900) | (parsed > pd.Timestamp.now())
    return (~invalid).tolist()


def _duplicates(chunks: Iterator[pa.Array], file: str, label: str) -> list[Problem]:
    """IDs seen on an earlier row (exact text): the first rows, then how many more."""
    texts = pa.chunked_array(
        [pc.fill_null(pc.cast(c, pa.large_string()), "") for c in chunks], pa.large_string()
    )
    if not len(texts):
        return []
    encoded = texts.combine_chunks().dictionary_encode()
    codes = encoded.indices.to_numpy()
    seen, first = np.unique(codes, return_index=True)
    first_row = np.empty(len(encoded.dictionary), dtype=np.int64)
    first_row[seen] = first
    repeated = np.flatnonzero(
        (first_row[codes] != np.arange(len(codes)))
        & pc.not_equal(encoded.dictionary, "").to_numpy(False)[codes]
    )
    fix = "mỗi người một dòng: xoá dòng trùng."
    problems = [
        replace(
            Problem(file, "", fix, row=int(p) + 2, column=label),
            message=f"mã định danh {encoded.dictionary[codes[p]].as_py()} đã có ở dòng "
            f"{first_row[codes[p]] + 2}.",
        )
        for p in repeated[:SHOWN]
    ]
    if len(repeated) > SHOWN:
        more = f"còn {len(repeated) - SHOWN} mã định danh trùng khác."
        problems.append(Problem(file, more, "mỗi người một dòng.", column=label))
    return problems
