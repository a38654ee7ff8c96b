"""``vanban web`` (the page) and ``vanban user add`` (its accounts); heavy imports inside."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from .base import OUTPUT_OPTION, Command, Context, command

LOOPBACK_NAMES = {"localhost"}


def is_local(host: str) -> bool:
    """True for 127.0.0.1, ::1 and localhost: the page then runs for one user, no login."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@command("web")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Địa chỉ nghe (0.0.0.0: cả mạng)."
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Cổng."
)
@click.option(
    "--data",
    "data_root",
    type=click.Path(path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Thư mục chứa các thư mục số liệu (mỗi kỳ một thư mục).",
)
@OUTPUT_OPTION
def web_command(host: str, port: int, data_root: Path, output: Path) -> None:
    """Mở trang web làm việc với các kỳ: tải số liệu, tạo, so sánh, ban hành, thu báo cáo."""
    import uvicorn

    from ..common.errors import AccountProblem
    from ..web.accounts import has_users
    from ..web.app import create_app

    login = not is_local(host)
    if login and not has_users(output):
        raise AccountProblem(
            detail="chạy cho cả mạng thì phải đăng nhập, mà chưa có tài khoản nào.",
            fix=f"tạo tài khoản trước: vanban user add <tên> --vai-tro chuyen-vien -o {output}",
        )
    app = create_app(data_root, output, login=login)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"Trang vanban: http://{shown}:{port}/  (Ctrl+C để dừng)")
    if login:
        click.echo("  Chế độ mạng: mọi người phải đăng nhập bằng tài khoản (vanban user add).")
    uvicorn.run(app, host=host, port=port, log_level="warning")


class _Accounts(click.Group):
    """``vanban user …``: Vietnamese help pages for its commands too."""

    command_class = Command
    context_class = Context


@click.group("user", cls=_Accounts, context_settings={"help_option_names": ["-h", "--help"]})
def user_group() -> None:
    """Tài khoản của trang web (khi chạy cho cả mạng)."""


@user_group.command("add")
@click.argument("name")
@click.option(
    "--vai-tro",
    "role",
    type=click.Choice(["chuyen-vien", "van-thu", "lanh-dao"]),
    required=True,
    help="chuyen-vien: số liệu, tạo, mẫu báo cáo; van-thu: ban hành; lanh-dao: chỉ xem.",
)
@click.password_option(
    "--mat-khau", "password", prompt="Mật khẩu", confirmation_prompt="Nhập lại mật khẩu",
    help="Mật khẩu (bỏ trống để được hỏi, không hiện khi gõ).",
)  # fmt: skip
@OUTPUT_OPTION
def user_add_command(name: str, role: str, password: str, output: Path) -> None:
    """Tạo tài khoản NAME với vai trò và mật khẩu (lưu dạng băm argon2)."""
    from ..web.accounts import ROLES, add_user

    add_user(output, name, password, role)
    click.echo(f"Đã tạo tài khoản «{name}» ({ROLES[role]}) trong {output}.")
