"""Build the notice from a data folder: the one function the ``build`` command calls.

files → checked tables → appendix figures → render context → .docx
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .aggregate import Appendix, Counts, aggregate
from .appendices import APPENDIX_FILE, Declarations, load_declarations
from .context import build_context
from .errors import InvalidData, MissingInput, Problem
from .files import write_atomic
from .metadata import METADATA_FILE, load_metadata
from .reading import TABLE_NAMES, find_table, read_table
from .render import render_docx
from .templates import TEMPLATE_FILE, resolve
from .validation import validate_units

T = TypeVar("T")


@dataclass(frozen=True)
class BuildResult:
    output: Path
    template: Path
    totals: Counts  # the first appendix's total row (PL I: the whole sector)
    appendices: tuple[Appendix, ...]


def build(data_dir: Path, output_dir: Path = Path("output")) -> BuildResult:
    """Check the data folder, compute every figure and write the notice under ``output_dir``."""
    inputs = load_inputs(data_dir)
    metadata, declarations, units = inputs
    appendices = aggregate(units, declarations)
    template = resolve(data_dir, TEMPLATE_FILE)
    document = render_docx(template, build_context(metadata, appendices), _properties(metadata))
    output = output_dir / data_dir.name / f"thong-bao-{data_dir.name}.docx"
    write_atomic(output, document)
    return BuildResult(output, template, appendices[0].total.total, appendices)


def load_inputs(data_dir: Path) -> tuple[dict[str, Any], Declarations, Any]:
    """Metadata, declarations and the checked unit table; every problem reported at once."""
    if not data_dir.is_dir():
        raise MissingInput(
            path=data_dir,
            what="thư mục số liệu",
            fix="ghi đúng đường dẫn, ví dụ: vanban build data/2023-06-23",
        )
    table_path = find_table(data_dir)
    if table_path is None:
        raise MissingInput(
            path=data_dir / TABLE_NAMES[0],
            what="bảng số liệu đơn vị",
            fix=f"đặt vào thư mục một trong các tệp: {', '.join(TABLE_NAMES)}.",
        )
    metadata_path = data_dir / METADATA_FILE
    if not metadata_path.is_file():
        raise MissingInput(
            path=metadata_path,
            what="tệp thông tin văn bản",
            fix="sao chép data/2023-06-23/thong-bao.toml vào thư mục rồi sửa.",
        )
    problems: list[Problem] = []
    metadata = _collect(problems, load_metadata, metadata_path)
    declarations = _collect(problems, load_declarations, resolve(data_dir, APPENDIX_FILE))
    table = _collect(problems, read_table, table_path)
    units = None
    if declarations is not None and table is not None:
        units = _collect(problems, validate_units, table, declarations.level_names)
    if problems:
        raise InvalidData(problems)
    return metadata, declarations, units


def _collect(problems: list[Problem], step: Callable[..., T], *args: Any) -> T | None:
    try:
        return step(*args)
    except InvalidData as error:
        problems.extend(error.problems)
        return None


def _properties(metadata: dict[str, Any]) -> dict[str, Any]:
    issued = metadata["van_ban"]
    return {
        "title": f"Thông báo {issued['trich_yeu']}",
        "subject": issued["ky_hieu"],
        "author": metadata["co_quan"]["ban_hanh"],
        "comments": "" if issued["so"] else "Dự thảo: chưa có số và ngày ban hành.",
        "time": metadata["so_lieu"]["thoi_diem"],
    }
