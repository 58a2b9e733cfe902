"""Owners' own words, families found in the twelfth blind set's tuning half: the bad ones counted after the whole
("2,000 but 500 of them are rubbish") taken away, a share of bad ones said in more words ("a third of them are in
the old format and no use"), lakh and crore, an uncounted number of items behind each thing counted ("60 containers
a year, each with a stack of paperwork") asked back, the owner asking which reading is meant ("do you mean customers
or orders?"), a price not sent yet, "had a go", a vendor's "as much data as possible", a mechanism "they didn't make
clear", and a concept weighed against another at the opening. Each test asserts what the owner sees: the echo, the
question asked back and its choices, the value kept; with the other side of each rule.
"""

from __future__ import annotations

import pytest
from test_interview import at

from chains.intents import is_offer

# --- figures -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, echo",
    [
        ("2,000 but 500 of them are rubbish", 1500, "(2,000 less the 500 that are rubbish)"),
        ("- 120 reports\n- but 30 are drafts\n- rest are final", 90, "(120 less the 30 that are drafts)"),
        ("about 400, 100 of which are messy", 300, "(400 less the 100 that are messy)"),
        ("150 but 60 are no use", 90, "(150 less the 60 that are no use)"),  # under the 100 line
        ("250, 100 are duplicates", 150, "(250 less the 100 that are duplicates)"),  # over it
    ],
)
def test_the_bad_ones_counted_after_the_whole_are_taken_away(text, value, echo):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] == value
    assert turn.replies[0].text == f"Got it: about {value:,} clean examples {echo}."
    assert turn.awaiting["field"] == "task_stable"


@pytest.mark.parametrize(
    "text", ["we have 300 and 50 are from last year", "I have 40 and my colleague has 60", "200 emails and 50 are spam"]
)
def test_two_figures_that_do_not_count_bad_ones_are_still_asked_which(text):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] is None
    assert turn.awaiting["field"] == "clean_examples" and len(turn.awaiting["choices"]) >= 3


@pytest.mark.parametrize(
    "text, value",
    [
        ("600, but a third of them are in the old format and no use", 400),
        ("600, but a third of them are good", 200),  # the share kept, not the share lost
        ("90 but a tenth of them are out of date", 81),
    ],
)
def test_a_share_of_bad_ones_said_in_more_words_is_taken_off(text, value):
    assert at("clean_examples").handle(text).facts["clean_examples"] == value


@pytest.mark.parametrize(
    "text, value", [("2 lakh per year", 16667), ("1.5 lakh a year", 12500), ("two lakh a year", 16667), ("a lakh a year", 8333)]
)
def test_lakh_is_a_hundred_thousand(text, value):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] == value


def test_a_price_in_lakh_of_rupees_is_not_taken_as_pounds():
    turn = at("quote").handle("2 lakh rupees")
    assert turn.facts["quote"] is None and turn.awaiting["field"] == "quote"


@pytest.mark.parametrize(
    "text",
    [
        "About 60 containers a year, each with a stack of paperwork",
        "40 jobs a week, each with loads of forms",
        "40 jobs a week, each one has loads of forms",
    ],
)
def test_an_uncounted_number_behind_each_thing_counted_is_asked_back(text):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] is None
    assert turn.awaiting["question"].startswith("Each of those ")
    assert turn.awaiting["question"].endswith("about how many items is that a month in all?")
    assert turn.awaiting["choices"][-1]["label"] == "Something else"


@pytest.mark.parametrize(
    "text, value", [("300 a month, each with its own invoice", 300), ("25 a week, each one is a refund", 108)]
)
def test_each_one_without_an_uncounted_many_is_read_as_it_stands(text, value):
    assert at("monthly_volume").handle(text).facts["monthly_volume"] == value


def test_an_owner_asking_which_reading_is_meant_is_told_and_asked_again():
    turn = at("monthly_volume").handle("do you mean customers or orders? we've 200 regulars and most order a few times a month")
    assert turn.facts["monthly_volume"] is None
    assert turn.awaiting["field"] == "monthly_volume"
    assert "Whichever the model would work on." in " ".join(r.text for r in turn.replies)


def test_a_question_answered_for_the_whole_after_it_is_still_the_answer():
    turn = at("monthly_volume").handle("do you mean per shop or in total? either way about 300 a month")
    assert turn.facts["monthly_volume"] == 300


# --- words ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["they haven't sent a price yet", "no one's given us a number yet", "none yet, they said someone would email it over"]
)
def test_a_price_not_sent_yet_leaves_the_quote_open(text):
    turn = at("quote").handle(text)
    assert turn.facts["quote"] is None and turn.awaiting["field"] == "task"


def test_a_price_with_something_else_not_sent_is_still_the_price():
    assert at("quote").handle("£18k, they haven't sent the contract yet").facts["quote"] == 18000


def test_none_yet_at_the_examples_question_is_still_none():
    assert at("clean_examples").handle("none yet").facts["clean_examples"] == 0


def test_i_havent_a_notion_leaves_a_figure_open():
    turn = at("clean_examples").handle("I haven't a notion")
    assert turn.facts["clean_examples"] is None and turn.awaiting["field"] != "clean_examples"


@pytest.mark.parametrize("text, value", [("nobody's had a go yet", "not_tried"), ("we had a go and it was great", "acceptable")])
def test_had_a_go(text, value):
    assert at("prompt_rag").handle(text).facts["prompt_rag"] == value


def test_prompts_tried_and_rag_not_in_bullets_is_asked_back():
    turn = at("prompt_rag").handle("- tried prompts: yes\n- tried RAG: no\n- prompts alone were meh")
    assert turn.facts["prompt_rag"] is None
    assert [c["value"] for c in turn.awaiting["choices"]][:3] == ["not_tried", "not_acceptable", "acceptable"]


@pytest.mark.parametrize("text", ["They told 'as much data as possible', nothing specific", "they said the more the better"])
def test_as_much_data_as_possible_is_no_answer(text):
    assert at("vendor_examples").handle(text).facts["vendor_examples"] == "no"


def test_a_clear_number_from_the_vendor_is_still_an_answer():
    assert at("vendor_examples").handle("yes, they said 500 examples at least").facts["vendor_examples"] == "yes"


def test_a_mechanism_they_did_not_make_clear_between_two_is_asked_with_unclear_offered():
    turn = at("mechanism").handle(
        "Not prompting, that much I know. Whether it's retraining or the document thing, they didn't make it clear."
    )
    assert turn.facts["mechanism"] is None
    assert {c["value"] for c in turn.awaiting["choices"]} >= {"fine_tuning", "unclear"}


def test_they_did_not_make_it_clear_is_unclear():
    assert at("mechanism").handle("they didn't make it clear").facts["mechanism"] == "unclear"


@pytest.mark.parametrize(
    "text, offer",
    [
        ("Is fine-tuning the same thing as uploading my files to ChatGPT?", False),
        ("is what they are offering the same as fine-tuning our model on our emails?", True),
        ("Should we pay someone to fine-tune a model for our invoices?", True),
    ],
)
def test_a_concept_weighed_against_another_is_no_offer_unless_an_offer_is_told(text, offer):
    assert is_offer(text) is offer


def test_a_concept_weighed_at_the_opening_is_explained_and_the_pitch_asked_again():
    turn = at("pitch").handle("Is fine-tuning the same thing as uploading my files to ChatGPT?")
    assert turn.facts["pitch"] is None and turn.awaiting["field"] == "pitch"
