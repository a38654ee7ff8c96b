"""Every error the library raises on purpose, with its message for the clerk.

Messages are in Vietnamese and say where the problem is and how to fix it.
The CLI turns each class into an exit code (see ``exit_code``); nothing else
in the library prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class VanbanError(Exception):
    """Base class: a problem the user can fix; ``str(error)`` is the message."""

    exit_code = 1

    def __reduce__(self):
        # Subclasses take keyword arguments; rebuild from the message and attributes so an
        # error raised in a worker process reaches the command intact.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(kind: type[VanbanError], args: tuple, state: dict) -> VanbanError:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, located the way the clerk sees it."""

    file: str
    message: str
    fix: str = ""
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    key: str | None = None
    letter: str | None = None  # the column as Excel names it ("E"), when known

    @property
    def cell(self) -> str | None:
        """The cell as Excel names it ("E12"), when both column and row are known."""
        return f"{self.letter}{self.row}" if self.letter and self.row is not None else None

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"trang tính «{self.sheet}»")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột «{self.column}»")
        if self.key:
            parts.append(f"mục «{self.key}»")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        return f"{text} Cách sửa: {self.fix}" if self.fix else text


class InvalidData(VanbanError):
    """The input has one or more problems; all of them are listed."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = [f"Dữ liệu có {count} lỗi, chưa tạo văn bản nào:"]
        lines += [f"  - {problem}" for problem in problems]
        super().__init__("\n".join(lines))


class MissingInput(VanbanError):
    """A file or folder the build needs is not there."""

    exit_code = 1

    def __init__(self, *, path: Path, what: str, fix: str) -> None:
        self.path = path
        super().__init__(f"Không tìm thấy {what}: {path}. Cách sửa: {fix}")


class TemplateProblem(VanbanError):
    """The template cannot be read or rendered."""

    exit_code = 3

    def __init__(self, *, template: Path, detail: str, fix: str) -> None:
        self.template = template
        super().__init__(f"Mẫu văn bản {template}: {detail} Cách sửa: {fix}")


class OutputProblem(VanbanError):
    """The result cannot be written where it should go."""

    exit_code = 4

    def __init__(self, *, path: Path, detail: str, fix: str) -> None:
        self.path = path
        super().__init__(f"Không ghi được {path}: {detail} Cách sửa: {fix}")


class VersionProblem(VanbanError):
    """An archived version cannot be used, or would be changed, as asked."""

    exit_code = 1

    def __init__(self, *, path: Path, detail: str, fix: str) -> None:
        self.path = path
        super().__init__(f"Phiên bản {path}: {detail} Cách sửa: {fix}")


class ToolMissing(VanbanError):
    """A program or font the task needs is not installed."""

    exit_code = 4

    def __init__(self, *, tool: str, purpose: str, fix: str) -> None:
        self.tool = tool
        super().__init__(f"Chưa cài {tool}, cần để {purpose}. Cách cài: {fix}")


class ToolFailed(VanbanError):
    """An outside program (LibreOffice, pdftoppm) did not do its job."""

    exit_code = 4

    def __init__(self, *, tool: str, detail: str, fix: str) -> None:
        self.tool = tool
        super().__init__(f"{tool}: {detail} Cách sửa: {fix}")


class UnreadableDocument(VanbanError):
    """A .docx to check cannot be opened."""

    exit_code = 1

    def __init__(self, *, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(
            f"Không mở được văn bản {path}: {detail} "
            "Cách sửa: mở và lưu lại tệp bằng Word (dạng .docx)."
        )
