"""The báo cáo tổng hợp of `vanban collect` is a kind like any other: its template, its
context from collect's documented result, the notice's number and date cited."""

from __future__ import annotations

import json
import shutil
from datetime import date

import docx
import pytest

from generator.archive.build import build
from generator.archive.issuing import issue
from generator.forms.making import make_forms
from generator.forms.register import KEPT_FOLDER
from generator.forms.report import consolidate
from generator.inputs.synth import write_synthetic
from generator.kinds.templates import shipped

from .conftest import SHIPPED
from .test_forms import fill


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """Forms made, one left unreturned, the rest filled; the notice issued as number 05."""
    root = tmp_path_factory.mktemp("bao-cao")
    data = root / "ky-nay"
    write_synthetic(data, SHIPPED, scale=0.005, seed=2, fmt="csv")
    output = root / "out"
    draft = build(data, output)
    issue(draft.version.path, 5, date(2023, 6, 26))
    forms = make_forms(data, output, workers=1)
    paths = sorted(forms.folder.rglob("*.xlsx"))
    for path in paths[1:]:  # the first unit does not reply
        fill(path, forms.returned / path.relative_to(forms.folder))
    root = forms.folder.parent
    return root, consolidate(root, today=date(2023, 6, 26)), len(paths)


def _text(path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_report_cites_the_issued_notice(collected):
    folder, result, _ = collected
    report = next(p for p in result.outputs if p.suffix == ".docx")
    text = _text(report)
    assert "Thực hiện Thông báo số 05/TB-SGDĐT ngày 26 tháng 6 năm 2023" in text
    assert "/BC-SGDĐT" in text and "BÁO CÁO" in text


def test_the_result_file_holds_the_documented_fields_and_the_report_prints_them(collected):
    folder, result, forms = collected
    data = json.loads((folder / "tong-hop-bao-cao.json").read_text(encoding="utf-8"))
    assert sorted(data) == sorted(
        [
            "da_nhan",
            "day_du_hop_le",
            "chua_nop",
            "co_loi",
            "so_truong_hop",
            "theo_ly_do",
            "chi_tiet",
        ]
    )
    assert data["da_nhan"] == result.forms == forms - 1
    assert len(data["chua_nop"]) == 1 and data["chua_nop"][0]["don_vi_quan_ly"]
    assert data["so_truong_hop"] == sum(result.tally.values())
    assert sum(d["so_nguoi"] for d in data["chi_tiet"]) == data["so_truong_hop"]
    text = _text(next(p for p in result.outputs if p.suffix == ".docx"))
    assert f"đã nhận {data['da_nhan']} báo cáo" in text
    assert "Còn 1 đơn vị chưa nộp báo cáo" in text


def test_a_template_edited_in_word_next_to_the_forms_is_used(collected, tmp_path):
    folder, _, _ = collected
    copy = tmp_path / "ky-nay"
    shutil.copytree(folder, copy)
    template = docx.Document(str(shipped("mau-bao-cao-tong-hop.docx")))
    template.paragraphs[-1].insert_paragraph_before("Ghi chú riêng của Sở.")
    template.save(str(copy / KEPT_FOLDER / "mau-bao-cao-tong-hop.docx"))
    result = consolidate(copy, today=date(2023, 6, 26))
    assert "Ghi chú riêng của Sở." in _text(next(p for p in result.outputs if p.suffix == ".docx"))
