"""A synthetic per-person export, for tests and benchmarks (``vanban synth``). Nothing is real.

The plan is the source folder's unit table with each district's pre-school,
primary and lower-secondary figures split over schools, scaled. The source folder's
``gia-lap.toml`` gives the ID prefix (the province's code) and the prefix of the
district offices' names. Every unit then gets exactly its planned number of
students and staff, of whom exactly the planned number are not synchronised:
aggregating the export gives the plan back. Names, birth dates and ID numbers
are drawn from a seeded generator.
"""

from __future__ import annotations

import os
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..common.errors import InvalidData, MissingInput, OutputProblem, Problem
from ..common.files import os_reason, staging
from ..common.tomlfile import read_toml
from ..kinds.metadata import find_metadata
from .folder import load_inputs
from .headers import COUNT_COLUMNS

PLAN_FILE = "ke-hoach.csv"
SETTINGS_FILE = "gia-lap.toml"
MAX_SCALE = 50  # 45 is about the whole country (24 million people)
SCHOOL_SIZE = {"MN": 180, "TH": 550, "THCS": 450}  # pupils per school, on average
SCHOOL_NAMES = (
    "Lê Lợi", "Trần Phú", "Nguyễn Du", "Quang Trung", "Hoa Sen", "Sao Mai", "Họa Mi",
    "Ngô Quyền", "Lý Tự Trọng", "Chu Văn An", "Võ Thị Sáu", "Kim Đồng", "Hoa Hồng",
    "Đinh Tiên Hoàng", "Hùng Vương", "Lê Quý Đôn", "Nguyễn Trãi", "Tô Hiệu", "Bạch Đằng",
    "Hoàng Văn Thụ", "Trần Quốc Toản", "Ánh Dương", "Tuổi Thơ", "Măng Non", "Hướng Dương",
)  # fmt: skip
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Phan", "Đào", "Đinh", "Mai", "Cao")  # fmt: skip
FAMILY_WEIGHTS = (38, 11, 10, 7, 6, 5, 3, 3, 3, 2, 2, 2, 1, 3, 1, 1, 1, 1)
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Hoàng", "Thu", "Quang", "Hải", "Bảo",
          "Gia", "Khánh", "Phương", "Anh")  # fmt: skip
GIVEN = ("An", "Anh", "Bình", "Châu", "Chi", "Dũng", "Duy", "Giang", "Hà", "Hải", "Hạnh",
         "Hiếu", "Hoa", "Hùng", "Huy", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam",
         "Ngọc", "Nhung", "Phương", "Quân", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tú",
         "Tuấn", "Vy", "Yến", "Đạt", "Việt", "Hằng", "Nga", "Thủy")  # fmt: skip
AGES = {"MN": (2, 5), "TH": (6, 10), "THCS": (11, 14), "THPT": (15, 17), "GDTX": (15, 30)}
REASONS = ("Sai ngày sinh", "Sai họ tên", "Chưa có số định danh", "Sai số định danh",
           "Sai giới tính", "Khác")  # fmt: skip
LEVEL_NAMES = {"MN": "Mầm non", "TH": "Tiểu học", "THCS": "THCS"}


def read_settings(source: Path) -> tuple[str, str]:
    """(ID prefix, district office prefix) from the source folder's ``gia-lap.toml``."""
    path = source / SETTINGS_FILE
    if not path.is_file():
        raise MissingInput(
            path=path,
            what="tệp thông tin dữ liệu giả lập",
            fix="sao chép data/2023-06-23/gia-lap.toml vào thư mục khuôn rồi sửa mã tỉnh.",
        )
    raw = read_toml(path, "data/2023-06-23/gia-lap.toml")
    prefix, office = raw.get("ma_tinh"), raw.get("tien_to_phong", "")
    problems = []
    if not (isinstance(prefix, str) and len(prefix) == 3 and prefix.isdigit()):
        fix = 'ghi mã tỉnh 3 chữ số trong ngoặc kép, ví dụ ma_tinh = "001".'
        problems.append(Problem(path.name, f"mã tỉnh {prefix!r} không hợp lệ.", fix, key="ma_tinh"))
    if not isinstance(office, str):
        fix = 'ghi trong ngoặc kép, ví dụ tien_to_phong = "Phòng GDĐT ".'
        problems.append(Problem(path.name, "phải là chữ.", fix, key="tien_to_phong"))
    unknown = sorted(set(raw) - {"ma_tinh", "tien_to_phong"})
    problems += [
        Problem(path.name, "khoá không dùng đến.", "xoá dòng này.", key=key) for key in unknown
    ]
    if problems:
        raise InvalidData(problems)
    return prefix, office


def plan(
    units: pd.DataFrame, scale: float, seed: int, office_prefix: str = "Phòng GDĐT "
) -> pd.DataFrame:
    """The unit table the export will add up to: districts split into schools, scaled."""
    rng = np.random.default_rng(seed)
    rows = []
    for row in units.to_dict("records"):
        district = row["don_vi"] == row["don_vi_quan_ly"]
        rows += _split(row, rng, office_prefix) if district else [row]
    table = pd.DataFrame(rows)
    for total, part in (("hs_tong", "hs_chua"), ("ns_tong", "ns_chua")):
        table[total] = _apportion(table[total].to_numpy(), scale)
        table[part] = _apportion(table[part].to_numpy(), scale, cap=table[total].to_numpy())
    table = table[(table["hs_tong"] + table["ns_tong"]) > 0]
    return table.reset_index(drop=True)


def _apportion(values: np.ndarray, scale: float, cap: np.ndarray | None = None) -> np.ndarray:
    """``values × scale`` in whole numbers whose sum is the scaled sum (largest remainders),
    so the city-wide rates survive small scales; never above ``cap``."""
    exact = values.astype(float) * scale
    whole = np.floor(exact).astype(np.int64)
    target = int(
        (Decimal(int(values.sum())) * Decimal(str(scale))).quantize(Decimal(1), ROUND_HALF_UP)
    )
    room = np.full(len(values), np.iinfo(np.int64).max) if cap is None else cap - whole
    order = np.argsort(-(exact - whole), kind="stable")
    extra = np.zeros(len(values), dtype=np.int64)
    for index in order[room[order] > 0][: max(target - int(whole.sum()), 0)]:
        extra[index] = 1
    result = whole + extra
    return np.minimum(result, cap) if cap is not None else result


def _split(row: dict, rng: np.random.Generator, office_prefix: str) -> list[dict]:
    """A district's figures at one level spread over its schools."""
    count = max(1, round(row["hs_tong"] / SCHOOL_SIZE.get(row["cap_hoc"], 500)))
    weights = rng.uniform(0.6, 1.4, count)
    parts = {}
    for total, part in (("hs_tong", "hs_chua"), ("ns_tong", "ns_chua")):
        parts[total] = rng.multinomial(row[total], weights / weights.sum())
        parts[part] = rng.multivariate_hypergeometric(parts[total], row[part])
    district = row["don_vi_quan_ly"].removeprefix(office_prefix)
    names = _school_names(count, rng)
    return [
        {
            "don_vi": f"Trường {LEVEL_NAMES[row['cap_hoc']]} {names[i]} ({district})",
            "cap_hoc": row["cap_hoc"],
            "don_vi_quan_ly": row["don_vi_quan_ly"],
            **{name: int(parts[name][i]) for name in COUNT_COLUMNS},
        }
        for i in range(count)
    ]


def _school_names(count: int, rng: np.random.Generator) -> list[str]:
    order = rng.permutation(len(SCHOOL_NAMES))
    return [
        SCHOOL_NAMES[order[i % len(order)]] + (f" {i // len(order) + 1}" if i >= len(order) else "")
        for i in range(count)
    ]


def persons(table: pd.DataFrame, seed: int, id_prefix: str, start: int = 0) -> pd.DataFrame:
    """One row per person, exactly as many (and as many not synchronised) as ``table`` says.

    ``start`` numbers the first person, so that chunks of a large export get distinct IDs.
    """
    rng = np.random.default_rng([seed, start])
    blocks = [_block(table, kind, rng) for kind in ("HS", "NS")]
    people = pd.concat(blocks, ignore_index=True)
    size = len(people)
    people.insert(0, "Mã định danh", _ids(size, start, rng, id_prefix))
    people.insert(1, "Họ và tên", _names(size, rng))
    return people


def _block(table: pd.DataFrame, kind: str, rng: np.random.Generator) -> pd.DataFrame:
    prefix = kind.lower()
    totals = table[f"{prefix}_tong"].to_numpy()
    unsynced = table[f"{prefix}_chua"].to_numpy()
    index = np.repeat(np.arange(len(table)), totals)
    position = np.arange(len(index)) - np.repeat(np.cumsum(totals) - totals, totals)
    synced = position >= np.repeat(unsynced, totals)
    levels = table["cap_hoc"].to_numpy()[index]
    return pd.DataFrame(
        {
            "Ngày sinh": _birth_dates(levels, kind, rng),
            "Đối tượng": kind,
            "Đơn vị": table["don_vi"].to_numpy()[index],
            "Cấp học": levels,
            "Đơn vị quản lý": table["don_vi_quan_ly"].to_numpy()[index],
            "Trạng thái xác thực": np.where(synced, "Đã xác thực", "Chưa xác thực"),
            "Lý do": np.where(
                synced, "", np.array(REASONS)[rng.integers(0, len(REASONS), len(index))]
            ),
        }
    )


def _ids(size: int, start: int, rng: np.random.Generator, prefix: str) -> np.ndarray:
    """12-digit numbers starting with the province's 3-digit code, all different."""
    numbers = int(prefix) * 1_000_000_000 + (start + rng.permutation(size).astype(np.int64)) * 7 + 1
    return np.char.zfill(numbers.astype(str), 12)


def _names(size: int, rng: np.random.Generator) -> np.ndarray:
    weights = np.array(FAMILY_WEIGHTS) / sum(FAMILY_WEIGHTS)
    family = np.array(FAMILY)[rng.choice(len(FAMILY), size, p=weights)]
    middle = np.array(MIDDLE)[rng.integers(0, len(MIDDLE), size)]
    given = np.array(GIVEN)[rng.integers(0, len(GIVEN), size)]
    return np.char.add(np.char.add(np.char.add(family, " "), np.char.add(middle, " ")), given)


_DAY_TEXT = pd.date_range(end="2023-06-23", periods=62 * 366)[::-1].strftime("%d/%m/%Y")


def _birth_dates(levels: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Dates of birth as dd/mm/yyyy text, by the age range of each level (or of staff)."""
    ages = {level: (22, 60) if kind == "NS" else span for level, span in AGES.items()}
    series = pd.Series(levels)
    low = series.map({k: v[0] for k, v in ages.items()}).to_numpy()
    high = series.map({k: v[1] for k, v in ages.items()}).to_numpy()
    days = ((low + rng.random(len(levels)) * (high - low + 1)) * 365.25).astype(np.int64)
    return np.asarray(_DAY_TEXT)[days]


def write_synthetic(target: Path, source: Path, scale: float, seed: int, fmt: str) -> Path:
    """A data folder with a synthetic export (``ca-nhan.<fmt>``), the plan and the metadata.

    The files are written in a staging folder beside ``target`` and moved in when all are
    complete: a full disk, a read-only folder or Ctrl+C leaves no half-written file.
    """
    if not 0 < scale <= MAX_SCALE:
        message = f"tỉ lệ {scale} nằm ngoài khoảng cho phép (lớn hơn 0, tối đa {MAX_SCALE})."
        fix = "chọn --scale, ví dụ 0.01 (bộ nhỏ), 1 (cả thư mục khuôn) hoặc 45 (cả nước)."
        raise InvalidData([Problem(file="tuỳ chọn --scale", message=message, fix=fix)])
    id_prefix, office_prefix = read_settings(source)
    table = plan(load_inputs(source).units, scale, seed, office_prefix)
    metadata = find_metadata(source)
    name = f"ca-nhan.{fmt}"
    try:
        with staging(target.parent) as work:
            shutil.copyfile(metadata, work / metadata.name)
            table.to_csv(work / PLAN_FILE, index=False, encoding="utf-8-sig")
            _write_people(work / name, table, seed, fmt, id_prefix)
            _move_into(work, target)
    except OSError as error:
        raise OutputProblem(
            path=target,
            detail=os_reason(error),
            fix="kiểm tra quyền ghi và chỗ trống trên đĩa, hoặc chọn thư mục khác.",
        ) from None
    return target / name


def _move_into(work: Path, target: Path) -> None:
    """All files into ``target`` at once when it is new, else each file replaced whole."""
    if not target.exists():
        os.rename(work, target)
        return
    for path in sorted(work.iterdir()):
        os.replace(path, target / path.name)


def _write_people(path: Path, table: pd.DataFrame, seed: int, fmt: str, id_prefix: str) -> None:
    writer = None
    start = 0
    with open(path, "wb") as stream:
        for chunk in _chunks(table):
            people = persons(chunk, seed, id_prefix, start)
            start += len(people)
            if fmt == "parquet":
                arrow = _arrow(people)
                writer = writer or pq.ParquetWriter(stream, arrow.schema)
                writer.write_table(arrow)
            else:
                text = people.to_csv(index=False, header=stream.tell() == 0, lineterminator="\n")
                stream.write(("\ufeff" if stream.tell() == 0 else "").encode() + text.encode())
        if writer:
            writer.close()


def _chunks(table: pd.DataFrame, people: int = 2_000_000) -> list[pd.DataFrame]:
    """Consecutive slices of the plan holding about ``people`` persons each."""
    sizes = (table["hs_tong"] + table["ns_tong"]).to_numpy()
    bounds = np.searchsorted(np.cumsum(sizes), np.arange(people, sizes.sum(), people))
    edges = [0, *sorted(set(int(b) + 1 for b in bounds)), len(table)]
    return [table.iloc[a:b] for a, b in zip(edges, edges[1:], strict=False) if b > a]


def _arrow(people: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(people, preserve_index=False)
    few = {"Đối tượng", "Đơn vị", "Cấp học", "Đơn vị quản lý", "Trạng thái xác thực", "Lý do"}
    columns = [
        table.column(n).dictionary_encode() if n in few else table.column(n)
        for n in table.column_names
    ]
    return pa.table(columns, names=table.column_names)
