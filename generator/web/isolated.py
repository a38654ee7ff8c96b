"""Run a check of an uploaded file in a child process with memory and time limits.

A file sent through the page is hostile until proven otherwise: a sheet that inflates to
gigabytes or a reader that never ends must not take the page (one process for every clerk)
down with it. The child is forked from the server (the library is already imported), limited
with ``RLIMIT_AS`` and a deadline, and killed when it exceeds either; only plain data comes back.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import traceback
from collections.abc import Callable
from typing import Any

from ..common.errors import InvalidData, UploadRefused, VanbanError

LOG = logging.getLogger("vanban.web")
MEMORY = 3 * 1024**3  # bytes of address space for one check
SECONDS = 120.0


class Relayed(VanbanError):
    """A library error raised in the child, with its message and exit code unchanged."""

    def __init__(self, message: str, exit_code: int, about: str | None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.about = about  # the name of the file the error is about, when it says


def run(name: str, function: Callable[..., Any], *args: Any, memory: int = MEMORY,
        seconds: float = SECONDS) -> Any:  # fmt: skip
    """``function(*args)`` in a limited child; its library errors are raised here again."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, memory, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise _refused(name, f"kiểm tra quá {seconds:.0f} giây, đã dừng.")
        kind, value = receiver.recv()
    except EOFError:
        raise _refused(name, "tệp làm chương trình hết bộ nhớ khi đọc, đã dừng.") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if kind == "ok":
        return value
    if kind == "invalid":
        raise InvalidData(value)
    if kind == "vanban":
        raise Relayed(*value)
    LOG.error("checking an uploaded %s failed in the child:\n%s", name, value)
    raise _refused(name, "không đọc được tệp này.")


def _refused(name: str, detail: str) -> UploadRefused:
    return UploadRefused(
        name=name,
        detail=detail,
        fix="mở tệp bằng Excel (hoặc Notepad với tệp .toml), lưu lại rồi gửi lại; "
        "tệp rất lớn thì chia nhỏ.",
    )


def _child(sender, memory: int, function: Callable[..., Any], args: tuple) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        sender.send(("ok", function(*args)))
    except InvalidData as error:
        sender.send(("invalid", error.problems))
    except VanbanError as error:
        about = getattr(error, "path", None) or getattr(error, "template", None)
        sender.send(("vanban", (str(error), error.exit_code, getattr(about, "name", None))))
    except MemoryError:
        pass  # the parent reads EOF and says the file needs too much memory
    except BaseException:
        sender.send(("crash", traceback.format_exc()))
    finally:
        sender.close()
