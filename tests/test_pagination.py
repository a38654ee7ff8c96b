"""Pages as the Văn phòng sees them: the signature never stands on a page without body text.

Each case builds the notice from a copy of the shipped data whose template has a body of
another length (paragraphs added) or whose recipient list is longer, converts every case in
one LibreOffice run and reads the PDF's text page by page.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from datetime import date

import docx
import pytest

from generator.archive.build import build
from generator.archive.issuing import issue
from generator.convert.pdf import to_pdf
from generator.kinds.templates import TEMPLATE_FILE, shipped

from .conftest import SHIPPED

LAST_BODY_WORDS = "nghiêm túc thực hiện./."
EXTRA_PARAGRAPHS = (-3, -1, 0, 1, 2, 3, 4, 5, 6, 8, 11)


def _pages(pdf) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def _signature_page(pages: list[str]) -> str:
    found = [page for page in pages if "Nơi nhận:" in page]
    assert len(found) == 1, "«Nơi nhận:» should be on exactly one page"
    return found[0]


def _body_lines(page: str) -> list[str]:
    """Lines of the page above «Nơi nhận:» (the page number and «DỰ THẢO» left out)."""
    above = page.split("Nơi nhận:")[0].splitlines()
    return [
        ln.strip() for ln in above if ln.strip() and not re.fullmatch(r"\d+|DỰ THẢO", ln.strip())
    ]


def _template_with_body(target, extra: int) -> None:
    """The shipped template with ``extra`` copies of a two-line body paragraph, or with
    ``-extra`` paragraphs before the last one removed."""
    document = docx.Document(str(shipped(TEMPLATE_FILE)))
    model = next(p for p in document.paragraphs if p.text.startswith("Lưu ý:"))
    for _ in range(extra):
        model._p.addprevious(copy.deepcopy(model._p))
    for _ in range(-extra):
        removed = model._p.getprevious() if model._p.getprevious() is not None else None
        model._p.getparent().remove(model._p)
        model = docx.text.paragraph.Paragraph(removed, None)
    document.save(str(target))


def _longer_recipients(metadata_file, count: int) -> None:
    text = metadata_file.read_text(encoding="utf-8")
    old = '    "Các đơn vị giáo dục (để t/h)",\n'
    assert old in text
    more = "".join(f'    "Trường THPT số {n} (để t/h)",\n' for n in range(1, count + 1))
    metadata_file.write_text(text.replace(old, old + more), encoding="utf-8")


@pytest.fixture(scope="module")
def signature_pages(tmp_path_factory):
    """For each case, the text of every page of its PDF (one LibreOffice run for all)."""
    root = tmp_path_factory.mktemp("pagination")
    cases = {}
    for extra in EXTRA_PARAGRAPHS:
        folder = root / f"than-{extra:02d}" / "2023-06-23"
        shutil.copytree(SHIPPED, folder)
        _template_with_body(folder / TEMPLATE_FILE, extra)
        cases[f"{extra} đoạn thêm"] = build(folder, folder.parent / "out").output
    folder = root / "noi-nhan" / "2023-06-23"
    shutil.copytree(SHIPPED, folder)
    _longer_recipients(folder / "thong-bao.toml", 8)
    cases["8 nơi nhận thêm"] = build(folder, folder.parent / "out").output
    shipped_draft = build(SHIPPED, root / "shipped")
    cases["dữ liệu kèm theo"] = shipped_draft.output
    cases["bản ban hành"] = issue(shipped_draft.version.path, 5, date(2023, 7, 4)).output
    copies = []
    for index, (name, path) in enumerate(cases.items()):
        target = root / "pdf" / f"{index:02d}.docx"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(path.read_bytes())
        copies.append((name, target))
    pdfs = to_pdf([target for _, target in copies])
    return {name: _pages(pdf) for (name, _), pdf in zip(copies, pdfs, strict=True)}


def test_the_signature_page_always_has_body_text(signature_pages):
    for name, pages in signature_pages.items():
        page = _signature_page(pages)
        lines = _body_lines(page)
        assert lines, f"{name}: the page of «Nơi nhận» has no body text"
        assert LAST_BODY_WORDS in " ".join(" ".join(lines).split()), name


def test_the_cases_end_the_body_on_different_pages(signature_pages):
    """The cases do move the signature across a page break (else the test proves nothing)."""
    pages_of_signature = {
        name: next(n for n, page in enumerate(pages) if "Nơi nhận:" in page)
        for name, pages in signature_pages.items()
    }
    assert set(pages_of_signature.values()) >= {0, 1}, pages_of_signature
    alone = [
        name
        for name, pages in signature_pages.items()
        if "Nơi nhận:" not in pages[0] and len(_body_lines(_signature_page(pages))) <= 3
    ]
    assert alone, "no case brings only the last lines of the body to the signature page"
