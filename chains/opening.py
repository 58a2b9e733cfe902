"""The first message read as the offer: what the pitch pre-fills (the mechanism, the quote and its currency, a
monthly fee, the task), taking the owner's own short words over the pitch reader's where they are sharper."""

from __future__ import annotations

import re
from typing import Any

from .choices import cue_hits, mechanism_of
from .facts import FIELD_BY_NAME
from .figures import normalise
from .money import foreign_currency, format_money
from .pitch import read_pitch
from .readers import Context, read_answer

SHORT = 400  # characters: below this the text is an owner's own description rather than a vendor's page
_CURRENCY_SAID = re.compile(r"[£$€]|\b(?:gbp|usd|eur|pounds?|quid|sterling|dollars?|bucks|euros?)\b")
# A price paid in parts ("a £4,000 deposit and an £8,000 balance on delivery"): the whole is asked, not one part taken.
_IN_PARTS = re.compile(r"\b(?:balance|remainder|the rest|on (?:completion|delivery|go-?live)|instal+ments?|stage payments?)\b")
_PRICE_WORDS = re.compile(r"[£$€]|\b(?:grand|quid|k|thousand|pounds?|dollars?|euros?)\b")


def prefill_from_pitch(facts: dict[str, Any], text: str, context: Context) -> list[tuple[str, str]]:
    """Set in `facts` what the pitch states; returns (fact, phrase) for each, in the order noted (the phrase is
    used for facts the interview does not ask, such as a monthly fee)."""
    reading = read_pitch(text)
    short = len(text) < SHORT
    noted: list[tuple[str, str]] = []
    quote = reading["quote"]
    own = read_answer("quote", text, context) if short else None
    doubted = quote is not None and (
        quote["currency"] is None
        or not _CURRENCY_SAID.search(text.lower())
        or (own is not None and own.status == "ok" and abs(own.value - float(quote["amount"])) > 0.5)
        or foreign_currency(normalise(text))
        or (own is not None and own.status == "clarify" and _IN_PARTS.search(text.lower()) is not None)
    )  # no currency said, the owner's own words read another figure, or a price in another currency ("$14,000 CAD"):
    # asked at its question instead
    if doubted:
        pass
    elif quote is not None and quote["amount"] is not None:
        # the owner's own words name the currency when the pitch reader only assumed one ("25 grand, that's dollars")
        facts["currency"] = (own.facts.get("currency") if own is not None else None) or quote["currency"] or "GBP"
        facts["quote_high"] = quote["high"] if quote["high"] != quote["amount"] else None
        facts["quote"] = float(quote["amount"])
    elif reading["quote_gbp"] is not None:
        facts["currency"], facts["quote"] = "GBP", float(reading["quote_gbp"])
    elif own is not None and own.status == "ok" and _PRICE_WORDS.search(text.lower()):  # "12 grand in pounds"
        facts["currency"] = own.facts.get("currency") or "GBP"
        facts["quote_high"] = own.facts.get("quote_high")
        facts["quote"] = own.value
    if facts["quote"] is not None:
        noted.append(("quote", ""))
    fee = reading["monthly_fee"]
    fee_amount = fee["amount"] if fee is not None else reading["monthly_fee_gbp"]
    if fee_amount is not None:
        facts["monthly_fee"] = float(fee_amount)
        if not facts["currency"]:
            facts["currency"] = (fee["currency"] if fee is not None else None) or "GBP"
        noted.append(("monthly_fee", f"a monthly fee of {format_money(fee_amount, facts['currency'])}"))
    mechanism: str | None = (mechanism_of(text) if short else None) or reading.get("mechanism")
    if short and mechanism == "unclear":
        mechanism = None  # an owner's few words that name no technique leave the question to be asked, not answered
    task = reading.get("task")
    if task and len(set(cue_hits(FIELD_BY_NAME["task"], normalise(text)))) > 1:
        task = None  # the words name two jobs: the task question asks which
    for name, value in (("mechanism", mechanism), ("task", task)):
        if value:
            facts[name] = value
            noted.append((name, ""))
    return noted
