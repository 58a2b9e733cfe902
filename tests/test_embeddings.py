"""The embedding layer: ONNX export, the ONNX and sentence-transformers backends, the factory.

Real model, no mocks of the maths: a session fixture exports the packaged all-MiniLM-L6-v2 once
into a temporary data directory (~20 s, needs torch) and the sentence-transformers reference is
loaded once (~20 s import).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from chains import embeddings as E
from chains import model_export as M
from chains.settings import PROJECT_ROOT, Settings

DIM = 384

LONG_TEXT = " ".join(
    [
        "Fine-tuning adapts a pre-trained language model to a narrow task by training it further on labelled examples.",
        "Vendors often promise that it will make the model 'understand your business', but retrieval-augmented generation",
        "and careful prompting usually get most of the benefit for a fraction of the cost and risk.",
    ]
    * 12
)  # ~450 word pieces: well past the 256-token limit

SENTENCES = [
    "What is fine-tuning?",
    "Is it worth paying £40,000 to fine-tune GPT on 3,000 support tickets?",
    LONG_TEXT,
    "!!! ??? ... --- $$$ 100% (a) [b] {c} <d> #hashtag @mention",
    "Café naïve résumé — déjà vu, Straße, Ærø, Ångström",
    "微调模型是否值得投资？ 検索拡張生成 🚀🔥 Привет, мир! مرحبا",
    "RAG vs. fine-tuning: which one reduces hallucinations?\n\tTabs\tand\nnew lines.",
    "https://example.com/pricing?plan=enterprise&seats=50 contact sales@example.com",
    "a",
    "",
]


@pytest.fixture(scope="session", autouse=True)
def _offline():
    """Nothing may be downloaded: every model load must work with the hub switched off."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield


@pytest.fixture(scope="session")
def exported(tmp_path_factory, _offline) -> Settings:
    """Settings whose data_dir holds a fresh ONNX export of the packaged model."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("pitchcheck-data"), embedding_backend="onnx")
    export_dir = E.export_onnx(settings)
    assert export_dir == settings.onnx_dir / E.model_fingerprint(settings.model_path)
    yield settings
    E.clear_embedder_cache()


@pytest.fixture(scope="session")
def onnx_embedder(exported) -> E.OnnxEmbedder:
    embedder = E.get_embedder(exported)
    assert isinstance(embedder, E.OnnxEmbedder)
    return embedder


@pytest.fixture(scope="session")
def st_embedder(exported) -> E.SentenceTransformerEmbedder:
    settings = exported.model_copy(update={"embedding_backend": "sentence-transformers"})
    embedder = E.get_embedder(settings)
    assert isinstance(embedder, E.SentenceTransformerEmbedder)
    return embedder


def _run_python(code: str, timeout: float = 240) -> dict:
    """Run code in a fresh interpreter from the project root; it prints one JSON line last."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _copy_model(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, copy_function=shutil.copy2)  # real copies: we edit them
    return target


# ------------------------------------------------------------------ agreement between backends


@pytest.mark.slow
@pytest.mark.parametrize("text", SENTENCES, ids=lambda t: repr(t[:24]))
def test_backends_agree_per_sentence(onnx_embedder, st_embedder, text):
    a = onnx_embedder.embed_query(text)
    b = st_embedder.embed_query(text)
    assert a.shape == b.shape == (DIM,)
    assert a.dtype == b.dtype == np.float32
    cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    assert cosine >= 0.9999, cosine


@pytest.mark.slow
def test_backends_agree_in_batches(onnx_embedder, st_embedder):
    a = onnx_embedder.embed(SENTENCES, batch_size=4)
    b = st_embedder.embed(SENTENCES, batch_size=4)
    assert a.shape == b.shape == (len(SENTENCES), DIM)
    cosines = np.sum(a * b, axis=1)  # both normalised
    assert cosines.min() >= 0.9999, cosines


def test_long_text_is_truncated_at_max_seq_length(onnx_embedder):
    assert onnx_embedder.max_seq_length == 256
    assert len(onnx_embedder.tokenizer.encode(LONG_TEXT).ids) == 256
    tail_changed = LONG_TEXT + " Words past the limit change nothing at all."
    np.testing.assert_allclose(onnx_embedder.embed_query(LONG_TEXT), onnx_embedder.embed_query(tail_changed), atol=1e-6)


# ------------------------------------------------------------------ shapes, order, normalisation


def test_shapes_dtype_and_normalisation(onnx_embedder):
    vectors = onnx_embedder.embed(SENTENCES)
    assert vectors.shape == (len(SENTENCES), DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = onnx_embedder.embed_query("What does a vendor mean by fine-tuning?")
    assert query.shape == (DIM,) and query.dtype == np.float32
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-5


def test_empty_list(onnx_embedder):
    empty = onnx_embedder.embed([])
    assert empty.shape == (0, DIM) and empty.dtype == np.float32


def test_embed_rejects_a_bare_string(onnx_embedder):
    with pytest.raises(TypeError):
        onnx_embedder.embed("not a list")


@pytest.mark.slow  # about 8 s: some sixty texts embedded one by one and in four batch sizes
def test_batch_order_preserved_when_sorting_by_length(onnx_embedder):
    rng = np.random.default_rng(7)
    words = ["model", "data", "tickets", "vendor", "fine", "tuning", "retrieval", "prompt", "cost", "label", "audit", "verdict"]
    texts = [" ".join(rng.choice(words, size=int(n))) for n in rng.integers(0, 60, size=57)]
    texts += SENTENCES
    order = rng.permutation(len(texts))
    texts = [texts[i] for i in order]
    one_by_one = np.stack([onnx_embedder.embed_query(t) for t in texts])
    for batch_size in (1, 5, 64, 1000):
        batched = onnx_embedder.embed(texts, batch_size=batch_size)
        np.testing.assert_allclose(batched, one_by_one, atol=2e-5, err_msg=f"batch_size={batch_size}")
    # Distinct texts give distinct rows: a permutation would not go unnoticed.
    assert len({tuple(np.round(v, 4)) for v in one_by_one}) == len(set(texts))


def test_duplicate_texts_get_identical_rows(onnx_embedder):
    texts = ["same text", "a different and longer text about pricing", "same text"]
    vectors = onnx_embedder.embed(texts, batch_size=2)
    np.testing.assert_allclose(vectors[0], vectors[2], atol=1e-6)
    assert float(vectors[0] @ vectors[1]) < 0.99


def test_langchain_adapter(onnx_embedder):
    from langchain_core.embeddings import Embeddings

    adapter = E.LangChainEmbeddings(onnx_embedder)
    assert isinstance(adapter, Embeddings)
    docs = adapter.embed_documents(["first document", "second document"])
    assert isinstance(docs, list) and len(docs) == 2
    assert all(isinstance(row, list) and len(row) == DIM and isinstance(row[0], float) for row in docs)
    query = adapter.embed_query("first document")
    assert isinstance(query, list) and len(query) == DIM
    np.testing.assert_allclose(query, docs[0], atol=2e-5)
    assert adapter.embed_documents([]) == []


# ------------------------------------------------------------------ no torch on the ONNX path


def test_onnx_path_never_imports_torch(exported):
    result = _run_python(
        f"""
        import json, sys
        from chains.settings import Settings
        from chains.embeddings import get_embedder, OnnxEmbedder, LangChainEmbeddings
        embedder = get_embedder(Settings(data_dir={str(exported.data_dir)!r}, embedding_backend="onnx"))
        vector = LangChainEmbeddings(embedder).embed_query("Is fine-tuning worth it?")
        heavy = [m for m in ("torch", "sentence_transformers", "transformers", "chains.model_export") if m in sys.modules]
        print(json.dumps({{"onnx": isinstance(embedder, OnnxEmbedder), "dim": len(vector), "heavy": heavy}}))
        """
    )
    assert result == {"onnx": True, "dim": DIM, "heavy": []}


# ------------------------------------------------------------------ export: idempotent, keyed, atomic


def test_export_is_idempotent(exported, monkeypatch):
    export_dir = E.onnx_export_dir(exported)
    assert export_dir is not None
    onnx_file = export_dir / E.ONNX_FILENAME
    before = onnx_file.stat()

    def must_not_run(*args, **kwargs):
        raise AssertionError("export_onnx re-exported an existing export")

    monkeypatch.setattr(M, "_export_model_onnx", must_not_run)
    assert E.export_onnx(exported) == export_dir
    after = onnx_file.stat()
    assert (after.st_mtime_ns, after.st_ino, after.st_size) == (before.st_mtime_ns, before.st_ino, before.st_size)
    assert [p.name for p in exported.onnx_dir.iterdir() if not p.name.endswith(".lock")] == [export_dir.name]


def test_second_export_in_fresh_process_does_not_import_torch(exported):
    result = _run_python(
        f"""
        import json, sys
        from chains.settings import Settings
        from chains.embeddings import export_onnx
        path = export_onnx(Settings(data_dir={str(exported.data_dir)!r}))
        print(json.dumps({{"path": str(path), "torch": "torch" in sys.modules}}))
        """
    )
    assert result == {"path": str(E.onnx_export_dir(exported)), "torch": False}


def test_export_contents(exported):
    export_dir = E.onnx_export_dir(exported)
    for name in ("model.onnx", "model.onnx.data", "tokenizer.json", "config.json", "sentence_bert_config.json", "manifest.json"):
        assert (export_dir / name).is_file(), name
    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert manifest["fingerprint"] == export_dir.name == E.model_fingerprint(exported.model_path)
    assert manifest["max_seq_length"] == 256
    assert manifest["max_abs_diff_vs_torch"] < 1e-3
    assert (export_dir / "model.onnx.data").stat().st_size > 80e6  # the weights, outside the graph
    assert not list(export_dir.glob("traced*"))

    import onnxruntime as ort

    session = ort.InferenceSession(str(export_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    inputs = {i.name: i.shape for i in session.get_inputs()}
    assert set(inputs) == {"input_ids", "attention_mask", "token_type_ids"}
    for shape in inputs.values():  # dynamic batch and sequence axes
        assert all(isinstance(dim, str) for dim in shape), shape


def test_fingerprint_is_keyed_on_model_files(exported, tmp_path):
    original = E.model_fingerprint(exported.model_path)
    assert len(original) == 16 and E.model_fingerprint(exported.model_path) == original
    same = _copy_model(exported.model_path, tmp_path / "same")
    assert E.model_fingerprint(same) == original  # content, not location

    changed = _copy_model(exported.model_path, tmp_path / "changed")
    config = json.loads((changed / "config.json").read_text())
    config["layer_norm_eps"] = 1e-11
    (changed / "config.json").write_text(json.dumps(config))
    changed_fp = E.model_fingerprint(changed)
    assert changed_fp != original

    # The existing export does not belong to the changed model.
    changed_settings = exported.model_copy(update={"model_path": changed})
    assert E.onnx_export_dir(changed_settings) is None
    assert E.onnx_export_dir(exported) is not None

    # The per-process cache notices an edit made after the first hash.
    (same / "tokenizer_config.json").write_text((same / "tokenizer_config.json").read_text() + "\n")
    assert E.model_fingerprint(same) not in (original, changed_fp)


def test_failed_export_leaves_nothing_behind(exported, tmp_path, monkeypatch):
    model = _copy_model(exported.model_path, tmp_path / "model")
    (model / "config.json").write_text((model / "config.json").read_text().replace("0.02", "0.021"))
    settings = Settings(data_dir=tmp_path / "data", model_path=model)
    fingerprint = E.model_fingerprint(model)

    def killed_half_way(model_path, target, max_length):
        (target / E.ONNX_FILENAME).write_bytes(b"half an onnx file")
        raise KeyboardInterrupt

    monkeypatch.setattr(M, "_export_model_onnx", killed_half_way)
    with pytest.raises(KeyboardInterrupt):
        E.export_onnx(settings)
    assert E.onnx_export_dir(settings) is None
    assert not (settings.onnx_dir / fingerprint).exists()
    assert not list(settings.onnx_dir.glob(".tmp-*"))

    # A temporary dir left by a process killed outright is swept by the next export, which
    # publishes its directory complete (graph faked here: the real one is exercised above).
    leftover = settings.onnx_dir / f".tmp-{fingerprint}-killed"
    (leftover / "sub").mkdir(parents=True)

    def fake_export(model_path, target, max_length):
        (target / E.ONNX_FILENAME).write_bytes(b"graph")
        (target / E.ONNX_DATA_FILENAME).write_bytes(b"weights")
        return {}

    monkeypatch.setattr(M, "_export_model_onnx", fake_export)
    export_dir = E.export_onnx(settings)
    assert export_dir == settings.onnx_dir / fingerprint == E.onnx_export_dir(settings)
    assert not leftover.exists()
    assert (export_dir / "tokenizer.json").is_file()

    # An export in an older format is not used, and the next export replaces it.
    manifest = json.loads((export_dir / "manifest.json").read_text())
    (export_dir / "manifest.json").write_text(json.dumps({**manifest, "format": E.EXPORT_FORMAT - 1}))
    assert E.onnx_export_dir(settings) is None
    assert E.export_onnx(settings) == export_dir == E.onnx_export_dir(settings)
    assert json.loads((export_dir / "manifest.json").read_text())["format"] == E.EXPORT_FORMAT
    assert sorted(p.name for p in settings.onnx_dir.iterdir()) == [f".{fingerprint}.lock", fingerprint]


# ------------------------------------------------------------------ factory and fallback


def test_get_embedder_is_cached(exported, onnx_embedder):
    assert E.get_embedder(exported) is onnx_embedder
    assert E.ensure_embedder(exported) is onnx_embedder


@pytest.mark.slow
def test_fallback_to_sentence_transformers_without_export(tmp_path, caplog, onnx_embedder):
    settings = Settings(data_dir=tmp_path / "empty", embedding_backend="onnx")
    assert E.onnx_export_dir(settings) is None
    with caplog.at_level(logging.WARNING, logger="chains.embeddings"):
        embedder = E.get_embedder(settings)
    assert isinstance(embedder, E.SentenceTransformerEmbedder)
    assert any("falling back to sentence-transformers" in r.getMessage() for r in caplog.records)
    vectors = embedder.embed(["fallback works", "still normalised"])
    assert vectors.shape == (2, DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(embedder.embed_query("fallback works") @ onnx_embedder.embed_query("fallback works")) >= 0.9999
    assert E.get_embedder(settings) is embedder  # cached; no export was attempted
    assert not settings.onnx_dir.exists()


def test_unknown_backend_is_refused(exported):
    settings = exported.model_copy(update={"embedding_backend": "word2vec"})
    with pytest.raises(ValueError):
        E.get_embedder(settings)


# ------------------------------------------------------------------ the audit's quick models


@pytest.mark.slow  # about 10 s: exports the int8 model and the word-piece table
def test_audit_models_are_made_once_without_torch_and_agree_with_the_full_model(exported, onnx_embedder):
    result = _run_python(
        f"""
        import json, sys
        import numpy as np
        from chains.settings import Settings
        from chains.model_export import export_audit_models
        from chains.embeddings import OnnxEmbedder
        folder = export_audit_models(Settings(data_dir={str(exported.data_dir)!r}))
        table = np.load(folder / "tokens.npy")
        quick = OnnxEmbedder(folder / "int8").embed({SENTENCES!r})
        print(json.dumps({{"torch": "torch" in sys.modules, "table": list(table.shape), "quick": quick.tolist()}}))
        """
    )
    assert result["torch"] is False
    vocabulary = onnx_embedder.tokenizer.get_vocab_size()
    assert result["table"] == [vocabulary, DIM]
    cosines = np.sum(np.asarray(result["quick"], dtype=np.float32) * onnx_embedder.embed(SENTENCES), axis=1)
    assert cosines.min() > 0.95, cosines  # int8 weights: close to, not equal to, the float32 model
    folder = M.audit_models_dir(exported)
    before = (folder / "tokens.npy").stat().st_mtime_ns
    assert M.export_audit_models(exported) == folder and (folder / "tokens.npy").stat().st_mtime_ns == before
