"""Writes don-vi.xlsx here: the 2023 notice's four appendices typed into a workbook the way
they are printed (run once; the file is committed).

One sheet per appendix, each with the "PHỤ LỤC …" line, its title, the "(Kèm theo …)" line,
STT, two header rows with merged group cells, ratio columns, a "Tổng số" row written in a
cell merged across STT and the name, and numbers ≥ 1000 typed as text the Vietnamese way
("1.739"). The figures come from data/2023-06-23/don-vi.csv with plain Python sums (not
vanban's code), so a test can prove the workbook builds the same figures.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
SOURCE = HERE.parents[2] / "data" / "2023-06-23" / "don-vi.csv"
STAFF = "CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN"
LEVELS = {"MN": "Mầm non", "TH": "Tiểu học", "THCS": "THCS", "THPT": "THPT", "GDTX": "GDTX"}
TITLES = {
    "I": "THỐNG KÊ TỔNG SỐ HỌC SINH, NHÂN SỰ TOÀN NGÀNH CHƯA ĐỒNG BỘ THÔNG TIN VỚI CSDL QUỐC "
    "GIA VỀ DÂN CƯ",
    "II": "THỐNG KÊ SỐ HỌC SINH, NHÂN SỰ KHỐI CÁC TRƯỜNG THPT CHƯA ĐỒNG BỘ THÔNG TIN VỚI CSDL "
    "QUỐC GIA VỀ DÂN CƯ",
    "III": "THỐNG KÊ SỐ HỌC VIÊN, CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN KHỐI CÁC TRUNG TÂM GDNN-GDTX "
    "CHƯA ĐỒNG BỘ THÔNG TIN VỚI CSDL QUỐC GIA VỀ DÂN CƯ",
    "IV": "THỐNG KÊ SỐ HỌC SINH, NHÂN SỰ KHỐI CÁC PHÒNG GIÁO DỤC VÀ ĐÀO TẠO CHƯA ĐỒNG BỘ THÔNG "
    "TIN VỚI CSDL QUỐC GIA VỀ DÂN CƯ",
}


def vn(value: int) -> int | str:
    """Numbers from 1000 up typed as text, as clerks paste them from a printed table."""
    return f"{value:,}".replace(",", ".") if value >= 1000 else value


def ratio(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.2f}".replace(".", ",") if whole else "0,00"


def rows() -> list[dict]:
    names = ["don_vi", "cap_hoc", "don_vi_quan_ly", "hs_tong", "hs_chua", "ns_tong", "ns_chua"]
    with open(SOURCE, encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))[1:]
    records = [dict(zip(names, line, strict=True)) for line in lines]
    return [{**r, **{k: int(r[k]) for k in names[3:]}} for r in records]


def top(sheet, number: str, width: int) -> None:
    for text, bold in ((f"PHỤ LỤC {number}", True), (TITLES[number], True),
                       ("(Kèm theo Thông báo số       /TB-SGDĐT ngày     tháng     năm 2023 "
                        "của Sở Giáo dục và Đào tạo Hải Phòng)", False)):  # fmt: skip
        sheet.append([text])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.cell(row, 1).font = Font(bold=bold)
        sheet.cell(row, 1).alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.append([])


def combined(sheet, number: str, name: str, learners: str, items, total_first: bool) -> None:
    """Appendices I–III: one set of figures per row."""
    top(sheet, number, 8)
    sheet.append(["STT", name, learners, None, None, STAFF, None, None])
    sheet.append([None, None, "Tổng số", "Chưa xác thực", "Tỉ lệ (%)"] * 1
                 + ["Tổng số", "Chưa xác thực", "Tỉ lệ (%)"])  # fmt: skip
    first = sheet.max_row - 1
    for column in ("A", "B"):
        sheet.merge_cells(f"{column}{first}:{column}{first + 1}")
    sheet.merge_cells(f"C{first}:E{first}")
    sheet.merge_cells(f"F{first}:H{first}")
    sums = [sum(item[k] for _, item in items) for k in ("hs_tong", "hs_chua", "ns_tong", "ns_chua")]

    def total_row() -> None:
        sheet.append(["Tổng số", None, vn(sums[0]), vn(sums[1]), ratio(sums[1], sums[0]),
                      vn(sums[2]), vn(sums[3]), ratio(sums[3], sums[2])])  # fmt: skip
        sheet.merge_cells(f"A{sheet.max_row}:B{sheet.max_row}")

    if total_first:
        total_row()
    for stt, (label, item) in enumerate(items, start=1):
        sheet.append([stt, label, vn(item["hs_tong"]), vn(item["hs_chua"]),
                      ratio(item["hs_chua"], item["hs_tong"]), vn(item["ns_tong"]),
                      vn(item["ns_chua"]), ratio(item["ns_chua"], item["ns_tong"])])  # fmt: skip
    if not total_first:
        total_row()


def by_level(sheet, data: list[dict]) -> None:
    """Appendix IV: one row per office, a column pair per level (MN, TH, THCS)."""
    levels = ("MN", "TH", "THCS")
    width = 2 + 2 * (2 * len(levels) + 1)
    top(sheet, "IV", width)
    sheet.append(["STT", "Phòng GDĐT", "HỌC SINH"] + [None] * 6 + [STAFF] + [None] * 6)
    second = [None, None]
    for who in ("HS", "NS"):
        for level in levels:
            second += [f"Số {who} {level}", "Chưa đồng bộ"]
        second.append(f"Tổng số {who} chưa đồng bộ")
    sheet.append(second)
    first = sheet.max_row - 1
    for column in ("A", "B"):
        sheet.merge_cells(f"{column}{first}:{column}{first + 1}")
    sheet.merge_cells(start_row=first, start_column=3, end_row=first, end_column=9)
    sheet.merge_cells(start_row=first, start_column=10, end_row=first, end_column=16)
    offices: dict[str, dict[str, dict]] = {}
    for row in data:
        if row["cap_hoc"] in levels:
            offices.setdefault(row["don_vi_quan_ly"], {})[row["cap_hoc"]] = row
    order = ["Sở GDĐT"] + [o for o in offices if o != "Sở GDĐT"]

    def cells(per_level: dict[str, dict]) -> list:
        out = []
        for who in ("hs", "ns"):
            for level in levels:
                item = per_level.get(level)
                out += [vn(item[f"{who}_tong"]), vn(item[f"{who}_chua"])] if item else [None, None]
            out.append(vn(sum(i[f"{who}_chua"] for i in per_level.values())))
        return out

    for stt, office in enumerate(order, start=1):
        label = "Trực thuộc Sở" if office == "Sở GDĐT" else office.removeprefix("Phòng GDĐT ")
        sheet.append([stt, label, *cells(offices[office])])
    totals: dict[str, dict] = {}
    for per_level in offices.values():
        for level, item in per_level.items():
            into = totals.setdefault(level, {k: 0 for k in ("hs_tong", "hs_chua", "ns_tong",
                                                             "ns_chua")})  # fmt: skip
            for key in into:
                into[key] += item[key]
    sheet.append(["Tổng số", None, *cells(totals)])
    sheet.merge_cells(f"A{sheet.max_row}:B{sheet.max_row}")


def main() -> None:
    data = rows()
    per_level = {
        LEVELS[level]: {
            k: sum(r[k] for r in data if r["cap_hoc"] == level)
            for k in ("hs_tong", "hs_chua", "ns_tong", "ns_chua")
        }  # fmt: skip
        for level in LEVELS
    }
    book = Workbook()
    combined(book.active, "I", "Cấp học", "HỌC SINH, HỌC VIÊN", list(per_level.items()), True)
    book.active.title = "PL I"
    for number, level, learners in (("II", "THPT", "HỌC SINH"), ("III", "GDTX", "HỌC VIÊN")):
        items = [(r["don_vi"], r) for r in data if r["cap_hoc"] == level]
        combined(book.create_sheet(f"PL {number}"), number, "Đơn vị", learners, items, False)
    by_level(book.create_sheet("PL IV"), data)
    book.properties.created = book.properties.modified = datetime(2023, 6, 23)
    book.save(HERE / "don-vi.xlsx")


if __name__ == "__main__":
    main()
