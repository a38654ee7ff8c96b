"""Terminal tables for people: the version history and the comparison of two versions."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table

from ..archive.diff import Diff
from ..common.vnformat import count, short_date
from ..inputs.reading import COUNT_COLUMNS, LABELS
from .base import literal

STATES = {"du_thao": "dự thảo", "ban_hanh": "ban hành"}


def console() -> Console:
    """Rich output with markup off: a name like «[bold]» or «[/]» is printed as typed."""
    return Console(highlight=False, markup=False, soft_wrap=False, width=140)


def print_history(records: list[dict[str, Any]]) -> None:
    table = Table(
        "Phiên bản",
        "Tạo lúc",
        "Trạng thái",
        "HS chưa ĐB",
        "NS chưa ĐB",
        "Đầu vào thay đổi",
        title="Các phiên bản, mới nhất trước",
    )
    for record in records:
        state = STATES.get(record["trang_thai"], record["trang_thai"])
        if record["so"]:
            issued_on = short_date(date.fromisoformat(record["ngay_ban_hanh"]))
            state += f" số {record['so']:02d}, {issued_on} (từ {record['tu_phien_ban']})"
        figures = record["so_lieu"] or {}
        changed = ", ".join(record["thay_doi"]) or ("lần đầu" if not record["tu_phien_ban"] else "")
        table.add_row(
            record["phien_ban"],
            (record["thoi_gian_tao"] or "")[:19].replace("T", " "),
            state,
            count(figures.get("hs_chua")),
            count(figures.get("ns_chua")),
            changed,
        )
    console().print(table)


def print_diff(result: Diff) -> None:
    screen = console()
    screen.print(literal(f"So sánh {result.before} → {result.after}"))
    if result.changes:
        table = Table(
            "Đơn vị", "Cấp", "Chỉ tiêu", "Trước", "Sau", "Chênh lệch", title="Số liệu thay đổi"
        )
        for change in result.changes:
            table.add_row(
                literal(change.unit),
                literal(change.level),
                LABELS[change.column],
                count(change.before),
                count(change.after),
                f"{change.difference:+d}",
            )
        screen.print(table)
    else:
        screen.print("Không có số liệu nào của đơn vị thay đổi.")
    for label, rows in (("Thêm", result.added), ("Bớt", result.removed)):
        for unit, level in rows:
            screen.print(literal(f"{label}: {unit} (cấp {level})"))
    totals = Table(
        "Tổng toàn ngành", "Trước", "Sau", "Chênh lệch", title="Số liệu trong thân văn bản"
    )
    for name in COUNT_COLUMNS:
        old, new = getattr(result.totals_before, name), getattr(result.totals_after, name)
        totals.add_row(LABELS[name], count(old), count(new), f"{new - old:+d}")
    screen.print(totals)
