"""`vanban check` against a corpus of documents, each judged exactly.

The corpus (tests/data/check-corpus/, written by tests/data/make_check_corpus.py) holds
documents with one broken NĐ30 rule each and correct documents written in other ways:
formatting from styles, a công văn (Mẫu 1.5), copies saved by LibreOffice, a body citing
another document's number and date, a page number as a complex field, a table in the body.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from generator.checks.conformance import FAILED, UNCLEAR, check_document
from generator.checks.registry import RULES
from generator.cli.main import cli

CORPUS = Path(__file__).parent / "data" / "check-corpus"
PLACES = ("phần ", "đầu trang", "chân trang", "phụ lục", "công văn", "tệp đặt")
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_is_judged_exactly(name):
    results = check_document(CORPUS / name)
    failed = sorted(r.id for r in results if r.status == FAILED)
    unclear = sorted(r.id for r in results if r.status == UNCLEAR)
    messages = [m for r in results for m in r.failures + r.unclear]
    assert (failed, unclear) == (EXPECTED[name]["khong_dat"], EXPECTED[name]["chua_ro"]), messages
    for message in messages:  # every finding says where
        assert any(place in message for place in PLACES), message


def test_the_corpus_is_large_and_varied():
    assert len(EXPECTED) >= 40
    correct = [name for name, want in EXPECTED.items() if not want["khong_dat"]]
    assert len(correct) >= 8
    assert any("cong-van" in name for name in correct)
    assert any("kieu-doan" in name for name in correct)
    saved = [
        name
        for name in correct
        if b"LibreOffice" in zipfile.ZipFile(CORPUS / name).read("docProps/app.xml")
    ]
    assert saved, "no correct document saved by LibreOffice"
    for rule in RULES:  # every rule is seen to fail (or to be unclear) at least once
        assert any(rule.id in want["khong_dat"] + want["chua_ro"] for want in EXPECTED.values()), (
            rule.id
        )


def test_the_command_reports_unclear_rules_without_failing():
    file = CORPUS / next(n for n, w in EXPECTED.items() if w["chua_ro"] and not w["khong_dat"])
    result = CliRunner().invoke(cli, ["check", str(file)])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if "Trang có chữ ký" in ln)
    assert line.startswith("CHƯA RÕ")
    assert "12/13 quy tắc đạt, 1 chưa rõ" in result.output
    records = json.loads(CliRunner().invoke(cli, ["check", "--json", str(file)]).output)
    unclear = [r for r in records if r["trang_thai"] == "chua_ro"]
    assert [r["ma"] for r in unclear] == ["trang-chu-ky"]
    assert "Keep with next" in unclear[0]["chua_ro"][0]


def test_a_broken_document_fails_the_command_and_names_the_row():
    file = CORPUS / next(n for n in EXPECTED if "hang-tieu-de-2" in n)
    result = CliRunner().invoke(cli, ["check", str(file)])
    assert result.exit_code == 1
    assert "phụ lục II, bảng 1 (phần 3, bảng 4), hàng 2" in result.output


def _hostile(tmp_path, name: str, edit) -> Path:
    document = docx.Document(str(CORPUS / next(n for n in EXPECTED if "du-thao-dung" in n)))
    edit(document)
    target = tmp_path / name
    document.save(str(target))
    return target


def _garbage_values(document) -> None:
    body = document.element.body
    next(body.iter(qn("w:sz"))).set(qn("w:val"), "mười bốn")
    next(body.iter(qn("w:gridSpan"))).set(qn("w:val"), "x")
    document.sections[0]._sectPr.find(qn("w:pgMar")).set(qn("w:left"), "lề")
    next(body.iter(qn("w:ind"))).set(qn("w:firstLine"), "")


def _empty_tables(document) -> None:
    for table in document.tables:
        for row in table._tbl.findall(qn("w:tr")):
            table._tbl.remove(row)


def _empty_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


@pytest.mark.parametrize("edit", [_garbage_values, _empty_tables, _empty_body])
def test_odd_files_are_judged_without_a_crash(tmp_path, edit):
    target = _hostile(tmp_path, f"{edit.__name__}.docx", edit)
    result = CliRunner().invoke(cli, ["check", str(target)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "KHÔNG ĐẠT" in result.output
