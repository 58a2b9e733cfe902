"""The glossary index on a real Chroma server (`chroma run`), as deployed behind several app instances.

One server runs for the whole module; each test uses its own collection and its own data directory, so
the tests do not depend on one another. Tests that stop the server start one of their own. The ONNX export is not copied: each data directory links to the
one made by the session's `shared_data_dir`, so the embedder already loaded for it is reused.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import httpx
import pytest

from chains.embeddings import OnnxEmbedder, get_embedder
from chains.glossary import chunks, load_glossary
from chains.index import StoreError, build_index, index_is_current, open_collection
from chains.knowledge_base import KnowledgeBase, embedder_key, refresh_index
from chains.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.server

STARTUP_TIMEOUT = 60.0  # seconds for `chroma run` to answer its heartbeat
STOP_TIMEOUT = 10.0  # seconds between terminate and kill
FORGET = "will it forget how to write normally?"


def _chroma_executable() -> str | None:
    """The `chroma` CLI of this virtualenv (the chromadb package ships it), else one on PATH."""
    beside_python = Path(sys.executable).parent / "chroma"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which("chroma")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChromaServer:
    """A `chroma run` subprocess on 127.0.0.1 with its data under `path` and its output in `log`."""

    def __init__(self, executable: str, path: Path, log: Path):
        self.executable, self.path, self.log = executable, path, log
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    @property
    def heartbeat_url(self) -> str:
        return f"http://{self.host}:{self.port}/api/v2/heartbeat"

    def start(self) -> ChromaServer:
        """Start (or restart, on the same path and port) and wait for the heartbeat."""
        env = dict(os.environ, ANONYMIZED_TELEMETRY="False", NO_COLOR="1")
        started = time.monotonic()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [self.executable, "run", "--path", str(self.path), "--host", self.host, "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        deadline = started + STARTUP_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"`chroma run` exited with {self.proc.returncode} before answering:\n{self.log_tail()}")
            if self.alive():
                self.startup_seconds = time.monotonic() - started
                return self
            if time.monotonic() >= deadline:
                self.stop()
                raise RuntimeError(
                    f"`chroma run` did not answer {self.heartbeat_url} within {STARTUP_TIMEOUT:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(0.25)

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(self.heartbeat_url, timeout=2) as response:
                return response.status == 200 and "nanosecond heartbeat" in json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()[-lines:])


@pytest.fixture(scope="module")
def chroma_executable() -> str:
    executable = _chroma_executable()
    if executable is None:
        message = "the `chroma` executable (from the chromadb package) is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the Chroma server tests")
        pytest.skip(message)
    return executable


@pytest.fixture(scope="module")
def chroma_server(chroma_executable, tmp_path_factory):
    root = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(chroma_executable, root / "db", root / "chroma.log").start()
    try:
        yield server
    finally:
        server.stop()


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed for the index."""

    def __init__(self, inner):
        self.inner = inner
        self.dimension = inner.dimension
        self.embedded = 0

    def embed(self, texts, batch_size=64):
        self.embedded += len(texts)
        return self.inner.embed(texts, batch_size=batch_size)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def _data_dir(tmp_path: Path, shared_data_dir: Path, name: str) -> Path:
    """A fresh data directory (own lock and build marker) whose ONNX export is the shared one."""
    data_dir = tmp_path / name
    data_dir.mkdir()
    (data_dir / "onnx").symlink_to(shared_data_dir / "onnx", target_is_directory=True)
    return data_dir


@pytest.fixture
def server_settings(chroma_server, shared_data_dir, tmp_path) -> Settings:
    """Settings for one app instance using the server, with a collection of this test's own."""
    return Settings(
        data_dir=_data_dir(tmp_path, shared_data_dir, "instance-a"),
        chroma_host=chroma_server.host,
        chroma_port=chroma_server.port,
        collection=f"test-{uuid.uuid4().hex[:12]}",
        llm="off",
    )


def _real_embedder(settings: Settings):
    embedder = get_embedder(settings)
    assert isinstance(embedder, OnnxEmbedder), f"expected the ONNX export to be found, got {embedder!r}"
    return embedder


def _server_collection(settings: Settings):
    """The collection read straight from the server with a client of our own."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(
        host=settings.chroma_host, port=settings.chroma_port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    return client.get_collection(settings.collection)


def test_server_starts_and_answers_its_heartbeat(chroma_server):
    assert chroma_server.alive()
    assert chroma_server.startup_seconds is not None and chroma_server.startup_seconds < STARTUP_TIMEOUT


def test_glossary_indexed_on_the_server_then_nothing_re_embedded(server_settings, shared_data_dir, tmp_path):
    concepts = load_glossary(server_settings.knowledge_dir)
    expected = len(chunks(concepts))
    counting = CountingEmbedder(_real_embedder(server_settings))

    first = refresh_index(server_settings, concepts, counting)
    assert first is not None and first.added == expected and first.removed == 0
    assert counting.embedded == expected

    # The vectors are on the server, not in an embedded store under the data directory.
    assert not server_settings.index_dir.exists()
    on_server = _server_collection(server_settings)
    assert on_server.count() == expected
    assert on_server.metadata.get("hnsw:space") == "cosine"

    # Same instance again: the index is current, so nothing is built or embedded.
    assert refresh_index(server_settings, concepts, counting) is None
    again = build_index(server_settings, concepts, counting, embedder_key(server_settings))
    assert (again.embedded, again.removed, again.unchanged) == (0, 0, expected)
    assert counting.embedded == expected

    # A second app instance (its own data directory) finds the shared index current and embeds nothing.
    other = server_settings.model_copy(update={"data_dir": _data_dir(tmp_path, shared_data_dir, "instance-b")})
    assert index_is_current(other, concepts, embedder_key(other))
    assert refresh_index(other, concepts, counting) is None
    assert counting.embedded == expected


def test_dense_retrieval_through_the_server(server_settings):
    kb = KnowledgeBase(server_settings)
    assert kb.load_dense(), kb.load_error
    assert _server_collection(server_settings).count() == len(chunks(kb.concepts))
    assert kb.retriever.search(FORGET, k=1)[0].concept == "catastrophic-forgetting"
    assert kb.retriever.search(FORGET, k=1, mode="dense")[0].concept == "catastrophic-forgetting"


def _copy_glossary_without(target: Path, removed: str) -> Path:
    """The real glossary copied to `target`, minus one concept and every reference to it."""
    shutil.copytree(PROJECT_ROOT / "knowledge", target)
    (target / f"{removed}.md").unlink()
    for path in target.glob("*.md"):
        text = path.read_text()
        edited = re.sub(
            r"(?m)^related:\s*\[(.*)\]\s*$",
            lambda m: (
                "related: [" + ", ".join(r.strip() for r in m.group(1).split(",") if r.strip() and r.strip() != removed) + "]"
            ),
            text,
        )
        if edited != text:
            path.write_text(edited)
    return target


def test_removed_concept_leaves_the_server_collection(server_settings, tmp_path):
    removed = "vendor-lock-in"
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    settings = server_settings.model_copy(update={"knowledge_dir": knowledge})
    counting = CountingEmbedder(_real_embedder(settings))
    full = load_glossary(knowledge)
    refresh_index(settings, full, counting)
    assert removed in {m["concept"] for m in _server_collection(settings).get(include=["metadatas"])["metadatas"]}
    embedded_first = counting.embedded

    shutil.rmtree(knowledge)
    fewer = load_glossary(_copy_glossary_without(knowledge, removed))
    assert removed not in fewer and len(fewer) == len(full) - 1
    assert not index_is_current(settings, fewer, embedder_key(settings))
    stats = refresh_index(settings, fewer, counting)
    # Only the removed concept's chunks go; editing others' `related` lists re-embeds nothing.
    assert (stats.removed, stats.embedded) == (sum(c.concept == removed for c in chunks(full)), 0)
    assert counting.embedded == embedded_first

    metadatas = _server_collection(settings).get(include=["metadatas"])["metadatas"]
    assert removed not in {m["concept"] for m in metadatas}
    assert len(metadatas) == len(chunks(fewer))
    assert index_is_current(settings, fewer, embedder_key(settings))
    assert open_collection(settings).count() == len(chunks(fewer))


def test_index_survives_a_server_restart(chroma_executable, shared_data_dir, tmp_path):
    """What a persistent volume buys: after `chroma run` restarts on the same path, nothing is re-embedded."""
    server = ChromaServer(chroma_executable, tmp_path / "db", tmp_path / "chroma.log").start()
    try:
        settings = Settings(
            data_dir=_data_dir(tmp_path, shared_data_dir, "instance"),
            chroma_host=server.host,
            chroma_port=server.port,
            collection="restart-test",
            llm="off",
        )
        glossary = load_glossary(settings.knowledge_dir)
        concepts = {cid: glossary[cid] for cid in sorted(glossary)[:5]}  # a few concepts prove the point
        counting = CountingEmbedder(_real_embedder(settings))
        refresh_index(settings, concepts, counting)
        embedded = counting.embedded
        assert embedded == len(chunks(concepts))
    finally:
        server.stop()
    assert not server.alive()

    server = ChromaServer(chroma_executable, tmp_path / "db", tmp_path / "chroma.log").start()
    settings = settings.model_copy(update={"chroma_port": server.port})
    try:
        assert index_is_current(settings, concepts, embedder_key(settings))
        assert refresh_index(settings, concepts, counting) is None
        assert counting.embedded == embedded
    finally:
        server.stop()


def test_unreachable_server_gives_a_clear_error_and_lexical_search_goes_on(shared_data_dir, tmp_path):
    """With Chroma down, indexing says which server failed and the app keeps answering from BM25."""
    settings = Settings(
        data_dir=_data_dir(tmp_path, shared_data_dir, "instance"),
        chroma_host="127.0.0.1",
        chroma_port=_free_port(),
        collection="unreachable",
        llm="off",
    )
    concepts = load_glossary(settings.knowledge_dir)
    with pytest.raises(StoreError, match=rf"Chroma server at 127\.0\.0\.1:{settings.chroma_port} could not be used"):
        build_index(settings, concepts, _real_embedder(settings), embedder_key(settings))
    kb = KnowledgeBase(settings)
    assert not kb.load_dense(wait=0)
    assert kb.load_error and not kb.dense_ready
    assert kb.retriever.search("what is low-rank adaptation?", k=1)[0].concept == "lora"


def _small_glossary(folder: Path, ids=("lora", "rag", "catastrophic-forgetting")) -> Path:
    """A few real concepts, their `related` lists emptied so the folder stands alone."""
    folder.mkdir()
    for cid in ids:
        text = (PROJECT_ROOT / "knowledge" / f"{cid}.md").read_text()
        lines = [("related: []" if line.startswith("related:") else line) for line in text.splitlines()]
        (folder / f"{cid}.md").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture
def own_server(chroma_executable, shared_data_dir, tmp_path):
    """A server of this test's own (it will be stopped mid-test) and a KnowledgeBase with dense search on it."""
    server = ChromaServer(chroma_executable, tmp_path / "db", tmp_path / "chroma.log").start()
    try:
        settings = Settings(
            data_dir=_data_dir(tmp_path, shared_data_dir, "instance"),
            chroma_host=server.host,
            chroma_port=server.port,
            knowledge_dir=_small_glossary(tmp_path / "knowledge"),
            collection="outage-test",
            llm="off",
        )
        kb = KnowledgeBase(settings)
        assert kb.load_dense(), kb.load_error
        assert kb.retriever.search(FORGET, k=1, mode="dense")[0].concept == "catastrophic-forgetting"
        yield server, kb
    finally:
        server.stop()


def test_dense_search_comes_back_when_the_server_does(own_server):
    """A Chroma restart under a running app: once the server is back, dense search works without an app restart."""
    server, kb = own_server
    server.stop()
    assert not server.alive()
    server.start()  # same path, same port
    assert kb.retriever.search(FORGET, k=1, mode="dense")[0].concept == "catastrophic-forgetting"


def test_search_falls_back_to_bm25_while_the_server_is_down(own_server):
    server, kb = own_server
    server.stop()
    hits = kb.retriever.search("what is low-rank adaptation?", k=3)
    assert hits and hits[0].concept == "lora"
    assert all(h.dense is None for h in hits)  # ranked by BM25 alone
    with pytest.raises(httpx.ConnectError):  # asking for dense search alone still says what is wrong
        kb.retriever.search(FORGET, k=1, mode="dense")
