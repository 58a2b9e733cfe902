"""Abuse probes that need servers of their own: two instances sharing a data folder, a 10,000-message burst from
one socket, and kill -9 right after an answer (docs/RELIABILITY.md has their figures)."""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

from common import chainlit_server, prepare_data_dir, rss_mb  # noqa: E402
from guest import Guest, interview_answers, steps  # noqa: E402

LIMIT = 20  # PITCHCHECK_RATE_LIMIT_PER_MINUTE's default


def run(coro, seconds: float = 240):
    return asyncio.run(asyncio.wait_for(coro, seconds))


def _upload_folder(data_dir: Path, pid: int) -> Path:
    """Where an instance keeps uploads: its own folder under the data directory, else Chainlit's shared `.files`."""
    own = sorted((data_dir / "uploads").glob(f"*-{pid}"))
    return own[0] if own else ROOT / ".files"


@pytest.mark.server
@pytest.mark.slow
def test_stopping_one_instance_leaves_the_others_uploads(shared_data_dir, tmp_path):
    data_dir = prepare_data_dir(tmp_path / "shared", shared_data_dir)
    with chainlit_server("app.py", data_dir, timeout=240, log_name="a.log") as first:
        with chainlit_server("app.py", data_dir, timeout=240, log_name="b.log") as second:
            folder = _upload_folder(data_dir, second.pid)
            upload = folder / "session-of-b" / "examples.csv"  # as Chainlit lays out an owner's upload
            upload.parent.mkdir(parents=True, exist_ok=True)
            upload.write_text("input,output\nhello,world\n", encoding="utf-8")
            first.proc.terminate()  # a normal stop of the other instance
            first.proc.wait(timeout=30)
            assert upload.is_file(), f"stopping one instance deleted another's uploads ({folder})"
            assert Guest(second.url).http("GET", "/health").status_code == 200


@pytest.mark.server
@pytest.mark.slow
def test_a_ten_thousand_message_burst_stores_only_what_the_limit_allows(shared_data_dir, tmp_path):
    data_dir = prepare_data_dir(tmp_path / "burst", shared_data_dir)
    questions, answers = interview_answers()

    async def probe(srv):
        other = await Guest.at_first_question(srv.url)
        field = "pitch"
        for _ in range(2):  # warm up: the other owner gets going before the burst
            await other.send(answers[field])
            field = await other.question(questions)
        await asyncio.sleep(5)
        before = rss_mb(srv.pid)
        flood = await Guest.at_first_question(srv.url)
        peak = [before or 0.0]
        sampler = asyncio.create_task(_sample_peak(srv.pid, peak))
        started = time.monotonic()
        sender = asyncio.create_task(_flood(flood, 10_000))
        latencies = []
        while not sender.done() or len(latencies) < 3:
            sent = time.monotonic()
            await other.send(answers[field])
            field = await other.question(questions, timeout=30)
            latencies.append(time.monotonic() - sent)
            if len(latencies) >= 6:
                break
        await sender
        burst_s = time.monotonic() - started
        await asyncio.sleep(5)
        sampler.cancel()
        after = min(filter(None, [await _settled_rss(srv.pid) for _ in range(3)]))
        await flood.close()
        await other.close()
        return flood, other, before, (peak[0], after), burst_s, latencies

    with chainlit_server("app.py", data_dir, timeout=240) as srv:
        flood, other, before, (peak, after), burst_s, latencies = run(probe(srv))
        log = srv.log_tail(2_000_000)
    stored = [s for s in steps(data_dir, flood.thread_id) if s["type"] == "user_message"]
    allowed = LIMIT * (math.floor(burst_s / 60) + 1)
    print(
        json.dumps(
            {
                "stored": len(stored),
                "allowed": allowed,
                "burst_s": round(burst_s, 1),
                "rss_before": before,
                "rss_peak": peak,
                "rss_after": after,
                "other_latency_s": [round(x, 2) for x in latencies],
            }
        )
    )
    assert len(stored) <= allowed
    assert max(latencies) < 30
    sent_by_other = [s for s in steps(data_dir, other.thread_id) if s["type"] == "user_message"]
    assert len(sent_by_other) == 2 + len(latencies)  # no history row lost for the other owner
    assert "QueuePool limit" not in log and "database is locked" not in log
    assert after - before <= 50, f"RSS {before} MB before the burst, {after} MB after"


async def _flood(guest: Guest, count: int) -> None:
    for i in range(count):
        await guest.send("x")
        if i % 500 == 0:
            await asyncio.sleep(0)


async def _sample_peak(pid: int, peak: list[float]) -> None:
    while True:
        peak[0] = max(peak[0], rss_mb(pid) or 0.0)
        await asyncio.sleep(0.1)


async def _settled_rss(pid: int) -> float | None:
    await asyncio.sleep(2)
    return rss_mb(pid)


@pytest.mark.server
@pytest.mark.slow
def test_kill_9_after_an_answer_then_resume_keeps_every_answer(shared_data_dir, tmp_path):
    from crash_resume import crash_loops

    loops = int(os.environ.get("PITCHCHECK_CRASH_LOOPS", "4"))  # bench/crash_resume.py --loops 20 for the record
    report = run(crash_loops(loops, prepare_data_dir(tmp_path / "crash", shared_data_dir)), 900)
    assert report["ok"] == loops, report["results"]


@pytest.mark.server
def test_a_named_origin_may_embed_the_widget_and_others_still_may_not(shared_data_dir, tmp_path):
    site = "http://127.0.0.1:8765"  # the embedding page's origin; nothing needs to listen there
    data_dir = prepare_data_dir(tmp_path / "named", shared_data_dir)
    with chainlit_server("app.py", data_dir, {"PITCHCHECK_ALLOWED_ORIGINS": site}, timeout=240) as srv:
        guest = Guest(srv.url)
        guest.sign_in()
        named = guest.http("GET", "/pitchcheck/widget-token", headers={"Origin": site})
        assert named.status_code == 200 and named.json()["accessToken"]
        assert named.headers["access-control-allow-origin"] == site
        assert named.headers["access-control-allow-credentials"] == "true"
        other = guest.http("GET", "/pitchcheck/widget-token", headers={"Origin": "http://127.0.0.1:8766"})
        assert other.status_code == 403 and "access-control-allow-origin" not in other.headers

        async def socket_from_the_site():
            widget = Guest(srv.url, token=named.json()["accessToken"])
            await widget.connect(origin=site)
            await widget.message("", "the widget's first message")
            await widget.close()

        run(socket_from_the_site())
