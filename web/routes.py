"""Two HTTP routes next to Chainlit's: element files for a thread's owner, and a guest token for the widget."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from chainlit.auth import create_jwt, decode_jwt, get_token_from_cookies
from chainlit.data import get_data_layer
from chainlit.user import User

from .auth import guest_identifier, is_guest
from .hosting import WIDGET_TOKEN_ROUTE, add_route_first
from .persistence import FILES_ROUTE, LocalStorage

log = logging.getLogger(__name__)


def _cookie_user(request: Request) -> User | None:
    token = get_token_from_cookies(dict(request.cookies))
    if not token:
        return None
    try:
        return decode_jwt(token)
    except Exception:
        return None


async def element_file(object_key: str, request: Request) -> Response:
    """An element's file (source text, chart, report) for the owner of the thread it belongs to; 404 otherwise."""
    not_found = Response(status_code=404)
    layer = get_data_layer()
    storage = getattr(layer, "storage_provider", None)
    user = _cookie_user(request)
    if not isinstance(storage, LocalStorage) or user is None:
        return not_found
    rows = await layer.execute_sql('SELECT "threadId" FROM elements WHERE "objectKey" = :key', {"key": object_key})
    if not isinstance(rows, list) or not rows:
        return not_found
    try:
        author = await layer.get_thread_author(str(rows[0]["threadId"]))
    except ValueError:
        return not_found
    if author != user.identifier:
        return not_found
    try:
        found = storage.read(object_key)
    except ValueError:
        return not_found
    if found is None:
        return not_found
    content, mime = found
    return Response(content, media_type=mime, headers={"X-Content-Type-Options": "nosniff",
                                                       "Cache-Control": "private, max-age=3600"})


def widget_token_endpoint(login_required: bool):
    async def widget_token(request: Request) -> JSONResponse:
        """A guest access token for the Copilot widget (which cannot use header auth itself).

        The same browser keeps the same guest (and so its history) when it already has Chainlit's cookie.
        """
        if login_required:
            return JSONResponse({"detail": "This Pitchcheck requires a consultant login."}, status_code=403)
        current = _cookie_user(request)
        identifier = current.identifier if current and is_guest(current.identifier) else guest_identifier()
        user = User(identifier=identifier, display_name="Guest", metadata={"guest": True})
        return JSONResponse({"accessToken": create_jwt(user)}, headers={"Cache-Control": "no-store"})

    return widget_token


def register(login_required: bool) -> None:
    add_route_first(FILES_ROUTE + "/{object_key:path}", element_file, ["GET"])
    add_route_first(WIDGET_TOKEN_ROUTE, widget_token_endpoint(login_required), ["GET"])
