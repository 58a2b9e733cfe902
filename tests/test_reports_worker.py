"""The verdict's downloads are laid out in a worker process, and still come when that worker cannot."""

from __future__ import annotations

import asyncio
import multiprocessing

import pytest

from chains.settings import Settings
from chains.verdict import assess
from web import reports

NAMES = ("pitchcheck.pdf", "pitchcheck.md")
FACTS = {"quote": 18000, "monthly_volume": 12, "clean_examples": 40, "task": "open_writing"}


@pytest.fixture
def verdict():
    reports.shutdown()  # no worker left from an earlier test: each test starts from a server's first verdict
    yield assess(FACTS, Settings())
    reports.shutdown()


def _by_name(built):
    return {name: (mime, content) for name, mime, content in built}


@pytest.mark.slow  # spawns the worker: a second or two
def test_the_first_verdict_starts_the_worker_and_the_next_ones_come_from_it(verdict):
    built = _by_name(asyncio.run(reports.reports(verdict, None, NAMES)))
    assert reports.last_source == "thread"  # the first verdict does not wait for the worker to start
    assert built["pitchcheck.pdf"][0] == "application/pdf" and built["pitchcheck.pdf"][1].startswith(b"%PDF")
    assert b"Decline" in built["pitchcheck.md"][1] and b"18,000" in built["pitchcheck.md"][1]
    assert reports.started_soon() and multiprocessing.active_children()  # it stays for the next verdict
    again = _by_name(asyncio.run(reports.reports(verdict, None, NAMES)))
    assert reports.last_source == "worker" and again["pitchcheck.md"] == built["pitchcheck.md"]
    assert again["pitchcheck.pdf"][1].startswith(b"%PDF")


def test_without_a_worker_the_reports_are_built_here(verdict, monkeypatch, caplog):
    def no_worker():
        raise OSError("no processes left")

    monkeypatch.setattr(reports, "_worker_pool", no_worker)
    built = _by_name(asyncio.run(reports.reports(verdict, None, NAMES)))
    assert set(built) == set(NAMES) and built["pitchcheck.pdf"][1].startswith(b"%PDF")
    assert "building the reports here" in caplog.text and reports.last_source == "thread"


def test_a_report_that_fails_leaves_the_other(verdict, monkeypatch):
    import chains.report

    def broken(*_args, **_kwargs):
        raise ValueError("layout")

    monkeypatch.setattr(chains.report, "to_pdf", broken)
    built = _by_name(reports.build(verdict, None, NAMES))
    assert list(built) == ["pitchcheck.md"]


SERVER_LIKE = """
import asyncio, logging, multiprocessing, sys, time
sys.path.insert(0, {root!r})  # the app's folder, as `chainlit run` has it while it loads app.py, then drops it
from chains.settings import Settings
from chains.verdict import assess
from web import reports
sys.path.remove({root!r})
logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="LOG %(message)s")
verdict = assess({facts!r}, Settings())
asyncio.run(reports.reports(verdict, None, ("r.pdf", "r.md")))  # the first starts the worker
assert reports.started_soon()
built = asyncio.run(reports.reports(verdict, None, ("r.pdf", "r.md")))
print("BUILT", reports.last_source, sorted(name for name, _, _ in built), flush=True)
print("WORKER", multiprocessing.active_children()[0].pid, flush=True)
time.sleep(60)
"""


@pytest.mark.slow  # a server-like process and its worker: a few seconds
def test_the_worker_runs_without_the_app_folder_and_leaves_when_the_server_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from chains.settings import PROJECT_ROOT

    script = SERVER_LIKE.format(root=str(PROJECT_ROOT), facts=FACTS)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    lines = []
    try:
        while not (lines and lines[-1].startswith("WORKER")):
            line = proc.stdout.readline()
            assert line, f"the server-like process ended early: {lines}"
            lines.append(line.strip())
        assert "BUILT worker ['r.md', 'r.pdf']" in lines
        assert not [line for line in lines if line.startswith("LOG")], lines  # no fallback: the worker built them
        worker = int(lines[-1].split()[1])
        os.kill(proc.pid, signal.SIGKILL)  # the server dies without a word
        proc.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and os.path.exists(f"/proc/{worker}"):
            time.sleep(0.2)
        assert not os.path.exists(f"/proc/{worker}"), "the report worker outlived its server"
    finally:
        if proc.poll() is None:
            proc.kill()
