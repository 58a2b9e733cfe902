"""Owners' own words, families found in the seventh blind set's tuning half: figures as continental Europe and phone
keyboards write them, a price given as a rate times hours or days, "not only X", "no one's ..." as a negation, "I'd have
to check" as not knowing, and corrections that point back ("before that") or name the earlier answer's matter.
Each test asserts what the owner sees: the echo, the question asked back and its choices, the value kept."""

from __future__ import annotations

import pytest
from test_interview import at


@pytest.mark.parametrize(
    "text, amount, currency, shown",
    [
        ("2 400,00 €", 2400, "EUR", "€2,400"),
        ("12 500,00 €", 12500, "EUR", "€12,500"),
        ("$3,2oo", 3200, "USD", "$3,200"),
        ("€1,5k", 1500, "EUR", "€1,500"),
        ("£18,5k", 18500, "GBP", "£18,500"),
    ],
)
def test_figures_written_the_continental_way_or_with_a_letter_o_are_read(text, amount, currency, shown):
    turn = at("quote").handle(text)
    assert (turn.facts["quote"], turn.facts["currency"]) == (amount, currency)
    assert turn.replies[0].text == f"Got it: a quote of {shown}."


@pytest.mark.parametrize("text, value", [("0,08k", 80), ("0,12k", 120), ("1,2k", 1200), ("about 2oo", 200)])
def test_a_decimal_comma_before_k_counts_on_both_sides_of_the_hundred_line(text, value):
    assert at("clean_examples").handle(text).facts["clean_examples"] == value


def test_a_letter_o_between_digits_is_asked_again_not_guessed():
    turn = at("clean_examples").handle("ummm 2o0")
    assert turn.facts["clean_examples"] is None and turn.awaiting["field"] == "clean_examples"


@pytest.mark.parametrize(
    "text, total, said",
    [
        ("£250 a day for 20 days", "£5,000", "(£250 a day for 20 days)"),
        ("$150 an hour, they estimate 40 hours", "$6,000", "($150 an hour for 40 hours)"),
        ("20 days at £400 per day", "£8,000", "(£400 a day for 20 days)"),
        ("ten days consultancy at €950 a day", "€9,500", "(€950 a day for 10 days)"),
    ],
)
def test_a_rate_times_hours_or_days_is_asked_back_with_the_total(text, total, said):
    s = at("quote")
    turn = s.handle(text)
    assert turn.facts["quote"] is None and turn.awaiting["field"] == "quote"
    assert turn.replies[-1].text.startswith(f"So the whole price is {total} {said}?")
    assert [c["label"] for c in turn.awaiting["choices"]] == [total, "Something else"]
    amount = float(total[1:].replace(",", ""))
    assert s.handle("1").facts["quote"] == amount  # the total, picked by its number


@pytest.mark.parametrize(
    "text, amount",
    [
        ("£12k, they work 3 days a week", 12000),
        ("£5,000 and 2 days of training", 5000),
        ("£12k plus £80 an hour for 10 hours of support a month", 12000),  # the rate is support on top
    ],
)
def test_a_price_beside_days_that_are_no_rate_is_taken(text, amount):
    turn = at("quote").handle(text)
    assert turn.facts["quote"] == amount and turn.replies[0].text.startswith("Got it: a quote of")


@pytest.mark.parametrize("text", ["£80 an hour for 15 days", "20 hours a week at £50 an hour"])
def test_hours_against_days_or_hours_that_recur_are_no_whole_price(text):
    turn = at("quote").handle(text)
    assert turn.facts["quote"] is None
    assert "So the whole price is" not in turn.replies[-1].text


@pytest.mark.parametrize(
    "text", ["not only prompts, it's training plus a search thing", "prompts plus document search", "fine-tuning as well"]
)
def test_one_technique_and_more_besides_asks_whether_it_is_a_mix(text):
    turn = at("mechanism").handle(text)
    assert turn.facts["mechanism"] is None
    assert turn.awaiting["choices"][0]["label"] == "A mix of these"


@pytest.mark.parametrize(
    "text",
    ["just prompts", "they write prompts", "they write prompts, nothing too fancy", "just prompts, and they also host it"],
)
def test_one_technique_alone_is_taken(text):
    assert at("mechanism").handle(text).facts["mechanism"] == "prompting"


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("task_stable", "no one's talking about changing it", "yes"),
        ("task_stable", "no, it's changing", "no"),
        ("personal_data", "no one's name is in them", "none"),
        ("personal_data", "nobody's details are in there", "none"),
        ("task_stable", "no one-off changes planned, it stays the same", "yes"),
    ],
)
def test_no_one_turns_round_what_follows(field, text, value):
    turn = at(field).handle(text)
    assert turn.facts[field] == value and turn.replies[0].text.startswith("Got it:")


@pytest.mark.parametrize("text", ["no one gets hired or refused a loan because of it", "no-one's job depends on it"])
def test_no_one_without_a_cue_it_turns_round_is_asked_with_no_first(text):
    turn = at("regulated").handle(text)
    assert turn.facts["regulated"] is None and turn.awaiting["choices"][0]["label"] == "No"


@pytest.mark.parametrize("text", ["would have to check with the office manager", "I'll check"])
def test_having_to_check_a_figure_leaves_it_open(text):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] is None
    assert turn.replies[0].text == "No problem, I'll leave that open."
    assert turn.awaiting["field"] != "clean_examples"  # the interview moves on


@pytest.mark.parametrize(
    "field, text", [("task", "our staff will check every answer it gives"), ("mechanism", "they'd ask us for the data")]
)
def test_checking_or_asking_that_is_no_doubt_is_not_taken_as_not_knowing(field, text):
    turn = at(field).handle(text)
    assert turn.replies[0].text != "No problem, I'll leave that open." and turn.awaiting["field"] == field


def test_having_to_check_the_personal_data_is_not_sure():
    assert at("personal_data").handle("I'd have to check with our lawyer").facts["personal_data"] == "unsure"


@pytest.mark.parametrize(
    "field, before, text, changed, value",
    [
        (
            "prompt_rag",
            {"personal_data": "none"},
            "sorry, the examples DO have customer names, and we're allowed to share them",
            "personal_data",
            "lawful",
        ),
        (
            "vendor_shortfall",
            {"vendor_examples": "no"},
            "Actually I never asked them the examples question, put that down as not asked",
            "vendor_examples",
            "not_asked",
        ),
    ],
)
def test_a_correction_that_names_the_earlier_matter_changes_that_answer(field, before, text, changed, value):
    turn = at(field, **before).handle(text)
    assert turn.facts[changed] == value and turn.facts[field] is None and turn.awaiting["field"] == field
    assert turn.replies[0].text.startswith("Changed: ")


def test_before_that_points_back_to_the_answer_before():
    turn = at("quote", mechanism="prompting").handle("before that - it's not just prompts, they retrain it as well, so a mix")
    assert turn.facts["mechanism"] == "mixed" and turn.facts["quote"] is None
    assert turn.awaiting["field"] == "quote" and turn.replies[0].text.startswith("Changed: ")


def test_before_that_which_reads_two_ways_is_asked_at_its_own_question():
    s = at("quote", mechanism="prompting")
    turn = s.handle("before that - it's not just prompts, they retrain it as well")
    assert turn.awaiting["field"] == "mechanism" and turn.awaiting["choices"][0]["label"] == "A mix of these"
    turn = s.handle("1")
    assert turn.facts["mechanism"] == "mixed" and turn.awaiting["field"] == "quote"


def test_before_that_as_background_to_the_answer_on_screen_is_no_correction():
    turn = at("clean_examples", monthly_volume=300).handle("before that we kept them in a spreadsheet, about 800 are clean")
    assert turn.facts["clean_examples"] == 800 and turn.facts["monthly_volume"] == 300


def test_who_knows_is_not_knowing_not_a_question():
    # "who owns the model if we leave them?" is explained (tests/test_owner_words.py); "who knows?" is no question.
    assert at("task_stable").handle("who knows?").facts["task_stable"] == "unsure"


@pytest.mark.parametrize(
    "pitch, noted",
    [
        ("They'll connect the model to our documents (RAG) for $25,000.", "RAG: look things up in our documents"),
        ("They will fine-tune the model on our tickets for £18,000.", "fine-tune (retrain) the model"),
    ],
)
def test_a_choice_noted_from_the_pitch_keeps_an_acronym_in_capitals(pitch, noted):
    from test_owner_words import first_turn

    _, turn = first_turn(pitch)
    assert f"what the vendor will do: {noted}" in turn.replies[0].text
