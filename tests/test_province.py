"""Another province builds with no code change; the shipped kinds build and pass the checks."""

from __future__ import annotations

import csv
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openxml_audit import OpenXmlValidator

from generator.checks.conformance import check_document
from generator.cli.main import cli
from generator.inputs.synth import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = ROOT / "tests" / "data" / "tinh-khac"
REMINDER = ROOT / "data" / "2023-07-10-don-doc"
REPORT = ROOT / "data" / "2023-07-05-tong-hop"


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def _sums(path: Path) -> dict[str, int]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    columns = {
        "hs_tong": "Tổng số học sinh",
        "hs_chua": "Học sinh chưa đồng bộ",
        "ns_tong": "Tổng số nhân sự",
        "ns_chua": "Nhân sự chưa đồng bộ",
    }
    return {key: sum(int(row[label]) for row in rows) for key, label in columns.items()}


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _rate(part: int, whole: int) -> Decimal:
    """The rate as printed: per cent, rounded half up to 2 decimals."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _pct(part: int, whole: int) -> str:
    return str(_rate(part, whole)).replace(".", ",")


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    output = tmp_path_factory.mktemp("tinh")
    result = CliRunner().invoke(cli, ["build", str(PROVINCE), "--output", str(output)])
    assert result.exit_code == 0, result.output + result.stderr
    version = output / "tinh-khac" / "v001"
    return result.output, version, next(version.glob("*.docx"))


def test_another_province_prints_totals_summed_from_its_own_table(province):
    printed, _, _ = province
    sums = _sums(PROVINCE / "don-vi.csv")
    hs, ns = (
        f"{_vn(sums[f'{who}_chua'])} / {_vn(sums[f'{who}_tong'])} "
        f"({_pct(sums[f'{who}_chua'], sums[f'{who}_tong'])} %)"
        for who in ("hs", "ns")
    )
    assert f"Học sinh, học viên chưa đồng bộ: {hs}" in printed
    assert f"Cán bộ, giáo viên, nhân viên chưa đồng bộ: {ns}" in printed


def test_another_provinces_manifest_and_body_carry_its_own_totals(province):
    _, version, document = province
    sums = _sums(PROVINCE / "don-vi.csv")
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["so_lieu"] == sums
    text = _text(document)
    assert f"còn {_vn(sums['hs_chua'])} học sinh, học viên và {_vn(sums['ns_chua'])} cán bộ" in text


def test_another_province_speaks_of_itself_only(province):
    _, _, document = province
    text = _text(document)
    for word in ("Hải Phòng", "hpnet", "quận", "thành phố Hải"):
        assert word not in text
    assert "UBND TỈNH NINH BÌNH" in text
    assert "Ninh Bình, ngày" in text
    assert "trên địa bàn tỉnh nghiêm túc" in text
    assert "Phòng GDĐT huyện, thành phố" in text
    assert "qlvbdh.ninhbinh.gov.vn" in text
    assert "Trần Thị Minh Hoa" in text and "- Lưu: VT, KHTC." in text


def test_another_provinces_appendices_follow_its_own_order(province):
    _, _, document = province
    headings = re.findall(r"^Phụ lục ([IVX]+)\n(.+)$", _text(document), flags=re.M)
    assert headings == [
        ("I", "SỐ HỌC SINH, NHÂN SỰ CHƯA ĐỒNG BỘ THEO PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"),
        ("II", "SỐ HỌC SINH, NHÂN SỰ CHƯA ĐỒNG BỘ CỦA CÁC TRƯỜNG THPT"),
        ("III", "SỐ HỌC VIÊN, NHÂN SỰ CHƯA ĐỒNG BỘ CỦA CÁC TRUNG TÂM GDNN-GDTX"),
        ("IV", "TỔNG HỢP TOÀN NGÀNH THEO CẤP HỌC"),
    ]
    assert "Các đơn vị trực thuộc Sở" in _text(document)


def test_another_province_passes_the_nd30_check(province):
    _, _, document = province
    assert [r.rule for r in check_document(document) if not r.passed] == []


def test_synth_takes_the_provinces_id_prefix(tmp_path):
    path = write_synthetic(tmp_path / "gia-lap", PROVINCE, scale=0.01, seed=1, fmt="csv")
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows and all(row["Mã định danh"].startswith("037") for row in rows)
    assert any("(Nho Quan)" in row["Đơn vị"] for row in rows)


def test_synth_without_its_settings_file_says_what_to_add(tmp_path):
    source = tmp_path / "khuon"
    source.mkdir()
    for name in ("thong-bao.toml", "don-vi.csv"):
        (source / name).write_bytes((PROVINCE / name).read_bytes())
    result = CliRunner().invoke(cli, ["synth", str(tmp_path / "x"), "--from", str(source)])
    assert result.exit_code == 1
    assert "gia-lap.toml" in result.stderr and "mã tỉnh" in result.stderr


# --- the shipped kinds ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_kinds(tmp_path_factory):
    output = tmp_path_factory.mktemp("loai")
    built = {}
    for folder in (REMINDER, REPORT):
        result = CliRunner().invoke(cli, ["build", str(folder), "--output", str(output)])
        assert result.exit_code == 0, result.output + result.stderr
        built[folder.name] = next((output / folder.name / "v001").glob("*.docx"))
    return built


def test_the_reminder_is_a_cong_van_with_kinh_gui_and_vv(shipped_kinds):
    document = shipped_kinds[REMINDER.name]
    assert document.name == "cong-van-don-doc-2023-07-10-don-doc-du-thao.docx"
    text = _text(document)
    assert "V/v đôn đốc hoàn thành rà soát dữ liệu trên CSDL ngành" in text
    assert "Kính gửi: Thủ trưởng các đơn vị có tên tại Phụ lục kèm theo." in text
    assert "/SGDĐT-GDTX&ĐH" in text
    assert "CÔNG VĂN" not in text and "THÔNG BÁO" not in text
    assert "Thông báo số 123/TB-SGDĐT ngày 26 tháng 6 năm 2023" in text


def test_the_reminder_lists_exactly_the_units_at_or_above_the_threshold(shipped_kinds):
    with open(REMINDER / "don-vi.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    units: dict[str, list[int]] = {}
    for row in rows:
        counts = units.setdefault(row["Tên đơn vị"], [0, 0, 0, 0])
        for i, label in enumerate(
            ("Tổng số học sinh", "Học sinh chưa đồng bộ", "Tổng số nhân sự", "Nhân sự chưa đồng bộ")
        ):
            counts[i] += int(row[label])
    expected = [
        name
        for name, (hs, hs_chua, ns, ns_chua) in units.items()
        if (hs_chua and _rate(hs_chua, hs) >= 2) or (ns_chua and _rate(ns_chua, ns) >= 2)
    ]
    table = docx.Document(str(shipped_kinds[REMINDER.name])).tables[-1]
    listed = [row.cells[1].text for row in table.rows[1:]]
    assert listed == expected
    assert f"Trong đó, {len(expected)} đơn vị" in _text(shipped_kinds[REMINDER.name])


def test_the_reminder_adds_the_units_whose_form_did_not_come_back(tmp_path):
    folder = tmp_path / "don-doc"
    folder.mkdir()
    for name in ("van-ban.toml", "don-vi.csv"):
        (folder / name).write_bytes((REMINDER / name).read_bytes())
    result = {
        "da_nhan": 1, "day_du_hop_le": 1, "so_truong_hop": 0, "theo_ly_do": [], "chi_tiet": [],
        "chua_nop": [{"don_vi_quan_ly": "Sở GDĐT", "don_vi": "THPT An Dương"}],
        "co_loi": [],
    }  # fmt: skip
    (folder / "tong-hop-bao-cao.json").write_text(json.dumps(result), encoding="utf-8")
    built = CliRunner().invoke(cli, ["build", str(folder), "--output", str(tmp_path / "o")])
    assert built.exit_code == 0, built.output
    document = next((tmp_path / "o" / "don-doc" / "v001").glob("*.docx"))
    rows = docx.Document(str(document)).tables[-1].rows
    (row,) = [r for r in rows if r.cells[1].text == "THPT An Dương"]
    assert row.cells[-1].text == "chưa nộp báo cáo"
    assert row.cells[3].text == "2.204"  # its figures from the table


def test_the_report_cites_the_notice_and_its_figures_are_the_collected_ones(shipped_kinds):
    collected = json.loads((REPORT / "tong-hop-bao-cao.json").read_text(encoding="utf-8"))
    text = _text(shipped_kinds[REPORT.name])
    assert "BÁO CÁO" in text and "/BC-SGDĐT" in text
    assert "Thông báo số 123/TB-SGDĐT ngày 26 tháng 6 năm 2023" in text
    assert f"đã nhận {collected['da_nhan']} báo cáo" in text
    assert f"Còn {len(collected['chua_nop'])} đơn vị chưa nộp" in text
    table = docx.Document(str(shipped_kinds[REPORT.name])).tables[-1]
    shown = sum(int(row.cells[5].text.replace(".", "")) for row in table.rows[1:-1])
    assert shown == sum(d["so_nguoi"] for d in collected["chi_tiet"]) == collected["so_truong_hop"]
    assert table.rows[-1].cells[-1].text == _vn(collected["so_truong_hop"])


@pytest.mark.parametrize("kind", [REMINDER.name, REPORT.name])
def test_each_shipped_kind_opens_in_word(shipped_kinds, kind):
    result = OpenXmlValidator().validate(str(shipped_kinds[kind]))
    assert result.is_valid, [str(error) for error in result.errors][:10]


def test_the_report_passes_the_nd30_check(shipped_kinds):
    failed = [r for r in check_document(shipped_kinds[REPORT.name]) if not r.passed]
    assert failed == []


def test_the_reminder_passes_the_nd30_check(shipped_kinds):
    failed = [r for r in check_document(shipped_kinds[REMINDER.name]) if not r.passed]
    assert failed == []


@pytest.mark.parametrize("folder", [REMINDER, REPORT], ids=lambda p: p.name)
def test_every_kind_goes_through_issue_history_and_diff(folder, tmp_path):
    output = tmp_path / "o"
    assert CliRunner().invoke(cli, ["build", str(folder), "-o", str(output)]).exit_code == 0
    draft = output / folder.name / "v001"
    issued = CliRunner().invoke(cli, ["issue", str(draft), "--so", "7", "--ngay", "2023-07-12"])
    assert issued.exit_code == 0, issued.output
    final = next((output / folder.name / "v002").glob("*.docx"))
    assert final.name.endswith("-so-07.docx")
    manifest = json.loads((output / folder.name / "v002" / "manifest.json").read_text("utf-8"))
    assert "07/" + manifest["ky_hieu"] in _text(final)
    again = CliRunner().invoke(cli, ["issue", str(draft), "--so", "8", "--ngay", "2023-07-12"])
    assert again.exit_code == 1
    history = CliRunner().invoke(cli, ["history", str(folder), "-o", str(output), "--json"])
    assert [r["phien_ban"] for r in json.loads(history.output)] == ["v002", "v001"]
    xlsx = tmp_path / "so-sanh.xlsx"
    compared = CliRunner().invoke(
        cli, ["diff", str(draft), str(output / folder.name / "v002"), "--xlsx", str(xlsx)]
    )
    assert compared.exit_code == 0, compared.output
    assert xlsx.is_file()


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{ không phải JSON", "tong-hop-bao-cao.json: tệp hỏng"),
        ('{"da_nhan": "mười"}', "tong-hop-bao-cao.json, mục «da_nhan»"),
    ],
)
def test_a_damaged_collect_result_is_named(tmp_path, content, expected):
    folder = tmp_path / "tong-hop"
    folder.mkdir()
    (folder / "van-ban.toml").write_bytes((REPORT / "van-ban.toml").read_bytes())
    (folder / "tong-hop-bao-cao.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert expected in result.stderr and "vanban collect" in result.stderr
    assert not (tmp_path / "o").exists()


def test_the_document_says_its_kind_and_nd30_form(shipped_kinds):
    import zipfile

    with zipfile.ZipFile(shipped_kinds[REMINDER.name]) as archive:
        custom = archive.read("docProps/custom.xml").decode("utf-8")
    assert 'name="vanban.loai"><vt:lpwstr>cong-van-don-doc<' in custom
    assert 'name="vanban.mau_nd30"><vt:lpwstr>1.5<' in custom
