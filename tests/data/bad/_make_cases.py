"""Writes the bad-input corpus in this folder (run once; the files are committed).

Each case is a folder whose files are laid over a copy of data/2023-06-23 before
`vanban build` runs; case.toml says what the clerk must be told.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
from openpyxl import Workbook

HERE = Path(__file__).parent
HEADER = (
    "Tên đơn vị,Cấp học,Đơn vị quản lý,Tổng số học sinh,Học sinh chưa đồng bộ,"
    "Tổng số nhân sự,Nhân sự chưa đồng bộ"
)
GOOD = [
    "THPT An Dương,THPT,Sở GDĐT,2204,2,108,0",
    "THPT An Lão,THPT,Sở GDĐT,1524,1,80,0",
    "TT GDTX Hải Phòng,GDTX,Sở GDĐT,322,0,54,0",
    "Phòng GDĐT Hồng Bàng,MN,Phòng GDĐT Hồng Bàng,6947,82,848,12",
]


def toml(
    exit_code: int,
    contains: list[str],
    args: list[str] | None = None,
    remove: list[str] | None = None,
) -> str:
    def text(value: str) -> str:  # a JSON string is a valid TOML basic string
        return json.dumps(value, ensure_ascii=False)

    lines = [f"exit = {exit_code}", "contains = ["]
    lines += [f"    {text(item)}," for item in contains]
    lines.append("]")
    if args:
        lines.append("args = [" + ", ".join(text(a) for a in args) + "]")
    if remove:
        lines.append("remove = [" + ", ".join(text(r) for r in remove) + "]")
    return "\n".join(lines) + "\n"


def case(name: str, files: dict[str, str | bytes], expect: str) -> None:
    folder = HERE / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for file, content in files.items():
        path = folder / file
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (folder / "case.toml").write_text(expect, encoding="utf-8")


def table(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def metadata(old: str, new: str) -> str:
    text = (HERE.parent.parent.parent / "data" / "2023-06-23" / "thong-bao.toml").read_text("utf-8")
    assert old in text, old
    return text.replace(old, new)


def main() -> None:
    f = "don-vi.csv"
    case(
        "01-cap-hoc-sai",
        {f: table(GOOD[0], "THPT Cát Bà,THPTX,Sở GDĐT,530,0,36,1")},
        toml(
            1,
            [
                "don-vi.csv, dòng 3, cột «Cấp học»: cấp học «THPTX» không hợp lệ.",
                "Cách sửa: ghi một trong: MN, TH, THCS, THPT, GDTX.",
            ],
        ),
    )
    case(
        "02-so-am",
        {f: table(GOOD[0], "THPT Cát Bà,THPT,Sở GDĐT,-530,0,36,1")},
        toml(
            1,
            [
                "don-vi.csv, dòng 3, cột «Tổng số học sinh»: số âm (-530).",
                "ghi một số nguyên không âm",
            ],
        ),
    )
    case(
        "03-chua-lon-hon-tong",
        {f: table("THPT Cát Hải,THPT,Sở GDĐT,389,0,32,33")},
        toml(
            1,
            [
                "dòng 2, cột «Nhân sự chưa đồng bộ»: số nhân sự chưa đồng bộ (33) lớn hơn "
                "tổng số nhân sự (32)."
            ],
        ),
    )
    case(
        "04-so-le",
        {f: table('THPT Cát Hải,THPT,Sở GDĐT,"389,5",0,32,1')},
        toml(1, ["dòng 2, cột «Tổng số học sinh»: «389,5» không phải số nguyên."]),
    )
    case(
        "05-chu-trong-o-so",
        {f: table("THPT Cát Hải,THPT,Sở GDĐT,ba trăm,0,32,1")},
        toml(1, ["dòng 2, cột «Tổng số học sinh»: «ba trăm» không phải số nguyên."]),
    )
    case(
        "06-o-so-trong",
        {f: table(GOOD[0], "THPT Cát Hải,THPT,Sở GDĐT,389,,32,1")},
        toml(1, ["dòng 3, cột «Học sinh chưa đồng bộ»: ô để trống.", "ghi 0 nếu không có ai"]),
    )
    case(
        "07-trung-don-vi",
        {f: table(GOOD[0], GOOD[1], "THPT An Dương,THPT,Sở GDĐT,1,0,1,0")},
        toml(
            1,
            [
                "dòng 4, cột «Tên đơn vị»: đơn vị «THPT An Dương», cấp THPT đã có ở dòng 2.",
                "gộp hai dòng làm một",
            ],
        ),
    )
    case(
        "08-dong-tong-giua-bang",
        {f: table(GOOD[0], "Tổng cộng,THPT,Sở GDĐT,3728,3,188,0", GOOD[1])},
        toml(1, ["dòng 3, cột «Tên đơn vị»: đây là dòng tổng (cộng), không phải một đơn vị."]),
    )
    case(
        "09-dong-tong-lech",
        {f: table(*GOOD, "Tổng số,,,10997,85,1090,11")},
        toml(
            1,
            [
                "dòng 6, cột «Nhân sự chưa đồng bộ»: dòng tổng ghi 11, nhưng các dòng cộng "
                "lại được 12."
            ],
        ),
    )
    case(
        "10-thieu-don-vi-quan-ly",
        {f: table(GOOD[0], "THPT Cát Bà,THPT,,530,0,36,1")},
        toml(1, ["dòng 3, cột «Đơn vị quản lý»: thiếu đơn vị quản lý.", "«Sở GDĐT»"]),
    )
    case(
        "11-thieu-ten-don-vi",
        {f: table(",THPT,Sở GDĐT,530,0,36,1")},
        toml(1, ["dòng 2, cột «Tên đơn vị»: thiếu tên đơn vị."]),
    )
    case(
        "12-thieu-cot",
        {
            f: "Tên đơn vị,Cấp học,Tổng số học sinh,Học sinh chưa đồng bộ,"
            "Tổng số nhân sự,Nhân sự chưa đồng bộ\nTHPT An Lão,THPT,1524,1,80,0\n"
        },
        toml(
            1,
            [
                "don-vi.csv, dòng 1, cột «Đơn vị quản lý»: thiếu cột bắt buộc.",
                "thêm cột có tiêu đề «Đơn vị quản lý» ở dòng 1.",
            ],
        ),
    )
    case(
        "13-cot-la",
        {f: table(GOOD[0] + ",52", header=HEADER + ",Số lớp")},
        toml(
            1,
            [
                "dòng 1, cột «Số lớp»: tiêu đề cột không thuộc bảng số liệu.",
                "xoá cột này, hoặc đổi tiêu đề thành một trong",
            ],
        ),
    )
    case(
        "14-tieu-de-go-sai",
        {f: table(GOOD[0], header=HEADER.replace("Cấp học", "Cap hocc"))},
        toml(
            1,
            [
                "dòng 1, cột «Cap hocc»: tiêu đề cột không thuộc bảng số liệu.",
                "có phải ý bạn là «Cấp học»?",
            ],
        ),
    )
    case(
        "15-cot-trung",
        {f: table(GOOD[0] + ",THPT", header=HEADER + ",Bậc học")},
        toml(
            1,
            [
                "dòng 1, cột «Bậc học»: cột này trùng với cột «Cấp học» đã có.",
                "xoá một trong hai cột.",
            ],
        ),
    )
    case(
        "16-bang-khong-co-dong",
        {f: table()},
        toml(1, ["don-vi.csv: bảng không có dòng số liệu nào."]),
    )
    case("17-tep-trong", {f: ""}, toml(1, ["don-vi.csv: tệp trống."]))
    case(
        "18-dong-thua-o",
        {f: table("THPT Cát Hải,THPT,Sở GDĐT,389,5,0,32,1")},
        toml(1, ["don-vi.csv, dòng 2: dòng có 8 ô nhưng bảng chỉ có 7 cột."]),
    )
    tcvn3 = (
        "Tªn ®¬n vÞ,CÊp häc,§¬n vÞ qu¶n lý,Tæng sè häc sinh,Häc sinh ch­a ®ång bé,"
        "Tæng sè nh©n sù,Nh©n sù ch­a ®ång bé\nTr­êng THPT An L·o,THPT,Së GD§T,1524,1,80,0\n"
    )
    case(
        "19-bang-ma-tcvn3",
        {f: tcvn3.encode("latin-1")},
        toml(1, ["bảng mã cũ TCVN3 (phông .VnTime)", "Unikey", "chọn nguồn TCVN3"]),
    )
    case(
        "20-phong-vni",
        {f: table("Tröôøng THPT An Laõo,THPT,Sôû GDÑT,1524,1,80,0")},
        toml(
            1,
            [
                "dòng 2, cột «Tên đơn vị»: 1 ô viết bằng bảng mã cũ VNI (phông VNI-Times)",
                "chọn nguồn VNI",
            ],
        ),
    )
    case(
        "21-bang-ma-la",
        {f: b"\x81\x8d\x8f\x90 kh\xf4ng \x9d"},
        toml(1, ["không nhận ra bảng mã của tệp", "CSV UTF-8"]),
    )
    case(
        "22-thieu-nguoi-ky",
        {"thong-bao.toml": metadata('nguoi_ky = "Bùi Văn Kiệt"', "")},
        toml(
            1,
            [
                "thong-bao.toml, mục «ky.nguoi_ky»: thiếu thông tin bắt buộc.",
                'thêm dòng: nguoi_ky = "Bùi Văn Kiệt"',
            ],
        ),
    )
    case(
        "23-viet-tat-t-m",
        {"thong-bao.toml": metadata("TM. BAN CHỈ ĐẠO", "T/M BAN CHỈ ĐẠO")},
        toml(1, ["thong-bao.toml, mục «ky.quyen_han»", "NĐ30 không dùng «T/M»", "viết «TM.»"]),
    )
    case(
        "24-sai-cu-phap-toml",
        {"thong-bao.toml": metadata('he_thong_nop = "qlvb.hpnet.vn"', "he_thong_nop = qlvb")},
        toml(1, ["thong-bao.toml, dòng 20: sai cú pháp", "chữ phải nằm trong dấu ngoặc kép"]),
    )
    case(
        "25-ngay-gio-sai-kieu",
        {"thong-bao.toml": metadata("thoi_diem = 2023-06-23T11:30:00", 'thoi_diem = "23/6/2023"')},
        toml(
            1,
            [
                "thong-bao.toml, mục «so_lieu.thoi_diem»: giá trị '23/6/2023' không đúng kiểu.",
                "thoi_diem = 2023-06-23T11:30:00",
            ],
        ),
    )
    case(
        "26-ghi-so-vao-toml",
        {"thong-bao.toml": metadata('ky_hieu = "TB-SGDĐT"', 'ky_hieu = "TB-SGDĐT"\nso = 5')},
        toml(1, ["thong-bao.toml, mục «van_ban.so»: không ghi số, ngày ở đây.", "vanban issue"]),
    )
    case(
        "27-thieu-thong-bao-toml",
        {},
        toml(
            1,
            ["Không tìm thấy tệp thông tin văn bản", "sao chép data/2023-06-23/thong-bao.toml"],
            remove=["thong-bao.toml"],
        ),
    )
    case(
        "28-thieu-bang-so-lieu",
        {},
        toml(
            1,
            ["Không tìm thấy bảng số liệu đơn vị", "don-vi.csv, don-vi.xlsx"],
            remove=["don-vi.csv"],
        ),
    )
    declarations = (HERE.parent.parent.parent / "templates" / "phu-luc.toml").read_text("utf-8")
    case(
        "29-phu-luc-cap-hoc-la",
        {"phu-luc.toml": declarations.replace('cap_hoc = ["THPT"]', 'cap_hoc = ["PTTH"]')},
        toml(1, ["phu-luc.toml, dòng 34, mục «phu_luc thứ 2.cap_hoc thứ 1»: cấp học «PTTH» lạ."]),
    )
    case(
        "30-canh-bao-khi-strict",
        {f: table(GOOD[0], "THPT Mới,THPT,Sở GDĐT,0,0,12,0")},
        toml(
            1,
            ["dòng 3, cột «Tổng số học sinh»: 0 học sinh nhưng có 12 nhân sự."],
            args=["--strict"],
        ),
    )
    case(
        "31-doi-chieu-phu-luc-la",
        {"doi-chieu.toml": '[[so]]\nphu_luc = "IX"\nhs_tong = 1\n'},
        toml(
            1,
            [
                "doi-chieu.toml, mục «so thứ 1»: không có phụ lục «IX».",
                "ghi phu_luc là một trong: I, II, III, IV (hoặc mã: toan_nganh, thpt, gdtx, phong)",
            ],
        ),
    )
    book = Workbook()
    book.active.title = "Số liệu"
    book.active.append(HEADER.split(","))
    book.active.append(["THPT An Lão", "THPT", "Sở GDĐT", 1524, 1, 80, 0])
    book.save(HERE / "32.xlsx")
    case(
        "32-trang-tinh-khong-co",
        {"don-vi.xlsx": (HERE / "32.xlsx").read_bytes()},
        toml(
            1,
            [
                "don-vi.xlsx: không có trang tính «Tổng hợp».",
                "chọn một trong các trang tính: Số liệu.",
            ],
            args=["--sheet", "Tổng hợp"],
            remove=["don-vi.csv"],
        ),
    )
    (HERE / "32.xlsx").unlink()
    document = docx.Document()
    document.add_paragraph("Số học sinh: {{ so_lieu.so_hoc_sinh | so }}")
    document.save(HERE / "33.docx")
    case(
        "33-mau-dung-bien-khong-co",
        {"mau-thong-bao.docx": (HERE / "33.docx").read_bytes()},
        toml(3, ["Mẫu văn bản", "so_hoc_sinh", "Biến trong mẫu"]),
    )
    (HERE / "33.docx").unlink()


if __name__ == "__main__":
    main()
