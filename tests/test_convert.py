"""The converter: PDF/A for signing, identical bytes, no LibreOffice left behind."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.cli.main import cli
from generator.common.errors import ToolFailed
from generator.convert import warm
from generator.convert.pdf import to_pdf
from generator.convert.reproducible import document_time

from .conftest import SHIPPED


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if text.encode() in command:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def pdf_a_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdfa")
    result = CliRunner().invoke(cli, ["build", str(SHIPPED), "--pdf-a", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    version = out / SHIPPED.name / "v001"
    return next(version.glob("*.pdf")), next(version.glob("*.docx"))


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font used on every page → whether its program is embedded."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            described = font
            if font.get("/Subtype") == "/Type0":
                described = font["/DescendantFonts"][0].get_object()
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    return fonts


def test_pdf_a_is_identified_as_pdf_a_2b_with_every_font_embedded(pdf_a_build):
    pdf, _ = pdf_a_build
    reader = PdfReader(pdf)
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert str(xmp.pdfaid_part) == "2"
    assert str(xmp.pdfaid_conformance) == "B"
    assert reader.pdf_header in ("%PDF-1.6", "%PDF-1.7")  # as LibreOffice wrote it
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts
    assert any("LiberationSerif" in name or "TimesNewRoman" in name for name in fonts)
    assert "/OutputIntents" in reader.trailer["/Root"]
    root = reader.trailer["/Root"]  # vanban never signs nor certifies: the e-office tool does
    assert "/Perms" not in root and "/AcroForm" not in root
    assert b"/Sig" not in pdf.read_bytes()


def test_the_draft_pdf_leaves_number_and_date_blank_for_the_signing_tool(pdf_a_build):
    pdf, _ = pdf_a_build
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"Số:\s+/TB-SGDĐT", first)
    assert re.search(r"ngày\s+tháng\s+năm 2023", first)


def test_pdf_times_come_from_the_document_and_bytes_repeat(pdf_a_build, tmp_path):
    pdf, document = pdf_a_build
    reader = PdfReader(pdf)
    created = document_time(document)
    assert created is not None
    assert reader.metadata["/CreationDate"] == created.strftime("D:%Y%m%d%H%M%S+00'00'")
    assert created.strftime("%Y-%m-%dT%H:%M:%S") in reader.xmp_metadata.stream.get_data().decode()
    again = tmp_path / "elsewhere" / "copy.docx"
    again.parent.mkdir()
    shutil.copyfile(document, again)
    time.sleep(1.1)  # a different second on the clock
    second = to_pdf([again], pdf_a=True)[0]
    assert second.read_bytes() == pdf.read_bytes()


def _slow_document(folder: Path) -> Path:
    document = docx.Document()
    table = document.add_table(rows=3000, cols=4)
    for index, row in enumerate(table.rows):
        row.cells[0].text = str(index)
    path = folder / "cham.docx"
    document.save(str(path))
    return path


def test_a_late_converter_is_ended_with_every_libreoffice_process(tmp_path, monkeypatch):
    work = tmp_path / "tam"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    document = _slow_document(tmp_path)
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.extend(_processes_mentioning(str(work)))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with pytest.raises(ToolFailed, match="không xong sau"):
            to_pdf([document], timeout=3)
    finally:
        stop.set()
        watcher.join()
    assert len(set(seen)) >= 2  # soffice's launcher and soffice.bin were running
    assert _processes_mentioning(str(work)) == []
    assert not any(work.iterdir())  # the private profile went after its processes


def test_a_late_converter_gives_exit_4_and_a_vietnamese_message(tmp_path, monkeypatch):
    from generator.convert import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "BASE_SECONDS", 1)
    monkeypatch.setattr(pdf_module, "SECONDS_PER_FILE", 0)
    monkeypatch.setattr(pdf_module, "SECONDS_PER_MB", 0)
    document = _slow_document(tmp_path)
    result = CliRunner().invoke(cli, ["pdf", str(document)])
    assert result.exit_code == 4
    assert "LibreOffice" in result.stderr and "không xong sau 1 giây" in result.stderr
    assert not (tmp_path / "cham.pdf").exists()


def test_document_time_reads_the_core_properties(tmp_path):
    document = docx.Document()
    document.core_properties.created = datetime(2023, 6, 23, 11, 30)
    path = tmp_path / "a.docx"
    document.save(str(path))
    assert document_time(path) == datetime(2023, 6, 23, 11, 30, tzinfo=UTC)
    broken = tmp_path / "b.docx"
    broken.write_bytes(b"not a zip")
    assert document_time(broken) is None


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_warm_converter_is_reused_restarted_and_stopped(pdf_a_build, tmp_path, monkeypatch):
    _, document = pdf_a_build
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(warm, "_CONVERTER", warm.WarmConverter(max_conversions=2))
    monkeypatch.setattr(warm, "_UNAVAILABLE", False)
    converter = warm._converter()
    first = warm.convert_one(document, tmp_path / "a", pages="1")
    office = converter._office.pid
    second = warm.convert_one(document, tmp_path / "b")
    assert converter._office.pid == office  # the same LibreOffice served both
    assert len(PdfReader(first).pages) == 1 and len(PdfReader(second).pages) == 8
    assert "THÔNG BÁO" in _text(first)
    assert _text(second) == _text(to_pdf([document], tmp_path / "c")[0])
    warm.convert_one(document, tmp_path / "d", pages="1")
    assert converter._office.pid != office  # restarted after max_conversions
    assert _processes_mentioning(str(tmp_path))  # its private profile is in tmp_path
    warm.stop()
    assert _processes_mentioning(str(tmp_path)) == []
    assert not list(tmp_path.glob("vanban-warm-*"))


def test_without_libreoffice_python_conversions_fall_back_to_one_shot(
    pdf_a_build, tmp_path, monkeypatch
):
    _, document = pdf_a_build
    monkeypatch.setattr(warm, "uno_pythons", lambda soffice: [])
    monkeypatch.setattr(warm, "_CONVERTER", warm.WarmConverter())
    monkeypatch.setattr(warm, "_UNAVAILABLE", False)
    pdf = warm.convert_one(document, tmp_path, pages="1")
    assert len(PdfReader(pdf).pages) == 1
    assert warm._UNAVAILABLE  # not tried again


def test_plain_pdfs_repeat_byte_for_byte_and_carry_the_document_time(tmp_path):
    document = docx.Document()
    document.add_paragraph("Thông báo một trang.")
    document.core_properties.created = datetime(2023, 6, 23, 11, 30)
    source = tmp_path / "mot.docx"
    document.save(str(source))
    first = to_pdf([source], tmp_path / "a")[0].read_bytes()
    time.sleep(1.1)
    second = to_pdf([source], tmp_path / "b")[0].read_bytes()
    assert first == second
    assert re.search(rb"/CreationDate\(D:20230623113000", first)
    assert PdfReader(tmp_path / "a" / "mot.pdf").pages[0].extract_text().strip() == (
        "Thông báo một trang."
    )


def test_one_failing_job_stops_the_other_libreoffice_of_the_batch(tmp_path, monkeypatch):
    from generator.convert import pdf as pdf_module

    work = tmp_path / "tam"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    slow = _slow_document(tmp_path)  # LibreOffice needs most of a minute for it
    broken = tmp_path / "hong.docx"
    docx.Document().save(str(broken))
    real_run = pdf_module.run

    def failing_run(command, limit, tool, cancel=None):
        if any(part.endswith("hong.docx") for part in command):
            time.sleep(2)
            raise ToolFailed(tool=tool, detail="tệp hỏng.", fix="sửa tệp.")
        return real_run(command, limit, tool, cancel)

    monkeypatch.setattr(pdf_module, "run", failing_run)
    start = time.monotonic()
    with pytest.raises(ToolFailed, match="tệp hỏng"):
        to_pdf([slow, broken], jobs=2, timeout=900)
    assert time.monotonic() - start < 30  # the slow conversion was stopped, not awaited
    assert _processes_mentioning(str(work)) == []
    assert not (tmp_path / "cham.pdf").exists()


def test_vanban_pdf_jobs_converts_every_file(tmp_path):
    sources = []
    for index in range(3):
        document = docx.Document()
        document.add_paragraph(f"Văn bản số {index}.")
        sources.append(tmp_path / f"vb-{index}.docx")
        document.save(str(sources[-1]))
    result = CliRunner().invoke(cli, ["pdf", "--jobs", "2", *map(str, sources)])
    assert result.exit_code == 0, result.stderr
    for index in range(3):
        text = PdfReader(tmp_path / f"vb-{index}.pdf").pages[0].extract_text()
        assert text.strip() == f"Văn bản số {index}."
    wrong = CliRunner().invoke(cli, ["pdf", "--jobs", "0", str(sources[0])])
    assert wrong.exit_code == 2
    assert "giá trị của -j / --jobs không hợp lệ: 0 nhỏ hơn 1" in wrong.stderr
