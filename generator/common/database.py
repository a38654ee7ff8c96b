"""The one SQLite database of an output root: issuing register, accounts, audit log.

Every part of vanban that keeps records beside the archive (``vanban issue``, ``vanban register``,
the web page) opens the same file through :func:`connect`, so two commands, two clerks or the CLI
and the web page running at once see one truth. Uniqueness is enforced by the database's own
constraints inside transactions, never by a check-then-write in Python.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import OutputProblem

DATABASE_NAME = "vanban.sqlite3"
BUSY_TIMEOUT_MS = 30_000


def database_path(output_root: Path) -> Path:
    """Where the database of ``output_root`` lives."""
    return output_root / DATABASE_NAME


def connect(output_root: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database of ``output_root`` in WAL mode.

    The connection is in autocommit mode (``isolation_level=None``): callers open their own
    ``BEGIN IMMEDIATE`` transactions where several statements must succeed or fail together.
    Each part of vanban creates its own tables with ``CREATE TABLE IF NOT EXISTS``.
    """
    path = database_path(output_root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError):  # cannot open or write: permissions, disk
            raise _unwritable(path, error) from error
        raise OutputProblem(
            path=path,
            detail=f"tệp cơ sở dữ liệu sổ đăng ký bị hỏng ({error}).",
            fix=f"đổi tên tệp {DATABASE_NAME} rồi chạy «vanban register»: sổ đăng ký số văn bản "
            "được lập lại từ các bản ban hành trong thư mục kết quả.",
        ) from error
    except (OSError, sqlite3.Error) as error:
        raise _unwritable(path, error) from error
    connection.row_factory = sqlite3.Row
    return connection


def _unwritable(path: Path, error: Exception) -> OutputProblem:
    return OutputProblem(
        path=path,
        detail=f"không mở được cơ sở dữ liệu sổ đăng ký ({error}).",
        fix="kiểm tra quyền ghi vào thư mục kết quả và chỗ trống trên đĩa.",
    )
