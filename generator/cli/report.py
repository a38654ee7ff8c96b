"""Terminal tables for people: the version history and the comparison of two versions."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..archive.diff import Change, Diff, OfficeDiff, counts_text
from ..common.vnformat import count, short_date, signed
from ..inputs.headers import COUNT_COLUMNS, LABELS

STATES = {"du_thao": "dự thảo", "ban_hanh": "ban hành"}
SHORT = {
    "hs_tong": "HS",
    "hs_chua": "HS chưa đồng bộ",
    "ns_tong": "NS",
    "ns_chua": "NS chưa đồng bộ",
}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=140)


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
    _console().print(table)


def print_diff(result: Diff) -> None:
    """The headline totals first, then each managing office: renames, additions, removals,
    changed figures; every item exactly once, numbers the Vietnamese way (−16, +1.500)."""
    console = _console()
    console.print(f"So sánh {result.before} → {result.after}")
    totals = Table(
        "Chỉ tiêu", "Trước", "Sau", "Chênh lệch", title="Số liệu trong thân văn bản (toàn ngành)"
    )
    for name in COUNT_COLUMNS:
        old, new = getattr(result.totals_before, name), getattr(result.totals_after, name)
        totals.add_row(LABELS[name], count(old), count(new), signed(new - old))
    console.print(totals)
    busy = [office for office in result.offices if not office.quiet]
    if not busy:
        console.print("Không có đơn vị nào đổi tên, thêm, bớt hay thay đổi số liệu.")
    for office in busy:
        _print_office(console, office)


def _print_office(console: Console, office: OfficeDiff) -> None:
    moved = [
        f"{SHORT[n]} {count(getattr(office.totals_before, n))} → "
        f"{count(getattr(office.totals_after, n))} "
        f"({signed(getattr(office.totals_after, n) - getattr(office.totals_before, n))})"
        for n in COUNT_COLUMNS
        if getattr(office.totals_before, n) != getattr(office.totals_after, n)
    ]
    console.print()
    summary = f": {'; '.join(moved)}" if moved else ""
    console.print(f"[bold]{escape(office.office)}[/bold]{summary}")
    for rename in office.renamed:
        figures = "; ".join(_change(c) for c in rename.changes) or "số liệu không đổi"
        console.print(
            f"  Đổi tên: {escape(rename.before)} → {escape(rename.after)} "
            f"(cấp {rename.level}): {figures}"
        )
    for label, rows in (("Thêm", office.added), ("Bớt", office.removed)):
        for row in rows:
            figures = escape(counts_text(row.counts))
            console.print(f"  {label}: {escape(row.unit)} (cấp {row.level}): {figures}")
    if office.changes:
        table = Table("Đơn vị", "Cấp", "Chỉ tiêu", "Trước", "Sau", "Chênh lệch")
        for change in office.changes:
            table.add_row(
                escape(change.unit),
                change.level,
                LABELS[change.column],
                count(change.before),
                count(change.after),
                signed(change.difference),
            )
        console.print(table)


def _change(change: Change) -> str:
    return (
        f"{LABELS[change.column]} {count(change.before)} → {count(change.after)} "
        f"({signed(change.difference)})"
    )
