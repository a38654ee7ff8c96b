"""Draft → issued: render the final copy of an archived draft with its number and date.

The number and date come from the document system after signing. The issued
copy is rendered from the draft's archived inputs into a new, frozen version.
A number already used for the same ký hiệu in the same year is refused.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..common.errors import VersionProblem
from ..figures.aggregate import aggregate
from ..inputs.folder import load_inputs
from .build import BuildResult, render_version
from .versions import Version, load_version, versions


def issue(version_path: Path, number: int, issued_on: date) -> BuildResult:
    """A new issued version made from the draft at ``version_path``."""
    draft = load_version(version_path)
    folder = draft.path.parent
    _check_draft(draft, versions(folder))
    inputs = load_inputs(draft.inputs, draft.manifest.get("trang_tinh"))
    _check_untouched(draft, inputs.fingerprint)
    _check_number(draft, number, issued_on, folder.parent)
    _check_date(draft, issued_on, inputs.metadata["so_lieu"]["thoi_diem"].date())
    appendices = aggregate(inputs.units, inputs.declarations)
    return render_version(
        inputs,
        appendices,
        folder,
        folder.name,
        changed=[],
        number=number,
        issued_on=issued_on,
        source=draft,
    )


def _check_draft(draft: Version, siblings: list[Version]) -> None:
    if draft.issued:
        raise VersionProblem(
            path=draft.path,
            detail=f"đã là bản ban hành số {draft.manifest['so']:02d}, không ban hành lại được.",
            fix="muốn sửa thì tạo dự thảo mới bằng «vanban build» rồi ban hành.",
        )
    for other in siblings:
        if other.issued and other.manifest.get("tu_phien_ban") == draft.name:
            raise VersionProblem(
                path=draft.path,
                detail=f"dự thảo này đã được ban hành thành {other.name} "
                f"(số {other.manifest['so']:02d}).",
                fix=f"dùng bản đã ban hành trong {other.path}.",
            )


def _check_untouched(draft: Version, fingerprint: dict[str, str]) -> None:
    if draft.manifest.get("dau_vao") != fingerprint:
        raise VersionProblem(
            path=draft.path,
            detail="các tệp đầu vào lưu trong phiên bản đã bị sửa sau khi tạo.",
            fix="tạo lại dự thảo bằng «vanban build» từ thư mục số liệu.",
        )


def _check_number(draft: Version, number: int, issued_on: date, output_dir: Path) -> None:
    if number < 1:
        raise VersionProblem(
            path=draft.path,
            detail=f"số văn bản {number} không hợp lệ.",
            fix="ghi số do hệ thống quản lý văn bản cấp, từ 1 trở lên.",
        )
    symbol = draft.manifest.get("ky_hieu")
    for taken in issued_versions(output_dir):
        manifest = taken.manifest
        if (manifest.get("ky_hieu"), manifest.get("nam"), manifest.get("so")) == (
            symbol,
            issued_on.year,
            number,
        ):
            raise VersionProblem(
                path=draft.path,
                detail=f"số {number:02d}/{symbol} năm {issued_on.year} đã dùng cho {taken.path}.",
                fix="kiểm tra lại số do hệ thống quản lý văn bản cấp.",
            )


def _check_date(draft: Version, issued_on: date, data_date: date) -> None:
    if issued_on < data_date:
        raise VersionProblem(
            path=draft.path,
            detail=f"ngày ban hành {issued_on:%d/%m/%Y} trước ngày số liệu {data_date:%d/%m/%Y}.",
            fix="ghi ngày ban hành do hệ thống quản lý văn bản cấp (dạng 2023-06-26).",
        )


def issued_versions(output_dir: Path) -> list[Version]:
    """Every issued version under ``output_dir`` (all data folders)."""
    if not output_dir.is_dir():
        return []
    found = []
    for folder in sorted(p for p in output_dir.iterdir() if p.is_dir()):
        found += [v for v in versions(folder) if v.issued]
    return found
