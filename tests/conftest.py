"""Shared fixtures: the shipped data folder and the notice built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from generator.build import build, load_inputs

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
