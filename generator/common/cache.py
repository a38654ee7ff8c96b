"""A disk cache of what vanban derives from a file alone: compiled templates, checked declarations.

Filling a template starts with work that depends on the template alone (docxtpl's
XML clean-up and Jinja's compilation, which also need docxtpl and python-docx
imported); reading a declaration starts with checking it against its schema
(pydantic, imported for that alone). Each result is kept on disk, named by the
SHA-256 of the file's bytes and of the code that shapes the result (the Python
version and the source files the caller names), so an unchanged file costs one
read. Results are the same as without the cache. Entries are written to a
temporary file and renamed into place, so two processes at once never read a
half-written entry; each entry starts with the SHA-256 of its content, and an entry
that does not match is recomputed. ``VANBAN_CACHE`` names the cache folder ("" turns
the cache off).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def cache_folder() -> Path | None:
    """Where entries are kept: ``VANBAN_CACHE``, else the user's cache folder."""
    named = os.environ.get("VANBAN_CACHE")
    if named is not None:
        return Path(named) if named else None
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "vanban" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "vanban"


def cached(kind: str, source: bytes, make: Callable[[], Any], shaped_by: Iterable[Path]) -> Any:
    """What ``make()`` returns for ``source`` (a marshal-able value), from the cache when
    there; ``shaped_by`` are the source files of the code that makes it."""
    folder = cache_folder()
    if folder is None:
        return make()
    digest = hashlib.sha256(f"{kind}|{sys.version}".encode())
    for path in shaped_by:
        digest.update(b"\0" + path.read_bytes())
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
    except OSError:  # a read-only or full disk: work without the cache
        pass
