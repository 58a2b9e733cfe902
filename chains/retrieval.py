"""Find the glossary concepts behind a lay question: dense search in Chroma fused with BM25 over the glossary."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from .glossary import Concept
from .settings import Settings

log = logging.getLogger(__name__)

Mode = Literal["fused", "dense", "lexical"]

# Words that carry no meaning for matching a question to a concept.
_STOPWORDS = frozenset(
    """a about an and are as at be but by can could do does doing for from has have how i if in into is it its
    it's me my of on or our so that the their them then there these they this to us was we what when where which
    who why will with would you your yours should shall whats what's mean means explain tell""".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


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


@dataclass(frozen=True)
class Hit:
    """One concept found for a question, with the section that matched best."""

    concept: str
    title: str
    section: str
    score: float  # 0..1: the fused relevance shown to users and tested against the threshold
    dense: float | None = None  # cosine of the best section, when dense search ran
    lexical: float | None = None  # BM25 score of the concept, when lexical search ran


class LexicalIndex:
    """BM25 over each concept's title, aliases and text (title and aliases weighted up)."""

    def __init__(self, concepts: dict[str, Concept]):
        import bm25s

        # bm25s sets its own logger to DEBUG on import; keep it to our log level.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.ids = list(concepts)
        corpus = []
        for concept in concepts.values():
            # Repeating the names weights them above the body text, as a title field would in a search engine.
            names = " ".join([concept.title, *concept.aliases, concept.id.replace("-", " ")])
            corpus.append(tokenize(" ".join([names] * 3 + list(concept.sections.values()))))
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._vocab = {tok for doc in corpus for tok in doc}

    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        tokens = [t for t in tokenize(question) if t in self._vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        ranked = sorted(range(len(self.ids)), key=lambda i: -scores[i])
        return [(self.ids[i], float(scores[i])) for i in ranked[:k] if scores[i] > 0]


class Retriever:
    """Ranks concepts for a question; dense search joins in once an embedder and collection are given."""

    def __init__(self, settings: Settings, concepts: dict[str, Concept], embedder=None, collection=None):
        self.settings = settings
        self.concepts = concepts
        self.lexical = LexicalIndex(concepts)
        self.embedder = embedder
        self.collection = collection

    @property
    def dense_ready(self) -> bool:
        return self.embedder is not None and self.collection is not None

    def attach_dense(self, embedder, collection) -> None:
        """Switch on dense search (the web app calls this when the model has loaded in the background)."""
        self.embedder, self.collection = embedder, collection

    def dense_scores(self, question: str) -> dict[str, tuple[str, float]]:
        """concept -> (best section, cosine) over every chunk: the glossary is small enough to score whole."""
        vector = self.embedder.embed_query(question)
        n = max(1, self.collection.count())
        result = self.collection.query(query_embeddings=[vector.tolist()], n_results=n, include=["metadatas", "distances"])
        best: dict[str, tuple[str, float]] = {}
        for meta, distance in zip(result["metadatas"][0], result["distances"][0]):
            cid = meta["concept"]
            if cid in self.concepts and cid not in best:  # results come best first
                best[cid] = (meta["section"], 1.0 - float(distance))
        return best

    def search(self, question: str, k: int = 5, mode: Mode = "fused") -> list[Hit]:
        """One hit per concept, best first.

        The fused score is dense_weight x cosine + BM25 / (the best BM25 score for this question). On our question
        set this ranked better than reciprocal rank fusion, which throws away how far ahead the leader is.
        """
        lexical = dict(self.lexical.search(question, len(self.concepts))) if mode != "dense" else {}
        dense: dict[str, tuple[str, float]] = {}
        if mode != "lexical":
            if self.dense_ready:
                try:
                    dense = self.dense_scores(question)
                except Exception as exc:  # e.g. the Chroma server is unreachable: BM25 alone still answers
                    if mode == "dense":
                        raise
                    log.warning("dense search failed, ranking by BM25 alone: %s", exc)
            elif mode == "dense":
                raise RuntimeError("dense search asked for before the embedding model was ready")
        top_lex = max(lexical.values(), default=0.0)
        weight = self.settings.dense_weight if dense else 0.0
        ranking: dict[str, float] = {}
        for cid in set(lexical) | set(dense):
            cos = dense.get(cid, ("what", 0.0))[1]
            ranking[cid] = weight * cos + (lexical.get(cid, 0.0) / top_lex if top_lex else 0.0)
        ranked = sorted(ranking, key=lambda cid: (-ranking[cid], cid))[:k]
        hits = []
        for cid in ranked:
            section, cos = dense.get(cid, ("what", None))
            lex = lexical.get(cid)
            hits.append(Hit(cid, self.concepts[cid].title, section, _relevance(cos, lex, bool(dense)), cos, lex))
        return hits


def _relevance(cos: float | None, lex: float | None, used_dense: bool) -> float:
    """A 0..1 relevance for the threshold and for display: mostly the cosine, with BM25 evidence squashed in.

    Calibrated on tests/data: every lay question scored at least 0.31 and every off-topic one at most 0.26.
    """
    lexical = (lex / (lex + 3.0)) if lex else 0.0
    if used_dense:
        return round(0.6 * max(cos or 0.0, 0.0) + 0.4 * lexical, 4)
    return round(lexical, 4)


def hit_rates(retriever: Retriever, questions: list[dict[str, str]], mode: Mode = "fused") -> dict[str, float]:
    """hit@1 and hit@3 over questions [{"q", "id"}], for the retrieval test floor and the benchmark."""
    hit1 = hit3 = 0
    misses = []
    for item in questions:
        ids = [h.concept for h in retriever.search(item["q"], k=3, mode=mode)]
        hit1 += bool(ids) and ids[0] == item["id"]
        hit3 += item["id"] in ids
        if not ids or ids[0] != item["id"]:
            misses.append((item["q"], item["id"], ids[:3]))
    n = max(len(questions), 1)
    return {"hit@1": hit1 / n, "hit@3": hit3 / n, "n": len(questions), "misses": misses}
