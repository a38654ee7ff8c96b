"""One on-demand conversion: the notice's first page picture, warm converter against cold.

Usage: python benchmarks/warm_preview.py [ROUNDS]   (default 5; medians are printed)

(a) the warm converter (``generator.convert.warm.convert_one``, started once
    before timing, as the web page keeps it) exports page 1 and pdftoppm draws it;
(b) the same picture with a cold, one-shot LibreOffice (``to_pdf``), in the same run.
Goal: (a) ≤ 0.6 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from generator.archive.build import build
from generator.convert import warm
from generator.convert.pdf import to_pdf, to_png

ROOT = Path(__file__).resolve().parent.parent


def _median(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        notice = build(ROOT / "data" / "2023-06-23", folder / "out").output
        warm.convert_one(notice, folder / "khoi-dong", pages="1")  # start it, untimed
        if warm._UNAVAILABLE:
            raise SystemExit("bộ chuyển đổi ấm không chạy được (cần python3-uno)")
        hot = _median(
            lambda: to_png(warm.convert_one(notice, folder / "a", pages="1"), folder / "pa"),
            rounds,
        )
        cold = _median(
            lambda: to_png(to_pdf([notice], folder / "b", pages="1")[0], folder / "pb"),
            rounds,
        )
        warm.stop()
    print(f"ảnh trang 1 của thông báo, bộ chuyển đổi ấm:        {hot:6.2f} s")
    print(f"so sánh: LibreOffice khởi động mỗi lần (một lần chạy): {cold:6.2f} s")
    print(
        f"nhanh hơn {cold / hot:.1f} lần; mục tiêu ≤ 0,6 s: {'ĐẠT' if hot <= 0.6 else 'CHƯA ĐẠT'}"
    )


if __name__ == "__main__":
    main()
