"""The issuing register: which number of which ký hiệu and year went to which draft.

One table in the output root's database (:mod:`generator.common.database`). The database's own
UNIQUE constraints on (ký hiệu, year, number) and on the source draft decide who gets a number:
:func:`reserve` inserts the row in one ``BEGIN IMMEDIATE`` transaction *before* the issued
version is written; :meth:`Reservation.confirm` records the issued version afterwards and
:meth:`Reservation.release` deletes the row if writing failed. Two commands, or a command and
the web page, racing for one number or one draft: exactly one insert succeeds, the other is
refused naming the holder.

A reservation whose process died (kill -9, power cut) is reconciled the next time someone asks
for that number or draft: if the archive holds the issued version it is recorded, otherwise the
reservation is dropped. When the register has never been filled (a new or deleted database,
an archive made before the register existed) it is rebuilt from the issued versions' manifests,
inside the same transaction, so no reservation can slip in between.
"""

from __future__ import annotations

import getpass
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..common.database import connect
from ..common.errors import OutputProblem, VersionProblem
from ..common.files import process_alive
from .versions import MANIFEST, Version, versions

RESERVED, ISSUED = "dang_ban_hanh", "da_ban_hanh"
MAX_NUMBER = 999_999  # a document number; SQLite and every register hold it
STALE_AFTER = 24 * 3600  # seconds: a reservation from another machine is abandoned after this

_SCHEMA = """
CREATE TABLE IF NOT EXISTS so_dang_ky (
    id INTEGER PRIMARY KEY,
    ky_hieu TEXT NOT NULL,
    nam INTEGER NOT NULL,
    so INTEGER NOT NULL CHECK (so >= 1),
    ngay_ban_hanh TEXT NOT NULL,
    du_thao TEXT NOT NULL,
    ban_hanh TEXT,
    trang_thai TEXT NOT NULL CHECK (trang_thai IN ('dang_ban_hanh', 'da_ban_hanh')),
    nguoi TEXT NOT NULL,
    may TEXT NOT NULL,
    tien_trinh INTEGER,
    thoi_gian TEXT NOT NULL,
    UNIQUE (ky_hieu, nam, so),
    UNIQUE (du_thao)
);
CREATE TABLE IF NOT EXISTS so_dang_ky_trang_thai (
    khoa TEXT PRIMARY KEY,
    gia_tri TEXT NOT NULL
);
"""
_FILLED = "da_dung_lai_tu_kho"


@dataclass(frozen=True)
class Entry:
    """One row of the register."""

    symbol: str  # ký hiệu, e.g. TB-SGDĐT
    year: int
    number: int
    issued_on: date
    draft: str  # "<data folder>/<vNNN>" relative to the output root
    issued: str | None  # the issued version, None while it is being written
    state: str  # RESERVED or ISSUED
    holder: str  # who asked: user@machine, or the web page's account
    machine: str
    process: int | None
    time: str

    def describe(self, output_root: Path) -> str:
        """Where the number went, for a clerk: the issued version, or who is issuing it."""
        if self.issued:
            return str(output_root / self.issued)
        return (
            f"dự thảo {output_root / self.draft} đang được ban hành "
            f"(bởi {self.holder}, từ {self.time})"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "ky_hieu": self.symbol,
            "nam": self.year,
            "so": self.number,
            "ngay_ban_hanh": self.issued_on.isoformat(),
            "du_thao": self.draft,
            "ban_hanh": self.issued,
            "trang_thai": self.state,
            "nguoi": self.holder,
            "thoi_gian": self.time,
        }


@dataclass
class Reservation:
    """A number held for one draft until :meth:`confirm` or :meth:`release`."""

    output_root: Path
    entry: Entry
    row_id: int

    def confirm(self, issued: Version) -> Entry:
        """Record the issued version that now holds the number."""
        key = version_key(issued.path)
        with _transaction(self.output_root) as connection:
            connection.execute(
                "UPDATE so_dang_ky SET ban_hanh = ?, trang_thai = ? WHERE id = ?",
                (key, ISSUED, self.row_id),
            )
        self.entry = _replace_issued(self.entry, key)
        return self.entry

    def release(self) -> None:
        """Give the number back: the issued version was not written."""
        with _transaction(self.output_root) as connection:
            connection.execute(
                "DELETE FROM so_dang_ky WHERE id = ? AND trang_thai = ?", (self.row_id, RESERVED)
            )


def version_key(path: Path) -> str:
    """How the register names a version: ``<data folder>/<vNNN>``."""
    return f"{path.parent.name}/{path.name}"


def reserve(
    output_root: Path,
    *,
    symbol: str,
    number: int,
    issued_on: date,
    draft: Path,
    holder: str | None = None,
) -> Reservation:
    """Hold ``number``/``symbol`` of ``issued_on``'s year for the draft at ``draft``.

    Raises :class:`VersionProblem` naming the holder when the number, or the draft, is taken.
    """
    if not 1 <= number <= MAX_NUMBER:
        raise VersionProblem(
            path=draft,
            detail=f"số văn bản {number} không hợp lệ.",
            fix=f"ghi số do hệ thống quản lý văn bản cấp, từ 1 đến {MAX_NUMBER}.",
        )
    entry = Entry(
        symbol=symbol,
        year=issued_on.year,
        number=number,
        issued_on=issued_on,
        draft=version_key(draft),
        issued=None,
        state=RESERVED,
        holder=holder or _who(),
        machine=socket.gethostname(),
        process=os.getpid(),
        time=datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    with _transaction(output_root) as connection:
        _fill_if_new(connection, output_root)
        taken = _holder(connection, output_root, entry)
        if taken is None:
            row_id = _insert(connection, entry)
    if taken is not None:  # refused after the transaction, so a reconciled row is kept
        raise _refusal(output_root, draft, entry, taken)
    return Reservation(output_root, entry, row_id)


def _holder(connection: sqlite3.Connection, output_root: Path, entry: Entry) -> Entry | None:
    """The row holding the entry's number or draft; abandoned reservations reconciled."""
    for taken in _conflicts(connection, entry):
        if _abandoned(taken):
            taken = _reconcile(connection, output_root, taken)
        if taken is not None:
            return taken
    return None


def _insert(connection: sqlite3.Connection, entry: Entry) -> int:
    cursor = connection.execute(
        "INSERT INTO so_dang_ky (ky_hieu, nam, so, ngay_ban_hanh, du_thao, ban_hanh,"
        " trang_thai, nguoi, may, tien_trinh, thoi_gian)"
        " VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        (
            entry.symbol,
            entry.year,
            entry.number,
            entry.issued_on.isoformat(),
            entry.draft,
            RESERVED,
            entry.holder,
            entry.machine,
            entry.process,
            entry.time,
        ),
    )
    return cursor.lastrowid


@contextmanager
def reserved(output_root: Path, **request) -> Iterator[Reservation]:
    """:func:`reserve`, released again if the block does not finish (error, Ctrl+C)."""
    reservation = reserve(output_root, **request)
    try:
        yield reservation
    except BaseException:
        reservation.release()
        raise


@dataclass(frozen=True)
class Listing:
    """The register, and whether it had to be rebuilt from the archive just now."""

    entries: list[Entry]
    rebuilt: bool
    clashes: list[str]  # issued versions the rebuild could not record (number or draft twice)


def listing(output_root: Path) -> Listing:
    """Every number in the register, by ký hiệu, year and number (rebuilt first if new)."""
    if not output_root.is_dir():  # nothing built yet: list nothing, create nothing
        return Listing([], False, [])
    with _transaction(output_root) as connection:
        filled = _fill_if_new(connection, output_root)
        rows = connection.execute("SELECT * FROM so_dang_ky ORDER BY ky_hieu, nam, so").fetchall()
    return Listing([_entry(row) for row in rows], filled is not None, filled or [])


def entries(output_root: Path) -> list[Entry]:
    """Every number in the register, by ký hiệu, year and number."""
    return listing(output_root).entries


def holder_of(output_root: Path, symbol: str, year: int, number: int) -> Entry | None:
    """Who holds ``number``/``symbol`` in ``year``, or None when it is free."""
    if not output_root.is_dir():
        return None
    with _transaction(output_root) as connection:
        _fill_if_new(connection, output_root)
        row = connection.execute(
            "SELECT * FROM so_dang_ky WHERE ky_hieu = ? AND nam = ? AND so = ?",
            (symbol, year, number),
        ).fetchone()
    return _entry(row) if row else None


def rebuild(output_root: Path) -> list[str]:
    """Refill the register from the issued versions' manifests; returns the clashes found."""
    with _transaction(output_root) as connection:
        connection.execute("DELETE FROM so_dang_ky_trang_thai WHERE khoa = ?", (_FILLED,))
        connection.execute("DELETE FROM so_dang_ky WHERE trang_thai = ?", (ISSUED,))
        return _fill_if_new(connection, output_root) or []


# --- inside a transaction -------------------------------------------------------------------


@contextmanager
def _transaction(output_root: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(output_root)
    try:
        connection.executescript(_SCHEMA)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        raise OutputProblem(
            path=output_root,
            detail=f"không ghi được sổ đăng ký số văn bản ({error}).",
            fix="kiểm tra quyền ghi vào thư mục kết quả và chỗ trống trên đĩa rồi chạy lại.",
        ) from error
    finally:
        connection.close()


def _fill_if_new(connection: sqlite3.Connection, output_root: Path) -> list[str] | None:
    """Fill the register from the archive once (a new or deleted database).

    Returns None when it was filled before, else the clashes met while filling.
    """
    done = connection.execute(
        "SELECT 1 FROM so_dang_ky_trang_thai WHERE khoa = ?", (_FILLED,)
    ).fetchone()
    if done:
        return None
    clashes = []
    for version in issued_versions(output_root):
        clash = _insert_issued(connection, version)
        if clash:
            clashes.append(clash)
    connection.execute(
        "INSERT INTO so_dang_ky_trang_thai (khoa, gia_tri) VALUES (?, ?)",
        (_FILLED, datetime.now().astimezone().isoformat(timespec="seconds")),
    )
    return clashes


def _insert_issued(connection: sqlite3.Connection, version: Version) -> str | None:
    manifest = version.manifest
    try:
        issued_on = date.fromisoformat(manifest["ngay_ban_hanh"])
        number, symbol = int(manifest["so"]), str(manifest["ky_hieu"])
    except (KeyError, TypeError, ValueError):
        return f"{version.path}: {MANIFEST} thiếu số, ký hiệu hoặc ngày ban hành, không ghi vào sổ."
    draft = f"{version.path.parent.name}/{manifest.get('tu_phien_ban') or version.name}"
    try:
        connection.execute(
            "INSERT INTO so_dang_ky (ky_hieu, nam, so, ngay_ban_hanh, du_thao, ban_hanh,"
            " trang_thai, nguoi, may, tien_trinh, thoi_gian)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', NULL, ?)",
            (
                symbol,
                issued_on.year,
                number,
                issued_on.isoformat(),
                draft,
                version_key(version.path),
                ISSUED,
                "(lấy lại từ kho phiên bản)",
                manifest.get("thoi_gian_tao") or "",
            ),
        )
    except sqlite3.IntegrityError:
        return (
            f"{version.path}: số {number:02d}/{symbol} năm "
            f"{issued_on.year} (hoặc dự thảo {draft}) đã có trong sổ, không ghi thêm."
        )
    return None


def _conflicts(connection: sqlite3.Connection, entry: Entry) -> list[Entry]:
    rows = connection.execute(
        "SELECT * FROM so_dang_ky WHERE (ky_hieu = ? AND nam = ? AND so = ?) OR du_thao = ?"
        " ORDER BY du_thao = ? DESC, id",  # the draft's own row first: the clearer refusal
        (entry.symbol, entry.year, entry.number, entry.draft, entry.draft),
    ).fetchall()
    return [_entry(row) for row in rows]


def _abandoned(entry: Entry) -> bool:
    """A reservation whose process is gone: it will never confirm or release."""
    if entry.state != RESERVED:
        return False
    if entry.machine == socket.gethostname() and entry.process is not None:
        return not process_alive(entry.process)
    try:
        age = datetime.now().astimezone() - datetime.fromisoformat(entry.time)
    except ValueError:
        return True
    return age.total_seconds() > STALE_AFTER


def _reconcile(connection: sqlite3.Connection, output_root: Path, entry: Entry) -> Entry | None:
    """An abandoned reservation: record its version if it was written, else drop it."""
    folder = output_root / entry.draft.split("/")[0]
    for version in versions(folder):
        manifest = version.manifest
        if version.issued and (
            f"{folder.name}/{manifest.get('tu_phien_ban')}" == entry.draft
            and manifest.get("so") == entry.number
        ):
            key = version_key(version.path)
            connection.execute(
                "UPDATE so_dang_ky SET ban_hanh = ?, trang_thai = ? WHERE du_thao = ?",
                (key, ISSUED, entry.draft),
            )
            return _replace_issued(entry, key)
    connection.execute(
        "DELETE FROM so_dang_ky WHERE du_thao = ? AND trang_thai = ?", (entry.draft, RESERVED)
    )
    return None


def _refusal(output_root: Path, draft: Path, wanted: Entry, taken: Entry) -> VersionProblem:
    if taken.draft == wanted.draft:
        if taken.issued:
            detail = (
                f"dự thảo này đã được ban hành thành {Path(taken.issued).name} "
                f"(số {taken.number:02d})."
            )
            fix = f"dùng bản đã ban hành trong {output_root / taken.issued}."
        else:
            detail = (
                f"dự thảo này đang được ban hành với số {taken.number:02d}/{taken.symbol} "
                f"(bởi {taken.holder}, từ {taken.time})."
            )
            fix = "chờ lệnh kia xong rồi xem «vanban register»."
        return VersionProblem(path=draft, detail=detail, fix=fix)
    return VersionProblem(
        path=draft,
        detail=f"số {wanted.number:02d}/{wanted.symbol} năm {wanted.year} đã dùng cho "
        f"{taken.describe(output_root)}.",
        fix="kiểm tra lại số do hệ thống quản lý văn bản cấp (xem «vanban register»).",
    )


# --- helpers --------------------------------------------------------------------------------


def issued_versions(output_root: Path) -> list[Version]:
    """Every issued version under ``output_root`` (all data folders)."""
    if not output_root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in output_root.iterdir() if p.is_dir()):
        found += [v for v in versions(folder) if v.issued]
    return found


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        symbol=row["ky_hieu"],
        year=row["nam"],
        number=row["so"],
        issued_on=date.fromisoformat(row["ngay_ban_hanh"]),
        draft=row["du_thao"],
        issued=row["ban_hanh"],
        state=row["trang_thai"],
        holder=row["nguoi"],
        machine=row["may"],
        process=row["tien_trinh"],
        time=row["thoi_gian"],
    )


def _replace_issued(entry: Entry, key: str) -> Entry:
    return Entry(**{**entry.__dict__, "issued": key, "state": ISSUED})


def _who() -> str:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "?"
    return f"{user}@{socket.gethostname()}"
