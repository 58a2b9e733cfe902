"""What an audit reports: the shape of its result, the definition of each key (the README's audit table), and the
limits its findings use."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypedDict

import numpy as np

from chains.near_duplicates import NearDuplicates

FORMULA_START = "=+-@"
MAX_LABELS, MAX_LABEL_CHARS = 20, 40
IMBALANCE_RATIO, IMBALANCE_SHARE = 10, 0.05
EMBED_CHARS = 2000  # the model reads 256 word pieces (~1,000 characters); the rest cannot change its vector

#: progress(message, fraction of the whole audit done, 0..1)
Progress = Callable[[str, float], None]

AUDIT_DEFINITIONS: dict[str, str] = {
    "rows": "Data rows read, the header not counted. Completely blank rows are skipped. Row numbers count data "
    "rows from 1 (in JSONL files they are line numbers).",
    "empty": "A row whose input or output is blank once spaces are trimmed.",
    "duplicates": "A row with the same input and the same output as an earlier row, ignoring upper/lower case and "
    "spacing. An empty row counts only as empty.",
    "clean": "Rows less empty rows less duplicates: the examples a vendor could actually train on.",
    "personal_data": "A clean row holding an email address, a phone number (UK-shaped, or any valid international "
    "number), a UK National Insurance number (HMRC's format: two letters, six digits, A-D), a UK "
    "postcode, or a payment card number (13-19 digits passing the Luhn check).",
    "labels": f"When the outputs are a few short values (at most {MAX_LABELS} distinct, each at most {MAX_LABEL_CHARS} "
    "characters, and no more distinct values than half the clean rows), the count of each over clean rows. "
    f"Badly unbalanced: the largest class is {IMBALANCE_RATIO} or more times the smallest, or a class holds "
    f"under {IMBALANCE_SHARE:.0%} of the clean rows.",
    "near_duplicates": "Pairs of clean rows whose inputs mean almost the same: the cosine similarity of their "
    "sentence embeddings (all-MiniLM-L6-v2) is at or above the threshold (near_duplicate_cosine, "
    "0.95 by default). Identical inputs with different outputs count too. Large files are "
    "narrowed down with quicker models first, so a few pairs may be missed.",
    "tokens": "Estimated tokens per clean example (input plus output; every message of a chat), by the rule of "
    "thumb for English of one token per four characters, rounded up.",
    "training_cost": "Tokens of all clean rows x epochs x the price per million training tokens: the compute of one "
    "training run, not the vendor's fee.",
    "formulas": "Cells starting with =, +, - or @: a spreadsheet may run them as formulas when the file is opened.",
}


class PersonalDataCount(TypedDict):
    count: int
    rows: list[int]


class TokenStats(TypedDict):
    total: int
    mean: float
    median: float
    p95: int
    max: int


class AuditResult(TypedDict):
    """What the audit reports; the README's audit table defines each key."""

    file: str
    shape: str
    rows: int
    empty: int
    duplicates: int
    clean: int
    pii_rows: int
    pii: dict[str, PersonalDataCount]
    labels: dict[str, int] | None
    near_duplicates: NearDuplicates | None
    tokens: TokenStats
    tokens_per_example: int | None
    training_cost_gbp: float
    issues: list[str]


def token_stats(tokens: np.ndarray) -> TokenStats:
    if not len(tokens):
        return TokenStats(total=0, mean=0.0, median=0.0, p95=0, max=0)
    ordered = np.sort(tokens)
    return TokenStats(
        total=int(tokens.sum()),
        mean=round(float(tokens.mean()), 1),
        median=float(np.median(ordered)),
        p95=int(ordered[math.ceil(0.95 * len(ordered)) - 1]),  # nearest rank
        max=int(ordered[-1]),
    )


def count_phrase(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def rows_phrase(rows: list[int], count: int, shown: int = 3) -> str:
    """'row 4', 'rows 4, 17 and 23', 'rows 4, 17, 23 and 5 more'."""
    head = [f"{r:,}" for r in rows[:shown]]
    if count == 1:
        return f"row {head[0]}"
    if count <= shown:
        return "rows " + ", ".join(head[:-1]) + " and " + head[-1]
    return "rows " + ", ".join(head) + f" and {count - len(head):,} more"
