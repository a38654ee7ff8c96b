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


def test_a_large_csv_read_by_pyarrow_gives_the_careful_reader_s_rows(tmp_path, monkeypatch):
    import generator.inputs.reading as reading
    from generator.inputs.headers import find_header

    lines = [
        "BẢNG SỐ LIỆU,,,,,,",
        "",
        "Tên đơn vị,Cấp học,Đơn vị quản lý,Tổng số học sinh,Học sinh chưa đồng bộ,"
        "Tổng số nhân sự,Nhân sự chưa đồng bộ",
    ]
    for number in range(3000):
        lines.append(f'"Trường, số {number}",TH,Phòng GDĐT X,"1.204",{number % 5},  20 ,1')
        if number % 1000 == 0:
            lines.append(",,,,,,")  # a blank row as Excel saves it
    path = tmp_path / "don-vi.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    def read():
        grid = reading.read_grids(path)[0]
        return reading.table_from(grid, find_header(grid.rows, grid.file, None))

    monkeypatch.setattr(reading, "_HEAD_CHARS", 100)
    fast = read()
    monkeypatch.setattr(reading, "_HEAD_CHARS", 1 << 40)
    careful = read()
    assert fast.frame.equals(careful.frame)
    assert fast.rows == careful.rows
    assert fast.rows[:3] == (4, 6, 7)
    assert fast.frame.iloc[0].tolist()[:4] == ["Trường, số 0", "TH", "Phòng GDĐT X", "1.204"]
