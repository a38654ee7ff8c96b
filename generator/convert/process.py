"""Run an external program (LibreOffice, pdftoppm) in its own process group.

A program that runs past its time limit, fails, or is abandoned (vanban is
interrupted, another job of the same batch failed) is ended with its whole
process group: LibreOffice's ``soffice`` starts ``oosplash`` and ``soffice.bin``,
and killing only the first would leave ``soffice.bin`` running on a deleted
profile folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time

from ..common.errors import ToolFailed

_POLL_SECONDS = 0.05
_WINDOWS = os.name == "nt"


def start(command: list[str], **options) -> subprocess.Popen:
    """``command`` started in a new process group (a new session on POSIX)."""
    if _WINDOWS:
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        options["start_new_session"] = True
    return subprocess.Popen(command, **options)


def end_group(process: subprocess.Popen) -> None:
    """Kill ``process`` and every process of its group, then reap it."""
    if _WINDOWS:
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)],
            capture_output=True,
            check=False,
        )
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def run(
    command: list[str],
    limit: float,
    tool: str,
    cancel: threading.Event | None = None,
) -> None:
    """Run ``command`` to completion; ToolFailed (its group ended) on a time-out or failure.

    ``cancel`` set by another thread ends the program early (ToolFailed too).
    """
    process = start(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    reader.start()
    deadline = time.monotonic() + limit
    try:
        while True:
            try:
                process.wait(timeout=_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                pass
            if cancel is not None and cancel.is_set():
                raise ToolFailed(tool=tool, detail="đã dừng.", fix="chạy lại.")
            if time.monotonic() > deadline:
                raise ToolFailed(
                    tool=tool,
                    detail=f"không xong sau {limit:.0f} giây.",
                    fix=f"đóng các cửa sổ {tool} bị treo rồi chạy lại.",
                )
    finally:
        end_group(process)  # also the helpers a finished program may have left running
        reader.join(timeout=5)
    if process.returncode != 0:
        detail = b"".join(errors).decode("utf-8", "replace").strip()[-300:]
        raise ToolFailed(
            tool=tool,
            detail=f"báo lỗi ({detail or process.returncode}).",
            fix="chạy lại; nếu vẫn lỗi, gửi thông báo này cho người bảo trì.",
        )
