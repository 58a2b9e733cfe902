"""Reading one answer to one interview question: a value, a skip, a clarifying question, or a friendly re-ask.

The work is done over the field table in chains/facts.py by chains/figures.py (numbers and money),
chains/polarity.py (yes, no, hedges and negation), chains/choices.py (choices) and chains/intents.py (commands,
questions and corrections). Unsure means ask: a range that straddles a rule's threshold, two readings that disagree
or a weak nearest-neighbour match comes back as `clarify` with the likeliest readings as options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from chains.choices import Embed, labels, mechanism_of, read_choice, task_of
from chains.count_words import (
    EXAMPLE_NOUN,
    FUTURE,
    NO_AVERAGE,
    NONE_USABLE,
    PAIRED_UP,
    RAW_ITEMS,
    TIME_NOUN,
    UNLABELLED,
    UNSIZED,
    WORKERS,
    counts_things,
    each_brings,
    hedged_near,
    months_kept,
    unit_count,
    unsized_monthly,
)
from chains.facts import FIELD_BY_NAME, Field
from chains.figures import (
    ATTRIBUTIVE,
    MAX_CHARS,
    SOUNDS_LIKE,
    Amount,
    amounts,
    days_said,
    every_day,
    format_figure,
    inside_bounds,
    is_zero,
    normalise,
    pick,
    read_monthly,
    read_number,
    round_half_up,
)
from chains.intents import Intent, changed_mind, looks_like_question, read_intent
from chains.money import currency_carried, foreign_currency, format_money, money_of, price_doubt, rate_doubt, scale_doubt
from chains.money import currency_named as _currency_named
from chains.money import price_slip as _price_slip
from chains.phrasings import (
    ASKS_WHICH,
    DONT_KNOW,
    EACH_MANY,
    EVERY_DAY,
    HIGHER_END,
    LOWER_END,
    STOCK,
    VENDOR_FIGURE,
    WORKING_DAYS,
)
from chains.polarity import negated
from chains.shares import less_bad, usable_share

__all__ = [
    "Amount",
    "Intent",
    "Reading",
    "amounts",
    "looks_like_question",
    "mechanism_of",
    "negated",
    "normalise",
    "read_answer",
    "read_intent",
    "read_money",
    "read_monthly",
    "read_number",
    "read_value",
    "task_of",
]

SOMETHING_ELSE = {"value": "something else", "label": "Something else"}


@dataclass(frozen=True)
class Reading:
    """What one answer said."""

    status: Literal["ok", "skip", "unreadable", "clarify"]
    value: Any = None
    echo: str = ""
    hint: str = ""  # for unreadable: how to answer; for clarify: the clarifying question
    options: tuple[dict[str, str], ...] = ()  # for clarify: the likeliest readings as {"value", "label"}
    facts: dict[str, Any] = field(default_factory=dict)  # facts that go with the value (a quote's currency)
    weak: bool = False  # for clarify: read only from nearest phrasings or a yes or no in passing


@dataclass(frozen=True)
class Context:
    """What a reading may depend on beyond the words: the rules' thresholds, the embedder, the quote's currency."""

    min_examples: int = 100
    min_volume: int = 1000
    currency: str | None = None
    embed: Embed | None = None
    picked: bool = False  # the text is a choice's value sent by its button, not typed


_SKIP_WORDS = re.compile(
    r"^(?:skip|pass|next|skip (?:this|it|that)(?: one| question)?|(?:i'?d )?rather not say|prefer not to say)$"
)
_MALFORMED = re.compile(r"(?<!\.\d\d)\d,\d{1,2}(?!\d)|\d,\d{4,}|\d\.\d{3}\.\d(?!\d{2}(?:,\d{2})?\s?(?:€|eur))")
_SKIPPED = Reading("skip", None, "No problem, we can leave that one for now.")


def _simple(t: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def read_answer(field_name: str, text: str, context: Context | None = None) -> Reading:
    """The owner's answer to one interview question, read by the field's kind."""
    spec = FIELD_BY_NAME.get(field_name) if isinstance(field_name, str) else None
    if spec is None:
        return Reading("unreadable", hint="That question isn't one I know.")
    ctx = context or Context()
    t = normalise(text)
    if not t:
        return Reading("unreadable", hint=spec.hint)
    if spec.kind != "text" and ASKS_WHICH.search(t):  # "do you mean customers or orders? we've 200 regulars"
        return Reading("unreadable", hint=f"Whichever the model would work on. {spec.hint}")
    if spec.kind == "text":
        if _SKIP_WORDS.match(_simple(t)):
            return _SKIPPED
        return Reading("ok", text.strip()[:MAX_CHARS], "Got it: the vendor's pitch.")
    read = {"choice": _read_choice, "money": _read_money}.get(spec.kind, _read_count)
    last = changed_mind(t)
    last = currency_carried(last, t) if last and spec.kind == "money" else last
    if last:  # "€5,000, no hang on, 5,500... actually it's 5,800": the owner's last word in the message governs
        reading = read(spec, last, ctx)
        if reading.status in ("ok", "clarify"):
            return reading
    return read(spec, t, ctx)


def read_value(field_name: str, text: str) -> Any:
    """The value a click on an offered choice sets (for money, the facts it sets), or None."""
    reading = read_answer(field_name, text, Context(picked=True))
    if reading.status != "ok":
        return None
    return reading.facts if reading.facts else reading.value


def read_money(text: str) -> float | None:
    """An amount as a plain number, in whatever currency it is written: "£18,000", "18k", "$25k + VAT" -> 18000."""
    best = pick(amounts(text), lambda a: a.currency is not None, lambda a: a.period is None)
    return float(best.raw) if best is not None else None


# --- choices -------------------------------------------------------------------------------------------------------


def _ok_choice(spec: Field, value: str) -> Reading:
    return Reading("ok", value, f"Got it: {spec.echo_of(value)}.")


def _choice_hint(spec: Field) -> str:
    return f"I couldn't match that to one of the answers below: pick one, or say it another way. {spec.hint}"


def clarify_choices(spec: Field, likely: tuple[str, ...], question: str | None = None, weak: bool = False) -> Reading:
    """The likeliest readings first, with "Not sure" after them at a yes-or-no question."""
    unsure = ("unsure",) if {"yes", "unsure"} <= set(spec.choice_values()) and len(likely) < 3 else ()
    shown = tuple(dict.fromkeys((*likely, *unsure)))
    options = tuple(labels(spec, shown)) + (SOMETHING_ELSE,)
    # the field's question is said again: on a phone the choices may be all that shows of this turn
    ask = question or f"Just to be sure I have that right: {spec.question[0].lower()}{spec.question[1:]}"
    return Reading("clarify", hint=ask, options=options, weak=weak)


def _read_choice(spec: Field, t: str, ctx: Context) -> Reading:
    reading = read_choice(spec, t, ctx.embed, picked=ctx.picked)
    if reading.value in spec.choice_values():
        return _ok_choice(spec, reading.value)
    if _SKIP_WORDS.match(_simple(t)) or (not reading.likely and DONT_KNOW.search(t) and "unsure" not in spec.choice_values()):
        return _SKIPPED
    if reading.likely:
        return clarify_choices(spec, reading.likely, weak=reading.via in ("neighbour", "anywhere"))
    return Reading("unreadable", hint=_choice_hint(spec))


# --- counts and volumes --------------------------------------------------------------------------------------------

_NUMBER_HINT = {"count": 'I couldn\'t read a number there. Try "about 40" or "2,000".',
                "volume": 'I couldn\'t read a number there. Try "about twelve a month", "300 a week" or "5k".',
                "money": 'I couldn\'t read an amount there. Try "£18,000", "$25k" or "eighteen thousand". Say "don\'t know" to skip.'}  # fmt: skip


def _count_option(value: int, kind: str) -> dict[str, str]:
    what = f"About {value:,} a month" if kind == "volume" else f"About {value:,}"
    return {"value": str(value), "label": what}


def _read_count(spec: Field, t: str, ctx: Context) -> Reading:
    if _MALFORMED.search(t):
        return Reading("unreadable", hint='I couldn\'t tell which figure that is. Could you write it out, for example "1,000"?')
    slip = SOUNDS_LIKE.search(t)
    if slip:  # "about to hundred": two hundred, or a hundred?
        scale = 100 if slip["scale"] == "hundred" else 1000
        meant = (2 if slip["to"] else 4) * scale
        return _options(f"Did you mean {meant:,} or {scale:,}?", spec, (meant, scale))
    found = inside_bounds([a for a in amounts(t) if a.currency is None and not ATTRIBUTIVE.match(a.after)])
    theirs = [a for a in found if spec.kind == "count" and VENDOR_FIGURE.search(t[max(0, a.start - 40) : a.start])]
    if theirs and len(theirs) == len(found):  # "they said they need 500": the vendor's figure, not the owner's
        theirs_q = f"Is {format_figure(theirs[-1].raw)} how many you have, or how many the vendor said they need?"
        return _options(theirs_q, spec, (round_half_up(theirs[-1].raw),))
    found = [a for a in found if a not in theirs]
    if spec.kind == "volume":
        # "120 a school term, three terms a year": the figure per term is the one to go on, the other sizes the term
        best = next((a for a in found if UNSIZED.match(a.after)), None) or pick(found, lambda a: a.period is not None)
    else:
        best = pick(
            [a for a in found if not TIME_NOUN.match(a.after)] or found, lambda a: EXAMPLE_NOUN.match(a.after) is not None
        )
    if best is None:
        if is_zero(t) or NONE_USABLE.search(t) or (spec.kind == "count" and UNLABELLED.search(t)):
            return Reading("ok", 0, "Got it: no clean examples yet." if spec.kind == "count" else "Got it: none a month.")
        if DONT_KNOW.search(t) or _SKIP_WORDS.match(_simple(t)):
            return _SKIPPED
        if many := re.search(r"\b(hundreds|thousands)\b(?! of thousands)", t):  # "every invoice since 2019, so thousands"
            return _options("Roughly how many is that?", spec, (200, 500) if many[1] == "hundreds" else (1000, 5000))
        return Reading("unreadable", hint=_NUMBER_HINT[spec.kind])
    if spec.kind == "count" and NONE_USABLE.search(t) and not any(EXAMPLE_NOUN.match(a.after) for a in found):
        return Reading("ok", 0, "Got it: no clean examples yet.")  # "1,000 a month for 2 years, but none are tidied up"
    if best.raw < 0:
        return Reading("unreadable", hint="That needs to be zero or more. " + _NUMBER_HINT[spec.kind].split(". ", 1)[1])
    if spec.kind == "volume" and NO_AVERAGE.search(t):  # "300 in spring, nearly none in winter, I don't know the average"
        return _options("Over a whole year, about how many is that a month?", spec, (round_half_up(best.value),))
    if spec.kind == "volume" and best.period is None and STOCK.search(t):
        stock = f"Is {format_figure(best.raw)} how many come in a month, or how many you have kept so far?"
        return _options(stock, spec, (round_half_up(best.value),))
    if re.match(r"\s*grand\b", t[best.end :]):  # "probably 5 grand a month": thousands, or a price?
        n = round_half_up(best.value if spec.kind == "volume" else best.raw)
        return _options(f"Do you mean about {n:,}{' a month' if spec.kind == 'volume' else ''}, or is that a price?", spec, (n,))
    if re.match(r"\s*(?:quid|pounds?|dollars?|bucks|euros?)\b", t[best.end :]):
        return Reading("unreadable", hint="That sounds like a price. " + _NUMBER_HINT[spec.kind].split(". ", 1)[1])
    doubt = _doubtful_count(spec, found, best, t)
    if doubt is not None:
        return doubt
    units = unit_count(found, best, t)
    factor = units.raw if units is not None else Decimal(1)
    if spec.kind == "volume":
        best = days_said(best, t)
        low, high = (best.value, best.value) if every_day(best, t) else best.monthly_range()
        value, threshold = best.value, ctx.min_volume
        share = usable_share(t, best.end, best.start)
        if share is not None:
            low, high, value = low * share, high * share, value * share
    else:
        low = best.low if best.low is not None else best.raw
        high = best.high if best.high is not None else best.raw
        value, threshold = best.raw, ctx.min_examples
        share = usable_share(t, best.end, best.start)
        if share is not None:
            low, high, value = low * share, high * share, value * share
    low, high, value = low * factor, high * factor, value * factor
    lo, hi = round_half_up(Decimal(low)), round_half_up(Decimal(high))
    if lo < threshold <= hi:
        return _straddles(spec, best, lo, hi)
    from chains.number_words import words_to_digits

    if hedged_near(best, words_to_digits(t), threshold, Decimal(value)):
        near = round_half_up(Decimal(value))
        other = threshold - 1 if near >= threshold else threshold
        return Reading(
            "clarify",
            hint=f"Is that a little under {threshold:,} or a little over?",
            options=(
                *sorted(
                    (
                        _count_option(near, spec.kind) | {"label": f"{_count_option(near, spec.kind)['label']}, as I read it"},
                        _count_option(other, spec.kind)
                        | {"label": f"Under {threshold:,}" if other < threshold else f"{threshold:,} or more"},
                    ),
                    key=lambda o: int(o["value"]),
                ),
                SOMETHING_ELSE,
            ),
        )
    number = round_half_up(Decimal(value))
    return Reading("ok", number, _count_echo(spec, number, best, lo, hi, factor))


def _doubtful_count(spec: Field, found: list[Amount], best: Amount, t: str) -> Reading | None:
    """A figure that may not be the one asked for is asked back: a head count or examples at the volume question, a
    rate, a hope or items nobody labelled at the count question, or two figures that disagree."""
    figure = format_figure(best.raw)
    if spec.kind == "volume" and best.period is None and WORKERS.match(best.after):
        return Reading(
            "unreadable",
            hint=f"Is {figure} the number of people or places doing the work? "
            'About how many items do they handle a month, for example "300 a month"?',
        )
    if spec.kind == "volume" and best.period is None and re.match(r"\s*(?:\w+\s+)?(?:labell?ed|clean|examples?)\b", best.after):
        return Reading(
            "unreadable",
            hint=f"Is {figure} how many examples you have? This question is how many of these "
            'the business handles a month, for example "300 a month".',
        )
    if spec.kind == "count" and not EXAMPLE_NOUN.match(best.after):
        if best.period is not None:
            months = months_kept(t)
            if months:  # "we write 10 a week and keep them all, been doing it about a year"
                total = round_half_up(Decimal(best.value) * Decimal(months))
                return _options(f"So about {total:,} in all ({figure} a {best.period}, kept that long)?", spec, (total,))
            return Reading(
                "unreadable",
                hint=f"That sounds like a rate ({figure} a {best.period}). How many clean "
                "examples could you hand over today, in all?",
            )
        if UNLABELLED.search(t):
            return _options("Are any of them labelled with the right output yet?", spec, (0, round_half_up(best.raw)))
        raw = RAW_ITEMS.match(best.after) if usable_share(t, best.end, best.start) is None else None
        if raw and not PAIRED_UP.search(t):  # "loads, like 2000 old emails": kept, but are they examples yet?
            ready = f"Are those {figure} {raw['noun']} paired with the output you'd want, or not matched up yet?"
            return _options(ready, spec, (round_half_up(best.raw), 0))
    if spec.kind == "count" and FUTURE.search(t[max(0, best.start - 40) : best.end + 40]):
        return _options(f"Do you have {figure} today, or is that how many you could make?", spec, (0, round_half_up(best.raw)))
    unsized = UNSIZED.match(best.after) if spec.kind == "volume" and best.period is None else None
    if unsized:  # "120 a school term": how long a term is, only the owner knows
        monthly = unsized_monthly(Decimal(best.raw), unsized[1], t)
        per = f"{'an' if unsized[1] == 'hour' else 'a'} {unsized[1]}"
        if monthly is not None:
            return _options(f"So about {monthly:,} a month ({figure} {per})?", spec, (monthly,))
        return Reading("unreadable", hint=f"That's {figure} {per}: about how many is that a month?")
    if spec.kind == "volume" and best.period is not None and EACH_MANY.search(best.after):
        many = f"Each of those {figure} a {best.period} brings several items: about how many items is that a month in all?"
        return _options(many, spec, (round_half_up(best.value),))
    firm = [a for a in found if not a.vague and not WORKERS.match(a.after) and (a.period or not TIME_NOUN.match(a.after))]
    if spec.kind == "volume":
        rate = best.value / best.raw if best.raw else Decimal(1)  # a bare figure after "2000 a month" is per month too
        values = [round_half_up(days_said(a, t).value if a.period else a.raw * rate) for a in firm]
    else:
        marked = bool(EXAMPLE_NOUN.match(best.after))  # "40 are clean" outranks figures that name no examples
        values = [
            round_half_up(a.raw) for a in firm if a is best or (not a.period and (EXAMPLE_NOUN.match(a.after) or not marked))
        ]
    if len(set(values)) > 1 and not usable_share(t, best.end, best.start) and unit_count(found, best, t) is None:
        if spec.kind == "count" and len(firm) == 2 and (bad := less_bad(*firm)):  # "2,000 but 500 of them are rubbish"
            n = round_half_up(firm[0].raw - firm[1].raw)
            return Reading("ok", n, f"Got it: about {n:,} clean examples ({values[0]:,} less the {values[1]:,} that are {bad}).")
        each = each_brings(firm, best, t)
        if spec.kind == "volume" and each is not None:  # "25 weddings a year, each one means 80 emails"
            both = round_half_up(best.value * each.raw)
            question = f"So about {both:,} a month in all ({figure} a {best.period}, {format_figure(each.raw)} each)?"
            return _options(question, spec, (both, round_half_up(best.value)))
        distinct = tuple(dict.fromkeys(values))
        if len(distinct) == 2 and _JOINED.search(t):  # "I have 40 and my colleague has 60": one, the other, or both
            question = "I read two figures there. Which is the one to go on, or is it both together?"
            return _options(question, spec, (*distinct, sum(distinct)))
        return _options("I read two figures there. Which is the one to go on?", spec, distinct[:3])
    return None


# Two figures for two holders or places: "I have 40 and my colleague has 60", "40 in one shop and 60 in the other".
_JOINED = re.compile(
    r"\b(?:i|we) (?:have|'ve got|got|do)\b[^.;]{0,25}\band (?:my|our|the) \w+ (?:has|have|does|do)\b|"
    r"\bin (?:one|the first) \w+ and\b[^.;]{0,15}\b(?:in )?the other\b|\b(?:plus|and another|and a further)\b"
)


def _options(question: str, spec: Field, values: tuple[int, ...]) -> Reading:
    options = tuple(
        {"value": str(v), "label": "None yet" if v == 0 and spec.kind == "count" else _count_option(v, spec.kind)["label"]}
        for v in values
    )
    return Reading("clarify", hint=question, options=options + (SOMETHING_ELSE,))


def _straddles(spec: Field, best: Amount, lo: int, hi: int) -> Reading:
    """A range across a rule's line: the two ends are the readings, and the owner picks."""
    if spec.kind == "volume" and best.period == "day" and not best.is_range:
        question = (
            f"Is that {format_figure(best.raw)} on working days only (about {lo:,} a month), "
            f"or every day of the week (about {hi:,} a month)?"
        )
    else:
        question = f"That range crosses a line that matters for the verdict. Nearer {lo:,} or nearer {hi:,}?"
    middle = round_half_up(Decimal(best.value if spec.kind == "volume" else best.raw))
    values = (lo, middle, hi) if best.vague and lo < middle < hi else (lo, hi)
    options = [_count_option(v, spec.kind) for v in values]
    days = spec.kind == "volume" and best.period == "day" and not best.is_range
    options[0]["says"], options[-1]["says"] = (WORKING_DAYS, EVERY_DAY) if days else (LOWER_END, HIGHER_END)
    return Reading("clarify", hint=question, options=(*options, SOMETHING_ELSE))


def _count_echo(spec: Field, number: int, best: Amount, lo: int, hi: int, times: Decimal = Decimal(1)) -> str:
    if spec.kind == "volume":
        per = f" ({format_figure(best.raw)} a {best.period})" if best.period not in (None, "month") else ""
        if times != 1:  # "everyone does about 100 a month and there's 4 of us"
            per = f" ({format_figure(best.raw)} a {best.period or 'month'} each, times {format_figure(times)})"
        spread = f" (I read that as {lo:,} to {hi:,})" if best.is_range else ""
        return f"Got it: about {number:,} a month{per}{spread}."
    if number == 0:
        return "Got it: no clean examples yet."
    spread = f" (I read that as {lo:,} to {hi:,})" if lo != hi else ""
    return f"Got it: about {number:,} clean example{'s' if number != 1 else ''}{spread}."


# --- money ---------------------------------------------------------------------------------------------------------


def _same(values: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    return tuple({"value": v, "label": v} for v in values)


def _read_money(spec: Field, t: str, ctx: Context) -> Reading:
    if _MALFORMED.search(t):
        return Reading("unreadable", hint='I couldn\'t tell which figure that is. Could you write it out, for example "£10,000"?')
    slip = _price_slip(t)
    if slip:  # "two thousand for hundred pounds": 2,400, or 2,100?
        heard = [
            _read_money(spec, f"{t[: slip.start()]}{w} {t[slip.start('scale') :]}", ctx)
            for w in ("two" if slip["to"] else "four", "a")
        ]
        prices = tuple(dict.fromkeys(format_money(r.value, r.facts["currency"]) for r in heard if r.status == "ok"))
        if prices:
            return Reading("clarify", hint=f"Did you mean {' or '.join(prices)}?", options=(*_same(prices), SOMETHING_ELSE))
        if heard[0].status == "clarify":  # no currency said: which currency, for the likelier figure
            return heard[0]
    found = [
        a
        for a in amounts(t)
        if a.currency is not None or not (EXAMPLE_NOUN.match(a.after) or WORKERS.match(a.after) or counts_things(a.after))
    ]
    if found and foreign_currency(t):
        return Reading(
            "unreadable", hint="I can only work in pounds, US dollars or euros. Roughly what is the price in one of those?"
        )
    if not found:
        if DONT_KNOW.search(t) or _SKIP_WORDS.match(_simple(t)):
            return _SKIPPED
        return Reading("unreadable", hint=_NUMBER_HINT["money"])
    one_off = pick([a for a in found if a.period is None] or found, lambda a: a.currency is not None, lambda a: a.raw >= 100)
    assert one_off is not None
    if one_off.raw < 0:
        return Reading("unreadable", hint="A price needs to be zero or more. " + _NUMBER_HINT["money"].split(". ", 1)[1])
    if one_off.currency is None and not _currency_named(t) and usable_share(t, one_off.end, one_off.start) is not None:
        counted = "That sounds like a count, not a price. How much have they quoted? "  # "300, half of them are rubbish"
        return Reading("unreadable", hint=counted + _NUMBER_HINT["money"].split(". ", 1)[1])
    price = money_of(one_off, _currency_named(t) or ctx.currency or "GBP")
    recurring = [a for a in found if a.period is not None]
    rated = rate_doubt(t, price.currency)
    if rated is not None:  # "£250 a day for 20 days": is the whole price their product?
        return Reading("clarify", hint=rated[0], options=(*rated[1], SOMETHING_ELSE))
    if price.period == "month":
        return Reading(
            "unreadable",
            hint=f"That sounds like a running cost ({format_money(float(one_off.raw), price.currency)} a "
            f'{one_off.period}). What is the one-off price? For example "£18,000" or "$25k".',
        )
    if price.amount < 100 and not re.search(r"\d\s*(?:k|m|bn)\b", t):  # no quote for fine-tuning is under 100
        small, code = (
            round_half_up(one_off.raw),
            price.currency if (one_off.currency or _currency_named(t)) else (ctx.currency or "GBP"),
        )
        readings = _same((format_money(small, code), format_money(small * 1000, code)))
        return Reading("clarify", hint=f"Just {small:,}, or {small:,} thousand?", options=(*readings, SOMETHING_ELSE))
    doubt = scale_doubt(t, price) or price_doubt(found, one_off, price, t, ctx.currency)
    if doubt is not None:
        return Reading("clarify", hint=doubt[0], options=(*doubt[1], SOMETHING_ELSE))
    facts = {"quote": price.amount, "currency": price.currency, "quote_high": price.high}
    shown = format_money(price.amount, price.currency)
    if price.high is not None:
        shown = f"{shown} to {format_money(price.high, price.currency)} (I'll work from {shown}, the low end)"
    if price.vat:
        shown += " plus VAT"
    if recurring:
        fee = recurring[0]
        fee_text = f"{format_money(float(fee.raw), fee.currency or price.currency)} a {fee.period}"
        option = {
            "value": f"{format_money(price.amount, price.currency)} one-off",
            "label": f"{format_money(price.amount, price.currency)} one-off, with {fee_text} on top",
        }
        return Reading(
            "clarify",
            hint=f"I read {shown} up front and {fee_text} after that. Is the up-front figure the quote?",
            options=(option, SOMETHING_ELSE),
        )
    return Reading("ok", price.amount, f"Got it: a quote of {shown}.", facts=facts)
