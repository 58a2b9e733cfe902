"""Owners' own words, families found in the eighth blind set's tuning half and in last round's leftovers: the days a
daily figure covers, ranges and scales as people type them ("3-5 hundred", "2,5 Tsd."), doubts in the owner's voice
("I'd have to ask Sharon", "I'd be surprised if"), the good ones out of a total, stock nobody has matched up, dollars
from another country, corrections that point back ("scratch my last answer") or take a fee away, and a question that
weighs two terms. Each test asserts what the owner sees: the echo, the question asked back and its choices, the value.
"""

from __future__ import annotations

import pytest
from test_interview import at
from test_owner_words import _Explainer

from chains.session import Session


@pytest.mark.parametrize(
    "text, value, said",
    [
        ("50 a day, weekdays only", 1083, "(50 a working day)"),
        ("40 a day, mon-fri", 867, "(40 a working day)"),
        ("45 a day, we're shut at weekends", 975, "(45 a working day)"),  # under the 1,000 line
        ("48 a day, weekdays only", 1040, "(48 a working day)"),  # over it
        ("we're open every day, about 40 a day", 1200, "(40 a day)"),
    ],
)
def test_a_daily_figure_with_its_days_named_is_taken_for_those_days(text, value, said):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] == value
    assert turn.replies[0].text == f"Got it: about {value:,} a month {said}."


def test_a_daily_figure_without_its_days_still_asks_which_days_when_it_straddles_the_line():
    turn = at("monthly_volume").handle("40 a day")
    assert turn.facts["monthly_volume"] is None and turn.awaiting["field"] == "monthly_volume"
    assert [c["value"] for c in turn.awaiting["choices"]] == ["880", "1200", "something else"]


@pytest.mark.parametrize(
    "field, text, value, echo",
    [
        ("clean_examples", "3-5 hundred", 400, "Got it: about 400 clean examples (I read that as 300 to 500)."),
        ("clean_examples", "etwa 2,5 Tsd.", 2500, "Got it: about 2,500 clean examples."),
        ("monthly_volume", "2,5 Tsd. pro Jahr", 208, "Got it: about 208 a month (2,500 a year)."),
        ("monthly_volume", "ca. 400 pro Woche", 1733, "Got it: about 1,733 a month (400 a week)."),
    ],
)
def test_ranges_and_scales_as_typed_are_read(field, text, value, echo):
    turn = at(field).handle(text)
    assert turn.facts[field] == value and turn.replies[0].text == echo


@pytest.mark.parametrize("text, amount", [("Twenty-two thousand dollars", 22000), ("Forty-five hundred dollars", 4500)])
def test_a_hyphen_inside_a_number_word_is_no_range(text, amount):
    turn = at("quote").handle(text)
    assert (turn.facts["quote"], turn.facts["currency"]) == (amount, "USD")


@pytest.mark.parametrize(
    "text, unknown",
    [
        ("I'd have to ask Sharon in accounts", True),
        ("I'll ask Dave", True),
        ("we will check every answer", False),  # no doubt about the figure, and no figure
    ],
)
def test_having_to_ask_someone_is_not_knowing_in_the_owners_voice_only(text, unknown):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] is None
    assert (turn.replies[0].text == "No problem, I'll leave that open.") is unknown
    assert (turn.awaiting["field"] == "monthly_volume") is not unknown


@pytest.mark.parametrize(
    "text, value",
    [
        ("I'd be surprised if it stayed the same", "no"),
        ("I wouldn't be surprised if it changed", "no"),
        ("I'd be amazed if it changed", "yes"),
        ("id be surprised if that changes", "yes"),
    ],
)
def test_being_surprised_if_turns_round_what_follows(text, value):
    assert at("task_stable").handle(text).facts["task_stable"] == value


@pytest.mark.parametrize(
    "text",
    ["500 was the total, only about 120 are decent", "500 in total, only 120 are any good", "500, of which 120 are decent"],
)
def test_the_good_ones_out_of_a_total_are_the_count(text):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] == 120 and turn.replies[0].text == "Got it: about 120 clean examples."


def test_the_good_ones_out_of_a_total_correct_the_count_from_the_next_question():
    s = at("clean_examples")
    s.handle("500")
    turn = s.handle("actually, 500 was the total, only about 120 are decent")
    assert turn.facts["clean_examples"] == 120 and turn.awaiting["field"] == "task_stable"
    assert turn.replies[0].text.startswith("Changed: about 120 clean examples (it was about 500")


@pytest.mark.parametrize(
    "text, figure",
    [
        ("maybe a couple thousand tickets, but they're handwritten and nobody's matched 'em to the quotes", "About 2,000"),
        ("about 300 on paper in the back office", "About 300"),
    ],
)
def test_stock_nobody_has_matched_up_is_asked_about(text, figure):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] is None
    assert turn.replies[-1].text.startswith("Are any of them labelled with the right output yet?")
    assert [c["label"] for c in turn.awaiting["choices"]] == ["None yet", figure, "Something else"]


def test_stock_marked_up_is_taken():
    assert at("clean_examples").handle("about 300 and they're all marked up nicely").facts["clean_examples"] == 300


@pytest.mark.parametrize(
    "text, asked",
    [
        ("they said 4000 dollars, we're a bakery in Toronto so I'd assume Canadian", True),
        ("we're Canadian but the quote is 4000 US dollars", False),
    ],
)
def test_dollars_of_another_country_are_asked_for_in_a_currency_the_verdict_prices(text, asked):
    turn = at("quote").handle(text)
    assert (turn.facts["quote"] is None) is asked
    assert ("I can only work in pounds, US dollars or euros" in turn.replies[0].text) is asked


def test_scratch_my_last_answer_changes_the_answer_before():
    s = at("vendor_shortfall")
    s.handle("no, they couldn't say")
    turn = s.handle("Scratch my last answer, I found their email - they'd label more for us at £40 an hour")
    assert turn.facts["vendor_shortfall"] == "yes" and turn.facts["vendor_retraining"] is None
    assert turn.replies[0].text.startswith("Changed: vendor's plan for too few examples: yes")
    assert turn.awaiting["field"] == "vendor_retraining"


def test_what_the_vendor_said_at_a_vendor_question_answers_it_and_changes_nothing_before():
    s = at("vendor_shortfall", prompt_rag="not_tried")
    turn = s.handle("They said then they will do it with RAG instead. So yes.")
    assert turn.facts["prompt_rag"] == "not_tried"
    assert turn.awaiting["field"] == "vendor_shortfall"
    assert "yes" in [c["value"] for c in turn.awaiting["choices"]]


def test_a_technique_written_with_hyphens_is_read_in_a_correction():
    s = at("mechanism")
    s.handle("fine-tuning")
    turn = s.handle("oh wait, about the last one - they're not retraining it, it's the searching-our-documents thing")
    assert turn.facts["mechanism"] == "rag" and turn.awaiting["field"] == "quote"


@pytest.mark.parametrize(
    "text, first",
    [
        ("probably not, it's customers phone numbers", "Yes, and we may not share it"),
        ("no, it's all customer details", "Yes, and we may not share it"),
        ("probably not", "No personal data"),
    ],
)
def test_a_no_beside_personal_details_offers_not_sharing_them_first(text, first):
    turn = at("personal_data").handle(text)
    assert turn.facts["personal_data"] is None
    labels = [c["label"] for c in turn.awaiting["choices"]]
    assert labels[0] == first and set(labels) == {"Yes, and we may not share it", "No personal data", "Something else"}


def test_no_monthly_fee_takes_away_the_fee_noted_from_the_pitch():
    s = Session()
    s.start()
    noted = s.handle("They want £12,000 to fine-tune a model for our support emails, plus £300 a month hosting")
    assert noted.facts["monthly_fee"] == 300
    turn = s.handle("there's no monthly fee")
    assert turn.facts["monthly_fee"] is None and turn.facts["quote"] == 12000
    assert turn.replies[0].text == "Changed: no monthly fee (it was £300 a month)."
    assert turn.awaiting["field"] == noted.awaiting["field"]


def test_no_monthly_fee_with_none_noted_is_no_correction():
    turn = at("task").handle("there's no monthly fee")
    assert not turn.replies[0].text.startswith("Changed")


@pytest.mark.parametrize(
    "text", ["is RAG the same as fine tuning? they used both words", "whats the difference between rag and fine tuning?"]
)
def test_a_question_weighing_two_terms_is_explained_and_the_question_stays(text):
    s = at("mechanism")
    s.explain = _Explainer()
    turn = s.handle(text)
    assert turn.replies[0].kind == "explanation" and turn.facts["mechanism"] is None
    assert turn.awaiting["field"] == "mechanism"


def test_an_answer_after_a_question_about_the_owners_own_figure_is_still_read():
    turn = at("clean_examples").handle("is that enough? we have 80")
    assert turn.facts["clean_examples"] == 80


def test_a_figure_that_counts_things_in_the_pitch_is_no_price():
    s = Session()
    s.start()
    turn = s.handle("They want to fine-tune a model to sort our emails. They said it's like 12 bananas")
    assert turn.facts["quote"] is None and turn.awaiting["field"] == "quote"
    assert turn.awaiting.get("choices") in (None, [])  # the plain price question, nothing asked about 12


@pytest.mark.parametrize("text, amount", [("12,000 for 500 emails", 12000), ("15k tops", 15000), ("12 plus vat", 12)])
def test_a_price_beside_counted_things_is_still_the_price(text, amount):
    turn = at("quote").handle(text)
    values = [c["value"] for c in turn.awaiting["choices"]]
    assert turn.facts["quote"] is None and any(v.replace(",", "").endswith(f"{amount:,}".replace(",", "")) for v in values)


@pytest.mark.parametrize("text", ["oh that 150 was per week, not per month", "oh that was per week"])
def test_the_earlier_figure_given_its_period_changes_it_from_the_next_question(text):
    s = at("monthly_volume")
    s.handle("150")
    turn = s.handle(text)
    assert turn.facts["monthly_volume"] == 650 and turn.awaiting["field"] == "clean_examples"
    assert turn.replies[0].text == "Changed: about 650 a month (it was about 150 a month)."


@pytest.mark.parametrize(
    "text, value", [("heaps, mate, probably 5 grand a month", 5000), ("a grand a month, give or take", 1000)]
)
def test_grand_at_the_monthly_question_asks_whether_it_is_thousands(text, value):
    turn = at("monthly_volume").handle(text)
    assert turn.facts["monthly_volume"] is None
    assert turn.replies[-1].text.startswith(f"Do you mean about {value:,} a month, or is that a price?")
    assert [c["value"] for c in turn.awaiting["choices"]] == [str(value), "something else"]


@pytest.mark.parametrize(
    "text, total",
    [
        ("we write 10 a week and keep them all, been doing it about a year", 520),
        ("about 20 a month for the last 18 months", 360),
    ],
)
def test_a_rate_kept_up_for_a_while_at_the_examples_question_is_asked_back_as_the_total(text, total):
    s = at("clean_examples")
    turn = s.handle(text)
    assert turn.facts["clean_examples"] is None and turn.replies[-1].text.startswith(f"So about {total:,} in all")
    assert s.handle("1").facts["clean_examples"] == total


def test_a_rate_alone_at_the_examples_question_asks_for_the_whole_count():
    turn = at("clean_examples").handle("10 a week")
    assert turn.facts["clean_examples"] is None
    assert turn.replies[0].text.startswith("That sounds like a rate (10 a week).")


# --- from the ninth set's tuning half ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, text, value",
    [
        ("clean_examples", "40, no wait, 50", 50),
        ("clean_examples", "I think 200, sorry 250", 250),
        ("vendor_examples", "No... actually they emailed after: 250 minimum. So yes", "yes"),
        ("clean_examples", "about 300, actually", 300),  # a change of mind with nothing after it changes nothing
    ],
)
def test_the_owners_last_word_in_one_message_governs(field, text, value):
    assert at(field).handle(text).facts[field] == value


def test_a_price_changed_mid_message_keeps_the_currency_said_first():
    turn = at("quote").handle("€5,000, no hang on, 5,500... actually it's 5,800 on the PDF")
    assert (turn.facts["quote"], turn.facts["currency"]) == (5800, "EUR")
    assert turn.replies[0].text == "Got it: a quote of €5,800."


@pytest.mark.parametrize("text, low", [("3,5 mil euros", "€3,500"), ("5 mil", "£5,000")])
def test_mil_asks_thousand_or_million(text, low):
    turn = at("quote").handle(text)
    assert turn.facts["quote"] is None and turn.replies[-1].text.startswith("Thousand or million?")
    assert turn.awaiting["choices"][0]["label"] == low


@pytest.mark.parametrize(
    "text, first",
    [
        ("it learns from our back catalogue AND searches the live files", "A mix of these"),
        ("they'll optimise the prompts and organise our docs so it can search them", "A mix of these"),
    ],
)
def test_learning_from_our_files_beside_searching_them_asks_whether_it_is_a_mix(text, first):
    turn = at("mechanism").handle(text)
    assert turn.facts["mechanism"] is None and turn.awaiting["choices"][0]["label"] == first


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("quote", "they haven't put a number on it yet", None),
        ("clean_examples", "no one's ever labelled anything", 0),
    ],
)
def test_no_figure_yet_and_nothing_labelled(field, text, value):
    turn = at(field).handle(text)
    assert turn.facts[field] == value and turn.awaiting["field"] != field


def test_a_currency_corrected_later_echoes_the_old_one():
    s = at("quote")
    s.handle("€5,000")
    turn = s.handle("the price was in pounds, not euros, sorry")
    assert (turn.facts["quote"], turn.facts["currency"]) == (5000, "GBP")
    assert turn.replies[0].text == "Changed: a quote of £5,000 (it was a quote of €5,000)."


@pytest.mark.parametrize(
    "earlier, previous, text, value",
    [
        (
            "task",
            "sorting tickets into categories",
            "just realised the job is really pulling data out, not sorting",
            "extraction",
        ),
        ("monthly_volume", "1300", "the monthly figure I gave was for the year, sorry", 108),
    ],
)
def test_a_change_noticed_later_changes_the_earlier_answer(earlier, previous, text, value):
    s = at(earlier)
    s.handle(previous)
    turn = s.handle(text)
    assert turn.facts[earlier] == value and turn.replies[0].text.startswith("Changed: ")


# --- from a stranger's walk in the browser ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "yeah names and adresses obvs, I'd have to ask Sharon if we can share it",
        "None - oh wait, the signatures have names on. So yes, and not sure we can",
    ],
)
def test_having_to_ask_whether_personal_data_may_be_shared_is_not_sure(text):
    turn = at("personal_data").handle(text)
    assert turn.facts["personal_data"] == "unsure" and turn.replies[0].text == "Got it: not sure about the personal data."


@pytest.mark.parametrize("text", ["yeah should be, quotes dont change much", "Should do, I reckon"])
def test_should_be_at_a_yes_or_no_question_is_a_yes_not_a_correction(text):
    s = at("task_stable", task="fixed_format")
    turn = s.handle(text)
    assert turn.facts["task_stable"] == "yes" and turn.facts["task"] == "fixed_format"


def test_should_be_with_a_figure_is_still_a_correction():
    s = at("clean_examples")
    s.handle("40")
    assert s.handle("sorry, should be 400").facts["clean_examples"] == 400


@pytest.mark.parametrize("field", ["pitch", "task_stable"])
def test_a_comparison_of_two_terms_without_a_question_mark_is_explained(field):
    s = Session() if field == "pitch" else at(field)
    if field == "pitch":
        s.start()
    s.explain = _Explainer()
    turn = s.handle("LoRA vs full fine-tuning")
    assert turn.replies[0].kind == "explanation" and turn.awaiting["field"] == field


def test_two_techniques_with_not_sure_which_is_still_an_answer_about_them():
    turn = at("mechanism").handle("fine tuning or rag, not sure which")
    assert turn.replies[0].kind != "explanation" and turn.awaiting["field"] == "mechanism"
    assert {"fine_tuning", "rag"} <= {c["value"] for c in turn.awaiting["choices"]}


def test_a_question_typed_in_a_hurry_mid_interview_is_explained():
    s = at("quote")
    s.explain = _Explainer()
    turn = s.handle("wats fine tunning")
    assert turn.replies[0].kind == "explanation" and turn.awaiting["field"] == "quote"


def test_a_busy_one_counts_nothing():
    turn = at("monthly_volume").handle("about twelve a day, maybe forty on a busy one")
    assert [c["value"] for c in turn.awaiting["choices"]] == ["360", "1200", "something else"]


def test_a_correction_asked_back_at_an_earlier_question_says_which_question():
    s = at("mechanism")
    s.handle("fine-tuning")
    turn = s.handle("sorry i meant fine tuning AND docs to search")
    assert turn.awaiting["field"] == "mechanism"
    assert turn.replies[-1].text.startswith("About the earlier question (what the vendor will do):")


def test_a_figure_with_a_share_of_them_rubbish_at_the_price_question_is_a_count():
    turn = at("quote").handle("about 300 i reckon, half of them are rubbish tho")
    assert turn.facts["quote"] is None
    assert turn.replies[0].text.startswith("That sounds like a count, not a price. How much have they quoted?")


def test_a_change_of_mind_within_the_answer_on_screen_is_no_correction_of_the_one_before():
    s = at("quote")
    s.handle("€5,800")  # the answer just before, which a change of mind might be taken to correct
    s.await_field("monthly_volume")
    turn = s.handle("about twelve a month, no wait more like 50")
    assert turn.facts["quote"] == 5800 and turn.facts["monthly_volume"] == 50
    assert turn.replies[0].text == "Got it: about 50 a month."


def test_a_choice_asked_back_a_second_time_gives_an_example_and_a_way_out_and_never_a_third():
    s = at("task_stable")
    s.handle("maybe forty a week? dunno")
    second = s.handle("maybe forty a week? dunno")
    assert second.replies[0].text.startswith("Pick one of these, or say something like")
    assert 'Or say "skip"' in second.replies[0].text and second.awaiting["field"] == "task_stable"
    third = s.handle("maybe forty a week? dunno")
    assert third.replies[0].text.startswith("I'll leave that question open for now")
    assert third.awaiting["field"] != "task_stable"
