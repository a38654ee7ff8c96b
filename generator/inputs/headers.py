"""The unit table's columns, and how a clerk's header row(s) map onto them.

A label is matched ignoring case, spaces, punctuation and diacritics, so
"Tên đơn vị", "TEN DON VI" and "don_vi" are one column. Tables laid out like
the notice's own appendices have two header rows: a group header ("HỌC SINH",
"CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN") merged over "Tổng số | Chưa xác thực | Tỉ lệ";
the group then tells which count a "Chưa xác thực" is. STT and ratio columns
are recognised and left out (ratios are always computed).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from ..common.errors import Problem

IGNORED = "_bo_qua"  # a recognised column that carries nothing we read (STT, Tỉ lệ)


@dataclass(frozen=True)
class Column:
    name: str  # canonical name, used in code
    label: str  # the label the shipped table uses
    aliases: tuple[str, ...]  # other labels a clerk may write


COLUMNS = (
    Column("don_vi", "Tên đơn vị", ("đơn vị", "tên trường", "trường", "đơn vị p gdđt", "unit")),
    Column("cap_hoc", "Cấp học", ("bậc học", "cấp", "level")),
    Column("don_vi_quan_ly", "Đơn vị quản lý", ("cơ quan quản lý", "quản lý", "phòng gdđt")),
    Column("hs_tong", "Tổng số học sinh", ("số học sinh", "tổng số hs", "số hs", "tổng số học viên",
                                           "số học viên")),
    Column("hs_chua", "Học sinh chưa đồng bộ", ("hs chưa đồng bộ", "số hs chưa đồng bộ",
                                                "học sinh chưa xác thực", "hs chưa xác thực")),
    Column("ns_tong", "Tổng số nhân sự", ("số nhân sự", "tổng số ns", "số ns", "tổng số cbgvnv")),
    Column("ns_chua", "Nhân sự chưa đồng bộ", ("ns chưa đồng bộ", "số ns chưa đồng bộ",
                                               "nhân sự chưa xác thực", "ns chưa xác thực")),
)  # fmt: skip
COUNT_COLUMNS = ("hs_tong", "hs_chua", "ns_tong", "ns_chua")
LABELS = {column.name: column.label for column in COLUMNS}
_IGNORED_LABELS = ("stt", "tt", "so tt", "ghi chu")
_LEARNERS = ("hoc sinh", "hoc vien", "hs")
_STAFF = ("can bo", "nhan su", "giao vien", "nhan vien", "ns", "cbgvnv")


def fold(text: str) -> str:
    """Lower case, no diacritics, "đ" → "d", punctuation and spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", " ", plain.lower()).strip()


_ALIASES = {
    fold(alias): column.name
    for column in COLUMNS
    for alias in (column.name, column.label, *column.aliases)
}


def classify(label: str, group: str = "") -> str | None:
    """The canonical column a header (under an optional group header) names, or None."""
    folded, folded_group = fold(label), fold(group)
    if folded in _ALIASES and not folded_group:
        return _ALIASES[folded]
    if folded in _IGNORED_LABELS or folded.startswith("ti le") or folded.startswith("ty le"):
        return IGNORED
    if folded in _ALIASES and _ALIASES[folded] not in COUNT_COLUMNS:
        return _ALIASES[folded]
    who = _who(folded) or _who(folded_group)
    measure = "chua" if "chua" in folded else "tong" if _is_total(folded) else None
    if who and measure:
        return f"{who}_{measure}"
    return _ALIASES.get(folded)


def _who(folded: str) -> str | None:
    words = f" {folded} "
    if any(f" {w} " in words for w in _LEARNERS):
        return "hs"
    if any(f" {w} " in words for w in _STAFF):
        return "ns"
    return None


def _is_total(folded: str) -> bool:
    return folded.startswith(("tong so", "so ")) or folded in ("tong", "tong so")


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[int, str]  # position → canonical name (IGNORED for STT, ratios)
    labels: dict[str, str]  # canonical name → the header as the clerk wrote it
    rows: int  # how many header rows (1 or 2)


def map_headers(
    first: list[str], second: list[str] | None, row: int, file: str, sheet: str | None
) -> tuple[HeaderMap, list[Problem]]:
    """Map one header row, or two when that is what the sheet has; problems if neither fits."""
    single, problems = _map(first, [""] * len(first), row, file, sheet)
    if not problems or second is None:
        return single, problems
    groups = _forward_fill(first)
    labels = [sub or group for group, sub in zip(groups, _pad(second, len(first)), strict=True)]
    grouped = [
        group if sub else "" for group, sub in zip(groups, _pad(second, len(first)), strict=True)
    ]
    double, double_problems = _map(labels, grouped, row, file, sheet)
    if not double_problems:
        return HeaderMap(double.columns, double.labels, rows=2), []
    return single, problems


def _pad(cells: list[str], width: int) -> list[str]:
    return (cells + [""] * width)[:width]


def _forward_fill(cells: list[str]) -> list[str]:
    filled, last = [], ""
    for cell in cells:
        last = cell or last
        filled.append(last)
    return filled


def _map(
    labels: list[str], groups: list[str], row: int, file: str, sheet: str | None
) -> tuple[HeaderMap, list[Problem]]:
    columns: dict[int, str] = {}
    written: dict[str, str] = {}
    problems = []
    for position, (label, group) in enumerate(zip(labels, groups, strict=True)):
        if not label and not group:
            continue
        name = classify(label, group)
        shown = f"{group} / {label}" if group and group != label else label
        if name is None or (name != IGNORED and name in written):
            problems.append(_unknown(shown, name, row, file, sheet))
        elif name != IGNORED:
            written[name] = shown
        columns[position] = name or IGNORED
    for column in COLUMNS:
        if column.name not in written:
            fix = f"thêm cột có tiêu đề «{column.label}» ở dòng {row}."
            problems.append(
                Problem(file, "thiếu cột bắt buộc.", fix, row=row, column=column.label, sheet=sheet)
            )
    return HeaderMap(columns, written, rows=1), problems


def _unknown(
    shown: str, duplicate_of: str | None, row: int, file: str, sheet: str | None
) -> Problem:
    if duplicate_of:
        message = f"cột này trùng với cột «{LABELS[duplicate_of]}» đã có."
        fix = "xoá một trong hai cột."
    else:
        message = "tiêu đề cột không thuộc bảng số liệu."
        fix = _suggest(shown)
    return Problem(file, message, fix, row=row, column=shown, sheet=sheet)


def _suggest(header: str) -> str:
    close = difflib.get_close_matches(fold(header), list(_ALIASES), n=1, cutoff=0.8)
    if close:
        return f"có phải ý bạn là «{LABELS[_ALIASES[close[0]]]}»? Sửa lại tiêu đề cho đúng."
    labels = ", ".join(f"«{label}»" for label in LABELS.values())
    return f"xoá cột này, hoặc đổi tiêu đề thành một trong: {labels}."
