"""Number words to digits, as owners write them: text2num does the words ("one hundred and twenty", "twelve
hundred"); the patterns here fill its gaps ("ones" and "no one" are no figures, "two and a half thousand" is 2,500,
"a couple of dozen" is 24, "one or two hundred" is 100 to 200, a slip such as "tweny" is twenty)."""

from __future__ import annotations

import re
from decimal import Decimal

from text_to_num import alpha2digit

_SMALL = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# "≈" marks a vague quantity so an explicit figure can win over it; "lo~hi" keeps the range it stands for.
_VAGUE = (
    (r"\b(?:a )?couple (?:of )?hundred\b", "≈200~150~300"),
    (r"\b(?:a few|few|several) hundred\b", "≈300~200~900"),
    (r"\b(?:a )?couple (?:of )?thousand\b", "≈2000~1500~3000"),
    (r"\b(?:a few|few|several) thousand\b", "≈3000~2000~9000"),
    (r"\b(?:a )?couple (?:of )?dozen\b", "24"),
    (r"\bhalf a dozen\b", "6"),
    (r"\ba dozen\b", "12"),
    (r"\ba couple(?: of)?\b(?! (?:days|weeks|months|years))", "≈2~2~3"),
    (r"\ba handful\b", "≈5~3~10"),
    (r"\b(?:a few|several)\b(?! (?:days|weeks|months|years|times))", "≈3~2~9"),
)
# Words that hold a number word but are no figure: "good ones", "no one", "this one".
_NOT_FIGURES = (
    (
        r"(\d(?:[\d,.]*\d)?k?\s+(?:(?!but|only|and|of|are|is|maybe|about)[a-z]+\s+){0,3}?)a quarter\b(?! of| are| is| were)",
        r"\1per quarter",
    ),  # "2,700 a quarter" is a period
    (r"\bones\b", "items"),
    (r"\btwo[- ]thirds\b", "twothirds"),
    (r"\bthree[- ]quarters\b", "threequarters"),
    (r"\b(?:a|one)[- ]third\b", "athird"),
    (r"\b(?:a|one)[- ](fifth|tenth)\b", r"a\1"),
    (r"\b(?:a|one)[- ]quarter\b(?! of a million)", "aquarter"),
    (
        r"\b(?:phase|stage|step|part|option|tier|level|version|day|year|plan|package) (?:one|two|three|four|[1-4])\b(?! (?:days?|weeks?|months?|times)\b)",
        "that part",
    ),
    (
        r"\b(?:no|any|some|every|each|the|this|that|which|last|right|other|first|latest|new|old|only|second|third|fourth|"
        r"next|same|middle|top|bottom|lower|higher|former|latter|1st|2nd|3rd|4th) one\b",
        "the item",
    ),  # "the second one" picks, it counts nothing
    (r"\bone (?:of (?:them|those|these|us)|day|way or another|thing)\b", "some"),
    (  # "the standard letters one, not the reports": a pick among things, no count
        r"\b(?:the|this|that)\s+(?:(?!(?:is|was|are|were|be|been|about|around|maybe|only|just|like|roughly|nearly|almost|over|under|"
        r"than|of|at|to|handles?|does|gets?|has|have|had|takes?|makes?|sends?|sees?)\b)[a-z]+\s+){1,3}one\b"
        r"(?=\s*(?:than|rather|not|instead|[,;:]))",
        "the item",
    ),
    (r"\ba (?:busy|quiet|slow|good|bad|big|small|long|short|normal|typical|average|rare|mad|heavy|light) one\b", "such a day"),
    (r"\b(?:back|forward|up|down) one\b", "a step"),
    (r"\b24 ?/ ?7\b|\b24-7\b", "round the clock"),
    (r"\b(?:four|five|six|seven|[4-7])[- ]figures?\b", "a big sum"),  # "six figures" names no figure
)
_SCALE_WORD = r"(hundred|thousand|grand|million|k|m)"
_UP_TO_NINETY = _SMALL + (
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
_RANGE_WORDS = re.compile(
    r"\b("
    + "|".join(_UP_TO_NINETY)
    + r"|\d{1,3})((?<=\d)-(?=\d)|\s+(?:or|to|-|(?<=between \d\d )and|(?<=between \d )and)\s+)("
    + "|".join(_UP_TO_NINETY[1:])
    + r"|\d{1,3})\s+"
    + _SCALE_WORD
    + r"\b"
)


def _spread_scale(m: re.Match) -> str:
    """ "one or two hundred" -> "one hundred or two hundred"; "15 to 20 thousand" likewise."""
    return f"{m[1]} {m[4]} {m[2].strip()} {m[3]} {m[4]}"


NUMBER_WORDS = [
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
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
]


def _fix_number_typos(t: str) -> str:
    """ "tweny", "fourty", "hunderd", "thousnad": a long word one slip away from a number word, same first letter."""
    import difflib

    def fix(m: re.Match) -> str:
        word = m[0]
        if word in NUMBER_WORDS or word.endswith(("s", "th", "ths")):  # "hundreds", "tenths" are words of their own
            return word
        close = difflib.get_close_matches(word, [w for w in NUMBER_WORDS if w[0] == word[0]], n=1, cutoff=0.85)
        return close[0] if close else word

    return re.sub(r"\b[a-z]{5,9}\b", fix, t)


def words_to_digits(t: str) -> str:
    """English number words to digits, with the library's gaps filled."""
    t = _fix_number_typos(t)
    t = re.sub(r"(?:^|(?<=\s))~\s*(?=\d)", "about ", t)  # "~800"
    t = re.sub(r"(?<![\w-])(\d)(o{1,3})\b", lambda m: m[1] + "0" * len(m[2]), t)  # "4o", "2oo": letters o for noughts
    # "five hundred and a thousand" is a range's two ends, not 501,000; "1 thousand and half" is 1,500.
    t = re.sub(r"\b(hundred|thousand|grand) and (?=a (?:thousand|grand|million)\b)", r"\1 to ", t)
    t = re.sub(r"(\bbetween \w+ (?:hundred|thousand|grand)) and (?=one (?:thousand|grand|million)\b)", r"\1 to ", t)
    t = re.sub(
        r"\b(\d+|one|two|three|four|five|six|seven|eight|nine) (thousand|grand|k) and (?:a )?half\b", r"\1 and a half \2", t
    )
    t = re.sub(r"(\d)(hundred|thousand|grand)\b", r"\1 \2", t)  # "6hundred"
    t = re.sub(r"\b(" + "|".join(NUMBER_WORDS) + r")(hundred|thousand)\b", r"\1 \2", t)  # "twelvethousand"
    t = re.sub(r"(\d) (hundred|thousand)s\b", r"\1 \2", t)  # "3 hundreds good pairs"
    t = re.sub(r"\b(" + "|".join(NUMBER_WORDS) + r")-?ish\b", r"\1 ish", t)  # "eighty-ish"
    for pattern, repl in _NOT_FIGURES:
        t = re.sub(pattern, repl, t)
    t = _RANGE_WORDS.sub(_spread_scale, t)
    for pattern, repl in _VAGUE:
        t = re.sub(pattern, repl, t)
    # Plural scale words are no figure at all, though text2num reads "hundreds" as 100.
    t = re.sub(r"\b(?:tens|hundreds|thousands|millions|billions|dozens)\b", "lots", t)
    t = re.sub(r"\bhalf a million\b", "500000", t)
    t = re.sub(r"\bhalf an? (?:grand|thousand|k)\b", "500", t)  # "half a grand, pounds"
    t = re.sub(r"\bquarter of a million\b", "250000", t)
    t = re.sub(r"\ban? (hundred|thousand|grand|million|billion|lakh|crore)\b", r"one \1", t)
    t = re.sub(r"\b(?:minus|negative) (?=\w)", "-", t)
    t = _scale_words(t)
    # A scale word standing alone after a figure: "around 15 i think, thousand obviously" is 15,000.
    t = re.sub(
        r"(?<![\d,.])\b(\d{1,3})\b((?:\s+[a-z']+){0,3},?\s+)(?<!\bone )(?<!\ba )(?<!\bhalf )(?:thousand|grand)\b", r"\1k\2", t
    )
    try:
        t = alpha2digit(t, "en", threshold=0)
    except Exception:  # the library is third-party; a failure there must not reach the owner
        pass
    t = re.sub(r"(\d+) and a half\b", lambda m: f"{m[1]}.5", t)  # "4 and a half grand" -> "4.5 grand"
    t = re.sub(r"(\d+(?:\.\d+)?) dozen\b", lambda m: _fmt_plain(Decimal(m[1]) * 12), t)
    t = _scale_words(t)  # again, for "eighteen grand", which text2num turns into "18 grand"
    t = _joined_scales(t)
    # text2num leaves "2.5 1000" for "two point five thousand" and "11.5 1000" for the half we filled in.
    for digits, suffix in (("1000000000", "bn"), ("1000000", "m"), ("1000", "k"), ("100", "h")):
        t = re.sub(rf"(\d+(?:\.\d+)?) {digits}\b(?!\d)", rf"\1{suffix}", t)
    return re.sub(r"(\d+(?:\.\d+)?)h\b", lambda m: _fmt_plain(Decimal(m[1]) * 100), t)


def _joined_scales(t: str) -> str:
    """ "1 thousand and 200" is 1,200; "around 15 i think, thousand obviously" is 15,000; "15 a day, 5 days a week"
    is 75 a week."""
    t = re.sub(
        r"\b(\d{1,3})k and (\d{1,3})\b(?![\d,.]|\s*(?:k|thousand|grand)\b)", lambda m: str(int(m[1]) * 1000 + int(m[2])), t
    )
    return re.sub(
        r"\b(\d+) ((?:[a-z]+ ){0,3}?)(?:a|per|each) day,? (?:and )?(?:for )?([1-7]) days? (?:a|per|each) week\b",
        lambda m: f"{int(m[1]) * int(m[3])} {m[2]}a week",
        t,
    )


def _fmt_plain(d: Decimal) -> str:
    return str(int(d)) if d == d.to_integral_value() else str(d)


def _scale_words(t: str) -> str:
    """Digits followed by a scale word as a suffix: text2num would leave "5 thousand" as "5 1000"."""
    t = re.sub(r"(\d)\s*(?:thousand|grand|thou)\b", r"\1k", t)
    t = re.sub(r"(\d)\s*(?:million|mn|mil|mill)\b", r"\1m", t)
    t = re.sub(r"(\d)\s*(?:billion)\b", r"\1bn", t)
    # Indian English: a lakh is 100,000 and a crore 10 million ("2 lakh per year")
    t = re.sub(
        r"(?<![\d.,])(\d{1,3}(?:\.\d+)?)\s*(lakhs?|lacs?|crores?)\b",
        lambda m: _fmt_plain(Decimal(m[1]) * (10_000_000 if m[2].startswith("crore") else 100_000)),
        t,
    )
    return re.sub(r"(?<![\d.,])(\d{1,9}(?:\.\d+)?)\s+hundred\b", lambda m: _fmt_plain(Decimal(m[1]) * 100), t)
