"""Build the notice from a data folder into a new archived version.

files → checked tables → appendix figures → render context → .docx → archive
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from ..documents.context import build_context, kind_context
from ..documents.fastdocx import CompiledTemplate, render_docx
from ..figures.aggregate import Appendix, Counts, Sector, sector_total
from ..figures.checkup import check_folder
from ..figures.tieout import Disagreement
from ..inputs.folder import Inputs
from .versions import DRAFT, ISSUED, Version, add_version, versions

VIETNAM = timezone(timedelta(hours=7), "ICT")  # metadata times are Vietnam local times


@dataclass(frozen=True)
class BuildResult:
    version: Version
    inputs: Inputs
    created: bool  # False when the inputs were those of the latest version
    output: Path  # the .docx
    pdf: Path | None  # the PDF, when one was made
    template: Path
    totals: Counts  # the sector total: every row of the table, whatever the appendices
    appendices: tuple[Appendix, ...]
    disagreements: tuple[Disagreement, ...] = ()  # with the folder's doi-chieu.toml


def build(
    data_dir: Path,
    output_dir: Path = Path("output"),
    *,
    pdf: bool = False,
    sheet: str | None = None,
    strict: bool = False,
    pdf_a: bool = False,
) -> BuildResult:
    """Check the data folder and archive a new draft version (unless nothing changed).

    With ``pdf`` the version also holds the PDF made from its .docx; ``sheet``
    names the spreadsheet page to read; ``strict`` makes warnings errors; ``pdf_a``
    makes the PDF a PDF/A-2b (fonts embedded) for signing and archiving.
    """
    checkup = check_folder(data_dir, sheet, strict=strict)
    inputs, appendices = checkup.inputs, checkup.appendices
    folder = output_dir / data_dir.name
    history = versions(folder)
    fingerprint = inputs.fingerprint
    if history and _same(history[-1], fingerprint, pdf, pdf_a):
        result = _result(history[-1], False, inputs, appendices, checkup.sector)
    else:
        changed = _changed(history[-1] if history else None, fingerprint)
        result = render_version(
            inputs, appendices, folder, data_dir.name, changed=changed, pdf=pdf, pdf_a=pdf_a,
            sector=checkup.sector,
        )  # fmt: skip
    return replace(result, disagreements=tuple(checkup.disagreements))


def render_version(
    inputs: Inputs,
    appendices: tuple[Appendix, ...],
    folder: Path,
    name: str,
    *,
    changed: list[str],
    number: int | None = None,
    issued_on: date | None = None,
    source: Version | None = None,
    pdf: bool = False,
    pdf_a: bool = False,
    sector: Sector | None = None,
) -> BuildResult:
    """Render the notice (a draft, or issued with number and date) into a new version;
    ``sector`` is the whole table's figures when the caller has them already."""
    sector = sector or sector_total(inputs.units, inputs.declarations)
    template = CompiledTemplate(inputs.files[inputs.kind.mau_van_ban], layout=True)
    context = build_context(inputs.metadata, appendices, number, issued_on, sector=sector)
    context.update(kind_context(inputs, template.names))
    fingerprint = inputs.fingerprint
    custom = {f"vanban.sha256.{key}": value for key, value in fingerprint.items()}
    custom["vanban.phien_ban_cong_cu"] = __version__
    custom["vanban.loai"] = inputs.kind.ma
    custom["vanban.mau_nd30"] = inputs.kind.mau_nd30  # which NĐ30 form `vanban check` applies
    title = inputs.kind.ten_loai.capitalize() or "Công văn"
    properties = _properties(title, inputs.metadata, number, issued_on)
    document = render_docx(template, context, properties, custom)
    docx_name = inputs.kind.output_name(name, number)
    manifest = {
        "loai": inputs.kind.ma,
        "trang_thai": DRAFT if number is None else ISSUED,
        "cong_cu": __version__,
        "ky_hieu": inputs.metadata["van_ban"]["ky_hieu"],
        "nam": context["van_ban"]["nam"],
        "so": number,
        "ngay_ban_hanh": issued_on.isoformat() if issued_on else None,
        "tu_phien_ban": source.name if source else None,
        "trang_tinh": inputs.sheet,
        "van_ban": docx_name,
        "so_lieu": sector.total.as_dict(),
        "thay_doi": changed,
    }
    if pdf and pdf_a:
        manifest["pdf_a"] = "PDF/A-2b"
    documents = {docx_name: document}
    if pdf:
        documents[Path(docx_name).with_suffix(".pdf").name] = _pdf_bytes(docx_name, document, pdf_a)
    version = add_version(folder, documents, inputs.files, manifest)
    return _result(version, True, inputs, appendices, sector)


def _pdf_bytes(name: str, document: bytes, pdf_a: bool = False) -> bytes:
    from ..convert.pdf import to_pdf  # only a build with --pdf needs LibreOffice

    with tempfile.TemporaryDirectory(prefix="vanban-") as work:
        source = Path(work) / name
        source.write_bytes(document)
        return to_pdf([source], pdf_a=pdf_a)[0].read_bytes()


def _same(version: Version, fingerprint: dict[str, str], pdf: bool, pdf_a: bool = False) -> bool:
    manifest = version.manifest
    has_pdf = any(name.endswith(".pdf") for name in manifest.get("ket_qua", {}))
    if pdf_a and not manifest.get("pdf_a"):
        return False
    return (
        manifest.get("dau_vao") == fingerprint
        and manifest.get("cong_cu") == __version__
        and (has_pdf or not pdf)
    )


def _changed(previous: Version | None, fingerprint: dict[str, str]) -> list[str]:
    if previous is None:
        return []
    before = previous.manifest.get("dau_vao", {})
    names = sorted(set(before) | set(fingerprint))
    changed = [name for name in names if before.get(name) != fingerprint.get(name)]
    if previous.manifest.get("cong_cu") != __version__:
        changed.append("phiên bản vanban")
    return changed


def _result(
    version: Version,
    created: bool,
    inputs: Inputs,
    appendices: tuple[Appendix, ...],
    sector: Sector,
) -> BuildResult:
    output = version.path / version.manifest["van_ban"]
    pdf = output.with_suffix(".pdf")
    template = inputs.files[inputs.kind.mau_van_ban]
    totals = sector.total
    return BuildResult(
        version,
        inputs,
        created,
        output,
        pdf if pdf.is_file() else None,
        template,
        totals,
        appendices,
    )


def _properties(
    title: str, metadata: dict[str, Any], number: int | None, issued_on: date | None
) -> dict[str, Any]:
    """Core properties; created/modified say when the document is from, reproducibly:
    an issued copy its issue date, a draft its data cut-off (Vietnam time, stored in UTC)."""
    issued = metadata["van_ban"]
    return {
        "title": f"{title} {issued.get('trich_yeu') or ''}".strip(),
        "subject": issued["ky_hieu"],
        "author": metadata["co_quan"]["ban_hanh"],
        "comments": "Dự thảo: chưa có số và ngày ban hành." if number is None else "",
        "time": _document_time(metadata["so_lieu"]["thoi_diem"], issued_on),
    }


def _document_time(cut_off: datetime, issued_on: date | None) -> datetime:
    if issued_on is not None:
        return datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=UTC)
    local = cut_off if cut_off.tzinfo else cut_off.replace(tzinfo=VIETNAM)
    return local.astimezone(UTC)
