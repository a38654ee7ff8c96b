"""Shared fixtures: the shipped data folder and the notice built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from generator.archive.build import build
from generator.inputs.folder import load_inputs

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "2023-06-23"


@pytest.fixture(scope="session")
def shipped_inputs():
    return load_inputs(SHIPPED)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The notice built from the shipped data, as the clerk's command does."""
    return build(SHIPPED, tmp_path_factory.mktemp("output"))


@pytest.fixture(scope="session")
def document(built):
    return docx.Document(str(built.output))


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the shipped data folder that a test may edit."""
    target = tmp_path / "2023-06-23"
    shutil.copytree(SHIPPED, target)
    return target


def to_cp1258(text: str) -> bytes:
    """Text as Excel saves it in Windows-1258: precomposed where the code page has the
    letter (ê, ơ, ư, ă, đ), combining tone marks otherwise."""
    import unicodedata

    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in marks:  # fold the one mark the code page has a letter for (ê, ơ, ư, ă)
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and composed.encode("cp1258", "ignore"):
                base, marks = composed, [m for m in marks if m != mark]
                break
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)
