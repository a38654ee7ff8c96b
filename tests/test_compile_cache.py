"""The compiled-template cache changes nothing in the document, only the time it takes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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
    # the notice's template compiled, its kind and appendix declarations checked
    assert sorted(p.suffix for p in entries) == [".loai", ".mau", ".phu-luc"]
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


def test_a_build_whose_template_and_declarations_were_read_before_imports_none_of_their_tools(
    tmp_path,
):
    cache = tmp_path / "cache"
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "VANBAN_CACHE": str(cache)}
    probe = (
        "import sys; from generator.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit as end:\n    code = end.code\n"
        "tools = {'docxtpl', 'docx', 'pydantic', 'babel'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & tools), code)"
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
        expected = "['docx', 'docxtpl', 'pydantic'] 0" if run == "cold" else "[] 0"  # never babel
        assert imported == expected, done.stderr


def test_a_declaration_changed_after_it_was_cached_is_checked_again(
    tmp_path, monkeypatch, data_copy
):
    from generator.common.errors import InvalidData
    from generator.kinds.appendices import load_declarations

    monkeypatch.setenv("VANBAN_CACHE", str(tmp_path / "cache"))
    declared = data_copy / "phu-luc.toml"
    declared.write_bytes((ROOT / "templates" / "thong-bao" / "phu-luc.toml").read_bytes())
    assert len(load_declarations(declared).appendices) == 4  # checked, then cached
    assert len(load_declarations(declared).appendices) == 4  # from the cache
    text = declared.read_text(encoding="utf-8")
    assert "\nbo_cuc = " in text
    declared.write_text(text.replace("\nbo_cuc = ", "\nbo_cuc_la = ", 1), encoding="utf-8")
    with pytest.raises(InvalidData) as raised:
        load_declarations(declared)
    assert "bo_cuc_la" in str(raised.value) and "mục lạ" in str(raised.value)
