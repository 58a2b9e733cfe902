"""The verdict's report downloads, laid out in a worker process when one is downloaded.

A verdict gives each report a link (REPORT_ROUTE, with a random token) and lays nothing out: most verdicts are read,
not downloaded, and a crowd's verdicts no longer queue behind their PDFs. The first download of a link lays out both
reports and keeps them for the next. After a restart, or on another instance, the thread's owner still gets them,
rebuilt from the check's saved state.

The PDF takes tens of milliseconds of pure Python to lay out (over a hundred on the first call). On a thread it
held the interpreter lock that the event loop, and so every other open chat, needed; in a process of its own it
only takes a core. What it runs is in `chains.report_files` (a spawned worker can import only the installed
package). One worker serves the server, spawned at the first verdict (never forked: the server runs threads), whose
own reports are built on a thread while it starts; if it cannot start or dies, the reports are built on a thread
as before, and the next verdict tries a fresh worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import multiprocessing
import os
import secrets
import sys
import threading
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from chains.report_files import ReportFile, build, ready, start_worker

log = logging.getLogger(__name__)

REPORT_TIMEOUT_S = 10.0  # a worker that takes longer is stopped, and the reports are built on a thread instead
REPORT_ROUTE = "/pitchcheck/report"
MAX_LINKS = 2000  # reports kept ready per process; an older link is rebuilt from its thread's saved state
_links: OrderedDict[str, dict[str, Any]] = OrderedDict()  # token -> {"thread", "verdict", "glossary", "built"}
_links_lock = threading.Lock()

_pool: ProcessPoolExecutor | None = None
_started: Future | None = None  # the worker's first task: done once it has started and can take reports
_pool_lock = threading.Lock()
last_source: str | None = None  # "worker" or "thread": where the last reports were laid out

Report = ReportFile


def _worker_pool() -> tuple[ProcessPoolExecutor, Future]:
    """The worker and its start (started on the first call: a server that gives no verdict runs no worker)."""
    global _pool, _started
    with _pool_lock:
        if _pool is None or _started is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(os.getpid(),),
            )
            _started = _submit(_pool, ready)
        return _pool, _started


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
    """Give up on a worker: a stuck one is stopped (shutdown alone waits for its task, and it would linger)."""
    global _pool, _started
    with _pool_lock:
        if _pool is pool:
            _pool, _started = None, None
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.terminate()
        except Exception:
            log.debug("could not stop a report worker", exc_info=True)
    pool.shutdown(wait=False, cancel_futures=True)


async def reports(verdict: dict[str, Any], glossary: dict[str, Any] | None, names: tuple[str, str]) -> list[Report]:
    """The reports, from the worker process once it has started; until then (the first verdict, while the worker
    starts) and whenever it fails, from a thread."""
    global last_source
    pool = None
    try:
        pool, started = _worker_pool()
        if started.done() and started.exception() is None:
            built = await asyncio.wait_for(asyncio.wrap_future(_submit(pool, build, verdict, glossary, names)), REPORT_TIMEOUT_S)
            last_source = "worker"
            return built
        if started.done():
            raise RuntimeError("the report worker did not start") from started.exception()
    except Exception:
        log.warning("the report worker failed; building the reports here", exc_info=True)
        if pool is not None:
            _discard(pool)
    last_source = "thread"
    return await asyncio.to_thread(build, verdict, glossary, names)


def _signature(thread_id: str | None, nonce: str) -> str:
    key = (os.environ.get("CHAINLIT_AUTH_SECRET") or "").encode()
    return hmac.new(key, f"{thread_id or 'none'}/{nonce}".encode(), hashlib.sha256).hexdigest()[:24]


def signed(thread_id: str | None, token: str) -> bool:
    """True for a token this server (or another sharing its secret) issued for that thread: nothing else is looked at."""
    nonce, _, mac = token.partition(".")
    return bool(nonce and mac) and hmac.compare_digest(mac, _signature(thread_id, nonce))


def link(thread_id: str | None, verdict: dict[str, Any], glossary: dict[str, Any] | None) -> str:
    """A token for this verdict's reports, bound to its thread by a signature, kept until MAX_LINKS newer ones push
    it out."""
    nonce = secrets.token_urlsafe(12)
    token = f"{nonce}.{_signature(thread_id, nonce)}"
    with _links_lock:
        _links[token] = {"thread": thread_id, "verdict": verdict, "glossary": glossary, "built": None}
        while len(_links) > MAX_LINKS:
            _links.popitem(last=False)
    return token


def report_url(base: str, thread_id: str | None, token: str, name: str) -> str:
    return f"{base}{REPORT_ROUTE}/{thread_id or 'none'}/{token}/{name}"


async def download(
    thread_id: str | None, token: str, name: str, names: tuple[str, str], rebuild=None
) -> tuple[str, bytes] | None:
    """(MIME type, content) of one report of a link, laid out at its first download; None for a token not issued for
    that thread, or one no longer kept that `rebuild` (an async function giving the verdict and glossary again, or
    None) cannot stand in for."""
    if not signed(thread_id, token):
        return None
    with _links_lock:
        entry = _links.get(token)
    if entry is None or entry["thread"] != thread_id:
        again = await rebuild() if rebuild is not None else None
        if again is None:
            return None
        entry = {"thread": thread_id, "verdict": again[0], "glossary": again[1], "built": None}
        with _links_lock:
            _links[token] = entry
    if entry["built"] is None:
        files = await reports(entry["verdict"], entry["glossary"], names)
        entry["built"] = {file_name: (mime, content) for file_name, mime, content in files}
    return entry["built"].get(name)


def started_soon(timeout: float = 30.0) -> bool:
    """Start the worker if need be and wait until it can take reports (tests, benchmarks)."""
    try:
        _worker_pool()[1].result(timeout)
        return True
    except Exception:
        return False


def shutdown() -> None:
    """Stop the worker (tests; the server's exit stops it too)."""
    global _pool, _started
    with _pool_lock:
        pool, _pool, _started = _pool, None, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
