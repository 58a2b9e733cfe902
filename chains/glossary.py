"""The glossary: knowledge/*.md files loaded, validated and split into chunks: sections, names and questions.

Beside the entries, knowledge/owner-questions.yaml files questions in owners' own words under the entry that answers
each (the tuning half of the question pool, written by people who had not read the glossary); they are searched as
more questions of their entry.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import frontmatter
import yaml

# Heading in the file -> short key used in chunk metadata and answers.
SECTIONS: dict[str, str] = {
    "What it is": "what",
    "Why it matters for your business": "why",
    "What to ask the vendor": "ask",
    "Watch out for": "watch",
}
SECTION_TITLES: dict[str, str] = {key: heading for heading, key in SECTIONS.items()}
REQUIRED_KEYS = ("id", "title", "aliases", "related")
# Chunk kinds: a prose section, one of the concept's names (title or alias), a question the entry answers (from its
# front matter), a question in an owner's words filed under it (owner-questions.yaml).
SECTION, NAME, QUESTION, ASKED = "section", "name", "question", "asked"
OWNER_QUESTIONS = "owner-questions.yaml"
log = logging.getLogger(__name__)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


class GlossaryError(ValueError):
    """A glossary file is invalid; the message names the file and the problem."""


@dataclass(frozen=True)
class Concept:
    id: str
    title: str
    aliases: tuple[str, ...]
    related: tuple[str, ...]
    sections: dict[str, str]
    sources: str
    path: Path = field(compare=False)
    questions: tuple[str, ...] = ()  # questions an owner might ask that this entry answers, in their words
    asked: tuple[str, ...] = ()  # owners' questions filed under this entry (owner-questions.yaml)

    @property
    def summary(self) -> str:
        """The first sentence of 'what it is', for lists and reports."""
        text = self.sections["what"].strip()
        match = re.match(r"(.+?[.!?])(\s|$)", text, re.DOTALL)
        return (match.group(1) if match else text).replace("\n", " ")


@dataclass(frozen=True)
class Chunk:
    """One unit that is embedded and retrieved: a section, a name or a question of one concept."""

    id: str
    concept: str
    section: str  # the section key; for names and questions, "what" (the section an answer starts from)
    title: str
    text: str
    aliases: tuple[str, ...] = ()
    kind: str = SECTION

    def embedding_text(self) -> str:
        if self.kind != SECTION:
            # A name or a question is compared with the owner's question as it stands.
            return self.text
        # The aliases are the owner's words for the concept; embedding them with every section lifted
        # dense hit@1 on our lay questions from 0.60 to 0.73.
        names = f"{self.title} ({', '.join(self.aliases)})" if self.aliases else self.title
        return f"{names}. {SECTION_TITLES[self.section]}: {self.text}"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.embedding_text().encode()).hexdigest()[:16]


def _parse_file(path: Path) -> Concept:
    try:
        post = frontmatter.load(path)
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise GlossaryError(f"{path.name}: the front matter cannot be read ({exc.__class__.__name__})") from None
    meta = post.metadata
    for key in REQUIRED_KEYS:
        if key not in meta or meta[key] in (None, ""):
            raise GlossaryError(f"{path.name}: front matter field '{key}' is missing")
    cid = str(meta["id"])
    if not _SLUG.match(cid):
        raise GlossaryError(f"{path.name}: id '{cid}' is not a lowercase-hyphen slug")
    lists: dict[str, list[str]] = {}
    for key in ("aliases", "related", "questions"):
        value = meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise GlossaryError(f"{path.name}: front matter field '{key}' must be a list of strings")
        lists[key] = value

    body = post.content
    sources_match = re.search(r"^Sources:\s*(.+)$", body, re.MULTILINE)
    if not sources_match or not sources_match.group(1).strip():
        raise GlossaryError(f"{path.name}: the 'Sources:' line is missing")
    body_without_sources = body[: sources_match.start()] + body[sources_match.end() :]

    parts = _HEADING.split(body_without_sources)
    # parts = [preamble, heading1, text1, heading2, text2, ...]
    sections: dict[str, str] = {}
    for heading, text in zip(parts[1::2], parts[2::2], strict=True):
        section = SECTIONS.get(heading)
        if section is None:
            raise GlossaryError(f"{path.name}: unexpected section '## {heading}'")
        if not text.strip():
            raise GlossaryError(f"{path.name}: section '## {heading}' is empty")
        sections[section] = text.strip()
    for heading, key in SECTIONS.items():
        if key not in sections:
            raise GlossaryError(f"{path.name}: section '## {heading}' is missing")
    return Concept(
        id=cid,
        title=str(meta["title"]).strip(),
        aliases=tuple(a.strip() for a in lists["aliases"]),
        related=tuple(lists["related"]),
        sections=sections,
        sources=sources_match.group(1).strip(),
        path=path,
        questions=tuple(q.strip() for q in lists["questions"] if q.strip()),
    )


def load_glossary(knowledge_dir: Path) -> dict[str, Concept]:
    """Every concept in the directory, validated; raises GlossaryError naming the file and problem."""
    paths = sorted(Path(knowledge_dir).glob("*.md"))
    if not paths:
        raise GlossaryError(f"{knowledge_dir}: no concept files (*.md) found")
    concepts: dict[str, Concept] = {}
    for path in paths:
        concept = _parse_file(path)
        if concept.id in concepts:
            raise GlossaryError(f"{path.name}: id '{concept.id}' is already used by {concepts[concept.id].path.name}")
        concepts[concept.id] = concept
    for concept in concepts.values():
        for rid in concept.related:
            if rid not in concepts:
                raise GlossaryError(f"{concept.path.name}: related id '{rid}' does not exist")
    for cid, asked in _owner_questions(Path(knowledge_dir) / OWNER_QUESTIONS).items():
        if cid not in concepts:  # an entry taken out of the glossary: its owners' questions have nowhere to go
            log.warning("%s: entry '%s' is not in the glossary; its questions are left out", OWNER_QUESTIONS, cid)
            continue
        concepts[cid] = replace(concepts[cid], asked=asked)
    return concepts


def _owner_questions(path: Path) -> dict[str, tuple[str, ...]]:
    """entry id -> the owners' questions filed under it; {} when the file is absent."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"{OWNER_QUESTIONS}: cannot be read ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not all(isinstance(v, list) and all(isinstance(q, str) for q in v) for v in data.values()):
        raise GlossaryError(f"{OWNER_QUESTIONS}: must map each entry id to a list of questions")
    return {str(cid): tuple(q.strip() for q in qs if q.strip()) for cid, qs in data.items()}


@lru_cache(maxsize=4)
def cached_glossary(knowledge_dir: Path) -> dict[str, Concept]:
    """load_glossary, once per directory per process."""
    return load_glossary(knowledge_dir)


def chunks(concepts: dict[str, Concept]) -> list[Chunk]:
    """Per concept, in a stable order: each section, its title and each alias, each question it answers."""
    out = []
    for concept in concepts.values():
        cid = concept.id
        for key in SECTIONS.values():
            out.append(Chunk(f"{cid}::{key}", cid, key, concept.title, concept.sections[key], concept.aliases))
        for number, name in enumerate(_unique((concept.title, *concept.aliases))):
            out.append(Chunk(f"{cid}::name{number}", cid, "what", concept.title, name, kind=NAME))
        for number, question in enumerate(_unique(concept.questions)):
            out.append(Chunk(f"{cid}::q{number}", cid, "what", concept.title, question, kind=QUESTION))
        own = {q.lower() for q in concept.questions}
        for question in _unique(q for q in concept.asked if q.lower() not in own):
            out.append(Chunk(asked_id(cid, question), cid, "what", concept.title, question, kind=ASKED))
    return out


def asked_id(concept: str, question: str) -> str:
    """The chunk id of an owner's question: from its words, so a search can leave that one question out."""
    return f"{concept}::asked-{hashlib.sha256(question.strip().lower().encode()).hexdigest()[:12]}"


def _unique(texts) -> list[str]:
    """The texts without repeats (compared case-blind), first spelling kept."""
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(text.lower(), text)
    return list(seen.values())


def glossary_summaries(concepts: dict[str, Concept]) -> dict[str, tuple[str, str]]:
    """id -> (title, one-line summary), as the report wants it."""
    return {cid: (c.title, c.summary) for cid, c in concepts.items()}
