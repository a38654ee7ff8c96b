"""Where a round of forms lives, and the Sở's register of what was sent.

``output/<data folder>/`` holds, for one round:

- ``mau-bao-cao/``: the forms to send, and nothing else (``<office>/<unit>.xlsx``,
  ``.docx`` when asked, ``<office>.zip`` when asked);
- ``luu-tai-so/``: what stays at the Sở: ``danh-sach.csv`` (every sent file, its
  office, unit, form code, people and SHA-256), ``ma-dong.csv`` (per person: the
  form code, row key, STT, level, HS/NS; no name, no ID) and ``thong-bao.toml``;
- ``nhan-ve/``: where the Sở puts the forms units send back (``collect`` reads it);
- ``.khoa-mau-bao-cao``: the Sở's secret key for the row keys.

A unit is (managing office, unit name) everywhere; its form code is an HMAC of
both, so two «Trường Tiểu học Lê Lợi» in two districts are two forms.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..common.files import sha256, write_atomic
from ..common.tables import read_csv

FORMS_FOLDER = "mau-bao-cao"
KEPT_FOLDER = "luu-tai-so"
RETURNED_FOLDER = "nhan-ve"
REGISTER = "danh-sach.csv"
KEYS = "ma-dong.csv"
SECRET_FILE = ".khoa-mau-bao-cao"  # never inside the forms folder
REGISTER_HEADER = ("Tệp", "Đơn vị quản lý", "Đơn vị", "Mã mẫu", "Số người", "SHA-256")
KEYS_HEADER = ("Mã mẫu", "Mã dòng", "STT", "Cấp học", "Đối tượng")
FORM_SUFFIXES = (".xlsx", ".docx")


@dataclass(frozen=True)
class SentForm:
    file: str  # path inside the forms folder, with "/"
    office: str
    unit: str
    code: str
    people: int
    sha256: str


@dataclass(frozen=True)
class Person:
    code: str  # the unit's form code
    key: str
    number: int  # STT on the sent form
    level: str
    kind: str


@dataclass(frozen=True)
class Round:
    """The register of one round, read back for ``collect`` (and for ``forms`` itself)."""

    root: Path  # output/<data folder>
    sent: list[SentForm]
    people: list[Person]

    def units(self) -> dict[str, tuple[str, str]]:
        """Form code → (office, unit)."""
        return {form.code: (form.office, form.unit) for form in self.sent}


def keyed(secret: bytes, *parts: str) -> str:
    """An HMAC-SHA256 key of ``parts``: reveals nothing without ``secret``.

    A plain hash would not do for a person: with the first and last digits shown
    on the form, the million possible middles of a 12-digit ID could be tried in
    a second.
    """
    message = "\x1f".join(parts).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:16]


def forms_secret(root: Path) -> bytes:
    """The Sở's own key for a data folder's forms: made once, kept outside the forms folder
    (which is sent to units), reused so that regenerated forms keep their keys."""
    path = root / SECRET_FILE
    if not path.is_file():  # made once: of two runs at once, the first one's key is kept
        candidate = path.with_name(f"{SECRET_FILE}.{secrets.token_hex(8)}")
        write_atomic(candidate, secrets.token_bytes(32))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_bytes()


def read_round(root: Path) -> Round | None:
    """The register under ``root``, or None when ``forms`` has not been run there."""
    kept = root / KEPT_FOLDER
    if not (kept / REGISTER).is_file() or not (kept / KEYS).is_file():
        return None
    sent = [
        SentForm(
            r["Tệp"],
            r["Đơn vị quản lý"],
            r["Đơn vị"],
            r["Mã mẫu"],
            int(r["Số người"]),
            r["SHA-256"],
        )  # fmt: skip
        for r in read_csv(kept / REGISTER)
    ]
    people = [
        Person(r["Mã mẫu"], r["Mã dòng"], int(r["STT"]), r["Cấp học"], r["Đối tượng"])
        for r in read_csv(kept / KEYS)
    ]
    return Round(root, sent, people)


def changed_forms(folder: Path, known: set[tuple[str, str]]) -> list[str]:
    """Forms in ``folder`` whose (path, SHA-256) is not one of ``known``: filled ones."""
    if not folder.is_dir():
        return []
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.suffix.lower() in FORM_SUFFIXES
        and path.is_file()
        and (path.relative_to(folder).as_posix(), sha256(path)) not in known
    )
