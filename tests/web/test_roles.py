"""Network mode: accounts and roles, two clerks and one number, CSRF, read-only leaders."""

from __future__ import annotations

import threading

import httpx
from playwright.sync_api import expect

from generator.archive.build import build
from generator.archive.versions import versions
from generator.web.accounts import audit_log

from .conftest import PASSWORD, log_in, snapshot

PERIOD = "2023-06-23"
OTHER = "2023-09-15"
USERS = {"cv": "chuyen-vien", "vt1": "van-thu", "vt2": "van-thu", "ld": "lanh-dao"}


def _open_issue(page, site, period: str, number: str) -> None:
    page.goto(f"{site.url}/ky/{period}/v001")
    page.get_by_label("Số văn bản").fill(number)
    page.get_by_label("Ngày ban hành").fill("2023-06-26")
    page.get_by_role("button", name="Xem vị trí trong sổ").click()


def test_a_second_clerk_issuing_the_same_number_is_refused(serve, browser):
    site = serve(login=True, users=USERS)
    clerk, first, second = (browser.new_context(locale="vi-VN") for _ in range(3))
    page = clerk.new_page()
    page.goto(site.url + "/")
    expect(page).to_have_url(f"{site.url}/dang-nhap?tiep=/")
    snapshot(page, "dang-nhap")
    log_in(page, site, "cv")
    page.get_by_label("Chép từ kỳ").select_option(PERIOD)
    page.get_by_label("Tên kỳ mới").fill(OTHER)
    page.get_by_role("button", name="Tạo kỳ mới").click()
    page.wait_for_url(f"{site.url}/ky/{OTHER}")
    for period in (PERIOD, OTHER):
        page.goto(f"{site.url}/ky/{period}")
        page.get_by_role("button", name="Tạo dự thảo").click()
        page.wait_for_url(f"{site.url}/ky/{period}/v001")
    expect(page.get_by_label("Số văn bản")).to_have_count(0)  # a specialist does not issue

    one, two = first.new_page(), second.new_page()
    log_in(one, site, "vt1")
    log_in(two, site, "vt2")
    _open_issue(one, site, PERIOD, "7")
    _open_issue(two, site, OTHER, "7")
    one.get_by_role("button", name="Xác nhận ban hành số 07/TB-SGDĐT").click()
    one.wait_for_url(f"{site.url}/ky/{PERIOD}/v002")
    two.get_by_role("button", name="Xác nhận ban hành số 07/TB-SGDĐT").click()
    expect(two.get_by_role("alert").first).to_contain_text("đã dùng cho")
    expect(two.get_by_role("alert").first).to_contain_text(f"{PERIOD}/v002")
    expect(two.get_by_role("alert").first).to_contain_text(f"output/{PERIOD}/v002")
    expect(two.get_by_role("alert").first).not_to_contain_text(str(site.output))
    snapshot(two, "ban-hanh-bi-tu-choi")
    assert [v.name for v in versions(site.output / OTHER)] == ["v001"]
    issued = [e for e in audit_log(site.output) if e["action"] == "ban hành"]
    assert [(e["user"], e["target"]) for e in issued] == [("vt1", f"{PERIOD}/v002 số 07/TB-SGDĐT")]
    built = {e["target"]: e["user"] for e in audit_log(site.output) if e["action"] == "tạo dự thảo"}
    assert built == {f"{PERIOD}/v001": "cv", f"{OTHER}/v001": "cv"}

    one.goto(site.url + "/")
    expect(one.get_by_role("row", name=PERIOD)).to_contain_text("đã ban hành")
    expect(one.get_by_role("row", name=OTHER)).to_contain_text("dự thảo")

    # Asking again shows the holder in the register before anything is confirmed.
    _open_issue(two, site, OTHER, "7")
    expect(two.locator("table.register tr.taken")).to_contain_text(f"{PERIOD}/v002")


def _session(site, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=site.url, timeout=120)
    form = client.get("/dang-nhap").text
    token = site.csrf(form)
    client.post("/dang-nhap", data={"csrf": token, "ten": name, "mat_khau": PASSWORD, "tiep": "/"})
    return client, site.csrf(client.get("/").text)


def test_two_browsers_issuing_at_once_never_get_the_same_number(serve):
    site = serve(login=True, users=USERS)
    (site.data / OTHER).mkdir()
    for name in ("don-vi.csv", "thong-bao.toml"):
        (site.data / OTHER / name).write_bytes((site.data / PERIOD / name).read_bytes())
    for period in (PERIOD, OTHER):
        build(site.data / period, site.output)
    clients = [_session(site, "vt1"), _session(site, "vt2")]
    statuses: list[int] = []

    def confirm(client: httpx.Client, token: str, period: str) -> None:
        answer = client.post(
            f"/ky/{period}/v001/ban-hanh",
            data={"csrf": token, "so": "9", "ngay": "2023-06-27", "xac_nhan": "1"},
        )
        statuses.append(answer.status_code)

    threads = [
        threading.Thread(target=confirm, args=(*client, period))
        for client, period in zip(clients, (PERIOD, OTHER), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 409]
    periods = clients[0][0].get(f"/so-sanh?a={PERIOD}&b={OTHER}")
    assert "Không có số liệu nào của đơn vị nào thay đổi." in periods.text
    issued = [v for p in (PERIOD, OTHER) for v in versions(site.output / p) if v.issued]
    assert [v.manifest["so"] for v in issued] == [9]


def test_a_leader_reads_but_cannot_build_or_issue(serve, page):
    site = serve(login=True, users=USERS)
    build(site.data / PERIOD, site.output, pdf=True)
    log_in(page, site, "ld")
    page.goto(f"{site.url}/ky/{PERIOD}")
    expect(page.get_by_role("button", name="Tạo dự thảo")).to_have_count(0)
    expect(page.get_by_text("Tài khoản của bạn chỉ được xem.")).to_be_visible()
    page.goto(f"{site.url}/ky/{PERIOD}/v001")
    expect(page.get_by_label("Số văn bản")).to_have_count(0)
    pdf = page.get_by_role("link", name=f"thong-bao-{PERIOD}-du-thao.pdf")
    answer = page.request.get(site.url + pdf.get_attribute("href"))
    assert answer.ok and answer.body().startswith(b"%PDF")
    token = page.locator('input[name="csrf"]').first.get_attribute("value")
    built = page.request.post(f"{site.url}/ky/{PERIOD}/tao", form={"csrf": token})
    assert built.status == 403 and "không được làm việc này" in built.text()
    issued = page.request.post(
        f"{site.url}/ky/{PERIOD}/v001/ban-hanh",
        form={"csrf": token, "so": "3", "ngay": "2023-06-26", "xac_nhan": "1"},
    )
    assert issued.status == 403
    assert [v.name for v in versions(site.output / PERIOD)] == ["v001"]


def test_a_request_without_the_csrf_token_is_refused(serve, page):
    site = serve()
    page.goto(f"{site.url}/ky/{PERIOD}")
    for form in ({}, {"csrf": "gia-mao"}):
        answer = page.request.post(f"{site.url}/ky/{PERIOD}/tao", form=form)
        assert answer.status == 403
        assert "thiếu mã chống giả mạo (CSRF)" in answer.text()
    assert versions(site.output / PERIOD) == []
    token = page.locator('input[name="csrf"]').first.get_attribute("value")
    assert page.request.post(f"{site.url}/ky/{PERIOD}/tao", form={"csrf": token}).ok


def test_login_refuses_a_wrong_password_and_logging_out_ends_the_session(serve, page):
    site = serve(login=True, users=USERS)
    page.goto(site.url + "/")
    page.get_by_label("Tên đăng nhập").fill("vt1")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    log_in(page, site, "vt1")
    expect(page.locator(".who")).to_contain_text("vt1 (văn thư)")
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(site.url + f"/ky/{PERIOD}")
    expect(page).to_have_url(f"{site.url}/dang-nhap?tiep=/ky/{PERIOD}")


def test_a_session_ends_when_it_expires(tmp_path):
    from contextlib import closing

    from generator.web import accounts

    accounts.add_user(tmp_path, "vt", PASSWORD, "van-thu")
    session = accounts.log_in(tmp_path, "vt", PASSWORD)
    assert accounts.find_session(tmp_path, session.token) is not None
    with closing(accounts.open_database(tmp_path)) as connection:
        connection.execute("UPDATE web_sessions SET expires = '2000-01-01T00:00:00+00:00'")
    assert accounts.find_session(tmp_path, session.token) is None
