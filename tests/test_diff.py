"""`vanban diff` read by a clerk: every rename, addition, removal and change exactly once."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from generator.archive.diff import diff
from generator.cli.main import cli

from .conftest import SHIPPED


def _period(data_copy: Path) -> Path:
    path = data_copy / "don-vi.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    edits = {
        "PT Lý Thái Tổ": "THPT Lý Thái Tổ,THPT,Sở GDĐT,520,0,47,10",  # renamed, +7 pupils
        "THPT An Lão": "THPT An Lão,THPT,Sở GDĐT,3024,1,80,0",  # +1.500 pupils
        "THPT Cát Hải": "THPT Cát Hải,THPT,Sở GDĐT,389,0,16,1",  # −16 staff
    }
    kept = [edits.get(line.split(",")[0], line) for line in lines]
    kept = [line for line in kept if not line.startswith("THPT Tân Trào,")]
    kept.append('=HYPERLINK("http://x"),THPT,Sở GDĐT,100,1,10,0')  # added; a name, not code
    path.write_text("\n".join(kept) + "\n", encoding="utf-8-sig")
    return data_copy


def test_rename_addition_removal_and_changes_each_appear_once(data_copy, tmp_path):
    after = _period(data_copy)
    result = diff(SHIPPED, after)
    assert [(r.before, r.after) for r in result.renamed] == [("PT Lý Thái Tổ", "THPT Lý Thái Tổ")]
    assert [c.column for c in result.renamed[0].changes] == ["hs_tong"]
    assert [r.unit for r in result.added_rows] == ['=HYPERLINK("http://x")']
    assert [r.unit for r in result.removed_rows] == ["THPT Tân Trào"]
    assert result.removed_rows[0].counts.hs_tong == 400
    assert sorted((c.unit, c.column, c.difference) for c in result.changes) == [
        ("THPT An Lão", "hs_tong", 1500),
        ("THPT Cát Hải", "ns_tong", -16),
    ]

    xlsx = tmp_path / "so-sanh.xlsx"
    shown = CliRunner().invoke(cli, ["diff", str(SHIPPED), str(after), "--xlsx", str(xlsx)])
    assert shown.exit_code == 0, shown.output
    out = shown.output
    assert out.index("Số liệu trong thân văn bản") < out.index("Sở GDĐT")  # headline first
    assert len([line for line in out.splitlines() if "Lý Thái Tổ" in line]) == 1
    assert (
        "Đổi tên: PT Lý Thái Tổ → THPT Lý Thái Tổ (cấp THPT): Tổng số học sinh 513 → 520 (+7)"
        in (out)
    )
    assert out.count("Tân Trào") == 1
    assert "Bớt: THPT Tân Trào (cấp THPT): HS 400 (chưa đồng bộ 0), NS 30" in out
    assert out.count("HYPERLINK") == 1
    assert 'Thêm: =HYPERLINK("http://x") (cấp THPT): HS 100 (chưa đồng bộ 1)' in out
    assert "+1.500" in out and "−16" in out
    assert "-16" not in out and "+1500" not in out
    assert out.count("THPT An Lão") == 1 and out.count("THPT Cát Hải") == 1

    book = load_workbook(xlsx)
    assert book.sheetnames == ["Tổng", "Theo đơn vị quản lý", "Đổi tên", "Thêm", "Bớt", "Thay đổi"]
    cells = [[c.value for c in row] for row in book["Thay đổi"].iter_rows(min_row=2)]
    assert sorted(row[-1] for row in cells) == ["+1.500", "−16"]
    added = book["Thêm"]["B2"]
    assert added.value == '=HYPERLINK("http://x")' and added.data_type == "s"
    assert book["Đổi tên"]["C2"].value == "PT Lý Thái Tổ"
    assert book["Bớt"].max_row == 2


def test_the_diff_workbook_is_byte_identical_across_runs(data_copy, tmp_path):
    after = _period(data_copy)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for target in (first, second):
        result = CliRunner().invoke(cli, ["diff", str(SHIPPED), str(after), "--xlsx", str(target)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()


def test_a_unit_moved_far_in_figures_is_not_taken_for_a_rename(data_copy):
    path = data_copy / "don-vi.csv"
    text = path.read_text(encoding="utf-8-sig")
    text = text.replace(
        "PT Lý Thái Tổ,THPT,Sở GDĐT,513,0,47,10", "THPT Lý Thái Tổ,THPT,Sở GDĐT,2513,0,147,10"
    )
    path.write_text(text, encoding="utf-8-sig")
    result = diff(SHIPPED, data_copy)
    assert result.renamed == ()
    assert [r.unit for r in result.added_rows] == ["THPT Lý Thái Tổ"]
    assert [r.unit for r in result.removed_rows] == ["PT Lý Thái Tổ"]
