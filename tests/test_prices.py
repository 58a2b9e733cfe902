"""The vendor's own prices in a pitch: currencies, ranges, VAT, monthly fees, and the figures that are not prices."""

from __future__ import annotations

import pytest

from chains.pitch import read_pitch
from chains.prices import figures, read_prices


def quote(text):
    q = read_prices(text)[0]
    return None if q is None else (q["amount"], q["currency"], q["low"], q["high"])


def fee(text):
    f = read_prices(text)[1]
    return None if f is None else (f["amount"], f["currency"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We'll fine-tune it for £18,000.", (18000, "GBP", 18000, 18000)),
        ("Priced at $25,000.", (25000, "USD", 25000, 25000)),
        ("Setup: €2,400 (configuration and import).", (2400, "EUR", 2400, 2400)),
        ("Total: 12,500 EUR.", (12500, "EUR", 12500, 12500)),
        ("It costs eighteen thousand pounds.", (18000, "GBP", 18000, 18000)),
        ("A one-off fee of 25000 dollars.", (25000, "USD", 25000, 25000)),
        ("Setup packages run $12K–$165K depending on catalog size.", (12000, "USD", 12000, 165000)),
        ("Engagements typically range from $25,000 to $90,000.", (25000, "USD", 25000, 90000)),
        ("Budget: between £8k and £12k.", (8000, "GBP", 8000, 12000)),
        ("Projects run 15-20k USD.", (15000, "USD", 15000, 20000)),
        ("Projects from $10,000–$80,000+.", (10000, "USD", 10000, None)),
        ("Packages from £2,500 + VAT.", (2500, "GBP", 2500, None)),
        ("Fixed price: £22,000 + VAT for a single task.", (22000, "GBP", 22000, 22000)),
        ("€1.5m for the whole programme.", (1_500_000, "EUR", 1_500_000, 1_500_000)),
    ],
)
def test_quotes_in_any_currency_with_their_range(text, expected):
    assert quote(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Workstream 1: £7,500. Workstream 2: £12,000. Total fixed fee: £19,500 + VAT.", 19500),
        ("£2,000 for data prep and £16,000 for training, £18,000 total.", 18000),
        ("Module 1: €6,500\nModule 2: €11,000\nTotal: €17,500 excl. VAT, one-off", 17500),
        ("£18,000 + VAT (£21,600 inc. VAT).", 18000),
        ("Fixed price: £22,000 + VAT. Additional tasks on the same base: £9,000 + VAT each.", 22000),
        ("Pay once: $299 (regular price $49/month).", 299),
    ],
)
def test_the_quote_is_the_stated_total_not_a_line_or_an_extra(text, expected):
    assert quote(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "We need 200-500 LoRA examples per intent to get started.",
        "99.9% uptime, measured monthly.",
        "Deflects up to 60% of tickets and handles 5k tickets a month.",
        "Altura Labs charges $25 per million training tokens, so expect $50–$200 in compute.",
        "Usage is billed by your AI provider (roughly $0.50 per million tokens).",
        "5,000 examples × 400 tokens × 3 epochs = 6 million training tokens. On an 8B model this is €2.70.",
        "It saves you £2,000 a month.",
        "Our clients have generated $2m in new revenue.",
        "Brambleworth Digital Ltd · Registered in England · Company No. 11834921",
        "Dedicated GPU endpoint (optional): €2.10 per GPU-hour.",
        "Overage: $0.10 per resolution.",
        "Pricing tailored to your team. Book a demo and we'll put together a quote.",
    ],
)
def test_figures_that_are_not_the_vendors_price(text):
    assert read_prices(text) == (None, None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Optional managed hosting for the adapters: $1,200 a month.", (1200, "USD")),
        ("Subscription: €290 per month for up to 2,000 AI answers, afterwards €0.12 per answer.", (290, "EUR")),
        ("Hosting is £4,800 a year.", (400, "GBP")),
        ("Ongoing support retainers start at $2,000/month.", (2000, "USD")),
        ("Hosting and support: £425 per month + VAT, 12-month term.", (425, "GBP")),
        ("Support & hosting: £650 pcm.", (650, "GBP")),
        ("Monthly retainer of £1,000.", (1000, "GBP")),
    ],
)
def test_monthly_fees(text, expected):
    assert fee(text) == expected
    assert quote(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Quarterly voice refresh (optional): $750 per quarter.",
        "Starter plan: $49 per user per month.",
        "Pay once: $299 (regular price $49/month).",
    ],
)
def test_fees_that_are_not_a_monthly_fee_of_the_vendors(text):
    assert read_prices(text)[1] is None


def test_bare_figures_take_the_pitchs_currency_only_with_money_words():
    assert quote("Fine-tuning for 18k.") == (18000, "GBP", 18000, 18000)
    assert quote("All prices in dollars: $400 a month hosting, and the build costs 9,500.")[:2] == (9500, "USD")
    assert quote("We fine-tune on 18,000 of your tickets.") is None


def test_figures_keep_low_and_high():
    [fig] = figures("Fixed project fee: $18,000–$40,000, depending on intents.")
    assert (fig.low, fig.high, fig.currency) == (18000, 40000, "USD")


def test_read_pitch_keeps_pounds_for_older_readers():
    reading = read_pitch("Fine-tuning for £9,500 plus £300 a month.")
    assert reading["quote"] == {"amount": 9500.0, "currency": "GBP", "low": 9500.0, "high": 9500.0, "period": "one_off"}
    assert (reading["quote_gbp"], reading["monthly_fee_gbp"]) == (9500.0, 300.0)
    dollars = read_pitch("Fine-tuning for $9,500 plus $300 a month.")
    assert dollars["quote"]["currency"] == "USD" and dollars["quote_gbp"] is None and dollars["monthly_fee_gbp"] is None


@pytest.mark.parametrize(
    "text, expected_quote, expected_fee",
    [
        ("Price: 4.900 € one-off, 190 € per month.", (4900, "EUR"), (190, "EUR")),
        ("Get $2,000 off the setup fee of $9,000 this month.", (9000, "USD"), None),
        ("Save 20%: setup £5,000.", (5000, "GBP"), None),
        ("£1,000 setup, then £400 a month.", (1000, "GBP"), (400, "GBP")),
        ("The price was £18,000.", (18000, "GBP"), None),
    ],
)
def test_sloppy_copy(text, expected_quote, expected_fee):
    assert (quote(text) or (None, None))[:2] == (expected_quote or (None, None))
    assert fee(text) == expected_fee


@pytest.mark.parametrize(
    "pitch, quote, fee",
    [
        ("The setup is 2 400,00 € + VAT and support is 1,2k€ per month.", 2400, 1200),
        ("A one-off fee of 2 400 € covers the training.", 2400, None),
        ("Hosting is £5 a day on our servers, and the build is £9,000.", 9000, 150),
    ],
)
def test_euro_figures_written_the_continental_way_are_read_in_a_pitch(pitch, quote, fee):
    got_quote, got_fee = read_prices(pitch)
    assert got_quote is not None and got_quote["amount"] == quote
    assert (got_fee or {}).get("amount") == fee


@pytest.mark.parametrize("pitch", ["A guy quoted us £250 a day for 20 days.", "It's £500 per day, 10 days in all."])
def test_a_day_rate_for_a_set_number_of_days_is_no_monthly_fee(pitch):
    assert read_prices(pitch)[1] is None
