"""The corpus of bad inputs in tests/data/bad: each gets its message, its exit code, no output.

Every case folder is laid over a copy of data/2023-06-23; case.toml gives the
exit code, the parts of the message the clerk must read, extra arguments and
files to remove first.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import cli

from .conftest import SHIPPED

CORPUS = Path(__file__).parent / "data" / "bad"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def test_the_corpus_has_at_least_25_cases():
    assert len(CASES) >= 25


def _prepare(case: Path, tmp_path: Path) -> tuple[Path, dict]:
    expect = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    data = tmp_path / "2023-06-23"
    shutil.copytree(SHIPPED, data)
    for name in expect.get("remove", []):
        (data / name).unlink()
    for source in case.iterdir():
        if source.name != "case.toml":
            shutil.copyfile(source, data / source.name)
    return data, expect


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_build_refuses_with_a_message_naming_the_place_and_the_fix(case, tmp_path):
    data, expect = _prepare(case, tmp_path)
    out = tmp_path / "output"
    result = CliRunner().invoke(cli, ["build", str(data), "-o", str(out), *expect.get("args", [])])
    assert result.exit_code == expect["exit"], result.output
    message = result.stderr
    assert message.startswith("Lỗi: ")
    for part in expect["contains"]:
        assert part in message, f"{part!r} not in {message!r}"
    assert "Cách sửa" in message or "Cách cài" in message
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("*")), "nothing may be written"


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "mau" not in c.name],
    ids=[c.name for c in CASES if "mau" not in c.name],
)
def test_validate_says_the_same_and_writes_nothing(case, tmp_path):
    data, expect = _prepare(case, tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(cli, ["validate", str(data), *expect.get("args", [])])
    assert result.exit_code == expect["exit"]
    for part in expect["contains"]:
        assert part in result.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
