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

    def dense(self, question: str, k: int) -> list[tuple[str, str, float]]:
        """(concept, section, cosine) for the best section of each of the top concepts."""
        vector = self.embedder.embed_query(question)
        n = min(k * 4, max(1, self.collection.count()))
        result = self.collection.query(query_embeddings=[vector.tolist()], n_results=n, include=["metadatas", "distances"])
        best: dict[str, tuple[str, float]] = {}
        for meta, distance in zip(result["metadatas"][0], result["distances"][0]):
            cid = meta["concept"]
            if cid in self.concepts and cid not in best:
                best[cid] = (meta["section"], 1.0 - float(distance))
        ranked = sorted(best.items(), key=lambda kv: -kv[1][1])
        return [(cid, section, cos) for cid, (section, cos) in ranked[:k]]

    def search(self, question: str, k: int = 5, mode: Mode = "fused") -> list[Hit]:
        """One hit per concept, best first."""
        depth = max(k, 10)
        lexical = self.lexical.search(question, depth) if mode in ("fused", "lexical") else []
        dense: list[tuple[str, str, float]] = []
        if mode in ("fused", "dense"):
            if self.dense_ready:
                dense = self.dense(question, depth)
            elif mode == "dense":
                raise RuntimeError("dense search asked for before the embedding model was ready")
        return self._fuse(lexical, dense, k, mode)

    def _fuse(self, lexical, dense, k: int, mode: Mode) -> list[Hit]:
        rrf_k = self.settings.rrf_k
        lex_rank = {cid: i for i, (cid, _) in enumerate(lexical)}
        lex_score = dict(lexical)
        dense_rank = {cid: i for i, (cid, _, _) in enumerate(dense)}
        dense_info = {cid: (section, cos) for cid, section, cos in dense}
        used_dense = bool(dense)
        fused: dict[str, float] = {}
        for cid in set(lex_rank) | set(dense_rank):
            score = 0.0
            if cid in lex_rank:
                score += 1.0 / (rrf_k + lex_rank[cid] + 1)
            if cid in dense_rank:
                score += 1.0 / (rrf_k + dense_rank[cid] + 1)
            fused[cid] = score
        ranked = sorted(fused, key=lambda cid: -fused[cid])[:k]
        top_lex = lexical[0][1] if lexical else 0.0
        hits = []
        for cid in ranked:
            section, cos = dense_info.get(cid, ("what", None))
            lex = lex_score.get(cid)
            hits.append(Hit(cid, self.concepts[cid].title, section,
                            self._relevance(cos, lex, top_lex, used_dense), cos, lex))
        return hits

    @staticmethod
    def _relevance(cos: float | None, lex: float | None, top_lex: float, used_dense: bool) -> float:
        """A 0..1 relevance: the dense cosine when dense search ran, else a squashed BM25 score."""
        lexical = (lex / (lex + 4.0)) if lex else 0.0
        if used_dense:
            return round(max(cos or 0.0, 0.0) * 0.8 + lexical * 0.2, 4)
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
