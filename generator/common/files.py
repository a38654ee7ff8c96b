"""Write files so that a reader never sees half of one.

Single files go through :func:`write_atomic`; a folder of results (a version, the unit
forms) is assembled in a staging folder from :func:`staging` and renamed into place. A
staging folder is named after its machine and process, so a later run removes those
whose process is gone (kill -9, power cut) at once, and any older than a day.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import shutil
import socket
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from .errors import OutputProblem

STAGING_PREFIX = ".dang-tao-"
ABANDONED_AFTER = 24 * 3600  # seconds; no run keeps a staging folder this long
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # every entry of every .docx/.xlsx vanban writes
_CORE = "docProps/core.xml"
_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")
_STAGING = re.compile(rf"^{re.escape(STAGING_PREFIX)}(?P<host>.+)-(?P<pid>\d+)-[^-]+$")


_REASONS = {
    errno.ENOSPC: "đĩa đã đầy",
    errno.EDQUOT: "đã dùng hết dung lượng được cấp trên đĩa",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "ổ đĩa hoặc thư mục chỉ cho đọc",
    errno.ENOENT: "không có thư mục này",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EISDIR: "đường dẫn là một thư mục, không phải tệp",
    errno.EEXIST: "đã có tệp hoặc thư mục trùng tên",
    errno.EBUSY: "tệp đang được chương trình khác dùng",
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
}


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in Vietnamese (with the system's words after it)."""
    reason = _REASONS.get(error.errno)
    system = error.strerror or type(error).__name__
    return f"{reason} ({system})." if reason else f"{system}."


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise OutputProblem(
            path=path,
            detail=os_reason(error),
            fix="chọn thư mục khác bằng --output, hoặc kiểm tra quyền ghi.",
        ) from None
    try:
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the result is an ordinary file
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        fix = "đóng tệp nếu đang mở trong Word rồi chạy lại, hoặc chọn thư mục khác bằng --output."
        raise OutputProblem(path=path, detail=os_reason(error), fix=fix) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stable_zip(data: bytes, stamp: datetime | None = None) -> bytes:
    """An Office file (.docx, .xlsx) rewritten so that equal content gives equal bytes.

    Every zip entry gets one fixed time and mode, in the original order; with ``stamp`` the
    document's created and modified dates (``docProps/core.xml``) are set to it, since some
    writers (openpyxl) stamp the time of saving there.
    """
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii") if stamp else b""
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(result, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if stamp is not None and info.filename == _CORE:
                content = _STAMPS.sub(lambda m: m[1] + when + m[2], content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return result.getvalue()


def sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes, read in chunks (a country's export is gigabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def staging(parent: Path) -> Iterator[Path]:
    """A new private folder in ``parent`` to assemble results in; removed on the way out
    unless it was renamed into place. Abandoned staging folders of earlier runs go first."""
    folder = new_staging(parent)
    try:
        yield folder
    finally:
        if folder.exists():
            remove_tree(folder)


def new_staging(parent: Path) -> Path:
    """A new staging folder in ``parent`` (the caller removes it); see :func:`staging`."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(parent)
        prefix = f"{STAGING_PREFIX}{_host()}-{os.getpid()}-"
        return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    except OSError as error:
        raise OutputProblem(
            path=parent,
            detail=os_reason(error),
            fix="kiểm tra quyền ghi và chỗ trống trên đĩa, hoặc chọn thư mục khác bằng --output.",
        ) from None


def remove_abandoned(parent: Path) -> list[Path]:
    """Remove staging folders in ``parent`` left by runs that ended without cleaning up."""
    removed = []
    for folder in parent.glob(f"{STAGING_PREFIX}*"):
        try:
            if folder.is_dir() and _abandoned(folder):
                remove_tree(folder)
                removed.append(folder)
        except OSError:  # another run removed it first, or it is not ours to remove
            continue
    return removed


def _abandoned(folder: Path) -> bool:
    match = _STAGING.match(folder.name)
    if match and match["host"] == _host():
        return not process_alive(int(match["pid"]))
    return folder.stat().st_mtime < time.time() - ABANDONED_AFTER


def remove_tree(folder: Path) -> None:
    """Remove ``folder`` even where its files were made read-only."""
    for path in folder.rglob("*"):
        try:
            path.chmod(stat.S_IRWXU)
        except OSError:
            continue
    shutil.rmtree(folder, ignore_errors=True)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", socket.gethostname()) or "may"


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine is running."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        import ctypes

        synchronize, wait_timeout = 0x00100000, 0x102
        kernel = ctypes.windll.kernel32
        handle = kernel.OpenProcess(synchronize, False, pid)
        if not handle:
            return False
        try:
            return kernel.WaitForSingleObject(handle, 0) == wait_timeout
        finally:
            kernel.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
