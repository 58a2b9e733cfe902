"""Writing chat history to SQLite: the pragmas, a pool for reads and one connection that commits every write.

A crowd's writes (each guest's sign-in, every message of every chat) queue on one connection and are committed
together, instead of many connections each sleeping in SQLite's busy handler for the single write lock.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading

from sqlalchemy.ext.asyncio import create_async_engine

log = logging.getLogger(__name__)

# SQLite allows one writer at a time. Many pooled connections each writing their own transaction slept in SQLite's
# busy handler under a crowd (a guest's sign-in waited seconds behind other chats' messages), so on SQLite every
# write goes through one connection (`SqliteWriter`), which commits whatever the sessions queued meanwhile in one
# transaction; reads use the pool and, with write-ahead logging, never wait for the writer. synchronous=NORMAL is
# SQLite's recommended setting with WAL: a commit survives the process being killed, and only a power cut can lose
# the last moments.
SQLITE_CONNECT_ARGS = {"timeout": 30}
SQLITE_POOL = {"pool_size": 10, "max_overflow": 20, "pool_timeout": 60}
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=30000")
WRITE_BATCH = 256  # statements committed together at most


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def engine_for(url: str):
    if url.startswith("sqlite"):
        from sqlalchemy import event

        engine = create_async_engine(url, connect_args=dict(SQLITE_CONNECT_ARGS), **SQLITE_POOL)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url)


def is_write(query: str) -> bool:
    return query.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE")


class SqliteWriter:
    """Every write on one connection, on a thread of its own, in arrival order; whatever queued up while a batch
    ran is committed with the next one, in one transaction.

    `execute` resolves once its statement is committed (or failed), so a caller that awaited a write can rely on it
    as before. A statement that fails rolls its batch back, and the batch is replayed one statement per
    transaction, so one bad statement never costs the others. A batch costs the event loop one wake-up, however
    many statements it holds.
    """

    def __init__(self, path: str):
        self.path = path
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0
        self.statements = 0

    @classmethod
    def for_url(cls, url: str) -> SqliteWriter:
        return cls(url.split("///", 1)[-1])

    async def execute(self, query: str, parameters: dict) -> int | None:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._ensure_thread()
        self._queue.put((query, parameters, future))
        return await future

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pitchcheck-history-writer", daemon=True)
                self._thread.start()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=SQLITE_CONNECT_ARGS["timeout"], isolation_level=None, check_same_thread=False)
        for pragma in SQLITE_PRAGMAS:
            conn.execute(pragma)
        return conn

    def _run(self) -> None:
        conn = self._connect()
        while True:
            batch = [self._queue.get()]
            if batch[0] is None:
                break
            while len(batch) < WRITE_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            results: list[int | None]
            try:
                results = list(self._commit(conn, batch))
            except sqlite3.Error:
                log.warning("a batch of %d history writes failed; writing them one by one", len(batch), exc_info=True)
                results = [self._commit_one(conn, item) for item in batch]
            self._resolve(batch, results)
        conn.close()

    def _commit(self, conn: sqlite3.Connection, batch: list) -> list[int]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            results = [conn.execute(query, parameters).rowcount for query, parameters, _ in batch]
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self.batches += 1
        self.statements += len(batch)
        return results

    def _commit_one(self, conn: sqlite3.Connection, item) -> int | None:
        try:
            return self._commit(conn, [item])[0]
        except sqlite3.Error as exc:
            log.warning("a history write failed: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return None

    @staticmethod
    def _resolve(batch: list, results: list) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list] = {}
        for (_, _, future), result in zip(batch, results, strict=True):
            by_loop.setdefault(future.get_loop(), []).append((future, result))
        for loop, done in by_loop.items():
            try:
                loop.call_soon_threadsafe(_set_results, done)
            except RuntimeError:  # that loop has closed: nobody is waiting any more
                pass

    async def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            await asyncio.to_thread(self._thread.join, 10)


def _set_results(done: list) -> None:
    for future, result in done:
        if not future.done():
            future.set_result(result)
