"""Check the unit table and turn it into typed rows, reporting every problem at once.

Errors block the build; warnings (a unit with staff but no pupils, a row left
without figures) are shown and block only with ``--strict``. A total row at the
top or bottom of the table (as the notice's appendices have) is recognised,
checked against the rows and left out; one in the middle is an error.

The checks are vectorised (pandas): a country's 40,000 unit rows take well under
a second. Each kind of problem lists its first rows (``limits.PROBLEMS_SHOWN``)
and counts the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..common import limits
from ..common.errors import InvalidData, Problem
from ..common.vnformat import count
from . import guard
from .headers import COUNT_COLUMNS, LABELS, fold
from .reading import RawTable

_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*$")
_WHOLE_FLOAT = re.compile(r"^(\d+)\.0+$")  # how spreadsheets hand over whole numbers
_TOTAL_LABELS = ("tong so", "tong cong", "cong", "tong")
_TOTAL_START = "(?i)^[^0-9a-z]*(t[oôổ]ng|c[oôộ]ng)"  # what a total label may start with
_COUNT_FIX = "ghi một số nguyên không âm, ví dụ 1204 hoặc 1.204; ghi 0 nếu không có ai."


@dataclass(frozen=True)
class Checked:
    units: pd.DataFrame  # text columns plus int64 counts
    warnings: list[Problem]


def validate_units(table: RawTable, levels: Iterable[str]) -> Checked:
    """The checked table and its warnings. Raises InvalidData listing every error."""
    known = {level.upper(): level for level in levels}
    frame = table.frame.reset_index(drop=True)
    if frame.empty:
        fix = "nhập mỗi đơn vị, mỗi cấp học một dòng, bên dưới dòng tiêu đề."
        message = "bảng không có dòng số liệu nào."
        raise InvalidData([Problem(table.file, message, fix, sheet=table.sheet)])
    report = _Report(table)
    total = _is_total(frame["don_vi"])
    edges = np.zeros(len(frame), dtype=bool)
    edges[[0, -1]] = True
    report.rows(
        total & ~edges,
        "don_vi",
        "đây là dòng tổng (cộng), không phải một đơn vị.",
        "xoá dòng tổng ở giữa bảng: chương trình tự cộng các dòng.",
    )
    totals = total & edges
    blank = (frame[list(COUNT_COLUMNS)] == "").all(axis=1).to_numpy() & ~totals
    report.warn(
        blank,
        "don_vi",
        "dòng không có số liệu nào: coi như đơn vị không có cấp học này và bỏ qua.",
        "xoá dòng, hoặc ghi số 0.",
    )
    data = ~(total | blank)
    counts = {name: _counts(frame[name], data, report, name) for name in COUNT_COLUMNS}
    levels = _check_text(frame, data, known, report)
    _check_parts(counts, data, report)
    _duplicates(frame["don_vi"], levels, data, table, report)
    if not report.problems:
        _check_totals(counts, totals, data, report)
    if report.problems:
        raise InvalidData(report.problems)
    _warnings(counts, data, report)
    kept = slice(None) if data.all() else data  # a country's table: every row, no copy
    units = pd.DataFrame(
        {
            "don_vi": _text(frame["don_vi"][kept]),
            "cap_hoc": _text(levels[kept]),
            "don_vi_quan_ly": _text(frame["don_vi_quan_ly"][kept]),
            **{name: counts[name][kept].astype("int64") for name in COUNT_COLUMNS},
        }
    ).reset_index(drop=True)
    return Checked(units, report.warnings)


def _text(column: pd.Series) -> pd.Series:
    """A text column of the checked table: Arrow-backed strings (a country's million rows
    as Python objects would take several hundred MB)."""
    return column.astype("str")


class _Report:
    """Problems and warnings located in the table (first rows of each kind, then a count)."""

    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.rows_numbers = np.asarray(table.rows)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def at(self, name: str, message: str, fix: str, row: int | None) -> Problem:
        table = self.table
        shown = table.headers.get(name, LABELS[name])
        letter = table.letters.get(name)
        return Problem(table.file, message, fix, row, shown, table.sheet, None, letter)

    def rows(self, mask, name, message, fix, *, values=None, into=None) -> None:
        """One problem per row of ``mask`` (first ones), ``message`` formatted with the value."""
        into = self.problems if into is None else into
        positions = np.asarray(mask).nonzero()[0]
        for p in positions[: limits.PROBLEMS_SHOWN]:
            text = message(p) if callable(message) else message
            into.append(self.at(name, text, fix, int(self.rows_numbers[p])))
        if len(positions) > limits.PROBLEMS_SHOWN:
            more = len(positions) - limits.PROBLEMS_SHOWN
            into.append(self.at(name, f"còn {count(more)} dòng khác cùng lỗi này.", fix, None))

    def warn(self, mask, name, message, fix) -> None:
        self.rows(mask, name, message, fix, into=self.warnings)


def _is_total(units: pd.Series) -> np.ndarray:
    maybe = guard.matches(units, _TOTAL_START)
    if not maybe.any():
        return maybe
    distinct = pd.unique(units[maybe])
    labels = {u for u in distinct if _total_label(u)}
    return units.isin(labels).to_numpy() if labels else np.zeros(len(units), dtype=bool)


def _total_label(unit: str) -> bool:
    folded = fold(unit)
    return folded in _TOTAL_LABELS or folded.startswith(("tong so", "tong cong"))


def _counts(column: pd.Series, data: np.ndarray, report: _Report, name: str) -> pd.Series:
    """The column as integers (NA where not a count); problems for data rows that are not.

    Each distinct text is parsed once: a country's table has few distinct counts.
    """
    plain = guard.matches(column, "^[0-9]{1,15}$")
    numbers = np.zeros(len(column), dtype=np.int64)
    if plain.any():
        digits = pc.filter(guard.arrow(column), pa.array(plain))
        numbers[plain] = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
    valid = plain & (numbers <= limits.COUNT_MAX)
    if not plain.all():
        codes, distinct = pd.factorize(column[~plain])
        parsed = [parse_count(value)[0] for value in distinct]
        others = np.array([-1 if v is None else v for v in parsed] + [-1], dtype=np.int64)[codes]
        numbers[~plain] = np.maximum(others, 0)
        valid[~plain] = others >= 0
    values = pd.Series(pd.arrays.IntegerArray(numbers, ~valid), index=column.index)
    bad = data & ~valid
    if bad.any():

        def reason(p: int) -> str:
            return _reason(column.iloc[p].strip())

        report.rows(bad, name, reason, _COUNT_FIX)
    return values


def _reason(text: str) -> str:
    if not text:
        return "ô để trống."
    if text.startswith("-"):
        return f"số âm ({text})."
    if _digits(text) is not None:
        return f"số «{text}» lớn quá giới hạn {count(limits.COUNT_MAX)} (gõ nhầm?)."
    return f"«{text}» không phải số nguyên."


def _digits(text: str) -> str | None:
    """The digits of a count typed as 1204, "1.204", "1,204", "1 204" or 1204.0."""
    whole = _WHOLE_FLOAT.match(text)
    if _PLAIN.match(text):
        return text
    if whole:
        return whole.group(1)
    if _GROUPED.match(text):
        return re.sub(r"\D", "", text)
    return None


def parse_count(text: str) -> tuple[int | None, str | None]:
    """A count typed as 1204, "1.204", "1,204" or "1 204"; else (None, the reason)."""
    text = text.strip()
    digits = _digits(text)
    if digits is None or len(digits) > len(str(limits.COUNT_MAX)) or int(digits) > limits.COUNT_MAX:
        return None, _reason(text)
    return int(digits), None


def _check_text(
    frame: pd.DataFrame, data: np.ndarray, known: dict[str, str], report: _Report
) -> pd.Series:
    """The canonical level of each row; problems for names, levels, offices missing."""
    report.rows(
        data & (frame["don_vi"] == "").to_numpy(),
        "don_vi",
        "thiếu tên đơn vị.",
        "ghi tên đơn vị vào ô này.",
    )
    codes, distinct = pd.factorize(frame["cap_hoc"])
    canonical = np.array([known.get(str(v).upper()) for v in distinct] + [None], dtype=object)
    levels = pd.Series(canonical[codes], index=frame.index, dtype=object)
    unknown = data & levels.isna().to_numpy()

    def level_message(p: int) -> str:
        level = frame["cap_hoc"].iloc[p]
        return f"cấp học {f'«{level}»' if level else 'ô trống'} không hợp lệ."

    report.rows(unknown, "cap_hoc", level_message, f"ghi một trong: {', '.join(known.values())}.")
    report.rows(
        data & (frame["don_vi_quan_ly"] == "").to_numpy(),
        "don_vi_quan_ly",
        "thiếu đơn vị quản lý.",
        "ghi «Sở GDĐT» hoặc tên phòng GDĐT quản lý đơn vị, ví dụ «Phòng GDĐT Hồng Bàng».",
    )
    return levels.where(levels.notna(), frame["cap_hoc"])


def _check_parts(counts: dict[str, pd.Series], data: np.ndarray, report: _Report) -> None:
    for part, whole, who in (("hs_chua", "hs_tong", "học sinh"), ("ns_chua", "ns_tong", "nhân sự")):
        over = data & (counts[part] > counts[whole]).fillna(False).to_numpy(dtype=bool)

        def message(p: int, part=part, whole=whole, who=who) -> str:
            return (
                f"số {who} chưa đồng bộ ({counts[part].iloc[p]}) lớn hơn tổng số {who} "
                f"({counts[whole].iloc[p]})."
            )

        fix = f"kiểm tra lại hai cột «{LABELS[part]}» và «{LABELS[whole]}»."
        report.rows(over, part, message, fix)


def _duplicates(
    units: pd.Series, levels: pd.Series, data: np.ndarray, table: RawTable, report: _Report
) -> None:
    repeated = data & (units != "").to_numpy() & _repeated(units, levels)
    if not repeated.any():
        return
    first: dict[tuple[str, str], int] = {}
    mask = np.zeros(len(units), dtype=bool)
    for p in repeated.nonzero()[0]:
        key = (units.iloc[p], levels.iloc[p])
        if key in first:
            mask[p] = True
        else:
            first[key] = int(report.rows_numbers[p])

    def message(p: int) -> str:
        key = (units.iloc[p], levels.iloc[p])
        return f"đơn vị «{key[0]}», cấp {key[1]} đã có ở dòng {first[key]}."

    report.rows(mask, "don_vi", message, "gộp hai dòng làm một, hoặc xoá dòng thừa.")


def _repeated(units: pd.Series, levels: pd.Series) -> np.ndarray:
    """Rows whose unit and level are both on another row. The names are compared a level at
    a time: a country's million distinct names hashed at once take ~150 MB."""
    codes, distinct = pd.factorize(levels)
    names = guard.arrow(units)
    repeated = np.zeros(len(units), dtype=bool)
    for code in range(len(distinct)):
        rows = (codes == code).nonzero()[0]
        same = pd.Series(names.take(rows), dtype="str").duplicated(keep=False)
        repeated[rows] = same.to_numpy(dtype=bool)
    return repeated


def _check_totals(
    counts: dict[str, pd.Series], totals: np.ndarray, data: np.ndarray, report: _Report
) -> None:
    for p in totals.nonzero()[0]:
        for name in COUNT_COLUMNS:
            written = counts[name].iloc[p]
            computed = int(counts[name][data].sum())
            if not pd.isna(written) and int(written) != computed:
                message = (
                    f"dòng tổng ghi {count(int(written))}, nhưng các dòng cộng lại được "
                    f"{count(computed)}."
                )
                fix = "sửa số ở dòng tổng cho khớp, hoặc xoá dòng tổng (chương trình tự cộng)."
                report.problems.append(report.at(name, message, fix, int(report.rows_numbers[p])))


def _warnings(counts: dict[str, pd.Series], data: np.ndarray, report: _Report) -> None:
    hs, ns = counts["hs_tong"].fillna(0), counts["ns_tong"].fillna(0)
    none = data & ((hs == 0) & (ns == 0)).to_numpy(dtype=bool)
    report.warn(
        none,
        "hs_tong",
        "đơn vị không có học sinh và cũng không có nhân sự.",
        "kiểm tra lại, hoặc xoá dòng nếu đơn vị không có cấp học này.",
    )
    staff_only = data & ((hs == 0) & (ns > 0)).to_numpy(dtype=bool)

    def message(p: int) -> str:
        return f"0 học sinh nhưng có {counts['ns_tong'].iloc[p]} nhân sự."

    report.warn(
        staff_only, "hs_tong", message, "kiểm tra lại số học sinh của đơn vị ở cấp học này."
    )
