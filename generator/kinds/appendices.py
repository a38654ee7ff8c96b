"""Read the appendix declarations (``phu-luc.toml``): what each appendix shows.

A maintainer adds, removes or reorders appendices by editing that file; the
Roman numeral of each follows from its position. The file is checked against
the pydantic models of :mod:`.appendix_schema` (``AppendixFile``, one
``AppendixDeclaration`` per ``[[phu_luc]]`` block): an unknown key, a wrong type or
an unknown level is reported with the file, line and key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..common.cache import cached
from ..common.tomlfile import Location, key_lines, read_toml

APPENDIX_FILE = "phu-luc.toml"
ROW_KINDS = ("cap_hoc", "don_vi", "don_vi_quan_ly")
LAYOUTS = ("gop", "theo_cap")
GROUPS = ("hs", "ns", "ca_hai")
SORT_KEYS = ("nhu_bang", "chua_dong_bo", "ti_le")
MAX_LEVEL_COLUMNS = 5  # level column pairs that fit a landscape A4 page
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
class Threshold:
    """Rows kept: those whose ``group`` reaches ``min_unsynced`` and ``min_rate`` (%)."""

    group: str = "ca_hai"
    min_unsynced: int | None = None
    min_rate: Decimal | None = None


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
    threshold: Threshold | None = None
    sort_by: str = "nhu_bang"
    sort_group: str = "ca_hai"


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
    """Parse and check ``phu-luc.toml``; all problems are reported together. The verdict on
    the file's bytes is cached (pydantic is imported only for a file not checked before)."""
    data = path.read_bytes()
    values = cached("phu-luc", data, lambda: _checked(path, data), _SHAPING)
    return Declarations(dict(values["ten_cap_hoc"]), tuple(specs_from(values["phu_luc"])))


def _checked(path: Path, data: bytes) -> dict[str, Any]:
    raw = read_toml(path, "templates/thong-bao/phu-luc.toml")
    return _schema().checked(raw, path.name, key_lines(data.decode("utf-8-sig")))


def _schema():
    from . import appendix_schema

    return appendix_schema


_SHAPING = (Path(__file__), Path(__file__).with_name("appendix_schema.py"))


def declarations_from(
    raw: Mapping[str, Any], file: str, lines: dict[Location, int] | None = None
) -> Declarations:
    """Check parsed declarations; problems name ``file``, the line (from ``lines``), the key."""
    values = _schema().checked(raw, file, lines or {})
    return Declarations(dict(values["ten_cap_hoc"]), tuple(specs_from(values["phu_luc"])))


def key_name(location: Location) -> str:
    """("phu_luc", 1, "loc", "nhom") → "phu_luc thứ 2.loc.nhom" (positions count from 1)."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f" thứ {part + 1}"
        else:
            text += f".{part}" if text else part
    return text


def specs_from(appendices: list[dict[str, Any]]) -> list[AppendixSpec]:
    """What the engine uses, numbered I, II, … in declaration order (checked declarations,
    as plain data)."""
    return [
        AppendixSpec(
            key=appendix["ma"],
            number=roman(position),
            title=appendix["tieu_de"].strip(),
            levels=tuple(appendix["cap_hoc"]),
            rows_by=appendix["hang"],
            layout=appendix["bo_cuc"],
            name_header=appendix["cot_ten"].strip(),
            learners_header=appendix["nhom_hs"].strip(),
            pinned=_pinned(appendix["hang_dau"]),
            strip_prefix=appendix["bo_tien_to"],
            threshold=_threshold(appendix["loc"]),
            sort_by=appendix["sap_xep"]["theo"],
            sort_group=appendix["sap_xep"]["nhom"],
        )
        for position, appendix in enumerate(appendices, start=1)
    ]


def _pinned(row: dict[str, str] | None) -> Pinned | None:
    return Pinned(row["don_vi_quan_ly"], row["nhan"]) if row else None


def _threshold(row_filter: dict[str, Any] | None) -> Threshold | None:
    if row_filter is None:
        return None
    rate = None if row_filter["ti_le_tu"] is None else Decimal(str(row_filter["ti_le_tu"]))
    return Threshold(row_filter["nhom"], row_filter["chua_dong_bo_tu"], rate)
