"""Server time of each page of ``vanban web`` beside the library work the page stands on.

    PYTHONPATH=. python benchmarks/web_pages.py [rounds]

The app is called in-process (Starlette's TestClient: no network, no browser), on a copy of the
shipped data with two built versions. Each line prints the page's first answer (nothing
remembered yet), its median afterwards (the check of an unchanged folder and the comparison of
frozen versions are remembered) and, as the baseline doing equal work in the same run, the
median of the library calls the page stands on. The target
is 300 ms per page except build and conversion (printed apart: build, first page picture).
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from generator.archive.build import build
from generator.archive.diff import diff
from generator.archive.history import history
from generator.archive.versions import load_version
from generator.figures.checkup import check_folder
from generator.web.app import create_app
from generator.web.periods import list_periods
from generator.web.seams import page_pictures

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2023-06-23"
TARGET_MS = 300


def _median_ms(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(rounds: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="vanban-bench-web-"))
    data, output = work / "data", work / "output"
    shutil.copytree(ROOT / "data" / PERIOD, data / PERIOD)
    folder = data / PERIOD
    client = TestClient(create_app(data, output, login=False))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)

    start = time.perf_counter()
    assert client.post(
        f"/ky/{PERIOD}/tao", data={"csrf": token}, follow_redirects=False
    ).is_redirect
    build_ms = (time.perf_counter() - start) * 1000
    (folder / "don-vi.csv").write_text(
        (folder / "don-vi.csv").read_text(encoding="utf-8-sig").replace(",2204,2,", ",2204,3,"),
        encoding="utf-8",
    )
    build(folder, output)
    version = output / PERIOD / "v002"
    start = time.perf_counter()
    page_pictures(load_version(output / PERIOD / "v001"))  # starts the converter
    cold_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    page_pictures(load_version(version))
    picture_ms = (time.perf_counter() - start) * 1000

    pages = [
        ("Các kỳ /", "/", lambda: list_periods(data, output)),
        (
            "Kỳ (kiểm tra số liệu)",
            f"/ky/{PERIOD}",
            lambda: (check_folder(folder), history(folder, output)),
        ),
        ("Thông tin văn bản", f"/ky/{PERIOD}/thong-tin", lambda: None),
        ("Phiên bản v002", f"/ky/{PERIOD}/v002", lambda: history(folder, output)),
        (
            "Các trang (đã vẽ)",
            f"/ky/{PERIOD}/v002/trang",
            lambda: page_pictures(load_version(version)),
        ),
        (
            "So sánh v001 → v002",
            f"/so-sanh?a={PERIOD}/v001&b={PERIOD}/v002",
            lambda: diff(output / PERIOD / "v001", version),
        ),
        ("Mẫu báo cáo (chưa làm)", f"/ky/{PERIOD}/mau-bao-cao", lambda: None),
        ("Nhật ký", "/nhat-ky", lambda: None),
    ]
    print(f"{'Trang':<30}{'lần đầu (ms)':>14}{'lần sau (ms)':>14}{'thư viện (ms)':>15}  mục tiêu")
    for label, url, baseline in pages:
        first = time.perf_counter()
        assert client.get(url).status_code == 200, url
        first_ms = (time.perf_counter() - first) * 1000
        page_ms = _median_ms(lambda url=url: client.get(url), rounds)
        base_ms = _median_ms(baseline, rounds)
        verdict = "đạt" if page_ms < TARGET_MS else "CHƯA ĐẠT"
        print(f"{label:<30}{first_ms:>14.1f}{page_ms:>14.1f}{base_ms:>15.1f}  {verdict}")
    print(f"Tạo dự thảo (build, ngoài mục tiêu 300 ms): {build_ms:.0f} ms")
    print(f"Ảnh các trang, phiên bản đầu (khởi động bộ chuyển đổi): {cold_ms:.0f} ms")
    print(f"Ảnh các trang của phiên bản mới (chuyển đổi đã chạy sẵn, ≤ 3 s): {picture_ms:.0f} ms")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
