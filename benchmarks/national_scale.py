"""A national-scale export (about 24 million people, Parquet) → notice: time and peak memory.

Usage: python benchmarks/national_scale.py [SCALE]   (default 42.5 ≈ 24 million people)

Writes a synthetic Parquet export in chunks, then runs `vanban build` on it in a new
process and reports wall time and the process's peak memory; the same is done at
Hải Phòng scale (1 ≈ 565,000) as the baseline in the same run.
Goal at 24 million: ≤ 10 s and ≤ 2 GB.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from generator.inputs.synth import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS, GOAL_GB = 10, 2
# The build's own peak: VmHWM belongs to the process's memory since exec. ru_maxrss would
# also count this process's memory (the synthetic 24 million), inherited through fork.
_BUILD = """import sys
from generator.cli.main import main
sys.argv = ["vanban", "build", {data!r}, "-o", {out!r}]
try:
    main()
finally:
    status = open("/proc/self/status").read()
    print(status.split("VmHWM:")[1].split()[0], file=sys.stderr)
"""


def _measure(scale: float, work: Path) -> tuple[int, float, float]:
    data = work / f"ca-nuoc-{scale:g}"
    start = time.perf_counter()
    export = write_synthetic(data, ROOT / "data" / "2023-06-23", scale, 2023, "parquet")
    made = time.perf_counter() - start
    people = pq.ParquetFile(export).metadata.num_rows
    print(
        f"  {people:,} người, Parquet {export.stat().st_size / 1e6:.0f} MB (tạo trong {made:.0f} s)"
    )
    command = [sys.executable, "-c", _BUILD.format(data=str(data), out=str(work / "out"))]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    peak_gb = int(run.stderr.strip().splitlines()[-1]) / 1024 / 1024
    return people, seconds, peak_gb


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 42.5
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        rows = []
        for label, factor in (("Hải Phòng (so sánh)", 1.0), ("cả nước", scale)):
            print(f"{label}:")
            people, seconds, peak = _measure(factor, work)
            rows.append((label, people, seconds, peak))
            print(f"  vanban build: {seconds:.1f} s, bộ nhớ đỉnh {peak:.2f} GB")
    label, people, seconds, peak = rows[-1]
    per_million = [r[2] / (r[1] / 1e6) for r in rows]
    print(
        f"giây cho mỗi triệu người: {per_million[0]:.2f} (Hải Phòng), {per_million[1]:.2f} "
        f"({label})"
    )
    verdict = "ĐẠT" if seconds <= GOAL_SECONDS and peak <= GOAL_GB else "CHƯA ĐẠT"
    print(f"mục tiêu ≤ {GOAL_SECONDS} s và ≤ {GOAL_GB} GB với {people:,} người: {verdict}")


if __name__ == "__main__":
    main()
