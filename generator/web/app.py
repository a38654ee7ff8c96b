"""The web application: settings, sessions, CSRF, error pages; routes live in ``pages_*``.

``create_app(data_root, output_root, login=...)`` is what ``vanban web`` serves with uvicorn.
With ``login`` false (127.0.0.1) one local user holds every role and never logs in; with it
true (a network address) every page but the login page needs an account's session.
Every POST carries the session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..common.errors import VanbanError, VersionProblem
from ..common.vnformat import count, percent, ratio, signed
from ..inputs.reading import LABELS
from . import accounts
from .uploads import MAX_UPLOAD

LOG = logging.getLogger("vanban.web")
HERE = Path(__file__).parent
SESSION_COOKIE = "vanban_phien"
LOGIN_COOKIE = "vanban_dang_nhap"
PUBLIC = ("/dang-nhap", "/static/")
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
TEMPLATES.env.filters.update(so=count, ti_le=lambda part, whole: percent(ratio(part, whole)))
TEMPLATES.env.filters["chenh"] = signed
TEMPLATES.env.globals["labels"] = LABELS
_VERSION = re.compile(r"^v\d{3,}$")


@dataclass(frozen=True)
class Settings:
    data_root: Path
    output_root: Path
    login: bool
    max_upload: int = MAX_UPLOAD


def settings(request: Request) -> Settings:
    return request.app.state.settings


def create_app(
    data_root: Path, output_root: Path, *, login: bool, max_upload: int = MAX_UPLOAD
) -> FastAPI:
    """The page over ``data_root`` (data folders) and ``output_root`` (versions, database)."""
    app = FastAPI(
        title="vanban",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(_csrf_guard)],
    )
    app.state.settings = Settings(data_root, output_root, login, max_upload)
    accounts.open_database(output_root).close()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.middleware("http")(_sessions)
    app.add_exception_handler(VanbanError, _library_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    from . import pages_auth, pages_data, pages_forms, pages_versions

    for module in (pages_auth, pages_data, pages_forms, pages_versions):
        app.include_router(module.router)
    return app


async def _sessions(request: Request, call_next):
    config: Settings = request.app.state.settings
    token = request.cookies.get(SESSION_COOKIE)
    session = accounts.find_session(config.output_root, token)
    fresh = None
    static = request.url.path.startswith("/static/")
    if session is None and not config.login and not static:
        session = fresh = accounts.local_session(config.output_root)
    request.state.session = session
    too_big = _too_big(request, config.max_upload)
    if too_big:
        return page(request, "error.html", {"message": too_big}, status=413)
    if session is None and not request.url.path.startswith(PUBLIC):
        if request.method == "GET":
            return RedirectResponse(f"/dang-nhap?tiep={request.url.path}", status_code=303)
        return page(request, "error.html", {"message": _NEED_LOGIN}, status=401)
    response = await call_next(request)
    if fresh is not None:
        set_session_cookie(response, fresh.token)
    return response


_NEED_LOGIN = "Phiên làm việc đã hết. Đăng nhập lại rồi làm lại thao tác."
REQUEST_MARGIN = 1024 * 1024  # form fields and multipart framing around the files


def _too_big(request: Request, limit: int) -> str | None:
    """Why a request body is refused before it is read (its declared size), or None."""
    if request.method != "POST":
        return None
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        return "Yêu cầu không ghi kích thước. Gửi lại bằng biểu mẫu trên trang."
    if int(declared) > limit + REQUEST_MARGIN:
        return (
            f"Tệp gửi lên lớn quá giới hạn {limit // (1024 * 1024)} MB, chưa nhận gì. "
            "Cách sửa: chia nhỏ tệp, hoặc lưu lại dạng .xlsx/.csv (nén tốt hơn)."
        )
    return None


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/")


async def _csrf_guard(request: Request) -> None:
    """Refuse any POST whose CSRF token is not the session's (or the login form's)."""
    if request.method != "POST":
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        sent = form.get("csrf")
    session = request.state.session
    expected = session.csrf if session else request.cookies.get(LOGIN_COOKIE)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "Yêu cầu bị từ chối: thiếu mã chống giả mạo (CSRF). "
                                 "Tải lại trang rồi làm lại.")  # fmt: skip


def user(request: Request) -> accounts.User | None:
    session = request.state.session
    return session.user if session else None


def require(request: Request, action: str) -> accounts.User:
    """The current user when they may do ``action``; else a 403 page."""
    current = user(request)
    if current is None or not current.may(action):
        raise HTTPException(403, "Tài khoản của bạn không được làm việc này.")
    return current


def period_dir(request: Request, name: str) -> Path:
    """The data folder ``name`` directly under the data root, or a 404 page."""
    root = settings(request).data_root.resolve()
    path = (root / name).resolve()
    if name != Path(name).name or name.startswith(".") or path.parent != root or not path.is_dir():
        raise HTTPException(404, f"Không có kỳ «{name}».")
    return path


def version_dir(request: Request, period: str, version: str) -> Path:
    root = settings(request).output_root.resolve()
    path = (root / period / version).resolve()
    if not _VERSION.match(version) or period.startswith(".") or path.parent.parent != root:
        raise HTTPException(404, f"Không có phiên bản «{period}/{version}».")
    if not (path / "manifest.json").is_file():
        raise HTTPException(404, f"Không có phiên bản «{period}/{version}».")
    return path


def file_url(request: Request, path: Path) -> str:
    """The download address of a file under the output root."""
    relative = path.resolve().relative_to(settings(request).output_root.resolve())
    return "/tep/" + relative.as_posix()


def page(request: Request, name: str, context: dict | None = None, status: int = 200):
    session = request.state.session
    values = {
        "request": request,
        "user": session.user if session else None,
        "csrf": session.csrf if session else request.cookies.get(LOGIN_COOKIE, ""),
        "login": settings(request).login,
        "roles": accounts.ROLES,
        "file_url": lambda path: file_url(request, path),
    }
    values.update(context or {})
    return TEMPLATES.TemplateResponse(request, name, values, status_code=status)


def redirect(request: Request, url: str) -> Response:
    """Go to ``url`` after a POST: a 303 for a form, ``HX-Redirect`` for htmx."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def readable(request: Request, message: str) -> str:
    """A library message with the server's folders shown as the clerk knows them (output/…)."""
    config = settings(request)
    for root in (config.output_root, config.data_root):
        for shown in {str(root.resolve()), str(root.absolute())}:
            message = message.replace(shown + "/", root.name + "/")
    return message


async def _library_error(request: Request, error: VanbanError) -> HTMLResponse:
    status = 409 if isinstance(error, VersionProblem) else 422
    return page(request, "error.html", {"message": readable(request, str(error))}, status=status)


async def _http_error(request: Request, error: HTTPException) -> HTMLResponse:
    if not hasattr(request.state, "session"):
        request.state.session = None
    message = error.detail if isinstance(error.detail, str) else "Không tìm thấy trang này."
    if error.status_code == 404 and message == "Not Found":
        message = "Không tìm thấy trang này."
    return page(request, "error.html", {"message": message}, status=error.status_code)


async def _unexpected(request: Request, error: Exception) -> HTMLResponse:
    LOG.error("unexpected fault on %s", request.url.path, exc_info=error)
    if not hasattr(request.state, "session"):
        request.state.session = None
    message = (
        "Lỗi ngoài dự kiến của chương trình; dữ liệu không bị thay đổi. "
        "Báo cho người bảo trì vanban kèm thời điểm xảy ra lỗi."
    )
    return page(request, "error.html", {"message": message}, status=500)
