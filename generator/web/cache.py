"""Checks and comparisons the page shows again and again, remembered while their files stay.

A data folder's check is keyed by the name, size and modification time of every file in it
(an upload, a form save or the CLI changing a file makes a new key); a comparison of two
archived versions never changes (versions are frozen). Only results are kept, a few of each.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from ..archive.diff import Diff, diff
from ..common.errors import InvalidData
from ..figures.checkup import Checkup, check_folder

KEPT = 16
_LOCK = threading.Lock()
_CHECKS: OrderedDict[tuple, Checkup | InvalidData] = OrderedDict()
_DIFFS: OrderedDict[tuple, Diff] = OrderedDict()


def folder_key(folder: Path) -> tuple:
    """What changes when any file of ``folder`` changes (its own copy of a template too)."""
    stats = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and not path.name.startswith("."):
            stat = path.stat()
            stats.append((path.name, stat.st_size, stat.st_mtime_ns))
    return (str(folder.resolve()), tuple(stats))


def checked(data_dir: Path) -> Checkup:
    """``check_folder(data_dir)``, from memory when no file of the folder changed."""
    key = folder_key(data_dir)
    found = _get(_CHECKS, key)
    if found is None:
        try:
            found = check_folder(data_dir)
        except InvalidData as error:
            found = error
        _put(_CHECKS, key, found)
    if isinstance(found, InvalidData):
        raise found
    return found


def compared(before: Path, after: Path) -> Diff:
    """``diff(before, after)``; versions are frozen, data folders keyed like ``checked``."""
    key = tuple(
        str(side.resolve()) if (side / "manifest.json").is_file() else folder_key(side)
        for side in (before, after)
    )
    found = _get(_DIFFS, key)
    if found is None:
        found = diff(before, after)
        _put(_DIFFS, key, found)
    return found


def _get(store: OrderedDict, key: tuple):
    with _LOCK:
        if key in store:
            store.move_to_end(key)
            return store[key]
    return None


def _put(store: OrderedDict, key: tuple, value) -> None:
    with _LOCK:
        store[key] = value
        while len(store) > KEPT:
            store.popitem(last=False)
