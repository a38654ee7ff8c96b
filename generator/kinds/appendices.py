"""Read the appendix declarations (``phu-luc.toml``): what each appendix shows.

A maintainer adds, removes or reorders appendices by editing that file; the
Roman numeral of each follows from its position.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.errors import InvalidData, Problem
from ..common.tomlfile import read_toml

APPENDIX_FILE = "phu-luc.toml"
ROW_KINDS = ("cap_hoc", "don_vi", "don_vi_quan_ly")
LAYOUTS = ("gop", "theo_cap")
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


@dataclass(frozen=True)
class Pinned:
    """A managing office shown first, under a label of its own ("Trực thuộc Sở")."""

    office: str
    label: str


@dataclass(frozen=True)
class AppendixSpec:
    key: str
    number: str
    title: str
    levels: tuple[str, ...]
    rows_by: str
    layout: str
    name_header: str
    learners_header: str
    pinned: Pinned | None = None
    strip_prefix: str = ""  # dropped from row labels ("Phòng GDĐT Hồng Bàng" → "Hồng Bàng")


@dataclass(frozen=True)
class Declarations:
    level_names: dict[str, str]
    appendices: tuple[AppendixSpec, ...]


def roman(number: int) -> str:
    """1 → "I", 4 → "IV", 14 → "XIV"."""
    result = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        result.append(letters * count)
    return "".join(result)


def load_declarations(path: Path) -> Declarations:
    """Parse and check ``phu-luc.toml``; all problems are reported together."""
    raw = read_toml(path, "templates/phu-luc.toml")
    level_names = raw.get("ten_cap_hoc")
    problems: list[Problem] = []
    if not isinstance(level_names, dict) or not level_names:
        fix = 'thêm mục [ten_cap_hoc] với mỗi cấp học một dòng, ví dụ MN = "Mầm non".'
        problems.append(Problem(path.name, "thiếu danh sách cấp học.", fix, key="ten_cap_hoc"))
        level_names = {}
    entries = raw.get("phu_luc")
    if not isinstance(entries, list) or not entries:
        fix = "thêm ít nhất một khối [[phu_luc]] (xem tệp mẫu templates/phu-luc.toml)."
        problems.append(Problem(path.name, "chưa khai báo phụ lục nào.", fix, key="phu_luc"))
        entries = []
    specs = []
    for position, entry in enumerate(entries, start=1):
        spec, found = _spec(entry, position, level_names, path.name)
        problems += found
        specs.append(spec)
    problems += _duplicate_keys(specs, path.name)
    if problems:
        raise InvalidData(problems)
    return Declarations(dict(level_names), tuple(specs))


def _spec(
    entry: dict[str, Any], position: int, level_names: dict[str, str], file: str
) -> tuple[AppendixSpec, list[Problem]]:
    where = f"phu_luc thứ {position}"
    problems = []

    def text(name: str) -> str:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            fix = f'thêm dòng {name} = "…" vào khối [[phu_luc]] này.'
            problems.append(Problem(file, "thiếu hoặc để trống.", fix, key=f"{where}.{name}"))
            return ""
        return value.strip()

    def choice(name: str, allowed: tuple[str, ...]) -> str:
        value = text(name)
        if value and value not in allowed:
            fix = f"chọn một trong: {', '.join(allowed)}."
            problems.append(Problem(file, f"«{value}» không hợp lệ.", fix, key=f"{where}.{name}"))
        return value

    levels = entry.get("cap_hoc")
    if not isinstance(levels, list) or not levels or any(lv not in level_names for lv in levels):
        fix = f"liệt kê các cấp học trong số: {', '.join(level_names)}."
        problems.append(
            Problem(file, f"cấp học {levels!r} không hợp lệ.", fix, key=f"{where}.cap_hoc")
        )
        levels = []
    spec = AppendixSpec(
        key=text("ma"),
        number=roman(position),
        title=text("tieu_de"),
        levels=tuple(levels),
        rows_by=choice("hang", ROW_KINDS),
        layout=choice("bo_cuc", LAYOUTS),
        name_header=text("cot_ten"),
        learners_header=text("nhom_hs"),
        pinned=_pinned(entry.get("hang_dau"), where, file, problems),
        strip_prefix=str(entry.get("bo_tien_to", "")),
    )
    return spec, problems


def _pinned(value: Any, where: str, file: str, problems: list[Problem]) -> Pinned | None:
    if value is None:
        return None
    if isinstance(value, dict) and {"don_vi_quan_ly", "nhan"} <= value.keys():
        return Pinned(str(value["don_vi_quan_ly"]), str(value["nhan"]))
    fix = 'viết: hang_dau = { don_vi_quan_ly = "Sở GDĐT", nhan = "Trực thuộc Sở" }'
    problems.append(Problem(file, "khai báo hàng đầu không đúng.", fix, key=f"{where}.hang_dau"))
    return None


def _duplicate_keys(specs: list[AppendixSpec], file: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for spec in specs:
        if spec.key and spec.key in seen:
            fix = "đặt cho mỗi phụ lục một mã riêng."
            problems.append(Problem(file, f"mã «{spec.key}» bị trùng.", fix, key="phu_luc.ma"))
        seen.add(spec.key)
    return problems
