"""What the words around a count say of it: none usable yet, the things counted (examples, staff, emails), figures of
what could be rather than what is, stock nobody has labelled, a count per branch and a hedge near a rule's line."""

from __future__ import annotations

import re
from decimal import Decimal

from chains.figures import Amount
from chains.number_words import words_to_digits
from chains.phrasings import EACH, UNITS

NONE_USABLE = re.compile(
    r"\b(?:none|nowt|nothing)\b(?: \w+){0,3}? (?:labell?ed|clean|usable|tagged|marked|sorted|tidied|checked|any good)\b|"
    r"\bso none\b|\bnone (?:today|right now|at the moment)\b|^non really\b|"
    r"\bnothing (?:is )?(?:labell?ed|clean|usable)\b|\bnot (?:a single|one) (?:is |of them )?(?:labell?ed|clean)\b|\bfrom scratch\b|"
    r"\b(?:nobody|no[- ]one)(?:'s| has)? (?:ever )?(?:labell?ed|tagged|sorted|checked) (?:anything|any of (?:them|it)|them)\b"
)
EXAMPLE_NOUN = re.compile(
    r"\s*(?:\w+\s+){0,3}?(?:examples?|samples?|pairs|clean|label+ed|good (?:ones|items)|items|records|ones|"
    r"(?:are|is) (?:\w+ )?(?:usable|useable|decent|good|any good|proper|tidy|fine|solid))\b"
)
TIME_NOUN = re.compile(r"\s*(?:\w+\s+){0,2}?(?:staff|people|employees|years?|months?|clients|customers|team)\b")
WORKERS = re.compile(
    r"\s*(?:\w+\s+)?(?:people|persons|staff|employees|full[- ]timers|(?:members of )?staff|users?|seats?|licen[cs]es|of us|"
    r"vets|doctors|nurses|dentists|solicitors|lawyers|accountants|partners|drivers|technicians|fitters|surveyors|"
    + UNITS
    + r")\b"
)
# Figures of what could be, not what is: "we could get 200 done by next month".
FUTURE = re.compile(
    r"\b(?:could|can|will|might)\s+(?:probably\s+|easily\s+)?(?:get|make|label|write|produce|knock)\b|"
    r"\bby (?:next|the end of)\b|\bwithin (?:a|the next|\d)\b|\bgive us (?:a|some) time\b"
)
# "12 bananas", "500 emails", "3 big sites": a figure that counts things is no price (the noun an English word, so
# that "3500 poudns" is still a price).
COUNTED = re.compile(
    r"\s*(?:[a-z]+\s+)?(?!(?:pounds?|dollars?|euros?|quid|bucks|grand|thousands?|tops|plus|odd|ish|max|min|less)\b)(?P<noun>[a-z]{3,}s)\b"
)
PAIRED = r"(?:label+ed|matched|paired|tagged|linked|marked)"
UNLABELLED = re.compile(
    rf"\bunlabell?ed\b|\b(?:nobody|no one|none of (?:them|it))(?:'s| has| have)?\s+(?:\w+\s+){{0,2}}?{PAIRED}\b|"
    rf"\b(?:not|never|n't)\s+(?:\w+\s+){{0,2}}?(?:been\s+)?{PAIRED}\b|\bhand ?written\b|\bon paper\b"
)
# Things kept, not yet examples: "2,000 old emails" are inputs until each is paired with the output wanted.
RAW_ITEMS = re.compile(
    r"\s*(?:[a-z]+\s+)?(?P<noun>e-?mails|messages|tickets|letters|invoices|documents|docs|files|forms|"
    r"enquiries|inquiries|calls|chats|conversations|orders|receipts|job sheets|quotes|reviews)\b"
)
PAIRED_UP = re.compile(
    rf"\b(?:with (?:the |our |their |its )?(?:replies|answers|responses|outputs|categories|labels|tags|codes)|{PAIRED}|"
    r"clean|checked|sorted|good|usable|decent|examples?)\b"
)
NO_AVERAGE = re.compile(r"\b(?:don'?t|do not|no idea of|not sure (?:of|about)) (?:know )?(?:the |an? |what the )?average\b")


def counts_things(after: str) -> bool:
    """True when the words after a figure name what it counts ("12 bananas"), not its currency mistyped."""
    from chains.misspellings import english_words

    m = COUNTED.match(after)
    return m is not None and m["noun"] in english_words()


# How long a rate has been kept up: "been doing it about a year", "for the last 18 months".
_DURATION = re.compile(
    r"\b(?:for|been|over|about|nearly|almost|past|last|around)\s+(?:(?:about|around|nearly|almost|the|a good|the last|"
    r"the past)\s+)?(?P<n>\d+(?:\.\d+)?|an?|half an?)\s+(?P<unit>years?|months?|weeks?)\b"
)
_MONTHS_IN = {"year": 12, "month": 1, "week": 12 / 52}


def months_kept(text: str) -> float | None:
    """The months a rate has run for, when the answer says how long ("about a year" is 12), else None."""
    d = words_to_digits(text)  # "two years" as "2 years"
    m = _DURATION.search(d)
    if not m:
        last = re.search(r"\b(?:for|over|in|across) the (?:past|last) (?P<unit>year|month)\b", d)  # "for the past year"
        return float(_MONTHS_IN[last["unit"]]) if last else None
    n = float(m["n"]) if m["n"][0].isdigit() else 0.5 if m["n"].startswith("half") else 1.0
    return n * _MONTHS_IN[m["unit"].rstrip("s")] or None


_HEDGED = re.compile(
    r"(?:\babout|\baround|\broughly|\bapprox\w*|\bmaybe|\bperhaps|\bcirca|\bnearly|\balmost|\bgive or take|~|\bsay|"
    r"\bsomething like|\bin the region of|\bballpark|\bunder|\bbelow|\bless than|\bfewer than|\bshy of|\bshort of|\bnot quite|"
    r"\bover|\babove|\bmore than|\bat least|\bat most|\bno more than|\bup to|\bupwards of|\bnorth of|\bsouth of)\s*(?:a |an )?[£$€]?\s*$"
)
_HEDGED_AFTER = re.compile(r"(?:ish\b|-ish\b|\s*(?:[a-z,]+\s+){0,3}?(?:or so|give or take|or thereabouts|more or less|ish)\b)")
_AT_LEAST = re.compile(r"\b(?:over|above|more than|at least|upwards of|north of)\b")


_TOGETHER = re.compile(
    r"\b(?:in total|total|altogether|all together|combined|between (?:us|them|the \w+)|overall|in all|all in|"
    r"(?:for|from|across) (?:everyone|everybody|all of us)|all of us|the (?:\d+|[a-z]+) of us)\b"
)


def unit_count(found: list[Amount], best: Amount, t: str) -> Amount | None:
    """ "each of our 3 offices does about 200": the number of offices, when the answer says each."""
    if not EACH.search(t) or _TOGETHER.search(t):  # "400 a month in total for everyone, 4 of us" is the total
        return None
    units = [
        a
        for a in found
        if a is not best and (WORKERS.match(a.after) or re.match(r"\s*(?:\w+\s+)?(?:customers|clients)\b", a.after))
    ]
    return units[0] if len(units) == 1 else None


def hedged_near(best: Amount, t: str, threshold: int, value: Decimal) -> bool:
    """ "about a hundred" against a line at 100: it could be either side, so ask."""
    hedge = _HEDGED.search(t[: best.start]) or _HEDGED_AFTER.match(t, best.end) or _HEDGED_AFTER.search(t, best.end - 3, best.end)
    if hedge and _AT_LEAST.search(hedge[0]) and value >= threshold:
        return False  # "just over 1,000", "at least 100": on the line's far side whatever the exact figure
    return bool(hedge) and abs(value - threshold) <= Decimal(threshold) / 10 and not best.is_range


_EACH_BRINGS = re.compile(
    r"\beach(?: (?:one|of (?:them|those)|[a-z]+))? (?:means|brings|involves|needs|generates|creates|produces|"
    r"comes with|works out at|=)\b"
)


def each_brings(firm: list[Amount], best: Amount, t: str) -> Amount | None:
    """ "25 weddings a year and each one means about 80 emails": the one figure each of a rate's things brings."""
    if not best.period:
        return None
    each = [a for a in firm if a.start > best.end and not a.period and _EACH_BRINGS.search(t, best.end, a.start)]
    return each[0] if len(each) == 1 else None


# A rate per a span the interview cannot turn into months by itself: an hour, a shift, a season, a school term.
UNSIZED = re.compile(r"\s*(?:\w+\s+){0,2}?(?:a|an|per|each|every)\s+(?:school\s+|busy\s+)?(hour|shift|season|term|semester)\b")


def unsized_monthly(value: Decimal, unit: str, t: str) -> int | None:
    """The monthly figure when the owner's other words size the span ("120 a term, three terms a year": 30; "3,000 a
    season, and the season's five months": 600; "10 an hour, open 8 hours, 5 days a week": 1,733), else None."""
    d = words_to_digits(t)
    per_year = re.search(rf"\b(\d+) (?:school )?{unit}s? (?:a|per|each|in a) year\b", d)
    if per_year:
        return round(value * int(per_year[1]) / 12)
    months = re.search(rf"\b{unit}(?:'s| is| lasts| runs| goes on)?(?: for)? (?:about |around |roughly )?(\d+) months\b", d)
    if months and int(months[1]) > 0:
        return round(value / int(months[1]))
    hours = re.search(r"\b(\d+) hours?(?: a day)?\b", d) if unit == "hour" else None
    days = re.search(r"\b([1-7]) days? a week\b", d)
    if hours and days:
        return round(value * int(hours[1]) * int(days[1]) * 52 / 12)
    return None
