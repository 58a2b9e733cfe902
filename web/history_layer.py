"""Chainlit's SQLAlchemy data layer as Pitchcheck uses it: JSON decoded, steps kept in their thread, and the answers
that never change (a user's id, a thread's existence) kept in memory instead of asked again.

Imported on first use (`web.persistence.make_data_layer`) or by a background thread after start-up, never on the
way to the first page: SQLAlchemy's ORM and Chainlit's data layer (which brings aiohttp) take a quarter of a second.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import uuid
from collections import OrderedDict
from typing import Any

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.data.utils import queue_until_user_message
from chainlit.user import PersistedUser, User

from .history_tables import steps
from .history_writer import SqliteWriter, is_write

log = logging.getLogger(__name__)


def _as_json(value: Any, default: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            return default
    return default if value is None else value


TITLE_CHARS = 60  # a chat's name in the history list: a pasted email is cut to its opening words


def thread_title(name: str | None, suffix: str = "") -> str | None:
    """A chat's name: what started it on one line, cut at a word so that it and `suffix` fit TITLE_CHARS."""
    if not name:
        return name
    first, room = " ".join(name.split()) or name, TITLE_CHARS - len(suffix)
    if len(first) <= room:
        return first + suffix
    cut = first[:room].rsplit(" ", 1)[0] or first[:room]
    return cut.rstrip(" ,.;:-…") + "…" + suffix


class HistoryDataLayer(SQLAlchemyDataLayer):
    """SQLAlchemyDataLayer whose threads come back with JSON columns decoded, whose steps stay in their thread, and
    which asks the database only what it cannot know.

    SQLite (and asyncpg for JSONB) return JSON columns as strings; the UI expects objects, and a custom
    element given a string for its props would render nothing on a resumed thread. Chainlit looked a user up
    on every socket connect, looked a user's identifier up by id on every saved turn and checked that a thread
    exists before every message; a user's id and identifier never change, and a thread this process has seen
    exists until it deletes it, so those answers are kept in memory.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._thread_locks: dict[str, asyncio.Lock] = {}
        self.writer: SqliteWriter | None = None
        self._users: OrderedDict[str, PersistedUser] = OrderedDict()  # identifier -> user
        self._identifiers: OrderedDict[str, str] = OrderedDict()  # user id -> identifier
        self._threads: OrderedDict[str, None] = OrderedDict()  # threads known to exist
        self._owners: OrderedDict[str, str] = OrderedDict()  # thread id -> the user id this process wrote for it
        self.counts = {"reads": 0, "writes": 0}

    async def execute_sql(self, query: str, parameters: dict):
        write = is_write(query)
        self.counts["writes" if write else "reads"] += 1
        if self.writer is not None and write:
            return await self.writer.execute(query, parameters)
        return await super().execute_sql(query, parameters)

    def _log_counts(self) -> None:
        """One line as the server stops (Chainlit closes the data layer), for bench/measure.py: how many statements this process sent, and in how many commits."""
        batches = f" in {self.writer.batches} commits" if self.writer is not None else ""
        log.info("history statements: %d reads, %d writes%s", self.counts["reads"], self.counts["writes"], batches)

    async def close(self) -> None:
        self._log_counts()
        if self.writer is not None:
            await self.writer.close()
        await super().close()

    # --- users ---------------------------------------------------------------------------------------------
    def _remember_user(self, user: PersistedUser | None) -> PersistedUser | None:
        if user is not None:
            _remember(self._users, user.identifier, user)
            _remember(self._identifiers, user.id, user.identifier)
            return dataclasses.replace(user)  # Chainlit sets display_name on the copy it is given
        return None

    async def get_user(self, identifier: str) -> PersistedUser | None:
        cached = self._users.get(identifier)
        if cached is not None:
            return dataclasses.replace(cached)
        return self._remember_user(await super().get_user(identifier))

    async def create_user(self, user: User) -> PersistedUser | None:
        """A new guest (its identifier was minted a moment ago) is one INSERT; anyone else is Chainlit's upsert."""
        from .auth import is_guest

        if is_guest(user.identifier) and user.identifier not in self._users:
            row = {
                "id": str(uuid.uuid4()),
                "identifier": str(user.identifier),
                "createdAt": await self.get_current_timestamp(),
                "metadata": json.dumps(user.metadata or {}),
            }
            written = await self.execute_sql(
                'INSERT INTO users ("id", "identifier", "createdAt", "metadata") '
                "VALUES (:id, :identifier, :createdAt, :metadata) ON CONFLICT (identifier) DO NOTHING",
                row,
            )
            if written == 1:
                return self._remember_user(
                    PersistedUser(
                        id=row["id"],
                        identifier=row["identifier"],
                        createdAt=row["createdAt"],
                        metadata=dict(user.metadata or {}),
                        display_name=user.display_name,
                    )
                )
        self._users.pop(user.identifier, None)
        return self._remember_user(await super().create_user(user))

    async def _get_user_identifer_by_id(self, user_id: str) -> str:
        cached = self._identifiers.get(user_id)
        if cached is not None:
            return cached
        identifier = await super()._get_user_identifer_by_id(user_id)
        _remember(self._identifiers, user_id, identifier)
        return identifier

    # --- threads -------------------------------------------------------------------------------------------
    async def _get_user_id_by_thread(self, thread_id: str) -> str | None:
        """A thread's owner, asked of the database once: Chainlit asks before storing every element."""
        owner = self._owners.get(thread_id)
        if owner is None:
            owner = await super()._get_user_id_by_thread(thread_id)
            if owner is not None:  # a thread without an owner yet may get one
                _remember(self._owners, thread_id, owner)
        return owner

    async def update_thread(
        self,
        thread_id: str,
        name: str | None = None,
        user_id: str | None = None,
        metadata: dict | None = None,
        tags: list[str] | None = None,
    ):
        """Chainlit's update, one at a time per thread.

        Chainlit reads the thread's metadata, merges and writes it back; two updates of one thread at once (the
        first message's naming of the thread, a step's insert, the saved interview state) could each write back
        what they read before the other, and the interview state written a moment earlier was lost.
        """
        if thread_id in self._threads and name is None and user_id is None and metadata is None and tags is None:
            return None  # Chainlit's "make sure the thread exists" before a step: it does
        lock = self._thread_locks.setdefault(thread_id, asyncio.Lock())
        try:
            async with lock:
                result = await super().update_thread(
                    thread_id, name=thread_title(name), user_id=user_id, metadata=metadata, tags=tags
                )
                _remember(self._threads, thread_id, None)
                return result
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):  # nobody holds or awaits it
                self._thread_locks.pop(thread_id, None)

    async def save_metadata_key(self, thread_id: str, key: str, value: Any, user_id: str | None = None) -> None:
        """`update_thread(thread_id, user_id=..., metadata={key: value})` in one statement once the thread exists
        and has its owner: the key is set inside the stored metadata by the database, with nothing read first.

        The interview state is saved before every reply and the reply waits for it, so Chainlit's read, merge
        and write-back cost each turn two trips to the database instead of one. It runs under the thread's
        lock, so it never interleaves with a read-merge-write of the same thread.
        """
        if not key.isidentifier():
            raise ValueError(key)
        owner = self._owners.get(thread_id)
        if thread_id not in self._threads or (user_id is not None and owner != user_id):
            await self.update_thread(thread_id, user_id=user_id, metadata={key: value})
            if user_id is not None:
                _remember(self._owners, thread_id, user_id)
            return
        if self.engine.dialect.name == "postgresql":
            query = (
                'UPDATE threads SET "metadata" = jsonb_set(COALESCE("metadata", \'{}\'::jsonb), '
                f"'{{{key}}}', CAST(:value AS jsonb)) WHERE \"id\" = :id"
            )
        else:
            query = f'UPDATE threads SET "metadata" = json_set(COALESCE("metadata", \'{{}}\'), \'$.{key}\', json(:value)) WHERE "id" = :id'
        lock = self._thread_locks.setdefault(thread_id, asyncio.Lock())
        try:
            async with lock:
                written = await self.execute_sql(query, {"id": thread_id, "value": json.dumps(value)})
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self._thread_locks.pop(thread_id, None)
        if written == 0:  # the thread went (deleted meanwhile): write it whole, as Chainlit would
            self._threads.pop(thread_id, None)
            await self.update_thread(thread_id, user_id=user_id, metadata={key: value})

    async def delete_thread(self, thread_id: str):
        self._threads.pop(thread_id, None)
        self._owners.pop(thread_id, None)
        return await super().delete_thread(thread_id)

    @queue_until_user_message()
    async def create_step(self, step_dict):
        """Chainlit's upsert, except that an existing step is only updated from its own thread.

        Chainlit's `ON CONFLICT (id) DO UPDATE` rewrote every column, threadId included, so a message sent with
        another thread's message id moved that message into the sender's thread.
        """
        await self.update_thread(step_dict["threadId"])  # the thread's first step creates it
        step_dict["showInput"] = str(step_dict.get("showInput", "")).lower() if "showInput" in step_dict else None
        parameters = {
            key: value for key, value in step_dict.items() if value is not None and not (isinstance(value, dict) and not value)
        }
        parameters["metadata"] = json.dumps(step_dict.get("metadata", {}))
        parameters["generation"] = json.dumps(step_dict.get("generation", {}))
        unknown = [k for k in parameters if k not in steps.c]
        for key in unknown:  # only the table's own columns; the names are interpolated below
            parameters.pop(key)
        result = await self._upsert_in_thread("steps", parameters)
        if result == 0:
            log.warning("refused to move step %s into thread %s", step_dict.get("id"), step_dict.get("threadId"))

    @queue_until_user_message()
    async def create_element(self, element):
        """A link element (a report laid out when first downloaded) is stored as its link; anything else as Chainlit
        stores it. Chainlit fetched a link's URL to keep a copy, which for a report meant laying it out at once and,
        behind the owner's sign-in, failing, so a chat reopened from the history lost its report tiles."""
        if not (element.url and element.path is None and element.content is None):
            return await super().create_element(element)
        if not element.for_id:
            return None
        row = {k: v for k, v in element.to_dict().items() if v is not None and k not in ("props", "objectKey")}
        return await self._upsert_in_thread("elements", row)

    async def _upsert_in_thread(self, table: str, row: dict[str, Any]):
        """Insert the row, or update it only from its own thread (the column names are the table's own)."""
        columns = ", ".join(f'"{key}"' for key in row)
        values = ", ".join(f":{key}" for key in row)
        updates = ", ".join(f'"{key}" = :{key}' for key in row if key not in ("id", "threadId"))
        query = (
            f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT (id) DO UPDATE SET {updates} "
            f'WHERE {table}."threadId" = excluded."threadId"'
        )
        return await self.execute_sql(query=query, parameters=row)

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
            for element in thread.get("elements") or []:
                element["props"] = _as_json(element.get("props"), {})
        return found


CACHE_ENTRIES = 20_000  # users, identifiers and threads each; the oldest are forgotten first


def _remember(cache: OrderedDict, key: str, value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > CACHE_ENTRIES:
        cache.popitem(last=False)
