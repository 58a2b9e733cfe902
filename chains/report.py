"""The verdict as a report an owner can read or print: Markdown for the chat, a one- or two-page A4 PDF."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from chains.facts import FIELD_BY_NAME
from chains.money import format_money, format_range, rate_phrase_of
from chains.verdict import RULE_NAMES, VERDICT_LABELS, format_count, format_share

TITLE = "Pitchcheck report"
# Short labels for the facts as answered; the interview's questions are too long for a summary.
FACT_LABELS: dict[str, str] = {
    "mechanism": "What the vendor will do",
    "quote": "Quote (one-off)",
    "quote_gbp": "Quote (one-off)",
    "monthly_fee": "Monthly fee",
    "monthly_fee_gbp": "Monthly fee",
    "task": "The job",
    "monthly_volume": "How many a month",
    "clean_examples": "Clean examples",
    "tokens_per_example": "Tokens per example (measured)",
    "task_stable": "Task stable for three months",
    "personal_data": "Personal data",
    "prompt_rag": "Prompts plus RAG",
    "fresh_knowledge": "Depends on changing facts",
    "regulated": "Decisions about individuals",
    "vendor_examples": "Vendor: examples needed",
    "vendor_shortfall": "Vendor: plan if too few",
    "vendor_retraining": "Vendor: retraining plan",
}
PDF_PITCH_LIMIT = 1200  # characters; keeps a pasted essay from pushing the report past two pages
Block = tuple[str, Any]  # ("para" | "bullets" | "numbered" | "pairs" | "terms" | "quote", content)

# Characters that can start links, images, HTML, emphasis, code or tables anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&$])")
# Characters that only mean something at the start of a line (headings, lists, quotes, setext underlines).
_MD_LINE_START = re.compile(r"^(\s*)([#=+\-@>]|\d+(?=[.)](?:\s|$)))")  # "12. " starts a list; "0.00%" does not
_PDF_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2032": "'",
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "·",
    "\u2023": "·",
    "\u2043": "-",
    "\u20ac": "EUR ",
    "\u2122": "(TM)",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2248": "~",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2028": "\n",
    "\u2029": "\n",
}


def escape_markdown(text: str) -> str:
    """Text that renders exactly as written: no links, images, HTML, emphasis or list markers."""
    lines = []
    for line in _clean(text).split("\n"):
        line = _MD_INLINE.sub(r"\\\1", line)
        match = _MD_LINE_START.match(line)
        if match:
            marker = match.group(2)
            # "12." must lose its list meaning through the dot, not the digits.
            escaped = marker + "\\" if marker[0].isdigit() else "\\" + marker
            line = escaped + line[match.end() :]
        lines.append(line.strip())
    return "\n".join(lines)


def _clean(text: Any) -> str:
    # Control characters have no business in a report; tabs and odd line breaks become plain ones.
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")


def to_latin1(text: Any) -> str:
    """Text the PDF core fonts can print: typographic marks made plain, emoji dropped, anything else '?'."""
    out = []
    for ch in _clean(text):
        if ord(ch) < 256:
            out.append(ch)
        elif ch in _PDF_REPLACEMENTS:
            out.append(_PDF_REPLACEMENTS[ch])
        else:
            plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c))
            if plain:
                out.append(plain)
            elif unicodedata.category(ch) not in ("So", "Sk", "Cf", "Mn", "Me", "Cs", "Co", "Cn"):
                out.append("?")  # an unprintable letter is marked; emoji, joiners and marks simply go
    # Dropped emoji leave double spaces behind.
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", "".join(out))


def _fact_value(name: str, value: Any, facts: Mapping[str, Any]) -> str:
    currency = facts.get("currency") or "GBP"
    if name in ("quote", "quote_gbp") and isinstance(value, (int, float)):
        return format_range(value, facts.get("quote_high"), currency if name == "quote" else "GBP")
    if name in ("monthly_fee", "monthly_fee_gbp") and isinstance(value, (int, float)):
        return format_money(value, currency if name == "monthly_fee" else "GBP")
    spec = FIELD_BY_NAME.get(name)
    if name == "tokens_per_example" or (spec and spec.kind in ("count", "volume")):
        return format_count(value) if isinstance(value, (int, float)) else str(value)
    return spec.label_of(value) if spec else str(value)


def _answers(verdict: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The owner's answers in plain words: what was answered, and what the verdict still waits on; nothing else."""
    facts = verdict.get("facts") or {}
    waiting = [name for r in verdict.get("reasons", []) if r.get("code") == "missing_facts" for name in r.get("fields", [])]
    shown: list[tuple[str, str]] = []
    for name, label in FACT_LABELS.items():
        value = facts.get(name)
        if name.endswith("_gbp") and facts.get(name[:-4]) is not None:
            continue  # the same figure under its older name
        if value is not None:
            shown.append((label, _fact_value(name, value, facts)))
        elif name in waiting:
            shown.append((label, "Not known yet"))
        elif name in (facts.get("left_open") or ()):
            shown.append((label, "Don't know"))  # asked, and left open: the verdict did not need it
    return shown


def cited_concepts(verdict: Mapping[str, Any]) -> list[str]:
    """Every glossary id the reasons, cautions and red flags cite, in order of first mention."""
    seen: dict[str, None] = {}
    for group in ("reasons", "cautions", "red_flags"):
        for item in verdict.get(group, []):
            seen.update(dict.fromkeys(item.get("concepts", [])))
    return list(seen)


def fired_codes(verdict: Mapping[str, Any]) -> list[str]:
    """The codes of every rule that fired, reasons first (for programs; the report names them in words)."""
    return [item["code"] for group in ("reasons", "cautions", "red_flags") for item in verdict.get(group, [])]


def _economics_pairs(econ: Mapping[str, Any]) -> list[tuple[str, str]]:
    currency = econ.get("currency") or "GBP"
    quote = econ.get("quote", econ.get("quote_gbp"))
    per_item = econ.get("quote_per_item", econ.get("quote_per_item_gbp"))
    fee = econ.get("monthly_fee", econ.get("monthly_fee_gbp"))
    compute = econ.get("compute_cost", econ.get("compute_cost_gbp"))
    price_gbp = econ.get("price_per_million_tokens_gbp")
    training_price = "not known"
    if price_gbp is not None:
        training_price = f"{format_money(price_gbp, 'GBP', pence=True)} per million tokens"
        if currency != "GBP" and econ.get("price_per_million_tokens") is not None:
            training_price += (
                f" ({format_money(econ['price_per_million_tokens'], currency, pence=True)} at {rate_phrase_of(econ)})"
            )
    pairs = [
        ("Quote", format_range(quote, econ.get("quote_high"), currency)),
        ("Monthly fee", format_money(fee, currency)) if fee else None,
        ("How many a month", format_count(econ.get("monthly_volume"))),
        ("Items in the first year", format_count(econ.get("items_first_year"))),
        ("Quote per item", format_money(per_item, currency, pence=True)),
        ("Clean examples", format_count(econ.get("clean_examples"))),
        ("Tokens per example", format_count(econ.get("tokens_per_example"))),
        ("Passes over the data", format_count(econ.get("epochs"))),
        ("Training price", training_price),
        ("Training tokens", format_count(econ.get("training_tokens"))),
        ("Compute cost", format_money(compute, currency, pence=True)),
        ("Compute share of quote", format_share(econ.get("compute_share_of_quote"))),
    ]
    return [p for p in pairs if p]


def _sections(verdict: Mapping[str, Any], glossary: Mapping[str, tuple[str, str]] | None) -> list[tuple[str, list[Block]]]:
    """The report's content once, so Markdown and PDF say the same thing."""
    sections: list[tuple[str, list[Block]]] = [("Why", [("bullets", [r["text"] for r in verdict.get("reasons", [])])])]
    if verdict.get("also_worth_knowing"):
        sections.append(("Also worth knowing", [("bullets", [a["text"] for a in verdict["also_worth_knowing"]])]))
    if verdict.get("cautions"):
        sections.append(("Cautions", [("bullets", [c["text"] for c in verdict["cautions"]])]))
    if verdict.get("red_flags"):
        sections.append(("Red flags in the pitch", [("bullets", [f["text"] for f in verdict["red_flags"]])]))
    if verdict.get("claims_to_test"):
        sections.append(
            ("Claims to test", [("terms", [(f'"{c["text"]}"', f"Ask: {c['question']}") for c in verdict["claims_to_test"]])])
        )
    sections.append(("Questions to put to the vendor", [("numbered", list(verdict.get("vendor_questions", [])))]))
    econ = verdict.get("economics") or {}
    sections.append(("The numbers", [("para", econ.get("summary", "")), ("pairs", _economics_pairs(econ))]))
    concepts = cited_concepts(verdict)
    if concepts:
        # Without a glossary the ids still tell the reader what to look up.
        terms = [(glossary[c][0], glossary[c][1]) if glossary and c in glossary else (c, "") for c in concepts]
        sections.append(("Terms used in this report", [("terms", terms)]))
    facts = verdict.get("facts") or {}
    if facts.get("pitch"):
        sections.append(("The pitch, as you gave it", [("quote", str(facts["pitch"]))]))
    answers = _answers(verdict)
    if answers:
        sections.append(("Your answers", [("pairs", answers)]))
    return sections


def _footer(verdict: Mapping[str, Any]) -> str:
    names = list(dict.fromkeys(RULE_NAMES.get(code, code.replace("_", " ")) for code in fired_codes(verdict)))
    applied = f" The rules that applied: {'; '.join(names)}." if names else ""
    return "This verdict comes from Pitchcheck's published rules applied to your answers, not from an AI's opinion." + applied


def to_markdown(verdict: Mapping[str, Any], glossary: Mapping[str, tuple[str, str]] | None = None) -> str:
    """The report as Markdown, with every piece of text escaped so nothing in it can become a link or HTML."""
    e = escape_markdown
    label = VERDICT_LABELS.get(str(verdict.get("verdict")), str(verdict.get("verdict")))
    out = [f"# {TITLE}", "", f"**Verdict: {e(label)}**", "", e(verdict.get("headline", "")), ""]
    for heading, blocks in _sections(verdict, glossary):
        out += [f"## {e(heading)}", ""]
        for kind, content in blocks:
            if kind == "para":
                out += [e(content), ""]
            elif kind == "bullets":
                out += [f"- {e(t)}" for t in content] + [""]
            elif kind == "numbered":
                out += [f"{i}. {e(t)}" for i, t in enumerate(content, 1)] + [""]
            elif kind == "pairs":
                out += [f"- **{e(k)}:** {e(v)}" for k, v in content] + [""]
            elif kind == "terms":
                out += [f"- **{e(k)}**" + (f": {e(v)}" if v else "") for k, v in content] + [""]
            elif kind == "quote":
                out += ["> " + line if line else ">" for line in e(content).split("\n")] + [""]
    out += ["---", "", e(_footer(verdict))]
    return "\n".join(out) + "\n"


def _new_pdf() -> Any:
    # fpdf2 pulls in fontTools, Pillow and numpy (seconds on a busy machine): only pay for it when a PDF is wanted.
    from fpdf import FPDF

    class _PDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.set_text_color(110)
            self.cell(0, 5, f"{TITLE} · page {self.page_no()} of {{nb}}", align="C")
            self.set_text_color(0)

    return _PDF(format="A4")


def _render(verdict: Mapping[str, Any], glossary: Mapping[str, tuple[str, str]] | None, size: float) -> Any:
    pdf = _new_pdf()
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(TITLE)
    pdf.set_author("Pitchcheck")
    pdf.add_page()
    line = size * 0.5
    nl = {"new_x": "LMARGIN", "new_y": "NEXT"}

    def text(body: str, style: str = "", scale: float = 1.0, indent: float = 0.0) -> None:
        pdf.set_font("Helvetica", style, size * scale)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, line * scale, to_latin1(body), align="L", **nl)

    def hanging(marker: str, body: str, width: float = 6.0) -> None:
        pdf.set_font("Helvetica", "", size)
        pdf.cell(width, line, marker)
        pdf.multi_cell(pdf.epw - width, line, to_latin1(body), align="L", **nl)
        pdf.ln(line * 0.25)

    text(TITLE, "B", 2.0)
    pdf.ln(line * 0.5)
    text(VERDICT_LABELS.get(str(verdict.get("verdict")), str(verdict.get("verdict"))), "B", 1.4)
    text(verdict.get("headline", ""), "", 1.15)
    for heading, blocks in _sections(verdict, glossary):
        pdf.ln(line * 0.8)
        if pdf.get_y() > pdf.h - pdf.b_margin - line * 5:
            pdf.add_page()  # a heading stranded at the foot of a page reads badly on paper
        text(heading, "B", 1.2)
        pdf.ln(line * 0.2)
        for kind, content in blocks:
            if kind == "para":
                text(content)
                pdf.ln(line * 0.4)
            elif kind in ("bullets", "numbered"):
                for i, item in enumerate(content, 1):
                    hanging(f"{i}." if kind == "numbered" else "·", item)
            elif kind == "pairs":
                for key, value in content:
                    pdf.set_font("Helvetica", "B", size)
                    pdf.cell(62, line, to_latin1(key))
                    pdf.set_font("Helvetica", "", size)
                    pdf.multi_cell(pdf.epw - 62, line, to_latin1(value), align="L", **nl)
            elif kind == "terms":
                for key, value in content:
                    text(key, "B")
                    if value:
                        text(value, indent=4)
                    pdf.ln(line * 0.25)
            elif kind == "quote":
                shown = content if len(content) <= PDF_PITCH_LIMIT else content[:PDF_PITCH_LIMIT].rstrip() + "... (shortened)"
                text(shown, "I", indent=4)
    pdf.ln(line)
    pdf.set_text_color(90)
    text(_footer(verdict), "", 0.85)
    pdf.set_text_color(0)
    return pdf


def to_pdf(verdict: Mapping[str, Any], glossary: Mapping[str, tuple[str, str]] | None = None) -> bytes:
    """The report as an A4 PDF of one or two pages, printable in black and white."""
    # Shrink the type a step at a time rather than spill onto a third page; the last attempt stands regardless.
    for size in (10.0, 9.0, 8.0, 7.5):
        pdf = _render(verdict, glossary, size)
        if pdf.pages_count <= 2:
            break
    return bytes(pdf.output())
