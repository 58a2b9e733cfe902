"""What a turn is made of: the replies, the question awaited, the state a session saves, and the verdict as text.

These are the plain shapes the engine hands to its front ends (the terminal, the JSON protocol, the web app).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from .facts import FIELD_BY_NAME, empty_facts

if TYPE_CHECKING:
    from .verdict import ClaimToTest, Item, Verdict

WELCOME = (
    "Hello, I'm Pitchcheck. A vendor wants to fine-tune an AI model on your data: I'll help you judge whether "
    "that's worth the money. I'll ask a few short questions, then give you a verdict from published rules, "
    "with reasons in your own numbers and the questions to put to the vendor. You can ask me what any term "
    'means at any point, say "back" to change your last answer, or "restart".'
)
WELCOME_SHORT = "Hi, I'm Pitchcheck: I check fine-tuning pitches. A few questions, then a verdict. Ask about any term as we go."
AFTER_VERDICT = (
    'You can ask "why?", change an answer (for example "actually we have 200 examples"), ask what a term means, or say "restart".'
)


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
    verdict: Verdict | None

    def as_json(self) -> dict[str, Any]:
        """The lock-step protocol object of `pitchcheck chat --json`."""
        return {
            "replies": [
                {"kind": r.kind, "text": r.text, "sources": [{"id": s["id"], "title": s["title"]} for s in r.sources]}
                for r in self.replies
            ],
            "awaiting": self.awaiting,
            "facts": self.facts,
            "verdict": self.verdict,
        }


def awaiting_object(name: str, options: list[dict[str, str]] | None = None, question: str | None = None) -> Awaiting:
    spec = FIELD_BY_NAME[name]
    choices = options if options is not None else [{"value": c.value, "label": c.label} for c in spec.choices]
    return {
        "field": name,
        "question": question or spec.question,
        "choices": [{"value": c["value"], "label": c["label"]} for c in choices],
    }


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
    said: dict[str, str] = field(default_factory=dict)  # words from the pitch to ask back at a question ("9 grand")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["transcript"] = data["transcript"][-200:]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
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
        state.history = [
            (legacy.get(str(h[0]), str(h[0])), h[1])
            for h in data.get("history", [])
            if isinstance(h, (list, tuple)) and len(h) == 2
        ]
        awaiting = legacy.get(data.get("awaiting") or "", data.get("awaiting"))
        state.awaiting = awaiting if awaiting in FIELD_BY_NAME else None
        state.finished = bool(data.get("finished") or data.get("verdict"))
        state.misses = {k: int(v) for k, v in (data.get("misses") or {}).items() if k in FIELD_BY_NAME}
        clarifying = data.get("clarifying")
        state.clarifying = clarifying if isinstance(clarifying, dict) and state.awaiting else None
        state.transcript = [tuple(t) for t in data.get("transcript", []) if isinstance(t, (list, tuple)) and len(t) == 2]
        said = data.get("said")
        state.said = {k: str(v) for k, v in said.items() if k in FIELD_BY_NAME} if isinstance(said, dict) else {}
        return state


def _item_line(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    if item.get("question"):  # a claim to test, with the question that tests it
        return f'"{item["text"]}" Ask: {item["question"]}'
    return str(item["text"])


def verdict_text(verdict: Verdict) -> str:
    """The verdict as Markdown for a chat or a terminal."""
    out = [f"## {verdict['headline']}"]
    sections: tuple[tuple[str, list[Item] | list[ClaimToTest]], ...] = (
        ("Why", verdict["reasons"]),
        ("Also worth knowing", verdict["also_worth_knowing"]),
        ("Cautions", verdict["cautions"]),
        ("Red flags", verdict["red_flags"]),
        ("Claims to test", verdict["claims_to_test"]),
    )
    for title, items in sections:
        if items:
            out += ["", f"**{title}**"] + [f"- {_item_line(item)}" for item in items]
    if verdict["vendor_questions"]:
        out += ["", "**Questions to put to the vendor**"] + [f"- {q}" for q in verdict["vendor_questions"]]
    summary = verdict.get("economics", {}).get("summary")
    if summary:
        out += ["", "**The economics**", summary]
    return "\n".join(out)
