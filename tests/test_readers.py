"""The owner's words read back: numbers, money, volumes, every choice, intents, questions and corrections."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chains.facts import FIELD_BY_NAME, FIELDS
from chains.readers import (
    Context,
    Reading,
    looks_like_question,
    read_answer,
    read_intent,
    read_money,
    read_monthly,
    read_number,
)

CHOICE_FIELDS = [f for f in FIELDS if f.kind == "choice"]
FIGURE_FIELDS = [f.name for f in FIELDS if f.kind in ("count", "volume", "money")]

# --- a test-only number-to-words helper (0..999,999), British style ---------------------------------------

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_thousand(n: int, joiner: str, hyphen: str) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest:
        if hundreds and joiner:
            parts.append(joiner)
        tens, ones = divmod(rest, 10)
        parts.append(_ONES[rest] if rest < 20 else _TENS[tens] + (f"{hyphen}{_ONES[ones]}" if ones else ""))
    return " ".join(parts)


def words(n: int, joiner: str = "and", hyphen: str = "-") -> str:
    """0..999,999 in English words: 123456 -> "one hundred and twenty-three thousand four hundred and fifty-six"."""
    if n == 0:
        return "zero"
    thousands, rest = divmod(n, 1000)
    parts = [_below_thousand(thousands, joiner, hyphen) + " thousand"] if thousands else []
    if rest:
        if thousands and rest < 100 and joiner:
            parts.append(joiner)
        parts.append(_below_thousand(rest, joiner, hyphen))
    return " ".join(parts)


def test_words_helper_itself():
    assert words(0) == "zero"
    assert words(40) == "forty"
    assert words(1001) == "one thousand and one"
    assert words(123456) == "one hundred and twenty-three thousand four hundred and fifty-six"
    assert words(999999, "", " ") == "nine hundred ninety nine thousand nine hundred ninety nine"


# --- numbers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("twelve", 12),
        ("12", 12),
        ("maybe forty", 40),
        ("maybe 40", 40),
        ("two thousand", 2000),
        ("2000", 2000),
        ("5k", 5000),
        ("5K", 5000),
        ("1.5m", 1_500_000),
        ("2,400", 2400),
        ("about 1 200", 1200),
        ("1.5 million", 1_500_000),
        ("a few hundred... say 300", 300),
        ("a few hundred, maybe 250", 250),
        ("a few hundred", 300),
        ("a dozen", 12),
        ("a hundred", 100),
        ("a thousand and twenty", 1020),
        ("2.3k", 2300),
        ("forty-two", 42),
        ("forty two", 42),
        ("40ish", 40),
        ("around 40 or so", 40),
        ("one", 1),
        ("zero", 0),
        ("none", 0),
        ("nothing", 0),
        ("two point five million", 2_500_000),
        ("18 grand", 18000),
        ("5 thousand", 5000),
        ("3 hundred", 300),
        ("between 200 and 300", 250),
        ("200-300", 250),
        ("15-20k", 17500),
        ("not 40, more like 200", 200),
        ("40 examples from the last 2 years", 40),
        ("I'm not sure, maybe 40", 40),
        ("twelve hundred", 1200),
        ("one hundred and twenty three thousand four hundred and fifty six", 123456),
        ("1,000,000,000", 10**9),
    ],
)
def test_read_number(text, expected):
    assert read_number(text) == expected


@pytest.mark.parametrize("text", ["banana", "", "   ", "no", "lots", "hundreds", "?", "dozens of them"])
def test_read_number_none(text):
    assert read_number(text) is None


def test_read_number_keeps_the_sign_so_the_answer_can_refuse_it():
    assert read_number("-5") == -5
    assert read_number("minus five") == -5


@pytest.mark.parametrize(
    "text, expected",
    [
        ("£18,000", 18000),
        ("18k", 18000),
        ("eighteen thousand pounds", 18000),
        ("£18k + VAT", 18000),
        ("18000", 18000),
        ("£18,000.50", 18000.5),
        ("GBP 18,000", 18000),
        ("18,000 quid", 18000),
        ("£1.2m", 1_200_000),
        ("£18,000 plus £400 a month", 18000),
        ("about 15k, no wait, 18k", 18000),
        ("£18k for 40 examples", 18000),
        ("£15-20k", 17500),
        ("eighteen grand", 18000),
        ("£ 18 000", 18000),
    ],
)
def test_read_money(text, expected):
    assert read_money(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("about twelve a month", 12),
        ("12 a month", 12),
        ("300 a week", 1300),
        ("three hundred a week", 1300),
        ("50 a day", 1500),
        ("24,000 a year", 2000),
        ("24k per annum", 2000),
        ("5k", 5000),
        ("twelve", 12),
        ("300 tickets per week", 1300),
        ("about 300 support tickets every week", 1300),
        ("1,200 pcm", 1200),
        ("600 a quarter", 200),
        ("12 reports a month from 3 consultants", 12),
        ("50 a day, 5 days a week", 50 * 5 * 52 / 12),  # five working days a week, not every day of the month
        ("300 weekly", 1300),
        ("2,000 monthly", 2000),
        ("300/week", 1300),
        ("24000 annually", 2000),
    ],
)
def test_read_monthly(text, expected):
    assert read_monthly(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["banana", "", "a lot", "every day"])
def test_read_monthly_none(text):
    assert read_monthly(text) is None


# --- figure fields through read_answer -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, echo",
    [
        ("maybe forty", 40, "Got it: about 40 clean examples."),
        ("about 2,000", 2000, "Got it: about 2,000 clean examples."),
        ("two thousand", 2000, "Got it: about 2,000 clean examples."),
        ("1", 1, "Got it: about 1 clean example."),
        ("none", 0, "Got it: no clean examples yet."),
        ("2.5k", 2500, "Got it: about 2,500 clean examples."),
        ("we get 300 a month but only 40 are clean", 40, "Got it: about 40 clean examples."),
        ("3 staff have about 40 good examples", 40, "Got it: about 40 clean examples."),
    ],
)
def test_count_answers(text, value, echo):
    reading = read_answer("clean_examples", text)
    assert reading == Reading("ok", value, echo)
    assert isinstance(reading.value, int)


@pytest.mark.parametrize(
    "text, value, echo",
    [
        ("about twelve a month", 12, "Got it: about 12 a month."),
        ("300 a week", 1300, "Got it: about 1,300 a month (300 a week)."),
        ("50 a day", 1500, "Got it: about 1,500 a month (50 a day)."),
        ("24,000 a year", 2000, "Got it: about 2,000 a month (24,000 a year)."),
        ("5k", 5000, "Got it: about 5,000 a month."),
        ("200 every working day", 4333, "Got it: about 4,333 a month (200 a working day)."),
        ("roughly 100 a week", 433, "Got it: about 433 a month (100 a week)."),
    ],
)
def test_volume_answers(text, value, echo):
    reading = read_answer("monthly_volume", text)
    assert reading == Reading("ok", value, echo)
    assert isinstance(reading.value, int)


@pytest.mark.parametrize(
    "text, value, echo",
    [
        ("£18,000", 18000.0, "Got it: a quote of £18,000."),
        ("£18k", 18000.0, "Got it: a quote of £18,000."),
        ("eighteen thousand pounds", 18000.0, "Got it: a quote of £18,000."),
        ("£18k + VAT", 18000.0, "Got it: a quote of £18,000 plus VAT."),
        ("£18,000.50", 18000.5, "Got it: a quote of £18,000.50."),
    ],
)
def test_money_answers(text, value, echo):
    reading = read_answer("quote", text)
    assert (reading.status, reading.value, reading.echo) == ("ok", value, echo)
    assert reading.facts["currency"] == "GBP" and isinstance(reading.value, float)


@pytest.mark.parametrize("field", FIGURE_FIELDS)
@pytest.mark.parametrize("text", ["don't know", "I don't know", "skip", "pass", "no idea", "not sure", "dunno"])
def test_figure_fields_skip(field, text):
    assert read_answer(field, text) == Reading("skip", None, read_answer(field, "skip").echo)
    assert read_answer(field, text).value is None


def test_money_skip_phrases():
    for text in ("no quote yet", "they haven't said", "not been quoted"):
        assert read_answer("quote", text).status == "skip"


@pytest.mark.parametrize("field", FIGURE_FIELDS)
@pytest.mark.parametrize("text", ["banana", "", "   ", "-5", "minus forty", "lots", "hundreds"])
def test_figure_fields_unreadable(field, text):
    reading = read_answer(field, text)
    if text == "hundreds" and field != "quote":  # a count, if not a figure: asked roughly how many
        assert reading.status == "clarify" and reading.hint == "Roughly how many is that?"
        return
    assert reading.status == "unreadable" and reading.value is None
    assert reading.hint and reading.echo == ""


def test_unreadable_hints_name_the_kinds_of_answer():
    assert read_answer("clean_examples", "banana").hint == 'I couldn\'t read a number there. Try "about 40" or "2,000".'
    assert '"300 a week"' in read_answer("monthly_volume", "banana").hint
    assert '"£18,000"' in read_answer("quote", "banana").hint
    assert "zero or more" in read_answer("clean_examples", "-5").hint


@pytest.mark.parametrize(
    "text, amount, currency",
    [
        ("$20,000", 20000.0, "USD"),
        ("€20k", 20000.0, "EUR"),
        ("25000 dollars", 25000.0, "USD"),
        ("ten grand, in euros", 10000.0, "EUR"),
        ("£18,000", 18000.0, "GBP"),
        ("18000 sterling", 18000.0, "GBP"),
    ],
)
def test_money_in_any_of_three_currencies_keeps_its_currency(text, amount, currency):
    reading = read_answer("quote", text)
    assert reading.status == "ok" and reading.facts == {"quote": amount, "currency": currency, "quote_high": None}
    assert reading.echo.startswith("Got it: a quote of " + {"USD": "$", "EUR": "€", "GBP": "£"}[currency])


def test_a_running_cost_alone_is_asked_again_and_beside_a_quote_is_confirmed():
    running = read_answer("quote", "£400 a month")
    assert running.status == "unreadable" and "£400 a month" in running.hint
    both = read_answer("quote", "£18,000 plus £400 a month")
    assert both.status == "clarify" and "£18,000" in both.hint and "£400 a month" in both.hint
    assert both.options[0]["value"] == "£18,000 one-off"
    assert read_answer("quote", both.options[0]["value"]).value == 18000.0


def test_a_huge_figure_is_not_taken_silently():
    assert read_answer("clean_examples", "9" * 30).status == "unreadable"


# --- every choice of every choice field ------------------------------------------------------------------

ALL_CHOICES = [(f.name, c.value, c.label, i) for f in CHOICE_FIELDS for i, c in enumerate(f.choices, 1)]


@pytest.mark.parametrize("field, value, label, number", ALL_CHOICES)
def test_choice_by_value_label_and_number(field, value, label, number):
    for text in (
        value,
        value.upper(),
        value.replace("_", " "),
        label,
        label.lower(),
        label.upper() + ".",
        str(number),
        f"option {number}",
        f" {number} ",
    ):
        picked = text.lower() in (value, value.replace("_", " "))  # a button sends the value
        reading = read_answer(field, text, Context(picked=True) if picked else None)
        assert reading.status == "ok" and reading.value == value, text
        assert reading.echo.startswith("Got it: ") and reading.echo.endswith(".")


@pytest.mark.parametrize("field", ["vendor_examples", "vendor_shortfall", "vendor_retraining"])
@pytest.mark.parametrize("typed", ["no", "No", "nope", "nah"])
def test_a_typed_bare_no_at_a_vendor_question_is_asked_back_its_button_is_taken(field, typed):
    reading = read_answer(field, typed)
    assert reading.status == "clarify"
    assert {o["value"] for o in reading.options} >= {"no", "not_asked"}  # "they could not say" or "I haven't asked"
    assert read_answer(field, "no", Context(picked=True)).value == "no"  # the button "No, they could not say"


@pytest.mark.parametrize("field", [f.name for f in CHOICE_FIELDS])
def test_choice_out_of_range_number_and_nonsense_are_unreadable(field):
    spec = FIELD_BY_NAME[field]
    for text in (str(len(spec.choices) + 1), "0", "banana", "", "   "):
        reading = read_answer(field, text)
        assert reading.status == "unreadable" and reading.value is None, text
        assert reading.hint


def test_choice_hint_points_at_the_listed_answers_without_repeating_them():
    from chains.session import Session

    session = Session()
    session.start()
    session.answer_directly("pitch", "x")
    session.await_field("task")
    turn = session.handle("banana")
    notice, question = turn.replies[0].text, turn.replies[1].text
    assert "pick one, or say it another way" in notice and FIELD_BY_NAME["task"].choices[0].label not in notice
    for i, choice in enumerate(FIELD_BY_NAME["task"].choices, 1):
        assert f"{i}. {choice.label}" in question


# In the owner's own words: (field, text, expected value). Together these cover every choice value.
PHRASINGS = [
    # mechanism
    ("mechanism", "they said they'd customise the model on our data", "unclear"),
    ("mechanism", "personalise it to our business", "unclear"),
    ("mechanism", "they didn't say", "unclear"),
    ("mechanism", "no idea", "unclear"),
    ("mechanism", "fine-tune", "fine_tuning"),
    ("mechanism", "Fine tuning", "fine_tuning"),
    ("mechanism", "retrain the model", "fine_tuning"),
    ("mechanism", "LoRA", "fine_tuning"),
    ("mechanism", "train it on labelled examples", "fine_tuning"),
    ("mechanism", "search our documents", "rag"),
    ("mechanism", "a knowledge base", "rag"),
    ("mechanism", "retrieval", "rag"),
    ("mechanism", "RAG", "rag"),
    ("mechanism", "no fine-tuning, just RAG", "rag"),
    ("mechanism", "write prompts", "prompting"),
    ("mechanism", "a system prompt", "prompting"),
    ("mechanism", "a prompt library", "prompting"),
    ("mechanism", "a mix: fine-tune it and connect it to our documents", "mixed"),
    ("mechanism", "both, retraining plus a prompt library", "mixed"),
    ("mechanism", "a mix of things", "mixed"),
    # task
    ("task", "sorting tickets into categories", "classification"),
    ("task", "routing emails", "classification"),
    ("task", "tagging", "classification"),
    ("task", "triage support requests", "classification"),
    ("task", "pull invoice fields into JSON", "extraction"),
    ("task", "extract data", "extraction"),
    ("task", "data entry from PDFs", "extraction"),
    ("task", "quotes in our standard format", "fixed_format"),
    ("task", "standard letters", "fixed_format"),
    ("task", "filling in our templates", "fixed_format"),
    ("task", "client reports", "open_writing"),
    ("task", "advice", "open_writing"),
    ("task", "in our tone", "open_writing"),
    ("task", "writing proposals", "open_writing"),
    ("task", "answer staff questions about our methodology", "knowledge_qa"),
    ("task", "FAQ", "knowledge_qa"),
    ("task", "a chatbot for our policies", "knowledge_qa"),
    # yes / no / unsure, hedged
    *[
        (f, text, value)
        for f in ("task_stable", "fresh_knowledge", "regulated")
        for text, value in [
            ("I think so", "yes"),
            ("yeah probably", "yes"),
            ("definitely", "yes"),
            ("yes", "yes"),
            ("Yep!", "yes"),
            ("nope", "no"),
            ("not really", "no"),
            ("no way", "no"),
            ("no", "no"),
            ("definitely not", "no"),
            ("probably not", "no"),
            ("I don't think so", "no"),
            ("no idea", "unsure"),
            ("not sure", "unsure"),
            ("dunno", "unsure"),
            ("maybe", "unsure"),
            ("I don't know", "unsure"),
        ]
    ],
    # task_stable respects its question
    ("task_stable", "it keeps changing", "no"),
    ("task_stable", "it's been the same for years", "yes"),
    ("task_stable", "we're still working out what good looks like", "no"),
    ("task_stable", "hasn't changed in years", "yes"),
    ("task_stable", "no change expected", "yes"),
    ("task_stable", "nothing changes", "yes"),
    ("task_stable", "I don't think it will change", "yes"),
    ("task_stable", "it won't stay the same", "no"),
    ("task_stable", "it's not stable at all", "no"),
    ("task_stable", "it evolves every month", "no"),
    # fresh_knowledge respects its question
    ("fresh_knowledge", "prices change every month", "yes"),
    ("fresh_knowledge", "our policies get updated", "yes"),
    ("fresh_knowledge", "it's all fixed", "no"),
    ("fresh_knowledge", "it never changes", "no"),
    ("fresh_knowledge", "it's timeless stuff", "no"),
    # regulated respects its question
    ("regulated", "it's for hiring decisions", "yes"),
    ("regulated", "we score loan applicants", "yes"),
    ("regulated", "insurance claims about customers", "yes"),
    ("regulated", "just internal tickets", "no"),
    ("regulated", "not about people at all", "no"),
    ("regulated", "no individuals involved", "no"),
    # personal_data
    ("personal_data", "no personal data", "none"),
    ("personal_data", "it's all anonymised", "none"),
    ("personal_data", "the documents don't contain any personal info", "none"),
    ("personal_data", "yes, full CVs, and we have no lawful basis to send them", "not_lawful"),
    ("personal_data", "yes but we can't share it", "not_lawful"),
    ("personal_data", "names, and we have no consent", "not_lawful"),
    ("personal_data", "yes but we have consent", "lawful"),
    ("personal_data", "yes, covered by a DPA", "lawful"),
    ("personal_data", "yes and we're allowed to share it", "lawful"),
    ("personal_data", "not sure", "unsure"),
    ("personal_data", "no idea", "unsure"),
    ("personal_data", "not sure if we're allowed", "unsure"),
    ("personal_data", "we'd need to check with legal", "unsure"),
    # prompt_rag, with negation respected
    ("prompt_rag", "we haven't tried that", "not_tried"),
    ("prompt_rag", "no, never tried", "not_tried"),
    ("prompt_rag", "not yet", "not_tried"),
    ("prompt_rag", "nobody has tried it", "not_tried"),
    ("prompt_rag", "tried it, it was fine", "acceptable"),
    ("prompt_rag", "tried it, good enough", "acceptable"),
    ("prompt_rag", "it worked well", "acceptable"),
    ("prompt_rag", "not bad actually", "acceptable"),
    ("prompt_rag", "tried, output was poor", "not_acceptable"),
    ("prompt_rag", "not good enough", "not_acceptable"),
    ("prompt_rag", "tried it but it wasn't good enough", "not_acceptable"),
    ("prompt_rag", "tried it but it didn't work", "not_acceptable"),
    ("prompt_rag", "it wasn't fine", "not_acceptable"),
    # vendor questions
    *[
        (f, text, value)
        for f in ("vendor_examples", "vendor_shortfall", "vendor_retraining")
        for text, value in [
            ("yes", "yes"),
            ("they explained it clearly", "yes"),
            ("they dodged it", "no"),
            ("they didn't know", "no"),
            ("they said it depends", "no"),
            ("they said they'd get back to us", "no"),
            ("haven't asked", "not_asked"),
            ("didn't ask", "not_asked"),
            ("not yet", "not_asked"),
            ("I'll ask them tomorrow", "not_asked"),
        ]
    ],
    ("vendor_examples", "they said 500 examples", "yes"),
    ("vendor_examples", "about 1,000 labelled examples", "yes"),
    ("vendor_shortfall", "they'd generate synthetic examples", "yes"),
    ("vendor_retraining", "they'd retrain every quarter", "yes"),
]


@pytest.mark.parametrize("field, text, expected", PHRASINGS)
def test_choice_in_own_words(field, text, expected):
    reading = read_answer(field, text)
    assert (reading.status, reading.value) == ("ok", expected)


def test_phrasings_cover_every_choice_value():
    covered = {(field, value) for field, _, value in PHRASINGS}
    assert covered >= {(f.name, c.value) for f in CHOICE_FIELDS for c in f.choices}


@pytest.mark.parametrize(
    "field, text, needle",
    [
        ("personal_data", "yes", "lawfully"),
        ("personal_data", "names and emails", "lawfully"),
        ("prompt_rag", "yes", "good enough"),
        ("prompt_rag", "we tried it", "good enough"),
        ("mechanism", "yes", "Fine-tune"),
    ],
)
def test_ambiguous_choice_answers_are_asked_again(field, text, needle):
    reading = read_answer(field, text)
    assert reading.status in ("unreadable", "clarify") and reading.value is None
    assert needle in reading.hint + " ".join(o["label"] for o in reading.options)


@pytest.mark.parametrize(
    "field, text, options",
    [
        ("personal_data", "no", {"none", "not_lawful"}),
        ("personal_data", "nah", {"none", "not_lawful"}),
        ("vendor_retraining", "dunno", {"no", "not_asked"}),
        ("prompt_rag", "no", {"not_tried", "not_acceptable"}),
        ("prompt_rag", "don't know", {"not_tried", "not_acceptable"}),
    ],
)
def test_a_bare_no_or_dunno_to_a_two_sided_question_offers_both_readings(field, text, options):
    reading = read_answer(field, text)
    assert reading.status == "clarify"
    assert {o["value"] for o in reading.options} == options | {"something else"}


@pytest.mark.parametrize("field", [f.name for f in CHOICE_FIELDS])
def test_skip_command_on_any_choice(field):
    assert read_answer(field, "skip").status == "skip"


def test_dont_know_on_choice_fields_without_unsure_is_a_skip_not_a_guess():
    assert read_answer("task", "no idea").status == "skip"


def test_choice_echo_is_plain_english():
    assert read_answer("mechanism", "fine-tune").echo == "Got it: fine-tuning the model."
    assert read_answer("task_stable", "it keeps changing").echo == "Got it: the task is still changing."


def test_pitch_field_takes_any_text():
    assert read_answer("pitch", "  We'll fine-tune it for £18k. ") == Reading(
        "ok", "We'll fine-tune it for £18k.", "Got it: the vendor's pitch."
    )
    assert read_answer("pitch", "").status == "unreadable"
    assert read_answer("pitch", "   ").status == "unreadable"


def test_unknown_field_does_not_raise():
    assert read_answer("no_such_field", "40").status == "unreadable"


def test_reading_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Reading("ok").value = 1  # type: ignore[misc]


# --- intents, questions, corrections ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, intent",
    [
        ("restart", "restart"),
        ("start over", "restart"),
        ("Let's start again please", "restart"),
        ("reset", "restart"),
        ("back", "back"),
        ("go back", "back"),
        ("previous question", "back"),
        ("undo", "back"),
        ("why?", "why"),
        ("Why do you ask?", "why"),
        ("why does that matter", "why"),
        ("why is that relevant?", "why"),
        ("skip", "skip"),
        ("pass", "skip"),
        ("next question", "skip"),
        ("skip this one", "skip"),
        ("move on", "skip"),
        ("help", "help"),
        ("?", "help"),
        ("what can I say?", "help"),
        ("I'm confused", "help"),
        ("maybe forty", None),
        ("yes", None),
        ("why did they quote so much?", None),
        ("no", None),
        ("", None),
        ("sorting tickets", None),
        ("go back to the vendor and ask", None),
    ],
)
def test_read_intent(text, intent):
    assert read_intent(text) == intent


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what's LoRA?", True),
        ("explain RAG", True),
        ("what does overfitting mean", True),
        ("how much does hosting cost?", True),
        ("what is fine-tuning", True),
        ("how many examples do I need?", True),
        ("is it worth it?", True),
        ("tell me about tokens", True),
        ("I don't understand what LoRA is", True),
        ("LoRA?", True),
        ("rag meaning", True),
        ("why would they fine-tune rather than use RAG?", True),
        ("maybe forty", False),
        ("yes", False),
        ("sorting tickets", False),
        ("should be fine", False),
        ("about 40?", False),
        ("they said 500 examples", False),
        ("why?", False),
        ("help", False),
        ("", False),
        ("RAG", False),
    ],
)
def test_looks_like_question(text, expected):
    assert looks_like_question(text) is expected


# --- properties ------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_any_integer_with_thousands_separators_reads_back(n):
    assert read_number(f"{n:,}") == n
    assert read_number(f"about {n:,}") == n
    assert read_money(f"£{n:,}") == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999_999), st.sampled_from([("and", "-"), ("", " "), ("and", " ")]))
def test_any_integer_in_words_reads_back(n, style):
    text = words(n, *style)
    assert read_number(text) == n, text
    assert read_number(f"maybe {text}") == n, text


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_k_suffix_reads_back(thousands):
    assert read_number(f"{thousands}k") == thousands * 1000
    assert read_money(f"£{thousands}k") == thousands * 1000


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**7))
def test_weekly_volume_property(n):
    reading = read_answer("monthly_volume", f"{n:,} a week")
    assert reading.status == "ok" and reading.value == round(n * 52 / 12 + 1e-9)
    assert f"({n:,} a week)" in reading.echo or (n * 52 % 12 == 0 and reading.echo.endswith("."))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_count_echo_uses_thousands_separators(n):
    reading = read_answer("clean_examples", f"{n}")
    assert reading.value == n
    assert (f"{n:,}" in reading.echo) or n == 0


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([f.name for f in FIELDS]), st.text(max_size=200))
def test_read_answer_never_raises(field, text):
    reading = read_answer(field, text)
    assert reading.status in ("ok", "skip", "unreadable", "clarify")
    if reading.status == "ok":
        spec = FIELD_BY_NAME[field]
        if spec.kind == "choice":
            assert reading.value in spec.choice_values()
        elif spec.kind in ("count", "volume"):
            assert isinstance(reading.value, int) and reading.value >= 0
        elif spec.kind == "money":
            assert isinstance(reading.value, float) and reading.value >= 0
    else:
        assert reading.value is None
    if reading.status == "unreadable":
        assert reading.hint


_WORDY = st.lists(
    st.sampled_from(
        [
            "about",
            "maybe",
            "£",
            "k",
            "a",
            "week",
            "month",
            "not",
            "-",
            ",",
            "1",
            "200",
            "3,000",
            "twelve",
            "hundred",
            "thousand",
            "and",
            "between",
            "to",
            "or",
            "yes",
            "no",
            "sure",
            "actually",
            "examples",
            "quote",
            "task",
            "change",
            "≈",
            "1.5",
            "m",
            "?",
            "why",
            " ",
        ]
    ),
    max_size=12,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=300), _WORDY))
def test_readers_never_raise(text):
    for number in (read_number(text), read_money(text), read_monthly(text)):
        assert number is None or isinstance(number, float)
    assert read_intent(text) in (None, "restart", "back", "why", "skip", "help")
    assert isinstance(looks_like_question(text), bool)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([f.name for f in FIELDS]), _WORDY)
def test_read_answer_never_raises_on_wordy_input(field, text):
    assert read_answer(field, text).status in ("ok", "skip", "unreadable", "clarify")


# --- figures as the fourth blind set wrote them ------------------------------------------------------------------
@pytest.mark.parametrize(
    "field, text, value, echo",
    [
        ("clean_examples", "somewhere between five hundred and a thousand", 750, "(I read that as 500 to 1,000)"),
        ("monthly_volume", "each month we have more or less 1 thousand and half requests", 1500, "about 1,500 a month"),
        ("clean_examples", "abuot 2oo", 200, "about 200 clean examples"),
        ("clean_examples", "2,000 reports on file, though only a tenth are ones I'd be proud of", 200, "about 200"),
        ("clean_examples", "there's 120 but only a quarter have the right answer filled in", 30, "about 30"),
        ("clean_examples", "we've got the 2 page summaries for every job since 2019, about 900 of them", 900, "about 900"),
        ("clean_examples", "We've been open 8 years and have 3 vets, we've got about 250 consult notes", 250, "about 250"),
        ("monthly_volume", "not many, under a hundred, maybe 70", 70, "about 70 a month"),
        ("clean_examples", "not many, fewer than 20, about 15", 15, "about 15"),
        ("monthly_volume", "well over a thousand, probably 1,500", 1500, "about 1,500 a month"),
        ("monthly_volume", "I guess like 4,000 a month? for sure more than 3k", 4000, "about 4,000 a month"),
    ],
)
def test_fractions_ranges_slips_and_bounds_read_to_one_figure(field, text, value, echo):
    reading = read_answer(field, text)
    assert reading.status == "ok" and reading.value == value and echo in reading.echo, reading


@pytest.mark.parametrize(
    "text",
    [
        "Every job since we started, and it's about 1,000 a month for 2 years, but none of them are tidied up",
        "someone would have to dig them out, no one keeps them labelled, so none today",
        "non really",
    ],
)
def test_none_usable_beside_other_figures_is_no_clean_examples(text):
    reading = read_answer("clean_examples", text)
    assert (reading.status, reading.value, reading.echo) == ("ok", 0, "Got it: no clean examples yet.")
    assert read_answer("clean_examples", "none are labelled but 200 are clean").value == 200  # a marked figure wins


def test_a_quote_not_given_yet_is_left_open():
    assert read_answer("quote", "They haven't given us a number").status == "skip"
