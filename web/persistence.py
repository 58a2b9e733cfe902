"""Chat history: Chainlit's SQLAlchemy data layer on SQLite (default) or PostgreSQL, its tables, and element files.

Chainlit's SQLAlchemyDataLayer does not create its tables, so `ensure_schema` does, idempotently, with the
columns its queries use (users, threads, steps, elements, feedbacks). Element contents (sources, charts,
the report files) are only persisted when the layer has a storage client; `LocalStorage` keeps them on disk
under the data directory and `serve_element_file` hands them back to the thread's owner only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, Table, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import create_async_engine

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.data.storage_clients.base import BaseStorageClient
from chainlit.data.utils import queue_until_user_message

log = logging.getLogger(__name__)

FILES_ROUTE = "/pitchcheck/files"

# Portable column types: plain TEXT on SQLite, the types Chainlit's own PostgreSQL schema uses elsewhere.
_UUID = Text().with_variant(postgresql.UUID(as_uuid=False), "postgresql")
_JSON = Text().with_variant(postgresql.JSONB(), "postgresql")
_TAGS = Text().with_variant(postgresql.ARRAY(Text()), "postgresql")

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", _UUID, primary_key=True),
    Column("identifier", Text, nullable=False, unique=True),
    Column("metadata", _JSON, nullable=False),
    Column("createdAt", Text),
)

threads = Table(
    "threads", metadata,
    Column("id", _UUID, primary_key=True),
    Column("createdAt", Text),
    Column("name", Text),
    Column("userId", _UUID, ForeignKey("users.id", ondelete="CASCADE")),
    Column("userIdentifier", Text),
    Column("tags", _TAGS),
    Column("metadata", _JSON),
)

steps = Table(
    "steps", metadata,
    Column("id", _UUID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("threadId", _UUID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("parentId", _UUID),
    Column("streaming", Boolean, nullable=False),
    Column("waitForAnswer", Boolean),
    Column("isError", Boolean),
    Column("metadata", _JSON),
    Column("tags", _TAGS),
    Column("input", Text),
    Column("output", Text),
    Column("createdAt", Text),
    Column("command", Text),
    Column("modes", _JSON),
    Column("start", Text),
    Column("end", Text),
    Column("generation", _JSON),
    Column("showInput", Text),
    Column("language", Text),
    Column("indent", Integer),
    Column("defaultOpen", Boolean),
    Column("autoCollapse", Boolean),
)

elements = Table(
    "elements", metadata,
    Column("id", _UUID, primary_key=True),
    Column("threadId", _UUID, ForeignKey("threads.id", ondelete="CASCADE")),
    Column("type", Text),
    Column("url", Text),
    Column("chainlitKey", Text),
    Column("name", Text, nullable=False),
    Column("display", Text),
    Column("objectKey", Text),
    Column("size", Text),
    Column("page", Integer),
    Column("language", Text),
    Column("forId", _UUID),
    Column("mime", Text),
    Column("props", _JSON),
    Column("autoPlay", Boolean),
    Column("playerConfig", _JSON),
)

feedbacks = Table(
    "feedbacks", metadata,
    Column("id", _UUID, primary_key=True),
    Column("forId", _UUID, nullable=False),
    Column("threadId", _UUID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("value", Integer, nullable=False),
    Column("comment", Text),
)


class SchemaError(RuntimeError):
    """The history database cannot be reached or prepared; the message is fit for a log line."""


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


# SQLite allows one writer at a time: wait for the lock instead of failing ("database is locked"), and let
# many sessions share the file (the default pool of 5 + 10 ran dry under 50 concurrent chats).
SQLITE_CONNECT_ARGS = {"timeout": 30}
SQLITE_POOL = {"pool_size": 20, "max_overflow": 40, "pool_timeout": 60}


def _engine(url: str):
    if url.startswith("sqlite"):
        return create_async_engine(url, connect_args=dict(SQLITE_CONNECT_ARGS), **SQLITE_POOL)
    return create_async_engine(url)


async def _create_all(url: str) -> None:
    engine = _engine(url)
    try:
        async with engine.begin() as conn:
            if url.startswith("sqlite"):
                # Write-ahead logging lets readers carry on while one session writes; it persists in the file.
                await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            await conn.run_sync(metadata.create_all, checkfirst=True)
    finally:
        await engine.dispose()


def ensure_schema(url: str) -> None:
    """Create the five tables if missing (safe to call at every start, from sync or async code).

    Runs on its own thread and event loop so it works whether or not the caller is inside a loop.
    Raises SchemaError with a one-line reason.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            asyncio.run(_create_all(url))
        except BaseException as exc:  # re-raised on the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=work, name="pitchcheck-schema", daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():
        raise SchemaError(f"timed out preparing the history database at {_redact(url)}")
    if errors:
        exc = errors[0]
        raise SchemaError(f"cannot prepare the history database at {_redact(url)}: "
                          f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc


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

    async def upload_file(self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
                          overwrite: bool = True, content_disposition: str | None = None) -> dict[str, Any]:
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


# --- the data layer -----------------------------------------------------------------------------------------
def _as_json(value: Any, default: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            return default
    return default if value is None else value


class HistoryDataLayer(SQLAlchemyDataLayer):
    """SQLAlchemyDataLayer whose threads come back with JSON columns decoded, and whose steps stay in their thread.

    SQLite (and asyncpg for JSONB) return JSON columns as strings; the UI expects objects, and a custom
    element given a string for its props would render nothing on a resumed thread.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._thread_locks: dict[str, asyncio.Lock] = {}

    async def update_thread(self, thread_id: str, name: str | None = None, user_id: str | None = None,
                            metadata: dict | None = None, tags: list[str] | None = None):
        """Chainlit's update, one at a time per thread.

        Chainlit reads the thread's metadata, merges and writes it back; two updates of one thread at once (the
        first message's naming of the thread, a step's insert, the saved interview state) could each write back
        what they read before the other, and the interview state written a moment earlier was lost.
        """
        lock = self._thread_locks.setdefault(thread_id, asyncio.Lock())
        try:
            async with lock:
                return await super().update_thread(thread_id, name=name, user_id=user_id, metadata=metadata, tags=tags)
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):  # nobody holds or awaits it
                self._thread_locks.pop(thread_id, None)

    @queue_until_user_message()
    async def create_step(self, step_dict):
        """Chainlit's upsert, except that an existing step is only updated from its own thread.

        Chainlit's `ON CONFLICT (id) DO UPDATE` rewrote every column, threadId included, so a message sent with
        another thread's message id moved that message into the sender's thread.
        """
        await self.update_thread(step_dict["threadId"])
        step_dict["showInput"] = (str(step_dict.get("showInput", "")).lower() if "showInput" in step_dict else None)
        parameters = {key: value for key, value in step_dict.items()
                      if value is not None and not (isinstance(value, dict) and not value)}
        parameters["metadata"] = json.dumps(step_dict.get("metadata", {}))
        parameters["generation"] = json.dumps(step_dict.get("generation", {}))
        unknown = [k for k in parameters if k not in steps.c]
        for key in unknown:  # only the table's own columns; the names are interpolated below
            parameters.pop(key)
        columns = ", ".join(f'"{key}"' for key in parameters)
        values = ", ".join(f":{key}" for key in parameters)
        updates = ", ".join(f'"{key}" = :{key}' for key in parameters if key not in ("id", "threadId"))
        query = (f'INSERT INTO steps ({columns}) VALUES ({values}) ON CONFLICT (id) DO UPDATE SET {updates} '
                 'WHERE steps."threadId" = excluded."threadId"')
        result = await self.execute_sql(query=query, parameters=parameters)
        if result == 0:
            log.warning("refused to move step %s into thread %s", step_dict.get("id"), step_dict.get("threadId"))

    async def thread_of(self, table: str, row_id: str) -> str | None:
        """The thread a step or a feedback belongs to (None when there is no such row)."""
        if table not in ("steps", "feedbacks"):
            raise ValueError(table)
        rows = await self.execute_sql(f'SELECT "threadId" FROM {table} WHERE "id" = :id', {"id": str(row_id)})
        return str(rows[0]["threadId"]) if isinstance(rows, list) and rows and rows[0].get("threadId") else None

    async def owns_thread(self, identifier: str | None, thread_id: str | None) -> bool:
        if not identifier or not thread_id:
            return False
        try:
            return await self.get_thread_author(thread_id) == identifier
        except ValueError:
            return False

    async def get_all_user_threads(self, user_id: str | None = None, thread_id: str | None = None):
        found = await super().get_all_user_threads(user_id=user_id, thread_id=thread_id)
        for thread in found or []:
            thread["metadata"] = _as_json(thread.get("metadata"), {})
            thread["tags"] = _as_json(thread.get("tags"), None) if isinstance(thread.get("tags"), str) else thread.get("tags")
            for step in thread.get("steps", []):
                step["metadata"] = _as_json(step.get("metadata"), {})
                if isinstance(step.get("generation"), str):
                    step["generation"] = _as_json(step["generation"], None) or None
            for element in thread.get("elements", []):
                element["props"] = _as_json(element.get("props"), {})
        return found


def make_data_layer(url: str, files_dir: Path) -> HistoryDataLayer:
    layer = HistoryDataLayer(conninfo=url, storage_provider=LocalStorage(files_dir))
    if url.startswith("sqlite"):
        # Chainlit builds its engine with default pooling; rebuild it with SQLite's lock wait and a larger pool.
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.orm import sessionmaker

        layer.engine = _engine(url)
        layer.async_session = sessionmaker(bind=layer.engine, expire_on_commit=False, class_=AsyncSession)
    return layer


# --- what a resumed thread brings back --------------------------------------------------------------------------
def resume_note(state: dict[str, Any] | None) -> tuple[str, bool]:
    """The line shown on resuming a thread, saying what was actually restored, and whether anything was."""
    from chains.session import Session

    session = Session.from_dict(state) if isinstance(state, dict) else None
    parts = []
    for name in (session.asked if session else []):
        value = session.facts.get(name)
        if name == "pitch":
            parts.append("the pitch" if value else "no pitch (skipped)")
        elif value is not None:
            parts.append(session.describe(name, value))
        else:
            parts.append(f"{name.replace('_', ' ')} skipped")
    if not parts:
        return ("Welcome back. I found no saved answers for this chat, so let's start from the beginning.", False)
    listed = "; ".join(parts)
    verdict = " The verdict from these answers is above." if session.verdict else ""
    noun = "answer" if len(parts) == 1 else "answers"
    return f"Welcome back. I've restored {len(parts)} {noun}: {listed}.{verdict}", True
