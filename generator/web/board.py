"""Forms and collection for the page: make the forms, keep returned ones apart, the board.

The page uses the round's own folders (see :mod:`generator.forms.register`): the forms sent in
``mau-bao-cao/``, the register kept at the Sở in ``luu-tai-so/``, and returned forms in
``nhan-ve/``, never over the blank forms. The board is ``collect``'s own verdict per unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..forms.collect import REPORT_NAME, Collected, collect
from ..forms.making import FormsResult, make_forms
from ..forms.register import FORMS_FOLDER, KEPT_FOLDER, RETURNED_FOLDER, read_round
from ..forms.report import consolidate
from ..kinds.metadata import METADATA_FILE, load_metadata
from .uploads import Returned, save_returned

NOT_SENT, WRONG, COMPLETE = "chưa nộp", "có lỗi", "đầy đủ"
_STATES = {"chưa nộp": NOT_SENT, "có lỗi": WRONG, "đầy đủ, hợp lệ": COMPLETE}


@dataclass
class UnitState:
    office: str
    unit: str
    state: str
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    units: list[UnitState]
    forms: int
    zips: list[Path]
    reports: list[Path]
    strays: list[str] = field(default_factory=list)  # returned files of no known unit

    def count(self, state: str) -> int:
        return sum(unit.state == state for unit in self.units)


def forms_folder(output_root: Path, period: str) -> Path:
    return output_root / period / FORMS_FOLDER


def returned_folder(output_root: Path, period: str) -> Path:
    return output_root / period / RETURNED_FOLDER


def make(data_dir: Path, output_root: Path) -> FormsResult:
    """Every unit's form, and one zip per office."""
    return make_forms(data_dir, output_root, zip_offices=True)


def receive(output_root: Path, period: str, files: list[tuple[str, bytes]]) -> Returned:
    """Keep the returned forms (files or zips) in the period's returned folder."""
    folder = returned_folder(output_root, period)
    folder.mkdir(parents=True, exist_ok=True)
    return save_returned(folder, files)


def board(output_root: Path, period: str, today: date | None = None) -> Board | None:
    """Every unit of the forms: not sent / with problems / complete; None before any forms."""
    root = output_root / period
    if read_round(root) is None:
        return None
    figures = load_metadata(root / KEPT_FOLDER / METADATA_FILE)["so_lieu"]
    result = collect(
        root, figures["han_bao_cao"].date(), today, data_date=figures["thoi_diem"].date()
    )
    return Board(
        _states(result),
        result.received,
        sorted(forms_folder(output_root, period).glob("*.zip")),
        _reports(root),
        [f"{p.where()}: {p.message}" for p in result.strays],
    )


def report(output_root: Path, period: str, today: date | None = None) -> Collected:
    """The consolidated report (.xlsx and .docx) of the returned forms."""
    return consolidate(output_root / period, today)


def _states(result: Collected) -> list[UnitState]:
    return [
        UnitState(
            u.office, u.unit, _STATES[u.status], [f"{p.where()}: {p.message}" for p in u.problems]
        )
        for u in result.units
    ]


def _reports(root: Path) -> list[Path]:
    base = root / REPORT_NAME
    return [p for p in (base.with_suffix(".xlsx"), base.with_suffix(".docx")) if p.is_file()]


def _located(problems: list) -> list[str]:
    return [f"{p.where()}: {p.message}" for p in problems]
