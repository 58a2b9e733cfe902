"""The vendor's own prices in a pitch: the one-off quote and the running fee, each with its currency and range.

A pitch is full of figures that are not the vendor's price: counts ("200-500 LoRA examples"), percentages, uptime,
per-token compute rates, a platform's rates, savings, struck-through list prices, per-extra-task add-ons. Each
figure is read with its currency, its range and what follows it, then kept or set aside by the words around it.
Figures are found here rather than by `chains.readers.amounts`, which merges a range into its midpoint; this module's
`figures()` is the one place to switch when a shared reader keeps ranges.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TypedDict

from text_to_num import alpha2digit

from chains.figures import normalise
from chains.money import rate_times
from chains.sentences import sentences as _sentences

# A quote below this, in any currency, is a rate or a compute estimate ("this is €2.70"), never a vendor's project fee.
MIN_QUOTE = 100


class Price(TypedDict):
    """A price as read: amount (a range's low end), currency, the range's ends and the period."""

    amount: float
    currency: str  # "GBP", "USD" or "EUR"
    low: float | None  # equals amount; None only for "up to X"
    high: float | None  # a range's top; equals amount for one figure; None for an open "from X"
    period: str  # "one_off" for a quote; "month" for a fee, whatever period the vendor stated it in


@dataclass(frozen=True)
class Figure:
    """One figure or range found in a sentence, with its surroundings."""

    low: float | None
    high: float | None
    currency: str | None
    before: str  # up to 80 characters before, within the sentence
    after: str  # up to 60 characters after, within the sentence
    sentence: str


_SYMBOL = {
    "£": "GBP",
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "gbp": "GBP",
    "usd": "USD",
    "eur": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "sterling": "GBP",
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
}
_SCALE = {"k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_ONE = (
    r"(?P<{p}cur>us\$|£|\$|€|\b(?:gbp|usd|eur)\b)?\s?"
    r"(?P<{p}num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:\.\d{{3}})+(?:,\d{{2}})?(?=\s?(?:€|eur\b|euro))|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<{p}scale>k|m|mn|bn|thousand|million|billion|grand)\b)?"
    r"(?:\s?(?:[-–]\s?)?(?:us |u\.s\. |american )?(?P<{p}word>pounds?|quid|sterling|dollars?|euros?|gbp|usd|eur)\b|\s?(?P<{p}sign>€|£))?"
)
_FIGURE = re.compile(
    r"(?<![\w.,])" + _ONE.format(p="a") + r"(?:\s*(?:-|to)\s*(?<![\w.,])" + _ONE.format(p="b") + r")?(?P<plus>\+)?"
)

# What makes a bare figure (no currency) a price: money words just before it.
_MONEY_WORDS = re.compile(
    r"\b(?:for|costs?|price[ds]?|priced at|quoted?|fees?|charges?|pay|paying|invest(?:ment)?|budget|"
    r"total\w*|only|just)\s*:?\s+(?:(?:of|is|was|will be|would be|around|about|approx\w*|roughly|a|an|"
    r"one[\s-]off|fixed|just|only)\s+){0,3}$"
)
_COUNT_AFTER = re.compile(
    r"^\s*(?:[a-z-]+\s+){0,2}?(?:examples?|samples?|pairs|tickets|documents|docs|pages|records|rows|emails|"
    r"e-mails|messages|conversations|queries|questions|answers|users|seats|staff|people|employees|clients|"
    r"customers|intents|languages|tokens|words|hours|days|weeks|months|years|minutes|products|sites|"
    r"reports|files|calls|leads|orders|lines|models|tasks|parameters|epochs|%|percent)\b"
)
_PERIOD_AFTER = re.compile(
    r"^\s*(?:\+\s*vat\s*|excl?\.?\s*vat\s*|net\s*|\(net\)\s*)?(?:(?:/|per|a|an|every|each)\s*(?P<unit>month|mo|mth|year|yr|annum|"
    r"quarter|week|day)\b|(?P<adv>monthly|per month|pcm|p/m|annually|yearly|per annum|p\.a\.|quarterly|weekly|daily)\b)"
)
_PERIOD_BEFORE = re.compile(
    r"\b(?P<adv>monthly|annual|yearly|quarterly|weekly)\s+(?:\w+\s+){0,3}?(?:fee|subscription|retainer|"
    r"cost|charge|licen[cs]e|plan|support|hosting)s?\b[^.]{0,20}$"
)
_UNIT = {
    "month": "month",
    "mo": "month",
    "mth": "month",
    "monthly": "month",
    "per month": "month",
    "pcm": "month",
    "p/m": "month",
    "year": "year",
    "yr": "year",
    "annum": "year",
    "annually": "year",
    "yearly": "year",
    "per annum": "year",
    "p.a.": "year",
    "annual": "year",
    "quarter": "quarter",
    "quarterly": "quarter",
    "week": "week",
    "weekly": "week",
    "day": "day",
    "daily": "day",
}
_PER_MONTH = {"month": 1.0, "year": 1 / 12, "week": 52 / 12, "day": 30.0}
# A price per unit of use is a rate, not a fee: per token, per GPU-hour, per answer, per seat, "each".
_PER_UNIT = re.compile(
    r"^\s*(?:\+\s*vat\s*|excl?\.?\s*vat\s*|net\s*)?(?:(?:/|per|a|an|for each|for every|each)\s*(?:\d[\d,.]*\s*[km]?\s+|million\s+|"
    r"thousand\s+|1[km]\s+)?(?:training\s+|input\s+|output\s+|extra\s+|additional\s+)?(?:tokens?|gpu[\s-]?hours?|hours?|hrs?|"
    r"answers?|messages?|queries|query|requests?|calls?|conversations?|chats?|resolutions?|tickets?|users?|seats?|agents?|"
    r"words?|pages?|documents?|minutes?|credits?|characters?|examples?|records?|leads?|interactions?|licen[cs]es?|"
    r"employees?|members?|locations?)\b|each\b)"
)
_NOT_OURS_BEFORE = re.compile(
    r"(?:\b(?:sav(?:e|es|ed|ing|ings)|cut|cuts|reduc\w*|worth|revenue|return|roi|earn\w*|recoup|generated|raised|funding|"
    r"valuation|turnover|regular(?:ly)?|normal(?:ly)?|usual(?:ly)?|rrp|list price|instead of|compared (?:to|with)|vs\.?|"
    r"versus|rather than|additional|extra|each additional|overage|afterwards|thereafter|top[\s-]?up|discount|"
    r"deposit|refund)\b(?:(?!\b(?:and|but|plus|costs?|priced?|fees?|for)\b)[^.;:]){0,40}$)"
    r"|\b(?:regular|normal|usual|list|original|standard|retail|full|struck|crossed[\s-]out) price\s*:?\s*(?:of\s+|is\s+|was\s+)?$"
)
_THIRD_PARTY = re.compile(
    r"\b(?:billed|charged|invoiced|paid)\s+(?:directly\s+)?(?:by|to)\s+(?!us\b)|\b(?:your|the) (?:ai |cloud )?(?:provider|platform)\b|"
    r"\bprovider'?s\b|\bcompute\b|\bgpus?\b|\bper (?:million )?(?:training )?tokens?\b|\bepochs?\b|\bcalculation example\b|"
    r"\b(?:openai|anthropic|azure|aws|google cloud|bedrock|hugging ?face)\b|\b(?:labs|inc|ltd)\s+charges?\b"
)
_TOTAL = re.compile(r"\b(?:in total|total\w*|all[\s-]in|altogether|overall|grand total)\b")
_TOTAL_AFTER = re.compile(r"^\s*(?:\+\s*vat\s*|excl?\.?\s*vat\s*)?,?\s*(?:in total|total|all[\s-]in|altogether|overall)\b")
_VENDOR_FEE = re.compile(r"\bour (?:fee|price|charge)s?\b|\bwe charge\b")
_FROM = re.compile(r"\b(?:from|starts? (?:from|at)|starting (?:from|at)|at least|minimum(?: of)?)\s*:?\s*$")
_UP_TO = re.compile(r"\b(?:up to|no more than|max(?:imum)?(?: of)?)\s*:?\s*$")


def _number(num: str | None, scale: str | None) -> float | None:
    if not num:
        return None
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{2})?", num):  # "4.900 €", "12.400,00 EUR": the dot groups
        num = num.replace(".", "").replace(",", ".")  # thousands and the comma marks cents, as across much of Europe
    try:
        value = float(num.replace(",", ""))
    except ValueError:
        return None
    return value * _SCALE.get(scale or "", 1.0)


def figures(sentence: str) -> list[Figure]:
    """Every figure or range in one sentence, lower-cased, with number words as digits."""
    t = normalise(sentence)  # lower-case, one kind of dash and space, figures as the interview reads them ("2 400,00 €")
    if re.search(r"\b(?:hundred|thousand|million|grand)\b", t):
        try:
            t = alpha2digit(t, "en", threshold=10)
        except Exception:  # a third-party library must not stop a pitch being read
            pass
    t = re.sub(r"\bbetween\s+(\S+)\s+and\s+(?=\S)", r"\1 - ", t)
    found = []
    for m in _FIGURE.finditer(t):
        a_scale, b_scale = m["ascale"], m["bscale"]
        low, high = _number(m["anum"], a_scale), _number(m["bnum"], b_scale)
        if high is not None and b_scale and not a_scale and low is not None and low * _SCALE[b_scale] <= high:
            low *= _SCALE[b_scale]  # "15-20k": the suffix on the second figure applies to the first
        if high is None or low is None or high < low:
            high = low  # one figure; a "range" running downwards is two figures side by side, read as the first
        if m["plus"]:
            high = None  # "$80,000+" has no top
        signs = [s for s in (m["acur"], m["aword"], m["asign"], m["bcur"], m["bword"], m["bsign"]) if s]
        currency = _SYMBOL.get(signs[0]) if signs else None
        found.append(Figure(low, high, currency, t[max(0, m.start() - 80) : m.start()], t[m.end() : m.end() + 60], sentence))
    return found


def _classify(fig: Figure, third_party: bool) -> tuple[str, str | None] | None:
    """("quote" | "fee", period) for a figure that is the vendor's own price, else None."""
    if fig.low is None or fig.low < 0:
        return None
    before, after = fig.before, fig.after
    if fig.currency is None and (not _MONEY_WORDS.search(before) or _COUNT_AFTER.match(after)):
        return None
    if fig.currency is None and re.match(r"^\s*(?:%|percent|x\b)", after):
        return None
    if _PER_UNIT.match(after) or _NOT_OURS_BEFORE.search(before[-60:]) or re.match(r"^\s*(?:off|discount|deposit)\b", after):
        return None
    if third_party and not _VENDOR_FEE.search(before):
        return None
    m = _PERIOD_AFTER.match(after)
    period = _UNIT[m["unit"] or m["adv"]] if m else None
    if period is None and (p := _PERIOD_BEFORE.search(before)):
        period = _UNIT[p["adv"]]
    if period is not None:
        return ("fee", period) if period in _PER_MONTH else None
    if re.match(r"^\s*(?:inc\w*\.?\s*vat|including vat)", after):
        return None  # the same price with VAT added; the figure before VAT is the quote
    return ("quote", None)


def _price(fig: Figure, currency: str, period: str, per_month: float = 1.0) -> Price:
    low, high = fig.low, fig.high
    if _UP_TO.search(fig.before) and high == low:
        low = None
    if _FROM.search(fig.before) and high == low:
        high = None
    scale = lambda v: None if v is None else round(v * per_month, 2)  # noqa: E731
    amount = scale(low if low is not None else high)
    return {"amount": amount, "currency": currency, "low": scale(low), "high": scale(high), "period": period}  # type: ignore[typeddict-item]


def read_prices(text: str) -> tuple[Price | None, Price | None]:
    """(the one-off quote, the monthly fee) the vendor states for its own work, or None for each it does not."""
    sentences = _sentences(text)
    found = [(fig, s) for s in sentences for fig in figures(s)]
    marked = Counter(fig.currency for fig, _ in found if fig.currency)
    default = marked.most_common(1)[0][0] if marked else "GBP"
    quotes: list[Figure] = []
    fees: list[tuple[Figure, str]] = []
    third_party = {s: bool(_THIRD_PARTY.search(s.lower())) for s in sentences}  # once a sentence, not once a figure
    for fig, sentence in found:
        kind = _classify(fig, third_party[sentence])
        if kind is None:
            continue
        if kind[0] == "fee":
            if kind[1] in ("day", "working day") and rate_times(normalise(sentence)):
                continue  # "£250 a day for 20 days": a day rate for a set job, no running fee (the quote asks the total)
            fees.append((fig, kind[1] or "month"))
        elif (fig.low if fig.low is not None else fig.high or 0) >= MIN_QUOTE:
            quotes.append(fig)
    quote = None
    totals = [f for f in quotes if _TOTAL.search(f.before[-40:]) or _TOTAL_AFTER.match(f.after)]
    ranges = [f for f in quotes if (f.high is not None and f.low is not None and f.high > f.low) or f.high is None]
    pick = (totals or ranges or quotes)[:1]
    if pick:
        quote = _price(pick[0], pick[0].currency or default, "one_off")
    fee = None
    if fees:
        fig, period = fees[0]
        fee = _price(fig, fig.currency or default, "month", _PER_MONTH[period])
    return quote, fee
