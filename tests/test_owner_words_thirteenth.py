"""Owners' own words, families found in the thirteenth blind set's tuning half: a price in another currency named
by its country alone ("14,000 Canadian") or only in the owner's words at the opening ("$14,000 CAD", "25 grand,
that's dollars"), a deposit given as a share of the whole ("20% deposit, which is £2,000"), "half a grand", the
offer's technique left open when the owner says they don't know which ("whether it's fine-tuning or RAG"), a rate
per hour, shift, season or term sized by the owner's other words, "a weak" for "a week", a correction that says what
it was before ("I said prompts but they are training it", "back one: they did explain it") and one that reads as the
answer already held, "it depends" from a vendor, "no one explained how", "doubt there's anything personal",
"probably haven't", and printed labels that are no sorting. Each test asserts what the owner sees, with the other
side of each rule.
"""

from __future__ import annotations

import pytest
from test_interview import at

# --- prices ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["It wasn't in pounds, it's 14,000 Canadian", "12k Aussie", "about 9 grand, Singapore"])
def test_a_currency_named_by_its_country_alone_is_asked_in_pounds_dollars_or_euros(text):
    turn = at("quote").handle(text)
    assert turn.facts["quote"] is None and turn.awaiting["field"] == "quote"
    assert "pounds, US dollars or euros" in turn.replies[0].text


def test_a_country_before_other_words_is_no_currency():
    turn = at("quote").handle("£5,000 for 40 Canadian stores")
    assert turn.facts["quote"] == 5000 and turn.facts["currency"] == "GBP"


@pytest.mark.parametrize(
    "text, facts",
    [
        ("Vendor in Calgary quoted us $14,000 CAD to fine-tune a model on our rental waivers", {"quote": None}),
        ("They quoted 25 grand, that's dollars, for the fine-tune", {"quote": 25000, "currency": "USD"}),
        ("They'll fine-tune the model on our reports for £18,000.", {"quote": 18000, "currency": "GBP"}),
    ],
)
def test_the_opening_prices_in_the_owners_own_currency_or_leaves_the_price_to_its_question(text, facts):
    turn = at("pitch").handle(text)
    assert turn.facts["mechanism"] == "fine_tuning"
    assert {k: turn.facts[k] for k in facts} == facts


def test_a_deposit_given_as_a_share_offers_the_whole_price_first():
    turn = at("quote").handle("20% deposit, which is £2,000, rest on completion")
    assert turn.facts["quote"] is None
    assert turn.replies[0].text.startswith("£2,000 is a 20% deposit, so is the whole price £10,000?")
    assert [c["value"] for c in turn.awaiting["choices"]][:2] == ["£10,000", "£2,000"]
    picked = turn.awaiting["choices"][0]["value"]
    assert at("quote").handle(picked).facts["quote"] == 10000


def test_a_deposit_without_its_share_is_still_asked_whole_or_deposit():
    turn = at("quote").handle("they want a £2,000 deposit to get started")
    assert turn.facts["quote"] is None and "only a deposit" in turn.replies[0].text


@pytest.mark.parametrize(
    "text, value", [("half a grand, pounds", 500), ("a grand, pounds", 1000), ("half a million quid", 500000)]
)
def test_half_a_grand_is_five_hundred(text, value):
    assert at("quote").handle(text).facts["quote"] == value


# --- the offer's technique -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, mechanism",
    [
        ("We don't know yet whether it's fine-tuning or RAG, they've been rather vague, but the price is £7,200.", None),
        ("not sure if they fine tune or use RAG", None),
        ("they fine-tune the model on our emails, and if it works or not we pay £5k", "fine_tuning"),
    ],
)
def test_an_owner_unsure_which_technique_leaves_the_mechanism_to_its_question(text, mechanism):
    turn = at("pitch").handle(text)
    assert turn.facts["mechanism"] == mechanism


# --- rates over spans the interview cannot size by itself -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, monthly, per",
    [
        ("about 120 a school term, three terms a year", 30, "120 a term"),
        ("About 3,000 rentals a season, and the season's five months, December to April", 600, "3,000 a season"),
        ("10 an hour, we're open 8 hours, 5 days a week", 1733, "10 an hour"),
    ],
)
def test_a_rate_per_term_season_or_hour_sized_by_the_owner_is_offered_a_month(text, monthly, per):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] is None
    assert turn.replies[0].text.startswith(f"So about {monthly:,} a month ({per})?")
    assert turn.awaiting["choices"][0]["value"] == str(monthly)


@pytest.mark.parametrize("text, per", [("about 40 a shift", "40 a shift"), ("200 a term", "200 a term")])
def test_a_rate_per_unsized_span_is_asked_as_a_month(text, per):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] is None and turn.awaiting["field"] == "monthly_volume"
    assert f"That's {per}: about how many is that a month?" in turn.replies[0].text


@pytest.mark.parametrize("text, value", [("300 a weak", 1300), ("we're weak at 300 a month", 300)])
def test_a_week_typed_by_sound(text, value):
    assert at("monthly_volume").handle(text).facts["monthly_volume"] == value


def test_a_rate_kept_for_the_past_year_offers_the_total():
    turn = at("clean_examples").handle("about 10 a week for the past year, all good")
    assert turn.replies[0].text.startswith("So about 520 in all")
    assert turn.awaiting["choices"][0]["value"] == "520"


# --- corrections -----------------------------------------------------------------------------------------------------


def test_a_correction_saying_what_it_was_before_is_read_for_the_new_answer():
    turn = at("quote", mechanism="prompting").handle(
        "Wait, go back, I said prompts but they are training it, I misread the email"
    )
    assert turn.facts["mechanism"] == "fine_tuning"
    assert turn.replies[0].text.startswith("Changed: what the vendor will do: fine-tune")
    assert turn.replies[0].text.endswith("(it was what the vendor will do: write better prompts).")
    assert turn.awaiting["field"] == "quote"


def test_back_one_changes_the_answer_before_and_keeps_the_question():
    turn = at("vendor_retraining", vendor_shortfall="no").handle("back one: they did explain it, synthetic data, I'd forgotten")
    assert turn.facts["vendor_shortfall"] == "yes" and turn.facts["vendor_retraining"] is None
    assert turn.replies[0].text.startswith("Changed: vendor's plan for too few examples: yes")
    assert turn.awaiting["field"] == "vendor_retraining"


def test_a_correction_that_reads_as_the_answer_already_held_asks_what_it_should_be():
    turn = at("task_stable", clean_examples=200).handle("Oh I should have said, those 200 are across both shops")
    assert turn.facts["clean_examples"] == 200
    assert "Changed" not in turn.replies[0].text
    assert "I still have about 200 clean examples. What should it be instead?" in turn.replies[0].text
    assert turn.awaiting["field"] == "clean_examples"


def test_half_that_in_such_a_correction_offers_the_half():
    s = at("task_stable", clean_examples=200)
    turn = s.handle("Oh I should have said, those 200 are across both shops, and this is only for the one shop, so half that")
    assert turn.facts["clean_examples"] == 200
    assert turn.replies[0].text.startswith("About the earlier question (clean examples): so about 100 instead of")
    picked = s.handle(turn.awaiting["choices"][0]["value"])
    assert picked.facts["clean_examples"] == 100 and picked.awaiting["field"] == "task_stable"


# --- choices ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("They said anywhere from 50 to 5,000 depending", None),  # no clear answer: never a yes
        ("they said it depends on the task", "no"),
        ("they said 500, depending on quality", "yes"),
    ],
)
def test_it_depends_is_no_clear_answer_from_the_vendor(text, value):
    assert at("vendor_examples").handle(text).facts["vendor_examples"] == value


@pytest.mark.parametrize(
    "text, value",
    [("Someone on their team said they'd sort it, but no one explained how", "no"), ("yes, they explained how", "yes")],
)
def test_no_one_explained_how_is_a_no(text, value):
    assert at("vendor_shortfall").handle(text).facts["vendor_shortfall"] == value


def test_doubting_there_is_anything_personal_is_no_personal_data():
    turn = at("personal_data").handle("Doubt there's anything personal, it's just sheep tag numbers")
    assert turn.facts["personal_data"] == "none"


@pytest.mark.parametrize("text, value", [("probably haven't, no", "not_tried"), ("probably have, it was fine", "acceptable")])
def test_probably_havent_is_not_tried(text, value):
    assert at("prompt_rag").handle(text).facts["prompt_rag"] == value


@pytest.mark.parametrize(
    "text, value",
    [("Generate allergen labels in the legally required layout", "fixed_format"), ("label each email by type", "classification")],
)
def test_printed_labels_are_documents_and_labelling_emails_is_sorting(text, value):
    assert at("task").handle(text).facts["task"] == value


# --- the pitch in the verdict ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pitch, asked",
    [
        ("They will fine-tune with LoRA on our tickets for £9k", "The pitch names LoRA: will we get the adapter file"),
        ("full fine-tuning of an open model on our emails", "The pitch says full fine-tuning: why not LoRA"),
        ("They will fine-tune a model on our tickets for £9k", "Will you use LoRA or full fine-tuning?"),
    ],
)
def test_the_lora_question_follows_what_the_pitch_already_says(pitch, asked):
    from chains.concerns import vendor_questions

    questions = vendor_questions({"pitch": pitch, "mechanism": "fine_tuning"})
    assert sum(q.startswith(asked) for q in questions) == 1
    assert ("Will you use LoRA or full fine-tuning?" in questions) is asked.startswith("Will you")


def test_a_deposit_and_a_balance_in_the_pitch_leave_the_whole_price_to_its_question():
    turn = at("pitch").handle("They'll fine-tune a model on our tickets: a £4,000 deposit and an £8,000 balance on delivery.")
    assert turn.facts["quote"] is None and turn.facts["mechanism"] == "fine_tuning"
    turn = at("pitch").handle("They'll fine-tune it on our invoices for £12,000, with a £4,000 deposit")
    assert turn.facts["quote"] == 12000


@pytest.mark.parametrize(
    "text, choices",
    [
        ("I have 40 and my colleague has 60", ["40", "60", "100"]),
        ("40 in one shop and 60 in the other", ["40", "60", "100"]),
        ("we have 300 and 50 are from last year", ["300", "50"]),  # no "both together" where one is part of the other
    ],
)
def test_two_holders_figures_are_offered_one_the_other_or_both(text, choices):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] is None
    assert [c["value"] for c in turn.awaiting["choices"]] == [*choices, "something else"]


@pytest.mark.parametrize("text, value", [("1 in 10 are usable out of 500", 50), ("500, but only 1 in 10 are usable", 50)])
def test_one_in_ten_usable_before_or_after_the_whole(text, value):
    assert at("clean_examples").handle(text).facts["clean_examples"] == value


# --- what a stranger met in the browser --------------------------------------------------------------------------------


def test_a_price_in_another_currency_at_the_opening_is_said_not_dropped():
    turn = at("pitch").handle("They'll fine-tune with LoRA on our invoices, quoted 14,000 Canadian")
    assert turn.facts["quote"] is None and turn.awaiting["field"] == "quote"
    assert any("currency I can't work in" in r.text for r in turn.replies)
    assert not any("currency I can't work in" in r.text for r in at("pitch").handle("fine-tune it for £9k").replies)


@pytest.mark.parametrize(
    "field, text, asked",
    [
        ("task_stable", "yeah pretty much, bookings are bookings", "will the task look the same in three months' time?"),
        ("prompt_rag", "sort of", "have you tried well-written prompts plus RAG"),
    ],
)
def test_a_clarifying_question_says_the_question_again(field, text, asked):
    turn = at(field).handle(text)  # on a phone the choices may be all that shows of the turn
    assert turn.facts[field] is None and turn.awaiting["field"] == field
    assert turn.replies[-1].text.startswith(f"Just to be sure I have that right: {asked}")
