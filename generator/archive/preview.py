"""``vanban pdf`` and ``vanban preview``: where their files go, around :mod:`generator.pdf`.

Nothing is ever written inside an archived version (it is frozen): a PDF for a
version's .docx is made by ``vanban build --pdf``, and pictures of a version's
pages go into a ``xem-truoc-vNNN`` folder beside the version.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..common.errors import VersionProblem
from ..convert.pdf import to_pdf, to_png
from ..convert.warm import convert_one
from .versions import MANIFEST


def _in_version(path: Path) -> bool:
    return (path.parent / MANIFEST).is_file()


def convert_documents(
    files: list[Path],
    outdir: Path | None = None,
    *,
    jobs: int | None = None,
    pdf_a: bool = False,
) -> list[Path]:
    """PDFs of ``files`` (split over ``jobs`` LibreOffice processes), next to each file
    or in ``outdir``; PDF/A-2b with ``pdf_a``."""
    frozen = [path for path in files if _in_version(path)]
    if outdir is None and frozen:
        fix = "dùng «vanban build --pdf» khi tạo phiên bản, hoặc thêm --outdir <thư mục>."
        detail = "phiên bản đã lưu thì không ghi thêm tệp vào."
        raise VersionProblem(path=frozen[0].parent, detail=detail, fix=fix)
    return to_pdf(files, outdir, jobs=jobs, pdf_a=pdf_a)


def preview_folder(path: Path) -> Path:
    """Where the page pictures of ``path`` go."""
    if _in_version(path):
        version = path.parent
        return version.parent / f"xem-truoc-{version.name}" / path.stem
    return path.parent / f"{path.stem}-trang"


def preview(path: Path, dpi: int = 60) -> list[Path]:
    """PNG pictures of every page of a .docx or .pdf."""
    folder = preview_folder(path)
    if path.suffix.lower() == ".pdf":
        return to_png(path, folder, dpi)
    with tempfile.TemporaryDirectory(prefix="vanban-xem-") as work:
        pdf = convert_one(path, Path(work))
        return to_png(pdf, folder, dpi)
