"""``vanban register``: the issuing register of an output root (numbers, drafts, who holds them).

Like the other commands, it parses its options, calls one library function
(:func:`generator.archive.register.listing`) and prints the result.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .base import OUTPUT_OPTION, command, literal, shown

STATES = {"da_ban_hanh": "đã ban hành", "dang_ban_hanh": "đang ban hành"}


@command("register")
@OUTPUT_OPTION
@click.option("--json", "as_json", is_flag=True, help="In ra dạng JSON cho các chương trình khác.")
def register_command(output: Path, as_json: bool) -> None:
    """Sổ đăng ký số văn bản đã cấp: số, ký hiệu, năm, bản ban hành, dự thảo gốc, người ban hành."""
    from rich.console import Console  # heavy libraries only when the command runs
    from rich.table import Table

    from ..archive.register import listing
    from ..common.vnformat import short_date

    result = listing(output)
    if as_json:
        records = [entry.as_dict() for entry in result.entries]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if result.rebuilt:
        click.echo(
            f"Sổ đăng ký chưa có: đã lập lại từ {len(result.entries)} bản ban hành trong "
            f"{shown(output)}."
        )
    for clash in result.clashes:
        click.echo(f"Cảnh báo: {literal(clash)}")
    if not result.entries:
        click.echo(f"Chưa cấp số văn bản nào trong {shown(output)}.")
        return
    table = Table("Số", "Năm", "Ngày ban hành", "Bản ban hành", "Dự thảo", "Trạng thái", "Người")
    for entry in result.entries:
        table.add_row(
            literal(f"{entry.number:02d}/{entry.symbol}"),
            str(entry.year),
            short_date(entry.issued_on),
            literal(entry.issued or ""),
            literal(entry.draft),
            STATES.get(entry.state, entry.state),
            literal(entry.holder),
        )
    Console(highlight=False, markup=False, soft_wrap=False, width=140).print(table)
