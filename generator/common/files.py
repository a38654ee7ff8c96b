"""Write files so that a reader never sees half of one."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from pathlib import Path

from .errors import OutputProblem


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise OutputProblem(
            path=path,
            detail=error.strerror or str(error),
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
        raise OutputProblem(path=path, detail=error.strerror or str(error), fix=fix) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def saved_bytes(document) -> bytes:
    """What ``document.save`` writes (a .docx or .xlsx), with fixed zip entry times.

    python-docx and openpyxl stamp each entry with the current time; rewriting
    the zip with one fixed time, in the original order, makes equal content give
    equal bytes.
    """
    raw = io.BytesIO()
    document.save(raw)
    return fixed_zip(raw.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The zip ``data`` rewritten with one fixed time for every entry, in the same order."""
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(result, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return result.getvalue()
