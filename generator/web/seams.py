"""The page's thin seams onto parts of the library that are being rebuilt elsewhere.

Each function here is the one place the page touches such a part, so that a new issuing
register, a warm converter or ``vanban new`` replaces one body, not the page:
:func:`issue_version` (the issuing register), :func:`register_entries` (its list),
:func:`page_pictures` (page images), :func:`new_period` (a new data folder).
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..archive import register
from ..archive.build import BuildResult
from ..archive.issuing import issue
from ..archive.preview import preview
from ..archive.versions import Version
from ..common.errors import MissingInput, OutputProblem

_ISSUING = threading.Lock()  # one issue at a time in this process; the register guards the rest
_PICTURES: dict[Path, threading.Lock] = {}
_PICTURES_GUARD = threading.Lock()
PICTURE_DPI = 60
DONE = ".xong"  # marks a folder of pictures as complete


@dataclass(frozen=True)
class RegisterEntry:
    number: int
    symbol: str
    year: int
    issued_on: str
    version: str  # "<period>/vNNN"


def issue_version(
    version: Path, number: int, issued_on: date, holder: str | None = None
) -> BuildResult:
    """Issue the draft ``version`` (a refused number raises the library's VanbanError).

    The number is reserved in the output root's register (a database constraint), so two
    servers, or the page and the command line, never issue one number twice.
    """
    with _ISSUING:
        return issue(version, number, issued_on, holder=holder)


def register_entries(output_root: Path, symbol: str, year: int) -> list[RegisterEntry]:
    """The numbers already issued for ``symbol`` in ``year``, in number order."""
    entries = [
        RegisterEntry(
            entry.number,
            entry.symbol,
            entry.year,
            entry.issued_on.isoformat(),
            entry.issued or f"{entry.draft} (đang ban hành)",
        )
        for entry in register.entries(output_root)
        if entry.symbol == symbol and entry.year == year
    ]
    return sorted(entries, key=lambda entry: entry.number)


def page_pictures(version: Version) -> list[Path]:
    """PNG pictures of every page of the version's document, made once and kept."""
    document = version.path / version.manifest["van_ban"]
    pdf = document.with_suffix(".pdf")
    source = pdf if pdf.is_file() else document
    with _PICTURES_GUARD:
        lock = _PICTURES.setdefault(version.path.resolve(), threading.Lock())
    with lock:
        folder = version.path.parent / f"xem-truoc-{version.name}" / document.stem
        if (folder / DONE).is_file():
            return sorted(folder.glob("trang-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        pages = preview(source, PICTURE_DPI)
        (folder / DONE).write_bytes(b"")  # only a complete set of pictures is reused
        return pages


def new_period_of_kind(kind: str, target: Path) -> Path:
    """A new, ready-to-fill data folder ``target`` for the document kind ``kind``.

    The same folder as ``vanban new <kind> <target>``: commented information file and the
    table's headers (.xlsx and .csv).
    """
    from ..inputs.scaffold import new_folder

    new_folder(kind, target)
    return target


def new_period(source: Path, target: Path) -> Path:
    """A new data folder ``target`` holding a copy of the period ``source``'s inputs."""
    if not source.is_dir():
        raise MissingInput(
            path=source, what="thư mục kỳ trước", fix="chọn một kỳ có trong danh sách."
        )
    if target.exists():
        raise OutputProblem(
            path=target, detail="thư mục này đã có.", fix="chọn tên khác cho kỳ mới."
        )
    staging = target.with_name(f".dang-tao-{target.name}")
    try:
        shutil.copytree(source, staging, ignore=shutil.ignore_patterns(".*"))
        staging.rename(target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputProblem(
            path=target, detail=error.strerror or str(error), fix="kiểm tra quyền ghi."
        ) from None
    return target
