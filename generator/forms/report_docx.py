"""The consolidated report of the filled forms as a .docx in NĐ30 layout (``vanban collect``).

Built with the same pieces as the notice template (heading table, title, body,
signature block, landscape appendix with repeating header rows); it holds only
counts: no names, IDs or birth dates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..common.vnformat import BLANK_NUMBER, count, long_date, moment
from ..documents import docx_xml as x
from ..documents import template_maker as t
from ..kinds.metadata import METADATA_FILE, load_metadata
from .collect import Collected, collect, find_round, write_reports
from .making import REASONS, notice_citation
from .register import KEPT_FOLDER
from .report_xlsx import tally_frame

SUBJECT = "Tổng hợp các trường hợp không đồng bộ với Cơ sở dữ liệu quốc gia về dân cư"


def report_document(result: Collected, metadata: dict[str, Any]) -> bytes:
    """The report's .docx bytes (a draft: number and date left blank)."""
    document = t.Document()
    t.set_defaults(document)
    t.page_setup(document.sections[0], landscape=False)
    _page_numbers(document.sections[0])
    agency = metadata["co_quan"]
    symbol = "BC-" + metadata["van_ban"]["ky_hieu"].split("-", 1)[-1]
    year = metadata["so_lieu"]["thoi_diem"].year
    t.header_block(
        document,
        (agency["chu_quan"], agency["ban_hanh"]),
        f"Số: {BLANK_NUMBER}/{symbol}",
        f"{agency['dia_danh']}, {long_date(None, year)}",
    )
    t.title_block(document, "BÁO CÁO", SUBJECT)
    frame = tally_frame(result)
    for text in _body(result, frame, metadata):
        t.body_paragraph(document, text)
    _signature(document, metadata)
    _appendix(document, frame, metadata)
    properties = document.core_properties
    properties.title = f"Báo cáo {SUBJECT[0].lower()}{SUBJECT[1:]}"
    properties.author = agency["ban_hanh"]
    properties.last_modified_by = "vanban"
    properties.created = properties.modified = metadata["so_lieu"]["han_bao_cao"]
    properties.revision = 1
    return x.deterministic_bytes(document)


def consolidate(folder: Path, today: date | None = None, returned: Path | None = None) -> Collected:
    """Check the returned forms of the round at ``folder``; write the .xlsx and .docx."""
    register, returned = find_round(folder, returned)
    metadata = load_metadata(register.root / KEPT_FOLDER / METADATA_FILE)
    figures = metadata["so_lieu"]
    notice = notice_citation(metadata, register.root)
    deadline, data_date = figures["han_bao_cao"].date(), figures["thoi_diem"].date()
    result = collect(folder, deadline, today, data_date=data_date, notice=notice, returned=returned)
    result.outputs = write_reports(result, register.root, report_document(result, metadata))
    return result


def _page_numbers(section) -> None:
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    x.page_number_field(section.header.paragraphs[0], 13)
    section.first_page_header.paragraphs[0].text = ""


def _body(result: Collected, frame: pd.DataFrame, metadata: dict[str, Any]) -> list[str]:
    people = int(frame["Số người"].sum()) if not frame.empty else 0
    by_reason = frame.groupby("Lý do")["Số người"].sum().reindex(list(REASONS), fill_value=0)
    reasons = "; ".join(f"{reason}: {count(int(n))}" for reason, n in by_reason.items() if n)
    deadline = moment(metadata["so_lieu"]["han_bao_cao"])
    errors = sum(p.level == "Lỗi" for p in result.problems)
    return [
        f"Thực hiện {result.notice} của {metadata['co_quan']['ten']}, đến hạn {deadline}: "
        f"đã gửi mẫu báo cáo cho {count(result.sent)} đơn vị, đã nhận {count(result.received)} "
        f"báo cáo, trong đó {count(result.complete)} đơn vị báo cáo đầy đủ, hợp lệ và "
        f"{count(result.with_errors)} báo cáo có lỗi; tổng hợp được {count(people)} trường hợp "
        "không đồng bộ với CSDLQG về dân cư.",
        f"Lý do chưa đồng bộ: {reasons or 'chưa có'} (**chi tiết theo đơn vị và cấp học tại "
        "Phụ lục kèm theo**).",
        f"Còn {count(result.missing)} đơn vị chưa nộp báo cáo và {count(errors)} chỗ trong các "
        "báo cáo đã nộp cần đơn vị sửa lại (danh sách trong tệp Excel tổng hợp kèm theo)./.",
    ]


def _signature(document, metadata: dict[str, Any]) -> None:
    table = document.add_table(rows=1, cols=2)
    x.fixed_layout(table, [7.0, t.TEXT_WIDTH_CM - 7.0], cell_margin_cm=0.05)
    x.row_flags(table.rows[0])
    recipients, signer = table.cell(0, 0), table.cell(0, 1)
    x.cell_text(recipients, "Nơi nhận:", 12, bold=True, italic=True, align=t.LEFT)
    for name in metadata["noi_nhan"]["danh_sach"]:
        t.paragraph(recipients, f"- {name};", 11, align=t.LEFT)
    t.paragraph(recipients, f"- Lưu: {metadata['noi_nhan']['luu']}.", 11, align=t.LEFT)
    lines = metadata["ky"]["quyen_han"]
    x.cell_text(signer, lines[0], t.BODY_PT, bold=True)
    for line in lines[1:]:
        t.paragraph(signer, line, bold=True)
    t.paragraph(signer, "", before=72)
    t.paragraph(signer, metadata["ky"]["nguoi_ky"], bold=True)


def _appendix(document, frame: pd.DataFrame, metadata: dict[str, Any]) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    t.page_setup(section, landscape=True)
    x.restart_page_numbers(section._sectPr)
    t.paragraph(document, "Phụ lục", bold=True)
    t.paragraph(document, "SỐ TRƯỜNG HỢP KHÔNG ĐỒNG BỘ THEO ĐƠN VỊ, CẤP HỌC VÀ LÝ DO", bold=True)
    symbol = "BC-" + metadata["van_ban"]["ky_hieu"].split("-", 1)[-1]
    year = metadata["so_lieu"]["thoi_diem"].year
    t.paragraph(
        document,
        f"(Kèm theo Báo cáo số {BLANK_NUMBER}/{symbol} {long_date(None, year)} "
        f"của {metadata['co_quan']['ten']})",
        italic=True,
        after=6,
    )
    _reason_table(document, frame)


def _reason_table(document, frame: pd.DataFrame) -> None:
    pivot = (
        frame.pivot_table(
            index=["Đơn vị quản lý", "Đơn vị", "Cấp học"],
            columns="Lý do",
            values="Số người",
            aggfunc="sum",
            fill_value=0,
        ).reindex(columns=list(REASONS), fill_value=0)
        if not frame.empty
        else pd.DataFrame(columns=list(REASONS))
    )
    headers = ["STT", "Đơn vị", "Cấp học", *REASONS, "Cộng"]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    x.fixed_layout(table, [1.0, 6.2, 1.4] + [1.65] * len(REASONS) + [1.4], cell_margin_cm=0.08)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        x.cell_text(cell, text, 10, bold=True)
    x.row_flags(table.rows[0], header=True)
    names = frame.groupby("Đơn vị")["Đơn vị quản lý"].nunique() if not frame.empty else {}
    for number, ((office, unit, level), values) in enumerate(pivot.iterrows(), start=1):
        row = table.add_row()
        x.row_flags(row)
        texts = [
            str(number),
            f"{unit} ({office})" if names[unit] > 1 else unit,
            level,
            *[count(int(v)) for v in values],
            count(int(values.sum())),
        ]
        for index, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            x.cell_text(cell, text, 10, align=t.LEFT if index == 1 else t.CENTER)
    total = table.add_row()
    x.row_flags(total)
    sums = [count(int(pivot[r].sum())) if r in pivot else "0" for r in REASONS]
    for cell, text in zip(
        total.cells, ["", "Tổng số", "", *sums, count(int(pivot.values.sum()))], strict=True
    ):
        x.cell_text(cell, text, 10, bold=True)
    t.paragraph(document, "", 2)
