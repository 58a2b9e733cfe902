"""The economics of a quote: what it comes to per item over a year, against what the training run costs in compute."""

from __future__ import annotations

import math
from typing import Any, TypedDict

from chains.money import about_money, currency_of, format_count, format_money, format_range, per_pound, rate_phrase
from chains.settings import Settings

# What one unit of the owner's monthly volume is called, so the cost per item reads naturally.
ITEM_NOUNS: dict[str | None, str] = {
    "classification": "item",
    "extraction": "document",
    "fixed_format": "document",
    "open_writing": "report",
    "knowledge_qa": "answer",
    None: "item",
}


class Economics(TypedDict):
    """The figures behind a verdict, in the quote's currency; the *_gbp keys hold pounds only (None otherwise)."""

    currency: str  # "GBP", "USD" or "EUR": the quote's own currency, in which every unsuffixed figure is given
    quote: float | None  # the one-off quote; for a range, its low end
    quote_high: float | None  # the top of a quoted range, None when the quote is one figure
    monthly_fee: float | None
    quote_per_item: float | None
    compute_cost: float | None  # the training run's compute, converted into the quote's currency
    price_per_million_tokens: float  # the guide's training price, converted into the quote's currency
    exchange_rate: float  # units of the currency to the pound (1 for pounds)
    exchange_rates_date: str | None  # ISO date of the rate used; None for pounds
    quote_gbp: float | None
    monthly_fee_gbp: float | None
    monthly_volume: float | None
    items_first_year: float | None
    quote_per_item_gbp: float | None
    clean_examples: float | None
    tokens_per_example: float
    epochs: int
    price_per_million_tokens_gbp: float
    training_tokens: int | None
    compute_cost_gbp: float | None
    compute_share_of_quote: float | None
    summary: str


def number(value: Any) -> float | None:
    """A real, non-negative number, or None: anything else is unknown."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return value


def plural(n: float, word: str, many: str | None = None) -> str:
    return f"{format_count(n)} {word if n == 1 else many or word + 's'}"


def quote_of(facts: dict[str, Any]) -> tuple[float | None, float | None, float | None, str]:
    """(quote, top of its range, monthly fee, currency) from the facts.

    The facts carry `quote`, `quote_high`, `monthly_fee` and `currency`; facts saved before currencies existed carry
    `quote_gbp` and `monthly_fee_gbp`, read as pounds.
    """
    currency = currency_of(facts.get("currency"))
    quote, fee = number(facts.get("quote")), number(facts.get("monthly_fee"))
    if currency == "GBP":
        quote = quote if quote is not None else number(facts.get("quote_gbp"))
        fee = fee if fee is not None else number(facts.get("monthly_fee_gbp"))
    high = number(facts.get("quote_high"))
    if quote is None or high is None or high <= quote:
        high = None
    return quote, high, fee, currency


def economics(facts: dict[str, Any], settings: Settings) -> Economics:
    """The quote spread over a year's work, and what the training run itself would cost in compute."""
    quote, high, fee, currency = quote_of(facts)
    volume = number(facts.get("monthly_volume"))
    examples = number(facts.get("clean_examples"))
    measured = number(facts.get("tokens_per_example"))
    tokens_per_example = measured if measured else settings.tokens_per_example
    epochs = settings.epochs
    price_gbp = settings.price_per_million_training_tokens_gbp
    rate = per_pound(currency, settings)
    price = price_gbp * rate

    items_year = 12 * volume if volume is not None else None
    per_item = quote / items_year if quote is not None and items_year else None
    training_tokens = round(examples * tokens_per_example * epochs) if examples is not None else None
    compute_gbp = training_tokens / 1e6 * price_gbp if training_tokens is not None else None
    compute = compute_gbp * rate if compute_gbp is not None else None
    share = compute / quote if compute is not None and quote else None

    money = lambda amount, pence=False: format_money(amount, currency, pence)  # noqa: E731
    noun = ITEM_NOUNS.get(facts.get("task"), "item")
    parts: list[str] = []
    if quote is not None and high is not None:
        parts.append(
            f"The quote is a range, {format_range(quote, high, currency)}; these figures use its low end, "
            f"{money(quote)}: if the lowest price does not pay back, no price in the range does."
        )
    if quote is not None and per_item is not None:
        parts.append(
            f"The {money(quote)} quote works out at {money(per_item, pence=True)} per {noun} "
            f"over the first year ({format_count(volume)} a month)."
        )
    elif quote is not None and volume == 0:
        parts.append(f"With nothing to handle each month, the {money(quote)} quote has nothing to spread over.")
    elif quote is not None:
        parts.append(f"The quote is {money(quote)}; tell us how many you handle a month to see the cost per {noun}.")
    else:
        parts.append("Without the quote we can't work out what it costs per " + noun + ".")
    if fee:
        parts.append(f"On top of that, the {money(fee)} monthly fee comes to {money(fee * 12)} a year.")
    if compute is not None and examples is not None:  # a compute cost is known only from a count of examples
        converted = "" if currency == "GBP" else f", or {money(price, pence=True)} at {rate_phrase(currency, settings)}"
        sentence = (
            f"The training run itself would cost {about_money(compute, currency)} in compute "
            f"({plural(examples, 'example')} × {format_count(tokens_per_example)} tokens × "
            f"{plural(epochs, 'pass', 'passes')} at the guide's £{price_gbp:,.2f} per million tokens{converted})"
        )
        if share is None:
            parts.append(sentence + ".")
        elif share < 0.01:
            parts.append(sentence + ", so nearly all of the quote is labour and margin.")
        elif share < 0.5:
            parts.append(sentence + ", so most of the quote is labour and margin.")
        else:
            parts.append(sentence + ", so compute is a large part of the quote.")
    else:
        parts.append("The training cost can't be estimated until we know how many clean examples you have.")

    pounds = currency == "GBP"
    return {
        "currency": currency,
        "quote": quote,
        "quote_high": high,
        "monthly_fee": fee,
        "quote_per_item": per_item,
        "compute_cost": compute,
        "price_per_million_tokens": price,
        "exchange_rate": rate,
        "exchange_rates_date": None if pounds else settings.exchange_rates_date.isoformat(),
        "quote_gbp": quote if pounds else None,
        "monthly_fee_gbp": fee if pounds else None,
        "monthly_volume": volume,
        "items_first_year": items_year,
        "quote_per_item_gbp": per_item if pounds else None,
        "clean_examples": examples,
        "tokens_per_example": tokens_per_example,
        "epochs": epochs,
        "price_per_million_tokens_gbp": price_gbp,
        "training_tokens": training_tokens,
        "compute_cost_gbp": compute_gbp,
        "compute_share_of_quote": share,
        "summary": " ".join(parts),
    }
