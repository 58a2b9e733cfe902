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
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from common import LOCAL_HOSTS, percentile, pid_listening_on, rss_mb, summary_ms  # noqa: E402

SOCKETIO_PATH = "/ws/socket.io"
CONCEPT_QUESTION = "what is LoRA?"
MAX_SESSIONS = 500  # the per-session figures stay in ranges no glossary text or constant uses
ECHO_PREFIX = "Echo: "  # bench/echo_app.py replies "Echo: <the message>"

# Texts the app sends when it refuses or fails a turn (web/chat.py); seeing one is an error.
FAILURE_MARKERS = (
    "Sorry, something went wrong on my side",
    "I'm still working on your last message",
    "You're sending messages faster than I can take them",
    "That message is longer than I can take",
)

SOURCES_HEADING = "**Sources**"  # web/render.py's sources_markdown ends a sourced answer with this


def sourced(text: Any) -> bool:
    return SOURCES_HEADING in str(text or "")


_NUMBER = re.compile(r"\d[\d,]*\d|\d")


def numbers_in(text: str) -> set[int]:
    """Whole numbers written in a text ("4,105" -> 4105; "£0.29" -> 0 and 29)."""
    out = set()
    for token in _NUMBER.findall(text or ""):
        digits = token.replace(",", "")
        if digits.isdigit():
            out.add(int(digits))
    return out


# --- what each simulated owner says -------------------------------------------------------------------------
@dataclass(frozen=True)
class Owner:
    """One session's script: its distinct figures and its answer to each question, by field."""

    index: int

    @property
    def guide_case(self) -> bool:
        """Odd sessions play the guide's consulting firm (reports, a dozen a month); even ones a support desk."""
        return self.index % 2 == 1

    @property
    def clean(self) -> int:
        return 4100 + self.index

    @property
    def volume(self) -> int:
        return 12 + self.index % 40 if self.guide_case else 7100 + self.index

    @property
    def quote(self) -> int:
        return 18000 + 10 * (self.index + 1) if self.guide_case else 18000

    def distinctive(self) -> set[int]:
        """The figures that belong to this session alone."""
        return {self.clean, self.quote} if self.guide_case else {self.clean, self.volume}

    def answers(self) -> dict[str, str]:
        if self.guide_case:
            return {
                "pitch": f"They'll fine-tune the model on our reports for £{self.quote:,}.",
                "mechanism": "Fine-tune (retrain) the model",
                "quote_gbp": f"£{self.quote:,}",
                "task": "Write reports, advice or bespoke documents in our tone",
                "monthly_volume": f"about {self.volume} a month",
                "clean_examples": f"{self.clean:,}",
                "task_stable": "Yes",
                "personal_data": "Not sure",
                "prompt_rag": "Not tried yet",
                "fresh_knowledge": "No",
                "regulated": "No",
                "vendor_examples": "I haven't asked",
                "vendor_shortfall": "I haven't asked",
                "vendor_retraining": "I haven't asked",
            }
        return {
            "pitch": "They'll fine-tune the model on our support tickets for £18,000.",
            "mechanism": "Fine-tune (retrain) the model",
            "quote_gbp": "£18,000",
            "task": "Sort or label things into set categories",
            "monthly_volume": f"about {self.volume:,} a month",
            "clean_examples": f"{self.clean:,}",
            "task_stable": "Yes",
            "personal_data": "No personal data",
            "prompt_rag": "Tried: not good enough",
            "fresh_knowledge": "No",
            "regulated": "No",
            "vendor_examples": "Yes, they answered clearly",
            "vendor_shortfall": "Yes, they answered clearly",
            "vendor_retraining": "Yes, they answered clearly",
        }


def question_fields() -> dict[str, str]:
    """The question text of every field -> the field (the app shows exactly the field's question)."""
    from chains.facts import FIELDS

    return {f.question.strip(): f.name for f in FIELDS}


# --- results ------------------------------------------------------------------------------------------------
@dataclass
class Turn:
    kind: str  # first_question | question | verdict | concept | echo
    field: str | None
    seconds: float


@dataclass
class SessionResult:
    index: int
    connected: bool = False
    connect_s: float | None = None  # HTTP auth + socket connect
    auth_s: float | None = None  # POST /auth/header alone
    turns: list[Turn] = field(default_factory=list)
    fields_answered: list[str] = field(default_factory=list)
    messages_sent: int = 0
    verdict: str | None = None  # the label in "**Verdict: <label>.**"
    reached_verdict: bool = False
    sourced_answer: bool = False
    echoes_ok: int = 0
    errors: list[str] = field(default_factory=list)
    isolation: list[str] = field(default_factory=list)
    done: bool = False


class Inbox:
    """Events from one socket, in arrival order, each stamped with time.perf_counter()."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue = asyncio.Queue()

    def put(self, event: str, data: Any) -> None:
        self.queue.put_nowait((event, data, time.perf_counter()))

    async def next(self, deadline: float) -> tuple[str, Any, float]:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise asyncio.TimeoutError
        return await asyncio.wait_for(self.queue.get(), remaining)


def _client_message(text: str) -> dict:
    """The payload the frontend emits for a typed message (chainlit's useChatInteract.sendMessage)."""
    return {
        "message": {
            "threadId": "",
            "id": str(uuid.uuid4()),
            "name": "User",
            "type": "user_message",
            "output": text,
            "createdAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
            "metadata": {"location": "loadtest"},
        },
        "fileReferences": [],
    }


class Client:
    """One simulated browser tab."""

    def __init__(self, url: str, index: int, turn_timeout: float, universe: dict[int, int] | None,
                 think: float = 0.0):
        self.url = url.rstrip("/")
        self.think = think  # mean seconds an owner takes to read a reply before the next message
        self.rng = random.Random(index)
        self.result = SessionResult(index)
        self.turn_timeout = turn_timeout
        self.universe = universe or {}  # distinctive figure -> the session it belongs to
        self.inbox = Inbox()
        self.sio = None
        self.index = index

    # --- connection ----------------------------------------------------------------------------------------
    async def _guest_cookie(self) -> str | None:
        """What the browser does before connecting: header auth, which sets Chainlit's auth cookie."""
        import httpx

        async with httpx.AsyncClient(timeout=self.turn_timeout) as http:
            response = await http.post(self.url + "/auth/header", json={})
            if response.status_code == 400 and "header_auth_callback" in response.text:
                return None  # the server has no header auth (e.g. the bare echo app): connect anonymously
            response.raise_for_status()
            token = response.cookies.get("access_token")
            if not token:
                raise RuntimeError("header auth answered without an access_token cookie")
            return token

    async def connect(self) -> None:
        import socketio

        started = time.perf_counter()
        token = await self._guest_cookie()
        self.result.auth_s = time.perf_counter() - started
        self.sio = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)
        for event in ("new_message", "update_message", "stream_start", "stream_token", "element", "task_start",
                      "task_end", "action", "remove_action", "delete_message", "first_interaction"):
            self.sio.on(event, (lambda name: (lambda data=None: self.inbox.put(name, data)))(event))
        self.sio.on("disconnect", lambda *a: self.inbox.put("disconnect", None))
        headers = {"Cookie": f"access_token={token}"} if token else {}
        auth = {"sessionId": str(uuid.uuid4()), "clientType": "webapp", "userEnv": "{}", "threadId": "",
                "chatProfile": ""}
        await self.sio.connect(self.url, headers=headers, auth=auth, transports=["websocket"],
                               socketio_path=SOCKETIO_PATH, wait_timeout=self.turn_timeout)
        await self.sio.emit("connection_successful")
        self.result.connected = True
        self.result.connect_s = time.perf_counter() - started

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            try:
                await self.sio.emit("clear_session")  # as the browser's "new chat" does: the server frees it now
                await self.sio.disconnect()
            except Exception:
                pass

    async def send(self, text: str) -> float:
        if self.think > 0 and self.result.messages_sent:
            await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))
        self.result.messages_sent += 1
        sent = time.perf_counter()
        await self.sio.emit("client_message", _client_message(text))
        return sent

    # --- checks ----------------------------------------------------------------------------------------------
    def _check_foreign(self, text: str, where: str) -> None:
        for number in numbers_in(text):
            owner = self.universe.get(number)
            if owner is not None and owner != self.index:
                self.result.isolation.append(f"{where} shows {number:,}, session {owner}'s figure")

    def _check_failure(self, text: str) -> None:
        for marker in FAILURE_MARKERS:
            if marker in (text or ""):
                self.result.errors.append(f"server said: {text[:120]!r}")

    async def until(self, done, what: str) -> tuple[dict, float]:
        """Read events until done(event, data) holds; returns (data, arrival time). Checks everything it reads."""
        deadline = time.perf_counter() + self.turn_timeout
        while True:
            try:
                event, data, at = await self.inbox.next(deadline)
            except asyncio.TimeoutError:
                raise TimeoutError(f"no {what} within {self.turn_timeout:.0f}s") from None
            if event == "disconnect":
                raise ConnectionError(f"disconnected while waiting for {what}")
            if event in ("new_message", "update_message") and isinstance(data, dict):
                text = str(data.get("output") or "")
                self._check_foreign(text, "a message")
                self._check_failure(text)
                if data.get("isError"):
                    self.result.errors.append(f"error step: {text[:120]!r}")
            elif event == "element" and isinstance(data, dict) and isinstance(data.get("props"), dict):
                self._check_foreign(json.dumps(data["props"], ensure_ascii=False), f"the {data.get('name')} element")
            if done(event, data):
                return (data if isinstance(data, dict) else {}), at

    async def task_end(self) -> None:
        await self.until(lambda e, d: e == "task_end", "task_end")


# --- the two scripts ----------------------------------------------------------------------------------------
def _is_message(event: str, data: Any) -> bool:
    return event == "new_message" and isinstance(data, dict) and data.get("type") == "assistant_message"


async def interview(client: Client, questions: dict[str, str]) -> None:
    owner = Owner(client.index)
    answers = owner.answers()
    r = client.result

    def question_or_verdict(event, data):
        if not _is_message(event, data):
            return False
        text = str(data.get("output") or "").strip()
        return text in questions or text.startswith("**Verdict:")

    started = time.perf_counter()
    data, at = await client.until(question_or_verdict, "first question")
    r.turns.append(Turn("first_question", None, at - started))
    current = questions.get(str(data.get("output") or "").strip())
    if current != "pitch":
        raise AssertionError(f"the chat did not open on the pitch question: {data.get('output')!r}")

    echoes: list[str] = []
    verdict_card: dict | None = None
    for _ in range(len(answers) + 3):
        answer = answers[current]
        sent = await client.send(answer)
        r.fields_answered.append(current)

        def turn_end(event, data):
            if _is_message(event, data) and not question_or_verdict(event, data):
                echoes.append(str(data.get("output") or ""))
            return question_or_verdict(event, data)

        data, at = await client.until(turn_end, f"reply to {current}")
        text = str(data.get("output") or "").strip()
        if text.startswith("**Verdict:"):
            r.turns.append(Turn("verdict", current, at - sent))
            r.reached_verdict = True
            r.verdict = text[len("**Verdict:"):].split(".**", 1)[0].strip()
            # The card follows its message: it carries the reasons and the economics in this owner's figures.
            card, _ = await client.until(lambda e, d: e == "element" and isinstance(d, dict)
                                         and d.get("name") == "VerdictCard", "verdict card")
            verdict_card = card.get("props") or {}
            await client.task_end()
            _check_own_figures(client, owner, text, verdict_card, echoes)
            break
        nxt = questions[text]
        if nxt == current:
            raise AssertionError(f"the app did not take {answer!r} for {current}: {echoes[-1:]}")
        r.turns.append(Turn("question", current, at - sent))
        current = nxt
        await client.task_end()
    else:
        raise AssertionError("no verdict after every question was answered")

    sent = await client.send(CONCEPT_QUESTION)
    data, at = await client.until(lambda e, d: _is_message(e, d) and sourced(d.get("output")),
                                  "sourced concept answer")
    r.turns.append(Turn("concept", None, at - sent))
    if re.search(r"LoRA|low-rank", str(data.get("output")), re.IGNORECASE):
        r.sourced_answer = True
    else:
        r.errors.append(f"the concept answer is not about LoRA: {str(data.get('output'))[:120]!r}")
    await client.task_end()


def _check_own_figures(client: Client, owner: Owner, verdict_text: str, card: dict, echoes: list[str]) -> None:
    r = client.result
    shown = numbers_in(verdict_text)
    wanted = {owner.quote} if owner.guide_case else {owner.clean, owner.volume}
    for number in wanted - shown:
        r.isolation.append(f"the verdict does not mention this session's {number:,}")
    if owner.clean not in numbers_in(json.dumps(card, ensure_ascii=False)):
        r.isolation.append(f"the verdict card does not mention this session's {owner.clean:,} examples")
    if not any(owner.clean in numbers_in(e) for e in echoes):
        r.isolation.append(f"no echo mentions this session's {owner.clean:,} examples")


async def echo(client: Client, messages: int) -> None:
    r = client.result
    for k in range(messages):
        text = f"session {client.index} message {k} {uuid.uuid4().hex[:8]}"
        expected = ECHO_PREFIX + text
        sent = await client.send(text)
        data, at = await client.until(lambda e, d: _is_message(e, d), "echo")
        r.turns.append(Turn("echo", None, at - sent))
        if str(data.get("output")) == expected:
            r.echoes_ok += 1
        else:
            r.isolation.append(f"expected {expected!r}, got {str(data.get('output'))[:80]!r}")
        await client.task_end()


async def one_session(url: str, index: int, mode: str, messages: int, turn_timeout: float, start_delay: float,
                      universe: dict[int, int], questions: dict[str, str], think: float = 0.0) -> SessionResult:
    await asyncio.sleep(start_delay)
    client = Client(url, index, turn_timeout, universe, think)
    try:
        await client.connect()
        if mode == "interview":
            await interview(client, questions)
        else:
            await echo(client, messages)
        client.result.done = True
    except asyncio.CancelledError:
        client.result.errors.append("cancelled by the overall timeout")
    except Exception as exc:
        client.result.errors.append(f"{exc.__class__.__name__}: {exc}")
    finally:
        try:
            await asyncio.shield(client.close())
        except BaseException:
            pass
    return client.result


async def ask(url: str, questions: list[str], mode: str = "interview", turn_timeout: float = 120.0) -> list[dict]:
    """One session asks each question in turn; returns [{question, sent, arrived, seconds, text}] (perf_counter
    times). In interview mode an answer is the next message carrying "Sources:", in echo mode the echo."""
    url = check_local(url)
    client = Client(url, 0, turn_timeout, None)
    out = []
    try:
        await client.connect()
        if mode == "interview":
            await client.until(lambda e, d: _is_message(e, d) and "Paste what the vendor said" in str(d.get("output")),
                               "the first question")
        for q in questions:
            sent = await client.send(q)
            if mode == "interview":
                data, at = await client.until(lambda e, d: _is_message(e, d) and sourced(d.get("output")),
                                              "a sourced answer")
            else:
                data, at = await client.until(_is_message, "the echo")
            out.append({"question": q, "sent": sent, "arrived": at, "seconds": at - sent,
                        "text": str(data.get("output") or "")})
            await client.task_end()
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


async def run_load(url: str, sessions: int = 50, mode: str = "interview", messages: int = 13,
                   timeout: float = 300.0, turn_timeout: float = 60.0, ramp: float = 2.0,
                   pid: int | None = None, think: float = 0.0) -> dict:
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
    tasks = [asyncio.create_task(one_session(url, i, mode, messages, turn_timeout, ramp * i / max(sessions, 1),
                                             universe, questions, think)) for i in range(sessions)]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
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
    out = report(results, mode=mode, url=url, wall=wall, pid=pid, rss=(rss_before, sampler.peak, rss_after),
                 timeout=timeout, ramp=ramp, messages=messages)
    out["settings"]["think_s"] = think
    out["health_probe_ms"] = probe.summary()
    return out


def report(results: list[SessionResult], *, mode: str, url: str, wall: float, pid: int | None,
           rss: tuple, timeout: float, ramp: float, messages: int) -> dict:
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
        out.update({
            "first_question_ms": summary_ms(by_kind("first_question")),
            "question_turn_ms": summary_ms(by_kind("question")),
            "verdict_turn_ms": summary_ms(by_kind("verdict")),
            "concept_turn_ms": summary_ms(by_kind("concept")),
            "reached_verdict": sum(r.reached_verdict for r in results),
            "sourced_answers": sum(r.sourced_answer for r in results),
            "verdicts": _count(r.verdict for r in results if r.verdict),
            "fields_per_session": _count(len(r.fields_answered) for r in results),
        })
    else:
        out["echoes_ok"] = sum(r.echoes_ok for r in results)
    out["per_session"] = [
        {"index": r.index, "done": r.done, "turns": len(r.turns), "sent": r.messages_sent,
         "verdict": r.verdict, "sourced_answer": r.sourced_answer, "errors": r.errors[:3],
         "isolation": r.isolation[:3],
         "p50_ms": round(percentile([t.seconds * 1000 for t in r.turns], 50) or 0, 1)}
        for r in results]
    return out


def _count(values) -> dict:
    out: dict = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return dict(sorted(out.items()))


def print_report(rep: dict, file=sys.stdout) -> None:
    lat = rep["turn_latency_ms"]
    print(f"{rep['mode']} load on {rep['url']}: {rep['sessions']} sessions, {rep['messages_sent']} messages "
          f"in {rep['wall_s']} s ({rep['throughput_msgs_per_s']} msg/s)", file=file)
    print(f"  completed {rep['completed']}/{rep['sessions']}, errors {rep['errors']}, "
          f"isolation violations {rep['isolation_violations']}", file=file)
    print(f"  turn latency ms: p50 {lat['p50']}  p95 {lat['p95']}  max {lat['max']}  (n={lat['n']})", file=file)
    if rep["mode"] == "interview":
        for key in ("first_question_ms", "question_turn_ms", "verdict_turn_ms", "concept_turn_ms"):
            s = rep[key]
            print(f"  {key:18} p50 {s['p50']}  p95 {s['p95']}  (n={s['n']})", file=file)
        print(f"  verdicts {rep['verdicts']}  reached {rep['reached_verdict']}, sourced answers "
              f"{rep['sourced_answers']}", file=file)
    print(f"  connect ms: p50 {rep['connect_ms']['p50']}  p95 {rep['connect_ms']['p95']} (header auth p50 "
          f"{rep['auth_ms']['p50']}); /health while loaded: p50 {rep['health_probe_ms']['p50']}  p95 "
          f"{rep['health_probe_ms']['p95']}  max {rep['health_probe_ms']['max']}", file=file)
    rss = rep["rss_mb"]
    print(f"  server RSS MB (pid {rss['pid']}): before {rss['before']}  peak {rss['peak']}  after {rss['after']}",
          file=file)
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
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds between a reply and the next message (each pause is 0.5-1.5x this); "
                             "0 sends as fast as replies come")
    parser.add_argument("--pid", type=int, default=None, help="the server's pid (default: whoever listens on the port)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    rep = asyncio.run(run_load(args.url, args.sessions, args.mode, args.messages, args.timeout, args.turn_timeout,
                               args.ramp, args.pid, args.think))
    if args.json:
        print(json.dumps(rep))
    else:
        print_report(rep)
    return 0 if rep["errors"] == 0 and rep["isolation_violations"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
