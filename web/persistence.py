"""Chat history: Chainlit's SQLAlchemy data layer on SQLite (default) or PostgreSQL, its tables, and element files.

Chainlit's SQLAlchemyDataLayer does not create its tables, so `ensure_schema` does, idempotently, with the
columns its queries use (users, threads, steps, elements, feedbacks). Element contents (sources, charts,
the report files) are only persisted when the layer has a storage client; `LocalStorage` keeps them on disk
under the data directory and `serve_element_file` hands them back to the thread's owner only.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from chainlit.data.storage_clients.base import BaseStorageClient

log = logging.getLogger(__name__)

FILES_ROUTE = "/pitchcheck/files"
TABLES = ("users", "threads", "steps", "elements", "feedbacks")


class SchemaError(RuntimeError):
    """The history database cannot be reached or prepared; the message is fit for a log line."""


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _sqlite_path(url: str) -> str | None:
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else None
    return path if path and path != ":memory:" else None


def _sqlite_ready(path: str) -> bool:
    """The five tables are there already (every start after the first): no SQLAlchemy needed to know it."""
    if not Path(path).is_file():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            found = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return set(TABLES) <= found
    except sqlite3.Error:
        return False


_ready: set[str] = set()
_ready_lock = threading.Lock()


def ensure_schema(url: str) -> None:
    """Create the five tables if missing (safe to call at every start, from sync or async code).

    An SQLite file that has them already is checked with the standard library alone; anything else goes through
    SQLAlchemy (web/history_tables.py). Raises SchemaError with a one-line reason.
    """
    with _ready_lock:
        if url in _ready:
            return
        path = _sqlite_path(url)
        if path is None or not _sqlite_ready(path):
            from .history_tables import create_tables

            create_tables(url)
        _ready.add(url)


# --- element files ------------------------------------------------------------------------------------------
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_key(object_key: str) -> str:
    parts = [(_SAFE.sub("_", p).strip("._") or "_") for p in str(object_key).split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "_"


class LocalStorage(BaseStorageClient):
    """Element files on local disk, read back through FILES_ROUTE (owner-checked)."""

    def __init__(self, root: Path, url_prefix: str = FILES_ROUTE):
        self.root = Path(root).resolve()
        self.url_prefix = url_prefix.rstrip("/")

    def path_for(self, object_key: str) -> Path:
        path = (self.root / _safe_key(object_key)).resolve()
        if self.root not in path.parents:
            raise ValueError("object key escapes the storage directory")
        return path

    async def upload_file(
        self,
        object_key: str,
        data: bytes | str,
        mime: str = "application/octet-stream",
        overwrite: bool = True,
        content_disposition: str | None = None,
    ) -> dict[str, Any]:
        key = _safe_key(object_key)
        path = self.path_for(key)
        if path.exists() and not overwrite:
            return {"object_key": key, "url": await self.get_read_url(key)}
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        await asyncio.to_thread(path.write_bytes, payload)
        (path.parent / (path.name + ".mime")).write_text(mime or "application/octet-stream", encoding="utf-8")
        return {"object_key": key, "url": await self.get_read_url(key)}

    async def delete_file(self, object_key: str) -> bool:
        path = self.path_for(object_key)
        for p in (path, path.parent / (path.name + ".mime")):
            try:
                p.unlink()
            except FileNotFoundError:
                pass
        return True

    async def get_read_url(self, object_key: str) -> str:
        return f"{self.url_prefix}/{quote(_safe_key(object_key))}"

    def read(self, object_key: str) -> tuple[bytes, str] | None:
        path = self.path_for(object_key)
        if not path.is_file():
            return None
        mime_file = path.parent / (path.name + ".mime")
        mime = mime_file.read_text(encoding="utf-8") if mime_file.is_file() else "application/octet-stream"
        return path.read_bytes(), mime

    async def close(self) -> None:
        return None


# --- the data layer ---------------------------------------------------------------------------------
def make_data_layer(url: str, files_dir: Path):
    """The history data layer (a `web.history_layer.HistoryDataLayer`) for `url`, files under `files_dir`."""
    from .history_layer import HistoryDataLayer, SqliteWriter
    from .history_writer import engine_for

    layer = HistoryDataLayer(conninfo=url, storage_provider=LocalStorage(files_dir))
    if url.startswith("sqlite"):
        # Chainlit builds its engine with default pooling; rebuild it for reads with SQLite's lock wait and its
        # pragmas, and send every write through one connection.
        from sqlalchemy.ext.asyncio import async_sessionmaker

        layer.engine = engine_for(url)
        layer.async_session = async_sessionmaker(bind=layer.engine, expire_on_commit=False)
        layer.writer = SqliteWriter.for_url(url)
    return layer


# --- what a resumed thread brings back --------------------------------------------------------------------------
def resume_note(state: dict[str, Any] | None) -> tuple[str, bool]:
    """The line shown on resuming a thread, saying what was actually restored, and whether anything was."""
    from chains.session import Session

    if not isinstance(state, dict):
        return ("Welcome back. I found no saved answers for this chat, so let's start from the beginning.", False)
    session = Session.from_dict(state)
    parts = []
    for name in session.asked:
        value = session.facts.get(name)
        if name == "pitch":
            parts.append("the pitch" if value else "no pitch (left open)")
        elif value is not None:
            parts.append(session.describe(name, value))
        else:
            parts.append(f"{name.replace('_', ' ')} left open")
    if not parts:
        return ("Welcome back. I found no saved answers for this chat, so let's start from the beginning.", False)
    listed = "; ".join(parts)
    verdict = " The verdict from these answers is above." if session.verdict else ""
    noun = "answer" if len(parts) == 1 else "answers"
    return f"Welcome back. I've restored {len(parts)} {noun}: {listed}.{verdict}", True
