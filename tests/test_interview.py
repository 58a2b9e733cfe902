"""What an owner sees when they answer in their own words: the echo, the clarifying question, the value kept."""

from __future__ import annotations

import pytest

from chains.facts import FIELD_BY_NAME
from chains.session import ORDER, Session


def at(field: str, **before) -> Session:
    """A session with every question before `field` answered or skipped, and `field` on screen."""
    s = Session()
    s.start()
    for name in ORDER[: ORDER.index(field)]:
        s.mark_asked(name)
    for name, value in before.items():
        s.answer_directly(name, value)
    s.await_field(field)
    return s


# --- numbers as people say them, both sides of each rule's line ---------------------------------------------------
@pytest.mark.parametrize(
    "text, value",
    [
        ("maybe forty good ones", 40),
        ("we have about 300 good ones", 300),
        ("a couple of dozen", 24),
        ("a dozen or so", 12),
        ("40-odd", 40),
        ("two and a half thousand", 2500),
        ("3.5k", 3500),
        ("one or two hundred", 150),
        ("we have 300 but only about half are usable", 150),
        ("each of our 4 branches has maybe 50", 200),
        ("99", 99),
        ("100", 100),
        ("tweny", 20),
        ("none of them are labelled yet", 0),
    ],
)
def test_counts_in_words_mixtures_ranges_and_fractions(text, value):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] == value
    assert turn.replies[0].text.startswith("Got it: ")


@pytest.mark.parametrize(
    "field, text, low, high",
    [
        ("clean_examples", "between 80 and 120", 80, 120),
        ("clean_examples", "about a hundred", 90, 110),
        ("monthly_volume", "800 to 1,200 a month", 800, 1200),
        ("monthly_volume", "40 a day", 880, 1200),
    ],
)
def test_a_figure_across_a_rules_line_is_asked_back_with_both_readings(field, text, low, high):
    s = at(field)
    turn = s.handle(text)
    assert turn.facts[field] is None and turn.awaiting["field"] == field
    values = [c["value"] for c in turn.awaiting["choices"]]
    assert values[-1] == "something else" and len(values) == 3
    numbers = [int(v) for v in values[:2]]
    assert numbers[0] < FIELD_THRESHOLD[field] <= numbers[1] and low <= numbers[0] and numbers[1] <= high
    picked = s.handle(values[1])  # clicking the reading sets it
    assert picked.facts[field] == numbers[1]


FIELD_THRESHOLD = {"clean_examples": 100, "monthly_volume": 1000}


@pytest.mark.parametrize(
    "text, value",
    [
        ("300 a week", 1300),
        ("about twelve a month", 12),
        ("24,000 a year", 2000),
        ("600 a quarter", 200),
        ("30 a day", 900),
        ("50 a day", 1500),
        ("2000 orders but only about a quarter need this doing", 500),
    ],
)
def test_rates_become_monthly(text, value):
    assert at("monthly_volume").handle(text).facts["monthly_volume"] == value


@pytest.mark.parametrize(
    "text, amount, currency, high",
    [
        ("eleven and a half thousand pounds", 11500, "GBP", None),
        ("about four and a half grand in pounds", 4500, "GBP", None),
        ("$25,000", 25000, "USD", None),
        ("€20k + VAT", 20000, "EUR", None),
        ("between £15 and 20k", 15000, "GBP", 20000),
        ("about £10k, maybe 11", 10000, "GBP", 11000),
    ],
)
def test_prices_keep_amount_currency_and_range(text, amount, currency, high):
    turn = at("quote").handle(text)
    assert (turn.facts["quote"], turn.facts["currency"], turn.facts["quote_high"]) == (amount, currency, high)


def test_a_count_is_never_read_from_words_that_only_hold_a_number_word():
    turn = at("clean_examples").handle("someone on the team has the good ones, no idea how many")
    assert turn.facts["clean_examples"] is None


# --- hedges, negations, paraphrases -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, text, value",
    [
        ("regulated", "I don't think it does", "no"),
        ("regulated", "not that I know of", "no"),
        ("regulated", "I think so", "yes"),
        ("task_stable", "it should stay put", "yes"),
        ("task_stable", "probably not", "no"),
        ("task_stable", "no idea", "unsure"),
        ("task_stable", "I don't think it will change", "yes"),
        ("personal_data", "no chance we could share those", "not_lawful"),
        ("prompt_rag", "we tried it with a careful prompt and the format kept drifting", "not_acceptable"),
        ("fresh_knowledge", "prices go up every spring", "yes"),
        # vague vendor promises are no answer
        ("vendor_shortfall", "They said they'd just 'make it work', whatever that means", "no"),
        ("vendor_retraining", "someone said they'd look into it", "no"),
        ("vendor_examples", "they said 'as many as you've got'", "no"),
        ("vendor_retraining", "they said it learns as it goes", "no"),
        ("vendor_retraining", "nah, didn't get round to asking", "not_asked"),
    ],
)
def test_hedged_negated_and_paraphrased_answers(field, text, value):
    turn = at(field).handle(text)
    assert turn.facts[field] == value
    assert turn.replies[0].text == f"Got it: {FIELD_BY_NAME[field].echo_of(value)}."


def test_not_knowing_a_term_gets_an_explanation_and_the_likely_answer_first():
    class Answer:
        text, sources = "RAG means the model reads your documents when it answers.", []

    s = Session(explain=lambda q: Answer())
    s.start()
    s.await_field("prompt_rag")
    turn = s.handle("not really sure what RAG is")
    assert turn.replies[0].kind == "explanation" and turn.facts["prompt_rag"] is None
    assert turn.awaiting["field"] == "prompt_rag" and turn.awaiting["choices"][0]["value"] == "not_tried"


# --- never the same question a third time ---------------------------------------------------------------------
def test_two_misses_show_an_example_and_the_third_leaves_the_question_open():
    s = at("task_stable")
    first = s.handle("purple")
    assert first.awaiting["field"] == "task_stable"
    second = s.handle("purple")
    assert "something like" in second.replies[0].text and "skip" in second.replies[0].text
    third = s.handle("purple")
    assert third.facts["task_stable"] is None and third.awaiting["field"] != "task_stable"
    assert "open for now" in third.replies[0].text


def test_a_free_text_interview_of_unreadable_answers_still_reaches_a_verdict():
    s = Session()
    s.start()
    turn = s.handle("they want to fine-tune something")
    for _ in range(60):
        if turn.verdict:
            break
        turn = s.handle("hmm, purple")
    assert turn.verdict is not None


# --- corrections ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, value", [("no sorry, it's more like fifty", 50), ("wait, I meant 60", 60), ("oops, 45 not 40", 45)]
)
def test_a_correction_without_actually_changes_the_last_answer_and_keeps_the_question(text, value):
    s = at("task_stable", clean_examples=40)
    turn = s.handle(text)
    assert turn.facts["clean_examples"] == value
    assert turn.awaiting["field"] == "task_stable"
    assert turn.replies[0].text.startswith(f"Changed: about {value} clean examples (it was about 40")


def test_the_word_example_inside_an_answer_is_not_a_correction():
    s = at("clean_examples", monthly_volume=None)
    s.answer_directly("clean_examples", 40)
    s.await_field("task_stable")
    turn = s.handle("it stays the same, for example refund requests every month")
    assert turn.facts["clean_examples"] == 40 and turn.facts["task_stable"] == "yes"


# --- the opening ----------------------------------------------------------------------------------------------
def test_a_question_about_the_offer_is_taken_as_the_pitch():
    s = Session()
    s.start()
    turn = s.handle("Should we pay someone to fine-tune a model for our invoices?")
    assert turn.facts["pitch"] and turn.facts["mechanism"] == "fine_tuning"
    assert turn.awaiting["field"] != "pitch"


def test_a_pure_concept_question_is_answered_and_the_pitch_asked_again():
    class Answer:
        text, sources = "LoRA trains a small add-on.", []

    s = Session(explain=lambda q: Answer())
    s.start()
    turn = s.handle("what is LoRA?")
    assert turn.replies[0].kind == "explanation" and turn.awaiting["field"] == "pitch" and turn.facts["pitch"] is None


# --- the LLM layer: offered back, never taken silently, and its failure changes nothing --------------------------
def _llm_session(server, mode="ok"):
    from test_llm import make_settings

    from chains.llm import field_reader, reset_breakers

    reset_breakers()
    settings = make_settings(server, mode)
    s = Session(settings, read_field=field_reader(settings))
    s.start()
    s.mark_asked("pitch")
    s.await_field("task")
    return s


def test_an_llm_reading_is_offered_first_as_a_clarifying_question(fake_openai):
    fake_openai.text = '{"value": "extraction"}'
    turn = _llm_session(fake_openai).handle("the invoice thingy, you know, getting the bits off them")
    assert turn.facts["task"] is None
    assert turn.awaiting["choices"][0]["value"] == "extraction" and "Did you mean" in turn.awaiting["question"]


def test_a_dead_llm_leaves_the_offline_reading(fake_openai):
    turn = _llm_session(fake_openai, mode="error500").handle("the invoice thingy, you know, getting the bits off them")
    assert turn.facts["task"] is None and turn.awaiting["field"] == "task"
    assert turn.replies[0].kind == "notice" and "Sorry" not in turn.replies[0].text


# --- both sides of each rule's line, typed as owners type them ---------------------------------------------------
@pytest.mark.parametrize(
    "field, text, value, rule, holds",
    [
        ("clean_examples", "ninety-nine", 99, "too_few_examples", True),
        ("clean_examples", "a hundred exactly", 100, "too_few_examples", False),
        ("monthly_volume", "999 a month", 999, "low_volume", True),
        ("monthly_volume", "1,000 a month", 1000, "low_volume", False),
        ("monthly_volume", "250 a week", 1083, "low_volume", False),
        ("monthly_volume", "230 a week", 997, "low_volume", True),
    ],
)
def test_typed_figures_either_side_of_a_line_decide_the_rule(field, text, value, rule, holds):
    s = at(field)
    turn = s.handle(text)
    assert turn.facts[field] == value
    codes = {r["code"] for r in s.current_verdict()["reasons"]} | {
        r["code"] for r in s.current_verdict().get("also_worth_knowing", [])
    }
    assert (rule in codes) is holds


def test_a_correction_to_a_daily_figure_asked_back_stays_daily():
    s = at("monthly_volume")
    asked = s.handle("we get like 40 a day")
    assert asked.facts["monthly_volume"] is None and asked.awaiting["field"] == "monthly_volume"
    turn = s.handle("no sorry, more like fifty")
    assert turn.facts["monthly_volume"] == 1500  # fifty a day, not fifty a month
    assert "50 a day" in turn.replies[0].text
