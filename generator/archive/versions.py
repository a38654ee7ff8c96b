"""The archive: every build is a numbered, complete, never-rewritten version folder.

``output/<data folder>/v003/`` holds the documents, ``dau-vao/`` (a copy of the
exact inputs) and ``manifest.json``. A version is assembled in a hidden
temporary folder and renamed into place, so an interrupted build leaves no
version and two builds at once get two distinct numbers. Finished versions are
made read-only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..common.errors import OutputProblem, VersionProblem
from ..common.files import new_staging, os_reason, remove_tree, sha256

INPUTS_FOLDER = "dau-vao"
MANIFEST = "manifest.json"
_VERSION = re.compile(r"^v(\d{3,})$")
DRAFT, ISSUED = "du_thao", "ban_hanh"


@dataclass(frozen=True)
class Version:
    path: Path
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def number(self) -> int:
        return int(_VERSION.match(self.path.name).group(1))

    @property
    def inputs(self) -> Path:
        return self.path / INPUTS_FOLDER

    @property
    def issued(self) -> bool:
        return self.manifest.get("trang_thai") == ISSUED


def versions(folder: Path) -> list[Version]:
    """The versions in ``folder``, oldest first (ignoring unfinished temporary folders)."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_dir() and _VERSION.match(p.name)]
    return [load_version(p) for p in sorted(found, key=lambda p: int(p.name[1:]))]


def load_version(path: Path) -> Version:
    """A version folder and its manifest; a folder that is not one is a clear error."""
    manifest_path = path / MANIFEST
    if not _VERSION.match(path.name) or not manifest_path.is_file():
        raise VersionProblem(
            path=path,
            detail="không phải một phiên bản do vanban tạo.",
            fix="chỉ đường dẫn tới thư mục dạng output/<thư mục số liệu>/v001.",
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        manifest = error
    if not isinstance(manifest, dict):
        raise VersionProblem(
            path=path,
            detail=f"tệp {MANIFEST} bị hỏng hoặc không đọc được ({_reason(manifest)}).",
            fix=f"chép lại {MANIFEST} từ bản sao lưu, hoặc chuyển thư mục phiên bản này ra khỏi "
            "thư mục kết quả.",
        )
    return Version(path, manifest)


def _reason(problem: object) -> str:
    if isinstance(problem, OSError):
        return problem.strerror or type(problem).__name__
    if isinstance(problem, Exception):
        return type(problem).__name__
    return "không phải bảng thông tin JSON"


def add_version(
    folder: Path, documents: dict[str, bytes], inputs: dict[str, Path], manifest: dict[str, Any]
) -> Version:
    """Write a complete new version under ``folder`` and return it."""
    staging = new_staging(folder)
    try:
        _fill(staging, documents, inputs, manifest)
        return _publish(staging, folder)
    except OSError as error:
        raise OutputProblem(
            path=folder,
            detail=os_reason(error),
            fix="kiểm tra quyền ghi và chỗ trống trên đĩa rồi chạy lại.",
        ) from None
    finally:
        if staging.exists():
            remove_tree(staging)


def _fill(
    staging: Path, documents: dict[str, bytes], inputs: dict[str, Path], manifest: dict[str, Any]
) -> None:
    (staging / INPUTS_FOLDER).mkdir()
    for name, source in inputs.items():
        shutil.copyfile(source, staging / INPUTS_FOLDER / name)
    for name, data in documents.items():
        (staging / name).write_bytes(data)
    record = {
        **manifest,
        "thoi_gian_tao": datetime.now().astimezone().isoformat(timespec="seconds"),
        "dau_vao": {name: sha256(staging / INPUTS_FOLDER / name) for name in sorted(inputs)},
        "ket_qua": {name: sha256(staging / name) for name in sorted(documents)},
    }
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True)
    (staging / MANIFEST).write_text(text + "\n", encoding="utf-8")
    for path in staging.rglob("*"):
        if path.is_file():
            with open(path, "rb") as stream:
                os.fsync(stream.fileno())


def _publish(staging: Path, folder: Path) -> Version:
    """Rename the staging folder to the next free vNNN; a taken number is never overwritten."""
    _freeze(staging)
    existing = versions(folder)
    number = (existing[-1].number if existing else 0) + 1
    while True:
        target = folder / f"v{number:03d}"
        try:
            os.rename(staging, target)  # fails when target exists (it is never empty)
        except OSError:
            if not target.exists():
                raise
            number += 1
        else:
            target.chmod(
                stat.S_IRUSR
                | stat.S_IXUSR
                | stat.S_IRGRP
                | stat.S_IXGRP
                | stat.S_IROTH
                | stat.S_IXOTH
            )
            return load_version(target)


def _freeze(folder: Path) -> None:
    """Read-only files and folders: a finished version is never written again."""
    for path in sorted(folder.rglob("*"), reverse=True):
        mode = stat.S_IREAD | stat.S_IRGRP | stat.S_IROTH
        if path.is_dir():
            mode |= stat.S_IEXEC | stat.S_IXGRP | stat.S_IXOTH
        path.chmod(mode)
