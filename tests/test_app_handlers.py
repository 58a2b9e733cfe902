"""The Chainlit handlers in app.py, driven inside a Chainlit context as Chainlit's own tests build it,
plus the web/ helpers: rate limiter, history schema and data layer, login, origins and rendering."""

from __future__ import annotations

import asyncio
import json
import os
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
    "quote_gbp": "£18,000",
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
        assert actions(ctx, "audit")[-1]["label"] == "Upload examples for an audit"

    drive(work)


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
    assert set(files) == {"pitchcheck-report.pdf", "pitchcheck-report.md"}
    contents = {c.kwargs["name"]: c.kwargs["content"] for c in ctx.session.persist_file.call_args_list}
    assert contents["pitchcheck-report.pdf"].startswith(b"%PDF")
    assert b"Pitchcheck report" in contents["pitchcheck-report.md"]
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
def test_a_concept_question_is_answered_with_named_sources(app):
    ctx = drive(lambda ctx: _ask(app, "what is LoRA?"))
    answer = next(t for t in texts(ctx) if "**Sources:**" in t)
    assert "LoRA" in answer
    sources = [e for e in elements(ctx) if e["type"] == "text"]
    assert sources and sources[0]["display"] == "side"
    assert sources[0]["name"] in answer  # the title in the text is the link to the side panel


def test_in_the_widget_sources_are_inline(app):
    ctx = drive(lambda ctx: _ask(app, "what is LoRA?"), client_type="copilot")
    sources = [e for e in elements(ctx) if e["type"] == "text"]
    assert sources and all(e["display"] == "inline" for e in sources)


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


def test_resume_restores_the_facts_and_asks_the_current_question_again(app, monkeypatch):
    from web import chat

    async def first(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        first.state = conversation().session.to_dict()

    drive(first)
    monkeypatch.setattr(asyncio, "sleep", _no_sleep)

    async def second(ctx):
        await app.on_chat_resume({"id": ctx.session.thread_id, "metadata": {"pitchcheck": first.state}})
        await drain_tasks()
        assert conversation().session.facts["pitch"] == PITCH
        assert conversation().session.awaiting == first.state["awaiting"]

    ctx = drive(second)
    assert texts(ctx)[0].startswith("Welcome back")
    assert "What job should the model do?" in texts(ctx)[-1]
    assert {a["payload"]["field"] for a in actions(ctx, "answer")} == {"task"}


_real_sleep = asyncio.sleep


async def _no_sleep(delay, *args, **kwargs):
    await _real_sleep(0)


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

    facts = {"quote_gbp": 18000, "monthly_volume": 12, "clean_examples": 40, "task": "open_writing"}
    verdict = assess(facts, Settings())
    props = card_props(verdict)
    assert props["verdict"] == "decline" and props["label"] == "Decline the offer"
    assert {"label": "Quote (one-off)", "value": "£18,000"} in props["figures"]
    json.dumps(props)  # plain JSON for the browser
    fig = economics_figure(verdict)
    assert fig.layout.yaxis.type == "log"  # £125 a report against less than a penny of compute
    assert economics_figure(assess({}, Settings())) is None


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
def _upload(monkeypatch, path: Path | None):
    import chainlit as cl
    from chainlit.types import AskFileResponse

    async def send(self):
        send.asked = self
        if path is None:
            return None
        return [AskFileResponse(id="f1", name=path.name, path=str(path), size=path.stat().st_size, type="text/csv")]

    monkeypatch.setattr(cl.AskFileMessage, "send", send)
    return send


def test_the_audit_asks_for_a_file_shows_findings_and_charts_and_sets_the_count(app, monkeypatch, tmp_path):
    import chainlit as cl

    csv = tmp_path / "tickets.csv"
    rows = ["input,output"] + [f"Ticket {i}: my invoice {i} is wrong,billing" for i in range(30)] \
        + [f"Ticket {i}: the app crashes on screen {i},bug" for i in range(30, 50)] + ["Ticket 1: my invoice 1 is wrong,billing", ","]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    asked = _upload(monkeypatch, csv)

    async def work(ctx):
        await app.on_chat_start()
        for _ in range(10):
            if conversation().session.awaiting == "clean_examples":
                break
            await say(app, ANSWERS[conversation().session.awaiting])
        await app.on_audit(cl.Action(name="audit", payload={}))
        await drain_tasks()
        assert conversation().session.facts["clean_examples"] == 50
        assert conversation().session.awaiting != "clean_examples"

    ctx = drive(work)
    spec = asked.asked
    assert spec.max_size_mb == app.settings.max_upload_mb and ".jsonl" in str(spec.accept) and ".xlsx" in str(spec.accept)
    report = next(m["output"] for _, m in emitted(ctx, "update_message") if "Data audit of tickets.csv" in m["output"])
    assert "| **Clean examples** | **50** |" in report and "Duplicates | 1" in report
    charts = [e["name"] for e in elements(ctx) if e["type"] == "plotly"]
    assert charts == ["Label balance", "Example lengths"]
    assert any("The audit found 50 clean examples" in t for t in texts(ctx))


def test_an_unreadable_upload_gets_a_one_line_reason(app, monkeypatch, tmp_path):
    import chainlit as cl

    bad = tmp_path / "notes.csv"
    bad.write_text("just,some\nrandom,columns\n", encoding="utf-8")
    _upload(monkeypatch, bad)

    async def work(ctx):
        await app.on_chat_start()
        await app.on_audit(cl.Action(name="audit", payload={}))
        await drain_tasks()

    ctx = drive(work)
    updated = [m["output"] for _, m in emitted(ctx, "update_message")]
    assert any(u.startswith("I couldn't audit that file:") for u in updated)
    assert not any("Traceback" in u for u in updated)
    assert "Paste what the vendor said" in texts(ctx)[-1]  # and we carry on where we were


def test_no_upload_leaves_the_answers_alone(app, monkeypatch):
    import chainlit as cl

    _upload(monkeypatch, None)

    async def work(ctx):
        await app.on_chat_start()
        await app.on_audit(cl.Action(name="audit", payload={}))
        await drain_tasks()
        assert conversation().session.facts["clean_examples"] is None

    ctx = drive(work)
    assert any("No file came through" in t for t in texts(ctx))
