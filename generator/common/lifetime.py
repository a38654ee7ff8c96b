"""Helper processes that end when the process that started them ends.

A worker that outlives its parent (``kill -9`` of vanban) keeps writing into a
staging folder and keeps its inherited lock on it, so the next run could not tell
the folder was abandoned. On Linux the kernel ends such a worker at once
(``PR_SET_PDEATHSIG``); elsewhere workers are started fresh (no inherited lock) and
abandoned folders are told by their age.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """In a worker: be killed when ``parent`` (the starting process's pid) ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)
