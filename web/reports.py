"""The verdict's report downloads, laid out in a worker process.

The PDF takes tens of milliseconds of pure Python to lay out (over a hundred on the first call). On a thread it
held the interpreter lock that the event loop, and so every other open chat, needed; in a process of its own it
only takes a core. One worker serves the server, spawned on the first verdict (never forked: the server runs
threads); if it cannot start or dies, the reports are built on a thread as before, and the next verdict tries a
fresh worker.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

log = logging.getLogger(__name__)

REPORT_TIMEOUT_S = 60.0  # a report that takes longer is built on a thread instead

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()

Report = tuple[str, str, bytes]  # (file name, MIME type, content)


def _start_worker() -> None:
    try:
        os.nice(5)  # the server's own requests come first
    except OSError:
        pass
    import fpdf  # noqa: F401  (the first report then lays out at its warm speed)


def build(verdict: dict[str, Any], glossary: dict[str, Any] | None, names: tuple[str, str]) -> list[Report]:
    """The PDF and Markdown reports; a report that fails is left out and logged (the other still comes)."""
    from chains.report import to_markdown, to_pdf

    pdf_name, md_name = names
    out: list[Report] = []
    for name, mime, make in (
        (pdf_name, "application/pdf", lambda: to_pdf(verdict, glossary)),
        (md_name, "text/markdown", lambda: to_markdown(verdict, glossary).encode("utf-8")),
    ):
        try:
            out.append((name, mime, bytes(make())))
        except Exception:
            log.exception("the %s report failed", name)
    return out


def _worker_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker)
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


async def reports(verdict: dict[str, Any], glossary: dict[str, Any] | None, names: tuple[str, str]) -> list[Report]:
    """The reports, from the worker process when it answers, otherwise from a thread."""
    loop = asyncio.get_running_loop()
    pool = None
    try:
        pool = _worker_pool()
        return await asyncio.wait_for(loop.run_in_executor(pool, build, verdict, glossary, names), REPORT_TIMEOUT_S)
    except Exception:
        log.warning("the report worker failed; building the reports here", exc_info=True)
        if pool is not None:
            _discard(pool)
    return await asyncio.to_thread(build, verdict, glossary, names)


def _ready() -> bool:
    return True


def warm() -> None:
    """Start the worker now (after the first page), so the first verdict's reports do not wait for it."""
    try:
        _worker_pool().submit(_ready)
    except Exception:
        log.warning("could not start the report worker", exc_info=True)


def shutdown() -> None:
    """Stop the worker (tests; the server's exit stops it too)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
