"""Long appendix tables: split for LibreOffice's sake, invisible to the reader."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from generator.archive.build import build
from generator.documents import long_tables
from generator.documents.stream import finish_body


def _page_texts(pdf) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _with_extra_schools(data_copy, count: int) -> list[str]:
    table = data_copy / "don-vi.csv"
    with open(table, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    names = [f"THPT Thử Nghiệm {n:04d}" for n in range(1, count + 1)]
    rows += [
        [name, "THPT", "Sở GDĐT", "1000", str(n % 7), "50", str(n % 3)]
        for n, name in enumerate(names)
    ]
    with open(table, "w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(rows)
    (data_copy / "doi-chieu.toml").unlink(missing_ok=True)
    return names


def test_a_long_appendix_shows_every_row_once_and_the_header_on_every_page(
    data_copy, tmp_path, monkeypatch
):
    monkeypatch.setattr(long_tables, "MAX_ROWS", 60)
    names = _with_extra_schools(data_copy, 250)
    result = build(data_copy, tmp_path / "out", pdf=True)
    document = docx.Document(str(result.output))
    long = [
        t for t in document.tables if any("THPT Thử Nghiệm" in c.text for c in t.columns[1].cells)
    ]
    assert len(long) >= 5  # PL II (316 schools) went out as pieces of at most 60 rows
    assert all(len(t.rows) <= 60 + 2 for t in long)
    pages = _page_texts(result.pdf)
    text = "\n".join(pages)
    for name in names:
        assert len(re.findall(rf"\b{name}\b", text)) == 1, name
    appendix = text[text.index("Phụ lục II\n") : text.index("Phụ lục III\n")]
    numbers = [int(m) for m in re.findall(r"^ *(\d+) {2,}\S", appendix, re.M)]
    assert len(numbers) == 66 + 250
    assert numbers == list(range(1, len(numbers) + 1))  # in order, none repeated or lost
    school_pages = [page for page in pages if "THPT Thử Nghiệm" in page]
    assert len(school_pages) >= 5
    for page in school_pages:  # the two header rows, once, at the top of the page
        assert len(re.findall(r"^\s*STT\s+Đơn vị", page, re.M)) == 1
        assert page.count("CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN") == 1
        assert len(re.findall(r"Chưa đồng bộ\s+Tỉ lệ \(%\)", page)) == 2  # pupils, staff
        first = next(line for line in page.splitlines() if re.match(r"\s*\d+\s+THPT", line))
        assert page.index("STT") < page.index(first)


def _table(rows: int, merged_from: int | None = None):
    document = docx.Document()
    table = document.add_table(rows=rows + 1, cols=2)
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    table.cell(0, 0).text = "STT"
    for index in range(1, rows + 1):
        table.cell(index, 0).text = str(index)
    if merged_from is not None:
        table.cell(merged_from, 1).merge(table.cell(merged_from + 3, 1))
    return document


def _finished(document, max_rows: int, monkeypatch):
    """The document as a build leaves it: its body through the row-by-row finishing."""
    monkeypatch.setattr(long_tables, "MAX_ROWS", max_rows)
    saved = io.BytesIO()
    document.save(saved)
    finished, written = (
        finish_body(etree.tostring(document.element, encoding="unicode")),
        io.BytesIO(),
    )
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(written, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, finished.encode("utf-8") if name == "word/document.xml" else data)
    return docx.Document(written)


def test_short_tables_are_left_alone(monkeypatch):
    document = _finished(_table(40), 40, monkeypatch)
    assert len(document.tables) == 1
    assert len(document.tables[0].rows) == 41


def test_pieces_repeat_the_header_and_never_cut_a_merged_cell(monkeypatch):
    document = _finished(_table(100, merged_from=39), 40, monkeypatch)  # rows 39–42 merged
    pieces = document.tables
    assert len(pieces) == 3
    assert [p.cell(0, 0).text for p in pieces] == ["STT"] * len(pieces)
    bodies = [[r.cells[0].text for r in p.rows[1:]] for p in pieces]
    assert sum(bodies, []) == [str(n) for n in range(1, 101)]
    assert bodies[0][-1] == "42"  # the cut moved after the merged cell
    for piece in pieces:
        assert piece.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    separators = [t._tbl.getprevious() for t in pieces[1:]]
    assert all(
        s.tag == qn("w:p") and s.find(f".//{qn('w:pageBreakBefore')}") is not None
        for s in separators
    )
