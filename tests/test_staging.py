"""Staging folders: results are assembled aside; what a killed run leaves is cleaned next time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date

from generator.archive.build import build
from generator.archive.issuing import issue
from generator.common.files import STAGING_PREFIX, _host, new_staging, staging

from .conftest import ROOT, SHIPPED

_KILLED = (
    "import os, signal, sys\n"
    "from pathlib import Path\n"
    "from generator.common.files import new_staging\n"
    "folder = new_staging(Path(sys.argv[1]))\n"
    "(folder / 'thong-bao.docx').write_bytes(b'half')\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n"
)


def _killed_run(parent) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", _KILLED, str(parent)], env=environment)
    assert killed.returncode == -9


def test_a_killed_run_s_staging_folder_is_removed_by_the_next_build(tmp_path):
    folder = tmp_path / "out" / SHIPPED.name
    _killed_run(folder)
    assert len(list(folder.glob(f"{STAGING_PREFIX}*"))) == 1
    build(SHIPPED, tmp_path / "out")
    assert list(folder.glob(f"{STAGING_PREFIX}*")) == []


def test_a_killed_run_s_staging_folder_is_removed_by_the_next_issue(tmp_path):
    draft = build(SHIPPED, tmp_path).version
    _killed_run(draft.path.parent)
    issue(draft.path, 1, date(2023, 6, 26))
    assert list(draft.path.parent.glob(f"{STAGING_PREFIX}*")) == []


def test_a_running_process_s_staging_folder_is_left_alone(tmp_path):
    mine = new_staging(tmp_path)  # this process is alive
    sibling = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        theirs = tmp_path / f"{STAGING_PREFIX}{_host()}-{sibling.pid}-abc"
        theirs.mkdir()
        with staging(tmp_path) as third:
            assert mine.exists() and theirs.exists() and third.exists()
        assert not third.exists()
    finally:
        sibling.kill()
        sibling.wait()
    with staging(tmp_path):
        assert not theirs.exists()  # its process has ended now
    assert mine.exists()


def test_another_machine_s_staging_folder_is_removed_only_when_a_day_old(tmp_path):
    recent = tmp_path / f"{STAGING_PREFIX}may-khac-123-abc"
    old = tmp_path / f"{STAGING_PREFIX}may-khac-456-def"
    for folder in (recent, old):
        folder.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    with staging(tmp_path):
        pass
    assert recent.exists() and not old.exists()


def test_a_worker_ends_when_the_run_that_started_it_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from generator.common.lifetime import end_with_parent\n"
        "def work(path):\n"
        "    open(path, 'w').write(str(os.getpid()))\n"
        "    time.sleep(120)\n"
        "with ProcessPoolExecutor(1, initializer=end_with_parent, initargs=(os.getpid(),)) as p:\n"
        "    p.submit(work, sys.argv[1]).result()\n"
    )
    marker = tmp_path / "worker.pid"
    run = subprocess.Popen(
        [sys.executable, "-c", script, str(marker)], env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    deadline = time.monotonic() + 30
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    worker = int(marker.read_text())
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker), "the worker outlived its run"


def _running(pid: int) -> bool:
    """Alive, not merely a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
