"""Report forms: one per unit listing its unsynchronised people, to be filled in.

``vanban forms <data>`` writes, for every unit (managing office, unit name) with
at least one unsynchronised person, ``output/<data>/mau-bao-cao/<office>/<unit>.xlsx``
(and ``.docx`` with ``--docx``): the unit's people (STT, name, date of birth, ID
with the middle hidden, level, HS/NS) and the columns to fill (see
:mod:`generator.forms.sheet`). What the Sở keeps (the register of sent files and
row keys, the metadata) goes to ``output/<data>/luu-tai-so/``, never into the
folder that is sent (see :mod:`generator.forms.register`). The whole round is
written aside and swapped in at the end; a form in the old folder that differs
from what was sent (a unit's filled form put back there) stops the run instead
of being overwritten.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ..archive.versions import versions
from ..common.errors import FormsProblem, MissingInput, OutputProblem
from ..common.files import FIXED_ZIP_TIME, sha256
from ..common.lifetime import end_with_parent
from ..common.names import unique_slugs
from ..common.staging import exclusive, finished, staging_folder
from ..common.tables import clean_text, csv_bytes
from ..common.vnformat import moment, short_date
from ..documents.fastdocx import CompiledTemplate
from ..inputs.persons import check_persons, find_persons, read_persons
from ..kinds.appendices import APPENDIX_FILE, load_declarations
from ..kinds.metadata import METADATA_FILE, load_metadata
from ..kinds.templates import resolve
from .register import (
    FORM_SUFFIXES,
    FORMS_FOLDER,
    KEPT_FOLDER,
    KEYS,
    KEYS_HEADER,
    REGISTER,
    REGISTER_HEADER,
    RETURNED_FOLDER,
    SECRET_FILE,
    changed_forms,
    forms_secret,
    keyed,
    read_round,
)
from .sheet import FIRST_ROW, REASONS, covers_several, form_workbook

__all__ = ["FIRST_ROW", "FORMS_FOLDER", "REASONS", "REGISTER", "SECRET_FILE", "make_forms"]

FORM_TEMPLATE = "mau-bao-cao.docx"
LOCK_FILE = ".mau-bao-cao.lock"


@dataclass(frozen=True)
class FormsResult:
    folder: Path  # the folder to send
    kept: Path  # what stays at the Sở
    returned: Path  # where the filled forms go
    forms: int
    people: int
    zips: list[Path]


@dataclass(frozen=True)
class _Job:
    path: str  # inside the forms folder, without suffix
    office: str
    unit: str
    code: str
    rows: list[dict[str, Any]]


def person_key(identifier: str, secret: bytes) -> str:
    """A person's row key: reveals nothing of the ID without ``secret``."""
    return keyed(secret, identifier)


def masked(identifier: str) -> str:
    """031000054062 → 031******062."""
    text = str(identifier)
    return text if len(text) <= 6 else text[:3] + "*" * (len(text) - 6) + text[-3:]


def make_forms(
    data_dir: Path,
    output_dir: Path = Path("output"),
    *,
    zip_offices: bool = False,
    docx: bool = False,
    workers: int | None = None,
    progress=None,
) -> FormsResult:
    """Write every unit's form, the register and the zips; returns where and how many."""
    people, metadata = _people(data_dir)
    root = output_dir / data_dir.name
    _check_writable(output_dir, root)
    try:
        return _make(data_dir, root, people, metadata, zip_offices, docx, workers, progress)
    except OSError as error:
        raise OutputProblem(
            path=Path(error.filename) if error.filename else root,
            detail=error.strerror or str(error),
            fix="kiểm tra chỗ trống trên đĩa và quyền ghi, hoặc chọn thư mục khác bằng --output.",
        ) from None


def _check_writable(output_dir: Path, root: Path) -> None:
    for path in (output_dir, root):
        if path.exists() and not path.is_dir():
            raise OutputProblem(
                path=path,
                detail="đây là một tệp, không phải thư mục.",
                fix="chỉ --output tới một thư mục (hoặc một tên chưa có).",
            )


def _make(
    data_dir: Path,
    root: Path,
    people: pd.DataFrame,
    metadata: dict[str, Any],
    zip_offices: bool,
    docx: bool,
    workers: int | None,
    progress,
) -> FormsResult:
    root.mkdir(parents=True, exist_ok=True)
    secret = forms_secret(root)
    pending = people[~people["xac_thuc"]]
    jobs = _jobs(pending, secret)
    header = form_header(metadata, root)
    template = str(resolve(data_dir, FORM_TEMPLATE)) if docx else None
    with staging_folder(root) as staging:
        forms, kept = staging / FORMS_FOLDER, staging / KEPT_FOLDER
        forms.mkdir()
        kept.mkdir()
        _write_all(forms, jobs, header, template, workers, progress)
        sent = _sent_files(forms, jobs)
        (kept / REGISTER).write_bytes(csv_bytes(REGISTER_HEADER, sent))
        (kept / KEYS).write_bytes(csv_bytes(KEYS_HEADER, _key_rows(jobs)))
        shutil.copyfile(data_dir / METADATA_FILE, kept / METADATA_FILE)
        zips = _zip_offices(forms) if zip_offices else []
        finished(staging)
        with exclusive(root / LOCK_FILE):  # two runs at once: one swaps after the other
            _guard_filled(root, sent)
            _swap(forms, root / FORMS_FOLDER)
            _swap(kept, root / KEPT_FOLDER)
    (root / RETURNED_FOLDER).mkdir(exist_ok=True)
    return FormsResult(
        root / FORMS_FOLDER,
        root / KEPT_FOLDER,
        root / RETURNED_FOLDER,
        len(jobs),
        len(pending),
        [root / FORMS_FOLDER / z.name for z in zips],
    )


def _people(data_dir: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    path = find_persons(data_dir) if data_dir.is_dir() else None
    if path is None:
        raise MissingInput(
            path=data_dir / "ca-nhan.csv",
            what="dữ liệu từng người",
            fix="đặt tệp xuất từ CSDL ngành (ca-nhan.csv, .xlsx hoặc .parquet) "
            "vào thư mục số liệu.",
        )
    metadata = load_metadata(data_dir / METADATA_FILE)
    levels = load_declarations(resolve(data_dir, APPENDIX_FILE)).level_names
    return check_persons(read_persons(path), levels, path.name), metadata


def form_header(metadata: dict[str, Any], root: Path) -> dict[str, Any]:
    """What every form of a round shows above and below its table."""
    deadline = metadata["so_lieu"]["han_bao_cao"]
    return {
        "co_quan": metadata["co_quan"]["ten"],
        "thong_bao": notice_citation(metadata, root),
        "han": moment(deadline),
        "han_ngay": deadline.date(),
        "thoi_diem": moment(metadata["so_lieu"]["thoi_diem"]),
        "tu_ngay": metadata["so_lieu"]["thoi_diem"].date(),
        "he_thong": metadata["so_lieu"]["he_thong_nop"],
        "dia_danh": metadata["co_quan"]["dia_danh"],
        "nam": deadline.year,
    }


def notice_citation(metadata: dict[str, Any], root: Path) -> str:
    """«Thông báo số 12/TB-SGDĐT ngày 26/6/2023» once the notice is issued, else its name."""
    issued = [v for v in versions(root) if v.issued and v.manifest.get("ngay_ban_hanh")]
    symbol = metadata["van_ban"]["ky_hieu"]
    if not issued:
        return (
            f"Thông báo {metadata['van_ban']['trich_yeu'][0].lower()}"
            + (metadata["van_ban"]["trich_yeu"][1:])
        )
    manifest = issued[-1].manifest
    day = date.fromisoformat(manifest["ngay_ban_hanh"])
    return f"Thông báo số {int(manifest['so']):02d}/{symbol} ngày {short_date(day)}"


def _jobs(pending: pd.DataFrame, secret: bytes) -> list[_Job]:
    offices = unique_slugs(pending["don_vi_quan_ly"].astype(str).unique())
    jobs = []
    for office, group in pending.groupby("don_vi_quan_ly", observed=True, sort=True):
        units = unique_slugs(group["don_vi"].astype(str).unique())
        for unit, people in group.groupby("don_vi", observed=True, sort=True):
            path = f"{offices[str(office)]}/{units[str(unit)]}"
            code = keyed(secret, str(office), str(unit))
            jobs.append(_Job(path, str(office), str(unit), code, _rows(people, secret)))
    return sorted(jobs, key=lambda job: job.path)


def _rows(people: pd.DataFrame, secret: bytes) -> list[dict[str, Any]]:
    columns = ["ho_ten", "ngay_sinh", "ma_dinh_danh", "cap_hoc", "doi_tuong"]
    return [
        {
            "stt": number,
            "ten": name,
            "ngay_sinh": born,
            "ma": masked(identifier),
            "cap": level,
            "loai": kind,
            "ma_dong": person_key(identifier, secret),
        }
        for number, (name, born, identifier, level, kind) in enumerate(
            people[columns].astype(str).itertuples(index=False), start=1
        )
    ]


def _write_all(
    forms: Path, jobs: list[_Job], header: dict, template: str | None, workers: int | None, progress
) -> None:
    if template and jobs:  # the first in this process: a template error is reported plainly
        write_form(forms, jobs[0], header, template)
        if progress:
            progress()
        jobs = jobs[1:]
    count = workers or min(2, os.cpu_count() or 1)
    if count <= 1 or len(jobs) < 50:
        for job in jobs:
            write_form(forms, job, header, template)
            if progress:
                progress()
        return
    chunks = [jobs[i :: count * 4] for i in range(count * 4)]
    with ProcessPoolExecutor(
        max_workers=count, initializer=end_with_parent, initargs=(os.getpid(),)
    ) as pool:
        futures = [pool.submit(_write_chunk, forms, chunk, header, template) for chunk in chunks]
        for done in as_completed(futures):
            for _ in range(done.result()):
                if progress:
                    progress()


def _write_chunk(forms: Path, jobs: list[_Job], header: dict, template: str | None) -> int:
    for job in jobs:
        write_form(forms, job, header, template)
    return len(jobs)


def write_form(forms: Path, job: _Job, header: dict[str, Any], template: str | None) -> None:
    """One unit's form as .xlsx (and .docx when a template is given)."""
    path = forms / job.path
    path.parent.mkdir(parents=True, exist_ok=True)
    data = form_workbook(job.office, job.unit, job.code, job.rows, header)
    path.with_suffix(".xlsx").write_bytes(data)
    if template:
        context = form_context(job.office, job.unit, job.code, job.rows, header)
        path.with_suffix(".docx").write_bytes(_compiled(template).render(context))


_COMPILED: dict[str, CompiledTemplate] = {}


def _compiled(template: str) -> CompiledTemplate:
    """The form template, compiled once per process and reused for every unit."""
    if template not in _COMPILED:
        _COMPILED[template] = CompiledTemplate(Path(template))
    return _COMPILED[template]


def form_context(
    office: str, unit: str, code: str, rows: list[dict[str, Any]], header: dict[str, Any]
) -> dict[str, Any]:
    """What the .docx form template shows for one unit (control characters shown as «�»)."""
    office, unit = clean_text(office), clean_text(unit)
    return {
        "don_vi": unit.upper(),  # NĐ30: agency names in capitals
        "don_vi_quan_ly": office.upper(),
        "ten_don_vi": unit,
        "ma_mau": code,
        "nhieu_truong": covers_several(unit),
        "nguoi": [
            {k: clean_text(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows
        ],
        "thong_bao": header["thong_bao"],
        "co_quan": header["co_quan"],
        "thoi_diem": header["thoi_diem"],
        "han": header["han"],
        "he_thong": header["he_thong"],
        "dia_danh": header["dia_danh"],
        "nam": header["nam"],
        "ly_do": ", ".join(REASONS),
    }


def _sent_files(forms: Path, jobs: list[_Job]) -> list[tuple]:
    rows = []
    for job in jobs:
        for suffix in FORM_SUFFIXES:
            path = forms / f"{job.path}{suffix}"
            if path.is_file():
                rows.append(
                    (f"{job.path}{suffix}", job.office, job.unit, job.code, len(job.rows),
                     sha256(path))
                )  # fmt: skip
    return rows


def _key_rows(jobs: list[_Job]) -> list[tuple]:
    return [
        (job.code, row["ma_dong"], row["stt"], row["cap"], row["loai"])
        for job in jobs
        for row in job.rows
    ]


def _guard_filled(root: Path, sent: list[tuple]) -> None:
    """Refuse to replace a form that is not byte for byte one that vanban sent."""
    folder = root / FORMS_FOLDER
    if not folder.is_dir():
        return
    known = {(row[0], row[5]) for row in sent}
    previous = read_round(root)
    if previous is not None:
        known |= {(form.file, form.sha256) for form in previous.sent}
    changed = changed_forms(folder, known)
    if changed:
        more = f" và {len(changed) - 10} tệp nữa" if changed[10:] else ""
        shown = ", ".join(changed[:10]) + more
        raise FormsProblem(
            path=folder,
            detail=f"có {len(changed)} tệp khác với mẫu đã gửi (mẫu đơn vị đã điền?): {shown}. "
            "Chưa ghi đè tệp nào.",
            fix=f"chuyển các tệp đã điền sang {root / RETURNED_FOLDER} (nơi «vanban collect» "
            "đọc), rồi chạy lại «vanban forms».",
        )


def _zip_offices(forms: Path) -> list[Path]:
    """One .zip per office folder with every form in it (each format made), fixed times."""
    zips = []
    for office in sorted(p for p in forms.iterdir() if p.is_dir()):
        archive = forms / f"{office.name}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for form in sorted(office.iterdir()):
                if form.suffix in FORM_SUFFIXES:
                    info = zipfile.ZipInfo(f"{office.name}/{form.name}", date_time=FIXED_ZIP_TIME)
                    bundle.writestr(info, form.read_bytes(), zipfile.ZIP_DEFLATED)
        zips.append(archive)
    return zips


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` (the old one is removed after the rename)."""
    old = target.with_name(f".cu-{target.name}")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def fill_date(value: Any) -> date | None:
    """A date typed in a filled form (a real date cell or text like 30/6/2023), else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip().split("T")[0].split(" ")[0]
        if text.isdigit() and 20_000 < int(text) < 80_000:  # a date cell that lost its format
            return date(1899, 12, 30) + timedelta(days=int(text))
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    return None
