"""The interview: one turn in as text, one plain data object out. No UI code here.

A Session keeps what it saves (SessionState: the facts, what was asked, what is awaited) apart from what it uses
(settings, the explainer, glossary titles and the embedder); the verdict is computed from the facts when shown,
never stored, so it cannot go stale.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from .agenda import ORDER, WHY_ASKED, next_question
from .asking import Asking, period_of
from .choices import Embed
from .clean import clean_input
from .corrections import find_correction, restated
from .facts import FIELD_BY_NAME
from .first_message import FirstMessage
from .intents import RESTART_CHECK, asks_after, compares_terms, confused_about, looks_like_question, read_intent, strip_correction
from .money import ASSUMED, CURRENCY_NAMES, format_money
from .phrasings import ASKS_WHICH
from .readers import SOMETHING_ELSE, Context, Reading, clarify_choices, read_answer
from .sentences import lower_first
from .settings import Settings, get_settings
from .turns import (
    AFTER_VERDICT,
    WELCOME,
    WELCOME_SHORT,
    Awaiting,
    Choice,
    Reply,
    SessionState,
    Turn,
    awaiting_object,
    verdict_text,
)
from .verdict import Verdict, assess

__all__ = [
    "AFTER_VERDICT",
    "ORDER",
    "WELCOME",
    "WELCOME_SHORT",
    "Awaiting",
    "Choice",
    "Reply",
    "Session",
    "SessionState",
    "Turn",
    "awaiting_object",
    "verdict_text",
]

log = logging.getLogger(__name__)


Explain = Callable[[str], Any]  # question -> explain.Answer
ReadField = Callable[[str, str, list[str], str], "str | None"]  # (field, question, choice values, text) -> a value or None


class Session(Asking, FirstMessage):
    """Runs the interview over a SessionState; handle(text) is one turn."""

    def __init__(
        self,
        settings: Settings | None = None,
        explain: Explain | None = None,
        titles: dict[str, str] | None = None,
        embed: Embed | None = None,
        welcome: str | None = None,
        state: SessionState | None = None,
        read_field: ReadField | None = None,
    ):
        self.settings = settings or get_settings()
        self._picked = False  # while a button's value is read (choose)
        self._restart_asked = False  # "restart" part-way through was asked back: said again, it starts afresh
        self.read_field = read_field  # the LLM's reading, when one is configured: offered back, never taken silently
        self.explain = explain
        self.titles = titles or {}  # concept id -> glossary title, for naming sources
        self.embed = embed
        self.welcome = welcome or WELCOME  # a front end passes its own (the widget's is WELCOME_SHORT)
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
    def verdict(self) -> Verdict | None:
        return self.current_verdict() if self.state.finished and self.state.awaiting is None else None

    def to_dict(self) -> dict[str, Any]:
        return self.state.to_dict()

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        settings: Settings | None = None,
        explain: Explain | None = None,
        titles: dict[str, str] | None = None,
        embed: Embed | None = None,
        welcome: str | None = None,
    ) -> Session:
        return cls(settings, explain, titles, embed, welcome, SessionState.from_dict(data or {}))

    def current_verdict(self) -> Verdict:
        left_open = [n for n in self.asked if n != "pitch" and self.facts.get(n) is None]  # "don't know", or skipped
        return assess({**self.facts, **self.extra, "left_open": left_open}, self.settings)

    def current_awaiting(self) -> Awaiting | None:
        """The question on screen now, narrowed to the likeliest readings while a clarifying question is open."""
        if not self.awaiting:
            return None
        c = self.state.clarifying
        if c:
            return awaiting_object(self.awaiting, c["options"], c["question"])
        return awaiting_object(self.awaiting)

    def context(self) -> Context:
        return Context(
            self.settings.min_clean_examples,
            self.settings.min_monthly_volume,
            self.facts.get("currency"),
            self.embed,
            self._picked,
        )

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
    def restart(self) -> Turn:
        """A fresh check: every answer cleared, the welcome and the first question again."""
        self.state = SessionState()
        return self.start()

    def start(self) -> Turn:
        self.awaiting = "pitch"
        return self._turn([Reply("welcome", self.welcome), self._question_reply()])

    def choose(self, value: str) -> Turn:
        """A choice's button: its value is taken as that choice (a typed bare "no" may be asked back)."""
        self._picked = True
        return self.handle(value)

    def handle(self, text: str) -> Turn:
        """One turn: never raises for any text."""
        try:
            return self._handle(text)
        except Exception:  # a bug must not end the conversation; the owner's facts are kept
            log.exception("turn failed (awaiting=%s)", self.awaiting)
            replies = [
                Reply(
                    "error",
                    "Sorry, something went wrong on my side reading that. Your answers so far "
                    "are safe; please try saying it another way.",
                )
            ]
            if self.awaiting:
                replies.append(self._question_reply())
            return self._turn(replies)
        finally:
            self._picked = False

    def _handle(self, raw: str) -> Turn:
        text = clean_input(raw if isinstance(raw, str) else "")
        too_long = self.settings.message_too_long(text)
        if too_long:
            return self._turn([Reply("error", too_long)], reask=True)
        if not text:
            return self._turn([Reply("notice", "I didn't catch anything there.")], reask=True)
        self.transcript.append(("owner", text))

        intent = read_intent(text)
        confirmed, self._restart_asked = self._restart_asked, False
        if intent == "restart":
            answered = any(v is not None for v in self.facts.values())
            if answered and not self.state.finished and not confirmed:  # part-way through: nothing goes unasked
                self._restart_asked = True
                return self._turn([Reply("notice", RESTART_CHECK)], reask=True)
            return self.restart()
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

        correction = find_correction(self, text)
        if correction:
            return self._correct(*correction)
        if looks_like_question(text):
            rest = self._answer_after_question(text)
            if rest is None:
                return self._explain(text)
            text = rest  # "is that per site or all three shops? altogether about 900": the answer after the question
        if self.awaiting is None:
            return self._turn([Reply("notice", AFTER_VERDICT)])

        option, picked = self._option_text(text)
        self._picked = self._picked or picked
        answer = self._carry_period(option)
        reading = Reading("skip") if intent == "skip" else read_answer(self.awaiting, answer, self.context())
        if reading.status == "unreadable" and self.facts.get(self.awaiting) is not None:  # "no wait, that's per week"
            again = restated(self, self.awaiting, strip_correction(answer))
            reading = again if again.status != "unreadable" else reading
        if reading.status in ("unreadable", "clarify"):
            reading = self._ask_llm(text, reading)
        if reading.status == "unreadable" and asks_after(text):
            return self._explain(text)  # "my website hosting bill went up, should I switch web host": asked, unanswered
        if reading.status == "unreadable":
            return self._missed(reading.hint or "I couldn't read that answer.")
        if reading.status == "clarify":
            return self._clarify(reading, carry=period_of(answer))
        return self._record(self.awaiting, reading)

    # --- pieces of a turn ----------------------------------------------------------------------------------
    def _answer_after_question(self, text: str) -> str | None:
        """The words after a leading question mark, when they answer the question on screen by themselves."""
        head, mark, rest = text.partition("?")
        rest = rest.strip(" ,.;:-")
        if not (mark and self.awaiting and rest) or looks_like_question(rest):
            return None
        if ASKS_WHICH.search(text) and not re.search(r"\b(?:altogether|in total|all in|all told|either way|both)\b", rest):
            return text  # "do you mean customers or orders? we've 200 regulars": read whole, it asks which is meant
        if re.match(r"(?i)\s*(?:what(?:'s| is| are| does)|whats|explain|how does)\b", head) or compares_terms(head):
            return None  # "what's a DPIA? none of that applies": the question about a term is answered first
        if re.match(r"(?i)(?:otherwise|if (?:so|not|yes|no|it does|they do)|unless|or else|in which case|depending)\b", rest):
            return None  # "does a farm name count? otherwise no": the answer hangs on the owner's own question
        reading = read_answer(self.awaiting, rest, self.context())
        return rest if reading.status == "ok" or (reading.status == "clarify" and not reading.weak) else None

    def _record(self, name: str, reading: Reading) -> Turn:
        assumed = self.state.said.pop("assumed_currency", None)  # "dunno" which currency: say what was taken
        self.history.append((name, self.facts[name]))
        self.state.clarifying = None
        self.state.misses.pop(name, None)
        if reading.status == "ok":
            self.facts[name] = reading.value
            for key, value in reading.facts.items():
                if key != name:
                    self.facts[key] = value
            echo = reading.echo or f"Got it: {self.describe(name, reading.value)}."
            echo = f"{echo[:-1]}, in {CURRENCY_NAMES[self.facts['currency']]}{ASSUMED}" if assumed else echo
        else:
            self.facts[name] = None
            echo = "No problem, I'll leave that open."
        self.mark_asked(name)
        return self._advance([Reply("echo", echo)])

    def _correct(self, name: str, reading: Reading) -> Turn:
        if reading.status == "clarify":  # the change reads two ways: ask at that question, then come back
            self.await_field(name)
            return self._clarify(reading)
        before = self.facts[name]
        was = f" (it was {self.describe(name, before)})" if before is not None else ""  # in the currency it was in
        self.history.append((name, before))
        self.facts[name] = reading.value
        for key, value in reading.facts.items():
            if key != name:
                self.facts[key] = value
        self.mark_asked(name)
        changed = reading.echo if reading.echo.startswith("Changed: ") else f"Changed: {self.describe(name, reading.value)}{was}."
        replies = [Reply("echo", changed)]
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
        if self.verdict is None and self.awaiting in WHY_ASKED:
            # Mid-interview, "why do you need that?" asks about the question on screen, not the verdict.
            reason = WHY_ASKED[self.awaiting].format(
                clean=self.settings.min_clean_examples, volume=self.settings.min_monthly_volume
            )
            return self._turn([Reply("notice", reason)], reask=True)
        verdict = self.verdict or self.current_verdict()
        lines = [f"**{verdict['headline']}**", "", "This comes from the rules in order: the first level that holds decides."]
        lines += [f"- {r['text']}" for r in verdict["reasons"]]
        if self.verdict is None:
            lines.insert(0, "We haven't finished the questions yet, but on what you've told me so far:")
        return self._turn(
            [Reply("explanation", "\n".join(lines), self._concept_sources(verdict))], reask=self.awaiting is not None
        )

    def _explain(self, question: str) -> Turn:
        if self.explain is None:
            reply = Reply("notice", "I can't look up explanations right now, but we can carry on.")
        else:
            answer = self.explain(question)
            reply = Reply(
                "explanation",
                answer.text,
                [{"id": s.id, "title": s.title, "score": s.score, "drawn": bool(s.sections)} for s in answer.sources],
                question=question,
            )
        spec = FIELD_BY_NAME.get(self.awaiting or "")
        if spec and spec.choices and confused_about(question):
            # "not sure what RAG is": explain, then ask again with the likeliest answer offered first.
            reading = read_answer(spec.name, question, self.context())
            likely = (
                [reading.value]
                if reading.status == "ok"
                else [o["value"] for o in reading.options if o["value"] in spec.choice_values()]
            )
            if likely:
                rest = tuple(v for v in spec.choice_values() if v not in likely)
                return self._clarify(clarify_choices(spec, tuple(likely) + rest, f"With that in mind: {spec.question}"), [reply])
        return self._turn([reply], reask=self.awaiting is not None)

    def apply_audit(self, result: dict[str, Any]) -> Turn:
        """Take the data audit's figures: clean examples, measured tokens, and a personal-data warning."""
        before, clean = self.facts["clean_examples"], int(result["clean"])
        self.history.append(("clean_examples", before))
        self.facts["clean_examples"] = self.extra["audited_clean"] = clean
        if result.get("tokens_per_example"):
            self.extra["tokens_per_example"] = round(result["tokens_per_example"])
        self.mark_asked("clean_examples")
        had = f' (you had said {before:,}; say "back" to keep that).' if before not in (None, clean) else "."
        notes = [f"The audit found {clean:,} clean examples out of {result['rows']:,} rows, so I'll work from {clean:,}{had}"]
        rows = int(result.get("pii_rows") or 0)
        self.extra["pii_rows"] = rows  # the verdict's cautions and the personal-data question name it
        if rows:
            holds = f"{rows:,} of the rows {'holds' if rows == 1 else 'hold'} personal data"
            if self.facts["personal_data"] in (None, "none"):
                said_none = self.facts["personal_data"] == "none"
                if said_none:
                    self.history.append(("personal_data", "none"))  # "back" brings the owner's answer back
                self.facts["personal_data"] = None  # asked again, with what the audit found
                if "personal_data" in self.asked:
                    self.asked.remove("personal_data")
                notes.append(f"{holds}{', though you told me there was none' if said_none else ''}: I'll ask about it.")
            else:
                notes.append(f"{holds}; the verdict's cautions say what to do about it.")
        replies = [Reply("echo", " ".join(notes))]
        if self.awaiting is None and self.state.finished and self._next_field() is None:
            return self._show_verdict(replies)
        if self.awaiting is None:
            return self._advance(replies)
        if self.awaiting == "clean_examples":
            self.state.clarifying = None
            return self._advance(replies)
        return self._turn(replies, reask=self.awaiting is not None)

    # --- moving on -----------------------------------------------------------------------------------------
    def _next_field(self) -> str | None:
        return next_question(self.facts, self.extra, self.asked, self.settings)

    def _advance(self, replies: list[Reply]) -> Turn:
        self.state.clarifying = None
        self.awaiting = self._next_field()
        if self.awaiting is None:
            return self._show_verdict(replies)
        self.state.finished = False
        if self.awaiting == "personal_data" and self.extra.get("pii_rows"):  # the audit found some: lawful or not?
            spec = FIELD_BY_NAME["personal_data"]
            rows = self.extra["pii_rows"]
            found = f"The audit found personal data in {rows:,} of your examples. May it lawfully go to the vendor?"
            asked = clarify_choices(spec, ("lawful", "not_lawful", "unsure"), found)
            self.state.clarifying = {"question": asked.hint, "options": list(asked.options)}
        said = self.state.said.pop(self.awaiting, None)
        if said:  # "they want like 9 grand" in the pitch: its price asked back in each currency, not from scratch
            reading = read_answer(self.awaiting, said, self.context())
            if reading.status == "clarify":
                question = f"The pitch gave a price. {reading.hint}"
                self.state.clarifying = {"question": question, "options": list(reading.options)}
        replies.append(self._question_reply())
        return self._turn(replies)

    def _show_verdict(self, replies: list[Reply]) -> Turn:
        self.awaiting = None
        self.state.finished = True
        verdict = self.current_verdict()
        replies.append(Reply("verdict", verdict_text(verdict), self._concept_sources(verdict)))
        replies.append(Reply("notice", AFTER_VERDICT))
        return self._turn(replies)

    def _concept_sources(self, verdict: Verdict) -> list[dict[str, Any]]:
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
            label = spec.label_of(value)
            return f"{spec.short}: {lower_first(label)}"
        return str(value)
