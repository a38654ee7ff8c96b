"""Last year's workbook as input: one sheet per appendix, read as one unit table.

A clerk's workbook often holds the printed appendices themselves, one sheet
each, in any order and under any sheet names. Each sheet is matched to a
declared appendix (``phu-luc.toml``): by ``bang-so-lieu.toml`` in the data
folder when it says so, else by the sheet's title, else by its columns. The
appendix then implies what the sheet leaves out: the level (an appendix of one
level), the managing office (a sheet of offices; or the office shown first,
"Trực thuộc Sở", for a sheet of schools), and a column pair per level
("Số HS MN | Chưa đồng bộ") becomes one row per level. A sheet by level (the
summary, appendix I) repeats the others' rows: it is only tied out, never
counted. Every "Tổng số" row is tied out against the rows of its sheet.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..common.errors import InvalidData, Problem
from ..common.tomlfile import read_toml
from ..common.vnformat import count
from ..kinds.appendices import AppendixSpec, Declarations
from .headers import COUNT_COLUMNS, IGNORED, SheetHeader, column_letter, find_header, fold
from .reading import Grid, RawTable, table_from
from .validation import Checked, parse_count, validate_units

MAPPING_FILE = "bang-so-lieu.toml"
_SAMPLE = "README, mục «Bảng số liệu là các phụ lục năm trước»"


@dataclass(frozen=True)
class Part:
    """What one sheet became: which appendix, why, and the rows it gave."""

    sheet: str
    spec: AppendixSpec | None
    reason: str
    implied: str = ""  # what the appendix supplied that the sheet does not say
    summary: bool = False  # a sheet by level: tied out only

    def note(self, file: str) -> str:
        if self.spec is None:
            return f"{file}: trang tính «{self.sheet}» bỏ qua ({self.reason})."
        use = "chỉ dùng để đối chiếu" if self.summary else "lấy số liệu"
        extra = f"; {self.implied}" if self.implied else ""
        return (
            f"{file}: trang tính «{self.sheet}» là phụ lục {self.spec.number} "
            f"(nhận theo {self.reason}; {use}{extra})."
        )


def read_mapping(data_dir: Path) -> dict[str, Any]:
    """``bang-so-lieu.toml``: sheet → appendix, and the office of a sheet of schools."""
    path = data_dir / MAPPING_FILE
    return read_toml(path, _SAMPLE) if path.is_file() else {}


def is_flat(header: SheetHeader | None) -> bool:
    """The sheet has every column of the unit table itself (no appendix needed)."""
    return header is not None and {"don_vi", "cap_hoc", "don_vi_quan_ly"} <= header.names()


def read_appendix_sheets(
    grids: list[Grid], declarations: Declarations, mapping: dict[str, Any]
) -> tuple[Checked, list[str]]:
    """The unit table the sheets hold together, and a note per sheet; InvalidData otherwise."""
    levels = declarations.level_names
    problems: list[Problem] = []
    parts: list[Part] = []
    checked: list[tuple[Part, Checked, RawTable]] = []
    summaries: list[tuple[Grid, SheetHeader, Part]] = []
    for grid in grids:
        header = find_header(grid.rows, grid.file, grid.sheet, levels, merged=grid.merged)
        if header is None:
            if any(any(row) for row in grid.rows) and len(grids) == 1:
                problems.append(_no_header(grid))
            parts.append(Part(grid.sheet or grid.file, None, "không có hàng tiêu đề"))
            continue
        try:
            part, tables = _sheet(grid, header, declarations, mapping)
        except InvalidData as error:
            problems += error.problems
            continue
        parts.append(part)
        if part.summary:
            summaries.append((grid, header, part))
            continue
        for table in tables:
            try:
                checked.append((part, validate_units(table, levels), table))
            except InvalidData as error:
                problems += error.problems
    if not checked and not problems:
        fix = "đặt vào tệp các trang tính phụ lục có từng đơn vị (không chỉ bảng theo cấp học)."
        problems.append(Problem(grids[0].file, "không có trang tính nào có số liệu đơn vị.", fix))
    if problems:
        raise InvalidData(problems)
    units = pd.concat([c.units for _, c, _ in checked], ignore_index=True)
    problems += _duplicates(checked)
    for grid, header, part in summaries:
        problems += _tie_out_summary(grid, header, part, units, levels)
    if problems:
        raise InvalidData(problems)
    warnings = [w for _, c, _ in checked for w in c.warnings]
    return Checked(units, warnings), [p.note(grids[0].file) for p in parts]


def _no_header(grid: Grid) -> Problem:
    from .headers import no_header

    return no_header(grid.file, grid.sheet)


def _sheet(
    grid: Grid, header: SheetHeader, declarations: Declarations, mapping: dict[str, Any]
) -> tuple[Part, list[RawTable]]:
    spec, reason = _match(grid, header, declarations, mapping)
    if spec.rows_by == "cap_hoc":
        return Part(grid.sheet or "", spec, reason, summary=True), []
    levels = sorted(header.levels(), key=list(spec.levels).index) or [None]
    implied: dict[str, str] = {}
    said = []
    names = header.names()
    if "cap_hoc" not in names and levels == [None]:
        if len(spec.levels) != 1:
            raise InvalidData([_needs_column(grid, header, "Cấp học", spec)])
        implied["cap_hoc"] = spec.levels[0]
        said.append(f"cấp học {spec.levels[0]}")
    rows_are_offices = "don_vi" not in names and "don_vi_quan_ly" in names
    if rows_are_offices:
        implied["don_vi"] = ""
    elif "don_vi_quan_ly" not in names:
        office = _office(grid, header, spec, declarations, mapping)
        implied["don_vi_quan_ly"] = office
        said.append(f"đơn vị quản lý «{office}»")
    tables = []
    for level in levels:
        level_implied = dict(implied, cap_hoc=level) if level else implied
        table = table_from(grid, header, level_implied, level)
        if rows_are_offices:
            table = _offices_as_units(table, spec)
        if level:
            table = _drop_blank(table)
        tables.append(table)
    if levels != [None]:
        said.append("mỗi cặp cột một cấp học: " + ", ".join(levels))
    return Part(grid.sheet or "", spec, reason, "; ".join(said)), tables


def _match(
    grid: Grid, header: SheetHeader, declarations: Declarations, mapping: dict[str, Any]
) -> tuple[AppendixSpec, str]:
    specs = declarations.appendices
    named = (mapping.get("trang_tinh") or {}).get(grid.sheet or "")
    if named is not None:
        found = [s for s in specs if str(named) in (s.key, s.number)]
        if not found:
            choices = ", ".join(f"{s.key} ({s.number})" for s in specs)
            fix = f"ghi mã hoặc số La Mã của một phụ lục: {choices}."
            problem = Problem(MAPPING_FILE, f"không có phụ lục «{named}».", fix, key="trang_tinh")
            raise InvalidData([problem])
        return found[0], MAPPING_FILE
    shaped = [s for s in specs if _fits(s, header)]
    titled = _by_title(header.title, specs)
    if len(titled) == 1 and (not shaped or titled[0] in shaped):
        return titled[0], "tiêu đề"
    if len(shaped) > 1:
        shaped = _by_learners(shaped, header) or shaped
    if len(shaped) > 1:
        shaped = _by_sheet_name(grid.sheet or "", shaped, specs) or shaped
    if len(shaped) == 1:
        return shaped[0], "các cột"
    candidates = shaped or list(specs)
    names = ", ".join(f"{s.number} ({s.key})" for s in candidates)
    message = f"không biết trang tính này là phụ lục nào (có thể là: {names})."
    fix = (
        f'ghi vào tệp {MAPPING_FILE} trong thư mục số liệu: [trang_tinh] "{grid.sheet}" = '
        f'"{candidates[0].key}"; hoặc chép tiêu đề phụ lục vào đầu trang tính.'
    )
    raise InvalidData([Problem(grid.file, message, fix, row=header.row, sheet=grid.sheet)])


def _fits(spec: AppendixSpec, header: SheetHeader) -> bool:
    names, tagged = header.names(), header.levels()
    if not set(COUNT_COLUMNS) & names:
        return False
    if spec.rows_by == "cap_hoc":
        return "cap_hoc" in names and not names & {"don_vi", "don_vi_quan_ly"} and not tagged
    if spec.rows_by == "don_vi_quan_ly" and "don_vi" in names:
        return False
    if spec.rows_by == "don_vi" and "don_vi" not in names:
        return False
    if tagged:
        return spec.layout == "theo_cap" and tagged <= set(spec.levels)
    return spec.layout == "gop"


def _by_title(title: str, specs: tuple[AppendixSpec, ...]) -> list[AppendixSpec]:
    folded = fold(title)
    if not folded:
        return []
    exact = [s for s in specs if fold(s.title) and fold(s.title) in folded]
    if exact:
        return exact
    close = [
        s
        for s in specs
        if difflib.SequenceMatcher(None, fold(s.title), folded).find_longest_match().size
        >= 0.85 * len(fold(s.title))
    ]
    if close:
        return close
    return [
        s
        for position, s in enumerate(specs, start=1)
        if f" phu luc {s.number.lower()} " in f" {folded} " or f" phu luc {position} " in folded
    ]


def _by_sheet_name(
    name: str, candidates: list[AppendixSpec], specs: tuple[AppendixSpec, ...]
) -> list[AppendixSpec]:
    """A sheet named like "PL2", "Phụ lục II", "PL III" names its appendix's number."""
    found = re.fullmatch(r"(?:pl|phu luc|phuluc|phu luc so)\s*([0-9]+|[ivxlc]+)", fold(name))
    if not found:
        return []
    token = found.group(1)
    return [
        s
        for position, s in enumerate(specs, start=1)
        if s in candidates and token in (s.number.lower(), str(position))
    ]


def _by_learners(specs: list[AppendixSpec], header: SheetHeader) -> list[AppendixSpec]:
    """Appendices whose learners' group label ("HỌC VIÊN") is the sheet's."""
    groups = {
        fold(found.shown.split(" / ")[0])
        for found in header.columns.values()
        if found.name.startswith("hs_") and " / " in found.shown
    }
    return [s for s in specs if fold(s.learners_header) in groups]


def _office(
    grid: Grid,
    header: SheetHeader,
    spec: AppendixSpec,
    declarations: Declarations,
    mapping: dict[str, Any],
) -> str:
    offices = mapping.get("don_vi_quan_ly") or {}
    named = offices.get(spec.key) if isinstance(offices, dict) else offices
    if named:
        return str(named)
    pinned = [s.pinned.office for s in declarations.appendices if s.pinned]
    if pinned:
        return pinned[0]
    raise InvalidData([_needs_column(grid, header, "Đơn vị quản lý", spec)])


def _needs_column(grid: Grid, header: SheetHeader, label: str, spec: AppendixSpec) -> Problem:
    fix = (
        f"thêm cột «{label}», hoặc ghi trong {MAPPING_FILE}: "
        f'[don_vi_quan_ly] {spec.key} = "Sở GDĐT".'
        if label == "Đơn vị quản lý"
        else f"thêm cột «{label}» vào trang tính."
    )
    message = f"thiếu cột bắt buộc (phụ lục {spec.number} không cho biết {label.lower()})."
    return Problem(grid.file, message, fix, row=header.row, column=label, sheet=grid.sheet)


def _offices_as_units(table: RawTable, spec: AppendixSpec) -> RawTable:
    """A row per office: the label is the unit; the office is its full name."""
    frame = table.frame.copy()
    labels = frame["don_vi_quan_ly"]
    pinned = spec.pinned

    def office(label: str) -> str:
        if pinned and fold(label) == fold(pinned.label):
            return pinned.office
        prefix = spec.strip_prefix
        if not label or not prefix or fold(label).startswith(fold(prefix)):
            return label
        return prefix + label

    frame["don_vi"] = labels
    frame["don_vi_quan_ly"] = labels.map({v: office(v) for v in pd.unique(labels)}).astype("str")
    headers = dict(table.headers, don_vi=table.headers.get("don_vi_quan_ly", ""))
    letters = dict(table.letters, don_vi=table.letters.get("don_vi_quan_ly", ""))
    return replace(table, frame=frame, headers=headers, letters=letters)


def _drop_blank(table: RawTable) -> RawTable:
    """Rows whose pair for this level is empty: the unit has no such level."""
    keep = ~(table.frame[list(COUNT_COLUMNS)] == "").all(axis=1).to_numpy()
    rows = tuple(np.asarray(table.rows)[keep].tolist())
    return replace(table, frame=table.frame[keep].reset_index(drop=True), rows=rows)


def _duplicates(checked: list[tuple[Part, Checked, RawTable]]) -> list[Problem]:
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for part, result, table in checked:
        for unit, level in zip(result.units["don_vi"], result.units["cap_hoc"], strict=True):
            key = (unit, level)
            if key in seen and seen[key] != part.sheet:
                message = f"đơn vị «{unit}», cấp {level} có ở cả trang tính «{seen[key]}»."
                fix = "mỗi đơn vị, mỗi cấp học chỉ ghi ở một trang tính: xoá dòng thừa."
                problems.append(Problem(table.file, message, fix, sheet=part.sheet))
            seen.setdefault(key, part.sheet)
    return problems


def _tie_out_summary(
    grid: Grid, header: SheetHeader, part: Part, units: pd.DataFrame, levels: dict[str, str]
) -> list[Problem]:
    """Each level row (and the total row) of a summary sheet against the rows counted."""
    by_name = {fold(name): code for code, name in levels.items()}
    by_name.update({fold(code): code for code in levels})
    sums = units.groupby("cap_hoc")[list(COUNT_COLUMNS)].sum()
    positions = {
        f.name: p for p, f in header.columns.items() if f.name != IGNORED and f.level is None
    }
    problems = []
    for number, row in enumerate(grid.rows[header.first_data_row - 1 :], header.first_data_row):
        label = row[positions["cap_hoc"]] if positions["cap_hoc"] < len(row) else ""
        if not label:
            label = next((c for c in row if c), "")
        folded = fold(label)
        if folded in by_name:
            code = by_name[folded]
            computed = sums.loc[code] if code in sums.index else None
            where = f"cấp {code}"
        elif folded.startswith(("tong so", "tong cong")):
            computed = sums.sum()
            where = "toàn bộ"
        else:
            continue
        for name in COUNT_COLUMNS:
            if name not in positions or positions[name] >= len(row):
                continue
            written, _ = parse_count(row[positions[name]])
            value = 0 if computed is None else int(computed[name])
            if written is not None and written != value:
                message = (
                    f"bảng tổng hợp ghi {count(written)}, nhưng các trang tính khác cộng lại "
                    f"({where}) được {count(value)}."
                )
                fix = "sửa số cho khớp; bảng tổng hợp chỉ dùng để đối chiếu, không được cộng."
                letter = column_letter(positions[name])
                shown = header.columns[positions[name]].shown
                problems.append(
                    Problem(grid.file, message, fix, number, shown, grid.sheet, None, letter)
                )
    return problems
