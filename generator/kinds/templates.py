"""Find document kinds, their templates and declarations: a data folder's own copy wins.

Kinds live one folder each (``templates/<kind>/kind.toml`` with its Word template
and appendix declarations). They are looked up in the user's own ``templates/``
(current folder), then in the copy shipped with vanban.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..common.errors import InvalidData, MissingInput, Problem
from .declaration import DEFAULT_KIND, KIND_FILE, KindSpec, load_kind

TEMPLATE_FILE = "mau-thong-bao.docx"  # the notice's template (kept for the forms and tests)
_PACKAGED = Path(__file__).parents[1] / "_templates"  # inside an installed wheel
_SOURCE = Path(__file__).parents[2] / "templates"  # in a checkout / editable install


def _roots() -> list[Path]:
    roots = []
    for root in (Path.cwd() / "templates", _PACKAGED, _SOURCE):
        if root.is_dir() and all(root.resolve() != seen.resolve() for seen in roots):
            roots.append(root)
    return roots


def kind_names() -> list[str]:
    """Every kind found, each once (the user's own folder first)."""
    names: list[str] = []
    for root in _roots():
        for folder in sorted(root.iterdir()):
            if (folder / KIND_FILE).is_file() and folder.name not in names:
                names.append(folder.name)
    return names


def find_kind(name: str | None, where: str = "") -> KindSpec:
    """The declaration of kind ``name`` (the notice when None); unknown names are listed."""
    name = name or DEFAULT_KIND
    safe = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name) is not None  # a folder name, no path
    for root in _roots() if safe else []:
        declared = root / name / KIND_FILE
        if declared.is_file():
            return load_kind(declared)
    known = ", ".join(kind_names())
    fix = f"viết một trong: {known} (xem «vanban kinds»)."
    raise InvalidData([Problem(where or name, f"không có loại văn bản «{name}».", fix, key="loai")])


def all_kinds() -> list[KindSpec | InvalidData]:
    """Every kind's declaration, or the problems that make it unusable (listed, not raised)."""
    found: list[KindSpec | InvalidData] = []
    for name in kind_names():
        try:
            found.append(find_kind(name))
        except InvalidData as error:
            found.append(error)
    return found


def shipped(name: str) -> Path:
    """The shipped copy of ``name`` (template or declaration file), in any kind's folder."""
    for root in (_PACKAGED, _SOURCE):
        for folder in (root, *sorted(p for p in root.glob("*") if p.is_dir())):
            if (folder / name).is_file():
                return folder / name
    raise MissingInput(
        path=_SOURCE / name,
        what="tệp mẫu đi kèm chương trình",
        fix="cài lại vanban (pip install -e .) từ bản sao đầy đủ của dự án.",
    )


def resolve(data_dir: Path, name: str, kind: KindSpec | None = None) -> Path:
    """``data_dir/name`` when the clerk put an edited copy there, else the kind's own."""
    own = data_dir / name
    if own.is_file():
        return own
    if kind is not None and (kind.folder / name).is_file():
        return kind.folder / name
    return shipped(name)
