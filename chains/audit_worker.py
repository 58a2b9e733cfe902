"""Audits in a worker process with a time limit and a memory limit, so a hostile file cannot hold a server.

``run_audit`` is what a front end calls: it starts a fresh process (spawned, never forked: the caller may run
threads), streams its progress back, and kills it when it runs past ``audit_time_limit_s`` or holds more than
``audit_memory_mb``. At most ``audit_workers`` audits run at once per process; the others wait their turn.
Every failure comes back as an AuditError with a one-line message fit to show the owner.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from chains.examples import AuditError
from chains.settings import Settings, get_settings

__all__ = ["AuditError", "ProgressCallback", "run_audit", "run_audit_sync"]

log = logging.getLogger(__name__)

#: progress(message, fraction done 0..1); may be a coroutine function
ProgressCallback = Callable[[str, float], "Awaitable[None] | None"]

_POLL = 0.05  # seconds between looks at the worker
_PROGRESS_EVERY = 0.25  # seconds between progress messages from the worker
_busy = 0
_busy_lock = threading.Lock()


def _work(path: str, name: str | None, settings: Settings, near_duplicates: bool, conn: Any) -> None:
    """The worker process: audit the file, send progress and then ("done", result) or ("error", message)."""
    try:
        os.nice(5)  # the server's own requests come first
    except OSError:
        pass
    from chains.audit import audit_file

    last = [0.0]

    def progress(message: str, fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] >= _PROGRESS_EVERY:
            last[0] = now
            conn.send(("progress", message, fraction))

    # The near-duplicate search stops at 85% of the time limit, leaving time for the rest of the report.
    deadline = time.perf_counter() + 0.85 * settings.audit_time_limit_s
    try:
        result = audit_file(path, settings, None if near_duplicates else False, name=name, progress=progress, deadline=deadline)
        conn.send(("done", result))
    except AuditError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", "The file needs more memory than the audit may use: audit a sample of it."))
    except Exception as exc:
        log.exception("audit of %s failed", path)
        conn.send(("error", f"The audit failed ({type(exc).__name__}): the file could not be read."))
    finally:
        conn.close()


async def _tell(progress: ProgressCallback | None, message: str, fraction: float) -> None:
    if progress is None:
        return
    outcome = progress(message, fraction)
    if inspect.isawaitable(outcome):
        await outcome


@asynccontextmanager
async def _slot(settings: Settings, progress: ProgressCallback | None):
    """Wait until fewer than audit_workers audits are running in this process, then hold a place."""
    global _busy
    waiting = False
    while True:
        with _busy_lock:
            if _busy < max(1, settings.audit_workers):
                _busy += 1
                break
        if not waiting:
            waiting = True
            await _tell(progress, "Waiting for another audit to finish", 0.0)
        await asyncio.sleep(0.2)
    try:
        yield
    finally:
        with _busy_lock:
            _busy -= 1


def _memory_mb(pid: int) -> float:
    import psutil

    try:
        return psutil.Process(pid).memory_info().rss / 2**20
    except psutil.Error:
        return 0.0


async def _watch(process: Any, conn: Any, settings: Settings, progress: ProgressCallback | None) -> Any:
    """Relay the worker's messages until it is done; stop it at the time or memory limit."""
    started = time.monotonic()
    while True:
        while conn.poll():
            try:
                kind, *payload = conn.recv()
            except EOFError:
                break
            if kind == "progress":
                await _tell(progress, payload[0], payload[1])
            elif kind == "done":
                return payload[0]
            else:
                raise AuditError(payload[0])
        if not process.is_alive() and not conn.poll():
            raise AuditError(f"The audit stopped unexpectedly (exit code {process.exitcode}): the file could not be read.")
        if time.monotonic() - started > settings.audit_time_limit_s:
            raise AuditError(
                f"The audit took longer than {settings.audit_time_limit_s:,.0f} seconds and was stopped: "
                "audit a smaller file or a sample of it."
            )
        if _memory_mb(process.pid) > settings.audit_memory_mb:
            raise AuditError(
                f"The audit needed more than {settings.audit_memory_mb:,} MB of memory and was stopped: "
                "audit a smaller file or a sample of it."
            )
        await asyncio.sleep(_POLL)


async def run_audit(
    path: str | Path,
    settings: Settings | None = None,
    *,
    name: str | None = None,
    progress: ProgressCallback | None = None,
    near_duplicates: bool = True,
) -> Any:
    """Audit a file in a bounded worker process and return its AuditResult (chains.audit).

    name: the owner's file name (its extension is weighed with the content to tell CSV, JSON Lines and Excel
    apart). progress(message, fraction) is called (and awaited, if it is a coroutine function) as the audit
    goes. Raises AuditError with a one-line message when the file cannot be read or a limit is hit; cancelling
    the awaiting task stops the worker.
    """
    settings = settings or get_settings()
    context = multiprocessing.get_context("spawn")
    async with _slot(settings, progress):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_work, args=(str(path), name, settings, near_duplicates, sender), name="pitchcheck-audit", daemon=True
        )
        await _tell(progress, "Starting the audit", 0.0)
        process.start()
        sender.close()
        try:
            return await _watch(process, receiver, settings, progress)
        finally:
            if process.is_alive():
                process.kill()
            await asyncio.to_thread(process.join, 5)
            receiver.close()


def run_audit_sync(path: str | Path, settings: Settings | None = None, **kwargs: Any) -> Any:
    """run_audit for callers without an event loop (the command line)."""
    return asyncio.run(run_audit(path, settings, **kwargs))
