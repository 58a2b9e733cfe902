"""The rule-based verdict on a fine-tuning pitch: a pure function of the interview's facts and the settings."""

from __future__ import annotations

from typing import Any, TypedDict

from chains.concerns import (
    AUDIT_QUESTIONS,
    CAUTION_CODES,
    CONCEPT_IDS,
    RED_FLAG_CODES,
    STANDING_QUESTIONS,
    UNKNOWN,
    ClaimToTest,
    Item,
    cautions,
    claims_to_test,
    item,
    red_flags,
    vendor_questions,
)
from chains.economics import ITEM_NOUNS, Economics, economics
from chains.economics import number as _number
from chains.economics import plural as _plural
from chains.facts import DECIDING_FIELDS, FIELD_BY_NAME
from chains.money import format_count, format_gbp, format_money, format_range, format_share
from chains.sentences import lower_first
from chains.settings import Settings, get_settings

# Re-exported: the renderers and the report import these from here.
__all__ = [
    "AUDIT_QUESTIONS",
    "CONCEPT_IDS",
    "ITEM_NOUNS",
    "RULE_CODES",
    "RULE_NAMES",
    "STANDING_QUESTIONS",
    "VERDICT_CODES",
    "VERDICT_LABELS",
    "ClaimToTest",
    "Economics",
    "Item",
    "Verdict",
    "assess",
    "economics",
    "format_count",
    "format_gbp",
    "format_money",
    "format_share",
]


class Verdict(TypedDict):
    """What assess returns: a plain dict at run time, so its JSON is unchanged."""

    verdict: str  # one of VERDICT_CODES
    headline: str
    reasons: list[Item]  # every rule that holds at the deciding level
    also_worth_knowing: list[Item]  # what else holds at the levels below the deciding one
    cautions: list[Item]
    red_flags: list[Item]
    claims_to_test: list[ClaimToTest]  # the pitch's vague promises, whatever the verdict
    vendor_questions: list[str]
    economics: Economics
    facts: dict[str, Any]


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
RULE_CODES: tuple[str, ...] = tuple(c for codes in LEVEL_RULES.values() for c in codes) + CAUTION_CODES + RED_FLAG_CODES
# Each rule in plain words, for the report's closing line: the codes are for programs, not for owners.
RULE_NAMES: dict[str, str] = {
    "too_few_examples": "too few clean examples",
    "task_unstable": "the task is still changing",
    "personal_data_unlawful": "personal data that may not be shared",
    "prompt_rag_good_enough": "prompts plus RAG are enough",
    "cheaper_options_untried": "cheaper options not yet tried",
    "open_ended_task": "a task that suits prompting or RAG",
    "low_volume": "too few items a month",
    "needs_fresh_knowledge": "answers that depend on changing facts",
    "missing_facts": "facts still unknown",
    "all_conditions_met": "every condition for fine-tuning met",
    "not_training": "an offer that trains nothing",
    "regulated_decision": "decisions about individuals",
    "regulated_unsure": "possibly decisions about individuals",
    "audit_personal_data": "personal data found by the audit",
    "personal_data": "personal data that may be shared",
    "mechanism_unclear": "no clear method",
    "no_example_count": "no example count from the vendor",
    "no_shortfall_plan": "no plan for too few examples",
    "no_retraining_plan": "no retraining plan",
    "upsell_over_cheaper_option": "an upsell over a cheaper option",
}


# Plain words for each deciding fact, and how the owner can find it out.
MISSING_HELP: dict[str, tuple[str, str]] = {
    "clean_examples": (
        "how many clean, labelled examples you have",
        "upload your examples for an audit, or count the ones you would be proud to teach a model with",
    ),
    "monthly_volume": ("how many of these you handle a month", "count last quarter's from your records and divide by three"),
    "task": (
        "what job the model should do",
        "describe it in a sentence: sorting, pulling out fields, fixed-format documents, open writing or answering questions",
    ),
    "task_stable": (
        "whether the task will look the same in three months",
        "ask the people who do the work whether what good looks like is still changing",
    ),
    "personal_data": (
        "whether the examples hold personal data you may lawfully share",
        "ask whoever looks after data protection, and check your privacy notice and client contracts",
    ),
    "prompt_rag": (
        "whether well-written prompts plus RAG are good enough",
        "try a careful prompt with your documents on twenty real cases before paying for training",
    ),
    "fresh_knowledge": (
        "whether the answers depend on facts that change",
        "ask whether the right answer next month could differ from today's",
    ),
}


def _decline_rules(f: dict[str, Any], s: Settings, quote_phrase: str) -> list[tuple[Item, str]]:
    """Each rule that holds, with the short phrase the headline uses for it."""
    out = []
    n = _number(f.get("clean_examples"))
    if n is not None and n < s.min_clean_examples:
        have = "You have no clean examples yet" if n == 0 else f"You have about {_plural(n, 'clean example')}"
        out.append(
            (
                item(
                    "too_few_examples",
                    f"{have}; below {format_count(s.min_clean_examples)}, fine-tuning tends to overfit and do "
                    "worse than a good prompt.",
                    ["training-data", "overfitting", "prompt-engineering"],
                ),
                (
                    "you have no clean examples to train on"
                    if n == 0
                    else f"about {_plural(n, 'clean example')} is too few to train on"
                )
                + f" (you need at least {format_count(s.min_clean_examples)})",
            )
        )
    if f.get("task_stable") == "no":
        out.append(
            (
                item(
                    "task_unstable",
                    "You expect the task to change in the next three months. A fine-tuned model is fixed at the "
                    "moment it is trained, so it would keep going stale and need paying for again to retrain.",
                    ["retraining", "fine-tuning"],
                ),
                "the task is still changing, so a trained model would soon be out of date",
            )
        )
    if f.get("personal_data") == "not_lawful":
        out.append(
            (
                item(
                    "personal_data_unlawful",
                    "Your examples hold personal data you may not lawfully send to the vendor's training systems. "
                    "Removing it or getting permission would likely cost more than fine-tuning could save.",
                    ["personal-data", "data-curation"],
                ),
                "the personal data in your examples may not lawfully go to the vendor",
            )
        )
    if f.get("prompt_rag") == "acceptable":
        out.append(
            (
                item(
                    "prompt_rag_good_enough",
                    f"Well-written prompts plus RAG already give you acceptable results, so {quote_phrase or 'the fine-tuning fee'} "
                    "would buy nothing you need.",
                    ["prompt-engineering", "rag", "training-cost"],
                ),
                "prompts plus RAG already do the job well enough",
            )
        )
    return out


def _prompt_rag_first_rules(f: dict[str, Any], s: Settings, econ: Economics) -> list[tuple[Item, str]]:
    """Each rule that holds, with the short phrase the headline uses for it."""
    out = []
    quote, currency = econ["quote"], econ["currency"]
    if f.get("prompt_rag") == "not_tried":
        cheaper = f" than the {format_money(quote, currency)} quote" if quote else ""
        out.append(
            (
                item(
                    "cheaper_options_untried",
                    "You haven't yet tried well-written prompts plus RAG (the model reading your documents when it "
                    f"answers). They cost far less{cheaper} and are the usual first step; fine-tune only if they "
                    "fall short.",
                    ["prompt-engineering", "rag", "few-shot-prompting"],
                ),
                "the cheaper options haven't been tried yet",
            )
        )
    if f.get("task") == "open_writing":
        out.append(
            (
                item(
                    "open_ended_task",
                    "Writing reports, advice or bespoke documents varies too much from one job to the next for "
                    "fine-tuning's strength, consistent fixed-format output, to pay off. A good prompt with a few "
                    "of your best examples usually captures your tone.",
                    ["output-consistency", "prompt-engineering", "few-shot-prompting"],
                ),
                "open-ended writing suits a good prompt better than training",
            )
        )
    elif f.get("task") == "knowledge_qa":
        out.append(
            (
                item(
                    "open_ended_task",
                    "Answering questions from your knowledge is a job for RAG, which reads your current documents "
                    "each time. Fine-tuning bakes facts into the model, where they go stale and can come back "
                    "confidently wrong.",
                    ["rag", "knowledge-currency", "hallucination"],
                ),
                "answering from your own knowledge is a job for RAG, not training",
            )
        )
    v = _number(f.get("monthly_volume"))
    if v is not None and v < s.min_monthly_volume:
        payback = ""
        if quote and econ["quote_per_item"] is not None:
            noun = ITEM_NOUNS.get(f.get("task"), "item")
            payback = (
                f" the {format_money(quote, currency)} quote (that is {format_money(econ['quote_per_item'], currency, pence=True)} "
                f"per {noun} over the first year)"
            )
        out.append(
            (
                item(
                    "low_volume",
                    f"You handle about {format_count(v)} a month; below {format_count(s.min_monthly_volume)} a "
                    f"month, the savings from a fine-tuned model rarely pay back{payback or ' what it costs'}.",
                    ["training-cost", "prompt-engineering"],
                ),
                f"at about {format_count(v)} a month, the volume is too low to pay back the cost",
            )
        )
    if f.get("fresh_knowledge") == "yes":
        out.append(
            (
                item(
                    "needs_fresh_knowledge",
                    "Your answers depend on facts that change, such as prices, policies or documents. RAG reads "
                    "the current version every time; a fine-tuned model only knows what was true when it was trained.",
                    ["knowledge-currency", "rag", "retraining"],
                ),
                "your answers depend on facts that change, which RAG handles and training does not",
            )
        )
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


def _clarify_rule(missing: list[str]) -> Item:
    steps = " ".join(
        f"{MISSING_HELP[name][0][0].upper()}{MISSING_HELP[name][0][1:]}: {MISSING_HELP[name][1]}." for name in missing
    )
    concepts = ["data-audit"] + [
        c for c in dict.fromkeys(FIELD_BY_NAME[name].concept for name in missing) if c and c != "data-audit"
    ]
    text = f"We can't give a verdict until we know {_plural(len(missing), 'more thing')}. {steps}"
    return item("missing_facts", text, concepts, fields=list(missing))


def _fine_tune_rule(f: dict[str, Any]) -> Item:
    task = FIELD_BY_NAME["task"].label_of(f.get("task"))
    task = lower_first(task)
    text = (
        f"You handle about {format_count(f['monthly_volume'])} a month and have {_plural(f['clean_examples'], 'clean example')}; "
        f"the task ({task}) will stay the same; prompts plus RAG were tried and fell short; and the answers don't "
        "depend on changing facts. These are the conditions in which fine-tuning earns its keep, provided it is "
        "tested on examples the vendor has not seen."
    )
    return item("all_conditions_met", text, ["fine-tuning", "output-consistency", "evaluation"])


def _headline(
    verdict: str, reasons: list[Item], phrases: list[str], econ: Economics, flags: list[Item], facts: dict[str, Any]
) -> str:
    quote = format_range(econ["quote"], econ["quote_high"], econ["currency"]) if econ["quote"] else ""
    more = len(reasons) - 1
    extra = f", plus {_plural(more, 'more reason')} below" if more > 0 else ""
    if verdict == "decline":
        offer = f"the {quote} offer" if quote else "the offer"
        return f"Decline {offer}: {phrases[0]}{extra}."
    if verdict == "prompt_rag_first":
        paying = f" paying {quote} for fine-tuning" if quote else " paying for fine-tuning"
        if facts.get("prompt_rag") == "not_acceptable":  # tried and found wanting: not "try them", but why they fell short
            return f"Find out why prompting and RAG fell short before{paying}: {phrases[0]}{extra}."
        return f"Try prompting and RAG before{paying}: {phrases[0]}{extra}."
    if verdict == "clarify":
        fields = reasons[0]["fields"]
        names = [MISSING_HELP[name][0] for name in fields]
        return f"Find out {_plural(len(fields), 'thing')} before deciding: {_join(names)}."
    flagged = "the red flag" if len(flags) == 1 else f"the {len(flags)} red flags"
    condition = (
        f"once the vendor clears up {flagged} and answers the questions below"
        if flags
        else "provided the vendor answers the questions below"
    )
    return (
        f"Fine-tuning looks worth pursuing at about {format_count(facts['monthly_volume'])} a month with "
        f"{_plural(facts['clean_examples'], 'clean example')}, {condition}."
    )


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# How "Also worth knowing" opens after a decline: granted the deciding reason away, what still stands.
_EVEN_IF: dict[str, str] = {
    "task_unstable": "Even once the task settles",
    "personal_data_unlawful": "Even if the personal data could lawfully be shared",
    "prompt_rag_good_enough": "Even if prompts plus RAG fell short",
}


def _also_clause(rule: Item, f: dict[str, Any], s: Settings, econ: Economics) -> str:
    """A level-2 rule restated in a clause with the owner's numbers, for "Also worth knowing"."""
    quote, currency = econ["quote"], econ["currency"]
    noun = ITEM_NOUNS.get(f.get("task"), "item")
    code = rule["code"]
    if code == "cheaper_options_untried":
        cheaper = f" than the {format_money(quote, currency)} quote" if quote else ""
        return f"prompts plus RAG have not been tried yet, and they cost far less{cheaper}"
    if code == "open_ended_task" and f.get("task") == "knowledge_qa":
        return "answering questions from your own knowledge is a job for RAG, which reads your current documents each time"
    if code == "open_ended_task":
        return "open-ended writing suits a good prompt with a few of your best examples better than training"
    if code == "low_volume":
        volume = _number(f.get("monthly_volume")) or 0
        said = f"{_plural(volume, noun)} a month is low volume (below {format_count(s.min_monthly_volume)} a month, savings rarely pay back)"
        if quote and econ["quote_per_item"] is not None:
            said += (
                f": the {format_money(quote, currency)} quote comes to "
                f"{format_money(econ['quote_per_item'], currency, pence=True)} per {noun} over the first year"
            )
        return said
    return "your answers depend on facts that change, and a trained model only knows what was true when it was trained"


def _also_worth_knowing(
    verdict: str, reasons: list[Item], lower: list[Item], missing: list[str], f: dict[str, Any], s: Settings, econ: Economics
) -> list[Item]:
    """What else holds below the deciding level: level 2 after a decline, and the facts not known after either."""
    if verdict == "decline":
        first = reasons[0]["code"]
        if len(reasons) > 1:
            opener = "Even if those were put right"
        elif first == "too_few_examples":
            opener = f"Even with {_plural(s.min_clean_examples, 'clean example')}"
        else:
            opener = _EVEN_IF[first]
        also = [item(rule["code"], f"{opener}, {_also_clause(rule, f, s, econ)}.", list(rule["concepts"])) for rule in lower]
        return also + _missing_item(missing)
    if verdict == "prompt_rag_first":
        return _missing_item(missing)
    return []


def _missing_item(missing: list[str]) -> list[Item]:
    """What the owner did not know, which the verdict still needs, however it came out ("not sure" included)."""
    if missing:
        rule = _clarify_rule(missing)
        names = [MISSING_HELP[name][0] for name in missing]
        text = f"Before fine-tuning could be worth it, you would also need to know {_join(names)}."
        return [item("missing_facts", text, rule["concepts"], fields=list(missing))]
    return []


def assess(facts: dict[str, Any], settings: Settings | None = None) -> Verdict:
    """The verdict for these facts: verdict, headline, reasons, what else is worth knowing, cautions, red flags,
    the pitch's claims to test, questions, economics and facts."""
    s = settings or get_settings()
    econ = economics(facts, s)
    quote_phrase = f"the {format_money(econ['quote'], econ['currency'])} quote" if econ["quote"] else ""

    declines = _decline_rules(facts, s, quote_phrase)
    seconds = _prompt_rag_first_rules(facts, s, econ)
    missing = _missing(facts)
    if declines:
        found, verdict = declines, "decline"
    elif seconds:
        found, verdict = seconds, "prompt_rag_first"
    elif missing:
        found, verdict = [(_clarify_rule(missing), "")], "clarify"
    else:
        found, verdict = [(_fine_tune_rule(facts), "")], "fine_tune"
    reasons = [rule for rule, _ in found]
    phrases = [phrase for _, phrase in found]
    flags = red_flags(facts)

    return {
        "verdict": verdict,
        "headline": _headline(verdict, reasons, phrases, econ, flags, facts),
        "reasons": reasons,
        "also_worth_knowing": _also_worth_knowing(verdict, reasons, [rule for rule, _ in seconds], missing, facts, s, econ),
        "cautions": cautions(facts),
        "red_flags": flags,
        "claims_to_test": claims_to_test(facts),
        "vendor_questions": vendor_questions(facts),
        "economics": econ,
        "facts": dict(facts),
    }
