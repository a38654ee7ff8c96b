"""Draft → issued: render the final copy of an archived draft with its number and date.

The number and date come from the document system after signing. The issued
copy is rendered from the draft's archived inputs into a new, frozen version.
The number is reserved in the issuing register (:mod:`.register`) before the
version is written and given back if writing fails, so a number of a ký hiệu
in a year, and a draft, are issued once even when two clerks issue at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..common.errors import VersionProblem
from ..figures.aggregate import aggregate
from ..inputs.folder import load_inputs
from .build import BuildResult, render_version
from .register import reserve
from .versions import Version, load_version


def issue(
    version_path: Path, number: int, issued_on: date, *, holder: str | None = None
) -> BuildResult:
    """A new issued version made from the draft at ``version_path``.

    ``holder`` names who issues it in the register (default: the user and machine).
    """
    draft = load_version(version_path)
    folder = draft.path.parent
    _check_draft(draft)
    inputs = load_inputs(draft.inputs, draft.manifest.get("trang_tinh"))
    _check_untouched(draft, inputs.fingerprint)
    _check_date(draft, issued_on, inputs.metadata["so_lieu"]["thoi_diem"].date())
    where = draft.path.resolve()  # one register per output root, however the path was typed
    reservation = reserve(
        where.parent.parent,
        symbol=draft.manifest.get("ky_hieu") or inputs.metadata["van_ban"]["ky_hieu"],
        number=number,
        issued_on=issued_on,
        draft=where,
        holder=holder,
    )
    try:
        appendices = aggregate(inputs.units, inputs.declarations)
        result = render_version(
            inputs,
            appendices,
            folder,
            folder.name,
            changed=[],
            number=number,
            issued_on=issued_on,
            source=draft,
        )
    except BaseException:
        reservation.release()
        raise
    reservation.confirm(result.version)
    return result


def _check_draft(draft: Version) -> None:
    if draft.issued:
        raise VersionProblem(
            path=draft.path,
            detail=f"đã là bản ban hành số {draft.manifest['so']:02d}, không ban hành lại được.",
            fix="muốn sửa thì tạo dự thảo mới bằng «vanban build» rồi ban hành.",
        )


def _check_untouched(draft: Version, fingerprint: dict[str, str]) -> None:
    if draft.manifest.get("dau_vao") != fingerprint:
        raise VersionProblem(
            path=draft.path,
            detail="các tệp đầu vào lưu trong phiên bản đã bị sửa sau khi tạo.",
            fix="tạo lại dự thảo bằng «vanban build» từ thư mục số liệu.",
        )


def _check_date(draft: Version, issued_on: date, data_date: date) -> None:
    if issued_on < data_date:
        raise VersionProblem(
            path=draft.path,
            detail=f"ngày ban hành {issued_on:%d/%m/%Y} trước ngày số liệu {data_date:%d/%m/%Y}.",
            fix="ghi ngày ban hành do hệ thống quản lý văn bản cấp (dạng 2023-06-26).",
        )
