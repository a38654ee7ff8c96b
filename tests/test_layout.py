"""Tables, titles and rules as a clerk reads them on paper, and honest document properties."""

from __future__ import annotations

import re
import subprocess
import tomllib
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from generator.archive.build import build
from generator.archive.issuing import issue
from generator.kinds.templates import shipped

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    return build(SHIPPED, tmp_path_factory.mktemp("layout"), pdf=True)


def _words(pdf, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, xMax, word) of every word on the page."""
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out
    )
    return [(float(a), float(b), float(c), w) for a, b, c, w in found]


def _lines(words) -> list[str]:
    rows: dict[float, list[tuple[float, str]]] = {}
    for x_min, y_min, _, word in words:
        rows.setdefault(round(y_min), []).append((x_min, word))
    return [" ".join(w for _, w in sorted(row)) for _, row in sorted(rows.items())]


def _appendix_pages(pdf) -> dict[str, int]:
    count = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    total = int(re.search(r"Pages:\s+(\d+)", count.stdout).group(1))
    pages = {}
    for page in range(1, total + 1):
        words = _words(pdf, page)
        lines = _lines(words)
        heading = next((ln for ln in lines[:3] if ln.startswith("Phụ lục ")), None)
        if heading:
            pages[heading.split()[-1]] = page
    return pages


def test_figures_are_right_aligned_so_units_line_up(drafted):
    document = docx.Document(str(drafted.output))
    appendix_tables = document.tables[2:]
    assert len(appendix_tables) == 4
    for table in appendix_tables:
        for row in table.rows[2:-1]:
            number, name = row.cells[0].paragraphs[0], row.cells[1].paragraphs[0]
            assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER, number.text
            assert name.alignment == WD_ALIGN_PARAGRAPH.LEFT, name.text
            for cell in row.cells[2:]:
                text = cell.text.strip()
                if re.fullmatch(r"[\d.,]+", text):
                    assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, text
    # on paper: in PL II the learners' totals of two schools and of the total row end together
    page = _appendix_pages(drafted.pdf)["II"]
    words = _words(drafted.pdf, page)
    lines = {w: x_max for _, _, x_max, w in words}
    first_row = next(ln for ln in _lines(words) if ln.startswith("1 "))
    figure = first_row.split()[-6]
    total_page = _words(drafted.pdf, page + 2)
    total_line = [ln for ln in _lines(total_page) if ln.startswith("Tổng số")][-1]
    total_figure = total_line.split()[2]
    total_x = {w: x_max for _, _, x_max, w in total_page}[total_figure]
    assert abs(lines[figure] - total_x) < 1.0, (figure, total_figure)


def test_header_cells_take_at_most_three_lines(drafted):
    for numeral, page in _appendix_pages(drafted.pdf).items():
        words = _words(drafted.pdf, page)
        cut_off_line = min(y for _, y, _, w in words if w == "(Số")
        group = min(y for _, y, _, w in words if y > cut_off_line + 1)  # the table's first line
        first_row = min(y for x, y, _, w in words if w == "1" and y > group)
        second = sorted({round(y) for _, y, _, w in words if w == "2" and y > first_row})
        line = second[0] - first_row  # one table line, measured on the page
        header_lines = (first_row - group) / line - 1  # below the group line
        assert header_lines <= 3.2, (numeral, header_lines)


def test_appendix_titles_break_where_the_declaration_says(drafted):
    declared = tomllib.loads(shipped("phu-luc.toml").read_text(encoding="utf-8"))["phu_luc"]
    for spec, (numeral, page) in zip(declared, _appendix_pages(drafted.pdf).items(), strict=True):
        lines = _lines(_words(drafted.pdf, page))
        start = next(i for i, ln in enumerate(lines) if ln == f"Phụ lục {numeral}") + 1
        wanted = spec["tieu_de"].split("\n")
        assert len(wanted) == 2
        assert lines[start : start + len(wanted)] == wanted, numeral


def test_the_rule_under_the_subject_is_a_third_to_a_half_of_the_line(drafted):
    document = docx.Document(str(drafted.output))
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    paragraphs = document.paragraphs
    subject = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Về việc"))
    rule = paragraphs[subject + 1]
    assert rule._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None
    fmt = rule.paragraph_format
    length = text_width - fmt.left_indent - fmt.right_indent
    assert 1 / 3 <= length / text_width <= 1 / 2
    assert fmt.left_indent == fmt.right_indent  # centred under the line


def _app_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("docProps/app.xml").decode("utf-8")


def test_a_draft_is_dated_by_its_data_cut_off_and_named_by_vanban(drafted):
    document = docx.Document(str(drafted.output))
    core = document.core_properties
    cut_off_in_utc = datetime(2023, 6, 23, 4, 30, tzinfo=UTC)  # 11:30 in Vietnam
    assert core.created.replace(tzinfo=UTC) == cut_off_in_utc
    assert core.modified.replace(tzinfo=UTC) == cut_off_in_utc
    app = _app_xml(drafted.output)
    assert "<Application>vanban</Application>" in app
    assert "Microsoft" not in app and "<Pages>" not in app
    assert "Microsoft" not in _app_xml(shipped("mau-thong-bao.docx"))


def test_an_issued_copy_is_dated_by_its_issue_date(drafted):
    issued = issue(drafted.version.path, 7, date(2023, 7, 4))
    core = docx.Document(str(issued.output)).core_properties
    assert core.created.date() == core.modified.date() == date(2023, 7, 4)
    assert "<Application>vanban</Application>" in _app_xml(issued.output)


def test_docs_show_every_page_of_the_notice(drafted):
    """docs/ has a picture of each page of the shipped notice, and the README shows them all."""
    root = Path(__file__).resolve().parents[1]
    count = subprocess.run(["pdfinfo", str(drafted.pdf)], capture_output=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", count.stdout).group(1))
    pictures = sorted((root / "docs").glob("thong-bao-trang-*.png"))
    assert len(pictures) == pages
    readme = (root / "README.md").read_text(encoding="utf-8")
    for number in range(1, pages + 1):
        assert f"(docs/thong-bao-trang-{number}.png)" in readme
