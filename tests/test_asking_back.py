"""Where an answer rests on weak evidence the interview asks back, with the likely readings as choices, instead of
taking a value silently; plain answers are still taken at once. Each test asserts what the owner sees: the echo, the
clarifying question and its choices, and the value kept in the facts."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_interview import at

from chains.readers import Context, read_answer
from chains.session import Session


def asked_back(turn, field: str) -> tuple[str, list[str], list[str]]:
    """The clarifying question on screen for `field`, its choices' labels and values; fails if a value was taken."""
    assert turn.facts[field] is None, turn.facts[field]
    assert turn.awaiting and turn.awaiting["field"] == field
    choices = turn.awaiting.get("choices") or []
    return turn.replies[-1].text, [c["label"] for c in choices], [c["value"] for c in choices]


# --- a price with no currency, or two ----------------------------------------------------------------------------
@pytest.mark.parametrize("text, amount", [("15,000", 15000), ("twelve grand", 12000), ("18k", 18000)])
def test_a_price_with_no_currency_is_asked_in_each_currency_and_a_click_sets_it(text, amount):
    s = at("quote")
    question, labels, values = asked_back(s.handle(text), "quote")
    assert "pounds, dollars or euros" in question
    assert labels[:3] == [f"£{amount:,}", f"${amount:,}", f"€{amount:,}"] and labels[-1] == "Something else"
    picked = s.handle(values[1])
    assert (picked.facts["quote"], picked.facts["currency"]) == (amount, "USD")


@pytest.mark.parametrize(
    "text, currency",
    [
        ("£18,000", "GBP"),
        ("$25k", "USD"),
        ("about 9,000 euros", "EUR"),
        ("15k in euros, not pounds", "EUR"),
        ("$15k not pounds", "USD"),
    ],
)
def test_a_price_that_says_its_currency_is_taken_at_once(text, currency):
    turn = at("quote").handle(text)
    assert turn.facts["currency"] == currency and turn.replies[0].text.startswith("Got it: a quote of ")


def test_the_pitch_currency_is_used_for_a_bare_figure():
    s = at("quote")
    s.facts["currency"] = "EUR"
    turn = s.handle("15,000")
    assert (turn.facts["quote"], turn.facts["currency"]) == (15000, "EUR")


def test_two_currencies_named_are_the_two_choices():
    question, labels, _ = asked_back(at("quote").handle("10 thousand, not sure if pounds or dollars"), "quote")
    assert "pounds or dollars" in question and labels == ["£10,000", "$10,000", "Something else"]


@pytest.mark.parametrize(
    "text, offered",
    [("it's 2 payments of £5,000", "£10,000"), ("£18k for phase 1 and £10k for phase 2", "£28,000")],
)
def test_instalments_and_two_prices_are_asked_back_with_the_total_offered(text, offered):
    question, labels, _ = asked_back(at("quote").handle(text), "quote")
    assert offered in labels and "?" in question


@pytest.mark.parametrize("text, labels", [("$50", ["$50", "$50,000"]), ("nine nine nine five pounds", ["£5", "£5,000"])])
def test_a_price_under_a_hundred_is_asked_whether_thousands_were_meant(text, labels):
    question, shown, _ = asked_back(at("quote").handle(text), "quote")
    assert "thousand?" in question and shown[:2] == labels


def test_six_figures_names_no_figure():
    turn = at("quote").handle("six figures")
    assert turn.facts["quote"] is None and turn.awaiting["field"] == "quote" and not turn.awaiting.get("choices")


def test_a_price_per_user_is_a_running_cost_not_a_count_of_users():
    turn = at("quote").handle("it's £40 per user per month for 25 users")
    assert turn.facts["quote"] is None and "running cost" in turn.replies[0].text


# --- figures that may answer another question --------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, text, shown",
    [
        ("monthly_volume", "we have 4 people doing it full time", "people"),
        ("monthly_volume", "we have 200 labelled examples", "examples"),
        ("clean_examples", "we do about 30 a week and keep every one", "rate"),
    ],
)
def test_a_figure_that_answers_another_question_is_asked_again(field, text, shown):
    turn = at(field).handle(text)
    assert turn.facts[field] is None and turn.awaiting["field"] == field
    assert shown in turn.replies[0].text


@pytest.mark.parametrize(
    "text, figure",
    [("we could get 200 done by next month", 200), ("we could get 50 done by next month", 50)],  # both sides of 100
)
def test_a_figure_of_what_could_be_made_is_asked_today_or_later(text, figure):
    s = at("clean_examples")
    question, labels, values = asked_back(s.handle(text), "clean_examples")
    assert "today" in question and labels[:2] == ["None yet", f"About {figure:,}"]
    assert s.handle(values[0]).facts["clean_examples"] == 0


def test_items_nobody_labelled_offer_none_yet():
    _, labels, _ = asked_back(at("clean_examples").handle("we've 20,000 emails but nobody's ever labelled any"), "clean_examples")
    assert labels[:2] == ["None yet", "About 20,000"]


@pytest.mark.parametrize(
    "field, text, readings",
    [
        ("monthly_volume", "in summer 2000 a month, in winter more like 300", ["About 2,000 a month", "About 300 a month"]),
        ("clean_examples", "the first batch had 90 and the second about 130", ["About 90", "About 130"]),
    ],
)
def test_two_figures_either_side_of_a_line_are_both_offered(field, text, readings):
    _, labels, _ = asked_back(at(field).handle(text), field)
    assert labels[:2] == readings


@pytest.mark.parametrize(
    "field, text",
    [
        ("clean_examples", "under a hundred"),
        ("clean_examples", "just shy of a hundred"),
        ("monthly_volume", "under a thousand"),
        ("monthly_volume", "not quite 1,000"),
    ],
)
def test_a_bound_at_a_line_is_asked_which_side(field, text):
    question, labels, _ = asked_back(at(field).handle(text), field)
    assert "a little under" in question and any(label.startswith("Under ") for label in labels)


@pytest.mark.parametrize(
    "field, text, value",
    [("clean_examples", "over 200", 200), ("clean_examples", "at least 100", 100), ("monthly_volume", "just over 1000", 1000)],
)
def test_a_bound_that_settles_the_side_is_taken(field, text, value):
    assert at(field).handle(text).facts[field] == value


@pytest.mark.parametrize("text, value", [("roughly 2,700 a quarter", 900), ("around 1,100 a month", 1100)])
def test_a_hedged_figure_near_the_line_offers_the_figure_as_read(text, value):
    _, labels, _ = asked_back(at("monthly_volume").handle(text), "monthly_volume")
    assert f"About {value:,} a month, as I read it" in labels


# --- figures as owners write them ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, text, value",
    [
        ("monthly_volume", "~800", 800),
        ("monthly_volume", "couple hundred a month", 200),
        ("monthly_volume", "abt 6hundred", 600),
        ("monthly_volume", "per month we have around 1 thousand and 200", 1200),
        ("monthly_volume", "15 a day, five days a week", 325),
        ("monthly_volume", "every week maybe 40 or 50", 195),
        ("monthly_volume", "been trading since 2004, about 300 bookings a month", 300),
        ("monthly_volume", "about 1 in 5 of our 2,000 monthly orders", 400),
        ("monthly_volume", "our top 3 customers send 100 each a month", 300),
        ("clean_examples", "eighty-ish", 80),
        ("clean_examples", "We have approximately 3 hundreds good pairs", 300),
        ("clean_examples", "we have around 900, I'd bin two thirds of them", 300),
        ("clean_examples", "only the 5 star ones, about 70", 70),
        ("clean_examples", "three of us have about 50 each", 150),
        ("clean_examples", "we've got the 2019 to 2023 files, about 300 good ones", 300),
    ],
)
def test_figures_in_owners_words(field, text, value):
    turn = at(field).handle(text)
    assert turn.facts[field] == value and turn.replies[0].text.startswith("Got it: ")


def test_a_lone_thousand_after_a_figure_scales_it():
    turn = at("quote").handle("dunno exactly, around 15 i think, thousand obviously, in pounds")
    assert (turn.facts["quote"], turn.facts["currency"]) == (15000, "GBP")


# --- choices ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["vendor_examples", "vendor_shortfall", "vendor_retraining"])
@pytest.mark.parametrize("text", ["nope", "nah"])
def test_a_bare_no_to_a_vendor_question_asks_whether_they_could_not_say_or_it_was_not_asked(field, text):
    _, labels, _ = asked_back(at(field).handle(text), field)
    assert labels == ["No, they could not say", "I haven't asked", "Something else"]


@pytest.mark.parametrize(
    "field, text",
    [
        ("vendor_examples", "they said 'a decent amount'"),
        ("vendor_shortfall", "they said we must have enough"),
        ("vendor_retraining", "they said it's future proof"),
    ],
)
def test_they_said_with_nothing_read_in_it_is_offered_back(field, text):
    _, labels, _ = asked_back(at(field).handle(text), field)
    assert labels == ["Yes, they answered clearly", "No, they could not say", "I haven't asked", "Something else"]


@pytest.mark.parametrize(
    "field, text",
    [
        ("vendor_examples", "they said at least 1,000"),
        ("vendor_shortfall", "they said they'd generate synthetic ones"),
        ("vendor_retraining", "they'll do a refresh every 6 months"),
    ],
)
def test_a_figure_or_a_plan_they_gave_is_a_clear_answer(field, text):
    turn = at(field).handle(text)
    assert turn.facts[field] == "yes" and turn.replies[0].text.startswith("Got it: the vendor ")


def test_two_techniques_named_ask_whether_it_is_a_mix():
    s = at("mechanism")
    _, labels, _ = asked_back(
        s.handle("they said fine-tune, but then also talked about uploading docs for it to search"), "mechanism"
    )
    assert labels[:3] == ["A mix of these", "Fine-tune (retrain) the model", "RAG: look things up in our documents"]
    assert at("mechanism").handle("a mix: fine-tune it and connect it to our documents").facts["mechanism"] == "mixed"


@pytest.mark.parametrize("text", ["ok", "okay", "alright"])
def test_a_bare_ok_to_a_two_part_question_is_asked_back(text):
    _, labels, _ = asked_back(at("prompt_rag").handle(text), "prompt_rag")
    assert labels[:2] == ["Tried: good enough", "Tried: not good enough"]


@pytest.mark.parametrize(
    "field, text, first",
    [
        ("mechanism", "I think fine tuning, not 100% sure", "Fine-tune (retrain) the model"),
        ("task", "writing our client reports i think?", "Write reports, advice or bespoke documents in our tone"),
        ("task", "sorting the emails?", "Sort or label things into set categories"),
        ("task_stable", "yes maybe", "Yes"),  # then "Not sure"
    ],
)
def test_a_reading_the_owner_doubts_is_offered_first(field, text, first):
    _, labels, _ = asked_back(at(field).handle(text), field)
    assert labels[0] == first


def test_a_yes_in_passing_is_offered_back_not_taken():
    _, labels, _ = asked_back(at("task_stable").handle("well, for the most part it would"), "task_stable")
    assert labels[0] == "Yes"
    assert at("task_stable").handle("yes").facts["task_stable"] == "yes"  # a plain yes is taken


@pytest.mark.parametrize(
    "text, value",
    [
        ("none of it touches decisions about customers", "no"),
        ("it won't be used for hiring or anything", "no"),
        ("no its changing w new system in march", "no"),
        ("only indirectly, the summaries go to the GP who decides the treatment", None),
        ("could do, if HR start using it", None),
    ],
)
def test_negation_further_back_and_hedges(text, value):
    field = "task_stable" if "changing" in text else "regulated"
    turn = at(field).handle(text)
    if value is None:
        _, labels, _ = asked_back(turn, field)
        assert "Yes" in labels and "Not sure" in labels
    else:
        assert turn.facts[field] == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("it's for the HR team's newsletter", None),  # a topic alone says nothing of decisions
        ("it summarises medical research for our blog", None),
        ("kind of, it suggests which tenants to chase for arrears", None),  # a hedge on a topic
        ("it will rank the applicants for our apprenticeships", "yes"),  # a decision about people
        ("yes, screening CVs", "yes"),
        ("no, it just books patients into appointment slots", "no"),  # a firm no is taken
    ],
)
def test_a_topic_alone_at_the_decisions_question_is_asked_back(text, value):
    turn = at("regulated").handle(text)
    if value is None:
        _, labels, _ = asked_back(turn, "regulated")
        assert {"Yes", "No", "Not sure"} <= set(labels)
    else:
        assert turn.facts["regulated"] == value


def test_a_cue_taken_back_by_but_not_is_asked():
    text = "we tried copilot and it was ok for simple stuff but not for the reports"
    _, labels, _ = asked_back(at("prompt_rag").handle(text), "prompt_rag")
    # Both tried readings are offered; with no word of documents, "not tried" (prompts alone, no RAG) comes first.
    assert labels[:3] == ["Not tried yet", "Tried: not good enough", "Tried: good enough"]
    assert at("prompt_rag").handle("tried it but it wasn't good enough").facts["prompt_rag"] == "not_acceptable"


def _bag_of_words(texts: list[str]) -> np.ndarray:
    """A stand-in embedder: each word hashed to one of 256 places, so identical wording is cosine 1."""
    vectors = np.zeros((len(texts), 256))
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z']+", text.lower()):
            vectors[row, sum(map(ord, word)) % 256] += 1
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def test_a_nearest_phrasing_alone_is_offered_first_never_taken():
    reading = read_answer("personal_data", "our lawyer signed it off", Context(embed=_bag_of_words))
    assert reading.status == "clarify" and reading.options[0]["value"] == "lawful"
    assert read_answer("personal_data", "our lawyer signed it off").status != "ok"


# --- corrections ------------------------------------------------------------------------------------------------
def test_a_correction_that_reads_two_ways_is_asked_at_its_own_question_then_the_interview_comes_back():
    s = at("task", mechanism="rag")
    turn = s.handle("found the email about the last question: they're fine-tuning it AND giving it our docs to search")
    assert turn.facts["mechanism"] == "rag" and turn.awaiting["field"] == "mechanism"  # nothing changed until it is settled
    labels = [c["label"] for c in turn.awaiting["choices"]]
    values = [c["value"] for c in turn.awaiting["choices"]]
    assert labels[0] == "A mix of these"
    picked = s.handle(values[0])
    assert picked.facts["mechanism"] == "mixed" and picked.awaiting["field"] == "task"


@pytest.mark.parametrize(
    "field, before, text, changed, value",
    [
        ("clean_examples", {"monthly_volume": 5000}, "I put 5000 but that's a year, not a month", "monthly_volume", 417),
        (
            "vendor_retraining",
            {"vendor_shortfall": "no"},
            "sorry, that last one should've been 'haven't asked'",
            "vendor_shortfall",
            "not_asked",
        ),
    ],
)
def test_corrections_in_more_words(field, before, text, changed, value):
    turn = at(field, **before).handle(text)
    assert turn.facts[changed] == value and turn.facts[field] is None and turn.replies[0].text.startswith("Changed: ")


# --- the pitch pre-fills only what it states plainly -------------------------------------------------------------
@pytest.mark.parametrize(
    "pitch, absent",
    [
        ("they're going to use RAG over our sharepoint for 8 grand", "quote"),
        ("guy at a networking breakfast said he can make an AI for us, thats all i know", "mechanism"),
        ("they will fine tune a model on our emails so it sorts them and writes our reports, £9,000", "task"),
        ("they said somewhere between 20 and 30 thousand dollars. its for writing our property valuation reports", "quote"),
    ],
)
def test_the_pitch_leaves_open_what_it_does_not_state_plainly(pitch, absent):
    s = Session()
    s.start()
    turn = s.handle(pitch)
    assert turn.facts[absent] is None and turn.awaiting["field"] != "pitch"


# --- answers that give no value to take, asked back ---------------------------------------------------------------
def test_a_price_in_a_currency_the_verdict_cannot_use_is_asked_again_in_one_it_can():
    s = at("quote")
    turn = s.handle("Twelve grand, Australian dollars")
    assert turn.facts["quote"] is None and turn.awaiting["field"] == "quote"
    assert "pounds, US dollars or euros" in turn.replies[-2].text
    assert s.handle("$12k").facts["quote"] == 12000  # a plain dollar sign is still US dollars


@pytest.mark.parametrize(
    "field, text, labels",
    [
        ("monthly_volume", "about to hundred a month", ["About 200 a month", "About 100 a month"]),
        ("clean_examples", "for hundred maybe", ["About 400", "About 100"]),
    ],
)
def test_a_number_typed_as_its_sound_alike_offers_both_readings(field, text, labels):
    s = at(field)
    question, shown, values = asked_back(s.handle(text), field)
    assert question.startswith("Did you mean") and shown[:2] == labels
    assert s.handle(values[0]).facts[field] == int(values[0])


@pytest.mark.parametrize(
    "field, text",
    [
        ("fresh_knowledge", "sometimes no yes"),
        ("regulated", "individuals??"),
        ("regulated", "does sorting complaints count as a decision about someone?"),
        ("task_stable", "not that I know of"),
    ],
)
def test_a_yes_beside_a_no_a_question_back_or_not_that_i_know_of_is_asked_back(field, text):
    _, labels, _ = asked_back(at(field).handle(text), field)
    assert {"Yes", "No", "Not sure"} <= set(labels)


def test_not_that_i_know_of_is_a_no_where_no_means_nothing_happens():
    turn = at("regulated").handle("not that I know of")
    assert turn.facts["regulated"] == "no" and turn.replies[0].text == "Got it: no decisions about individuals."


def test_prompts_tried_without_the_document_part_is_neither_tried_answer():
    text = "we tried prompts but not the document bit, prompts alone weren't good enough"
    _, labels, _ = asked_back(at("prompt_rag").handle(text), "prompt_rag")
    assert labels[0] == "Not tried yet" and "Tried: not good enough" in labels


def test_a_wish_to_check_keeps_not_sure_among_the_choices():
    text = "there's names in there, and I think we're ok to share, but I'd want to check"
    _, labels, _ = asked_back(at("personal_data").handle(text), "personal_data")
    assert "Not sure" in labels and "Yes, and we may lawfully share it" in labels


def test_a_technique_named_beside_nobody_saying_asks_which():
    text = "someone mentioned training but the other one said it was only prompts, so no one really said"
    _, labels, _ = asked_back(at("mechanism").handle(text), "mechanism")
    assert labels[:2] == ["Write better prompts", "They didn't say clearly"]
    plain = at("mechanism").handle("They said they'd customise the model itself, retrain its weights on our back catalogue")
    assert plain.facts["mechanism"] == "fine_tuning"  # a vague word beside a plain technique is no doubt


def test_a_volume_whose_average_the_owner_does_not_know_is_asked_over_the_year():
    text = "In spring we send out maybe 300 bids a month, in winter nearly none, I don't know the average"
    question, labels, _ = asked_back(at("monthly_volume").handle(text), "monthly_volume")
    assert question.startswith("Over a whole year") and labels == ["About 300 a month", "Something else"]


# --- plain answers taken at once ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, text, value",
    [
        ("task_stable", "yse", "yes"),
        ("prompt_rag", "not tride", "not_tried"),
        ("personal_data", "no personl data", "none"),
        ("vendor_shortfall", "didnt aks", "not_asked"),
        ("regulated", "nope its just fr the menu", "no"),
        ("regulated", "Oh actually yes, the summaries go to the claims handler who decides payouts", "yes"),
        ("task_stable", "We had 14 product lines last year and 22 now and there'll be more, so no", "no"),
        ("fresh_knowledge", "It's just sorting by type, nothing to do with prices or policies", "no"),
        ("task", "Actually it's more about pulling the data out than sorting it", "extraction"),
        ("task", "write our standard quotes", "fixed_format"),
        ("prompt_rag", "tried it, it wasn't up to scratch", "not_acceptable"),
        ("personal_data", "I don't think there's anything personal in them", "none"),
        ("personal_data", "Just machine part numbers and fault codes, nothing about people", "none"),
    ],
)
def test_plain_answers_with_slips_negations_and_closing_words_are_taken_at_once(field, text, value):
    turn = at(field).handle(text)
    assert turn.facts[field] == value and turn.replies[0].text.startswith("Got it: ")


def _word_spotter(word: str):
    """A stand-in embedder for which every text holding `word` is the same point: the nearest phrasings all say it."""

    def embed(texts: list[str]) -> np.ndarray:
        return np.array([[1.0, 0.0] if word in t.lower() else [0.0, 1.0] for t in texts])

    return embed


def test_a_negation_keeps_the_cue_reading_against_nearest_phrasings_that_miss_the_not():
    embed = Context(embed=_word_spotter("model"))  # "model" is only in the fine-tuning phrasings
    reading = read_answer("mechanism", "they're not touching the model, it just searches our files", embed)
    assert reading.status == "ok" and reading.value == "rag"
    doubted = read_answer("mechanism", "it searches our files and then the model answers", embed)
    assert doubted.status == "clarify"  # without a negation, neighbours sure of another choice still ask back


@pytest.mark.parametrize(
    "field, before, text, changed, value",
    [
        ("clean_examples", {"monthly_volume": 2500}, "no wait, 250. I looked at the wrong column", "monthly_volume", 250),
        (
            "vendor_shortfall",
            {"vendor_examples": "yes"},
            "Actually, I never asked them, I was confusing it with another supplier",
            "vendor_examples",
            "not_asked",
        ),
        (
            "regulated",
            {"fresh_knowledge": "no"},
            "hang on, the quotes do use our current rates, so yes",
            "fresh_knowledge",
            "yes",
        ),
    ],
)
def test_a_correction_at_the_next_question_changes_the_answer_it_speaks_of_and_leaves_the_question_on_screen(
    field, before, text, changed, value
):
    turn = at(field, **before).handle(text)
    assert turn.facts[changed] == value and turn.facts[field] is None and turn.awaiting["field"] == field
    assert turn.replies[0].text.startswith("Changed: ")


@pytest.mark.parametrize("text", ["do the 200 old ones count?", "is that enough?", "does it matter if they're short?"])
def test_a_question_with_a_subject_after_its_verb_is_answered_not_taken_as_the_figure_in_it(text):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] is None and turn.awaiting["field"] == "clean_examples"
    assert turn.replies[-1].kind == "question" and not turn.replies[0].text.startswith("Got it")  # explained, asked again


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("clean_examples", "could be 200?", 200),
        ("clean_examples", "have maybe 80?", 80),
        ("clean_examples", "would 150 be enough?", 150),
        ("monthly_volume", "is about 300 I think?", 300),
    ],
)
def test_a_figure_said_doubtfully_with_a_question_mark_is_still_the_answer(field, text, value):
    turn = at(field).handle(text)
    assert turn.facts[field] == value and turn.replies[0].text.startswith("Got it: about")
