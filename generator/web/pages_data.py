"""Periods, data in (uploads, the information form, the check) and build."""

from __future__ import annotations

import re

from fastapi import APIRouter, Form, Request, UploadFile

from ..archive.build import build
from ..archive.history import history
from ..common.errors import InvalidData, UploadRefused
from ..common.files import sha256
from . import accounts, metaform, uploads
from .app import page, period_dir, redirect, require, settings
from .cache import checked
from .cells import cell_place
from .periods import list_periods
from .seams import new_period, new_period_of_kind

router = APIRouter()
_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")


@router.get("/")
def periods_page(request: Request):
    require(request, "read")
    config = settings(request)
    from ..kinds.templates import kind_names

    periods = list_periods(config.data_root, config.output_root)
    return page(request, "periods.html", {"periods": periods, "kinds": kind_names()})


KIND_CHOICE = "loai:"  # «Tạo kỳ mới» from a document kind rather than a previous period


@router.post("/ky-moi")
async def new_period_action(request: Request):
    require(request, "data")
    form = await request.form()
    source, name = str(form.get("tu_ky", "")), str(form.get("ten", "")).strip()
    if not _NAME.match(name):
        raise UploadRefused(
            name=name or "(trống)",
            detail="tên kỳ chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang.",
            fix="đặt tên theo ngày số liệu, ví dụ 2023-09-15.",
        )
    target = settings(request).data_root / name
    if source.startswith(KIND_CHOICE):
        new_period_of_kind(source.removeprefix(KIND_CHOICE), target)
    else:
        new_period(period_dir(request, source), target)
    return redirect(request, f"/ky/{name}")


@router.get("/ky/{name}")
def period_page(request: Request, name: str):
    require(request, "read")
    return _period(request, name, {})


def _period(request: Request, name: str, extra: dict, status: int = 200):
    data_dir = period_dir(request, name)
    checkup, problems = None, []
    try:
        checkup = checked(data_dir)
    except InvalidData as error:
        problems = error.problems
    context = {
        "name": name,
        "checkup": checkup,
        "problems": [_shown(p) for p in problems],
        "warnings": [_shown(p) for p in checkup.inputs.warnings] if checkup else [],
        "history": history(data_dir, settings(request).output_root),
    }
    context.update(extra)
    return page(request, "period.html", context, status=status)


def _shown(problem) -> dict:
    return {"place": cell_place(problem), "problem": problem}


@router.post("/ky/{name}/tai-len")
async def upload(request: Request, name: str):
    current = require(request, "data")
    data_dir = period_dir(request, name)
    form = await request.form()
    sent = form.get("tep")
    if not hasattr(sent, "read") or not sent.filename:
        raise UploadRefused(name="(chưa chọn)", detail="chưa chọn tệp.", fix="chọn tệp rồi gửi.")
    content = await _read_limited(sent, settings(request).max_upload)
    target = uploads.target_name(sent.filename, str(form.get("loai", "don-vi")))
    try:
        placed = uploads.place_input(data_dir, target, content)
    except InvalidData as error:
        places = getattr(error, "places", None) or [""] * len(error.problems)
        refused = [
            {"place": pl, "problem": p} for pl, p in zip(places, error.problems, strict=True)
        ]
        extra = {"refused": refused, "refused_file": sent.filename}
        return _period(request, name, extra, status=422)
    accounts.audit(settings(request).output_root, current, "tải lên", f"{name}/{target}",
                   sha256(data_dir / target))  # fmt: skip
    message = f"Đã nhận «{sent.filename}» thành {target}."
    return _period(request, name, {"done": message, "placed": placed})


async def _read_limited(sent: UploadFile, limit: int) -> bytes:
    chunks, size = [], 0
    while chunk := await sent.read(1024 * 1024):
        size += len(chunk)
        uploads.check_size(sent.filename, size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/ky/{name}/thong-tin")
def metadata_page(request: Request, name: str):
    require(request, "read")
    fields = metaform.form_fields(period_dir(request, name))
    return page(request, "metadata.html", {"name": name, "fields": fields})


@router.post("/ky/{name}/thong-tin")
async def metadata_save(request: Request, name: str):
    current = require(request, "data")
    data_dir = period_dir(request, name)
    form = await request.form()
    typed = {field.key: str(form.get(field.key, "")) for field in metaform.form_fields(data_dir)}
    try:
        metaform.save_form(data_dir, typed)
    except InvalidData as error:
        fields = metaform.form_fields(data_dir, typed, error.problems)
        context = {"name": name, "fields": fields, "problems": error.problems}
        return page(request, "metadata.html", context, status=422)
    target = metaform.metadata_path(data_dir)
    accounts.audit(settings(request).output_root, current, "sửa thông tin", f"{name}/{target.name}",
                   sha256(target))  # fmt: skip
    fields = metaform.form_fields(data_dir)
    return page(request, "metadata.html", {"name": name, "fields": fields, "done": True})


@router.post("/ky/{name}/tao")
def build_action(request: Request, name: str, pdf: str = Form("")):
    current = require(request, "build")
    data_dir = period_dir(request, name)
    result = build(data_dir, settings(request).output_root, pdf=bool(pdf))
    version = result.version
    accounts.audit(settings(request).output_root, current, "tạo dự thảo",
                   f"{name}/{version.name}", sha256(result.output))  # fmt: skip
    return redirect(request, f"/ky/{name}/{version.name}")
