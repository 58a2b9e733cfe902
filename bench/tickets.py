"""Generated support messages for the audit benchmark: realistic short inputs with known repeats and near-copies.

Two styles. "tickets" (the default): 13 intents with 4-6 phrasings each, 1,300 products (adjective x noun), 0-3
of 20 detail sentences with names, towns, dates, amounts and references, 16 requests, greetings and sign-offs.
"templated": the benchmark's first generator, 17 problems x 40 products and little else, where most inputs
have a near-identical twin once there are tens of thousands; kept to show how the audit copes with that.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

NOUNS = [
    "kettle",
    "toaster",
    "blender",
    "coffee machine",
    "air fryer",
    "desk lamp",
    "office chair",
    "standing desk",
    "laptop stand",
    "monitor arm",
    "printer",
    "label printer",
    "card reader",
    "till roll",
    "shelving unit",
    "display fridge",
    "ice machine",
    "grinder",
    "water filter",
    "hand dryer",
    "vacuum cleaner",
    "floor polisher",
    "gift card",
    "subscription box",
    "loyalty card",
    "booking",
    "table reservation",
    "van hire",
    "storage unit",
    "website plan",
    "email account",
    "phone line",
    "headset",
    "barcode scanner",
    "receipt printer",
    "cash drawer",
    "tablet",
    "router",
    "security camera",
    "door sensor",
    "mattress",
    "sofa",
    "wardrobe",
    "bike",
    "helmet",
    "running shoes",
    "winter coat",
    "school uniform",
    "birthday cake",
    "flower delivery",
    "hamper",
    "wine case",
    "paint order",
    "tile samples",
    "boiler service",
    "window cleaning",
    "MOT booking",
    "car wash",
    "dog food",
    "cat litter",
    "garden hose",
    "lawn mower",
    "hedge trimmer",
    "drill",
    "ladder",
    "paddling pool",
    "tent",
]
ADJ = [
    "",
    "",
    "",
    "new",
    "blue",
    "large",
    "small",
    "black",
    "white",
    "premium",
    "second-hand",
    "spare",
    "steel",
    "wooden",
    "cordless",
    "replacement",
    "grey",
    "red",
    "compact",
    "family-size",
]
PROBLEMS = {
    "damaged": [
        "my {p} arrived damaged",
        "the {p} came broken",
        "the box was crushed and the {p} inside is cracked",
        "the {p} has a dent in the side",
        "half of the {p} was smashed when it got here",
    ],
    "late": [
        "my {p} hasn't arrived yet",
        "I'm still waiting for the {p}",
        "the {p} was due {d} and never came",
        "where is my {p}?",
        "tracking for the {p} hasn't moved in {n} days",
    ],
    "double": [
        "I was charged twice for the {p}",
        "there are two payments for one {p} on my statement",
        "you took £{a} two times for the {p}",
        "my card was billed again for the {p}",
    ],
    "broken": [
        "the {p} stopped working after {n} days",
        "the {p} won't turn on any more",
        "the {p} keeps switching itself off",
        "the {p} makes a grinding noise",
        "the {p} leaks water everywhere",
    ],
    "wrong": [
        "you sent the wrong {p}",
        "I ordered a {p} but got something else",
        "the {p} is the wrong size",
        "the colour of the {p} isn't what I picked",
    ],
    "login": [
        "I can't log in to my account",
        "the password reset email never arrives",
        "the app says my account is locked",
        "I'm stuck on the two-step code screen",
    ],
    "invoice": [
        "the invoice for the {p} is wrong",
        "can I have a VAT receipt for the {p}",
        "the invoice shows the wrong company name",
        "I need the invoice re-sent to accounts",
    ],
    "price": [
        "the {p} was cheaper on your website than at checkout",
        "the discount code didn't work on the {p}",
        "I paid full price for the {p} the day before the sale",
        "the price of the {p} went up after I ordered",
    ],
    "address": [
        "I need to change the delivery address for the {p}",
        "can the {p} go to my work address instead",
        "I moved house, please update where the {p} goes",
        "the courier has the wrong postcode for the {p}",
    ],
    "cancel": [
        "please cancel my order for the {p}",
        "I no longer need the {p}",
        "I'd like to cancel the {p} before it ships",
        "how do I stop my {p} subscription",
    ],
    "question": [
        "does the {p} come in another colour",
        "is the {p} dishwasher safe",
        "how long is the warranty on the {p}",
        "can I collect the {p} from a store",
        "do you deliver the {p} to Northern Ireland",
        "is the {p} back in stock",
    ],
    "missing": [
        "the {p} is missing a part",
        "there were no screws with the {p}",
        "the charger wasn't in the box with the {p}",
        "only one of the two {p}s I ordered turned up",
    ],
    "booking": [
        "I need to move my {p} to another day",
        "can I book the {p} for {d}",
        "nobody turned up for my {p}",
        "the {p} confirmation never came through",
    ],
}
DETAILS = [
    "Order number {o}.",
    "It was ordered on {d}.",
    "This is the {k} time this has happened.",
    "I've been a customer for {n} years.",
    "My reference is {r}.",
    "I paid £{a} for it.",
    "The courier was {c}.",
    "I need it before {d}.",
    "It was a present for my {rel}.",
    "I ordered it through the app.",
    "I spoke to {name} on the phone last week.",
    "The tracking number is {t}.",
    "We run a small {biz} in {town}.",
    "I've attached a photo.",
    "It's the {m} model.",
    "The shop in {town} couldn't help.",
    "I bought it with a gift voucher.",
    "My account is under {name}.",
    "I've emailed twice already.",
    "It came in a {colour} box.",
]
REQUESTS = [
    "Can I get a refund?",
    "Please send a replacement.",
    "Could someone call me back?",
    "What are my options?",
    "Can you check what happened?",
    "Please sort this out.",
    "How long will this take?",
    "Can I swap it?",
    "Who should I contact?",
    "Let me know what you need from me.",
    "I'd like my money back.",
    "Can you help?",
    "Please reply by email.",
    "Is there anything you can do?",
    "",
    "",
]
GREETINGS = ["Hi,", "Hello,", "Hi there,", "Good morning,", "Dear team,", "Hiya,", "Afternoon,", "", "", "", ""]
SIGNOFFS = ["Thanks", "Thanks, {name}", "Regards, {name}", "Cheers", "Many thanks", "{name}", "", "", "", ""]
NAMES = [
    "Sam",
    "Priya",
    "Tom",
    "Aisha",
    "Gareth",
    "Mei",
    "Olu",
    "Fiona",
    "Raj",
    "Chloe",
    "Dan",
    "Zara",
    "Ewan",
    "Kasia",
    "Liam",
    "Nadia",
    "Owen",
    "Ruth",
    "Imran",
    "Beth",
    "Callum",
    "Grace",
    "Hassan",
    "Jess",
    "Kwame",
    "Lucy",
]
TOWNS = [
    "Leeds",
    "Cardiff",
    "Bristol",
    "Norwich",
    "Dundee",
    "Exeter",
    "York",
    "Derby",
    "Bath",
    "Hull",
    "Truro",
    "Oban",
    "Perth",
    "Wrexham",
    "Ipswich",
    "Luton",
    "Stoke",
    "Chester",
    "Durham",
    "Slough",
]
BIZ = ["cafe", "salon", "bakery", "garage", "florist", "gym", "B&B", "bike shop", "dental practice", "nursery"]
REL = ["mum", "dad", "sister", "brother", "wife", "husband", "son", "daughter", "neighbour", "boss"]
COLOURS = ["brown", "white", "plain", "green", "battered", "wet"]
COURIERS = ["DPD", "Royal Mail", "Evri", "DHL", "Yodel", "UPS"]
ORDINALS = ["second", "third", "fourth"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
REPLIES = {
    "damaged": "Sorry the {p} arrived damaged. A replacement is on its way and should arrive by {d}.",
    "late": "Sorry for the wait. The {p} is with {c} and should reach you by {d}.",
    "double": "You're right, we took two payments. I've refunded £{a}; it will show in 3 to 5 working days.",
    "broken": "Sorry the {p} has stopped working. I've emailed you a returns label and we'll send a new one.",
    "wrong": "Sorry for the mix-up. The right {p} is on its way and the courier will collect the wrong one.",
    "login": "I've unlocked your account and sent a new reset link; it's valid for 24 hours.",
    "invoice": "I've corrected the invoice and sent it to the email address on your account.",
    "price": "I've refunded the difference of £{n} to your card.",
    "address": "Done: the {p} will now go to the new address.",
    "cancel": "I've cancelled the order for the {p}; you won't be charged.",
    "question": "Good question: yes, and you can find the details on the {p} page under Specifications.",
    "missing": "Sorry about that. The missing part for the {p} is in the post today.",
    "booking": "I've moved your {p} to {d} and sent a new confirmation.",
}


def ticket(rng: random.Random) -> tuple[str, str]:
    """One support message and its reply: an intent's phrasing, a product, 0-3 details, a request, a sign-off."""
    intent = rng.choice(list(PROBLEMS))
    fill = dict(
        p=(rng.choice(ADJ) + " " + rng.choice(NOUNS)).strip(),
        n=rng.randint(2, 30),
        o=rng.randint(100000, 9999999),
        k=rng.choice(ORDINALS),
        d=f"{rng.randint(1, 28)} {rng.choice(MONTHS)}",
        a=rng.randint(5, 900),
        c=rng.choice(COURIERS),
        r=f"{rng.choice('ABCDEFGH')}{rng.randint(1000, 99999)}",
        name=rng.choice(NAMES),
        t=f"{rng.choice(['JD', 'H', 'TT'])}{rng.randint(10**8, 10**9)}",
        biz=rng.choice(BIZ),
        town=rng.choice(TOWNS),
        m=rng.choice(["2023", "2024", "pro", "mini", "XL", "basic"]),
        rel=rng.choice(REL),
        colour=rng.choice(COLOURS),
    )
    problem = rng.choice(PROBLEMS[intent]).format(**fill)
    problem = problem[0].upper() + problem[1:] + ("" if problem.endswith("?") else rng.choice([".", ".", "!", ""]))
    details = [x.format(**fill) for x in rng.sample(DETAILS, rng.choice([0, 1, 1, 2, 2, 3]))]
    parts = [rng.choice(GREETINGS), problem, *details, rng.choice(REQUESTS), rng.choice(SIGNOFFS).format(**fill)]
    text = " ".join(x for x in parts if x)
    if rng.random() < 0.1:
        text = text.lower()
    return text, REPLIES[intent].format(**fill)


# --- the first generator ---
T_GREETINGS = ["Hi,", "Hello,", "Hi there,", "Good morning,", "Hey,", "Dear team,", "Hello again,", "", "", ""]
T_PRODUCTS = [
    "kettle",
    "toaster",
    "blender",
    "coffee machine",
    "air fryer",
    "desk lamp",
    "office chair",
    "standing desk",
    "laptop stand",
    "monitor arm",
    "printer",
    "label printer",
    "card reader",
    "till roll pack",
    "shelving unit",
    "display fridge",
    "ice machine",
    "espresso grinder",
    "water filter",
    "hand dryer",
    "vacuum cleaner",
    "floor polisher",
    "gift card",
    "subscription box",
    "loyalty card",
    "booking slot",
    "table reservation",
    "delivery van hire",
    "storage unit",
    "website plan",
    "email hosting",
    "phone system",
    "headset",
    "barcode scanner",
    "receipt printer",
    "cash drawer",
    "POS tablet",
    "router",
    "security camera",
    "door sensor",
]
T_PROBLEMS = [
    "My {p} arrived damaged",
    "The {p} I ordered hasn't turned up",
    "I was charged twice for the {p}",
    "The {p} stopped working after {n} days",
    "You sent the wrong {p}",
    "My {p} is missing a part",
    "The {p} keeps making a loud noise",
    "I can't log in to manage my {p}",
    "The invoice for my {p} is wrong",
    "The {p} was cheaper on your website than at checkout",
    "My {p} order says delivered but it isn't here",
    "The {p} doesn't match the description",
    "The instructions for the {p} are missing",
    "I need to change the address for my {p} delivery",
    "The {p} was left outside in the rain",
    "I'd like to know if the {p} comes in another colour",
    "The {p} warranty card was not in the box",
]
T_DETAILS = [
    "Order number {o}.",
    "It was ordered on {d}.",
    "This is the {k} time this has happened.",
    "I've been a customer for {n} years.",
    "My reference is {o}.",
    "I paid £{a} for it.",
    "The courier was {c}.",
    "We need it for the shop opening on {d}.",
    "",
    "",
    "",
]
T_REQUESTS = [
    "Can I get a refund?",
    "Please send a replacement.",
    "Could someone call me back?",
    "What are my options?",
    "I'd like to cancel the order.",
    "Can you check what happened?",
    "Please fix this as soon as possible.",
    "How long will this take?",
    "Can I swap it for a different model?",
    "Who should I contact about this?",
]
T_REPLIES = [
    "Sorry about the {p}. I've arranged a full refund of £{a}; it will reach your account in 3 to 5 working days.",
    "Sorry about that. A replacement {p} is on its way and should arrive by {d}.",
    "Thanks for letting us know. A member of the team will call you back within one working day about order {o}.",
    "I've cancelled order {o} for you; you won't be charged.",
    "I've looked into order {o}: the courier lost it, so we're sending another {p} today.",
    "You can return the {p} within 30 days for a refund or an exchange; I've emailed you a returns label.",
]


def templated_message(rng: random.Random) -> tuple[str, str]:
    """The first generator: 17 problems x 40 products x 11 details x 10 requests; most inputs have a near twin."""
    fill = dict(
        p=rng.choice(T_PRODUCTS),
        n=rng.randint(2, 30),
        o=rng.randint(100000, 999999),
        k=rng.choice(ORDINALS),
        d=f"{rng.randint(1, 28)} {rng.choice(MONTHS)}",
        a=rng.randint(5, 900),
        c=rng.choice(COURIERS),
    )
    parts = [
        rng.choice(T_GREETINGS),
        rng.choice(T_PROBLEMS).format(**fill) + ".",
        rng.choice(T_DETAILS).format(**fill),
        rng.choice(T_REQUESTS),
    ]
    inp = " ".join(x for x in parts if x)
    return inp, rng.choice(T_REPLIES).format(**fill)


def _near_copy(rng: random.Random, text: str) -> str:
    """A small edit: the kind of paraphrase a customer sending the same complaint twice makes."""
    edits = [
        lambda t: t.replace("Can I", "Could I", 1) if "Can I" in t else t + " Thanks.",
        lambda t: t.rstrip(".?") + " please?",
        lambda t: "Hi, " + t if not t.startswith("Hi") else t[3:].lstrip(", "),
        lambda t: t.replace("I've", "I have", 1) if "I've" in t else t.replace(".", "!", 1),
    ]
    return rng.choice(edits)(text)


STYLES = {"tickets": ticket, "templated": templated_message}


def generate_rows(
    n: int, seed: int = 7, duplicate_share: float = 0.05, near_share: float = 0.03, style: str = "tickets"
) -> Iterator[tuple[str, str]]:
    """n (input, output) rows: mostly new messages, some exact repeats (case or spacing changed), some small edits."""
    rng = random.Random(seed)
    make = STYLES[style]
    made: list[tuple[str, str]] = []
    for _ in range(n):
        roll = rng.random()
        if made and roll < duplicate_share:
            inp, out = rng.choice(made)
            inp = "  " + inp.upper() if rng.random() < 0.5 else inp.replace(" ", "  ")
        elif made and roll < duplicate_share + near_share:
            inp, out = rng.choice(made)
            inp = _near_copy(rng, inp)
        else:
            inp, out = make(rng)
            if rng.random() < 0.003:
                inp += f" You can reach me on 07700 900{rng.randint(100, 999)}."
            elif rng.random() < 0.003:
                inp += f" My email is customer{rng.randint(1, 99999)}@example.co.uk."
            if len(made) < 20000:
                made.append((inp, out))
            elif rng.random() < 0.1:
                made[rng.randrange(len(made))] = (inp, out)
        yield inp, out


def write_csv(path: Path, n: int, seed: int = 7, style: str = "tickets") -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["input", "output"])
        writer.writerows(generate_rows(n, seed, style=style))
