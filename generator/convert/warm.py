"""A LibreOffice kept running for one-off conversions (a page picture, the web page).

A cold LibreOffice takes 2–3 s to start for every document; a warm one converts
a one-page document in a fraction of a second. :func:`convert_one` uses the warm
converter: a private LibreOffice (its own profile folder and its own pipe name,
never the clerk's open LibreOffice) listening for UNO connections, driven by
:mod:`.uno_worker` run under LibreOffice's own Python (Debian: ``/usr/bin/python3``
with ``python3-uno``). It is started on first need, restarted after
:data:`MAX_CONVERSIONS` conversions or after any failure, and stopped when vanban
exits (and by the helper itself when vanban's end closes its input). When it
cannot start, conversions fall back to the one-shot LibreOffice run of
:func:`generator.convert.pdf.to_pdf`.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import secrets
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ..common.errors import ToolFailed
from ..common.files import write_atomic
from .pdf import check_font, find_soffice, to_pdf
from .process import end_group, start
from .reproducible import reproducible

MAX_CONVERSIONS = 100
START_SECONDS = 60
CONVERT_SECONDS = 60
WORKER = Path(__file__).with_name("uno_worker.py")


def uno_pythons(soffice: Path) -> list[Path]:
    """Pythons that may have LibreOffice's ``uno`` module, most likely first."""
    named = os.environ.get("VANBAN_UNO_PYTHON")
    candidates = [Path(named)] if named else []
    program = soffice.resolve().parent
    candidates += [program / "python", program / "python.exe", Path("/usr/bin/python3")]
    return [path for path in candidates if path.is_file()]


class WarmConverter:
    """One private LibreOffice and its UNO helper; :meth:`convert` one document at a time."""

    def __init__(self, max_conversions: int = MAX_CONVERSIONS) -> None:
        self.max_conversions = max_conversions
        self.conversions = 0
        self.cannot_start = False  # set when a start failed: use one-shot conversions
        self._office: subprocess.Popen | None = None
        self._worker: subprocess.Popen | None = None
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._profile: Path | None = None

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.poll() is None

    def start(self) -> None:
        """Start LibreOffice and the helper; ToolFailed when they cannot start."""
        soffice = find_soffice()
        pythons = uno_pythons(soffice)
        if not pythons:
            self.cannot_start = True
            raise ToolFailed(
                tool="LibreOffice (UNO)",
                detail="không có Python kèm LibreOffice.",
                fix="Debian/Ubuntu: sudo apt-get install python3-uno.",
            )
        self._profile = Path(tempfile.mkdtemp(prefix="vanban-warm-"))
        pipe = f"vanban-{os.getpid()}-{secrets.token_hex(6)}"
        self._office = start(
            [
                str(soffice),
                f"-env:UserInstallation={self._profile.resolve().as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],  # fmt: skip
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._worker = start(
            [str(pythons[0]), str(WORKER), pipe],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self._answers = queue.Queue()
        threading.Thread(target=self._read, args=(self._worker, self._answers), daemon=True).start()
        answer = self._answer(START_SECONDS)
        if answer != "ready":
            self.stop()
            self.cannot_start = True
            raise ToolFailed(
                tool="LibreOffice (UNO)",
                detail=f"không khởi động được ({answer or 'không trả lời'}).",
                fix="chạy lại; vanban sẽ dùng cách chuyển thường.",
            )
        self.conversions = 0

    @staticmethod
    def _read(worker: subprocess.Popen, answers: queue.Queue) -> None:
        for line in worker.stdout:
            answers.put(line.rstrip("\n"))
        answers.put(None)

    def _answer(self, seconds: float) -> str | None:
        try:
            return self._answers.get(timeout=seconds)
        except queue.Empty:
            return None

    def convert(self, source: Path, target: Path, options: dict) -> None:
        """Write the PDF of ``source`` to ``target`` (LibreOffice's bytes, as exported)."""
        if not self.running or self.conversions >= self.max_conversions:
            self.stop()
            self.start()
        self.conversions += 1
        try:
            request = f"{source.resolve()}\t{target.resolve()}\t{json.dumps(options)}\n"
            self._worker.stdin.write(request)
            self._worker.stdin.flush()
        except (OSError, ValueError):
            self.stop()
            raise ToolFailed(tool="LibreOffice (UNO)", detail="đã dừng.", fix="chạy lại.") from None
        answer = self._answer(CONVERT_SECONDS)
        if answer != "ok" or not target.is_file():
            self.stop()  # restarted on the next conversion
            raise ToolFailed(
                tool="LibreOffice (UNO)",
                detail=f"không chuyển được {source.name} ({answer or 'quá thời gian'}).",
                fix="mở tệp bằng Word hoặc LibreOffice xem có hỏng không.",
            )

    def stop(self) -> None:
        """End the helper and LibreOffice (their process groups) and remove the profile."""
        for process in (self._worker, self._office):
            if process is not None:
                if process.stdin is not None:
                    process.stdin.close()
                end_group(process)
        self._worker = self._office = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None


_LOCK = threading.Lock()
_CONVERTER: WarmConverter | None = None
_UNAVAILABLE = False  # it failed to start once: one-shot conversions from then on
_FONT_CHECKED = False


def _converter() -> WarmConverter | None:
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = WarmConverter()
        atexit.register(stop)
    return _CONVERTER


def stop() -> None:
    """Stop the warm converter (also done when vanban exits)."""
    if _CONVERTER is not None:
        _CONVERTER.stop()


def convert_one(
    document: Path,
    outdir: Path | None = None,
    *,
    pdf_a: bool = False,
    pages: str | None = None,
) -> Path:
    """The PDF of one .docx (next to it or in ``outdir``), by the warm converter when it
    can run, else by a one-shot LibreOffice. ``pages`` ("1", "1-3") limits the pages
    exported. Same bytes for the same document either way."""
    global _UNAVAILABLE, _FONT_CHECKED
    if not document.is_file():
        raise ToolFailed(
            tool="LibreOffice",
            detail=f"không có tệp {document}.",
            fix="kiểm tra lại đường dẫn tệp .docx.",
        )
    target = (outdir or document.parent) / f"{document.stem}.pdf"
    options: dict = {}
    if pdf_a:
        options["SelectPdfVersion"] = 2
    if pages:
        options["PageRange"] = pages
    with _LOCK:
        if not _UNAVAILABLE:
            if not _FONT_CHECKED:
                check_font()
                _FONT_CHECKED = True
            with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
                produced = Path(work) / "ra.pdf"
                try:
                    _converter().convert(document, produced, options)
                except ToolFailed:
                    _UNAVAILABLE = _converter().cannot_start
                else:
                    write_atomic(target, reproducible(produced.read_bytes(), document))
                    return target
    return to_pdf([document], outdir, pdf_a=pdf_a, pages=pages)[0]
