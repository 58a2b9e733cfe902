"""Training examples attached to a message and audited, and the verdict's figures and chart as the owner sees them."""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import pytest
from web_fixtures import (
    PITCH,
    answer_until,
    conversation,
    drive,
    elements,
    emitted,
    say,
    texts,
)

pytestmark = pytest.mark.usefixtures("quiet", "no_blocking_calls")


def test_card_props_and_the_economics_chart():
    from chains.settings import Settings
    from chains.verdict import assess
    from web.render import card_props, economics_figure

    facts = {"quote": 18000, "monthly_volume": 12, "clean_examples": 40, "task": "open_writing"}
    verdict = assess(facts, Settings())
    props = card_props(verdict)
    assert props["verdict"] == "decline" and props["label"] == "Decline the offer"
    assert {"label": "Quote (one-off)", "value": "£18,000"} in props["figures"]
    json.dumps(props)  # plain JSON for the browser
    fig = economics_figure(verdict)
    json.dumps(fig)  # the figure is plain JSON for the page's Plotly
    bar, layout = fig["data"][0], fig["layout"]
    # An ordinary scale: the quote is a bar, the compute cost a sliver, and the ratio is written out.
    assert layout["xaxis"]["type"] == "linear" and bar["type"] == "bar" and bar["orientation"] == "h"
    assert bar["x"] == [verdict["economics"]["compute_cost_gbp"], 18000]
    ratio = 18000 / verdict["economics"]["compute_cost_gbp"]
    assert ratio > 1e6 and re.search(r"The quote is about [\d.]+ million times", layout["title"]["text"])
    assert "too thin to see" in bar["text"][0]
    assert economics_figure(assess({}, Settings())) is None


def test_times_phrases_round_as_people_say_them():
    from web.render import times_phrase

    assert times_phrase(2_571_428.6) == "about 2.6 million times"
    assert times_phrase(3_000_000) == "about 3 million times"
    assert times_phrase(51_234) == "about 51,000 times"
    assert times_phrase(432) == "about 430 times"
    assert times_phrase(42.4) == "about 42 times"
    assert times_phrase(2.5) == "2.5 times"


def test_audit_charts_from_labels_and_lengths():
    from web.audit_view import audit_figures

    tokens = {"total": 5000, "mean": 125.0, "median": 120.0, "p95": 300, "max": 410}
    names = [n for n, _ in audit_figures({"labels": {"billing": 30, "bug": 10}, "tokens": tokens})]
    assert names == ["Label balance", "Example lengths"]
    figures = dict(audit_figures({"labels": {"bug": 10, "billing": 30}, "tokens": tokens}))
    labels = figures["Label balance"]["data"][0]
    assert (labels["x"], labels["y"]) == (["billing", "bug"], [30, 10])  # most examples first
    assert figures["Example lengths"]["data"][0]["text"] == ["125", "120", "300", "410"]
    assert [n for n, _ in audit_figures({"labels": None, "lengths": [1, 2, 3]})] == []  # no key the audit never emits
    assert audit_figures({"labels": None}) == []


# --- the data audit --------------------------------------------------------------------------------------
def _attach(app, path: Path, text: str = ""):
    """A message from the message box with a file attached, as Chainlit hands it to on_message."""
    import chainlit as cl

    stored = path.parent / f"stored-{os.urandom(4).hex()}.bin"  # Chainlit's own name for an upload
    stored.write_bytes(path.read_bytes())
    message = cl.Message(content=text, type="user_message")
    message.elements = [cl.File(name=path.name, path=str(stored), mime="application/octet-stream")]
    return app.on_message(message)


def _tickets(tmp_path: Path) -> Path:
    csv = tmp_path / "tickets.csv"
    rows = (
        ["input,output"]
        + [f"Ticket {i}: my invoice {i} is wrong,billing" for i in range(30)]
        + [f"Ticket {i}: the app crashes on screen {i},bug" for i in range(30, 50)]
        + ["Ticket 1: my invoice 1 is wrong,billing", ","]
    )
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return csv


@pytest.mark.slow  # about 6 s: a real audit in its worker process
def test_an_attached_file_is_audited_shows_findings_and_charts_and_answers_the_examples(app, tmp_path):
    csv = _tickets(tmp_path)

    async def work(ctx):
        await app.on_chat_start()
        await answer_until(app, "clean_examples")
        await _attach(app, csv)
        assert conversation().session.facts["clean_examples"] == 50
        assert conversation().session.awaiting not in (None, "clean_examples")

    ctx = drive(work)
    report = next(m["output"] for _, m in emitted(ctx, "update_message") if "Data audit of tickets.csv" in m["output"])
    assert "| **Clean examples** | **50** |" in report and "Duplicates | 1" in report
    charts = [e["name"] for e in elements(ctx) if e["type"] == "plotly"]
    assert charts == ["Label balance", "Example lengths"]
    assert any("The audit found 50 clean examples" in t for t in texts(ctx))


@pytest.mark.parametrize("suffix", [".jsonl", ".xlsx"])
def test_jsonl_and_excel_files_answer_the_examples_too(app, tmp_path, suffix):
    rows = [(f"Ticket {i}: a question about invoice {i}", "billing") for i in range(120)]
    path = tmp_path / f"examples{suffix}"
    if suffix == ".jsonl":
        path.write_text("\n".join(json.dumps({"input": i, "output": o}) for i, o in rows) + "\n", encoding="utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["input", "output"])
        for row in rows:
            book.active.append(row)
        book.save(path)

    async def work(ctx):
        await app.on_chat_start()
        await _attach(app, path)  # sent as octet-stream and stored as .bin: the owner's name tells the type
        assert conversation().session.facts["clean_examples"] == 120

    ctx = drive(work)
    assert any(f"Data audit of examples{suffix}" in m["output"] for _, m in emitted(ctx, "update_message"))


def test_the_upload_route_takes_the_audit_formats_and_names_stay_the_owners(app):
    from chainlit.config import config

    from web.uploads import AUDIT_ACCEPT, display_name, is_proposal

    spec = config.features.spontaneous_file_upload
    assert spec.enabled and spec.max_files == 1 and spec.max_size_mb == app.settings.max_upload_mb
    taken = {ext for exts in spec.accept.values() for ext in exts}
    assert taken == {".csv", ".jsonl", ".xlsx", ".pdf", ".docx", ".html", ".htm", ".txt", ".md"}
    assert {ext for exts in AUDIT_ACCEPT.values() for ext in exts} == {".csv", ".jsonl", ".xlsx"}
    assert is_proposal("Offer.PDF") and is_proposal("offer.docx") and not is_proposal("examples.csv")
    assert display_name("../../etc/my examples.jsonl") == "my examples.jsonl"
    assert display_name("C:\\Users\\me\\[x](http:evil)*.csv") == "x(http:evil).csv"
    assert display_name("") == "upload"


def test_an_empty_upload_reaches_the_audit(app, tmp_path, monkeypatch):
    import chainlit.config as chainlit_config
    from chainlit.session import WebsocketSession

    monkeypatch.setattr(chainlit_config, "FILES_DIRECTORY", tmp_path)
    session = WebsocketSession.__new__(WebsocketSession)
    session.id, session.files = "s1", {}
    stored = asyncio.run(session.persist_file(name="empty.csv", mime="text/csv", content=b""))
    assert session.files[stored["id"]]["size"] == 0  # Chainlit alone raises for empty content
    assert Path(session.files[stored["id"]]["path"]).read_bytes() == b""


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.csv", b"", "empty"),
        ("binary.csv", bytes(range(256)) * 8, "binary"),
        ("notes.csv", b"just,some\nrandom,columns\n", "columns"),
    ],
)
def test_a_bad_upload_gets_one_line_and_the_question_stays_open(app, tmp_path, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)

    async def work(ctx):
        await app.on_chat_start()
        await _attach(app, bad)

    ctx = drive(work)
    updates = [m for _, m in emitted(ctx, "update_message")]
    assert len({m["id"] for m in updates}) == 1  # progress, then the reason, in one message
    line = updates[-1]["output"]
    assert line.startswith(f"I couldn't audit **{name}**:") and reason in line.lower() and "\n" not in line
    assert "Traceback" not in line
    # The one line replaced the progress message, and the open question comes back below it, in view.
    assert texts(ctx)[-2].startswith("Auditing")
    assert "Paste what the vendor said" in texts(ctx)[-1]


@pytest.mark.parametrize("note, read", [("heres another", False), ("fine-tuning", True)])
def test_a_note_sent_with_a_file_is_read_only_when_it_answers_the_question_on_screen(app, tmp_path, note, read):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(bytes(range(256)) * 8)

    kept = {}

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        conversation().session.facts["mechanism"] = None
        conversation().session.await_field("mechanism")
        await _attach(app, bad, text=note)
        kept["mechanism"] = conversation().session.facts["mechanism"]

    ctx = drive(work)
    assert not any(t.startswith("Just to be sure") for t in texts(ctx))  # "heres another" was no answer to guess at
    assert (kept["mechanism"] == "fine_tuning") is read
    assert any("I couldn't audit **broken.csv**" in m["output"] for _, m in emitted(ctx, "update_message"))


def test_the_audit_shortcut_says_how_to_attach_and_waits_for_nothing(app):
    import chainlit as cl

    from web.render import AUDIT_ACTION

    async def work(ctx):
        await app.on_chat_start()
        await app.on_audit(cl.Action(name=AUDIT_ACTION, payload={}))
        await say(app, PITCH)  # the message box is free at once
        assert conversation().session.facts["pitch"] == PITCH

    ctx = drive(work)
    assert any("paperclip" in t and "20 MB" in t for t in texts(ctx))


# --- a vendor's proposal attached at the first question --------------------------------------------------------
PROPOSAL_LINES = [
    "Proposal: a custom model for Harbour Lettings",
    "We will fine-tune a model on your past tenancy emails using LoRA adapters.",
    "The one-off fee is $24,000. It will learn your brand voice.",
]


def _proposal(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"proposal{suffix}"
    if suffix == ".pdf":
        from test_proposal import make_pdf

        make_pdf(path, PROPOSAL_LINES)
    else:
        import docx

        document = docx.Document()
        for line in PROPOSAL_LINES:
            document.add_paragraph(line)
        document.save(str(path))
    return path


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_a_proposal_file_at_the_first_question_is_read_as_the_pitch(app, tmp_path, suffix):
    path = _proposal(tmp_path, suffix)

    async def work(ctx):
        await app.on_chat_start()
        await _attach(app, path)
        facts = conversation().session.facts
        assert facts["mechanism"] == "fine_tuning" and facts["quote"] == 24000 and facts["currency"] == "USD"
        assert "Harbour Lettings" in facts["pitch"]

    ctx = drive(work)
    shown = texts(ctx)
    assert any(f"I've read **proposal{suffix}**" in t for t in shown)
    assert any("a quote of $24,000" in t for t in shown)


def test_a_broken_proposal_gets_one_line_and_the_question_stays(app, tmp_path):
    path = tmp_path / "proposal.pdf"
    path.write_bytes(b"%PDF-1.4 this is not really a pdf")

    async def work(ctx):
        await app.on_chat_start()
        await _attach(app, path)
        assert conversation().session.awaiting == "pitch" and conversation().session.facts["pitch"] is None

    ctx = drive(work)
    assert any(t.startswith("I couldn't read **proposal.pdf**") for t in texts(ctx))


def test_the_card_carries_also_worth_knowing_and_the_claims_to_test():
    from chains.settings import Settings
    from chains.verdict import assess
    from web.render import card_props

    facts = {
        "quote": 18000,
        "monthly_volume": 12,
        "clean_examples": 40,
        "task": "open_writing",
        "prompt_rag": "not_tried",
        "pitch": "They will fine-tune the model so it understands your business and learns your brand voice.",
    }
    verdict = assess(facts, Settings())
    props = card_props(verdict)
    assert len(props["also"]) == len(verdict["also_worth_knowing"]) >= 1
    assert any("12 reports a month" in a for a in props["also"])
    assert props["claims"] and all(" Ask: " in c for c in props["claims"])


def test_a_text_file_of_nonsense_at_the_first_question_is_said_to_hold_no_offer_and_not_kept(app, tmp_path):
    path = tmp_path / "nonsense.txt"
    path.write_text("asdkj qwelk zxcmn blorp frazzle wibble snorkel pfft grr hmph zzz", encoding="utf-8")

    async def work(ctx):
        await app.on_chat_start()
        await _attach(app, path)
        assert conversation().session.awaiting == "pitch" and conversation().session.facts["pitch"] is None

    shown = texts(drive(work))
    assert not any("I've read **nonsense.txt**" in t for t in shown)
    assert any(t.startswith("I couldn't find an offer in that file's words.") for t in shown)


def test_a_proposal_attached_at_a_later_question_says_where_it_goes_and_asks_that_question_again(app, tmp_path):
    path = tmp_path / "offer.txt"
    path.write_text("We will fine-tune a model on your tickets for £9,000.", encoding="utf-8")

    async def work(ctx):
        await app.on_chat_start()
        await say(app, "They'll fine-tune a model on our invoices for £12,000")
        awaiting = conversation().session.awaiting
        await _attach(app, path)
        assert conversation().session.awaiting == awaiting and conversation().session.facts["quote"] == 12000
        shown = texts(ctx)
        assert "looks like a proposal" in shown[-2] and "What job should the model do?" in shown[-1]

    drive(work)
