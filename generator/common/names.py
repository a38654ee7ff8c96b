"""File and folder names made from data (unit, office, version names): one slug for all.

A name from data becomes ASCII lower case with dashes: no diacritics ("đ" → "d"),
no control characters, no trailing dots or spaces, never a Windows device name
(``con``, ``aux``, ``com1`` …), at most :data:`MAX_LENGTH` characters. Names that
would still collide in one folder («Trường X», «Trường X.», «a-b», «A B») are told
apart by a suffix ``-2``, ``-3`` … given in the sorted order of the original
names, so the same set of names always gets the same file names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_LENGTH = 60  # leaves room for a suffix, an extension and a folder within 260 characters
FALLBACK = "don-vi"
_RESERVED = {"con", "prn", "aux", "nul", "clock$", "conin$", "conout$"}
_RESERVED |= {f"{device}{n}" for device in ("com", "lpt") for n in "0123456789¹²³"}


def slug(text: str, fallback: str = FALLBACK) -> str:
    """A safe file or folder name for ``text`` (not yet made unique)."""
    folded = unicodedata.normalize("NFC", str(text)).replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", folded)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    name = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    name = name[:MAX_LENGTH].rstrip("-") or fallback
    return f"{name}-0" if name in _RESERVED else name


def unique_slugs(texts: Iterable[str], fallback: str = FALLBACK) -> dict[str, str]:
    """A distinct safe name for each distinct text, deterministic whatever the input order."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for text in sorted(set(texts), key=lambda t: (slug(t, fallback), t)):
        base = slug(text, fallback)
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name)
        names[text] = name
    return names
