"""What a chat keeps: the state saved in the thread, a resumed thread, the history store, logins, allowed
origins and the offline page, and the per-session limits."""

from __future__ import annotations

import asyncio
import os
import stat
from unittest.mock import AsyncMock

import pytest
from web_fixtures import (
    PITCH,
    actions,
    conversation,
    drive,
    emitted,
    messages,
    say,
    texts,
)

pytestmark = pytest.mark.usefixtures("quiet", "no_blocking_calls")


# --- persistence -----------------------------------------------------------------------------------------------
def test_each_turn_saves_the_session_in_the_thread_metadata(app, monkeypatch):
    import chainlit.data as cl_data

    from web.history_layer import HistoryDataLayer

    layer = AsyncMock(spec=HistoryDataLayer)  # the app's data layer: a misspelt method fails, not passes
    monkeypatch.setattr(cl_data, "_data_layer", layer)

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)

    ctx = drive(work)
    saved = layer.save_metadata_key.call_args_list  # (thread id, key, state): one statement a turn
    assert saved and saved[-1].args[:2] == (ctx.session.thread_id, "pitchcheck")
    assert saved[-1].args[2]["facts"]["pitch"] == PITCH


def test_no_thread_is_written_before_the_owner_says_anything(app, monkeypatch):
    import chainlit.data as cl_data

    from web.history_layer import HistoryDataLayer

    layer = AsyncMock(spec=HistoryDataLayer)  # the app's data layer: a misspelt method fails, not passes
    monkeypatch.setattr(cl_data, "_data_layer", layer)
    drive(lambda ctx: app.on_chat_start(), has_first_interaction=False)
    assert not [c for c in layer.update_thread.call_args_list if c.kwargs.get("metadata")]
    assert not layer.save_metadata_key.called


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
    assert question["output"].startswith("From the pitch I noted a quote of £18,000")  # what was read, then
    assert question["output"].endswith("What job should the model do?")  # the question, in one message
    for _ in range(3):  # each reload starts from the same stored thread
        ctx2, thread = _resumed(app, state, saved)
        shown = [s["output"] for s in thread["steps"]]
        assert sum(o.startswith("Welcome back") for o in shown) == 1
        assert sum("What job should the model do?" in o for o in shown) == 1
        assert shown[-1] == question["output"] and shown[-2].startswith("Welcome back")  # the note, then the question
        assert messages(ctx2) == []  # nothing new sent, so nothing new stored
        assert {a["forId"] for a in actions(ctx2, "answer")} == {question["id"]}  # its buttons are back


def test_resume_when_the_question_is_not_last_shows_it_once_below_the_note(app):
    state, saved = _after_the_pitch(app)
    saved = saved + [{"id": "u1", "type": "user_message", "output": "hello?", "parentId": None}]
    ctx2, thread = _resumed(app, state, saved)
    shown = [s["output"] for s in thread["steps"]]
    assert shown[-2].startswith("Welcome back") and shown[-1].startswith("What job should the model do?")
    assert sum("What job should the model do?" in o for o in shown) == 2  # the one asked before, and again here
    assert messages(ctx2) == []
    assert {a["forId"] for a in actions(ctx2, "answer")} == {thread["steps"][-1]["id"]}


def test_resume_with_nothing_saved_starts_afresh_on_screen(app):
    ctx, thread = _resumed(app, None, [])
    shown = [s["output"] for s in thread["steps"]]
    assert shown[0].startswith("Welcome back") and "Paste what the vendor said" in shown[-1]
    assert messages(ctx) == []


def test_a_failed_resume_apologises_on_screen(app, monkeypatch):
    from web import chat, shortcuts

    async def boom(self, thread, note, restored):
        raise RuntimeError("broken")

    monkeypatch.setattr(chat.Conversation, "resume", boom)
    ctx, thread = _resumed(app, None, [])
    assert [s["output"] for s in thread["steps"]] == [shortcuts.SORRY]
    assert messages(ctx) == []  # a sent message would be wiped by the thread Chainlit then shows


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
            await layer.update_thread(
                ctx.session.thread_id, name="t", user_id=user.id, metadata={"pitchcheck": {"facts": {"pitch": PITCH}}}
            )
            await layer.create_step(
                {
                    "id": "11111111-1111-4111-8111-111111111111",
                    "threadId": ctx.session.thread_id,
                    "name": "You",
                    "type": "user_message",
                    "output": PITCH,
                    "streaming": False,
                    "createdAt": "2026-01-01T00:00:00Z",
                    "metadata": {},
                }
            )
            thread = await layer.get_thread(ctx.session.thread_id)
            assert thread["userIdentifier"] == "guest-abc"
            assert thread["metadata"]["pitchcheck"]["facts"]["pitch"] == PITCH  # a dict, not a JSON string
            assert thread["steps"][0]["output"] == PITCH
            page = await layer.list_threads(
                __import__("chainlit.types", fromlist=["Pagination"]).Pagination(first=10),
                __import__("chainlit.types", fromlist=["ThreadFilter"]).ThreadFilter(userId=user.id),
            )
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


# --- a new chat from a visitor with a check left unfinished -----------------------------------------------------------
def _earlier_thread(thread_id: str = "earlier-thread") -> dict:
    from chains.session import Session

    s = Session()
    s.start()
    s.handle("They want to fine-tune a model on our tickets for £9,000.")
    s.handle("sorting tickets")
    return {"id": thread_id, "metadata": {"pitchcheck": s.to_dict()}, "steps": []}


def _layer_with(monkeypatch, threads):
    import chainlit.data as cl_data
    from chainlit.types import PageInfo, PaginatedResponse

    from web.history_layer import HistoryDataLayer

    layer = AsyncMock(spec=HistoryDataLayer)
    layer.list_threads.return_value = PaginatedResponse(
        data=threads, pageInfo=PageInfo(hasNextPage=False, startCursor=None, endCursor=None)
    )
    monkeypatch.setattr(cl_data, "_data_layer", layer)
    return layer


def test_a_new_chat_offers_the_visitors_unfinished_check_and_carries_it_on(app, monkeypatch):
    import chainlit as cl
    from chainlit.user import PersistedUser

    _layer_with(monkeypatch, [_earlier_thread()])
    visitor = PersistedUser(id="u-1", identifier="guest-1", createdAt="2026-12-01", metadata={})

    async def work(ctx):
        await app.on_chat_start()
        offer = [a for a in actions(ctx) if a["name"] == "Carry on with my last check"]
        assert len(offer) == 1 and offer[0]["payload"] == {"thread": "earlier-thread"}
        button = cl.Action(name=offer[0]["name"], payload=offer[0]["payload"], label=offer[0]["label"])
        await app.on_carry_on(button)
        session = conversation().session
        assert session.facts["quote"] == 9000 and session.facts["task"] == "classification"
        assert session.awaiting == "monthly_volume"
        assert [a["id"] for _, a in emitted(ctx, "remove_action")].count(offer[0]["id"]) == 1  # the button goes
        await app.on_carry_on(button)  # a second tap that raced the removal changes nothing

    ctx = drive(work, user=visitor)
    assert sum(t.startswith("Carrying on. I've restored") for t in texts(ctx)) == 1


def test_a_carry_on_tapped_after_a_new_check_got_going_leaves_both_as_they_are(app, monkeypatch):
    import chainlit as cl
    from chainlit.user import PersistedUser

    from web.returning import STARTED_AGAIN

    _layer_with(monkeypatch, [_earlier_thread()])
    visitor = PersistedUser(id="u-1", identifier="guest-1", createdAt="2026-12-01", metadata={})

    async def work(ctx):
        await app.on_chat_start()
        offer = [a for a in actions(ctx) if a["name"] == "Carry on with my last check"]
        await say(app, PITCH)
        await say(app, "we sort tickets into categories")  # the new check is under way
        await app.on_carry_on(cl.Action(name=offer[0]["name"], payload=offer[0]["payload"], label=offer[0]["label"]))
        assert conversation().session.facts["task"] == "classification" and conversation().session.facts["quote"] != 9000
        assert texts(ctx)[-1] == STARTED_AGAIN

    drive(work, user=visitor)


def test_no_offer_without_an_unfinished_check_and_no_carrying_on_a_thread_not_offered(app, monkeypatch):
    import chainlit as cl
    from chainlit.user import PersistedUser

    _layer_with(monkeypatch, [])
    visitor = PersistedUser(id="u-1", identifier="guest-1", createdAt="2026-12-01", metadata={})

    async def work(ctx):
        await app.on_chat_start()
        assert not [a for a in actions(ctx) if a["name"] == "Carry on with my last check"]
        await app.on_carry_on(cl.Action(name="Carry on with my last check", payload={"thread": "someone-else"}, label="x"))
        assert conversation().session.facts["pitch"] is None

    ctx = drive(work, user=visitor)
    assert any("no longer there" in t for t in texts(ctx))


def test_a_finished_latest_check_hides_an_older_unfinished_one(app, monkeypatch):
    from chainlit.user import PersistedUser

    from chains.session import Session

    finished = Session()
    finished.start()
    finished.handle("They want to fine-tune a model on our tickets for £9,000.")
    for field in list(finished.state.asked):
        finished.mark_asked(field)
    finished.answer_directly("clean_examples", 40)
    finished.state.awaiting, finished.state.finished = None, True  # its verdict was shown
    latest = {"id": "finished-thread", "metadata": {"pitchcheck": finished.to_dict()}, "steps": []}
    _layer_with(monkeypatch, [latest, _earlier_thread()])  # newest first, as the history lists them
    visitor = PersistedUser(id="u-1", identifier="guest-1", createdAt="2026-12-01", metadata={})

    async def work(ctx):
        await app.on_chat_start()
        assert not [a for a in actions(ctx) if a["name"] == "Carry on with my last check"]

    ctx = drive(work, user=visitor)
    assert not any("check from earlier" in t for t in texts(ctx))


def test_carrying_on_names_the_chat_after_the_check_it_carries_on(app, monkeypatch):
    import chainlit as cl
    from chainlit.user import PersistedUser

    earlier = {**_earlier_thread(), "name": "They want to fine-tune a model on our support tickets for 9k, is that good?"}
    layer = _layer_with(monkeypatch, [earlier])
    visitor = PersistedUser(id="u-1", identifier="guest-1", createdAt="2026-12-01", metadata={})

    async def work(ctx):
        await app.on_chat_start()
        offer = next(a for a in actions(ctx) if a["name"] == "Carry on with my last check")
        await app.on_carry_on(cl.Action(name=offer["name"], payload=offer["payload"], label=offer["label"]))

    drive(work, user=visitor)
    names = [c.kwargs.get("name") for c in layer.update_thread.call_args_list if c.kwargs.get("name")]
    assert names == ["They want to fine-tune a model on our support… (carried on)"]
    assert len(names[0]) <= 60


@pytest.mark.parametrize(
    "started, title",
    [
        ("The £18,000 example", "The £18,000 example"),
        (
            "Hi there,\nWe at AcmeAI would love to fine-tune a model on your data for £14,500 a year",
            "Hi there, We at AcmeAI would love to fine-tune a model on…",
        ),
    ],
)
def test_a_chat_is_named_by_its_opening_words_on_one_line(started, title):
    from web.history_layer import TITLE_CHARS, thread_title

    assert thread_title(started) == title and len(title) <= TITLE_CHARS + 1
