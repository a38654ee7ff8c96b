"""Per-person exports: the synthetic generator, counting, checks, and privacy."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner

from generator.archive.build import build
from generator.cli.main import cli
from generator.inputs.folder import load_inputs
from generator.inputs.synth import PLAN_FILE, write_synthetic

from .conftest import SHIPPED

KEY = ["don_vi", "cap_hoc", "don_vi_quan_ly"]


@pytest.fixture(scope="module", params=["csv", "parquet"])
def synthetic(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth") / "tong-hop"
    write_synthetic(folder, SHIPPED, scale=0.02, seed=11, fmt=request.param)
    return folder


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(KEY).reset_index(drop=True)[
        KEY + ["hs_tong", "hs_chua", "ns_tong", "ns_chua"]
    ]


def test_counting_the_export_gives_exactly_the_planned_counts(synthetic):
    planned = pd.read_csv(synthetic / PLAN_FILE, encoding="utf-8-sig")
    counted = load_inputs(synthetic).units
    assert len(planned) > 1300  # about 1,400 units at Hải Phòng scale
    assert planned["don_vi_quan_ly"].nunique() >= 15
    pd.testing.assert_frame_equal(_sorted(counted), _sorted(planned), check_dtype=False)


def test_the_whole_city_at_scale_one_is_the_2023_table():
    planned = load_inputs(SHIPPED).units
    from generator.inputs.synth import plan

    city = plan(planned, 1.0, 2023)
    for name in ("hs_tong", "hs_chua", "ns_tong", "ns_chua"):
        assert city[name].sum() == planned[name].sum()


def test_the_same_seed_gives_the_same_export(tmp_path):
    for name in ("a", "b"):
        write_synthetic(tmp_path / name, SHIPPED, scale=0.005, seed=3, fmt="csv")
    assert (tmp_path / "a" / "ca-nhan.csv").read_bytes() == (
        tmp_path / "b" / "ca-nhan.csv"
    ).read_bytes()


def test_the_notice_holds_no_person_level_data(synthetic, tmp_path):
    people = (
        pd.read_csv(synthetic / "ca-nhan.csv", encoding="utf-8-sig", dtype=str)
        if (synthetic / "ca-nhan.csv").exists()
        else pd.read_parquet(synthetic / "ca-nhan.parquet")
    )
    result = build(synthetic, tmp_path / "out")
    with zipfile.ZipFile(result.output) as document:
        text = "".join(
            document.read(n).decode("utf-8") for n in document.namelist() if n.endswith(".xml")
        )
    for name in people["Họ và tên"].drop_duplicates().head(200):
        assert f">{name}<" not in text and f"{name}</w:t>" not in text
    for identifier in people["Mã định danh"].head(500):
        assert identifier not in text
    dates = people["Ngày sinh"].head(200)
    assert not any(date in text for date in dates)


def _export(tmp_path, rows: list[str]):
    folder = tmp_path / "xuat"
    folder.mkdir()
    (folder / "thong-bao.toml").write_bytes((SHIPPED / "thong-bao.toml").read_bytes())
    header = (
        "Mã định danh,Họ và tên,Ngày sinh,Đối tượng,Đơn vị,Cấp học,Đơn vị quản lý,"
        "Trạng thái xác thực"
    )
    (folder / "ca-nhan.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return folder


def test_bad_person_rows_are_each_named(tmp_path):
    folder = _export(
        tmp_path,
        [
            "031000000001,Nguyễn Văn An,05/09/2008,HS,THPT An Lão,THPT,Sở GDĐT,Đã xác thực",
            "031000000001,Trần Thị Bình,31/02/2008,HS,THPT An Lão,THPT,Sở GDĐT,Chưa xác thực",
            "031000000003,Lê Văn Cường,12/10/2007,HS,THPT An Lão,PTTH,Sở GDĐT,Đã xác thực",
            "031000000004,Phạm Thị Dung,12/10/1980,GV,THPT An Lão,THPT,Sở GDĐT,Đã xác thực",
            "031000000005,Vũ Văn Em,12/10/2007,HS,THPT An Lão,THPT,Sở GDĐT,chưa rõ",
        ],
    )
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    message = result.stderr
    assert "ca-nhan.csv, dòng 3, cột «Mã định danh»: mã định danh 031000000001 đã có ở dòng 2." in (
        message
    )
    assert "ca-nhan.csv, dòng 3, cột «Ngày sinh»: ngày sinh «31/02/2008» không đúng." in message
    assert "ca-nhan.csv, dòng 4, cột «Cấp học»: cấp học «PTTH» không hợp lệ." in message
    assert "ca-nhan.csv, dòng 5, cột «Đối tượng»: đối tượng «GV» không rõ." in message
    assert "ca-nhan.csv, dòng 6, cột «Trạng thái xác thực»: trạng thái «chưa rõ» không rõ." in (
        message
    )
    assert not (tmp_path / "out").exists()


def test_many_bad_rows_are_summed_up(tmp_path):
    rows = [
        f"03100000{i:04d},Nguyễn Văn An,05/09/2008,HS,THPT An Lão,PTTH,Sở GDĐT,Đã xác thực"
        for i in range(25)
    ]
    result = CliRunner().invoke(cli, ["validate", str(_export(tmp_path, rows))])
    assert result.exit_code == 1
    assert result.stderr.count("cấp học «PTTH» không hợp lệ") == 10
    assert "còn 15 dòng khác cùng lỗi này." in result.stderr


def test_a_missing_column_in_the_export(tmp_path):
    folder = _export(tmp_path, [])
    text = (folder / "ca-nhan.csv").read_text(encoding="utf-8").replace(",Trạng thái xác thực", "")
    (folder / "ca-nhan.csv").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "ca-nhan.csv, dòng 1, cột «Trạng thái xác thực»: thiếu cột bắt buộc." in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_large_export_written_in_chunks_still_adds_up(tmp_path, monkeypatch, fmt):
    from generator.inputs import synth

    real = synth._chunks
    monkeypatch.setattr(synth, "_chunks", lambda table: real(table, people=3_000))
    folder = tmp_path / "lon"
    write_synthetic(folder, SHIPPED, scale=0.02, seed=4, fmt=fmt)
    planned = pd.read_csv(folder / PLAN_FILE, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(
        _sorted(load_inputs(folder).units), _sorted(planned), check_dtype=False
    )
