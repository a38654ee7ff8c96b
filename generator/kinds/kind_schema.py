"""The pydantic schema of ``kind.toml`` and its errors in the clerk's words.

Imported only when a declaration is checked (a changed or new file): a build whose
declarations were checked before reads the result from the cache (:mod:`.declaration`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from ..common.errors import InvalidData, Problem
from ..common.tomlfile import key_line

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+$")]
FileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FieldSchema(_Strict):
    """One line the data folder's metadata TOML must (or may) hold."""

    khoa: Key  # "section.name"
    kieu: Literal["chu", "danh_sach", "ngay_gio", "ngay", "so_nguyen", "so_thuc"]
    nhan: Text  # Vietnamese label, written as the comment in `vanban new`
    vi_du: str  # the value `vanban new` writes, as TOML
    bat_buoc: bool = True


class KindSchema(_Strict):
    """A document kind, as declared in its ``kind.toml``."""

    ma: FileName  # equals the folder name
    mo_ta: Text  # one line for `vanban kinds`
    ten_loai: str  # "THÔNG BÁO"; empty for a công văn
    mau_nd30: Literal["1.4", "1.5"]
    ky_hieu: Text  # default ký hiệu ("TB-SGDĐT")
    mau_van_ban: FileName  # the Word template, in the kind's folder
    phu_luc: FileName | None = None  # appendix declarations, in the kind's folder
    du_lieu: Literal["bang_don_vi", "thu_ve"] = "bang_don_vi"
    tep_thong_tin: Literal["thong-bao.toml", "van-ban.toml"] = "van-ban.toml"  # `vanban new`
    ten_tep: Text  # "thong-bao-{thu_muc}-{trang_thai}.docx"
    cap_hoc: dict[str, Text] | None = None  # levels, for a table kind with no appendix file
    truong: tuple[FieldSchema, ...]


def checked(raw: dict[str, Any], path: Path, text: str, shown: str) -> dict[str, Any]:
    """``raw`` (the parsed file) checked against the schema, as plain data; InvalidData
    lists every problem, each naming ``shown`` (the file), its line and key."""
    try:
        return KindSchema.model_validate(raw, strict=False).model_dump()
    except ValidationError as error:
        raise InvalidData([_problem(shown, text, item) for item in error.errors()]) from None


def _problem(shown: str, text: str, item: dict) -> Problem:
    loc = tuple(item["loc"])
    key = _shown_key(loc)
    kind = item["type"]
    if kind == "extra_forbidden":
        message, fix = (
            "khoá không có trong khai báo loại văn bản.",
            "xoá dòng này hoặc sửa tên khoá.",
        )
    elif kind == "missing":
        message, fix = "thiếu khoá bắt buộc.", f"thêm dòng {loc[-1]} = … (xem templates/thong-bao)."
    elif kind.startswith("literal"):
        allowed = item.get("ctx", {}).get("expected", "")
        message, fix = f"giá trị {item.get('input')!r} không hợp lệ.", f"chọn một trong: {allowed}."
    else:
        expected = _EXPECTED.get(kind.split("_")[0], _EXPECTED.get(kind, "đúng kiểu"))
        message = f"giá trị {item.get('input')!r} không hợp lệ: cần {expected}."
        fix = "sửa theo tệp mẫu templates/thong-bao/kind.toml."
    return Problem(shown, message, fix, row=key_line(text, loc), key=key)


_EXPECTED = {
    "string": "chữ trong ngoặc kép",
    "string_too_short": "chữ, không để trống",
    "string_pattern_mismatch": "tên chỉ gồm chữ không dấu, số, «-», «_», «.» (khoá: muc.ten)",
    "bool": "true hoặc false",
    "dict": "một mục [tên] với các dòng khoá = giá trị",
    "tuple": "các khối [[truong]]",
    "list": "các khối [[truong]]",
    "model": "một khối [[truong]] với các dòng khoa, kieu, nhan, vi_du",
}


def _shown_key(loc: tuple) -> str:
    """("truong", 2, "kieu") → "truong[3].kieu" (blocks counted from 1, as a reader does)."""
    shown = ""
    for part in loc:
        shown += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if shown else str(part)
    return shown or "(cả tệp)"
