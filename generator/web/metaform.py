"""The document's information as a form: read from and written back to ``thong-bao.toml``.

The TOML file stays the stored form: it is edited with tomlkit, so the clerk's comments and
layout survive, then checked exactly as ``vanban build`` checks it before it replaces the file.
The fields are those the metadata reader declares (``kinds.metadata.FIELDS``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import tomlkit

from ..common.errors import InvalidData, Problem
from ..common.files import write_atomic
from ..kinds.metadata import FIELDS, METADATA_FILE, Field, load_metadata

# Vietnamese labels of the declared keys; a key without one shows its own name.
LABELS = {
    "co_quan.chu_quan": "Cơ quan chủ quản",
    "co_quan.ban_hanh": "Cơ quan ban hành",
    "co_quan.ten": "Tên cơ quan (viết thường)",
    "co_quan.dia_danh": "Địa danh",
    "van_ban.ky_hieu": "Ký hiệu văn bản",
    "van_ban.trich_yeu": "Trích yếu",
    "so_lieu.thoi_diem": "Số liệu tính đến",
    "so_lieu.han_bao_cao": "Hạn báo cáo",
    "so_lieu.he_thong_nop": "Nơi nộp báo cáo",
    "ky.quyen_han": "Quyền hạn ký (mỗi dòng một dòng)",
    "ky.nguoi_ky": "Người ký",
    "noi_nhan.danh_sach": "Nơi nhận (mỗi dòng một nơi)",
    "noi_nhan.luu": "Lưu",
}


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str  # text | lines | datetime
    required: bool
    value: str  # as shown in the input
    problem: str = ""

    @property
    def input_id(self) -> str:
        return "f-" + self.key.replace(".", "-")


def form_fields(
    data_dir: Path, typed: dict[str, str] | None = None, problems=()
) -> list[FormField]:
    """The form's fields with the file's values (or what was typed) and their problems."""
    document = _document(data_dir)
    by_key = {p.key: str(p) for p in problems if p.key}
    fields = []
    for field in FIELDS:
        value = typed[field.key] if typed is not None else _shown(_get(document, field), field)
        label = LABELS.get(field.key, field.key)
        fields.append(
            FormField(
                field.key, label, field.kind, field.required, value, by_key.get(field.key, "")
            )
        )
    return fields


def save_form(data_dir: Path, typed: dict[str, str]) -> None:
    """Write the typed values into ``thong-bao.toml`` when the result passes the checks."""
    document = _document(data_dir)
    problems = []
    for field in FIELDS:
        value, problem = _parsed(field, typed.get(field.key, ""))
        if problem:
            problems.append(problem)
            continue
        section, name = field.key.split(".")
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
        trial = Path(work) / METADATA_FILE
        trial.write_bytes(text)
        load_metadata(trial)  # raises InvalidData naming each key
    write_atomic(data_dir / METADATA_FILE, text)


def _document(data_dir: Path) -> tomlkit.TOMLDocument:
    path = data_dir / METADATA_FILE
    if not path.is_file():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, tomlkit.exceptions.TOMLKitError):
        load_metadata(path)  # raises the reader's own message (encoding, line of the error)
        raise


def _get(document: tomlkit.TOMLDocument, field: Field):
    section, name = field.key.split(".")
    table = document.get(section)
    return table.get(name) if isinstance(table, dict) else None


def _shown(value, field: Field) -> str:
    if value is None:
        return ""
    if field.kind == "lines" and isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if field.kind == "datetime" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return str(value)


def _parsed(field: Field, text: str):
    text = text.strip()
    if not text:
        return None, None
    if field.kind == "lines":
        array = tomlkit.array()
        array.extend(line.strip() for line in text.splitlines() if line.strip())
        array.multiline(len(array) > 2)
        return array, None
    if field.kind == "datetime":
        try:
            return datetime.fromisoformat(text).replace(second=0, microsecond=0), None
        except ValueError:
            fix = "chọn ngày và giờ, ví dụ 2023-06-23 11:30."
            return None, Problem(
                METADATA_FILE, f"«{text}» không phải ngày giờ.", fix, key=field.key
            )
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
