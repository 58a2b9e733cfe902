"""The fusion weights fitted as a conditional logit over concepts, on tuning-half evidence (bench/tune_retrieval.py --fit).

Each question's fused score of a concept is linear in four pieces of evidence, the same ones chains.retrieval.rank
adds up: the best section cosine, the mean of the two best name cosines, the mean of the two best question cosines
and BM25 divided by the question's best BM25. The chance of a concept is the softmax of those scores over the
glossary; the weights maximise the right concepts' log-likelihood, with a small ridge penalty. The problem is
convex, so the fit has one answer and no grid to choose.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize

from chains.retrieval import Evidence, Weights

RIDGE = 0.01  # on coefficients of order 10: it keeps the fit finite and barely moves it (0 and 0.03 fit the same)


def features(ids: Sequence[str], dense: dict[str, Evidence], lexical: dict[str, float]) -> np.ndarray:
    """concepts x 4: the evidence rank() weighs, in the order of Weights' fields."""
    top = max(lexical.values(), default=0.0)
    rows = []
    for cid in ids:
        ev = dense.get(cid, Evidence())
        rows.append([ev.section, ev.name, ev.question, lexical.get(cid, 0.0) / top if top else 0.0])
    return np.asarray(rows)


def fit(x: np.ndarray, target: np.ndarray, ridge: float = RIDGE) -> np.ndarray:
    """Coefficients maximising sum log softmax(x @ w)[target] - ridge |w|^2; x is questions x concepts x features."""
    rows = np.arange(len(x))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        s = s - s.max(axis=1, keepdims=True)
        norm = np.log(np.exp(s).sum(axis=1))
        p = np.exp(s - norm[:, None])
        value = float((norm - s[rows, target]).sum() + ridge * w @ w)
        grad = np.einsum("qc,qck->k", p, x) - x[rows, target].sum(axis=0) + 2 * ridge * w
        return value, grad

    return minimize(loss, np.zeros(x.shape[2]), jac=True, method="L-BFGS-B").x


def as_weights(coef: np.ndarray, dense_weight: float) -> Weights:
    """Weights whose fused score is the fitted linear score up to a positive factor.

    rank() scores dense_weight x (the dense weights' mean of the cosines) + lexical x BM25 share; with the dense
    weights summing to dense_weight that is exactly the weighted sum, so the coefficients are scaled to that sum.
    """
    section, name, question, lexical = (float(c) * dense_weight / float(coef[:3].sum()) for c in coef)
    return Weights(round(section, 3), round(name, 3), round(question, 3), round(lexical, 3))


def fitted_without(x: np.ndarray, target: np.ndarray, groups: Sequence[object], dense_weight: float) -> dict[object, Weights]:
    """group -> the weights fitted on every other group's questions, to be scored on that group's."""
    labels = np.asarray(groups)
    return {g: as_weights(fit(x[labels != g], target[labels != g]), dense_weight) for g in dict.fromkeys(groups)}
