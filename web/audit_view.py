"""The audit's result in the chat: a summary table and its two charts (label balance, example lengths)."""

from __future__ import annotations

from typing import Any

from chains.verdict import format_gbp

from .render import _figure, untrusted


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
        stats = [
            ("Mean", tokens.get("mean")),
            ("Median", tokens.get("median")),
            ("95th percentile", tokens.get("p95")),
            ("Longest", tokens.get("max")),
        ]
        return [(k, float(v)) for k, v in stats if isinstance(v, (int, float)) and v > 0]
    return []


def audit_markdown(result: dict[str, Any]) -> str:
    """The audit's figures and findings as Markdown for the chat."""

    def n(key: str) -> str:
        value = result.get(key)
        return f"{value:,}" if isinstance(value, (int, float)) else "not known"

    rows = [
        ("Rows read", n("rows")),
        ("Empty", n("empty")),
        ("Duplicates", n("duplicates")),
        ("**Clean examples**", f"**{n('clean')}**"),
        ("With personal data", n("pii_rows")),
    ]
    near = result.get("near_duplicates")
    rows.append(("Near-duplicate pairs", "not checked yet" if near is None else f"{near.get('count', 0):,}"))
    labels = _label_counts(result.get("labels"))
    if labels:
        rows.append(
            (
                "Labels",
                untrusted(", ".join(f"{k} {v:,}" for k, v in labels[:12])).replace("|", "/")
                + (" ..." if len(labels) > 12 else ""),
            )
        )
    tokens = result.get("tokens") if isinstance(result.get("tokens"), dict) else {}
    if tokens:
        rows.append(("Tokens per example", f"mean {tokens.get('mean', 0):,}, longest {tokens.get('max', 0):,}"))
    cost = result.get("training_cost_gbp")
    if isinstance(cost, (int, float)):
        rows.append(("Training compute", format_gbp(cost, pence=True) if cost else "£0"))
    table = "| What I checked | Found |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
    issues = [untrusted(str(i)) for i in result.get("issues") or []]  # findings quote the file's cells
    findings = "\n".join(f"- {i}" for i in issues) if issues else "- None: the file looks clean."
    name = untrusted(str(result.get("file") or "your file")).replace("|", "/")
    return f"**Data audit of {name}**\n\n{table}\n\n**Findings**\n{findings}"


def audit_figures(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, figure) pairs: the label balance and the spread of example lengths, where the audit has them."""
    out = []
    bar: dict[str, Any]
    counts = sorted(_label_counts(result.get("labels")), key=lambda kv: -kv[1])[:30]
    if counts:
        bar = {"type": "bar", "x": [k for k, _ in counts], "y": [v for _, v in counts], "marker": {"color": "#1d4ed8"}}
        layout = {
            "title": {"text": "Label balance: examples per label", "x": 0},
            "height": 320,
            "yaxis": {"title": {"text": "examples"}},
            "margin": {"l": 50, "r": 20, "t": 50, "b": 60},
        }
        out.append(("Label balance", _figure([bar], layout)))
    stats = _length_stats(result)  # the audit's own summary (chains.audit_result.TokenStats)
    if stats:
        bar = {
            "type": "bar",
            "x": [k for k, _ in stats],
            "y": [v for _, v in stats],
            "marker": {"color": "#0f766e"},
            "text": [f"{v:,.0f}" for _, v in stats],
            "textposition": "outside",
            "cliponaxis": False,
        }
        layout = {
            "title": {"text": "Tokens per clean example", "x": 0},
            "height": 320,
            "yaxis": {"title": {"text": "tokens"}},
            "margin": {"l": 50, "r": 20, "t": 50, "b": 50},
        }
        out.append(("Example lengths", _figure([bar], layout)))
    return out
