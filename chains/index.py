"""The glossary index in Chroma: built incrementally, one writer at a time, repaired after a crash."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .glossary import Chunk, Concept, chunks
from .settings import Settings

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The index cannot be built or opened; the message is fit for a user."""


class IndexLocked(StoreError):
    """Another process is writing the index."""


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    repaired: bool = False

    @property
    def embedded(self) -> int:
        return self.added + self.updated

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "embedded": self.embedded,
            "repaired": self.repaired,
        }


def chroma_client(settings: Settings):
    """An embedded PersistentClient under the data directory, or an HttpClient when CHROMA_HOST is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


def _marker(settings: Settings) -> Path:
    return settings.data_dir / "index.building"


def _lock(settings: Settings) -> FileLock:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.data_dir / "index.lock"))


def _collection(client, settings: Settings):
    return client.get_or_create_collection(settings.collection, metadata={"hnsw:space": "cosine"})


def _chunk_hash(chunk: Chunk, embedder_key: str) -> str:
    # The embedder's identity is part of the hash, so a changed model re-embeds everything; the kind is, so a
    # chunk whose kind changes gets its metadata rewritten.
    return f"{chunk.content_hash}:{chunk.kind}:{embedder_key}"


def build_index(settings: Settings, concepts: dict[str, Concept], embedder, embedder_key: str) -> IndexStats:
    """Bring the index in line with the glossary: embed only new or changed chunks, drop removed ones."""
    lock = _lock(settings)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IndexLocked(
            f"Another Pitchcheck process is building the index in {settings.data_dir}; try again when it has finished."
        ) from None
    try:
        return _build_locked(settings, concepts, embedder, embedder_key)
    finally:
        lock.release()


def _build_locked(settings: Settings, concepts: dict[str, Concept], embedder, embedder_key: str) -> IndexStats:
    stats = IndexStats()
    marker = _marker(settings)
    if marker.exists():
        # A previous build died part way (killed, power cut): start that collection afresh.
        log.warning("index build was interrupted earlier; rebuilding %s", settings.collection)
        stats.repaired = True
    try:
        client = chroma_client(settings)
        if stats.repaired:
            _drop_collection(client, settings)
        collection = _collection(client, settings)
        existing = collection.get(include=["metadatas"])
    except Exception as exc:  # a corrupt local store: wipe and start again rather than fail forever
        if settings.chroma_host:
            raise StoreError(
                f"The Chroma server at {settings.chroma_host}:{settings.chroma_port} could not be used: {exc}"
            ) from exc
        log.warning("index store unreadable (%s); recreating it", exc)
        shutil.rmtree(settings.index_dir, ignore_errors=True)
        stats.repaired = True
        client = chroma_client(settings)
        collection = _collection(client, settings)
        existing = collection.get(include=["metadatas"])

    marker.write_text("building\n")
    have = {cid: (meta or {}).get("hash") for cid, meta in zip(existing["ids"], existing["metadatas"], strict=True)}
    wanted = {c.id: c for c in chunks(concepts)}

    store = _langchain_store(client, settings, embedder)
    stale = [cid for cid in have if cid not in wanted]
    if stale:
        store.delete(ids=stale)
        stats.removed = len(stale)

    todo = [c for cid, c in wanted.items() if have.get(cid) != _chunk_hash(c, embedder_key)]
    stats.updated = sum(1 for c in todo if c.id in have)
    stats.added = len(todo) - stats.updated
    stats.unchanged = len(wanted) - len(todo)
    if todo:
        # add_texts upserts by id, so a changed chunk replaces its old vector.
        store.add_texts(
            texts=[c.embedding_text() for c in todo],
            metadatas=[
                {
                    "concept": c.concept,
                    "section": c.section,
                    "title": c.title,
                    "kind": c.kind,
                    "hash": _chunk_hash(c, embedder_key),
                }
                for c in todo
            ],
            ids=[c.id for c in todo],
        )
    marker.unlink(missing_ok=True)
    log.info("index: %s", stats.as_dict())
    return stats


def _langchain_store(client, settings: Settings, embedder):
    """The collection seen through langchain-chroma, embedding with our own embedder."""
    from langchain_chroma import Chroma

    from .embeddings import LangChainEmbeddings

    return Chroma(
        client=client,
        collection_name=settings.collection,
        embedding_function=LangChainEmbeddings(embedder),
        collection_metadata={"hnsw:space": "cosine"},
    )


def _drop_collection(client, settings: Settings) -> None:
    try:
        client.delete_collection(settings.collection)
    except Exception:  # it may not exist yet
        pass


def index_is_current(settings: Settings, concepts: dict[str, Concept], embedder_key: str) -> bool:
    """True when every chunk is present with its current hash and nothing else is, and no build was interrupted."""
    if _marker(settings).exists():
        return False
    try:
        collection = _collection(chroma_client(settings), settings)
        existing = collection.get(include=["metadatas"])
    except Exception:
        return False
    have = {cid: (meta or {}).get("hash") for cid, meta in zip(existing["ids"], existing["metadatas"], strict=True)}
    wanted = {c.id: _chunk_hash(c, embedder_key) for c in chunks(concepts)}
    return have == wanted


def open_collection(settings: Settings):
    """The Chroma collection for queries."""
    return _collection(chroma_client(settings), settings)
