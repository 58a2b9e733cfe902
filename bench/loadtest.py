"""Load test: many simulated owners at once, each over Chainlit's own socket.io protocol, against a running server.

    .venv/bin/python bench/loadtest.py --url http://127.0.0.1:8000 --sessions 50 [--json]
    .venv/bin/python bench/loadtest.py --url http://127.0.0.1:8001 --mode echo --messages 13   # bench/echo_app.py

Each session does what the browser does: POST /auth/header (the app mints a guest and sets Chainlit's signed
`access_token` cookie), opens the socket.io connection at /ws/socket.io with that cookie and the browser's auth
object ({sessionId, clientType, userEnv, threadId, chatProfile}), emits "connection_successful" (which runs
on_chat_start), then sends "client_message" events shaped as the frontend shapes them, waiting for the reply and
for "task_end" (the browser keeps its input disabled until then) before the next message.

In interview mode a session answers whatever question arrives, by its text, until the verdict, then asks
"what is LoRA?" and expects a sourced answer. Every session's figures are its own (clean examples 4,100 + i; even
sessions report 7,100 + i items a month, odd ones are quoted £18,000 + 10(i + 1)), and each checks that what it is
shown mentions its own figures and never another session's. In echo mode (bench/echo_app.py) a session sends
--messages messages and expects each echoed back verbatim.

A turn's latency is the time from emitting the message to the arrival of the message that ends it: the next
question, the verdict, the sourced answer, or the echo. With --think T each owner pauses 0.5-1.5 x T seconds after a
reply before sending again (the same offered load for any server); with --think 0 (the default) sessions send as
fast as replies come, which measures capacity more than latency. The server's RSS is sampled before, during and after.
Only 127.0.0.1 / localhost URLs are accepted; the whole run is bounded by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from common import LOCAL_HOSTS, percentile, pid_listening_on, rss_mb, summary_ms  # noqa: E402
from visitor import (  # noqa: E402 (some names are this module's API: __all__)
    CONCEPT_QUESTION,
    MAX_SESSIONS,
    Client,
    Owner,
    SessionResult,
    is_message,
    numbers_in,
    one_session,
    question_fields,
    sourced,
)

__all__ = [
    "CONCEPT_QUESTION",
    "MAX_SESSIONS",
    "Client",
    "Owner",
    "ask",
    "check_local",
    "numbers_in",
    "question_fields",
    "run_load",
    "sourced",
    "universe_for",
]


async def ask(url: str, questions: list[str], mode: str = "interview", turn_timeout: float = 120.0) -> list[dict]:
    """One session asks each question in turn; returns [{question, sent, arrived, seconds, text, sourced}]
    (perf_counter times). In interview mode the answer is the turn's first message naming its sources (or, when the
    glossary has nothing on it, the turn's first message); in echo mode the echo."""
    url = check_local(url)
    client = Client(url, 0, turn_timeout, None)
    out = []
    try:
        await client.connect()
        if mode == "interview":
            await client.until(
                lambda e, d: is_message(e, d) and "Paste what the vendor said" in str(d.get("output")), "the first question"
            )
        for q in questions:
            sent = await client.send(q)
            replies: list[tuple[dict, float]] = []

            def turn_over(event, data, replies=replies):
                if is_message(event, data):
                    replies.append((data, time.perf_counter()))
                return event == "task_end" and bool(replies)

            await client.until(turn_over, "the answer")
            data, at = next(((d, t) for d, t in replies if sourced(d.get("output"))), replies[0])
            out.append(
                {
                    "question": q,
                    "sent": sent,
                    "arrived": at,
                    "seconds": at - sent,
                    "text": str(data.get("output") or ""),
                    "sourced": sourced(data.get("output")),
                }
            )
        if client.result.errors:
            raise RuntimeError("; ".join(client.result.errors[:3]))
    finally:
        await client.close()
    return out


# --- the run ------------------------------------------------------------------------------------------------
def check_local(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme != "http" or parsed.hostname not in LOCAL_HOSTS:
        raise SystemExit(f"refusing {url!r}: the load test only talks to http://127.0.0.1")
    return url.rstrip("/")


class Background:
    """A loop run as a task while the load runs: start() it, then await stop()."""

    _task: asyncio.Task | None = None

    async def _loop(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass


class RssSampler(Background):
    def __init__(self, pid: int | None, interval: float = 0.25):
        self.pid, self.interval, self.peak = pid, interval, None

    def sample(self) -> float | None:
        if self.pid is None:
            return None
        value = rss_mb(self.pid)
        if value is not None and (self.peak is None or value > self.peak):
            self.peak = value
        return value

    async def _loop(self) -> None:
        while True:
            await asyncio.to_thread(self.sample)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self.pid is not None:
            super().start()


class HealthProbe(Background):
    """GET /health every `interval` s while the load runs: how long the server's event loop keeps a trivial
    request waiting (its responsiveness to everyone else while the sessions are served)."""

    def __init__(self, url: str, interval: float = 0.2):
        self.url, self.interval, self.times, self.failures = url + "/health", interval, [], 0

    async def _loop(self) -> None:
        import httpx

        async with httpx.AsyncClient(timeout=30) as http:
            while True:
                t0 = time.perf_counter()
                try:
                    response = await http.get(self.url)
                    if response.status_code == 200:
                        self.times.append(time.perf_counter() - t0)
                    else:
                        self.failures += 1
                except httpx.HTTPError:
                    self.failures += 1
                await asyncio.sleep(self.interval)

    def summary(self) -> dict:
        return {**summary_ms(self.times), "failures": self.failures}


def universe_for(sessions: int) -> dict[int, int]:
    out: dict[int, int] = {}
    for i in range(sessions):
        for number in Owner(i).distinctive():
            out[number] = i
    return out


async def run_load(
    url: str,
    sessions: int = 50,
    mode: str = "interview",
    messages: int = 13,
    timeout: float = 300.0,
    turn_timeout: float = 60.0,
    ramp: float = 2.0,
    pid: int | None = None,
    think: float = 0.0,
) -> dict:
    """Run the load; return a JSON-able report. Never raises for a failing server: failures are counted."""
    url = check_local(url)
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be 1..{MAX_SESSIONS}")
    if pid is None:
        pid = pid_listening_on(urlparse(url).port or 80)
    questions = question_fields() if mode == "interview" else {}
    universe = universe_for(sessions) if mode == "interview" else {}
    sampler = RssSampler(pid)
    rss_before = sampler.sample()
    sampler.start()
    probe = HealthProbe(url)
    probe.start()
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(
            one_session(url, i, mode, messages, turn_timeout, ramp * i / max(sessions, 1), universe, questions, think)
        )
        for i in range(sessions)
    ]
    _done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=20)
    wall = time.perf_counter() - started
    await sampler.stop()
    await probe.stop()
    await asyncio.sleep(0.5)  # let the server finish what the last clients left it
    rss_after = sampler.sample()

    results: list[SessionResult] = []
    for i, task in enumerate(tasks):
        if task.done() and not task.cancelled() and task.exception() is None:
            results.append(task.result())
        else:
            results.append(SessionResult(i, errors=["did not finish within the overall timeout"]))
    out = report(
        results,
        mode=mode,
        url=url,
        wall=wall,
        pid=pid,
        rss=(rss_before, sampler.peak, rss_after),
        timeout=timeout,
        ramp=ramp,
        messages=messages,
    )
    out["settings"]["think_s"] = think
    out["health_probe_ms"] = probe.summary()
    return out


def report(
    results: list[SessionResult],
    *,
    mode: str,
    url: str,
    wall: float,
    pid: int | None,
    rss: tuple,
    timeout: float,
    ramp: float,
    messages: int,
) -> dict:
    turns = [t for r in results for t in r.turns]
    by_kind = lambda *kinds: [t.seconds for t in turns if t.kind in kinds]  # noqa: E731
    answered = by_kind("question", "verdict", "concept", "echo")
    errors = [f"session {r.index}: {e}" for r in results for e in r.errors]
    isolation = [f"session {r.index}: {e}" for r in results for e in r.isolation]
    sent = sum(r.messages_sent for r in results)
    out = {
        "mode": mode,
        "url": url,
        "sessions": len(results),
        "completed": sum(r.done and not r.errors and not r.isolation for r in results),
        "errors": len(errors),
        "isolation_violations": len(isolation),
        "error_samples": errors[:20],
        "isolation_samples": isolation[:20],
        "messages_sent": sent,
        "messages_per_session": round(sent / max(len(results), 1), 2),
        "wall_s": round(wall, 2),
        "throughput_msgs_per_s": round(sent / wall, 2) if wall else None,
        "turn_latency_ms": summary_ms(answered),
        "connect_ms": summary_ms([r.connect_s for r in results if r.connect_s is not None]),
        "auth_ms": summary_ms([r.auth_s for r in results if r.auth_s is not None]),
        "rss_mb": {"pid": pid, "before": rss[0], "peak": rss[1], "after": rss[2]},
        "settings": {"timeout_s": timeout, "ramp_s": ramp, "messages": messages if mode == "echo" else None},
    }
    if mode == "interview":
        out.update(
            {
                "first_question_ms": summary_ms(by_kind("first_question")),
                "question_turn_ms": summary_ms(by_kind("question")),
                "verdict_turn_ms": summary_ms(by_kind("verdict")),
                "concept_turn_ms": summary_ms(by_kind("concept")),
                "reached_verdict": sum(r.reached_verdict for r in results),
                "sourced_answers": sum(r.sourced_answer for r in results),
                "verdicts": _count(r.verdict for r in results if r.verdict),
                "fields_per_session": _count(len(r.fields_answered) for r in results),
            }
        )
    else:
        out["echoes_ok"] = sum(r.echoes_ok for r in results)
    out["per_session"] = [
        {
            "index": r.index,
            "done": r.done,
            "turns": len(r.turns),
            "sent": r.messages_sent,
            "verdict": r.verdict,
            "sourced_answer": r.sourced_answer,
            "errors": r.errors[:3],
            "isolation": r.isolation[:3],
            "p50_ms": round(percentile([t.seconds * 1000 for t in r.turns], 50) or 0, 1),
        }
        for r in results
    ]
    return out


def _count(values) -> dict:
    out: dict = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return dict(sorted(out.items()))


def print_report(rep: dict, file=sys.stdout) -> None:
    lat = rep["turn_latency_ms"]
    print(
        f"{rep['mode']} load on {rep['url']}: {rep['sessions']} sessions, {rep['messages_sent']} messages "
        f"in {rep['wall_s']} s ({rep['throughput_msgs_per_s']} msg/s)",
        file=file,
    )
    print(
        f"  completed {rep['completed']}/{rep['sessions']}, errors {rep['errors']}, "
        f"isolation violations {rep['isolation_violations']}",
        file=file,
    )
    print(f"  turn latency ms: p50 {lat['p50']}  p95 {lat['p95']}  max {lat['max']}  (n={lat['n']})", file=file)
    if rep["mode"] == "interview":
        for key in ("first_question_ms", "question_turn_ms", "verdict_turn_ms", "concept_turn_ms"):
            s = rep[key]
            print(f"  {key:18} p50 {s['p50']}  p95 {s['p95']}  (n={s['n']})", file=file)
        print(
            f"  verdicts {rep['verdicts']}  reached {rep['reached_verdict']}, sourced answers {rep['sourced_answers']}", file=file
        )
    print(
        f"  connect ms: p50 {rep['connect_ms']['p50']}  p95 {rep['connect_ms']['p95']} (header auth p50 "
        f"{rep['auth_ms']['p50']}); /health while loaded: p50 {rep['health_probe_ms']['p50']}  p95 "
        f"{rep['health_probe_ms']['p95']}  max {rep['health_probe_ms']['max']}",
        file=file,
    )
    rss = rep["rss_mb"]
    print(f"  server RSS MB (pid {rss['pid']}): before {rss['before']}  peak {rss['peak']}  after {rss['after']}", file=file)
    for line in rep["error_samples"][:5] + rep["isolation_samples"][:5]:
        print("  ! " + line, file=file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server (127.0.0.1 only)")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--mode", choices=("interview", "echo"), default="interview")
    parser.add_argument("--messages", type=int, default=13, help="echo mode: messages per session")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for the whole run")
    parser.add_argument("--turn-timeout", type=float, default=60.0, help="seconds to wait for one reply")
    parser.add_argument("--ramp", type=float, default=2.0, help="seconds over which the sessions start")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds between a reply and the next message (each pause is 0.5-1.5x this); 0 sends as fast as replies come",
    )
    parser.add_argument("--pid", type=int, default=None, help="the server's pid (default: whoever listens on the port)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    rep = asyncio.run(
        run_load(
            args.url, args.sessions, args.mode, args.messages, args.timeout, args.turn_timeout, args.ramp, args.pid, args.think
        )
    )
    if args.json:
        print(json.dumps(rep))
    else:
        print_report(rep)
    return 0 if rep["errors"] == 0 and rep["isolation_violations"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
