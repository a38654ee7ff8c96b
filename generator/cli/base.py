"""What every ``vanban`` command shares: Vietnamese help pages and the common options.

Light on purpose: importing this module (and any command module) loads click and
nothing heavy, so ``vanban --help`` and a mistyped command answer at once. A
command imports pandas, docx, LibreOffice helpers … inside its function body.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import click

HELP_TEXT = "Hiện hướng dẫn này rồi thoát."

# click writes a few English words into help pages (usage line, option types, the
# "[default: …; required]" extras); each is translated here, in one place.
_USAGE_WORDS = (
    ("[OPTIONS]", "[TUỲ CHỌN]"),
    ("COMMAND [ARGS]...", "LỆNH [THAM SỐ]..."),
    ("[ARGS]...", "[THAM SỐ]..."),
)
_EXTRAS = (
    (r"\bdefault: ", "mặc định: "),
    (r"\brequired\b", "bắt buộc"),
    (r"([^\[;\s]+)<=?x<=?([^;\]\s]+)", r"từ \1 đến \2"),
    (r"\bx>=([^;\]\s]+)", r"từ \1 trở lên"),
    (r"\bx>([^=;\]\s][^;\]\s]*)", r"lớn hơn \1"),
    (r"\bx<([^=;\]\s][^;\]\s]*)", r"nhỏ hơn \1"),
    (r"\bx<=([^;\]\s]+)", r"đến \1"),
    (r"\benv var: ", "biến môi trường: "),
)
_METAVARS = {
    "TEXT": "CHỮ",
    "PATH": "ĐƯỜNG_DẪN",
    "FILE": "TỆP",
    "DIRECTORY": "THƯ_MỤC",
    "INTEGER RANGE": "SỐ",
    "INTEGER": "SỐ",
    "FLOAT RANGE": "SỐ",
    "FLOAT": "SỐ",
    "BOOLEAN": "CÓ/KHÔNG",
    "UUID": "MÃ",
}
_METAVAR = re.compile(
    r"(?<=[ =])(" + "|".join(re.escape(word) for word in _METAVARS) + r"|\[%[^\]]*\])(?=$|[ .])"
)
_EXTRA = re.compile(r"\[([^\[\]]*)\]$")
_ENGLISH_HELP = {"Show this message and exit.": HELP_TEXT, "Show the version and exit.": ""}


def _metavar(match: re.Match[str]) -> str:
    word = match.group(1)
    return "NGÀY" if word.startswith("[%") else _METAVARS[word]


def _extras(text: str) -> str:
    text = _ENGLISH_HELP.get(text, text)
    found = _EXTRA.search(text)
    if not found:
        return text
    inner = found.group(1)
    for pattern, replacement in _EXTRAS:
        inner = re.sub(pattern, replacement, inner)
    return f"{text[: found.start()]}[{inner}]"


class VietnameseHelp(click.HelpFormatter):
    """Help pages with Vietnamese headings, usage line, option types and extras."""

    HEADINGS = {"Options": "Tuỳ chọn", "Commands": "Lệnh", "Arguments": "Tham số"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, vietnamese in _USAGE_WORDS:
            args = args.replace(english, vietnamese)
        super().write_usage(prog, args, prefix="Cách dùng: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        translated = [(_METAVAR.sub(_metavar, term), _extras(text)) for term, text in rows]
        super().write_dl(translated, col_max, col_spacing)


class Context(click.Context):
    formatter_class = VietnameseHelp


class Command(click.Command):
    """A vanban command: Vietnamese help page, ``-h``/``--help``."""

    context_class = Context

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[TUỲ CHỌN]")
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option


def command(name: str, **kwargs):
    """``@command("build")``: a click command with vanban's Vietnamese help."""
    return click.command(name, cls=Command, **kwargs)


OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Thư mục lưu các phiên bản.",
)
DATE = click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"])  # 2023-06-26 or 26/06/2023
SHEET_OPTION = click.option(
    "--sheet", default=None, help="Tên trang tính cần đọc khi bảng số liệu là tệp Excel/ODS."
)
PDF_A_OPTION = click.option(
    "--pdf-a",
    "pdf_a",
    is_flag=True,
    help="PDF theo chuẩn PDF/A-2b (nhúng phông chữ) để ký số trên hệ thống quản lý văn bản "
    "và lưu trữ; vanban không ký.",
)
STRICT_OPTION = click.option(
    "--strict", is_flag=True, help="Coi cảnh báo và số đối chiếu lệch là lỗi."
)


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it (shorter to read)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_UNSEEN = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)}


def literal(text: str) -> str:
    """``text`` for a terminal: control characters (ESC, BEL, CR, bidi overrides) shown as
    ``\\x1b``-style escapes instead of acting on the screen; line breaks are kept."""
    return "".join(_visible(c) for c in text)


def _visible(c: str) -> str:
    if (unicodedata.category(c) == "Cc" and c != "\n") or c in _UNSEEN:
        return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
    return c
