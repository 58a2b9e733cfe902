"""The interview: one turn in as text, one plain data object out. No UI code here.

A Session keeps what it saves (SessionState: the facts, what was asked, what is awaited) apart from what it uses
(settings, the explainer, glossary titles and the embedder); the verdict is computed from the facts when shown,
never stored, so it cannot go stale.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, TypedDict

from .choices import Embed, mechanism_of
from .clean import clean_input
from .facts import FIELD_BY_NAME, FIELDS, empty_facts
from .figures import format_money
from .intents import confused_about, is_correction, is_offer, is_strong_correction, looks_like_question, read_intent, strip_correction
from .pitch import read_pitch
from .readers import SOMETHING_ELSE, Context, Reading, clarify_choices, read_answer
from .settings import Settings, get_settings
from .verdict import assess

log = logging.getLogger(__name__)

# The order questions are asked in; the pitch comes first and pre-fills what it can.
ORDER = tuple(f.name for f in FIELDS)
MAX_MISSES = 2  # after this many answers not read, the question is left open rather than asked a third time

WELCOME = (
    "Hello, I'm Pitchcheck. A vendor wants to fine-tune an AI model on your data: I'll help you judge whether "
    "that's worth the money. I'll ask a few short questions, then give you a verdict from published rules, "
    "with reasons in your own numbers and the questions to put to the vendor. You can ask me what any term "
    "means at any point, say \"back\" to change your last answer, or \"restart\"."
)
WELCOME_SHORT = "Hi, I'm Pitchcheck: I check fine-tuning pitches. A few questions, then a verdict. Ask about any term as we go."
AFTER_VERDICT = ("You can ask \"why?\", change an answer (for example \"actually we have 200 examples\"), "
                 "ask what a term means, or say \"restart\".")
_GREETING = r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|yo|howdy|greetings)\b[\s!.,]*(?:there|pitchcheck)?[\s!.,]*$"


class Choice(TypedDict):
    value: str
    label: str


class Awaiting(TypedDict):
    """The question on screen: its field, its words and the choices a click can send."""

    field: str
    question: str
    choices: list[Choice]


@dataclass
class Reply:
    kind: str  # welcome | echo | question | explanation | verdict | notice | error
    text: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    question: str | None = None  # for explanations: the question asked, so a front end can stream an LLM version


@dataclass
class Turn:
    replies: list[Reply]
    awaiting: Awaiting | None
    facts: dict[str, Any]
    verdict: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        """The lock-step protocol object of `pitchcheck chat --json`."""
        return {
            "replies": [{"kind": r.kind, "text": r.text,
                         "sources": [{"id": s["id"], "title": s["title"]} for s in r.sources]} for r in self.replies],
            "awaiting": self.awaiting,
            "facts": self.facts,
            "verdict": self.verdict,
        }


def awaiting_object(name: str, options: list[dict[str, str]] | None = None, question: str | None = None) -> Awaiting:
    spec = FIELD_BY_NAME[name]
    choices = options if options is not None else [{"value": c.value, "label": c.label} for c in spec.choices]
    return {"field": name, "question": question or spec.question,
            "choices": [{"value": c["value"], "label": c["label"]} for c in choices]}


@dataclass
class SessionState:
    """What a session saves and restores."""

    facts: dict[str, Any] = field(default_factory=empty_facts)
    extra: dict[str, Any] = field(default_factory=dict)  # measured by the audit (tokens_per_example), not asked
    asked: list[str] = field(default_factory=list)  # fields answered or skipped, in order (for "back")
    history: list[tuple[str, Any]] = field(default_factory=list)  # (field, value before the change)
    awaiting: str | None = None
    finished: bool = False  # the verdict has been shown
    misses: dict[str, int] = field(default_factory=dict)  # answers not read, per field
    clarifying: dict[str, Any] | None = None  # {"question", "options"} while a clarifying question is open
    transcript: list[tuple[str, str]] = field(default_factory=list)  # (who, text): what the owner typed is never lost

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["transcript"] = data["transcript"][-200:]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SessionState":
        state = cls()
        facts = data.get("facts") or {}
        legacy = {"quote_gbp": "quote", "monthly_fee_gbp": "monthly_fee"}
        for key, value in facts.items():
            key = legacy.get(key, key)
            if key in state.facts and value is not None:
                state.facts[key] = value
        if any(k in facts for k in legacy) and state.facts["quote"] is not None and not state.facts["currency"]:
            state.facts["currency"] = "GBP"
        state.extra = dict(data.get("extra") or {})
        state.asked = [legacy.get(a, a) for a in data.get("asked", []) if legacy.get(a, a) in FIELD_BY_NAME]
        state.history = [(legacy.get(h[0], h[0]), h[1]) for h in data.get("history", []) if isinstance(h, (list, tuple)) and len(h) == 2]
        awaiting = legacy.get(data.get("awaiting") or "", data.get("awaiting"))
        state.awaiting = awaiting if awaiting in FIELD_BY_NAME else None
        state.finished = bool(data.get("finished") or data.get("verdict"))
        state.misses = {k: int(v) for k, v in (data.get("misses") or {}).items() if k in FIELD_BY_NAME}
        clarifying = data.get("clarifying")
        state.clarifying = clarifying if isinstance(clarifying, dict) and state.awaiting else None
        state.transcript = [tuple(t) for t in data.get("transcript", []) if isinstance(t, (list, tuple)) and len(t) == 2]
        return state


Explain = Callable[[str], Any]  # question -> explain.Answer
ReadField = Callable[[str, str, list[str], str], "str | None"]  # (field, question, choice values, text) -> a value or None


class Session:
    """Runs the interview over a SessionState; handle(text) is one turn."""

    def __init__(self, settings: Settings | None = None, explain: Explain | None = None, compact: bool = False,
                 titles: dict[str, str] | None = None, embed: Embed | None = None, welcome: str | None = None,
                 state: SessionState | None = None, read_field: ReadField | None = None):
        self.settings = settings or get_settings()
        self.read_field = read_field  # the LLM's reading, when one is configured: offered back, never taken silently
        self.explain = explain
        self.titles = titles or {}  # concept id -> glossary title, for naming sources
        self.embed = embed
        self.welcome = welcome or (WELCOME_SHORT if compact else WELCOME)
        self.state = state or SessionState()

    # --- state -------------------------------------------------------------------------------------------
    facts = property(lambda self: self.state.facts)
    extra = property(lambda self: self.state.extra)
    asked = property(lambda self: self.state.asked)
    history = property(lambda self: self.state.history)
    transcript = property(lambda self: self.state.transcript)

    @property
    def awaiting(self) -> str | None:
        return self.state.awaiting

    @awaiting.setter
    def awaiting(self, name: str | None) -> None:
        self.state.awaiting = name

    @property
    def verdict(self) -> dict[str, Any] | None:
        return self.current_verdict() if self.state.finished and self.state.awaiting is None else None

    def to_dict(self) -> dict[str, Any]:
        return self.state.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any], settings: Settings | None = None, explain: Explain | None = None,
                  compact: bool = False, titles: dict[str, str] | None = None, embed: Embed | None = None,
                  welcome: str | None = None) -> "Session":
        return cls(settings, explain, compact, titles, embed, welcome, SessionState.from_dict(data or {}))

    def current_verdict(self) -> dict[str, Any]:
        return assess({**self.facts, **self.extra}, self.settings)

    def current_awaiting(self) -> Awaiting | None:
        """The question on screen now, narrowed to the likeliest readings while a clarifying question is open."""
        if not self.awaiting:
            return None
        c = self.state.clarifying
        if c:
            return awaiting_object(self.awaiting, c["options"], c["question"])
        return awaiting_object(self.awaiting)

    def context(self) -> Context:
        return Context(self.settings.min_clean_examples, self.settings.min_monthly_volume, self.facts.get("currency"), self.embed)

    # --- moving about the interview (the worked example and tests start mid-way) ---------------------------
    def mark_asked(self, name: str) -> None:
        if name in FIELD_BY_NAME and name not in self.asked:
            self.asked.append(name)

    def answer_directly(self, name: str, value: Any) -> None:
        """Set a fact as if the owner had answered it, with its history for "back"."""
        self.history.append((name, self.facts.get(name)))
        self.facts[name] = value
        self.mark_asked(name)

    def await_field(self, name: str) -> None:
        self.awaiting = name
        self.state.clarifying = None
        self.state.finished = False

    def public_facts(self) -> dict[str, Any]:
        return dict(self.facts)

    # --- turns -------------------------------------------------------------------------------------------
    def start(self) -> Turn:
        self.awaiting = "pitch"
        return self._turn([Reply("welcome", self.welcome), self._question_reply()])

    def handle(self, text: str) -> Turn:
        """One turn: never raises for any text."""
        try:
            return self._handle(text)
        except Exception:  # a bug must not end the conversation; the owner's facts are kept
            log.exception("turn failed (awaiting=%s)", self.awaiting)
            replies = [Reply("error", "Sorry, something went wrong on my side reading that. Your answers so far "
                                      "are safe; please try saying it another way.")]
            if self.awaiting:
                replies.append(self._question_reply())
            return self._turn(replies)

    def _handle(self, raw: str) -> Turn:
        text = clean_input(raw if isinstance(raw, str) else "")
        too_long = self.settings.message_too_long(text)
        if too_long:
            return self._turn([Reply("error", too_long)], reask=True)
        if not text:
            return self._turn([Reply("notice", "I didn't catch anything there.")], reask=True)
        self.transcript.append(("owner", text))

        intent = read_intent(text)
        if intent == "restart":
            self.state = SessionState()
            return self.start()
        if intent == "back":
            return self._back()
        if intent == "why":
            return self._why()
        if intent == "help" and self.awaiting:
            return self._turn([Reply("notice", FIELD_BY_NAME[self.awaiting].hint)], reask=True)
        if self.state.clarifying and text.strip().lower() == SOMETHING_ELSE["value"]:
            self.state.clarifying = None
            return self._turn([Reply("notice", "Tell me in your own words, or pick one of these.")], reask=True)
        if self.awaiting == "pitch" and intent != "skip":
            return self._opening(text)

        correction = self._correction(text)
        if correction:
            return self._correct(*correction)
        if looks_like_question(text):
            return self._explain(text)
        if self.awaiting is None:
            return self._turn([Reply("notice", AFTER_VERDICT)])

        reading = Reading("skip") if intent == "skip" else read_answer(self.awaiting, self._option_text(text), self.context())
        if reading.status in ("unreadable", "clarify"):
            reading = self._ask_llm(text, reading)
        if reading.status == "unreadable":
            return self._missed(reading.hint or "I couldn't read that answer.")
        if reading.status == "clarify":
            return self._clarify(reading)
        return self._record(self.awaiting, reading)

    # --- pieces of a turn ----------------------------------------------------------------------------------
    def take_document(self, text: str) -> Turn:
        """A vendor's proposal read from a file, as the pitch: it may be longer than a typed message."""
        if self.awaiting != "pitch":
            return self._turn([Reply("notice", "A proposal is read as the pitch at the first question.")], reask=True)
        cleaned = clean_input(text if isinstance(text, str) else "")
        if not cleaned:
            return self._turn([Reply("notice", "That file had no text I could read.")], reask=True)
        self.transcript.append(("owner", cleaned[:2000]))
        return self._take_pitch(cleaned)

    def _opening(self, text: str) -> Turn:
        """The first message: the offer itself (even asked as a question), a concept question, or a greeting."""
        if re.match(_GREETING, text.strip().lower()):
            return self._turn([Reply("notice", "Hello! Tell me about the offer when you're ready.")], reask=True)
        if looks_like_question(text) and not is_offer(text):
            return self._explain(text)
        return self._take_pitch(text)

    def _ask_llm(self, text: str, reading: Reading) -> Reading:
        """The configured LLM's reading of a choice the offline readers could not settle, offered first to confirm."""
        spec = FIELD_BY_NAME[self.awaiting or ""]
        if self.read_field is None or not spec.choices:
            return reading
        try:
            value = self.read_field(spec.name, spec.question, spec.choice_values(), text)
        except Exception:
            log.warning("field reader failed", exc_info=True)
            return reading
        if value not in spec.choice_values():
            return reading
        likely = (value, *[o["value"] for o in reading.options if o["value"] in spec.choice_values() and o["value"] != value])
        return clarify_choices(spec, likely[:3], f"Did you mean \"{spec.label_of(value)}\"?")

    def _option_text(self, text: str) -> str:
        """A number typed at a clarifying question picks that option, not the field's choice of that number."""
        options = (self.state.clarifying or {}).get("options") or []
        stripped = text.strip().rstrip(".")
        if stripped.isdigit() and 1 <= int(stripped) <= len(options):
            return str(options[int(stripped) - 1]["value"])
        return text

    def _take_pitch(self, text: str) -> Turn:
        reading = dict(read_pitch(text))
        if len(text) < 400:  # an owner's own short description: the interview's reading of it is the sharper one
            own = mechanism_of(text)
            if own:
                reading["mechanism"] = own
        self.history.append(("pitch", self.facts["pitch"]))
        self.facts["pitch"] = text
        self.mark_asked("pitch")
        noted = []
        quote = reading.get("quote")
        if isinstance(quote, dict) and quote.get("amount") is not None:
            self.facts["currency"] = quote.get("currency") or "GBP"
            self.facts["quote_high"] = quote.get("high") if quote.get("high") != quote.get("amount") else None
            self._prefill("quote", float(quote["amount"]), noted)
        elif reading.get("quote_gbp") is not None:
            self.facts["currency"] = "GBP"
            self._prefill("quote", float(reading["quote_gbp"]), noted)
        fee = reading.get("monthly_fee")
        fee_amount = fee.get("amount") if isinstance(fee, dict) else reading.get("monthly_fee_gbp")
        if fee_amount is not None:
            self.facts["monthly_fee"] = float(fee_amount)
            if not self.facts["currency"]:
                self.facts["currency"] = (fee.get("currency") if isinstance(fee, dict) else None) or "GBP"
            noted.append(f"a monthly fee of {format_money(fee_amount, self.facts['currency'])}")
        for name in ("mechanism", "task"):
            if reading.get(name):
                self._prefill(name, reading[name], noted)
        if noted:
            reply = Reply("echo", "From the pitch I noted " + _join(noted) + ". If any of that is wrong, just say so "
                                  "(for example \"actually the quote was £15k\").")
        else:
            reply = Reply("echo", "Thanks, I've kept the pitch for the report.")
        return self._advance([reply])

    def _prefill(self, name: str, value: Any, noted: list[str]) -> None:
        self.facts[name] = value
        self.mark_asked(name)
        noted.append(self.describe(name, value))

    def _record(self, name: str, reading: Reading) -> Turn:
        self.history.append((name, self.facts[name]))
        self.state.clarifying = None
        self.state.misses.pop(name, None)
        if reading.status == "ok":
            self.facts[name] = reading.value
            for key, value in reading.facts.items():
                if key != name:
                    self.facts[key] = value
            echo = reading.echo or f"Got it: {self.describe(name, reading.value)}."
        else:
            self.facts[name] = None
            echo = "No problem, I'll leave that open."
        self.mark_asked(name)
        return self._advance([Reply("echo", echo)])

    def _clarify(self, reading: Reading, preface: list[Reply] | None = None) -> Turn:
        assert self.awaiting
        self.state.misses[self.awaiting] = self.state.misses.get(self.awaiting, 0) + 1
        if self.state.misses[self.awaiting] > MAX_MISSES + 1:
            return self._leave_open()
        self.state.clarifying = {"question": reading.hint, "options": list(reading.options)}
        return self._turn(list(preface or []) + [self._question_reply()])

    def _missed(self, hint: str) -> Turn:
        """An answer not read: a hint, then the choices with an example, then the question is left open."""
        assert self.awaiting
        name = self.awaiting
        misses = self.state.misses[name] = self.state.misses.get(name, 0) + 1
        self.state.clarifying = None
        if misses > MAX_MISSES:
            return self._leave_open()
        if misses == MAX_MISSES:
            spec = FIELD_BY_NAME[name]
            hint = (f"Sorry, I'm still not reading that. You could say something like {spec.example}. "
                    "Or say \"skip\" and I'll leave it open for now.")
        return self._turn([Reply("notice", hint)], reask=True)

    def _leave_open(self) -> Turn:
        name = self.awaiting
        assert name
        self.state.misses.pop(name, None)
        self.state.clarifying = None
        self.history.append((name, self.facts[name]))
        self.mark_asked(name)
        note = Reply("notice", f"I'll leave {FIELD_BY_NAME[name].short} open for now, so we don't go round in circles. "
                               "You can come back to it any time, for example by saying \"back\".")
        return self._advance([note])

    def _correction(self, text: str) -> tuple[str, Reading] | None:
        """A change to an earlier answer. It says so ("no sorry", "I meant") or names that answer with a figure
        ("the quote is £14,250"), and it reads as an answer to that question."""
        after_verdict = self.awaiting is None
        if self.awaiting == "pitch" or looks_like_question(text):
            return None
        cue = is_correction(text)
        t = text.lower()
        named = [f.name for f in FIELDS if f.names and f.name != self.awaiting and f.name in self.asked
                 and _search(f.names, text)]
        if re.search(r"\bthey\b|\bvendor\b", t):  # "they said 1,000": the vendor's answer, not the owner's count
            named.sort(key=lambda n: not n.startswith("vendor_"))
        if not cue and not after_verdict:
            # Unprompted, only a price that names itself ("the quote is £14,250") is taken as a change.
            named = [n for n in named if FIELD_BY_NAME[n].kind == "money" and re.search(r"\bquot(?:e|ed|ing)\b", t)]
            offhand = re.search(r"\bfor (?:example|instance)\b|\be\.?g\b|\bsuch as\b", t)
            if not named or offhand or not re.search(r"\d|[£$€]", _digits(t)):
                return None
        recent = list(dict.fromkeys(h[0] for h in reversed(self.history) if h[0] not in ("pitch", self.awaiting)))[:3]
        targets = named[:2] or (recent if cue and not after_verdict else [])
        inner = strip_correction(text)
        for name in targets:  # the most recent answer that the correction reads as
            reading = read_answer(name, inner, self.context())
            if reading.status != "ok" and name == "quote":
                reading = self._currency_only(inner)
            if reading.status != "ok":
                continue
            if self.awaiting and (not cue or (not named and not is_strong_correction(text))):
                current = read_answer(self.awaiting, text, self.context())
                if current.status == "ok" or (current.status == "clarify" and not named):
                    return None  # it answers the question on screen as well: take it as that answer
            return name, reading
        return None

    def _currency_only(self, text: str) -> Reading:
        """"that quote was dollars not pounds": the same amount in another currency."""
        from .readers import _currency_named

        amount = self.facts.get("quote")
        first = re.split(r"\bnot\b|\brather than\b|\binstead of\b", text.lower())[0]
        currency = _currency_named(first)
        if amount is None or currency is None:
            return Reading("unreadable")
        return Reading("ok", amount, facts={"quote": amount, "currency": currency})

    def _correct(self, name: str, reading: Reading) -> Turn:
        before = self.facts[name]
        self.history.append((name, before))
        self.facts[name] = reading.value
        for key, value in reading.facts.items():
            if key != name:
                self.facts[key] = value
        self.mark_asked(name)
        was = f" (it was {self.describe(name, before)})" if before is not None else ""
        replies = [Reply("echo", f"Changed: {self.describe(name, reading.value)}{was}.")]
        if self.awaiting is None:
            return self._show_verdict(replies)
        return self._turn(replies, reask=True)

    def _back(self) -> Turn:
        if not self.history:
            return self._turn([Reply("notice", "There's nothing to go back to yet.")], reask=True)
        name, previous = self.history.pop()
        self.facts[name] = previous
        if name in self.asked:
            self.asked.remove(name)
        if name == "pitch":  # facts pre-filled from the pitch go back with it
            for prefilled in ("mechanism", "quote", "task"):
                if prefilled in self.asked and prefilled not in [h[0] for h in self.history]:
                    self.asked.remove(prefilled)
                    self.facts[prefilled] = None
            self.facts.update({"monthly_fee": None, "quote_high": None})
        self.await_field(name)
        return self._turn([Reply("notice", "OK, let's go back to that one.")], reask=True)

    def _why(self) -> Turn:
        verdict = self.verdict or self.current_verdict()
        lines = [f"**{verdict['headline']}**", "", "This comes from the rules in order: the first level that holds decides."]
        lines += [f"- {r['text']}" for r in verdict["reasons"]]
        if self.verdict is None:
            lines.insert(0, "We haven't finished the questions yet, but on what you've told me so far:")
        return self._turn([Reply("explanation", "\n".join(lines), self._concept_sources(verdict))],
                          reask=self.awaiting is not None)

    def _explain(self, question: str) -> Turn:
        if self.explain is None:
            reply = Reply("notice", "I can't look up explanations right now, but we can carry on.")
        else:
            answer = self.explain(question)
            reply = Reply("explanation", answer.text,
                          [{"id": s.id, "title": s.title, "score": s.score} for s in answer.sources], question=question)
        spec = FIELD_BY_NAME.get(self.awaiting or "")
        if spec and spec.choices and confused_about(question):
            # "not sure what RAG is": explain, then ask again with the likeliest answer offered first.
            reading = read_answer(spec.name, question, self.context())
            likely = [reading.value] if reading.status == "ok" else [o["value"] for o in reading.options if o["value"] in spec.choice_values()]
            if likely:
                rest = tuple(v for v in spec.choice_values() if v not in likely)
                return self._clarify(clarify_choices(spec, tuple(likely) + rest, f"With that in mind: {spec.question}"), [reply])
        return self._turn([reply], reask=self.awaiting is not None)

    def apply_audit(self, result: dict[str, Any]) -> Turn:
        """Take the data audit's figures: clean examples, measured tokens, and a personal-data warning."""
        self.history.append(("clean_examples", self.facts["clean_examples"]))
        self.facts["clean_examples"] = int(result["clean"])
        if result.get("tokens_per_example"):
            self.extra["tokens_per_example"] = int(round(result["tokens_per_example"]))
        self.mark_asked("clean_examples")
        notes = [f"The audit found {result['clean']:,} clean examples out of {result['rows']:,} rows, so I've "
                 f"set clean examples to {result['clean']:,}."]
        if result.get("pii_rows") and self.facts["personal_data"] is None:
            self.facts["personal_data"] = "unsure"
            notes.append(f"{result['pii_rows']:,} of them hold personal data, so I've marked personal data as "
                         "'not sure' for now; I'll ask whether it may lawfully be shared.")
        replies = [Reply("echo", " ".join(notes))]
        if self.awaiting is None and self.state.finished:
            return self._show_verdict(replies)
        if self.awaiting == "clean_examples":
            self.state.clarifying = None
            return self._advance(replies)
        return self._turn(replies, reask=self.awaiting is not None)

    # --- moving on -----------------------------------------------------------------------------------------
    def _next_field(self) -> str | None:
        for name in ORDER:
            if name in self.asked:
                continue
            if name == "pitch" or self._can_change(name):
                return name
        return None

    def _can_change(self, name: str) -> bool:
        """Would any answer to this field change what the owner sees in the verdict?"""
        seen = set()
        for value in _probe_values(name, self.settings):
            seen.add(_signature(assess({**self.facts, **self.extra, name: value}, self.settings)))
            if len(seen) > 1:
                return True
        return False

    def _advance(self, replies: list[Reply]) -> Turn:
        self.state.clarifying = None
        self.awaiting = self._next_field()
        if self.awaiting is None:
            return self._show_verdict(replies)
        self.state.finished = False
        replies.append(self._question_reply())
        return self._turn(replies)

    def _show_verdict(self, replies: list[Reply]) -> Turn:
        self.awaiting = None
        self.state.finished = True
        verdict = self.current_verdict()
        replies.append(Reply("verdict", verdict_text(verdict), self._concept_sources(verdict)))
        replies.append(Reply("notice", AFTER_VERDICT))
        return self._turn(replies)

    def _concept_sources(self, verdict: dict[str, Any]) -> list[dict[str, Any]]:
        ids: list[str] = []
        for item in verdict["reasons"] + verdict["cautions"] + verdict["red_flags"]:
            ids += [c for c in item["concepts"] if c not in ids]
        return [{"id": cid, "title": self.titles.get(cid, cid.replace("-", " ").capitalize())} for cid in ids]

    def _question_reply(self) -> Reply:
        awaiting = self.current_awaiting()
        assert awaiting
        text = awaiting["question"]
        if awaiting["choices"]:
            text += "\n" + "\n".join(f"{i}. {c['label']}" for i, c in enumerate(awaiting["choices"], 1))
        return Reply("question", text)

    def _turn(self, replies: list[Reply], reask: bool = False) -> Turn:
        if reask and self.awaiting:
            replies.append(self._question_reply())
        for r in replies:
            self.transcript.append(("pitchcheck", r.text))
        return Turn(replies, self.current_awaiting(), dict(self.facts), self.verdict)

    def describe(self, name: str, value: Any) -> str:
        """A fact in plain words, in the quote's currency."""
        spec = FIELD_BY_NAME.get(name)
        if value is None:
            return f"{spec.short if spec else name.replace('_', ' ')} unknown"
        if name == "quote":
            return f"a quote of {format_money(value, self.facts.get('currency'))}"
        if name == "clean_examples":
            return f"about {value:,} clean examples"
        if name == "monthly_volume":
            return f"about {value:,} a month"
        if spec and spec.choices:
            return f"{spec.short}: {spec.label_of(value).lower()}"
        return str(value)


def _digits(t: str) -> str:
    from .figures import _words_to_digits

    return _words_to_digits(t)


def _search(pattern: str, text: str) -> bool:
    return bool(re.search(pattern, text.lower()))


def _signature(verdict: dict[str, Any]) -> tuple:
    """What the owner would see change: the verdict, its rule codes, the questions and which figures exist."""
    return (
        verdict["verdict"],
        tuple(r["code"] for r in verdict["reasons"]),
        tuple(c["code"] for c in verdict["cautions"]),
        tuple(f["code"] for f in verdict["red_flags"]),
        tuple(verdict["vendor_questions"]),
        tuple(k for k, v in sorted(verdict["economics"].items()) if v is not None),
    )


def _probe_values(name: str, settings: Settings) -> list[Any]:
    spec = FIELD_BY_NAME[name]
    if spec.kind == "choice":
        return [None, *spec.choice_values()]
    edge = settings.min_clean_examples if name == "clean_examples" else settings.min_monthly_volume
    return [None, 0, edge - 1, edge, edge * 100]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _item_line(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    if item.get("question"):  # a claim to test, with the question that tests it
        return f"\"{item['text']}\" Ask: {item['question']}"
    return str(item["text"])


def verdict_text(verdict: dict[str, Any]) -> str:
    """The verdict as Markdown for a chat or a terminal."""
    out = [f"## {verdict['headline']}"]
    for title, key in (("Why", "reasons"), ("Also worth knowing", "also_worth_knowing"), ("Cautions", "cautions"), ("Red flags", "red_flags"),
                       ("Claims to test", "claims_to_test")):
        items = verdict.get(key) or []
        if items:
            out += ["", f"**{title}**"] + [f"- {_item_line(item)}" for item in items]
    if verdict["vendor_questions"]:
        out += ["", "**Questions to put to the vendor**"] + [f"- {q}" for q in verdict["vendor_questions"]]
    summary = verdict.get("economics", {}).get("summary")
    if summary:
        out += ["", "**The economics**", summary]
    return "\n".join(out)
