"""The data audit as plain text for the terminal."""

from __future__ import annotations

from chains.audit import AUDIT_DEFINITIONS, AuditResult
from chains.personal_data import PII_NAMES
from chains.settings import Settings, get_settings

__all__ = ["format_text"]


def format_text(result: AuditResult, settings: Settings | None = None) -> str:
    """A plain-text report for the terminal: the figures, the findings, then what the words mean."""
    pii = result["pii"]
    lines = [f"Data audit of {result['file']} ({result['shape'] or 'unknown shape'})", ""]
    table = [
        ("Rows read", f"{result['rows']:,}"),
        ("Empty", f"{result['empty']:,}"),
        ("Duplicates", f"{result['duplicates']:,}"),
        ("Clean examples", f"{result['clean']:,}"),
        (
            "With personal data",
            f"{result['pii_rows']:,}"
            + (
                " (" + ", ".join(f"{PII_NAMES[k]} {v['count']:,}" for k, v in pii.items() if v["count"]) + ")"
                if result["pii_rows"]
                else ""
            ),
        ),
    ]
    near = result["near_duplicates"]
    table.append(("Near-duplicate pairs", "not checked" if near is None else f"{near['count']:,}"))
    if result["labels"]:
        table.append(("Labels", ", ".join(f"{k} {v:,}" for k, v in result["labels"].items())))
    tok = result["tokens"]
    table.append(
        (
            "Tokens per example",
            f"mean {tok['mean']:,}, median {tok['median']:,g}, 95th percentile {tok['p95']:,}, longest {tok['max']:,}",
        )
    )
    cost = result["training_cost_gbp"]
    settings = settings or get_settings()
    table.append(
        (
            "Training compute",
            (f"£{cost:,.2f}" if cost >= 0.01 else "under £0.01" if cost else "£0")
            + f": {tok['total']:,} tokens x {settings.epochs} epochs at "
            f"£{settings.price_per_million_training_tokens_gbp:g} per million",
        )
    )
    width = max(len(k) for k, _ in table)
    lines += [f"  {k.ljust(width)}  {v}" for k, v in table]
    lines += ["", "Findings"]
    lines += [f"  - {issue}" for issue in result["issues"]] or ["  - None: the file looks clean."]
    lines += ["", "What the words mean"]
    for key in ("empty", "duplicates", "clean", "personal_data", "near_duplicates", "tokens", "training_cost"):
        lines.append(f"  {key.replace('_', ' ').capitalize()}: {AUDIT_DEFINITIONS[key]}")
    return "\n".join(lines)
