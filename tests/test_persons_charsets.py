"""One reader for every table: per-person exports in the charsets and delimiters Excel writes."""

from __future__ import annotations

import shutil

import docx
import pytest

from generator.archive.build import build
from generator.inputs.folder import load_inputs
from generator.inputs.synth import write_synthetic

from .conftest import SHIPPED, to_cp1258

KEY = ["don_vi", "cap_hoc", "don_vi_quan_ly"]


@pytest.fixture(scope="module")
def utf8(tmp_path_factory):
    folder = tmp_path_factory.mktemp("utf8") / "ky"
    write_synthetic(folder, SHIPPED, scale=0.01, seed=5, fmt="csv")
    return folder


def _variant(utf8, tmp_path, encode, delimiter):
    folder = tmp_path / "ky"
    shutil.copytree(utf8, folder)
    text = (utf8 / "ca-nhan.csv").read_text(encoding="utf-8-sig")
    if delimiter != ",":
        import csv
        import io

        rows = list(csv.reader(io.StringIO(text)))
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        text = out.getvalue()
    (folder / "ca-nhan.csv").write_bytes(encode(text))
    return folder


def _units(folder):
    return load_inputs(folder).units.sort_values(KEY).reset_index(drop=True)


def _visible(path):
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return [p.text for p in document.paragraphs], cells


@pytest.mark.parametrize(
    ("encode", "delimiter"),
    [
        (to_cp1258, ";"),
        (to_cp1258, ","),
        (lambda text: text.encode("utf-8"), ";"),
        (lambda text: text.encode("utf-16"), "\t"),
    ],
    ids=["cp1258-semicolon", "cp1258-comma", "utf8-semicolon", "utf16-tab"],
)
def test_exports_in_every_accepted_form_count_the_same(utf8, tmp_path, encode, delimiter):
    variant = _variant(utf8, tmp_path, encode, delimiter)
    assert _units(variant).equals(_units(utf8))


def test_a_windows_1258_semicolon_export_builds_the_same_notice(utf8, tmp_path):
    variant = _variant(utf8, tmp_path, to_cp1258, ";")
    same = build(utf8, tmp_path / "a").output
    other = build(variant, tmp_path / "b").output
    assert _visible(same) == _visible(other)


def test_a_problem_in_an_export_names_its_cell(utf8, tmp_path):
    from generator.common.errors import InvalidData

    folder = _variant(utf8, tmp_path, lambda text: text.encode("utf-8"), ";")
    export = folder / "ca-nhan.csv"
    lines = export.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(";")
    cells[5] = "Lớp 10"  # Cấp học, the 6th column (F)
    lines[2] = ";".join(cells)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidData) as raised:
        load_inputs(folder)
    (problem,) = raised.value.problems
    assert problem.cell == "F3"
    assert "cấp học «Lớp 10» không hợp lệ" in problem.message
