"""The document's information as a form: read from and written back to its TOML file.

The TOML file (``thong-bao.toml`` or ``van-ban.toml``) stays the stored form: it is edited with
tomlkit, so the clerk's comments and layout survive, then checked exactly as ``vanban build``
checks it before it replaces the file. The fields, their types and their Vietnamese labels are
the ones the folder's document kind declares (``[[truong]]`` in its ``kind.toml``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import tomlkit

from ..common.errors import InvalidData, MissingInput, Problem
from ..common.files import write_atomic
from ..kinds.declaration import MetadataField
from ..kinds.metadata import METADATA_FILE, find_metadata, kind_of, load_metadata

# How each declared type is typed in the form.
_INPUTS = {
    "chu": "text",
    "danh_sach": "lines",
    "ngay_gio": "datetime",
    "ngay": "date",
    "so_nguyen": "integer",
    "so_thuc": "number",
}


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str  # text | lines | datetime | date | integer | number
    required: bool
    value: str  # as shown in the input
    problem: str = ""

    @property
    def input_id(self) -> str:
        return "f-" + self.key.replace(".", "-")


def metadata_path(data_dir: Path) -> Path:
    """The folder's information file (a new folder gets ``thong-bao.toml``)."""
    try:
        return find_metadata(data_dir)
    except MissingInput:
        return data_dir / METADATA_FILE


def declared_fields(data_dir: Path) -> list[MetadataField]:
    path = metadata_path(data_dir)
    if path.is_file():
        return list(kind_of(path).truong)
    from ..kinds.templates import find_kind

    return list(find_kind(None).truong)


def form_fields(
    data_dir: Path, typed: dict[str, str] | None = None, problems=()
) -> list[FormField]:
    """The form's fields with the file's values (or what was typed) and their problems."""
    document = _document(data_dir)
    by_key = {p.key: str(p) for p in problems if p.key}
    fields = []
    for field in declared_fields(data_dir):
        kind = _INPUTS[field.kieu]
        value = typed[field.khoa] if typed is not None else _shown(_get(document, field), kind)
        fields.append(
            FormField(
                field.khoa,
                field.nhan[:1].upper() + field.nhan[1:],
                kind,
                field.bat_buoc,
                value,
                by_key.get(field.khoa, ""),
            )
        )
    return fields


def save_form(data_dir: Path, typed: dict[str, str]) -> None:
    """Write the typed values into ``thong-bao.toml`` when the result passes the checks."""
    document = _document(data_dir)
    path = metadata_path(data_dir)
    problems = []
    for field in declared_fields(data_dir):
        value, problem = _parsed(field.khoa, _INPUTS[field.kieu], typed.get(field.khoa, ""), path)
        if problem:
            problems.append(problem)
            continue
        section, name = field.khoa.split(".", 1)
        table = document.setdefault(section, tomlkit.table())
        if value is None:
            table.pop(name, None)
        elif name in table:
            if _plain(table[name]) != _plain(value):
                table[name] = _keep_comment(table[name], value)
        else:
            table[name] = value
    if problems:
        raise InvalidData(problems)
    text = tomlkit.dumps(document).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="vanban-web-") as work:
        trial = Path(work) / path.name
        trial.write_bytes(text)
        load_metadata(trial)  # raises InvalidData naming each key
    write_atomic(path, text)


def _document(data_dir: Path) -> tomlkit.TOMLDocument:
    path = metadata_path(data_dir)
    if not path.is_file():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, tomlkit.exceptions.TOMLKitError):
        load_metadata(path)  # raises the reader's own message (encoding, line of the error)
        raise


def _get(document: tomlkit.TOMLDocument, field: MetadataField):
    section, name = field.khoa.split(".", 1)
    table = document.get(section)
    return table.get(name) if isinstance(table, dict) else None


def _shown(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "lines" and isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if kind == "datetime" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return str(value)


_PARSERS = {
    "datetime": (
        lambda text: datetime.fromisoformat(text).replace(second=0, microsecond=0),
        "ngày giờ",
        "chọn ngày và giờ, ví dụ 2023-06-23 11:30.",
    ),
    "date": (date.fromisoformat, "ngày", "chọn ngày, ví dụ 2023-06-30."),
    "integer": (int, "số nguyên", "ghi một số nguyên, ví dụ 5."),
    "number": (lambda text: float(text.replace(",", ".")), "số", "ghi một số, ví dụ 2,5."),
}


def _parsed(key: str, kind: str, text: str, path: Path):
    text = text.strip()
    if not text:
        return None, None
    if kind == "lines":
        array = tomlkit.array()
        array.extend(line.strip() for line in text.splitlines() if line.strip())
        array.multiline(len(array) > 2)
        return array, None
    if kind in _PARSERS:
        parse, what, fix = _PARSERS[kind]
        try:
            return parse(text), None
        except ValueError:
            return None, Problem(path.name, f"«{text}» không phải {what}.", fix, key=key)
    return text, None


def _plain(value):
    return value.unwrap() if hasattr(value, "unwrap") else value


def _keep_comment(old, value):
    """``value`` laid out like the item it replaces (its trailing comment and spacing)."""
    item = tomlkit.item(value)
    trivia = getattr(old, "trivia", None)
    if trivia is not None:
        item.trivia.indent = trivia.indent
        item.trivia.comment_ws = trivia.comment_ws
        item.trivia.comment = trivia.comment
    return item
