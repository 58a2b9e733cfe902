"""The report: Markdown content and escaping, and a PDF that opens, fits two pages and survives any text."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pypdf import PdfReader

from chains.facts import normalise_facts
from chains.report import cited_concepts, escape_markdown, to_latin1, to_markdown, to_pdf
from chains.settings import Settings
from chains.verdict import CONCEPT_IDS, RULE_CODES, VERDICT_LABELS, assess

DEFAULTS = Settings()
GUIDE = normalise_facts(
    {
        "pitch": "We'll fine-tune the model on your reports so it learns your methodology and tone, for £18,000.",
        "mechanism": "unclear",
        "quote_gbp": 18000,
        "task": "open_writing",
        "monthly_volume": 12,
        "clean_examples": 40,
        "task_stable": "unsure",
        "personal_data": "lawful",
        "prompt_rag": "not_tried",
        "fresh_knowledge": "no",
        "regulated": "yes",
        "vendor_examples": "no",
        "vendor_shortfall": "not_asked",
    }
)
GLOSSARY = {c: (c.replace("-", " ").capitalize(), f"What {c} means, in one line.") for c in CONCEPT_IDS}
INJECTION = (
    "[click here](http://evil.example) ![pixel](http://evil.example/p.png) <img src=x onerror=alert(1)> "
    "<script>alert(1)</script> <a href='http://evil.example'>x</a> **bold** `code` &lt;b&gt;\n"
    "- a list\n# A heading\n=SUM(A1:A9)\n+44 20 7946 0000\n@everyone\n1. numbered\n> quoted\n---"
)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def words(text: str) -> list[str]:
    return re.findall(r"[\w£,.']+", text)


def render(md: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)


@pytest.fixture(scope="module")
def guide():
    return assess(GUIDE, DEFAULTS)


def test_markdown_carries_the_whole_verdict(guide):
    md = to_markdown(guide, GLOSSARY)
    assert md.startswith("# Pitchcheck report")
    assert VERDICT_LABELS[guide["verdict"]] in md
    assert guide["headline"] in md
    for item in guide["reasons"] + guide["cautions"] + guide["red_flags"]:
        assert item["text"] in md
    for question in guide["vendor_questions"]:
        assert question in md
    assert guide["economics"]["summary"] in md
    assert "£125.00" in md and "120,000" in md and "£0.0072" in md
    for concept in cited_concepts(guide):
        assert GLOSSARY[concept][0] in md and GLOSSARY[concept][1] in md
    assert "Write reports, advice or bespoke documents in our tone" in md
    assert "published rules" in md


def test_report_speaks_plain_words_and_shows_only_what_was_asked(guide):
    md = to_markdown(guide, GLOSSARY)
    for code in RULE_CODES:
        assert code not in md, code  # rule codes are for programs
    assert "The rules that applied: too few clean examples;" in md and "decisions about individuals" in md
    # The retraining question was never answered: it is a question for the vendor, not a "Not answered" line.
    assert "Not answered" not in md and "Vendor: retraining plan" not in md
    assert "- **Vendor: plan if too few:** I haven't asked" in md


def test_report_lists_what_the_verdict_still_waits_on():
    waiting = assess(
        {
            **GUIDE,
            "clean_examples": 500,
            "monthly_volume": 5000,
            "task": "classification",
            "prompt_rag": "not_acceptable",
            "task_stable": None,
        },
        DEFAULTS,
    )
    assert waiting["verdict"] == "clarify"
    md = to_markdown(waiting)
    assert "- **Task stable for three months:** Not known yet" in md
    assert "Depends on changing facts:** No" in md and "Not answered" not in md


def test_report_carries_also_worth_knowing_and_claims_to_test(guide):
    pitch = "We fine-tune on your reports. It learns your brand voice automatically. No hallucinations, ever."
    v = assess({**GUIDE, "pitch": pitch}, DEFAULTS)
    md = to_markdown(v)
    assert "## Also worth knowing" in md and "## Claims to test" in md
    assert md.index("## Why") < md.index("## Also worth knowing") < md.index("## Claims to test")
    assert "12 reports a month is low volume" in md
    assert '"It learns your brand voice automatically."' in md and "How will you measure that it writes in our voice?" in md
    _, text = pdf_text(to_pdf(v))
    flat = " ".join(text.split())
    assert "Also worth knowing" in flat and "Claims to test" in flat and "No hallucinations, ever." in flat


def test_a_dollar_quote_is_reported_in_dollars():
    v = assess({**GUIDE, "quote": 25000, "quote_high": 40000, "currency": "USD"}, DEFAULTS)
    md = to_markdown(v).replace("\\$", "$")  # Markdown escapes the sign; a reader sees "$25,000"
    assert "- **Quote:** $25,000 to $40,000" in md and "- **Quote (one-off):** $25,000 to $40,000" in md
    assert "- **Quote per item:** $173.61" in md and "$1.34 to the pound on 30 September 2025" in md
    assert "£25,000" not in md
    _, text = pdf_text(to_pdf(v))
    assert "$25,000 to $40,000" in " ".join(text.split())


def test_markdown_without_glossary_lists_concept_ids(guide):
    md = to_markdown(guide)
    for concept in cited_concepts(guide):
        assert f"- **{concept}**" in md or f"- **{escape_markdown(concept)}**" in md
    assert set(cited_concepts(guide)) <= set(CONCEPT_IDS)


def test_markdown_escapes_injection_in_the_pitch():
    md = to_markdown(assess({**GUIDE, "pitch": INJECTION}, DEFAULTS))
    for raw in ("[click here](", "![pixel](", "<img", "<script", "<a href", "**bold**", "`code`", "&lt;"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), md), raw  # only the backslash-escaped form may appear
    html = render(md)
    assert 'evil.example"' not in html and "<img" not in html and "<script" not in html and "<a " not in html
    pitch_html = html.split("The pitch, as you gave it")[1].split("<h2>")[0]
    assert "<h1>" not in pitch_html and "<li>" not in pitch_html and "<ol" not in pitch_html and "<hr" not in pitch_html
    assert "<strong>" not in pitch_html and "<code>" not in pitch_html
    for text in ("=SUM(A1:A9)", "+44 20 7946 0000", "@everyone", "1. numbered", "&amp;lt;b&amp;gt;"):
        assert text in pitch_html


@hsettings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120))
def test_escaped_text_renders_as_a_plain_paragraph(text):
    html = render(escape_markdown(text))
    tags = set(re.findall(r"<(/?\w+)", html))
    assert tags <= {"p", "/p", "br"}, (text, html)


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2", "@SUM(A1)"])
def test_formula_like_text_is_just_printed(text):
    html = render(escape_markdown(text))
    assert html.strip() == f"<p>{text}</p>"
    assert to_latin1(text) == text


def test_pdf_opens_and_holds_the_verdict(guide):
    data = to_pdf(guide, GLOSSARY)
    assert data.startswith(b"%PDF")
    pages, text = pdf_text(data)
    assert 1 <= pages <= 2
    flat = " ".join(text.split())
    assert "Pitchcheck report" in flat and "£18,000" in flat and "£125.00" in flat
    assert set(words(guide["headline"])) <= set(words(flat))
    assert "published rules" in flat and "too few clean examples" in flat and "too_few_examples" not in flat
    assert "How many clean labelled examples do you need?" in flat
    assert GLOSSARY["training-data"][1] in flat


def test_pdf_without_glossary(guide):
    _, text = pdf_text(to_pdf(guide))
    assert all(concept in text for concept in cited_concepts(guide))


def test_pdf_survives_curly_quotes_emoji_and_other_scripts():
    pitch = "They’ll “fine-tune” it — 🚀🔥 for €20k… naïve café 中文 \u200b\u2028ok\ttab \x00\x07 " + INJECTION
    data = to_pdf(assess({**GUIDE, "pitch": pitch}, DEFAULTS), GLOSSARY)
    _, text = pdf_text(data)
    assert 'They\'ll "fine-tune" it - for EUR 20k... naïve café ??' in " ".join(text.split())
    assert "=SUM(A1:A9)" in text and "@everyone" in text and "[click here](http://evil.example)" in text


def test_latin1_conversion_never_produces_unprintable_text():
    out = to_latin1("“Hi” — 🚀 café €5 中 ✓ Ω \U0001f468\u200d\U0001f469 ﬁ")
    out.encode("latin-1")
    assert out.startswith('"Hi" - café EUR 5 ?') and "fi" in out


def test_pdf_stays_within_two_pages_at_worst():
    worst = normalise_facts(
        {
            "pitch": ("We will customise the model on your historical examples and personalise it to your business. " * 60)[
                :4000
            ],
            "mechanism": "unclear",
            "quote_gbp": 123456.78,
            "monthly_fee_gbp": 999.5,
            "task": "knowledge_qa",
            "monthly_volume": 12,
            "clean_examples": 3,
            "task_stable": "no",
            "personal_data": "not_lawful",
            "prompt_rag": "acceptable",
            "fresh_knowledge": "yes",
            "regulated": "yes",
            "vendor_examples": "no",
            "vendor_shortfall": "no",
            "vendor_retraining": "no",
        }
    )
    long_glossary = {c: (t, s * 3) for c, (t, s) in GLOSSARY.items()}
    pages, text = pdf_text(to_pdf(assess(worst, DEFAULTS), long_glossary))
    assert pages <= 2
    assert "(shortened)" in text and "published rules" in text


def test_markdown_and_pdf_for_every_verdict():
    base = {
        **GUIDE,
        "task": "classification",
        "monthly_volume": 5000,
        "clean_examples": 2000,
        "task_stable": "yes",
        "prompt_rag": "not_acceptable",
        "mechanism": "fine_tuning",
    }
    cases = {
        "fine_tune": base,
        "clarify": {**base, "task_stable": "unsure"},
        "prompt_rag_first": {**base, "fresh_knowledge": "yes"},
        "decline": {**base, "clean_examples": 99},
    }
    for code, facts in cases.items():
        v = assess(facts, DEFAULTS)
        assert v["verdict"] == code
        assert VERDICT_LABELS[code] in to_markdown(v)
        _, text = pdf_text(to_pdf(v))
        assert VERDICT_LABELS[code] in text


def test_an_answer_left_open_shows_as_dont_know_and_a_question_never_asked_not_at_all():
    from chains.session import Session

    s = Session(Settings(llm="off"))
    s.start()
    s.handle("They'll fine-tune the model on our client reports")
    s.handle("don't know")  # the quote
    for name in ("task", "monthly_volume", "clean_examples"):
        s.await_field(name)
        s.handle({"task": "writing client reports", "monthly_volume": "don't know", "clean_examples": "40"}[name])
    md = to_markdown(s.current_verdict())
    assert "- **Quote (one-off):** Don't know" in md and "- **How many a month:** Don't know" in md
    assert "Vendor: retraining plan" not in md  # never asked: the verdict was reached without it


@pytest.mark.parametrize("text, escaped", [("0.00%", "0.00%"), ("1.5k a month", "1.5k a month"), ("12. item", "12\\. item")])
def test_a_figure_at_the_start_of_a_line_is_escaped_only_when_it_would_start_a_list(text, escaped):
    assert escape_markdown(text) == escaped  # the Markdown file reads as written, with no stray backslash
