"""Find the template and the appendix declarations: a data folder's own copy wins."""

from __future__ import annotations

from pathlib import Path

from ..common.errors import MissingInput

TEMPLATE_FILE = "mau-thong-bao.docx"
_PACKAGED = Path(__file__).parents[1] / "_templates"  # inside an installed wheel
_SOURCE = Path(__file__).parents[2] / "templates"  # in a checkout / editable install


def shipped(name: str) -> Path:
    """The shipped copy of ``name`` (template or declaration file)."""
    for folder in (_PACKAGED, _SOURCE):
        if (folder / name).is_file():
            return folder / name
    raise MissingInput(
        path=_SOURCE / name,
        what="tệp mẫu đi kèm chương trình",
        fix="cài lại vanban (pip install -e .) từ bản sao đầy đủ của dự án.",
    )


def resolve(data_dir: Path, name: str) -> Path:
    """``data_dir/name`` when the clerk put an edited copy there, else the shipped one."""
    own = data_dir / name
    return own if own.is_file() else shipped(name)
