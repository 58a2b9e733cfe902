"""Pitchcheck's web app: Chainlit handlers only. The interview, verdict and glossary live in chains/;
Chainlit glue (rendering, persistence, login, limits) lives in web/.

Run with `.venv/bin/chainlit run app.py --headless` (or `make run`).
"""

from __future__ import annotations

import os

# Nothing is fetched at run time: no model hub, no vector-store telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import chainlit as cl
from chainlit.types import ThreadDict

from chains.settings import get_settings

# shortcuts holds the handlers' names alone: the chat and the interview are imported off the event loop
from web import auth, hosting, knowledge, persistence, routes, shortcuts, uploads
from web.shortcuts import SORRY, STATE_KEY

if TYPE_CHECKING:
    from web.chat import Conversation

log = logging.getLogger(__name__)

# --- start-up: fail clearly, before the server listens --------------------------------------------------------
settings = get_settings()
try:
    USERS = auth.parse_users(settings.users)
    auth.ensure_auth_secret(settings, USERS)
    HISTORY_URL = settings.sqlalchemy_url
    persistence.ensure_schema(HISTORY_URL)
except (auth.AuthConfigError, persistence.SchemaError) as exc:
    raise SystemExit(f"Pitchcheck cannot start: {exc}") from None
hosting.apply_allowed_origins(settings.allowed_origins)
hosting.serve_page_offline()
uploads.allow_audit_uploads(settings.max_upload_mb)  # the paperclip in the message box
uploads.keep_empty_files()
hosting.harden(settings)
routes.register(login_required=bool(USERS), max_action_bytes=settings.max_action_bytes)


@cl.data_layer
def data_layer():
    return persistence.make_data_layer(HISTORY_URL, settings.data_dir / "elements")


if USERS:

    @cl.password_auth_callback
    async def consultant_login(username: str, password: str):
        if await asyncio.to_thread(auth.check_password, USERS, username, password):
            return cl.User(identifier=username, display_name=username, metadata={"role": "consultant"})
        return None
else:

    @cl.header_auth_callback
    async def guest_login(headers):
        # Anonymous owners get a private guest identity so their history survives a reload (see web/auth.py).
        return auth.guest_user()


@cl.on_app_startup
async def warm_up():
    # Background work (lexical answers until the dense index is ready; the data layer imported off the first
    # requests), started once the first page is out so it does not slow it. The report worker starts at the first
    # verdict (web/reports.py).
    hosting.after_first_page(lambda: knowledge.start_dense_loading(settings), hosting.preload_in_background)


@cl.set_starters
async def starters(user=None, language=None):
    return [cl.Starter(label=label, message=message) for _, label, message, _ in shortcuts.SHORTCUTS]


# --- helpers ---------------------------------------------------------------------------------------------------
def _is_copilot() -> bool:
    return getattr(cl.context.session, "client_type", "webapp") == "copilot"


def _chat() -> type[Conversation]:
    """The chat class, imported by knowledge.ready_for_chat off the event loop before a chat's first turn (and by
    the start-up thread after the first page): at app import it held the first page for about 0.1 s."""
    from web.chat import Conversation

    return Conversation


def _conversation() -> Conversation:
    convo = _chat().current()
    if convo is None:  # e.g. a server restart under an open page: pick up the saved state if there is one
        convo = _chat()(settings, compact=_is_copilot(), state=cl.user_session.get(STATE_KEY)).attach()
    return convo


async def _friendly(what: str) -> None:
    log.exception("%s failed", what)
    try:
        await cl.Message(content=SORRY).send()
    except Exception:
        log.exception("could not even apologise")


async def guarded(what: str, work: Callable[[Conversation], Awaitable[Any]], task: bool = True) -> None:
    """Rate limit, one message in flight, and a friendly line instead of any error. `task` shows the page that
    the app is working (Chainlit already does so around a message, not around a button's callback)."""
    try:
        convo = _conversation()
        if not await convo.admit():
            return
    except Exception:
        await _friendly(what)
        return
    try:
        if task:
            await cl.context.emitter.task_start()
        await work(convo)
    except asyncio.CancelledError:
        raise
    except Exception:
        await _friendly(what)
    finally:
        convo.inflight.leave()
        if task:
            await cl.context.emitter.task_end()


_BACKGROUND: set[asyncio.Task] = set()  # asyncio keeps only weak references to tasks: hold them until they end


def in_background(what: str, work: Callable[[Conversation], Awaitable[Any]]) -> None:
    """Long actions (the scripted example) run as a task so the button's request returns at once."""
    task = asyncio.create_task(guarded(what, work))
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


# --- the chat ---------------------------------------------------------------------------------------------
@cl.on_chat_start
async def on_chat_start():
    try:
        await asyncio.to_thread(knowledge.ready_for_chat, settings)
        convo = _chat()(settings, compact=_is_copilot()).attach()
        await convo.start()
    except Exception:
        await _friendly("chat start")


@cl.on_chat_resume
async def on_chat_resume(thread: ThreadDict):
    try:
        await asyncio.to_thread(knowledge.ready_for_chat, settings)
        metadata = thread.get("metadata") or {}
        state = (metadata.get(STATE_KEY) if isinstance(metadata, dict) else None) or cl.user_session.get(STATE_KEY)
        convo = _chat()(settings, compact=_is_copilot(), state=state).attach()
        note, restored = persistence.resume_note(state)
        await convo.resume(thread, note, restored)  # shown with the saved thread, never stored in it
    except Exception:
        log.exception("chat resume failed")
        # A message sent now would be wiped when Chainlit shows the thread: the apology goes in with it.
        thread.setdefault("steps", []).append(_chat().unsaved_step(SORRY))


@cl.on_message
async def on_message(message: cl.Message):
    await guarded("message", lambda convo: convo.handle_message(message.content or "", message.elements), task=False)


@cl.action_callback(shortcuts.ANSWER_ACTION)
async def on_answer(action: cl.Action):
    await guarded("answer", lambda convo: convo.choose(action.payload or {}))


@cl.action_callback(shortcuts.AUDIT_ACTION)
async def on_audit(action: cl.Action):
    await guarded("audit", lambda convo: convo.explain_upload())


@cl.action_callback(shortcuts.EXAMPLE_ACTION)
async def on_example(action: cl.Action):
    in_background("example", lambda convo: convo.example())


@cl.action_callback(shortcuts.CONFIRM_EXAMPLE_ACTION)
async def on_example_confirm(action: cl.Action):
    async def work(convo: Conversation) -> None:
        await convo.close_confirm()
        if (action.payload or {}).get("run"):
            await convo.example(confirmed=True)
        else:
            await cl.Message(content="Fine, your answers stay as they are.").send()
            await convo.reask()

    in_background("example", work)


@cl.action_callback(shortcuts.EXPLAIN_ACTION)
async def on_explain_lora(action: cl.Action):
    async def work(convo: Conversation) -> None:
        await convo.echo(shortcuts.EXPLAIN_LORA_QUESTION)
        await convo.handle_text(shortcuts.EXPLAIN_LORA_QUESTION)

    await guarded("explain", work)


@cl.action_callback(shortcuts.SEE_ALSO_ACTION)
async def on_see_also(action: cl.Action):
    await guarded("see also", lambda convo: convo.see_also(action.payload or {}))


@cl.action_callback(shortcuts.CARRY_ON_ACTION)
async def on_carry_on(action: cl.Action):
    await guarded("carry on", lambda convo: convo.carry_on(action.payload or {}))


@cl.action_callback(shortcuts.PITCH_ACTION)
async def on_check_pitch(action: cl.Action):
    await guarded("pitch", lambda convo: convo.prompt_pitch())
