"""What the owner sees: Chainlit messages, buttons and elements built from the engine's plain data."""

from __future__ import annotations

import re
from typing import Any, Iterable

import chainlit as cl

from chains.verdict import VERDICT_LABELS, format_count, format_gbp, format_share

VERDICT_CARD = "VerdictCard"  # public/elements/VerdictCard.jsx
REPORT_PDF = "pitchcheck-report.pdf"
REPORT_MD = "pitchcheck-report.md"

ANSWER_ACTION = "answer"
AUDIT_ACTION = "audit"
EXAMPLE_ACTION = "example"
EXPLAIN_ACTION = "explain_lora"
PITCH_ACTION = "check_pitch"
CONFIRM_EXAMPLE_ACTION = "example_confirm"

# The four shortcuts: starters on an empty chat, and buttons on the welcome message.
SHORTCUTS: tuple[tuple[str, str, str, str], ...] = (
    # (action name, label, message a starter sends, lucide icon)
    (PITCH_ACTION, "Check a vendor's pitch", "I'd like to check a vendor's pitch.", "clipboard-check"),
    (EXAMPLE_ACTION, "Try the £18,000 example", "Show me the £18,000 example.", "play"),
    (EXPLAIN_ACTION, "Explain LoRA in plain English", "What is LoRA, in plain English?", "book-open"),
    (AUDIT_ACTION, "Audit my training examples", "I'd like to audit my training examples.", "file-search"),
)
STARTER_MESSAGES = {message: name for name, _, message, _ in SHORTCUTS}
EXPLAIN_LORA_QUESTION = SHORTCUTS[2][2]


# --- buttons --------------------------------------------------------------------------------------------
def shortcut_actions(skip: Iterable[str] = (PITCH_ACTION,)) -> list[cl.Action]:
    return [cl.Action(name=name, payload={}, label=label, icon=icon)
            for name, label, _, icon in SHORTCUTS if name not in set(skip)]


def choice_actions(awaiting: dict[str, Any] | None) -> list[cl.Action]:
    """One button per choice (payload = the choice's value), plus the audit upload at the examples question."""
    if not awaiting:
        return []
    actions = [cl.Action(name=ANSWER_ACTION, label=c["label"],
                         payload={"field": awaiting["field"], "value": c["value"], "label": c["label"]})
               for c in awaiting.get("choices") or []]
    if awaiting.get("field") == "clean_examples":
        actions.append(cl.Action(name=AUDIT_ACTION, payload={}, label="Upload examples for an audit", icon="upload"))
    return actions


def question_text(reply_text: str, awaiting: dict[str, Any] | None) -> str:
    """With buttons on screen, the numbered list the terminal needs is left out (numbers still work typed)."""
    if awaiting and awaiting.get("choices"):
        return awaiting["question"]
    return reply_text


# --- sources ------------------------------------------------------------------------------------------------
def sources_line(titles: list[str]) -> str:
    return ("\n\n**Sources:** " + " · ".join(titles)) if titles else ""


def source_elements(sources: list[dict[str, Any]], markdown_for, citation_for=None,
                    inline: bool = False) -> tuple[list[cl.Text], list[str]]:
    """Elements named with each concept's title, and the titles in order.

    In the web app they are side panels holding the glossary entry (the link is the title in the message).
    In the Copilot widget side panels break the widget (Chainlit 2.12 opens them as a dialog and the chat
    fails to render), so there they are short inline citations instead.
    """
    elements, titles = [], []
    for s in sources:
        title = str(s.get("title") or s.get("id"))
        if title in titles:
            continue
        if inline:
            content = (citation_for(s.get("id")) if citation_for else None) or title
            elements.append(cl.Text(name=title, content=content, display="inline"))
        else:
            content = markdown_for(s.get("id")) or f"### {title}"
            elements.append(cl.Text(name=title, content=content, display="side"))
        titles.append(title)
    return elements, titles


# --- the verdict ----------------------------------------------------------------------------------------
def economics_rows(econ: dict[str, Any]) -> list[dict[str, str]]:
    rows = [
        ("Quote (one-off)", econ.get("quote_gbp"), lambda v: format_gbp(v)),
        ("Monthly fee", econ.get("monthly_fee_gbp"), lambda v: format_gbp(v)),
        ("How many a month", econ.get("monthly_volume"), format_count),
        ("Quote per item, first year", econ.get("quote_per_item_gbp"), lambda v: format_gbp(v, pence=True)),
        ("Clean examples", econ.get("clean_examples"), format_count),
        ("Training tokens", econ.get("training_tokens"), format_count),
        ("Compute cost of training", econ.get("compute_cost_gbp"), lambda v: format_gbp(v, pence=True)),
        ("Compute share of quote", econ.get("compute_share_of_quote"), format_share),
    ]
    return [{"label": label, "value": fmt(value)} for label, value, fmt in rows if value is not None]


def card_props(verdict: dict[str, Any]) -> dict[str, Any]:
    """Everything the verdict card shows, as plain JSON (the card has no logic of its own)."""
    econ = verdict.get("economics") or {}
    return {
        "verdict": verdict.get("verdict"),
        "label": VERDICT_LABELS.get(verdict.get("verdict"), str(verdict.get("verdict"))),
        "headline": verdict.get("headline", ""),
        "reasons": [r["text"] for r in verdict.get("reasons", [])],
        "cautions": [c["text"] for c in verdict.get("cautions", [])],
        "red_flags": [f["text"] for f in verdict.get("red_flags", [])],
        "vendor_questions": list(verdict.get("vendor_questions", [])),
        "economics": econ.get("summary") or "",
        "figures": economics_rows(econ),
    }


def verdict_summary(verdict: dict[str, Any]) -> str:
    """The message text under the card: short, so the card carries the detail."""
    label = VERDICT_LABELS.get(verdict.get("verdict"), str(verdict.get("verdict")))
    return f"**Verdict: {label}.** {verdict.get('headline', '')}"


def economics_figure(verdict: dict[str, Any]):
    """Bar chart in pounds: the quote per item against what the training run costs in compute (log scale)."""
    econ = verdict.get("economics") or {}
    noun = "item"
    bars = [
        (f"Quote per {noun}<br>(first year)", econ.get("quote_per_item_gbp"), "#b45309"),
        ("Compute cost of<br>the training run", econ.get("compute_cost_gbp"), "#0f766e"),
    ]
    if econ.get("quote_gbp"):
        bars.insert(0, ("Whole quote", econ.get("quote_gbp"), "#7c2d12"))
    bars = [(label, float(v), colour) for label, v, colour in bars if isinstance(v, (int, float)) and v > 0]
    if not bars:
        return None
    import plotly.graph_objects as go

    values = [v for _, v, _ in bars]
    log_scale = max(values) / min(values) > 50
    fig = go.Figure(go.Bar(
        x=[label for label, _, _ in bars], y=values, marker_color=[c for _, _, c in bars],
        text=[format_gbp(v, pence=True) for v in values], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    fig.update_layout(
        title={"text": "The economics, in pounds" + (" (log scale)" if log_scale else ""), "x": 0},
        yaxis={"type": "log" if log_scale else "linear", "title": "£", "tickprefix": "£"},
        margin={"l": 50, "r": 20, "t": 50, "b": 40}, height=340, showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


# --- the audit ---------------------------------------------------------------------------------------------
def _label_counts(labels: Any) -> list[tuple[str, int]]:
    if isinstance(labels, dict):
        items = list(labels.items())
    elif isinstance(labels, list):
        items = []
        for item in labels:
            if isinstance(item, dict):
                items.append((item.get("label"), item.get("count")))
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                items.append((item[0], item[1]))
    else:
        return []
    return [(str(k), int(v)) for k, v in items if isinstance(v, (int, float))]


def _length_stats(result: dict[str, Any]) -> list[tuple[str, float]]:
    """Tokens per clean example as the audit summarises them (mean, median, 95th percentile, longest)."""
    tokens = result.get("tokens")
    if isinstance(tokens, dict):
        stats = [("Mean", tokens.get("mean")), ("Median", tokens.get("median")),
                 ("95th percentile", tokens.get("p95")), ("Longest", tokens.get("max"))]
        return [(k, float(v)) for k, v in stats if isinstance(v, (int, float)) and v > 0]
    return []


def _lengths(result: dict[str, Any]) -> list[float]:
    """Per-example lengths, if the audit ever lists them (it summarises them today)."""
    for key in ("lengths", "example_tokens", "token_counts"):
        value = result.get(key)
        if isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value):
            return [float(v) for v in value]
    return []


def audit_markdown(result: dict[str, Any]) -> str:
    """The audit's figures and findings as Markdown for the chat."""
    def n(key: str) -> str:
        value = result.get(key)
        return f"{value:,}" if isinstance(value, (int, float)) else "not known"

    rows = [("Rows read", n("rows")), ("Empty", n("empty")), ("Duplicates", n("duplicates")),
            ("**Clean examples**", f"**{n('clean')}**"), ("With personal data", n("pii_rows"))]
    near = result.get("near_duplicates")
    rows.append(("Near-duplicate pairs", "not checked yet" if near is None else f"{near.get('count', 0):,}"))
    labels = _label_counts(result.get("labels"))
    if labels:
        rows.append(("Labels", untrusted(", ".join(f"{k} {v:,}" for k, v in labels[:12])).replace("|", "/")
                     + (" ..." if len(labels) > 12 else "")))
    tokens = result.get("tokens") if isinstance(result.get("tokens"), dict) else {}
    if tokens:
        rows.append(("Tokens per example", f"mean {tokens.get('mean', 0):,}, longest {tokens.get('max', 0):,}"))
    cost = result.get("training_cost_gbp")
    if isinstance(cost, (int, float)):
        rows.append(("Training compute", format_gbp(cost, pence=True) if cost else "£0"))
    table = "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
    issues = [untrusted(str(i)) for i in result.get("issues") or []]  # findings quote the file's cells
    findings = "\n".join(f"- {i}" for i in issues) if issues else "- None: the file looks clean."
    name = untrusted(str(result.get("file") or "your file")).replace("|", "/")
    return f"**Data audit of {name}**\n\n{table}\n\n**Findings**\n{findings}"


def audit_figures(result: dict[str, Any]) -> list[tuple[str, Any]]:
    """(name, figure) pairs: the label balance and the spread of example lengths, where the audit has them."""
    import plotly.graph_objects as go

    out = []
    counts = sorted(_label_counts(result.get("labels")), key=lambda kv: -kv[1])[:30]
    if counts:
        fig = go.Figure(go.Bar(x=[k for k, _ in counts], y=[v for _, v in counts], marker_color="#1d4ed8"))
        fig.update_layout(title={"text": "Label balance: examples per label", "x": 0}, height=320,
                          yaxis={"title": "examples"}, margin={"l": 50, "r": 20, "t": 50, "b": 60},
                          paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
        out.append(("Label balance", fig))
    lengths = _lengths(result)
    stats = _length_stats(result)
    if lengths:
        fig = go.Figure(go.Histogram(x=lengths, nbinsx=30, marker_color="#0f766e"))
        fig.update_layout(xaxis={"title": "tokens per example"}, yaxis={"title": "examples"})
    elif stats:
        fig = go.Figure(go.Bar(x=[k for k, _ in stats], y=[v for _, v in stats], marker_color="#0f766e",
                               text=[f"{v:,.0f}" for _, v in stats], textposition="outside", cliponaxis=False))
        fig.update_layout(yaxis={"title": "tokens"})
    else:
        fig = None
    if fig is not None:
        fig.update_layout(title={"text": "Example lengths (tokens per clean example)", "x": 0}, height=320,
                          margin={"l": 50, "r": 20, "t": 50, "b": 50},
                          paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
        out.append(("Example lengths", fig))
    return out


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
