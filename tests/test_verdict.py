"""The verdict rules: every rule, both sides of each threshold, levels, cautions, flags, questions and economics."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from chains.concerns import OFFER_QUESTIONS
from chains.facts import DECIDING_FIELDS, FIELDS, empty_facts, normalise_facts
from chains.settings import Settings
from chains.verdict import (
    AUDIT_QUESTIONS,
    CONCEPT_IDS,
    LEVEL_RULES,
    RULE_CODES,
    RULE_NAMES,
    STANDING_QUESTIONS,
    VERDICT_LABELS,
    assess,
)

DEFAULTS = Settings()
# Every condition for fine-tuning met, vendor answered everything: the baseline each test perturbs.
GOOD = normalise_facts(
    {
        "pitch": "We'll fine-tune the model on your tickets for £18,000.",
        "mechanism": "fine_tuning",
        "quote_gbp": 18000,
        "task": "classification",
        "monthly_volume": 5000,
        "clean_examples": 2000,
        "task_stable": "yes",
        "personal_data": "none",
        "prompt_rag": "not_acceptable",
        "fresh_knowledge": "no",
        "regulated": "no",
        "vendor_examples": "yes",
        "vendor_shortfall": "yes",
        "vendor_retraining": "yes",
    }
)
# The guide's consulting firm.
GUIDE = normalise_facts(
    {
        "pitch": "We'll fine-tune the model on your reports so it learns your methodology and tone.",
        "mechanism": "fine_tuning",
        "quote_gbp": 18000,
        "task": "open_writing",
        "monthly_volume": 12,
        "clean_examples": 40,
    }
)
DECLINE_CODES = set(LEVEL_RULES["decline"])
PRF_CODES = set(LEVEL_RULES["prompt_rag_first"])


def with_(**changes):
    return {**GOOD, **changes}


def codes(items):
    return [i["code"] for i in items]


def test_baseline_is_fine_tune_with_owner_numbers():
    v = assess(GOOD, DEFAULTS)
    assert v["verdict"] == "fine_tune"
    assert codes(v["reasons"]) == ["all_conditions_met"]
    assert "5,000 a month" in v["reasons"][0]["text"] and "2,000 clean examples" in v["reasons"][0]["text"]
    assert "5,000" in v["headline"] and "2,000" in v["headline"]
    assert v["cautions"] == [] and v["red_flags"] == []
    assert v["vendor_questions"] == list(STANDING_QUESTIONS)


def test_labels_and_codes_exported():
    assert set(VERDICT_LABELS) == {"decline", "prompt_rag_first", "clarify", "fine_tune"}
    assert VERDICT_LABELS["decline"] == "Decline the offer"
    assert len(RULE_CODES) == len(set(RULE_CODES)) == 20
    assert set(RULE_CODES) <= set(RULE_NAMES)  # each rule has the short name the report uses


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"clean_examples": 40}, "too_few_examples"),
        ({"clean_examples": 0}, "too_few_examples"),
        ({"task_stable": "no"}, "task_unstable"),
        ({"personal_data": "not_lawful"}, "personal_data_unlawful"),
        ({"prompt_rag": "acceptable"}, "prompt_rag_good_enough"),
    ],
)
def test_each_decline_rule(changes, code):
    v = assess(with_(**changes), DEFAULTS)
    assert v["verdict"] == "decline"
    assert codes(v["reasons"]) == [code]
    assert v["headline"].startswith("Decline the £18,000 offer")


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"prompt_rag": "not_tried"}, "cheaper_options_untried"),
        ({"task": "open_writing"}, "open_ended_task"),
        ({"task": "knowledge_qa"}, "open_ended_task"),
        ({"monthly_volume": 300}, "low_volume"),
        ({"fresh_knowledge": "yes"}, "needs_fresh_knowledge"),
    ],
)
def test_each_prompt_rag_first_rule(changes, code):
    v = assess(with_(**changes), DEFAULTS)
    assert v["verdict"] == "prompt_rag_first"
    assert codes(v["reasons"]) == [code]
    tried = with_(**changes)["prompt_rag"] == "not_acceptable"  # tried and fell short: never told to try them
    assert v["headline"].startswith("Find out why prompting and RAG fell short" if tried else "Try prompting and RAG")


@pytest.mark.parametrize(
    "field, value, overrides, expected",
    [
        ("clean_examples", 99, {}, "decline"),
        ("clean_examples", 100, {}, "fine_tune"),
        ("clean_examples", 49, {"min_clean_examples": 50}, "decline"),
        ("clean_examples", 50, {"min_clean_examples": 50}, "fine_tune"),
        ("clean_examples", 99, {"min_clean_examples": 50}, "fine_tune"),
        ("clean_examples", 100, {"min_clean_examples": 500}, "decline"),
        ("monthly_volume", 999, {}, "prompt_rag_first"),
        ("monthly_volume", 1000, {}, "fine_tune"),
        ("monthly_volume", 199, {"min_monthly_volume": 200}, "prompt_rag_first"),
        ("monthly_volume", 200, {"min_monthly_volume": 200}, "fine_tune"),
        ("monthly_volume", 999, {"min_monthly_volume": 200}, "fine_tune"),
        ("monthly_volume", 1000, {"min_monthly_volume": 5000}, "prompt_rag_first"),
    ],
)
def test_thresholds_both_sides(field, value, overrides, expected):
    s = Settings(**overrides)
    v = assess(with_(**{field: value}), s)
    assert v["verdict"] == expected
    if expected != "fine_tune":
        limit = overrides.get(
            "min_clean_examples" if field == "clean_examples" else "min_monthly_volume",
            getattr(DEFAULTS, "min_clean_examples" if field == "clean_examples" else "min_monthly_volume"),
        )
        assert f"{limit:,}" in v["reasons"][0]["text"] and f"{value:,}" in v["reasons"][0]["text"]


def test_first_level_wins_and_lists_every_rule_of_that_level():
    everything = with_(
        clean_examples=10,
        task_stable="no",
        personal_data="not_lawful",
        prompt_rag="acceptable",
        task="open_writing",
        monthly_volume=12,
        fresh_knowledge="yes",
    )
    v = assess(everything, DEFAULTS)
    assert v["verdict"] == "decline"
    assert codes(v["reasons"]) == list(LEVEL_RULES["decline"])
    assert "plus 3 more reasons" in v["headline"]


def test_prompt_rag_first_beats_clarify_and_lists_all_its_rules():
    v = assess(
        with_(
            prompt_rag="not_tried",
            task="knowledge_qa",
            monthly_volume=12,
            fresh_knowledge="yes",
            clean_examples=None,
            task_stable="unsure",
        ),
        DEFAULTS,
    )
    assert v["verdict"] == "prompt_rag_first"
    assert codes(v["reasons"]) == list(LEVEL_RULES["prompt_rag_first"])


def test_decline_beats_missing_facts():
    facts = {**empty_facts(), "clean_examples": 40}
    assert codes(assess(facts, DEFAULTS)["reasons"]) == ["too_few_examples"]


@pytest.mark.parametrize("field", DECIDING_FIELDS)
@pytest.mark.parametrize("value", [None, "unsure"])
def test_missing_or_unsure_fact_asks_to_clarify(field, value):
    v = assess(with_(**{field: value}), DEFAULTS)
    assert v["verdict"] == "clarify"
    [reason] = v["reasons"]
    assert reason["code"] == "missing_facts" and reason["fields"] == [field]
    assert v["headline"].startswith("Find out 1 thing before deciding")


def test_clarify_names_each_fact_and_points_to_the_audit():
    v = assess(empty_facts(), DEFAULTS)
    assert v["verdict"] == "clarify"
    reason = v["reasons"][0]
    assert reason["fields"] == list(DECIDING_FIELDS)
    assert "upload your examples for an audit" in reason["text"]
    for words in (
        "how many clean, labelled examples",
        "how many of these you handle a month",
        "what job",
        "three months",
        "personal data",
        "prompts plus RAG",
        "facts that change",
    ):
        assert words.lower() in reason["text"].lower()
    assert "data-audit" in reason["concepts"]


@pytest.mark.parametrize("field", ["clean_examples", "monthly_volume"])
def test_unknown_numbers_never_trigger_thresholds(field):
    v = assess(with_(**{field: None}), DEFAULTS)
    assert v["verdict"] == "clarify"
    assert not set(codes(v["reasons"])) & (DECLINE_CODES | PRF_CODES)


@pytest.mark.parametrize(
    "changes, code, words",
    [
        ({"regulated": "yes"}, "regulated_decision", ["EU AI Act", "ICO", "audit"]),
        ({"regulated": "unsure"}, "regulated_unsure", ["EU AI Act", "ICO"]),
        ({"personal_data": "lawful"}, "personal_data", ["DPIA", "data processing agreement"]),
    ],
)
@pytest.mark.parametrize("base", [{}, {"clean_examples": 5}, {"prompt_rag": "not_tried"}, {"task_stable": None}])
def test_each_caution_with_any_verdict(changes, code, words, base):
    v = assess(with_(**base, **changes), DEFAULTS)
    assert codes(v["cautions"]) == [code]
    assert all(w in v["cautions"][0]["text"] for w in words)
    expected = {
        "regulated_decision": {"eu-ai-act", "auditability"},
        "regulated_unsure": {"eu-ai-act", "auditability"},
        "personal_data": {"personal-data"},
    }[code]
    assert expected <= set(v["cautions"][0]["concepts"])


@pytest.mark.parametrize("regulated, personal_data", [("no", "none"), (None, None), ("no", "not_lawful"), (None, "unsure")])
def test_no_caution_without_cause(regulated, personal_data):
    assert assess(with_(regulated=regulated, personal_data=personal_data), DEFAULTS)["cautions"] == []


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"mechanism": "unclear"}, "mechanism_unclear"),
        ({"vendor_examples": "no"}, "no_example_count"),
        ({"vendor_shortfall": "no"}, "no_shortfall_plan"),
        ({"vendor_retraining": "no"}, "no_retraining_plan"),
        ({"mechanism": "fine_tuning", "prompt_rag": "acceptable"}, "upsell_over_cheaper_option"),
        ({"mechanism": "mixed", "prompt_rag": "acceptable"}, "upsell_over_cheaper_option"),
    ],
)
def test_each_red_flag(changes, code):
    assert codes(assess(with_(**changes), DEFAULTS)["red_flags"]) == [code]


@pytest.mark.parametrize("mechanism, said", [("rag", "RAG"), ("prompting", "better prompts")])
def test_an_offer_that_trains_nothing_says_so_first_and_asks_about_what_is_offered(mechanism, said):
    v = assess(with_(mechanism=mechanism), DEFAULTS)
    assert v["cautions"][0]["code"] == "not_training" and said in v["cautions"][0]["text"]
    assert "not training the model" in v["cautions"][0]["text"]
    assert not any("LoRA" in q or "weights" in q for q in v["vendor_questions"])
    assert set(OFFER_QUESTIONS[mechanism]) <= set(v["vendor_questions"])


@pytest.mark.parametrize("mechanism", ["fine_tuning", "mixed", "unclear"])
def test_an_offer_that_trains_keeps_the_training_questions(mechanism):
    v = assess(with_(mechanism=mechanism), DEFAULTS)
    assert "not_training" not in codes(v["cautions"]) and set(STANDING_QUESTIONS) <= set(v["vendor_questions"])


@pytest.mark.parametrize("mechanism", ["rag", "prompting", None])
def test_no_upsell_flag_when_vendor_sells_the_cheap_option(mechanism):
    assert assess(with_(mechanism=mechanism, prompt_rag="acceptable"), DEFAULTS)["red_flags"] == []


@pytest.mark.parametrize("field", list(AUDIT_QUESTIONS))
@pytest.mark.parametrize(
    "value, flagged, asked", [("yes", False, False), ("no", True, True), ("not_asked", False, True), (None, False, True)]
)
def test_vendor_answer_becomes_flag_or_question(field, value, flagged, asked):
    v = assess(with_(**{field: value}), DEFAULTS)
    assert bool(v["red_flags"]) is flagged
    assert (AUDIT_QUESTIONS[field] in v["vendor_questions"]) is asked
    assert v["vendor_questions"][-len(STANDING_QUESTIONS) :] == list(STANDING_QUESTIONS)


def test_guide_case_economics_and_numbers_in_text():
    v = assess(GUIDE, DEFAULTS)
    e = v["economics"]
    assert e["quote_gbp"] == 18000 and e["monthly_volume"] == 12 and e["items_first_year"] == 144
    assert e["quote_per_item_gbp"] == pytest.approx(125.0)
    assert e["training_tokens"] == 120_000
    assert e["compute_cost_gbp"] == pytest.approx(0.0072)
    assert e["compute_share_of_quote"] == pytest.approx(0.0072 / 18000)
    assert (e["tokens_per_example"], e["epochs"], e["price_per_million_tokens_gbp"]) == (1000, 3, 0.06)
    for part in (
        "£18,000 quote",
        "£125.00 per report",
        "12 a month",
        "40 examples",
        "1,000 tokens",
        "3 passes",
        "£0.06 per million",
        "less than a penny",  # £0.0072, as the card's own row shows it
        "labour and margin",
    ):
        assert part in e["summary"]
    assert v["verdict"] == "decline"
    assert "40 clean examples" in v["reasons"][0]["text"] and "100" in v["reasons"][0]["text"]
    assert "40" in v["headline"] and "£18,000" in v["headline"]


def test_low_volume_text_carries_owner_figures():
    v = assess(with_(monthly_volume=12, task="fixed_format"), DEFAULTS)
    text = v["reasons"][0]["text"]
    assert all(part in text for part in ("about 12 a month", "1,000 a month", "£18,000", "£125.00 per document"))


def test_economics_unknowns_are_none_and_say_so():
    e = assess(empty_facts(), DEFAULTS)["economics"]
    expected = {
        "quote_gbp",
        "monthly_fee_gbp",
        "monthly_volume",
        "items_first_year",
        "quote_per_item_gbp",
        "clean_examples",
        "tokens_per_example",
        "epochs",
        "price_per_million_tokens_gbp",
        "training_tokens",
        "compute_cost_gbp",
        "compute_share_of_quote",
        "summary",
        "currency",
        "quote",
        "quote_high",
        "monthly_fee",
        "quote_per_item",
        "compute_cost",
        "price_per_million_tokens",
        "exchange_rate",
        "exchange_rates_date",
    }
    assert set(e) == expected
    known = {
        "tokens_per_example",
        "epochs",
        "price_per_million_tokens_gbp",
        "summary",
        "currency",
        "price_per_million_tokens",
        "exchange_rate",
    }
    assert all(e[k] is None for k in expected - known)
    assert (e["currency"], e["exchange_rate"], e["price_per_million_tokens"]) == ("GBP", 1.0, 0.06)
    assert "quote" in e["summary"] and "clean examples" in e["summary"]


def test_economics_overrides_and_edges():
    e = assess(
        {**GUIDE, "tokens_per_example": 500, "monthly_fee": 250.0}, Settings(price_per_million_training_tokens_gbp=3.0, epochs=4)
    )["economics"]
    assert e["training_tokens"] == 40 * 500 * 4
    assert e["compute_cost_gbp"] == pytest.approx(80_000 / 1e6 * 3.0)
    assert "£250 monthly fee comes to £3,000 a year" in e["summary"]
    zero = assess({**GUIDE, "monthly_volume": 0, "quote": 0.0}, DEFAULTS)["economics"]
    assert zero["quote_per_item_gbp"] is None and zero["compute_share_of_quote"] is None


def test_everything_firing_cites_only_glossary_concepts():
    facts = with_(
        clean_examples=1,
        task_stable="no",
        personal_data="not_lawful",
        prompt_rag="acceptable",
        mechanism="unclear",
        regulated="yes",
        vendor_examples="no",
        vendor_shortfall="no",
        vendor_retraining="no",
    )
    v = assess(facts, DEFAULTS)
    items = v["reasons"] + v["cautions"] + v["red_flags"]
    assert {c for i in items for c in i["concepts"]} <= set(CONCEPT_IDS)
    assert "1 clean example;" in v["reasons"][0]["text"]
    for f in ({"task": t} for t in ("open_writing", "knowledge_qa")):
        assert set(assess(with_(**f), DEFAULTS)["reasons"][0]["concepts"]) <= set(CONCEPT_IDS)


# Any facts the interview could produce, including unknowns and the audit's measured tokens.
def _field_strategy(spec):
    if spec.kind == "choice":
        return st.one_of(st.none(), st.sampled_from(spec.choice_values()))
    if spec.kind in ("count", "volume"):
        return st.one_of(st.none(), st.integers(0, 10**7), st.sampled_from([99, 100, 999, 1000]))
    if spec.kind == "money":
        return st.one_of(st.none(), st.floats(0, 1e7, allow_nan=False))
    return st.one_of(st.none(), st.text(max_size=200))


FACTS = st.fixed_dictionaries(
    {f.name: _field_strategy(f) for f in FIELDS},
    optional={"monthly_fee_gbp": st.floats(0, 1e5, allow_nan=False), "tokens_per_example": st.integers(1, 5000)},
)


def _expected_level(f, s):
    """An independent reading of the published rules."""
    n, v = f.get("clean_examples"), f.get("monthly_volume")
    if (
        (n is not None and n < s.min_clean_examples)
        or f["task_stable"] == "no"
        or f["personal_data"] == "not_lawful"
        or f["prompt_rag"] == "acceptable"
    ):
        return "decline"
    if (
        f["prompt_rag"] == "not_tried"
        or f["task"] in ("open_writing", "knowledge_qa")
        or (v is not None and v < s.min_monthly_volume)
        or f["fresh_knowledge"] == "yes"
    ):
        return "prompt_rag_first"
    if any(f.get(name) in (None, "unsure") for name in DECIDING_FIELDS):
        return "clarify"
    return "fine_tune"


@hsettings(max_examples=300, deadline=None)
@given(FACTS)
def test_any_facts_give_a_valid_deterministic_verdict(raw):
    tokens = raw.pop("tokens_per_example", None)
    facts = normalise_facts(raw)
    if tokens:
        facts["tokens_per_example"] = tokens
    before = copy.deepcopy(facts)
    v = assess(facts, DEFAULTS)
    assert facts == before and v["facts"] == facts and v["facts"] is not facts
    assert v == assess(facts, DEFAULTS)
    assert set(v) == {
        "verdict",
        "headline",
        "reasons",
        "also_worth_knowing",
        "cautions",
        "red_flags",
        "claims_to_test",
        "vendor_questions",
        "economics",
        "facts",
    }
    assert v["verdict"] == _expected_level(facts, DEFAULTS)
    lower = {"decline": (*LEVEL_RULES["prompt_rag_first"], *LEVEL_RULES["clarify"]), "prompt_rag_first": LEVEL_RULES["clarify"]}
    assert set(codes(v["also_worth_knowing"])) <= set(lower.get(v["verdict"], ()))
    assert v["reasons"] and set(codes(v["reasons"])) <= set(LEVEL_RULES[v["verdict"]])
    for item in v["reasons"] + v["also_worth_knowing"] + v["cautions"] + v["red_flags"]:
        assert item["code"] in RULE_CODES
        assert isinstance(item["text"], str) and item["text"].strip()
        assert item["concepts"] and set(item["concepts"]) <= set(CONCEPT_IDS)
    assert isinstance(v["headline"], str) and v["headline"].endswith(".")
    assert all(isinstance(q, str) and q.endswith("?") for q in v["vendor_questions"])
    assert set(OFFER_QUESTIONS.get(str(facts.get("mechanism")), STANDING_QUESTIONS)) <= set(v["vendor_questions"])
    assert isinstance(v["economics"]["summary"], str) and v["economics"]["summary"]
    json.dumps(v)


# --- currencies, further concerns and the pitch's claims ---------------------------------------------------

DOLLAR_SUPPORT = normalise_facts(
    {
        "pitch": "We'll fine-tune a model on your tickets for $25,000. It learns your brand voice automatically.",
        "mechanism": "fine_tuning",
        "quote": 25000,
        "currency": "USD",
        "task": "classification",
        "monthly_volume": 12,
        "clean_examples": 40,
    }
)


def test_a_dollar_quote_keeps_its_currency_through_the_verdict():
    v = assess(DOLLAR_SUPPORT, DEFAULTS)
    e = v["economics"]
    assert e["currency"] == "USD" and e["quote"] == 25000 and e["quote_gbp"] is None
    assert e["quote_per_item"] == pytest.approx(25000 / 144) and e["quote_per_item_gbp"] is None
    assert "$25,000 quote works out at $173.61 per item over the first year" in e["summary"]
    assert "£25,000" not in e["summary"] and "Decline the $25,000 offer" in v["headline"]


@pytest.mark.parametrize("currency, rate_setting, sign", [("USD", "usd_per_gbp", "$"), ("EUR", "eur_per_gbp", "€")])
@pytest.mark.parametrize("rate", [1.1, 1.4])
def test_compute_cost_is_converted_with_the_dated_rate(currency, rate_setting, sign, rate):
    settings = Settings(**{rate_setting: rate}, exchange_rates_date="2026-03-31")
    e = assess({**DOLLAR_SUPPORT, "currency": currency}, settings)["economics"]
    assert e["compute_cost_gbp"] == pytest.approx(40 * 1000 * 3 / 1e6 * 0.06)
    assert e["compute_cost"] == pytest.approx(e["compute_cost_gbp"] * rate)
    assert e["price_per_million_tokens"] == pytest.approx(0.06 * rate)
    assert e["exchange_rate"] == rate and e["exchange_rates_date"] == "2026-03-31"
    assert f"{sign}{rate:.2f} to the pound on 31 March 2026" in e["summary"]
    assert e["compute_share_of_quote"] == pytest.approx(e["compute_cost"] / 25000)


def test_a_quoted_range_uses_its_low_end_and_says_so():
    v = assess({**DOLLAR_SUPPORT, "quote": 10000, "quote_high": 80000}, DEFAULTS)
    e = v["economics"]
    assert (e["quote"], e["quote_high"]) == (10000, 80000)
    assert "$10,000 to $80,000" in e["summary"] and "low end" in e["summary"]
    assert "$10,000 to $80,000 offer" in v["headline"]
    assert e["quote_per_item"] == pytest.approx(10000 / 144)


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="currency"):
        assess({**DOLLAR_SUPPORT, "currency": "JPY"}, DEFAULTS)


def test_also_worth_knowing_names_lower_level_concerns_in_the_owners_numbers():
    v = assess(GUIDE, DEFAULTS)
    assert v["verdict"] == "decline" and codes(v["reasons"]) == ["too_few_examples"]
    also = {item["code"]: item["text"] for item in v["also_worth_knowing"]}
    assert set(also) == {"open_ended_task", "low_volume", "missing_facts"}  # what the example's owner did not say too
    assert also["low_volume"].startswith("Even with 100 clean examples, 12 reports a month is low volume")
    assert "£18,000 quote comes to £125.00 per report" in also["low_volume"]


def test_also_worth_knowing_opens_with_the_deciding_reason():
    v = assess({**GUIDE, "clean_examples": 500, "task_stable": "no"}, DEFAULTS)
    assert codes(v["reasons"]) == ["task_unstable"]
    lower = [item for item in v["also_worth_knowing"] if item["code"] != "missing_facts"]
    assert lower and all(item["text"].startswith("Even once the task settles") for item in lower)
    several = assess({**GUIDE, "task_stable": "no"}, DEFAULTS)
    lower = [item for item in several["also_worth_knowing"] if item["code"] != "missing_facts"]
    assert lower and all(item["text"].startswith("Even if those were put right") for item in lower)


def test_after_a_decline_what_the_owner_was_not_sure_of_is_still_named():
    v = assess({**GUIDE, "clean_examples": 30, "task_stable": "unsure", "personal_data": "unsure"}, DEFAULTS)
    assert v["verdict"] == "decline"
    [missing] = [item for item in v["also_worth_knowing"] if item["code"] == "missing_facts"]
    assert "whether the task will look the same in three months" in missing["text"]
    assert "personal data" in missing["text"]


def test_after_prompt_rag_first_the_unknown_facts_are_worth_knowing():
    v = assess(with_(monthly_volume=200, task_stable=None, fresh_knowledge="unsure"), DEFAULTS)
    assert v["verdict"] == "prompt_rag_first"
    [item] = v["also_worth_knowing"]
    assert item["code"] == "missing_facts" and item["fields"] == ["task_stable", "fresh_knowledge"]
    assert "whether the task will look the same in three months" in item["text"]


def test_nothing_more_is_worth_knowing_when_the_verdict_is_fine_tune():
    assert assess(GOOD, DEFAULTS)["also_worth_knowing"] == []
    assert assess(with_(task_stable=None), DEFAULTS)["also_worth_knowing"] == []


@pytest.mark.parametrize("facts", [GOOD, GUIDE, DOLLAR_SUPPORT])
def test_claims_to_test_come_from_the_pitch_whatever_the_verdict(facts):
    pitch = "It learns your brand voice automatically. No hallucinations, ever. We fine-tune on your tickets."
    v = assess({**facts, "pitch": pitch}, DEFAULTS)
    texts = [c["text"] for c in v["claims_to_test"]]
    assert texts == ["It learns your brand voice automatically.", "No hallucinations, ever."]
    assert all(c["question"].endswith("?") for c in v["claims_to_test"])
    assert assess({**facts, "pitch": None}, DEFAULTS)["claims_to_test"] == []


def test_the_verdict_is_a_plain_dict_that_json_round_trips():
    from chains.verdict import Verdict

    v = assess(DOLLAR_SUPPORT, DEFAULTS)
    assert type(v) is dict and set(v) == set(Verdict.__annotations__)
    assert json.loads(json.dumps(v)) == v


@pytest.mark.parametrize(
    "amount, currency, pence, shown",
    [
        (25000, "USD", False, "$25,000"),
        (125, "EUR", True, "€125.00"),
        (18000, None, False, "£18,000"),
        (0.0072, "GBP", False, "£0.0072"),
        (0.00001, "USD", False, "less than $0.0001"),
        (None, "EUR", False, "not known"),
        (173.6111, "USD", True, "$173.61"),
    ],
)
def test_money_is_shown_in_its_own_currency(amount, currency, pence, shown):
    from chains.money import format_money

    assert format_money(amount, currency, pence) == shown


def test_old_formatting_names_still_work_for_the_renderers():
    from chains.verdict import format_count, format_gbp, format_share

    assert (format_gbp(18000), format_gbp(125, pence=True)) == ("£18,000", "£125.00")
    assert (format_count(1234.4), format_share(0.0000004)) == ("1,234", "less than 0.01%")


@pytest.mark.parametrize(
    "tried, start",
    [
        ("not_acceptable", "Find out why prompting and RAG fell short before paying £12,000 for fine-tuning: "),
        ("not_tried", "Try prompting and RAG before paying £12,000 for fine-tuning: "),
    ],
)
def test_the_headline_never_tells_an_owner_who_tried_prompting_and_rag_to_try_them(tried, start):
    facts = dict(
        mechanism="fine_tuning", quote=12000, currency="GBP", task="open_writing", monthly_volume=400, clean_examples=300,
        task_stable="yes", personal_data="none", prompt_rag=tried, fresh_knowledge="yes", regulated="no",
        vendor_examples="yes", vendor_shortfall="yes", vendor_retraining="yes",
    )  # fmt: skip
    v = assess(facts)
    assert v["verdict"] == "prompt_rag_first" and v["headline"].startswith(start)
