"""Choose the retrieval fusion weights by cross-validation on the tuning half only (the held-out half is not read).

    .venv/bin/python bench/tune_retrieval.py [--misses]

The evidence for each tuning question (cosines per chunk kind and BM25) is computed once; every weight setting on
the grid is then scored by mean reciprocal rank in 5-fold cross-validation: the best setting on four folds is scored
on the fifth. The printed cross-validated figure estimates how the chosen weights do on questions they were not
chosen on; the weights printed last are the best on the whole tuning half, for chains.retrieval.WEIGHTS.
"""

from __future__ import annotations

import hashlib
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chains import scorecard
from chains.retrieval import Weights, rank

GRID = {
    "section": (0.0, 0.5, 1.0),
    "name": (0.0, 0.25, 0.5, 1.0),
    "question": (0.0, 0.5, 1.0, 1.5, 2.0),
    "lexical": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5),
}
FOLDS = 5


def _fold(question: str) -> int:
    return int(hashlib.sha256(f"fold|{question}".encode()).hexdigest(), 16) % FOLDS


def _mrr(kb, evidence, items, weights: Weights) -> tuple[float, float]:
    reciprocal = hits = 0.0
    for item in items:
        dense, lexical = evidence[item["q"]]
        ids = [h.concept for h in rank(kb.concepts, dense, lexical, weights, kb.settings.dense_weight, 10)]
        if item["id"] in ids:
            reciprocal += 1.0 / (ids.index(item["id"]) + 1)
            hits += ids[0] == item["id"]
    n = max(len(items), 1)
    return reciprocal / n, hits / n


def main(argv: list[str]) -> int:
    from chains.knowledge_base import KnowledgeBase
    from chains.settings import Settings

    kb = KnowledgeBase(Settings(llm="off"))
    if not kb.load_dense():
        print(f"dense search unavailable: {kb.load_error}")
        return 1
    tune = scorecard.split(scorecard.question_pool())["tune"]
    evidence = {item["q"]: kb.retriever.evidence(item["q"]) for item in tune}
    grid = [Weights(*values) for values in itertools.product(*GRID.values())]
    table = {w: {f: _mrr(kb, evidence, [i for i in tune if _fold(i["q"]) == f], w) for f in range(FOLDS)} for w in grid}

    cv_mrr = cv_hit = 0.0
    for f in range(FOLDS):
        best = max(grid, key=lambda w: sum(table[w][g][0] for g in range(FOLDS) if g != f))
        cv_mrr += table[best][f][0] / FOLDS
        cv_hit += table[best][f][1] / FOLDS
        print(f"fold {f}: chose {best}, fold MRR {table[best][f][0]:.3f}, hit@1 {table[best][f][1]:.3f}")
    print(f"cross-validated on the tuning half: MRR {cv_mrr:.3f}, hit@1 {cv_hit:.3f}")
    final = max(grid, key=lambda w: sum(table[w][g][0] for g in range(FOLDS)))
    mrr, hit = _mrr(kb, evidence, tune, final)
    print(f"best on the whole tuning half: {final}: MRR {mrr:.3f}, hit@1 {hit:.3f}")
    if "--misses" in argv:  # the tuning half only: the held-out half is never looked at here
        for item in tune:
            dense, lexical = evidence[item["q"]]
            ids = [h.concept for h in rank(kb.concepts, dense, lexical, final, kb.settings.dense_weight, 3)]
            if ids[:1] != [item["id"]]:
                print(f"  {item['id']:<26} {item['q']!r} -> {ids}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
