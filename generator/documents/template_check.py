"""``vanban check-template``: compare a template's variables with what the data provides.

Reports, both ways, the variables the template uses that the data does not
provide and the fields the data provides that the template never uses, plus
tags Word has split across several runs (docxtpl joins them, but the value then
takes the formatting of the first run only), each with the paragraph or table
cell where it sits.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import nodes
from lxml import etree

from ..common.errors import TemplateProblem
from ..figures.checkup import check_folder
from .context import build_context, kind_context
from .render import make_environment, open_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")
_IGNORED_NAMES = {"loop", "range", "cycler", "joiner", "namespace", "dict", "lipsum"}
_ALIASES = ("pl.",)  # the same appendices as phu_luc[], by code


@dataclass
class TemplateReport:
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (variable, where)
    unused: list[str] = field(default_factory=list)
    split: list[tuple[str, str]] = field(default_factory=list)  # (tag, where)

    @property
    def ok(self) -> bool:
        return not self.unknown


def check_template(template: Path, context: dict[str, Any]) -> TemplateReport:
    """The report for ``template`` against a render context built from real data."""
    report = TemplateReport(split=_split_tags(template))
    used = _used_paths(template)
    provided = _provided_paths(context)
    for path, where in used:
        if not _known(path, provided):
            report.unknown.append((path, where))
    used_paths = [path for path, _ in used]
    report.unused = [
        p
        for p in sorted(provided)
        if not p.startswith(_ALIASES) and not any(_covers(u, p) for u in used_paths)
    ]
    return report


# --- tags split across runs ---------------------------------------------------------------


def _split_tags(template: Path) -> list[tuple[str, str]]:
    found = []
    with zipfile.ZipFile(template) as archive:
        for name in sorted(n for n in archive.namelist() if _PARTS.search(n)):
            root = etree.fromstring(archive.read(name))
            for paragraph, where in _located_paragraphs(root, name):
                found += [(tag, where) for tag in _split_in(paragraph)]
    return found


def _located_paragraphs(root, part: str):
    tables = {id(t): i for i, t in enumerate(root.iter(f"{W}tbl"), start=1)}
    prefix = "" if part == "word/document.xml" else f"{part}, "
    body_count = 0
    for paragraph in root.iter(f"{W}p"):
        cell = next(paragraph.iterancestors(f"{W}tc"), None)
        if cell is None:
            body_count += 1
            yield paragraph, f"{prefix}đoạn {body_count}"
            continue
        row, table = cell.getparent(), cell.getparent().getparent()
        rows = [child for child in table if child.tag == f"{W}tr"]
        cells = [child for child in row if child.tag == f"{W}tc"]
        where = (
            f"{prefix}bảng {tables.get(id(table), '?')}, hàng {rows.index(row) + 1}, "
            f"ô {cells.index(cell) + 1}"
        )
        yield paragraph, where


def _split_in(paragraph) -> list[str]:
    texts = [t.text or "" for t in paragraph.iter(f"{W}t")]
    joined = "".join(texts)
    bounds, start = [], 0
    for text in texts:
        bounds.append((start, start + len(text)))
        start += len(text)
    split = []
    for match in _TAG.finditer(joined):
        pieces = [b for b in bounds if b[0] < match.end() and b[1] > match.start() and b[0] != b[1]]
        if len(pieces) > 1:
            split.append(match.group(0))
    return split


# --- variables the template uses ------------------------------------------------------------


def _used_paths(template: Path) -> list[tuple[str, str]]:
    document = DocxTemplate(template)
    document.init_docx()
    sources = [document.patch_xml(document.get_xml())]
    sources += [document.patch_xml(xml) for _, xml in _headers(document)]
    environment = make_environment()
    used: list[tuple[str, str]] = []
    for source in sources:
        lined = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        lines = lined.split("\n")
        try:
            tree = environment.parse(lined)
        except jinja2.TemplateSyntaxError as error:
            where = _line_text(lines, error.lineno)
            raise TemplateProblem(
                template=template,
                detail=f"thẻ viết sai ({error.message}) ở {where}.",
                fix="sửa thẻ đó bằng Word.",
            ) from None

        def record(path: str, line: int, lines: list[str] = lines) -> None:
            used.append((path, _line_text(lines, line)))

        _Walker(record).visit(tree, {})
    return used


def _headers(document: DocxTemplate):
    for relation in document.docx.part.rels.values():
        if relation.reltype.endswith(("/header", "/footer")):
            yield relation.rId, relation.target_part.blob.decode("utf-8")


def _line_text(lines: list[str], number: int | None) -> str:
    if not number or number > len(lines):
        return "?"
    text = re.sub(r"<[^>]+>", "", lines[number - 1]).strip()
    return f"«{text[:60]}»" if text else f"dòng XML {number}"


class _Walker:
    """Collects the dotted paths of every variable an expression reads."""

    def __init__(self, record) -> None:
        self.record = record

    def visit(self, node: nodes.Node, scope: dict[str, str]) -> None:
        if isinstance(node, nodes.For):
            if self.path(node.iter, scope) is None:  # only the items read count as used
                self.visit(node.iter, scope)
            inner = dict(scope)
            base = self.path(node.iter, scope)
            for name in _target_names(node.target):
                inner[name] = f"{base}[]" if base else "?"
            for child in node.body + node.else_:
                self.visit(child, inner)
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path = self.path(node, scope)
            if path and path.split(".")[0].split("[")[0] not in _IGNORED_NAMES and path != "?":
                self.record(path, node.lineno)
            if isinstance(node, nodes.Getitem):
                self.visit(node.arg, scope)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def path(self, node: nodes.Node, scope: dict[str, str]) -> str | None:
        if isinstance(node, nodes.Name):
            return scope.get(node.name, node.name)
        if isinstance(node, nodes.Getattr):
            base = self.path(node.node, scope)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, nodes.Getitem):
            base = self.path(node.node, scope)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return f"{base}.{node.arg.value}" if base else None
            return f"{base}[]" if base else None
        if isinstance(node, nodes.Filter):
            return self.path(node.node, scope)
        return None


def _target_names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n.name for n in target.items if isinstance(n, nodes.Name)]
    return []


# --- what the data provides -----------------------------------------------------------------


def _provided_paths(context: dict[str, Any]) -> set[str]:
    paths: set[str] = set()
    _flatten(context, "", paths)
    return paths


def _flatten(value: Any, prefix: str, paths: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), paths)
    elif isinstance(value, list):
        if not value:
            paths.add(f"{prefix}[]")
        for item in value:
            _flatten(item, f"{prefix}[]", paths)
    else:
        paths.add(prefix)


def _covers(used: str, provided: str) -> bool:
    return provided == used or provided.startswith((f"{used}.", f"{used}["))


def _known(path: str, provided: set[str]) -> bool:
    if any(_covers(path, p) for p in provided):
        return True
    # an attribute of a leaf value (so_lieu.thoi_diem.year) is the value's own business
    return any(path.startswith(f"{p}.") for p in provided)


def template_report(template: Path, data_dir: Path) -> TemplateReport:
    """Check ``template`` against the context the data folder ``data_dir`` gives."""

    open_template(template)  # a missing or damaged file is a TemplateProblem, said once
    checkup = check_folder(data_dir)
    context = build_context(checkup.inputs.metadata, checkup.appendices, sector=checkup.sector)
    context.update(kind_context(checkup.inputs))
    return check_template(template, context)
