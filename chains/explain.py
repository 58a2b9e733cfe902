"""Answer a concept question from the glossary, offline by default, phrased by an LLM where one is configured."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

from .background import everyday_sense
from .glossary import SECTION_TITLES, Concept
from .intents import compares_terms
from .knowledge_base import KnowledgeBase
from .retrieval import Hit

log = logging.getLogger(__name__)

# The sections an offline answer is composed from, in order.
ANSWER_SECTIONS = ("what", "why", "ask")


_DEFINITION = re.compile(
    r"^(?:so |ok |and |but )?(?:what is|what s|whats|what are|what does|define|explain|meaning of|"
    r"what do you mean by|tell me about|(?:i )?(?:don t|dont|do not) (?:know|understand) what|"
    r"(?:i m )?not (?:really )?sure what)\b"
)

# How many sources an answer lists: the concept answered, then the nearest others close enough to it.
MAX_SOURCES = 3
# "Close enough": each further source, in ranking order, needs this share of the answered concept's relevance.
# The threshold decides whether a question is on-topic at all; once it is, a second place to look is judged
# against the first. Across the question files this listed the right entry among the sources as often as the
# threshold did or more often, with fewer sources on average.
NEAR_SHARE = 0.6


@dataclass
class Source:
    """A glossary entry behind an answer, best first; `sections` are the ones the answer's text was drawn from."""

    id: str
    title: str
    score: float
    sections: list[str] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    text: str
    sources: list[Source]
    found: bool  # False when nothing in the glossary scored above the threshold
    llm: bool = False  # True when an LLM phrased the text
    related: list[str] = field(default_factory=list)
    nearest: list[Source] = field(default_factory=list)  # for "not found": the topics the text offers instead

    def as_json(self) -> dict[str, Any]:
        """The shape `pitchcheck ask --json` prints: sources best first, none when nothing was found."""

        def listed(sources: list[Source]) -> list[dict[str, Any]]:
            return [{"id": s.id, "title": s.title, "score": round(s.score, 4)} for s in sources]

        shape = {"question": self.question, "answer": self.text, "found": self.found, "sources": listed(self.sources)}
        if not self.found:
            shape["nearest"] = listed(self.nearest)
        return shape


def _plain(text: str) -> str:
    """Lower-case words and digits separated by single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _offline_text(concept: Concept, hit: Hit, concepts: dict[str, Concept]) -> tuple[str, list[str]]:
    sections = list(ANSWER_SECTIONS)
    if hit.section not in sections:
        # The question matched "watch out for" best: include it, it is what they asked about.
        sections.append(hit.section)
    parts = [f"**{concept.title}**", concept.sections["what"]]
    for key in sections[1:]:
        parts.append(f"**{SECTION_TITLES[key]}**\n{concept.sections[key]}")
    related = [concepts[r].title for r in concept.related if r in concepts]
    if related:
        parts.append("Related: " + ", ".join(related) + ".")
    return "\n\n".join(parts), sections


def _compared_text(pair: list[Concept]) -> str:
    """Two entries side by side: what each is, why each matters, and what to ask about each."""
    parts = [f"**{c.title}**\n{c.sections['what']}" for c in pair]
    for key in ANSWER_SECTIONS[1:]:
        parts.append(f"**{SECTION_TITLES[key]}**\n\n" + "\n\n".join(f"*{c.title}*\n{c.sections[key]}" for c in pair))
    return "\n\n".join(parts)


def _not_found_text(hits: list[Hit]) -> str:
    if not hits:
        return (
            "I don't have anything in the glossary on that. I can explain terms from a fine-tuning pitch, "
            "such as fine-tuning, RAG, LoRA, training data or hosting costs."
        )
    nearest = ", ".join(h.title for h in hits[:3])
    return (
        f"I don't have a glossary entry that answers that, and I'd rather not guess. "
        f"The nearest topics I can explain are: {nearest}. Ask about any of them."
    )


class Explainer:
    """explain(question) -> Answer; the LLM, when configured, only rephrases what the glossary says."""

    def __init__(self, kb: KnowledgeBase, model=None, breaker=None):
        self.kb = kb
        self.settings = kb.settings
        self.model = model  # injected chat model (tests); None builds one from settings
        self.breaker = breaker

    def threshold(self, hits: list[Hit]) -> float:
        """Relevance below which nothing is answered; stricter when the ranking had no dense scores."""
        dense = bool(hits) and hits[0].dense is not None
        return self.settings.answer_threshold if dense else self.settings.lexical_threshold

    def offline(self, question: str, hits: list[Hit]) -> Answer:
        """An answer composed from the top concept's sections, or an honest 'not found'."""
        if not hits or hits[0].score < self.threshold(hits):
            nearest = [Source(h.concept, h.title, h.score) for h in hits[:MAX_SOURCES]]
            return Answer(question, _not_found_text(hits), [], found=False, nearest=nearest)
        top = hits[0]
        concept = self.kb.concepts[top.concept]
        compared = self._compared(question)
        if compared and len(hits) > 1 and {top.concept, hits[1].concept} == compared:
            pair = [self.kb.concepts[h.concept] for h in hits[:2]]
            sources = [Source(h.concept, h.title, h.score, list(ANSWER_SECTIONS)) for h in hits[:2]]
            return Answer(question, _compared_text(pair), sources, found=True, related=[c.id for c in pair])
        text, sections = _offline_text(concept, top, self.kb.concepts)
        sources = [Source(top.concept, top.title, top.score, sections)]
        sources += [Source(h.concept, h.title, h.score) for h in self._chosen(hits)[1:]]
        return Answer(question, text, sources, found=True, related=list(concept.related))

    def search(self, question: str) -> list[Hit]:
        compared = self._compared(question)
        if compared:
            # "what's the difference between RAG and fine-tuning?": both entries answer it, in the search's order.
            hits = self.kb.retriever.search(question, k=len(self.kb.concepts))
            floor = self.threshold(hits)
            both = [replace(h, score=max(h.score, floor)) for h in hits if h.concept in compared]
            return both + [h for h in hits if h.concept not in compared][: max(0, 5 - len(both))]
        hits = self.kb.retriever.search(question, k=5)
        named = [(self._named(question, h.concept), i) for i, h in enumerate(hits)]
        longest, at = max(named, default=(0, 0))
        if longest:
            # "what is RAG?", "what is full fine-tuning?": a definition asked of an entry by its own name is about that
            # entry (the longest name wins), however much the words look like an everyday question.
            hit = hits.pop(at)
            hits.insert(0, replace(hit, score=max(hit.score, self.threshold([hit, *hits]))))
        elif hits and everyday_sense(question):
            # "my website hosting bill went up": the glossary's word in its everyday sense, with nothing of AI around
            # it, is not found (its nearest topics are still offered).
            below = round(self.threshold(hits) * 0.9, 4)
            hits = [replace(h, score=min(h.score, below)) for h in hits]
        return hits

    def _named(self, question: str, concept_id: str) -> int:
        """The length of the concept's name (id, title or alias) in a short definitional question; 0 if not named."""
        typed = _plain(question)
        if len(typed.split()) > 8:
            return 0
        # As typed, and in the glossary's words ("wat is rag" is "what is rag").
        asked = [q for q in (typed, _plain(self.kb.retriever.vocabulary.normalise(question))) if _DEFINITION.search(q)]
        concept = self.kb.concepts.get(concept_id)
        if not asked or concept is None:
            return 0
        terms = [concept_id, re.sub(r"\s*\(.*\)\s*$", "", concept.title), *concept.aliases]
        names = {_plain(t) for t in terms}
        return max((len(n) for n in names for q in asked if len(n) >= 3 and re.search(rf"\b{re.escape(n)}\b", q)), default=0)

    def _compared(self, question: str) -> set[str]:
        """The two entries a question weighs against each other by name ("RAG or fine-tuning?"); empty otherwise."""
        if not compares_terms(question):
            return set()
        typed = " ".join({_plain(question), _plain(self.kb.retriever.vocabulary.normalise(question))})
        spans: list[tuple[int, int, str]] = []
        for cid, concept in self.kb.concepts.items():
            for term in {cid, re.sub(r"\s*\(.*\)\s*$", "", concept.title), *concept.aliases}:
                name = _plain(term)
                if len(name) >= 3:
                    spans += [(m.start(), m.end(), cid) for m in re.finditer(rf"\b{re.escape(name)}\b", typed)]
        # A name inside a longer one ("fine tuning" in "full fine tuning") is the longer one's.
        kept = [a for a in spans if not any(b[0] <= a[0] and a[1] <= b[1] and b[1] - b[0] > a[1] - a[0] for b in spans)]
        named = {cid for _, _, cid in kept}
        return named if len(named) == 2 else set()

    def _chosen(self, hits: list[Hit]) -> list[Hit]:
        """The concepts an answer lists and an LLM answer may draw on: the answered one, then those close to it."""
        if not hits or hits[0].score < self.threshold(hits):
            return []
        chosen = hits[:1]
        for hit in hits[1:MAX_SOURCES]:  # in ranking order, stopping at the first that is not close enough
            if hit.score < NEAR_SHARE * hits[0].score:
                break
            chosen.append(hit)
        return chosen

    def _llm_sections(self, hits: list[Hit]) -> list[dict[str, str]]:
        return [
            {"id": h.concept, "title": h.title, "section": SECTION_TITLES[key], "text": self.kb.concepts[h.concept].sections[key]}
            for h in self._chosen(hits)
            for key in ANSWER_SECTIONS
        ]

    def _llm_answer(self, question: str, hits: list[Hit], text: str) -> Answer:
        chosen = self._chosen(hits)
        sources = [Source(h.concept, h.title, h.score, list(ANSWER_SECTIONS)) for h in chosen]
        return Answer(question, text, sources, found=True, llm=True, related=list(self.kb.concepts[chosen[0].concept].related))

    def _llm_usable(self, hits: list[Hit]) -> bool:
        return self.settings.llm_enabled and bool(hits) and hits[0].score >= self.threshold(hits)

    def explain(self, question: str) -> Answer:
        """The whole answer at once (the CLI's path)."""
        hits = self.search(question)
        fallback = self.offline(question, hits)
        if not self._llm_usable(hits):
            return fallback
        from . import llm

        try:
            text = llm.answer(question, self._llm_sections(hits), self.settings, model=self.model, breaker=self.breaker)
        except llm.LLMUnavailable as exc:
            log.warning("LLM answer unavailable, using the glossary answer: %s", exc)
            return fallback
        return self._llm_answer(question, hits, text)

    async def astream(self, question: str) -> AsyncIterator[tuple[str, Any]]:
        """Yields ("token", text) while an LLM streams, then ("answer", Answer) with the final text.

        When the LLM fails part way, the final Answer is the offline one and replaces what was streamed.
        """
        hits = self.search(question)
        fallback = self.offline(question, hits)
        if not self._llm_usable(hits):
            yield "answer", fallback
            return
        from . import llm

        pieces: list[str] = []
        try:
            async for chunk in llm.astream_answer(
                question, self._llm_sections(hits), self.settings, model=self.model, breaker=self.breaker
            ):
                pieces.append(chunk)
                yield "token", chunk
        except llm.LLMUnavailable as exc:
            log.warning("LLM stream failed after %d chunks, using the glossary answer: %s", len(pieces), exc)
            yield "answer", fallback
            return
        yield "answer", self._llm_answer(question, hits, "".join(pieces))
