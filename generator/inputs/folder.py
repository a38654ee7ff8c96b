"""Everything a notice is made from, read and checked together: ``load_inputs``.

A data folder holds the unit table, ``thong-bao.toml`` and optionally the
clerk's own ``phu-luc.toml``, ``mau-thong-bao.docx`` and ``doi-chieu.toml``.
Every problem in any of them is collected, then reported once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from ..common.errors import InvalidData, MissingInput, Problem
from ..common.files import sha256
from ..common.vnformat import count
from ..kinds.appendices import Declarations, load_declarations
from ..kinds.declaration import KindSpec
from ..kinds.metadata import find_metadata, kind_of, load_metadata
from ..kinds.templates import resolve
from .charsets import CP1258, UTF8, UTF8_BOM
from .headers import COUNT_COLUMNS, SheetHeader, find_header
from .persons import PERSON_NAMES, count_persons, find_persons
from .reading import TABLE_NAMES, find_table, read_grids, read_table, table_from
from .sheets import MAPPING_FILE, is_flat, read_appendix_sheets, read_mapping
from .validation import Checked, validate_units

T = TypeVar("T")
SHEET_KEY = "(trang tính)"
COLLECTED = "thu_ve"  # a kind whose data is the result of `vanban collect`
COLLECTED_FILE = "tong-hop-bao-cao.json"  # that result (written by collect)


@dataclass(frozen=True)
class Inputs:
    """The checked inputs; ``files`` maps archive name → source file."""

    kind: KindSpec
    metadata: dict[str, Any]
    declarations: Declarations
    units: pd.DataFrame
    files: dict[str, Path]
    sheet: str | None = None
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the files were read
    collected: dict[str, Any] | None = None  # collect's result, when the folder holds one

    @cached_property
    def fingerprint(self) -> dict[str, str]:
        """sha256 of every input (and the sheet read, if one was named); hashed once."""
        prints = {name: sha256(path) for name, path in sorted(self.files.items())}
        if self.sheet is not None:
            prints[SHEET_KEY] = self.sheet
        return prints


def load_inputs(data_dir: Path, sheet: str | None = None, *, strict: bool = False) -> Inputs:
    """Read and check a data folder; with ``strict`` warnings are errors too."""
    _folder(data_dir)
    metadata_path = find_metadata(data_dir)
    kind = kind_of(metadata_path)
    if kind.du_lieu == COLLECTED:
        return _collected_inputs(data_dir, kind, metadata_path)
    table_path = _table_path(data_dir)
    problems: list[Problem] = []
    declarations_path = resolve(data_dir, kind.phu_luc, kind) if kind.phu_luc else None
    metadata = _collect(problems, load_metadata, metadata_path, kind)
    declarations = (
        _collect(problems, load_declarations, declarations_path)
        if declarations_path
        else Declarations(dict(kind.cap_hoc or {}), ())
    )
    notes: list[str] = []
    if table_path.name in PERSON_NAMES:
        checked = _collect(problems, _persons, table_path, declarations)
    elif declarations is not None:
        read = _collect(problems, _unit_table, table_path, sheet, declarations, data_dir)
        checked, notes = read if read is not None else (None, [])
    else:
        checked = None
        _collect(problems, read_table, table_path, sheet)
    if strict and checked is not None:
        problems += checked.warnings
    if problems:
        raise InvalidData(problems)
    files = {
        table_path.name: table_path,
        metadata_path.name: metadata_path,
        kind.mau_van_ban: resolve(data_dir, kind.mau_van_ban, kind),
    }
    if declarations_path:
        files[declarations_path.name] = declarations_path
    collected = None
    if (data_dir / COLLECTED_FILE).is_file():
        files[COLLECTED_FILE] = data_dir / COLLECTED_FILE
        from .collected import read_collected  # pydantic, for the kinds that cite collect

        collected = read_collected(data_dir / COLLECTED_FILE)
    mapping = data_dir / MAPPING_FILE
    if mapping.is_file():
        files[MAPPING_FILE] = mapping
    if table_path.name in PERSON_NAMES:
        people = count(int(checked.units[["hs_tong", "ns_tong"]].sum().sum()))
        notes = [
            f"{table_path.name}: {people} người, gộp thành {count(len(checked.units))} "
            "dòng đơn vị và cấp học."
        ]
    return Inputs(
        kind,
        metadata,
        declarations,
        checked.units,
        files,
        sheet,
        checked.warnings,
        notes,
        collected,
    )


def _collected_inputs(data_dir: Path, kind: KindSpec, metadata_path: Path) -> Inputs:
    """A kind made from the result of ``vanban collect`` (no unit table)."""
    result = data_dir / COLLECTED_FILE
    if not result.is_file():
        raise MissingInput(
            path=result,
            what="kết quả thu về các mẫu báo cáo",
            fix="chạy «vanban collect <thư mục mẫu báo cáo>» rồi chép tệp "
            f"{COLLECTED_FILE} vào thư mục số liệu.",
        )
    metadata = load_metadata(metadata_path, kind)
    files = {
        COLLECTED_FILE: result,
        metadata_path.name: metadata_path,
        kind.mau_van_ban: resolve(data_dir, kind.mau_van_ban, kind),
    }
    units = pd.DataFrame(columns=["don_vi", "cap_hoc", "don_vi_quan_ly", *COUNT_COLUMNS])
    from .collected import read_collected  # pydantic, for the kinds that cite collect

    collected = read_collected(result)
    return Inputs(kind, metadata, Declarations({}, ()), units, files, collected=collected)


def _unit_table(
    path: Path, sheet: str | None, declarations: Declarations, data_dir: Path
) -> tuple[Checked, list[str]]:
    """A flat unit table, or a workbook of appendices read as one (see :mod:`.sheets`)."""
    grids = read_grids(path, sheet, every=sheet is None)
    levels = declarations.level_names
    first = grids[0]
    header = find_header(first.rows, first.file, first.sheet, levels, merged=first.merged)
    if is_flat(header) or not _appendix_like(header, len(grids)):
        notes = _notes(path, first.encoding, first.sheet)
        table = table_from(first, header)
        del grids, first  # a large CSV's bytes: let go before the values are checked
        return validate_units(table, levels), notes
    try:
        return read_appendix_sheets(grids, declarations, read_mapping(data_dir))
    except InvalidData:
        if len(grids) == 1 and not _implied_by_layout(header):
            table_from(first, header)  # the plain message: which columns are missing
        raise


def _appendix_like(header: SheetHeader | None, sheets: int) -> bool:
    """Sheets shaped like printed appendices (level or office left to the appendix)."""
    if header is None:
        return sheets > 1
    if header.problems:  # a typo in a flat table is reported as such
        return sheets > 1 and _implied_by_layout(header)
    return sheets > 1 or _implied_by_layout(header)


def _implied_by_layout(header: SheetHeader | None) -> bool:
    if header is None:
        return False
    names = header.names()
    return bool(header.levels()) or "cap_hoc" not in names or "don_vi" not in names


def _notes(path: Path, encoding: str | None, sheet: str | None) -> list[str]:
    if encoding in (UTF8, UTF8_BOM):
        return []
    if encoding == CP1258:
        return [f"{path.name}: đọc theo bảng mã {CP1258} (CSV của Excel trên Windows tiếng Việt)."]
    if encoding:
        return [f"{path.name}: đọc theo bảng mã {encoding}."]
    return [f"{path.name}: đọc trang tính «{sheet}»."]


def _persons(path: Path, declarations: Declarations | None) -> Checked:
    """A per-person export, checked and counted into the unit table."""
    levels = declarations.level_names if declarations is not None else None
    return Checked(count_persons(path, levels), [])


def _folder(data_dir: Path) -> None:
    if not data_dir.is_dir():
        raise MissingInput(
            path=data_dir,
            what="thư mục số liệu",
            fix="ghi đúng đường dẫn, ví dụ: vanban build data/2023-06-23",
        )


def _table_path(data_dir: Path) -> Path:
    tables = [name for name in TABLE_NAMES if (data_dir / name).is_file()]
    if len(tables) > 1:
        fix = f"giữ tệp đã điền, xoá hoặc đổi tên tệp kia ({', '.join(tables[1:])})."
        message = f"có {len(tables)} bảng số liệu ({', '.join(tables)}), không biết dùng bảng nào."
        raise InvalidData([Problem(tables[0], message, fix)])
    table_path = find_table(data_dir) or find_persons(data_dir)
    if table_path is None:
        raise MissingInput(
            path=data_dir / TABLE_NAMES[0],
            what="bảng số liệu đơn vị",
            fix=f"đặt vào thư mục một trong các tệp: {', '.join(TABLE_NAMES + PERSON_NAMES)}.",
        )
    return table_path


def _collect(problems: list[Problem], step: Callable[..., T], *args: Any) -> T | None:
    try:
        return step(*args)
    except InvalidData as error:
        problems.extend(error.problems)
        return None
