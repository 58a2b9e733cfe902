"""The interview: one turn in as text, one plain data object out. No UI code here."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from .clean import clean_input
from .facts import FIELD_BY_NAME, FIELDS, empty_facts
from .pitch import read_pitch
from .readers import Reading, looks_like_question, read_answer, read_correction, read_intent
from .settings import Settings, get_settings
from .verdict import assess

log = logging.getLogger(__name__)

# The order questions are asked in; the pitch comes first and pre-fills what it can.
ORDER = tuple(f.name for f in FIELDS)

WELCOME = (
    "Hello, I'm Pitchcheck. A vendor wants to fine-tune an AI model on your data: I'll help you judge whether "
    "that's worth the money. I'll ask a few short questions, then give you a verdict from published rules, "
    "with reasons in your own numbers and the questions to put to the vendor. You can ask me what any term "
    "means at any point, say \"back\" to change your last answer, or \"restart\"."
)
WELCOME_SHORT = "Hi, I'm Pitchcheck: I check fine-tuning pitches. A few questions, then a verdict. Ask about any term as we go."
AFTER_VERDICT = ("You can ask \"why?\", change an answer (for example \"actually we have 200 examples\"), "
                 "ask what a term means, or say \"restart\".")


@dataclass
class Reply:
    kind: str  # welcome | echo | question | explanation | verdict | notice | error
    text: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    question: str | None = None  # for explanations: the question asked, so a front end can stream an LLM version


@dataclass
class Turn:
    replies: list[Reply]
    awaiting: dict[str, Any] | None
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


def awaiting_object(name: str) -> dict[str, Any]:
    spec = FIELD_BY_NAME[name]
    return {"field": name, "question": spec.question,
            "choices": [{"value": c.value, "label": c.label} for c in spec.choices]}


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


Explain = Callable[[str], Any]  # question -> explain.Answer


class Session:
    """Holds the facts, the question awaited and the history; handle(text) runs one turn."""

    def __init__(self, settings: Settings | None = None, explain: Explain | None = None, compact: bool = False,
                 titles: dict[str, str] | None = None):
        self.settings = settings or get_settings()
        self.explain = explain
        self.compact = compact
        self.titles = titles or {}  # concept id -> glossary title, for naming sources
        self.facts: dict[str, Any] = empty_facts()
        self.extra: dict[str, Any] = {}  # measured by the audit (tokens_per_example), not asked
        self.asked: list[str] = []  # fields answered or skipped, in order (for "back")
        self.history: list[tuple[str, Any]] = []  # (field, value before the change)
        self.awaiting: str | None = None
        self.verdict: dict[str, Any] | None = None
        self.transcript: list[tuple[str, str]] = []  # (who, text): what the owner typed is never lost

    # --- state -------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"facts": self.facts, "extra": self.extra, "asked": self.asked, "history": self.history,
                "awaiting": self.awaiting, "verdict": self.verdict, "transcript": self.transcript[-200:]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], settings: Settings | None = None, explain: Explain | None = None,
                  compact: bool = False, titles: dict[str, str] | None = None) -> "Session":
        s = cls(settings, explain, compact, titles)
        s.facts.update({k: v for k, v in data.get("facts", {}).items() if k in s.facts})
        s.extra = dict(data.get("extra", {}))
        s.asked = [a for a in data.get("asked", []) if a in FIELD_BY_NAME]
        s.history = [tuple(h) for h in data.get("history", [])]
        s.awaiting = data.get("awaiting") if data.get("awaiting") in FIELD_BY_NAME else None
        s.verdict = data.get("verdict")
        s.transcript = [tuple(t) for t in data.get("transcript", [])]
        return s

    def current_verdict(self) -> dict[str, Any]:
        return assess({**self.facts, **self.extra}, self.settings)

    # --- turns -------------------------------------------------------------------------------------------
    def start(self) -> Turn:
        self.awaiting = "pitch"
        welcome = Reply("welcome", WELCOME_SHORT if self.compact else WELCOME)
        return self._turn([welcome, self._question_reply()])

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
        if len(text) > self.settings.max_message_chars:
            return self._turn([Reply("error", f"That message is longer than I can take ({len(text):,} characters; "
                                              f"the limit is {self.settings.max_message_chars:,}). Please send a "
                                              "shorter version, or the part that matters most.")], reask=True)
        if not text:
            return self._turn([Reply("notice", "I didn't catch anything there.")], reask=True)
        self.transcript.append(("owner", text))

        intent = read_intent(text)
        if intent == "restart":
            self.__init__(self.settings, self.explain, self.compact, self.titles)
            return self.start()
        if intent == "back":
            return self._back()
        if intent == "why":
            return self._why()
        if intent == "help" and self.awaiting:
            return self._turn([Reply("notice", FIELD_BY_NAME[self.awaiting].hint)], reask=True)

        if self.awaiting == "pitch" and intent != "skip" and not looks_like_question(text):
            return self._take_pitch(text)

        correction = read_correction(text) if self.awaiting != "pitch" else None
        if correction and correction[0] != self.awaiting and correction[1].status == "ok":
            return self._correct(*correction)

        if looks_like_question(text):
            return self._explain(text)

        if self.awaiting is None:
            return self._turn([Reply("notice", AFTER_VERDICT)])

        reading = read_answer(self.awaiting, text) if intent != "skip" else Reading("skip")
        if reading.status == "unreadable":
            return self._turn([Reply("notice", reading.hint or "I couldn't read that answer.")], reask=True)
        return self._record(self.awaiting, reading)

    # --- pieces of a turn ----------------------------------------------------------------------------------
    def _take_pitch(self, text: str) -> Turn:
        reading = read_pitch(text)
        self.history.append(("pitch", self.facts["pitch"]))
        self.facts["pitch"] = text
        self.asked.append("pitch")
        noted = []
        prefill = {"mechanism": reading.get("mechanism"), "quote_gbp": reading.get("quote_gbp"),
                   "monthly_fee_gbp": reading.get("monthly_fee_gbp"), "task": reading.get("task")}
        for name, value in prefill.items():
            if value is None:
                continue
            self.facts[name] = value
            if name in FIELD_BY_NAME:
                self.asked.append(name)
            noted.append(_describe(name, value))
        replies = []
        if noted:
            replies.append(Reply("echo", "From the pitch I noted " + _join(noted) + ". If any of that is wrong, "
                                         "just say so (for example \"actually the quote was £15k\")."))
        else:
            replies.append(Reply("echo", "Thanks, I've kept the pitch for the report."))
        return self._advance(replies)

    def _record(self, name: str, reading: Reading) -> Turn:
        self.history.append((name, self.facts[name]))
        if reading.status == "ok":
            self.facts[name] = reading.value
            echo = reading.echo or f"Got it: {_describe(name, reading.value)}."
        else:
            self.facts[name] = None
            echo = "No problem, I'll leave that open."
        if name not in self.asked:
            self.asked.append(name)
        return self._advance([Reply("echo", echo)])

    def _correct(self, name: str, reading: Reading) -> Turn:
        self.history.append((name, self.facts[name]))
        self.facts[name] = reading.value
        if name not in self.asked:
            self.asked.append(name)
        replies = [Reply("echo", f"Changed: {_describe(name, reading.value)}.")]
        if self.awaiting is None:
            return self._show_verdict(replies)
        return self._advance(replies)

    def _back(self) -> Turn:
        if not self.history:
            return self._turn([Reply("notice", "There's nothing to go back to yet.")], reask=True)
        name, previous = self.history.pop()
        self.facts[name] = previous
        if name in self.asked:
            self.asked.remove(name)
        if name == "pitch":  # facts pre-filled from the pitch go back with it
            for prefilled in ("mechanism", "quote_gbp", "task"):
                if prefilled in self.asked and prefilled not in [h[0] for h in self.history]:
                    self.asked.remove(prefilled)
                    self.facts[prefilled] = None
            self.facts["monthly_fee_gbp"] = None
        self.awaiting = name
        self.verdict = None
        return self._turn([Reply("notice", "OK, let's go back to that one.")], reask=True)

    def _why(self) -> Turn:
        verdict = self.verdict or self.current_verdict()
        lines = [f"**{verdict['headline']}**", "", "This comes from the rules in order: the first level that holds decides."]
        lines += [f"- {r['text']}" for r in verdict["reasons"]]
        if self.verdict is None:
            lines.insert(0, "We haven't finished the questions yet, but on what you've told me so far:")
        sources = self._concept_sources(verdict)
        return self._turn([Reply("explanation", "\n".join(lines), sources)], reask=self.awaiting is not None)

    def _explain(self, question: str) -> Turn:
        if self.explain is None:
            reply = Reply("notice", "I can't look up explanations right now, but we can carry on.")
        else:
            answer = self.explain(question)
            reply = Reply("explanation", answer.text,
                          [{"id": s.id, "title": s.title, "score": s.score} for s in answer.sources], question=question)
        return self._turn([reply], reask=self.awaiting is not None)

    def apply_audit(self, result: dict[str, Any]) -> Turn:
        """Take the data audit's figures: clean examples, measured tokens, and a personal-data warning."""
        self.history.append(("clean_examples", self.facts["clean_examples"]))
        self.facts["clean_examples"] = int(result["clean"])
        if result.get("tokens_per_example"):
            self.extra["tokens_per_example"] = int(round(result["tokens_per_example"]))
        if "clean_examples" not in self.asked:
            self.asked.append("clean_examples")
        notes = [f"The audit found {result['clean']:,} clean examples out of {result['rows']:,} rows, so I've "
                 f"set clean examples to {result['clean']:,}."]
        if result.get("pii_rows") and self.facts["personal_data"] is None:
            self.facts["personal_data"] = "unsure"
            notes.append(f"{result['pii_rows']:,} of them hold personal data, so I've marked personal data as "
                         "'not sure' for now; I'll ask whether it may lawfully be shared.")
        replies = [Reply("echo", " ".join(notes))]
        if self.awaiting is None and self.verdict is not None:
            return self._show_verdict(replies)
        if self.awaiting == "clean_examples":
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
        self.awaiting = self._next_field()
        if self.awaiting is None:
            return self._show_verdict(replies)
        self.verdict = None
        replies.append(self._question_reply())
        return self._turn(replies)

    def _show_verdict(self, replies: list[Reply]) -> Turn:
        self.awaiting = None
        self.verdict = self.current_verdict()
        replies.append(Reply("verdict", verdict_text(self.verdict), self._concept_sources(self.verdict)))
        replies.append(Reply("notice", AFTER_VERDICT))
        return self._turn(replies)

    def _concept_sources(self, verdict: dict[str, Any]) -> list[dict[str, Any]]:
        ids: list[str] = []
        for item in verdict["reasons"] + verdict["cautions"] + verdict["red_flags"]:
            ids += [c for c in item["concepts"] if c not in ids]
        return [{"id": cid, "title": self.titles.get(cid, cid.replace("-", " ").capitalize())} for cid in ids]

    def _question_reply(self) -> Reply:
        spec = FIELD_BY_NAME[self.awaiting]
        text = spec.question
        if spec.choices:
            text += "\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(spec.choices, 1))
        return Reply("question", text)

    def _turn(self, replies: list[Reply], reask: bool = False) -> Turn:
        if reask and self.awaiting:
            replies.append(self._question_reply())
        for r in replies:
            self.transcript.append(("pitchcheck", r.text))
        awaiting = awaiting_object(self.awaiting) if self.awaiting else None
        return Turn(replies, awaiting, dict(self.facts), self.verdict)


def _describe(name: str, value: Any) -> str:
    spec = FIELD_BY_NAME.get(name)
    if value is None:
        return f"{name.replace('_', ' ')} unknown"
    if name == "quote_gbp":
        return f"a quote of £{value:,.0f}"
    if name == "monthly_fee_gbp":
        return f"a monthly fee of £{value:,.0f}"
    if name == "clean_examples":
        return f"about {value:,} clean examples"
    if name == "monthly_volume":
        return f"about {value:,} a month"
    if spec and spec.choices:
        return f"{_SHORT_NAMES.get(name, name)}: {spec.label_of(value).lower()}"
    return str(value)


_SHORT_NAMES = {
    "mechanism": "what the vendor will do", "task": "the task", "task_stable": "task stays the same",
    "personal_data": "personal data", "prompt_rag": "prompting and RAG", "fresh_knowledge": "needs up-to-date facts",
    "regulated": "decisions about individuals", "vendor_examples": "vendor said how many examples",
    "vendor_shortfall": "vendor's plan for too few examples", "vendor_retraining": "vendor's retraining plan",
}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def verdict_text(verdict: dict[str, Any]) -> str:
    """The verdict as Markdown for a chat or a terminal."""
    out = [f"## {verdict['headline']}"]
    for title, key in (("Why", "reasons"), ("Cautions", "cautions"), ("Red flags", "red_flags")):
        if verdict[key]:
            out += ["", f"**{title}**"] + [f"- {item['text']}" for item in verdict[key]]
    if verdict["vendor_questions"]:
        out += ["", "**Questions to put to the vendor**"] + [f"- {q}" for q in verdict["vendor_questions"]]
    summary = verdict.get("economics", {}).get("summary")
    if summary:
        out += ["", "**The economics**", summary]
    return "\n".join(out)
