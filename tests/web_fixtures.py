"""Fixtures for the web tests: a Chainlit context for handler tests, a running app and a headless Chromium.

tests/conftest.py loads this module as a plugin, so its fixtures (app, app_server, browser, page, quiet...) need no
import; a test module imports only the helpers it calls: `from web_fixtures import drive, say, texts`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, Mock

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # app.py and web/ live at the top of the repo, not in an installed package
    sys.path.insert(0, str(ROOT))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# --- handler tests: a Chainlit context as Chainlit's own backend/tests/conftest.py builds it -------------------
@contextlib.asynccontextmanager
async def chainlit_context(client_type: str = "webapp", has_first_interaction: bool = True, user: Any = None):
    """A ChainlitContext over a Mock(spec=WebsocketSession); `ctx.session.emit` records what was sent."""
    from chainlit.context import ChainlitContext, context_var, local_steps
    from chainlit.session import WebsocketSession

    session = Mock(spec=WebsocketSession)
    session.id = "test-session-" + os.urandom(4).hex()
    session.thread_id = "00000000-0000-4000-8000-" + os.urandom(6).hex()
    session.user = user
    session.user_env = {}
    session.chat_settings = {}
    session.chat_profile = None
    session.client_type = client_type
    session.has_first_interaction = has_first_interaction
    session.files = {}
    session.files_spec = {}
    session.emit = AsyncMock()
    session.emit_call = AsyncMock(return_value=None)
    session.persist_file = AsyncMock(side_effect=lambda **kw: {"id": os.urandom(8).hex()})
    ctx = ChainlitContext(session)
    token = context_var.set(ctx)
    steps_token = local_steps.set(None)
    try:
        yield ctx
    finally:
        local_steps.reset(steps_token)
        context_var.reset(token)
        from chainlit.user_session import user_sessions

        user_sessions.pop(session.id, None)


def emitted(ctx, event: str | None = None) -> list[tuple[str, Any]]:
    """(event, data) pairs the handlers sent to the browser, optionally only one kind."""
    out = []
    for call in ctx.session.emit.call_args_list:
        name, data = call.args[0], call.args[1] if len(call.args) > 1 else None
        if event is None or name == event:
            out.append((name, data))
    return out


def messages(ctx) -> list[dict[str, Any]]:
    """Every message step sent (new_message), in order."""
    return [data for _, data in emitted(ctx, "new_message")]


def texts(ctx) -> list[str]:
    return [m["output"] for m in messages(ctx)]


async def drain_tasks() -> None:
    """Wait for background tasks the handlers started (actions run long work as tasks)."""
    current = asyncio.current_task()
    for _ in range(50):
        pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
        if not pending:
            return
        await asyncio.wait(pending, timeout=10)


# --- the answers an owner types, and app.py's handlers in a context ------------------------------------
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


# --- app.py's handlers, imported once per test module with its own data directory -----------------------------------------------------
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    names = (
        "PITCHCHECK_DATA_DIR",
        "PITCHCHECK_LLM",
        "PITCHCHECK_USERS",
        "PITCHCHECK_RATE_LIMIT_PER_MINUTE",
        "CHAINLIT_AUTH_SECRET",
    )
    saved = {k: os.environ.get(k) for k in names}
    os.environ.update(
        {
            "PITCHCHECK_DATA_DIR": str(tmp_path_factory.mktemp("handlers")),
            "PITCHCHECK_LLM": "off",
            "PITCHCHECK_RATE_LIMIT_PER_MINUTE": "1000",
        }
    )
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


@pytest.fixture
def quiet(monkeypatch, request):
    """No data layer, no background model loading, no pauses in the scripted example."""
    import chainlit.data as cl_data

    monkeypatch.setattr(cl_data, "_data_layer", None)
    monkeypatch.setattr(cl_data, "_data_layer_initialized", True)
    if "app" in request.fixturenames:
        from web import chat, knowledge

        monkeypatch.setattr(knowledge, "start_dense_loading", lambda settings: None)
        monkeypatch.setattr(chat, "EXAMPLE_PAUSE", 0)


# --- the event loop must never block: asyncio's debug mode times every callback -----------------------------------
# A handler that does slow work inline (a model load, a big import, a file read) freezes every chat on the server.
# Measured on the 2-core shared machine (two runs of tests/test_app_*.py at a 0.05 s limit): the slowest callback
# took 0.33 s (the first handler of a module, importing on first use), the next 0.22 s. One second leaves three times
# that for a loaded machine; a handler that loads a model or reads a large file inline still takes far longer.
BLOCKING_LIMIT = float(os.environ.get("PITCHCHECK_TEST_BLOCKING_LIMIT", "1.0"))


class _WatchedLoopPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        loop = super().new_event_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = BLOCKING_LIMIT
        return loop


class _SlowCallbacks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Executing"):  # asyncio's "Executing <Handle ...> took 0.612 seconds"
            self.seen.append(record.getMessage())


@contextlib.contextmanager
def watched_loops() -> Iterator[list[str]]:
    """Every event loop made inside runs in debug mode; yields the list of callbacks that blocked one too long."""
    policy = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(_WatchedLoopPolicy())
    watcher = _SlowCallbacks()
    logger = logging.getLogger("asyncio")
    logger.addHandler(watcher)
    try:
        yield watcher.seen
    finally:
        logger.removeHandler(watcher)
        asyncio.set_event_loop_policy(policy)


@pytest.fixture
def no_blocking_calls():
    """Fail the test when any event-loop callback it ran blocked the loop for longer than BLOCKING_LIMIT seconds."""
    with watched_loops() as blocked:
        yield
    assert not blocked, "the event loop was blocked:\n" + "\n".join(blocked)


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


async def answer_until(app, field: str) -> None:
    """Answer with the standard answers until `field` is the question on screen."""
    for _ in range(30):
        if conversation().session.awaiting == field:
            return
        await say(app, ANSWERS[conversation().session.awaiting])
    raise AssertionError(f"the interview never asked {field}")


async def answer_everything(app) -> None:
    for _ in range(30):
        field = conversation().session.awaiting
        if field is None:
            return
        await say(app, ANSWERS[field])
    raise AssertionError("the interview did not finish")


def actions(ctx, name: str | None = None) -> list[dict]:
    """The buttons sent, by name; the hidden mark on a question without buttons (render.ANSWER_MARK) is no button."""
    from web.render import ANSWER_MARK

    return [a for _, a in emitted(ctx, "action") if (name is None and a["name"] != ANSWER_MARK) or a["name"] == name]


def elements(ctx) -> list[dict]:
    return [e for _, e in emitted(ctx, "element")]


# --- browser tests ----------------------------------------------------------------------------------------
def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def require_chromium() -> str:
    path = chromium_path()
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing in CI: .ci/run should have installed Debian's chromium package")
    pytest.skip("no Chromium here (apt-get install -y chromium); browser tests run in CI")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_http(url: str, proc: subprocess.Popen, log_path: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the app did not answer within {timeout:.0f}s:\n{log_path.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def running_app(data_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`chainlit run app.py --headless` on a free port with its own data directory; yields the base URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    onnx = ROOT / ".pitchcheck" / "onnx"  # reuse `make index`'s export so dense loading needs no torch
    if onnx.is_dir() and any(onnx.iterdir()):
        shutil.copytree(onnx, data_dir / "onnx", dirs_exist_ok=True)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PITCHCHECK_", "CHAINLIT_")) and k not in ("OPENAI_API_KEY", "DATABASE_URL")
    }
    env.update(
        {
            "PITCHCHECK_DATA_DIR": str(data_dir),
            "PITCHCHECK_LLM": "off",
            "PYTHONUNBUFFERED": "1",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
        }
    )
    env.update(extra_env or {})
    log_path = data_dir / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "chainlit"), "run", "app.py", "--headless", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for_http(f"http://127.0.0.1:{port}/health", proc, log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group we started, by its id
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        log.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[str]:
    """One app for every browser test module: each test opens its own browser context (its own guest)."""
    require_chromium()
    with running_app(tmp_path_factory.mktemp("web-app")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True, locale="en-GB")
    # Nothing may be fetched from the internet: fail any request that leaves this machine.
    context.route(
        lambda url: not url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")), lambda route: route.abort()
    )
    pg = context.new_page()
    pg.set_default_timeout(30000)
    try:
        yield pg
    finally:
        context.close()


def python() -> str:
    return sys.executable


@pytest.fixture(scope="session")
def upload_files(tmp_path_factory) -> dict[str, Path]:
    """Files an owner might attach: two good ones and three the audit cannot read (empty, binary, wrong columns)."""
    import json

    folder = tmp_path_factory.mktemp("uploads")
    rows = (
        ["input,output"]
        + [f"Ticket {i}: my invoice {i} is wrong,billing" for i in range(30)]
        + [f"Ticket {i}: the app crashes on screen {i},bug" for i in range(30, 50)]
    )
    files = {
        "tickets.csv": "\n".join(rows) + "\n",
        "tickets.jsonl": "\n".join(
            json.dumps({"input": f"Ticket {i}: a question about invoice {i}", "output": "billing"}) for i in range(120)
        )
        + "\n",
        "empty.csv": "",
        "notes.csv": "just,some\nrandom,columns\n",
    }
    out = {}
    for name, text in files.items():
        out[name] = folder / name
        out[name].write_text(text, encoding="utf-8")
    out["binary.csv"] = folder / "binary.csv"
    out["binary.csv"].write_bytes(bytes(range(256)) * 20)
    return out
