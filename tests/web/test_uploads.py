"""Hostile or mistaken uploads: the CLI's messages on the page, nothing written, nothing served
from outside the output root."""

from __future__ import annotations

import io
import tomllib
import zipfile
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from playwright.sync_api import expect

from generator.cli.main import cli
from generator.web.accounts import has_users, log_in

from .conftest import start_site, tree

CORPUS = Path(__file__).parents[1] / "data" / "bad"
PERIOD = "2023-06-23"


def _single_file_cases() -> list[Path]:
    cases = []
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        expect_ = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
        files = [p for p in case.iterdir() if p.name != "case.toml"]
        if len(files) == 1 and not expect_.get("args") and not expect_.get("remove"):
            cases.append(case)
    return cases


CASES = _single_file_cases()


def test_most_of_the_corpus_can_be_uploaded():
    assert len(CASES) >= 25


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    """One page for the whole corpus: each case must leave its data folder as it found it."""
    site, stop = start_site(tmp_path_factory.mktemp("corpus"))
    yield site
    stop()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_input_shows_the_clis_message_and_writes_nothing(corpus_site, page, case):
    site = corpus_site
    expected = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))["contains"]
    sent = next(p for p in case.iterdir() if p.name != "case.toml")
    before = tree(site.data)
    page.goto(f"{site.url}/ky/{PERIOD}")
    page.get_by_label("Tệp (hoặc").set_input_files(str(sent))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()
    shown = page.locator("main").inner_text()
    for part in expected:
        assert part in shown, f"{part!r} not on the page"
    assert "Traceback" not in shown
    assert tree(site.data) == before
    page.goto(site.url + "/")
    expect(page.get_by_role("link", name=PERIOD)).to_be_visible()


def _client(site) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=site.url, timeout=60)
    return client, site.csrf(client.get(f"/ky/{PERIOD}").text)


def test_an_upload_over_the_size_limit_is_refused(serve):
    site = serve(max_upload=1000)
    client, token = _client(site)
    before = tree(site.data)
    answer = client.post(
        f"/ky/{PERIOD}/tai-len",
        data={"csrf": token, "loai": "don-vi"},
        files={"tep": ("don-vi.csv", b"x" * 5000)},
    )
    assert answer.status_code == 422
    assert "lớn quá giới hạn" in answer.text
    assert tree(site.data) == before


def test_upload_names_cannot_leave_the_data_folder(serve):
    site = serve()
    client, token = _client(site)
    table = (site.data / PERIOD / "don-vi.csv").read_bytes()
    answer = client.post(
        f"/ky/{PERIOD}/tai-len",
        data={"csrf": token, "loai": "don-vi"},
        files={"tep": ("../../../ngoai.csv", table)},
    )
    assert answer.status_code == 200 and "thành don-vi.csv" in answer.text
    outside = [p for p in site.data.parent.rglob("ngoai*")]
    assert outside == []
    refused = client.post(
        f"/ky/{PERIOD}/tai-len",
        data={"csrf": token, "loai": "don-vi"},
        files={"tep": ("lenh.exe", b"MZ")},
    )
    assert refused.status_code == 422 and "không nhận dạng tệp" in refused.text


def test_only_files_of_the_output_root_are_served(serve):
    site = serve()
    client, token = _client(site)
    client.post(f"/ky/{PERIOD}/tao", data={"csrf": token})
    docx = f"/tep/{PERIOD}/v001/thong-bao-{PERIOD}-du-thao.docx"
    assert client.get(docx).status_code == 200
    for path in (
        "/tep/vanban.sqlite3",
        f"/tep/{PERIOD}/v001/manifest.json",
        "/tep/%2e%2e/data/2023-06-23/don-vi.csv",
        "/tep/..%2fdata%2f2023-06-23%2fdon-vi.csv",
        f"/tep/{PERIOD}/.khoa-mau-bao-cao",
        "/tep//etc/passwd",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Không có tệp này" in answer.text or "Không tìm thấy" in answer.text
    assert client.get("/ky/..%2f..%2fetc").status_code == 404


def test_a_new_period_name_cannot_leave_the_data_root(serve):
    site = serve()
    client, token = _client(site)
    for name in ("../ra-ngoai", "a/b", ".an"):
        answer = client.post("/ky-moi", data={"csrf": token, "tu_ky": PERIOD, "ten": name})
        assert answer.status_code == 422
    assert sorted(p.name for p in site.data.iterdir()) == [PERIOD]
    assert not (site.data.parent / "ra-ngoai").exists()


def test_returned_forms_in_a_zip_stay_inside_and_a_bomb_is_refused(serve):
    from generator.web.uploads import MAX_UNPACKED, save_returned

    site = serve()
    folder = site.output / PERIOD / "bao-cao-da-nop"
    folder.mkdir(parents=True)
    form, book = io.BytesIO(), Workbook()
    book.active.append(["STT", "Họ và tên", "Lý do chưa đồng bộ", "Biện pháp khắc phục",
                        "Ngày dự kiến hoàn thành", "Mã dòng"])  # fmt: skip
    book.save(form)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("../../../thoat.xlsx", form.getvalue())
        bundle.writestr("Phòng GDĐT A/Trường B.xlsx", form.getvalue())
        bundle.writestr("Trường C.xlsx", b"PK not a workbook")
        bundle.writestr("ghi-chu.txt", b"x")
        bundle.writestr("Trường D.xlsx", _workbook_without_a_form_header())
    saved = save_returned(folder, [("tra-ve.zip", buffer.getvalue())])
    assert sorted(saved.saved) == ["phong-gddt-a/truong-b.xlsx", "thoat.xlsx"]
    assert saved.skipped == ["ghi-chu.txt"]
    refused = sorted(saved.refused)
    assert len(refused) == 2
    assert refused[0].startswith("«Trường C.xlsx»: không đọc tệp này: tệp bị hỏng")
    assert refused[1].startswith("«Trường D.xlsx»: không thấy dòng tiêu đề của mẫu")
    assert not (folder / "truong-c.xlsx").exists()
    assert not list(site.output.parent.glob("thoat*"))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("to.xlsx", b"\0" * (MAX_UNPACKED + 1))
    with pytest.raises(Exception, match="giải nén ra quá"):
        save_returned(folder, [("bom.zip", bomb.getvalue())])


def test_user_add_hashes_the_password_and_web_refuses_a_network_without_accounts(tmp_path):
    out = tmp_path / "output"
    runner = CliRunner()
    refused = runner.invoke(cli, ["web", "--host", "0.0.0.0", "-o", str(out)])
    assert refused.exit_code == 1
    assert "chưa có tài khoản nào" in refused.stderr and "vanban user add" in refused.stderr
    made = runner.invoke(
        cli, ["user", "add", "hoa", "--vai-tro", "van-thu", "-o", str(out)],
        input="mat-khau-dai\nmat-khau-dai\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Đã tạo tài khoản «hoa» (văn thư)" in made.output
    assert has_users(out) and log_in(out, "hoa", "mat-khau-dai") is not None
    assert log_in(out, "hoa", "sai") is None
    stored = (out / "vanban.sqlite3").read_bytes()
    assert b"mat-khau-dai" not in stored and b"$argon2" in stored
    again = runner.invoke(
        cli, ["user", "add", "hoa", "--vai-tro", "lanh-dao", "-o", str(out)],
        input="mat-khau-khac\nmat-khau-khac\n",
    )  # fmt: skip
    assert again.exit_code == 1 and "đã có" in again.stderr
    short = runner.invoke(
        cli, ["user", "add", "ngan", "--vai-tro", "lanh-dao", "-o", str(out)], input="1234\n1234\n"
    )
    assert short.exit_code == 1 and "mật khẩu quá ngắn" in short.stderr


def test_the_page_is_local_without_login_only_on_a_loopback_address():
    from generator.cli.web import is_local

    assert all(is_local(h) for h in ("127.0.0.1", "::1", "localhost", "127.0.0.2"))
    assert not any(is_local(h) for h in ("0.0.0.0", "192.168.1.10", "::", "so-gddt.local"))
    usage = CliRunner().invoke(cli, ["web", "--help"]).output
    assert "127.0.0.1" in usage and "8000" in usage


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(serve):
    site = serve(max_upload=1000)
    client, token = _client(site)
    before = tree(site.data)
    answer = client.post(
        f"/ky/{PERIOD}/tai-len",
        data={"csrf": token, "loai": "don-vi"},
        files={"tep": ("don-vi.csv", b"x" * 3_000_000)},
    )
    assert answer.status_code == 413 and "lớn quá giới hạn" in answer.text
    assert tree(site.data) == before


def test_vanban_web_serves_the_page(tmp_path):
    import os
    import subprocess
    import sys
    import time

    from .conftest import _free_port

    port = _free_port()
    (tmp_path / "data").mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "generator", "web", "--port", str(port), "--data",
               str(tmp_path / "data"), "-o", str(tmp_path / "output")]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert "Trang vanban: http://localhost:" in server.stdout.readline()
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "vanban web did not answer"
                time.sleep(0.2)
        assert answer.status_code == 200
        assert "Chưa có kỳ nào trong thư mục số liệu." in answer.text
        assert "vanban_phien" in answer.headers["set-cookie"]
    finally:
        server.terminate()
        server.wait(15)


def test_a_new_period_from_a_kind_is_a_ready_to_fill_folder(serve):
    site = serve()
    client, token = _client(site)
    assert 'value="loai:cong-van-don-doc"' in client.get("/").text
    answer = client.post(
        "/ky-moi", data={"csrf": token, "tu_ky": "loai:cong-van-don-doc", "ten": "2024-03-15"}
    )
    assert answer.status_code in (200, 303)
    made = site.data / "2024-03-15"
    assert sorted(p.name for p in made.iterdir()) == ["don-vi.csv", "don-vi.xlsx", "van-ban.toml"]
    assert 'loai = "cong-van-don-doc"' in (made / "van-ban.toml").read_text(encoding="utf-8")
    refused = client.post(
        "/ky-moi", data={"csrf": token, "tu_ky": "loai:../../etc", "ten": "2024-03-16"}
    )
    assert refused.status_code in (404, 422) and not (site.data / "2024-03-16").exists()


def _workbook_without_a_form_header() -> bytes:
    data = io.BytesIO()
    Workbook().save(data)
    return data.getvalue()
