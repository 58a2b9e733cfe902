"""Engine figures without the web server.

    .venv/bin/python bench/bench_engine.py [--json] [--data-dir DIR] [--only concept,interview,...]

- concept:   warm concept-answer latency (Explainer.explain, offline) over tests/data/questions.yaml, and the warm
             query-embedding latency underneath it
- interview: turn latency through Session.handle over whole scripted interviews (the load test's owners), and
             what the web app adds to the verdict turn (the PDF report and the economics chart), warm and cold
- assess:    `pitchcheck assess` on 10,000 generated fact lines: wall time of the CLI process, and whether it
             imported torch (or any other model library)
- retrieval: hit@1 / hit@3 for dense, lexical and fused ranking (chains.retrieval.hit_rates)
- cold_ask:  `pitchcheck ask "what is LoRA?"` in a fresh process, ONNX backend and sentence-transformers backend

The data directory must hold a current ONNX export and index (bench/run.py prepares one; without --data-dir a
temporary copy of the project's is made and brought up to date with `pitchcheck index`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from common import VENV_BIN, clean_env, prepare_data_dir, python, summary_ms  # noqa: E402

PARTS = ("concept", "interview", "assess", "retrieval", "cold_ask")
MODEL_MODULES = ("torch", "transformers", "sentence_transformers", "onnxruntime", "chromadb")


def _settings(data_dir: Path, **overrides):
    from chains.settings import Settings

    return Settings(data_dir=data_dir, llm="off", **overrides)


def _questions() -> list[dict[str, str]]:
    import yaml

    return yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text(encoding="utf-8"))


def _knowledge(data_dir: Path):
    from chains.explain import Explainer
    from chains.knowledge_base import KnowledgeBase

    kb = KnowledgeBase(_settings(data_dir))
    t0 = time.perf_counter()
    if not kb.load_dense(wait=120):
        raise SystemExit(f"dense retrieval did not load: {kb.load_error}")
    return kb, Explainer(kb), time.perf_counter() - t0


# --- concept answers ----------------------------------------------------------------------------------------
def bench_concept(kb, explainer, passes: int = 3) -> dict:
    questions = [item["q"] for item in _questions()]
    for q in questions[:20]:  # warm-up: first calls pay for lazy imports and caches
        explainer.explain(q)
    times, found = [], 0
    for _ in range(passes):
        for q in questions:
            t0 = time.perf_counter()
            answer = explainer.explain(q)
            times.append(time.perf_counter() - t0)
            found += answer.found
    embedder = kb.retriever.embedder
    embed_times = []
    for q in questions:
        t0 = time.perf_counter()
        embedder.embed_query(q)
        embed_times.append(time.perf_counter() - t0)
    return {
        "answer_ms": summary_ms(times),
        "answered_share": round(found / len(times), 4),
        "questions": len(questions),
        "passes": passes,
        "embed_query_ms": summary_ms(embed_times),
        "embedder": type(embedder).__name__,
    }


# --- the interview ------------------------------------------------------------------------------------------
def bench_interview(kb, explainer, interviews: int = 100) -> dict:
    from loadtest import CONCEPT_QUESTION, Owner

    from chains.session import Session

    titles = {cid: c.title for cid, c in kb.concepts.items()}
    settings = kb.settings
    answer_times, concept_times, verdict_times, turns, verdicts = [], [], [], 0, {}
    last_verdict = None
    for i in range(interviews):
        owner = Owner(i)
        answers = owner.answers()
        session = Session(settings, explain=explainer.explain, titles=titles)
        turn = session.start()
        while turn.awaiting:
            text = answers[turn.awaiting["field"]]
            t0 = time.perf_counter()
            turn = session.handle(text)
            elapsed = time.perf_counter() - t0
            (verdict_times if turn.verdict else answer_times).append(elapsed)
            turns += 1
        last_verdict = turn.verdict
        verdicts[turn.verdict["verdict"]] = verdicts.get(turn.verdict["verdict"], 0) + 1
        t0 = time.perf_counter()
        session.handle(CONCEPT_QUESTION)
        concept_times.append(time.perf_counter() - t0)
        turns += 1
    all_turns = answer_times + verdict_times + concept_times
    out = {
        "interviews": interviews,
        "turns": turns,
        "turn_ms": summary_ms(all_turns),
        "question_turn_ms": summary_ms(answer_times),
        "verdict_turn_ms": summary_ms(verdict_times),
        "concept_turn_ms": summary_ms(concept_times),
        "verdicts": verdicts,
    }
    out["web_verdict_extras"] = _verdict_extras(last_verdict, kb)
    return out


def _verdict_extras(verdict: dict, kb) -> dict:
    """What web/chat.py's send_verdict adds on top of Session.handle: the PDF, the Markdown and the chart's JSON.

    Timed in-process, first call (cold: includes importing fpdf2) and then warm. The PDF and Markdown are built
    off the event loop, after the verdict is on screen."""
    from chains.glossary import glossary_summaries
    from chains.report import to_markdown, to_pdf

    glossary = glossary_summaries(kb.concepts)
    out: dict = {}

    def timed(fn, n: int = 10) -> dict:
        t0 = time.perf_counter()
        fn()
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            warm.append(time.perf_counter() - t0)
        return {"cold_ms": round(cold * 1000, 1), "warm_ms_p50": round(statistics.median(warm) * 1000, 1)}

    out["pdf"] = timed(lambda: to_pdf(verdict, glossary))
    out["markdown"] = timed(lambda: to_markdown(verdict, glossary))
    try:
        from web.render import economics_figure  # imports chainlit: seconds, but it is what the web app runs

        out["chart_json"] = timed(lambda: json.dumps(economics_figure(verdict)))
    except Exception as exc:  # pragma: no cover - the figure is a nice-to-have in this benchmark
        out["chart_json"] = {"error": f"{exc.__class__.__name__}: {exc}"}
    return out


# --- assess 10,000 lines ------------------------------------------------------------------------------------
def make_facts(n: int, seed: int = 11) -> list[dict]:
    """Varied fact sets: every field sometimes missing, choices drawn from their values, figures spread widely."""
    from chains.facts import FIELDS

    rng = random.Random(seed)
    rows = []
    for i in range(n):
        facts: dict = {}
        for spec in FIELDS:
            if rng.random() < 0.12:
                continue  # unknown
            if spec.kind == "choice":
                facts[spec.name] = rng.choice(spec.choice_values())
            elif spec.kind == "money":
                facts[spec.name] = rng.choice([0, 500, 4500, 18000, 25000, 120000]) + rng.randint(0, 999)
            elif spec.kind in ("count", "volume"):
                facts[spec.name] = int(10 ** rng.uniform(0, 5))
            else:
                facts[spec.name] = f"Pitch {i}: they'll fine-tune a model on our {rng.choice(['tickets', 'reports', 'emails'])}."
        if rng.random() < 0.2:
            facts["monthly_fee_gbp"] = rng.choice([99, 450, 1200])
        rows.append(facts)
    return rows


def bench_assess(data_dir: Path, n: int = 10_000, runs: int = 3) -> dict:
    env = clean_env(data_dir)
    with tempfile.TemporaryDirectory(prefix="pitchcheck-assess-") as tmp:
        facts_path = Path(tmp) / "facts.jsonl"
        with facts_path.open("w", encoding="utf-8") as fh:
            for row in make_facts(n):
                fh.write(json.dumps(row) + "\n")
        out_path = Path(tmp) / "verdicts.jsonl"
        walls = []
        for _ in range(runs):
            with out_path.open("wb") as out:
                t0 = time.perf_counter()
                proc = subprocess.run(
                    [str(VENV_BIN / "pitchcheck"), "assess", str(facts_path), "--json"],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.PIPE,
                    timeout=300,
                )
                walls.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                raise RuntimeError(f"pitchcheck assess exited {proc.returncode}: {proc.stderr.decode()[-1500:]}")
        lines = out_path.read_text(encoding="utf-8").splitlines()
        verdicts: dict = {}
        for line in lines:
            v = json.loads(line).get("verdict", "error")
            verdicts[v] = verdicts.get(v, 0) + 1
        # The same command in a wrapper that reports what it imported (the timed runs above are the real CLI).
        probe = (
            "import json, sys\nfrom chains.cli import main\n"
            "sys.stdout = open('/dev/null', 'w')\n"
            f"rc = main(['assess', {str(facts_path)!r}, '--json'])\n"
            f"mods = [m for m in {MODEL_MODULES!r} if m in sys.modules]\n"
            "sys.stderr.write(json.dumps({'rc': rc, 'modules': mods}) + '\\n')\n"
        )
        proc = subprocess.run([python(), "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        imported = json.loads(proc.stderr.strip().splitlines()[-1]) if proc.stderr.strip() else {"rc": proc.returncode}
    return {
        "lines": n,
        "output_lines": len(lines),
        "wall_s": round(statistics.median(walls), 3),
        "wall_s_runs": [round(w, 3) for w in walls],
        "lines_per_s": round(n / statistics.median(walls)),
        "verdicts": verdicts,
        "model_modules_imported": imported.get("modules"),
        "torch_imported": "torch" in (imported.get("modules") or []),
    }


# --- retrieval ----------------------------------------------------------------------------------------------
def bench_retrieval(kb) -> dict:
    from chains.retrieval import hit_rates

    questions = _questions()
    out = {}
    for mode in ("dense", "lexical", "fused"):
        rates = hit_rates(kb.retriever, questions, mode)
        out[mode] = {
            "hit@1": round(rates["hit@1"], 4),
            "hit@3": round(rates["hit@3"], 4),
            "n": rates["n"],
            "misses": [{"q": q, "expected": want, "got": got} for q, want, got in rates["misses"]][:12],
        }
    return out


# --- cold `pitchcheck ask` ----------------------------------------------------------------------------------
def bench_cold_ask(data_dir: Path, runs: int = 3, reference_runs: int = 1) -> dict:
    """Median of `runs` for ONNX; the sentence-transformers reference takes tens of seconds, so fewer runs."""
    out = {}
    for backend in ("onnx", "sentence-transformers"):
        env = clean_env(data_dir, {"PITCHCHECK_EMBEDDING_BACKEND": backend})
        walls, ok = [], True
        for _ in range(runs if backend == "onnx" else reference_runs):
            t0 = time.perf_counter()
            proc = subprocess.run(
                [str(VENV_BIN / "pitchcheck"), "ask", "what is LoRA?", "--json"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            walls.append(time.perf_counter() - t0)
            try:
                answer = json.loads(proc.stdout.strip().splitlines()[-1])
                ok = ok and proc.returncode == 0 and any(s["id"] == "lora" for s in answer["sources"])
            except (ValueError, IndexError, KeyError):
                ok = False
        probe = (
            "import json, sys\nfrom chains.cli import main\nsys.stdout = open('/dev/null', 'w')\n"
            "rc = main(['ask', 'what is LoRA?', '--json'])\n"
            f"mods = [m for m in {MODEL_MODULES!r} if m in sys.modules]\n"
            "sys.stderr.write(json.dumps({'rc': rc, 'modules': mods}) + '\\n')\n"
        )
        proc = subprocess.run([python(), "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        try:
            modules = json.loads(proc.stderr.strip().splitlines()[-1]).get("modules")
        except (ValueError, IndexError):
            modules = None
        out[backend] = {
            "wall_s": round(statistics.median(walls), 3),
            "wall_s_runs": [round(w, 3) for w in walls],
            "answered_with_lora_source": ok,
            "model_modules_imported": modules,
        }
    return out


# --- entry --------------------------------------------------------------------------------------------------
def ensure_data_dir(data_dir: Path | None) -> Path:
    if data_dir is not None:
        return data_dir.resolve()
    target = Path(tempfile.mkdtemp(prefix="pitchcheck-bench-"))
    prepare_data_dir(target)
    proc = subprocess.run(
        [str(VENV_BIN / "pitchcheck"), "index"], cwd=ROOT, env=clean_env(target), capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0:
        raise SystemExit(f"pitchcheck index failed: {proc.stderr[-2000:]}")
    return target


def run(data_dir: Path | None = None, parts: tuple[str, ...] = PARTS, interviews: int = 100) -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    data_dir = ensure_data_dir(data_dir)
    report: dict = {"data_dir": str(data_dir)}
    if {"concept", "interview", "retrieval"} & set(parts):
        kb, explainer, load_s = _knowledge(data_dir)
        report["dense_load_s"] = round(load_s, 3)
        if "concept" in parts:
            report["concept"] = bench_concept(kb, explainer)
        if "interview" in parts:
            report["interview"] = bench_interview(kb, explainer, interviews)
        if "retrieval" in parts:
            report["retrieval"] = bench_retrieval(kb)
    if "assess" in parts:
        report["assess"] = bench_assess(data_dir)
    if "cold_ask" in parts:
        report["cold_ask"] = bench_cold_ask(data_dir)
    return report


def print_report(r: dict) -> None:
    if "concept" in r:
        c = r["concept"]
        print(
            f"concept answer (warm, n={c['answer_ms']['n']}): p50 {c['answer_ms']['p50']} ms, p95 {c['answer_ms']['p95']} ms;"
            f" query embedding p50 {c['embed_query_ms']['p50']} ms ({c['embedder']})"
        )
    if "interview" in r:
        i = r["interview"]
        print(
            f"interview turn (Session.handle, {i['turns']} turns): p50 {i['turn_ms']['p50']} ms, "
            f"p95 {i['turn_ms']['p95']} ms; verdict turn p50 {i['verdict_turn_ms']['p50']} ms"
        )
        print(f"  web verdict extras: {json.dumps(i['web_verdict_extras'])}")
    if "assess" in r:
        a = r["assess"]
        print(
            f"assess {a['lines']:,} lines: {a['wall_s']} s ({a['lines_per_s']:,} lines/s), "
            f"model modules imported: {a['model_modules_imported']}"
        )
    if "retrieval" in r:
        for mode, v in r["retrieval"].items():
            print(f"retrieval {mode:8} hit@1 {v['hit@1']:.3f}  hit@3 {v['hit@3']:.3f}  (n={v['n']})")
    if "cold_ask" in r:
        for backend, v in r["cold_ask"].items():
            print(f"cold ask ({backend}): {v['wall_s']} s  runs {v['wall_s_runs']}  imported {v['model_modules_imported']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated: " + ",".join(PARTS))
    parser.add_argument("--interviews", type=int, default=100)
    args = parser.parse_args(argv)
    parts = tuple(p.strip() for p in args.only.split(",") if p.strip())
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    report = run(args.data_dir, parts, args.interviews)
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
