"""Turn .docx files into PDF (LibreOffice) and PDF pages into PNG pictures (pdftoppm).

All files go through **one** LibreOffice process, started with a private
profile folder (a LibreOffice the clerk has open is not disturbed) and a time
limit. Before converting, the LibreOffice program and a Times New Roman font
(or its metric twin Liberation Serif) are looked for, and their absence is
reported with what to install.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from ..common.errors import ToolFailed, ToolMissing

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


def to_pdf(
    documents: list[Path], outdir: Path | None = None, timeout: float | None = None
) -> list[Path]:
    """Convert every document in one LibreOffice process; each PDF lands next to its
    document (or in ``outdir``), written atomically. Returns the PDF paths in order."""
    soffice = find_soffice()
    check_font()
    missing = [d for d in documents if not d.is_file()]
    if missing:
        raise ToolFailed(
            tool="LibreOffice",
            detail=f"không có tệp {missing[0]}.",
            fix="kiểm tra lại đường dẫn tệp .docx.",
        )
    limit = timeout or BASE_SECONDS + SECONDS_PER_FILE * len(documents)
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
        produced = _convert(soffice, documents, Path(work), limit)
        targets = [(outdir or d.parent) / f"{d.stem}.pdf" for d in documents]
        for source, target in zip(produced, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(source, staging)
            os.replace(staging, target)
    return targets


def _convert(soffice: Path, documents: list[Path], work: Path, limit: float) -> list[Path]:
    """One LibreOffice run; documents with the same name are copied under unique names."""
    inputs = work / "vao"
    inputs.mkdir()
    names = Counter(d.name for d in documents)
    staged = []
    for index, document in enumerate(documents):
        name = document.name if names[document.name] == 1 else f"{index:04d}-{document.name}"
        shutil.copyfile(document, inputs / name)
        staged.append(inputs / name)
    outputs = work / "ra"
    command = [
        str(soffice), f"-env:UserInstallation={(work / 'ho-so').resolve().as_uri()}",
        "--headless", "--norestore", "--nolockcheck", "--convert-to", "pdf",
        "--outdir", str(outputs), *map(str, staged),
    ]  # fmt: skip
    _run(command, limit, "LibreOffice")
    produced = [outputs / f"{path.stem}.pdf" for path in staged]
    failed = [doc for doc, pdf in zip(documents, produced, strict=True) if not pdf.is_file()]
    if failed:
        raise ToolFailed(
            tool="LibreOffice",
            detail=f"không chuyển được {failed[0]} sang PDF.",
            fix="mở tệp bằng Word hoặc LibreOffice xem có hỏng không.",
        )
    return produced


def _run(command: list[str], limit: float, tool: str) -> None:
    try:
        subprocess.run(
            command, capture_output=True, timeout=limit, check=True, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise ToolFailed(
            tool=tool,
            detail=f"không xong sau {limit:.0f} giây.",
            fix=f"đóng các cửa sổ {tool} bị treo rồi chạy lại.",
        ) from None
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or b"").decode("utf-8", "replace").strip()[-300:]
        raise ToolFailed(
            tool=tool,
            detail=f"báo lỗi ({detail or error.returncode}).",
            fix="chạy lại; nếu vẫn lỗi, gửi thông báo này cho người bảo trì.",
        ) from None


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
    _run(
        [pdftoppm, "-png", "-r", str(resolution), str(pdf), str(folder / "trang")], 120, "pdftoppm"
    )
    pages = sorted(folder.glob("trang-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pages
