"""Start-up: help pages and mistyped commands answer without loading heavy libraries,
and every help page is in Vietnamese."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.main import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "pandas", "pyarrow", "numpy", "openpyxl", "docx", "docxtpl", "rich", "babel", "jinja2",
    "python_calamine", "lxml", "generator.convert.pdf", "generator.convert.warm",
)  # fmt: skip

# Runs vanban with each argument list in one process, then reports which heavy modules
# were imported on the way.
_PROBE = """
import contextlib, io, json, sys
from generator.cli.main import cli
for args in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli.main(args, prog_name="vanban", standalone_mode=False)
        except SystemExit:
            pass
heavy = json.loads(sys.argv[2])
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def _imported_by(argument_lists: list[list[str]]) -> list[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    answer = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argument_lists), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        cwd=ROOT,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def test_help_pages_load_no_heavy_library():
    pages = [["--help"], *([name, "--help"] for name in COMMANDS)]
    assert _imported_by(pages) == []


def test_argument_errors_load_no_heavy_library():
    mistakes = [
        [],
        ["buil"],
        ["build"],
        ["build", "--pfd", "x"],
        ["issue", "x", "--so", "0", "--ngay", "2023-06-26"],
        ["issue", "x", "--so", "1", "--ngay", "26-06-2023"],
        ["pdf"],
        ["pdf", "a.docx", "--jobs", "0"],
        ["preview"],
    ]
    assert _imported_by(mistakes) == []


def test_the_probe_would_see_a_heavy_import():
    # the same probe on a command that does load pandas reports it
    assert "pandas" in _imported_by([["validate", str(ROOT / "data" / "2023-06-23")]])


# click's English words that must not reach a help page
ENGLISH = re.compile(
    r"Usage:|\[OPTIONS\]|COMMAND|\[ARGS\]|Options:|Commands:|default:|required|%Y|%d/"
    r"|Show this|\b(TEXT|INTEGER|FLOAT|PATH|RANGE|FILENAME|BOOLEAN)\b|x>="
)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_page_is_in_vietnamese(command):
    args = [command, "--help"] if command else ["--help"]
    result = CliRunner().invoke(cli, args, prog_name="vanban")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Cách dùng: vanban {command}".rstrip())
    assert "[TUỲ CHỌN]" in result.output.splitlines()[0]
    assert "Tuỳ chọn:" in result.output
    assert "Hiện hướng dẫn này rồi thoát." in result.output
    assert not ENGLISH.search(result.output), ENGLISH.search(result.output).group(0)


def test_the_main_help_names_commands_in_vietnamese():
    result = CliRunner().invoke(cli, ["--help"], prog_name="vanban")
    assert result.output.startswith("Cách dùng: vanban [TUỲ CHỌN] LỆNH [THAM SỐ]...")
    assert "Lệnh:" in result.output
    for name in COMMANDS:
        assert re.search(rf"^  {re.escape(name)} ", result.output, re.M)


def test_help_extras_are_translated():
    issue = " ".join(CliRunner().invoke(cli, ["issue", "--help"]).output.split())
    assert "--so SỐ" in issue and "--ngay NGÀY" in issue
    assert "[từ 1 trở lên; bắt buộc]" in issue
    synth = CliRunner().invoke(cli, ["synth", "--help"]).output
    assert "[mặc định: 2023]" in synth
