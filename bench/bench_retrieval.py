"""Retrieval figures on both halves of the question pool, for each ranking mode, and the off-topic result.

    .venv/bin/python bench/bench_retrieval.py [--json] [--tune-only] [--misses]

Prints hit@1, hit@3 and MRR for the tuning and held-out halves (chains.scorecard) under dense, lexical and fused
ranking (the tuning half, which is filed as owner questions, with each file's own withheld; the held-out half as
served and so), then how many off-topic questions were answered rather than met with "not found" (all should be
not found), and the warm latency of a concept answer. Only totals are printed: no question of the held-out half
is ever shown (totals per question file included). --tune-only scores the tuning half alone (for choosing changes without looking at the held-out half);
--misses, which implies it, also lists the tuning questions `ask` answers from the wrong entry or not at all.
Needs the index (`pitchcheck index`).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chains import scorecard

MODES = ("dense", "lexical", "fused")


def measure(tune_only: bool = False, misses: bool = False) -> dict:
    from chains.explain import Explainer
    from chains.knowledge_base import KnowledgeBase
    from chains.settings import Settings

    kb = KnowledgeBase(Settings(llm="off"))
    if not kb.load_dense():
        raise SystemExit(f"dense search unavailable: {kb.load_error}")
    halves = scorecard.split(scorecard.question_pool())
    # How each half is scored. The tuning half's questions are filed as owner questions
    # (knowledge/owner-questions.yaml), so it is scored with its own file's withheld, as a new writer would meet the
    # search; the held-out half both as served and in that way.
    runs = (
        {"tune": ("tune", True)}
        if tune_only
        else {"tune": ("tune", True), "held_out": ("held_out", False), "held_out, new writers": ("held_out", True)}
    )
    figures: dict = {"halves": {}, "weights": vars(kb.retriever.weights)}
    ranked: dict[str, list[list[str]]] = {}
    for run, (half, withhold) in runs.items():
        questions = halves[half]
        figures["halves"][run] = {}
        for mode in MODES:
            lists = _each(
                kb, questions, withhold, lambda item, m=mode: [h.concept for h in kb.retriever.search(item["q"], k=10, mode=m)]
            )
            if mode == "fused":
                ranked[run] = lists
            by_text = dict(zip((item["q"] for item in questions), lists, strict=True))
            figures["halves"][run][mode] = scorecard.score(by_text.__getitem__, questions)
    explainer = Explainer(kb)
    offtopic = scorecard.offtopic_questions()
    off_halves = scorecard.offtopic_halves()
    answered_by_half = {half: sum(explainer.explain(q).found for q in qs) for half, qs in off_halves.items()}
    answered = sum(answered_by_half.values())
    # Every answered question of both halves, as `pitchcheck ask` would answer it: found, and listing its concept.
    pool = [item for questions in halves.values() for item in questions]
    ask = {}
    wrong = []
    for run, (half, withhold) in runs.items():
        questions = halves[half]
        answers = list(
            zip(
                (item["id"] for item in questions),
                _each(kb, questions, withhold, lambda item: explainer.explain(item["q"])),
                strict=True,
            )
        )
        if misses and run == "tune":
            wrong = [
                (item["id"], item["q"], [s.id for s in a.sources] or ["not found", *(s.id for s in a.nearest)])
                for item, (_, a) in zip(questions, answers, strict=True)
                if not (a.found and a.sources[0].id == item["id"])
            ]
        ask[run] = {
            "n": len(answers),
            "hit_at_1": sum(a.found and a.sources[0].id == cid for cid, a in answers) / len(answers),
            "hit_at_3": sum(cid in [s.id for s in a.sources] for cid, a in answers) / len(answers),
            "not_found": sum(not a.found for _, a in answers),
        }
        fused = dict(zip((item["q"] for item in questions), ranked[run], strict=True))
        ask[run]["by_file"] = {
            name: {
                "n": len(mine),
                "fused_hit_at_1": scorecard.score(fused.__getitem__, mine)["hit_at_1"],
                "ask_hit_at_1": sum(a.found and a.sources[0].id == cid for cid, a in answered) / len(answered),
                "ask_hit_at_3": sum(cid in [s.id for s in a.sources] for cid, a in answered) / len(answered),
                "not_found": sum(not a.found for _, a in answered),
            }
            for name in scorecard.QUESTION_FILES
            for mine in [[item for item in questions if item["source"] == name]]
            for answered in [[pair for item, pair in zip(questions, answers, strict=True) if item["source"] == name]]
            if mine
        }
    figures["ask_sources"] = ask
    figures["offtopic"] = {
        "n": len(offtopic),
        "answered": answered,
        "by_half": {half: {"n": len(off_halves[half]), "answered": answered_by_half[half]} for half in off_halves},
    }
    if misses:
        figures["tune_misses"] = wrong
        figures["offtopic_answered"] = [q for q in off_halves["tune"] if explainer.explain(q).found]  # never the held-out half
    timings = []
    for item in pool[:60]:
        start = time.perf_counter()
        explainer.explain(item["q"])
        timings.append((time.perf_counter() - start) * 1000)
    figures["warm_answer_ms"] = {
        "p50": round(statistics.median(timings), 1),
        "p95": round(sorted(timings)[int(0.95 * (len(timings) - 1))], 1),
    }
    return figures


def _each(kb, questions, withhold: bool, fn) -> list:
    """fn(item) for each question: as a new writer meets the search (its file's filed questions withheld) or as served."""
    return scorecard.as_new_writer(kb.retriever, questions, fn) if withhold else [fn(item) for item in questions]


def render(figures: dict) -> str:
    lines = ["| half | mode | n | hit@1 | hit@3 | MRR |", "|---|---|---|---|---|---|"]
    for half, modes in figures["halves"].items():
        for mode, f in modes.items():
            lines.append(f"| {half} | {mode} | {f['n']} | {f['hit_at_1']:.3f} | {f['hit_at_3']:.3f} | {f['mrr']:.3f} |")
    lines.append("")
    lines.append("As `pitchcheck ask` lists sources (the concept answered, then up to two more close to it):")
    for half, f in figures["ask_sources"].items():
        lines.append(
            f"- {half}: hit@1 {f['hit_at_1']:.3f}, hit@3 {f['hit_at_3']:.3f}, {f['not_found']} of {f['n']} answered 'not found'"
        )
        for name, g in f["by_file"].items():  # totals per question file (each written by different people)
            lines.append(
                f"  - {name}: n {g['n']}, fused hit@1 {g['fused_hit_at_1']:.3f}; ask hit@1 {g['ask_hit_at_1']:.3f},"
                f" hit@3 {g['ask_hit_at_3']:.3f}, {g['not_found']} 'not found'"
            )
    off = figures["offtopic"]
    halves = "; ".join(f"{h} {x['answered']} of {x['n']}" for h, x in (off.get("by_half") or {}).items())
    lines.append(f"- off-topic: {off['answered']} of {off['n']} answered from the glossary (should be 0; {halves})")
    lines.append(f"- warm concept answer: p50 {figures['warm_answer_ms']['p50']} ms, p95 {figures['warm_answer_ms']['p95']} ms")
    lines.append(f"- fusion weights: {figures['weights']}")
    for cid, question, got in figures.get("tune_misses", []):
        lines.append(f"  miss {cid:<26} {question!r} -> {got}")
    for question in figures.get("offtopic_answered", []):
        lines.append(f"  off-topic answered: {question!r}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    misses = "--misses" in argv
    figures = measure(tune_only=misses or "--tune-only" in argv, misses=misses)
    print(json.dumps(figures, indent=2) if "--json" in argv else render(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
