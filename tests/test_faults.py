"""File system faults and hostile names: a Vietnamese message and exit 1–4, never exit 5.

A full disk is a real tmpfs of a few kilobytes and a read-only folder a read-only tmpfs where
the test may mount one (root in CI); elsewhere the same fault is raised where vanban writes.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.archive.build import build
from generator.archive.versions import versions
from generator.cli.main import cli
from generator.common import files

from .conftest import SHIPPED


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _mount(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or shutil.which("mount") is None:
        return False
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    return mounted.returncode == 0


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fault_on_write(monkeypatch, folder: Path, code: int) -> None:
    """Without a mount: staging folders and atomic writes in ``folder`` fail with ``code``."""

    def failing(real):
        def call(*args, dir=None, **kwargs):  # noqa: A002 (tempfile's own argument name)
            if dir is not None and Path(dir).resolve().is_relative_to(folder.resolve()):
                raise OSError(code, os.strerror(code))
            return real(*args, dir=dir, **kwargs)

        return call

    monkeypatch.setattr(files.tempfile, "mkdtemp", failing(files.tempfile.mkdtemp))
    monkeypatch.setattr(files.tempfile, "mkstemp", failing(files.tempfile.mkstemp))


@pytest.fixture
def read_only(tmp_path, monkeypatch):
    folder = tmp_path / "chi-doc"
    if _mount(folder, "ro,size=64k"):
        try:
            yield folder
        finally:
            _unmount(folder)
    else:
        _fault_on_write(monkeypatch, folder, errno.EROFS)
        yield folder


FILLER = "lap-day.bin"


def _fill(path: Path) -> None:
    """Take the room left on the disk."""
    filler = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(filler, b"\0" * 1024):
            pass
    except OSError:
        pass
    finally:
        os.close(filler)


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """A folder on a disk with almost no room left (64 KB)."""
    folder = tmp_path / "day"
    if _mount(folder, "size=64k"):
        try:
            _fill(folder / FILLER)
            yield folder
        finally:
            _unmount(folder)
    else:
        _fault_on_write(monkeypatch, folder, errno.ENOSPC)
        yield folder


def _refused(result, code: int = 4) -> str:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "ngoài dự kiến" not in result.stderr
    assert result.stderr.startswith("Lỗi: ")
    return result.stderr


def _leftovers(folder: Path) -> list[Path]:
    found = folder.rglob("*") if folder.exists() else []
    return [p for p in found if p.is_file() and p.name != FILLER]


def test_synth_into_a_read_only_folder_is_exit_4(read_only):
    result = run("synth", str(read_only / "thu"), "--scale", "0.01", "--from", str(SHIPPED))
    assert "Không ghi được" in _refused(result)
    assert _leftovers(read_only) == []


def test_synth_on_a_full_disk_is_exit_4_and_leaves_nothing(full_disk):
    result = run("synth", str(full_disk / "thu"), "--scale", "0.01", "--from", str(SHIPPED))
    message = _refused(result)
    assert "Không ghi được" in message and "chỗ trống trên đĩa" in message
    assert _leftovers(full_disk) == []


def test_build_on_a_full_disk_is_exit_4_and_leaves_no_version(full_disk):
    result = run("build", str(SHIPPED), "-o", str(full_disk / "out"))
    assert "Không ghi được" in _refused(result)
    assert versions(full_disk / "out" / SHIPPED.name) == []
    assert _leftovers(full_disk) == []


def test_diff_workbook_on_a_full_disk_is_exit_4(tmp_path, full_disk):
    first = build(SHIPPED, tmp_path / "out").version.path
    target = full_disk / "so-sanh.xlsx"
    result = run("diff", str(first), str(SHIPPED), "--xlsx", str(target))
    assert str(target) in _refused(result)
    assert _leftovers(full_disk) == []


def test_synth_with_a_scale_out_of_range_is_a_usage_error(tmp_path):
    result = run("synth", str(tmp_path / "thu"), "--scale", "-1")
    assert result.exit_code == 2 and "--scale" in result.stderr
    assert not (tmp_path / "thu").exists()


def test_a_damaged_manifest_is_named_not_a_crash(tmp_path):
    version = build(SHIPPED, tmp_path).version.path
    manifest = version / "manifest.json"
    version.chmod(0o755)
    manifest.chmod(0o644)
    manifest.write_text("{hỏng", encoding="utf-8")
    for args in (
        ("history", str(SHIPPED), "-o", str(tmp_path)),
        ("build", str(SHIPPED), "-o", str(tmp_path)),
        ("issue", str(version), "--so", "1", "--ngay", "2023-06-26"),
        ("diff", str(version), str(SHIPPED), "--xlsx", str(tmp_path / "d.xlsx")),
    ):
        message = _refused(run(*args), 1)
        assert f"{version}: tệp manifest.json bị hỏng" in message, args


def test_a_damaged_register_database_says_how_to_rebuild_it(tmp_path):
    (tmp_path / "vanban.sqlite3").write_bytes(b"not a database at all" * 100)
    message = _refused(run("register", "-o", str(tmp_path)))
    assert "sổ đăng ký bị hỏng" in message and "đổi tên tệp vanban.sqlite3" in message


HOSTILE = "[bold red]Trường [/]\x1b[2J\x1b]0;pwned\x07X"


def test_hostile_unit_names_are_printed_literally(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    text = path.read_text(encoding="utf-8-sig")
    assert "THPT An Lão," in text
    path.write_text(text.replace("THPT An Lão,", f"{HOSTILE},"), encoding="utf-8-sig")
    result = run("diff", str(SHIPPED), str(data_copy), "--xlsx", str(tmp_path / "d.xlsx"))
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1), output
    assert "\x1b" not in output and "\x07" not in output
    if result.exit_code == 0:
        assert "[bold red]Trường [/]" in result.stdout  # printed as typed, not as styling
    else:  # refused as bad data: the message names the cell and shows the characters
        assert "\\x1b" in result.stderr or "ký tự điều khiển" in result.stderr


def test_an_error_message_never_carries_terminal_controls(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(
        text.replace("THPT An Lão,THPT,", "THPT An Lão,\x1b[31mTHPT\x07,"), encoding="utf-8-sig"
    )
    result = run("build", str(data_copy), "-o", str(tmp_path / "out"))
    message = _refused(result, 1)
    assert "\x1b" not in message and "\x07" not in message
    assert "\\x1b[31mTHPT\\x07" in message or "ký tự điều khiển" in message


def test_a_path_too_long_is_exit_4_naming_it(tmp_path):
    output = tmp_path / ("a" * 300)
    message = _refused(run("build", str(SHIPPED), "-o", str(output)))
    assert "tên tệp hoặc đường dẫn quá dài" in message


def test_check_template_on_a_file_that_is_not_a_docx_is_exit_3(tmp_path):
    template = tmp_path / "mau.docx"
    template.write_text("không phải .docx", encoding="utf-8")
    message = _refused(run("check-template", str(template), "--data", str(SHIPPED)), 3)
    assert "không mở được tệp .docx" in message


def test_a_document_number_out_of_range_is_refused(tmp_path):
    draft = build(SHIPPED, tmp_path).version.path
    result = run("issue", str(draft), "--so", "99999999999999999999", "--ngay", "2023-06-26")
    assert "số văn bản 99999999999999999999 không hợp lệ" in _refused(result, 1)


def test_a_mistyped_command_with_terminal_controls_is_shown_literally():
    result = run("\x1b[31mbuild")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "«\\x1b[31mbuild»" in result.stderr


def test_a_unit_name_that_looks_like_markup_is_printed_as_typed(data_copy, tmp_path):
    path = data_copy / "don-vi.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("THPT An Lão,", "[bold red]Trường [/]X,"), encoding="utf-8-sig")
    result = run("diff", str(SHIPPED), str(data_copy), "--xlsx", str(tmp_path / "d.xlsx"))
    assert result.exit_code == 0, result.stderr
    assert "[bold red]Trường [/]X" in result.stdout
