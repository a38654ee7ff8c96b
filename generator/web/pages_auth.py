"""Log in and out (network mode), and the audit log."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request

from . import accounts
from .app import LOGIN_COOKIE, SESSION_COOKIE, page, redirect, require, set_session_cookie, settings

router = APIRouter()


@router.get("/dang-nhap")
def login_form(request: Request, tiep: str = "/"):
    if request.state.session is not None:
        return redirect(request, "/")
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = page(request, "login.html", {"next": _local(tiep), "csrf": token})
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="lax", path="/")
    return response


@router.post("/dang-nhap")
def login(request: Request, ten: str = Form(""), mat_khau: str = Form(""), tiep: str = Form("/")):
    session = accounts.log_in(settings(request).output_root, ten, mat_khau)
    if session is None:
        message = "Tên đăng nhập hoặc mật khẩu không đúng."
        context = {"next": _local(tiep), "message": message, "name": ten}
        return page(request, "login.html", context, status=401)
    response = redirect(request, _local(tiep))
    set_session_cookie(response, session.token)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/dang-xuat")
def logout(request: Request):
    session = request.state.session
    if session is not None:
        accounts.log_out(settings(request).output_root, session.token)
    response = redirect(request, "/dang-nhap" if settings(request).login else "/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/nhat-ky")
def audit_page(request: Request):
    require(request, "read")
    entries = accounts.audit_log(settings(request).output_root)
    return page(request, "audit.html", {"entries": entries})


def _local(target: str) -> str:
    """Only an address on this site (never //elsewhere or http://elsewhere)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
