"""Reading the unit table: the shipped CSV and the same table saved by Excel."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.inputs.folder import load_inputs
from generator.inputs.validation import parse_count

from .conftest import to_cp1258


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


@pytest.mark.parametrize("form", ["utf-8-sig", "nfd", "cp1258"])
def test_a_large_csv_in_any_character_set_gives_the_careful_reader_s_rows(
    form, tmp_path, monkeypatch
):
    """The body of a large UTF-8 file in NFC is parsed from its bytes, never decoded whole;
    other character sets and text to normalise take the careful way to the same rows."""
    import unicodedata

    import generator.inputs.reading as reading
    from generator.inputs.headers import find_header

    lines = [
        "Tên đơn vị;Cấp học;Đơn vị quản lý;Tổng số học sinh;Học sinh chưa đồng bộ;"
        "Tổng số nhân sự;Nhân sự chưa đồng bộ"
    ]
    lines += [
        f"  Trường Tiểu học Lê Lợi {n} ;TH;Phòng GDĐT Hồng Bàng;120;{n % 7};12;1"
        for n in range(900)
    ]
    text = "\r\n".join(lines) + "\r\n"
    data = {
        "utf-8-sig": text.encode("utf-8-sig"),
        "nfd": unicodedata.normalize("NFD", text).encode("utf-8"),
        "cp1258": to_cp1258(text),
    }[form]
    path = tmp_path / "don-vi.csv"
    path.write_bytes(data)

    def read():
        grid = reading.read_grids(path)[0]
        return reading.table_from(grid, find_header(grid.rows, grid.file, None)), grid.encoding

    monkeypatch.setattr(reading, "_HEAD_CHARS", 1000)
    (fast, encoding), fast_bytes = read(), reading.read_grids(path)[0].data
    monkeypatch.setattr(reading, "_HEAD_CHARS", 1 << 40)
    careful, careful_encoding = read()
    assert fast_bytes is not None  # the body was left to pyarrow in every form
    assert fast.frame.equals(careful.frame) and fast.rows == careful.rows
    assert encoding == careful_encoding
    assert fast.frame["don_vi"][899] == "Trường Tiểu học Lê Lợi 899"  # trimmed, NFC
    assert fast.frame["don_vi_quan_ly"][0] == unicodedata.normalize("NFC", "Phòng GDĐT Hồng Bàng")


def test_the_checked_units_are_arrow_strings_aligned_with_their_counts(tmp_path):
    """A total row left out: names and counts still line up; text is Arrow-backed (a
    country's million rows as Python objects would take several hundred MB)."""
    from generator.inputs.reading import read_table
    from generator.inputs.validation import validate_units

    path = tmp_path / "don-vi.csv"
    path.write_text(
        "Tên đơn vị,Cấp học,Đơn vị quản lý,Tổng số học sinh,Học sinh chưa đồng bộ,"
        "Tổng số nhân sự,Nhân sự chưa đồng bộ\n"
        "Tổng số,,,30,3,6,0\nTrường A,TH,Phòng GDĐT X,10,1,2,0\nTrường B,thcs,Sở GDĐT,20,2,4,0\n",
        encoding="utf-8",
    )
    units = validate_units(read_table(path), ["TH", "THCS"]).units
    assert [str(units[name].dtype) for name in ("don_vi", "cap_hoc", "don_vi_quan_ly")] == [
        "str"
    ] * 3
    assert units.to_dict("records") == [
        {"don_vi": "Trường A", "cap_hoc": "TH", "don_vi_quan_ly": "Phòng GDĐT X",
         "hs_tong": 10, "hs_chua": 1, "ns_tong": 2, "ns_chua": 0},
        {"don_vi": "Trường B", "cap_hoc": "THCS", "don_vi_quan_ly": "Sở GDĐT",
         "hs_tong": 20, "hs_chua": 2, "ns_tong": 4, "ns_chua": 0},
    ]  # fmt: skip


def test_a_unit_repeated_in_its_level_however_the_level_is_spelt(tmp_path):
    from generator.common.errors import InvalidData
    from generator.inputs.reading import read_table
    from generator.inputs.validation import validate_units

    path = tmp_path / "don-vi.csv"
    path.write_text(
        "Tên đơn vị,Cấp học,Đơn vị quản lý,Tổng số học sinh,Học sinh chưa đồng bộ,"
        "Tổng số nhân sự,Nhân sự chưa đồng bộ\n"
        "Trường A,TH,X,1,0,1,0\nTrường A,THCS,X,1,0,1,0\nTrường B,THCS,X,1,0,1,0\n"
        "Trường A,thcs,X,1,0,1,0\nTrường B,TH,X,1,0,1,0\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidData) as error:
        validate_units(read_table(path), ["TH", "THCS"])
    assert [str(p) for p in error.value.problems] == [
        "don-vi.csv, dòng 5, cột «Tên đơn vị»: đơn vị «Trường A», cấp THCS đã có ở "
        "dòng 3. Cách sửa: gộp hai dòng làm một, hoặc xoá dòng thừa."
    ]
