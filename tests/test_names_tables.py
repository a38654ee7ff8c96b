"""One slug for every file name, one writer for every .xlsx and .csv: tested on every writer."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook

from generator.common.names import MAX_LENGTH, slug, unique_slugs
from generator.common.tables import csv_bytes, read_csv
from generator.forms.collect import Collected, FormProblem, UnitStatus
from generator.forms.report_xlsx import report_workbook

FORMULAS = ['=HYPERLINK("http://x","bấm")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trường THPT Lê Quý Đôn", "truong-thpt-le-quy-don"),
        ("Đà Nẵng", "da-nang"),
        ("con", "con-0"),
        ("AUX", "aux-0"),
        ("com1", "com1-0"),
        ("LPT9.", "lpt9-0"),
        ("Trường X. ", "truong-x"),
        ("Tên\x07có\x0cđiều khiển", "ten-co-dieu-khien"),
        ("...", "don-vi"),
        ("", "don-vi"),
    ],
)
def test_slug(text, expected):
    assert slug(text) == expected


def test_a_long_name_is_cut_without_a_trailing_dash():
    name = slug("Trường " + "rất dài " * 60)
    assert len(name) <= MAX_LENGTH and not name.endswith("-")


def test_names_that_collide_get_suffixes_whatever_the_order():
    names = ["Trường X", "Trường X.", "trường x", "a-b", "A B", "a b-2"]
    first = unique_slugs(names)
    assert first == unique_slugs(list(reversed(names)))
    assert len(set(first.values())) == len(names)
    assert first["Trường X"] == "truong-x" and {first["a-b"], first["A B"]} == {"a-b", "a-b-2"}
    assert {first["Trường X."], first["trường x"]} == {"truong-x-2", "truong-x-3"}


def test_csv_neutralises_formulas_and_reads_them_back():
    data = csv_bytes(["Đơn vị", "Số"], [[text, -5] for text in FORMULAS])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert all(row[0].startswith("'") for row in rows[1:]) and rows[1][1] == "-5"
    path_rows = [{"Đơn vị": t, "Số": "-5"} for t in FORMULAS]
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.csv"
        path.write_bytes(data)
        assert read_csv(path) == path_rows


def _cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]


def test_the_consolidated_workbook_keeps_text_as_text_and_the_same_bytes():
    result = Collected("Thông báo", date(2023, 7, 4))
    for number, name in enumerate(FORMULAS):
        unit = UnitStatus("=Phòng()", name, f"m{number}", 2, files=[f"{name}.xlsx"])
        unit.problems.append(FormProblem("=Phòng()", name, f"{name}.xlsx", 8, "«Lý do»", name))
        result.units.append(unit)
        result.tally[("=Phòng()", name, "THPT", "Khác")] = 1
    result.tally = Counter(result.tally)
    data = report_workbook(result)
    assert data == report_workbook(result)
    texts = [
        c
        for c in _cells(data)
        if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
    ]
    assert len(texts) == 2 * 5 * 3 and all(c.data_type == "s" for c in texts)
