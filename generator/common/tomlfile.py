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


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- \"]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")


def key_line(text: str, loc: tuple) -> int | None:
    """The line (1-based) where the key at ``loc`` is written, e.g. ("truong", 2, "kieu").

    TOML parsers give no positions, so the file is scanned: table headers and
    arrays of tables set the current path, ``name =`` lines end it. The closest
    enclosing line is returned when the key itself is absent (a missing key).
    """
    wanted = tuple(loc)
    best, best_depth = None, -1
    path: tuple = ()
    counters: dict[tuple, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            parts = tuple(part.strip().strip('"') for part in header.group(2).split("."))
            if header.group(1) == "[[":
                counters[parts] = counters.get(parts, -1) + 1
                path = (*parts, counters[parts])
            else:
                path = parts
            candidate = path
        else:
            key = _KEY.match(line)
            if not key:
                continue
            candidate = (*path, key.group(1).strip('"'))
        depth = _common(candidate, wanted)
        if depth == len(candidate) and depth > best_depth:
            best, best_depth = number, depth
    return best


def _common(first: tuple, second: tuple) -> int:
    depth = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        depth += 1
    return depth
