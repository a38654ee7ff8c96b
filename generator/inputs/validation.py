"""Check the unit table and turn it into typed rows, reporting every problem at once.

Errors block the build; warnings (a unit with staff but no pupils, a row left
without figures) are shown and block only with ``--strict``. A total row at the
top or bottom of the table (as the notice's appendices have) is recognised,
checked against the rows and left out; one in the middle is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from ..common.errors import InvalidData, Problem
from ..common.vnformat import count
from .reading import COUNT_COLUMNS, LABELS, RawTable, fold

_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*$")
_WHOLE_FLOAT = re.compile(r"^(\d+)\.0+$")  # how spreadsheets hand over whole numbers
_TOTAL_LABELS = ("tong so", "tong cong", "cong", "tong")
_COUNT_FIX = "ghi một số nguyên không âm, ví dụ 1204 hoặc 1.204; ghi 0 nếu không có ai."

ProblemAt = Callable[[str, str, str], Problem]


@dataclass(frozen=True)
class Checked:
    units: pd.DataFrame  # text columns plus int64 counts
    warnings: list[Problem]


def validate_units(table: RawTable, levels: Iterable[str]) -> Checked:
    """The checked table and its warnings. Raises InvalidData listing every error."""
    known = {level.upper(): level for level in levels}
    if table.frame.empty:
        fix = "nhập mỗi đơn vị, mỗi cấp học một dòng, bên dưới dòng tiêu đề."
        message = "bảng không có dòng số liệu nào."
        raise InvalidData([Problem(table.file, message, fix, sheet=table.sheet)])
    rows = table.frame.to_dict("records")
    totals, problems = _total_rows(rows, table)
    records, warnings, seen = [], [], {}
    for position, row in enumerate(rows):
        if position in totals:
            continue
        at = _locator(table, table.rows[position])
        if not any(row[name] for name in COUNT_COLUMNS):
            warnings.append(
                at(
                    "don_vi",
                    "dòng không có số liệu nào: coi như đơn vị không có cấp học này và bỏ qua.",
                    "xoá dòng, hoặc ghi số 0.",
                )
            )
            continue
        record, found = _check_row(row, at, known, seen, table.rows[position])
        problems += found
        warnings += _warnings(record, at)
        records.append(record)
    if not problems:
        problems += _check_totals(rows, totals, records, table)
    if problems:
        raise InvalidData(problems)
    frame = pd.DataFrame.from_records(records)
    return Checked(frame.astype({name: "int64" for name in COUNT_COLUMNS}), warnings)


def _locator(table: RawTable, excel_row: int) -> ProblemAt:
    def problem(column: str, message: str, fix: str) -> Problem:
        shown = table.headers.get(column, LABELS[column])
        return Problem(table.file, message, fix, row=excel_row, column=shown, sheet=table.sheet)

    return problem


def _is_total(unit: str) -> bool:
    folded = fold(unit)
    return folded in _TOTAL_LABELS or folded.startswith(("tong so", "tong cong"))


def _total_rows(rows: list[dict[str, str]], table: RawTable) -> tuple[set[int], list[Problem]]:
    """Positions of the recognised total rows (first or last); others are errors."""
    positions = {i for i, row in enumerate(rows) if _is_total(row["don_vi"])}
    edges = {0, len(rows) - 1}
    problems = []
    for position in sorted(positions - edges):
        at = _locator(table, table.rows[position])
        fix = "xoá dòng tổng ở giữa bảng: chương trình tự cộng các dòng."
        problems.append(at("don_vi", "đây là dòng tổng (cộng), không phải một đơn vị.", fix))
    return positions & edges, problems


def _check_totals(
    rows: list[dict[str, str]], totals: set[int], records: list[dict], table: RawTable
) -> list[Problem]:
    problems = []
    for position in sorted(totals):
        at = _locator(table, table.rows[position])
        for name in COUNT_COLUMNS:
            written, _ = parse_count(rows[position][name])
            computed = sum(record[name] for record in records)
            if written is not None and written != computed:
                message = (
                    f"dòng tổng ghi {count(written)}, nhưng các dòng cộng lại được "
                    f"{count(computed)}."
                )
                fix = "sửa số ở dòng tổng cho khớp, hoặc xoá dòng tổng (chương trình tự cộng)."
                problems.append(at(name, message, fix))
    return problems


def _check_row(
    row: dict[str, str],
    at: ProblemAt,
    known: dict[str, str],
    seen: dict[tuple[str, str], int],
    excel_row: int,
) -> tuple[dict, list[Problem]]:
    problems = []
    unit, level, office = row["don_vi"], row["cap_hoc"], row["don_vi_quan_ly"]
    if not unit:
        problems.append(at("don_vi", "thiếu tên đơn vị.", "ghi tên đơn vị vào ô này."))
    canonical_level = known.get(level.upper())
    if canonical_level is None:
        shown = f"«{level}»" if level else "ô trống"
        problems.append(
            at(
                "cap_hoc",
                f"cấp học {shown} không hợp lệ.",
                f"ghi một trong: {', '.join(known.values())}.",
            )
        )
    if not office:
        fix = "ghi «Sở GDĐT» hoặc tên phòng GDĐT quản lý đơn vị, ví dụ «Phòng GDĐT Hồng Bàng»."
        problems.append(at("don_vi_quan_ly", "thiếu đơn vị quản lý.", fix))
    counts = {}
    for name in COUNT_COLUMNS:
        counts[name], message = parse_count(row[name])
        if message:
            problems.append(at(name, message, _COUNT_FIX))
    problems += _check_parts(counts, at)
    key = (unit, canonical_level or level)
    if unit and key in seen:
        message = f"đơn vị «{unit}», cấp {key[1]} đã có ở dòng {seen[key]}."
        problems.append(at("don_vi", message, "gộp hai dòng làm một, hoặc xoá dòng thừa."))
    seen.setdefault(key, excel_row)
    record = {"don_vi": unit, "cap_hoc": canonical_level, "don_vi_quan_ly": office, **counts}
    return record, problems


def parse_count(text: str) -> tuple[int | None, str | None]:
    """A count typed as 1204, "1.204", "1,204" or "1 204"; else (None, the reason)."""
    text = text.strip()
    if not text:
        return None, "ô để trống."
    if text.startswith("-"):
        return None, f"số âm ({text})."
    whole = _WHOLE_FLOAT.match(text)
    if _PLAIN.match(text):
        return int(text), None
    if whole:
        return int(whole.group(1)), None
    if _GROUPED.match(text):
        return int(re.sub(r"\D", "", text)), None
    return None, f"«{text}» không phải số nguyên."


def _check_parts(counts: dict[str, int | None], at: ProblemAt) -> list[Problem]:
    problems = []
    for part, whole, who in (("hs_chua", "hs_tong", "học sinh"), ("ns_chua", "ns_tong", "nhân sự")):
        if counts[part] is not None and counts[whole] is not None and counts[part] > counts[whole]:
            message = (
                f"số {who} chưa đồng bộ ({counts[part]}) lớn hơn tổng số {who} ({counts[whole]})."
            )
            fix = f"kiểm tra lại hai cột «{LABELS[part]}» và «{LABELS[whole]}»."
            problems.append(at(part, message, fix))
    return problems


def _warnings(record: dict, at: ProblemAt) -> list[Problem]:
    if any(record[name] is None for name in COUNT_COLUMNS):
        return []
    if record["hs_tong"] == 0 and record["ns_tong"] == 0:
        return [
            at(
                "hs_tong",
                "đơn vị không có học sinh và cũng không có nhân sự.",
                "kiểm tra lại, hoặc xoá dòng nếu đơn vị không có cấp học này.",
            )
        ]
    if record["hs_tong"] == 0 and record["ns_tong"] > 0:
        return [
            at(
                "hs_tong",
                f"0 học sinh nhưng có {record['ns_tong']} nhân sự.",
                "kiểm tra lại số học sinh của đơn vị ở cấp học này.",
            )
        ]
    return []
