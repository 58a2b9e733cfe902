"""Concurrent owners against the real server: every one reaches its own verdict and a sourced answer, none sees
another's figures. Drives `chainlit run app.py` over Chainlit's socket.io protocol with bench/loadtest.py."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import loadtest  # noqa: E402
from common import chainlit_server  # noqa: E402

pytestmark = [pytest.mark.server, pytest.mark.slow]

SESSIONS = 8  # enough to interleave every turn kind on 2 cores; `make bench` runs 50


@pytest.fixture(scope="module")
def load_report(shared_data_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("load-app")
    for part in ("onnx", "chroma"):  # the session's export and index: no re-export, no rebuild
        if (shared_data_dir / part).is_dir():
            shutil.copytree(
                shared_data_dir / part, data_dir / part, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.lock", ".*.lock")
            )
    with chainlit_server("app.py", data_dir, timeout=240) as server:
        report = asyncio.run(
            loadtest.run_load(server.url, sessions=SESSIONS, timeout=240, turn_timeout=90, ramp=1.0, pid=server.pid)
        )
        report["server_log"] = server.log_tail(200_000)
    return report


def test_every_session_completes_without_errors(load_report):
    assert load_report["errors"] == 0, load_report["error_samples"]
    assert load_report["completed"] == SESSIONS, load_report["per_session"]


def test_no_session_sees_another_sessions_figures(load_report):
    assert load_report["isolation_violations"] == 0, load_report["isolation_samples"]


def test_every_session_reaches_its_verdict_and_a_sourced_answer(load_report):
    assert load_report["reached_verdict"] == SESSIONS
    assert load_report["sourced_answers"] == SESSIONS
    # Even sessions are a support desk with the figures for fine-tuning; odd ones the guide's consulting firm.
    assert load_report["verdicts"] == {
        "Prompting and RAG first": SESSIONS // 2,
        "Worth pursuing, on conditions": SESSIONS - SESSIONS // 2,
    }


def test_the_load_stays_within_the_rate_limit_and_is_measured(load_report):
    per_session = [s["sent"] for s in load_report["per_session"]]
    assert max(per_session) < 20  # PITCHCHECK_RATE_LIMIT_PER_MINUTE: one interview fits in a minute's allowance
    assert load_report["turn_latency_ms"]["n"] == sum(per_session)
    assert load_report["rss_mb"]["peak"] and load_report["rss_mb"]["before"]


def test_owner_figures_are_distinct_and_recognised():
    owners = [loadtest.Owner(i) for i in range(loadtest.MAX_SESSIONS)]
    universe = loadtest.universe_for(loadtest.MAX_SESSIONS)
    assert sum(len(o.distinctive()) for o in owners) == len(universe)  # no figure belongs to two sessions
    assert loadtest.numbers_in("about 4,105 clean examples, £0.29 per item") == {4105, 0, 29}


def test_the_load_test_only_talks_to_this_machine():
    with pytest.raises(SystemExit):
        loadtest.check_local("http://example.com:8000")
    assert loadtest.check_local("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"


def test_the_isolation_check_catches_another_sessions_figure():
    client = loadtest.Client("http://127.0.0.1:9", 0, 1.0, loadtest.universe_for(4))
    client._check_foreign("Got it: about 4,100 clean examples.", "a message")  # session 0's own figure
    assert client.result.isolation == []
    client._check_foreign("Got it: about 4,101 clean examples.", "a message")  # session 1's
    client._check_foreign("Try prompting and RAG before paying £18,020 for fine-tuning", "a message")  # session 1's quote
    assert len(client.result.isolation) == 2 and "session 1" in client.result.isolation[0]
