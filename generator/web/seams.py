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

from ..archive.build import BuildResult
from ..archive.issuing import issue, issued_versions
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


def issue_version(version: Path, number: int, issued_on: date) -> BuildResult:
    """Issue the draft ``version`` (a refused number raises the library's VanbanError)."""
    with _ISSUING:
        return issue(version, number, issued_on)


def register_entries(output_root: Path, symbol: str, year: int) -> list[RegisterEntry]:
    """The numbers already issued for ``symbol`` in ``year``, in number order."""
    entries = [
        RegisterEntry(
            v.manifest["so"],
            v.manifest.get("ky_hieu", ""),
            v.manifest.get("nam"),
            v.manifest.get("ngay_ban_hanh") or "",
            f"{v.path.parent.name}/{v.name}",
        )
        for v in issued_versions(output_root)
        if v.manifest.get("ky_hieu") == symbol and v.manifest.get("nam") == year
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
