"""How the Chainlit server is set up for Pitchcheck: origins, headers, an offline page, upload folders, routes.

config.toml cannot read environment variables, so the origins allowed to embed the widget come from
settings (PITCHCHECK_ALLOWED_ORIGINS) and are applied here, at app import, before the first request:
chainlit/server.py hands the very list object `config.project.allow_origins` to Starlette's
CORSMiddleware, whose stack is only built on the first request, so the list is changed in place. The
Socket.IO server (created with CORS checks off) gets the same list, plus the page's own origin. With the
setting empty (the default) only the app's own pages may talk to it: no other site may read a guest's
token or history.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chainlit.config import config

log = logging.getLogger(__name__)

WIDGET_TOKEN_ROUTE = "/pitchcheck/widget-token"
_allowed: list[str] = []


def _normalise(origins: Iterable[str]) -> list[str]:
    return [o.strip().rstrip("/") for o in origins if o and o.strip()]


def _own_origin(origin: str, host: str | None) -> bool:
    """The page's own origin: the Origin header names the host the request was sent to."""
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return False
    return bool(host) and bool(netloc) and netloc.lower() == (host or "").lower()


def origin_allowed(origin: str | None, host: str | None, fetch_site: str | None = None) -> bool:
    """May a browser request from `origin` (sent to `host`) act for the visitor? Requests without an Origin
    are allowed unless the browser says they come from another site (Sec-Fetch-Site)."""
    if not origin:
        return (fetch_site or "same-origin").lower() in ("same-origin", "none")
    if origin == "null":
        return False
    return "*" in _allowed or origin in _allowed or _own_origin(origin, host)


def apply_allowed_origins(origins: list[str]) -> list[str]:
    origins = _normalise(origins)
    _allowed[:] = origins
    config.project.allow_origins[:] = origins  # in place: server.py's CORSMiddleware holds this list
    from chainlit.server import sio

    if "*" in origins:
        log.warning("PITCHCHECK_ALLOWED_ORIGINS is '*': any site may embed the widget and read its visitors' chats")
        sio.eio.cors_allowed_origins = []  # Chainlit's default: no origin check on the socket
    else:

        def origin_ok(origin: str | None, environ: dict[str, Any] | None = None) -> bool:
            if not origin:  # not a browser (browsers always send Origin on a WebSocket)
                return True
            return origin in origins or _own_origin(origin, (environ or {}).get("HTTP_HOST"))

        sio.eio.cors_allowed_origins = origin_ok
    return origins


# --- no fetches from the internet ----------------------------------------------------------------------------
_EXTERNAL_HEAD = re.compile(
    r'\s*<link[^>]+href="https://(?:fonts\.googleapis\.com|fonts\.gstatic\.com|cdn\.jsdelivr\.net)[^"]*"[^>]*/?>',
    re.IGNORECASE,
)


def strip_external_assets(html: str) -> str:
    """Chainlit's page links Google Fonts and a KaTeX stylesheet on a CDN; offline they only stall the page."""
    return _EXTERNAL_HEAD.sub("", html)


def serve_page_offline() -> None:
    import chainlit.server as server

    original: Callable[[str], str] = server.get_html_template
    if getattr(original, "_pitchcheck_offline", False):
        return

    def get_html_template(root_path: str) -> str:
        html = strip_external_assets(original(root_path))
        allow_inline_scripts(html)
        return html

    get_html_template._pitchcheck_offline = True  # type: ignore[attr-defined]
    server.get_html_template = get_html_template


def add_route_first(path: str, endpoint: Callable, methods: list[str]) -> None:
    """Register a route ahead of Chainlit's own: its catch-all page route, or its route for the same path and method."""
    from chainlit.server import app

    wanted = {m.upper() for m in methods}
    if any(
        getattr(r, "path", None) == path
        and getattr(r, "methods", None) == wanted
        and getattr(getattr(r, "endpoint", None), "_pitchcheck", False)
        for r in app.router.routes
    ):
        return
    endpoint._pitchcheck = True  # type: ignore[attr-defined]
    app.add_api_route(path, endpoint, methods=methods, include_in_schema=False)
    route = app.router.routes.pop()
    app.router.routes.insert(0, route)


# --- security headers -----------------------------------------------------------------------------------------
# Chainlit's page has two small inline scripts and the widget demo one; each is allowed by its hash, never by
# 'unsafe-inline'. 'unsafe-eval' is needed by Chainlit's custom elements (the verdict card is compiled in the
# browser with `new Function`), and inline styles by React and Plotly. Nothing is loaded from another host.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
_script_hashes: set[str] = set()


def allow_inline_scripts(html: str) -> None:
    for body in _INLINE_SCRIPT.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        _script_hashes.add(f"'sha256-{digest}'")


def content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-eval' " + " ".join(sorted(_script_hashes)),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self' data: blob:",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",  # the widget mounts in the host page itself, never in a frame
        ]
    )


SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}


FIRST_PAGE_GRACE_S = 0.1  # seconds between the first response going out and the start-up work kept off it


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response, set by the app itself (no proxy needed).
    It also sees the first response go out, which starts the work kept off the first page (`after_first_page`)."""

    def __init__(self, app: Callable):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                extra = dict(SECURITY_HEADERS)
                extra[b"content-security-policy"] = content_security_policy().encode()
                headers += [(k, v) for k, v in extra.items() if k not in present]
                message = {**message, "headers": headers}
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body") and _after_first_page:
                # Once the page is out: threads that start importing sooner hold the interpreter its last bytes
                # need (the first page took 0.2 s longer).
                asyncio.get_running_loop().call_later(FIRST_PAGE_GRACE_S, _run_after_first_page)

        await self.app(scope, receive, send_with_headers)


def add_security_headers(public_dir: Path | None = None) -> None:
    from chainlit.server import app

    for page in sorted(Path(public_dir).glob("*.html")) if public_dir and Path(public_dir).is_dir() else []:
        allow_inline_scripts(page.read_text(encoding="utf-8", errors="replace"))
    if not any(m.cls is SecurityHeaders for m in app.user_middleware):
        app.add_middleware(SecurityHeaders)


def hide_api_docs() -> None:
    """FastAPI's /docs, /redoc and /openapi.json list every route; they are only served when a setting asks."""
    from chainlit.server import app

    paths = {p for p in (app.docs_url, app.redoc_url, app.openapi_url) if p}
    if app.docs_url:
        paths.add(app.docs_url + "/oauth2-redirect")
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) not in paths]
    app.docs_url = app.redoc_url = app.openapi_url = None


# --- upload folders -------------------------------------------------------------------------------------------
def use_instance_upload_folder(data_dir: Path) -> Path:
    """Uploads go to a folder of this instance's own under the data directory.

    Chainlit keeps uploads in one `.files` folder beside the app and deletes that whole folder when any instance
    stops, breaking every other instance using it. Each instance gets `uploads/<host>-<pid>`, which is all
    Chainlit's stop deletes; folders left by instances of this host that died without stopping are removed here.
    """
    import chainlit.config as chainlit_config
    import chainlit.server as server

    root = Path(data_dir).resolve() / "uploads"
    host = re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname())
    mine = root / f"{host}-{os.getpid()}"
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob(f"{host}-*"):
        pid = old.name.rsplit("-", 1)[-1]
        if old != mine and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    mine.mkdir(exist_ok=True)
    chainlit_config.FILES_DIRECTORY = mine  # read by WebsocketSession.files_dir at each upload
    server.FILES_DIRECTORY = mine  # the folder the server's shutdown deletes
    return mine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- work that waits for the first page -----------------------------------------------------------------------
_after_first_page: list[Callable[[], Any]] = []


def after_first_page(*work: Callable[[], Any], timeout: float = 3.0) -> None:
    """Run `work` (each quick: it starts its own thread) once the server has sent its first response, or after
    `timeout` seconds if none is asked for. Threads that import heavy libraries while uvicorn is still starting hold
    the interpreter the first page needs."""
    import asyncio

    _after_first_page.extend(work)
    asyncio.get_running_loop().call_later(timeout, _run_after_first_page)


def _run_after_first_page() -> None:
    while _after_first_page:
        job = _after_first_page.pop(0)
        try:
            job()
        except Exception:
            log.exception("start-up work after the first page failed")


# --- what the first requests need, loaded after start-up ----------------------------------------------------------
# The history data layer (SQLAlchemy's ORM, Chainlit's data layer and aiohttp), the LLM client and the interview
# (its rules and readers) the first chat builds (the PDF writer lives in the report worker, web/reports.py): imported
# at app import
# they delayed the first page; imported by the first sign-in, chat or verdict they held the event loop, and every open
# chat with it. "module:attribute" also loads a lazily imported attribute.
FIRST_USE_MODULES = ("web.history_layer", "chains.llm", "chains.session", "web.chat")


def preload_in_background(modules: tuple[str, ...] = FIRST_USE_MODULES) -> threading.Thread:
    """Import `modules` on a daemon thread; a request that needs one meanwhile waits only for what is left of it."""
    import importlib

    def work() -> None:
        for spec in modules:
            name, _, attribute = spec.partition(":")
            try:
                module = importlib.import_module(name)
                if attribute:
                    getattr(module, attribute)
            except Exception:
                log.warning("could not preload %s", spec, exc_info=True)

    thread = threading.Thread(target=work, name="pitchcheck-preload", daemon=True)
    thread.start()
    return thread


def plain_action_dicts() -> None:
    """Chainlit serialises every button it sends or removes with dataclasses_json, which inspects the class's
    fields and overrides again on each call: a question's five buttons cost more than the rest of its turn. An
    action's fields are plain JSON values, so its dict is read straight off them (same keys, same values)."""
    import dataclasses

    from chainlit.action import Action

    if getattr(Action.to_dict, "_pitchcheck", False):
        return
    names = tuple(f.name for f in dataclasses.fields(Action))

    def to_dict(self, encode_json: bool = False) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in names}
        if isinstance(out.get("payload"), dict):
            out["payload"] = dict(out["payload"])
        return out

    to_dict._pitchcheck = True  # type: ignore[attr-defined]
    Action.to_dict = to_dict  # type: ignore[method-assign]


class _NoPause:
    """The time module as Chainlit's message and step modules see it, without the 1 ms pause their constructors take."""

    def __init__(self, real: Any):
        self._real = real

    def sleep(self, seconds: float) -> None:
        if seconds > 0.001:  # only the constructors' time.sleep(0.001) is dropped
            self._real.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class SteadyClock:
    """UTC timestamps in Chainlit's format, each later than the one before, always with six decimals."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = datetime.min

    def __call__(self) -> str:
        now = datetime.now(UTC).replace(tzinfo=None)
        with self._lock:
            if now <= self._last:
                now = self._last + timedelta(microseconds=1)
            self._last = now
        return now.isoformat(timespec="microseconds") + "Z"


def steady_timestamps() -> None:
    """Chainlit pauses the event loop for a millisecond in every Message and Step it constructs (time.sleep(0.001)),
    so that what is sent in a row gets distinct created_at stamps, by which a resumed chat is ordered. Under fifty
    visitors at once that pause was 45% of the event loop's time (py-spy on the server). The stamps are instead made
    distinct and increasing by the clock itself, so the order holds without the pause; each has six decimals
    (Chainlit's own drops them on a whole second, which sorts that stamp after the ones just before it)."""
    import importlib

    # By name: "chainlit.step" as an attribute is the step decorator, which chainlit's package exports.
    emitter, message, step, utils = (
        importlib.import_module(f"chainlit.{name}") for name in ("emitter", "message", "step", "utils")
    )
    if isinstance(getattr(step, "utc_now", None), SteadyClock):
        return
    clock = SteadyClock()
    for module in (message, step, emitter, utils):
        module.utc_now = clock  # type: ignore[attr-defined]
    for module in (message, step):
        module.time = _NoPause(time)  # type: ignore[attr-defined]


# --- all of the above, at app import ------------------------------------------------------------------------------
def harden(settings) -> None:
    """Everything the server needs before its first request, besides origins and the offline page."""
    from . import auth, limits

    add_security_headers(Path(config.root) / "public")
    plain_action_dicts()
    steady_timestamps()
    if not settings.api_docs:
        hide_api_docs()
    use_instance_upload_folder(settings.data_dir)
    limits.install_message_gate(settings.max_message_chars, settings.rate_limit_per_minute)
    auth.end_tokens_on_logout(settings)
