"""Files sent through the page: size-limited, checked in a scratch copy, then put in place.

A replaced input is checked exactly as ``vanban validate`` (or, for a template, ``vanban build``)
would check the data folder with it; when the new file itself has problems nothing is written
and the page shows the same messages. Only names the data folder uses are ever written, and
only inside the data folder (resolved paths are compared). A file it replaces is kept aside in
``.da-thay/``. The check runs in a child process with memory and time limits (``isolated``).
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from ..archive.build import build
from ..common.errors import InvalidData, Problem, UploadRefused, VanbanError
from ..common.files import write_atomic
from ..common.names import slug
from ..figures.checkup import check_folder
from ..figures.tieout import TIEOUT_FILE
from ..forms.collect import READABLE
from ..forms.returned import read_returned  # the reader collect uses
from ..inputs.persons import PERSON_NAMES
from ..inputs.reading import TABLE_NAMES
from ..kinds.appendices import APPENDIX_FILE
from ..kinds.metadata import METADATA_FILE
from ..kinds.templates import TEMPLATE_FILE
from . import isolated
from .cells import cell_place

MAX_UPLOAD = 100 * 1024 * 1024  # bytes per file (a 565,000-person CSV is about 76 MB)
MAX_UNPACKED = 200 * 1024 * 1024  # bytes, all members of a zip of returned forms together
MAX_MEMBERS = 5000
SIDE_FOLDER = ".da-thay"
TABLE_KINDS = {"don-vi": TABLE_NAMES, "ca-nhan": PERSON_NAMES}
OTHER_INPUTS = (METADATA_FILE, APPENDIX_FILE, TIEOUT_FILE, TEMPLATE_FILE)


@dataclass
class Placed:
    """An input put into the data folder, and what the folder's check says now."""

    name: str
    problems: list[Problem] = field(default_factory=list)  # in other files of the folder
    places: list[str] = field(default_factory=list)  # where each problem is («Sheet1!E12»)
    refused: bool = False  # the problems are in the new file itself: nothing is written


def target_name(filename: str, kind: str) -> str:
    """The data folder's name for an uploaded file, or UploadRefused."""
    base = PurePosixPath(filename.replace("\\", "/")).name.strip().lower()
    if base in OTHER_INPUTS or base in TABLE_NAMES + PERSON_NAMES:
        return base
    suffix = PurePosixPath(base).suffix
    names = TABLE_KINDS.get(kind, ())
    for name in names:
        if PurePosixPath(name).suffix == suffix:
            return name
    accepted = ", ".join(PurePosixPath(n).suffix for n in names) or "—"
    raise UploadRefused(
        name=filename or "(không tên)",
        detail=f"không nhận dạng tệp «{suffix or 'không đuôi'}» cho loại đã chọn.",
        fix=f"gửi tệp {accepted}, hoặc một trong: {', '.join(OTHER_INPUTS)}.",
    )


def check_size(name: str, size: int, limit: int = MAX_UPLOAD) -> None:
    if size > limit:
        raise UploadRefused(
            name=name,
            detail=f"lớn quá giới hạn {limit // (1024 * 1024)} MB.",
            fix="chia nhỏ tệp, hoặc lưu lại dạng .xlsx/.csv (nén tốt hơn).",
        )


def place_input(data_dir: Path, name: str, content: bytes) -> Placed:
    """Check the folder as it would be with ``content`` as ``name``; write only if it passes."""
    _inside(data_dir, data_dir / name)
    with tempfile.TemporaryDirectory(prefix="vanban-web-") as work:
        scratch = Path(work) / data_dir.name
        replaced = {path.name for path in _replaced(data_dir, name)}
        shutil.copytree(data_dir, scratch, ignore=lambda _, names: _skipped(names, replaced))
        (scratch / name).write_bytes(content)
        placed = isolated.run(name, _check, scratch, name, Path(work) / "ket-qua")
    if placed.refused:
        error = InvalidData(placed.problems)
        error.places = placed.places
        raise error
    _write(data_dir, name, content)
    return placed


def _check(scratch: Path, name: str, output: Path) -> Placed:
    """Runs in the limited child: what the folder's check says with the new file."""
    try:
        check_folder(scratch)
        if name == TEMPLATE_FILE:
            build(scratch, output)  # a template is only known good once it has rendered
        return Placed(name)
    except InvalidData as error:
        places = [cell_place(problem) for problem in error.problems]
        refused = any(problem.file == name for problem in error.problems)
        return Placed(name, list(error.problems), places, refused)
    except VanbanError as error:
        about = getattr(error, "path", None) or getattr(error, "template", None)
        if name == TEMPLATE_FILE or about is None or Path(about).name == name:
            raise
        return Placed(name, [Problem(Path(about).name, str(error))])


def _skipped(names: list[str], replaced: set[str]) -> set[str]:
    """Hidden files and those the upload replaces are not copied into the scratch folder."""
    return {name for name in names if name.startswith(".") or name in replaced}


def _replaced(folder: Path, name: str) -> list[Path]:
    """Files that ``name`` replaces: itself, and any other unit table or per-person export."""
    group = TABLE_NAMES + PERSON_NAMES if name in TABLE_NAMES + PERSON_NAMES else (name,)
    return [folder / other for other in group if (folder / other).is_file()]


def _write(data_dir: Path, name: str, content: bytes) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    write_atomic(data_dir / f".moi-{name}", content)
    try:
        for old in _replaced(data_dir, name):
            aside = data_dir / SIDE_FOLDER / f"{stamp}-{old.name}"
            aside.parent.mkdir(exist_ok=True)
            old.rename(aside)
        (data_dir / f".moi-{name}").rename(data_dir / name)
    finally:
        (data_dir / f".moi-{name}").unlink(missing_ok=True)


def _inside(root: Path, path: Path) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()) or resolved == root.resolve():
        raise UploadRefused(
            name=path.name, detail="đường dẫn ra ngoài thư mục số liệu.", fix="đổi tên tệp."
        )
    return resolved


@dataclass(frozen=True)
class Returned:
    saved: list[str]
    skipped: list[str]
    refused: list[str] = field(default_factory=list)  # one message per unreadable form


def save_returned(folder: Path, files: list[tuple[str, bytes]]) -> Returned:
    """Put returned forms (.xlsx, or .zip of them) into ``folder``, each under a safe name.

    Each form is first read as ``collect`` reads it, in a limited child process: a form that
    cannot be read (damaged, a zip bomb) is refused with a message and never stored.
    """
    skipped, candidates = [], []
    for filename, content in files:
        for name, data in _members(filename, content):
            suffix = PurePosixPath(name).suffix.lower()
            if suffix not in READABLE:
                skipped.append(name)
                continue
            path = PurePosixPath(name.replace("\\", "/"))
            kept = [part for part in path.parts[:-1] if part not in ("/", ".", "..")][-1:]
            parts = [slug(part) for part in kept] + [slug(path.stem) + suffix]
            candidates.append((name, "/".join(parts), data))
    problems = _unreadable(candidates)
    saved, refused = [], []
    for (name, relative, data), problem in zip(candidates, problems, strict=True):
        if problem:
            refused.append(f"«{name}»: {problem}")
            continue
        write_atomic(_inside(folder, folder / relative), data)
        saved.append(relative)
    return Returned(saved, skipped, refused)


def _unreadable(candidates: list[tuple[str, str, bytes]]) -> list[str | None]:
    """Why each form cannot be read (None when it can): all in one child, or one by one."""
    with tempfile.TemporaryDirectory(prefix="vanban-web-") as work:
        paths = []
        for index, (_, _, data) in enumerate(candidates):
            paths.append(Path(work) / f"{index}{PurePosixPath(candidates[index][1]).suffix}")
            paths[-1].write_bytes(data)
        try:
            return isolated.run("các báo cáo gửi về", _read_forms, paths)
        except UploadRefused:
            pass
        found: list[str | None] = []
        for (name, _, _), path in zip(candidates, paths, strict=True):
            try:
                found += isolated.run(name, _read_forms, [path])
            except UploadRefused as error:
                found.append(str(error))
        return found


def _read_forms(paths: list[Path]) -> list[str | None]:
    """Runs in the limited child: each form read as ``collect`` reads it."""
    found: list[str | None] = []
    for path in paths:
        try:
            form = read_returned(path, path.name)
        except Exception as error:  # a damaged file: the clerk gets the reason, not a crash
            found.append(f"không đọc được tệp này ({type(error).__name__}).")
            continue
        found.append(form.unreadable)
    return found


def _members(filename: str, content: bytes) -> list[tuple[str, bytes]]:
    if not filename.lower().endswith(".zip"):
        return [(filename, content)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile:
        raise UploadRefused(
            name=filename, detail="không phải tệp .zip hợp lệ.", fix="nén lại rồi gửi lại."
        ) from None
    if len(infos) > MAX_MEMBERS or sum(info.file_size for info in infos) > MAX_UNPACKED:
        raise UploadRefused(
            name=filename,
            detail=f"giải nén ra quá {MAX_UNPACKED // (1024 * 1024)} MB hoặc quá nhiều tệp.",
            fix="gửi từng phần nhỏ hơn.",
        )
    members = []
    for info in infos:
        with archive.open(info) as stream:
            data = stream.read(MAX_UPLOAD + 1)
        check_size(info.filename, len(data))
        members.append((info.filename, data))
    return members
