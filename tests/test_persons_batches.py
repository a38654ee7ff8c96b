"""Per-person exports read in batches: rows, duplicates and order hold across batch bounds."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from generator.common.errors import InvalidData
from generator.inputs import persons
from generator.inputs.folder import load_inputs

from .conftest import SHIPPED, to_cp1258

HEADER = (
    "Mã định danh",
    "Họ và tên",
    "Ngày sinh",
    "Đối tượng",
    "Đơn vị",
    "Cấp học",
    "Đơn vị quản lý",
    "Trạng thái xác thực",
)


def _row(number: int, unit: str = "THPT An Lão", level: str = "THPT", **changes) -> list:
    row = {
        "Mã định danh": f"0310{number:08d}",
        "Họ và tên": "Nguyễn Văn An",
        "Ngày sinh": "05/09/2008",
        "Đối tượng": "HS",
        "Đơn vị": unit,
        "Cấp học": level,
        "Đơn vị quản lý": "Sở GDĐT",
        "Trạng thái xác thực": "Đã xác thực",
    }
    row.update({HEADER[int(k[1:])]: v for k, v in changes.items()})
    return [row[h] for h in HEADER]


def _folder(tmp_path, rows: list[list], fmt: str = "csv", group: int = 4):
    folder = tmp_path / "xuat"
    folder.mkdir()
    (folder / "thong-bao.toml").write_bytes((SHIPPED / "thong-bao.toml").read_bytes())
    if fmt == "parquet":
        table = pa.table({h: [r[i] for r in rows] for i, h in enumerate(HEADER)})
        pq.write_table(table, folder / "ca-nhan.parquet", row_group_size=group)
    else:
        lines = [",".join(HEADER)] + [",".join(r) for r in rows]
        (folder / "ca-nhan.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _messages(folder) -> list[str]:
    with pytest.raises(InvalidData) as raised:
        load_inputs(folder)
    return [f"{p.location()}: {p.message}" for p in raised.value.problems]


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(persons, "BATCH_ROWS", 3)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_duplicate_in_a_later_batch_names_the_first_row(tmp_path, small_batches, fmt):
    rows = [_row(n) for n in range(10)]
    rows[8][0] = rows[1][0]
    messages = _messages(_folder(tmp_path, rows, fmt))
    assert messages == [
        f"ca-nhan.csv, dòng 10, cột «Mã định danh»: mã định danh {rows[1][0]} đã có ở dòng 3."
        if fmt == "csv"
        else f"ca-nhan.parquet, dòng 10, cột «Mã định danh»: mã định danh {rows[1][0]} đã có "
        "ở dòng 3."
    ]


def test_ids_equal_only_as_numbers_are_not_duplicates(tmp_path, small_batches):
    rows = [_row(n) for n in range(6)]
    rows[4][0] = rows[1][0].lstrip("0")  # 31000000001 and 031000000001: two people
    units = load_inputs(_folder(tmp_path, rows)).units
    assert units["hs_tong"].sum() == 6


def test_text_ids_repeated_across_batches_are_found(tmp_path, small_batches):
    rows = [_row(n, **{"c0": f"HS-{n}"}) for n in range(8)]
    rows[7][0] = "HS-2"
    rows[5][0] = ""
    assert _messages(_folder(tmp_path, rows)) == [
        "ca-nhan.csv, dòng 9, cột «Mã định danh»: mã định danh HS-2 đã có ở dòng 4.",
        "ca-nhan.csv, dòng 7, cột «Mã định danh»: thiếu mã định danh.",
    ]


def test_bad_rows_over_many_batches_are_listed_in_order_then_counted(tmp_path, small_batches):
    rows = [_row(n, level="PTTH" if n % 2 else "THPT") for n in range(30)]
    messages = _messages(_folder(tmp_path, rows))
    listed = [m for m in messages if "PTTH" in m]
    assert [m.split(",")[1] for m in listed] == [f" dòng {n + 2}" for n in range(1, 21, 2)]
    assert messages[-1] == "ca-nhan.csv, cột «Cấp học»: còn 5 dòng khác cùng lỗi này."


def test_units_come_in_order_of_first_appearance(tmp_path, small_batches):
    rows = [
        _row(0, unit="THPT B"),
        _row(1, unit="THPT A"),
        _row(2, unit="THPT B", level="THCS"),
        _row(3, unit="THPT A", **{"c3": "NS"}),
        _row(4, unit="THPT C", **{"c7": "Chưa xác thực"}),
        _row(5, unit="THPT A", level="THCS"),
    ]
    units = load_inputs(_folder(tmp_path, rows)).units
    assert units[["don_vi", "cap_hoc"]].values.tolist() == [
        ["THPT B", "THPT"],
        ["THPT B", "THCS"],
        ["THPT A", "THPT"],
        ["THPT A", "THCS"],
        ["THPT C", "THPT"],
    ]
    assert units[["hs_tong", "hs_chua", "ns_tong", "ns_chua"]].values.tolist() == [
        [1, 0, 0, 0],
        [1, 0, 0, 0],
        [1, 0, 1, 0],
        [1, 0, 0, 0],
        [1, 1, 0, 0],
    ]


def test_a_blank_unit_in_a_parquet_export_is_named(tmp_path):
    rows = [_row(n) for n in range(5)]
    rows[3][4] = None
    assert _messages(_folder(tmp_path, rows, "parquet")) == [
        "ca-nhan.parquet, dòng 5, cột «Đơn vị»: ô để trống."
    ]


def test_windows_1258_after_a_plain_start_is_still_read(tmp_path):
    """Only the start is checked as UTF-8 before reading; pyarrow finds the rest is not."""
    header = "Ma dinh danh,Ho va ten,Ngay sinh,Doi tuong,Don vi,Cap hoc,Don vi quan ly,Xac thuc"
    plain = [f"0310{n:08d},An,05/09/2008,HS,THPT An Lao,THPT,So GDDT,1" for n in range(3000)]
    accented = [f"0320{n:08d},An,05/09/2008,HS,THPT Bạch Đằng,THPT,Sở GDĐT,0" for n in range(9)]
    text = "\n".join([header, *plain, *accented]) + "\n"
    assert len(text.split("Bạch")[0].encode()) > 1 << 16  # past the start checked
    utf8 = _folder(tmp_path, [])
    (utf8 / "ca-nhan.csv").write_text(text, encoding="utf-8")
    expected = load_inputs(utf8).units
    (utf8 / "ca-nhan.csv").write_bytes(to_cp1258(text))
    units = load_inputs(utf8).units
    assert units.equals(expected)
    assert units["don_vi"].tolist() == ["THPT An Lao", "THPT Bạch Đằng"]


def test_too_many_distinct_units_is_a_message_not_a_crash(tmp_path, monkeypatch):
    from generator.inputs import tally

    monkeypatch.setattr(tally, "_BITS", {**tally._BITS, "don_vi": 2})
    rows = [_row(n, unit=f"THPT {n}") for n in range(6)]
    assert _messages(_folder(tmp_path, rows)) == [
        "ca-nhan.csv, cột «Đơn vị»: có hơn 4 giá trị khác nhau trong cột này."
    ]


def test_a_parquet_export_in_one_large_row_group_is_read_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(persons, "BATCH_ROWS", 3)
    seen = []
    real = persons.Tally.add
    monkeypatch.setattr(
        persons.Tally, "add", lambda self, b: seen.append(b.num_rows) or real(self, b)
    )
    rows = [_row(n) for n in range(10)]
    rows[9][0] = rows[2][0]
    rows[7][5] = "PTTH"
    assert _messages(_folder(tmp_path, rows, "parquet", group=10)) == [
        "ca-nhan.parquet, dòng 9, cột «Cấp học»: cấp học «PTTH» không hợp lệ.",
        f"ca-nhan.parquet, dòng 11, cột «Mã định danh»: mã định danh {rows[2][0]} đã có ở dòng 4.",
    ]
    assert seen == [3, 3, 3, 1]
