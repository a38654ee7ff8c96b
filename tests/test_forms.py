"""Report forms for every unit, filled in and collected back."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli.main import cli
from generator.forms.making import FIRST_ROW, REASONS, REGISTER, make_forms
from generator.forms.report import consolidate
from generator.inputs.synth import write_synthetic

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forms") / "tong-hop"
    write_synthetic(folder, SHIPPED, scale=0.01, seed=5, fmt="csv")
    return folder


@pytest.fixture
def forms(data, tmp_path):
    return make_forms(data, tmp_path / "out", zip_offices=True, workers=2)


def _people(data) -> pd.DataFrame:
    return pd.read_csv(data / "ca-nhan.csv", dtype=str, encoding="utf-8-sig")


def test_one_form_per_unit_with_unsynchronised_people_in_office_folders(data, forms):
    people = _people(data)
    pending = people[people["Trạng thái xác thực"] == "Chưa xác thực"]
    assert forms.forms == pending["Đơn vị"].nunique()
    assert forms.people == len(pending)
    offices = {p.name for p in forms.folder.iterdir() if p.is_dir()}
    assert "so-gddt" in offices and len(offices) == pending["Đơn vị quản lý"].nunique()
    assert len(forms.zips) == len(offices)
    with zipfile.ZipFile(forms.zips[0]) as bundle:
        assert all(name.endswith(".xlsx") for name in bundle.namelist())


def test_a_form_opens_with_its_drop_down_and_date_checks(forms):
    path = next(forms.folder.rglob("*.xlsx"))
    sheet = load_workbook(path).active
    assert sheet.cell(row=FIRST_ROW - 1, column=7).value == "Lý do chưa đồng bộ"
    validations = {v.type: v for v in sheet.data_validations.dataValidation}
    assert validations["list"].formula1 == '"' + ",".join(REASONS) + '"'
    assert "Khác" in validations["list"].formula1
    assert validations["date"].operator == "between"
    assert validations["date"].formula2 == "DATE(2023,7,4)"
    assert "04/7/2023" in sheet.cell(row=5, column=1).value


def test_a_form_holds_only_its_own_unit_people_with_ids_hidden(data, forms):
    people = _people(data)
    for path in list(forms.folder.rglob("*.xlsx"))[:40]:
        sheet = load_workbook(path).active
        unit = sheet.cell(row=4, column=1).value.split("Đơn vị: ")[1].split("    ")[0]
        names = [r[1] for r in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if r[1]]
        own = people[
            (people["Đơn vị"] == unit) & (people["Trạng thái xác thực"] == "Chưa xác thực")
        ]
        assert sorted(names) == sorted(own["Họ và tên"])
        shown_ids = [r[3] for r in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if r[3]]
        assert all("******" in shown for shown in shown_ids)
        assert not set(own["Mã định danh"]) & set(shown_ids)
    register = (forms.folder / REGISTER).read_text(encoding="utf-8-sig")
    assert people["Họ và tên"].iloc[0] not in register
    assert people["Mã định danh"].iloc[0] not in register


def _fill(forms, mistakes: dict[str, str]) -> dict[str, int]:
    """Fill every form correctly except one row per mistake kind; returns the tally."""
    paths = sorted(forms.folder.rglob("*.xlsx"))
    tally: dict[str, int] = {}
    for index, path in enumerate(paths):
        book = load_workbook(path)
        sheet = book.active
        for row in range(FIRST_ROW, sheet.max_row + 1):
            reason = REASONS[(index + row) % len(REASONS)]
            sheet.cell(row=row, column=7, value=reason)
            sheet.cell(row=row, column=8, value="Hướng dẫn gia đình cập nhật")
            sheet.cell(row=row, column=9, value=datetime(2023, 7, 1))
            tally[reason] = tally.get(reason, 0) + 1
        name = path.stem
        if mistakes.get(name) == "no-reason":
            tally[sheet.cell(row=FIRST_ROW, column=7).value] -= 1
            sheet.cell(row=FIRST_ROW, column=7).value = None
        elif mistakes.get(name) == "late":
            sheet.cell(row=FIRST_ROW, column=9, value=datetime(2023, 7, 20))
            tally[sheet.cell(row=FIRST_ROW, column=7).value] -= 1
        elif mistakes.get(name) == "past":
            sheet.cell(row=FIRST_ROW, column=9, value=datetime(2023, 6, 1))
            tally[sheet.cell(row=FIRST_ROW, column=7).value] -= 1
        elif mistakes.get(name) == "stranger":
            sheet.append(
                [
                    99,
                    "Người Lạ",
                    "01/01/2008",
                    "031******999",
                    "THPT",
                    "HS",
                    "Khác",
                    "x",
                    datetime(2023, 7, 1),
                    "khong-co-ma",
                ]
            )
        elif mistakes.get(name) == "dropped":
            tally[sheet.cell(row=FIRST_ROW, column=7).value] -= 1
            sheet.delete_rows(FIRST_ROW)
        book.save(path)
    return tally


def test_collect_reports_exactly_the_wrong_rows_and_tallies_the_rest(forms):
    paths = sorted(forms.folder.rglob("*.xlsx"))
    kinds = ["no-reason", "late", "past", "stranger", "dropped"]
    mistakes = {paths[i * 7].stem: kind for i, kind in enumerate(kinds)}
    tally = _fill(forms, mistakes)
    missing = paths[-1]
    missing_unit = load_workbook(missing).active.cell(row=4, column=1).value
    tally_missing = sum(1 for _ in load_workbook(missing).active.iter_rows(min_row=FIRST_ROW))
    missing.unlink()
    result = consolidate(forms.folder, today=date(2023, 6, 26))
    messages = sorted(f"{i.file.split('/')[-1]}|{i.message}" for i in result.issues)
    expected = sorted(
        [
            f"{paths[0].name}|chưa chọn lý do chưa đồng bộ (cột G).",
            f"{paths[7].name}|ngày dự kiến 20/7/2023 sau hạn báo cáo 04/7/2023.",
            f"{paths[14].name}|ngày dự kiến 01/6/2023 đã qua.",
            f"{paths[21].name}|người này không có trong danh sách của đơn vị (dòng thêm vào?).",
            f"{paths[28].name}|thiếu 1 người có trong danh sách (dòng bị xoá?).",
            "(không có tệp)|đơn vị chưa nộp báo cáo.",
        ]
    )
    assert messages == expected, "\n".join(messages)
    assert missing_unit.split("Đơn vị: ")[1].split("    ")[0] in result.missing_forms
    counted: dict[str, int] = {}
    for (_, _, _, reason), people in result.tally.items():
        counted[reason] = counted.get(reason, 0) + people
    assert sum(counted.values()) == sum(tally.values()) - tally_missing
    assert [p.suffix for p in result.outputs] == [".xlsx", ".docx", ".json"]


def test_the_consolidated_report_holds_no_person_data(data, forms):
    _fill(forms, {})
    result = consolidate(forms.folder, today=date(2023, 6, 26))
    people = _people(data)
    with zipfile.ZipFile(result.outputs[1]) as document:
        text = "".join(
            document.read(n).decode("utf-8") for n in document.namelist() if n.endswith(".xml")
        )
    with zipfile.ZipFile(result.outputs[0]) as workbook:
        text += "".join(
            workbook.read(n).decode("utf-8") for n in workbook.namelist() if n.endswith(".xml")
        )
    assert "BÁO CÁO" in text and "Phụ lục" in text
    for name in people["Họ và tên"].drop_duplicates():
        assert f">{name}<" not in text
    for identifier in people["Mã định danh"]:
        assert identifier not in text


def test_forms_and_collect_from_the_command_line(data, tmp_path):
    out = tmp_path / "out"
    made = CliRunner().invoke(cli, ["forms", str(data), "-o", str(out), "--zip"])
    assert made.exit_code == 0, made.output
    assert "mẫu báo cáo cho" in made.output
    folder = out / "tong-hop" / "mau-bao-cao"
    collected = CliRunner().invoke(cli, ["collect", str(folder), "--hom-nay", "2023-06-26"])
    assert collected.exit_code == 0
    assert "chưa chọn lý do chưa đồng bộ (cột G)." in collected.output
    assert "tong-hop-bao-cao.docx" in collected.output
    missing = CliRunner().invoke(cli, ["forms", str(SHIPPED), "-o", str(out)])
    assert missing.exit_code == 1 and "dữ liệu từng người" in missing.stderr


def test_docx_forms_on_request(data, tmp_path):
    result = make_forms(data, tmp_path / "out", docx=True, workers=2)
    docx_forms = sorted(result.folder.rglob("*.docx"))
    assert len(docx_forms) == result.forms
    import docx

    document = docx.Document(str(docx_forms[0]))
    rows = document.tables[1].rows
    assert rows[0].cells[6].text == "Lý do chưa đồng bộ"
    assert all("******" in row.cells[3].text for row in rows[1:])


def test_form_keys_cannot_be_recomputed_from_what_a_unit_sees(data, forms):
    import hashlib

    from generator.forms.making import SECRET_FILE

    secret_file = forms.folder.parent / SECRET_FILE
    assert secret_file.is_file() and not (forms.folder / SECRET_FILE).exists()
    people = _people(data).set_index("Mã định danh")
    sheet = load_workbook(next(forms.folder.rglob("*.xlsx"))).active
    shown = next(sheet.iter_rows(min_row=FIRST_ROW, values_only=True))
    candidates = [i for i in people.index if i[:3] == shown[3][:3] and i[-3:] == shown[3][-3:]]
    for identifier in candidates:  # a plain hash of the ID would give the key away
        assert hashlib.sha256(f"vanban:{identifier}".encode()).hexdigest()[:16] != shown[9]
        assert hashlib.sha256(identifier.encode()).hexdigest()[:16] != shown[9]
    for archive in forms.zips:
        with zipfile.ZipFile(archive) as bundle:
            assert not any(SECRET_FILE in n or REGISTER in n for n in bundle.namelist())
