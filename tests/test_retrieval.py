"""Retrieval quality on the held-out half of the lay questions, honest 'not found' answers, and query repair."""

from __future__ import annotations

import pytest

from chains import scorecard
from chains.explain import NEAR_SHARE, Explainer
from chains.knowledge_base import KnowledgeBase
from chains.retrieval import tokenize
from chains.settings import Settings

POOL = scorecard.question_pool()
HALVES = scorecard.split(POOL)
OFFTOPIC = scorecard.offtopic_questions()

# Floors held by CI on the held-out half (bench/bench_retrieval.py prints the current figures: 0.90 and 0.97).
HELD_OUT_HIT1_FLOOR = 0.89
HELD_OUT_HIT3_FLOOR = 0.96
# How far the held-out half may trail the tuning half (scored as a new writer, its own file's filed questions
# withheld): a wider gap means the tuning fitted its own questions.
MAX_GAP = 0.05


def ranked(kb, mode="fused"):
    return lambda question: [h.concept for h in kb.retriever.search(question, k=10, mode=mode)]


@pytest.fixture(scope="module")
def held_out_rankings(knowledge_base):
    """mode -> question -> concepts best first, for the held-out half: one search per question serves all three
    rankings, as `search(mode=...)` would give them (dense alone, BM25 alone, or fused)."""
    from chains.retrieval import rank

    retriever = knowledge_base.retriever
    rankings: dict[str, dict[str, list[str]]] = {"fused": {}, "dense": {}, "lexical": {}}
    for item in HALVES["held_out"]:
        dense, lexical = retriever.evidence(item["q"])
        for mode, (d, lex) in {"fused": (dense, lexical), "dense": (dense, {}), "lexical": ({}, lexical)}.items():
            hits = rank(retriever.concepts, d, lex, retriever.weights, retriever.settings.dense_weight, 10)
            rankings[mode][item["q"]] = [h.concept for h in hits]
    return rankings


def test_one_search_gives_each_mode_the_ranking_its_own_search_does(knowledge_base, held_out_rankings):
    for item in HALVES["held_out"][:25]:
        for mode in ("fused", "dense", "lexical"):
            assert held_out_rankings[mode][item["q"]] == ranked(knowledge_base, mode)(item["q"]), (mode, item["q"])


def test_pool_covers_every_concept_in_both_halves(knowledge_base):
    for half in HALVES.values():
        assert {item["id"] for item in half} == set(knowledge_base.concepts)
    assert len(POOL) >= 850 and abs(len(HALVES["tune"]) - len(HALVES["held_out"])) < len(POOL) // 5


def test_questions_no_entry_answers_join_the_off_topic_ones(tmp_path):
    # Each question file holds one answered question and one that no entry answers; the off-topic files one each.
    for n, name in enumerate(scorecard.QUESTION_FILES):
        (tmp_path / name).write_text(f'- q: "what is lora {n}?"\n  id: lora\n- q: "where can I park {n}?"\n  id: none\n')
    for name in scorecard.OFFTOPIC_FILES:
        (tmp_path / name).write_text(f'- "how do I bleed a radiator ({name})?"\n', encoding="utf-8")
    pool = scorecard.question_pool(tmp_path)
    assert [(item["id"], item["source"]) for item in pool] == [("lora", name) for name in scorecard.QUESTION_FILES]
    assert scorecard.offtopic_questions(tmp_path) == [
        *(f"how do I bleed a radiator ({name})?" for name in scorecard.OFFTOPIC_FILES),
        *(f"where can I park {n}?" for n in range(len(scorecard.QUESTION_FILES))),
    ]


def test_split_is_fixed_by_the_question_text():
    question = POOL[0]["q"]
    assert scorecard.half_of(question) == scorecard.half_of(f"  {question} ")
    assert {scorecard.half_of(item["q"]) for item in POOL} == {"tune", "held_out"}


def test_held_out_half_holds_the_floor(knowledge_base, held_out_rankings):
    held = scorecard.score(held_out_rankings["fused"].__getitem__, HALVES["held_out"])
    search = ranked(knowledge_base)
    lists = scorecard.as_new_writer(knowledge_base.retriever, HALVES["tune"], lambda item: search(item["q"]))
    by_text = dict(zip((item["q"] for item in HALVES["tune"]), lists, strict=True))
    tune = scorecard.score(by_text.__getitem__, HALVES["tune"])
    assert held["hit_at_1"] >= HELD_OUT_HIT1_FLOOR, held
    assert held["hit_at_3"] >= HELD_OUT_HIT3_FLOOR, held
    assert abs(tune["hit_at_1"] - held["hit_at_1"]) <= MAX_GAP, (tune, held)


def test_owner_questions_file_the_tuning_half_and_never_the_held_out_one(knowledge_base):
    # knowledge/owner-questions.yaml is regenerated from the pool (bench/tune_retrieval.py --examples): it must be
    # current, and no held-out question may be searched through its own copy.
    filed = {cid: list(c.asked) for cid, c in knowledge_base.concepts.items() if c.asked}
    assert filed == scorecard.owner_questions()
    held_out = {scorecard.same_words(item["q"]) for item in HALVES["held_out"]}
    assert not held_out & {scorecard.same_words(q) for qs in filed.values() for q in qs}  # nor its near twin


def test_a_withheld_owner_question_no_longer_finds_its_entry_through_itself(knowledge_base):
    retriever = knowledge_base.retriever
    concept = next(c for c in knowledge_base.concepts.values() if len(c.asked) >= 3)
    question = concept.asked[0]
    served = retriever.evidence(question)[0][concept.id].question
    with retriever.withholding([question]):
        withheld = retriever.evidence(question)[0][concept.id].question
    assert withheld < served - 0.05  # its own copy, matched nearly word for word, no longer counts
    assert retriever.evidence(question)[0][concept.id].question == served  # nothing stays withheld afterwards


def test_fused_beats_either_ranking_alone_on_held_out_questions(held_out_rankings):
    figures = {
        mode: scorecard.score(held_out_rankings[mode].__getitem__, HALVES["held_out"])["mrr"]
        for mode in ("fused", "dense", "lexical")
    }
    assert figures["fused"] > max(figures["dense"], figures["lexical"]), figures


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("will it forget how to write normally?", "catastrophic-forgetting"),
        ("could the training make it worse at everything else?", "catastrophic-forgetting"),
        ("do they use PEFT or train every weight?", "lora"),
        ("wat does inferance meen", "inference"),
        ("how much 2 keep it runing each month", "hosting-cost"),
        ("can it categorize tickets by topic?", "classification"),
        ("is grounding the same as training it on our files?", "rag"),
        ("Explain LoRA in plain English", "lora"),  # the web app's own suggestion
    ],
)
def test_lay_words_typos_and_jargon_find_the_concept(knowledge_base, question, concept):
    assert knowledge_base.retriever.search(question, k=1)[0].concept == concept


def test_one_result_per_concept(knowledge_base):
    hits = knowledge_base.retriever.search("how much will it cost to train and run?", k=5)
    assert len({h.concept for h in hits}) == len(hits) == 5


# The one off-topic question still answered from the glossary (vendor lock-in): lock-in on an energy contract reads,
# word for word, like an owner likening a vendor's terms to their own contracts ("is this like a phone contract where
# we're tied in?"), which should be answered; every way tried of telling them apart also lost such questions.
KNOWN_ANSWERED = ["what does lock-in mean on my business energy contract"]


# The held-out half's off-topic questions are only ever counted, never read while tuning: four of them, from the two
# newest writers, were still answered when their files were added (bench/bench_retrieval.py prints the count).
HELD_OUT_OFFTOPIC_ANSWERED_AT_MOST = 4


def test_every_off_topic_question_gets_not_found_with_nearest_topics(knowledge_base):
    explainer = Explainer(knowledge_base)
    halves = scorecard.offtopic_halves()
    answers = {q: explainer.explain(q) for q in OFFTOPIC}
    assert len(OFFTOPIC) >= 80 and sorted(OFFTOPIC) == sorted(halves["tune"] + halves["held_out"])
    assert [q for q in halves["tune"] if answers[q].found] == KNOWN_ANSWERED
    assert sum(answers[q].found for q in halves["held_out"]) <= HELD_OUT_OFFTOPIC_ANSWERED_AT_MOST
    assert all(a.sources == [] and "nearest topics" in a.text for a in answers.values() if not a.found)


def test_answer_lists_up_to_three_sources_best_first(knowledge_base):
    explainer = Explainer(knowledge_base)
    answer = explainer.explain("how much does it cost each month to keep a customised model running?")
    hits = knowledge_base.retriever.search(answer.question, k=5)
    ids = [s.id for s in answer.sources]
    assert answer.found and 1 <= len(ids) <= 3
    assert ids == [h.concept for h in hits[: len(ids)]]  # the concept answered, then the next nearest
    assert answer.sources[0].score >= explainer.threshold(hits)
    assert all(s.score >= NEAR_SHARE * answer.sources[0].score for s in answer.sources[1:])
    assert ids[0] == "hosting-cost"


def test_lexical_search_works_before_the_model_loads():
    kb = KnowledgeBase(Settings(llm="off"))
    assert not kb.dense_ready and kb.loaded_embedder() is None
    for question, concept in [("what is low-rank adaptation?", "lora"), ("Explain LoRA in plain English", "lora")]:
        assert kb.retriever.search(question, k=3)[0].concept == concept


def test_loaded_embedder_is_there_once_dense_search_is(knowledge_base):
    assert knowledge_base.loaded_embedder() is knowledge_base.retriever.embedder is not None


def test_tokenize_keeps_hyphenated_terms_and_parts():
    assert tokenize("What's fine-tuning?") == ["fine-tuning", "fine", "tuning"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("wat r paramaters", "what are parameters"),
        ("can we customize the behavior", "can we customise the behaviour"),
        ("how much per msg", "how much per message"),
        ("is it realy needed", "is it really needed"),
        ("fine tunning", "fine tuning"),  # a doubled letter typed once too often, not "running"
        ("opne weights model", "open weights model"),  # two letters swapped, not "one"
        ("finetunning our model", "fine-tuning our model"),  # run together and misspelt
        ("retrainning", "retraining"),
        ("running costs", "running costs"),
        ("why does the AI make stuff up", "why does the ai make stuff up hallucination making things up"),
    ],
)
def test_questions_are_put_into_the_glossary_words(knowledge_base, typed, meant):
    assert knowledge_base.retriever.vocabulary.normalise(typed) == meant


def test_the_embedder_reads_the_question_with_its_punctuation(knowledge_base):
    normalise = knowledge_base.retriever.vocabulary.normalise
    typed = "We're a small clinic. Is the over fitting risk realy that bad?"
    assert normalise(typed, punctuated=True) == "we're a small clinic. is the overfitting risk really that bad?"
    assert normalise(typed, punctuated=True).replace(".", "").replace("?", "") == normalise(typed)


def test_vendor_jargon_is_glossed_and_ordinary_words_are_left_alone(knowledge_base):
    normalise = knowledge_base.retriever.vocabulary.normalise
    assert "lora" in normalise("Do you use PEFT?").split()
    assert "system prompt" in normalise("is it just a custom GPT?")
    assert normalise("how do I bleed a radiator?") == "how do i bleed a radiator"
