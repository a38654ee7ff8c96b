"""Hidden staging folders (``.dang-tao-*``) that a killed run never leaves behind for long.

A command that writes a whole folder writes it into a staging folder first and
renames it into place at the end. The staging folder holds a lock file locked
for as long as the run lives; the next run removes every staging folder whose
lock is free (its run was killed, even with ``kill -9``). Where file locks do
not exist (Windows), folders older than a day are removed instead.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

PREFIX = ".dang-tao-"
LOCK = ".dang-chay"
ABANDONED_AFTER = 24 * 3600


@contextmanager
def staging_folder(parent: Path) -> Iterator[Path]:
    """A new staging folder in ``parent``, removed on exit unless it was renamed away."""
    parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(parent)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
    folder.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the result is ordinary
    lock = open(folder / LOCK, "wb")  # noqa: SIM115 (held for the whole run)
    try:
        if fcntl is not None:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield folder
    finally:
        lock.close()
        if folder.exists():
            remove_tree(folder)


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Wait until no other run holds ``lock``, and hold it (no-op where locks do not exist)."""
    with open(lock, "ab") as stream:
        if fcntl is not None:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        yield


def finished(folder: Path) -> None:
    """Take the lock file out of a staging folder that is about to be renamed into place."""
    (folder / LOCK).unlink(missing_ok=True)


def remove_abandoned(parent: Path) -> None:
    """Staging folders in ``parent`` whose run is no longer alive."""
    for folder in parent.glob(f"{PREFIX}*"):
        if folder.is_dir() and _abandoned(folder):
            remove_tree(folder)


def _abandoned(folder: Path) -> bool:
    lock = folder / LOCK
    if fcntl is None or not lock.is_file():
        return folder.stat().st_mtime < time.time() - ABANDONED_AFTER
    try:
        with open(lock, "rb") as stream:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a live run holds it
    return True


def remove_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(stat.S_IRWXU)
    shutil.rmtree(folder, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
