"""What a verdict says whatever it decides: cautions, red flags in the pitch, the questions to put to the vendor and
the pitch's promises to test. Pure functions of the facts, like the verdict itself."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NotRequired, TypedDict

from chains.pitch import promises_in

# Every glossary concept a verdict may cite (the glossary must have an entry for each).
CONCEPT_IDS: tuple[str, ...] = (
    "fine-tuning",
    "base-model",
    "training-data",
    "lora",
    "catastrophic-forgetting",
    "prompt-engineering",
    "rag",
    "few-shot-prompting",
    "overfitting",
    "data-audit",
    "data-curation",
    "evaluation",
    "model-customisation",
    "tokens",
    "training-cost",
    "hosting-cost",
    "output-consistency",
    "embeddings",
    "vector-database",
    "knowledge-currency",
    "retraining",
    "personal-data",
    "eu-ai-act",
    "auditability",
    "hallucination",
    "context-window",
    "vendor-lock-in",
    "model-deprecation",
    "distillation",
    "open-weight-models",
)


class Item(TypedDict):
    """One reason, caution, red flag or further concern: a rule code, the owner-facing text and the concepts it cites."""

    code: str
    text: str
    concepts: list[str]
    fields: NotRequired[list[str]]  # missing_facts only: the facts still unknown


class ClaimToTest(TypedDict):
    """A promise in the pitch with no measure behind it, and the question that would test it."""

    text: str
    question: str


CAUTION_CODES: tuple[str, ...] = (
    "not_training",
    "regulated_decision",
    "regulated_unsure",
    "audit_personal_data",
    "personal_data",
)
RED_FLAG_CODES: tuple[str, ...] = (
    "mechanism_unclear",
    "no_example_count",
    "no_shortfall_plan",
    "no_retraining_plan",
    "upsell_over_cheaper_option",
)
AUDIT_QUESTIONS: dict[str, str] = {
    "vendor_examples": "How many clean labelled examples do you need?",
    "vendor_shortfall": "What will you do if we don't have enough?",
    "vendor_retraining": "How will the model be retrained when our processes change?",
}
STANDING_QUESTIONS: tuple[str, ...] = (
    "Will you use LoRA or full fine-tuning?",
    "Which base model will you start from, and what happens when it is retired?",
    "Who owns the trained model weights?",
    "How will it be evaluated on held-out examples we choose?",
)

UNKNOWN = (None, "unsure")


def item(code: str, text: str, concepts: list[str], **extra: Any) -> Item:
    return {"code": code, "text": text, "concepts": concepts, **extra}  # type: ignore[typeddict-item]


# What the vendor offers when it is not training: what the verdict's fine-tuning rules then answer, and what to ask.
_NOT_TRAINING = {
    "rag": (
        "The vendor is offering RAG (the model looking things up in your documents), not training the model. The "
        "verdict below answers whether training would be worth it; for what is on offer, ask how your documents are "
        "kept up to date, whether each answer shows where it came from, and what it costs a month to run."
    ),
    "prompting": (
        "The vendor is offering better prompts, not training the model. The verdict below answers whether training "
        "would be worth it; for what is on offer, ask whether you will own and can edit the prompts, and how the "
        "results are checked on examples you choose."
    ),
}
OFFER_QUESTIONS: dict[str, tuple[str, ...]] = {
    "rag": (
        "How will our documents be kept up to date in the system, and who does it?",
        "Will each answer show which document it came from?",
        "What will it cost a month to run, and per question?",
        "How will it be evaluated on held-out questions we choose?",
    ),
    "prompting": (
        "Will we own the prompts you write, and can we change them ourselves?",
        "Which model will the prompts run on, and what happens when it is retired?",
        "How will it be evaluated on held-out examples we choose?",
    ),
}


def cautions(f: dict[str, Any]) -> list[Item]:
    out = []
    offer = f.get("mechanism")
    if offer in _NOT_TRAINING:
        concepts = ["rag", "knowledge-currency"] if offer == "rag" else ["prompt-engineering", "evaluation"]
        out.append(item("not_training", _NOT_TRAINING[offer], concepts))
    if f.get("regulated") == "yes":
        out.append(
            item(
                "regulated_decision",
                "The output will feed decisions about individuals, such as hiring, lending, insurance or health. "
                "The EU AI Act treats these as high-risk, with duties for record-keeping, human oversight and "
                "transparency, and the UK ICO expects such decisions to be explainable. A fine-tuned model is "
                "harder to audit than prompts plus RAG, so price in the cost of auditing it.",
                ["eu-ai-act", "auditability"],
            )
        )
    elif f.get("regulated") == "unsure":
        out.append(
            item(
                "regulated_unsure",
                "You weren't sure whether the output will feed decisions about individuals. If it will (hiring, "
                "lending, insurance, health), the EU AI Act treats that as high-risk and the UK ICO expects the "
                "decisions to be explainable, which is harder with a fine-tuned model. Check before you sign.",
                ["eu-ai-act", "auditability"],
            )
        )
    rows = int(f.get("pii_rows") or 0)
    if rows and f.get("personal_data") not in ("not_lawful", "lawful"):  # those have their own decline or caution
        out.append(
            item(
                "audit_personal_data",
                f"The audit found personal data (email addresses, phone numbers and the like) in {rows:,} of your "
                "examples. Remove it, or confirm it may lawfully be shared, before any example goes to the vendor.",
                ["personal-data", "data-audit"],
            )
        )
    if f.get("personal_data") == "lawful":
        out.append(
            item(
                "personal_data",
                "Your examples hold personal data you may lawfully share"
                + (f" (the audit found it in {rows:,} of them)" if rows else "")
                + ". Before any of it goes to the vendor, "
                "complete a data protection impact assessment (DPIA) and sign a data processing agreement that "
                "covers training, how long they keep it and how they delete it.",
                ["personal-data"],
            )
        )
    return out


def red_flags(f: dict[str, Any]) -> list[Item]:
    out = []
    mechanism = f.get("mechanism")
    if mechanism == "unclear":
        out.append(
            item(
                "mechanism_unclear",
                "The vendor didn't say clearly whether they will retrain the model, connect it to your documents "
                "(RAG) or just write better prompts. Cost, timeline and risk differ between the three, so get "
                "this in writing before paying.",
                ["model-customisation", "fine-tuning", "rag"],
            )
        )
    if f.get("vendor_examples") == "no":
        out.append(
            item(
                "no_example_count",
                "The vendor couldn't say how many clean labelled examples they need. That is the first question "
                "of a data audit; without an answer the pitch is selling a technique, not a result.",
                ["data-audit", "training-data"],
            )
        )
    if f.get("vendor_shortfall") == "no":
        out.append(
            item(
                "no_shortfall_plan",
                "The vendor couldn't say what they will do if you don't have enough examples. Someone has to "
                "find and tidy up more, and you should know who, and at what cost, before signing.",
                ["data-audit", "data-curation"],
            )
        )
    if f.get("vendor_retraining") == "no":
        out.append(
            item(
                "no_retraining_plan",
                "The vendor couldn't say how the model will be retrained when your processes change. Without a "
                "plan you either pay again each time or live with a model that is out of date.",
                ["retraining", "model-deprecation"],
            )
        )
    if mechanism in ("fine_tuning", "mixed") and f.get("prompt_rag") == "acceptable":
        what = "fine-tuning" if mechanism == "fine_tuning" else "a package that includes fine-tuning"
        out.append(
            item(
                "upsell_over_cheaper_option",
                f"You said prompts plus RAG already give acceptable results, yet the vendor is selling {what}. "
                "It is a higher-margin sale that adds cost without earning anything.",
                ["prompt-engineering", "rag", "training-cost"],
            )
        )
    return out


def vendor_questions(f: dict[str, Any]) -> list[str]:
    # A "no" stays on the list too: the question still needs a straight answer.
    asked = [q for name, q in AUDIT_QUESTIONS.items() if f.get(name) != "yes"]
    standing = list(OFFER_QUESTIONS.get(str(f.get("mechanism")), STANDING_QUESTIONS))
    pitch = f.get("pitch") if isinstance(f.get("pitch"), str) else ""
    said = _TECHNIQUE_SAID.search(pitch.lower()) if pitch else None
    if said and STANDING_QUESTIONS[0] in standing:  # the pitch already says which: ask what follows from it
        follow = _FOLLOW_UP["full" if said["full"] else "lora"]
        standing[standing.index(STANDING_QUESTIONS[0])] = follow
    return asked + standing


_TECHNIQUE_SAID = re.compile(r"(?P<full>\bfull(?:[\s-]parameter)? fine[\s-]?tun\w*)|\b(?:q?lora|low[\s-]rank|peft|adapters?)\b")
_FOLLOW_UP = {
    "lora": "The pitch names LoRA: will we get the adapter file to keep, and which base model does it fit?",
    "full": "The pitch says full fine-tuning: why not LoRA, which adjusts a small part of the model for less?",
}


@lru_cache(maxsize=64)
def _vague_claims(pitch: str) -> tuple[tuple[str, str], ...]:
    return tuple((c["text"], c["question"]) for c in promises_in(pitch))


def claims_to_test(facts: dict[str, Any]) -> list[ClaimToTest]:
    pitch = facts.get("pitch")
    if not isinstance(pitch, str) or not pitch.strip():
        return []
    return [{"text": text, "question": question} for text, question in _vague_claims(pitch)]
