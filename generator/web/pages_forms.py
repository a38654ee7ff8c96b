"""Forms and collection: make the forms, receive the returned ones, the board, the report."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request

from ..common.errors import UploadRefused
from ..common.files import sha256
from . import accounts, board
from .app import page, period_dir, redirect, require, settings
from .uploads import check_size

router = APIRouter()


def _today(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/ky/{name}/mau-bao-cao")
def forms_page(request: Request, name: str, hom_nay: str = ""):
    require(request, "read")
    period_dir(request, name)
    state = board.board(settings(request).output_root, name, _today(hom_nay))
    return page(request, "forms.html", {"name": name, "board": state, "hom_nay": hom_nay})


@router.post("/ky/{name}/mau-bao-cao/tao")
def make_forms_action(request: Request, name: str):
    current = require(request, "forms")
    result = board.make(period_dir(request, name), settings(request).output_root)
    for archive in result.zips:
        accounts.audit(settings(request).output_root, current, "làm mẫu báo cáo",
                       f"{name}/{archive.name}", sha256(archive))  # fmt: skip
    return redirect(request, f"/ky/{name}/mau-bao-cao")


@router.post("/ky/{name}/mau-bao-cao/nhan")
async def receive_action(request: Request, name: str):
    current = require(request, "forms")
    period_dir(request, name)
    form = await request.form()
    files = []
    for sent in form.getlist("tep"):
        if not hasattr(sent, "read") or not sent.filename:
            continue
        content = await sent.read(settings(request).max_upload + 1)
        check_size(sent.filename, len(content), settings(request).max_upload)
        files.append((sent.filename, content))
    if not files:
        raise UploadRefused(name="(chưa chọn)", detail="chưa chọn tệp.", fix="chọn tệp rồi gửi.")
    output_root = settings(request).output_root
    received = board.receive(output_root, name, files)
    for saved in received.saved:
        target = board.returned_folder(output_root, name) / saved
        accounts.audit(output_root, current, "nhận báo cáo", f"{name}/{saved}", sha256(target))
    hom_nay = str(form.get("hom_nay", ""))
    state = board.board(output_root, name, _today(hom_nay))
    context = {"name": name, "board": state, "received": received, "hom_nay": hom_nay}
    return page(request, "forms.html", context)


@router.post("/ky/{name}/mau-bao-cao/tong-hop")
async def report_action(request: Request, name: str):
    current = require(request, "forms")
    period_dir(request, name)
    form = await request.form()
    hom_nay = str(form.get("hom_nay", ""))
    output_root = settings(request).output_root
    result = board.report(output_root, name, _today(hom_nay))
    for path in result.outputs:
        accounts.audit(output_root, current, "lập báo cáo tổng hợp", f"{name}/{path.name}",
                       sha256(path))  # fmt: skip
    suffix = f"?hom_nay={hom_nay}" if _today(hom_nay) else ""
    return redirect(request, f"/ky/{name}/mau-bao-cao{suffix}")
