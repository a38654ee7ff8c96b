"""The compiled-template cache changes nothing in the document, only the time it takes."""

from __future__ import annotations

import os
import subprocess
import sys

from generator.archive.build import build

from .conftest import ROOT, SHIPPED


def _docx(tmp_path, monkeypatch, name: str, cache) -> bytes:
    monkeypatch.setenv("VANBAN_CACHE", str(cache) if cache else "")
    return build(SHIPPED, tmp_path / name).output.read_bytes()


def test_documents_are_the_same_bytes_with_and_without_the_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    without = _docx(tmp_path, monkeypatch, "a", None)
    assert not cache.exists()
    cold = _docx(tmp_path, monkeypatch, "b", cache)
    entries = sorted(cache.iterdir())
    assert [p.suffix for p in entries] == [".mau"]  # the notice's template, compiled
    warm = _docx(tmp_path, monkeypatch, "c", cache)
    assert sorted(cache.iterdir()) == entries  # reused, nothing new
    for entry in entries:  # damaged entries are recomputed, never trusted
        entry.write_bytes(b"\x00garbage")
    damaged = _docx(tmp_path, monkeypatch, "d", cache)
    assert without == cold == warm == damaged


def test_two_builds_at_once_share_a_cold_cache(tmp_path):
    cache = tmp_path / "cache"
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "VANBAN_CACHE": str(cache)}
    command = [sys.executable, "-m", "generator", "build", str(SHIPPED), "-o"]
    runs = [
        subprocess.Popen(
            [*command, str(tmp_path / f"o{n}")],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(2)
    ]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    first, second = (next((tmp_path / f"o{n}").rglob("*.docx")).read_bytes() for n in range(2))
    assert first == second
    assert not list(cache.glob(".tam-*"))  # no half-written entry left


def test_a_build_with_the_template_compiled_before_imports_neither_docxtpl_nor_python_docx(
    tmp_path,
):
    cache = tmp_path / "cache"
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "VANBAN_CACHE": str(cache)}
    probe = (
        "import sys; from generator.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit as end:\n    code = end.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'docxtpl', 'docx'}), code)"
    )
    for run in ("cold", "warm"):
        done = subprocess.run(
            [sys.executable, "-c", probe, "build", str(SHIPPED), "-o", str(tmp_path / run)],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        imported = done.stdout.strip().splitlines()[-1]
        assert imported == ("['docx', 'docxtpl'] 0" if run == "cold" else "[] 0"), done.stderr
