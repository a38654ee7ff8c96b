"""Filling .docx forms: compile the template once and render many, against plain docxtpl.

Usage: python benchmarks/forms_docx.py [UNITS] [NAIVE_SAMPLE]   (defaults 1500 and 150)

(c) forms for UNITS units: vanban's CompiledTemplate vs a new DocxTemplate per unit
    (the naive loop runs on NAIVE_SAMPLE units; rates are compared). Goal ≥ 10×.
    Equal work: both give the same XML in every part (tests/test_fastdocx.py proves it),
    both render with the same sandboxed, autoescaping environment and write a whole .docx.
(d) one document with a 10,000-row table: the same two ways. Goal ≥ 4×.
"""

from __future__ import annotations

import datetime
import io
import sys
import time

from docxtpl import DocxTemplate

from generator.documents.fastdocx import CompiledTemplate
from generator.documents.render import make_environment
from generator.forms.making import FORM_TEMPLATE, REASONS, form_context
from generator.inputs.synth import FAMILY, GIVEN, MIDDLE
from generator.kinds.templates import shipped

HEADER = {
    "co_quan": "Sở Giáo dục và Đào tạo",
    "thong_bao": "Thông báo số 12/TB-SGDĐT ngày 26/6/2023",
    "thoi_diem": "11h30 ngày 23/6/2023",
    "han": "17h00 ngày 04/7/2023",
    "he_thong": "qlvb.hpnet.vn",
    "dia_danh": "Hải Phòng",
    "nam": 2023,
    "han_ngay": datetime.date(2023, 7, 4),
}


def _people(count: int, seed: int) -> list[dict]:
    return [
        {
            "stt": i + 1,
            "ten": f"{FAMILY[(seed + i) % len(FAMILY)]} {MIDDLE[i % len(MIDDLE)]} "
            f"{GIVEN[(seed * 7 + i) % len(GIVEN)]}",
            "ngay_sinh": f"{1 + i % 28:02d}/{1 + i % 12:02d}/2008",
            "ma": f"031******{seed % 1000:03d}",
            "cap": "THPT",
            "loai": "HS",
            "ma_dong": f"{seed:08x}{i:08x}",
        }
        for i in range(count)
    ]


def _contexts(units: int) -> list[dict]:
    return [
        form_context("Sở GDĐT", f"Trường số {n}", f"{n:016x}", _people(3 + n % 9, n), HEADER)
        for n in range(units)
    ]


def _naive(path, context) -> bytes:
    document = DocxTemplate(path)
    document.render(context, make_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _timed(label: str, function, items) -> float:
    start = time.perf_counter()
    for item in items:
        function(item)
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {len(items):>5} lần  {seconds:7.2f} s  {len(items) / seconds:8.1f} /s")
    return len(items) / seconds


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    path = shipped(FORM_TEMPLATE)
    contexts = _contexts(units)
    print(f"(c) mẫu báo cáo .docx cho {units} đơn vị (lý do: {len(REASONS)} loại)")
    start = time.perf_counter()
    compiled = CompiledTemplate(path)
    print(f"  biên dịch mẫu một lần: {time.perf_counter() - start:.3f} s")
    fast = _timed("vanban (biên dịch một lần, điền nhiều lần)", compiled.render, contexts)
    naive = _timed(
        "docxtpl thường (DocxTemplate mới mỗi đơn vị)", lambda c: _naive(path, c), contexts[:sample]
    )
    verdict = "ĐẠT" if fast / naive >= 10 else "CHƯA ĐẠT"
    print(f"  nhanh hơn {fast / naive:.1f} lần; mục tiêu ≥ 10: {verdict}")

    big = form_context("Sở GDĐT", "Trường lớn", "0" * 16, _people(10_000, 1), HEADER)
    print("(d) một văn bản có bảng 10.000 dòng")
    fast_big = _timed("vanban", compiled.render, [big])
    naive_big = _timed("docxtpl thường", lambda c: _naive(path, c), [big])
    ratio = fast_big / naive_big
    print(f"  nhanh hơn {ratio:.1f} lần; mục tiêu ≥ 4: {'ĐẠT' if ratio >= 4 else 'CHƯA ĐẠT'}")


if __name__ == "__main__":
    main()
