"""The web page served by uvicorn in a thread, driven by Debian's Chromium through Playwright.

Never ``playwright install``: the browser is /usr/lib/chromium/chromium (apt: chromium).
Every journey takes screenshots of its pages; they go to a temporary folder, or with
``VANBAN_SCREENSHOTS=docs`` to docs/web-*.png, the pictures the README shows (a test run
never changes the repository).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from generator.web import accounts
from generator.web.app import create_app

from ..conftest import SHIPPED

os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "/nonexistent")
CHROMIUM = "/usr/lib/chromium/chromium"
SHOTS = Path(os.environ.get("VANBAN_SCREENSHOTS") or tempfile.mkdtemp(prefix="vanban-web-"))
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    viewport = {"width": 1280, "height": 900}
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "viewport": viewport,
        "accept_downloads": True,
    }


@dataclass
class Site:
    url: str
    data: Path
    output: Path

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_site(root: Path, *, login: bool = False, users=None, **limits) -> tuple[Site, Callable]:
    """The page over ``root``/data (a copy of the shipped folder) and ``root``/output."""
    data, output = root / "data", root / "output"
    if not data.exists():
        shutil.copytree(SHIPPED, data / SHIPPED.name)
    for name, role in (users or {}).items():
        accounts.add_user(output, name, PASSWORD, role)
    app = create_app(data, output, login=login, **limits)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(15)

    return Site(f"http://127.0.0.1:{port}", data, output), stop


@pytest.fixture
def serve(tmp_path) -> Iterator[Callable[..., Site]]:
    """Start the page over a fresh copy of the shipped data: ``serve(login=False, users=...)``."""
    stops = []

    def start(**options) -> Site:
        site, stop = start_site(tmp_path, **options)
        stops.append(stop)
        return site

    yield start
    for stop in stops:
        stop()


def snapshot(page, name: str) -> None:
    """A screenshot of the whole page: web-<name>.png in :data:`SHOTS` (times masked, so that
    the picture only changes when the page does)."""
    times = page.locator(".time")
    page.screenshot(
        path=str(SHOTS / f"web-{name}.png"), full_page=True, mask=[times], mask_color="#d0d7de"
    )


def log_in(page, site: Site, name: str) -> None:
    page.goto(site.url + "/")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(site.url + "/")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to prove nothing was written)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
