"""Figures as owners write them: digits, number words and mixtures, ranges, rates, fractions and money.

text2num turns number words into digits (it is maintained and reads "one hundred and twenty" or "twelve hundred");
the patterns here fill its gaps: "ones" and "no one" are no figures, "two and a half thousand" is 2,500, "a couple
of dozen" is 24, "one or two hundred" is 100 to 200, and "40-odd" is 40 to 49. Every figure keeps its range, its
currency and its period, so a reader can tell "about 300" from "200 to 400" from "$300 a week".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from price_parser import Price

from .number_words import words_to_digits
from .phrasings import EVERY_DAY, WORKING_DAYS

MAX_CHARS = 20_000  # longer input is cut first so no pattern can take long
MAX_VALUE = Decimal(10) ** 12  # beyond this a figure is a typo, not a business quantity


@dataclass(frozen=True)
class Amount:
    """One figure found in text: its value (per month when a period is stated), its range, currency and period."""

    value: Decimal
    raw: Decimal  # the figure as written (a range's midpoint), before a period turns it monthly
    start: int
    end: int
    currency: str | None = None  # "GBP", "USD", "EUR" or None
    period: str | None = None  # "day", "working day", "week", "fortnight", "month", "quarter", "year" or None
    vague: bool = False  # from "a few hundred" and the like: used only when nothing firmer is said
    after: str = ""  # the words that follow, for telling "40 examples" from "3 staff"
    before: str = ""  # the words that lead up to it, for telling a price from a saving
    low: Decimal | None = None  # a range's ends as written ("200-300", "40-odd"); None for a single figure
    high: Decimal | None = None

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high

    def monthly_range(self) -> tuple[Decimal, Decimal]:
        """The range per month, widened for a plain "a day" to working days (22) up to every day (30)."""
        low = self.low if self.low is not None else self.raw
        high = self.high if self.high is not None else self.raw
        if self.period == "day":
            return low * 22, high * 30
        times, divided_by = _PER_MONTH.get(self.period or "month", (1, 1))
        return low * times / divided_by, high * times / divided_by


_TRANS = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " "}
)


# Figures as continental Europe and phone keyboards write them, put the way the patterns below read them:
# "2 400,00 €" (spaces group thousands, a comma before the cents), "1,2k" (a decimal comma before a scale), and the
# letter o typed for a zero inside a figure ("$3,2oo").
_SPACED_CENTS = re.compile(r"\b(\d{1,3}(?: \d{3})+),(\d{2})(?!\d)")
_COMMA_SCALE = re.compile(
    r"(?<!between )(?<!from )\b(\d{1,3}),(\d{1,2}(?=\s?(?:k|m|mil)\b)|\d(?=\s(?:thousand|million|grand)\b))"
)
_SPACED_EUROS = re.compile(r"\b\d{1,3}(?: \d{3})+(?=\s?(?:€|eur\b|euros?\b|k€))")  # "2 400 €"
_GERMAN_SCALE = re.compile(r"(?<=\d)\s?(tsd|mio)\b\.?")
_WORD_ODD = re.compile(r"\b([a-z]+ty|dozen|hundred|thousand)-odd\b")
_HYPHEN_CHAIN = re.compile(r"\b[a-z]+(?:-[a-z]+){2,}\b")
_GERMAN_UNIT = {"tag": "day", "woche": "week", "monat": "month", "quartal": "quarter", "jahr": "year"}
_GERMAN_PERIOD = re.compile(r"\b(?:pro|im|je) (tag|woche|monat|quartal|jahr)\b")
_LETTER_ZERO = re.compile(r"(?<=\d)o+(?![a-z\d])|(?<=\d,)o+(?![a-z\d])|(?<=\d)o+(?=,\d)")


_WEAK = re.compile(r"(?<=\d a )weak\b|(?<=\d per )weak\b")


def normalise(text: Any) -> str:
    """Lower-case, one kind of quote, dash and space; figures in the forms the patterns read."""
    if not isinstance(text, str):
        return ""
    t = re.sub(r"\s+", " ", text[:MAX_CHARS].translate(_TRANS).lower()).strip()
    t = _LETTER_ZERO.sub(lambda m: "0" * len(m[0]), t)
    t = _HYPHEN_CHAIN.sub(lambda m: m[0].replace("-", " "), t)  # "the searching-our-documents thing"
    t = _SPACED_CENTS.sub(lambda m: f"{m[1].replace(' ', '')}.{m[2]}", t)
    t = _SPACED_EUROS.sub(lambda m: m[0].replace(" ", ""), t)
    t = _GERMAN_SCALE.sub(lambda m: "k" if m[1] == "tsd" else "m", t)  # "2,5 Tsd.", "1,2 Mio."
    t = _GERMAN_PERIOD.sub(lambda m: "a " + _GERMAN_UNIT[m[1]], t)  # "pro Jahr", "im Monat"
    t = _WORD_ODD.sub(r"\1 odd", t)  # "sixty-odd" as "sixty odd", which the number words read
    t = _WEAK.sub("week", t)  # "300 a weak": a figure's period typed by sound
    return _COMMA_SCALE.sub(r"\1.\2", t)


# --- finding figures ---------------------------------------------------------------------------------------------

_SCALE = {"k": 1000, "m": 10**6, "bn": 10**9}
_NUM = re.compile(
    r"(?<![\w.,≈~])(?<![a-z]-)(?P<neg>-)?(?P<vague>≈)?"
    r"(?P<num>\d{1,3}(?:,\d{3}){1,4}(?:\.\d{1,6})?(?!\d|,\d)|\d{1,3}(?:\.\d{3})+(?:,\d{2})?(?=\s?(?:€|eur))|\d{1,3}(?: \d{3}){1,4}(?!\d|[.,]\d)|"
    r"\d{1,15}(?:\.\d{1,6})?(?!\d))"
    r"(?:~(?P<vlow>\d+)~(?P<vhigh>\d+))?"
    r"(?:\s?(?P<scale>k|m|bn)\b|ish\b|(?![a-z\d]))"
)
# Spans of time and percentages are not quantities: "40 examples from the last 2 years" means 40.
_NOT_QUANTITY = re.compile(
    r"\s?(?:(?:days?|weeks?|months?|years?|yrs?|hours?|hrs?|minutes?|mins?|seconds?|percent|per ?cent|"
    r"st|nd|rd|th|am|pm|x|-?stars?)\b|%| in \d(?! (?:shops?|stores?|branch(?:es)?|sites?|offices?|locations?|salons?|"
    r"clinics?|practices?|vans?|teams?|places?)\b))"
)  # "1 in 10" is a share, "40 in one shop" a count
_YEAR = re.compile(r"(?:19|20)\d\d")  # "since 2004": a year, not a quantity
_YEARS = re.compile(r"\s*(?:-|to|and|until|till)\s*(?:19|20)\d\d\b")  # "2019 to 2023": a span of years
_SINCE = re.compile(r"\b(?:since|in|from|back in|est\.?|established|founded|until|till|before|after|of)\s+$")
_DISMISSED = re.compile(r"(?:\bnot|\brather than|\binstead of|n't)\s+(?:about |around |even )?[£$€]?\s*$")
_RANGE_GAP = re.compile(r"\s*(?:-|to|or|up to|and up to|/)\s*[£$€]?\s*")
_ODD = re.compile(r"\s?-?\s?odd\b|\s?something\b|\+(?!\s*(?:vat|[£$€\d]))")
_CURRENCY_BEFORE = re.compile(r"(£|gbp|\$|usd|us\$|€|eur)\s*$")
_CURRENCY_AFTER = re.compile(r"\s*(?:k|m)?\s*(?:(pounds?|quid|gbp|sterling|dollars?|bucks|usd|euros?|eur)\b|(€|£|\$))")
_CURRENCY = {
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "sterling": "GBP",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
}
_ADJ = r"(?:(?:typical|normal|average|busy|quiet|good|calendar|single)\s+)?(?P<working>(?:working|business)\s+)?"
_PERIOD_AFTER = re.compile(
    r"\s*(?:(?!(?:for|over|within|in|after|by|than|about|takes?|took|taking|lasts?)\b)(?!of\s+(?:the|our|your|their|which|what|it|us|a|an|all|each|every|any|some|my)\b)[a-z'&-]+\s+){0,4}?"
    r"(?:(?:(?:a|an|per|each|every)\s+|/\s*)" + _ADJ + r"(?P<unit>day|week|wk|fortnight|month|mo|quarter|year|yr|annum)\b"
    r"|(?P<adv>daily|weekly|fortnightly|monthly|quarterly|yearly|annually|pcm|p/m|pa|p\.a\.|pw)\b"
    r"|(?:for|in|over|across|throughout) (?:a|the) (?:whole |full |entire )?(?P<span>year|quarter|month|week|fortnight)\b(?! or)"
    r"(?!\s+(?:ago|before|since))(?<!the month)(?:(?<=in the week)(?!\s+(?:of|before|after|that|when|we|i|they|it)\b)(?![^.;]*\bweekends?\b)|(?<!the week)))"
)
_ADVERB_UNIT = {
    "daily": "day",
    "weekly": "week",
    "pw": "week",
    "fortnightly": "fortnight",
    "monthly": "month",
    "pcm": "month",
    "p/m": "month",
    "quarterly": "quarter",
    "yearly": "year",
    "annually": "year",
    "pa": "year",
    "p.a.": "year",
}
_UNIT_ALIAS = {"wk": "week", "mo": "month", "yr": "year", "annum": "year"}


def _days_a_week(n: int) -> str:
    return f"day, {n} day{'s' if n > 1 else ''} a week"


# Per-month factors as (times, divided by): a day is 1/30 of a month and a week 12/52; a working day one of five a week.
_PER_MONTH = {
    "day": (30, 1),
    "working day": (52 * 5, 12),
    **{_days_a_week(n): (52 * n, 12) for n in (1, 2, 3, 4, 6)},
    "week": (52, 12),
    "fortnight": (26, 12),
    "month": (1, 1),
    "quarter": (1, 3),
    "year": (1, 12),
}


def _parse(num: str) -> Decimal | None:
    """One matched figure as a Decimal; the dot is the decimal point and commas group thousands ("9.500 €", with its
    three digits after a dot before a euro sign, is nine and a half thousand)."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d{2}", num):  # "14.750,00 €": euro cents after a comma
        num = num.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num) and len(num.split(".")[-1]) == 3:
        num = num.replace(".", ",") if _EURO_DOTS else num
    try:
        amount = Price.fromstring(num, decimal_separator=".").amount
    except (InvalidOperation, ValueError, ArithmeticError):
        return None
    return amount if amount is not None and amount.is_finite() else None


_EURO_DOTS = True  # only reached for figures the pattern above saw just before a euro sign


def amounts(text: str) -> list[Amount]:
    """Every figure in the text, in order, ranges kept as one figure and dismissed ones ("not 40") left out."""
    return list(_amounts(normalise(text)))


_THOUSAND_AND_HUNDREDS = re.compile(r"\b(?:grand|thousand) (?:and )?(?:[a-z]+ hundred|\d\s?hundred|\d{3}\b)")
_K_AND_HUNDREDS = re.compile(
    r"(?<![\d.,])(\d{1,3})k (?:and )?([1-9]\d\d)\b"
    r"(?![.,]?\d| ?(?:a|an|per|every|each|k|m|to|or|of|are|is|were|was|have|has|upfront|up front|deposit)\b| ?[-/])"
)


@lru_cache(maxsize=512)
def _amounts(normalised: str) -> tuple[Amount, ...]:
    t = words_to_digits(normalised)
    t = re.sub(r"(\d\s?[km])\s?[-–]\s?(?=[£$€]?\d)", r"\1 to ", t)  # "20k-35k": a range, as "20k to 35k"
    if _THOUSAND_AND_HUNDREDS.search(normalised):  # "two grand four hundred", "2 thousand 400": 2,400
        t = _K_AND_HUNDREDS.sub(lambda m: str(int(m[1]) * 1000 + int(m[2])), t)
    found: list[Amount] = []
    last_end, last_scaled, last_scale = -1, False, 1
    for m in _NUM.finditer(t):
        raw = _parse(m["num"].replace(" ", ""))
        if (
            raw is None
            or _NOT_QUANTITY.match(t, m.end())
            or _DISMISSED.search(t, max(0, m.start() - 30), m.start())
            or re.search(r"\d (?:in|out of) $", t[max(0, m.start() - 12) : m.start()])
            or (
                _YEAR.fullmatch(m["num"])
                and (
                    _SINCE.search(t, max(0, m.start() - 20), m.start())
                    or _YEARS.match(t, m.end())
                    or re.search(r"\b(?:19|20)\d\d\s*(?:-|to|and|until|till)\s*$", t[max(0, m.start() - 12) : m.start()])
                )
            )
        ):
            continue
        scale = _SCALE.get(m["scale"] or "", 1)
        raw = raw * scale * (-1 if m["neg"] else 1)
        if abs(raw) > MAX_VALUE:
            continue
        before_sign = _CURRENCY_BEFORE.search(t, max(0, m.start() - 6), m.start())
        after_word = _CURRENCY_AFTER.match(t, m.end())
        currency = before_sign[1] if before_sign else (after_word[1] or after_word[2] if after_word else None)
        low = high = None
        if m["vlow"]:
            low, high = Decimal(m["vlow"]), Decimal(m["vhigh"])
        elif _ODD.match(t, m.end()) and raw >= 10:  # "40-odd" is 40 to 49, "300-odd" 300 to 399
            step = Decimal(10) ** (len(str(int(raw))) - 1)
            low, high = raw, raw + step - 1
        amount = Amount(
            raw,
            raw,
            m.start(),
            m.end(),
            _CURRENCY[currency] if currency else None,
            _period_after(t, m.end()) or _period_before(t, m.start()),
            bool(m["vague"]),
            t[m.end() : m.end() + 40],
            t[max(0, m.start() - 60) : m.start()],
            low,
            high,
        )
        if found and last_end == found[-1].end and _is_range(t, found[-1], amount):
            amount = _merge(found.pop(), amount, scale, last_scaled)
        elif (
            found
            and last_end == found[-1].end
            and last_scaled
            and scale == 1
            and _carries_scale(t, found[-1], amount, last_scale)
        ):
            amount = _merge(found.pop(), replace(amount, raw=amount.raw * last_scale, value=amount.raw * last_scale), 1, True)
        found.append(amount)
        last_end, last_scaled, last_scale = m.end(), scale > 1, scale
    return tuple(_monthly_of(a) for a in found)


def _merge(low: Amount, high: Amount, scale: int, low_scaled: bool) -> Amount:
    """Two figures joined as a range ("15-20k", "between 80 and 120"); the suffix on the second applies to the first."""
    low_raw = low.raw * scale if scale > 1 and not low_scaled and low.raw * scale <= high.raw else low.raw
    lo, hi = min(low_raw, high.raw), max(low_raw, high.raw)
    mid = (lo + hi) / 2
    return Amount(
        mid,
        mid,
        low.start,
        high.end,
        high.currency or low.currency,
        high.period or low.period,
        high.vague and low.vague,
        high.after,
        low.before,
        lo,
        hi,
    )


def _carries_scale(t: str, first: Amount, second: Amount, scale: int) -> bool:
    """ "about 10k, maybe 11": a bare figure just after a scaled one, of the same size once scaled, shares its scale."""
    gap = t[first.end : second.start]
    if not re.fullmatch(r"\s*,?\s*(?:maybe|or|perhaps|possibly|say|up to|could be|might be)\s*[£$€]?\s*", gap):
        return False
    scaled = second.raw * scale
    return first.raw / 2 <= scaled <= first.raw * 2


def _is_range(t: str, low: Amount, high: Amount) -> bool:
    """True for "200-300", "200 to 300", "40 or 50" and "between 200 and 300"."""
    gap = t[low.end : high.start]
    if _RANGE_GAP.fullmatch(gap):
        return True
    return bool(re.fullmatch(r"\s*and\s*[£$€]?\s*", gap)) and t[: low.start].rstrip(" £$€").endswith("between")


def _period_after(t: str, end: int) -> str | None:
    """The period stated just after a figure ("300 tickets a week"), stopping at the next figure."""
    m = _PERIOD_AFTER.match(t, end)
    if not m:
        return None
    if m["adv"]:
        return _ADVERB_UNIT[m["adv"]]
    if m["span"]:
        return m["span"]
    unit = _UNIT_ALIAS.get(m["unit"], m["unit"])
    if unit == "day" and m["working"]:
        return "working day"
    return unit


_PERIOD_BEFORE = re.compile(
    r"(?:^|[,.;:]\s*|\b(?:and|but|so)\s+)(?:(?:in|on|for)\s+)?(?:every|each|per|a|an)\s+"
    + _ADJ
    + r"(?P<unit>day|week|fortnight|month|quarter|year)\b(?!\s+ago)(?P<gap>[^\d,.;:]{0,30})$"
)


def _period_before(t: str, start: int) -> str | None:
    """The period that leads a figure at the start of its clause: "every week maybe 40 or 50"."""
    m = _PERIOD_BEFORE.search(t[max(0, start - 60) : start])
    if not m:
        return None
    unit = m["unit"]
    return "working day" if unit == "day" and m["working"] else unit


def _monthly_of(a: Amount) -> Amount:
    """The same amount with value turned per-month when a period is stated."""
    if a.period is None:
        return a
    times, divided_by = _PER_MONTH[a.period]
    return replace(a, value=a.raw * times / divided_by)


_DAYS_A_WEEK = re.compile(r"\b([1-46]) days? (?:a|per|each|every|of the) week\b")
# "closed 2 days a week", "plus 3 days a week we do markets": days that are not the ones the daily figure covers
_OTHER_DAYS = re.compile(r"\b(?:closed|shut|off|plus|except|extra|also|partner|another|other)\b(?:\s+\w+){0,3}\s*$")


def days_said(a: Amount, t: str) -> Amount:
    """ "50 a day, weekdays only" is 50 a working day, and "15 a day, open 6 days a week" 15 on each of six days a
    week: not the range from working days to every day."""
    if a.period != "day" or a.is_range:
        return a
    from chains.number_words import words_to_digits

    said = words_to_digits(t)
    days = list(_DAYS_A_WEEK.finditer(said))
    if len(days) == 1 and not _OTHER_DAYS.search(said[max(0, days[0].start() - 30) : days[0].start()]):
        n = int(days[0][1])
        return replace(a, period=_days_a_week(n), value=a.raw * 52 * n / 12)
    if days:
        return a  # days a week said more than once, or not the days the figure covers: the range stands
    if re.search(WORKING_DAYS, t) and not re.search(EVERY_DAY, t):
        return replace(a, period="working day", value=a.raw * 52 * 5 / 12)
    return a


def every_day(a: Amount, t: str) -> bool:
    """ "we're open every day, about 40 a day": thirty days' worth, not the range from working days."""
    return a.period == "day" and bool(re.search(EVERY_DAY, t)) and not re.search(WORKING_DAYS, t)


def pick(found: list[Amount], *prefer) -> Amount | None:
    """The last firm figure, narrowed by each preference that some figure meets."""
    pool = [a for a in found if not a.vague] or found
    for test in prefer:
        pool = [a for a in pool if test(a)] or pool
    return pool[-1] if pool else None


def format_figure(value: Decimal | float | int) -> str:
    """A figure with thousands separators and no trailing zeros."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.quantize(Decimal('0.01'), ROUND_HALF_UP):,}".rstrip("0").rstrip(".")


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


# --- plain readers, for other modules and the command line ---------------------------------------------------------

_ZERO = re.compile(
    r"^(?:(?:(?:she|he|they|my \w+|mum|dad) says?|honestly|basically|pretty much|practically|virtually|realistically|"
    r"effectively|to be honest|tbh|well|um+|er+|so|sadly|currently|right now|i (?:don'?t|do not) think|i doubt)[,.]? )*"
    r"(?:none|nothing|nil|zilch|zero|not (?:a single )?one|not any|no examples?|we (?:don'?t|do not) (?:really |actually )?have any|(?:i )?(?:don'?t|do not) think (?:we|that we) (?:have|'ve got|got) any|we haven'?t (?:really |actually )?got any|"
    r"(?:we have )?none (?:at all|yet)|we(?: have|'ve)(?: got)? none\b|none so far|no clean (?:ones|examples?)|not a single (?:one|example))\b"
)


def is_zero(t: str) -> bool:
    return bool(_ZERO.match(t))


def read_number(text: str) -> float | None:
    """A count or quantity: "twelve", "maybe forty", "5k", "2,400", "a few hundred... say 300" -> 300."""
    best = pick(amounts(text))
    if best is not None:
        return float(best.raw)
    return 0.0 if is_zero(normalise(text)) else None


def read_monthly(text: str) -> float | None:
    """Items per month: "300 a week" -> 1300, "50 a day" -> 1500, "24,000 a year" -> 2000; a bare number is monthly."""
    best = pick(amounts(text), lambda a: a.period is not None)
    return float(best.value) if best is not None else None


# "the 2 page summaries", "a 3 year contract": a figure that describes a noun is no count of it.
ATTRIBUTIVE = re.compile(r"[\s-]*(?:page|hour|minute|day|week|month|year|line|word|step|point|star|seat|man|person)\b(?!s)")
_BOUND_BEFORE = re.compile(r"\b(?:under|below|fewer than|less than|up to|at most|no more than|max(?:imum)?(?: of)?)\s*$")
_BOUND_AFTER = re.compile(r"\s*(?:tops|max|maximum|at (?:the )?most)\b")
_FLOOR_BEFORE = re.compile(r"\b(?:over|above|more than|at least|upwards of|north of)\s*(?:a |an )?$")


def inside_bounds(found: list[Amount]) -> list[Amount]:
    """ "not many, under a hundred, maybe 70", "well over a thousand, probably 1,500": a bound gives way to the figure
    inside it."""
    tops = [a for a in found if _BOUND_BEFORE.search(a.before) or _BOUND_AFTER.match(a.after)]
    floors = [a for a in found if _FLOOR_BEFORE.search(a.before)]
    inside = [a for a in found if a not in tops and a not in floors]
    if (
        (tops or floors)
        and inside
        and all(a.value < b.value for a in inside for b in tops)
        and all(a.value > b.value for a in inside for b in floors)
    ):
        return inside
    return found


# "to hundred", "for hundred": a number word typed as its sound-alike before a scale word.
SOUNDS_LIKE = re.compile(r"(?<![\w-])(?<!\bup )(?<!\bclose )(?:(?P<to>to|too)|for|fore)\s+(?P<scale>hundred|thousand)\b(?!s)")
