"""A ready-to-fill data folder for a kind (``vanban new <kind> <folder>``).

It holds the metadata TOML with one Vietnamese comment a line (taken from the
kind's ``[[truong]]`` labels), and, for kinds made from a unit table, that
table's header row as .xlsx and as .csv. Nothing existing is overwritten: the
folder is written beside its place and renamed into it.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from ..common.errors import OutputProblem
from ..common.files import stable_zip
from ..kinds.declaration import KindSpec
from ..kinds.metadata import KIND_KEY
from ..kinds.templates import find_kind
from .folder import COLLECTED, COLLECTED_FILE
from .headers import LABELS

FIXED_TIME = datetime(2023, 1, 1)


def new_folder(kind_name: str, target: Path) -> list[Path]:
    """Write the folder ``target`` for ``kind_name``; returns the files written."""
    kind = find_kind(kind_name)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OutputProblem(
            path=target,
            detail="thư mục đã có và không trống; không ghi đè.",
            fix="chọn tên thư mục mới, ví dụ data/2024-03-15.",
        )
    files = {kind.tep_thong_tin: metadata_text(kind, target).encode("utf-8")}
    if kind.du_lieu != COLLECTED:
        header = list(LABELS.values())
        files["don-vi.csv"] = ("\ufeff" + ",".join(header) + "\r\n").encode("utf-8")
        files["don-vi.xlsx"] = _workbook(header)
    _write_folder(target, files)
    return [target / name for name in files]


def metadata_text(kind: KindSpec, target: Path) -> str:
    """The commented metadata TOML: required lines filled with examples, optional ones off."""
    lines = [
        f"# Thông tin văn bản: {kind.mo_ta}.",
        "# Sửa các dòng dưới đây (chữ trong ngoặc kép; ngày giờ dạng 2024-03-15T17:00:00),",
        f"# rồi chạy: vanban validate {target.as_posix()}   và   vanban build {target.as_posix()}",
    ]
    if kind.du_lieu == COLLECTED:
        lines.append(f"# Đặt vào thư mục này tệp {COLLECTED_FILE} do «vanban collect» ghi.")
    else:
        lines.append("# Điền bảng số liệu vào don-vi.xlsx (Excel) hoặc don-vi.csv rồi xoá tệp kia.")
    lines += ["", f'{KIND_KEY} = "{kind.ma}"']
    section = None
    for field in kind.truong:
        part, name = field.khoa.split(".")
        if part != section:
            lines += ["", f"[{part}]"]
            section = part
        line = f"{name} = {field.vi_du}"
        if field.bat_buoc:
            lines.append(f"{line}    # {field.nhan}")
        else:
            lines.append(f"# {line}    # (tuỳ chọn) {field.nhan}")
    return "\n".join(lines) + "\n"


def _workbook(header: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    for column, width in zip("ABCDEFG", (40, 10, 28, 18, 22, 18, 22), strict=True):
        sheet.column_dimensions[column].width = width
    book.properties.creator = "vanban"
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()  # Workbook.save would stamp "modified" with now
    return stable_zip(buffer.getvalue())


def _write_folder(target: Path, files: dict[str, bytes]) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        fix = "chọn thư mục khác, hoặc kiểm tra quyền ghi."
        raise OutputProblem(path=target, detail=error.strerror or str(error), fix=fix) from None
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        staging.chmod(0o755)
        if target.is_dir():
            target.rmdir()  # empty (checked above)
        staging.rename(target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        fix = "chọn thư mục khác, hoặc kiểm tra quyền ghi."
        raise OutputProblem(path=target, detail=error.strerror or str(error), fix=fix) from None
