"""The ``vanban`` commands about document kinds: list them, start a data folder for one.

Like :mod:`generator.cli.tools`, each command parses its options, calls one library
function and prints the result; errors are turned into messages by ``cli``.
"""

from __future__ import annotations

from pathlib import Path

import click

from .base import command, shown


@command("kinds")
def kinds_command() -> None:
    """Liệt kê các loại văn bản vanban làm được, mỗi loại một dòng."""
    from ..kinds.templates import all_kinds  # imported when run: --help stays instant

    broken = []
    for kind in all_kinds():
        if isinstance(kind, Exception):
            broken.append(kind)
        else:
            click.echo(f"{kind.ma:<20} {kind.mo_ta}  [{shown(kind.folder)}]")
    for error in broken:
        click.echo(f"Loại văn bản không dùng được: {error}", err=True)
    if broken:
        raise click.exceptions.Exit(1)


@command("new")
@click.argument("kind")
@click.argument("folder", type=click.Path(path_type=Path))
def new_command(kind: str, folder: Path) -> None:
    """Tạo thư mục số liệu FOLDER sẵn để điền cho loại văn bản KIND (xem «vanban kinds»)."""
    from ..inputs.scaffold import new_folder  # pandas, openpyxl: only when run

    written = new_folder(kind, folder)
    click.echo(f"Đã tạo thư mục {shown(folder)} cho loại «{kind}»:")
    for path in written:
        click.echo(f"  {shown(path)}")
    click.echo(f"Điền xong thì chạy: vanban validate {shown(folder)}")
