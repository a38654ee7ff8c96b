"""The ``vanban`` command: parse options, call one library function, print the result.

Errors become a Vietnamese message on stderr and an exit code here, and only here:
1 bad data, 2 wrong command usage, 3 template, 4 cannot write, 5 unexpected fault.

Commands are loaded on demand from :data:`COMMANDS` (click's "lazy group"): a
command's module is imported only when that command runs or its help is shown,
and command modules import their heavy libraries (pandas, docx, LibreOffice
helpers …) inside the command, so ``vanban --help`` starts at once.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
import traceback
from pathlib import Path

import click

from .. import __version__
from ..common.errors import InvalidData, OutputProblem, VanbanError
from ..common.files import os_reason
from .base import (
    DATE,
    HELP_TEXT,
    OUTPUT_OPTION,
    PDF_A_OPTION,
    SHEET_OPTION,
    STRICT_OPTION,
    Command,
    Context,
    command,
    literal,
    shown,
)

__all__ = ["COMMANDS", "DATE", "OUTPUT_OPTION", "cli", "main", "shown"]

UNEXPECTED_EXIT = 5

# Every command of ``vanban``: its name → "module:function" (the click command).
# Add a line here for a new command; keep the module light at import time.
COMMANDS: dict[str, str] = {
    "validate": "generator.cli.main:validate_command",
    "build": "generator.cli.main:build_command",
    "issue": "generator.cli.main:issue_command",
    "history": "generator.cli.main:history_command",
    "diff": "generator.cli.main:diff_command",
    "pdf": "generator.cli.tools:pdf_command",
    "preview": "generator.cli.tools:preview_command",
    "check": "generator.cli.tools:check_command",
    "check-template": "generator.cli.tools:check_template_command",
    "synth": "generator.cli.tools:synth_command",
    "forms": "generator.cli.tools:forms_command",
    "collect": "generator.cli.tools:collect_command",
    "web": "generator.cli.web:web_command",
    "user": "generator.cli.web:user_group",
    "kinds": "generator.cli.kinds:kinds_command",
    "new": "generator.cli.kinds:new_command",
    "register": "generator.cli.register:register_command",
}


_USAGE = (
    (
        r"Invalid value for ('.+?'(?: / '.+?')*): (.*)",
        lambda m: f"giá trị của {m.group(1).replace(chr(39), '')} không hợp lệ: {m.group(2)}",
    ),
    (r"Missing argument '(.+?)'\.?", r"thiếu tham số \1."),
    (r"Missing option '(.+?)'\.?", r"thiếu tuỳ chọn \1."),
    (r"No such option: (\S+)", r"không có tuỳ chọn \1."),
    (r"No such option '(.+?)'\.?", r"không có tuỳ chọn \1."),
    (r"\(Did you mean one of: (.+?)\?\)", lambda m: _one_of(m.group(1))),
    (r"\(Did you mean '(.+?)'\?\)", r"Có phải ý bạn là \1?"),
    (r"Did you mean '(.+?)'\?", r"Có phải ý bạn là \1?"),
    (r"Did you mean one of (.+?)\?", r"Có phải ý bạn là một trong \1?"),
    (r"'(.+?)' is not a valid integer( range)?\.?", r"«\1» không phải số nguyên hợp lệ."),
    (r"'(.+?)' is not a valid float( range)?\.?", r"«\1» không phải số hợp lệ."),
    (r"'(.+?)' does not match the formats? (.+?)\.", r"«\1» không đúng dạng ngày (\2)."),
    (r"'(.+?)' is not one of (.+?)\.", r"«\1» không phải một trong \2."),
    (r"'(.+?)' is not (.+?)\.", r"«\1» không phải \2."),
    (r"No such command '(.+?)'\.?", r"không có lệnh «\1»."),
    (r"Got unexpected extra arguments? \((.*)\)", r"thừa tham số: \1."),
    (r"Option '(.+?)' requires an argument\.", r"tuỳ chọn \1 cần một giá trị."),
    (r"Option '(.+?)' requires (\d+) arguments\.", r"tuỳ chọn \1 cần \2 giá trị."),
    (r"Path '(.+?)' does not exist\.", r"không có «\1»."),
    (r"File '(.+?)' is a directory\.", r"«\1» là thư mục, không phải tệp."),
    (r"Directory '(.+?)' is a file\.", r"«\1» là tệp, không phải thư mục."),
    (r"(.+?) is not in the range x>=(\S+?)\.", r"\1 nhỏ hơn \2 (phải từ \2 trở lên)."),
    (r"(.+?) is not in the range x<=(\S+?)\.", r"\1 lớn hơn \2 (phải đến \2 là nhiều nhất)."),
    (r"(.+?) is not in the range (.+?)\.", r"\1 nằm ngoài khoảng \2."),
    (r"(.+?) is not in the range (.+)", r"\1 nằm ngoài khoảng \2."),
)


def _one_of(names: str) -> str:
    return f"Có phải ý bạn là một trong: {names.replace(chr(39), '')}?"


def _usage_message(error: click.UsageError) -> str:
    message = error.format_message()
    for pattern, replacement in _USAGE:
        message = re.sub(pattern, replacement, message)
    where = error.ctx.command_path if error.ctx else "vanban"
    return f"Lỗi: gõ lệnh chưa đúng: {message} Xem hướng dẫn: {where} --help"


class _Group(click.Group):
    """Loads commands on demand from :data:`COMMANDS`; turns library errors into
    messages and exit codes (``--debug`` keeps the traceback).

    Mistyped commands get a Vietnamese message and exit code 2.
    """

    command_class = Command
    context_class = Context
    subcommand_metavar = "LỆNH [THAM SỐ]..."

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        module_name, attribute = COMMANDS[cmd_name].split(":")
        loaded = getattr(importlib.import_module(module_name), attribute)
        if loaded.context_class is click.Context:  # a plain click command: Vietnamese help too
            loaded.context_class = Context
        return loaded

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:  # suggest lazily loaded names too
            raise click.exceptions.NoSuchCommand(
                error.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as error:
            click.echo(literal(_usage_message(error)), err=True)
            sys.exit(2)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Đã dừng.", err=True)
            sys.exit(1)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except VanbanError as error:
            _report(ctx, str(error), error.exit_code)
        except (
            click.exceptions.Exit,
            click.exceptions.Abort,
            click.ClickException,
            BrokenPipeError,
        ):
            raise
        except OSError as error:  # a file system fault no library code foresaw: still exit 4
            where = f" {error.filename}" if error.filename else ""
            message = (
                f"Không đọc hoặc ghi được{where}: {os_reason(error)} Cách sửa: kiểm tra đường "
                "dẫn (tên không quá dài), quyền ghi và chỗ trống trên đĩa rồi chạy lại."
            )
            _report(ctx, message, OutputProblem.exit_code)
        except Exception:  # the last resort: a clerk must never see a traceback
            message = (
                "Lỗi ngoài dự kiến của chương trình. Chạy lại lệnh với --debug "
                "và gửi toàn bộ nội dung hiện ra cho người bảo trì vanban."
            )
            _report(ctx, message, UNEXPECTED_EXIT)


def _report(ctx: click.Context, message: str, code: int) -> None:
    if ctx.find_root().params.get("debug"):
        traceback.print_exc()
    click.echo(f"Lỗi: {literal(message)}", err=True)
    ctx.exit(code)


CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.group(name="vanban", cls=_Group, context_settings=CONTEXT, options_metavar="[TUỲ CHỌN]")
@click.help_option("-h", "--help", help=HELP_TEXT)
@click.option("--debug", is_flag=True, help="Hiện chi tiết kỹ thuật (traceback) khi có lỗi.")
@click.version_option(
    __version__, "--version", message="vanban %(version)s", help="Hiện phiên bản rồi thoát."
)
def cli(debug: bool) -> None:
    """Soạn văn bản của Sở GDĐT từ bảng số liệu, đúng thể thức Nghị định 30/2020."""


@command("validate")
@click.argument("data", type=click.Path(path_type=Path))
@SHEET_OPTION
@STRICT_OPTION
@click.option("--json", "as_json", is_flag=True, help="In ra dạng JSON cho các chương trình khác.")
def validate_command(data: Path, sheet: str | None, strict: bool, as_json: bool) -> None:
    """Kiểm tra thư mục số liệu DATA, không ghi gì; báo mọi lỗi một lần."""
    from ..figures.checkup import check_folder, validation_json
    from ..figures.tieout import TIEOUT_FILE

    try:
        checkup = check_folder(data, sheet, strict=strict)
    except InvalidData as error:
        if not as_json:
            raise
        click.echo(json.dumps(validation_json(None, error.problems), ensure_ascii=False, indent=2))
        raise click.exceptions.Exit(error.exit_code) from None
    if as_json:
        click.echo(json.dumps(validation_json(checkup, []), ensure_ascii=False, indent=2))
        return
    units, totals = checkup.inputs.units, checkup.sector.total
    if units.empty and checkup.inputs.collected is not None:
        click.echo(f"Dữ liệu hợp lệ: {_collected_line(checkup.inputs.collected)}")
    else:
        click.echo(f"Dữ liệu hợp lệ: {len(units)} dòng, {units['don_vi'].nunique()} đơn vị.")
        click.echo(_headline("Học sinh, học viên chưa đồng bộ", totals, "hs"))
        click.echo(_headline("Cán bộ, giáo viên, nhân viên chưa đồng bộ", totals, "ns"))
    _print_findings(checkup.inputs.notes, checkup.inputs.warnings)
    if checkup.disagreements:
        click.echo(
            f"Đối chiếu với {TIEOUT_FILE}: {len(checkup.disagreements)} số báo cáo khác "
            "số tính từ các dòng:"
        )
        for disagreement in checkup.disagreements:
            click.echo(f"  - {literal(str(disagreement))}")


def _print_findings(notes: list[str], warnings: list) -> None:
    for note in notes:
        click.echo(f"  {literal(str(note))}")
    for warning in warnings:
        click.echo(f"Cảnh báo: {literal(str(warning))}")


@command("build")
@click.argument("data", type=click.Path(path_type=Path))
@OUTPUT_OPTION
@click.option("--pdf", is_flag=True, help="Làm thêm bản PDF (cần LibreOffice) để ký số.")
@PDF_A_OPTION
@SHEET_OPTION
@STRICT_OPTION
def build_command(
    data: Path, output: Path, pdf: bool, pdf_a: bool, sheet: str | None, strict: bool
) -> None:
    """Tạo dự thảo Thông báo (.docx) từ thư mục số liệu DATA, ví dụ data/2023-06-23."""
    from ..archive.build import build
    from ..figures.tieout import TIEOUT_FILE

    result = build(data, output, pdf=pdf or pdf_a, sheet=sheet, strict=strict, pdf_a=pdf_a)
    if result.created:
        click.echo(f"Đã tạo phiên bản {result.version.name}: {shown(result.output)}")
    else:
        click.echo(
            f"Số liệu, thông tin và mẫu giống hệt phiên bản {result.version.name}: "
            "không tạo phiên bản mới."
        )
        click.echo(f"  Văn bản: {shown(result.output)}")
    if result.pdf:
        click.echo(f"  PDF: {shown(result.pdf)}")
    click.echo(f"  Mẫu đã dùng: {shown(result.template)}")
    if result.inputs.units.empty and result.inputs.collected is not None:
        click.echo(f"  {_collected_line(result.inputs.collected)}")
    else:
        click.echo(_headline("Học sinh, học viên chưa đồng bộ", result.totals, "hs"))
        click.echo(_headline("Cán bộ, giáo viên, nhân viên chưa đồng bộ", result.totals, "ns"))
    _print_findings(result.inputs.notes, result.inputs.warnings)
    if result.disagreements:
        click.echo(
            f"Đối chiếu với {TIEOUT_FILE}: {len(result.disagreements)} số báo cáo khác số "
            f"tính từ các dòng (xem: vanban validate {data})."
        )


@command("issue")
@click.argument("version", type=click.Path(path_type=Path))
@click.option(
    "--so",
    "number",
    type=click.IntRange(min=1),
    required=True,
    help="Số văn bản do hệ thống quản lý văn bản cấp, ví dụ 123.",
)
@click.option(
    "--ngay",
    "issued_on",
    type=DATE,
    required=True,
    help="Ngày ban hành, dạng 2023-06-26 hoặc 26/06/2023.",
)
def issue_command(version: Path, number: int, issued_on) -> None:
    """Ban hành dự thảo VERSION (ví dụ output/2023-06-23/v001) với số và ngày đã được cấp."""
    from ..archive.issuing import issue
    from ..common.vnformat import long_date

    result = issue(version, number, issued_on.date())
    click.echo(
        f"Đã tạo bản ban hành {result.version.name} (từ {version.name}): {shown(result.output)}"
    )
    click.echo(
        f"  Số: {number:02d}/{result.version.manifest['ky_hieu']}, {long_date(issued_on.date())}"
    )


@command("history")
@click.argument("data", type=click.Path(path_type=Path))
@OUTPUT_OPTION
@click.option("--json", "as_json", is_flag=True, help="In ra dạng JSON cho các chương trình khác.")
def history_command(data: Path, output: Path, as_json: bool) -> None:
    """Liệt kê các phiên bản của thông báo làm từ thư mục số liệu DATA, mới nhất trước."""
    from ..archive.history import history
    from .report import print_history

    records = history(data, output)
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        click.echo(f"Chưa có phiên bản nào trong {shown(output / data.name)}.")
        return
    print_history(records)


@command("diff")
@click.argument("before", type=click.Path(path_type=Path))
@click.argument("after", type=click.Path(path_type=Path))
@click.option(
    "--xlsx",
    type=click.Path(path_type=Path),
    default=None,
    help="Tệp Excel ghi kết quả (mặc định: output/so-sanh-<A>-<B>.xlsx).",
)
def diff_command(before: Path, after: Path, xlsx: Path | None) -> None:
    """So sánh số liệu của hai phiên bản hoặc hai thư mục số liệu BEFORE và AFTER."""
    from ..archive.diff import diff, diff_workbook
    from ..common.files import write_atomic
    from .report import print_diff

    result = diff(before, after)
    target = xlsx or Path("output") / f"so-sanh-{_slug(before)}-{_slug(after)}.xlsx"
    write_atomic(target, diff_workbook(result))
    print_diff(result)
    click.echo(f"Đã ghi bảng so sánh: {shown(target)}")


def _slug(path: Path) -> str:
    from ..common.names import slug

    return slug("-".join(path.parts[-2:]) if (path / "manifest.json").is_file() else path.name)


def _collected_line(collected: dict) -> str:
    from ..common.vnformat import count

    return (
        f"kết quả thu về: {count(collected['da_nhan'])} báo cáo đã nhận, "
        f"{count(len(collected['chua_nop']))} đơn vị chưa nộp, "
        f"{count(collected['so_truong_hop'])} trường hợp hợp lệ."
    )


def _headline(label: str, totals, who: str) -> str:
    from ..common.vnformat import count, percent, ratio

    part, whole = getattr(totals, f"{who}_chua"), getattr(totals, f"{who}_tong")
    return f"  {label}: {count(part)} / {count(whole)} ({percent(ratio(part, whole))} %)"


def main() -> None:
    """Entry point of the ``vanban`` script and of ``python -m generator``."""
    if hasattr(sys.stdout, "reconfigure"):  # Windows consoles: print Vietnamese, not '?'
        sys.stdout.reconfigure(encoding="utf-8")
        sys.stderr.reconfigure(encoding="utf-8")
    try:
        cli(prog_name="vanban")
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
