"""Indexing: idempotent, incremental, one writer at a time, and repaired after an interrupted build."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from filelock import FileLock

from chains.glossary import chunks, load_glossary
from chains.index import IndexLocked, build_index, index_is_current, open_collection
from chains.settings import PROJECT_ROOT, Settings


class HashingEmbedder:
    """A cheap, deterministic embedder (bag of hashed words) that counts what it embeds."""

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.embedded = 0

    def embed(self, texts, batch_size=64):
        self.embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, hash(word) % self.dim] += 1.0
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        return out

    def embed_query(self, text):
        return self.embed([text])[0]


@pytest.fixture
def small_glossary(tmp_path):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for cid in ("lora", "rag", "tokens"):
        shutil.copy(PROJECT_ROOT / "knowledge" / f"{cid}.md", folder / f"{cid}.md")
        # Keep the copies self-contained: related ids must exist in this small folder.
        text = (folder / f"{cid}.md").read_text()
        lines = [("related: []" if line.startswith("related:") else line) for line in text.splitlines()]
        (folder / f"{cid}.md").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture
def settings(tmp_path, small_glossary):
    return Settings(data_dir=tmp_path / "data", knowledge_dir=small_glossary)


def chunk_count(settings, concept: str | None = None) -> int:
    """How many chunks (sections, names, questions) the glossary in settings has, for one concept or all."""
    return sum(1 for c in chunks(load_glossary(settings.knowledge_dir)) if concept in (None, c.concept))


def test_second_run_embeds_nothing(settings):
    concepts = load_glossary(settings.knowledge_dir)
    embedder = HashingEmbedder()
    total = chunk_count(settings)
    first = build_index(settings, concepts, embedder, "key")
    assert first.added == total and embedder.embedded == total
    second = build_index(settings, concepts, embedder, "key")
    assert second.embedded == 0 and second.unchanged == total
    assert embedder.embedded == total
    assert index_is_current(settings, concepts, "key")


def test_changed_section_is_re_embedded_alone(settings):
    embedder = HashingEmbedder()
    build_index(settings, load_glossary(settings.knowledge_dir), embedder, "key")
    path = settings.knowledge_dir / "rag.md"
    path.write_text(path.read_text().replace("## Watch out for\n", "## Watch out for\nAn extra warning sentence.\n"))
    concepts = load_glossary(settings.knowledge_dir)
    assert not index_is_current(settings, concepts, "key")
    stats = build_index(settings, concepts, embedder, "key")
    assert (stats.updated, stats.added, stats.removed) == (1, 0, 0)


def test_changed_question_is_re_embedded_alone_and_kinds_are_stored(settings):
    embedder = HashingEmbedder()
    build_index(settings, load_glossary(settings.knowledge_dir), embedder, "key")
    path = settings.knowledge_dir / "rag.md"
    text = path.read_text()
    first_question = next(line for line in text.splitlines() if line.startswith("  - "))
    path.write_text(text.replace(first_question, '  - "Can it read our price list before replying?"'))
    stats = build_index(settings, load_glossary(settings.knowledge_dir), embedder, "key")
    assert (stats.updated, stats.added, stats.removed) == (1, 0, 0)
    kinds = {m["kind"] for m in open_collection(settings).get(include=["metadatas"])["metadatas"]}
    assert kinds == {"section", "name", "question"}


def test_removed_concept_leaves_the_index(settings):
    embedder = HashingEmbedder()
    build_index(settings, load_glossary(settings.knowledge_dir), embedder, "key")
    tokens_chunks = chunk_count(settings, "tokens")
    (settings.knowledge_dir / "tokens.md").unlink()
    stats = build_index(settings, load_glossary(settings.knowledge_dir), embedder, "key")
    assert stats.removed == tokens_chunks
    concepts_left = {m["concept"] for m in open_collection(settings).get(include=["metadatas"])["metadatas"]}
    assert concepts_left == {"lora", "rag"}


def test_a_new_model_re_embeds_everything(settings):
    concepts = load_glossary(settings.knowledge_dir)
    build_index(settings, concepts, HashingEmbedder(), "model-a")
    stats = build_index(settings, concepts, HashingEmbedder(), "model-b")
    assert stats.updated == chunk_count(settings)


def test_second_writer_gets_a_clear_error(settings):
    settings.data_dir.mkdir(parents=True)
    with FileLock(str(settings.data_dir / "index.lock")):
        with pytest.raises(IndexLocked, match="Another Pitchcheck process is building the index"):
            build_index(settings, load_glossary(settings.knowledge_dir), HashingEmbedder(), "key")


def test_build_killed_part_way_is_repaired_on_next_start(settings):
    """A build process killed with SIGKILL mid-way leaves a marker; the next build starts that collection afresh."""
    script = textwrap.dedent(f"""
        import os, signal, numpy as np
        from pathlib import Path
        from chains.glossary import load_glossary
        from chains.settings import Settings
        from chains import index
        settings = Settings(data_dir=Path({str(settings.data_dir)!r}), knowledge_dir=Path({str(settings.knowledge_dir)!r}))
        class Dying:
            def embed(self, texts, batch_size=64):
                os.kill(os.getpid(), signal.SIGKILL)
        index.build_index(settings, load_glossary(settings.knowledge_dir), Dying(), "key")
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, timeout=120)
    assert proc.returncode == -9
    concepts = load_glossary(settings.knowledge_dir)
    assert not index_is_current(settings, concepts, "key")
    stats = build_index(settings, concepts, HashingEmbedder(), "key")
    assert stats.repaired and stats.added == chunk_count(settings)
    assert index_is_current(settings, concepts, "key")
