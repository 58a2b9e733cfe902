"""Corrections to an earlier answer: "no sorry, more like fifty", "wait, I meant 5,000 a month", "the quote is £14,250".

A correction says so, or names the answer it changes with a figure; either way it must read as an answer to that
question. A number or the word "example" in passing is no correction.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .choices import cue_hits
from .facts import FIELD_BY_NAME, FIELDS
from .figures import normalise
from .intents import changed_mind, is_correction, is_strong_correction, looks_like_question, strip_correction
from .money import format_money, read_price
from .number_words import words_to_digits
from .readers import SOMETHING_ELSE, Reading, _currency_named, _options, clarify_choices, read_answer


def _digits(t: str) -> str:
    return words_to_digits(t)


def _search(pattern: str, text: str) -> bool:
    return bool(re.search(pattern, text.lower()))


def find_correction(session: Any, text: str) -> tuple[str, Reading] | None:
    """A change to an earlier answer. It says so ("no sorry", "I meant") or names that answer with a figure
    ("the quote is £14,250"), and it reads as an answer to that question."""
    after_verdict = session.awaiting is None
    if session.awaiting == "pitch" or looks_like_question(text):
        return None
    fee = session.facts.get("monthly_fee")
    if fee is not None and _NO_FEE.search(normalise(text)):  # "there's no monthly fee": the one noted goes
        shown = format_money(fee, session.facts.get("currency"))
        echo = f"Changed: no monthly fee (it was {shown} a month)."
        return "quote", Reading("ok", session.facts.get("quote"), echo=echo, facts={"monthly_fee": None})
    said = normalise(text)
    fee_said = _monthly_fee(session, said)
    if fee_said is not None:
        return "quote", fee_said
    last = changed_mind(said)
    if (
        last
        and session.awaiting
        and all(read_answer(session.awaiting, part).status in ("ok", "clarify") for part in (said[: len(said) - len(last)], last))
    ):
        return None  # "about twelve a month, no wait more like 50": the answer on screen, changed within the message
    cue = is_correction(text)
    t = text.lower()
    named = [
        f.name for f in FIELDS if f.names and f.name != session.awaiting and f.name in session.asked and _search(f.names, text)
    ]
    if (
        (session.awaiting or "").startswith("vendor_")
        and _VENDOR_SAID.search(t)
        and not is_strong_correction(text)
        and not any(n.startswith("vendor_") for n in named)
    ):
        return None  # "they said they'd use RAG instead, so yes": what the vendor answered, the question on screen
    if re.search(r"\bthey\b|\bthem\b|\bvendor\b", t):  # "they said 1,000": the vendor's answer, not the owner's count
        named.sort(key=lambda n: not n.startswith("vendor_"))
    if not cue and not after_verdict:
        # Unprompted, only a price that names itself ("the quote is £14,250") is taken as a change.
        named = [
            n
            for n in named
            if (FIELD_BY_NAME[n].kind == "money" and re.search(r"\bquot(?:e|ed|ing)\b", t))
            # at a later vendor question, the figure they gave is the answer to the examples one ("1,500 examples")
            or (n == "vendor_examples" and session.awaiting == "vendor_shortfall" and not _MORE_OF_THEM.search(t))
        ]
        offhand = re.search(r"\bfor (?:example|instance)\b|\be\.?g\b|\bsuch as\b", t)
        if not named or offhand or not re.search(r"\d|[£$€]", _digits(t)):
            return None
    recent = list(dict.fromkeys(h[0] for h in reversed(session.history) if h[0] not in ("pitch", session.awaiting)))[:3]
    targets = named[:2] or (recent if cue and not after_verdict else [])
    if cue and recent and re.search(r"\b(?:the|that|my) (?:last|previous) (?:one|question|answer|reply)\b", t):
        targets = recent[:1]  # "oops, the last one is yes": the answer just given, whatever else the words name
    inner = strip_correction(text)
    unchanged: str | None = None
    for name in targets:  # the most recent answer that the correction reads as
        reading = read_answer(name, inner, session.context())
        if reading.status != "ok":
            alt = restated(session, name, inner)
            reading = alt if alt.status in ("ok", "clarify") else reading
        # A change that says so but reads two ways is asked back at that question ("fine-tuning it AND docs to search").
        unsure = reading.status == "clarify" and cue and (named or is_strong_correction(text))
        if reading.status != "ok" and not unsure:
            continue
        if reading.status == "ok" and cue and reading.value == session.facts.get(name) and not reading.facts:
            unchanged = unchanged or name  # "I said prompts but they are training it" read as what it already was
            continue
        if session.awaiting and (not cue or (not named and not is_strong_correction(text))):
            current = read_answer(session.awaiting, text, session.context())
            answers_current = current.status == "ok" or (current.status == "clarify" and not named and not current.weak)
            if answers_current and not (cue and _on_topic_of(name, session.awaiting, inner, text)):
                return None  # it answers the question on screen as well: take it as that answer
        audited = session.extra.get("audited_clean")
        # The file's own count, not the owner's, is asked about rather than replaced.
        from_file = audited is not None and session.facts.get("clean_examples") == audited
        if name == "clean_examples" and reading.status == "ok" and from_file and reading.value != audited:
            reading = _options(
                f"The audit counted {audited:,} clean examples in your file. Go by {reading.value:,} instead?",
                FIELD_BY_NAME[name],
                (int(reading.value), int(audited)),
            )
        if reading.status == "clarify" and name != session.awaiting:  # asked at an earlier question: say which one
            reading = replace(reading, hint=f"About the earlier question ({FIELD_BY_NAME[name].short}): {reading.hint}")
        return name, reading
    if unchanged is not None:
        return unchanged, _ask_instead(session, unchanged, normalise(text))
    return None


def _ask_instead(session: Any, name: str, t: str) -> Reading:
    """A correction that reads as the answer already held: which it should be is asked at that question ("those 200
    are across both shops ... so half that" offers 100)."""
    spec = FIELD_BY_NAME[name]
    value = session.facts.get(name)
    held = session.describe(name, value)
    question = f"About the earlier question ({spec.short}): I still have {held}. What should it be instead?"
    if spec.choices:
        others = tuple(v for v in spec.choice_values() if v != value)
        return clarify_choices(spec, others, question)
    share = _SHARE_OF_THAT.search(t)
    if share and isinstance(value, int | float) and spec.kind in ("count", "volume"):
        n = round(value * _SHARES[share[1]])
        return _options(f"About the earlier question ({spec.short}): so about {n:,} instead of {held}?", spec, (n,))
    return Reading("clarify", hint=question, options=(SOMETHING_ELSE,))


_SHARES = {"half": 0.5, "double": 2.0, "twice": 2.0, "a third of": 1 / 3, "a quarter of": 0.25}
_SHARE_OF_THAT = re.compile(r"\b(half|double|twice|a third of|a quarter of) (?:of )?(?:that|it|those|them)\b")


_NO_FEE = re.compile(
    r"\b(?:no|without (?:a|any)|there'?s no|isn'?t (?:a|any)|not (?:a|any)) (?:monthly|ongoing|hosting|running|recurring|"
    r"subscription|maintenance|support) (?:fee|charge|cost|payment)s?\b|\bno (?:fee|charge|cost) (?:a|per|each) month\b|"
    r"\b(?:nothing|zero|£0|\$0|€0) (?:a|per) month\b|\bno subscription\b|\bjust the one(?:-| )off\b"
)
# "oh and it's £500 a month after that", "the monthly fee is £300": a running fee told at another question.
_FEE_WORDS = re.compile(r"\b(?:a|per|each|every) month\b|\bmonthly\b|\bpcm\b|/\s?(?:month|mo)\b")
_MONEY_SAID = re.compile(r"[£$€]\s?\d|\d\s?(?:pounds|dollars|euros|quid|bucks)\b")
# The vendor's fee, not what the owner pays for a chat tool ("we pay £20 a month for ChatGPT Plus").
_THEIR_FEE = re.compile(
    r"\b(?:they|vendor|agency|supplier|their)\b[^.;]{0,40}\b(?:fee|charges?|charging|retainer|subscription|bill\w*|want)\b|"
    r"\b(?:their|the vendor'?s|the agency'?s) (?:monthly |ongoing |running |support |hosting )?(?:fee|charge|retainer|subscription)\b|"
    r"\bthe (?:monthly|ongoing|running|support|hosting) (?:fee|charge|retainer|subscription)\b|"
    r"^(?:oh,? )?and (?:it'?s|its|then)\b"
)
_OWN_TOOL = re.compile(
    r"\b(?:chat ?gpt|copilot|gemini|claude|we pay|i pay|we spent|i spent|sav(?:e|es|ed|ing)|cost us|wages?|salar\w*|"
    r"accountant|staff|tried)\b"
)


def _monthly_fee(session: Any, t: str) -> Reading | None:
    """A monthly fee stated at a question that counts no money (a price per month is no count of anything)."""
    awaiting = session.awaiting
    if awaiting in (None, "pitch", "quote", "monthly_volume") or "quote" not in session.asked:
        return None
    if not (_FEE_WORDS.search(t) and _MONEY_SAID.search(t) and _THEIR_FEE.search(t)) or _OWN_TOOL.search(t):
        return None
    if read_answer(awaiting, t, session.context()).status == "ok":
        return None  # "about 300, and they charge £200 a month": the answer to the question on screen comes first
    currency = session.facts.get("currency") or _currency_named(t) or "GBP"
    price = read_price(t, currency)
    named = re.search(r"\bmonthly (?:fee|charge|cost|subscription|payment)\b", t)
    if price is None or not price.amount or (price.period != "month" and not (named and price.period in (None, "one_off"))):
        return None
    shown = format_money(price.amount, price.currency)
    before = session.facts.get("monthly_fee")
    was = f" (it was {format_money(before, session.facts.get('currency'))})" if before not in (None, price.amount) else ""
    echo = f"Changed: a monthly fee of {shown} noted, on top of the one-off price{was} (the economics count it)."
    facts = (
        {"monthly_fee": price.amount}
        if session.facts.get("currency")
        else {"monthly_fee": price.amount, "currency": price.currency}
    )
    return Reading("ok", session.facts.get("quote"), echo=echo, facts=facts)


_PERIOD_SAID = re.compile(r"\b(?:for|per|a|an|each|every|by) (?:the |a )?(day|week|fortnight|month|quarter|year)\b")
# "they'd generate 1,000 more examples": what they would do about too few, the question on screen, not how many they
# need; "we've only got 40 examples": the owner's count.
_MORE_OF_THEM = re.compile(
    r"\b(?:more|extra|additional|synthetic|generat\w*|mak(?:e|es|ing)|made|top(?:ping)? up|elsewhere|buy|writ(?:e|ing)|"
    r"creat\w*|augment\w*)\b"
    r"|\b(?:we|i|our)\b[^.;]{0,25}\d[\d,]* examples\b"  # "we've only got 40 examples": the owner's own, not theirs
)
_VENDOR_SAID = re.compile(r"\bthey (?:said|say|says|told|will|would|'?ll|'?d|offered|promised|explained)\b")


def _on_topic_of(name: str, awaiting: str, inner: str, text: str) -> bool:
    """ "hang on, the quotes do use our current rates, so yes": a change that speaks of the earlier question's matter
    and of nothing the question on screen asks about, beyond a yes or no."""
    earlier, current = FIELD_BY_NAME[name], FIELD_BY_NAME[awaiting]
    if earlier.kind != "choice" or current.kind != "choice":
        return False
    return bool(cue_hits(earlier, normalise(inner))) and not cue_hits(current, normalise(text))


def _currency_only(session: Any, text: str) -> Reading:
    """ "that quote was dollars not pounds": the same amount in another currency."""

    amount = session.facts.get("quote")
    first = re.split(r"\bnot\b|\brather than\b|\binstead of\b", text.lower())[0]
    currency = _currency_named(first)
    if amount is None or currency is None:
        return Reading("unreadable")
    return Reading("ok", amount, facts={"quote": amount, "currency": currency})


def restated(session: Any, name: str, text: str) -> Reading:
    """The earlier figure read again with words that only qualify it: "that was per week", "only about half of those
    are labelled properly", "it was dollars, not pounds"."""
    if name == "quote":
        return _currency_only(session, text)
    value = session.facts.get(name)
    if FIELD_BY_NAME[name].kind not in ("count", "volume") or value is None:
        return Reading("unreadable")
    text = re.sub(rf"(?<![\d.,]){value:g}(?![\d.,])", "", _digits(text.lower()))  # "that 150 was per week": the same figure
    if re.search(r"\d", text):
        return Reading("unreadable")
    periods = [m[1] for m in _PERIOD_SAID.finditer(text) if not re.search(r"\bnot\s*$", text[: m.start()])]
    said = f"a {periods[0]}" if periods and periods[0] != "month" else text  # "the monthly figure I gave was for the year"
    reading = read_answer(name, f"{value:g} {said}", session.context())
    changed = reading.status == "clarify" or (reading.status == "ok" and reading.value != value)
    return reading if changed else Reading("unreadable")
