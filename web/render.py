"""What the owner sees: Chainlit messages, buttons and elements built from the engine's plain data."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import chainlit as cl
from chainlit.element import Element, ElementSize, ElementType
from pydantic.dataclasses import dataclass

from chains.money import SYMBOLS, format_money
from chains.report_files import MIME_TYPES
from chains.verdict import VERDICT_LABELS, format_count, format_share

from .shortcuts import (  # noqa: F401 (names the rest of the web app reads from here)
    ANSWER_ACTION,
    ANSWER_BUTTON,
    ANSWER_MARK,
    AUDIT_ACTION,
    CARRY_ON_ACTION,
    CONFIRM_EXAMPLE_ACTION,
    EXAMPLE_ACTION,
    EXPLAIN_ACTION,
    EXPLAIN_LORA_QUESTION,
    PITCH_ACTION,
    SEE_ALSO_ACTION,
    SHORTCUTS,
    STARTER_MESSAGES,
)

log = logging.getLogger(__name__)

VERDICT_CARD = "VerdictCard"  # public/elements/VerdictCard.jsx
# Short names, so both download tiles show in full: Chainlit cuts a tile's name at about 16 characters.
REPORT_PDF, REPORT_MD = "pitchcheck.pdf", "pitchcheck.md"
REPORT_FILES = tuple(zip((REPORT_PDF, REPORT_MD), MIME_TYPES, strict=True))  # the downloads, with their types

# "can i check my training examples file": the audit shortcut asked for in the owner's own words.
_ASKS_FOR_AUDIT = re.compile(
    r"^(?:(?:can|could|may) (?:i|we|you)|how (?:do|can|could) (?:i|we)|i'?d (?:like|love)|i want|let me|please)\b(?: to)?"
    r"(?: \w+)?? (?:check|audit|upload|send|look (?:at|over)|go through|scan|test)\b[^.?!]{0,40}?"
    r"\b(?:examples?|training (?:data|file|set)|file|spreadsheet|csv|dataset)\b"
)


def asks_for_audit(text: str) -> bool:
    return bool(_ASKS_FOR_AUDIT.search(" ".join((text or "").lower().split())))


DONT_KNOW = "Don't know"
SKIP = "skip"  # what the "Don't know" button sends: the interview's own word for leaving a question open
NUMBER_KINDS = ("money", "count", "volume")


# --- buttons --------------------------------------------------------------------------------------------
def shortcut_actions(skip: Iterable[str] = (PITCH_ACTION,)) -> list[cl.Action]:
    return [
        cl.Action(name=name, payload={}, label=label, icon=icon) for name, label, _, icon in SHORTCUTS if name not in set(skip)
    ]


def question_kind(awaiting: Mapping[str, Any]) -> str:
    """The awaited field's kind (text, choice, money, count, volume), from the awaiting object where it says."""
    if awaiting.get("kind"):
        return str(awaiting["kind"])
    from chains.facts import FIELD_BY_NAME

    spec = FIELD_BY_NAME.get(str(awaiting.get("field")))
    if spec is not None:
        return spec.kind
    return "choice" if awaiting.get("choices") else "text"


def _answer_button(name: str, label: str, payload: dict[str, Any], icon: str | None = None) -> cl.Action:
    """A button that answers the question on screen. Its id starts ANSWER_BUTTON, so the stylesheet hides it once
    anything follows its message (public/pitchcheck.css): the page needs no event per button to take it away."""
    return cl.Action(name=name, label=label, payload=payload, icon=icon, id=f"{ANSWER_BUTTON}{uuid.uuid4()}")


def choice_actions(awaiting: Mapping[str, Any] | None) -> list[cl.Action]:
    """One button per choice (payload = the choice's value); a number question gets "Don't know", and the
    examples question a pointer to the audit upload. A question with no buttons of its own (the pitch) carries one
    hidden mark, so that the stylesheet hides every earlier question's buttons, as a later question's buttons do."""
    if not awaiting:
        return []
    field = awaiting["field"]
    actions = [
        _answer_button(ANSWER_ACTION, c["label"], {"field": field, "value": c["value"], "label": c["label"]})
        for c in awaiting.get("choices") or []
    ]
    if not actions and question_kind(awaiting) in NUMBER_KINDS:
        actions.append(_answer_button(ANSWER_ACTION, DONT_KNOW, {"field": field, "value": SKIP, "label": DONT_KNOW}))
    if field == "clean_examples":
        actions.append(_answer_button(AUDIT_ACTION, "Upload examples for an audit", {}, icon="upload"))
    return actions or [cl.Action(name=ANSWER_MARK, label="", payload={}, id=f"{ANSWER_MARK}{uuid.uuid4()}")]


def question_text(reply_text: str, awaiting: Mapping[str, Any] | None) -> str:
    """With buttons on screen, the numbered list the terminal needs is left out (numbers still work typed)."""
    if awaiting and awaiting.get("choices"):
        return awaiting["question"]
    return reply_text


# --- sources ------------------------------------------------------------------------------------------------
def sources_markdown(sources: list[dict[str, Any]], provenance_for=None) -> str:
    """The glossary entries an answer came from, named under it with where each entry's facts come from.

    No elements: Chainlit 2.12 opens a side panel by itself for every side element (and again after a reload),
    which showed each explanation twice; an inline element would repeat the entry the answer already gives.
    """
    lines, seen = [], set()
    for s in sources:
        title = str(s.get("title") or s.get("id"))
        if title in seen:
            continue
        seen.add(title)
        where = (provenance_for(s.get("id")) if provenance_for else None) or ""
        lines.append(f"- {title}" + (f": {where}" if where else ""))
    return ("\n\n**Sources**\n" + "\n".join(lines)) if lines else ""


async def remove_buttons(message: cl.Message | None) -> None:
    """Take a message's buttons off the page, all at once (Chainlit's remove_actions awaits one after another)."""
    if message is None:
        return
    try:
        await asyncio.gather(*(action.remove() for action in message.actions))
    except Exception:
        log.debug("could not remove old buttons", exc_info=True)


def carry_on_actions(thread_id: str) -> list[cl.Action]:
    return [
        cl.Action(
            name=CARRY_ON_ACTION, payload={"thread": str(thread_id)[:64]}, label="Carry on where I left off", icon="history"
        )
    ]


def see_also_actions(sources: list[dict[str, Any]]) -> list[cl.Action]:
    """After the concept answered, the nearest others as buttons that ask about them ("See also"): not an entry the
    answer already shows (two weighed side by side are both shown)."""
    out, seen = [], set()
    for s in [s for s in sources[1:] if not s.get("drawn")][:2]:
        cid, title = str(s.get("id") or ""), str(s.get("title") or s.get("id") or "")
        if not cid or title in seen:
            continue
        seen.add(title)
        out.append(
            cl.Action(
                name=SEE_ALSO_ACTION,
                payload={"id": cid[:80], "title": title[:120]},
                label=f"See also: {title}"[:140],
                icon="book-open",
            )
        )
    return out


def see_also_question(payload: dict[str, Any]) -> str | None:
    """The question a "See also" button asks: about the concept it names, by its glossary title."""
    title = str((payload or {}).get("title") or "").strip()
    if not title:
        return None
    short = re.sub(r"\s*\(.*\)\s*$", "", title)  # "Hosting cost (running the model)" -> "Hosting cost"
    return f"What is {short[:100]}?"


# --- the verdict ----------------------------------------------------------------------------------------
def money_of(econ: dict[str, Any], key: str) -> float | None:
    """A sum in the quote's own currency (`quote`, `compute_cost`...); economics saved before currencies
    existed carry only the pounds (`quote_gbp`...)."""
    value = econ.get(key)
    if value is None and (econ.get("currency") or "GBP") == "GBP":
        value = econ.get(key + "_gbp")
    return value


def economics_rows(econ: dict[str, Any]) -> list[dict[str, str]]:
    currency = econ.get("currency") or "GBP"

    def money(pence: bool = False):
        return lambda v: format_money(v, currency, pence=pence)

    rows = [
        ("Quote (one-off)", money_of(econ, "quote"), money()),
        ("Monthly fee", money_of(econ, "monthly_fee"), money()),
        ("How many a month", econ.get("monthly_volume"), format_count),
        ("Quote per item, first year", money_of(econ, "quote_per_item"), money(pence=True)),
        ("Clean examples", econ.get("clean_examples"), format_count),
        ("Training tokens", econ.get("training_tokens"), format_count),
        ("Compute cost of training", money_of(econ, "compute_cost"), money(pence=True)),
        ("Compute share of quote", econ.get("compute_share_of_quote"), format_share),
    ]
    return [{"label": label, "value": fmt(value)} for label, value, fmt in rows if value is not None]


def card_props(verdict: dict[str, Any]) -> dict[str, Any]:
    """Everything the verdict card shows, as plain JSON (the card has no logic of its own)."""
    econ = verdict.get("economics") or {}
    return {
        "verdict": verdict.get("verdict"),
        "label": VERDICT_LABELS.get(str(verdict.get("verdict")), str(verdict.get("verdict"))),
        "headline": verdict.get("headline", ""),
        "reasons": [r["text"] for r in verdict.get("reasons", [])],
        "cautions": [c["text"] for c in verdict.get("cautions", [])],
        "red_flags": [f["text"] for f in verdict.get("red_flags", [])],
        "also": [a["text"] for a in verdict.get("also_worth_knowing", [])],
        "claims": [f"\u201c{c['text']}\u201d Ask: {c['question']}" for c in verdict.get("claims_to_test", [])],
        "vendor_questions": list(verdict.get("vendor_questions", [])),
        "economics": econ.get("summary") or "",
        "figures": economics_rows(econ),
    }


def verdict_label_line(verdict: dict[str, Any]) -> str:
    """The verdict's name, bold, to open the message the card comes with."""
    label = VERDICT_LABELS.get(str(verdict.get("verdict")), str(verdict.get("verdict")))
    return f"**Verdict: {label}.**"


def times_phrase(ratio: float) -> str:
    """2,571,428.6 -> "about 2.6 million times"; rounded the way a person would say it."""
    if ratio >= 1e6:
        return f"about {ratio / 1e6:,.1f}".replace(".0", "") + " million times"
    if ratio >= 1e4:
        return f"about {round(ratio, -3):,.0f} times"
    if ratio >= 100:
        return f"about {round(ratio, -1):,.0f} times"
    if ratio >= 10:
        return f"about {ratio:,.0f} times"
    return f"{ratio:,.1f} times".replace(".0 ", " ")


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def quote_to_compute(verdict: dict[str, Any]) -> tuple[float, float, str] | None:
    """(quote, compute cost of the training run, their currency), when both are known and above zero."""
    econ = verdict.get("economics") or {}
    quote, compute = money_of(econ, "quote"), money_of(econ, "compute_cost")
    if not (_positive(quote) and _positive(compute)):
        return None
    assert quote is not None and compute is not None  # _positive holds only for numbers
    return float(quote), float(compute), econ.get("currency") or "GBP"


def ratio_sentence(verdict: dict[str, Any]) -> str:
    """The gap between the quote and its compute cost, written out (empty when either is unknown)."""
    pair = quote_to_compute(verdict)
    if pair is None:
        return ""
    quote, compute, currency = pair
    quoted, computed = format_money(quote, currency), format_money(compute, currency, pence=True)
    if quote >= compute:
        return f"The quote ({quoted}) is {times_phrase(quote / compute)} what the training run costs in compute ({computed})."
    return f"The training run's compute ({computed}) costs {times_phrase(compute / quote)} the quote ({quoted})."


def economics_figure(verdict: dict[str, Any]) -> dict[str, Any] | None:
    """The quote as a bar on an ordinary scale, with the compute cost of the training run beside it (usually a
    sliver too thin to see), and the ratio written in the title, as the figure JSON the page's Plotly draws.
    None without both figures."""
    pair = quote_to_compute(verdict)
    if pair is None:
        return None
    quote, compute, currency = pair
    thin = compute < quote / 100
    texts = [format_money(compute, currency, pence=True) + ("  (too thin to see)" if thin else ""), format_money(quote, currency)]
    bigger = max(quote, compute)
    # Two short lines: a phone's chart is about 300 pixels wide and Plotly does not wrap titles.
    headline = (
        f"The quote is {times_phrase(quote / compute)}<br>the compute cost of training"
        if quote >= compute
        else f"Training's compute costs<br>{times_phrase(compute / quote)} the quote"
    )
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": ["Training<br>compute", "The quote"],  # bottom to top
        "x": [compute, quote],
        "marker": {"color": ["#0f766e", "#b45309"]},
        "width": 0.55,
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "hoverinfo": "skip",
    }
    layout = {
        "title": {"text": headline, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "xaxis": {
            "type": "linear",
            "range": [0, bigger * 1.45],
            "tickprefix": SYMBOLS.get(currency, "£"),
            "separatethousands": True,
            "fixedrange": True,
            "showgrid": True,
            "nticks": 4,
            "rangemode": "tozero",
        },
        "yaxis": {"type": "category", "fixedrange": True, "automargin": True},
        "margin": {"l": 10, "r": 10, "t": 64, "b": 30},
        "height": 250,
    }
    return _figure([bar], layout)


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A figure as Plotly's JSON: transparent, no legend, sized by the page."""
    base = {"showlegend": False, "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "autosize": True}
    return {"data": data, "layout": {**base, **layout}}


# No toolbar: owners read these charts, they do not zoom or export them, and on a phone it covers the title.
CHART_CONFIG = {"displayModeBar": False, "responsive": True}


@dataclass
class Chart(Element):
    """A chart the page draws with its own Plotly, from figure JSON built here: Chainlit's `cl.Plotly` needs the
    plotly package's validating Figure, which cost a verdict turn more than the rest of it."""

    type: ClassVar[ElementType] = "plotly"
    size: ElementSize = "medium"
    figure: Any = None  # plain JSON values; not validated field by field

    def __post_init__(self) -> None:
        self.content = json.dumps({**(self.figure or {}), "config": CHART_CONFIG}, ensure_ascii=False)
        self.mime = "application/json"
        super().__post_init__()


def chart(name: str, figure: dict[str, Any]) -> Chart:
    """A chart element shown inline; Chainlit's page reads the figure's `config` from the element's JSON."""
    return Chart(name=name, figure=figure, display="inline", size="medium")


_TRACE = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")


def safe_line(text: str, fallback: str) -> str:
    """One line for the owner: the first line of an error message, never a trace or a path dump."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    if not first or _TRACE.search(first) or len(first) > 300:
        return fallback
    return untrusted(first)  # an error may quote the file


def untrusted(text: str) -> str:
    """Text from the owner or their file, shown inside a message: no images, outside links or HTML survive."""
    from chains.clean import clean_output

    return clean_output(text)
