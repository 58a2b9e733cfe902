"""Near-duplicate inputs: pairs whose MiniLM sentence embeddings have a cosine at or above a threshold.

Up to EXACT_UP_TO distinct inputs, every input is embedded with the full model and every pair compared. Beyond
that, embedding every input with MiniLM is what makes an audit slow (about 300 inputs a second on two cores), so
the search narrows the inputs down in three steps, each cheap enough to run on everything the step before kept:

1. A static embedding fitted to the file: each word piece has one vector (MiniLM's output for that piece alone,
   as model2vec distils a static model), corrected by ridge regression so that the mean of a text's piece vectors
   comes close to MiniLM's embedding of it, on a sample of SAMPLE inputs embedded with the int8 model. Every input
   is embedded this way in a few seconds; inputs in no pair at STATIC_COSINE or more are dropped.
2. The int8 model (chains.model_export) embeds the inputs left. Pairs at QUICK_SURE or more are near-duplicates;
   pairs below QUICK_FLOOR are not; the int8 cosines are within about 0.01 of the full model's.
3. The full model embeds the inputs of the pairs in between and decides them at the threshold itself.

bench/bench_audit.py measures the recall of this search against comparing every pair with the full model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

log = logging.getLogger(__name__)

__all__ = ["EXACT_UP_TO", "NearDuplicates", "OutOfTime", "SearchModels", "row_pairs", "similar_inputs", "similar_pairs"]

PAIRS_SHOWN = 20
EMBED_CHUNK = 2048  # texts per embed() call: bounds the embedder's working memory and paces the progress
EXACT_UP_TO = 2000
SAMPLE = 2000
RIDGE = 0.003
STATIC_COSINE = 0.90
QUICK_FLOOR, QUICK_SURE = 0.935, 0.945

Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]  # (i, j, cosine) with i < j


class NearDuplicates(TypedDict):
    """How many pairs of clean rows have near-identical inputs, and the first PAIRS_SHOWN as [row, row, cosine]."""

    count: int
    pairs: list[list[float]]


class OutOfTime(Exception):
    """The search would run past its deadline."""


@dataclass
class SearchModels:
    """What the search embeds with: the full model, and for large sets the int8 model and the word-piece table."""

    full: Any
    quick: Any = None
    tokens: np.ndarray | None = None

    @classmethod
    def load(cls, settings: Any, inputs: int) -> SearchModels:
        """The packaged model's exports for a search over this many inputs, made first where missing (the ONNX
        export needs torch once; the int8 copy and the word-piece table take about ten seconds, once)."""
        from chains.embeddings import OnnxEmbedder, ensure_embedder

        full = ensure_embedder(settings)
        if inputs <= EXACT_UP_TO:
            return cls(full=full)
        from chains.model_export import QUICK_DIR, TOKEN_TABLE, export_audit_models

        folder = export_audit_models(settings)
        return cls(full=full, quick=OnnxEmbedder(folder / QUICK_DIR), tokens=np.load(folder / TOKEN_TABLE))


@dataclass
class SearchStats:
    """How many inputs each step embedded, for the benchmark and the log."""

    inputs: int = 0
    static: int = 0
    quick: int = 0
    full: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


# --- comparing vectors ----------------------------------------------------------------------------------
_BRUTE_FORCE_MAX = 6000  # below this many vectors every pair is compared: exact and quick
_LSH_BITS, _LSH_TABLES = 20, 80
_BLOCK = 2048


def _all_pairs(vectors: np.ndarray, threshold: float) -> Pairs:
    """Every pair compared, in blocks of 2048 x 2048 so memory stays at 16 MB whatever n is."""
    n = len(vectors)
    found_i, found_j, found_c = [], [], []
    for a in range(0, n, _BLOCK):
        left = vectors[a : a + _BLOCK]
        for b in range(a, n, _BLOCK):
            sims = left @ vectors[b : b + _BLOCK].T
            ii, jj = np.nonzero(sims >= threshold)
            if a == b:
                keep = jj > ii
                ii, jj = ii[keep], jj[keep]
            found_i.append(ii + a)
            found_j.append(jj + b)
            found_c.append(sims[ii, jj])
    return _joined(found_i, found_j, found_c)


def _joined(i_parts, j_parts, c_parts) -> Pairs:
    if not i_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
    return (
        np.concatenate(i_parts).astype(np.int64),
        np.concatenate(j_parts).astype(np.int64),
        np.concatenate(c_parts).astype(np.float32),
    )


def _bucket_tables(vectors: np.ndarray, seed: int, bits: int = _LSH_BITS):
    """LSH keys (tables x n) and, per table, the order, starts and sizes of its buckets of two or more."""
    n, dim = vectors.shape
    planes = np.random.default_rng(seed).standard_normal((dim, _LSH_TABLES * bits)).astype(np.float32)
    weights = (1 << np.arange(bits)).astype(np.float32)  # sums of these are exact in float32
    mean = vectors.mean(axis=0)
    keys = np.empty((_LSH_TABLES, n), dtype=np.int32)
    for lo in range(0, n, 8192):
        signs = ((vectors[lo : lo + 8192] - mean) @ planes > 0).astype(np.float32)
        keys[:, lo : lo + 8192] = (signs.reshape(-1, _LSH_TABLES, bits) @ weights).T
    tables = []
    for t in range(_LSH_TABLES):
        order = np.argsort(keys[t], kind="stable").astype(np.int32)  # stable: i < j within a bucket
        sorted_keys = keys[t][order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, n])
        crowded = sizes >= 2
        tables.append((order, starts[crowded], sizes[crowded]))
    return keys, tables


def _bucket_pairs(
    vectors: np.ndarray, keys: np.ndarray | None, t: int, order, starts, sizes, threshold: float, done: np.ndarray | None = None
):
    """The pairs at or above threshold within table t's buckets, less those a lower table already shared
    (unless keys is None: then a pair comes once per table it shares). Buckets whose members are all done
    are skipped."""
    dim = vectors.shape[1]
    for size in np.unique(sizes):
        size = int(size)
        members = order[starts[sizes == size][:, None] + np.arange(size)]  # (buckets, size) vector indices
        if done is not None:
            members = members[~done[members].all(axis=1)]
        upper_i, upper_j = np.triu_indices(size, 1)
        step = max(1, (1 << 23) // (size * dim))  # about 32 MB of gathered vectors at a time
        for lo in range(0, len(members), step):
            group = members[lo : lo + step]
            gathered = vectors[group]
            # einsum is quicker for small buckets, a batched matrix product for larger ones
            sims = (
                np.einsum("bsd,btd->bst", gathered, gathered) if size <= 8 else np.matmul(gathered, gathered.transpose(0, 2, 1))
            )[:, upper_i, upper_j]
            b, p = np.nonzero(sims >= threshold)
            if not len(b):
                continue
            i, j, c = group[b, upper_i[p]], group[b, upper_j[p]], sims[b, p]
            if t and keys is not None:
                fresh = ~(keys[:t, i] == keys[:t, j]).any(axis=0)
                i, j, c = i[fresh], j[fresh], c[fresh]
            yield i, j, c


def similar_pairs(vectors: np.ndarray, threshold: float, *, seed: int = 0) -> Pairs:
    """Index pairs (i < j) of L2-normalised rows whose cosine is at least threshold, with their cosines.

    Up to 6,000 vectors: every pair, by blocked matrix products (exact). Beyond that, comparing all pairs grows
    as n^2, so candidates come from random-hyperplane LSH: 80 tables of 20 sign bits over the mean-centred
    vectors (sentence embeddings share a common direction that would otherwise crowd them into a few buckets).
    Rows sharing a bucket in any table are compared exactly, a whole bucket at a time; a pair already met in an
    earlier table is skipped, so each is reported once. Measured on 89,164 all-MiniLM-L6-v2 embeddings of
    generated support tickets (102,728 pairs at 0.95 or more): 44 pairs missed (0.04%), all under 0.967, in
    about 15 CPU-seconds against 65 for comparing every pair. When the buckets are so crowded that their
    products would cost more than comparing everything, every pair is compared instead.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n < 2:
        return _joined([], [], [])
    if n <= _BRUTE_FORCE_MAX:
        return _all_pairs(vectors, threshold)
    keys, tables = _bucket_tables(vectors, seed)
    work = sum(int((sizes.astype(np.int64) ** 2).sum()) for _, _, sizes in tables)
    # Measured here: a bucket product costs ~30 ns per element of its s x s result, comparing everything ~9 ns
    # per pair of n^2; past n^2 / 4 bucket elements the exhaustive comparison is the quicker.
    if work > n * n // 4:
        log.info("LSH buckets too crowded (%d products for %d vectors): comparing every pair", work, n)
        return _all_pairs(vectors, threshold)
    found = [
        part
        for t, (order, starts, sizes) in enumerate(tables)
        for part in _bucket_pairs(vectors, keys, t, order, starts, sizes, threshold)
    ]
    return _joined(*zip(*found, strict=True)) if found else _joined([], [], [])


def paired(vectors: np.ndarray, threshold: float) -> np.ndarray:
    """The indices of the vectors in at least one pair at or above threshold (as similar_pairs finds them)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) <= _BRUTE_FORCE_MAX:
        return _texts_in(similar_pairs(vectors, threshold))
    # 16 bits, not 20: a pair at a cosine of 0.90 shares a bucket in at least one of the 80 tables with a
    # probability of 0.999 (0.975 with 20 bits); measured on 94,713 static vectors, 2% more inputs kept.
    _, tables = _bucket_tables(vectors, 0, bits=16)
    found = np.zeros(len(vectors), dtype=bool)
    for t, (order, starts, sizes) in enumerate(tables):
        # A bucket of inputs already known to have a neighbour can only tell what is known: skip it.
        for i, j, _ in _bucket_pairs(vectors, None, t, order, starts, sizes, threshold, done=found):
            found[i] = found[j] = True
    return np.flatnonzero(found)


# --- embedding ------------------------------------------------------------------------------------------
def embed(
    embedder: Any, texts: list[str], progress: Callable[[int], None] | None = None, deadline: float | None = None
) -> np.ndarray:
    """Embed texts in chunks of similar length (less padding in each batch), back in their own order, normalised.

    progress(k) is told after each chunk how many texts are done; past the deadline (time.perf_counter()) the
    next chunk is not started and OutOfTime is raised.
    """
    order = np.argsort(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), kind="stable")
    out: np.ndarray | None = None
    for start in range(0, len(texts), EMBED_CHUNK):
        if deadline is not None and time.perf_counter() > deadline:
            raise OutOfTime
        index = order[start : start + EMBED_CHUNK]
        vectors = np.asarray(embedder.embed([texts[i] for i in index]), dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(index):
            raise ValueError(f"embedder returned shape {vectors.shape} for {len(index)} texts")
        if out is None:
            out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        out[index] = vectors
        if progress is not None:
            progress(start + len(index))
    if out is None:
        return np.empty((0, 1), dtype=np.float32)
    out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
    return out


def _piece_matrix(tokenizer: Any, texts: list[str], vocabulary: int):
    """Sparse (texts x word pieces) matrix of each text's piece frequencies (rows sum to 1)."""
    import scipy.sparse as sp

    ids, lengths = [], []
    for lo in range(0, len(texts), 8192):
        for encoding in tokenizer.encode_batch(texts[lo : lo + 8192], add_special_tokens=True):
            ids.append(np.asarray(encoding.ids, dtype=np.int32))
            lengths.append(len(encoding.ids))
    counts = np.asarray(lengths, dtype=np.int64)
    rows = np.repeat(np.arange(len(texts)), counts)
    weights = np.repeat(1.0 / np.maximum(counts, 1), counts).astype(np.float32)
    return sp.csr_matrix((weights, (rows, np.concatenate(ids))), shape=(len(texts), vocabulary))


def static_vectors(
    tokenizer: Any, table: np.ndarray, texts: list[str], sample: np.ndarray, sample_vectors: np.ndarray
) -> np.ndarray:
    """Each text as the mean of its word-piece vectors, the pieces corrected to fit the sample's embeddings.

    The correction is ridge regression solved in its dual form (a sample x sample system), so it costs the
    same whatever the vocabulary; pieces the sample never uses keep their distilled vector.
    """
    pieces = _piece_matrix(tokenizer, texts, len(table))
    tokens = np.array(table, dtype=np.float32)
    in_sample = pieces[sample]
    residual = sample_vectors.astype(np.float64) - in_sample @ tokens
    gram = (in_sample @ in_sample.T).toarray()
    gram[np.diag_indices_from(gram)] += RIDGE
    tokens += (in_sample.T @ np.linalg.solve(gram, residual)).astype(np.float32)
    vectors = np.asarray(pieces @ tokens, dtype=np.float32)
    vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
    return vectors


# --- the search -----------------------------------------------------------------------------------------
def _texts_in(pairs: Pairs) -> np.ndarray:
    return np.unique(np.r_[pairs[0], pairs[1]])


def _narrow(
    models: SearchModels,
    tokens: np.ndarray,
    texts: list[str],
    threshold: float,
    stats: SearchStats,
    step: Callable[[str, int, int], None],
    deadline: float | None,
) -> Pairs:
    """The three steps of the module docstring, for more than EXACT_UP_TO texts."""
    n = len(texts)
    quick = models.quick or models.full
    sample = np.sort(np.random.default_rng(0).choice(n, SAMPLE, replace=False))
    started = time.perf_counter()
    fitted = embed(quick, [texts[i] for i in sample], lambda k: step("sample", k, SAMPLE), deadline)
    vectors = static_vectors(quick.tokenizer, tokens, texts, sample, fitted)
    kept = paired(vectors, STATIC_COSINE)
    del vectors
    stats.static, stats.seconds["static"] = n, time.perf_counter() - started
    started = time.perf_counter()
    vectors = embed(quick, [texts[i] for i in kept], lambda k: step("quick", k, len(kept)), deadline)
    floor = QUICK_FLOOR if models.quick is not None else threshold
    i, j, c = similar_pairs(vectors, floor)
    stats.quick, stats.seconds["quick"] = len(kept), time.perf_counter() - started
    sure = c >= (QUICK_SURE if models.quick is not None else threshold)
    i, j = kept[i], kept[j]
    if sure.all():
        return i, j, c
    started = time.perf_counter()
    unsure = (i[~sure], j[~sure])
    again = _texts_in((*unsure, c[~sure]))
    full = embed(models.full, [texts[k] for k in again], lambda k: step("full", k, len(again)), deadline)
    where = np.searchsorted(again, np.r_[unsure[0], unsure[1]]).reshape(2, -1)
    cosine = np.einsum("nd,nd->n", full[where[0]], full[where[1]])
    near = cosine >= threshold
    stats.full, stats.seconds["full"] = len(again), time.perf_counter() - started
    return (np.r_[i[sure], unsure[0][near]], np.r_[j[sure], unsure[1][near]], np.r_[c[sure], cosine[near]].astype(np.float32))


def similar_inputs(
    texts: list[str],
    threshold: float,
    models: SearchModels,
    *,
    progress: Callable[[str, float], None] | None = None,
    deadline: float | None = None,
) -> tuple[Pairs, SearchStats]:
    """Pairs of texts (i < j) whose full-model cosine is at least threshold, as far as the search finds them.

    progress(label, fraction) is told how far the search has got. Raises OutOfTime past the deadline.
    """
    stats = SearchStats(inputs=len(texts))
    shares = {"sample": (0.0, 0.1), "quick": (0.1, 0.8), "full": (0.8, 1.0), "all": (0.0, 1.0)}

    def step(stage: str, done: int, total: int) -> None:
        if progress is not None and total:
            lo, hi = shares[stage]
            progress("Looking for near-duplicates", lo + (hi - lo) * done / total)

    if len(texts) < 2:
        return _joined([], [], []), stats
    if len(texts) <= EXACT_UP_TO or models.tokens is None or not hasattr(models.quick or models.full, "tokenizer"):
        started = time.perf_counter()
        vectors = embed(models.full, texts, lambda k: step("all", k, len(texts)), deadline)
        stats.full, stats.seconds["full"] = len(texts), time.perf_counter() - started
        pairs = similar_pairs(vectors, threshold)
    else:
        pairs = _narrow(models, models.tokens, texts, threshold, stats, step, deadline)
    order = np.lexsort((pairs[1], pairs[0]))
    return (pairs[0][order], pairs[1][order], pairs[2][order]), stats


def row_pairs(uid: np.ndarray, rows: np.ndarray, pairs: Pairs) -> tuple[int, list[list[float]]]:
    """Pairs of unique inputs -> pairs of rows: how many, and the first PAIRS_SHOWN in row order.

    Rows sharing one input (same input, different output) pair with each other at cosine 1.0.
    """
    order = np.argsort(uid, kind="stable")
    counts = np.bincount(uid, minlength=int(uid.max()) + 1 if len(uid) else 0)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    members = lambda u: rows[order[starts[u] : starts[u] + min(counts[u], PAIRS_SHOWN + 1)]]  # noqa: E731
    pi, pj, pc = pairs
    total = int((counts * (counts - 1) // 2).sum()) + int((counts[pi] * counts[pj]).sum())
    # Sources of row pairs: a group of rows sharing one input, or a pair of similar inputs; each yields its
    # smallest row pair first. A row pair belongs to one source only, so the first 20 pairs overall come from
    # the 20 sources with the smallest first pairs, each contributing at most its own first 20 x 20 rows.
    multi = np.flatnonzero(counts >= 2)
    g_a, g_b = rows[order[starts[multi]]], rows[order[starts[multi] + 1]]
    sources = [(int(g_a[k]), int(g_b[k]), int(multi[k]), -1, 1.0) for k in np.lexsort((g_b, g_a))[:PAIRS_SHOWN]]
    first = rows[order[starts]]
    a, b = first[pi], first[pj]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    sources += [(int(lo[k]), int(hi[k]), int(pi[k]), int(pj[k]), float(pc[k])) for k in np.lexsort((hi, lo))[:PAIRS_SHOWN]]
    sources.sort()
    shown: list[tuple[int, int, float]] = []
    for key_a, key_b, u, v, cosine in sources:
        if len(shown) >= PAIRS_SHOWN and (key_a, key_b) > shown[PAIRS_SHOWN - 1][:2]:
            break
        ru = members(u).tolist()
        if v < 0:
            shown += [(x, y, 1.0) for k, x in enumerate(ru) for y in ru[k + 1 :]]
        else:
            shown += [(min(x, y), max(x, y), cosine) for x in ru for y in members(v).tolist()]
        shown.sort()
        del shown[PAIRS_SHOWN:]
    return total, [[x, y, round(c, 4)] for x, y, c in shown]
