"""Redraw docs/thong-bao-trang-N.png: every page of the notice built from the shipped data.

Run from the repository root after changing the template (LibreOffice and Poppler needed)::

    PYTHONPATH=$PWD python docs/make_pictures.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.archive.build import build  # noqa: E402
from generator.archive.preview import preview  # noqa: E402

DOCS = ROOT / "docs"
PREFIX = "thong-bao-trang-"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vanban-docs-") as work:
        built = build(ROOT / "data" / "2023-06-23", Path(work), pdf=True)
        pages = preview(built.pdf, 60)
        for old in DOCS.glob(f"{PREFIX}*.png"):
            old.unlink()
        for number, page in enumerate(pages, start=1):
            shutil.copyfile(page, DOCS / f"{PREFIX}{number}.png")
    print(f"Đã vẽ {len(pages)} trang vào {DOCS}")


if __name__ == "__main__":
    main()
