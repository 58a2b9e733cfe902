"""A guest's browser tab for the abuse probes (tests/test_abuse.py) and bench/crash_resume.py: header sign-in,
the socket, raw events, and the history database.

Speaks Chainlit 2.12's own protocol (as bench/loadtest.py does) so a probe can send what no browser would: another
thread's message id, an edit while editing is off, a flood, a 900 KB message.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from visitor import EVENTS, SOCKETIO_PATH, asked_field  # noqa: E402


def message_payload(text: str, message_id: str | None = None, **extra: Any) -> dict:
    """The payload the frontend emits for a typed message."""
    message = {
        "threadId": "",
        "id": message_id or str(uuid.uuid4()),
        "name": "User",
        "type": "user_message",
        "output": text,
        "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "metadata": {},
    }
    message.update(extra)
    return {"message": message, "fileReferences": []}


class Guest:
    """One browser: its guest cookie, one socket at a time, and every event received in order."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 60.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.events: asyncio.Queue = asyncio.Queue()
        self.seen: list[tuple[str, Any]] = []
        self.sio = None
        self.session_id: str | None = None
        self.thread_id: str | None = None

    # --- HTTP ------------------------------------------------------------------------------------------------
    def http(self, method: str, path: str, token: str | None = None, **kwargs):
        import httpx

        cookie = token if token is not None else self.token
        headers = dict(kwargs.pop("headers", {}) or {})
        if cookie:
            headers["Cookie"] = f"access_token={cookie}"
        return httpx.request(method, self.url + path, headers=headers, timeout=self.timeout, **kwargs)

    def sign_in(self) -> str:
        response = self.http("POST", "/auth/header", json={})
        response.raise_for_status()
        self.token = response.cookies.get("access_token")
        assert self.token, "header sign-in set no cookie"
        return self.token

    # --- the socket ------------------------------------------------------------------------------------------
    async def connect(self, thread_id: str = "", origin: str | None = None) -> None:
        import socketio

        if self.token is None:
            await asyncio.to_thread(self.sign_in)
        self.sio = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)
        for event in EVENTS:
            self.sio.on(event, (lambda name: lambda data=None: self._put(name, data))(event))
        self.sio.on("disconnect", lambda *a: self._put("disconnect", None))
        headers = {"Cookie": f"access_token={self.token}"}
        if origin:
            headers["Origin"] = origin
        self.session_id = str(uuid.uuid4())
        auth = {"sessionId": self.session_id, "clientType": "webapp", "userEnv": "{}", "threadId": thread_id, "chatProfile": ""}
        await self.sio.connect(
            self.url, headers=headers, auth=auth, transports=["websocket"], socketio_path=SOCKETIO_PATH, wait_timeout=self.timeout
        )
        await self.sio.emit("connection_successful")

    @classmethod
    async def at_first_question(cls, url: str, timeout: float = 60.0) -> Guest:
        """A new guest with the chat open, the first question (the pitch) on screen."""
        guest = cls(url, timeout=timeout)
        await guest.connect()
        await guest.message("Paste what the vendor said", "the pitch question")
        return guest

    def _put(self, name: str, data: Any) -> None:
        if name == "first_interaction" and isinstance(data, dict) and data.get("thread_id"):
            self.thread_id = data["thread_id"]
        self.seen.append((name, data))
        self.events.put_nowait((name, data))

    def drain(self) -> None:
        """Forget the events not yet read (they stay in `seen`)."""
        while not self.events.empty():
            self.events.get_nowait()

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            try:
                await self.sio.disconnect()
            except Exception:
                pass

    async def send(self, text: str, message_id: str | None = None, **extra: Any) -> str:
        payload = message_payload(text, message_id, **extra)
        await self.sio.emit("client_message", payload)
        return payload["message"]["id"]

    async def until(self, done: Callable[[str, Any], bool], what: str, timeout: float | None = None) -> Any:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {what} within {timeout or self.timeout:.0f}s")
            try:
                name, data = await asyncio.wait_for(self.events.get(), remaining)
            except TimeoutError:
                raise TimeoutError(f"no {what} within {timeout or self.timeout:.0f}s") from None
            if name == "disconnect":
                raise ConnectionError(f"disconnected while waiting for {what}")
            if done(name, data):
                return data

    async def message(self, contains: str = "", what: str | None = None, timeout: float | None = None) -> dict:
        """The next assistant message whose text contains `contains`."""
        return await self.until(
            lambda n, d: (
                n == "new_message"
                and isinstance(d, dict)
                and d.get("type") == "assistant_message"
                and contains in str(d.get("output") or "")
            ),
            what or f"a message containing {contains!r}",
            timeout,
        )

    async def question(self, questions: dict[str, str], timeout: float | None = None) -> str:
        """Wait for the next interview question; returns its field."""
        data = await self.until(
            lambda n, d: n == "new_message" and isinstance(d, dict) and asked_field(d.get("output"), questions) is not None,
            "the next question",
            timeout,
        )
        return asked_field(data["output"], questions)  # type: ignore[return-value]

    def texts(self) -> list[str]:
        return [
            str(d.get("output") or "") for n, d in self.seen if n in ("new_message", "update_message") and isinstance(d, dict)
        ]


# --- the history database ------------------------------------------------------------------------------------
def history(data_dir: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{data_dir / 'history.db'}?mode=ro", uri=True, timeout=30)
    db.row_factory = sqlite3.Row
    return db


def steps(data_dir: Path, thread_id: str | None = None) -> list[dict]:
    with history(data_dir) as db:
        if thread_id:
            rows = db.execute('SELECT * FROM steps WHERE "threadId" = ?', (thread_id,)).fetchall()
        else:
            rows = db.execute("SELECT * FROM steps").fetchall()
    return [dict(r) for r in rows]


def thread_state(data_dir: Path, thread_id: str) -> dict | None:
    with history(data_dir) as db:
        row = db.execute("SELECT metadata FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if row is None or not row["metadata"]:
        return None
    return (json.loads(row["metadata"]) or {}).get("pitchcheck")


def stored_bytes(data_dir: Path) -> int:
    """Bytes of message text and thread metadata in the history (what a flood would grow)."""
    with history(data_dir) as db:
        out = db.execute("SELECT COALESCE(SUM(LENGTH(output)), 0) + COALESCE(SUM(LENGTH(input)), 0) FROM steps").fetchone()[0]
        meta = db.execute("SELECT COALESCE(SUM(LENGTH(metadata)), 0) FROM threads").fetchone()[0]
    return int(out) + int(meta)


def interview_answers() -> tuple[dict[str, str], dict[str, str]]:
    """(question text -> field, field -> answer): the load test's first owner, the guide's consulting firm."""
    import loadtest

    return loadtest.question_fields(), loadtest.Owner(1).answers()
