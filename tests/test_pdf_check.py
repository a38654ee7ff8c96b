"""PDF through LibreOffice, page pictures, and the NĐ30 conformance check."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Mm

from generator.archive.build import build
from generator.archive.issuing import issue
from generator.checks.conformance import check_document
from generator.cli.main import cli
from generator.convert import pdf as pdf_module
from generator.convert.pdf import to_pdf

from .conftest import SHIPPED


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def with_pdf(tmp_path_factory):
    return build(SHIPPED, tmp_path_factory.mktemp("pdf"), pdf=True)


def _pdf_pages(path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [
        tuple(float(v) for v in line.split(":")[1].split("pts")[0].split(" x "))
        for line in info.splitlines()
        if line.startswith("Page ") and "size" in line
    ]


def _pdf_text(path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *pages, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_build_pdf_puts_the_pdf_in_the_same_version(with_pdf):
    assert with_pdf.pdf == with_pdf.output.with_suffix(".pdf")
    assert with_pdf.pdf.name in with_pdf.version.manifest["ket_qua"]


def test_pdf_pages_are_a4_with_landscape_appendices(with_pdf):
    pages = _pdf_pages(with_pdf.pdf)
    portrait, landscape = (595.3, 841.9), (841.9, 595.3)
    # notice 2 pages; PL I 1; PL II 3 (66 schools); PL III 1; PL IV 1
    assert len(pages) == 8
    for index, (width, height) in enumerate(pages):
        expected = portrait if index < 2 else landscape
        assert abs(width - expected[0]) < 1 and abs(height - expected[1]) < 1, index

    def heading(page: int) -> str:
        lines = [line.strip() for line in _pdf_text(with_pdf.pdf, page).splitlines()]
        return next((line for line in lines[:4] if line.startswith("Phụ lục ")), "")

    assert [heading(n) for n in range(1, 9)] == [
        "",
        "",
        "Phụ lục I",
        "Phụ lục II",
        "",
        "",
        "Phụ lục III",
        "Phụ lục IV",
    ]


def test_pdf_text_keeps_vietnamese_and_the_figures(with_pdf):
    text = _pdf_text(with_pdf.pdf)
    assert unicodedata.is_normalized("NFC", text)
    flat = " ".join(text.split())
    assert "vẫn còn 3.940 học sinh, học viên và 717 cán bộ, giáo viên, nhân viên" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "THPT Trần Nguyên Hãn 1.739 25 1,44 91 12 13,19" in flat
    assert "Tổng số 8.470 153 1,81 454 3 0,66" in flat


@pytest.mark.parametrize("jobs", [1, 2])
def test_twenty_documents_convert_in_one_libreoffice_process_per_job(
    with_pdf, tmp_path, monkeypatch, jobs
):
    documents = []
    for index in range(20):
        target = tmp_path / f"tb-{index:02d}.docx"
        shutil.copyfile(with_pdf.output, target)
        documents.append(target)
    launches = []
    real_run = pdf_module.run

    def counting_run(command, *args, **kwargs):
        if "--convert-to" in command:
            launches.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(pdf_module, "run", counting_run)
    pdfs = to_pdf(documents, jobs=jobs)
    assert len(launches) == jobs
    assert [p.name for p in pdfs] == [f"tb-{i:02d}.pdf" for i in range(20)]
    assert all(len(_pdf_pages(p)) == 8 for p in pdfs[:2])
    profiles = {part for launch in launches for part in launch if "-env:UserInstallation=" in part}
    assert len(profiles) == jobs  # each LibreOffice has its own private profile
    staged = [Path(part).name for launch in launches for part in launch if part.endswith(".docx")]
    assert sorted(staged) == sorted(d.name for d in documents)  # each document once


def test_same_named_files_from_two_folders_both_convert(tmp_path, with_pdf):
    first, second = tmp_path / "a" / "tb.docx", tmp_path / "b" / "tb.docx"
    for target in (first, second):
        target.parent.mkdir()
        shutil.copyfile(with_pdf.output, target)
    result = run("pdf", str(first), str(second))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "a" / "tb.pdf").is_file() and (tmp_path / "b" / "tb.pdf").is_file()


def test_missing_libreoffice_says_what_to_install(tmp_path, monkeypatch, with_pdf):
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf_module.platform, "system", lambda: "Linux")
    target = tmp_path / "tb.docx"
    shutil.copyfile(with_pdf.output, target)
    result = run("pdf", str(target))
    assert result.exit_code == 4
    assert "Chưa cài LibreOffice" in result.stderr
    assert "apt-get install libreoffice-writer-nogui fonts-liberation2" in result.stderr
    assert not (tmp_path / "tb.pdf").exists()
    build_result = run("build", str(SHIPPED), "--pdf", "-o", str(tmp_path / "out"))
    assert build_result.exit_code == 4
    assert not (tmp_path / "out" / "2023-06-23").exists() or not any(
        (tmp_path / "out" / "2023-06-23").iterdir()
    )


def test_missing_font_is_reported(monkeypatch, tmp_path, with_pdf):
    real = subprocess.run

    def fc_match(command, *args, **kwargs):
        if command[0].endswith("fc-match"):
            return subprocess.CompletedProcess(command, 0, 'DejaVuSans.ttf: "DejaVu Sans"', "")
        return real(command, *args, **kwargs)

    monkeypatch.setattr(pdf_module.subprocess, "run", fc_match)
    result = run("pdf", str(with_pdf.output), "--outdir", str(tmp_path))
    assert result.exit_code == 4
    assert "fonts-liberation2" in result.stderr


def test_a_version_is_never_written_into_by_the_pdf_command(with_pdf):
    result = run("pdf", str(with_pdf.output))
    assert result.exit_code == 1
    assert "không ghi thêm tệp vào" in result.stderr


def test_preview_draws_every_page(with_pdf):
    result = run("preview", str(with_pdf.pdf))
    assert result.exit_code == 0, result.stderr
    folder = with_pdf.version.path.parent / f"xem-truoc-{with_pdf.version.name}" / with_pdf.pdf.stem
    pages = sorted(folder.glob("trang-*.png"))
    assert len(pages) == 8
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)


# --- NĐ30 conformance -------------------------------------------------------------------


def test_our_draft_and_issued_notices_pass_every_rule(tmp_path):
    draft = build(SHIPPED, tmp_path)
    issued = issue(draft.version.path, 5, date(2023, 7, 4))
    for path in (draft.output, issued.output):
        results = check_document(path)
        assert [r.rule for r in results if not r.passed] == [], [r.failures for r in results]
        assert run("check", str(path)).exit_code == 0


@pytest.fixture
def flawed(tmp_path, built):
    """Our notice after a clerk's typical hand edits: four mistakes."""
    document = docx.Document(str(built.output))
    document.sections[0].left_margin = Mm(25)
    body = next(p for p in document.paragraphs if p.text.startswith("Thời gian qua"))
    body.runs[0].font.name = "Arial"
    signer = document.tables[1].cell(0, 1)
    authority = next(p for p in signer.paragraphs if p.text.startswith("TM."))
    authority.runs[0].text = authority.runs[0].text.replace("TM.", "K/T")
    date_cell = document.tables[0].cell(1, 1).paragraphs[0]
    for run_ in date_cell.runs[1:]:
        run_.text = ""
    date_cell.runs[0].text = "Hải Phòng, ngày 4 tháng 7 năm 2023"
    target = tmp_path / "go-tay.docx"
    document.save(str(target))
    return target


def test_a_hand_edited_notice_fails_exactly_its_mistakes(flawed):
    failed = {r.id: r.failures for r in check_document(flawed) if not r.passed}
    assert sorted(failed) == ["dia-danh-ngay", "kho-giay-le", "phong-chu", "quyen-han-nguoi-ky"]
    assert failed["kho-giay-le"] == ["phần 1: lề trái 25 mm (cần 30–35 mm)"]
    assert "phông Arial" in failed["phong-chu"][0]
    assert "phần 1, đoạn 4" in failed["phong-chu"][0]
    assert "«K/T»" in failed["quyen-han-nguoi-ky"][0]
    assert "«ngày 4»" in failed["dia-danh-ngay"][0]
    assert "bảng 1, hàng 2, ô 2" in failed["dia-danh-ngay"][0]
    result = run("check", str(flawed))
    assert result.exit_code == 1
    assert "KHÔNG ĐẠT  Quyền hạn và người ký" in result.output
    assert "9/13 quy tắc đạt." in result.output
