"""Read a data folder's metadata (``thong-bao.toml`` or ``van-ban.toml``) against its kind.

The file names its kind (``loai = "cong-van-don-doc"``; without it, the notice).
The fields accepted, their types and labels come from the kind's declaration
(``kind.toml``, ``[[truong]]``); every problem in the file is reported
together, each naming the line, the key and how to fix it.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..common.errors import InvalidData, MissingInput, Problem
from ..common.tomlfile import key_line, read_toml
from .declaration import DEFAULT_KIND, KindSpec, MetadataField
from .templates import find_kind

METADATA_FILE = "thong-bao.toml"
METADATA_NAMES = (METADATA_FILE, "van-ban.toml")
KIND_KEY = "loai"
ISSUE_KEYS = ("van_ban.so", "van_ban.ngay")
PLACEHOLDER = "…"  # what `vanban new` writes where only the clerk knows the value
FORBIDDEN_PREFIXES = {"T/M": "TM.", "K/T": "KT.", "T/L": "TL.", "T/UQ": "TUQ."}


def find_metadata(data_dir: Path) -> Path:
    """The folder's metadata file (``thong-bao.toml`` or ``van-ban.toml``)."""
    present = [name for name in METADATA_NAMES if (data_dir / name).is_file()]
    if len(present) > 1:
        fix = "giữ một tệp thông tin, xoá hoặc đổi tên tệp kia."
        message = f"có cả {' và '.join(present)}, không biết dùng tệp nào."
        raise InvalidData([Problem(present[0], message, fix)])
    for name in METADATA_NAMES:
        if (data_dir / name).is_file():
            return data_dir / name
    raise MissingInput(
        path=data_dir / METADATA_NAMES[1],
        what="tệp thông tin văn bản",
        fix="tạo bằng «vanban new <loại> <thư mục>», hoặc sao chép "
        "data/2023-06-23/thong-bao.toml vào thư mục rồi sửa.",
    )


def kind_of(path: Path) -> KindSpec:
    """The kind the metadata file names (the notice when it names none)."""
    raw = read_toml(path, "data/2023-06-23/thong-bao.toml")
    name = raw.get(KIND_KEY, DEFAULT_KIND)
    if not isinstance(name, str):
        name = repr(name)
    return find_kind(name, path.name)


def load_metadata(path: Path, kind: KindSpec | None = None) -> dict[str, Any]:
    """The metadata as nested dicts of checked, NFC-normalised values (``loai``: the kind)."""
    raw = read_toml(path, "data/2023-06-23/thong-bao.toml")
    kind = kind or kind_of(path)
    text = path.read_bytes().decode("utf-8-sig")
    problems: list[Problem] = []
    result: dict[str, Any] = {}
    for field in kind.truong:
        value, problem = _check(field, _lookup(raw, field.khoa), path.name, text)
        if problem:
            problems.append(problem)
        section, name = field.khoa.split(".")
        result.setdefault(section, {})[name] = value
    problems += _unknown_keys(raw, kind, path.name, text)
    problems += _check_authority(result.get("ky", {}).get("quyen_han"), path.name)
    if problems:
        raise InvalidData(problems)
    issued = result.setdefault("van_ban", {})
    issued["ky_hieu"] = issued.get("ky_hieu") or kind.ky_hieu
    issued.setdefault("ten_loai", kind.ten_loai)
    result[KIND_KEY] = kind.ma
    return result


def _lookup(raw: dict[str, Any], key: str) -> Any:
    section, name = key.split(".")
    container = raw.get(section)
    return container.get(name) if isinstance(container, dict) else None


def _check(field: MetadataField, value: Any, file: str, text: str) -> tuple[Any, Problem | None]:
    section, name = field.khoa.split(".")
    row = key_line(text, (section, name))
    if value is None or value == "" or value == []:
        if not field.bat_buoc:
            return None, None
        fix = f"thêm vào mục [{section}] dòng: {name} = {field.vi_du}  ({field.nhan})"
        return None, Problem(file, "thiếu thông tin bắt buộc.", fix, row=row, key=field.khoa)
    converted = _CONVERTERS[field.kieu](value)
    if PLACEHOLDER in str(value):
        fix = f"thay «{PLACEHOLDER}» bằng giá trị thật ({field.nhan})."
        return None, Problem(file, "chưa điền.", fix, row=row, key=field.khoa)
    if converted is None:
        fix = f"viết theo mẫu: {name} = {field.vi_du}  ({field.nhan})"
        message = f"giá trị {value!r} không đúng kiểu."
        return None, Problem(file, message, fix, row=row, key=field.khoa)
    return converted, None


def _as_text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return unicodedata.normalize("NFC", value.strip())


def _as_lines(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    lines = [_as_text(item) for item in value]
    return None if any(line is None for line in lines) else lines


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value
    return None


def _as_date(value: Any) -> date | None:
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def _as_integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


_CONVERTERS = {
    "chu": _as_text,
    "danh_sach": _as_lines,
    "ngay_gio": _as_datetime,
    "ngay": _as_date,
    "so_nguyen": _as_integer,
    "so_thuc": _as_decimal,
}


def _unknown_keys(raw: dict[str, Any], kind: KindSpec, file: str, text: str) -> list[Problem]:
    known = {field.khoa for field in kind.truong}
    sections = {key.split(".")[0] for key in known}
    problems = []
    for section, content in raw.items():
        if section == KIND_KEY:
            continue
        if section not in sections or not isinstance(content, dict):
            fix = f"xoá mục này hoặc sửa tên cho đúng một trong: {', '.join(sorted(sections))}."
            row = key_line(text, (section,))
            problems.append(Problem(file, "mục không dùng đến.", fix, row=row, key=section))
            continue
        for name in content:
            key, row = f"{section}.{name}", key_line(text, (section, name))
            if key in ISSUE_KEYS:
                fix = (
                    "xoá dòng này: số và ngày ban hành ghi bằng lệnh "
                    "«vanban issue <phiên bản> --so … --ngay …» sau khi văn bản được cấp số."
                )
                problems.append(Problem(file, "không ghi số, ngày ở đây.", fix, row=row, key=key))
            elif key not in known:
                fix = f"xoá dòng này hoặc sửa tên khoá cho đúng khai báo loại «{kind.ma}»."
                problems.append(Problem(file, "khoá không dùng đến.", fix, row=row, key=key))
    return problems


def _check_authority(lines: list[str] | None, file: str) -> list[Problem]:
    problems = []
    for line in lines or []:
        for wrong, right in FORBIDDEN_PREFIXES.items():
            if line.upper().startswith(wrong):
                message = f"«{line}» viết tắt quyền hạn sai thể thức (NĐ30 không dùng «{wrong}»)."
                fix = f"viết «{right}», ví dụ «{right} BAN CHỈ ĐẠO»."
                problems.append(Problem(file, message, fix, key="ky.quyen_han"))
    return problems
