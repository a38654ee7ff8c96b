"""Build the notice from a data folder into a new archived version.

files → checked tables → appendix figures → render context → .docx → archive
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from . import __version__
from .aggregate import Appendix, Counts, aggregate
from .appendices import APPENDIX_FILE, Declarations, load_declarations
from .archive import DRAFT, ISSUED, Version, add_version, sha256, versions
from .context import build_context
from .errors import InvalidData, MissingInput, Problem
from .metadata import METADATA_FILE, load_metadata
from .pdf import to_pdf
from .reading import TABLE_NAMES, find_table, read_table
from .render import render_docx
from .templates import TEMPLATE_FILE, resolve
from .validation import validate_units

T = TypeVar("T")


@dataclass(frozen=True)
class Inputs:
    """Everything a notice is made from, checked; ``files`` maps archive name → source."""

    metadata: dict[str, Any]
    declarations: Declarations
    units: pd.DataFrame
    files: dict[str, Path]

    def fingerprint(self) -> dict[str, str]:
        return {name: sha256(path) for name, path in sorted(self.files.items())}


@dataclass(frozen=True)
class BuildResult:
    version: Version
    created: bool  # False when the inputs were those of the latest version
    output: Path  # the .docx
    pdf: Path | None  # the PDF, when one was made
    template: Path
    totals: Counts  # the first appendix's total row (PL I: the whole sector)
    appendices: tuple[Appendix, ...]


def build(data_dir: Path, output_dir: Path = Path("output"), *, pdf: bool = False) -> BuildResult:
    """Check the data folder and archive a new draft version (unless nothing changed).

    With ``pdf`` the version also holds the PDF made from its .docx.
    """
    inputs = load_inputs(data_dir)
    folder = output_dir / data_dir.name
    history = versions(folder)
    fingerprint = inputs.fingerprint()
    appendices = aggregate(inputs.units, inputs.declarations)
    if history and _same(history[-1], fingerprint, pdf):
        return _result(history[-1], False, inputs, appendices)
    changed = _changed(history[-1] if history else None, fingerprint)
    return render_version(inputs, appendices, folder, data_dir.name, changed=changed, pdf=pdf)


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
) -> BuildResult:
    """Render the notice (a draft, or issued with number and date) into a new version."""
    context = build_context(inputs.metadata, appendices, number, issued_on)
    fingerprint = inputs.fingerprint()
    custom = {f"vanban.sha256.{key}": value for key, value in fingerprint.items()}
    custom["vanban.phien_ban_cong_cu"] = __version__
    template = inputs.files[TEMPLATE_FILE]
    document = render_docx(template, context, _properties(inputs.metadata, number), custom)
    docx_name = f"thong-bao-{name}-{'du-thao' if number is None else f'so-{number:02d}'}.docx"
    manifest = {
        "trang_thai": DRAFT if number is None else ISSUED,
        "cong_cu": __version__,
        "ky_hieu": inputs.metadata["van_ban"]["ky_hieu"],
        "nam": context["van_ban"]["nam"],
        "so": number,
        "ngay_ban_hanh": issued_on.isoformat() if issued_on else None,
        "tu_phien_ban": source.name if source else None,
        "van_ban": docx_name,
        "so_lieu": _headline(appendices[0].total.total),
        "thay_doi": changed,
    }
    documents = {docx_name: document}
    if pdf:
        documents[Path(docx_name).with_suffix(".pdf").name] = _pdf_bytes(docx_name, document)
    version = add_version(folder, documents, inputs.files, manifest)
    return _result(version, True, inputs, appendices)


def _pdf_bytes(name: str, document: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="vanban-") as work:
        source = Path(work) / name
        source.write_bytes(document)
        return to_pdf([source])[0].read_bytes()


def load_inputs(data_dir: Path) -> Inputs:
    """Metadata, declarations and the checked unit table; every problem reported at once."""
    table_path = _table_path(data_dir)
    metadata_path = data_dir / METADATA_FILE
    if not metadata_path.is_file():
        raise MissingInput(
            path=metadata_path,
            what="tệp thông tin văn bản",
            fix="sao chép data/2023-06-23/thong-bao.toml vào thư mục rồi sửa.",
        )
    problems: list[Problem] = []
    declarations_path = resolve(data_dir, APPENDIX_FILE)
    metadata = _collect(problems, load_metadata, metadata_path)
    declarations = _collect(problems, load_declarations, declarations_path)
    table = _collect(problems, read_table, table_path)
    units = None
    if declarations is not None and table is not None:
        units = _collect(problems, validate_units, table, declarations.level_names)
    if problems:
        raise InvalidData(problems)
    files = {
        table_path.name: table_path,
        METADATA_FILE: metadata_path,
        APPENDIX_FILE: declarations_path,
        TEMPLATE_FILE: resolve(data_dir, TEMPLATE_FILE),
    }
    return Inputs(metadata, declarations, units, files)


def _table_path(data_dir: Path) -> Path:
    if not data_dir.is_dir():
        raise MissingInput(
            path=data_dir,
            what="thư mục số liệu",
            fix="ghi đúng đường dẫn, ví dụ: vanban build data/2023-06-23",
        )
    table_path = find_table(data_dir)
    if table_path is None:
        raise MissingInput(
            path=data_dir / TABLE_NAMES[0],
            what="bảng số liệu đơn vị",
            fix=f"đặt vào thư mục một trong các tệp: {', '.join(TABLE_NAMES)}.",
        )
    return table_path


def _collect(problems: list[Problem], step: Callable[..., T], *args: Any) -> T | None:
    try:
        return step(*args)
    except InvalidData as error:
        problems.extend(error.problems)
        return None


def _same(version: Version, fingerprint: dict[str, str], pdf: bool) -> bool:
    manifest = version.manifest
    has_pdf = any(name.endswith(".pdf") for name in manifest.get("ket_qua", {}))
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


def _headline(total: Counts) -> dict[str, int]:
    return {
        "hs_tong": total.hs_tong,
        "hs_chua": total.hs_chua,
        "ns_tong": total.ns_tong,
        "ns_chua": total.ns_chua,
    }


def _result(
    version: Version, created: bool, inputs: Inputs, appendices: tuple[Appendix, ...]
) -> BuildResult:
    output = version.path / version.manifest["van_ban"]
    pdf = output.with_suffix(".pdf")
    template = inputs.files[TEMPLATE_FILE]
    totals = appendices[0].total.total
    return BuildResult(
        version, created, output, pdf if pdf.is_file() else None, template, totals, appendices
    )


def _properties(metadata: dict[str, Any], number: int | None) -> dict[str, Any]:
    issued = metadata["van_ban"]
    return {
        "title": f"Thông báo {issued['trich_yeu']}",
        "subject": issued["ky_hieu"],
        "author": metadata["co_quan"]["ban_hanh"],
        "comments": "Dự thảo: chưa có số và ngày ban hành." if number is None else "",
        "time": metadata["so_lieu"]["thoi_diem"],
    }
