"""The Chainlit handlers in app.py, driven inside a Chainlit context as Chainlit's own tests build it,
plus the web/ helpers: rate limiter, history schema and data layer, login, origins and rendering."""

from __future__ import annotations

import asyncio
import json
import os
import re
import stat
import sys
from pathlib import Path
from unittest.mock import AsyncMock

import pytest

from web_fixtures import chainlit_context, drain_tasks, emitted, messages, texts

PITCH = "They'll fine-tune the model on our support tickets for £18,000."
ANSWERS = {  # field -> what the owner types
    "pitch": PITCH,
    "mechanism": "fine_tuning",
    "quote": "£18,000",
    "quote_gbp": "£18,000",  # the price field's earlier name
    "task": "classification",
    "monthly_volume": "about 5,000 a month",
    "clean_examples": "about 2,000",
    "task_stable": "yes",
    "personal_data": "none",
    "prompt_rag": "not_acceptable",
    "fresh_knowledge": "no",
    "regulated": "no",
    "vendor_examples": "yes",
    "vendor_shortfall": "yes",
    "vendor_retraining": "yes",
}


# --- the app, imported once with its own data directory -----------------------------------------------------
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    names = ("PITCHCHECK_DATA_DIR", "PITCHCHECK_LLM", "PITCHCHECK_USERS", "PITCHCHECK_RATE_LIMIT_PER_MINUTE",
             "CHAINLIT_AUTH_SECRET")
    saved = {k: os.environ.get(k) for k in names}
    os.environ.update({"PITCHCHECK_DATA_DIR": str(tmp_path_factory.mktemp("handlers")), "PITCHCHECK_LLM": "off",
                       "PITCHCHECK_RATE_LIMIT_PER_MINUTE": "1000"})
    os.environ.pop("PITCHCHECK_USERS", None)
    os.environ.pop("CHAINLIT_AUTH_SECRET", None)
    from chains.settings import get_settings

    get_settings.cache_clear()
    sys.modules.pop("app", None)
    import app as module

    yield module
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def quiet(monkeypatch, request):
    """No data layer, no background model loading, no pauses in the scripted example."""
    import chainlit.data as cl_data

    monkeypatch.setattr(cl_data, "_data_layer", None)
    monkeypatch.setattr(cl_data, "_data_layer_initialized", True)
    if "app" in request.fixturenames:
        from web import chat, knowledge

        monkeypatch.setattr(knowledge, "start_dense_loading", lambda settings: None)
        monkeypatch.setattr(chat, "EXAMPLE_PAUSE", 0)


def drive(work, **ctx_kwargs):
    """Run `await work(ctx)` inside a fresh Chainlit context; returns the context for inspection."""
    async def main():
        async with chainlit_context(**ctx_kwargs) as ctx:
            await work(ctx)
            await drain_tasks()
            return ctx

    return asyncio.run(main())


def conversation():
    from web.chat import Conversation

    return Conversation.current()


async def say(app, text: str) -> None:
    import chainlit as cl

    await app.on_message(cl.Message(content=text, type="user_message"))


async def answer_everything(app) -> None:
    for _ in range(30):
        field = conversation().session.awaiting
        if field is None:
            return
        await say(app, ANSWERS[field])
    raise AssertionError("the interview did not finish")


def actions(ctx, name: str | None = None) -> list[dict]:
    return [a for _, a in emitted(ctx, "action") if name is None or a["name"] == name]


def elements(ctx) -> list[dict]:
    return [e for _, e in emitted(ctx, "element")]


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
    assert [s.label for s in starters] == ["Check a vendor's pitch", "Try the £18,000 example",
                                           "Explain LoRA in plain English", "Audit my training examples"]


# --- answers: typed and clicked -------------------------------------------------------------------------
def test_choices_are_buttons_and_a_click_echoes_the_label_and_removes_the_buttons(app):
    import chainlit as cl

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        task_buttons = actions(ctx, "answer")
        assert {a["payload"]["field"] for a in task_buttons} == {"task"}
        chosen = next(a for a in task_buttons if a["payload"]["value"] == "classification")
        await app.on_answer(cl.Action(name="answer", payload=chosen["payload"], label=chosen["label"]))
        removed = {a["id"] for _, a in emitted(ctx, "remove_action")}
        assert {a["id"] for a in task_buttons} <= removed
        user_echo = [m for m in messages(ctx) if m["type"] == "user_message"]
        assert user_echo[-1]["output"] == chosen["label"]
        assert conversation().session.facts["task"] == "classification"
        assert conversation().session.awaiting == "monthly_volume"

    drive(work)


def test_typed_text_is_always_accepted_and_closes_the_buttons(app):
    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        buttons = {a["id"] for a in actions(ctx, "answer")}
        await say(app, "we sort tickets into categories")
        assert buttons <= {a["id"] for _, a in emitted(ctx, "remove_action")}
        assert conversation().session.facts["task"] == "classification"

    drive(work)


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
    assert contents["pitchcheck.pdf"].startswith(b"%PDF")
    assert b"Pitchcheck report" in contents["pitchcheck.md"]
    assert json.loads(contents["The economics"])["config"]["displayModeBar"] is False  # no toolbar over the title
    assert any(re.search(r"The quote \(£18,000\) is about [\d,.]+ (million )?times what the training run costs", t)
               for t in texts(ctx))
    assert any(t.startswith("**Verdict: Worth pursuing") for t in texts(ctx))


def test_why_and_changing_an_answer_work_after_the_verdict(app):
    async def work(ctx):
        await app.on_chat_start()
        await answer_everything(app)
        await say(app, "why?")
        assert "the first level that holds decides" in texts(ctx)[-1] or any(
            "the first level that holds decides" in t for t in texts(ctx)[-3:])
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

        asyncio.create_task(finish_soon())
        await say(app, PITCH)
        assert convo.session.facts["pitch"] == PITCH

    drive(work)


def test_an_error_becomes_a_friendly_line(app, monkeypatch):
    from web import chat

    async def boom(self, text):
        raise RuntimeError("database exploded at /secret/path.py line 3")

    monkeypatch.setattr(chat.Conversation, "handle_text", boom)

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        assert texts(ctx)[-1] == chat.SORRY
        assert not conversation().inflight.busy  # released for the next message

    ctx = drive(work)
    assert not any("exploded" in t or "Traceback" in t for t in texts(ctx))


# --- persistence -----------------------------------------------------------------------------------------------
def test_each_turn_saves_the_session_in_the_thread_metadata(app, monkeypatch):
    import chainlit.data as cl_data

    layer = AsyncMock()
    monkeypatch.setattr(cl_data, "_data_layer", layer)

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)

    ctx = drive(work)
    saved = [c.kwargs for c in layer.update_thread.call_args_list if c.kwargs.get("metadata")]
    assert saved and saved[-1]["thread_id"] == ctx.session.thread_id
    assert saved[-1]["metadata"]["pitchcheck"]["facts"]["pitch"] == PITCH


def test_no_thread_is_written_before_the_owner_says_anything(app, monkeypatch):
    import chainlit.data as cl_data

    layer = AsyncMock()
    monkeypatch.setattr(cl_data, "_data_layer", layer)
    drive(lambda ctx: app.on_chat_start(), has_first_interaction=False)
    assert not [c for c in layer.update_thread.call_args_list if c.kwargs.get("metadata")]


def _resumed(app, state, steps):
    """on_chat_resume on a thread holding `steps`; returns (context, the thread as Chainlit then shows it)."""
    thread = {"id": "t", "metadata": {"pitchcheck": state}, "steps": [dict(s) for s in steps]}

    async def work(ctx):
        await app.on_chat_resume(thread)

    return drive(work), thread


def _after_the_pitch(app) -> tuple[dict, list[dict]]:
    """(the saved state, the messages sent) of a chat that has had the pitch."""
    async def first(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        first.state = conversation().session.to_dict()

    ctx = drive(first)
    return first.state, messages(ctx)


def test_resume_shows_the_note_and_the_question_with_the_thread_and_stores_neither(app):
    state, saved = _after_the_pitch(app)
    question = saved[-1]
    assert question["output"].startswith("What job should the model do?")
    for _ in range(3):  # each reload starts from the same stored thread
        ctx2, thread = _resumed(app, state, saved)
        shown = [s["output"] for s in thread["steps"]]
        assert sum(o.startswith("Welcome back") for o in shown) == 1
        assert sum(o.startswith("What job should the model do?") for o in shown) == 1
        assert shown[-1] == question["output"] and shown[-2].startswith("Welcome back")  # the note, then the question
        assert messages(ctx2) == []  # nothing new sent, so nothing new stored
        assert {a["forId"] for a in actions(ctx2, "answer")} == {question["id"]}  # its buttons are back


def test_resume_when_the_question_is_not_last_shows_it_once_below_the_note(app):
    state, saved = _after_the_pitch(app)
    saved = saved + [{"id": "u1", "type": "user_message", "output": "hello?", "parentId": None}]
    ctx2, thread = _resumed(app, state, saved)
    shown = [s["output"] for s in thread["steps"]]
    assert shown[-2].startswith("Welcome back") and shown[-1].startswith("What job should the model do?")
    assert messages(ctx2) == []
    assert {a["forId"] for a in actions(ctx2, "answer")} == {thread["steps"][-1]["id"]}


def test_resume_with_nothing_saved_starts_afresh_on_screen(app):
    ctx, thread = _resumed(app, None, [])
    shown = [s["output"] for s in thread["steps"]]
    assert shown[0].startswith("Welcome back") and "Paste what the vendor said" in shown[-1]
    assert messages(ctx) == []


def test_schema_is_created_once_and_the_data_layer_round_trips(tmp_path):
    from chainlit.user import User

    from web.persistence import ensure_schema, make_data_layer

    url = f"sqlite+aiosqlite:///{tmp_path / 'h' / 'history.db'}"
    ensure_schema(url)
    ensure_schema(url)  # idempotent

    async def work(ctx):
        layer = make_data_layer(url, tmp_path / "files")
        try:
            user = await layer.create_user(User(identifier="guest-abc", metadata={"guest": True}))
            await layer.update_thread(ctx.session.thread_id, name="t", user_id=user.id,
                                      metadata={"pitchcheck": {"facts": {"pitch": PITCH}}})
            await layer.create_step({"id": "11111111-1111-4111-8111-111111111111", "threadId": ctx.session.thread_id,
                                     "name": "You", "type": "user_message", "output": PITCH, "streaming": False,
                                     "createdAt": "2026-01-01T00:00:00Z", "metadata": {}})
            thread = await layer.get_thread(ctx.session.thread_id)
            assert thread["userIdentifier"] == "guest-abc"
            assert thread["metadata"]["pitchcheck"]["facts"]["pitch"] == PITCH  # a dict, not a JSON string
            assert thread["steps"][0]["output"] == PITCH
            page = await layer.list_threads(__import__("chainlit.types", fromlist=["Pagination"]).Pagination(first=10),
                                            __import__("chainlit.types", fromlist=["ThreadFilter"]).ThreadFilter(userId=user.id))
            assert [t["id"] for t in page.data] == [ctx.session.thread_id]
        finally:
            await layer.engine.dispose()

    drive(work)


def test_local_storage_keeps_files_inside_its_folder(tmp_path):
    from web.persistence import LocalStorage

    storage = LocalStorage(tmp_path / "files")

    async def work():
        info = await storage.upload_file("user/../../etc/passwd", b"x", "text/plain")
        assert (tmp_path / "files") in storage.path_for(info["object_key"]).parents
        assert storage.read(info["object_key"]) == (b"x", "text/plain")
        assert info["url"].startswith("/pitchcheck/files/")
        await storage.delete_file(info["object_key"])
        assert storage.read(info["object_key"]) is None

    asyncio.run(work())


# --- login -----------------------------------------------------------------------------------------------
def test_consultant_passwords_are_checked_with_bcrypt():
    import bcrypt

    from web.auth import AuthConfigError, check_password, parse_users

    hashed = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(rounds=4)).decode()
    users = parse_users(f"alice:{hashed}, bob:{hashed}")
    assert set(users) == {"alice", "bob"}
    assert check_password(users, "alice", "s3cret")
    assert not check_password(users, "alice", "wrong")
    assert not check_password(users, "mallory", "s3cret")
    with pytest.raises(AuthConfigError):
        parse_users("alice-without-a-hash")


def test_login_without_a_secret_fails_clearly_and_guests_get_a_kept_secret(tmp_path, monkeypatch):
    from chains.settings import Settings
    from web.auth import AuthConfigError, ensure_auth_secret

    monkeypatch.delenv("CHAINLIT_AUTH_SECRET", raising=False)
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(AuthConfigError, match="CHAINLIT_AUTH_SECRET"):
        ensure_auth_secret(settings, {"alice": b"$2b$..."})
    assert ensure_auth_secret(settings, {}) == "generated"
    secret = os.environ["CHAINLIT_AUTH_SECRET"]
    assert stat.S_IMODE((tmp_path / "auth-secret").stat().st_mode) == 0o600
    monkeypatch.delenv("CHAINLIT_AUTH_SECRET")
    ensure_auth_secret(settings, {})
    assert os.environ["CHAINLIT_AUTH_SECRET"] == secret  # the same guests are recognised after a restart


def test_guest_login_mints_a_private_identity(app):
    if not hasattr(app, "guest_login"):
        pytest.skip("consultant login is configured")
    a, b = asyncio.run(app.guest_login({})), asyncio.run(app.guest_login({}))
    assert a.identifier.startswith("guest-") and a.identifier != b.identifier


# --- origins and the offline page ---------------------------------------------------------------------------
def test_allowed_origins_are_applied_in_place_for_http_and_the_socket(app):
    from chainlit.config import config
    from chainlit.server import sio

    from web.hosting import apply_allowed_origins

    the_list = config.project.allow_origins
    try:
        apply_allowed_origins(["https://advisers.example.co.uk/"])
        assert config.project.allow_origins is the_list  # server.py's CORSMiddleware holds this very list
        assert the_list == ["https://advisers.example.co.uk"]
        check = sio.eio.cors_allowed_origins
        assert check("https://advisers.example.co.uk", {})
        assert check("http://127.0.0.1:8000", {"HTTP_HOST": "127.0.0.1:8000"})  # the app's own page
        assert not check("https://evil.example", {"HTTP_HOST": "127.0.0.1:8000"})
    finally:
        apply_allowed_origins(["*"])
    assert sio.eio.cors_allowed_origins == []


def test_the_page_fetches_nothing_from_the_internet(app):
    import chainlit.server as server

    html = server.get_html_template("")
    assert "googleapis" not in html and "jsdelivr" not in html
    assert "<title>Pitchcheck</title>" in html


# --- rendering and the rate limiter ------------------------------------------------------------------------
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
    # An ordinary scale: the quote is a bar, the compute cost a sliver, and the ratio is written out.
    assert fig.layout.xaxis.type in (None, "linear") and fig.layout.yaxis.type in (None, "category", "linear")
    assert list(fig.data[0].x) == [verdict["economics"]["compute_cost_gbp"], 18000]
    ratio = 18000 / verdict["economics"]["compute_cost_gbp"]
    assert ratio > 1e6 and re.search(r"The quote is about [\d.]+ million times", fig.layout.title.text)
    assert "too thin to see" in fig.data[0].text[0]
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
    from web.render import audit_figures

    names = [n for n, _ in audit_figures({"labels": {"billing": 30, "bug": 10}, "lengths": [120, 300, 80]})]
    assert names == ["Label balance", "Example lengths"]
    assert audit_figures({"labels": None}) == []


def test_rate_limiter_uses_a_sliding_window():
    from web.limits import RateLimiter

    now = [0.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    allowed = []
    for t in (0.0, 10.0, 20.0, 30.0):
        now[0] = t
        allowed.append(limiter.allow())
    assert allowed == [True, True, True, False]
    assert limiter.retry_after() == pytest.approx(30)  # until the event at 0s leaves the window
    now[0] = 59.9
    assert not limiter.allow()
    now[0] = 60.0  # the first event has left the window; the refused ones were never counted
    assert limiter.allow()
    assert limiter.used == 3
    assert not RateLimiter(0, 60, clock=lambda: 0.0).allow()


def test_in_flight_guard():
    from web.limits import InFlight

    guard = InFlight()
    assert guard.try_enter() and not guard.try_enter()
    guard.leave()
    assert guard.try_enter()


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
    rows = (["input,output"] + [f"Ticket {i}: my invoice {i} is wrong,billing" for i in range(30)]
            + [f"Ticket {i}: the app crashes on screen {i},bug" for i in range(30, 50)]
            + ["Ticket 1: my invoice 1 is wrong,billing", ","])
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return csv


def test_an_attached_file_is_audited_shows_findings_and_charts_and_answers_the_examples(app, tmp_path):
    csv = _tickets(tmp_path)

    async def work(ctx):
        await app.on_chat_start()
        for _ in range(10):
            if conversation().session.awaiting == "clean_examples":
                break
            await say(app, ANSWERS[conversation().session.awaiting])
        await _attach(app, csv)
        assert conversation().session.facts["clean_examples"] == 50
        assert conversation().session.awaiting not in (None, "clean_examples")

    ctx = drive(work)
    report = next(m["output"] for _, m in emitted(ctx, "update_message") if "Data audit of tickets.csv" in m["output"])
    assert "| **Clean examples** | **50** |" in report and "Duplicates | 1" in report
    charts = [e["name"] for e in elements(ctx) if e["type"] == "plotly"]
    assert charts == ["Label balance", "Example lengths"]
    assert any("The audit found 50 clean examples" in t for t in texts(ctx))


def test_the_upload_route_takes_the_audit_formats_and_names_stay_the_owners(app):
    from chainlit.config import config

    from web.uploads import AUDIT_ACCEPT, display_name

    spec = config.features.spontaneous_file_upload
    assert spec.enabled and spec.max_files == 1 and spec.max_size_mb == app.settings.max_upload_mb
    assert spec.accept == AUDIT_ACCEPT
    assert {ext for exts in AUDIT_ACCEPT.values() for ext in exts} == {".csv", ".jsonl", ".xlsx"}
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


@pytest.mark.parametrize("name, content, reason", [
    ("empty.csv", b"", "empty"),
    ("binary.csv", bytes(range(256)) * 8, "binary"),
    ("notes.csv", b"just,some\nrandom,columns\n", "columns"),
])
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
    assert "Paste what the vendor said" in texts(ctx)[-2]  # no second copy of the question: it is still open
    assert texts(ctx)[-1].startswith("Auditing")  # the one line replaced the progress message
    assert not emitted(ctx, "remove_action")


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
