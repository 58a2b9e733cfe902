"""Money and counts as an owner reads them: pounds, dollars and euros, and the exchange rates that are settings."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from chains.figures import SOUNDS_LIKE, Amount, amounts, pick
from chains.number_words import NUMBER_WORDS
from chains.settings import Settings

Currency = Literal["GBP", "USD", "EUR"]
CURRENCIES: tuple[Currency, ...] = ("GBP", "USD", "EUR")
SYMBOLS: dict[str, str] = {"GBP": "£", "USD": "$", "EUR": "€"}
# The smallest coin, for "less than a penny" rather than "£0.0000".
SMALL_COIN: dict[str, str] = {"GBP": "a penny", "USD": "a cent", "EUR": "a cent"}


def currency_of(value: object) -> Currency:
    """The currency a fact names; None means pounds. Raises ValueError for any other currency."""
    if value is None:
        return "GBP"
    code = str(value).strip().upper()
    if code not in CURRENCIES:
        raise ValueError(f"currency: expected one of {', '.join(CURRENCIES)}, got {value!r}")
    return code


def format_money(amount: float | None, currency: str | None = "GBP", pence: bool = False) -> str:
    """$25,000, €125.00 with pence=True, £18,000; tiny sums keep their digits; None reads "not known"."""
    if amount is None or not math.isfinite(amount):
        return "not known"
    sign = SYMBOLS.get(currency or "GBP", "£")
    if 0 < amount < 0.0001:
        return f"less than {sign}0.0001"
    if 0 < amount < 0.01:
        return f"{sign}{amount:.4f}".rstrip("0")
    if pence or amount != int(amount):
        return f"{sign}{amount:,.2f}"
    return f"{sign}{int(amount):,}"


def format_gbp(amount: float | None, pence: bool = False) -> str:
    """Pounds with thousands separators: £18,000, or £125.00 with pence=True; tiny sums keep their digits."""
    return format_money(amount, "GBP", pence)


def format_range(low: float | None, high: float | None, currency: str | None = "GBP") -> str:
    """ "$10,000 to $80,000" for a quoted range, or the one figure when there is no range."""
    if low is not None and high is not None and high > low:
        return f"{format_money(low, currency)} to {format_money(high, currency)}"
    return format_money(low, currency)


def about_money(amount: float, currency: str | None = "GBP") -> str:
    """An order of magnitude an owner can take in: "less than a cent", "about $0.80", "about £1,200"."""
    sign = SYMBOLS.get(currency or "GBP", "£")
    if amount < 0.01:  # "£0.0072" beside it on the card: less than a penny, not "about £0.01"
        return f"less than {SMALL_COIN.get(currency or 'GBP', 'a penny')}"
    if amount < 100:
        return f"about {sign}{amount:,.2f}"
    return f"about {sign}{amount:,.0f}"


def format_count(n: float | None) -> str:
    """A count with thousands separators."""
    return "not known" if n is None or not math.isfinite(n) else f"{round(n):,}"


def format_share(fraction: float | None) -> str:
    """A fraction as a percentage an owner can read: 0.0000004 becomes "less than 0.01%"."""
    if fraction is None or not math.isfinite(fraction):
        return "not known"
    pct = fraction * 100
    if 0 < pct < 0.01:
        return "less than 0.01%"
    return f"{pct:,.2f}%" if pct < 10 else f"{pct:,.0f}%"


def per_pound(currency: str | None, settings: Settings) -> float:
    """Units of the currency one pound buys, from the dated rates in the settings (1 for pounds)."""
    code = currency_of(currency)
    return {"GBP": 1.0, "USD": settings.usd_per_gbp, "EUR": settings.eur_per_gbp}[code]


def rate_phrase(currency: str | None, settings: Settings) -> str:
    """ "$1.34 to the pound on 30 September 2025", the words shown beside a converted figure; empty for pounds."""
    code = currency_of(currency)
    if code == "GBP":
        return ""
    day = settings.exchange_rates_date
    return f"{SYMBOLS[code]}{per_pound(code, settings):.2f} to the pound on {day.day} {day:%B %Y}"


def rate_phrase_of(economics: Mapping[str, Any]) -> str:
    """The rate words for an economics object already worked out ("$1.34 to the pound on 30 September 2025")."""
    code = economics.get("currency") or "GBP"
    day = economics.get("exchange_rates_date")
    if code == "GBP" or not day:
        return ""
    when = date.fromisoformat(day)
    return f"{SYMBOLS[code]}{economics.get('exchange_rate', 0):.2f} to the pound on {when.day} {when:%B %Y}"


# --- a sum in an owner's words -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    """A sum with its currency: a one-off amount (the low end of a range), or a recurring one with its period."""

    amount: float
    currency: str
    low: float | None = None
    high: float | None = None
    period: str = "one_off"  # "one_off" or "month"
    vat: bool = False  # "+ VAT" stated after it

    def as_json(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency, "low": self.low, "high": self.high, "period": self.period}


def money_of(a: Amount, default_currency: str = "GBP") -> Money:
    """An Amount as Money: ranges keep both ends and take the low end (the price a vendor opens with)."""
    currency = a.currency or default_currency
    vat = bool(re.match(r"\s*(?:\+|plus|ex\.?|excl\w*|exclusive of)\s*vat\b", a.after))
    if a.period is not None:
        monthly = float(a.value)
        return Money(round(monthly, 2), currency, period="month", vat=vat)
    if a.low is not None and a.high is not None and a.low != a.high:  # a.is_range, spelt out for the type checker
        return Money(float(a.low), currency, float(a.low), float(a.high), vat=vat)
    return Money(float(a.raw), currency, vat=vat)


_CURRENCY_WORDS = (
    ("USD", r"\b(?:dollars?|usd|us\$|bucks|american)\b"),
    ("EUR", r"\b(?:euros?|eur)\b"),
    ("GBP", r"\b(?:pounds?|quid|sterling|gbp)\b"),
)
_NOT_CURRENCY = re.compile(
    r"\b(?:not|rather than|instead of)\s+(?:in\s+)?(?:pounds?|dollars?|euros?|gbp|usd|eur|sterling|quid|bucks)\b"
)
ASSUMED = ' as you weren\'t sure (say "actually" and the price if not).'  # a currency taken for a price, said so
CURRENCY_NAMES = {"GBP": "pounds", "USD": "dollars", "EUR": "euros"}
_INSTALMENTS = re.compile(r"\b(\d{1,2}) (?:payments|instalments|installments|stages|tranches|invoices) of\s*[£$€]?\s*$")


# Currencies the verdict cannot price: the owner is asked for the figure in pounds, dollars or euros.
_FOREIGN = re.compile(
    r"\b(?:australian|aussie|canadian|new zealand|nz|kiwi|hong kong|singapore)\s*(?:dollars?|\$)|"
    r"\b(?:aud|cad|nzd|hkd|sgd|chf|jpy|inr|sek|nok|dkk|zar|yen|rupees?|francs?|kronor|krona|krone|rand|yuan|rmb)\b|"
    r"(?<![\w$])(?:au|a|c|ca|nz|hk|s)\$"
)


_DOLLAR_COUNTRY = re.compile(r"\b(?:australian?|aussie|canad(?:a|ian)|new zealand|kiwi|hong kong|singapore)\b")


def foreign_currency(t: str) -> bool:
    """True when the answer prices in a currency other than pounds, US dollars or euros ("twelve grand, Australian")."""
    if _FOREIGN.search(t):
        return True
    # "they said 4000 dollars, we're in Toronto so I'd assume Canadian": the country named apart from the dollars
    if re.search(r"\$|\bdollars?\b|\bbucks\b", t) and _DOLLAR_COUNTRY.search(t) and not re.search(r"\bus\b|\busd\b", t):
        return True
    # "it's 14,000 Canadian": the country's adjective said after the figure stands for its dollars
    return bool(re.search(r"\d\s?(?:k|grand|thousand)?,?\s+(?:in\s+)?" + _DOLLAR_COUNTRY.pattern + r"(?!\s*[a-z])", t))


def currency_named(t: str) -> str | None:
    """The one currency an answer names in words ("ten grand, american dollars"), if only one."""
    said = _NOT_CURRENCY.sub(" ", t)  # "in euros, not pounds": a currency said only to be ruled out does not count
    named = {code for code, pattern in _CURRENCY_WORDS if re.search(pattern, said)}
    return named.pop() if len(named) == 1 else None


def _shown(price: Money, code: str) -> str:
    shown = format_money(price.amount, code)
    return f"{shown} to {format_money(price.high, code)}" if price.high is not None else shown


def currency_carried(last: str, t: str) -> str:
    """The owner's last word on a price with the one currency said before it ("€5,000, no hang on ... 5,800")."""
    if any(a.currency for a in amounts(last)):
        return last
    said = {a.currency for a in amounts(t) if a.currency}
    return f"{last} ({CURRENCY_NAMES[said.pop()]})" if len(said) == 1 else last


def scale_doubt(t: str, price: Money) -> tuple[str, list[dict]] | None:
    """ "5 mil" is five million to an English speaker and "3,5 mil" three and a half thousand to a Spanish one: asked."""
    if not re.search(r"\d\s*mil\b", t):
        return None
    shown = [format_money(price.amount / 1000, price.currency), format_money(price.amount, price.currency)]
    return "Thousand or million?", [{"value": v, "label": v} for v in shown]


def price_doubt(found: list[Amount], one_off: Amount, price: Money, t: str, known: str | None) -> tuple[str, list[dict]] | None:
    """Why a price cannot be taken as read, as a question and its likeliest readings, or None when it can: no currency
    said (and none known from the pitch), two currencies said, instalments ("2 payments of £5,000"), or two one-off
    prices ("£18k for phase 1 and £10k for phase 2")."""
    said = _NOT_CURRENCY.sub(" ", t)
    stated = {a.currency for a in found if a.currency} | {code for code, pattern in _CURRENCY_WORDS if re.search(pattern, said)}
    if len(stated) > 1 or (not stated and known is None):
        codes = [c for c in CURRENCIES if c in stated] if len(stated) > 1 else list(CURRENCIES)
        names = " or ".join([", ".join(CURRENCY_NAMES[c] for c in codes[:-1]), CURRENCY_NAMES[codes[-1]]])
        return f"Is that in {names}?", [{"value": _shown(price, c), "label": _shown(price, c)} for c in codes]
    code = price.currency
    from chains.number_words import words_to_digits  # the figures' places are in the text with its words as digits

    digits = words_to_digits(t)
    times = _INSTALMENTS.search(digits[max(0, one_off.start - 30) : one_off.start])
    if times and int(times[1]) > 1:
        total = price.amount * int(times[1])
        values = (format_money(price.amount, code), format_money(total, code))
        return f"Is the whole price {values[1]}, or {values[0]}?", [{"value": v, "label": v} for v in (values[1], values[0])]
    prices = [a for a in found if a.period is None and a.raw >= 100 and (a.currency or not stated)]
    if len({a.raw for a in prices}) <= 1 and (
        _DEPOSIT_AFTER.match(digits, one_off.end) or _DEPOSIT_BEFORE.search(digits[max(0, one_off.start - 30) : one_off.start])
    ):
        shown = format_money(price.amount, code)
        share = _DEPOSIT_SHARE.search(digits)
        if share and 0 < int(share[1]) < 100:  # "20% deposit, which is £2,000": the whole is £10,000
            whole = format_money(price.amount * 100 / int(share[1]), code)
            question = f"{shown} is a {share[1]}% deposit, so is the whole price {whole}?"
            return question, [
                {"value": whole, "label": f"{whole} is the whole price"},
                {"value": shown, "label": f"{shown} is the whole price"},
                {"value": "don't know", "label": "Don't know the whole price"},
            ]
        question = f"Is {shown} the whole price, or only a deposit? If a deposit, type the whole price."
        return question, [
            {"value": shown, "label": f"{shown} is the whole price"},
            {"value": "don't know", "label": "Don't know the whole price"},
        ]
    if len({a.raw for a in prices}) > 1 and not re.search(
        r"\b(?:down to|reduced to|knocked|now|final|or|if we|instead)\b", digits
    ):
        total = sum(float(a.raw) for a in prices)
        listed = [format_money(float(a.raw), code) for a in prices] + [format_money(total, code)]
        question = "I read more than one price there. Which is the one-off quote (the total, if they add up)?"
        return question, [{"value": v, "label": v} for v in dict.fromkeys(listed)][:4]
    return None


# "a £4k deposit to start", "deposit of 2 grand": part of the price, not the whole.
_DEPOSIT_AFTER = re.compile(
    r"\s*(?:\+\s*vat\s*)?(?:deposit|down ?payment|up ?front (?:payment|fee)|as a first (?:payment|instalment)|first instal+ment)\b"
)
_DEPOSIT_BEFORE = re.compile(
    r"\b(?:deposit|down ?payment)s?,?\s*(?:which|that)?(?:'s)?\s*(?:of|is|was|would be|will be|comes to|:)?\s*"
    r"(?:about|around|roughly)?\s*[£$€]?\s*$"
)
_DEPOSIT_SHARE = re.compile(r"\b(\d{1,2})\s?(?:%|per ?cent)\s*(?:deposit|down ?payment|up ?front)\b")
_RATE = r"[£$€]?\s?(?P<rate>\d[\d,]*(?:\.\d+)?)\s?(?P<k>k)?\s?(?:an?|per|/|each)\s?(?P<unit>hour|hr|day)\b"
_COUNT = r"(?P<n>\d+(?:\.\d+)?)\s?(?:(?:working|man|person|consultancy|consulting)\s)?(?P<units>hours|hrs|days)\b"
_RATE_THEN_COUNT = re.compile(_RATE + r".{0,40}?\b" + _COUNT)
_COUNT_THEN_RATE = re.compile(r"\b" + _COUNT + r".{0,20}?(?:at|@|for|of)\s?" + _RATE)
_RECURRING = re.compile(r"\s*(?:a|an|per|each|every)\s+(?:week|month|year|quarter)\b|\s*(?:weekly|monthly)\b")
_PRICE = re.compile(r"[£$€]\s?\d|\d\s?(?:k\b|pounds|dollars|euros|quid|grand)")


def rate_times(t: str) -> tuple[float, float, str] | None:
    """(rate, how many, unit) when the price is an hourly or daily rate times a number of hours or days ("£250 a day
    for 20 days", "40 hours at $150 an hour"): the quote is then their product, which the owner is asked to confirm.
    None when the hours or days recur ("10 hours a month": a running cost), are counted in another unit than the
    rate, or sit beside a price of their own ("£12k plus £80 an hour for support": the £12k is the quote)."""
    from chains.number_words import words_to_digits

    if not isinstance(t, str):
        return None
    digits = words_to_digits(t)
    m = _RATE_THEN_COUNT.search(digits) or _COUNT_THEN_RATE.search(digits)
    if m is None or _RECURRING.match(digits, m.end("units")) or m["units"][0] != m["unit"][0]:
        return None
    if _PRICE.search(digits[: m.start()] + " " + digits[m.end() :]):
        return None
    try:
        rate = float(m["rate"].replace(",", "")) * (1000 if m["k"] else 1)
        count = float(m["n"])
    except ValueError:
        return None
    ok = rate > 0 and count > 1 and math.isfinite(rate * count) and rate * count < 1e12
    return (rate, count, "hour" if m["unit"] in ("hour", "hr") else "day") if ok else None


def rate_doubt(t: str, currency: str) -> tuple[str, list[dict]] | None:
    """The question asked when a price is a rate times hours or days, with their product as the likely reading."""
    rated = rate_times(t)
    if rated is None:
        return None
    rate, count, unit = rated
    total = format_money(rate * count, currency)
    article = "an" if unit == "hour" else "a"
    question = f"So the whole price is {total} ({format_money(rate, currency)} {article} {unit} for {count:g} {unit}s)?"
    return question, [{"value": total, "label": total}]


def read_price(text: str, default_currency: str = "GBP") -> Money | None:
    """The one-off price if one is stated, else any amount; figures with a currency come first."""
    best = pick(amounts(text), lambda a: a.currency is not None, lambda a: a.period is None)
    return money_of(best, default_currency) if best is not None else None


_LEADS_A_SLIP = {*NUMBER_WORDS, "grand", "about", "around", "roughly", "maybe"}


def price_slip(t: str) -> re.Match[str] | None:
    """ "two thousand for hundred pounds", "for hundred quid": a number word heard as "for" or "to", at the start or
    after a number word, with nothing but a currency after it ("£500 for hundred documents" is no slip)."""
    slip = SOUNDS_LIKE.search(t)
    if slip is None or not re.fullmatch(r"\s*(?:pounds?|quid|dollars?|bucks|euros?|gbp|usd|eur)?\s*[.!]*", t[slip.end() :]):
        return None
    before = t[: slip.start()].replace(",", " ").split()
    return slip if not before or before[-1] in _LEADS_A_SLIP else None
