"""Marketing copy cut into whole sentences, the unit in which a pitch's claims are quoted back to the owner."""

from __future__ import annotations

import re

_TRANS = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " "}
)
# A full stop after one of these ends a word, not a sentence ("c. 3,000 quotes", "e.g. invoices").
_ABBREVIATIONS = re.compile(
    r"(?:^|\s|\()(?:c|ca|approx|e\.g|i\.e|etc|no|nos|vs|mr|mrs|ms|dr|ltd|inc|co|st|incl|excl|ex|"
    r"fig|ref|p|pp|min|max|avg|est|dept|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9£$€\u2018\u201c])|\n+|\s*[\u2022\u2023\u25aa\u25cf\u2714\u2705\u2713]\s*")
_LEAD = re.compile(r"^[\s\-*–—·>#|]+|^\d+[.)]\s+|^[^\w\"'(£$€]+")


def lower(text: str) -> str:
    """Lower-case with one kind of quote, dash and space; as long as the text, so a span maps back to it."""
    low = text.translate(_TRANS).lower()
    return low if len(low) == len(text) else text.translate(_TRANS)


def sentences(text: str) -> list[str]:
    """Whole sentences: cut at a full stop before a capital or a figure, at line breaks and at bullets."""
    merged: list[str] = []
    for part in _SPLIT.split(text):
        if not part or not part.strip():
            continue
        if merged and _ABBREVIATIONS.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {part.strip()}"
        else:
            merged.append(part.strip())
    out = []
    for part in merged:
        part = _LEAD.sub("", part).strip()
        if part and re.search(r"[a-zA-Z]", part):
            out.append(part)
    return out


def lower_first(label: str) -> str:
    """A label put mid-sentence: its first letter lower-case, unless its first word is "I" or an acronym
    ("RAG: look things up in our documents" stays as it is)."""
    first = label.split(" ", 1)[0].rstrip(":,.")
    if first == "I" or (len(first) > 1 and first.isupper()):
        return label
    return label[:1].lower() + label[1:]
