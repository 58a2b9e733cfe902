"""One simulated visitor for the load test: what each owner answers, the socket.io tab that says it, and the two
scripts (a whole interview, or an echo conversation), each checking that it is shown its own figures only.

bench/loadtest.py runs many of these at once; bench/guest.py and bench/crash_resume.py reuse the owners' answers.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SOCKETIO_PATH = "/ws/socket.io"
# What a client listens for: every event the page handles that a server may send.
EVENTS = (
    "new_message",
    "update_message",
    "stream_start",
    "stream_token",
    "element",
    "task_start",
    "task_end",
    "action",
    "remove_action",
    "delete_message",
    "first_interaction",
    "ask",
    "resume_thread",
)
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


def asked_field(text: Any, questions: dict[str, str]) -> str | None:
    """The field a message asks about: the app sends a question last in its message, after the echo of the answer
    before it (blank-line separated). None when the message asks nothing."""
    last = str(text or "").strip().rsplit("\n\n", 1)[-1].strip()
    return questions.get(last)


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
            raise TimeoutError
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
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "metadata": {"location": "loadtest"},
        },
        "fileReferences": [],
    }


class Client:
    """One simulated browser tab."""

    def __init__(self, url: str, index: int, turn_timeout: float, universe: dict[int, int] | None, think: float = 0.0):
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
        for event in EVENTS:
            self.sio.on(event, (lambda name: lambda data=None: self.inbox.put(name, data))(event))
        self.sio.on("disconnect", lambda *a: self.inbox.put("disconnect", None))
        headers = {"Cookie": f"access_token={token}"} if token else {}
        auth = {"sessionId": str(uuid.uuid4()), "clientType": "webapp", "userEnv": "{}", "threadId": "", "chatProfile": ""}
        await self.sio.connect(
            self.url,
            headers=headers,
            auth=auth,
            transports=["websocket"],
            socketio_path=SOCKETIO_PATH,
            wait_timeout=self.turn_timeout,
        )
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
            except TimeoutError:
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
def is_message(event: str, data: Any) -> bool:
    return event == "new_message" and isinstance(data, dict) and data.get("type") == "assistant_message"


async def interview(client: Client, questions: dict[str, str]) -> None:
    owner = Owner(client.index)
    answers = owner.answers()
    r = client.result

    def question_or_verdict(event, data):
        if not is_message(event, data):
            return False
        text = str(data.get("output") or "").strip()
        return asked_field(text, questions) is not None or text.startswith("**Verdict:")

    started = time.perf_counter()
    data, at = await client.until(question_or_verdict, "first question")
    r.turns.append(Turn("first_question", None, at - started))
    current = asked_field(data.get("output"), questions)
    if current != "pitch":
        raise AssertionError(f"the chat did not open on the pitch question: {data.get('output')!r}")

    echoes: list[str] = []
    verdict_card: dict | None = None
    for _ in range(len(answers) + 3):
        answer = answers[current]
        sent = await client.send(answer)
        r.fields_answered.append(current)

        def turn_end(event, data):
            if is_message(event, data):
                echoes.append(str(data.get("output") or ""))  # the echo, alone or above the next question
            return question_or_verdict(event, data)

        data, at = await client.until(turn_end, f"reply to {current}")
        text = str(data.get("output") or "").strip()
        if text.startswith("**Verdict:"):
            r.turns.append(Turn("verdict", current, at - sent))
            r.reached_verdict = True
            r.verdict = text[len("**Verdict:") :].split(".**", 1)[0].strip()
            # The card follows its message: it carries the reasons and the economics in this owner's figures.
            card, _ = await client.until(
                lambda e, d: e == "element" and isinstance(d, dict) and d.get("name") == "VerdictCard", "verdict card"
            )
            verdict_card = card.get("props") or {}
            await client.task_end()
            _check_own_figures(client, owner, text, verdict_card, echoes)
            break
        nxt = asked_field(text, questions)
        if nxt == current:
            raise AssertionError(f"the app did not take {answer!r} for {current}: {echoes[-1:]}")
        r.turns.append(Turn("question", current, at - sent))
        current = nxt
        await client.task_end()
    else:
        raise AssertionError("no verdict after every question was answered")

    sent = await client.send(CONCEPT_QUESTION)
    data, at = await client.until(lambda e, d: is_message(e, d) and sourced(d.get("output")), "sourced concept answer")
    r.turns.append(Turn("concept", None, at - sent))
    if re.search(r"LoRA|low-rank", str(data.get("output")), re.IGNORECASE):
        r.sourced_answer = True
    else:
        r.errors.append(f"the concept answer is not about LoRA: {str(data.get('output'))[:120]!r}")
    await client.task_end()


def _check_own_figures(client: Client, owner: Owner, verdict_text: str, card: dict, echoes: list[str]) -> None:
    r = client.result
    shown = numbers_in(verdict_text) | numbers_in(json.dumps(card, ensure_ascii=False))  # the headline is on the card
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
        data, at = await client.until(lambda e, d: is_message(e, d), "echo")
        r.turns.append(Turn("echo", None, at - sent))
        if str(data.get("output")) == expected:
            r.echoes_ok += 1
        else:
            r.isolation.append(f"expected {expected!r}, got {str(data.get('output'))[:80]!r}")
        await client.task_end()


async def one_session(
    url: str,
    index: int,
    mode: str,
    messages: int,
    turn_timeout: float,
    start_delay: float,
    universe: dict[int, int],
    questions: dict[str, str],
    think: float = 0.0,
) -> SessionResult:
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
