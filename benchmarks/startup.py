"""Start-up and build, each in a new process as a clerk runs it, beside its floor in the same run.

Usage: python benchmarks/startup.py [ROUNDS]   (default 7; medians are printed)

1. ``vanban --help`` against ``python -c "import click"``: goal ≤ 0.25 s and ≤ 60 MB.
2. ``vanban build data/2023-06-23`` (a new version each time) against
   ``python -c "import docxtpl, pandas, babel"``: goal ≤ 1.3× that floor.

Wall time and CPU time (user + system of the process) are both printed: on a
machine shared with other work, CPU time is the steadier figure, and the goal
is judged on it.

vanban's own modules are byte-compiled first (``compileall``), as ``pip install``
does and as Python does on a first run: the libraries of the floor are installed
compiled, and a machine with ``PYTHONDONTWRITEBYTECODE`` set would otherwise
compile vanban's 50 modules from source on every run (about 50 ms).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MB) of one run of ``command``."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, cwd=ROOT
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def medians(make_command, rounds: int) -> tuple[float, float, float]:
    runs = [measure(make_command(index)) for index in range(rounds)]
    return tuple(statistics.median(column) for column in zip(*runs, strict=True))


def show(label: str, figures: tuple[float, float, float]) -> None:
    wall, cpu, memory = figures
    print(f"  {label:<46} {wall:6.2f} s  CPU {cpu:5.2f} s  {memory:6.0f} MB")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    python = sys.executable
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "generator")], check=True)
    print(f"(trung vị của {rounds} lần chạy, mỗi lần một tiến trình mới)")
    print("1. vanban --help")
    helped = medians(lambda _: [python, "-m", "generator", "--help"], rounds)
    click_only = medians(lambda _: [python, "-c", "import click"], rounds)
    show("vanban --help", helped)
    show('so sánh: python -c "import click"', click_only)
    fast = helped[1] <= 0.25 and helped[2] <= 60
    print(f"  mục tiêu ≤ 0,25 s CPU và ≤ 60 MB: {'ĐẠT' if fast else 'CHƯA ĐẠT'}")

    print("2. vanban build data/2023-06-23 (phiên bản mới)")
    with tempfile.TemporaryDirectory() as work:
        data = str(ROOT / "data" / "2023-06-23")
        built = medians(
            lambda n: [python, "-m", "generator", "build", data, "-o", f"{work}/o{n}"], rounds
        )
    floor = medians(lambda _: [python, "-c", "import docxtpl, pandas, babel"], rounds)
    show("vanban build", built)
    show('sàn: python -c "import docxtpl, pandas, babel"', floor)
    ratio = built[1] / floor[1]
    print(f"  gấp {ratio:.2f} lần sàn (CPU; thời gian thực {built[0] / floor[0]:.2f} lần)")
    print(f"  mục tiêu ≤ 1,3 lần: {'ĐẠT' if ratio <= 1.3 else 'CHƯA ĐẠT'}")


if __name__ == "__main__":
    main()
