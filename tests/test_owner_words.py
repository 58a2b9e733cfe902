"""Owners' own words, families found in the fifth blind set's tuning half: a negated hedge with no subject, a bare
"no" that reads two ways, a stock given for a monthly figure, a share the owner would stand behind, a correction that
only qualifies the earlier figure, an answer after a question of the owner's own, and openings about the offer.
Each test asserts what the owner sees: the echo, the question asked back and its choices, the value kept."""

from __future__ import annotations

import pytest
from test_interview import at

from chains.session import Session
from chains.settings import Settings


@pytest.mark.parametrize("field", ["task_stable", "fresh_knowledge", "regulated"])
@pytest.mark.parametrize("text", ["don't think so", "dont think so", "Don't believe so", "do not reckon so"])
def test_a_negated_hedge_without_a_subject_is_no(field, text):
    turn = at(field).handle(text)
    assert turn.facts[field] == "no"
    assert turn.replies[0].text.startswith("Got it:")


@pytest.mark.parametrize("field", ["task_stable", "fresh_knowledge", "regulated"])
def test_a_hedged_yes_is_still_yes(field):
    assert at(field).handle("I think so").facts[field] == "yes"


@pytest.mark.parametrize("field", ["vendor_examples", "vendor_shortfall", "vendor_retraining"])
def test_a_typed_no_at_a_vendor_question_asks_which_no_and_the_button_answers(field):
    s = at(field)
    turn = s.handle("no")
    assert turn.facts[field] is None and turn.awaiting["field"] == field
    assert [c["label"] for c in turn.awaiting["choices"]][:2] == ["No, they could not say", "I haven't asked"]
    assert s.handle("2").facts[field] == "not_asked"  # the second choice, by its number
    s = at(field)
    assert s.choose("no").facts[field] == "no"  # the button "No, they could not say" sends its value


@pytest.mark.parametrize(
    "text, asked",
    [
        ("we've got about 2,000 old ones saved on the server", True),
        ("there are 800 on file", True),
        ("about 2,000", False),
        ("2,000 a month, all kept on the server", False),
    ],
)
def test_a_stock_given_for_a_monthly_figure_is_asked_back(text, asked):
    turn = at("monthly_volume").handle(text)
    if asked:
        assert turn.facts["monthly_volume"] is None
        assert "how many come in a month, or how many you have kept so far" in turn.replies[-1].text
        assert turn.awaiting["choices"][0]["label"].endswith("a month")
    else:
        assert turn.facts["monthly_volume"] == 2000


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,000 emails with our replies, but I'd be proud of half at best", 500),
        ("600, I'd be happy with maybe a third", 200),
        ("300, all of them good", 300),
        ("she says basically none lol", 0),
        ("honestly none", 0),
    ],
)
def test_the_share_the_owner_stands_behind_and_none_said_loosely(text, value):
    assert at("clean_examples").handle(text).facts["clean_examples"] == value


@pytest.mark.parametrize(
    "text, monthly", [("6,000 for the whole year", 500), ("6,000 over the year", 500), ("about 300 in the last month", 300)]
)
def test_a_figure_for_the_whole_year_is_divided_by_twelve(text, monthly):
    assert at("monthly_volume").handle(text).facts["monthly_volume"] == monthly


@pytest.mark.parametrize("text", ["They said the quote would follow next week", "still waiting for their quote"])
def test_a_quote_still_to_come_is_left_open(text):
    turn = at("quote").handle(text)
    assert turn.facts["quote"] is None and turn.awaiting["field"] != "quote"
    assert "leave that open" in turn.replies[0].text


# --- corrections that only qualify the earlier figure, typed at the next question or at the same one -------------
@pytest.mark.parametrize("where", ["task", "monthly_volume"])
def test_that_was_per_week_turns_the_earlier_figure_into_a_month(where):
    s = at("monthly_volume")
    s.handle("300")
    s.await_field(where)
    turn = s.handle("no wait, that's per week")
    assert turn.facts["monthly_volume"] == 1300
    assert "1,300 a month" in turn.replies[0].text


def test_half_of_those_halves_the_earlier_count_and_keeps_the_question_on_screen():
    s = at("clean_examples")
    s.handle("300")
    on_screen = s.awaiting
    turn = s.handle("actually only about half of those are labelled properly")
    assert turn.facts["clean_examples"] == 150 and turn.awaiting["field"] == on_screen
    assert turn.replies[0].text.startswith("Changed: about 150 clean examples")


def test_dollars_not_pounds_changes_the_currency_and_keeps_the_amount():
    s = at("quote")
    s.handle("£14,000")
    turn = s.handle("Actually it was dollars not pounds, they're a US company")
    assert (turn.facts["quote"], turn.facts["currency"]) == (14000, "USD")


def test_a_day_rate_as_a_correction_straddling_the_line_is_asked_at_its_question():
    s = at("monthly_volume")
    s.handle("40")
    turn = s.handle("sorry, that was per day")
    assert turn.awaiting["field"] == "monthly_volume" and turn.facts["monthly_volume"] == 40
    assert [c["label"] for c in turn.awaiting["choices"]][:2] == ["About 880 a month", "About 1,200 a month"]


# --- an answer after the owner's own question ----------------------------------------------------------------------
def test_the_answer_after_a_question_is_read_and_a_question_alone_is_explained():
    turn = at("clean_examples").handle("what counts as clean? we have maybe 200")
    assert turn.facts["clean_examples"] == 200
    turn = at("clean_examples").handle("what counts as clean?")
    assert turn.facts["clean_examples"] is None and turn.awaiting["field"] == "clean_examples"
    assert turn.replies[0].kind != "echo"


# --- the opening ---------------------------------------------------------------------------------------------------
class _Explainer:
    def __call__(self, question):
        from chains.explain import Answer

        return Answer(question, "An explanation.", [], True)


def first_turn(text: str):
    """A fresh interview and its turn on `text` as the owner's first message."""
    s = Session(Settings(llm="off"), explain=_Explainer())
    s.start()
    return s, s.handle(text)


@pytest.mark.parametrize(
    "text, mechanism",
    [
        ("They want to retrain an AI model on our data. Is that a good idea?", "fine_tuning"),
        ("Should we pay someone to fine-tune a model for our invoices?", "fine_tuning"),
    ],
)
def test_a_question_about_the_offer_is_taken_as_the_pitch(text, mechanism):
    _s, turn = first_turn(text)
    assert turn.facts["pitch"] == text and turn.facts["mechanism"] == mechanism
    assert turn.replies[0].text.startswith("From the pitch I noted")


@pytest.mark.parametrize(
    "text", ["what does it mean when they say they'll 'ground the model in our documents'?", "what is LoRA?", "explain RAG"]
)
def test_a_question_about_words_is_explained_and_the_pitch_asked_again(text):
    _s, turn = first_turn(text)
    assert turn.replies[0].kind == "explanation" and turn.awaiting["field"] == "pitch" and turn.facts["pitch"] is None


def test_a_price_followed_by_us_dollars_after_a_dash_is_dollars():
    _s, turn = first_turn("Quote is 11,000 - US dollars, not Canadian - to fine-tune on our bookkeeping notes.")
    assert (turn.facts["quote"], turn.facts["currency"]) == (11000, "USD")
    assert "$11,000" in turn.replies[0].text


# --- a typed reply to "which of these?" -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "first, reply, value, currency",
    [
        ("about twelve grand", "pounds obvs", 12000, "GBP"),
        ("12k", "dollars", 12000, "USD"),
        ("12k", "€", 12000, "EUR"),
        ("12k", "euro please", 12000, "EUR"),
    ],
)
def test_naming_the_currency_picks_that_reading_of_the_price(first, reply, value, currency):
    s = at("quote")
    assert s.handle(first).awaiting["choices"][0]["label"] == f"£{value:,}"
    turn = s.handle(reply)
    assert (turn.facts["quote"], turn.facts["currency"]) == (value, currency)
    assert turn.awaiting["field"] != "quote"


@pytest.mark.parametrize(
    "reply, monthly",
    [("weekdays only, were shut weekends", 880), ("mon to fri", 880), ("every day, we're open weekends", 1200)],
)
def test_saying_which_days_picks_that_reading_of_a_day_rate(reply, monthly):
    s = at("monthly_volume")
    s.handle("about 40 a day")
    assert s.handle(reply).facts["monthly_volume"] == monthly


@pytest.mark.parametrize(
    "field, first, reply, value",
    [
        ("clean_examples", "between 80 and 120", "nearer the top", 120),
        ("clean_examples", "between 80 and 120", "the lower one", 80),
        ("clean_examples", "between 80 and 120", "first one", 80),
        ("monthly_volume", "between 500 and 2000 a month", "a bit more, say 1200", 1200),  # its own figure is the answer
        ("monthly_volume", "between 500 and 2000 a month", "less, about 700", 700),
    ],
)
def test_saying_which_end_of_a_range_picks_it_and_a_figure_is_taken_as_said(field, first, reply, value):
    s = at(field)
    s.handle(first)
    assert s.handle(reply).facts[field] == value


def test_the_first_one_picks_the_first_offered_choice():
    s = at("task")
    offered = s.handle("they'd write reports in our standard layout").awaiting["choices"]
    assert s.handle("the first one i guess").facts["task"] == offered[0]["value"]


def test_a_reply_that_names_no_option_says_so_plainly_and_a_second_leaves_the_question_open():
    s = at("quote")
    s.handle("12k")
    turn = s.handle("hmm")
    assert turn.replies[0].text == "I couldn't match that to one of those: pick one, or tell me in your own words."
    turn = s.handle("hmm")
    assert "leave that question open" in turn.replies[0].text and turn.awaiting["field"] != "quote"  # no third time


# --- more of the owners' words ---------------------------------------------------------------------------------------
def test_a_price_in_the_opening_without_a_currency_is_asked_back_in_each_currency():
    s, turn = first_turn("is it worth paying someone to train AI on our emails? they want like 9 grand")
    assert turn.awaiting["field"] == "quote" and turn.facts["quote"] is None
    assert turn.awaiting["question"].startswith("The pitch gave a price.")
    assert [c["label"] for c in turn.awaiting["choices"]][:3] == ["£9,000", "$9,000", "€9,000"]
    assert s.handle("pounds").facts["quote"] == 9000


@pytest.mark.parametrize(
    "text",
    ["weve used chatgpt a bit for drafting replies, its ok", "we only tried plain chatgpt without our documents, it was fine"],
)
def test_a_chat_tool_without_documents_is_not_prompts_plus_rag(text):
    turn = at("prompt_rag").handle(text)
    assert turn.facts["prompt_rag"] is None
    assert turn.awaiting["choices"][0]["value"] == "not_tried"


def test_a_chat_tool_with_the_documents_is_read_as_tried():
    assert at("prompt_rag").handle("we tried chatgpt with our documents uploaded and it was fine").facts["prompt_rag"] == (
        "acceptable"
    )


@pytest.mark.parametrize("text", ["they said they need 500", "the vendor reckons they need about 500"])
def test_the_vendors_figure_at_the_examples_question_is_asked_back(text):
    turn = at("clean_examples").handle(text)
    assert turn.facts["clean_examples"] is None
    assert "how many the vendor said they need" in turn.replies[-1].text


def test_the_owners_figure_is_taken_beside_the_vendors():
    assert at("clean_examples").handle("we have 300, they said they need 500").facts["clean_examples"] == 300


@pytest.mark.parametrize(
    "text, amount", [("14.750,00 €", 14750), ("12.400,00 EUR", 12400), ("Twelvethousand Euro", 12000), ("9.500 €", 9500)]
)
def test_euro_amounts_as_written_across_europe(text, amount):
    turn = at("quote").handle(text)
    assert (turn.facts["quote"], turn.facts["currency"]) == (amount, "EUR")


def test_oh_wait_the_last_one_corrects_the_answer_just_given():
    s = at("vendor_shortfall")
    s.handle("no, they could not say")
    turn = s.handle("oops, the last one is yes, they'd generate extra examples")
    assert turn.facts["vendor_shortfall"] == "yes" and turn.facts["vendor_retraining"] is None
    assert turn.replies[0].text.startswith("Changed:")


# --- from a second stranger's walk ------------------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["monthly_volume", "clean_examples"])
@pytest.mark.parametrize("text", ["is 15 grand a lot for this?", "£500", "about 200 quid"])
def test_a_price_at_a_count_question_is_not_taken_as_the_count(field, text):
    turn = at(field).handle(text)
    assert turn.facts[field] is None and turn.awaiting["field"] == field


def test_a_price_range_written_with_k_on_both_ends_keeps_both_ends():
    turn = at("quote").handle("the quote is 20k-35k euros")
    assert (turn.facts["quote"], turn.facts["quote_high"], turn.facts["currency"]) == (20000, 35000, "EUR")


@pytest.mark.parametrize("text", ["writing the quotes", "doing our quotes", "writing up the quotes for jobs"])
def test_writing_quotes_is_a_fixed_format(text):
    assert at("task").handle(text).facts["task"] == "fixed_format"


@pytest.mark.parametrize(
    "field, text",
    [
        ("clean_examples", "hang on whats lora? they mentioned it on the call"),
        ("clean_examples", "ok and what's lora, the guy mentioned it"),
        ("task_stable", "who owns the model if we leave them?"),  # a who or where question (seventh set)
        ("task_stable", "where does our data end up?"),
    ],
)
def test_a_concept_question_after_a_lead_in_is_explained_mid_interview(field, text):
    s = at(field)
    s.explain = _Explainer()
    turn = s.handle(text)
    assert turn.replies[0].kind == "explanation" and turn.facts[field] is None
    assert turn.awaiting["field"] == field


@pytest.mark.parametrize("reply, value", [("the second one", "classification"), ("um the first i guess", "open_writing")])
def test_a_place_alone_picks_that_option(reply, value):
    s = at("task")
    offered = s.handle("reports and also sorting emails").awaiting["choices"]
    assert [c["value"] for c in offered][:2] == ["open_writing", "classification"]
    assert s.handle(reply).facts["task"] == value


def test_a_reply_that_names_no_option_keeps_the_options_once():
    s = at("quote")
    s.handle("about 12 grand i think plus vat")
    turn = s.handle("hmm")
    assert turn.facts["quote"] is None and turn.awaiting["choices"][0]["label"] == "£12,000"
    assert s.handle("pounds").facts["quote"] == 12000


# --- from a review of the change ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["just product codes and customer names", "only part numbers, plus the customer email on each order"]
)
def test_product_codes_beside_people_are_not_no_personal_data(text):
    assert at("personal_data").handle(text).facts["personal_data"] is None


def test_not_every_day_is_not_every_day():
    s = at("monthly_volume")
    s.handle("about 40 a day")
    assert s.handle("not every day").facts["monthly_volume"] != 1200


@pytest.mark.parametrize(
    "text", ["can someone explain RAG to me?", "what is retraining and do we need it?", "how does fine-tuning work?"]
)
def test_a_concept_question_as_the_first_message_is_explained(text):
    _s, turn = first_turn(text)
    assert turn.replies[0].kind == "explanation" and turn.facts["pitch"] is None


@pytest.mark.parametrize(
    "text, value",
    [("600, we would keep 80% of them", 480), ("600 but 10% are junk", 540), ("600, 10% need fixing", 540)],
)
def test_a_share_in_percent_applies_to_the_figure(text, value):
    assert at("clean_examples").handle(text).facts["clean_examples"] == value


def test_a_question_about_a_term_is_answered_before_the_words_after_it():
    s = at("personal_data")
    s.explain = _Explainer()
    turn = s.handle("what's a DPIA? none of that applies")
    assert turn.replies[0].kind == "explanation" and turn.facts["personal_data"] is None


@pytest.mark.parametrize(
    "field, text, labels",
    [
        ("clean_examples", "we've got every invoice since 2019 so thousands", ["About 1,000", "About 5,000"]),
        ("monthly_volume", "hundreds", ["About 200 a month", "About 500 a month"]),
    ],
)
def test_hundreds_or_thousands_is_asked_roughly_how_many(field, text, labels):
    turn = at(field).handle(text)
    assert turn.facts[field] is None and turn.replies[-1].text.startswith("Roughly how many is that?")
    assert [c["label"] for c in turn.awaiting["choices"]][:2] == labels


@pytest.mark.parametrize("field", ["monthly_volume", "clean_examples"])
@pytest.mark.parametrize("text", ["the second one", "the lower one", "the same one"])
def test_a_pick_typed_at_a_number_question_is_no_figure(field, text):
    turn = at(field).handle(text)
    assert turn.facts[field] is None  # "one" here picks; it counts nothing (it was read as 1)
