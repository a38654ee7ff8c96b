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


_KEY_PART = r'(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
Location = tuple[str | int, ...]


def key_lines(text: str) -> dict[Location, int]:
    """The line of every table header and key, by path (array-of-tables items by index).

    ``[[phu_luc]]`` blocks count from 0, as validation errors do: the path of the
    second block's ``sap_xep.theo`` is ``("phu_luc", 1, "sap_xep", "theo")``.
    """
    lines: dict[Location, int] = {}
    arrays: dict[Location, int] = {}
    current: Location = ()
    skip_until: str | None = None  # the end of a multi-line string
    depth = 0  # open brackets of a multi-line array
    for number, line in enumerate(text.splitlines(), start=1):
        if skip_until:
            skip_until = None if skip_until in line else skip_until
            continue
        if depth > 0:
            depth += _bracket_balance(line)
            continue
        header = _HEADER.match(line)
        if header:
            parts = _split_key(header.group(2))
            if header.group(1) == "[[":
                path = _resolve(parts[:-1], arrays) + parts[-1:]
                arrays[path] = arrays.get(path, -1) + 1
                path += (arrays[path],)
            else:
                path = _resolve(parts, arrays)
            current = path
            lines.setdefault(current, number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            parts = _split_key(assign.group(1))
            for end in range(1, len(parts) + 1):
                lines.setdefault(current + parts[:end], number)
            value = assign.group(2).lstrip()
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    skip_until = quote
            if value.startswith("["):
                depth = _bracket_balance(value)
    return lines


def line_of(lines: dict[Location, int], location: Location) -> int | None:
    """The line of ``location``, or of its nearest enclosing key or table."""
    for end in range(len(location), 0, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None


def key_line(text: str, location: Location) -> int | None:
    """The line of ``location`` in the TOML ``text`` (or of its nearest enclosing key)."""
    return line_of(key_lines(text), tuple(location))


def _split_key(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(_KEY_PART, dotted))


def _resolve(parts: tuple[str, ...], arrays: dict[Location, int]) -> Location:
    """``[phu_luc.loc]`` means the ``loc`` of the latest ``[[phu_luc]]`` block."""
    path: Location = ()
    for part in parts:
        path += (part,)
        if path in arrays:
            path += (arrays[path],)
    return path


def _bracket_balance(text: str) -> int:
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#.*$', "", text)
    return text.count("[") - text.count("]")
