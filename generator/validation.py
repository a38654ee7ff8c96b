"""Check the unit table and turn it into typed rows, reporting every problem at once."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from .errors import InvalidData, Problem
from .reading import COUNT_COLUMNS, LABELS, RawTable, fold

_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*$")
_WHOLE_FLOAT = re.compile(r"^(\d+)\.0+$")  # how spreadsheets hand over whole numbers
_TOTAL_LABELS = ("tong so", "tong cong", "cong", "tong")


def validate_units(table: RawTable, levels: Iterable[str]) -> pd.DataFrame:
    """The checked table: text columns plus int64 counts. Raises InvalidData."""
    known = {level.upper(): level for level in levels}
    if table.frame.empty:
        fix = "nhập mỗi đơn vị, mỗi cấp học một dòng, bắt đầu từ dòng 2."
        raise InvalidData(
            [Problem(table.file, "bảng không có dòng số liệu nào.", fix, sheet=table.sheet)]
        )
    problems: list[Problem] = []
    records = []
    seen: dict[tuple[str, str], int] = {}
    for position, row in enumerate(table.frame.to_dict("records")):
        excel_row = table.rows[position]
        record, found = _check_row(row, excel_row, known, table, seen)
        problems += found
        records.append(record)
    if problems:
        raise InvalidData(problems)
    frame = pd.DataFrame.from_records(records)
    return frame.astype({name: "int64" for name in COUNT_COLUMNS})


def _check_row(
    row: dict[str, str],
    excel_row: int,
    known: dict[str, str],
    table: RawTable,
    seen: dict[tuple[str, str], int],
) -> tuple[dict[str, object], list[Problem]]:
    def problem(column: str, message: str, fix: str) -> Problem:
        return Problem(
            table.file,
            message,
            fix,
            row=excel_row,
            column=table.headers.get(column, LABELS[column]),
            sheet=table.sheet,
        )

    problems = []
    unit, level, office = row["don_vi"], row["cap_hoc"], row["don_vi_quan_ly"]
    if fold(unit) in _TOTAL_LABELS or fold(unit).startswith("tong so"):
        fix = "xoá dòng tổng: chương trình tự cộng các dòng."
        return row, [problem("don_vi", "đây là dòng tổng, không phải một đơn vị.", fix)]
    if not unit:
        problems.append(problem("don_vi", "thiếu tên đơn vị.", "ghi tên đơn vị vào ô này."))
    canonical_level = known.get(level.upper())
    if canonical_level is None:
        fix = f"ghi một trong: {', '.join(known.values())}."
        shown = f"«{level}»" if level else "ô trống"
        problems.append(problem("cap_hoc", f"cấp học {shown} không hợp lệ.", fix))
    if not office:
        fix = "ghi «Sở GDĐT» hoặc tên phòng GDĐT quản lý đơn vị, ví dụ «Phòng GDĐT Hồng Bàng»."
        problems.append(problem("don_vi_quan_ly", "thiếu đơn vị quản lý.", fix))
    counts = {}
    for name in COUNT_COLUMNS:
        value, message = parse_count(row[name])
        if message:
            problems.append(problem(name, message, _COUNT_FIX))
        counts[name] = value
    problems += _check_parts(counts, problem)
    key = (unit, canonical_level or level)
    if unit and key in seen:
        fix = "gộp hai dòng làm một, hoặc xoá dòng thừa."
        message = f"đơn vị «{unit}», cấp {key[1]} đã có ở dòng {seen[key]}."
        problems.append(problem("don_vi", message, fix))
    seen.setdefault(key, excel_row)
    record = {"don_vi": unit, "cap_hoc": canonical_level, "don_vi_quan_ly": office, **counts}
    return record, problems


_COUNT_FIX = "ghi một số nguyên không âm, ví dụ 1204 hoặc 1.204; ghi 0 nếu không có ai."


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


def _check_parts(counts: dict[str, int | None], problem) -> list[Problem]:
    problems = []
    for part, whole, who in (("hs_chua", "hs_tong", "học sinh"), ("ns_chua", "ns_tong", "nhân sự")):
        if counts[part] is not None and counts[whole] is not None and counts[part] > counts[whole]:
            message = (
                f"số {who} chưa đồng bộ ({counts[part]}) lớn hơn tổng số {who} ({counts[whole]})."
            )
            fix = f"kiểm tra lại hai cột «{LABELS[part]}» và «{LABELS[whole]}»."
            problems.append(problem(part, message, fix))
    return problems
