"""Checks made on a clerk's file before any parser sees it (limits in ``common.limits``).

A file too large, a zip (.xlsx, .xlsm, .ods, .docx) that inflates beyond the
limits or declares XML entities (never written by Excel, Word or LibreOffice:
the mark of a hostile file), a cell longer than Excel allows, a control
character in a value: each is refused with a Vietnamese message naming the
file (and the cell) and what to do.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

from ..common import limits
from ..common.errors import InvalidData, Problem
from ..common.vnformat import count

_CHUNK = 1024 * 1024
_PROLOG = 4096  # a DOCTYPE can only come before the root element
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# C0/C1 controls except tab, line feed, carriage return; Unicode line/paragraph separators.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{7f}-\x{9f}\x{2028}\x{2029}]"  # for pyarrow
LINE_BREAKS = re.compile(r"[\t\r\n]+")
_RESAVE = "mở tệp bằng Excel (hoặc Word) và lưu lại thành tệp mới."


def mib(size: int) -> str:
    return f"{size / limits.MIB:,.0f} MB".replace(",", ".")


def check_file(path: Path, limit: int, what: str) -> None:
    """Refuse ``path`` when larger than ``limit`` bytes, or (a zip) unsafe to unpack."""
    size = path.stat().st_size
    if size > limit:
        message = f"tệp nặng {mib(size)}, quá giới hạn {mib(limit)} cho {what}."
        fix = "tách bảng thành nhiều tệp nhỏ hơn, hoặc xoá các dòng, cột, trang tính thừa."
        raise InvalidData([Problem(path.name, message, fix)])
    if path.suffix.lower() in limits.UNZIPPED_SUFFIXES:
        check_zip(path)


def check_zip(path: Path) -> None:
    """Every part's true uncompressed size within the limits, and no DTD in any XML part."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limits.ZIP_MEMBERS:
                _refuse(path, f"tệp gồm {len(members)} phần, quá giới hạn {limits.ZIP_MEMBERS}.")
            total = 0
            for member in members:
                total += _inflate(archive, member, path, limits.UNZIPPED_BYTES - total)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, OSError):
        _refuse(path, "tệp bị hỏng hoặc không phải tệp Office (.xlsx, .docx, .ods) thật.")
    except RuntimeError:  # an encrypted part
        _refuse(path, "tệp có mật khẩu.", "bỏ mật khẩu (Tệp → Thông tin → Bảo vệ) rồi lưu lại.")


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path, room: int) -> int:
    """Uncompress one part, counting (never trusting the declared size); its size."""
    cap = min(limits.UNZIPPED_PART_BYTES, room)
    size = 0
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if size < _PROLOG and _DTD.search(chunk[: _PROLOG + 16]):
                _refuse(path, f"phần «{member.filename}» khai báo thực thể XML (DTD).")
            size += len(chunk)
            if size > cap:
                limit = limits.UNZIPPED_PART_BYTES if cap < room else limits.UNZIPPED_BYTES
                _refuse(
                    path,
                    f"khi giải nén, phần «{member.filename}» vượt quá {mib(limit)} "
                    "(tệp «bom nén» hoặc bảng quá lớn).",
                    "xoá các dòng, cột thừa (Ctrl+End cho biết ô cuối Excel còn giữ), "
                    "hoặc tách bảng thành nhiều tệp.",
                )
    return size


def _refuse(path: Path, message: str, fix: str = _RESAVE) -> None:
    raise InvalidData([Problem(path.name, f"không đọc tệp này: {message}", fix)])


def too_long(where: Problem, length: int) -> Problem:
    return _at(
        where,
        f"ô dài {count(length)} ký tự, quá giới hạn {count(limits.CELL_CHARS)} ký tự một ô.",
        "xoá bớt nội dung thừa trong ô (có thể đã dán nhầm cả một tệp vào ô).",
    )


def control(where: Problem, char: str) -> Problem:
    return _at(
        where,
        f"ô chứa ký tự điều khiển không in được (U+{ord(char):04X}), "
        "có thể làm tách dòng, tách trang hoặc mất chữ trong văn bản.",
        "gõ lại nội dung ô (không dán từ nguồn lạ), hoặc xoá ký tự đó.",
    )


def _at(where: Problem, message: str, fix: str) -> Problem:
    return replace(where, message=message, fix=fix)


def matches(column, re2_pattern: str):
    """Boolean numpy array: which values of a text column contain ``re2_pattern`` (pyarrow)."""
    import numpy as np
    import pyarrow.compute as pc

    found = pc.match_substring_regex(arrow(column), re2_pattern)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def arrow(column):
    """A text column as Arrow strings (free when pandas already holds it in Arrow)."""
    import pyarrow as pa

    data = getattr(column.array, "_pa_array", None)
    if data is None:
        data = pa.array(column.astype(str).to_numpy(dtype=object), pa.string())
    return data
