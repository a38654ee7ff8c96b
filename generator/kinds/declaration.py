"""Read a document kind's declaration (``templates/<kind>/kind.toml``), checked by its schema.

A kind says what document it makes (tên loại, NĐ30 form, default ký hiệu), which
Word template and appendix declarations it uses, which metadata fields a data
folder must give (type and Vietnamese label), what its data is (a unit table or
the result of ``vanban collect``) and how its output file is named. Every
problem names the file, the line and the key, in Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..common.cache import cached
from ..common.errors import InvalidData, Problem
from ..common.tomlfile import key_line, read_toml

KIND_FILE = "kind.toml"
DEFAULT_KIND = "thong-bao"
FIELD_TYPES = ("chu", "danh_sach", "ngay_gio", "ngay", "so_nguyen", "so_thuc")
NAME_PARTS = ("thu_muc", "trang_thai")  # placeholders of the output file name


@dataclass(frozen=True)
class MetadataField:
    """One line the data folder's metadata TOML must (or may) hold."""

    khoa: str  # "section.name"
    kieu: str  # one of FIELD_TYPES
    nhan: str  # Vietnamese label, written as the comment in `vanban new`
    vi_du: str  # the value `vanban new` writes, as TOML
    bat_buoc: bool = True


@dataclass(frozen=True)
class KindSpec:
    """A document kind, as declared in its ``kind.toml`` (checked by :mod:`.kind_schema`)."""

    ma: str  # equals the folder name
    mo_ta: str  # one line for `vanban kinds`
    ten_loai: str  # "THÔNG BÁO"; empty for a công văn
    mau_nd30: str  # "1.4" or "1.5"
    ky_hieu: str  # default ký hiệu ("TB-SGDĐT")
    mau_van_ban: str  # the Word template, in the kind's folder
    ten_tep: str  # "thong-bao-{thu_muc}-{trang_thai}.docx"
    truong: tuple[MetadataField, ...]
    phu_luc: str | None = None  # appendix declarations, in the kind's folder
    du_lieu: str = "bang_don_vi"  # or "thu_ve"
    tep_thong_tin: str = "van-ban.toml"  # written by `vanban new`
    cap_hoc: dict[str, str] | None = None  # levels, for a table kind with no appendix file
    folder: Path = Path()

    def output_name(self, data_name: str, number: int | None) -> str:
        state = "du-thao" if number is None else f"so-{number:02d}"
        return self.ten_tep.format(thu_muc=data_name, trang_thai=state)


def load_kind(path: Path) -> KindSpec:
    """Parse and check one ``kind.toml``; all problems are reported together. The schema's
    verdict on the file's bytes is cached; whether the files it names exist is not."""
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    values = cached("loai", data, lambda: _checked(path, text), _SHAPING)
    fields = tuple(MetadataField(**field) for field in values["truong"])
    spec = KindSpec(**{**values, "truong": fields, "folder": path.parent})
    problems = _references(spec, path, text)
    if problems:
        raise InvalidData(problems)
    return spec


def _checked(path: Path, text: str) -> dict:
    from . import kind_schema  # pydantic: only for a file not checked before

    raw = read_toml(path, f"templates/{DEFAULT_KIND}/{KIND_FILE}")
    return kind_schema.checked(raw, path, text, _shown_path(path))


_SHAPING = (Path(__file__), Path(__file__).with_name("kind_schema.py"))


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
