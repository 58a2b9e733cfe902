"""Choose the retrieval fusion weights by cross-validation on the tuning half only (the held-out half is not read).

    .venv/bin/python bench/tune_retrieval.py [--misses] [--fit] [--examples]

The evidence for each tuning question (cosines per chunk kind and BM25) is computed once; every weight setting on
the grid is then scored by mean reciprocal rank in 5-fold cross-validation: the best setting on four folds is scored
on the fifth. The printed cross-validated figure estimates how the chosen weights do on questions they were not
chosen on; the weights printed last are the best on the whole tuning half.

--fit instead fits the four weights as a conditional logit (bench/fusion_fit.py): the chance of each concept is a
softmax over concepts of the weighted evidence, and the weights maximise the right concepts' likelihood. It prints
the fitted weights' figures in 5-fold and leave-one-file-out cross-validation beside the grid's, then the weights
fitted on the whole tuning half, for chains.retrieval.WEIGHTS.

Every question's evidence is gathered with its own file's owner questions withheld (knowledge/owner-questions.yaml
files the tuning half under its entries), so the weights are chosen for a writer whose questions were never filed.

--examples writes knowledge/owner-questions.yaml afresh from the tuning half (run `pitchcheck index` after it).
"""

from __future__ import annotations

import hashlib
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chains import scorecard
from chains.retrieval import WEIGHTS, Weights, rank

GRID = {
    "section": (0.0, 0.5, 1.0),
    "name": (0.0, 0.25, 0.5, 1.0),
    "question": (0.0, 0.5, 1.0, 1.5, 2.0),
    "lexical": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5),
}
FOLDS = 5


def _fold(question: str) -> int:
    return int(hashlib.sha256(f"fold|{question}".encode()).hexdigest(), 16) % FOLDS


def _positions(kb, evidence, items, weights: Weights) -> list[int]:
    """The 0-based rank of each question's right concept (10 when it is not in the top ten)."""
    out = []
    for item in items:
        dense, lexical = evidence[item["q"]]
        ids = [h.concept for h in rank(kb.concepts, dense, lexical, weights, kb.settings.dense_weight, 10)]
        out.append(ids.index(item["id"]) if item["id"] in ids else 10)
    return out


def _mrr(kb, evidence, items, weights: Weights) -> tuple[float, float]:
    positions = _positions(kb, evidence, items, weights)
    n = max(len(items), 1)
    return sum(1.0 / (p + 1) for p in positions) / n, sum(p == 0 for p in positions) / n


def _line(label: str, positions: list[int]) -> str:
    n = max(len(positions), 1)
    hit1, hit3 = sum(p == 0 for p in positions) / n, sum(p < 3 for p in positions) / n
    return f"{label:<44} hit@1 {hit1:.3f}, hit@3 {hit3:.3f}, MRR {sum(1.0 / (p + 1) for p in positions) / n:.3f}"


def _unseen(kb, evidence, tune, groups: list, chosen: dict) -> list[int]:
    """Each question ranked by the weights chosen without its group."""
    return [_positions(kb, evidence, [item], chosen[g])[0] for item, g in zip(tune, groups, strict=True)]


def fitted(kb, evidence, tune, table, grid) -> None:
    """The conditional-logit weights beside the grid's, each judged on folds and files it was not chosen on."""
    from bench import fusion_fit

    ids = list(kb.concepts)
    x = np.stack([fusion_fit.features(ids, *evidence[item["q"]]) for item in tune])
    target = np.asarray([ids.index(item["id"]) for item in tune])
    folds = [_fold(item["q"]) for item in tune]
    files = [item["source"] for item in tune]
    weight = kb.settings.dense_weight
    print(_line(f"current {WEIGHTS}", _positions(kb, evidence, tune, WEIGHTS)))
    grid_folds = {f: max(grid, key=lambda w: sum(table[w][g][0] for g in range(FOLDS) if g != f)) for f in range(FOLDS)}
    print(_line("grid, 5-fold", _unseen(kb, evidence, tune, folds, grid_folds)))
    print(_line("fitted, 5-fold", _unseen(kb, evidence, tune, folds, fusion_fit.fitted_without(x, target, folds, weight))))
    by_file = {name: [i for i, f in enumerate(files) if f == name] for name in scorecard.QUESTION_FILES}
    grid_files = {
        name: max(grid, key=lambda w: _mrr(kb, evidence, [tune[i] for i in range(len(tune)) if i not in rows], w))
        for name, rows in ((n, set(r)) for n, r in by_file.items())
    }
    for label, chosen in (("grid", grid_files), ("fitted", fusion_fit.fitted_without(x, target, files, weight))):
        positions = _unseen(kb, evidence, tune, files, chosen)
        print(_line(f"{label}, leave-one-file-out", positions))
        for name, rows in by_file.items():
            print("   " + _line(name, [positions[i] for i in rows]))
    final = fusion_fit.as_weights(fusion_fit.fit(x, target), weight)
    print(_line(f"fitted on the whole tuning half: {final}", _positions(kb, evidence, tune, final)))


HEADER = """\
# Questions in owners' own words, each filed under the glossary entry that answers it. They are the tuning half
# of the question pool in tests/data (chains.scorecard), written by people who had not read the glossary, and are
# searched as more questions of their entry. The held-out half is never filed here. Regenerate after the pool
# changes:  .venv/bin/python bench/tune_retrieval.py --examples
"""


def write_examples() -> int:
    import yaml

    from chains.glossary import OWNER_QUESTIONS
    from chains.settings import Settings

    filed = scorecard.owner_questions()
    path = Settings().knowledge_dir / OWNER_QUESTIONS
    body = yaml.safe_dump(filed, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(HEADER + body, encoding="utf-8")
    print(f"{path}: {sum(map(len, filed.values()))} questions under {len(filed)} entries")
    return 0


def main(argv: list[str]) -> int:
    from chains.knowledge_base import KnowledgeBase
    from chains.settings import Settings

    if "--examples" in argv:
        return write_examples()
    kb = KnowledgeBase(Settings(llm="off"))
    if not kb.load_dense():
        print(f"dense search unavailable: {kb.load_error}")
        return 1
    tune = scorecard.split(scorecard.question_pool())["tune"]
    found = scorecard.as_new_writer(kb.retriever, tune, lambda item: kb.retriever.evidence(item["q"]))
    evidence = dict(zip((item["q"] for item in tune), found, strict=True))
    grid = [Weights(*values) for values in itertools.product(*GRID.values())]
    table = {w: {f: _mrr(kb, evidence, [i for i in tune if _fold(i["q"]) == f], w) for f in range(FOLDS)} for w in grid}
    if "--fit" in argv:
        fitted(kb, evidence, tune, table, grid)
        return 0

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
