"""Cross-validate retrieval choices across question writers, on the tuning half only (the held-out half is not read).

    .venv/bin/python bench/cv_retrieval.py [--learned]

The folds are the question files: each was written by different people, so a choice that wins on three files and
also wins on the fourth generalises to new writers rather than to the questions that inspired it. For each
candidate (how name and question cosines are pooled, the fusion weights, how BM25 is normalised) it prints the
hit@1 on every fold and the leave-one-file-out figure: the candidate chosen on three files, scored on the fourth.

The owners' questions filed in knowledge/owner-questions.yaml are left out of the evidence here (they are the tuning
half itself); --learned adds the other files' questions back, as the served search does for a new writer.

--learned instead compares sets of evidence for the fitted fusion (bench/fusion_fit.py): for each held file the
weights are fitted on the other files and scored on it. The last line adds the other files' questions to each
concept's own as examples, to see whether more writers' questions would help new ones.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chains import scorecard
from chains.glossary import NAME, QUESTION, SECTION
from chains.retrieval import WEIGHTS


@dataclass(frozen=True)
class Candidate:
    section: float = WEIGHTS.section  # the defaults are the served ranking ("current")
    name: float = WEIGHTS.name
    question: float = WEIGHTS.question
    lexical: float = WEIGHTS.lexical
    name_k: int = 2  # names' cosines pooled as the mean of the k best
    question_k: int = 2
    lex_norm: str = "top"  # "top": BM25 / best BM25; "squash": BM25 / (BM25 + 3)
    dense_weight: float = 2.0


def _pool(matrix: np.ndarray, groups: list[np.ndarray], k: int) -> np.ndarray:
    """questions x concepts: the mean of the k best cosines of each concept's chunks of one kind."""
    out = np.zeros((matrix.shape[0], len(groups)))
    for j, cols in enumerate(groups):
        if len(cols):
            best = -np.sort(-matrix[:, cols], axis=1)[:, :k]
            out[:, j] = best.mean(axis=1)
    return out


class Evidence:
    """Every tuning question's cosines to every chunk and its BM25 scores, computed once."""

    def __init__(self):
        from chains.knowledge_base import KnowledgeBase
        from chains.settings import Settings

        kb = KnowledgeBase(Settings(llm="off"))
        if not kb.load_dense():
            raise SystemExit(f"dense search unavailable: {kb.load_error}")
        r = kb.retriever
        self.ids = list(kb.concepts)
        stored = r.collection.get(include=["embeddings"])
        keep = [i for i, cid in enumerate(stored["ids"]) if cid in r._chunks]
        vectors = np.asarray([stored["embeddings"][i] for i in keep], dtype=float)
        meta = [r._chunks[stored["ids"][i]] for i in keep]
        self.groups = {
            kind: [np.asarray([n for n, m in enumerate(meta) if m[0] == cid and m[1] == kind], dtype=int) for cid in self.ids]
            for kind in (SECTION, NAME, QUESTION)
        }
        self.items = scorecard.split(scorecard.question_pool())["tune"]
        texts = [r.vocabulary.normalise(item["q"]) for item in self.items]
        queries = np.asarray([r.embedder.embed_query(r.vocabulary.normalise(item["q"], punctuated=True)) for item in self.items])
        self.cos = queries @ vectors.T
        self.alike = queries @ queries.T  # question to question, for other writers' questions as examples
        self.bm25 = np.zeros((len(texts), len(self.ids)))
        for row, text in enumerate(texts):
            for cid, value in r.lexical.search(text, len(self.ids)):
                self.bm25[row, self.ids.index(cid)] = value
        self.target = np.asarray([self.ids.index(item["id"]) for item in self.items])
        self.sources = np.asarray([item["source"] for item in self.items])
        self._pooled: dict = {}

    def pooled(self, kind: str, k: int) -> np.ndarray:
        if (kind, k) not in self._pooled:
            self._pooled[(kind, k)] = _pool(self.cos, self.groups[kind], k)
        return self._pooled[(kind, k)]

    def ranks(self, c: Candidate) -> np.ndarray:
        """The 0-based rank of the right concept for every question under candidate c."""
        total = c.section + c.name + c.question
        dense = (
            c.section * self.pooled(SECTION, 1)
            + c.name * self.pooled(NAME, c.name_k)
            + c.question * self.pooled(QUESTION, c.question_k)
        ) / (total or 1.0)
        if c.lex_norm == "top":
            top = self.bm25.max(axis=1, keepdims=True)
            lex = np.divide(self.bm25, top, out=np.zeros_like(self.bm25), where=top > 0)
        else:
            lex = self.bm25 / (self.bm25 + 3.0)
        fused = c.dense_weight * dense + c.lexical * lex
        right = fused[np.arange(len(fused)), self.target][:, None]
        return (fused > right).sum(axis=1)


def per_fold(ev: Evidence, c: Candidate) -> dict[str, float]:
    r = ev.ranks(c)
    return {s: float((r[ev.sources == s] == 0).mean()) for s in scorecard.QUESTION_FILES}


def per_fold_mrr(ev: Evidence, c: Candidate) -> dict[str, float]:
    r = ev.ranks(c)
    return {s: float((1.0 / (r[ev.sources == s] + 1)).mean()) for s in scorecard.QUESTION_FILES}


def leave_one_out(ev: Evidence, grid: list[Candidate]) -> tuple[float, dict[str, Candidate]]:
    """Mean over files of: the candidate best on the other files (by hit@1, then MRR), scored on this one."""
    table = {}
    for c in grid:
        r = ev.ranks(c)
        table[c] = {
            s: ((r[ev.sources == s] == 0).mean(), (1.0 / (r[ev.sources == s] + 1)).mean()) for s in scorecard.QUESTION_FILES
        }
    chosen, total = {}, 0.0
    for s in scorecard.QUESTION_FILES:
        others = [o for o in scorecard.QUESTION_FILES if o != s]
        best = max(grid, key=lambda c: (sum(table[c][o][0] for o in others), sum(table[c][o][1] for o in others)))
        chosen[s] = best
        total += table[best][s][0]
    return total / len(scorecard.QUESTION_FILES), chosen


def show(ev: Evidence, label: str, c: Candidate) -> None:
    folds = per_fold(ev, c)
    r = ev.ranks(c)
    mean, mrr = float((r == 0).mean()), float((1.0 / (r + 1)).mean())
    print(
        f"{label:<34} hit@1 {mean:.3f} MRR {mrr:.3f} | "
        + " ".join(
            f"{s.split('.')[0][10:] or 'first'} {v:.3f}/{m:.3f}"
            for (s, v), m in zip(folds.items(), per_fold_mrr(ev, c).values(), strict=True)
        )
    )


def _reciprocal_rank(m: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + (-m).argsort(axis=1).argsort(axis=1))


def _with_examples(ev: Evidence, held: str) -> np.ndarray:
    """The question evidence (mean of the two best) with the other files' questions among each concept's own."""
    out = np.zeros((len(ev.items), len(ev.ids)))
    for j, own in enumerate(ev.groups[QUESTION]):
        examples = np.where((ev.sources != held) & (ev.target == j))[0]
        cos = np.concatenate([ev.cos[:, own], ev.alike[:, examples]], axis=1)
        cos[examples, len(own) + np.arange(len(examples))] = -1.0  # no question is its own example
        out[:, j] = -np.sort(-cos, axis=1)[:, :2].mean(axis=1)
    return out


def learned(ev: Evidence) -> None:
    """Leave-one-file-out hit@1 of the fitted fusion over several sets of evidence."""
    from bench import fusion_fit

    top = ev.bm25.max(axis=1, keepdims=True)
    pieces = {
        "section": ev.pooled(SECTION, 1),
        "section top-2": ev.pooled(SECTION, 2),
        "name top-2": ev.pooled(NAME, 2),
        "name best": ev.pooled(NAME, 1),
        "question top-2": ev.pooled(QUESTION, 2),
        "question best": ev.pooled(QUESTION, 1),
        "bm25 share": np.divide(ev.bm25, top, out=np.zeros_like(ev.bm25), where=top > 0),
        "bm25 squashed": ev.bm25 / (ev.bm25 + 3.0),
        "bm25 rank": np.where(ev.bm25 > 0, _reciprocal_rank(ev.bm25), 0.0),
        "question rank": _reciprocal_rank(ev.pooled(QUESTION, 2)),
    }
    base = ["section", "name top-2", "question top-2", "bm25 share"]
    sets = {
        "the four served": base,
        "+ best name and question": [*base, "name best", "question best"],
        "+ sections' top-2": [*base, "section top-2"],
        "+ bm25 squashed": [*base, "bm25 squashed"],
        "+ bm25 and question ranks": [*base, "bm25 rank", "question rank"],
    }
    for label, names in [*sets.items(), ("the four, other files' questions as examples", base)]:
        positions = np.zeros(len(ev.items), dtype=int)
        for held in scorecard.QUESTION_FILES:
            chosen = dict(pieces)
            if label.endswith("examples"):
                chosen["question top-2"] = _with_examples(ev, held)
            x = np.stack([chosen[n] for n in names], axis=2)
            coef = fusion_fit.fit(x[ev.sources != held], ev.target[ev.sources != held])
            scores = x[ev.sources == held] @ coef
            right = scores[np.arange(len(scores)), ev.target[ev.sources == held]][:, None]
            positions[ev.sources == held] = (scores > right).sum(axis=1)
        per = " ".join(f"{(positions[ev.sources == s] == 0).mean():.3f}" for s in scorecard.QUESTION_FILES)
        print(f"{label:<46} hit@1 {(positions == 0).mean():.3f} hit@3 {(positions < 3).mean():.3f} | by file {per}")


def main(argv: list[str]) -> int:
    ev = Evidence()
    if "--learned" in argv:
        learned(ev)
        return 0
    base = Candidate()
    show(ev, "current", base)
    for k in (1, 2, 3, 4):
        show(ev, f"question_k={k}", Candidate(question_k=k))
        show(ev, f"name_k={k}", Candidate(name_k=k))
    show(ev, "lexical squashed", Candidate(lex_norm="squash", lexical=1.0))
    grid = [
        Candidate(s, n, q, lx, nk, qk, norm)
        for s, n, q, lx, nk, qk, norm in itertools.product(
            (0.0, 0.25, 0.5, 1.0),
            (0.0, 0.25, 0.5),
            (0.5, 1.0, 1.5),
            (0.1, 0.25, 0.5, 0.75),
            (1, 2, 3),
            (1, 2, 3),
            ("top", "squash"),
        )
    ]
    cv, chosen = leave_one_out(ev, grid)
    base_cv = sum(per_fold(ev, base).values()) / len(scorecard.QUESTION_FILES)
    # The current weights were fitted on every file, so their figure is not one on unseen files
    # (bench/tune_retrieval.py --fit prints their leave-one-file-out figure).
    print(f"leave-one-file-out hit@1: grid {cv:.3f} vs current, fitted on all files, {base_cv:.3f}")
    for s, c in chosen.items():
        print(f"  held {s}: chose {c}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
