"""Unit tables at a country's scale: read + check, against today's code and plain Python.

Usage: python benchmarks/unit_table_scale.py [ROWS ...]   (default: 40000 1000000)
       [--baseline REV]   git revision whose code is "today's cost" (default 0140e84, the
                          last commit before documents were rendered as a stream and the
                          reader kept to bytes and Arrow strings)

For each size it writes a unit table (one row per unit and level, ~700 district offices,
levels in the national proportions) and runs, each in a new process, measuring wall time, CPU
time (steadier on a shared machine) and peak memory (max RSS):
  1. vanban: reading and checking the table (``load_inputs``), the path issue #13 item 8 is
     about; ``vanban validate`` (adds the appendix figures, ``figures/aggregate.py``); and
     ``vanban build`` (adds rendering the .docx with every appendix row: 80,000 at 1,000,000);
  2. the same three with the code of the baseline revision (today's cost);
  3. plain Python doing equal work: csv.DictReader and int() of every count.
Goals: 40,000 rows under 3 s and 400 MB; 1,000,000 rows under 30 s; reading, checking and
the appendix figures (``vanban validate``) of 1,000,000 rows under 600 MB (issue #13 item 8:
no process over 1 GB, and rendering needs the rest).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ["MN"] * 30 + ["TH"] * 30 + ["THCS"] * 32 + ["THPT"] * 6 + ["GDTX"] * 2
HEADER = (
    "Tên đơn vị,Cấp học,Đơn vị quản lý,Tổng số học sinh,Học sinh chưa đồng bộ,"
    "Tổng số nhân sự,Nhân sự chưa đồng bộ\n"
)
LOAD = "from pathlib import Path; import sys; from generator.inputs.folder import load_inputs; "
LOAD += "load_inputs(Path(sys.argv[1]))"
GOALS = (
    "Mục tiêu: 40.000 dòng < 3 giây, < 400 MB; 1.000.000 dòng: validate < 600 MB, "
    "build < 30 giây; không tiến trình nào quá 1 GB."
)
PLAIN = """
import csv, sys
total = 0
with open(sys.argv[1] + "/don-vi.csv", encoding="utf-8-sig", newline="") as stream:
    for row in csv.DictReader(stream):
        for key in ("Tổng số học sinh", "Học sinh chưa đồng bộ", "Tổng số nhân sự",
                    "Nhân sự chưa đồng bộ"):
            total += int(row[key])
"""


def write_table(folder: Path, rows: int) -> None:
    folder.mkdir(parents=True)
    shutil.copyfile(ROOT / "data" / "2023-06-23" / "thong-bao.toml", folder / "thong-bao.toml")
    rng = random.Random(1)
    with open(folder / "don-vi.csv", "w", encoding="utf-8-sig", newline="") as stream:
        stream.write(HEADER)
        for i in range(rows):
            level = LEVELS[i % 100]
            office = "Sở GDĐT" if level in ("THPT", "GDTX") else f"Phòng GDĐT Quận {i % 700}"
            pupils, staff = rng.randint(50, 3000), rng.randint(5, 150)
            stream.write(
                f"Trường {level} Số {i},{level},{office},{pupils},{rng.randint(0, pupils // 50)},"
                f"{staff},{rng.randint(0, staff // 20)}\n"
            )


def measure(code: Path, argv: list[str], limit: float) -> tuple[float, float, float] | None:
    """Wall seconds, peak MB and CPU seconds of one new process running ``code``;
    None when it did not finish within ``limit`` seconds (it is then stopped)."""
    probe = (
        "import resource, subprocess, sys, time; start = time.perf_counter(); "
        "done = subprocess.run(sys.argv[3:], env={**__import__('os').environ, "
        "'PYTHONPATH': sys.argv[1]}, capture_output=True, timeout=float(sys.argv[2])); "
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(time.perf_counter() - start, peak, done.returncode, "
        "usage.ru_utime + usage.ru_stime)"
    )
    done = subprocess.run(  # from a neutral folder: "-c" and "-m" put the cwd first on the path
        [sys.executable, "-c", probe, str(code), str(limit), sys.executable, *argv],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    out = done.stdout.split()
    if done.returncode != 0 or out[2] != "0":
        return None
    return float(out[0]), float(out[1]), float(out[3])


def export(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "generator", "templates"],
        capture_output=True,
        check=True,
    ).stdout
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="*", type=int, default=[40_000, 1_000_000])
    parser.add_argument("--baseline", default="0140e84")
    parser.add_argument("--limit", type=float, default=180, help="seconds for today's code")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        today = export(options.baseline, Path(work) / "baseline")
        print(f"{'dòng':>10} | {'cách đo':<44} | {'giây':>7} | {'giây CPU':>7} | {'MB đỉnh':>8}")
        for rows in options.rows:
            data = Path(work) / f"bang-{rows}"
            write_table(data, rows)
            runs = [
                ("vanban: đọc + kiểm tra (load_inputs)", ROOT, ["-c", LOAD, str(data)]),
                ("vanban validate (thêm tính phụ lục)", ROOT,
                 ["-m", "generator", "validate", str(data)]),
                (f"hôm nay ({options.baseline}): đọc + kiểm tra", today, ["-c", LOAD, str(data)]),
                (f"hôm nay ({options.baseline}): vanban validate", today,
                 ["-m", "generator", "validate", str(data)]),
                ("Python thuần: csv.DictReader + int()", ROOT, ["-c", PLAIN, str(data)]),
            ]  # fmt: skip
            build = ["-m", "generator", "build", str(data), "-o"]  # the whole notice
            runs.insert(
                2,
                ("vanban build (cả văn bản .docx)", ROOT, [*build, str(Path(work) / f"ra-{rows}")]),
            )
            runs.insert(5, (f"hôm nay ({options.baseline}): vanban build", today,
                            [*build, str(Path(work) / f"ra-truoc-{rows}")]))  # fmt: skip
            for label, code, argv in runs:
                limit = options.limit if code is today else 3600
                found = measure(code, argv, limit)
                if found is None:
                    print(f"{rows:>10,} | {label:<44} | lỗi, hoặc quá {limit:.0f} s: không xong")
                    continue
                seconds, peak, cpu = found
                print(
                    f"{rows:>10,} | {label:<44} | {seconds:7.2f} | {cpu:7.2f} | {peak:8.0f}",
                    flush=True,
                )
        print(GOALS)


if __name__ == "__main__":
    main()
