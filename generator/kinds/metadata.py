"""Read the notice's metadata (``thong-bao.toml``): agency, ký hiệu, dates, signer, recipients.

The accepted keys are declared once in ``FIELDS``; every problem in the file is
reported together, each naming the key and how to fix it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..common.errors import InvalidData, Problem
from ..common.tomlfile import read_toml

METADATA_FILE = "thong-bao.toml"
ISSUE_KEYS = ("van_ban.so", "van_ban.ngay")
FORBIDDEN_PREFIXES = {"T/M": "TM.", "K/T": "KT.", "T/L": "TL.", "T/UQ": "TUQ."}


@dataclass(frozen=True)
class Field:
    key: str  # "section.name"
    kind: str  # text | lines | datetime
    required: bool
    example: str


FIELDS = (
    Field("co_quan.chu_quan", "text", True, '"UBND THÀNH PHỐ HẢI PHÒNG"'),
    Field("co_quan.ban_hanh", "text", True, '"SỞ GIÁO DỤC VÀ ĐÀO TẠO"'),
    Field("co_quan.ten", "text", True, '"Sở Giáo dục và Đào tạo"'),
    Field("co_quan.dia_danh", "text", True, '"Hải Phòng"'),
    Field("van_ban.ky_hieu", "text", True, '"TB-SGDĐT"'),
    Field("van_ban.trich_yeu", "text", True, '"Về việc rà soát dữ liệu …"'),
    Field("so_lieu.thoi_diem", "datetime", True, "2023-06-23T11:30:00"),
    Field("so_lieu.han_bao_cao", "datetime", True, "2023-07-04T17:00:00"),
    Field("so_lieu.he_thong_nop", "text", True, '"qlvb.hpnet.vn"'),
    Field("ky.quyen_han", "lines", True, '["TM. BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ", "TRƯỞNG BAN"]'),
    Field("ky.nguoi_ky", "text", True, '"Bùi Văn Kiệt"'),
    Field("noi_nhan.danh_sach", "lines", True, '["Ban Giám đốc Sở (để chỉ đạo)", …]'),
    Field("noi_nhan.luu", "text", True, '"VT, GDTX&ĐH"'),
)


def load_metadata(path: Path) -> dict[str, Any]:
    """The metadata as nested dicts of checked, NFC-normalised values."""
    raw = read_toml(path, "data/2023-06-23/thong-bao.toml")
    problems: list[Problem] = []
    result: dict[str, Any] = {}
    for field in FIELDS:
        value = _lookup(raw, field.key)
        value, problem = _check(field, value, path.name)
        if problem:
            problems.append(problem)
        section, name = field.key.split(".")
        result.setdefault(section, {})[name] = value
    problems += _unknown_keys(raw, path.name)
    problems += _check_authority(result["ky"]["quyen_han"], path.name)
    if problems:
        raise InvalidData(problems)
    return result


def _lookup(raw: dict[str, Any], key: str) -> Any:
    section, name = key.split(".")
    container = raw.get(section)
    return container.get(name) if isinstance(container, dict) else None


def _check(field: Field, value: Any, file: str) -> tuple[Any, Problem | None]:
    if value is None or value == "" or value == []:
        if not field.required:
            return None, None
        fix = f"thêm dòng: {field.key.split('.')[1]} = {field.example}"
        return None, Problem(file, "thiếu thông tin bắt buộc.", fix, key=field.key)
    converted = _CONVERTERS[field.kind](value)
    if converted is None:
        fix = f"viết theo mẫu: {field.key.split('.')[1]} = {field.example}"
        return None, Problem(file, f"giá trị {value!r} không đúng kiểu.", fix, key=field.key)
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


_CONVERTERS = {
    "text": _as_text,
    "lines": _as_lines,
    "datetime": _as_datetime,
}


def _unknown_keys(raw: dict[str, Any], file: str) -> list[Problem]:
    known = {field.key for field in FIELDS}
    sections = {key.split(".")[0] for key in known}
    problems = []
    for section, content in raw.items():
        if section not in sections or not isinstance(content, dict):
            fix = f"xoá mục này hoặc sửa tên cho đúng một trong: {', '.join(sorted(sections))}."
            problems.append(Problem(file, "mục không dùng đến.", fix, key=section))
            continue
        for name in content:
            if f"{section}.{name}" in ISSUE_KEYS:
                fix = (
                    "xoá dòng này: số và ngày ban hành ghi bằng lệnh "
                    "«vanban issue <phiên bản> --so … --ngay …» sau khi văn bản được cấp số."
                )
                problems.append(
                    Problem(file, "không ghi số, ngày ở đây.", fix, key=f"{section}.{name}")
                )
            elif f"{section}.{name}" not in known:
                fix = "xoá dòng này hoặc sửa tên khoá cho đúng tệp mẫu."
                problems.append(Problem(file, "khoá không dùng đến.", fix, key=f"{section}.{name}"))
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
