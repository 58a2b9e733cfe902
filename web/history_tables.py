"""The history tables Chainlit's SQLAlchemy data layer queries, and creating them.

Chainlit's SQLAlchemyDataLayer does not create its tables, so `create_tables` does (through
`web.persistence.ensure_schema`), idempotently, with the
columns its queries use (users, threads, steps, elements, feedbacks).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, Table, Text
from sqlalchemy.dialects import postgresql

from .history_writer import engine_for
from .persistence import SchemaError, _redact

# Portable column types: plain TEXT on SQLite, the types Chainlit's own PostgreSQL schema uses elsewhere.
_UUID = Text().with_variant(postgresql.UUID(as_uuid=False), "postgresql")
_JSON = Text().with_variant(postgresql.JSONB(), "postgresql")
_TAGS = Text().with_variant(postgresql.ARRAY(Text()), "postgresql")

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", _UUID, primary_key=True),
    Column("identifier", Text, nullable=False, unique=True),
    Column("metadata", _JSON, nullable=False),
    Column("createdAt", Text),
)

threads = Table(
    "threads",
    metadata,
    Column("id", _UUID, primary_key=True),
    Column("createdAt", Text),
    Column("name", Text),
    Column("userId", _UUID, ForeignKey("users.id", ondelete="CASCADE")),
    Column("userIdentifier", Text),
    Column("tags", _TAGS),
    Column("metadata", _JSON),
)

steps = Table(
    "steps",
    metadata,
    Column("id", _UUID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("threadId", _UUID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("parentId", _UUID),
    Column("streaming", Boolean, nullable=False),
    Column("waitForAnswer", Boolean),
    Column("isError", Boolean),
    Column("metadata", _JSON),
    Column("tags", _TAGS),
    Column("input", Text),
    Column("output", Text),
    Column("createdAt", Text),
    Column("command", Text),
    Column("modes", _JSON),
    Column("start", Text),
    Column("end", Text),
    Column("generation", _JSON),
    Column("showInput", Text),
    Column("language", Text),
    Column("indent", Integer),
    Column("defaultOpen", Boolean),
    Column("autoCollapse", Boolean),
)

elements = Table(
    "elements",
    metadata,
    Column("id", _UUID, primary_key=True),
    Column("threadId", _UUID, ForeignKey("threads.id", ondelete="CASCADE")),
    Column("type", Text),
    Column("url", Text),
    Column("chainlitKey", Text),
    Column("name", Text, nullable=False),
    Column("display", Text),
    Column("objectKey", Text),
    Column("size", Text),
    Column("page", Integer),
    Column("language", Text),
    Column("forId", _UUID),
    Column("mime", Text),
    Column("props", _JSON),
    Column("autoPlay", Boolean),
    Column("playerConfig", _JSON),
)

feedbacks = Table(
    "feedbacks",
    metadata,
    Column("id", _UUID, primary_key=True),
    Column("forId", _UUID, nullable=False),
    Column("threadId", _UUID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("value", Integer, nullable=False),
    Column("comment", Text),
)


async def _create_all(url: str) -> None:
    engine = engine_for(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all, checkfirst=True)
    finally:
        await engine.dispose()


def create_tables(url: str) -> None:
    """Create the five tables if missing (idempotent), from sync or async code.

    Runs on its own thread and event loop so it works whether or not the caller is inside a loop.
    Raises SchemaError with a one-line reason.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            asyncio.run(_create_all(url))
        except BaseException as exc:  # re-raised on the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=work, name="pitchcheck-schema", daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():
        raise SchemaError(f"timed out preparing the history database at {_redact(url)}")
    if errors:
        exc = errors[0]
        raise SchemaError(
            f"cannot prepare the history database at {_redact(url)}: "
            f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        ) from exc
