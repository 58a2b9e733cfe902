"""The report downloads as files: what the web app's report worker process runs.

It lives in `chains` because a spawned worker imports its functions afresh, and only the installed package is
importable there (the web layer is found through the app's own folder, which the worker does not have).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)

ReportFile = tuple[str, str, bytes]  # (file name, MIME type, content)
MIME_TYPES = ("application/pdf", "text/markdown")  # of the two reports, in the order build() lays them out


PARENT_CHECK_S = 1.0  # how often a worker looks whether the server that started it is still there


def start_worker(parent: int) -> None:
    """A report worker's start: below the server in priority, gone when the server goes (however it ends), deaf to
    the terminal's Ctrl-C (the server stops it), with the PDF library loaded before the first verdict."""
    try:
        os.nice(5)  # the server's own requests come first
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), name="report-worker-parent", daemon=True).start()
    import fpdf  # noqa: F401


def _exit_with(parent: int) -> None:
    """A worker whose server was killed is adopted by another process: it leaves then, rather than linger."""
    while True:
        time.sleep(PARENT_CHECK_S)
        if os.getppid() != parent:
            os._exit(0)


def ready() -> bool:
    return True


def build(verdict: Mapping[str, Any], glossary: Mapping[str, tuple[str, str]] | None, names: tuple[str, str]) -> list[ReportFile]:
    """The PDF and Markdown reports; a report that fails is left out and logged (the other still comes)."""
    from chains.report import to_markdown, to_pdf

    pdf_name, md_name = names
    out: list[ReportFile] = []
    for name, mime, make in (
        (pdf_name, MIME_TYPES[0], lambda: to_pdf(verdict, glossary)),
        (md_name, MIME_TYPES[1], lambda: to_markdown(verdict, glossary).encode("utf-8")),
    ):
        try:
            out.append((name, mime, bytes(make())))
        except Exception:
            log.exception("the %s report failed", name)
    return out
