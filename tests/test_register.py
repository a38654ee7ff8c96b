"""The issuing register: a number and a draft are issued once, even when commands race."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.archive import register
from generator.archive.build import build
from generator.archive.issuing import issue
from generator.archive.versions import versions
from generator.cli.main import cli
from generator.common.database import database_path
from generator.common.errors import OutputProblem, VersionProblem

from .conftest import ROOT, SHIPPED


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _drafts(output: Path, count: int) -> list[Path]:
    """``count`` drafts of the shipped data (copies of one built draft, as a clerk's builds)."""
    first = build(SHIPPED, output).version.path
    drafts = [first]
    for number in range(2, count + 1):
        copy = first.parent / f"v{number:03d}"
        shutil.copytree(first, copy)
        drafts.append(copy)
    return drafts


def _start(draft: Path, number: int) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "generator", "issue", str(draft), "--so", str(number)]
    return subprocess.Popen(
        [*command, "--ngay", "2023-06-26"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=environment,
    )


def _race(pairs: list[tuple[Path, int]]) -> list[tuple[int, str]]:
    processes = [_start(draft, number) for draft, number in pairs]
    results = []
    for process in processes:
        _, stderr = process.communicate(timeout=240)
        results.append((process.returncode, stderr))
    return results


ROUNDS = 20
AT_ONCE = 4  # rounds run side by side (each round: two commands racing)


def test_two_issues_racing_for_one_number_give_it_to_exactly_one(tmp_path):
    drafts = _drafts(tmp_path, 2 * ROUNDS)
    for start in range(0, ROUNDS, AT_ONCE):
        rounds = range(start, min(start + AT_ONCE, ROUNDS))
        pairs = [(drafts[2 * r + side], r + 1) for r in rounds for side in (0, 1)]
        results = _race(pairs)
        for r, index in zip(rounds, range(0, len(pairs), 2), strict=True):
            codes = sorted(code for code, _ in results[index : index + 2])
            assert codes == [0, 1], results[index : index + 2]
            loser = next(err for code, err in results[index : index + 2] if code == 1)
            winner = next(
                d for (d, _), (c, _) in zip(pairs[index:], results[index:], strict=True) if c == 0
            )
            assert f"số {r + 1:02d}/TB-SGDĐT năm 2023 đã dùng cho" in loser
            holder = register.holder_of(tmp_path, "TB-SGDĐT", 2023, r + 1)
            assert holder.draft == f"2023-06-23/{winner.name}"
            named = (  # the winner still writing, or the version it wrote
                f"dự thảo {winner} đang được ban hành" in loser
                or f"đã dùng cho {tmp_path / holder.issued}." in loser
            )
            assert named and "Traceback" not in loser, loser
    issued = [v for v in versions(tmp_path / "2023-06-23") if v.issued]
    assert sorted(v.manifest["so"] for v in issued) == list(range(1, ROUNDS + 1))
    listed = register.entries(tmp_path)
    assert [(e.number, e.state) for e in listed] == [
        (n, register.ISSUED) for n in range(1, ROUNDS + 1)
    ]
    assert {e.issued for e in listed} == {f"2023-06-23/{v.name}" for v in issued}


def test_one_draft_issued_twice_at_once_is_issued_once(tmp_path):
    drafts = _drafts(tmp_path, ROUNDS)
    for start in range(0, ROUNDS, AT_ONCE):
        rounds = range(start, min(start + AT_ONCE, ROUNDS))
        pairs = [(drafts[r], 100 + 2 * r + side) for r in rounds for side in (0, 1)]
        results = _race(pairs)
        for r, index in zip(rounds, range(0, len(pairs), 2), strict=True):
            codes = sorted(code for code, _ in results[index : index + 2])
            assert codes == [0, 1], results[index : index + 2]
            loser = next(err for code, err in results[index : index + 2] if code == 1)
            assert str(drafts[r]) in loser
            assert (
                "dự thảo này đã được ban hành thành v" in loser
                or "dự thảo này đang được ban hành với số" in loser
            ), loser
    issued = [v for v in versions(tmp_path / "2023-06-23") if v.issued]
    sources = sorted(v.manifest["tu_phien_ban"] for v in issued)
    assert sources == sorted(d.name for d in drafts)


def test_a_failed_write_gives_the_number_back(tmp_path, monkeypatch):
    first, second = _drafts(tmp_path, 2)

    def full_disk(*args, **kwargs):
        raise OutputProblem(path=tmp_path, detail="No space left on device", fix="dọn đĩa.")

    monkeypatch.setattr("generator.archive.issuing.render_version", full_disk)
    with pytest.raises(OutputProblem):
        issue(first, 9, date(2023, 6, 26))
    assert register.holder_of(tmp_path, "TB-SGDĐT", 2023, 9) is None
    monkeypatch.undo()
    assert issue(second, 9, date(2023, 6, 26)).version.manifest["so"] == 9
    assert register.holder_of(tmp_path, "TB-SGDĐT", 2023, 9).draft == "2023-06-23/v002"


def test_an_interrupted_issue_gives_the_number_back(tmp_path, monkeypatch):
    first, second = _drafts(tmp_path, 2)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl+C while the version is written

    monkeypatch.setattr("generator.archive.issuing.render_version", interrupted)
    with pytest.raises(KeyboardInterrupt):
        issue(first, 6, date(2023, 6, 26))
    monkeypatch.undo()
    assert register.entries(tmp_path) == []
    assert issue(second, 6, date(2023, 6, 26)).version.manifest["so"] == 6


def test_another_machine_s_reservation_is_released_only_after_a_day(tmp_path):
    first, second = _drafts(tmp_path, 2)
    held = register.reserve(
        tmp_path, symbol="TB-SGDĐT", number=2, issued_on=date(2023, 6, 26), draft=first
    )
    with register._transaction(tmp_path) as connection:
        connection.execute("UPDATE so_dang_ky SET may = 'may-khac' WHERE id = ?", (held.row_id,))
    with pytest.raises(VersionProblem, match="đang được ban hành"):
        issue(second, 2, date(2023, 6, 26))
    with register._transaction(tmp_path) as connection:
        connection.execute(
            "UPDATE so_dang_ky SET thoi_gian = '2023-06-20T08:00:00+07:00' WHERE id = ?",
            (held.row_id,),
        )
    assert issue(second, 2, date(2023, 6, 26)).version.manifest["so"] == 2


def test_a_killed_issue_does_not_keep_its_number(tmp_path):
    first, second = _drafts(tmp_path, 2)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    reservation = register.reserve(
        tmp_path, symbol="TB-SGDĐT", number=4, issued_on=date(2023, 6, 26), draft=first
    )
    _set_process(tmp_path, reservation.row_id, dead.pid)  # as if killed before writing
    assert issue(second, 4, date(2023, 6, 26)).version.manifest["so"] == 4


def test_a_number_whose_version_was_written_before_a_kill_stays_taken(tmp_path):
    first, second = _drafts(tmp_path, 2)
    done = issue(first, 4, date(2023, 6, 26)).version
    with register._transaction(tmp_path) as connection:  # as if killed before confirming
        connection.execute("UPDATE so_dang_ky SET ban_hanh = NULL, trang_thai = 'dang_ban_hanh'")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _set_process(tmp_path, 1, dead.pid)
    with pytest.raises(VersionProblem, match=str(done.path)):
        issue(second, 4, date(2023, 6, 26))
    assert register.holder_of(tmp_path, "TB-SGDĐT", 2023, 4).issued == f"2023-06-23/{done.name}"


def test_a_number_being_issued_names_who_holds_it(tmp_path):
    first, second = _drafts(tmp_path, 2)
    register.reserve(
        tmp_path,
        symbol="TB-SGDĐT",
        number=8,
        issued_on=date(2023, 6, 26),
        draft=first,
        holder="chuyên viên Lan (trang web)",
    )
    refused = run("issue", str(second), "--so", "8", "--ngay", "2023-06-26")
    assert refused.exit_code == 1
    assert f"dự thảo {first} đang được ban hành (bởi chuyên viên Lan (trang web)" in refused.stderr


def test_register_lists_numbers_and_is_rebuilt_from_the_archive_when_missing(tmp_path):
    first, second, third = _drafts(tmp_path, 3)
    issue(first, 3, date(2023, 6, 26))
    issue(second, 12, date(2023, 7, 1))
    listed = run("register", "-o", str(tmp_path), "--json")
    records = json.loads(listed.stdout)
    assert [(r["so"], r["du_thao"], r["ban_hanh"]) for r in records] == [
        (3, "2023-06-23/v001", "2023-06-23/v004"),
        (12, "2023-06-23/v002", "2023-06-23/v005"),
    ]
    for path in tmp_path.glob(database_path(tmp_path).name + "*"):
        path.unlink()
    shown = run("register", "-o", str(tmp_path))
    assert shown.exit_code == 0
    assert "Sổ đăng ký chưa có: đã lập lại từ 2 bản ban hành" in shown.stdout
    assert "03/TB-SGDĐT" in shown.stdout and "2023-06-23/v005" in shown.stdout
    again = run("issue", str(second), "--so", "3", "--ngay", "2023-06-27")
    assert again.exit_code == 1 and "dự thảo này đã được ban hành thành v005" in again.stderr
    reused = run("issue", str(third), "--so", "3", "--ngay", "2023-08-01")
    assert reused.exit_code == 1
    assert f"đã dùng cho {tmp_path / '2023-06-23' / 'v004'}" in reused.stderr


def test_a_draft_named_from_inside_its_folder_uses_the_same_register(tmp_path, monkeypatch):
    first, second = _drafts(tmp_path, 2)
    issue(first, 11, date(2023, 6, 26))
    monkeypatch.chdir(second.parent)
    refused = run("issue", second.name, "--so", "11", "--ngay", "2023-06-26")
    assert refused.exit_code == 1 and "số 11/TB-SGDĐT năm 2023 đã dùng cho" in refused.stderr
    assert not (second.parent / "vanban.sqlite3").exists()


def test_register_of_an_empty_output_creates_nothing(tmp_path):
    result = run("register", "-o", str(tmp_path / "khong-co"))
    assert result.exit_code == 0 and "Chưa cấp số văn bản nào" in result.stdout
    assert not (tmp_path / "khong-co").exists()


def test_an_unwritable_register_is_exit_4(tmp_path):
    (first,) = _drafts(tmp_path, 1)
    database_path(tmp_path).mkdir()  # something that is not a database in its place
    refused = run("issue", str(first), "--so", "2", "--ngay", "2023-06-26")
    assert refused.exit_code == 4, refused.stderr
    assert "sổ đăng ký" in refused.stderr and "Traceback" not in refused.stderr
    assert [v.name for v in versions(tmp_path / "2023-06-23")] == ["v001"]


def _set_process(output_root: Path, row_id: int, pid: int) -> None:
    with register._transaction(output_root) as connection:
        connection.execute("UPDATE so_dang_ky SET tien_trinh = ? WHERE id = ?", (pid, row_id))
