"""A version: its pages, downloads, history; issuing it; comparing two versions or periods."""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse

from ..archive.history import history
from ..archive.versions import load_version
from ..common.database import DATABASE_NAME
from ..common.errors import VanbanError, VersionProblem
from ..common.files import sha256
from ..inputs.reading import LABELS
from . import accounts
from .app import page, period_dir, readable, redirect, require, settings, version_dir
from .cache import compared
from .periods import STATES, list_periods
from .seams import issue_version, page_pictures, register_entries

router = APIRouter()
SERVED = {".docx", ".pdf", ".png", ".xlsx", ".zip", ".csv"}
AUDITED = SERVED - {".png"}


@router.get("/ky/{name}/{version}")
def version_page(request: Request, name: str, version: str):
    require(request, "read")
    found = load_version(version_dir(request, name, version))
    context = {
        "name": name,
        "version": found,
        "state": STATES.get(found.manifest.get("trang_thai"), ""),
        "files": [found.path / file for file in sorted(found.manifest.get("ket_qua", {}))],
        "history": history(Path(name), settings(request).output_root),
        "today": date.today().isoformat(),
    }
    return page(request, "version.html", context)


@router.get("/ky/{name}/{version}/trang")
def pages_fragment(request: Request, name: str, version: str):
    require(request, "read")
    found = load_version(version_dir(request, name, version))
    try:
        pictures, problem = page_pictures(found), None
    except VanbanError as error:
        pictures, problem = [], str(error)
    return page(request, "_pages.html", {"pictures": pictures, "problem": problem})


@router.get("/tep/{path:path}")
def download(request: Request, path: str):
    current = require(request, "read")
    root = settings(request).output_root.resolve()
    target = (root / path).resolve()
    hidden = any(part.startswith(".") for part in Path(path).parts)
    if (
        hidden
        or not target.is_relative_to(root)
        or target.suffix.lower() not in SERVED
        or target.name == DATABASE_NAME
        or not target.is_file()
    ):
        raise HTTPException(404, "Không có tệp này.")
    if target.suffix.lower() in AUDITED:
        accounts.audit(settings(request).output_root, current, "tải về",
                       target.relative_to(root).as_posix(), sha256(target))  # fmt: skip
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    inline = target.suffix.lower() in {".png", ".pdf"}
    return FileResponse(
        target, media_type=kind, filename=None if inline else target.name,
        content_disposition_type="inline" if inline else "attachment",
    )  # fmt: skip


@router.post("/ky/{name}/{version}/ban-hanh")
def issue_action(
    request: Request,
    name: str,
    version: str,
    so: str = Form(""),
    ngay: str = Form(""),
    xac_nhan: str = Form(""),
):
    current = require(request, "issue")
    found = load_version(version_dir(request, name, version))
    number, issued_on = _number(found.path, so), _date(found.path, ngay)
    symbol = found.manifest.get("ky_hieu", "")
    entries = register_entries(settings(request).output_root, symbol, issued_on.year)
    context = {
        "name": name, "version": found, "number": number, "issued_on": issued_on,
        "symbol": symbol, "entries": entries,
        "taken": next((e for e in entries if e.number == number), None),
    }  # fmt: skip
    if not xac_nhan:
        return page(request, "issue_confirm.html", context)
    try:
        result = issue_version(found.path, number, issued_on, holder=f"{current.name} (trang web)")
    except VanbanError as error:
        context["refused"] = readable(request, str(error))
        return page(request, "issue_confirm.html", context, status=409)
    accounts.audit(settings(request).output_root, current, "ban hành",
                   f"{name}/{result.version.name} số {number:02d}/{symbol}",
                   sha256(result.output))  # fmt: skip
    return redirect(request, f"/ky/{name}/{result.version.name}")


def _number(path: Path, text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise VersionProblem(
            path=path,
            detail=f"số văn bản «{text}» không hợp lệ.",
            fix="ghi số do hệ thống quản lý văn bản cấp, từ 1 trở lên.",
        )
    return int(text)


def _date(path: Path, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise VersionProblem(
            path=path,
            detail=f"ngày ban hành «{text}» không đúng dạng.",
            fix="chọn ngày trong ô ngày (dạng 2023-06-26).",
        ) from None


@router.get("/so-sanh")
def compare_page(request: Request, a: str = "", b: str = ""):
    require(request, "read")
    choices = _choices(request)
    context = {"choices": choices, "a": a, "b": b, "result": None, "pairs": []}
    if a and b:
        before, after = _side(request, a), _side(request, b)
        context["result"] = compared(before, after)
        context["labels"] = LABELS
        if (before / "manifest.json").is_file() and (after / "manifest.json").is_file():
            context["pairs"] = _changed_pages(before, after)
            context["compared_pages"] = True
    return page(request, "compare.html", context)


def _choices(request: Request) -> list[tuple[str, str]]:
    config = settings(request)
    choices = []
    for period in list_periods(config.data_root, config.output_root):
        choices.append((period.name, f"Kỳ {period.name} (số liệu hiện tại)"))
        for record in history(Path(period.name), config.output_root):
            state = STATES.get(record["trang_thai"], "")
            choices.append((f"{period.name}/{record['phien_ban']}",
                            f"Kỳ {period.name}, {record['phien_ban']} ({state})"))  # fmt: skip
    return choices


def _side(request: Request, reference: str) -> Path:
    if "/" in reference:
        name, version = reference.split("/", 1)
        return version_dir(request, name, version)
    return period_dir(request, reference)


def _changed_pages(before: Path, after: Path) -> list[tuple[Path | None, Path | None, int]]:
    """(before, after, page number) for each page whose picture differs."""
    old, new = page_pictures(load_version(before)), page_pictures(load_version(after))
    pairs = []
    for index in range(max(len(old), len(new))):
        left = old[index] if index < len(old) else None
        right = new[index] if index < len(new) else None
        if left is None or right is None or _digest(left) != _digest(right):
            pairs.append((left, right, index + 1))
    return pairs


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
