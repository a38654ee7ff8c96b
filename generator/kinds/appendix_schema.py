"""The pydantic schema of ``phu-luc.toml`` and its errors in the clerk's words.

Imported only when a declaration file is checked (a changed or new file): a build whose
declarations were checked before reads the result from the cache (:mod:`.appendices`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from ..common.errors import InvalidData, Problem
from ..common.tomlfile import Location, line_of
from .appendices import MAX_LEVEL_COLUMNS, key_name

Text = Annotated[str, Field(min_length=1, pattern=r"\S")]
Code = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
LevelCode = Annotated[str, Field(pattern=r"^\S(?:.*\S)?$")]  # as written in the table
Group = Literal["hs", "ns", "ca_hai"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PinnedRow(_Strict):
    """``hang_dau``: a managing office printed first, under a label of its own."""

    don_vi_quan_ly: Text
    nhan: Text


class RowFilter(_Strict):
    """``loc``: keep only the rows whose figures reach these thresholds."""

    nhom: Group = "ca_hai"  # whose figures: learners, staff, or either of the two
    chua_dong_bo_tu: Annotated[int, Field(ge=0)] | None = None
    ti_le_tu: Annotated[float, Field(ge=0, le=100)] | None = None

    @model_validator(mode="after")
    def _has_a_threshold(self) -> RowFilter:
        if self.chua_dong_bo_tu is None and self.ti_le_tu is None:
            raise PydanticCustomError("no_threshold", "no threshold")
        return self


class Sorting(_Strict):
    """``sap_xep``: the order of the rows (a pinned row stays first)."""

    theo: Literal["nhu_bang", "chua_dong_bo", "ti_le"] = "nhu_bang"
    nhom: Group = "ca_hai"


class AppendixDeclaration(_Strict):
    """One ``[[phu_luc]]`` block."""

    ma: Code
    tieu_de: Text
    cap_hoc: Annotated[list[Text], Field(min_length=1)]
    hang: Literal["cap_hoc", "don_vi", "don_vi_quan_ly"]
    bo_cuc: Literal["gop", "theo_cap"]
    cot_ten: Text
    nhom_hs: Text
    hang_dau: PinnedRow | None = None
    bo_tien_to: str = ""
    loc: RowFilter | None = None
    sap_xep: Sorting = Sorting()


class AppendixFile(_Strict):
    """The whole ``phu-luc.toml``: the levels of schooling and the appendices in order."""

    ten_cap_hoc: Annotated[dict[LevelCode, Text], Field(min_length=1)]
    phu_luc: Annotated[list[AppendixDeclaration], Field(min_length=1)]


def checked(raw: Mapping[str, Any], file: str, lines: dict[Location, int]) -> dict[str, Any]:
    """``raw`` (the parsed file) checked against the schema and across appendices, as plain
    data; InvalidData lists every problem, naming ``file``, the line and the key."""
    try:
        model = AppendixFile.model_validate(raw)
    except ValidationError as error:
        raise InvalidData([_problem(item, file, lines) for item in error.errors()]) from None
    problems = [
        Problem(file, message, fix, row=line_of(lines, where), key=key_name(where))
        for where, message, fix in cross_check(model.ten_cap_hoc, model.phu_luc)
    ]
    if problems:
        raise InvalidData(problems)
    return model.model_dump()


def cross_check(
    level_names: Mapping[str, str], appendices: list[AppendixDeclaration], at: Location = ()
) -> list[tuple[Location, str, str]]:
    """What a schema cannot see alone: known levels, their count, codes used once.

    Each finding is (location under ``at``, message, fix), for the caller's file.
    """
    found = []
    codes: dict[str, int] = {}
    for index, appendix in enumerate(appendices):
        where = (*at, "phu_luc", index)
        found += _level_findings(appendix, where, level_names)
        if appendix.ma in codes:
            message = f"mã «{appendix.ma}» trùng phụ lục thứ {codes[appendix.ma] + 1}."
            found.append(((*where, "ma"), message, "đặt cho mỗi phụ lục một mã riêng."))
        codes.setdefault(appendix.ma, index)
    return found


def _level_findings(
    appendix: AppendixDeclaration, where: Location, level_names: Mapping[str, str]
) -> list[tuple[Location, str, str]]:
    found = []
    for position, level in enumerate(appendix.cap_hoc):
        if level not in level_names:
            fix = f"chọn trong các cấp học khai báo ở [ten_cap_hoc]: {', '.join(level_names)}."
            found.append(((*where, "cap_hoc", position), f"cấp học «{level}» lạ.", fix))
        elif level in appendix.cap_hoc[:position]:
            fix = "mỗi cấp học ghi một lần."
            found.append(((*where, "cap_hoc", position), f"«{level}» ghi hai lần.", fix))
    if appendix.bo_cuc == "theo_cap" and len(appendix.cap_hoc) > MAX_LEVEL_COLUMNS:
        fix = (
            f"bảng theo cấp chỉ đủ chỗ cho {MAX_LEVEL_COLUMNS} cấp; tách phụ lục,"
            ' hoặc dùng bo_cuc = "gop".'
        )
        message = f"{len(appendix.cap_hoc)} cấp học, quá {MAX_LEVEL_COLUMNS}."
        found.append(((*where, "cap_hoc"), message, fix))
    return found


# --- validation errors in the clerk's words -------------------------------------------------

_MESSAGES = {
    "missing": (
        "thiếu mục này.",
        "thêm dòng {name} = … (xem tệp mẫu templates/thong-bao/phu-luc.toml).",
    ),
    "extra_forbidden": (
        "mục lạ: chương trình không biết mục này nên sẽ không làm theo nó.",
        "xoá dòng này, hoặc sửa tên mục cho đúng; các mục được dùng ở đây: {allowed}.",
    ),
    "string_type": ("phải là chữ.", 'viết trong dấu ngoặc kép, ví dụ {name} = "…".'),
    "int_type": ("phải là số nguyên.", "viết số không có dấu ngoặc kép, ví dụ {name} = 1."),
    "float_type": (
        "phải là số.",
        "viết số không có dấu ngoặc kép, dấu thập phân là dấu chấm: 5.5.",
    ),
    "list_type": ("phải là danh sách.", 'viết trong ngoặc vuông, ví dụ {name} = ["THPT", "GDTX"].'),
    "dict_type": ("phải là một nhóm mục.", "viết {name} = {{ … = … }} như tệp mẫu."),
    "model_type": ("phải là một nhóm mục.", "viết {name} = {{ … = … }} như tệp mẫu."),
    "model_attributes_type": ("phải là một nhóm mục.", "viết {name} = {{ … = … }} như tệp mẫu."),
    "literal_error": ("«{input}» không hợp lệ.", "chọn một trong: {expected}."),
    "string_too_short": ("để trống.", "ghi nội dung vào giữa hai dấu ngoặc kép."),
    "too_short": (
        "không có mục nào.",
        "thêm ít nhất một mục (xem tệp mẫu templates/thong-bao/phu-luc.toml).",
    ),
    "string_pattern_mismatch": (
        "«{input}» không hợp lệ.",
        "chỉ dùng chữ cái không dấu, chữ số và dấu _, bắt đầu bằng chữ cái; không để trống.",
    ),
    "no_threshold": (
        "bộ lọc chưa có ngưỡng nào.",
        "thêm chua_dong_bo_tu = … hoặc ti_le_tu = …, hoặc bỏ cả mục loc.",
    ),
    "greater_than_equal": ("{input} nhỏ quá.", "ghi số từ {ge} trở lên."),
    "less_than_equal": ("{input} lớn quá.", "ghi số không quá {le}."),
}


def _problem(error: dict[str, Any], file: str, lines: dict[Location, int]) -> Problem:
    location = tuple(error["loc"])
    message, fix = _MESSAGES.get(error["type"], (error["msg"] + ".", ""))
    names = [part for part in location if isinstance(part, str)]
    values = {
        "name": names[-1] if names else "",
        "input": _shown(error.get("input")),
        "allowed": ", ".join(_allowed(location[:-1])),
        **{
            key: str(value).replace("'", "").replace(" or ", ", ")
            for key, value in (error.get("ctx") or {}).items()
        },
    }
    return Problem(
        file,
        message.format(**values),
        fix.format(**values),
        row=line_of(lines, location),
        key=key_name(location),
    )


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "{…}"
    return str(value)


def _allowed(location: Location) -> list[str]:
    """The keys the schema accepts at ``location`` (the table holding an unknown key)."""
    model: type[BaseModel] = AppendixFile
    for part in location:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        inner = _model_in(field.annotation) if field else None
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_in(argument)
        if found is not None:
            return found
    return None
