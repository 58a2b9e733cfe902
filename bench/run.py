"""Every Pitchcheck benchmark in one go (`make bench`): writes docs/BENCHMARKS.md and prints a summary.

    .venv/bin/python bench/run.py [--sessions 50] [--quick] [--skip part,...] [--json] [--no-write]

All in this one run, so the figures can be compared with each other (the machine is shared and noisy: compare
ratios within a run, not absolute figures across runs):

- the machine: CPU, cores, RAM, the load average before each part, key package versions
- the first page: launch to HTTP 200 on / for the app and the bare echo app, interleaved (bench/measure.py)
- the 50-visitor burst and the paced load against the app, the anchor (same data layer and guest sign-in) and the
  bare echo app (bench/loadtest.py), with the server's CPU per message
- two app instances behind nginx with PostgreSQL and a Chroma server (bench/cluster.py)
- the engine (bench/bench_engine.py), interview answers (bench/answer_eval.py), retrieval per half and mode
  (bench/bench_retrieval.py), the pitch set (bench/pitch_set.py), the audit of 100,000 rows (bench/bench_audit.py),
  crash and resume (bench/crash_resume.py --loops 20) and the embedding backends (bench/bench_embeddings.py)

Measuring is in bench/measure.py and bench/cluster.py, the targets and the reading of misses in bench/analysis.py,
the document in bench/document.py. Child Pythons share a private bytecode cache (PYTHONPYCACHEPREFIX) so start-up
figures are those of an installed app that has run once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import analysis  # noqa: E402
import document  # noqa: E402
import measure  # noqa: E402
from common import machine, prepare_data_dir  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
PARTS = (
    "startup",
    "nobytecode",
    "load",
    "st",
    "cluster",
    "engine",
    "answers",
    "retrieval",
    "pitches",
    "audit",
    "crash",
    "embeddings",
)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def step(r: dict, name: str, fn: Callable[[], Any]) -> Any:
    """Run one part; a failure is recorded in the report and the run carries on."""
    log(f"{name}...")
    r.setdefault("load_by_part", {})[name] = round(os.getloadavg()[0], 2)
    t0 = time.perf_counter()
    try:
        value = fn()
        r.setdefault("timings_s", {})[name] = round(time.perf_counter() - t0, 1)
        return value
    except Exception as exc:
        r.setdefault("failures", {})[name] = f"{exc.__class__.__name__}: {exc}"[:2000]
        log(f"{name} FAILED: {exc.__class__.__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
        return None


def measure_all(args: argparse.Namespace, skip: set[str]) -> dict:
    started = time.perf_counter()
    r: dict = {
        "sessions": args.sessions,
        "think_s": measure.THINK_S,
        "rss_questions": measure.RSS_QUESTIONS,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    r["bytecode"] = measure.bytecode_setup(Path(tempfile.gettempdir()) / "pitchcheck-bench-pycache")
    work = Path(tempfile.mkdtemp(prefix="pitchcheck-bench-"))
    data = work / "data"
    try:
        r["setup"] = step(r, "setup", lambda: measure.prepare(data))
        if r["setup"] is None:
            raise SystemExit("could not prepare a data directory; see above")

        def copy(name: str) -> Path:
            return prepare_data_dir(work / name, source=data)

        history = step(r, "prime", lambda: measure.prime(copy("prime")))
        if "nobytecode" not in skip:
            r["no_bytecode"] = step(r, "no_bytecode", lambda: measure.startup_no_bytecode(copy("nopyc"), history))
        if "startup" not in skip:
            r["startup"] = step(r, "startup", lambda: measure.startup(copy("startup"), args.startup_reps, history))
            r["first_page_profile"] = step(r, "first_page_profile", lambda: measure.first_page_profile(copy("imports"), history))
        if "load" not in skip:
            r["app_load"] = step(r, "app_load", lambda: measure.app_memory_and_load(copy("load-app"), args.sessions))
            per_session = analysis.get(r, "app_load", "load", "messages_per_session")
            messages = max(1, round(per_session)) if per_session else 13
            r["anchor_load"] = step(
                r, "anchor_load", lambda: measure.baseline_load(measure.ANCHOR_APP, copy("load-anchor"), args.sessions, messages)
            )
            r["anchor_steady_load"] = step(
                r,
                "anchor_steady_load",
                lambda: measure.baseline_load(
                    measure.ANCHOR_APP,
                    copy("load-anchor-steady"),
                    args.sessions,
                    messages,
                    extra_env={"PITCHCHECK_ANCHOR_STEADY_CLOCK": "1"},
                ),
            )
            r["echo_load"] = step(
                r,
                "echo_load",
                lambda: measure.baseline_load(measure.ECHO_APP, copy("load-echo"), args.sessions, messages, paced=False),
            )
        if "cluster" not in skip:
            r["cluster"] = step(r, "cluster", lambda: measure.cluster(data, args.sessions, work / "cluster"))
        if "st" not in skip:
            r["st_memory"] = step(
                r, "st_memory", lambda: measure.app_memory_and_load(copy("st"), 0, "sentence-transformers", load=False)
            )
        if "engine" not in skip:
            r["engine"] = step(r, "engine", lambda: measure.engine(data, args.interviews))
        if "answers" not in skip:
            r["answer_eval"] = step(r, "answer_eval", lambda: measure.text_lines("answer_eval.py", data))
        if "retrieval" not in skip:
            r["retrieval"] = step(r, "retrieval", lambda: measure.retrieval(data))
        if "pitches" not in skip:
            r["pitch_set"] = step(r, "pitch_set", lambda: measure.text_lines("pitch_set.py", data))
        if "audit" not in skip:
            r["audit"] = step(r, "audit", lambda: measure.audit(data, args.audit_rows))
        if "crash" not in skip:
            r["crash_resume"] = step(r, "crash_resume", lambda: measure.crash_resume(data, args.crash_loops))
        if "embeddings" not in skip:
            r["embeddings"] = step(r, "embeddings", lambda: measure.embeddings(data))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    r["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    r["wall_s"] = time.perf_counter() - started
    r["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return r


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50, help="visitors at once in the loads")
    parser.add_argument("--startup-reps", type=int, default=3)
    parser.add_argument("--audit-rows", type=int, default=100_000)
    parser.add_argument("--crash-loops", type=int, default=20)
    parser.add_argument("--interviews", type=int, default=100, help="scripted interviews through Session.handle")
    parser.add_argument("--quick", action="store_true", help="10 visitors, 1 start-up pair, 5,000 audit rows, 3 crashes")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: " + ",".join(PARTS))
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON on stdout")
    parser.add_argument("--no-write", action="store_true", help=f"do not rewrite {DOC.relative_to(ROOT)}")
    parser.add_argument("--out", type=Path, default=DOC)
    parser.add_argument(
        "--from-json", type=Path, default=None, help="re-render the document from a report saved with --json (no measuring)"
    )
    args = parser.parse_args(argv)
    if args.from_json:
        r = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        if args.quick:
            args.sessions, args.startup_reps, args.audit_rows, args.interviews, args.crash_loops = 10, 1, 5_000, 30, 3
        skip = {s.strip() for s in args.skip.split(",") if s.strip()}
        unknown = skip - set(PARTS)
        if unknown:
            parser.error(f"unknown part(s) to skip: {', '.join(sorted(unknown))}; the parts are {', '.join(PARTS)}")
        r = measure_all(args, skip)
    rows = analysis.targets(r)
    r["targets"] = rows
    if not args.no_write:
        document.write(r, rows, analysis.notes(r, rows), args.out)
        log(f"wrote {args.out}")
    print(json.dumps(r, default=str) if args.json else document.summary(r, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
