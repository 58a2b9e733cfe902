"""Which question comes next: the first in the table's order, not yet asked, whose answer could change what the owner
sees in the verdict. A question no answer could change is not asked at all."""

from __future__ import annotations

from typing import Any

from .facts import FIELD_BY_NAME, FIELDS
from .settings import Settings
from .verdict import Verdict, assess

ORDER = tuple(f.name for f in FIELDS)


def next_question(facts: dict[str, Any], extra: dict[str, Any], asked: list[str], settings: Settings) -> str | None:
    known = {**facts, **extra}
    for name in ORDER:
        if name in asked:
            continue
        if name == "pitch" or can_change(name, known, settings):
            return name
        if name == "task" and "monthly_volume" not in asked and can_change("monthly_volume", known, settings):
            return name  # the volume question asks how many "of these" there are: the job comes first
    return None


def can_change(name: str, facts: dict[str, Any], settings: Settings) -> bool:
    """Would any answer to this field change what the owner sees in the verdict?"""
    seen = set()
    for value in _probe_values(name, settings):
        seen.add(_signature(assess({**facts, name: value}, settings)))
        if len(seen) > 1:
            return True
    return False


def _signature(verdict: Verdict) -> tuple:
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


# What each answer decides, for an owner who asks "why do you need that?" in the middle of the interview; {clean}
# and {volume} are the rules' own lines (Settings.min_clean_examples, min_monthly_volume).
WHY_ASKED = {
    "pitch": "What the vendor offers shapes every question after it: which technique, for what job, at what price.",
    "mechanism": "Fine-tuning, RAG and better prompts cost very different amounts and go wrong in different ways, so the "
    "verdict depends on which of them you would really be paying for.",
    "quote": "The price is set against what the training run itself costs in compute, and against how much work it "
    "would do each month, to see whether it could ever pay back.",
    "task": "Training suits narrow, repetitive jobs such as sorting or pulling out fields; open-ended writing and "
    "answering from your documents are usually served better, and far more cheaply, by prompts and RAG.",
    "monthly_volume": "A trained model pays for itself only through volume: below about {volume:,} a month the "
    "savings rarely cover the price.",
    "clean_examples": "This is often the deciding figure: below about {clean:,} clean examples a fine-tuned model "
    "tends to overfit and do worse than a good prompt.",
    "task_stable": "A model trained on today's way of working has to be trained again when the work changes, so a job "
    "that is still settling is a poor fit for training.",
    "personal_data": "Personal data in training examples brings data-protection duties; if it may not lawfully go to "
    "the vendor, the plan cannot go ahead as pitched.",
    "prompt_rag": "Well-written prompts with RAG cost a fraction of training; if nobody has tried them, they come first.",
    "fresh_knowledge": "Facts that change, such as prices and policies, belong in documents the model reads when it "
    "answers; trained into it, they go out of date.",
    "regulated": "Decisions about people, such as hiring, lending, insurance or health, are high-risk uses in law, "
    "with duties to explain and oversee them.",
    "vendor_examples": "A vendor who cannot say how many clean examples they need has not looked at your data yet: "
    "that is one of the red flags the verdict lists.",
    "vendor_shortfall": "If your examples fall short, the plan for it (labelling more, waiting, or dropping training) "
    "decides what you would really be paying for.",
    "vendor_retraining": "Every change to how you work means training again; who does it, and what it costs, belongs "
    "in the price you compare.",
}
