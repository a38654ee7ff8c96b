"""The ``vanban`` command: parse options, call one library function, print the result.

Errors become a Vietnamese message on stderr and an exit code here, and only here:
1 bad data, 2 wrong command usage, 3 template, 4 cannot write, 5 unexpected fault.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .aggregate import Counts
from .build import build
from .errors import VanbanError
from .vnformat import count, percent, ratio

UNEXPECTED_EXIT = 5


class _Group(click.Group):
    """Turns library errors into messages and exit codes; ``--debug`` keeps the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except VanbanError as error:
            _report(ctx, str(error), error.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception:  # the last resort: a clerk must never see a traceback
            message = (
                "Lỗi ngoài dự kiến của chương trình. Chạy lại lệnh với --debug "
                "và gửi toàn bộ nội dung hiện ra cho người bảo trì vanban."
            )
            _report(ctx, message, UNEXPECTED_EXIT)


def _report(ctx: click.Context, message: str, code: int) -> None:
    if ctx.find_root().params.get("debug"):
        traceback.print_exc()
    click.echo(f"Lỗi: {message}", err=True)
    ctx.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Hiện chi tiết kỹ thuật (traceback) khi có lỗi.")
@click.version_option(__version__, "--version", message="vanban %(version)s")
def cli(debug: bool) -> None:
    """Soạn văn bản của Sở GDĐT từ bảng số liệu, đúng thể thức Nghị định 30/2020."""


@cli.command("build")
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Thư mục ghi văn bản.",
)
def build_command(data: Path, output: Path) -> None:
    """Tạo Thông báo (.docx) từ thư mục số liệu DATA, ví dụ data/2023-06-23."""
    result = build(data, output)
    click.echo(f"Đã tạo thông báo: {_shown(result.output)}")
    click.echo(f"  Mẫu đã dùng: {_shown(result.template)}")
    click.echo(_headline("Học sinh, học viên chưa đồng bộ", result.totals, "hs"))
    click.echo(_headline("Cán bộ, giáo viên, nhân viên chưa đồng bộ", result.totals, "ns"))


def _headline(label: str, totals: Counts, who: str) -> str:
    part, whole = getattr(totals, f"{who}_chua"), getattr(totals, f"{who}_tong")
    return f"  {label}: {count(part)} / {count(whole)} ({percent(ratio(part, whole))} %)"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main() -> None:
    """Entry point of the ``vanban`` script and of ``python -m generator``."""
    if hasattr(sys.stdout, "reconfigure"):  # Windows consoles: print Vietnamese, not '?'
        sys.stdout.reconfigure(encoding="utf-8")
        sys.stderr.reconfigure(encoding="utf-8")
    cli(prog_name="vanban")
