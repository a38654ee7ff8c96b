"""A 10,000-row appendix → .docx and PDF, as ``vanban build --pdf`` in a new process.

Usage: python benchmarks/long_appendix.py [ROWS] [BASE_ROWS]   (defaults 10000 and 1500)

(a) the shipped data plus ROWS extra schools (one appendix gets ROWS more rows),
    ``vanban build --pdf``: time and peak memory. Goal ≤ 40 s in all.
(b) baseline in the same run: LibreOffice on the same kind of document with
    BASE_ROWS extra rows left as one table (no splitting), and with splitting,
    to show the quadratic cost that splitting avoids (10,000 rows unsplit take
    about 11 minutes, too long to run here: the figure printed is scaled by the
    square of the row ratio).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.archive.build import build
from generator.convert.pdf import to_pdf
from generator.documents import long_tables

ROOT = Path(__file__).resolve().parent.parent


def _data(folder: Path, extra: int) -> Path:
    target = folder / "2023-06-23"
    shutil.copytree(ROOT / "data" / "2023-06-23", target)
    (target / "doi-chieu.toml").unlink(missing_ok=True)
    table = target / "don-vi.csv"
    with open(table, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    rows += [
        [f"THPT Thử Nghiệm {n:05d}", "THPT", "Sở GDĐT", "1000", str(n % 7), "50", str(n % 3)]
        for n in range(extra)
    ]
    with open(table, "w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return target


def _new_process_build(data: Path, output: Path) -> tuple[float, float]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "generator", "build", str(data), "--pdf", "-o", str(output)]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("vanban build --pdf failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def _pdf_seconds(document: Path, folder: Path) -> float:
    start = time.perf_counter()
    to_pdf([document], folder, timeout=3600)
    return time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    base = int(sys.argv[2]) if len(sys.argv) > 2 else 1_500
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        seconds, memory = _new_process_build(_data(folder / "lon", rows), folder / "ra")
        small = _data(folder / "nho", base)
        split_docx = build(small, folder / "tach").output
        long_tables.MAX_ROWS = 10**9
        whole_docx = build(small, folder / "nguyen").output
        whole = _pdf_seconds(whole_docx, folder / "pdf-nguyen")
        split = _pdf_seconds(split_docx, folder / "pdf-tach")
    print(
        f"(a) {rows:,} dòng, vanban build --pdf (tiến trình mới): {seconds:6.1f} s, {memory:.0f} MB"
    )
    print(
        f"(b) {base:,} dòng, chỉ LibreOffice: một bảng {whole:6.1f} s, bảng đã tách {split:6.1f} s"
    )
    estimate = whole * (rows / base) ** 2 / 60
    print(f"    ước tính một bảng {rows:,} dòng không tách: {estimate:.0f} phút")
    print(f"mục tiêu (a) ≤ 40 s: {'ĐẠT' if seconds <= 40 else 'CHƯA ĐẠT'}")


if __name__ == "__main__":
    main()
