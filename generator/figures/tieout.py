"""Tie-out: compare totals someone reported (another system, last notice) with the rows.

``doi-chieu.toml`` in a data folder lists reported figures, each naming an
appendix, a row ("Tổng số" for the total row) and, for appendices by level, a
level. Every disagreement is listed with both figures. The shipped 2023 folder
carries the totals the 2023 notice printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.errors import InvalidData, Problem
from ..common.tomlfile import read_toml
from ..common.vnformat import count, signed
from ..inputs.headers import COUNT_COLUMNS, LABELS
from .aggregate import Appendix, Counts, Row

TIEOUT_FILE = "doi-chieu.toml"
TOTAL_ROW = "Tổng số"


@dataclass(frozen=True)
class Disagreement:
    appendix: str  # Roman numeral
    row: str
    level: str | None
    column: str
    reported: int
    computed: int

    def __str__(self) -> str:
        where = f"Phụ lục {self.appendix}, hàng «{self.row}»"
        if self.level:
            where += f", cấp {self.level}"
        difference = self.computed - self.reported
        return (
            f"{where}, «{LABELS[self.column]}»: báo cáo {count(self.reported)}, "
            f"tính từ các dòng {count(self.computed)} (chênh {signed(difference)})."
        )


def tie_out(path: Path, appendices: tuple[Appendix, ...]) -> list[Disagreement]:
    """Every reported figure in ``path`` that the computed appendices disagree with."""
    entries = _entries(path)
    problems: list[Problem] = []
    found = []
    for position, entry in enumerate(entries, start=1):
        row, appendix, problem = _locate(entry, appendices, position, path.name)
        if problem:
            problems.append(problem)
            continue
        found += _compare(entry, row, appendix, position, path.name, problems)
    if problems:
        raise InvalidData(problems)
    return found


def _entries(path: Path) -> list[dict[str, Any]]:
    raw = read_toml(path, f"data/2023-06-23/{TIEOUT_FILE}")
    entries = raw.get("so")
    if not isinstance(entries, list):
        fix = 'mỗi số báo cáo là một khối [[so]] với phu_luc = "I", hang = "Tổng số", hs_tong = …'
        raise InvalidData([Problem(path.name, "không có khối [[so]] nào.", fix)])
    return entries


def _locate(
    entry: dict[str, Any], appendices: tuple[Appendix, ...], position: int, file: str
) -> tuple[Counts | None, Appendix | None, Problem | None]:
    key = f"so thứ {position}"
    wanted = str(entry.get("phu_luc", ""))
    appendix = next((a for a in appendices if wanted in (a.spec.number, a.spec.key)), None)
    if appendix is None:
        known = ", ".join(a.spec.number for a in appendices)
        codes = ", ".join(a.spec.key for a in appendices)
        fix = (
            f"ghi phu_luc là một trong: {known} (hoặc mã: {codes});"
            " phụ lục đã bỏ khỏi phu-luc.toml thì xoá các khối [[so]] của nó."
        )
        return None, None, Problem(file, f"không có phụ lục «{wanted}».", fix, key=key)
    label = str(entry.get("hang", TOTAL_ROW))
    row = (
        appendix.total
        if label == TOTAL_ROW
        else next((r for r in appendix.rows if r.label == label), None)
    )
    if row is None:
        return (
            None,
            None,
            Problem(
                file,
                f"phụ lục {appendix.spec.number} không có hàng «{label}».",
                "ghi đúng nhãn hàng như trong phụ lục.",
                key=key,
            ),
        )
    return _counts(row, entry.get("cap_hoc")), appendix, None


def _counts(row: Row, level: str | None) -> Counts:
    return row.total if level is None else row.by_level.get(level, Counts())


def _compare(
    entry: dict[str, Any],
    counts: Counts,
    appendix: Appendix,
    position: int,
    file: str,
    problems: list[Problem],
) -> list[Disagreement]:
    found = []
    for name in COUNT_COLUMNS:
        if name not in entry:
            continue
        reported = entry[name]
        if not isinstance(reported, int) or reported < 0:
            problems.append(
                Problem(
                    file,
                    f"«{name} = {reported!r}» không phải số nguyên.",
                    "ghi số không có dấu chấm, ví dụ 121149.",
                    key=f"so thứ {position}",
                )
            )
            continue
        computed = getattr(counts, name)
        if reported != computed:
            found.append(
                Disagreement(
                    appendix.spec.number,
                    str(entry.get("hang", TOTAL_ROW)),
                    entry.get("cap_hoc"),
                    name,
                    reported,
                    computed,
                )
            )
    return found
