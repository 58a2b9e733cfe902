"""Which question comes next: the first in the table's order, not yet asked, whose answer could change what the owner
sees in the verdict. A question no answer could change is not asked at all."""

from __future__ import annotations

from typing import Any

from .facts import FIELD_BY_NAME, FIELDS
from .settings import Settings
from .verdict import Verdict, assess

ORDER = tuple(f.name for f in FIELDS)


def next_question(facts: dict[str, Any], extra: dict[str, Any], asked: list[str], settings: Settings) -> str | None:
    for name in ORDER:
        if name in asked:
            continue
        if name == "pitch" or can_change(name, {**facts, **extra}, settings):
            return name
    return None


def can_change(name: str, facts: dict[str, Any], settings: Settings) -> bool:
    """Would any answer to this field change what the owner sees in the verdict?"""
    seen = set()
    for value in _probe_values(name, settings):
        seen.add(_signature(assess({**facts, name: value}, settings)))
        if len(seen) > 1:
            return True
    return False


def _signature(verdict: Verdict) -> tuple:
    """What the owner would see change: the verdict, its rule codes, the questions and which figures exist."""
    return (
        verdict["verdict"],
        tuple(r["code"] for r in verdict["reasons"]),
        tuple(c["code"] for c in verdict["cautions"]),
        tuple(f["code"] for f in verdict["red_flags"]),
        tuple(verdict["vendor_questions"]),
        tuple(k for k, v in sorted(verdict["economics"].items()) if v is not None),
    )


def _probe_values(name: str, settings: Settings) -> list[Any]:
    spec = FIELD_BY_NAME[name]
    if spec.kind == "choice":
        return [None, *spec.choice_values()]
    edge = settings.min_clean_examples if name == "clean_examples" else settings.min_monthly_volume
    return [None, 0, edge - 1, edge, edge * 100]
