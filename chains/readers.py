"""Reading the owner's words: numbers, money, monthly volumes, choices, intents and corrections."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal

from price_parser import Price
from text_to_num import alpha2digit

from chains.facts import FIELD_BY_NAME, Field

Intent = Literal["restart", "back", "why", "skip", "help"]

MAX_CHARS = 20_000  # longer input is cut first so no pattern can take long
MAX_VALUE = Decimal(10) ** 12  # beyond this a figure is a typo, not a business quantity


@dataclass(frozen=True)
class Reading:
    """What one answer said: a value, a skip, or a friendly re-ask."""

    status: Literal["ok", "skip", "unreadable"]
    value: Any = None
    echo: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Amount:
    """One figure found in text, with its currency and period when stated."""

    value: Decimal
    raw: Decimal  # the figure as written, before a period turns it monthly
    start: int
    end: int
    currency: str | None = None  # "GBP", "USD", "EUR" or None
    period: str | None = None  # "day", "week", "fortnight", "month", "quarter", "year" or None
    vague: bool = False  # from "a few hundred" and the like: used only when nothing firmer is said
    after: str = ""  # the words that follow, for telling "40 examples" from "3 staff"
    before: str = ""  # the words that lead up to it, for telling a price from a saving


_TRANS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-",
                        "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def normalise(text: Any) -> str:
    """Lower-case, one kind of quote, dash and space."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"\s+", " ", text[:MAX_CHARS].translate(_TRANS).lower()).strip()


# --- numbers -----------------------------------------------------------------------------------

# "≈" marks a vague quantity so the explicit figure can win over it ("a few hundred... say 300").
_VAGUE = ((r"\ba couple (?:of )?hundred\b", "≈200"), (r"\b(?:a few|several) hundred\b", "≈300"),
          (r"\ba couple (?:of )?thousand\b", "≈2000"), (r"\b(?:a few|several) thousand\b", "≈3000"),
          (r"\ba couple(?: of)?\b", "≈2"), (r"\ba handful\b", "≈5"), (r"\b(?:a few|several)\b", "≈3"))
_SCALE = {"k": 1000, "m": 10**6, "bn": 10**9}
_NUM = re.compile(
    r"(?<![\w.,≈])(?<![a-z]-)(?P<neg>-)?(?P<vague>≈)?"
    r"(?P<num>\d{1,3}(?:,\d{3}){1,4}(?:\.\d{1,6})?(?![\d,])|\d{1,3}(?: \d{3}){1,4}(?![\d.,])|\d{1,15}(?:\.\d{1,6})?(?!\d))"
    r"(?:\s?(?P<scale>k|m|bn)\b|ish\b|(?![a-z\d]))")
# Spans of time and percentages are not quantities: "40 examples from the last 2 years" means 40.
_NOT_QUANTITY = re.compile(r"\s?(?:days?|weeks?|months?|years?|yrs?|hours?|hrs?|minutes?|mins?|seconds?|%|percent|per ?cent)\b")
_DISMISSED = re.compile(r"(?:\bnot|\brather than|\binstead of|n't)\s+(?:about |around )?[£$€]?\s*$")
_RANGE_GAP = re.compile(r"\s*(?:-|to|or)\s*[£$€]?\s*")
_CURRENCY_BEFORE = re.compile(r"(£|gbp|\$|usd|€|eur)\s*$")
_CURRENCY_AFTER = re.compile(r"\s*(pounds?|quid|gbp|sterling|dollars?|usd|euros?|eur)\b")
_CURRENCY = {"£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "sterling": "GBP",
             "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "€": "EUR", "eur": "EUR",
             "euro": "EUR", "euros": "EUR"}
_ADJ = r"(?:(?:typical|normal|average|busy|quiet|good|calendar|single)\s+)?(?P<working>(?:working|business)\s+)?"
_PERIOD_AFTER = re.compile(
    r"\s*(?:(?!(?:for|over|within|in|after|by|of|than|about|takes?|took|taking|lasts?)\b)[a-z'&-]+\s+){0,4}?"
    r"(?:(?:a|an|per|each|every|/)\s*" + _ADJ
    + r"(?P<unit>day|week|fortnight|month|quarter|year|annum)\b"
    r"|(?P<adv>daily|weekly|fortnightly|monthly|quarterly|yearly|annually|pcm|p/m|pa|p\.a\.|pw)\b)")
_ADVERB_UNIT = {"daily": "day", "weekly": "week", "pw": "week", "fortnightly": "fortnight", "monthly": "month",
                "pcm": "month", "p/m": "month", "quarterly": "quarter", "yearly": "year", "annually": "year",
                "pa": "year", "p.a.": "year"}
# Per-month factors as (times, divided by): a day is 1/30 of a month and a week 12/52, as the interview promises;
# a working day is one of five a week.
_PER_MONTH = {"day": (30, 1), "working day": (52 * 5, 12), "week": (52, 12), "fortnight": (26, 12), "month": (1, 1),
              "quarter": (1, 3), "year": (1, 12)}


def _words_to_digits(t: str) -> str:
    """English number words to digits, with the library's gaps patched."""
    for pattern, repl in _VAGUE:
        t = re.sub(pattern, repl, t)
    # Plural scale words are no figure at all, though text2num reads "hundreds" as 100.
    t = re.sub(r"\b(?:tens|hundreds|thousands|millions|billions)\b", "lots", t)
    t = re.sub(r"\bhalf a million\b", "500000", t)
    t = re.sub(r"\ba dozen\b", "12", t)
    t = re.sub(r"\ban? (hundred|thousand|million|billion)\b", r"one \1", t)
    t = re.sub(r"\b(?:minus|negative) (?=\w)", "-", t)
    t = _scale_words(t)
    try:
        t = alpha2digit(t, "en", threshold=0)
    except Exception:  # the library is third-party; a failure there must not reach the owner
        pass
    t = _scale_words(t)  # again, for "eighteen grand", which text2num turns into "18 grand"
    # "two point five million" comes back as "2.5 1000000".
    t = re.sub(r"(\d\.\d+) 1000\b(?!\d)", r"\1k", t)
    t = re.sub(r"(\d\.\d+) 1000000\b(?!\d)", r"\1m", t)
    return re.sub(r"(\d\.\d+) 1000000000\b(?!\d)", r"\1bn", t)


def _scale_words(t: str) -> str:
    """Digits followed by a scale word as a suffix: text2num would leave "5 thousand" as "5 1000"."""
    t = re.sub(r"(\d)\s*(?:thousand|grand)\b", r"\1k", t)
    t = re.sub(r"(\d)\s*(?:million|mn|mil)\b", r"\1m", t)
    t = re.sub(r"(\d)\s*(?:billion)\b", r"\1bn", t)
    return re.sub(r"(?<![\d.,])(\d{1,9})\s+hundred\b", lambda m: str(int(m[1]) * 100), t)


def _parse(num: str) -> Decimal | None:
    """One matched figure as a Decimal; UK style, so the dot is the decimal point."""
    try:
        amount = Price.fromstring(num, decimal_separator=".").amount
    except (InvalidOperation, ValueError, ArithmeticError):
        return None
    return amount if amount is not None and amount.is_finite() else None


def amounts(text: str) -> list[Amount]:
    """Every figure in the text, in order, with ranges merged to their midpoint and dismissed ones ("not 40") left out."""
    return list(_amounts(normalise(text)))


@lru_cache(maxsize=256)
def _amounts(normalised: str) -> tuple[Amount, ...]:
    """amounts() on normalised text, cached: one message is read by several readers in turn."""
    t = _words_to_digits(normalised)
    found: list[Amount] = []
    last_end, last_scaled = -1, False
    for m in _NUM.finditer(t):
        raw = _parse(m["num"].replace(" ", ""))
        if raw is None or _NOT_QUANTITY.match(t, m.end()) or _DISMISSED.search(t, max(0, m.start() - 30), m.start()):
            continue
        scale = _SCALE.get(m["scale"] or "", 1)
        raw = raw * scale * (-1 if m["neg"] else 1)
        if abs(raw) > MAX_VALUE:
            continue
        currency = _CURRENCY_BEFORE.search(t, max(0, m.start() - 6), m.start()) or _CURRENCY_AFTER.match(t, m.end())
        amount = Amount(raw, raw, m.start(), m.end(), _CURRENCY[currency[1]] if currency else None,
                        _period_after(t, m.end()), bool(m["vague"]), t[m.end():m.end() + 40], t[max(0, m.start() - 60):m.start()])
        if found and last_end == found[-1].end and _is_range(t, found[-1], amount):
            low = found.pop()
            # "15-20k": the suffix on the second figure applies to the first.
            low_raw = low.raw * scale if scale > 1 and not last_scaled and low.raw * scale <= raw else low.raw
            mid = (low_raw + raw) / 2
            amount = Amount(mid, mid, low.start, amount.end, amount.currency or low.currency,
                            amount.period or low.period, amount.vague and low.vague, amount.after, low.before)
        found.append(amount)
        last_end, last_scaled = m.end(), scale > 1
    return tuple(_monthly_of(a) for a in found)


def _is_range(t: str, low: Amount, high: Amount) -> bool:
    """True for "200-300", "200 to 300", "40 or 50" and "between 200 and 300"."""
    gap = t[low.end:high.start]
    if _RANGE_GAP.fullmatch(gap):
        return True
    return bool(re.fullmatch(r"\s*and\s*[£$€]?\s*", gap)) and t[:low.start].rstrip(" £$€").endswith("between")


def _period_after(t: str, end: int) -> str | None:
    """The period stated just after a figure ("300 tickets a week"), stopping at the next figure."""
    m = _PERIOD_AFTER.match(t, end)
    if not m:
        return None
    if m["adv"]:
        return _ADVERB_UNIT[m["adv"]]
    if m["unit"] == "day" and m["working"]:
        return "working day"
    return "year" if m["unit"] == "annum" else m["unit"]


def _monthly_of(a: Amount) -> Amount:
    """The same amount with value turned per-month when a period is stated."""
    if a.period is None:
        return a
    times, divided_by = _PER_MONTH[a.period]
    return Amount(a.value * times / divided_by, a.raw, a.start, a.end, a.currency, a.period, a.vague, a.after, a.before)


def _pick(found: list[Amount], *prefer) -> Amount | None:
    """The last firm figure, narrowed by each preference that some figure meets."""
    pool = [a for a in found if not a.vague] or found
    for test in prefer:
        pool = [a for a in pool if test(a)] or pool
    return pool[-1] if pool else None


_ZERO = re.compile(r"^(?:none|nothing|nil|zilch|not (?:a single )?one|not any|no examples?|we (?:don'?t|do not) have any|"
                   r"(?:we have )?none (?:at all|yet)|none so far|no clean (?:ones|examples?))\b")


def read_number(text: str) -> float | None:
    """A count or quantity: "twelve", "maybe forty", "5k", "2,400", "a few hundred... say 300" -> 300."""
    best = _pick(amounts(text))
    if best is not None:
        return float(best.raw)
    return 0.0 if _ZERO.match(normalise(text)) else None


def _money(text: str) -> Amount | None:
    """The one-off price if one is stated, else any amount; figures marked in pounds come first."""
    return _pick(amounts(text), lambda a: a.currency is not None, lambda a: a.currency == "GBP", lambda a: a.period is None)


def read_money(text: str) -> float | None:
    """An amount in pounds: "£18,000", "18k", "eighteen thousand pounds", "£18k + VAT" -> 18000."""
    best = _money(text)
    return float(best.raw) if best is not None else None


def read_monthly(text: str) -> float | None:
    """Items per month: "300 a week" -> 1300, "50 a day" -> 1500, "24,000 a year" -> 2000; a bare number is monthly."""
    best = _pick(amounts(text), lambda a: a.period is not None)
    return float(best.value) if best is not None else None


# --- yes, no and not sure ------------------------------------------------------------------------

_LEXICON: dict[str, tuple[str, ...]] = {
    "unsure": ("not (?:really |quite |totally |entirely |100% )?sure", "unsure", "no idea", "dunno", "(?:i )?(?:don'?t|do not) know",
               "no clue", "not a clue", "haven'?t a clue", "not certain", "uncertain", "can'?t say", "cannot say", "hard to say",
               "who knows", "maybe", "perhaps", "possibly", "it depends", "depends", "yes and no", "50/50", "idk", "unknown",
               "(?:i )?(?:don'?t|do not) know yet"),
    "no": ("no way", "nope", "nah", "no", "not really", "not at all", "never", "definitely not", "absolutely not", "certainly not",
           "probably not", "unlikely", "i (?:don'?t|do not) think so", "i doubt it", "hardly", "negative", "false", "n"),
    "yes": ("yes", "yeah", "yep", "yup", "yea", "aye", "sure", "definitely", "absolutely", "certainly", "of course", "correct",
            "true", "i think so", "i believe so", "i'?d say so", "probably", "likely", "most likely", "pretty much", "mostly",
            "indeed", "affirmative", "for sure", "y", "i guess so", "think so", "it does", "it will", "they do", "we do"),
}
# Words too short or too common to trust when they turn up mid-sentence.
_TOO_SHORT_ANYWHERE = {"n", "y", "no", "sure", "true", "false", "correct", "negative", "hardly", "never", "depends"}


def _alts(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# A leading "no" counts only when it stands alone: "no change" is not "no".
_LEX_START = re.compile("^(?:" + "|".join(f"(?P<{k}>{_alts(v)})" for k, v in _LEXICON.items()) + r")"
                        r"(?=$|\s*[,.!;:\-]|\s+(?:but|and|i|it|we|they|that|this|not|definitely|probably|really|thanks)\b)")
_LEX_ANY = re.compile(r"\b(?:" + "|".join(
    f"(?P<{k}>{_alts(tuple(w for w in v if w not in _TOO_SHORT_ANYWHERE))})" for k, v in _LEXICON.items()) + r")\b")


def _lexicon(t: str, anywhere: bool = False) -> str | None:
    """yes / no / unsure from hedged words, at the start (or anywhere, as a last resort)."""
    m = (_LEX_ANY.search(t) if anywhere else _LEX_START.match(t))
    return m.lastgroup if m else None


_NEGATOR = re.compile(r"(?:not|no|never|without|nothing|none|nobody|nor|hardly|barely|unlike|cannot|dont|wont|cant|"
                      r"(?:do|does|did|is|are|was|were|wo|ca|could|should|would|has|have|had|must|need|ai)n'?t)")


def negated(t: str, start: int) -> bool:
    """True when the words just before start negate it, within the same clause."""
    clause = re.split(r"[.;:!?,()]|\bbut\b|\bthough\b|\bhowever\b|\bwhereas\b", t[max(0, start - 60):start])[-1]
    if re.search(r"\bnot (?:only|just)\s*$", clause):
        return False
    if re.search(r"\b(?:don'?t|do not|didn'?t) (?:think|expect|believe|see)\b|\bdoubt\b|\binstead of\b|\brather than\b", clause):
        return True
    return any(_NEGATOR.fullmatch(w) for w in clause.split()[-3:])


def _polar(t: str, rules: tuple[tuple[str, str, str | None], ...]) -> list[str]:
    """Values from (pattern, value, value-when-negated) rules, in the order they appear in the text."""
    hits = []
    for pattern, value, flipped in rules:
        for m in re.finditer(pattern, t):
            v = flipped if negated(t, m.start()) else value
            if v:
                hits.append((m.start(), v))
    return [v for _, v in sorted(hits)]


_CHANGING = (r"\bchang|\bevolv|\bshift|\bin flux\b|\bmoving target|\bstill (?:working|figuring|learning|deciding)|"
             r"\bworking (?:it |that )?out\b|\bfiguring (?:it )?out\b|\bexperiment|\bvar(?:y|ies)\b|\bpivot|\bredesign|"
             r"\brestructur|\boverhaul|\bunstable\b|\bupdat|\brevis|\bdifferent (?:every|each)\b|\bin progress\b")
_STEADY = (r"\bsame\b|\bstable\b|\bsettled\b|\bconsistent\b|\bfixed\b|\bestablished\b|\bunchanged\b|\bsteady\b|"
           r"\bpredictable\b|\bstandardi[sz]ed\b|\bset in stone\b|\bfor (?:years|ages|decades)\b|\balways been\b|\bstatic\b")
_POLAR_RULES: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    "task_stable": ((_STEADY, "yes", "no"), (_CHANGING, "no", "yes")),
    "fresh_knowledge": ((_CHANGING + r"|\bout of date\b|\bcurrent\b|\blatest\b|\blive\b|\bfluctuat|\bprices?\b|"
                         r"\bpolic(?:y|ies)\b|\brates\b|\bstock levels?\b|\bavailability\b|\blegislation\b|\bregulations\b|"
                         r"\bevery (?:day|week|month|quarter|year)\b", "yes", "no"),
                        (_STEADY + r"|\btimeless\b|\bevergreen\b|\bconstant\b|\bpermanent\b|\bhistorical\b", "no", "yes")),
    "regulated": ((r"\bhir(?:e|es|ed|ing)\b|\brecruit|\bcandidates?\b|\bcvs?\b|\blend|\bloans?\b|\bcredit\b|\bmortgage|"
                   r"\binsur|\bhealth|\bmedical\b|\bpatients?\b|\bclinical\b|\btenan|\bdisciplin|\bpromotions?\b|\bfiring\b|"
                   r"\bdismiss|\bdecisions? about\b|\bindividuals\b|\bpeople\b|\bapplicants?\b|\beligib|\bwelfare\b|"
                   r"\bbenefits? claims?\b|\bgrading\b|\bexams?\b|\bimmigration\b|\bemployees?\b", "yes", "no"),
                  (r"\binternal\b|\badmin\b|\bback[- ]office\b|\bpaperwork\b|\binvoices?\b|\btickets?\b|\bproducts?\b|"
                   r"\bmarketing\b|\boperations?\b|\binformational\b|\bdocuments only\b", "no", None)),
}

_VENDOR_NOT_ASKED = re.compile(
    r"\b(?:haven'?t|have not|hasn'?t|didn'?t|did not|never|not yet|yet to|forgot to|going to|will|'ll|need to|should|must)"
    r"(?: \w+){0,2} ask|\bnot (?:been )?asked\b|\bno chance to ask\b|\bhaven'?t (?:checked|raised it)\b|^not yet\b")
_VENDOR_NO = re.compile(
    r"\bdodg|\bavoid|\bevad|\bsidestep|\bdeflect|\bwaffl|\bvague\b|\bhand-?wav|\bfudg|\bbrush(?:ed)? (?:it |me |us )?off\b|"
    r"\bchanged the subject\b|\b(?:couldn'?t|could not|can'?t|cannot|wouldn'?t|would not|won'?t|didn'?t|did not)"
    r" (?:really )?(?:say|tell|answer|give|explain|commit|confirm|specify)|\brefused\b|\bno (?:clear |real |straight )?(?:answer|number|figure|plan)\b|"
    r"\bthey (?:don'?t|didn'?t|did not|do not) know\b|\bthey (?:had|have) no idea\b|\bthey (?:weren'?t|were not|aren'?t|are not) sure\b|"
    r"\bunclear\b|\bnon-?committal\b|\bit depends\b|\bwe'?ll see\b|\btbc\b|\bget back to (?:us|me)\b|\bcome back to (?:us|me)\b")
_VENDOR_YES = re.compile(
    r"\bthey(?: (?:said|told|explained|answered|gave|quoted|showed|promised|confirmed|would|will)|'d|'ll)\b|\bsaid \d|"
    r"(?<!\d)\d{1,15}\s*(?:k\s*)?(?:clean |labell?ed )?(?:examples|samples|records|pairs)\b|\bgave (?:us |me )?(?:a|the|an)\b|"
    r"\btold (?:us|me)\b|\bexplained\b|\bclear(?:ly)? answer|\banswered\b|\bspecific\b|\bdetailed\b|\bin writing\b")

_MECHANISM_KINDS = (
    ("fine_tuning", r"\bfine[\s-]?tun|\bretrain|\bre-train|\blora\b|\bqlora\b|\blow[\s-]rank|\bpeft\b|"
                    r"\btrain\w* (?:\w+ ){0,4}on (?:\w+ ){0,2}label+ed\b|\btrain\w* (?:a|the|our|your|its) own (?:model|version)\b|"
                    r"\b(?:adjust|update|chang)\w* (?:the |its )?(?:model'?s )?weights\b|\bcustom(?:-trained)? model\b"),
    ("rag", r"\brag\b|\bretriev|\bsearch(?:es|ing)? (?:through )?(?:our|your|the|its)? ?(?:own )?(?:documents|docs|files|knowledge|records|data)\b|"
            r"\bknowledge ?base\b|\blooks? (?:things |stuff )?up\b|\blooking (?:things |stuff )?up\b|\bat query time\b|"
            r"\bvector (?:database|store|db|search)\b|\bembeddings?\b|\bsemantic search\b|\breads? (?:our|your) (?:documents|docs|files)\b|"
            r"\bconnect\w* (?:it )?(?:up )?to (?:our|your) (?:documents|docs|files|sharepoint|drive|wiki|intranet|knowledge)\b|"
            r"\bindex\w* (?:our|your|the) (?:documents|docs|files)\b|\bgrounded in\b"),
    ("prompting", r"\bprompt(?:s|ing|ed)?\b|\bsystem instructions\b|\bbetter instructions\b|\bprompt engineer"),
)
_MECHANISM_MIX = r"\bmix(?:ture|ed)?\b|\bboth\b|\bcombination\b|\bcombin|\bhybrid\b|\ball (?:of )?(?:them|three|the above)\b|\ba bit of everything\b"
_MECHANISM_VAGUE = (r"\bcustomi[sz]|\bpersonali[sz]|\btailor|\badapt (?:it|the model)|\bdidn'?t say\b|\bnot clear\b|\bunclear\b|"
                    r"\bvague\b|\btrain\w* (?:\w+ ){0,4}on (?:\w+ ){0,3}(?:data|examples|documents|emails|reports|history)\b|"
                    r"\bteach (?:it|the model)\b|\blearn\w* (?:from )?(?:our|your)\b|\bdidn'?t explain\b|\bno idea\b")
_DISMISS_MECHANISM = re.compile(r"\b(?:unlike|than|instead of|no need for|beyond|replac\w*|forget|outperform\w*|better)\s+(?:\w+\s+){0,2}$")


def mechanism_of(text: str) -> str | None:
    """fine_tuning / rag / prompting / mixed / unclear from a description, or None when nothing says which."""
    t = normalise(text)
    kinds = []
    for kind, pattern in _MECHANISM_KINDS:
        for m in re.finditer(pattern, t):
            before = t[max(0, m.start() - 40):m.start()]
            if not negated(t, m.start()) and not _DISMISS_MECHANISM.search(before):
                kinds.append(kind)
                break
    if len(kinds) > 1 or (kinds and re.search(_MECHANISM_MIX, t)):
        return "mixed"
    if kinds:
        return kinds[0]
    if re.search(_MECHANISM_MIX, t):
        return "mixed"
    return "unclear" if re.search(_MECHANISM_VAGUE, t) else None


_TASK_RULES = (  # ordered: specific phrases before the single words they contain
    ("fixed_format", r"\bstandard (?:format|letters?|templates?|documents?|quotes?|responses?)\b|\bfixed (?:format|layout|template)\b|"
                     r"\bsame (?:format|layout|structure)\b|\btemplates?\b|\bboilerplate\b|\bform letters?\b|"
                     r"\bquotes? in (?:our|a|the) (?:\w+ )?(?:format|layout|template)\b|\b(?:generat|produc|writ)\w* quotes\b|\bquote generation\b", True),
    ("knowledge_qa", r"\banswer\w* (?:\w+ ){0,3}(?:questions|queries|enquiries)\b|\bfaqs?\b|\bq ?& ?a\b|\bquestions about\b|"
                     r"\bhelp ?desk\b|\blook\w* up (?:our )?(?:policies|procedures|methodology)\b", True),
    ("extraction", r"\bextract|\bpull\w* (?:\w+ ){0,3}(?:out|from|into)\b|\bjson\b|\bstructured data\b|\bdata entry\b|\bparse|"
                   r"\bparsing\b|\bfields\b|\bcapture (?:the )?(?:data|details)\b|\bkey (?:details|data|fields)\b", True),
    ("classification", r"\bsort(?:s|ing|ed)?\b(?! of)|\bcategor|\bclassif|\btag(?:s|ging|ged)?\b|\blabel(?:s|ling|ing)?\b|"
                       r"\brout(?:e|es|ed|ing)\b|\btriag|\bprioriti|\bspam\b|\bsentiment\b|\bassign\w* (?:to|tickets)\b", True),
    ("classification", r"\bflag(?:s|ging)?\b", False),
    ("open_writing", r"\breports?\b|\badvice\b|\badvis|\btone\b|\bour voice\b|\bhouse style\b|\bbespoke\b|\bproposals?\b|"
                     r"\bblog|\bmarketing\b|\bcopy(?:writing)?\b|\bletters\b", True),
    ("open_writing", r"\bwrit|\bdraft|\bcontent\b|\bemails?\b|\brespon|\brepl(?:y|ies)\b", False),
    ("knowledge_qa", r"\bmethodolog|\bknowledge\b|\bquestions\b|\bchat ?bot\b|\bsupport bot\b|\bpolic(?:y|ies)\b", False),
)


def task_of(text: str, strict: bool = False) -> str | None:
    """The task choice a description names; strict keeps to unmistakable phrases (for vendor pitches)."""
    t = normalise(text)
    for value, pattern, strong in _TASK_RULES:
        if (strong or not strict) and re.search(pattern, t):
            return value
    return None


_PERSONAL_RULES = (
    ("none", r"\bno personal\b|\bnothing personal\b|\bnot personal\b|\bno (?:names|pii|individuals|people|customer data|personal info)\b|"
             r"\banonymi[sz]|\bde-?identif|\ball (?:business|company|internal|technical) (?:data|documents|info)\b|^none\b|"
             r"\b(?:don'?t|doesn'?t|do not|does not) (?:contain|have|include|hold) (?:any )?(?:personal|names|pii)\b|\bnon-personal\b"),
    ("not_lawful", r"\bno (?:lawful|legal) basis\b|\bnot (?:lawful|legal|allowed|permitted|cleared|authori[sz]ed)\b|\bunlawful|\billegal|"
                   r"\bmay not\b|\bmustn'?t\b|\bmust not\b|\b(?:can'?t|cannot|couldn'?t|shouldn'?t|should not) (?:\w+ )?(?:share|send|give|hand|pass|use)\b|"
                   r"\b(?:wouldn'?t|would not|aren'?t|are not|isn'?t|is not) (?:be )?allowed\b|\bno consent\b|\bwithout (?:consent|permission)\b|"
                   r"\b(?:never|didn'?t|did not) (?:get|got|ask for|obtain|obtained)\w* consent\b|\bno dpa\b|\bno (?:data )?processing agreement\b|"
                   r"\bnot covered\b|\bbreach|\bagainst (?:gdpr|the law|our policy)\b|\bnot supposed to\b"),
    ("unsure", r"\bneed to check\b|\bcheck with\b|\bask (?:our )?(?:legal|dpo|lawyers?|solicitor)\b|\bgr[ae]y area\b|"
               r"\b(?:not sure|don'?t know|unsure) (?:if|whether)\b"),
    ("lawful", r"\bconsent\b|\bdpa\b|\bprocessing agreement\b|\b(?:lawful|legal) basis\b|\blegitimate interest|\ballowed\b|\bpermitted\b|"
               r"\b(?:we )?(?:can|may) (?:\w+ )?(?:share|send)\b|\b(?:fine|ok|okay) to share\b|\bcontract (?:covers|allows)\b|\bcovered by\b|"
               r"\bgdpr[- ]compliant\b|\bcleared\b|\blegal (?:said|approved|signed off)\b|\bapproved\b|\bsigned off\b|\blawful\b"),
)
_PERSONAL_NOUNS = r"\bnames?\b|\bemails?\b|\bcvs?\b|\baddress|\bphone|\bhealth|\bmedical|\bsalar|\bbank|\bpersonal|\bcustomer details\b|\bdates? of birth\b"

_PROMPT_RAG_NOT_TRIED = re.compile(
    r"\b(?:not|never|haven'?t|have not|hasn'?t|has not|didn'?t|did not|no one|nobody|not yet)\b(?:\s+\w+){0,3}?\s+"
    r"(?:tried|try|tested|test|attempted|looked at|done|used)\b|\bnot yet\b|\bhaven'?t\s*$|\buntried\b|\bnever\b|^no\b|\bwhat'?s (?:that|rag)\b")
_PROMPT_RAG_RULES = (
    (r"\bgood enough\b|\bfine\b|\bacceptable\b|\bwork(?:s|ed)?\b|\bok\b|\bokay\b|\bdecent\b|\bgreat\b|\bgood\b|\bhappy\b|"
     r"\bsatisfied\b|\bdoes the job\b|\bdid the job\b|\bsolid\b|\bexcellent\b|\badequate\b|\busable\b|\bpassable\b|\bsufficient\b",
     "acceptable", "not_acceptable"),
    (r"\bpoor\b|\bbad\b|\bterrible\b|\bawful\b|\brubbish\b|\buseless\b|\bfell short\b|\bdisappoint|\binconsistent\b|\bhallucinat|"
     r"\bwrong\b|\bworse\b|\bstruggl|\bfail|\bmediocre\b|\bpatchy\b|\bhit and miss\b|\bmeh\b|\bso-so\b|\bweak\b|\bunreliable\b|"
     r"\bmistakes\b|\berrors\b|\bunacceptable\b|\bgeneric\b|\bnot there\b", "not_acceptable", "acceptable"),
)

# The clearest phrase for each value, so the echo reads as plain English.
_ECHO = {
    "mechanism": {"fine_tuning": "fine-tuning the model", "rag": "RAG, the model looking things up in your documents",
                  "prompting": "writing better prompts", "mixed": "a mix of approaches",
                  "unclear": "they didn't say clearly what they will do"},
    "task": {"classification": "sorting or labelling things into set categories",
             "extraction": "pulling fields out into a structure", "fixed_format": "documents in a fixed format",
             "open_writing": "writing reports or advice in your tone", "knowledge_qa": "answering questions from your own knowledge"},
    "task_stable": {"yes": "the task will stay the same", "no": "the task is still changing",
                    "unsure": "not sure whether the task will change"},
    "personal_data": {"none": "no personal data", "lawful": "personal data you may lawfully share",
                      "not_lawful": "personal data you may not share", "unsure": "not sure about the personal data"},
    "prompt_rag": {"acceptable": "prompts plus RAG were tried and were good enough",
                   "not_acceptable": "prompts plus RAG were tried and were not good enough",
                   "not_tried": "prompts plus RAG have not been tried yet"},
    "fresh_knowledge": {"yes": "the answers depend on facts that change", "no": "the facts behind the answers stay put",
                        "unsure": "not sure whether the facts change"},
    "regulated": {"yes": "the output feeds decisions about individuals", "no": "no decisions about individuals",
                  "unsure": "not sure whether it feeds decisions about people"},
    "vendor_examples": {"yes": "the vendor said how many examples they need",
                        "no": "the vendor could not say how many examples they need", "not_asked": "you haven't asked them yet"},
    "vendor_shortfall": {"yes": "the vendor said what they'd do if you don't have enough",
                         "no": "the vendor could not say what they'd do if you don't have enough",
                         "not_asked": "you haven't asked them yet"},
    "vendor_retraining": {"yes": "the vendor explained how the model is retrained",
                          "no": "the vendor could not say how the model is retrained", "not_asked": "you haven't asked them yet"},
}
_AMBIGUOUS_HINT = {
    "personal_data": 'So there is personal data: may it lawfully go to the vendor? Say "yes, we have consent or a DPA", '
                     '"no, we may not share it" or "not sure".',
    "prompt_rag": 'Was it good enough? Say "tried, good enough", "tried, not good enough" or "not tried yet".',
}
_SKIP_WORDS = re.compile(r"^(?:skip|pass|next|skip (?:this|it|that)(?: one| question)?|(?:i'?d )?rather not say|prefer not to say)$")
_DONT_KNOW = re.compile(r"\b(?:don'?t know|do not know|dunno|no idea|not sure|unsure|no clue|not a clue|can'?t say|cannot say|"
                        r"unknown|idk|skip|pass|n/?a|no quote yet|not (?:been )?quoted|haven'?t (?:got|had|received) (?:a|the) (?:quote|price)|"
                        r"(?:they )?haven'?t said|not given|not yet)\b")


def _fmt(value: Decimal | float | int) -> str:
    """A figure with thousands separators and no trailing zeros."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.quantize(Decimal('0.01'), ROUND_HALF_UP):,}".rstrip("0").rstrip(".")


def _pounds(value: Decimal) -> str:
    """£18,000 or £18,000.50: pence shown only when there are some."""
    if value == value.to_integral_value():
        return f"£{int(value):,}"
    return f"£{value.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def _choice_hint(spec: Field) -> str:
    options = ", ".join(f'{i}. "{c.label}"' for i, c in enumerate(spec.choices, 1))
    return f"I couldn't match that to an answer. You can say one of: {options}; or the number. {spec.hint}"


def _ok(spec: Field, value: str) -> Reading:
    phrase = _ECHO.get(spec.name, {}).get(value) or spec.label_of(value)
    return Reading("ok", value, f"Got it: {phrase}.")


def _simple(t: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def _choice_value(spec: Field, t: str) -> str | None:
    """A choice named by its value, its label, its number, or in the owner's own words."""
    simple, values = _simple(t), spec.choice_values()
    for c in spec.choices:
        if simple in (_simple(c.value), _simple(c.label.lower())):
            return c.value
    number = re.fullmatch(r"(?:option |number |no |choice )?(\d{1,2})", simple)
    if number and 1 <= int(number[1]) <= len(values):
        return values[int(number[1]) - 1]
    name = spec.name
    if name == "mechanism":
        return mechanism_of(t) or ("unclear" if _lexicon(t) == "unsure" or _lexicon(t, True) == "unsure" else None)
    if name == "task":
        return task_of(t)
    if name == "personal_data":
        for value, pattern in _PERSONAL_RULES:
            if re.search(pattern, t):
                return value
        said = _lexicon(t) or _lexicon(t, True)
        return {"no": "none", "unsure": "unsure"}.get(said or "")
    if name == "prompt_rag":
        if _PROMPT_RAG_NOT_TRIED.search(t):
            return "not_tried"
        if re.search(r"\bnot good enough\b|\bnot acceptable\b", t) or re.search(r"\bgood enough\b", t) and negated(t, t.find("good enough")):
            return "not_acceptable"
        hits = _polar(t, _PROMPT_RAG_RULES)
        return hits[-1] if hits else ("not_tried" if _lexicon(t) == "no" else None)
    if name.startswith("vendor_"):
        # The owner not knowing means they have not asked; the vendor not knowing is a "no".
        as_vendor = {"yes": "yes", "no": "no", "unsure": "not_asked"}
        if _VENDOR_NOT_ASKED.search(t):
            return "not_asked"
        if _VENDOR_NO.search(t):
            return "no"
        if _lexicon(t):
            return as_vendor[_lexicon(t)]
        return "yes" if _VENDOR_YES.search(t) else as_vendor.get(_lexicon(t, True) or "")
    said = _lexicon(t)
    if said:
        return said
    hits = _polar(t, _POLAR_RULES.get(name, ()))
    if hits:
        return hits[0] if len(set(hits)) == 1 or "unsure" not in values else "unsure"
    return _lexicon(t, anywhere=True)


def _read_choice(spec: Field, t: str) -> Reading:
    value = _choice_value(spec, t)
    if value in spec.choice_values():
        return _ok(spec, value)
    if _SKIP_WORDS.match(_simple(t)) or (spec.name in ("task", "prompt_rag") and _DONT_KNOW.search(t) and not value):
        return Reading("skip", None, "No problem, we can leave that one for now.")
    if spec.name == "personal_data" and (_lexicon(t) == "yes" or re.search(_PERSONAL_NOUNS, t)):
        return Reading("unreadable", hint=_AMBIGUOUS_HINT["personal_data"])
    if spec.name == "prompt_rag" and (_lexicon(t) == "yes" or re.search(r"\btried\b", t)):
        return Reading("unreadable", hint=_AMBIGUOUS_HINT["prompt_rag"])
    return Reading("unreadable", hint=_choice_hint(spec))


_NUMBER_HINT = {
    "count": 'I couldn\'t read a number there. Try "about 40" or "2,000".',
    "volume": 'I couldn\'t read a number there. Try "about twelve a month", "300 a week" or "5k".',
    "money": 'I couldn\'t read an amount there. Try "£18,000", "18k" or "eighteen thousand". Say "don\'t know" to skip.',
}
_EXAMPLE_NOUN = re.compile(r"\s*(?:\w+\s+){0,2}?(?:examples?|samples?|pairs|clean|label+ed|good ones)\b")
_SKIPPED = Reading("skip", None, "No problem, we can leave that one for now.")


def _read_figure(spec: Field, t: str) -> Reading:
    found = amounts(t)
    if spec.kind == "money":
        best = _money(t)
        if best is not None and best.currency not in (None, "GBP"):
            return Reading("unreadable", hint='Please give the figure in pounds, for example "£18,000".')
        if best is not None and best.period is not None:
            return Reading("unreadable", hint=f"That sounds like a running cost ({_pounds(best.raw)} a {best.period}). "
                                              "What is the one-off price? For example \"£18,000\".")
    elif spec.kind == "volume":
        best = _pick(found, lambda a: a.period is not None)
    else:
        best = _pick(found, lambda a: _EXAMPLE_NOUN.match(a.after) is not None)
    if best is None:
        if _ZERO.match(t) and spec.kind != "money":
            best = Amount(Decimal(0), Decimal(0), 0, 0)
        elif _DONT_KNOW.search(t) or _SKIP_WORDS.match(_simple(t)):
            return _SKIPPED
        else:
            return Reading("unreadable", hint=_NUMBER_HINT[spec.kind])
    if best.raw < 0:
        return Reading("unreadable", hint="That needs to be zero or more. " + _NUMBER_HINT[spec.kind].split(". ", 1)[1])
    if spec.kind == "money":
        value = float(best.raw)
        others = [a for a in found if a.period is not None and a.currency in (None, "GBP")]
        extra = f" (not counting the {_pounds(others[0].raw)} a {others[0].period})" if others else ""
        return Reading("ok", value, f"Got it: a quote of {_pounds(best.raw)}{extra}.")
    if spec.kind == "volume":
        value = _round(best.value)
        per = f" ({_fmt(best.raw)} a {best.period})" if best.period not in (None, "month") else ""
        return Reading("ok", value, f"Got it: about {value:,} a month{per}.")
    value = _round(best.raw)
    if value == 0:
        return Reading("ok", 0, "Got it: no clean examples yet.")
    return Reading("ok", value, f"Got it: about {value:,} clean example{'s' if value != 1 else ''}.")


def read_answer(field_name: str, text: str) -> Reading:
    """The owner's answer to one interview question, read by the field's kind."""
    spec = FIELD_BY_NAME.get(field_name) if isinstance(field_name, str) else None
    if spec is None:
        return Reading("unreadable", hint="That question isn't one I know.")
    t = normalise(text)
    if not t:
        return Reading("unreadable", hint=spec.hint)
    if spec.kind == "text":
        if _SKIP_WORDS.match(_simple(t)):
            return _SKIPPED
        return Reading("ok", text.strip()[:MAX_CHARS], "Got it: the vendor's pitch.")
    if spec.kind == "choice":
        return _read_choice(spec, t)
    return _read_figure(spec, t)


# --- intents, questions and corrections --------------------------------------------------------

_INTENTS: tuple[tuple[Intent, str], ...] = (
    ("restart", r"(?:start|begin) (?:again|over|afresh|from scratch)|restart|reset|new (?:chat|session|pitch)|"
                r"clear (?:everything|it all|all)|from the (?:top|beginning)|start a new one"),
    ("back", r"(?:go |take me )?back|previous(?: question)?|undo|(?:go to )?(?:the )?last question|go back a step"),
    ("why", r"why|why (?:do|did) you (?:ask|need|want)(?: (?:that|this|to know))?(?: that| this)?|why (?:does|is) (?:that|this|it) "
            r"(?:matter|relevant|important|needed)|what'?s that (?:for|got to do with (?:it|anything))|why (?:ask|that|this)|"
            r"why does it matter|what does that matter|why is that"),
    ("skip", r"skip(?: (?:this|that|it))?(?: one| question)?|pass|next(?: question)?|move on|(?:i'?d )?rather not (?:say|answer)|prefer not to say"),
    ("help", r"help(?: me)?|what can i (?:say|do|type)|how does this work|options|menu|commands|i'?m (?:lost|confused|stuck)|huh"),
)
_POLITE = re.compile(r"^(?:(?:please|can we|can you|could we|could you|let'?s|i want to|i'?d like to|i would like to|just|ok|okay|"
                     r"um+|er+|hmm+|actually|oh)\s+)+|(?:\s+(?:please|thanks|thank you))+$")


def read_intent(text: str) -> Intent | None:
    """A navigation command when the whole message is one: restart, back, why, skip or help."""
    t = normalise(text)
    if t and re.fullmatch(r"[?\s]+", t):
        return "help"
    t = _POLITE.sub("", re.sub(r"[.!?,\s]+$", "", t)).strip()
    for intent, pattern in _INTENTS:
        if re.fullmatch(pattern, t):
            return intent
    return None


_TERMS = (r"\blora\b|\brag\b|fine[- ]?tun|overfit|\btokens?\b|embedding|vector|hallucinat|distil|open[- ]weight|base model|"
          r"foundation model|context window|catastrophic|forgetting|retrain|prompt|few[- ]shot|data audit|curation|hosting|"
          r"lock[- ]in|deprecat|ai act|gdpr|personal data|auditab|evaluation|training data|knowledge currency|customi[sz]ation")
_QUESTION_START = re.compile(
    r"^(?:what(?:'?s| is| are| does| do| did| about| if| happens| kind| sort| type| would| should| can| could| will| makes| "
    r"counts| exactly| else| means|'re| was| were)\b|how (?:much|many|does|do|did|is|are|can|could|should|would|will|long|often|come|"
    r"about|exactly|big|far|hard|risky|expensive|to|cheap)\b|why\b.+|(?:when|where|who|which) (?:is|are|do|does|did|can|should|would|will|"
    r"was|were)\b|explain\b|define\b|describe\b|tell me\b|meaning of\b|difference between\b|compare\b|eli5\b|remind me\b|"
    r"i (?:don'?t|do not) (?:understand|get|know what)\b|i'?m not sure what\b|"
    r"(?:is|are|does|do|did|can|could|should|would|will|has|have|may) (?:i|we|you|it|they|that|this|these|those|the|a|an|my|our|"
    r"your|lora|rag|fine[- ]?tuning|there)\b)")


def looks_like_question(text: str) -> bool:
    """True when the owner is asking something ("what's LoRA?") rather than answering; navigation commands are not questions."""
    t = normalise(text)
    if not t or read_intent(t) is not None:
        return False
    if _QUESTION_START.match(t) or re.search(r"\bwhat (?:does|do) .{1,40} mean\b|\bmeaning\b", t):
        return True
    return t.endswith("?") and bool(re.search(_TERMS + r"|\bwhat\b|\bhow\b|\bwhy\b|\bmean\b", t))


_CUE = re.compile(r"\b(?:actually|sorry|correction|i meant|i mean|change|changed|it'?s really|it is really|in fact|oops|"
                  r"my mistake|make that|scratch that|wait|update)\b")
_VENDOR_SUBJECT = re.compile(r"\b(?:they|vendor|supplier|agency|he|she)\b (?:\w+ )?(?:said|told|dodged|couldn'?t|could not|didn'?t|"
                             r"did not|explained|answered|avoided|gave|wouldn'?t)|\b(?:i|we) (?:didn'?t|haven'?t|never|did not|have not) ask")
_FIELD_KEYWORDS = (
    ("prompt_rag", r"\btried\b|\bhaven'?t tried\b|\bprompts? (?:plus|and|with) rag\b"),
    ("task_stable", r"\btask\b.{0,60}\b(?:chang|evolv|same|stable|settled|shift)|\b(?:chang|evolv|same|stable)\w*\b.{0,60}\btask\b|\bprocess(?:es)? (?:will |keeps? )?chang"),
    ("personal_data", r"personal (?:data|info)|\bcvs?\b|\bgdpr\b|\bconsent\b|anonymi|\blawful|\bdpa\b"),
    ("regulated", r"\bhiring\b|\blending\b|\binsurance\b|\bhealth\b|\bdecisions about\b|\brecruit|\bhigh[- ]risk\b"),
    ("fresh_knowledge", r"\bfacts\b|\b(?:prices|policies)\b.{0,60}\bchang|\b(?:up|out) of date\b|\bup-to-date\b"),
    ("mechanism", r"fine[- ]?tun|\bretrain|\blora\b|\brag\b|\bretriev|\bprompt|\bknowledge base\b|\bmechanism\b"),
    ("task", r"\bthe (?:task|job) is\b|\bclassif|\bextract|\bfixed format\b|\bfaq\b|\b(?:it'?s|it is) (?:\w+ )?(?:sorting|tagging|routing)\b"),
)


def read_correction(text: str) -> tuple[str, Reading] | None:
    """A change to an earlier answer ("actually we have 200 examples"), as (field name, reading); None when it is not one."""
    t = normalise(text)
    if not t or read_intent(t) or looks_like_question(t):
        return None
    cue = bool(_CUE.search(t))
    candidates: list[str] = []
    if _VENDOR_SUBJECT.search(t):
        if re.search(r"\benough\b|\bshortfall\b|\bshort\b|\bfewer\b|\btop (?:it )?up\b|\bsynthetic\b|\baugment", t):
            candidates.append("vendor_shortfall")
        elif re.search(r"\bretrain|\bprocess(?:es)? chang|\bupdat|\bmaintain", t):
            candidates.append("vendor_retraining")
        elif re.search(r"\bexamples?\b|\bhow many\b|\bsamples?\b", t):
            candidates.append("vendor_examples")
    found = amounts(t)
    if found and not candidates:
        if re.search(r"\bexamples?\b|\bsamples?\b|\blabell?ed\b|\bclean (?:ones|examples)\b|\btraining (?:data|examples|set)\b", t):
            candidates.append("clean_examples")
        elif any(a.period for a in found if a.currency is None) or re.search(r"\bvolume\b", t):
            candidates.append("monthly_volume")
        elif any(a.currency for a in found) or re.search(r"\bquoted?\b|\bprice\b|\bcost\b|\bfee\b|\bcharg", t):
            candidates.append("quote_gbp")
    if not candidates:
        candidates = [name for name, pattern in _FIELD_KEYWORDS if re.search(pattern, t)]
        if not cue and candidates and candidates[0] == "mechanism":
            return None  # a bare mention of a technique is an answer or a question, not a correction
    for name in candidates[:1]:
        reading = read_answer(name, t)
        if reading.status == "ok":
            return name, reading
    return None
