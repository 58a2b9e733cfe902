"""Chat history through Chainlit's SQLAlchemy data layer: SQLite by default, a real PostgreSQL when configured.

A thread written by one process is read back by a fresh data layer (a restart), facts and feedback included.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

import pytest
from chainlit.types import Feedback
from chainlit.user import User

from chains.settings import PROJECT_ROOT
from web.persistence import ensure_schema, make_data_layer

if str(PROJECT_ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
import cluster


@pytest.fixture(scope="module")
def postgres_url():
    """A throwaway PostgreSQL cluster on a free loopback port (bench/cluster.py starts it as the benchmarks do)."""
    if cluster.pg_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed, but CI must run this test (.ci/run installs it)")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql); CI installs it")
    with cluster.postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'history.db'}"
    return request.getfixturevalue("postgres_url")


async def _write_thread(url: str, files: Path, identifier: str, facts: dict) -> tuple[str, str]:
    layer = make_data_layer(url, files)
    user = await layer.create_user(User(identifier=identifier))
    thread_id, step_id = str(uuid.uuid4()), str(uuid.uuid4())
    await layer.update_thread(thread_id, name="£18,000 pitch", user_id=user.id, metadata={"pitchcheck": facts})
    # create_step queues itself inside a live chat; outside one we call the undecorated method.
    await layer.create_step.__wrapped__(
        layer,
        {
            "id": step_id,
            "threadId": thread_id,
            "name": "owner",
            "type": "user_message",
            "output": "maybe forty",
            "createdAt": await layer.get_current_timestamp(),
            "metadata": {},
            "streaming": False,
            "waitForAnswer": False,
            "isError": False,
        },
    )
    await layer.upsert_feedback(Feedback(forId=step_id, threadId=thread_id, value=1, comment="clear"))
    await layer.close() if hasattr(layer, "close") else None
    return thread_id, step_id


async def _read_thread(url: str, files: Path, thread_id: str):
    layer = make_data_layer(url, files)
    try:
        return await layer.get_thread(thread_id)
    finally:
        await layer.close() if hasattr(layer, "close") else None


def test_tables_are_created_once_and_history_survives_a_restart(history_url, tmp_path):
    ensure_schema(history_url)
    ensure_schema(history_url)  # a second start finds the tables and changes nothing
    facts = {"facts": {"clean_examples": 40, "quote_gbp": 18000.0}, "awaiting": "task_stable"}
    identifier = f"guest-{uuid.uuid4().hex[:8]}"
    thread_id, step_id = asyncio.run(_write_thread(history_url, tmp_path / "files", identifier, facts))

    thread = asyncio.run(_read_thread(history_url, tmp_path / "files", thread_id))
    assert thread is not None
    assert thread["name"] == "£18,000 pitch"
    assert thread["userIdentifier"] == identifier
    metadata = thread["metadata"]
    assert metadata["pitchcheck"] == facts
    step = next(s for s in thread["steps"] if s["id"] == step_id)
    assert step["output"] == "maybe forty"
    assert step["feedback"]["value"] == 1 and step["feedback"]["comment"] == "clear"


def test_an_unreachable_database_is_a_clear_one_line_error(tmp_path):
    from web.persistence import SchemaError

    port = cluster.free_port()
    start = time.monotonic()
    with pytest.raises(SchemaError) as err:
        ensure_schema(f"postgresql+asyncpg://user:secret@127.0.0.1:{port}/nowhere")
    assert "secret" not in str(err.value)
    assert "\n" not in str(err.value)
    assert time.monotonic() - start < 60


async def _two_threads_one_step(url: str, files: Path) -> tuple[str, str, str, dict]:
    """Guest A's message, then guest B's message reusing A's message id (a client picks the id)."""
    layer = make_data_layer(url, files)
    a = await layer.create_user(User(identifier=f"guest-a-{uuid.uuid4().hex[:6]}"))
    b = await layer.create_user(User(identifier=f"guest-b-{uuid.uuid4().hex[:6]}"))
    thread_a, thread_b, step_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    await layer.update_thread(thread_a, user_id=a.id)
    await layer.update_thread(thread_b, user_id=b.id)
    step = {
        "id": step_id,
        "name": "User",
        "type": "user_message",
        "metadata": {},
        "streaming": False,
        "waitForAnswer": False,
        "isError": False,
        "createdAt": await layer.get_current_timestamp(),
    }
    await layer.create_step.__wrapped__(layer, {**step, "threadId": thread_a, "output": "A's pitch"})
    await layer.create_step.__wrapped__(layer, {**step, "threadId": thread_b, "output": "B's text"})
    rows = await layer.execute_sql('SELECT "threadId", "output" FROM steps WHERE "id" = :id', {"id": step_id})
    await layer.close() if hasattr(layer, "close") else None
    return thread_a, thread_b, step_id, dict(rows[0])


def test_a_step_id_from_another_thread_does_not_move_the_step(history_url, tmp_path):
    ensure_schema(history_url)
    thread_a, _, _, row = asyncio.run(_two_threads_one_step(history_url, tmp_path / "files"))
    assert str(row["threadId"]) == thread_a
    assert row["output"] == "A's pitch"


async def _racing_updates(url: str, files: Path, rounds: int) -> list[dict]:
    """What a first message does at once: Chainlit names the new thread, a step's insert touches it, and the
    interview state is saved; each round on a new thread."""
    layer = make_data_layer(url, files)
    user = await layer.create_user(User(identifier=f"guest-{uuid.uuid4().hex[:8]}"))
    found = []
    for i in range(rounds):
        thread_id = str(uuid.uuid4())
        await asyncio.gather(
            layer.update_thread(thread_id, name="first message", user_id=user.id),
            layer.update_thread(thread_id),
            layer.update_thread(thread_id, metadata={"pitchcheck": {"asked": ["pitch"], "round": i}}),
        )
        thread = await layer.get_thread(thread_id)
        found.append(thread["metadata"])
    await layer.close() if hasattr(layer, "close") else None
    return found


def test_saved_state_survives_concurrent_updates_of_a_new_thread(history_url, tmp_path):
    ensure_schema(history_url)
    found = asyncio.run(_racing_updates(history_url, tmp_path / "files", 30))
    lost = [m for m in found if "pitchcheck" not in (m or {})]
    assert not lost, f"{len(lost)} of {len(found)} saves lost to a concurrent update"


async def _saved_turn_by_turn(url: str, files: Path) -> tuple[dict, dict, int]:
    """A chat's state saved on every turn with the one-statement save, beside Chainlit's own keys and a rename."""
    layer = make_data_layer(url, files)
    user = await layer.create_user(User(identifier=f"guest-{uuid.uuid4().hex[:8]}"))
    thread_id = str(uuid.uuid4())
    await layer.update_thread(thread_id, name="first message", metadata={"chat_profile": "default"})
    for turn in range(5):
        await layer.save_metadata_key(
            thread_id, "pitchcheck", {"asked": ["pitch"], "turn": turn, "note": "£18,000 'quoted'"}, user.id
        )
    reads_before = layer.counts["reads"]
    await asyncio.gather(
        layer.save_metadata_key(thread_id, "pitchcheck", {"turn": 5}, user.id),
        layer.update_thread(thread_id, name="renamed"),
    )
    reads = layer.counts["reads"] - reads_before
    before = layer.counts["reads"]
    owners = [await layer._get_user_id_by_thread(thread_id) for _ in range(3)]  # asked before every element
    assert owners == [user.id] * 3 and layer.counts["reads"] == before  # known: the database is not asked
    fresh = make_data_layer(url, files)
    assert [await fresh._get_user_id_by_thread(thread_id) for _ in range(2)] == [user.id] * 2
    assert fresh.counts["reads"] == 1  # a new process asks once
    await fresh.close()
    thread = await layer.get_thread(thread_id)
    await layer.close()
    return thread, {"userIdentifier": thread["userIdentifier"], "name": thread["name"]}, reads


def test_the_state_saved_each_turn_keeps_the_other_keys_and_the_owner(history_url, tmp_path):
    ensure_schema(history_url)
    thread, row, reads = asyncio.run(_saved_turn_by_turn(history_url, tmp_path / "files"))
    assert thread["metadata"]["pitchcheck"] == {"turn": 5}  # the last save, whole
    assert thread["metadata"]["chat_profile"] == "default"  # Chainlit's own keys untouched
    assert row["name"] == "renamed" and row["userIdentifier"].startswith("guest-")
    assert reads == 1  # the rename reads the metadata; the state's save itself reads nothing


def test_a_report_link_is_stored_as_its_link_and_comes_back_with_the_thread(history_url, tmp_path):
    """A report is laid out when first downloaded: its tile is kept as the link, never fetched to keep a copy."""
    import chainlit as cl

    ensure_schema(history_url)
    facts = {"facts": {"clean_examples": 40}, "awaiting": None}
    thread_id, step_id = asyncio.run(_write_thread(history_url, tmp_path / "files", f"guest-{uuid.uuid4().hex[:8]}", facts))
    link = "http://127.0.0.1:9/pitchcheck/report/abc/pitchcheck-report.pdf"  # nothing listens there: a fetch would fail

    async def store() -> None:
        layer = make_data_layer(history_url, tmp_path / "files")
        try:
            tile = cl.File(name="pitchcheck-report.pdf", url=link, mime="application/pdf", display="inline", thread_id=thread_id)
            tile.for_id = step_id
            await layer.create_element.__wrapped__(layer, tile)
        finally:
            await layer.close()

    asyncio.run(store())
    thread = asyncio.run(_read_thread(history_url, tmp_path / "files", thread_id))
    tiles = [e for e in thread["elements"] if e["name"] == "pitchcheck-report.pdf"]
    assert len(tiles) == 1 and tiles[0]["url"] == link and tiles[0]["forId"] == step_id
    assert not list((tmp_path / "files").rglob("pitchcheck-report.pdf"))  # no copy kept
