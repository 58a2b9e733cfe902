"""How the Chainlit server is set up for Pitchcheck: allowed origins, an offline page, and two small routes.

config.toml cannot read environment variables, so the origins allowed to embed the widget come from
settings (PITCHCHECK_ALLOWED_ORIGINS) and are applied here, at app import, before the first request:
chainlit/server.py hands the very list object `config.project.allow_origins` to Starlette's
CORSMiddleware, whose stack is only built on the first request, so the list is changed in place. The
Socket.IO server (created with CORS checks off) gets the same list, plus the page's own origin.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

from chainlit.config import config

log = logging.getLogger(__name__)

WIDGET_TOKEN_ROUTE = "/pitchcheck/widget-token"


def apply_allowed_origins(origins: list[str]) -> list[str]:
    origins = [o.strip().rstrip("/") for o in origins if o and o.strip()] or ["*"]
    config.project.allow_origins[:] = origins  # in place: server.py's CORSMiddleware holds this list
    from chainlit.server import sio

    if "*" in origins:
        sio.eio.cors_allowed_origins = []  # Chainlit's default: no origin check on the socket
    else:
        allowed = set(origins)

        def origin_ok(origin: str | None, environ: dict[str, Any] | None = None) -> bool:
            if not origin or origin in allowed:
                return True
            host = (environ or {}).get("HTTP_HOST")
            return bool(host) and re.sub(r"^https?://", "", origin) == host  # the app's own pages

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
        return strip_external_assets(original(root_path))

    get_html_template._pitchcheck_offline = True  # type: ignore[attr-defined]
    server.get_html_template = get_html_template


def add_route_first(path: str, endpoint: Callable, methods: list[str]) -> None:
    """Register a route ahead of Chainlit's catch-all `/{full_path:path}` page route."""
    from chainlit.server import app

    if any(getattr(r, "path", None) == path for r in app.router.routes):
        return
    app.add_api_route(path, endpoint, methods=methods, include_in_schema=False)
    route = app.router.routes.pop()
    app.router.routes.insert(0, route)
