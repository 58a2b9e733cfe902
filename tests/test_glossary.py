"""The glossary loader: the shipped knowledge base is valid, and every kind of broken file is named."""

from __future__ import annotations

import textwrap

import pytest

from chains.glossary import SECTIONS, GlossaryError, chunks, load_glossary
from chains.settings import PROJECT_ROOT

REQUIRED_IDS = """fine-tuning base-model training-data lora catastrophic-forgetting prompt-engineering rag
few-shot-prompting overfitting data-audit data-curation evaluation model-customisation tokens training-cost
hosting-cost output-consistency embeddings vector-database knowledge-currency retraining personal-data eu-ai-act
auditability hallucination context-window vendor-lock-in model-deprecation distillation open-weight-models""".split()


def test_shipped_glossary_is_valid_and_complete():
    concepts = load_glossary(PROJECT_ROOT / "knowledge")
    assert len(concepts) >= 30
    assert set(REQUIRED_IDS) <= set(concepts)
    for concept in concepts.values():
        assert concept.path.stem == concept.id
        assert concept.aliases, f"{concept.id} has no aliases"
        assert concept.sources
        assert concept.summary.endswith((".", "!", "?"))


def test_one_chunk_per_section():
    concepts = load_glossary(PROJECT_ROOT / "knowledge")
    all_chunks = chunks(concepts)
    assert len(all_chunks) == len(concepts) * len(SECTIONS)
    assert len({c.id for c in all_chunks}) == len(all_chunks)


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


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.format(id="a", title="A", related="").replace("title: A\n", ""), "field 'title' is missing"),
        (GOOD.format(id="a", title="A", related="").replace("aliases: [one, two]\n", ""), "field 'aliases' is missing"),
        (GOOD.format(id="a", title="A", related="nowhere"), "related id 'nowhere' does not exist"),
        (GOOD.format(id="a", title="A", related="").replace("Hidden fees.", ""), "section '## Watch out for' is empty"),
        (GOOD.format(id="a", title="A", related="").replace("## What to ask the vendor\n- How much?\n", ""),
         "section '## What to ask the vendor' is missing"),
        (GOOD.format(id="a", title="A", related="").replace("Sources: the fine-tuning guide.", ""), "'Sources:' line is missing"),
        (GOOD.format(id="Not A Slug", title="A", related=""), "is not a lowercase-hyphen slug"),
        (GOOD.format(id="a", title="A", related="").replace("aliases: [one, two]", "aliases: [one, two"), "front matter cannot be read"),
        (GOOD.format(id="a", title="A", related="").replace("## Watch out for", "## Random heading"), "unexpected section"),
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
    with pytest.raises(GlossaryError, match="b.md: id 'same' is already used by a.md"):
        load_glossary(tmp_path)


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(GlossaryError, match="no concept files"):
        load_glossary(tmp_path)
