"""The package shows the engine: stages import only earlier stages; nothing is one province's."""

from __future__ import annotations

import ast
import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"
STAGES = (
    "common", "kinds", "inputs", "figures", "documents", "convert", "archive", "checks", "forms",
    "web", "cli",
)  # fmt: skip
PLACE_WORDS = ("Hải Phòng", "hpnet", "quận, huyện", "thành phố")


def _imported_stages(path: Path, package: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, stage) for every import of a generator subpackage in ``path``."""
    stage = path.relative_to(package).parts[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [stage]
        elif isinstance(node, ast.ImportFrom) and node.level == 2:
            names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
            names = [node.module.split(".")[1]]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[1] for a in node.names if a.name.startswith("generator.")]
        else:
            continue
        found += [(node.lineno, name) for name in names if name in STAGES]
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if len(p.relative_to(PACKAGE).parts) > 1)


def test_every_module_lives_in_a_known_stage():
    stray = [
        p.relative_to(PACKAGE) for p in _modules() if p.relative_to(PACKAGE).parts[0] not in STAGES
    ]
    assert stray == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_later_stage(path):
    stage = STAGES.index(path.relative_to(PACKAGE).parts[0])
    later = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for line, name in _imported_stages(path)
        if STAGES.index(name) > stage
    ]
    assert later == []


def test_the_import_check_sees_a_later_stage(tmp_path):
    module = PACKAGE / "inputs" / "folder.py"
    source = module.read_text(encoding="utf-8") + "\nfrom ..archive.versions import versions\n"
    fake = tmp_path / "generator" / "inputs" / "folder.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(source, encoding="utf-8")
    lines = source.splitlines()
    assert (len(lines), "archive") in _imported_stages(fake, tmp_path / "generator")


def _shipped_texts() -> list[tuple[str, str]]:
    texts = [
        (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")
    ]
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                xml = "".join(
                    archive.read(n).decode("utf-8")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
            texts.append((str(path.relative_to(ROOT)), re.sub(r"<[^>]+>", "", xml)))
        elif path.is_file():
            texts.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return texts


@pytest.mark.parametrize("word", PLACE_WORDS)
def test_no_place_word_in_the_engine_or_the_shipped_templates(word):
    found = [name for name, text in _shipped_texts() if word.casefold() in text.casefold()]
    assert found == [], f"«{word}» must come from the data folder's metadata, not from: {found}"


def test_the_place_word_check_reads_the_templates_text():
    names = [name for name, _ in _shipped_texts()]
    assert "templates/thong-bao/mau-thong-bao.docx" in names
    body = dict(_shipped_texts())["templates/thong-bao/mau-thong-bao.docx"]
    assert "{{ dia_ban.cap_tinh }}" in body and "Phụ lục" in body
