"""Versions: identical rebuilds, an archive that never loses one, diff, draft → issued."""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
import stat
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from generator import __version__
from generator.archive import versions as archive
from generator.archive.build import build
from generator.archive.diff import diff
from generator.archive.history import history
from generator.archive.issuing import issue
from generator.archive.versions import add_version, sha256, versions
from generator.cli.main import cli
from generator.common.errors import OutputProblem, VersionProblem

from .conftest import SHIPPED


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _edit_rows(folder: Path, edits: dict[str, str], add: str = "", drop: str = "") -> None:
    path = folder / "don-vi.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    result = []
    for line in lines:
        unit = line.split(",")[0]
        if unit == drop:
            continue
        result.append(edits.get(unit, line))
    if add:
        result.append(add)
    path.write_text("\n".join(result) + "\n", encoding="utf-8-sig")


def test_two_builds_give_identical_bytes_and_record_their_inputs(tmp_path):
    first = build(SHIPPED, tmp_path / "a")
    second = build(SHIPPED, tmp_path / "b")
    assert first.output.read_bytes() == second.output.read_bytes()
    with zipfile.ZipFile(first.output) as document:
        custom = document.read("docProps/custom.xml").decode("utf-8")
    assert sha256(SHIPPED / "don-vi.csv") in custom
    assert sha256(SHIPPED / "thong-bao.toml") in custom
    assert f"<vt:lpwstr>{__version__}</vt:lpwstr>" in custom


def test_a_version_holds_the_document_its_inputs_and_a_manifest(tmp_path):
    result = build(SHIPPED, tmp_path)
    version = result.version.path
    assert version == tmp_path / "2023-06-23" / "v001"
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["trang_thai"] == "du_thao"
    assert manifest["so_lieu"] == {
        "hs_tong": 532591,
        "hs_chua": 3940,
        "ns_tong": 33052,
        "ns_chua": 717,
    }
    for name, digest in manifest["dau_vao"].items():
        assert sha256(version / "dau-vao" / name) == digest
    assert set(manifest["dau_vao"]) == {
        "don-vi.csv",
        "thong-bao.toml",
        "phu-luc.toml",
        "mau-thong-bao.docx",
    }
    assert manifest["ket_qua"] == {result.output.name: sha256(result.output)}
    assert not result.output.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_an_unchanged_rebuild_creates_nothing(data_copy, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(data_copy), "-o", str(out)).exit_code == 0
    again = run("build", str(data_copy), "-o", str(out))
    assert again.exit_code == 0
    assert "giống hệt phiên bản v001: không tạo phiên bản mới" in again.output
    assert [v.name for v in versions(out / "2023-06-23")] == ["v001"]


def test_a_changed_input_makes_a_new_version_and_history_says_what_changed(data_copy, tmp_path):
    out = tmp_path / "out"
    build(data_copy, out)
    _edit_rows(data_copy, {"THPT An Lão": "THPT An Lão,THPT,Sở GDĐT,1524,9,80,0"})
    second = build(data_copy, out)
    assert second.created and second.version.name == "v002"
    records = history(data_copy, out)
    assert [r["phien_ban"] for r in records] == ["v002", "v001"]
    assert records[0]["thay_doi"] == ["don-vi.csv"]
    assert records[0]["so_lieu"]["hs_chua"] == 3948
    listing = run("history", str(data_copy), "-o", str(out))
    assert listing.exit_code == 0 and "v002" in listing.output and "don-vi.csv" in listing.output
    as_json = json.loads(run("history", str(data_copy), "-o", str(out), "--json").output)
    assert as_json[1]["phien_ban"] == "v001"


def test_an_interrupted_build_leaves_no_version(data_copy, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real_copy = shutil.copyfile
    calls = []

    def failing_copy(source, target):
        calls.append(source)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_copy(source, target)

    monkeypatch.setattr(archive.shutil, "copyfile", failing_copy)
    with pytest.raises(OutputProblem):
        build(data_copy, out)
    folder = out / "2023-06-23"
    assert versions(folder) == []
    assert list(folder.iterdir()) == []  # the staging folder is gone too
    monkeypatch.setattr(archive.shutil, "copyfile", real_copy)
    assert build(data_copy, out).version.name == "v001"


def test_a_leftover_staging_folder_is_never_taken_for_a_version(data_copy, tmp_path):
    import os
    import time

    folder = tmp_path / "out" / "2023-06-23"
    fresh, stale = folder / ".dang-tao-x1y2", folder / ".dang-tao-old1"
    for leftover in (fresh, stale):  # as killed processes would leave them
        (leftover / "dau-vao").mkdir(parents=True)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    assert build(data_copy, tmp_path / "out").version.name == "v001"
    assert fresh.exists()  # might belong to a build still running
    assert not stale.exists()


def test_a_taken_number_is_never_overwritten(tmp_path, monkeypatch):
    folder = tmp_path / "2023-06-23"
    first = add_version(folder, {"a.docx": b"first"}, {}, {"trang_thai": "du_thao"})
    monkeypatch.setattr(archive, "versions", lambda _folder: [])  # a stale view of the folder
    second = add_version(folder, {"a.docx": b"second"}, {}, {"trang_thai": "du_thao"})
    assert (first.name, second.name) == ("v001", "v002")
    assert (first.path / "a.docx").read_bytes() == b"first"


def _build_in_process(data: str, out: str, barrier) -> None:
    barrier.wait()
    build(Path(data), Path(out))


def test_two_builds_at_the_same_moment_make_two_complete_versions(tmp_path):
    out = tmp_path / "out"
    copies = []
    for index, staff in enumerate(("1", "2")):
        target = tmp_path / f"copy{index}" / "2023-06-23"
        shutil.copytree(SHIPPED, target)
        _edit_rows(target, {"THPT An Lão": f"THPT An Lão,THPT,Sở GDĐT,1524,1,80,{staff}"})
        copies.append(target)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_build_in_process, args=(str(c), str(out), barrier)) for c in copies
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    found = versions(out / "2023-06-23")
    assert [v.name for v in found] == ["v001", "v002"]
    for version in found:
        assert (version.path / version.manifest["van_ban"]).is_file()
        for name, digest in version.manifest["ket_qua"].items():
            assert sha256(version.path / name) == digest
    assert found[0].manifest["ket_qua"] != found[1].manifest["ket_qua"]


def test_diff_reports_exactly_the_edited_added_and_removed_rows(data_copy, tmp_path):
    _edit_rows(
        data_copy,
        {
            "THPT An Lão": "THPT An Lão,THPT,Sở GDĐT,1524,4,80,0",
            "THPT Cát Hải": "THPT Cát Hải,THPT,Sở GDĐT,389,0,33,0",
            "TT GDTX Hải Phòng": "TT GDTX Hải Phòng,GDTX,Sở GDĐT,330,2,54,0",
        },
        add="THPT Mới Thành Lập,THPT,Sở GDĐT,100,1,10,0",
        drop="THPT Tân Trào",
    )
    result = diff(SHIPPED, data_copy)
    assert sorted((c.unit, c.column, c.before, c.after) for c in result.changes) == [
        ("THPT An Lão", "hs_chua", 1, 4),
        ("THPT Cát Hải", "ns_chua", 1, 0),
        ("THPT Cát Hải", "ns_tong", 32, 33),
        ("TT GDTX Hải Phòng", "hs_chua", 0, 2),
        ("TT GDTX Hải Phòng", "hs_tong", 322, 330),
    ]
    assert result.added == (("THPT Mới Thành Lập", "THPT"),)
    assert result.removed == (("THPT Tân Trào", "THPT"),)
    assert result.totals_after.hs_chua - result.totals_before.hs_chua == 3 + 2 + 1
    xlsx = tmp_path / "so-sanh.xlsx"
    shown = run("diff", str(SHIPPED), str(data_copy), "--xlsx", str(xlsx))
    assert shown.exit_code == 0, shown.output
    assert "THPT Mới Thành Lập" in shown.output and "THPT Tân Trào" in shown.output
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    assert book.sheetnames == ["Tổng", "Theo đơn vị quản lý", "Đổi tên", "Thêm", "Bớt", "Thay đổi"]
    assert book["Thay đổi"].max_row == 1 + 5
    assert book["Thêm"].max_row == book["Bớt"].max_row == 1 + 1


def test_diff_between_two_archived_versions(data_copy, tmp_path):
    out = tmp_path / "out"
    first = build(data_copy, out).version
    _edit_rows(data_copy, {"THPT An Lão": "THPT An Lão,THPT,Sở GDĐT,1524,4,80,0"})
    second = build(data_copy, out).version
    result = diff(first.path, second.path)
    assert [(c.unit, c.before, c.after) for c in result.changes] == [("THPT An Lão", 1, 4)]
    assert result.before == "2023-06-23/v001"


def _document_texts(path: Path) -> tuple[list[str], str]:
    document = docx.Document(str(path))
    headers = []
    for section in document.sections:
        for header in (section.header, section.first_page_header):
            headers += [p.text for p in header.paragraphs]
    return headers, "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )


def test_a_draft_is_marked_and_leaves_number_and_date_blank(tmp_path):
    draft = build(SHIPPED, tmp_path).output
    headers, text = _document_texts(draft)
    assert "DỰ THẢO" in headers
    assert re.search(r"Số: +/TB-SGDĐT", text)


def test_issue_puts_number_and_date_in_the_header_and_every_appendix(tmp_path):
    draft = build(SHIPPED, tmp_path).version
    result = run("issue", str(draft.path), "--so", "5", "--ngay", "2023-06-26")
    assert result.exit_code == 0, result.stderr
    issued = versions(tmp_path / "2023-06-23")[-1]
    assert issued.name == "v002" and issued.issued
    assert issued.manifest["tu_phien_ban"] == "v001"
    headers, text = _document_texts(issued.path / issued.manifest["van_ban"])
    assert "DỰ THẢO" not in headers
    assert "Số: 05/TB-SGDĐT" in text
    assert "Hải Phòng, ngày 26 tháng 6 năm 2023" in text
    attached = re.findall(r"\(Kèm theo Thông báo số [^)]*\)", text)
    line = "(Kèm theo Thông báo số 05/TB-SGDĐT ngày 26 tháng 6 năm 2023 của {})"
    assert attached == [line.format("Sở Giáo dục và Đào tạo")] * 4


def test_an_issued_version_is_frozen(tmp_path):
    draft = build(SHIPPED, tmp_path).version
    issued = issue(draft.path, 12, date(2023, 6, 26)).version
    for path in [issued.path, *issued.path.rglob("*")]:
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), path
    again = run("issue", str(issued.path), "--so", "13", "--ngay", "2023-06-27")
    assert again.exit_code == 1
    assert "đã là bản ban hành số 12, không ban hành lại được" in again.stderr
    twice = run("issue", str(draft.path), "--so", "13", "--ngay", "2023-06-27")
    assert twice.exit_code == 1
    assert "dự thảo này đã được ban hành thành v002 (số 12)" in twice.stderr


def test_a_number_already_used_this_year_is_refused_naming_its_version(data_copy, tmp_path):
    out = tmp_path / "out"
    first = build(SHIPPED, out).version
    issue(first.path, 7, date(2023, 6, 26))
    _edit_rows(data_copy, {"THPT An Lão": "THPT An Lão,THPT,Sở GDĐT,1524,4,80,0"})
    other = data_copy.parent / "2023-07-15"
    data_copy.rename(other)
    draft = build(other, out).version
    refused = run("issue", str(draft.path), "--so", "7", "--ngay", "2023-07-20")
    assert refused.exit_code == 1
    assert "số 07/TB-SGDĐT năm 2023 đã dùng cho" in refused.stderr
    assert str(out / "2023-06-23" / "v002") in refused.stderr
    next_year = run("issue", str(draft.path), "--so", "7", "--ngay", "2024-01-03")
    assert next_year.exit_code == 0, next_year.stderr


def test_issuing_checks_its_arguments(tmp_path):
    draft = build(SHIPPED, tmp_path).version
    early = run("issue", str(draft.path), "--so", "3", "--ngay", "2023-06-01")
    assert early.exit_code == 1 and "trước ngày số liệu 23/06/2023" in early.stderr
    not_a_version = run("issue", str(tmp_path), "--so", "3", "--ngay", "2023-06-26")
    assert not_a_version.exit_code == 1
    assert "không phải một phiên bản do vanban tạo" in not_a_version.stderr
    with pytest.raises(VersionProblem):
        issue(draft.path, 0, date(2023, 6, 26))


def test_the_version_vanban_writes_is_the_installed_packages_version():
    from importlib.metadata import version

    assert version("vanban") == __version__  # pyproject.toml takes it from generator/__init__
