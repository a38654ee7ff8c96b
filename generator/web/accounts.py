"""Accounts, sessions and the audit log of the web page, in the output root's database.

Passwords are stored as argon2 hashes (argon2-cffi). A session is a random token in an
HttpOnly cookie; each session carries its own CSRF token. Roles: ``chuyen-vien`` (data, build,
forms, collection), ``van-thu`` (issue), ``lanh-dao`` (read). On 127.0.0.1 the page runs for
one local user who holds every role and never logs in.
"""

from __future__ import annotations

import secrets
import sqlite3
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..common.database import connect
from ..common.errors import AccountProblem

ROLES = {"chuyen-vien": "chuyên viên", "van-thu": "văn thư", "lanh-dao": "lãnh đạo"}
CAN = {
    "read": frozenset(ROLES),
    "data": frozenset({"chuyen-vien"}),
    "build": frozenset({"chuyen-vien"}),
    "forms": frozenset({"chuyen-vien"}),
    "issue": frozenset({"van-thu"}),
}
LOCAL_USER = "may-nay"
SESSION_HOURS = 10
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_users (
    name TEXT PRIMARY KEY, password TEXT NOT NULL, role TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS web_sessions (
    token TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, expires TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS web_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL,
    action TEXT NOT NULL, target TEXT NOT NULL, sha256 TEXT);
"""


@dataclass(frozen=True)
class User:
    name: str
    roles: frozenset[str]

    def may(self, action: str) -> bool:
        return bool(self.roles & CAN[action])

    @property
    def role_names(self) -> str:
        return ", ".join(ROLES[role] for role in ROLES if role in self.roles)


@dataclass(frozen=True)
class Session:
    token: str
    user: User
    csrf: str


LOCAL = User(LOCAL_USER, frozenset(ROLES))


def open_database(output_root: Path) -> sqlite3.Connection:
    """The output root's database with the web page's tables."""
    connection = connect(output_root)
    connection.executescript(_SCHEMA)
    return connection


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def add_user(output_root: Path, name: str, password: str, role: str) -> None:
    """Create an account; a taken name, an unknown role or a short password is refused."""
    name = unicodedata.normalize("NFC", name.strip())
    if role not in ROLES:
        raise AccountProblem(
            detail=f"vai trò «{role}» không có.", fix=f"chọn một trong: {', '.join(ROLES)}."
        )
    if not name or len(name) > 64 or any(ch.isspace() or ord(ch) < 32 for ch in name):
        raise AccountProblem(
            detail=f"tên đăng nhập «{name}» không dùng được.",
            fix="dùng tên liền, không dấu cách, tối đa 64 ký tự (ví dụ: nguyen.van.a).",
        )
    if name == LOCAL_USER:
        raise AccountProblem(detail=f"tên «{name}» dành cho máy này.", fix="chọn tên khác.")
    if len(password) < MIN_PASSWORD:
        raise AccountProblem(
            detail=f"mật khẩu quá ngắn (dưới {MIN_PASSWORD} ký tự).", fix="chọn mật khẩu dài hơn."
        )
    with closing(open_database(output_root)) as connection:
        try:
            connection.execute(
                "INSERT INTO web_users VALUES (?, ?, ?, ?)",
                (name, _HASHER.hash(password), role, _now().isoformat()),
            )
        except sqlite3.IntegrityError:
            raise AccountProblem(
                detail=f"tên đăng nhập «{name}» đã có.", fix="chọn tên khác."
            ) from None


def has_users(output_root: Path) -> bool:
    with closing(open_database(output_root)) as connection:
        return connection.execute("SELECT 1 FROM web_users LIMIT 1").fetchone() is not None


def log_in(output_root: Path, name: str, password: str) -> Session | None:
    """A new session when the name and password match, else None (same time either way)."""
    name = unicodedata.normalize("NFC", name.strip())
    with closing(open_database(output_root)) as connection:
        row = connection.execute("SELECT * FROM web_users WHERE name = ?", (name,)).fetchone()
        stored = row["password"] if row else _DUMMY
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        return _new_session(connection, User(name, frozenset({row["role"]})))


def local_session(output_root: Path) -> Session:
    """A session for the one local user (127.0.0.1, no login)."""
    with closing(open_database(output_root)) as connection:
        return _new_session(connection, LOCAL)


def _new_session(connection: sqlite3.Connection, user: User) -> Session:
    session = Session(secrets.token_urlsafe(32), user, secrets.token_urlsafe(32))
    expires = (_now() + timedelta(hours=SESSION_HOURS)).isoformat()
    connection.execute("DELETE FROM web_sessions WHERE expires <= ?", (_now().isoformat(),))
    connection.execute(
        "INSERT INTO web_sessions VALUES (?, ?, ?, ?)",
        (session.token, user.name, session.csrf, expires),
    )
    return session


def find_session(output_root: Path, token: str | None) -> Session | None:
    """The live session of ``token``, or None (expired, logged out, unknown)."""
    if not token:
        return None
    with closing(open_database(output_root)) as connection:
        row = connection.execute(
            "SELECT s.*, u.role FROM web_sessions s LEFT JOIN web_users u ON u.name = s.user "
            "WHERE s.token = ? AND s.expires > ?",
            (token, _now().isoformat()),
        ).fetchone()
    if row is None:
        return None
    if row["user"] == LOCAL_USER:
        return Session(token, LOCAL, row["csrf"])
    if row["role"] is None:  # the account was removed
        return None
    return Session(token, User(row["user"], frozenset({row["role"]})), row["csrf"])


def log_out(output_root: Path, token: str) -> None:
    with closing(open_database(output_root)) as connection:
        connection.execute("DELETE FROM web_sessions WHERE token = ?", (token,))


def audit(output_root: Path, user: User, action: str, target: str, digest: str | None) -> None:
    """Write one line of the audit log: who, when, what, the file's or version's sha256."""
    with closing(open_database(output_root)) as connection:
        connection.execute(
            "INSERT INTO web_audit (at, user, action, target, sha256) VALUES (?, ?, ?, ?, ?)",
            (_now().isoformat(), user.name, action, target, digest),
        )


def audit_log(output_root: Path, limit: int = 200) -> list[dict[str, str]]:
    """The latest audit lines, newest first."""
    with closing(open_database(output_root)) as connection:
        rows = connection.execute(
            "SELECT at, user, action, target, sha256 FROM web_audit ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
    return [dict(row) for row in rows]


_DUMMY = _HASHER.hash(secrets.token_hex(16))
