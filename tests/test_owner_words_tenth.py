"""Owners' own words, families found in the tenth blind set's tuning half: a decimal comma before a scale word
("4,5 thousand"), thousands grouped by a space before a comma, homophones of number words in a price ("two thousand
for hundred"), number words with "-odd", a daily figure with its days a week, a figure each of several people
handle, a figure each of several things brings, nobody having labelled anything, "can't promise" as not sure, a no
before what the vendor said, "alright" and "nothing's been tried" at the prompts question, and a concept question
asked before the pitch. Each test asserts what the owner sees: the echo, the question asked back and its choices, the
value kept.
"""

from __future__ import annotations

import pytest
from test_interview import at
from test_owner_words import _Explainer, first_turn

from chains.session import Session

# --- figures -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, text, value, echo",
    [
        ("clean_examples", "0,5 thousand", 500, "Got it: about 500 clean examples."),
        ("clean_examples", "about 2,5 thousand", 2500, "Got it: about 2,500 clean examples."),
        ("monthly_volume", "1,2 thousand a month", 1200, "Got it: about 1,200 a month."),
        ("monthly_volume", "0,9 thousand a month", 900, "Got it: about 900 a month."),  # under the 1,000 line
        ("clean_examples", "around 1 500, maybe", 1500, "Got it: about 1,500 clean examples."),
        ("clean_examples", "sixty-odd", 60, "Got it: about 60 clean examples (I read that as 60 to 69)."),
        ("clean_examples", "a hundred-odd", 100, "Got it: about 100 clean examples (I read that as 100 to 199)."),
    ],
)
def test_figures_written_with_a_decimal_comma_a_spaced_thousand_or_odd_are_read(field, text, value, echo):
    turn = at(field).handle(text)
    assert turn.facts[field] == value and turn.replies[0].text == echo


@pytest.mark.parametrize(
    "text, amount, currency",
    [
        ("4,5 thousand pounds", 4500, "GBP"),
        ("about 2,5 thousand euro", 2500, "EUR"),
        ("two grand four hundred quid", 2400, "GBP"),
    ],
)
def test_a_price_with_a_decimal_comma_or_grand_and_hundreds_is_read(text, amount, currency):
    turn = at("quote").handle(text)
    assert (turn.facts["quote"], turn.facts["currency"]) == (amount, currency)


@pytest.mark.parametrize(
    "text, question, choices",
    [
        ("two thousand for hundred pounds", "Did you mean £2,400 or £2,100?", ["£2,400", "£2,100", "something else"]),
        ("for hundred quid", "Did you mean £400 or £100?", ["£400", "£100", "something else"]),
        ("about too thousand euro", "Did you mean €2,000 or €1,000?", ["€2,000", "€1,000", "something else"]),
    ],
)
def test_a_number_word_heard_as_for_or_too_in_a_price_is_asked_back(text, question, choices):
    s = at("quote")
    turn = s.handle(text)
    assert turn.facts["quote"] is None and turn.replies[-1].text.startswith(question)
    assert [c["value"] for c in turn.awaiting["choices"]] == choices
    picked = s.choose(choices[0])
    assert picked.facts["quote"] == float(choices[0][1:].replace(",", ""))


@pytest.mark.parametrize(
    "text, value, said",
    [
        ("15 a day, we're open 6 days a week", 390, "(15 a day, 6 days a week)"),
        ("about 30 a day but only 2 days a week", 260, "(30 a day, 2 days a week)"),
        ("45 a day, 6 days a week", 1170, "(270 a week)"),  # over the 1,000 line
        ("we do 12 a day 3 days a week", 156, "(36 a week)"),
    ],
)
def test_a_daily_figure_with_its_days_a_week_is_taken_for_those_days(text, value, said):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] == value
    assert turn.replies[0].text == f"Got it: about {value:,} a month {said}."


@pytest.mark.parametrize(
    "text, value, echo",
    [
        (
            "everyone on the team does about 100 a month and there's 4 of us",
            400,
            "Got it: about 400 a month (100 a month each, times 4).",
        ),
        (
            "there's 12 of us and everybody handles about 100 a month",
            1200,
            "Got it: about 1,200 a month (100 a month each, times 12).",
        ),  # over the 1,000 line, where one person's 100 is far under it
        ("everyone here says it's about 300 a month", 300, "Got it: about 300 a month."),
    ],
)
def test_a_figure_everyone_handles_is_multiplied_by_how_many_there_are(text, value, echo):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] == value and turn.replies[0].text == echo


def test_a_figure_each_of_several_things_brings_is_asked_back_as_the_product():
    s = at("monthly_volume")
    turn = s.handle("I shoot 25 weddings a year and each one means about 80 client emails")
    assert turn.facts["monthly_volume"] is None
    assert turn.replies[-1].text.startswith("So about 167 a month in all (25 a year, 80 each)?")
    assert [c["value"] for c in turn.awaiting["choices"]] == ["167", "2", "something else"]
    assert s.choose("167").facts["monthly_volume"] == 167


@pytest.mark.parametrize("text", ["no-one's ever labelled anything", "nobody has ever labelled any"])
def test_nobody_having_labelled_anything_is_none_yet(text):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] == 0 and turn.replies[0].text == "Got it: no clean examples yet."


# --- choices -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("task_stable", "can't promise it won't change", "unsure"),
        ("task_stable", "I can't guarantee it'll stay the same", "unsure"),
        ("task_stable", "no guarantees but it's been the same for ten years", "yes"),  # the answer after the but
        ("fresh_knowledge", "can't promise the prices won't move", "unsure"),
        ("personal_data", "there's customer names on the orders I think, mum doesn't know if that's allowed", "unsure"),
        ("prompt_rag", "sort of tried, it was alright I suppose", "acceptable"),
        ("prompt_rag", "We only got the vendor's email 3 days ago, so nothing's been tried", "not_tried"),
        ("task", "the weekly vehicle check, same form each week, just the numbers change", "fixed_format"),
        ("mechanism", "they'll train it on all our product descriptions", "fine_tuning"),
        ("mechanism", "it reads the price list when it answers", "rag"),
        ("vendor_retraining", "our IT firm would never waffle like this vendor did when I asked", "no"),
        ("vendor_examples", "they'd never dodge a question like that lot did", "no"),
    ],
)
def test_owners_words_are_read_as_the_choice_they_mean(field, text, value):
    turn = at(field).handle(text)
    assert turn.facts[field] == value and turn.replies[0].kind == "echo"


@pytest.mark.parametrize(
    "field, text, first",
    [
        ("vendor_retraining", "actually no, they explained updates to the app, not to the model", ["no", "yes", "not_asked"]),
        ("vendor_examples", "no, they explained it", ["no", "yes", "not_asked"]),
        ("vendor_retraining", "they told us to 'reach out to support' — that's not an answer", ["yes", "no"]),
        ("task", "the weekly vehicle check report, same form every time", ["open_writing", "fixed_format"]),
        ("mechanism", "reckon it's some training on heaps of our old sales plus it reads our stock list as well", ["mixed"]),
    ],
)
def test_words_that_point_two_ways_are_asked_back_with_both(field, text, first):
    turn = at(field).handle(text)
    assert turn.facts[field] is None and turn.awaiting["field"] == field
    values = [c["value"] for c in turn.awaiting["choices"]]
    assert values[: len(first)] == first and values[-1] == "something else"


# --- the opening ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Before we start, can someone explain in plain English what retrieval augmented generation is",
        "please explain, in simple words, how fine tuning works",
        "can you tell me what LoRA is",
    ],
)
def test_a_concept_question_before_the_pitch_is_explained_and_the_pitch_asked_again(text):
    s, turn = first_turn(text)
    assert turn.replies[0].kind == "explanation" and turn.awaiting["field"] == "pitch"
    assert s.facts["mechanism"] is None


@pytest.mark.parametrize(
    "text, mechanism",
    [
        ("they will explain the process to us and fine-tune it for £500", "fine_tuning"),
        ("we want it to explain our quotes to customers", None),
    ],
)
def test_explain_inside_an_offer_is_no_concept_question(text, mechanism):
    s, turn = first_turn(text)
    assert turn.replies[0].kind == "echo" and s.facts["pitch"] == text and s.facts["mechanism"] == mechanism


@pytest.mark.parametrize("reply", ["dunno", "no idea which, the email just says 9k"])
def test_not_knowing_a_prices_currency_keeps_the_price_in_pounds_and_says_so(reply):
    s = at("quote")
    assert [c["value"] for c in s.handle("9 grand").awaiting["choices"]] == ["£9,000", "$9,000", "€9,000", "something else"]
    turn = s.handle(reply)
    assert (turn.facts["quote"], turn.facts["currency"]) == (9000, "GBP")
    assert turn.replies[0].text.startswith("Got it: a quote of £9,000, in pounds as you weren't sure")


def test_skip_at_a_prices_currency_still_leaves_it_open():
    s = at("quote")
    s.handle("9 grand")
    turn = s.handle("skip")
    assert turn.facts["quote"] is None and turn.replies[0].text == "No problem, I'll leave that open."
    assert "weren't sure" not in s.handle("sorting emails into categories").replies[0].text  # nothing left behind


def test_thousands_then_hundreds_with_no_scale_word_between_are_two_figures():
    turn = at("clean_examples").handle("2k 500 of them labelled")
    assert turn.facts["clean_examples"] is None  # never 2,500
    assert [c["value"] for c in turn.awaiting["choices"]][:2] == ["2000", "500"]


def test_thousands_then_the_bad_ones_among_them_are_taken_away_never_added():
    turn = at("clean_examples").handle("about 2k, 500 are rubbish")
    assert turn.facts["clean_examples"] == 1500  # never 2,500
    assert turn.replies[0].text == "Got it: about 1,500 clean examples (2,000 less the 500 that are rubbish)."


# --- the other side of each new rule: ordinary answers that must not be read by it ---------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("we get 300 a month from everyone, about 40 customers", 300),
        ("about 400 a month in total for everyone, 4 of us", 400),
        ("everyone combined does 300 a month, 3 staff", 300),
    ],
)
def test_a_total_for_everyone_is_not_multiplied(text, value):
    assert at("monthly_volume").handle(text).facts["monthly_volume"] == value


@pytest.mark.parametrize("text, amount", [("£500 for hundred documents", 500), ("£12,000 for thousand hours of support", 12000)])
def test_for_before_a_scale_word_after_a_price_is_no_slip(text, amount):
    turn = at("quote").handle(text)
    assert turn.facts["quote"] == amount


@pytest.mark.parametrize(
    "field, text", [("quote", "between 10,15 thousand pounds"), ("clean_examples", "3 thousand 500 of them labelled")]
)
def test_two_figures_that_only_look_like_one_are_never_taken_as_one(field, text):
    turn = at(field).handle(text)
    assert turn.facts[field] is None and turn.awaiting["field"] == field


def test_several_days_a_week_said_for_other_things_leave_the_daily_figure_asked_back():
    turn = at("monthly_volume").handle("about 40 a day, plus 3 days a week we do markets")
    assert turn.facts["monthly_volume"] is None
    assert [c["value"] for c in turn.awaiting["choices"]] == ["880", "1200", "something else"]


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("task_stable", "the vendor couldn't guarantee results. the task is the same every time", "yes"),
        ("task_stable", "I can't promise, though it's been the same for years", "yes"),
    ],
)
def test_a_promise_someone_else_cannot_make_or_an_answer_after_it_is_still_the_answer(field, text, value):
    assert at(field).handle(text).facts[field] == value


def test_someone_elses_doubt_with_an_answer_after_it_is_not_taken_as_not_sure():
    turn = at("regulated").handle("my boss doesn't know if it matters but we're FCA regulated")
    assert turn.facts["regulated"] != "unsure"


@pytest.mark.parametrize("reply", ["dunno, not pounds", "dunno, leave it open"])
def test_not_knowing_the_currency_but_ruling_pounds_out_takes_no_pounds(reply):
    s = at("quote")
    s.handle("9 grand")
    assert s.handle(reply).facts["currency"] != "GBP"


def test_they_will_tell_us_what_something_is_is_no_question_to_explain():
    s = at("vendor_shortfall")
    s.explain = _Explainer()
    assert s.handle("they will tell us what the error rate is").replies[0].kind != "explanation"


def test_an_audit_that_replaces_a_typed_count_says_what_it_replaced_and_back_restores_it():
    s = at("clean_examples")
    s.handle("sixty-odd")
    turn = s.apply_audit({"clean": 30, "rows": 33})
    assert turn.facts["clean_examples"] == 30
    assert turn.replies[0].text == (
        'The audit found 30 clean examples out of 33 rows, so I\'ll work from 30 (you had said 60; say "back" to keep that).'
    )
    s.handle("back")
    assert s.facts["clean_examples"] == 60


def test_the_vendor_having_said_a_few_hundred_is_an_answer_and_a_hedge_before_it_asks():
    assert at("vendor_examples").handle("tom said a few hundred would do i think").facts["vendor_examples"] == "yes"
    turn = at("vendor_examples").handle("sort of, they said a few hundred should probably do")
    assert turn.facts["vendor_examples"] is None
    assert [c["value"] for c in turn.awaiting["choices"]] == ["yes", "no", "not_asked", "something else"]


def test_the_job_is_asked_before_how_many_of_these_even_when_too_few_examples_decide_the_verdict():
    s = Session()
    s.start()
    s.handle("a company called databoost wants 9k to do AI stuff with our data")
    s.apply_audit({"clean": 30, "rows": 33})  # too few to train on, whatever the job
    s.handle("dunno")  # what the vendor will do
    assert s.handle("pounds").awaiting["field"] == "task"
    assert s.handle("sorting emails into categories").awaiting["field"] == "monthly_volume"
