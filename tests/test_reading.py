"""Reading the unit table: the shipped CSV and the same table saved by Excel."""

from __future__ import annotations

import pandas as pd

from generator.inputs.folder import load_inputs
from generator.inputs.validation import parse_count


def test_the_same_table_as_xlsx_gives_the_same_rows(data_copy, shipped_inputs):
    csv_path = data_copy / "don-vi.csv"
    table = pd.read_csv(csv_path, encoding="utf-8-sig")  # numbers become numeric cells
    table.to_excel(data_copy / "don-vi.xlsx", index=False, sheet_name="Số liệu")
    csv_path.unlink()
    units = load_inputs(data_copy).units
    pd.testing.assert_frame_equal(units, shipped_inputs.units)


def test_counts_typed_the_ways_clerks_type_them():
    assert parse_count("1204") == (1204, None)
    assert parse_count("1.204") == (1204, None)
    assert parse_count("1,204") == (1204, None)
    assert parse_count("1 204") == (1204, None)
    assert parse_count("121.149") == (121149, None)
    assert parse_count("1.250.000") == (1250000, None)
    assert parse_count("1204.0") == (1204, None)
    for bad in ("12,5", "1.20", "abc", "1.204,5", "1,204.000"):
        value, reason = parse_count(bad)
        assert value is None and "không phải số nguyên" in reason, bad
    assert parse_count("-3") == (None, "số âm (-3).")
    assert parse_count("") == (None, "ô để trống.")
