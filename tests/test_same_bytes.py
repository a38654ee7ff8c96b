"""Same inputs, same bytes: every .xlsx (and the report .docx) vanban writes, made twice."""

from __future__ import annotations

import shutil
import time
from datetime import date

from click.testing import CliRunner

from generator.archive.build import build
from generator.cli.main import cli
from generator.forms.making import make_forms
from generator.forms.report import consolidate
from generator.inputs.synth import write_synthetic

from .conftest import SHIPPED


def _files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.xlsx"))}


def _everything(data, out, tag: str) -> dict[str, bytes]:
    """The diff workbook, the unit forms and the consolidated workbook, made once."""
    first = build(SHIPPED, out).version.path
    compared = out / f"so-sanh-{tag}.xlsx"
    result = CliRunner().invoke(cli, ["diff", str(first), str(data), "--xlsx", str(compared)])
    assert result.exit_code == 0, result.stderr
    made = make_forms(data, out, workers=1)
    collected = consolidate(made.folder.parent, date(2023, 7, 1))
    files = {"so-sanh.xlsx": compared.read_bytes(), **_files(made.folder)}
    files.update({path.name: path.read_bytes() for path in collected.outputs})
    for folder in (made.folder, made.kept):  # the next run starts afresh (the key stays)
        shutil.move(folder, out / f"{folder.name}-{tag}")
    return files


def test_every_workbook_is_byte_identical_when_made_again(tmp_path):
    data = tmp_path / "2023-06-23"
    write_synthetic(data, SHIPPED, scale=0.002, seed=7, fmt="csv")
    out = tmp_path / "out"
    before = _everything(data, out, "a")
    time.sleep(2.1)  # zip entries keep time in 2-second steps: a later save would show
    after = _everything(data, out, "b")
    assert "tong-hop-bao-cao.xlsx" in before and len(before) > 3
    assert before.keys() == after.keys()
    differing = [name for name in before if before[name] != after[name]]
    assert differing == []
