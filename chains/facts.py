"""The facts the interview gathers: each field's kind, choices and question, in one table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "choice", "count", "money", "volume"]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One fact: how it is asked, what answers it takes, and what it means."""

    name: str
    kind: Kind
    question: str
    hint: str
    choices: tuple[Choice, ...] = field(default=())
    concept: str | None = None  # glossary id to explain the question

    def choice_values(self) -> list[str]:
        return [c.value for c in self.choices]

    def label_of(self, value: Any) -> str:
        for c in self.choices:
            if c.value == value:
                return c.label
        return str(value)


YES_NO_UNSURE = (Choice("yes", "Yes"), Choice("no", "No"), Choice("unsure", "Not sure"))
VENDOR_ANSWER = (
    Choice("yes", "Yes, they answered clearly"),
    Choice("no", "No, they could not say"),
    Choice("not_asked", "I haven't asked"),
)

FIELDS: tuple[Field, ...] = (
    Field(
        "pitch", "text",
        "Paste what the vendor said or sent you, or describe the offer in your own words.",
        "A sentence or two is enough, for example: \"They'll fine-tune the model on our reports for £18,000.\"",
    ),
    Field(
        "mechanism", "choice",
        "What will the vendor actually do to the model?",
        "Fine-tuning changes the model itself; RAG gives it your documents when it answers; prompting only writes better instructions.",
        (
            Choice("fine_tuning", "Fine-tune (retrain) the model"),
            Choice("rag", "RAG: look things up in our documents"),
            Choice("prompting", "Write better prompts"),
            Choice("mixed", "A mix of these"),
            Choice("unclear", "They didn't say clearly"),
        ),
        concept="model-customisation",
    ),
    Field(
        "quote_gbp", "money",
        "How much have they quoted, one-off, in pounds?",
        "A figure such as £18,000, 18k or \"eighteen thousand\". Say \"don't know\" to skip.",
        concept="training-cost",
    ),
    Field(
        "task", "choice",
        "What job should the model do?",
        "Pick the closest, or describe it: \"sorting tickets\", \"writing client reports\"...",
        (
            Choice("classification", "Sort or label things into set categories"),
            Choice("extraction", "Pull fields out into a structure (e.g. JSON)"),
            Choice("fixed_format", "Produce documents in a fixed format (quotes, standard letters)"),
            Choice("open_writing", "Write reports, advice or bespoke documents in our tone"),
            Choice("knowledge_qa", "Answer questions from our knowledge or methodology"),
        ),
        concept="output-consistency",
    ),
    Field(
        "monthly_volume", "volume",
        "About how many of these does the business handle a month?",
        "A number, for example \"about twelve a month\", \"300 a week\" or \"5k\".",
        concept="training-cost",
    ),
    Field(
        "clean_examples", "count",
        "How many clean, labelled examples could you hand over today: an input paired with the output you'd be proud of?",
        "A number, for example \"maybe forty\" or \"about 2,000\". You can also upload them for an audit.",
        concept="training-data",
    ),
    Field(
        "task_stable", "choice",
        "Will the task look the same in three months' time?",
        "If you are still working out what good looks like, say no.",
        YES_NO_UNSURE,
        concept="retraining",
    ),
    Field(
        "personal_data", "choice",
        "Do the examples hold personal information, and may it lawfully go to the vendor's training systems?",
        "Names, emails, CVs, health or money details all count as personal data.",
        (
            Choice("none", "No personal data"),
            Choice("lawful", "Yes, and we may lawfully share it"),
            Choice("not_lawful", "Yes, and we may not share it"),
            Choice("unsure", "Not sure"),
        ),
        concept="personal-data",
    ),
    Field(
        "prompt_rag", "choice",
        "Have you tried well-written prompts plus RAG (the model reading your documents), and were they good enough?",
        "If nobody has tried the cheaper options yet, say so.",
        (
            Choice("acceptable", "Tried: good enough"),
            Choice("not_acceptable", "Tried: not good enough"),
            Choice("not_tried", "Not tried yet"),
        ),
        concept="rag",
    ),
    Field(
        "fresh_knowledge", "choice",
        "Do the answers depend on facts that change: prices, policies, documents?",
        "If the right answer next month could differ from today's, say yes.",
        YES_NO_UNSURE,
        concept="knowledge-currency",
    ),
    Field(
        "regulated", "choice",
        "Will the output feed decisions about individuals, such as hiring, lending, insurance or health?",
        "These are the uses that law treats as high-risk.",
        YES_NO_UNSURE,
        concept="eu-ai-act",
    ),
    Field(
        "vendor_examples", "choice",
        "Could the vendor tell you how many clean examples they need?",
        "This is the first data-audit question.",
        VENDOR_ANSWER,
        concept="data-audit",
    ),
    Field(
        "vendor_shortfall", "choice",
        "Could they say what they will do if you don't have enough?",
        "The second data-audit question.",
        VENDOR_ANSWER,
        concept="data-audit",
    ),
    Field(
        "vendor_retraining", "choice",
        "Could they say how the model is retrained when your processes change?",
        "The third data-audit question.",
        VENDOR_ANSWER,
        concept="retraining",
    ),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)

# Facts the verdict needs before it can say fine_tune; unknown or unsure ones lead to "clarify".
DECIDING_FIELDS: tuple[str, ...] = (
    "clean_examples", "monthly_volume", "task", "task_stable", "personal_data", "prompt_rag", "fresh_knowledge",
)
# Recurring fees are kept apart from the one-off quote; they come only from the pitch reader.
EXTRA_FACTS: tuple[str, ...] = ("monthly_fee_gbp",)


def empty_facts() -> dict[str, Any]:
    """All fields unknown."""
    return {name: None for name in FIELD_NAMES + EXTRA_FACTS}


def normalise_facts(raw: dict[str, Any]) -> dict[str, Any]:
    """Facts from JSON: unknown keys dropped, missing ones None, choice values checked, numbers coerced.

    Raises ValueError naming the field when a value is not allowed.
    """
    facts = empty_facts()
    for name, value in raw.items():
        if name not in facts or value is None:
            continue
        spec = FIELD_BY_NAME.get(name)
        if spec is None or spec.kind in ("money", "count", "volume"):
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name}: expected a number, got {value!r}") from None
            if number < 0 or number != number:
                raise ValueError(f"{name}: expected a number of zero or more, got {value!r}")
            facts[name] = number if (spec and spec.kind == "money") or name == "monthly_fee_gbp" else int(round(number))
        elif spec.kind == "choice":
            if value not in spec.choice_values():
                raise ValueError(f"{name}: expected one of {', '.join(spec.choice_values())}, got {value!r}")
            facts[name] = value
        else:
            facts[name] = str(value)
    return facts
