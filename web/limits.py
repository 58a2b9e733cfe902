"""Per-session abuse limits: a sliding-window rate limiter, a one-message-in-flight guard, and the gate that
checks a message before Chainlit stores it."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)


class RateLimiter:
    """Allows at most `limit` events in any `window` seconds (a sliding window).

    `clock` returns seconds as a float and is injectable so tests need not sleep.
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        if window <= 0:
            raise ValueError("window must be positive")
        self.limit = max(0, int(limit))
        self.window = float(window)
        self.clock = clock
        self._events: deque[float] = deque()

    def _prune(self, now: float) -> None:
        while self._events and now - self._events[0] >= self.window:
            self._events.popleft()

    def allow(self) -> bool:
        """Record an event and return True, or return False (recording nothing) when over the limit."""
        now = self.clock()
        self._prune(now)
        if len(self._events) >= self.limit:
            return False
        self._events.append(now)
        return True

    def retry_after(self) -> float:
        """Seconds until the next event would be allowed (0 when one is allowed now)."""
        now = self.clock()
        self._prune(now)
        if len(self._events) < self.limit:
            return 0.0
        if not self._events:  # limit is 0: never
            return float("inf")
        return max(0.0, self.window - (now - self._events[0]))

    @property
    def used(self) -> int:
        self._prune(self.clock())
        return len(self._events)


class InFlight:
    """One message at a time per session: `try_enter()` is False while another is being handled.

    asyncio runs handlers on one thread and there is no await between the check and the set, so a
    plain flag cannot race.
    """

    def __init__(self) -> None:
        self.busy = False

    def try_enter(self) -> bool:
        if self.busy:
            return False
        self.busy = True
        return True

    def leave(self) -> None:
        self.busy = False


# --- before Chainlit stores a message ----------------------------------------------------------------------------
# Chainlit 2.12's socket handler (chainlit/socket.py `message` -> `process_message` -> emitter.process_message)
# queues the message's INSERT (`Message._create` -> data layer `create_step`) before the app's on_message runs,
# so a limit checked in the handler has already let the message into the database. The gate replaces that socket
# handler: a message that is too long, too fast or malformed never reaches Chainlit's code, and the refusal is
# sent to the browser without being stored.
_MESSAGE_KEYS = {"id", "threadId", "name", "type", "output", "createdAt", "metadata", "command", "modes", "language"}
_PRUNE_EVERY = 1000


def is_uuid4(value: Any) -> bool:
    try:
        return uuid.UUID(str(value)).version == 4
    except (ValueError, TypeError, AttributeError):
        return False


def tidy_message(payload: Any) -> dict[str, Any] | None:
    """The client's message payload reduced to what Chainlit reads, typed as the owner's message; None if unusable."""
    if not isinstance(payload, dict) or not isinstance(payload.get("message"), dict):
        return None
    message = {k: v for k, v in payload["message"].items() if k in _MESSAGE_KEYS}
    if not isinstance(message.get("output"), str):
        return None
    message["id"] = message["id"] if is_uuid4(message.get("id")) else str(uuid.uuid4())
    message["type"] = "user_message"  # a client may not post a message as the assistant
    message["name"] = str(message.get("name") or "User")[:100]
    metadata = message.get("metadata")
    message["metadata"] = metadata if isinstance(metadata, dict) and len(json.dumps(metadata, default=str)) <= 1000 else {}
    for key in ("command", "language"):
        if key in message and not (isinstance(message[key], str) and len(message[key]) <= 100):
            message.pop(key)
    if "modes" in message and not (isinstance(message["modes"], dict) and len(json.dumps(message["modes"], default=str)) <= 1000):
        message.pop("modes")
    refs = payload.get("fileReferences")
    refs = [r for r in refs if isinstance(r, dict) and isinstance(r.get("id"), str)][:10] if isinstance(refs, list) else []
    return {"message": message, "fileReferences": refs}


def too_long_text(length: int, limit: int) -> str:
    """The engine's own words for a message over the limit (chains.settings.Settings.message_too_long)."""
    from chains.settings import Settings

    return Settings(max_message_chars=limit).message_too_long("x" * length) or ""


def slow_down_text(per_minute: int, wait: float) -> str:
    seconds = max(1, round(wait))
    return (
        f"You're sending messages faster than I can take them (the limit is {per_minute} a minute). "
        f"Please wait about {seconds} second{'s' if seconds != 1 else ''} and send it again."
    )


class MessageGate:
    """Per-session checks on a message or a click before anything is stored: its length and the rate.

    A refused message gets one notice; while a session keeps sending over the limit it gets no more than
    one notice per minute, so a flood cannot make the server flood back.
    """

    def __init__(self, max_chars: int, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.max_chars = max(1, int(max_chars))
        self.per_minute = int(per_minute)
        self.clock = clock
        self._limiters: dict[str, RateLimiter] = {}
        self._last_notice: dict[str, float] = {}
        self._checks = 0
        self.refused = 0

    def _limiter(self, key: str) -> RateLimiter:
        self._checks += 1
        if self._checks % _PRUNE_EVERY == 0:  # forget sessions with nothing in their window
            for k in [k for k, lim in self._limiters.items() if lim.used == 0 and k != key]:
                self._limiters.pop(k, None)
                self._last_notice.pop(k, None)
        limiter = self._limiters.get(key)
        if limiter is None:
            limiter = self._limiters[key] = RateLimiter(self.per_minute, 60.0, self.clock)
        return limiter

    def _notice_once(self, key: str, text: str) -> str | None:
        now = self.clock()
        last = self._last_notice.get(key)
        if last is not None and now - last < 60.0:
            return None
        self._last_notice[key] = now
        return text

    def admit(self, key: str, text: str | None = None) -> tuple[bool, str | None]:
        """(accepted, notice to show or None). `text` is a typed message; None for a click."""
        if text is not None and len(text) > self.max_chars:
            self.refused += 1
            return False, too_long_text(len(text), self.max_chars)
        limiter = self._limiter(key)
        if not limiter.allow():
            self.refused += 1
            return False, self._notice_once(key, slow_down_text(self.per_minute, limiter.retry_after()))
        self._last_notice.pop(key, None)
        return True, None


async def notify(text: str) -> None:
    """Show the owner a line from the app without storing it in the thread (refusals, "slow down")."""
    from chainlit.context import context
    from chainlit.message import Message

    step = Message(content=text).to_dict()
    step["createdAt"] = step.get("createdAt") or datetime.now(UTC).isoformat().replace("+00:00", "Z")
    await context.emitter.send_step(step)


_gate: MessageGate | None = None


def gate_key(session: Any) -> str:
    """Whose allowance a message or click draws on: the signed-in user's (every tab of theirs), else the session's."""
    user = getattr(session, "user", None)
    identifier = getattr(user, "identifier", None)
    return f"user:{identifier}" if identifier else f"session:{session.id}"


def message_gate() -> MessageGate | None:
    """The installed gate (the /project/action route shares its per-session rate)."""
    return _gate


def install_message_gate(max_chars: int, per_minute: int) -> MessageGate:
    """Put the gate in front of Chainlit's `client_message` socket handler, and switch off `edit_message`
    unless config.toml allows it (Chainlit 2.12 handles edits whatever the setting says)."""
    global _gate
    import chainlit.socket  # noqa: F401  (registers Chainlit's handlers on the server)
    from chainlit.config import config
    from chainlit.context import init_ws_context
    from chainlit.server import sio
    from chainlit.session import WebsocketSession

    handlers = sio.handlers.setdefault("/", {})
    original = handlers.get("client_message")
    original = getattr(original, "_pitchcheck_original", original)
    original_edit = handlers.get("edit_message")
    original_edit = getattr(original_edit, "_pitchcheck_original", original_edit)
    gate = _gate = MessageGate(max_chars, per_minute)

    async def client_message(sid: str, payload: Any) -> None:
        session = WebsocketSession.get(sid)
        if session is None:
            return
        tidy = tidy_message(payload)
        if tidy is None:
            log.info("dropped a malformed message from session %s", session.id)
            return
        accepted, notice = gate.admit(gate_key(session), tidy["message"]["output"])
        if accepted:
            await original(sid, tidy)
            return
        if notice:
            init_ws_context(session)
            try:
                await notify(notice)
            except Exception:
                log.debug("could not send a refusal notice", exc_info=True)

    async def edit_message(sid: str, payload: Any) -> None:
        if config.features.edit_message and original_edit is not None:
            tidy = tidy_message(payload)
            session = WebsocketSession.get(sid)
            if tidy is not None and session is not None and gate.admit(gate_key(session), tidy["message"]["output"])[0]:
                await original_edit(sid, tidy)
            return
        log.info("ignored an edit_message event: editing is off in config.toml")

    client_message._pitchcheck_original = original  # type: ignore[attr-defined]
    edit_message._pitchcheck_original = original_edit  # type: ignore[attr-defined]
    handlers["client_message"] = client_message
    handlers["edit_message"] = edit_message
    return gate
