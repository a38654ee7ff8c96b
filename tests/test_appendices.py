"""Appendix declarations honoured completely: any order, any subset, filters, sorting,
1 to 5 levels in a per-level table; the sector total stays the whole table's.

Each built document is opened with python-docx and its figures compared with sums
computed here straight from the CSV rows, as a reader with a calculator would.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from generator.archive.build import build
from generator.archive.diff import diff
from generator.archive.history import history
from generator.cli.main import cli

from .conftest import SHIPPED

LEVELS = {"MN": "Mầm non", "TH": "Tiểu học", "THCS": "THCS", "THPT": "THPT", "GDTX": "GDTX"}
COUNTS = ("hs_tong", "hs_chua", "ns_tong", "ns_chua")
HEADERS = {
    "Tên đơn vị": "don_vi",
    "Cấp học": "cap_hoc",
    "Đơn vị quản lý": "don_vi_quan_ly",
    "Tổng số học sinh": "hs_tong",
    "Học sinh chưa đồng bộ": "hs_chua",
    "Tổng số nhân sự": "ns_tong",
    "Nhân sự chưa đồng bộ": "ns_chua",
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --- writing declarations and reading the table, independently of vanban ----------------------


def _value(value) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    return str(value)


def appendix(code: str, levels: list[str], rows: str, layout: str = "gop", **extra) -> dict:
    block = {
        "ma": code,
        "tieu_de": f"THỐNG KÊ {code.upper()}",
        "cap_hoc": levels,
        "hang": rows,
        "bo_cuc": layout,
        "cot_ten": "Đơn vị",
        "nhom_hs": "HỌC SINH",
    }
    return {**block, **extra}


def declarations(*blocks: dict, levels: dict[str, str] = LEVELS) -> str:
    lines = ["[ten_cap_hoc]", *(f"{k} = {_value(v)}" for k, v in levels.items())]
    for block in blocks:
        lines += ["", "[[phu_luc]]", *(f"{k} = {_value(v)}" for k, v in block.items())]
    return "\n".join(lines) + "\n"


SECTOR = appendix("toan_nganh", list(LEVELS), "cap_hoc", cot_ten="Cấp học")
THPT = appendix("thpt", ["THPT"], "don_vi")
GDTX = appendix("gdtx", ["GDTX"], "don_vi", nhom_hs="HỌC VIÊN")
OFFICES = appendix(
    "phong",
    ["MN", "TH", "THCS"],
    "don_vi_quan_ly",
    "theo_cap",
    hang_dau={"don_vi_quan_ly": "Sở GDĐT", "nhan": "Trực thuộc Sở"},
    bo_tien_to="Phòng GDĐT ",
)


def folder_with(tmp_path: Path, text: str, name: str = "2023-06-23") -> Path:
    target = tmp_path / name
    shutil.copytree(SHIPPED, target)
    (target / "doi-chieu.toml").unlink()  # its appendix numbers follow the shipped order
    (target / "phu-luc.toml").write_text(text, encoding="utf-8")
    return target


def table_rows(folder: Path) -> list[dict]:
    with open(folder / "don-vi.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {HEADERS[k]: (int(v) if HEADERS[k] in COUNTS else v) for k, v in row.items()}
        for row in rows
    ]


def sums(rows: list[dict]) -> dict[str, int]:
    return {name: sum(row[name] for row in rows) for name in COUNTS}


def rate(part: int, whole: int) -> str:
    if not whole:
        return "0,00"
    value = (Decimal(part) * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}".replace(".", ",")


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


# --- reading the document as a reader does ------------------------------------------------------


def appendix_tables(path: Path) -> dict[str, list[list[str]]]:
    """ "Phụ lục II" → the rows of the table under that heading (cell texts, merged once)."""
    document = docx.Document(str(path))
    found, current = {}, None
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            text = "".join(t.text or "" for t in element.iter(f"{W}t")).strip()
            if text.startswith("Phụ lục ") and len(text.split()) == 3:
                current = text.split()[-1]
        elif element.tag == f"{W}tbl" and current:
            table = docx.table.Table(element, document)
            found[current] = [_cells(row) for row in table.rows]
            current = None
    return found


def _cells(row) -> list[str]:
    texts = []
    for cell in row._tr.iterchildren(f"{W}tc"):
        texts.append("".join(t.text or "" for t in cell.iter(f"{W}t")).strip())
    return texts


def body_text(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def data_rows(table: list[list[str]]) -> list[list[str]]:
    """The rows between the two header rows and the total row."""
    return table[2:-1]


def headline(total: dict[str, int]) -> str:
    return (
        f"vẫn còn {number(total['hs_chua'])} học sinh, học viên và "
        f"{number(total['ns_chua'])} cán bộ, giáo viên, nhân viên"
    )


def check_sector_everywhere(result, folder: Path, tmp_path: Path) -> None:
    """Body, manifest, history and diff all give the whole table's totals."""
    total = sums(table_rows(folder))
    assert headline(total) in body_text(result.output)
    assert result.version.manifest["so_lieu"] == total
    assert result.totals.as_dict() == total
    assert history(folder, result.version.path.parent.parent)[0]["so_lieu"] == total
    compared = diff(SHIPPED, folder)
    assert compared.totals_after.as_dict() == total
    assert compared.totals_before.as_dict() == sums(table_rows(SHIPPED))


def combined_row(rows: list[dict], label: str, stt: str) -> list[str]:
    total = sums(rows)
    return [
        stt,
        label,
        number(total["hs_tong"]),
        number(total["hs_chua"]),
        rate(total["hs_chua"], total["hs_tong"]),
        number(total["ns_tong"]),
        number(total["ns_chua"]),
        rate(total["ns_chua"], total["ns_tong"]),
    ]


def edited(folder: Path, unit: str, level: str, column: str, value: int) -> None:
    """Change one figure of the table (so that ``diff`` has something to show)."""
    path = folder / "don-vi.csv"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    position = list(HEADERS.values()).index(column)
    hits = [row for row in rows[1:] if row[0] == unit and row[1] == level]
    assert len(hits) == 1
    hits[0][position] = str(value)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


# --- order, removal ---------------------------------------------------------------------------


def test_reordered_appendices_keep_the_sector_total_in_body_manifest_history_and_diff(tmp_path):
    folder = folder_with(tmp_path, declarations(OFFICES, GDTX, THPT, SECTOR))
    edited(folder, "THPT An Dương", "THPT", "hs_chua", 9)
    result = build(folder, tmp_path / "out")
    check_sector_everywhere(result, folder, tmp_path)
    rows = table_rows(folder)
    tables = appendix_tables(result.output)
    assert list(tables) == ["I", "II", "III", "IV"]
    assert tables["IV"][-1] == ["Tổng số", *combined_row(rows, "", "")[2:]]
    thpt = [row for row in rows if row["cap_hoc"] == "THPT"]
    assert tables["III"][-1] == ["Tổng số", *combined_row(thpt, "", "")[2:]]
    assert [row[1] for row in data_rows(tables["III"])] == [row["don_vi"] for row in thpt]
    text = body_text(result.output)
    assert "Từ số liệu tại Phụ lục II, Phụ lục III và Phụ lục IV:" in text
    assert "Trên cơ sở số liệu tại Phụ lục I và Phụ lục IV:" in text
    assert "các Phụ lục I, II, III, IV kèm theo" in text


@pytest.mark.parametrize(
    "kept",
    [(THPT, GDTX), (OFFICES,), (GDTX, SECTOR), (THPT,)],
    ids=["without-sector-and-offices", "offices-only", "gdtx-and-sector", "thpt-only"],
)
def test_removing_appendices_keeps_the_body_right(tmp_path, kept):
    folder = folder_with(tmp_path, declarations(*kept))
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    total = sums(table_rows(folder))
    assert f"Học sinh, học viên chưa đồng bộ: {number(total['hs_chua'])} /" in result.output
    built = build(folder, tmp_path / "out")  # the same inputs: the version just made
    assert not built.created
    check_sector_everywhere(built, folder, tmp_path)
    numbers = ["I", "II", "III", "IV"][: len(kept)]
    assert list(appendix_tables(built.output)) == numbers
    text = body_text(built.output)
    assert f"các Phụ lục {', '.join(numbers)} kèm theo" in text
    for lead, levels in (
        ("Từ số liệu tại", {"THPT", "GDTX"}),
        ("Trên cơ sở số liệu tại", {"MN", "TH", "THCS"}),
    ):
        cited = [
            n for n, block in zip(numbers, kept, strict=True) if levels & set(block["cap_hoc"])
        ]
        if not cited:
            assert f"{lead} các phụ lục kèm theo:" in text
        else:
            listed = [f"Phụ lục {n}" for n in cited]
            words = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " và " + listed[-1]
            assert f"{lead} {words}:" in text


# --- filters and sorting ----------------------------------------------------------------------


def _by_unit(rows: list[dict], level: str) -> dict[str, dict[str, int]]:
    units: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for row in rows:
        if row["cap_hoc"] == level:
            for name in COUNTS:
                units[row["don_vi"]][name] += row[name]
    return dict(units)


def _rate_value(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_a_filter_keeps_only_units_with_anyone_unsynchronised(tmp_path):
    block = appendix("thpt", ["THPT"], "don_vi", loc={"chua_dong_bo_tu": 1})
    folder = folder_with(tmp_path, declarations(SECTOR, block))
    result = build(folder, tmp_path / "out")
    units = _by_unit(table_rows(folder), "THPT")
    expected = [name for name, c in units.items() if c["hs_chua"] >= 1 or c["ns_chua"] >= 1]
    assert 0 < len(expected) < len(units)
    table = appendix_tables(result.output)["II"]
    assert [row[1] for row in data_rows(table)] == expected
    assert [row[0] for row in data_rows(table)] == [str(i) for i in range(1, len(expected) + 1)]
    kept = [{**units[name], "don_vi": name} for name in expected]
    assert table[-1] == ["Tổng số", *combined_row(kept, "", "")[2:]]
    check_sector_everywhere(result, folder, tmp_path)


def test_a_rate_filter_and_a_sort_by_rate_descending(tmp_path):
    block = appendix(
        "thpt",
        ["THPT"],
        "don_vi",
        loc={"nhom": "hs", "ti_le_tu": 0.1},
        sap_xep={"theo": "ti_le", "nhom": "hs"},
    )
    folder = folder_with(tmp_path, declarations(block, SECTOR))
    result = build(folder, tmp_path / "out")
    units = _by_unit(table_rows(folder), "THPT")
    kept = [
        name
        for name, c in units.items()
        if _rate_value(c["hs_chua"], c["hs_tong"]) >= Decimal("0.10")
    ]
    order = sorted(
        kept,
        key=lambda n: (_rate_value(units[n]["hs_chua"], units[n]["hs_tong"]), units[n]["hs_chua"]),
        reverse=True,
    )
    assert 1 < len(order) < len(units)
    table = appendix_tables(result.output)["I"]
    assert [row[1] for row in data_rows(table)] == order
    printed = [Decimal(row[4].replace(",", ".")) for row in data_rows(table)]
    assert printed == sorted(printed, reverse=True) and min(printed) >= Decimal("0.10")
    assert table[-1] == ["Tổng số", *combined_row([units[n] for n in order], "", "")[2:]]
    check_sector_everywhere(result, folder, tmp_path)


def test_sort_by_unsynchronised_count_keeps_the_pinned_row_first(tmp_path):
    block = {**OFFICES, "bo_cuc": "gop", "sap_xep": {"theo": "chua_dong_bo"}}
    folder = folder_with(tmp_path, declarations(block))
    result = build(folder, tmp_path / "out")
    rows = [r for r in table_rows(folder) if r["cap_hoc"] in ("MN", "TH", "THCS")]
    offices: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        offices[row["don_vi_quan_ly"]].append(row)
    table = data_rows(appendix_tables(result.output)["I"])
    assert table[0][1] == "Trực thuộc Sở"
    others = [name for name in offices if name != "Sở GDĐT"]
    unsynced = {
        name: sums(offices[name])["hs_chua"] + sums(offices[name])["ns_chua"] for name in others
    }
    expected = sorted(others, key=lambda n: unsynced[n], reverse=True)  # stable: ties as listed
    assert [row[1] for row in table[1:]] == [n.removeprefix("Phòng GDĐT ") for n in expected]


# --- per-level tables with 1 to 5 levels ------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_a_per_level_table_has_one_column_pair_per_declared_level(tmp_path, count):
    levels = list(LEVELS)[:count]
    block = appendix("cap", levels, "don_vi_quan_ly", "theo_cap", cot_ten="Đơn vị quản lý")
    folder = folder_with(tmp_path, declarations(block, SECTOR))
    edited(folder, "THPT An Dương", "THPT", "ns_chua", 3)
    result = build(folder, tmp_path / "out")
    table = appendix_tables(result.output)["I"]
    header = table[1][2:]  # after STT and the name, merged with the row above
    assert header[: 2 * count] == [
        text for level in levels for text in (f"Số HS {LEVELS[level]}", "Chưa đồng bộ")
    ]
    assert header[2 * count] == "Tổng số HS chưa đồng bộ"
    assert len(header) == 2 * (2 * count + 1)
    assert table[0][2:] == ["HỌC SINH", "CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN"]
    rows = [r for r in table_rows(folder) if r["cap_hoc"] in levels]
    offices: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        offices[row["don_vi_quan_ly"]].append(row)
    body = data_rows(table)
    assert [row[1] for row in body] == list(offices)

    def figures(selected: list[dict]) -> list[str]:
        cells = []
        for who in ("hs", "ns"):
            for level in levels:
                at_level = [r for r in selected if r["cap_hoc"] == level]
                total = sums(at_level)
                cells += [number(total[f"{who}_tong"]), number(total[f"{who}_chua"])]
                if not at_level and selected is not rows:
                    cells[-2:] = ["", ""]  # an office without this level: blank cells
            cells.append(number(sums(selected)[f"{who}_chua"]))
        return cells

    for printed, (office, selected) in zip(body, offices.items(), strict=True):
        assert printed[2:] == figures(selected), office
    assert table[-1] == ["Tổng số", *figures(rows)]
    check_sector_everywhere(result, folder, tmp_path)


def test_per_level_columns_fill_the_landscape_text_width(tmp_path):
    block = appendix("cap", list(LEVELS), "don_vi_quan_ly", "theo_cap")
    folder = folder_with(tmp_path, declarations(block))
    result = build(folder, tmp_path / "out")
    document = docx.Document(str(result.output))
    table = document.tables[-1]
    grid = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.iterchildren(f"{W}gridCol")]
    assert len(grid) == 2 + 2 * (2 * 5 + 1)
    section = document.sections[-1]
    text_width = (section.page_width - section.left_margin - section.right_margin) / 635  # twips
    assert sum(grid) == pytest.approx(text_width, abs=2)
    assert grid[1] > grid[0] and grid[2] > grid[3]  # the template's proportions are kept
    sizes = {run.font.size.pt for cell in table._cells for p in cell.paragraphs for run in p.runs}
    assert sizes and min(sizes) >= 8 and max(sizes) < 10  # squeezed: smaller text, not below 8 pt
    three = build(folder_with(tmp_path / "3", declarations(OFFICES)), tmp_path / "out3")
    shipped_size = docx.Document(str(three.output)).tables[-1].rows[2].cells[2].paragraphs[0]
    assert {run.font.size.pt for run in shipped_size.runs} == {10}  # fits: left as designed
    from openxml_audit import OpenXmlValidator

    assert OpenXmlValidator().validate(str(result.output)).is_valid


# --- declaration errors: file, line, key; exit 1; nothing written -----------------------------


def _bad(blocks: list[dict] | None = None, levels: dict = LEVELS) -> str:
    return declarations(*(blocks or [SECTOR, THPT]), levels=levels)


SIX = {**LEVELS, "DH": "Đại học"}
ERRORS = {
    "unknown-top-key": ("bo_loc = 1\n" + _bad(), "bo_loc", "bo_loc", "mục lạ"),
    "unknown-appendix-key": (
        _bad([SECTOR, {**THPT, "loc_ti_le": 5}]),
        "loc_ti_le =",
        "phu_luc thứ 2.loc_ti_le",
        "mục lạ",
    ),
    "unknown-filter-key": (
        _bad([SECTOR, {**THPT, "loc": {"ti_le": 5}}]),
        "loc =",
        "phu_luc thứ 2.loc.ti_le",
        "các mục được dùng ở đây: nhom, chua_dong_bo_tu, ti_le_tu",
    ),
    "unknown-sort-key": (
        _bad([SECTOR, {**THPT, "sap_xep": {"theo": "ten"}}]),
        "sap_xep =",
        "phu_luc thứ 2.sap_xep.theo",
        "«ten» không hợp lệ",
    ),
    "unknown-level": (
        _bad([SECTOR, {**THPT, "cap_hoc": ["PTTH"]}]),
        "PTTH",
        "phu_luc thứ 2.cap_hoc thứ 1",
        "cấp học «PTTH» lạ",
    ),
    "level-twice": (
        _bad([SECTOR, {**THPT, "cap_hoc": ["THPT", "THPT"]}]),
        '["THPT", "THPT"]',
        "phu_luc thứ 2.cap_hoc thứ 2",
        "«THPT» ghi hai lần",
    ),
    "levels-not-a-list": (
        _bad([SECTOR, {**THPT, "cap_hoc": "THPT"}]),
        'cap_hoc = "THPT"',
        "phu_luc thứ 2.cap_hoc",
        "phải là danh sách",
    ),
    "title-not-text": (
        _bad([SECTOR, {**THPT, "tieu_de": 12}]),
        "tieu_de = 12",
        "phu_luc thứ 2.tieu_de",
        "phải là chữ",
    ),
    "title-empty": (
        _bad([SECTOR, {**THPT, "tieu_de": "  "}]),
        'tieu_de = "  "',
        "phu_luc thứ 2.tieu_de",
        "không hợp lệ",
    ),
    "threshold-as-text": (
        _bad([SECTOR, {**THPT, "loc": {"ti_le_tu": "5"}}]),
        "loc =",
        "phu_luc thứ 2.loc.ti_le_tu",
        "phải là số",
    ),
    "threshold-negative": (
        _bad([SECTOR, {**THPT, "loc": {"chua_dong_bo_tu": -1}}]),
        "loc =",
        "phu_luc thứ 2.loc.chua_dong_bo_tu",
        "nhỏ quá",
    ),
    "filter-without-threshold": (
        _bad([SECTOR, {**THPT, "loc": {"nhom": "hs"}}]),
        "loc =",
        "phu_luc thứ 2.loc",
        "bộ lọc chưa có ngưỡng nào",
    ),
    "rate-above-100": (
        _bad([SECTOR, {**THPT, "loc": {"ti_le_tu": 150}}]),
        "loc =",
        "phu_luc thứ 2.loc.ti_le_tu",
        "lớn quá",
    ),
    "wrong-row-kind": (
        _bad([SECTOR, {**THPT, "hang": "truong"}]),
        "truong",
        "phu_luc thứ 2.hang",
        "chọn một trong: cap_hoc, don_vi, don_vi_quan_ly",
    ),
    "wrong-layout": (
        _bad([{**SECTOR, "bo_cuc": "ngang"}, THPT]),
        "ngang",
        "phu_luc thứ 1.bo_cuc",
        "«ngang» không hợp lệ",
    ),
    "missing-key": (
        _bad([SECTOR, {k: v for k, v in THPT.items() if k != "cot_ten"}]),
        ("[[phu_luc]]", 2),
        "phu_luc thứ 2.cot_ten",
        "thiếu mục này",
    ),
    "pinned-row-incomplete": (
        _bad([SECTOR, {**OFFICES, "hang_dau": {"nhan": "Trực thuộc Sở"}}]),
        "hang_dau",
        "phu_luc thứ 2.hang_dau.don_vi_quan_ly",
        "thiếu mục này",
    ),
    "same-code-twice": (
        _bad([SECTOR, {**THPT, "ma": "toan_nganh"}]),
        ('ma = "toan_nganh"', 2),
        "phu_luc thứ 2.ma",
        "mã «toan_nganh» trùng phụ lục thứ 1",
    ),
    "code-with-spaces": (
        _bad([SECTOR, {**THPT, "ma": "khối thpt"}]),
        "khối thpt",
        "phu_luc thứ 2.ma",
        "«khối thpt» không hợp lệ",
    ),
    "six-levels-per-level-table": (
        _bad([appendix("cap", list(SIX), "don_vi_quan_ly", "theo_cap")], levels=SIX),
        "cap_hoc =",
        "phu_luc thứ 1.cap_hoc",
        "6 cấp học, quá 5",
    ),
    "no-appendix": (
        'phu_luc = []\n[ten_cap_hoc]\nMN = "Mầm non"\n',
        "phu_luc = []",
        "phu_luc",
        "không có mục nào",
    ),
    "no-levels": (
        declarations(SECTOR).split("\n", 7)[-1],
        None,
        "ten_cap_hoc",
        "thiếu mục này",
    ),
}


def _line(text: str, needle: str | tuple[str, int] | None) -> int | None:
    """The line number of the ``n``-th line holding ``needle`` (the first by default)."""
    if needle is None:
        return None
    wanted, nth = needle if isinstance(needle, tuple) else (needle, 1)
    hits = [n for n, line in enumerate(text.splitlines(), 1) if wanted in line]
    return hits[nth - 1]


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_a_declaration_error_names_file_line_and_key_and_writes_nothing(tmp_path, case):
    text, needle, key, words = ERRORS[case]
    line = _line(text, needle)
    folder = folder_with(tmp_path, text)
    output = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(output)])
    assert result.exit_code == 1, result.output
    message = result.stderr
    where = f"phu-luc.toml, dòng {line}, " if line else "phu-luc.toml, "
    assert f"{where}mục «{key}»: " in message, message
    assert words in message, message
    assert "Traceback" not in message
    assert not output.exists() or not any(output.rglob("*.docx"))


# --- what the README promises ------------------------------------------------------------------

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_filter_example_builds_as_described(tmp_path):
    section = README[README.index("## Phụ lục (`templates/phu-luc.toml`)") :]
    example = section[
        section.index("```toml\n") + 8 : section.index("```\n", section.index("```toml"))
    ]
    folder = folder_with(tmp_path, declarations(SECTOR) + "\n" + example)
    result = build(folder, tmp_path / "out")
    units = _by_unit(table_rows(folder), "THPT")
    kept = [n for n, c in units.items() if _rate_value(c["hs_chua"], c["hs_tong"]) >= 1]
    kept.sort(
        key=lambda n: (_rate_value(units[n]["hs_chua"], units[n]["hs_tong"]), units[n]["hs_chua"]),
        reverse=True,
    )
    table = appendix_tables(result.output)["II"]
    assert kept and [row[1] for row in data_rows(table)] == kept
    check_sector_everywhere(result, folder, tmp_path)


def test_the_readme_error_example_is_what_vanban_prints(tmp_path):
    quoted = "phu-luc.toml, dòng 25, mục «phu_luc thứ 2.loc.ti_le»: mục lạ: "
    assert f"`{quoted}…`" in README.replace("\n  ", " ")
    text, *_ = ERRORS["unknown-filter-key"]
    result = CliRunner().invoke(
        cli, ["build", str(folder_with(tmp_path, text)), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert quoted in result.stderr


# --- another province: its own levels, offices, appendix set and order ------------------------

OTHER_LEVELS = {"MG": "Mẫu giáo", "TH": "Tiểu học", "THCS": "THCS", "THPT": "THPT"}


def _other_province(tmp_path: Path) -> Path:
    folder = tmp_path / "tinh-y"
    folder.mkdir()
    shutil.copy(SHIPPED / "thong-bao.toml", folder / "thong-bao.toml")
    rows = [["Tên đơn vị", "Cấp học", "Đơn vị quản lý", *list(HEADERS)[3:]]]
    for district in range(1, 5):
        office = f"Phòng GDĐT huyện Số {district}"
        for level in ("MG", "TH", "THCS"):
            for school in range(1, 3):
                total, staff = 150 * district + 37 * school, 20 + district + school
                unsynced = (district * school * 7) % 11
                rows.append(
                    [
                        f"Trường {level} {district}-{school}",
                        level,
                        office,
                        total,
                        unsynced,
                        staff,
                        school - 1,
                    ]
                )
    for school in range(1, 6):
        rows.append(
            [f"THPT Số {school}", "THPT", "Sở GDĐT", 900 + school, (school * 5) % 4, 60, school % 2]
        )
    with open(folder / "don-vi.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[str(v) for v in row] for row in rows])
    offices = appendix(
        "huyen", ["MG", "TH", "THCS"], "don_vi_quan_ly", "theo_cap", sap_xep={"theo": "ti_le"}
    )
    high = appendix(
        "thpt", ["THPT"], "don_vi", loc={"chua_dong_bo_tu": 1}, sap_xep={"theo": "chua_dong_bo"}
    )
    sector = appendix("toan_tinh", list(OTHER_LEVELS), "cap_hoc", cot_ten="Cấp học")
    text = declarations(offices, high, sector, levels=OTHER_LEVELS)
    (folder / "phu-luc.toml").write_text(text, encoding="utf-8")
    return folder


def _ints(cells: list[str]) -> list[int | None]:
    return [int(c.replace(".", "")) if c else None for c in cells]


def test_another_province_every_printed_total_is_the_sum_of_its_table(tmp_path):
    folder = _other_province(tmp_path)
    result = build(folder, tmp_path / "out")
    rows = table_rows(folder)
    check_sector_everywhere(result, folder, tmp_path)
    tables = appendix_tables(result.output)
    assert list(tables) == ["I", "II", "III"]
    # I: per level, rows by rate descending; every column total is the sum of its rows
    body = [_ints(row[2:]) for row in data_rows(tables["I"])]
    total = _ints(tables["I"][-1][1:])
    assert total == [sum(r[i] or 0 for r in body) for i in range(len(total))]
    assert len(total) == 2 * (2 * 3 + 1)
    offices: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for r in rows:
        if r["cap_hoc"] != "THPT":
            for name in COUNTS:
                offices[r["don_vi_quan_ly"]][name] += r[name]

    def combined_rate(name: str) -> Decimal:
        c = offices[name]
        return _rate_value(c["hs_chua"] + c["ns_chua"], c["hs_tong"] + c["ns_tong"])

    order = sorted(
        offices,
        key=lambda n: (combined_rate(n), offices[n]["hs_chua"] + offices[n]["ns_chua"]),
        reverse=True,
    )
    assert [row[1] for row in data_rows(tables["I"])] == order
    # II: only schools with anyone unsynchronised, most first
    thpt = [r for r in rows if r["cap_hoc"] == "THPT"]
    kept = [r for r in thpt if r["hs_chua"] or r["ns_chua"]]
    kept.sort(key=lambda r: r["hs_chua"] + r["ns_chua"], reverse=True)
    assert [row[1] for row in data_rows(tables["II"])] == [r["don_vi"] for r in kept]
    assert tables["II"][-1] == ["Tổng số", *combined_row(kept, "", "")[2:]]
    # III: one row per declared level, in declared order, and the whole table as total
    assert [row[1] for row in data_rows(tables["III"])] == list(OTHER_LEVELS.values())
    assert tables["III"][-1] == ["Tổng số", *combined_row(rows, "", "")[2:]]
    assert "Hải Phòng" not in "".join(c for t in tables.values() for r in t for c in r)


def test_key_lines_follow_blocks_sub_tables_dotted_keys_and_multi_line_values():
    from generator.common.tomlfile import key_line

    text = "\n".join(
        [
            "[ten_cap_hoc]",  # 1
            'MN = "Mầm non"',  # 2
            "[[phu_luc]]",  # 3
            'ma = """a',  # 4
            'ma = "not a key: inside a string"',  # 5
            '"""',  # 6
            "cap_hoc = [",  # 7
            '  "MN",',  # 8
            "]",  # 9
            "[phu_luc.loc]",  # 10
            "ti_le_tu = 5",  # 11
            "[[phu_luc]]",  # 12
            'sap_xep.theo = "ti_le"',  # 13
        ]
    )
    assert key_line(text, ("ten_cap_hoc", "MN")) == 2
    assert key_line(text, ("phu_luc", 0, "ma")) == 4
    assert key_line(text, ("phu_luc", 0, "cap_hoc", 0)) == 7
    assert key_line(text, ("phu_luc", 0, "loc", "ti_le_tu")) == 11
    assert key_line(text, ("phu_luc", 0, "loc", "nhom")) == 10  # missing: its table
    assert key_line(text, ("phu_luc", 1, "sap_xep", "theo")) == 13
    assert key_line(text, ("phu_luc", 1, "tieu_de")) == 12
    assert key_line(text, ("khong_co",)) is None


def test_tables_without_column_loops_are_left_as_the_template_has_them(tmp_path):
    from lxml import etree

    from generator.documents.columns import fit_columns

    def table(grid: list[int], cells: list[int]) -> etree._Element:
        w = W[1:-1]
        cols = "".join(f'<w:gridCol w:w="{g}"/>' for g in grid)
        tcs = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{c}" w:type="dxa"/></w:tcPr></w:tc>' for c in cells
        )
        xml = (
            f'<w:body xmlns:w="{w}"><w:tbl><w:tblPr><w:tblW w:w="{sum(grid)}" w:type="dxa"/>'
            f"</w:tblPr><w:tblGrid>{cols}</w:tblGrid><w:tr>{tcs}</w:tr></w:tbl></w:body>"
        )
        return etree.fromstring(xml)

    def grid_of(tree) -> list[int]:
        return [int(c.get(f"{W}w")) for c in tree.iter(f"{W}gridCol")]

    word_rounding = table([2000, 3001], [2003, 2998])
    fit_columns(word_rounding)
    assert grid_of(word_rounding) == [2000, 3001]
    looped = table([2000, 500, 3000], [2000, 3000, 3000, 3000])  # a loop added columns
    fit_columns(looped)
    assert grid_of(looped) == [2000, 3000, 3000, 3000]  # no page: kept at its cells' widths


def test_the_documented_template_variables_for_the_sector_and_levels_exist(shipped_inputs):
    from generator.documents.context import build_context
    from generator.figures.aggregate import aggregate, sector_total

    units, declared = shipped_inputs.units, shipped_inputs.declarations
    context = build_context(
        shipped_inputs.metadata,
        aggregate(units, declared),
        sector=sector_total(units, declared),
    )
    rows = table_rows(SHIPPED)
    total = sums(rows)
    sector = context["toan_nganh"]
    assert (sector["hs"]["chua"], sector["ns"]["chua"]) == (total["hs_chua"], total["ns_chua"])
    assert str(sector["ns"]["ti_le"]).replace(".", ",") == rate(total["ns_chua"], total["ns_tong"])
    for level in sector["cap"]:
        at_level = sums([r for r in rows if r["cap_hoc"] == level["ma"]])
        assert (level["ten"], level["hs"]["tong"]) == (LEVELS[level["ma"]], at_level["hs_tong"])
    assert context["pl"]["phong"]["ten_cap"] == ["Mầm non", "Tiểu học", "THCS"]
    documented = README[README.index("### Biến trong mẫu") :]
    for name in ("`toan_nganh.hs.tong`", "`toan_nganh.cap`", "`ten_cap`"):
        assert name in documented


def test_reordering_keeps_the_shipped_tie_out_right(tmp_path):
    folder = tmp_path / "2023-06-23"
    shutil.copytree(SHIPPED, folder)
    (folder / "phu-luc.toml").write_text(declarations(OFFICES, GDTX, THPT, SECTOR), "utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "23 số báo cáo khác số tính từ các dòng" in result.output
    assert "Phụ lục IV, hàng «Tổng số», «Học sinh chưa đồng bộ»: báo cáo 4.085" in result.output
    assert "Phụ lục II, hàng «Tổng số», «Tổng số nhân sự»: báo cáo 490" in result.output
    built = CliRunner().invoke(cli, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
