"""The retrieval question pool split into a tuning half and a held-out half, and the figures scored on them.

The pool is every lay question in tests/data (the first set and the one written blind, without the glossary in
view). Each question's half is fixed by a hash of its own words and a seed, so adding questions moves no others and
nobody can choose which questions are held out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal, TypedDict

import yaml

from .settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data"
QUESTION_FILES = ("questions.yaml", "questions_lay.yaml")
OFFTOPIC_FILE = "offtopic.yaml"
SEED = "pitchcheck-retrieval-1"
Half = Literal["tune", "held_out"]


class Question(TypedDict, total=False):
    q: str
    id: str
    family: str
    source: str


class Figures(TypedDict):
    n: int
    hit_at_1: float
    hit_at_3: float
    mrr: float


def half_of(question: str) -> Half:
    """'tune' or 'held_out', from the question's own text."""
    digest = hashlib.sha256(f"{SEED}|{question.strip()}".encode()).hexdigest()
    return "tune" if int(digest, 16) % 2 == 0 else "held_out"


def question_pool(data_dir: Path = DATA) -> list[Question]:
    """Every question of every file, each marked with the file it came from."""
    pool: list[Question] = []
    for name in QUESTION_FILES:
        for item in yaml.safe_load((data_dir / name).read_text(encoding="utf-8")) or []:
            pool.append({**item, "source": name})
    return pool


def split(pool: Iterable[Question]) -> dict[Half, list[Question]]:
    halves: dict[Half, list[Question]] = {"tune": [], "held_out": []}
    for item in pool:
        halves[half_of(item["q"])].append(item)
    return halves


def offtopic_questions(data_dir: Path = DATA) -> list[str]:
    return list(yaml.safe_load((data_dir / OFFTOPIC_FILE).read_text(encoding="utf-8")) or [])


def score(rank: Callable[[str], list[str]], questions: list[Question]) -> Figures:
    """hit@1, hit@3 and mean reciprocal rank of the right concept in rank(question) (best first)."""
    hit1 = hit3 = 0
    reciprocal = 0.0
    for item in questions:
        ids = rank(item["q"])
        if item["id"] in ids:
            position = ids.index(item["id"])
            hit1 += position == 0
            hit3 += position < 3
            reciprocal += 1.0 / (position + 1)
    n = max(len(questions), 1)
    return {"n": len(questions), "hit_at_1": hit1 / n, "hit_at_3": hit3 / n, "mrr": reciprocal / n}
