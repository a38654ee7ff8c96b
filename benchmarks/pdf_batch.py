"""PDF conversion: N documents in one LibreOffice run vs one run per document.

Usage: python benchmarks/pdf_batch.py [N]   (default 20)

Builds the shipped notice once, copies it N times, converts the copies (a) with
vanban's batch conversion and (b) one LibreOffice process per document, and
prints documents per second for each, in the same run. Goal: ≥ 8 docs/s batched.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import docx

from generator.archive.build import build
from generator.convert.pdf import to_pdf

ROOT = Path(__file__).resolve().parent.parent


def _copies(source: Path, folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    targets = [folder / f"tb-{i:03d}.docx" for i in range(count)]
    for target in targets:
        shutil.copyfile(source, target)
    return targets


def _rate(label: str, count: int, seconds: float) -> float:
    rate = count / seconds
    print(f"{label:<34} {count:>4} tệp  {seconds:7.2f} s  {rate:6.2f} tệp/s")
    return rate


def _one_page(folder: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Mẫu báo cáo một trang của đơn vị: Trường THPT Trần Nguyên Hãn.")
    path = folder / "mot-trang.docx"
    document.save(str(path))
    return path


def _compare(label: str, source: Path, folder: Path, count: int) -> float:
    print(f"{label}:")
    folder.mkdir()
    batch = _copies(source, folder / "batch", count)
    single = _copies(source, folder / "single", count)
    start = time.perf_counter()
    to_pdf(batch)
    batched = _rate("  một lần chạy LibreOffice (vanban)", count, time.perf_counter() - start)
    start = time.perf_counter()
    for document in single:
        to_pdf([document])
    naive = _rate("  mỗi tệp một lần chạy (so sánh)", count, time.perf_counter() - start)
    print(f"  nhanh hơn {batched / naive:.1f} lần")
    return batched


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        notice = build(ROOT / "data" / "2023-06-23", work_dir / "out").output
        _compare("Thông báo 8 trang (thân + 4 phụ lục)", notice, work_dir / "tb", count)
        small = _compare("Văn bản 1 trang", _one_page(work_dir), work_dir / "small", count)
    print(
        f"Mục tiêu ≥ 8 tệp/s (văn bản 1 trang, một lần chạy): {'ĐẠT' if small >= 8 else 'CHƯA ĐẠT'}"
    )


if __name__ == "__main__":
    main()
