"""Read the clerk-edited TOML files (metadata, appendices, tie-out) with one kind of message."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import InvalidData, Problem


def read_toml(path: Path, sample: str) -> dict[str, Any]:
    """The file's contents; a wrong encoding or syntax names the line and the sample to follow."""
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        fix = "mở tệp bằng Notepad, chọn Lưu thành (Save As) với mã hoá UTF-8."
        raise InvalidData([Problem(path.name, "tệp không ở mã hoá UTF-8.", fix)]) from None
    except tomllib.TOMLDecodeError as error:
        detail, line = _toml_error(error)
        fix = f"so với tệp mẫu {sample}; chữ phải nằm trong dấu ngoặc kép."
        raise InvalidData([Problem(path.name, f"sai cú pháp ({detail}).", fix, row=line)]) from None


def _toml_error(error: tomllib.TOMLDecodeError) -> tuple[str, int | None]:
    """The parser's reason and line ("Invalid value (at line 17, column 16)")."""
    found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
    if not found:
        return str(error), None
    reason = str(error)[: found.start()].strip()
    return f"cột {found.group(2)}: {reason}", int(found.group(1))
