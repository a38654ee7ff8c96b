"""PDF batches: vanban (one LibreOffice per core) against one LibreOffice run, same run.

Usage: python benchmarks/pdf_batch.py [SIZES]   (default "1,10,60")

For a one-page document and for the shipped 8-page notice, at each batch size,
converts the copies (a) with ``to_pdf`` as ``vanban pdf`` does (``--jobs`` =
cores) and (b) in one LibreOffice run (the former way), and prints documents
per second, CPU seconds per document (LibreOffice and vanban together) and the
machine's limit: cores ÷ CPU seconds per document. Goals at 60 documents:
≥ 15 documents/s (one page), ≥ 3 documents/s (the notice).
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import docx

from generator.archive.build import build
from generator.convert.pdf import default_jobs, to_pdf

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"Văn bản 1 trang": 15.0, "Thông báo 8 trang (thân + 4 phụ lục)": 3.0}


def _copies(source: Path, folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    targets = [folder / f"tb-{i:03d}.docx" for i in range(count)]
    for target in targets:
        shutil.copyfile(source, target)
    return targets


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(documents: list[Path], jobs: int) -> tuple[float, float]:
    cpu, start = _cpu(), time.perf_counter()
    to_pdf(documents, jobs=jobs)
    return time.perf_counter() - start, _cpu() - cpu


def _one_page(folder: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Mẫu báo cáo một trang của đơn vị: Trường THPT Trần Nguyên Hãn.")
    path = folder / "mot-trang.docx"
    document.save(str(path))
    return path


def _line(label: str, count: int, wall: float, cpu: float, cores: int) -> None:
    per_doc = cpu / count
    print(
        f"  {label:<30} {count:>3} tệp {wall:7.2f} s {count / wall:6.2f} tệp/s  "
        f"CPU {per_doc:5.3f} s/tệp  (giới hạn máy {cores / per_doc:5.1f} tệp/s)"
    )


def _compare(label: str, source: Path, folder: Path, sizes: list[int]) -> float:
    cores = default_jobs()
    print(f"{label} (máy có {cores} nhân):")
    rate = 0.0
    for count in sizes:
        batch = _copies(source, folder / f"v{count}", count)
        single = _copies(source, folder / f"m{count}", count)
        wall, cpu = _timed(batch, cores)
        _line(f"vanban, {cores} LibreOffice", count, wall, cpu, cores)
        base_wall, base_cpu = _timed(single, 1)
        _line("so sánh: một LibreOffice", count, base_wall, base_cpu, cores)
        print(f"    nhanh hơn {base_wall / wall:.2f} lần")
        rate = count / wall
    goal = GOALS[label]
    print(f"  mục tiêu ≥ {goal:g} tệp/s ở {sizes[-1]} tệp: {'ĐẠT' if rate >= goal else 'CHƯA ĐẠT'}")
    return rate


def main() -> None:
    sizes = [int(n) for n in (sys.argv[1] if len(sys.argv) > 1 else "1,10,60").split(",")]
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        _compare("Văn bản 1 trang", _one_page(work_dir), work_dir / "small", sizes)
        notice = build(ROOT / "data" / "2023-06-23", work_dir / "out").output
        _compare("Thông báo 8 trang (thân + 4 phụ lục)", notice, work_dir / "tb", sizes)


if __name__ == "__main__":
    main()
