"""Report forms: one .xlsx per unit listing its unsynchronised people, to be filled in.

``vanban forms <data>`` writes ``output/<data>/mau-bao-cao/<office>/<unit>.xlsx``
for every unit with at least one unsynchronised person: the unit's header,
its people (STT, name, date of birth, ID with the middle hidden, level, HS/NS),
and columns to fill: reason (a drop-down of the usual reasons plus "Khác"),
remedy, expected completion date (a date check up to the deadline). A form
holds only its own unit's people. ``danh-sach.csv`` keeps, for ``collect``, a
key per person (a hash, not the ID) and nothing else personal. The whole
folder is written aside and swapped in at the end; both cores work.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.datavalidation import DataValidation

from ..common.errors import MissingInput
from ..common.files import stable_zip, write_atomic
from ..common.vnformat import long_date, moment
from ..documents.fastdocx import CompiledTemplate
from ..inputs.persons import check_persons, find_persons, read_persons
from ..kinds.appendices import APPENDIX_FILE, load_declarations
from ..kinds.metadata import METADATA_FILE, load_metadata
from ..kinds.templates import resolve

FORMS_FOLDER = "mau-bao-cao"
REGISTER = "danh-sach.csv"
SECRET_FILE = ".khoa-mau-bao-cao"  # never inside the forms folder
FORM_TEMPLATE = "mau-bao-cao.docx"
REASONS = ("Sai ngày sinh", "Sai họ tên", "Sai số định danh", "Chưa có số định danh",
           "Sai giới tính", "Sai quê quán", "Đã chuyển đi", "Khác")  # fmt: skip
HEADERS = (
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Mã định danh",
    "Cấp học",
    "Đối tượng",
    "Lý do chưa đồng bộ",
    "Biện pháp khắc phục",
    "Ngày dự kiến hoàn thành",
    "Mã dòng",
)
FIRST_ROW = 8  # the first person's row, as Excel numbers it
FIXED_TIME = datetime(2020, 1, 1)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass(frozen=True)
class FormsResult:
    folder: Path
    forms: int
    people: int
    zips: list[Path]


def person_key(identifier: str, secret: bytes) -> str:
    """A key for a person that reveals nothing of the ID without ``secret`` (HMAC-SHA256).

    A plain hash would not do: with the first and last digits shown on the form, the
    million possible middles of a 12-digit ID could be tried in a second.
    """
    return hmac.new(secret, identifier.encode(), hashlib.sha256).hexdigest()[:16]


def forms_secret(folder: Path) -> bytes:
    """The Sở's own key for the forms of a data folder: made once, kept outside the forms
    folder (which is sent to units), reused so that regenerated forms keep their keys."""
    path = folder / SECRET_FILE
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, secrets.token_bytes(32))
    return path.read_bytes()


def masked(identifier: str) -> str:
    """031000054062 → 031******062."""
    text = str(identifier)
    return text if len(text) <= 6 else text[:3] + "*" * (len(text) - 6) + text[-3:]


def slug(text: str) -> str:
    """A file name safe on Windows: no diacritics, "đ" → "d", lower case, dashes."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "don-vi"


def make_forms(
    data_dir: Path,
    output_dir: Path = Path("output"),
    *,
    zip_offices: bool = False,
    docx: bool = False,
    workers: int | None = None,
    progress=None,
) -> FormsResult:
    """Write every unit's form; returns where and how many."""
    people, metadata = _people(data_dir)
    pending = people[~people["xac_thuc"]].copy()
    secret = forms_secret(output_dir / data_dir.name)
    pending["ma_dong"] = [person_key(i, secret) for i in pending["ma_dinh_danh"].astype(str)]
    header = _header(metadata)
    if docx:
        header["mau_docx"] = str(resolve(data_dir, FORM_TEMPLATE))
    units = [
        (key, group)
        for key, group in pending.groupby(["don_vi_quan_ly", "don_vi"], observed=True, sort=True)
    ]
    target = output_dir / data_dir.name / FORMS_FOLDER
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dang-tao-", dir=target.parent))
    try:
        _write_all(staging, units, header, workers, progress)
        _register(pending).to_csv(staging / REGISTER, index=False, encoding="utf-8-sig")
        shutil.copyfile(data_dir / METADATA_FILE, staging / METADATA_FILE)  # for collect
        zips = _zip_offices(staging) if zip_offices else []
        _swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return FormsResult(
        target, len(units), len(pending), [target / z.relative_to(staging) for z in zips]
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


def _header(metadata: dict[str, Any]) -> dict[str, Any]:
    deadline = metadata["so_lieu"]["han_bao_cao"]
    return {
        "chu_quan": metadata["co_quan"]["chu_quan"],
        "ban_hanh": metadata["co_quan"]["ban_hanh"],
        "han": moment(deadline),
        "han_ngay": deadline.date(),
        "thoi_diem": moment(metadata["so_lieu"]["thoi_diem"]),
        "tu_ngay": metadata["so_lieu"]["thoi_diem"].date(),
        "he_thong": metadata["so_lieu"]["he_thong_nop"],
        "dia_danh": metadata["co_quan"]["dia_danh"],
        "ky_hieu": metadata["van_ban"]["ky_hieu"],
    }


def _write_all(staging: Path, units: list, header: dict, workers: int | None, progress) -> None:
    jobs = [
        (
            staging / slug(office) / f"{slug(unit)}.xlsx",
            office,
            unit,
            group[["ho_ten", "ngay_sinh", "ma_dinh_danh", "cap_hoc", "doi_tuong", "ma_dong"]]
            .astype(str)
            .values.tolist(),
            header,
        )
        for (office, unit), group in units
    ]
    count = workers or min(2, os.cpu_count() or 1)
    if count <= 1 or len(jobs) < 50:
        for job in jobs:
            write_form(*job)
            if progress:
                progress()
        return
    chunks = [jobs[i :: count * 4] for i in range(count * 4)]
    with ProcessPoolExecutor(max_workers=count) as pool:
        for done in as_completed(pool.submit(_write_chunk, chunk) for chunk in chunks):
            for _ in range(done.result()):
                if progress:
                    progress()


def _write_chunk(jobs: list) -> int:
    for job in jobs:
        write_form(*job)
    return len(jobs)


def write_form(
    path: Path, office: str, unit: str, people: list[list[str]], header: dict[str, Any]
) -> None:
    """One unit's form as .xlsx."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    _title(sheet, office, unit, header)
    sheet.append(list(HEADERS))
    for cell in sheet[FIRST_ROW - 1]:
        cell.font, cell.border = Font(name="Times New Roman", bold=True, size=11), _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, (name, born, identifier, level, kind, key) in enumerate(people, start=1):
        sheet.append([number, name, born, masked(identifier), level, kind, None, None, None, key])
    _validations(sheet, len(people), header)
    _layout(sheet, len(people))
    book.properties.creator = "vanban"
    book.properties.created = book.properties.modified = FIXED_TIME
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue(), FIXED_TIME))
    if header.get("mau_docx"):
        context = form_context(office, unit, people, header)
        path.with_suffix(".docx").write_bytes(_compiled(header["mau_docx"]).render(context))


_COMPILED: dict[str, CompiledTemplate] = {}


def _compiled(template: str) -> CompiledTemplate:
    """The form template, compiled once per process and reused for every unit."""
    if template not in _COMPILED:
        _COMPILED[template] = CompiledTemplate(Path(template))
    return _COMPILED[template]


def form_context(
    office: str, unit: str, people: list[list[str]], header: dict[str, Any]
) -> dict[str, Any]:
    """What the .docx form template shows for one unit."""
    rows = [
        {
            "stt": n,
            "ten": name,
            "ngay_sinh": born,
            "ma": masked(identifier),
            "cap": level,
            "loai": kind,
        }
        for n, (name, born, identifier, level, kind, _) in enumerate(people, start=1)
    ]
    return {
        "don_vi": unit.upper(),  # NĐ30: agency names in capitals
        "don_vi_quan_ly": office.upper(),
        "nguoi": rows,
        "thoi_diem": header["thoi_diem"],
        "han": header["han"],
        "he_thong": header["he_thong"],
        "dia_danh": header["dia_danh"],
        "nam": header["han_ngay"].year,
        "ly_do": ", ".join(REASONS),
    }


def _title(sheet, office: str, unit: str, header: dict[str, Any]) -> None:
    lines = [
        (header["chu_quan"], False),
        (header["ban_hanh"], True),
        ("BÁO CÁO CÁC TRƯỜNG HỢP KHÔNG ĐỒNG BỘ VỚI CSDL QUỐC GIA VỀ DÂN CƯ", True),
        (f"Đơn vị: {unit}    Đơn vị quản lý: {office}", True),
        (
            f"Số liệu tính đến {header['thoi_diem']}. Hạn gửi báo cáo: trước {header['han']}, "
            f"qua hệ thống {header['he_thong']}.",
            False,
        ),
        ("Điền cột G (chọn trong danh sách), H và I (ngày, không sau hạn báo cáo).", False),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=text).font = Font(
            name="Times New Roman", bold=bold, size=12
        )
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)


def _validations(sheet, count: int, header: dict[str, Any]) -> None:
    if not count:
        return
    last = FIRST_ROW + count - 1
    reasons = DataValidation(
        type="list",
        formula1='"' + ",".join(REASONS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Lý do",
        error="Chọn một lý do trong danh sách.",
    )
    reasons.add(f"G{FIRST_ROW}:G{last}")
    deadline = header["han_ngay"]
    dates = DataValidation(
        type="date",
        operator="between",
        formula1=_excel_date(header["tu_ngay"]),
        formula2=_excel_date(deadline),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ngày",
        error=f"Ngày phải từ ngày số liệu đến hạn báo cáo ({long_date(deadline)}).",
    )
    dates.add(f"I{FIRST_ROW}:I{last}")
    sheet.add_data_validation(reasons)
    sheet.add_data_validation(dates)
    for row in range(FIRST_ROW, last + 1):
        sheet.cell(row=row, column=9).number_format = "DD/MM/YYYY"


def _excel_date(value: date) -> str:
    return f"DATE({value.year},{value.month},{value.day})"


def _layout(sheet, count: int) -> None:
    widths = (6, 26, 12, 16, 9, 9, 24, 30, 16, 18)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.column_dimensions["J"].hidden = True
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.print_title_rows = f"{FIRST_ROW - 1}:{FIRST_ROW - 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + count - 1, max_col=9):
        for cell in row:
            cell.border = _BOX
            cell.font = Font(name="Times New Roman", size=11)


def _register(pending: pd.DataFrame) -> pd.DataFrame:
    """For collect: who each form must report on, by key (no names, no IDs)."""
    return pending[["don_vi_quan_ly", "don_vi", "cap_hoc", "doi_tuong", "ma_dong"]].astype(str)


def _zip_offices(staging: Path) -> list[Path]:
    zips = []
    for office in sorted(p for p in staging.iterdir() if p.is_dir()):
        archive = staging / f"{office.name}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for form in sorted(office.glob("*.xlsx")):
                info = zipfile.ZipInfo(
                    f"{office.name}/{form.name}", date_time=(2020, 1, 1, 0, 0, 0)
                )
                bundle.writestr(info, form.read_bytes(), zipfile.ZIP_DEFLATED)
        zips.append(archive)
    return zips


def _swap(staging: Path, target: Path) -> None:
    """Replace the previous forms folder in one step (the old one is removed after)."""
    old = target.with_name(f".cu-{target.name}")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.rename(target, old)
    os.rename(staging, target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def fill_date(value: Any) -> date | None:
    """A date typed in a filled form (a real date cell or text like 30/6/2023), else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value.strip(), pattern).date()
            except ValueError:
                continue
    return None
