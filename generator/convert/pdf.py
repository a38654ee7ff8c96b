"""Turn .docx files into PDF (LibreOffice) and PDF pages into PNG pictures (pdftoppm).

A batch is split over one LibreOffice process per core, each started with its
own private profile folder (a LibreOffice the clerk has open is not disturbed)
and a time limit; a process that fails or runs late is ended with its whole
process group (see :mod:`.process`). Before converting, the LibreOffice program
and a Times New Roman font (or its metric twin Liberation Serif) are looked for,
and their absence is reported with what to install.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from pathlib import Path

from ..common.errors import ToolFailed, ToolMissing
from ..common.files import write_atomic
from .process import run
from .reproducible import reproducible

SOFFICE_NAMES = ("soffice", "libreoffice")
WINDOWS_SOFFICE = (
    Path(r"C:\Program Files\LibreOffice\program\soffice.exe"),
    Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
)
ACCEPTED_FONTS = ("Times New Roman", "Liberation Serif", "Tinos")
INSTALL_LIBREOFFICE = (
    "Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui fonts-liberation2; "
    "Windows: cài LibreOffice (libreoffice.org), rồi chạy lại."
)
INSTALL_FONT = (
    "Debian/Ubuntu: sudo apt-get install fonts-liberation2 (cùng cỡ chữ với Times New Roman)."
)
INSTALL_POPPLER = (
    "Debian/Ubuntu: sudo apt-get install poppler-utils; Windows: cài Poppler for Windows."
)
SECONDS_PER_FILE = 20
SECONDS_PER_MB = 300  # a long appendix takes LibreOffice longer than a short notice
BASE_SECONDS = 60


def find_soffice() -> Path:
    """The LibreOffice program, or ToolMissing saying what to install."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    if platform.system() == "Windows":
        for candidate in WINDOWS_SOFFICE:
            if candidate.is_file():
                return candidate
    raise ToolMissing(tool="LibreOffice", purpose="chuyển .docx sang PDF", fix=INSTALL_LIBREOFFICE)


def check_font() -> None:
    """Times New Roman or a metric-compatible substitute must be installed."""
    matcher = shutil.which("fc-match")
    if matcher is None:  # Windows and macOS ship Times New Roman
        return
    answer = subprocess.run(
        [matcher, "Times New Roman"], capture_output=True, text=True, check=False
    ).stdout
    if not any(font in answer for font in ACCEPTED_FONTS):
        raise ToolMissing(
            tool="phông chữ Times New Roman (hoặc Liberation Serif)",
            purpose="PDF đúng cỡ chữ và ngắt trang như Word",
            fix=INSTALL_FONT,
        )


def default_jobs() -> int:
    """How many LibreOffice processes a batch uses by default: one per core."""
    cores = os.process_cpu_count() if hasattr(os, "process_cpu_count") else os.cpu_count()
    return max(1, cores or 1)


def export_filter(pdf_a: bool = False, pages: str | None = None) -> str:
    """LibreOffice's ``--convert-to`` value: plain PDF, or PDF/A-2b (fonts embedded)."""
    options = {}
    if pdf_a:
        options["SelectPdfVersion"] = {"type": "long", "value": "2"}
    if pages:
        options["PageRange"] = {"type": "string", "value": pages}
    return f"pdf:writer_pdf_Export:{json.dumps(options)}" if options else "pdf"


def to_pdf(
    documents: list[Path],
    outdir: Path | None = None,
    timeout: float | None = None,
    *,
    jobs: int | None = None,
    pdf_a: bool = False,
    pages: str | None = None,
) -> list[Path]:
    """Convert the documents with up to ``jobs`` LibreOffice processes (default: one per
    core), each with its own private profile; each PDF lands next to its document (or in
    ``outdir``), written atomically, with the same bytes for the same .docx. Returns the
    PDF paths in order. With ``pdf_a`` the PDFs are PDF/A-2b with every font embedded;
    ``pages`` ("1", "2-3") exports only those pages."""
    soffice = find_soffice()
    check_font()
    missing = [d for d in documents if not d.is_file()]
    if missing:
        raise ToolFailed(
            tool="LibreOffice",
            detail=f"không có tệp {missing[0]}.",
            fix="kiểm tra lại đường dẫn tệp .docx.",
        )
    if not documents:
        return []
    groups = _split(documents, min(jobs or default_jobs(), len(documents)))
    targets = [(outdir or d.parent) / f"{d.stem}.pdf" for d in documents]
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
        export = export_filter(pdf_a, pages)
        produced = _convert_groups(soffice, groups, Path(work), timeout, export)
        for document, target in zip(documents, targets, strict=True):
            data = reproducible(produced[document].read_bytes(), document)
            write_atomic(target, data)
    return targets


def _split(documents: list[Path], count: int) -> list[list[Path]]:
    """``count`` groups of about equal total size (largest documents first)."""
    groups: list[list[Path]] = [[] for _ in range(count)]
    sizes = [0] * count
    unique = list(dict.fromkeys(documents))
    for document in sorted(unique, key=lambda d: d.stat().st_size, reverse=True):
        smallest = sizes.index(min(sizes))
        groups[smallest].append(document)
        sizes[smallest] += document.stat().st_size
    return [group for group in groups if group]


def _convert_groups(
    soffice: Path, groups: list[list[Path]], work: Path, timeout: float | None, target: str
) -> dict[Path, Path]:
    """One LibreOffice process per group, in parallel; the first failure stops the others."""
    cancel = threading.Event()
    results: dict[Path, Path] = {}
    errors: list[BaseException] = []

    def convert(index: int, group: list[Path]) -> None:
        megabytes = sum(document.stat().st_size for document in group) / 1e6
        limit = timeout or BASE_SECONDS + SECONDS_PER_FILE * len(group) + SECONDS_PER_MB * megabytes
        try:
            results.update(_convert(soffice, group, work / f"lan-{index}", limit, target, cancel))
        except BaseException as error:  # handed to the caller's thread below
            errors.append(error)
            cancel.set()

    threads = [
        threading.Thread(target=convert, args=(index, group), daemon=True)
        for index, group in enumerate(groups)
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:  # Ctrl+C: stop every LibreOffice before the folder goes
        cancel.set()
        for thread in threads:
            thread.join()
        raise
    if errors:
        first = next((e for e in errors if "đã dừng" not in str(e)), errors[0])
        raise first
    return results


def _convert(
    soffice: Path,
    documents: list[Path],
    work: Path,
    limit: float,
    target: str,
    cancel: threading.Event | None = None,
) -> dict[Path, Path]:
    """One LibreOffice run; documents with the same name are copied under unique names."""
    inputs = work / "vao"
    inputs.mkdir(parents=True)
    names = Counter(d.name for d in documents)
    staged = []
    for index, document in enumerate(documents):
        name = document.name if names[document.name] == 1 else f"{index:04d}-{document.name}"
        shutil.copyfile(document, inputs / name)
        staged.append(inputs / name)
    outputs = work / "ra"
    command = [
        str(soffice), f"-env:UserInstallation={(work / 'ho-so').resolve().as_uri()}",
        "--headless", "--norestore", "--nolockcheck", "--convert-to", target,
        "--outdir", str(outputs), *map(str, staged),
    ]  # fmt: skip
    run(command, limit, "LibreOffice", cancel)
    produced = [outputs / f"{path.stem}.pdf" for path in staged]
    failed = [doc for doc, pdf in zip(documents, produced, strict=True) if not pdf.is_file()]
    if failed:
        raise ToolFailed(
            tool="LibreOffice",
            detail=f"không chuyển được {failed[0]} sang PDF.",
            fix="mở tệp bằng Word hoặc LibreOffice xem có hỏng không.",
        )
    return dict(zip(documents, produced, strict=True))


def to_png(pdf: Path, folder: Path, resolution: int = 60) -> list[Path]:
    """One PNG per page of ``pdf`` in ``folder`` (trang-1.png, trang-2.png, …)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ToolMissing(
            tool="pdftoppm (Poppler)", purpose="vẽ trang PDF thành ảnh", fix=INSTALL_POPPLER
        )
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("trang-*.png"):
        old.unlink()
    run([pdftoppm, "-png", "-r", str(resolution), str(pdf), str(folder / "trang")], 120, "pdftoppm")
    pages = sorted(folder.glob("trang-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pages
