"""Read the result of ``vanban collect`` (``tong-hop-bao-cao.json``) for the kinds that cite it.

The file is written by collect; its fields (documented in the README, «Kết quả
thu về») are the only thing a kind's template sees of the collected forms:

- ``da_nhan``: forms received; ``day_du_hop_le``: units whose form is complete and valid;
- ``chua_nop``: units with no form, each ``{don_vi_quan_ly, don_vi}``;
- ``co_loi``: units whose form needs fixing, each ``{don_vi_quan_ly, don_vi, so_loi}``;
- ``so_truong_hop``: valid cases tallied; ``theo_ly_do``: ``{ly_do, so_nguoi}`` by count;
- ``chi_tiet``: ``{don_vi_quan_ly, don_vi, cap_hoc, ly_do, so_nguoi}`` (no personal data).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..common.errors import InvalidData, Problem


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class Unit(_Model):
    don_vi_quan_ly: str
    don_vi: str


class UnitIssues(Unit):
    so_loi: int


class Reason(_Model):
    ly_do: str
    so_nguoi: int


class Detail(Unit):
    cap_hoc: str
    ly_do: str
    so_nguoi: int


class Collected(_Model):
    da_nhan: int
    day_du_hop_le: int
    chua_nop: list[Unit]
    co_loi: list[UnitIssues]
    so_truong_hop: int
    theo_ly_do: list[Reason]
    chi_tiet: list[Detail]


def read_collected(path: Path) -> dict[str, Any]:
    """The checked result as plain dicts (what the template sees as ``thu_ve``)."""
    try:
        raw = json.loads(path.read_bytes().decode("utf-8-sig"))
        return Collected.model_validate(raw).model_dump()
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fix = "chạy lại «vanban collect» để ghi lại tệp này."
        raise InvalidData([Problem(path.name, f"tệp hỏng ({error}).", fix)]) from None
    except ValidationError as error:
        fix = "chạy lại «vanban collect» để ghi lại tệp này (không sửa tay)."
        problems = [
            Problem(path.name, f"{item['msg']}.", fix, key=".".join(map(str, item["loc"])))
            for item in error.errors()
        ]
        raise InvalidData(problems) from None
