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
    yield assess(FACTS, Settings())
    reports.shutdown()


def _by_name(built):
    return {name: (mime, content) for name, mime, content in built}


@pytest.mark.slow  # spawns the worker: a second or two
def test_the_reports_come_from_a_worker_process(verdict):
    built = _by_name(asyncio.run(reports.reports(verdict, None, NAMES)))
    assert built["pitchcheck.pdf"][0] == "application/pdf" and built["pitchcheck.pdf"][1].startswith(b"%PDF")
    assert b"Decline" in built["pitchcheck.md"][1] and b"18,000" in built["pitchcheck.md"][1]
    assert multiprocessing.active_children()  # the worker stays for the next verdict
    again = _by_name(asyncio.run(reports.reports(verdict, None, NAMES)))
    assert again["pitchcheck.md"] == built["pitchcheck.md"]


def test_without_a_worker_the_reports_are_built_here(verdict, monkeypatch, caplog):
    def no_worker():
        raise OSError("no processes left")

    monkeypatch.setattr(reports, "_worker_pool", no_worker)
    built = _by_name(asyncio.run(reports.reports(verdict, None, NAMES)))
    assert set(built) == set(NAMES) and built["pitchcheck.pdf"][1].startswith(b"%PDF")
    assert "building the reports here" in caplog.text


def test_a_report_that_fails_leaves_the_other(verdict, monkeypatch):
    import chains.report

    def broken(*_args, **_kwargs):
        raise ValueError("layout")

    monkeypatch.setattr(chains.report, "to_pdf", broken)
    built = _by_name(reports.build(verdict, None, NAMES))
    assert list(built) == ["pitchcheck.md"]
