"""The Chainlit handlers in app.py, driven inside a Chainlit context as Chainlit's own tests build it: the
welcome, answers typed and clicked, the verdict, the worked example, explanations, limits and errors."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from web_fixtures import (
    ANSWERS,
    PITCH,
    actions,
    answer_everything,
    answer_until,
    conversation,
    drain_tasks,
    drive,
    elements,
    emitted,
    messages,
    say,
    texts,
)

from web import render

pytestmark = pytest.mark.usefixtures("quiet", "no_blocking_calls")


# --- start ---------------------------------------------------------------------------------------------------
def test_chat_start_sends_a_welcome_and_the_first_question(app):
    ctx = drive(lambda ctx: app.on_chat_start())
    shown = texts(ctx)
    assert shown[0].startswith("Hello, I'm Pitchcheck")
    assert "Paste what the vendor said" in shown[-1]
    labels = [a["label"] for a in actions(ctx)]
    assert labels == ["Try the £18,000 example", "Explain LoRA in plain English", "Audit my training examples"]


def test_the_widget_gets_the_short_welcome(app):
    ctx = drive(lambda ctx: app.on_chat_start(), client_type="copilot")
    assert texts(ctx)[0].startswith("Hi, I'm Pitchcheck")
    assert len(texts(ctx)[0]) < 150


def test_starters_match_the_shortcuts(app):
    starters = asyncio.run(app.starters())
    assert [s.label for s in starters] == [
        "Check a vendor's pitch",
        "Try the £18,000 example",
        "Explain LoRA in plain English",
        "Audit my training examples",
    ]


# --- answers: typed and clicked -------------------------------------------------------------------------
def test_a_stale_button_is_refused_politely(app):
    import chainlit as cl

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        await app.on_answer(cl.Action(name="answer", payload={"field": "regulated", "value": "yes", "label": "Yes"}))
        assert "moved on" in texts(ctx)[-2]
        assert conversation().session.facts["regulated"] is None

    drive(work)


def test_examples_question_offers_an_audit_upload(app):
    async def work(ctx):
        await app.on_chat_start()
        for _ in range(10):
            field = conversation().session.awaiting
            if field == "clean_examples":
                break
            await say(app, ANSWERS[field])
        assert conversation().session.awaiting == "clean_examples"
        from web.render import AUDIT_ACTION

        labels = [a["label"] for a in actions(ctx) if a["forId"] == messages(ctx)[-1]["id"]]
        assert labels == ["Don't know", "Upload examples for an audit"]
        assert actions(ctx, AUDIT_ACTION)[-1]["label"] == "Upload examples for an audit"

    drive(work)


def test_number_questions_offer_dont_know_which_leaves_them_open(app):
    import chainlit as cl

    from chains.session import awaiting_object
    from web.render import NUMBER_KINDS, question_kind

    asked = []

    async def work(ctx):
        await app.on_chat_start()
        await say(app, "A vendor wants to retrain an AI model on our data.")  # no price in it
        for _ in range(6):
            awaiting = conversation().session.awaiting
            buttons = [a for a in actions(ctx, "answer") if a["forId"] == messages(ctx)[-1]["id"]]
            labels = [a["label"] for a in buttons]
            if question_kind(awaiting_object(awaiting)) in NUMBER_KINDS:  # the price, volume and examples
                asked.append(awaiting)
                assert labels == ["Don't know"], (awaiting, labels)
                await app.on_answer(cl.Action(name="answer", payload=buttons[0]["payload"], label="Don't know"))
                assert conversation().session.facts[awaiting] is None and awaiting in conversation().session.asked
                assert conversation().session.awaiting != awaiting
                assert [m["output"] for m in messages(ctx) if m["type"] == "user_message"][-1] == "Don't know"
            else:
                assert "Don't know" not in labels
                await say(app, ANSWERS[awaiting])
        assert len(asked) == 3, asked

    drive(work)


def test_the_shortcut_buttons_are_named_as_chat_titles(app):
    ctx = drive(lambda ctx: app.on_chat_start())
    # Chainlit names a chat after the first button clicked in it: the names must read as titles.
    names = [a["name"] for a in actions(ctx)]
    assert names and all(re.fullmatch(r"[A-Z£][\w£,'. -]+ [\w£,'. -]+", n) for n in names), names


# --- the verdict -----------------------------------------------------------------------------------------
def test_verdict_card_chart_and_report_downloads(app):
    async def work(ctx):
        await app.on_chat_start()
        await answer_everything(app)

    ctx = drive(work)
    sent = elements(ctx)
    card = next(e for e in sent if e["type"] == "custom")
    assert card["name"] == "VerdictCard"
    assert card["props"]["verdict"] == "fine_tune"
    assert any("5,000" in r for r in card["props"]["reasons"])
    assert card["props"]["vendor_questions"]
    chart = next(e for e in sent if e["type"] == "plotly")
    assert chart["name"] == "The economics"
    files = {e["name"]: e for e in sent if e["type"] == "file"}
    assert set(files) == {"pitchcheck.pdf", "pitchcheck.md"}  # short enough to show whole on a tile
    contents = {c.kwargs["name"]: c.kwargs["content"] for c in ctx.session.persist_file.call_args_list}
    assert "pitchcheck.pdf" not in contents  # the reports are laid out when downloaded, not with every verdict
    assert json.loads(contents["The economics"])["config"]["displayModeBar"] is False  # no toolbar over the title
    from web import reports

    def fetched(name):
        _, route, thread, token, file_name = files[name]["url"].rsplit("/", 4)
        assert route == "report" and file_name == name
        return asyncio.run(reports.download(thread, token, name, ("pitchcheck.pdf", "pitchcheck.md")))

    mime, pdf = fetched("pitchcheck.pdf")
    assert mime == "application/pdf" and pdf.startswith(b"%PDF")
    mime, md = fetched("pitchcheck.md")
    assert mime == "text/markdown" and b"Pitchcheck report" in md
    # the chat line gives the quote beside its compute cost as scale, not as the verdict's reason
    line = next(t for t in texts(ctx) if t.startswith("**Verdict: "))
    assert re.search(r"For scale: the quote \(£18,000\) is about [\d,.]+ (million )?times what the training run costs", line)
    assert any(t.startswith("**Verdict: Worth pursuing") for t in texts(ctx))


def test_why_and_changing_an_answer_work_after_the_verdict(app):
    async def work(ctx):
        await app.on_chat_start()
        await answer_everything(app)
        await say(app, "why?")
        assert "the first level that holds decides" in texts(ctx)[-1] or any(
            "the first level that holds decides" in t for t in texts(ctx)[-3:]
        )
        cards_before = len([e for e in elements(ctx) if e["type"] == "custom"])
        await say(app, "actually we have 40 examples")
        cards = [e for e in elements(ctx) if e["type"] == "custom"]
        assert len(cards) == cards_before + 1
        assert cards[-1]["props"]["verdict"] == "decline"

    drive(work)


def test_the_18000_example_runs_through_the_session(app):
    import chainlit as cl

    async def work(ctx):
        await app.on_chat_start()
        await app.on_example(cl.Action(name="example", payload={}))
        await drain_tasks()

    ctx = drive(work)
    scripted = [m["output"] for m in messages(ctx) if m["type"] == "user_message"]
    assert scripted[0].startswith("The vendor quoted £18,000")
    assert any("twelve" in s for s in scripted) and any("forty" in s for s in scripted)
    card = next(e for e in elements(ctx) if e["type"] == "custom")
    assert card["props"]["verdict"] == "decline"
    assert "£18,000" in card["props"]["headline"]


def test_the_example_asks_before_replacing_answers(app):
    import chainlit as cl

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        await app.on_example(cl.Action(name="example", payload={}))
        await drain_tasks()
        assert "replaces the answers" in texts(ctx)[-1]
        assert conversation().session.facts["pitch"] == PITCH
        await app.on_example_confirm(cl.Action(name="example_confirm", payload={"run": False}))
        await drain_tasks()
        assert conversation().session.facts["pitch"] == PITCH

    drive(work)


# --- explanations --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("client_type", ["webapp", "copilot"])
def test_a_concept_question_names_its_sources_in_the_answer_with_no_panel(app, client_type):
    ctx = drive(lambda ctx: _ask(app, "what is LoRA?"), client_type=client_type)
    answer = next(t for t in texts(ctx) if "**Sources**" in t)
    assert "LoRA" in answer
    sources = answer.split("**Sources**", 1)[1]
    assert re.search(r"- LoRA \(low-rank adaptation\): the fine-tuning guide", sources)  # title, then its provenance
    # No elements: Chainlit opens a side panel by itself for each one, which showed the answer twice.
    assert [e for e in elements(ctx) if e["type"] == "text"] == []


def test_a_question_weighing_two_terms_names_both_entries_as_its_sources(app):
    ctx = drive(lambda ctx: _ask(app, "whats the difference between rag and fine tuning?"))
    answer = next(t for t in texts(ctx) if "**Sources**" in t)
    sources = answer.split("**Sources**", 1)[1]
    assert re.search(r"- Fine-tuning: ", sources) and re.search(r"- RAG \(answers drawn from your documents\): ", sources)


async def _ask(app, question):
    await app.on_chat_start()
    await say(app, question)


def test_with_an_llm_the_answer_streams_token_by_token(app, monkeypatch):
    from chains.explain import Answer, Source
    from web import chat, knowledge

    real = knowledge.explainer(app.settings)

    class FakeExplainer:
        def offline(self, q, hits):
            return real.offline(q, hits)

        def search(self, q):
            return real.search(q)

        async def astream(self, question):
            for token in ("LoRA ", "trains ", "a small add-on."):
                yield "token", token
            yield "answer", Answer(question, "LoRA trains a small add-on.", [Source("lora", "LoRA", 1.0)], True, llm=True)

    llm_settings = app.settings.model_copy(update={"llm": "auto", "openai_api_key": "test-key"})
    monkeypatch.setattr(knowledge, "explainer", lambda settings: FakeExplainer())

    async def work(ctx):
        convo = chat.Conversation(llm_settings).attach()
        await convo.start()
        await say(app, "what is LoRA?")

    ctx = drive(work)
    assert emitted(ctx, "stream_start")
    streamed = [d["token"] for _, d in emitted(ctx, "stream_token")]
    assert streamed == ["trains ", "a small add-on."]  # the first token opens the stream
    assert any(t.startswith("LoRA trains a small add-on.") for t in texts(ctx))


# --- limits and errors ---------------------------------------------------------------------------------------
def test_a_message_over_the_limit_is_refused(app):
    async def work(ctx):
        await app.on_chat_start()
        await say(app, "x" * (app.settings.max_message_chars + 1))
        assert "longer than I can take" in texts(ctx)[-1]
        assert conversation().session.facts["pitch"] is None

    drive(work)


def test_the_rate_limit_answers_politely(app):
    from web.limits import RateLimiter

    async def work(ctx):
        await app.on_chat_start()
        conversation().limiter = RateLimiter(2, 60, clock=lambda: 100.0)
        await say(app, "what is RAG?")
        await say(app, "what is LoRA?")
        await say(app, "what is a token?")
        assert "faster than I can take them" in texts(ctx)[-1]

    drive(work)


def test_one_message_in_flight(app, monkeypatch):
    from web import chat

    monkeypatch.setattr(chat, "IN_FLIGHT_WAIT", 0.1)

    async def work(ctx):
        await app.on_chat_start()
        conversation().inflight.busy = True
        await say(app, PITCH)
        assert "still working on your last message" in texts(ctx)[-1]
        assert conversation().session.facts["pitch"] is None

    drive(work)


def test_a_message_waits_briefly_for_the_one_before_it(app):
    async def work(ctx):
        await app.on_chat_start()
        convo = conversation()
        convo.inflight.busy = True

        async def finish_soon():
            await asyncio.sleep(0.2)
            convo.inflight.leave()

        finishing = asyncio.create_task(finish_soon())
        await say(app, PITCH)
        await finishing
        assert convo.session.facts["pitch"] == PITCH

    drive(work)


def test_an_error_becomes_a_friendly_line(app, monkeypatch):
    from web import chat, shortcuts

    async def boom(self, text):
        raise RuntimeError("database exploded at /secret/path.py line 3")

    monkeypatch.setattr(chat.Conversation, "handle_text", boom)

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        assert texts(ctx)[-1] == shortcuts.SORRY
        assert not conversation().inflight.busy  # released for the next message

    ctx = drive(work)
    assert not any("exploded" in t or "Traceback" in t for t in texts(ctx))


def test_an_unsure_answer_is_asked_back_with_its_readings_as_buttons(app):
    import chainlit as cl

    async def work(ctx):
        await app.on_chat_start()
        await answer_until(app, "clean_examples")
        await say(app, "between 80 and 120")
        assert conversation().session.facts["clean_examples"] is None
        offered = [a for a in actions(ctx, "answer") if a["payload"]["field"] == "clean_examples"]
        assert [a["label"] for a in offered[-3:]] == ["About 80", "About 120", "Something else"]
        pick = offered[-2]
        await app.on_answer(cl.Action(name="answer", payload=pick["payload"], label=pick["label"]))
        assert conversation().session.facts["clean_examples"] == 120
        assert conversation().session.awaiting not in (None, "clean_examples")

    drive(work)


@pytest.mark.parametrize("quote, shown", [("$25,000", "$25,000"), ("€20,000", "€20,000")])
def test_a_dollar_or_euro_interview_reaches_a_verdict_in_that_currency(app, quote, shown):
    async def work(ctx):
        await app.on_chat_start()
        await say(app, "They want to fine-tune a model on our support tickets.")
        for _ in range(30):
            field = conversation().session.awaiting
            if field is None:
                break
            await say(app, quote if field == "quote" else ANSWERS[field])
        verdict = conversation().session.verdict
        assert verdict is not None and conversation().session.facts["currency"] == quote[0].replace("$", "USD").replace(
            "€", "EUR"
        )
        assert shown in verdict["economics"]["summary"] and "£" not in verdict["economics"]["summary"].split("compute")[0]

    drive(work)


def test_the_same_question_is_answered_once_per_search_mode(monkeypatch):
    from types import SimpleNamespace

    from chains.settings import Settings
    from web import knowledge

    searched = []
    retriever = SimpleNamespace(dense_failures=0)
    kb = SimpleNamespace(dense_ready=False, retriever=retriever)
    fake = SimpleNamespace(
        kb=kb,
        search=lambda q: searched.append(q) or [q.upper()],
        offline=lambda q, hits: SimpleNamespace(text=f"{hits[0]} ({'dense' if kb.dense_ready else 'lexical'})"),
    )
    monkeypatch.setattr(knowledge, "explainer", lambda settings: fake)
    explain = knowledge.offline_explain(Settings())
    assert explain("what is lora?").text == "WHAT IS LORA? (lexical)"
    assert explain("what is lora?").text == "WHAT IS LORA? (lexical)" and searched == ["what is lora?"]
    kb.dense_ready = True  # once the dense index is in, the lexical answer is not reused
    assert explain("what is lora?").text == "WHAT IS LORA? (dense)" and len(searched) == 2
    assert explain("what is rag?").text.startswith("WHAT IS RAG?") and len(searched) == 3
    another_chat = knowledge.offline_explain(Settings())  # every chat in the process shares the answers
    assert another_chat("what is rag?").text.startswith("WHAT IS RAG?") and len(searched) == 3

    def failing_search(q):  # dense search failed during this answer: BM25 alone, not kept
        retriever.dense_failures += 1
        searched.append(q)
        return [q.upper()]

    fake.search = failing_search
    explain("what is a token?")
    fake.search = lambda q: searched.append(q) or [q.upper()]
    explain("what is a token?")
    assert searched[-2:] == ["what is a token?", "what is a token?"]  # asked again, now that dense search works


def test_an_answer_gets_one_reply_the_echo_then_the_next_question_with_its_buttons(app):
    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        work.before = len(messages(ctx))
        await say(app, "sorting tickets into categories")

    ctx = drive(work)
    replies = [m for m in messages(ctx)[work.before :] if m["type"] == "assistant_message"]
    assert len(replies) == 1  # one message a turn, not an echo and then a question
    echo, question = replies[0]["output"].rsplit("\n\n", 1)
    assert echo == "Got it: sorting or labelling things into set categories."
    assert question == "About how many of these does the business handle a month?"
    buttons = [a for a in actions(ctx, "answer") if a["forId"] == replies[0]["id"]]
    assert [a["label"] for a in buttons] == ["Don't know"]  # the question's own button, on that one message


@pytest.mark.parametrize("text", ["can i check my training examples file", "how do I upload my spreadsheet?"])
def test_asking_to_check_a_file_in_ones_own_words_explains_the_upload_and_keeps_the_question(app, text):
    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        awaiting = conversation().session.awaiting
        await say(app, text)
        assert "paperclip" in texts(ctx)[-1] and conversation().session.awaiting == awaiting

    drive(work)


def test_restart_brings_the_welcome_back_with_its_shortcuts(app):
    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        before = len(actions(ctx, render.EXAMPLE_ACTION))
        await say(app, "restart")
        assert "Start a fresh check?" in texts(ctx)[-2] or "Start a fresh check?" in texts(ctx)[-1]
        await say(app, "restart")
        assert "Paste what the vendor said" in texts(ctx)[-1]
        assert len(actions(ctx, render.EXAMPLE_ACTION)) == before + 1  # "Try the £18,000 example" offered again

    drive(work)
