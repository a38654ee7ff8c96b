"""A disk cache of compiled templates, so a build does not redo what the template alone decides.

Before filling a template, its XML is cleaned (docxtpl's ``patch_xml``, some twenty
regular expressions) and Jinja compiles the result to Python code; both depend on
the template alone, and take most of a small build's time (with the import of
docxtpl and python-docx they need). The result is kept on disk, named by the
SHA-256 of the template's bytes and of everything else that shapes it (the
Python, Jinja and docxtpl versions, and vanban's own rendering code), so a build
with an unchanged template reuses it. The document's bytes are the same as without
the cache. Entries are written to a temporary file and renamed into place, so two
processes building at once never read a half-written entry; each entry starts with
the SHA-256 of its content, and an entry that does not match is recomputed.
``VANBAN_CACHE`` names the cache folder ("" turns the cache off).
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

_HERE = Path(__file__).parent
_SHAPING = ("fastdocx.py", "sandbox.py", "compile_cache.py")  # code whose change voids entries


def cache_folder() -> Path | None:
    """Where entries are kept: ``VANBAN_CACHE``, else the user's cache folder."""
    named = os.environ.get("VANBAN_CACHE")
    if named is not None:
        return Path(named) if named else None
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "vanban" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "vanban"


def _versions() -> str:
    """What else shapes an entry: Python, Jinja, the installed docxtpl (its cleaning code,
    found without importing it) and vanban's rendering code."""
    code = hashlib.sha256()
    for name in _SHAPING:
        code.update((_HERE / name).read_bytes())
    found = importlib.util.find_spec("docxtpl")
    if found is not None and found.origin:
        code.update(Path(found.origin).with_name("template.py").read_bytes())
    return f"{sys.version}|{jinja2.__version__}|{code.hexdigest()}"


def cached(kind: str, source: bytes, make: Callable[[], Any]) -> Any:
    """What ``make()`` returns for ``source`` (marshal-able), from the cache when it is there."""
    folder = cache_folder()
    if folder is None:
        return make()
    digest = hashlib.sha256(f"{kind}|{_versions()}".encode())
    digest.update(b"\0" + source)
    entry = folder / f"{digest.hexdigest()}.{kind}"
    stored = _read(entry)
    if stored is not None:
        try:
            return marshal.loads(stored)
        except (EOFError, ValueError, TypeError):
            pass
    value = make()
    _write(entry, marshal.dumps(value))
    return value


def _read(entry: Path) -> bytes | None:
    try:
        stored = entry.read_bytes()
    except OSError:
        return None
    check, data = stored[:32], stored[32:]
    return data if hashlib.sha256(data).digest() == check else None  # damaged: recompute


def _write(entry: Path, data: bytes) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tam-", dir=entry.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(hashlib.sha256(data).digest() + data)
        os.replace(temporary, entry)
    except OSError:  # a read-only or full disk: build without the cache
        pass
