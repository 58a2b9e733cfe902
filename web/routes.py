"""HTTP routes next to Chainlit's: element files for a thread's owner, a guest token for the widget, and checked
versions of Chainlit's action, feedback and logout routes (each registered ahead of Chainlit's own)."""

from __future__ import annotations

import json
import logging
from typing import Any

import chainlit.auth as chainlit_auth
from chainlit.auth import create_jwt, get_token_from_cookies
from chainlit.data import get_data_layer
from chainlit.server import UserParam, call_action, delete_feedback, update_feedback
from chainlit.server import logout as chainlit_logout
from chainlit.types import CallActionRequest, DeleteFeedbackRequest, UpdateFeedbackRequest
from chainlit.user import User
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from .auth import guest_identifier, is_guest, revoked_tokens, token_expiry
from .hosting import WIDGET_TOKEN_ROUTE, add_route_first, origin_allowed
from .persistence import FILES_ROUTE, LocalStorage

log = logging.getLogger(__name__)

MAX_LABEL_CHARS = 200  # a button label, tooltip or any text in a button's payload
_ACTION_KEYS = {"name": 100, "label": MAX_LABEL_CHARS, "tooltip": MAX_LABEL_CHARS, "icon": 100, "id": 100, "forId": 100}


def _refuse(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _cookie_user(request: Request) -> User | None:
    token = get_token_from_cookies(dict(request.cookies))
    if not token:
        return None
    try:
        return chainlit_auth.decode_jwt(token)  # looked up at call time: it refuses logged-out tokens
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
    if not await layer.owns_thread(user.identifier, str(rows[0]["threadId"])):
        return not_found
    try:
        found = storage.read(object_key)
    except ValueError:
        return not_found
    if found is None:
        return not_found
    content, mime = found
    return Response(
        content, media_type=mime, headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"}
    )


REPORT_EXPIRED = (
    "This report link has expired. Open the chat it came from in Pitchcheck: the verdict is there, and changing "
    "any answer gives a new report to download."
)


async def report_file(thread_id: str, token: str, name: str, request: Request) -> Response:
    """A verdict's report, laid out at its first download (web.reports); after a restart, for the thread's owner,
    rebuilt from the check's saved state."""
    from chains.session import Session
    from chains.settings import get_settings

    from . import knowledge, reports
    from .render import REPORT_MD, REPORT_PDF
    from .returning import STATE_KEY

    if name not in (REPORT_PDF, REPORT_MD):
        return Response(status_code=404)

    async def rebuild() -> tuple[dict[str, Any], dict[str, Any] | None] | None:
        layer, user = get_data_layer(), _cookie_user(request)
        if layer is None or user is None or not await layer.owns_thread(user.identifier, thread_id):
            return None
        thread = await layer.get_thread(thread_id)
        state = ((thread or {}).get("metadata") or {}).get(STATE_KEY)
        if not isinstance(state, dict) or not state.get("finished"):
            return None
        settings = get_settings()
        verdict = Session.from_dict(state, settings).current_verdict()
        return dict(verdict), knowledge.glossary_summaries(settings)

    try:
        found = await reports.download(thread_id, token, name, (REPORT_PDF, REPORT_MD), rebuild)
    except Exception:
        log.exception("a report download failed")
        return Response("The report could not be laid out just now. Please try again.", 500, media_type="text/plain")
    if found is None:
        return Response(REPORT_EXPIRED, status_code=404, media_type="text/plain; charset=utf-8")
    mime, content = found
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    }
    return Response(content, media_type=mime, headers=headers)


def widget_token_endpoint(login_required: bool):
    async def widget_token(request: Request) -> JSONResponse:
        """A guest access token for the Copilot widget (which cannot use header auth itself).

        Only the app's own pages and the origins in PITCHCHECK_ALLOWED_ORIGINS get one: the token reads the
        visitor's history. The same browser keeps the same guest when it already has Chainlit's cookie.
        """
        headers = request.headers
        if not origin_allowed(headers.get("origin"), headers.get("host"), headers.get("sec-fetch-site")):
            log.info("refused a widget token to origin %r", headers.get("origin"))
            return _refuse(403, "This site is not allowed to embed Pitchcheck.")
        if login_required:
            return _refuse(403, "This Pitchcheck requires a consultant login.")
        current = _cookie_user(request)
        identifier = current.identifier if current and is_guest(current.identifier) else guest_identifier()
        user = User(identifier=identifier, display_name="Guest", metadata={"guest": True})
        return JSONResponse({"accessToken": create_jwt(user)}, headers={"Cache-Control": "no-store"})

    return widget_token


# --- buttons ---------------------------------------------------------------------------------------------------
def _short_strings(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return len(value) <= MAX_LABEL_CHARS
    if isinstance(value, dict):
        return depth < 3 and all(isinstance(k, str) and len(k) <= 100 and _short_strings(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return depth < 3 and all(_short_strings(v, depth + 1) for v in value)
    return value is None or isinstance(value, (bool, int, float))


def checked_action(body: bytes, max_bytes: int) -> dict[str, Any] | JSONResponse:
    """A button click's request made safe for Chainlit's /project/action: the request, or the refusal to send."""
    if len(body) > max_bytes:
        return _refuse(413, "That button click was too large to accept.")
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return _refuse(400, "That button click could not be read.")
    action = data.get("action") if isinstance(data, dict) else None
    session_id = data.get("sessionId") if isinstance(data, dict) else None
    if not isinstance(action, dict) or not isinstance(session_id, str) or not session_id:
        return _refuse(400, "That button click could not be read.")
    clean: dict[str, Any] = {}
    for key, limit in _ACTION_KEYS.items():
        value = action.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > limit:
            return _refuse(400, "That button's label or name is too long.")
        clean[key] = value
    payload = action.get("payload")
    payload = {} if payload is None else payload
    if not clean.get("name") or not isinstance(payload, dict) or not _short_strings(payload):
        return _refuse(400, "That button click could not be read.")
    clean["payload"] = payload
    return {"action": clean, "sessionId": session_id}


def action_endpoint(max_bytes: int):
    async def project_action(request: Request, current_user: UserParam) -> Response:
        """Chainlit's /project/action behind a size bound, a shape check and the session's rate limit."""
        from chainlit.context import init_ws_context
        from chainlit.session import WebsocketSession

        from .limits import gate_key, message_gate, notify

        checked = checked_action(await request.body(), max_bytes)
        if isinstance(checked, JSONResponse):
            return checked
        session = WebsocketSession.get_by_id(checked["sessionId"])
        if session is None:
            return _refuse(404, "That chat has ended; reload the page to carry on.")
        if current_user and (not session.user or session.user.identifier != current_user.identifier):
            return _refuse(401, "That chat belongs to someone else.")
        gate = message_gate()
        if gate is not None:
            accepted, notice = gate.admit(gate_key(session))
            if not accepted:
                if notice:
                    init_ws_context(session)
                    await notify(notice)
                return _refuse(429, "Too many clicks; please wait a moment.")
        return await call_action(CallActionRequest(**checked), current_user)

    return project_action


# --- feedback ----------------------------------------------------------------------------------------------------
def feedback_endpoints():
    async def put_feedback(request: Request, update: UpdateFeedbackRequest, current_user: UserParam) -> Response:
        """Thumbs on a message: only in the sender's own thread, and only to their own feedback."""
        layer = get_data_layer()
        identifier = getattr(current_user, "identifier", None)
        if layer is None or not hasattr(layer, "thread_of"):
            return _refuse(400, "Feedback is not stored here.")
        step_thread = await layer.thread_of("steps", update.feedback.forId)
        if not await layer.owns_thread(identifier, step_thread):
            return _refuse(404, "No such message.")
        if update.feedback.id:
            existing = await layer.thread_of("feedbacks", update.feedback.id)
            if existing is not None and existing != step_thread:
                return _refuse(404, "No such feedback.")
        update.feedback.threadId = step_thread
        return await update_feedback(request, update, current_user)

    async def remove_feedback(request: Request, payload: DeleteFeedbackRequest, current_user: UserParam) -> Response:
        layer = get_data_layer()
        identifier = getattr(current_user, "identifier", None)
        if layer is None or not hasattr(layer, "thread_of"):
            return _refuse(400, "Feedback is not stored here.")
        if not await layer.owns_thread(identifier, await layer.thread_of("feedbacks", payload.feedbackId)):
            return _refuse(404, "No such feedback.")
        return await delete_feedback(request, payload, current_user)

    return put_feedback, remove_feedback


# --- logout ----------------------------------------------------------------------------------------------------
async def logout(request: Request, response: Response):
    """Chainlit's /logout, and the token itself ended so a kept copy of the cookie no longer works."""
    token = get_token_from_cookies(dict(request.cookies))
    store = revoked_tokens()
    if token and store is not None:
        try:
            store.revoke(token, token_expiry(token))
        except Exception:
            log.exception("could not record a logged-out token")
    return await chainlit_logout(request, response)


def register(login_required: bool, max_action_bytes: int = 4096) -> None:
    add_route_first(FILES_ROUTE + "/{object_key:path}", element_file, ["GET"])
    from .reports import REPORT_ROUTE

    add_route_first(REPORT_ROUTE + "/{thread_id}/{token}/{name}", report_file, ["GET"])
    add_route_first(WIDGET_TOKEN_ROUTE, widget_token_endpoint(login_required), ["GET"])
    add_route_first("/project/action", action_endpoint(max_action_bytes), ["POST"])
    put_feedback, remove_feedback = feedback_endpoints()
    add_route_first("/feedback", put_feedback, ["PUT"])
    add_route_first("/feedback", remove_feedback, ["DELETE"])
    add_route_first("/logout", logout, ["POST"])
