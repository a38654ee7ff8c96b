"""Forms and collection for the page: make the forms, keep returned ones apart, the board.

Returned forms are kept in their own folder (``output/<period>/bao-cao-da-nop/``), never over
the blank forms; the register of who each form lists (``danh-sach.csv``) and the metadata are
copied there from the forms folder so that ``collect`` reads that folder as it reads any.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..common.errors import MissingInput
from ..forms.collect import REPORT_NAME, Collected, collect
from ..forms.making import FORMS_FOLDER, REGISTER, FormsResult, make_forms
from ..forms.report_docx import consolidate
from ..kinds.metadata import METADATA_FILE, load_metadata
from .uploads import Returned, save_returned

RETURNED_FOLDER = "bao-cao-da-nop"
NOT_SENT, WRONG, COMPLETE = "chưa nộp", "có lỗi", "đầy đủ"


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
    folder = _prepared(output_root, period)
    return save_returned(folder, files)


def board(output_root: Path, period: str, today: date | None = None) -> Board | None:
    """Every unit of the forms: not sent / with problems / complete; None before any forms."""
    if not (forms_folder(output_root, period) / REGISTER).is_file():
        return None
    folder = _prepared(output_root, period)
    deadline = load_metadata(folder / METADATA_FILE)["so_lieu"]["han_bao_cao"].date()
    result = collect(folder, deadline, today)
    return Board(
        _states(folder, result),
        result.forms,
        sorted(forms_folder(output_root, period).glob("*.zip")),
        _reports(output_root, period),
    )


def report(output_root: Path, period: str, today: date | None = None) -> Collected:
    """The consolidated report (.xlsx and .docx) of the returned forms."""
    return consolidate(_prepared(output_root, period), today)


def _prepared(output_root: Path, period: str) -> Path:
    source = forms_folder(output_root, period)
    if not (source / REGISTER).is_file():
        raise MissingInput(
            path=source / REGISTER,
            what="danh sách của các mẫu báo cáo",
            fix="bấm «Làm mẫu báo cáo» trước khi nhận báo cáo các đơn vị gửi về.",
        )
    folder = returned_folder(output_root, period)
    folder.mkdir(parents=True, exist_ok=True)
    for name in (REGISTER, METADATA_FILE):
        shutil.copyfile(source / name, folder / name)
    return folder


def _states(folder: Path, result: Collected) -> list[UnitState]:
    register = pd.read_csv(folder / REGISTER, dtype=str, encoding="utf-8-sig")
    offices = dict(zip(register["don_vi"], register["don_vi_quan_ly"], strict=False))
    problems: dict[str, list[str]] = {}
    for issue in result.issues:
        where = f"{issue.file}, dòng {issue.row}: " if issue.row else ""
        problems.setdefault(issue.unit, []).append(f"{where}{issue.message}")
    missing = set(result.missing_forms)
    states = []
    for unit in sorted(offices, key=lambda u: (offices[u], u)):
        if unit in missing:
            states.append(UnitState(offices[unit], unit, NOT_SENT))
        elif unit in problems:
            states.append(UnitState(offices[unit], unit, WRONG, problems[unit]))
        else:
            states.append(UnitState(offices[unit], unit, COMPLETE))
    return states


def _reports(output_root: Path, period: str) -> list[Path]:
    base = output_root / period / REPORT_NAME
    return [p for p in (base.with_suffix(".xlsx"), base.with_suffix(".docx")) if p.is_file()]
