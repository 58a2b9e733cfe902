"""The retrieval question pool split into a tuning half and a held-out half, and the figures scored on them.

The pool is every lay question in tests/data (the first set and nine written blind, without the glossary in view).
Each question's half is fixed by a hash of its own words and a seed, so adding questions moves no others and
nobody can choose which questions are held out. A question whose id is "none" belongs to no entry: it joins the
off-topic questions, which should all be answered "not found".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal, TypedDict, TypeVar

import yaml

from .settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data"
QUESTION_FILES = (
    "questions.yaml",
    "questions_lay.yaml",
    "questions_third.yaml",
    "questions_fourth.yaml",
    "questions_fifth.yaml",
    "questions_sixth.yaml",
    "questions_seventh.yaml",
    "questions_eighth.yaml",
    "questions_ninth.yaml",
    "questions_tenth.yaml",
    "questions_eleventh.yaml",
    "questions_twelfth.yaml",
    "questions_thirteenth.yaml",
)
OFFTOPIC_FILES = ("offtopic.yaml", "offtopic_lay.yaml")
SEED = "pitchcheck-retrieval-1"
OFF_TOPIC_ID = "none"  # the id of a question in a question file that no entry answers
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


def _listed(data_dir: Path) -> list[Question]:
    """Every question of every question file, each marked with the file it came from."""
    return [
        {**item, "source": name}
        for name in QUESTION_FILES
        for item in yaml.safe_load((data_dir / name).read_text(encoding="utf-8")) or []
    ]


def question_pool(data_dir: Path = DATA) -> list[Question]:
    """Every question that some entry answers."""
    return [item for item in _listed(data_dir) if item["id"] != OFF_TOPIC_ID]


def split(pool: Iterable[Question]) -> dict[Half, list[Question]]:
    halves: dict[Half, list[Question]] = {"tune": [], "held_out": []}
    for item in pool:
        halves[half_of(item["q"])].append(item)
    return halves


def offtopic_questions(data_dir: Path = DATA) -> list[str]:
    """The off-topic files' questions, then those marked id "none" in the question files."""
    listed = [q for name in OFFTOPIC_FILES for q in yaml.safe_load((data_dir / name).read_text(encoding="utf-8")) or []]
    return listed + [item["q"] for item in _listed(data_dir) if item["id"] == OFF_TOPIC_ID]


def offtopic_halves(data_dir: Path = DATA) -> dict[Half, list[str]]:
    """The off-topic questions split by the same seed: the threshold and the everyday yardstick (chains.background)
    are chosen on the tuning half; the held-out half is only scored."""
    halves: dict[Half, list[str]] = {"tune": [], "held_out": []}
    for question in offtopic_questions(data_dir):
        halves[half_of(question)].append(question)
    return halves


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


def owner_questions(data_dir: Path = DATA) -> dict[str, list[str]]:
    """entry id -> the tuning half's questions for it, in pool order: what knowledge/owner-questions.yaml holds.

    Only the tuning half is filed, so the held-out half stays questions the search has never seen.
    """
    halves = split(question_pool(data_dir))
    held_out = {same_words(item["q"]) for item in halves["held_out"]}
    filed: dict[str, list[str]] = {}
    for item in halves["tune"]:
        if same_words(item["q"]) not in held_out:  # a held-out question's near twin ("fine-tuned" / "fine tuned")
            filed.setdefault(item["id"], []).append(item["q"].strip())
    return {cid: filed[cid] for cid in sorted(filed)}


def same_words(question: str) -> str:
    """The question's words alone, lower-case, without punctuation: twins that differ only in those compare equal."""
    return " ".join(re.findall(r"[a-z0-9]+", question.lower()))


def by_source(questions: Iterable[Question]) -> dict[str, list[str]]:
    """question file -> its questions' texts (to withhold a whole writer's questions while scoring theirs)."""
    out: dict[str, list[str]] = {}
    for item in questions:
        out.setdefault(item["source"], []).append(item["q"])
    return out


T = TypeVar("T")


def as_new_writer(retriever: Any, questions: list[Question], fn: Callable[[Question], T], data_dir: Path = DATA) -> list[T]:
    """fn(question) for each question, searched with every question of its own file withheld from the filed ones.

    That is how a writer whose questions were never filed meets the search: a tuning question is not found through
    itself, nor a held-out one through its writer's other questions. Results come in the order of `questions`.
    """
    filed = by_source(split(question_pool(data_dir))["tune"])
    out: dict[int, T] = {}
    for source in dict.fromkeys(item["source"] for item in questions):
        with retriever.withholding(filed.get(source, [])):
            for n, item in enumerate(questions):
                if item["source"] == source:
                    out[n] = fn(item)
    return [out[n] for n in range(len(questions))]
