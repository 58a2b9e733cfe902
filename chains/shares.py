"""The share of a figure that is usable, as owners say it: "only about half are usable", "10% are junk", "I'd be
proud of half at best", "1 in 10 is tidy", or "half our 600 jobs"."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .figures import normalise
from .number_words import words_to_digits

_FRACTIONS = {
    "half": Decimal("0.5"),
    "a half": Decimal("0.5"),
    "athird": Decimal(1) / 3,
    "aquarter": Decimal("0.25"),
    "afifth": Decimal("0.2"),
    "atenth": Decimal("0.1"),
    "twothirds": Decimal(2) / 3,
    "threequarters": Decimal("0.75"),
}
_PART = re.compile(
    r"\b(?:only |just |about |around |roughly |maybe |perhaps |probably |under |over |less than |more than |say )*"
    r"(?P<frac>half|a half|athird|aquarter|afifth|atenth|twothirds|threequarters|(?P<pct>\d{1,2}(?:\.\d+)?)\s?(?:%|percent|per cent))"
    r"(?: of (?:them|those|these|it|that|the \w+))?\s+(?:\w+\s+){0,3}?"
    r"(?P<kind>usable|useable|good|clean|decent|any good|fit to use|worth (?:using|keeping)|proper|labell?ed|complete|tagged|"
    r"right|correct|need|needs|are|is|have|has|would|could|qualify|count|junk|rubbish|unusable|bad|messy|duplicates?|incomplete|useless|"
    r"garbage|wrong|broken)\b"
)
_BAD_PART = (
    "junk",
    "rubbish",
    "unusable",
    "bad",
    "messy",
    "duplicate",
    "duplicates",
    "incomplete",
    "useless",
    "garbage",
    "wrong",
    "broken",
)


_BAD_WORDS = (
    r"junk|rubbish|unusable|bad|messy|duplicates?|incomplete|useless|garbage|wrong|broken|drafts?|no (?:use|good)|"
    r"not (?:usable|useable|any good|fit to use)|out of date|outdated|obsolete"
)
_BAD_AFTER = re.compile(rf"\s+(?:\w+\s+){{0,5}}?(?:{_BAD_WORDS}|(?:(?:need|needs) )?(?:fixing|cleaning|redoing|a clean-?up))\b")
# "2,000 but 500 of them are rubbish", "120 reports, but 30 are drafts": a count of bad ones after the whole.
_BAD_COUNT = re.compile(
    rf"^\s*(?:of (?:them|those|these|which) |which )?(?:are|is|were|'re)\s+(?:\w+\s+){{0,3}}?(?P<bad>{_BAD_WORDS})\b"
)
_DROP = re.compile(
    r"\b(?:bin|chuck|ditch|discard|scrap|delete|throw (?:away|out)|get rid of|lose)\w* (?:about |around |maybe |roughly )?"
    r"(?P<frac>half|athird|aquarter|twothirds|threequarters|(?P<pct>\d{1,2}(?:\.\d+)?)\s?(?:%|percent|per cent))(?!\w)"
)
# "I'd be proud of half at best", "happy with maybe a third": the share the owner would stand behind.
_KEPT = re.compile(
    r"\b(?:proud of|happy with|stand (?:behind|by)|trust|vouch for|keep|use|send)\s+(?:(?:only|just|about|around|maybe|roughly|perhaps) )*"
    r"(?P<frac>half|athird|aquarter|twothirds|threequarters|(?P<pct>\d{1,2}(?:\.\d+)?)\s?(?:%|percent|per cent))(?!\w)"
    r"|\b(?P<frac2>half|athird|aquarter|twothirds|threequarters) at (?:best|most|a push)\b"
)
_ONE_IN = re.compile(r"\b(\d{1,2}) (?:in|out of) (\d{1,3})\b")
_PART_BEFORE = re.compile(r"\b(?P<frac>half|athird|aquarter|twothirds|threequarters)(?: of)? (?:our|the|them|those|these|my) $")


def usable_share(text: str, after: int, start: int | None = None) -> Decimal | None:
    """The share of a figure that is usable: "only about half are usable", "10% are junk", "1 in 10 is tidy" after
    it, or "half our 600 jobs" before it."""
    t = words_to_digits(normalise(text))
    if start is not None:
        before = _PART_BEFORE.search(t[max(0, start - 30) : start])
        if before:
            return _FRACTIONS[before["frac"]]
    drop = _DROP.search(t[after:])
    if drop:
        share = Decimal(drop["pct"]) / 100 if drop["pct"] else _FRACTIONS[drop["frac"]]
        return 1 - share
    kept = _KEPT.search(t[after:])
    if kept:
        return Decimal(kept["pct"]) / 100 if kept["pct"] else _FRACTIONS[kept["frac"] or kept["frac2"]]
    one_in = _ONE_IN.search(t[after:]) or (_ONE_IN.search(t[max(0, start - 40) : start]) if start is not None else None)
    if one_in and int(one_in[2]) > 0 and int(one_in[1]) <= int(one_in[2]):
        return Decimal(one_in[1]) / Decimal(one_in[2])
    m = _PART.search(t[after:])
    if not m:
        return None
    part = Decimal(m["pct"]) / 100 if m["pct"] else _FRACTIONS.get(m["frac"])
    if part is None:
        return None
    bad = m["kind"].startswith(_BAD_PART) or _BAD_AFTER.match(t[after:], m.end())  # "10% are junk", "10% need fixing"
    return 1 - part if bad else part


def less_bad(total: Any, bad: Any) -> str | None:
    """What a second figure says of the first when it counts the bad ones among them ("2,000 but 500 of them are
    rubbish": "the 500 that are rubbish"), or None when it does not."""
    m = _BAD_COUNT.match(bad.after)
    if m is None or not 0 < bad.raw < total.raw or bad.start < total.end:
        return None
    return m["bad"]
