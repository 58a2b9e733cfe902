"""The rule-based verdict on a fine-tuning pitch: a pure function of the interview's facts and the settings."""

from __future__ import annotations

import math
from typing import Any

from chains.facts import DECIDING_FIELDS, FIELD_BY_NAME
from chains.settings import Settings, get_settings

VERDICT_LABELS: dict[str, str] = {
    "decline": "Decline the offer",
    "prompt_rag_first": "Prompting and RAG first",
    "clarify": "Find these out first",
    "fine_tune": "Worth pursuing, on conditions",
}
VERDICT_CODES: tuple[str, ...] = tuple(VERDICT_LABELS)

# The levels in the order they are tried; the first with a rule that holds decides the verdict.
LEVEL_RULES: dict[str, tuple[str, ...]] = {
    "decline": ("too_few_examples", "task_unstable", "personal_data_unlawful", "prompt_rag_good_enough"),
    "prompt_rag_first": ("cheaper_options_untried", "open_ended_task", "low_volume", "needs_fresh_knowledge"),
    "clarify": ("missing_facts",),
    "fine_tune": ("all_conditions_met",),
}
CAUTION_CODES: tuple[str, ...] = ("regulated_decision", "regulated_unsure", "personal_data")
RED_FLAG_CODES: tuple[str, ...] = (
    "mechanism_unclear", "no_example_count", "no_shortfall_plan", "no_retraining_plan", "upsell_over_cheaper_option",
)
RULE_CODES: tuple[str, ...] = tuple(c for codes in LEVEL_RULES.values() for c in codes) + CAUTION_CODES + RED_FLAG_CODES

CONCEPT_IDS: tuple[str, ...] = (
    "fine-tuning", "base-model", "training-data", "lora", "catastrophic-forgetting", "prompt-engineering", "rag",
    "few-shot-prompting", "overfitting", "data-audit", "data-curation", "evaluation", "model-customisation", "tokens",
    "training-cost", "hosting-cost", "output-consistency", "embeddings", "vector-database", "knowledge-currency",
    "retraining", "personal-data", "eu-ai-act", "auditability", "hallucination", "context-window", "vendor-lock-in",
    "model-deprecation", "distillation", "open-weight-models",
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

# Plain words for each deciding fact, and how the owner can find it out.
MISSING_HELP: dict[str, tuple[str, str]] = {
    "clean_examples": ("how many clean, labelled examples you have",
                       "upload your examples for an audit, or count the ones you would be proud to teach a model with"),
    "monthly_volume": ("how many of these you handle a month",
                       "count last quarter's from your records and divide by three"),
    "task": ("what job the model should do",
             "describe it in a sentence: sorting, pulling out fields, fixed-format documents, open writing or answering questions"),
    "task_stable": ("whether the task will look the same in three months",
                    "ask the people who do the work whether what good looks like is still changing"),
    "personal_data": ("whether the examples hold personal data you may lawfully share",
                      "ask whoever looks after data protection, and check your privacy notice and client contracts"),
    "prompt_rag": ("whether well-written prompts plus RAG are good enough",
                   "try a careful prompt with your documents on twenty real cases before paying for training"),
    "fresh_knowledge": ("whether the answers depend on facts that change",
                        "ask whether the right answer next month could differ from today's"),
}
# What one unit of the owner's monthly volume is called, so the cost per item reads naturally.
ITEM_NOUNS: dict[str | None, str] = {
    "classification": "item", "extraction": "document", "fixed_format": "document",
    "open_writing": "report", "knowledge_qa": "answer", None: "item",
}


def format_gbp(amount: float | None, pence: bool = False) -> str:
    """Pounds with thousands separators: £18,000, or £125.00 with pence=True; tiny sums keep their digits."""
    if amount is None or not math.isfinite(amount):
        return "not known"
    if 0 < amount < 0.0001:
        return "less than £0.0001"
    if 0 < amount < 0.01:
        return f"£{amount:.4f}".rstrip("0")
    if pence or amount != int(amount):
        return f"£{amount:,.2f}"
    return f"£{int(amount):,}"


def format_count(n: float | None) -> str:
    """A count with thousands separators."""
    return "not known" if n is None or not math.isfinite(n) else f"{int(round(n)):,}"


def _plural(n: float, word: str, plural: str | None = None) -> str:
    return f"{format_count(n)} {word if n == 1 else plural or word + 's'}"


def _about_cost(amount: float) -> str:
    # An owner needs the order of magnitude, not four decimals.
    if amount < 0.005:
        return "less than a penny"
    if amount < 100:
        return f"about £{amount:,.2f}"
    return f"about £{amount:,.0f}"


def format_share(fraction: float | None) -> str:
    """A fraction as a percentage an owner can read: 0.0000004 becomes "less than 0.01%"."""
    if fraction is None or not math.isfinite(fraction):
        return "not known"
    pct = fraction * 100
    if 0 < pct < 0.01:
        return "less than 0.01%"
    return f"{pct:,.2f}%" if pct < 10 else f"{pct:,.0f}%"


def _item(code: str, text: str, concepts: list[str], **extra: Any) -> dict[str, Any]:
    return {"code": code, "text": text, "concepts": concepts, **extra}


def _number(value: Any) -> float | None:
    # Numbers only count when they are real and non-negative; anything else is unknown.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return value


def economics(facts: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The quote spread over a year's work, and what the training run itself would cost in compute."""
    quote = _number(facts.get("quote_gbp"))
    fee = _number(facts.get("monthly_fee_gbp"))
    volume = _number(facts.get("monthly_volume"))
    examples = _number(facts.get("clean_examples"))
    measured = _number(facts.get("tokens_per_example"))
    tokens_per_example = measured if measured else settings.tokens_per_example
    epochs = settings.epochs
    price = settings.price_per_million_training_tokens_gbp

    items_year = 12 * volume if volume is not None else None
    per_item = quote / items_year if quote is not None and items_year else None
    training_tokens = int(round(examples * tokens_per_example * epochs)) if examples is not None else None
    compute = training_tokens / 1e6 * price if training_tokens is not None else None
    share = compute / quote if compute is not None and quote else None

    noun = ITEM_NOUNS.get(facts.get("task"), "item")
    parts: list[str] = []
    if quote is not None and per_item is not None:
        parts.append(f"The {format_gbp(quote)} quote works out at {format_gbp(per_item, pence=True)} per {noun} "
                     f"over the first year ({format_count(volume)} a month).")
    elif quote is not None and volume == 0:
        parts.append(f"With nothing to handle each month, the {format_gbp(quote)} quote has nothing to spread over.")
    elif quote is not None:
        parts.append(f"The quote is {format_gbp(quote)}; tell us how many you handle a month to see the cost per {noun}.")
    else:
        parts.append("Without the quote we can't work out what it costs per " + noun + ".")
    if fee:
        parts.append(f"On top of that, the {format_gbp(fee)} monthly fee comes to {format_gbp(fee * 12)} a year.")
    if compute is not None:
        sentence = (f"The training run itself would cost {_about_cost(compute)} in compute "
                    f"({_plural(examples, 'example')} × {format_count(tokens_per_example)} tokens × "
                    f"{_plural(epochs, 'pass', 'passes')} at {format_gbp(price, pence=True)} per million tokens)")
        if share is None:
            parts.append(sentence + ".")
        elif share < 0.01:
            parts.append(sentence + ", so nearly all of the quote is labour and margin.")
        elif share < 0.5:
            parts.append(sentence + ", so most of the quote is labour and margin.")
        else:
            parts.append(sentence + ", so compute is a large part of the quote.")
    else:
        parts.append("The training cost can't be estimated until we know how many clean examples you have.")

    return {
        "quote_gbp": quote, "monthly_fee_gbp": fee, "monthly_volume": volume, "items_first_year": items_year,
        "quote_per_item_gbp": per_item, "clean_examples": examples, "tokens_per_example": tokens_per_example,
        "epochs": epochs, "price_per_million_tokens_gbp": price, "training_tokens": training_tokens,
        "compute_cost_gbp": compute, "compute_share_of_quote": share, "summary": " ".join(parts),
    }


def _decline_rules(f: dict[str, Any], s: Settings, quote_phrase: str) -> list[tuple[dict[str, Any], str]]:
    """Each rule that holds, with the short phrase the headline uses for it."""
    out = []
    n = _number(f.get("clean_examples"))
    if n is not None and n < s.min_clean_examples:
        have = "You have no clean examples yet" if n == 0 else f"You have about {_plural(n, 'clean example')}"
        out.append((_item("too_few_examples",
                          f"{have}; below {format_count(s.min_clean_examples)}, fine-tuning tends to overfit and do "
                          "worse than a good prompt.",
                          ["training-data", "overfitting", "prompt-engineering"]),
                    ("you have no clean examples to train on" if n == 0 else
                     f"about {_plural(n, 'clean example')} is too few to train on")
                    + f" (you need at least {format_count(s.min_clean_examples)})"))
    if f.get("task_stable") == "no":
        out.append((_item("task_unstable",
                          "You expect the task to change in the next three months. A fine-tuned model is fixed at the "
                          "moment it is trained, so it would keep going stale and need paying for again to retrain.",
                          ["retraining", "fine-tuning"]),
                    "the task is still changing, so a trained model would soon be out of date"))
    if f.get("personal_data") == "not_lawful":
        out.append((_item("personal_data_unlawful",
                          "Your examples hold personal data you may not lawfully send to the vendor's training systems. "
                          "Removing it or getting permission would likely cost more than fine-tuning could save.",
                          ["personal-data", "data-curation"]),
                    "the personal data in your examples may not lawfully go to the vendor"))
    if f.get("prompt_rag") == "acceptable":
        out.append((_item("prompt_rag_good_enough",
                          f"Well-written prompts plus RAG already give you acceptable results, so {quote_phrase or 'the fine-tuning fee'} "
                          "would buy nothing you need.",
                          ["prompt-engineering", "rag", "training-cost"]),
                    "prompts plus RAG already do the job well enough"))
    return out


def _prompt_rag_first_rules(f: dict[str, Any], s: Settings, econ: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Each rule that holds, with the short phrase the headline uses for it."""
    out = []
    quote = econ["quote_gbp"]
    if f.get("prompt_rag") == "not_tried":
        cheaper = f" than the {format_gbp(quote)} quote" if quote else ""
        out.append((_item("cheaper_options_untried",
                          "You haven't yet tried well-written prompts plus RAG (the model reading your documents when it "
                          f"answers). They cost far less{cheaper} and are the usual first step; fine-tune only if they "
                          "fall short.",
                          ["prompt-engineering", "rag", "few-shot-prompting"]),
                    "the cheaper options haven't been tried yet"))
    if f.get("task") == "open_writing":
        out.append((_item("open_ended_task",
                          "Writing reports, advice or bespoke documents varies too much from one job to the next for "
                          "fine-tuning's strength, consistent fixed-format output, to pay off. A good prompt with a few "
                          "of your best examples usually captures your tone.",
                          ["output-consistency", "prompt-engineering", "few-shot-prompting"]),
                    "open-ended writing suits a good prompt better than training"))
    elif f.get("task") == "knowledge_qa":
        out.append((_item("open_ended_task",
                          "Answering questions from your knowledge is a job for RAG, which reads your current documents "
                          "each time. Fine-tuning bakes facts into the model, where they go stale and can come back "
                          "confidently wrong.",
                          ["rag", "knowledge-currency", "hallucination"]),
                    "answering from your own knowledge is a job for RAG, not training"))
    v = _number(f.get("monthly_volume"))
    if v is not None and v < s.min_monthly_volume:
        payback = ""
        if quote and econ["quote_per_item_gbp"] is not None:
            noun = ITEM_NOUNS.get(f.get("task"), "item")
            payback = (f" a {format_gbp(quote)} quote (that is {format_gbp(econ['quote_per_item_gbp'], pence=True)} "
                       f"per {noun} over the first year)")
        out.append((_item("low_volume",
                          f"You handle about {format_count(v)} a month; below {format_count(s.min_monthly_volume)} a "
                          f"month, the savings from a fine-tuned model rarely pay back{payback or ' what it costs'}.",
                          ["training-cost", "prompt-engineering"]),
                    f"at about {format_count(v)} a month, the volume is too low to pay back the cost"))
    if f.get("fresh_knowledge") == "yes":
        out.append((_item("needs_fresh_knowledge",
                          "Your answers depend on facts that change, such as prices, policies or documents. RAG reads "
                          "the current version every time; a fine-tuned model only knows what was true when it was trained.",
                          ["knowledge-currency", "rag", "retraining"]),
                    "your answers depend on facts that change, which RAG handles and training does not"))
    return out


def _missing(f: dict[str, Any]) -> list[str]:
    missing = []
    for name in DECIDING_FIELDS:
        value, spec = f.get(name), FIELD_BY_NAME[name]
        # A value outside the field's choices is as good as unknown: it cannot support a fine_tune verdict.
        known = _number(value) is not None if spec.kind in ("count", "volume") else value in spec.choice_values()
        if not known or value in UNKNOWN:
            missing.append(name)
    return missing


def _clarify_rule(missing: list[str]) -> dict[str, Any]:
    steps = " ".join(f"{MISSING_HELP[name][0][0].upper()}{MISSING_HELP[name][0][1:]}: {MISSING_HELP[name][1]}."
                     for name in missing)
    concepts = ["data-audit"] + [c for c in dict.fromkeys(FIELD_BY_NAME[name].concept for name in missing)
                                 if c and c != "data-audit"]
    text = f"We can't give a verdict until we know {_plural(len(missing), 'more thing')}. {steps}"
    return _item("missing_facts", text, concepts, fields=list(missing))


def _fine_tune_rule(f: dict[str, Any]) -> dict[str, Any]:
    task = FIELD_BY_NAME["task"].label_of(f.get("task"))
    task = task[0].lower() + task[1:]
    text = (f"You handle about {format_count(f['monthly_volume'])} a month and have {_plural(f['clean_examples'], 'clean example')}; "
            f"the task ({task}) will stay the same; prompts plus RAG were tried and fell short; and the answers don't "
            "depend on changing facts. These are the conditions in which fine-tuning earns its keep, provided it is "
            "tested on examples the vendor has not seen.")
    return _item("all_conditions_met", text, ["fine-tuning", "output-consistency", "evaluation"])


def _cautions(f: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    if f.get("regulated") == "yes":
        out.append(_item("regulated_decision",
                         "The output will feed decisions about individuals, such as hiring, lending, insurance or health. "
                         "The EU AI Act treats these as high-risk, with duties for record-keeping, human oversight and "
                         "transparency, and the UK ICO expects such decisions to be explainable. A fine-tuned model is "
                         "harder to audit than prompts plus RAG, so price in the cost of auditing it.",
                         ["eu-ai-act", "auditability"]))
    elif f.get("regulated") == "unsure":
        out.append(_item("regulated_unsure",
                         "You weren't sure whether the output will feed decisions about individuals. If it will (hiring, "
                         "lending, insurance, health), the EU AI Act treats that as high-risk and the UK ICO expects the "
                         "decisions to be explainable, which is harder with a fine-tuned model. Check before you sign.",
                         ["eu-ai-act", "auditability"]))
    if f.get("personal_data") == "lawful":
        out.append(_item("personal_data",
                         "Your examples hold personal data you may lawfully share. Before any of it goes to the vendor, "
                         "complete a data protection impact assessment (DPIA) and sign a data processing agreement that "
                         "covers training, how long they keep it and how they delete it.",
                         ["personal-data"]))
    return out


def _red_flags(f: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    mechanism = f.get("mechanism")
    if mechanism == "unclear":
        out.append(_item("mechanism_unclear",
                         "The vendor didn't say clearly whether they will retrain the model, connect it to your documents "
                         "(RAG) or just write better prompts. Cost, timeline and risk differ between the three, so get "
                         "this in writing before paying.",
                         ["model-customisation", "fine-tuning", "rag"]))
    if f.get("vendor_examples") == "no":
        out.append(_item("no_example_count",
                         "The vendor couldn't say how many clean labelled examples they need. That is the first question "
                         "of a data audit; without an answer the pitch is selling a technique, not a result.",
                         ["data-audit", "training-data"]))
    if f.get("vendor_shortfall") == "no":
        out.append(_item("no_shortfall_plan",
                         "The vendor couldn't say what they will do if you don't have enough examples. Someone has to "
                         "find and tidy up more, and you should know who, and at what cost, before signing.",
                         ["data-audit", "data-curation"]))
    if f.get("vendor_retraining") == "no":
        out.append(_item("no_retraining_plan",
                         "The vendor couldn't say how the model will be retrained when your processes change. Without a "
                         "plan you either pay again each time or live with a model that is out of date.",
                         ["retraining", "model-deprecation"]))
    if mechanism in ("fine_tuning", "mixed") and f.get("prompt_rag") == "acceptable":
        what = "fine-tuning" if mechanism == "fine_tuning" else "a package that includes fine-tuning"
        out.append(_item("upsell_over_cheaper_option",
                         f"You said prompts plus RAG already give acceptable results, yet the vendor is selling {what}. "
                         "It is a higher-margin sale that adds cost without earning anything.",
                         ["prompt-engineering", "rag", "training-cost"]))
    return out


def _vendor_questions(f: dict[str, Any]) -> list[str]:
    # A "no" stays on the list too: the question still needs a straight answer.
    asked = [q for name, q in AUDIT_QUESTIONS.items() if f.get(name) != "yes"]
    return asked + list(STANDING_QUESTIONS)


def _headline(verdict: str, reasons: list[dict[str, Any]], phrases: list[str], econ: dict[str, Any],
              flags: list[dict[str, Any]], facts: dict[str, Any]) -> str:
    quote = econ["quote_gbp"]
    more = len(reasons) - 1
    extra = f", plus {_plural(more, 'more reason')} below" if more > 0 else ""
    if verdict == "decline":
        offer = f"the {format_gbp(quote)} offer" if quote else "the offer"
        return f"Decline {offer}: {phrases[0]}{extra}."
    if verdict == "prompt_rag_first":
        paying = f" paying {format_gbp(quote)} for fine-tuning" if quote else " paying for fine-tuning"
        return f"Try prompting and RAG before{paying}: {phrases[0]}{extra}."
    if verdict == "clarify":
        fields = reasons[0]["fields"]
        names = [MISSING_HELP[name][0] for name in fields]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"Find out {_plural(len(fields), 'thing')} before deciding: {listed}."
    flagged = "the red flag" if len(flags) == 1 else f"the {len(flags)} red flags"
    condition = (f"once the vendor clears up {flagged} and answers the questions below"
                 if flags else "provided the vendor answers the questions below")
    return (f"Fine-tuning looks worth pursuing at about {format_count(facts['monthly_volume'])} a month with "
            f"{_plural(facts['clean_examples'], 'clean example')}, {condition}.")


def assess(facts: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """The verdict object for these facts: verdict, headline, reasons, cautions, red flags, questions, economics, facts."""
    s = settings or get_settings()
    econ = economics(facts, s)
    quote_phrase = f"the {format_gbp(econ['quote_gbp'])} quote" if econ["quote_gbp"] else ""

    found = _decline_rules(facts, s, quote_phrase)
    verdict = "decline"
    if not found:
        found, verdict = _prompt_rag_first_rules(facts, s, econ), "prompt_rag_first"
    if not found and (missing := _missing(facts)):
        found, verdict = [(_clarify_rule(missing), "")], "clarify"
    if not found:
        found, verdict = [(_fine_tune_rule(facts), "")], "fine_tune"
    reasons = [rule for rule, _ in found]
    phrases = [phrase for _, phrase in found]
    flags = _red_flags(facts)

    return {
        "verdict": verdict,
        "headline": _headline(verdict, reasons, phrases, econ, flags, facts),
        "reasons": reasons,
        "cautions": _cautions(facts),
        "red_flags": flags,
        "vendor_questions": _vendor_questions(facts),
        "economics": econ,
        "facts": dict(facts),
    }
