"""Per-person export → notice, end to end, against a plain-Python baseline in the same run.

Usage: python benchmarks/persons_to_notice.py [SCALE]   (default 1: Hải Phòng, ~565,000 people)

1. writes a synthetic export (vanban synth) as CSV;
2. times `vanban build` on it as a clerk runs it (a new process: imports included);
3. times the same counting done the plain way (csv.DictReader, a dict of counters) as the
   baseline. Goal: the whole build ≤ 1.2 s at scale 1 (the baseline took 1.39 s).
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from generator.inputs.synth import write_synthetic

ROOT = Path(__file__).resolve().parent.parent


def _baseline(path: Path) -> int:
    counts: Counter = Counter()
    with open(path, encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            key = (row["Đơn vị"], row["Cấp học"], row["Đối tượng"])
            counts[key] += 1
            if row["Trạng thái xác thực"] == "Chưa xác thực":
                counts[(*key, "chua")] += 1
    return len(counts)


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "tong-hop"
        start = time.perf_counter()
        export = write_synthetic(data, ROOT / "data" / "2023-06-23", scale, 2023, "csv")
        with open(export, encoding="utf-8-sig") as stream:
            people = sum(1 for _ in stream) - 1
        print(
            f"dữ liệu giả lập: {people:,} người, {export.stat().st_size / 1e6:.0f} MB "
            f"({time.perf_counter() - start:.1f} s để tạo)"
        )
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "generator", "build", str(data), "-o", str(Path(work) / "out")],
            check=True,
            capture_output=True,
        )
        built = time.perf_counter() - start
        start = time.perf_counter()
        _baseline(export)
        plain = time.perf_counter() - start
    print(f"vanban build (tiến trình mới, đọc + kiểm tra + gộp + văn bản + lưu): {built:6.2f} s")
    print(f"chỉ đếm bằng Python thuần (csv.DictReader):                       {plain:6.2f} s")
    print(f"gấp {built / plain:.2f} lần cách đếm thuần (mục tiêu ≤ 1,2 s, tức ≤ 0,86 lần)")
    print(f"mục tiêu ≤ 1,2 s: {'ĐẠT' if built <= 1.2 else 'CHƯA ĐẠT'}")


if __name__ == "__main__":
    main()
