"""The shipped template: in step with the code that makes it, and valid for Word."""

from __future__ import annotations

import difflib
import zipfile

import pytest
from lxml import etree
from openxml_audit import OpenXmlValidator

from generator.documents import docx_xml
from generator.documents.template_maker import TEMPLATES
from generator.kinds.templates import shipped


def _normalised_parts(data_or_path) -> dict[str, str]:
    with zipfile.ZipFile(data_or_path) as archive:
        parts = {}
        for name in sorted(archive.namelist()):
            raw = archive.read(name)
            if name.endswith((".xml", ".rels")):
                tree = etree.fromstring(raw)
                parts[name] = etree.tostring(tree, method="c14n").decode("utf-8")
            else:
                parts[name] = raw.hex()
        return parts


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_committed_template_matches_the_code_that_makes_it(tmp_path, name):
    regenerated = tmp_path / name.replace("/", "-")
    regenerated.write_bytes(docx_xml.deterministic_bytes(TEMPLATES[name]()))
    committed = _normalised_parts(shipped(name))
    fresh = _normalised_parts(regenerated)
    assert sorted(committed) == sorted(fresh)
    for name, xml in fresh.items():
        if committed[name] != xml:
            diff = "\n".join(
                difflib.unified_diff(
                    committed[name].replace("><", ">\n<").splitlines(),
                    xml.replace("><", ">\n<").splitlines(),
                    "committed",
                    "regenerated",
                    lineterm="",
                )
            )
            pytest.fail(
                f"{name} differs; run: python -m generator.documents.template_maker templates\n"
                f"{diff[:3000]}"
            )


@pytest.mark.parametrize("which", [*sorted(TEMPLATES), "notice"])
def test_word_would_open_it(which, built):
    path = shipped(which) if which in TEMPLATES else built.output
    result = OpenXmlValidator().validate(str(path))
    assert result.is_valid, [str(error) for error in result.errors][:10]
