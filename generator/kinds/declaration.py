"""Read a document kind's declaration (``templates/<kind>/kind.toml``) with a pydantic schema.

A kind says what document it makes (tên loại, NĐ30 form, default ký hiệu), which
Word template and appendix declarations it uses, which metadata fields a data
folder must give (type and Vietnamese label), what its data is (a unit table or
the result of ``vanban collect``) and how its output file is named. Every
problem names the file, the line and the key, in Vietnamese.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..common.errors import InvalidData, Problem
from ..common.tomlfile import key_line, read_toml

KIND_FILE = "kind.toml"
DEFAULT_KIND = "thong-bao"
FIELD_TYPES = ("chu", "danh_sach", "ngay_gio", "ngay", "so_nguyen", "so_thuc")
NAME_PARTS = ("thu_muc", "trang_thai")  # placeholders of the output file name

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+$")]
FileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class MetadataField(_Strict):
    """One line the data folder's metadata TOML must (or may) hold."""

    khoa: Key  # "section.name"
    kieu: Literal["chu", "danh_sach", "ngay_gio", "ngay", "so_nguyen", "so_thuc"]
    nhan: Text  # Vietnamese label, written as the comment in `vanban new`
    vi_du: str  # the value `vanban new` writes, as TOML
    bat_buoc: bool = True


class KindSpec(_Strict):
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
    truong: tuple[MetadataField, ...]
    folder: Path = Field(default=Path(), exclude=True)

    def output_name(self, data_name: str, number: int | None) -> str:
        state = "du-thao" if number is None else f"so-{number:02d}"
        return self.ten_tep.format(thu_muc=data_name, trang_thai=state)


def load_kind(path: Path) -> KindSpec:
    """Parse and check one ``kind.toml``; all problems are reported together."""
    raw = read_toml(path, f"templates/{DEFAULT_KIND}/{KIND_FILE}")
    text = path.read_bytes().decode("utf-8-sig")
    try:
        spec = KindSpec.model_validate({**raw, "folder": path.parent}, strict=False)
    except ValidationError as error:
        raise InvalidData([_problem(path, text, item) for item in error.errors()]) from None
    problems = _references(spec, path, text)
    if problems:
        raise InvalidData(problems)
    return spec


def _problem(path: Path, text: str, item: dict) -> Problem:
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
    return Problem(_shown_path(path), message, fix, row=key_line(text, loc), key=key)


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


def _shown_path(path: Path) -> str:
    """ "templates/<kind>/kind.toml": the kind's folder says which declaration is wrong."""
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


def _references(spec: KindSpec, path: Path, text: str) -> list[Problem]:
    problems = []

    def missing(key: str, name: str, what: str) -> None:
        fix = f"đặt tệp {name} vào {path.parent} hoặc sửa tên cho đúng."
        row = key_line(text, (key,))
        problems.append(
            Problem(_shown_path(path), f"{what} «{name}» không có.", fix, row=row, key=key)
        )

    if spec.ma != path.parent.name:
        fix = f'viết ma = "{path.parent.name}" (trùng tên thư mục).'
        problems.append(
            Problem(
                _shown_path(path),
                "mã khác tên thư mục.",
                fix,
                row=key_line(text, ("ma",)),
                key="ma",
            )
        )
    if not (spec.folder / spec.mau_van_ban).is_file():
        missing("mau_van_ban", spec.mau_van_ban, "mẫu văn bản")
    if spec.phu_luc and not (spec.folder / spec.phu_luc).is_file():
        missing("phu_luc", spec.phu_luc, "tệp khai báo phụ lục")
    if spec.du_lieu == "bang_don_vi" and not spec.phu_luc and not spec.cap_hoc:
        fix = 'thêm phu_luc = "phu-luc.toml", hoặc mục [cap_hoc] với mỗi cấp học một dòng.'
        row = key_line(text, ("du_lieu",))
        message = "bảng số liệu cần danh sách cấp học."
        problems.append(Problem(_shown_path(path), message, fix, row=row, key="cap_hoc"))
    try:
        spec.output_name("x", None)
        bad_name = not spec.ten_tep.endswith(".docx")
    except (KeyError, IndexError, ValueError):
        bad_name = True
    if bad_name:
        fix = "chỉ dùng {thu_muc} và {trang_thai}, kết thúc bằng .docx."
        row = key_line(text, ("ten_tep",))
        problems.append(
            Problem(_shown_path(path), "tên tệp kết quả sai.", fix, row=row, key="ten_tep")
        )
    seen: set[str] = set()
    for index, field in enumerate(spec.truong):
        if field.khoa in seen:
            row = key_line(text, ("truong", index, "khoa"))
            fix = "mỗi khoá khai báo một lần."
            key = f"truong[{index + 1}].khoa"
            problems.append(
                Problem(_shown_path(path), f"«{field.khoa}» trùng.", fix, row=row, key=key)
            )
        seen.add(field.khoa)
    return problems
