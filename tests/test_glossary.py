"""The glossary loader: the shipped knowledge base is valid, and every kind of broken file is named."""

from __future__ import annotations

import textwrap

import pytest

from chains.glossary import (
    ASKED,
    NAME,
    OWNER_QUESTIONS,
    QUESTION,
    SECTION,
    SECTIONS,
    GlossaryError,
    asked_id,
    chunks,
    load_glossary,
)
from chains.settings import PROJECT_ROOT

REQUIRED_IDS = [
    "fine-tuning",
    "base-model",
    "training-data",
    "lora",
    "catastrophic-forgetting",
    "prompt-engineering",
    "rag",
    "few-shot-prompting",
    "overfitting",
    "data-audit",
    "data-curation",
    "evaluation",
    "model-customisation",
    "tokens",
    "training-cost",
    "hosting-cost",
    "output-consistency",
    "embeddings",
    "vector-database",
    "knowledge-currency",
    "retraining",
    "personal-data",
    "eu-ai-act",
    "auditability",
    "hallucination",
    "context-window",
    "vendor-lock-in",
    "model-deprecation",
    "distillation",
    "open-weight-models",
]


def test_shipped_glossary_is_valid_and_complete():
    concepts = load_glossary(PROJECT_ROOT / "knowledge")
    assert len(concepts) >= 30
    assert set(REQUIRED_IDS) <= set(concepts)
    for concept in concepts.values():
        assert concept.path.stem == concept.id
        assert concept.aliases, f"{concept.id} has no aliases"
        assert concept.sources
        assert concept.summary.endswith((".", "!", "?"))


def test_every_section_name_and_question_is_a_chunk():
    concepts = load_glossary(PROJECT_ROOT / "knowledge")
    all_chunks = chunks(concepts)
    assert len({c.id for c in all_chunks}) == len(all_chunks)
    for concept in concepts.values():
        mine = [c for c in all_chunks if c.concept == concept.id]
        assert sorted(c.section for c in mine if c.kind == SECTION) == sorted(SECTIONS.values())
        assert {c.text for c in mine if c.kind == NAME} == {concept.title, *concept.aliases}
        assert [c.text for c in mine if c.kind == QUESTION] == list(concept.questions)


def test_every_entry_lists_questions_an_owner_would_ask():
    concepts = load_glossary(PROJECT_ROOT / "knowledge")
    for concept in concepts.values():
        assert len(concept.questions) >= 6, concept.id
        assert all(q.endswith("?") for q in concept.questions), concept.id  # asked as an owner would
    # A question answers one entry: the same words under two entries would pull both ways.
    seen = [q.lower() for c in concepts.values() for q in c.questions]
    assert len(seen) == len(set(seen))


def test_a_question_chunk_embeds_the_question_alone():
    concepts = load_glossary(PROJECT_ROOT / "knowledge")
    question = next(c for c in chunks(concepts) if c.kind == QUESTION)
    section = next(c for c in chunks(concepts) if c.kind == SECTION)
    assert question.embedding_text() == question.text
    assert section.title in section.embedding_text() and section.text in section.embedding_text()


def _write(folder, name, text):
    (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


GOOD = """
---
id: {id}
title: {title}
aliases: [one, two]
related: [{related}]
---
## What it is
A thing.

## Why it matters for your business
It costs money.

## What to ask the vendor
- How much?

## Watch out for
Hidden fees.

Sources: the fine-tuning guide.
"""


def test_valid_pair_loads(tmp_path):
    _write(tmp_path, "a.md", GOOD.format(id="a", title="A", related="b"))
    _write(tmp_path, "b.md", GOOD.format(id="b", title="B", related="a"))
    concepts = load_glossary(tmp_path)
    assert concepts["a"].sections["watch"] == "Hidden fees."
    assert concepts["a"].sources == "the fine-tuning guide."
    assert concepts["a"].questions == ()  # questions are optional


def test_owner_questions_are_filed_under_their_entries_and_searched_as_questions(tmp_path):
    _write(tmp_path, "a.md", GOOD.format(id="a", title="A", related=""))
    (tmp_path / OWNER_QUESTIONS).write_text('a:\n  - " how much does it cost to run "\n  - "is it safe?"\n', encoding="utf-8")
    concepts = load_glossary(tmp_path)
    assert concepts["a"].asked == ("how much does it cost to run", "is it safe?")
    asked = [c for c in chunks(concepts) if c.kind == ASKED]
    assert [c.text for c in asked] == ["how much does it cost to run", "is it safe?"]
    assert asked[0].id == asked_id("a", "How much does it cost to run")  # from the words, case-blind


def test_owner_questions_for_an_entry_taken_out_are_left_out(tmp_path, caplog):
    _write(tmp_path, "a.md", GOOD.format(id="a", title="A", related=""))
    (tmp_path / OWNER_QUESTIONS).write_text("a:\n  - is it safe?\nb:\n  - is it cheap?\n", encoding="utf-8")
    concepts = load_glossary(tmp_path)
    assert list(concepts) == ["a"] and concepts["a"].asked == ("is it safe?",)
    assert "entry 'b' is not in the glossary" in caplog.text


@pytest.mark.parametrize(
    "body, problem",
    [
        ("a: is it safe?\n", "must map each entry id"),
        ("a: [\n", "cannot be read"),
    ],
)
def test_a_broken_owner_questions_file_names_the_problem(tmp_path, body, problem):
    _write(tmp_path, "a.md", GOOD.format(id="a", title="A", related=""))
    (tmp_path / OWNER_QUESTIONS).write_text(body, encoding="utf-8")
    with pytest.raises(GlossaryError, match=problem):
        load_glossary(tmp_path)


def test_questions_are_read_from_the_front_matter(tmp_path):
    text = GOOD.format(id="a", title="A", related="").replace(
        "related: []\n", 'related: []\nquestions:\n  - "How much will it cost?"\n  - " Is it worth it? "\n'
    )
    _write(tmp_path, "a.md", text)
    assert load_glossary(tmp_path)["a"].questions == ("How much will it cost?", "Is it worth it?")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.format(id="a", title="A", related="").replace("title: A\n", ""), "field 'title' is missing"),
        (GOOD.format(id="a", title="A", related="").replace("aliases: [one, two]\n", ""), "field 'aliases' is missing"),
        (GOOD.format(id="a", title="A", related="nowhere"), "related id 'nowhere' does not exist"),
        (GOOD.format(id="a", title="A", related="").replace("Hidden fees.", ""), "section '## Watch out for' is empty"),
        (
            GOOD.format(id="a", title="A", related="").replace("## What to ask the vendor\n- How much?\n", ""),
            "section '## What to ask the vendor' is missing",
        ),
        (GOOD.format(id="a", title="A", related="").replace("Sources: the fine-tuning guide.", ""), "'Sources:' line is missing"),
        (GOOD.format(id="Not A Slug", title="A", related=""), "is not a lowercase-hyphen slug"),
        (
            GOOD.format(id="a", title="A", related="").replace("aliases: [one, two]", "aliases: [one, two"),
            "front matter cannot be read",
        ),
        (GOOD.format(id="a", title="A", related="").replace("## Watch out for", "## Random heading"), "unexpected section"),
        (
            GOOD.format(id="a", title="A", related="").replace("related: []", "related: []\nquestions: how much?"),
            "field 'questions' must be a list of strings",
        ),
    ],
)
def test_broken_file_is_named_with_its_problem(tmp_path, text, problem):
    _write(tmp_path, "broken.md", text)
    with pytest.raises(GlossaryError) as err:
        load_glossary(tmp_path)
    assert "broken.md" in str(err.value)
    assert problem in str(err.value)


def test_duplicate_ids_are_named(tmp_path):
    _write(tmp_path, "a.md", GOOD.format(id="same", title="A", related=""))
    _write(tmp_path, "b.md", GOOD.format(id="same", title="B", related=""))
    with pytest.raises(GlossaryError, match=r"b\.md: id 'same' is already used by a\.md"):
        load_glossary(tmp_path)


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(GlossaryError, match="no concept files"):
        load_glossary(tmp_path)
