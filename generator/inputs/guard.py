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
_ROOT = re.compile(rb"<\x00?[A-Za-z_]")  # the root element starts (UTF-8 or UTF-16)
# <!DOCTYPE, <!ENTITY in UTF-8; their start in UTF-16 (either byte order)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)|<\x00!\x00[DE]\x00|\x00<\x00!\x00[DE]", re.I)
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
    old_excel = path.suffix.lower() == ".xls" and size > min(limit, limits.XLS_FILE_BYTES)
    if old_excel:  # its cells cannot be counted before the reader lays them all out
        message = (
            f"tệp .xls nặng {mib(size)}, quá giới hạn {mib(limits.XLS_FILE_BYTES)} cho {what}."
        )
        fix = (
            "mở bằng Excel, lưu lại thành .xlsx (Tệp → Lưu thành → Sổ làm việc Excel), dùng tệp đó."
        )
        raise InvalidData([Problem(path.name, message, fix)])
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
            suffix = path.suffix.lower()
            for member in members:
                extent = _extent_of(suffix, member.filename)
                total += _inflate(archive, member, path, limits.UNZIPPED_BYTES - total, extent)
                if extent is not None:
                    extent.check(path, member.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, OSError):
        _refuse(path, "tệp bị hỏng hoặc không phải tệp Office (.xlsx, .docx, .ods) thật.")
    except RuntimeError:  # an encrypted part
        _refuse(path, "tệp có mật khẩu.", "bỏ mật khẩu (Tệp → Thông tin → Bảo vệ) rồi lưu lại.")


def _inflate(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    path: Path,
    room: int,
    extent: _Extent | None = None,
) -> int:
    """Uncompress one part, counting (never trusting the declared size); its size."""
    cap = min(limits.UNZIPPED_PART_BYTES, room)
    size = 0
    prolog = b""  # what comes before the root element, where a DTD can be (any length)
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if prolog is not None:
                prolog = prolog[-16:] + chunk
                root = _ROOT.search(prolog)
                if _DTD.search(prolog[: root.start() if root else None]):
                    _refuse(path, f"phần «{member.filename}» khai báo thực thể XML (DTD).")
                prolog = None if root else prolog
            if extent is not None:
                extent.feed(chunk)
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


# A cell with content (not self-closing) and its reference; a cell or row start of any kind.
_CELL = re.compile(
    rb"<(?:\w+:)?c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,3})([0-9]{1,9})[\"'][^>]*(?<!/)>"
)
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s>][^>]*(?<!/)>")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br\s*=\s*[\"']([0-9]{1,9})[\"']")
_CARRY = 1 << 20  # an unfinished tag kept for the next chunk (tags are short)


class _WholeTags:
    """Chunks of XML cut so that no tag is split: an unfinished tag waits for the next chunk."""

    def __init__(self) -> None:
        self._carry = b""

    def whole(self, chunk: bytes) -> bytes:
        data = self._carry + chunk
        end = data.rfind(b"<")
        end = len(data) if end < 0 or data.find(b">", end) >= 0 else end
        data, self._carry = data[:end], data[end:]
        if len(self._carry) > _CARRY:
            self._carry = b""
        return data


class _Extent:
    """The block of cells a spreadsheet reader lays out for one sheet part (from its first to
    its last filled cell), measured on the raw XML: the reader allocates every cell of that
    block, so one value in A1 and one in XFD1048576 would ask for 17 billion cells."""

    def __init__(self) -> None:
        self.first_row, self.last_row = 0, 0  # 0: no cell with a reference yet
        self.columns: set[bytes] = set()
        self.row_elements = 0
        self.widest = 0  # cells without a reference in one row (placed one after another)
        self.numbered_row = 0  # the last row number written on a row
        self._in_row = 0
        self._tags = _WholeTags()

    def feed(self, chunk: bytes) -> None:
        data = self._tags.whole(chunk)
        found = _CELL.findall(data)
        self.columns.update(letters.upper() for letters in {c for c, _ in found})
        if found:
            numbers = {int(r) for r in {r for _, r in found}}
            self.first_row = min(numbers | ({self.first_row} if self.first_row else set()))
            self.last_row = max(self.last_row, *numbers)
        if len(_ANY_CELL.findall(data)) > len(found):  # cells placed without a reference
            self.row_elements += len(_ROW.findall(data))
            numbered = [int(number) for number in _ROW_NUMBER.findall(data)]
            self.numbered_row = max(self.numbered_row, *numbered)
            for part in data.split(b"</row>")[:-1]:
                self.widest = max(self.widest, self._in_row + len(_ANY_CELL.findall(part)))
                self._in_row = 0
            self._in_row += len(_ANY_CELL.findall(data.rsplit(b"</row>", 1)[-1]))

    def check(self, path: Path, part: str) -> None:
        self.widest = max(self.widest, self._in_row)
        if not self.last_row and not self.widest:
            return
        numbers = [_column_number(letters) for letters in self.columns] or [1]
        first_row, last_row = self.first_row or 1, self.last_row or 1
        last_row = max(last_row, first_row + self.row_elements - 1)
        if self.widest:
            last_row = max(last_row, self.numbered_row)
        first, last = min(numbers), max(max(numbers), min(numbers) + self.widest - 1)
        cells = (last_row - first_row + 1) * (last - first + 1)
        if cells > limits.SHEET_CELLS:
            corner = f"{_column_letters(first)}{first_row}:{_column_letters(last)}{last_row}"
            _refuse(
                path,
                f"trang tính (phần «{part}») có ô ghi dữ liệu trải từ {corner}, tức "
                f"{count(cells)} ô, quá giới hạn {count(limits.SHEET_CELLS)} ô một trang tính.",
                "xoá các dòng, cột thừa ở cuối trang tính (Ctrl+End cho biết ô cuối Excel còn "
                "giữ), lưu lại, hoặc tách bảng thành nhiều tệp.",
            )


def _extent_of(suffix: str, part: str) -> _Extent | _OpenDocumentExtent | None:
    """The measure of the cells a reader lays out, for the parts that hold sheets."""
    if suffix in (".xlsx", ".xlsm") and part.endswith(".xml"):
        return _Extent()
    if suffix == ".ods" and part == "content.xml":
        return _OpenDocumentExtent()
    return None


_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_REPEAT = re.compile(rb'table:number-(?:rows|columns)-repeated\s*=\s*["\']([0-9]{1,10})["\']')


class _OpenDocumentExtent:
    """The same measure for an OpenDocument sheet (``content.xml``), where one cell or row
    element may stand for many (``table:number-columns-repeated``, ``…-rows-repeated``): a
    row repeated 1,000 times holding a value repeated 16,384 times is 16 million cells to a
    reader. Counted up to the last cell and the last row that hold a value, per table."""

    def __init__(self) -> None:
        self.cells = 0  # the largest table's block
        self._tags = _WholeTags()
        self._rows = self._last_row = self._widest = 0  # of the table being read
        self._repeat = self._width = self._valued = 0  # of the row being read

    def feed(self, chunk: bytes) -> None:
        data = self._tags.whole(chunk)
        for closing, name, attributes, empty in _ODS_TOKEN.findall(data):
            if name == b"table-row":
                if not closing:
                    self._start_row(attributes)
                if closing or empty:
                    self._end_row()
            elif name == b"table":
                if closing:
                    self.cells = max(self.cells, self._last_row * self._widest)
                elif not empty:
                    self._rows = self._last_row = self._widest = 0
            elif not closing:  # a cell, or a cell covered by a merge
                self._width += _repeated(attributes)
                if b"office:value-type" in attributes:
                    self._valued = self._width

    def _start_row(self, attributes: bytes) -> None:
        self._repeat, self._width, self._valued = _repeated(attributes), 0, 0

    def _end_row(self) -> None:
        self._rows += self._repeat
        if self._valued:
            self._last_row, self._widest = self._rows, max(self._widest, self._valued)

    def check(self, path: Path, part: str) -> None:
        cells = max(self.cells, self._last_row * self._widest)
        if cells > limits.SHEET_CELLS:
            _refuse(
                path,
                f"trang tính (phần «{part}») có ô ghi dữ liệu (kể cả ô, dòng «lặp lại») trải "
                f"{count(cells)} ô, quá giới hạn {count(limits.SHEET_CELLS)} ô một trang tính.",
                "xoá các dòng, cột thừa ở cuối trang tính, lưu lại, hoặc tách bảng thành "
                "nhiều tệp.",
            )


def _repeated(attributes: bytes) -> int:
    found = _ODS_REPEAT.search(attributes)
    return int(found.group(1)) if found else 1


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
