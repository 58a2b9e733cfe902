"""The verdict's report downloads, laid out in a worker process.

The PDF takes tens of milliseconds of pure Python to lay out (over a hundred on the first call). On a thread it
held the interpreter lock that the event loop, and so every other open chat, needed; in a process of its own it
only takes a core. What it runs is in `chains.report_files` (a spawned worker can import only the installed
package). One worker serves the server, spawned on the first verdict (never forked: the server runs
threads); if it cannot start or dies, the reports are built on a thread as before, and the next verdict tries a
fresh worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from chains.report_files import ReportFile, build, ready, start_worker

log = logging.getLogger(__name__)

REPORT_TIMEOUT_S = 60.0  # a report that takes longer is built on a thread instead

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()

Report = ReportFile


def _worker_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(os.getpid(),),
            )
        return _pool


@contextlib.contextmanager
def _without_main_script():
    """A spawned process first runs the parent's main script; under `chainlit run` that is the whole of Chainlit (a
    second and 150 MB), which the worker never uses. It is hidden while the worker starts (on a submit)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is not None:
        del main.__file__  # type: ignore[union-attr]
    try:
        yield
    finally:
        if path is not None:
            main.__file__ = path  # type: ignore[union-attr]


def _submit(pool: ProcessPoolExecutor, fn, *args):
    with _without_main_script():
        return pool.submit(fn, *args)


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


async def reports(verdict: dict[str, Any], glossary: dict[str, Any] | None, names: tuple[str, str]) -> list[Report]:
    """The reports, from the worker process when it answers, otherwise from a thread."""
    pool = None
    try:
        pool = _worker_pool()
        return await asyncio.wait_for(asyncio.wrap_future(_submit(pool, build, verdict, glossary, names)), REPORT_TIMEOUT_S)
    except Exception:
        log.warning("the report worker failed; building the reports here", exc_info=True)
        if pool is not None:
            _discard(pool)
    return await asyncio.to_thread(build, verdict, glossary, names)


def warm() -> None:
    """Start the worker now (after the first page), so the first verdict's reports do not wait for it."""
    try:
        _submit(_worker_pool(), ready)
    except Exception:
        log.warning("could not start the report worker", exc_info=True)


def shutdown() -> None:
    """Stop the worker (tests; the server's exit stops it too)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
