"""Find the glossary concepts behind a lay question: dense search in Chroma fused with BM25 over the glossary.

Each concept is searched through several kinds of vector (its sections, its names and the questions it answers)
and one BM25 document; the question is first put into the glossary's words (chains.vocabulary).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, TypedDict

from .glossary import ASKED, NAME, QUESTION, SECTION, Concept, asked_id, chunks
from .settings import Settings
from .vocabulary import Vocabulary, stemmer

log = logging.getLogger(__name__)

Mode = Literal["fused", "dense", "lexical"]

# Words that carry no meaning for matching a question to a concept.
_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "it's",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "us",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "should",
        "shall",
        "whats",
        "what's",
        "mean",
        "means",
        "explain",
        "tell",
    ]
)
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass(frozen=True)
class Weights:
    """How the evidence is fused: the grid weights best in cross-validation on the tuning half (bench/tune_retrieval.py).

    Chosen with owners' questions filed under their entries (knowledge/owner-questions.yaml) and each question's own
    file withheld, as a new writer meets the search: 5-fold and leave-one-file-out hit@1 0.929 on the tuning half,
    against 0.921 for weights fitted as a conditional logit (--fit) and 0.920 for the earlier fitted weights
    (0.718, 0.314, 0.968, 0.512, fitted before any owner questions were filed). A zero weight on names leaves them
    in the relevance shown to owners.
    """

    section: float = 1.0  # best cosine over the concept's prose sections
    name: float = 0.0  # mean of the two best cosines over its title and aliases
    question: float = 1.5  # mean of the two best cosines over the questions it answers
    lexical: float = 0.5  # BM25 over the normalised question, divided by the best BM25 score for it


WEIGHTS = Weights()


def tokenize(text: str) -> list[str]:
    """Lower-case words without stopwords; hyphenated terms also split into their parts."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS:
            continue
        out.append(word)
        if "-" in word:
            out.extend(p for p in word.split("-") if p and p not in _STOPWORDS)
    return out


def stems(text: str) -> list[str]:
    """tokenize(text) with each word cut to its Snowball stem, so "costs" meets "cost" and "trained" "training"."""
    return stemmer().stemWords(tokenize(text))


@dataclass(frozen=True)
class Hit:
    """One concept found for a question, with the section that matched best."""

    concept: str
    title: str
    section: str
    score: float  # 0..1: the relevance shown to users and tested against the threshold
    dense: float | None = None  # the weighted cosine evidence, when dense search ran
    lexical: float | None = None  # BM25 score of the concept, when lexical search ran


@dataclass
class Evidence:
    """What dense search found for one concept: cosines by chunk kind, and the section that matched best."""

    section: float = 0.0  # the best section's cosine
    name: float = 0.0  # the mean of the two best names' cosines
    question: float = 0.0  # the mean of the two best questions' cosines (its own and owners' questions filed under it)
    best_section: str = "what"
    background: float = 0.0  # the question's likeness to everyday off-topic questions (the same for every concept)

    def combined(self, w: Weights) -> float:
        total = w.section + w.name + w.question
        return (w.section * self.section + w.name * self.name + w.question * self.question) / total if total else 0.0


def _top_mean(values: list[float], k: int = 2) -> float:
    """The mean of the k best: two close questions are better evidence than one lucky match (cross-validated)."""
    best = sorted(values, reverse=True)[:k]
    return sum(best) / len(best) if best else 0.0


def glossary_texts(concepts: dict[str, Concept]) -> list[str]:
    """Every piece of text in the glossary, for the vocabulary questions are normalised towards."""
    out: list[str] = []
    for c in concepts.values():
        out += [c.title, *c.aliases, *c.questions, *c.sections.values()]
    return out


class LexicalIndex:
    """BM25 over each concept's names, questions and text (names and questions weighted up), on word stems."""

    def __init__(self, concepts: dict[str, Concept]):
        import bm25s

        # bm25s sets its own logger to DEBUG on import; keep it to our log level.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.ids = list(concepts)
        corpus = []
        for concept in concepts.values():
            # Repeating the names weights them above the body text, as a title field would in a search engine.
            names = " ".join([concept.title, *concept.aliases, concept.id.replace("-", " ")])
            asked = " ".join(concept.questions)
            corpus.append(stems(" ".join([names] * 3 + [asked] * 2 + list(concept.sections.values()))))
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._vocab = {tok for doc in corpus for tok in doc}

    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        """(concept, BM25) best first; `question` is expected already normalised."""
        tokens = [t for t in stems(question) if t in self._vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        ranked = sorted(range(len(self.ids)), key=lambda i: -scores[i])
        return [(self.ids[i], float(scores[i])) for i in ranked[:k] if scores[i] > 0]


class Retriever:
    """Ranks concepts for a question; dense search joins in once an embedder and collection are given."""

    def __init__(
        self, settings: Settings, concepts: dict[str, Concept], embedder=None, collection=None, weights: Weights = WEIGHTS
    ):
        self.settings = settings
        self.concepts = concepts
        self.vocabulary = Vocabulary(glossary_texts(concepts))
        self.lexical = LexicalIndex(concepts)
        self.embedder = embedder
        self.collection = collection
        self.weights = weights
        # chunk id -> (concept, kind, section), so a query asks Chroma for distances alone: fetching every
        # chunk's metadata took ~30 ms a question, the distances ~2 ms.
        self._chunks = {c.id: (c.concept, c.kind, c.section) for c in chunks(concepts)}
        self._background = None  # vectors of chains.background.QUESTIONS, embedded on first dense search
        self._size: int | None = None  # chunks in the collection: counted once (the index is fixed while serving)
        self.dense_failures = 0  # dense searches that failed and fell back to BM25 (an answer cache skips those)
        self._withheld: frozenset[str] = frozenset()  # owners' question chunks left out of the search (withholding)

    @property
    def dense_ready(self) -> bool:
        return self.embedder is not None and self.collection is not None

    def attach_dense(self, embedder, collection) -> None:
        """Switch on dense search (the web app calls this when the model has loaded in the background)."""
        self.embedder, self.collection = embedder, collection
        self._background = None
        self._size = None

    @contextmanager
    def withholding(self, questions: Iterable[str]) -> Iterator[None]:
        """Search as though these owners' questions had never been filed (to score a question set fairly)."""
        ids = {asked_id(c.id, q) for c in self.concepts.values() for q in questions}
        self._withheld = frozenset(i for i in ids if i in self._chunks)
        try:
            yield
        finally:
            self._withheld = frozenset()

    def _background_likeness(self, vector) -> float:
        if self._background is None:
            from .background import QUESTIONS

            self._background = self.embedder.embed(list(QUESTIONS))
        return _top_mean([float(c) for c in self._background @ vector])

    def dense_evidence(self, question: str) -> dict[str, Evidence]:
        """concept -> Evidence over every chunk: the glossary is small enough to score whole."""
        vector = self.embedder.embed_query(question)
        if self._size is None:
            self._size = max(1, self.collection.count())
        result = self.collection.query(query_embeddings=[vector.tolist()], n_results=self._size, include=["distances"])
        found: dict[str, Evidence] = {}
        cosines: dict[tuple[str, str], list[float]] = {}
        for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            if chunk_id not in self._chunks or chunk_id in self._withheld:  # the former: left from an older glossary
                continue
            cid, kind, section = self._chunks[chunk_id]
            kind = QUESTION if kind == ASKED else kind
            ev = found.setdefault(cid, Evidence())
            cos = 1.0 - float(distance)
            cosines.setdefault((cid, kind), []).append(cos)
            if kind == SECTION and cos > ev.section:
                ev.section, ev.best_section = cos, section
        background = self._background_likeness(vector)
        for cid, ev in found.items():
            ev.name = _top_mean(cosines.get((cid, NAME), []))
            ev.question = _top_mean(cosines.get((cid, QUESTION), []))
            ev.background = background
        return found

    def evidence(self, question: str, mode: Mode = "fused") -> tuple[dict[str, Evidence], dict[str, float]]:
        """Dense evidence and BM25 scores for the normalised question (either may be empty).

        BM25 reads the normalised words; the embedder reads them with the question's punctuation kept.
        """
        text = self.vocabulary.normalise(question)
        lexical = dict(self.lexical.search(text, len(self.concepts))) if mode != "dense" else {}
        dense: dict[str, Evidence] = {}
        if mode != "lexical":
            if self.dense_ready:
                try:
                    dense = self.dense_evidence(self.vocabulary.normalise(question, punctuated=True))
                except Exception as exc:  # e.g. the Chroma server is unreachable: BM25 alone still answers
                    if mode == "dense":
                        raise
                    self.dense_failures += 1
                    log.warning("dense search failed, ranking by BM25 alone: %s", exc)
            elif mode == "dense":
                raise RuntimeError("dense search asked for before the embedding model was ready")
        return dense, lexical

    def search(self, question: str, k: int = 5, mode: Mode = "fused") -> list[Hit]:
        """One hit per concept, best first."""
        dense, lexical = self.evidence(question, mode)
        return rank(self.concepts, dense, lexical, self.weights, self.settings.dense_weight, k)


def rank(
    concepts: dict[str, Concept], dense: dict[str, Evidence], lexical: dict[str, float], w: Weights, dense_weight: float, k: int
) -> list[Hit]:
    """The fused ranking: dense_weight x weighted cosine + lexical weight x BM25 / (best BM25 for the question).

    On our question sets this ranked better than reciprocal rank fusion, which throws away how far ahead the
    leader is.
    """
    top_lex = max(lexical.values(), default=0.0)
    lex_weight = w.lexical if dense else 1.0
    ranking: dict[str, float] = {}
    for cid in set(lexical) | set(dense):
        cos = dense[cid].combined(w) if cid in dense else 0.0
        ranking[cid] = dense_weight * cos + lex_weight * (lexical.get(cid, 0.0) / top_lex if top_lex else 0.0)
    ranked = sorted(ranking, key=lambda cid: (-ranking[cid], cid))[:k]
    hits = []
    for cid in ranked:
        ev = dense.get(cid)
        dense_cos = ev.combined(w) if ev else None
        lex = lexical.get(cid)
        hits.append(
            Hit(cid, concepts[cid].title, ev.best_section if ev else "what", relevance(ev, lex, bool(dense)), dense_cos, lex)
        )
    return hits


def relevance(ev: Evidence | None, lex: float | None, used_dense: bool) -> float:
    """A 0..1 relevance for the threshold and for display.

    With dense search: the mean of the names' and questions' cosines and the squashed BM25 score, with a quarter
    weight on the best section, less half the question's likeness to everyday questions (chains.background).
    Calibrated on the tuning half's off-topic questions: with owners' questions filed under their entries, they
    scored at most 0.245 (an AI-news question), and 19 of the 683 tuning questions ranked right scored below 0.25
    (as a new writer, their own file withheld). The threshold, 0.25, errs towards "not found": an answer that lists
    the nearest topics costs an owner less than one about something else.
    """
    lexical = (lex / (lex + 3.0)) if lex else 0.0
    if used_dense:
        if ev is None:
            return round(lexical / 3.25, 4)
        glossary = (0.25 * max(ev.section, 0.0) + max(ev.name, 0.0) + max(ev.question, 0.0) + lexical) / 3.25
        return round(max(glossary - 0.5 * max(ev.background, 0.0), 0.0), 4)
    return round(lexical, 4)


# hit@1 and hit@3: the share of questions whose expected entry comes first, or in the top three; the misses name them.
HitRates = TypedDict("HitRates", {"hit@1": float, "hit@3": float, "n": int, "misses": list[tuple[str, str, list[str]]]})


def hit_rates(retriever: Retriever, questions: list[dict[str, str]], mode: Mode = "fused") -> HitRates:
    """hit@1 and hit@3 over questions [{"q", "id"}], for the retrieval test floor and the benchmark."""
    hit1 = hit3 = 0
    misses: list[tuple[str, str, list[str]]] = []
    for item in questions:
        ids = [h.concept for h in retriever.search(item["q"], k=3, mode=mode)]
        hit1 += bool(ids) and ids[0] == item["id"]
        hit3 += item["id"] in ids
        if not ids or ids[0] != item["id"]:
            misses.append((item["q"], item["id"], ids[:3]))
    n = max(len(questions), 1)
    return {"hit@1": hit1 / n, "hit@3": hit3 / n, "n": len(questions), "misses": misses}
