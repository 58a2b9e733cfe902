"""Every Pitchcheck benchmark in one go (`make bench`): writes docs/BENCHMARKS.md and prints a summary.

    .venv/bin/python bench/run.py [--sessions 50] [--quick] [--json] [--no-write]

What it measures, all in this one run so the figures can be compared with each other (the machine is shared and
noisy: compare ratios within a run, not absolute figures across runs):

- the machine: CPU, cores, RAM, load, Python and key package versions
- web start-up: seconds from launching `chainlit run` to HTTP 200 on /, and to the first answer over socket.io, for
  the real app and for the bare echo app (bench/echo_app.py), interleaved, as a ratio; once more without a bytecode
  cache (how this sandbox runs by default: PYTHONDONTWRITEBYTECODE=1 and a venv installed without .pyc files)
- warm concept-answer latency, interview turn latency, retrieval hit rates, `pitchcheck assess` on 10,000 lines,
  cold `pitchcheck ask` (ONNX and sentence-transformers): bench/bench_engine.py
- turn latency under N concurrent sessions (bench/loadtest.py) for the app and the echo app, as a ratio
- the server's RSS: after answering questions (ONNX backend, and sentence-transformers backend), and its peak under load
- the data audit on 100,000 rows (bench/bench_audit.py) and the embedding backends (bench/bench_embeddings.py)

Servers run on 127.0.0.1 with a private copy of the data directory; every process started here is stopped by its
own process group id. Child Pythons share a private bytecode cache (PYTHONPYCACHEPREFIX) so cold-start figures are
those of an installed app that has run once, not of compiling the whole venv from source every time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _p in (str(ROOT), str(BENCH)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import common  # noqa: E402
import loadtest  # noqa: E402
from common import chainlit_server, clean_env, machine, prepare_data_dir, python, run_json  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
APP = "app.py"
ECHO_APP = "bench/echo_app.py"
RSS_QUESTIONS = [
    "what is LoRA?", "what is RAG?", "will it forget how to write?", "what does training data mean?",
    "how much does hosting cost?", "what is catastrophic forgetting?", "what is a base model?",
    "what is an embedding?",
]
LOG_PROBLEMS = {"database is locked": "database is locked", "ERROR lines": " - ERROR - ", "tracebacks": "Traceback"}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def step(results: dict, name: str, fn: Callable[[], Any]) -> Any:
    """Run one part; a failure is recorded in the report and the run carries on."""
    log(f"{name}...")
    t0 = time.perf_counter()
    try:
        value = fn()
        results.setdefault("timings_s", {})[name] = round(time.perf_counter() - t0, 1)
        return value
    except Exception as exc:
        results.setdefault("failures", {})[name] = f"{exc.__class__.__name__}: {exc}"[:2000]
        log(f"{name} FAILED: {exc.__class__.__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
        return None


# --- environment --------------------------------------------------------------------------------------------
def bytecode_setup(cache: Path) -> dict:
    """Child processes read and write .pyc files in a private cache, whatever this shell says."""
    venv_site = next((ROOT / ".venv" / "lib").glob("python*/site-packages"), None)
    pyc = sum(1 for _ in venv_site.rglob("*.pyc")) if venv_site else 0
    info = {"PYTHONDONTWRITEBYTECODE_in_env": os.environ.get("PYTHONDONTWRITEBYTECODE"),
            "venv_pyc_files": pyc, "pycache_prefix": str(cache)}
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
    return info


def no_bytecode_env(base: Path) -> dict[str, str]:
    """As this sandbox runs by default: nothing cached, nothing written (an empty prefix dir is never filled)."""
    empty = base / "no-pycache"
    empty.mkdir(parents=True, exist_ok=True)
    return {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(empty)}


def prepare(data_dir: Path) -> dict:
    prepare_data_dir(data_dir)
    t0 = time.perf_counter()
    proc = subprocess.run([str(common.VENV_BIN / "pitchcheck"), "-v", "index"], cwd=ROOT, env=clean_env(data_dir),
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"pitchcheck index failed: {proc.stderr[-2000:]}")
    return {"data_dir": str(data_dir), "index_s": round(time.perf_counter() - t0, 1),
            "index_output": proc.stdout.strip()[-300:],
            "exported_onnx": "xport" in proc.stderr and "ONNX" in proc.stderr}


def prime(data_dir: Path) -> None:
    """Fill the bytecode cache: one untimed run of each command and server measured below."""
    env = clean_env(data_dir)
    subprocess.run([str(common.VENV_BIN / "pitchcheck"), "ask", "what is LoRA?"], cwd=ROOT, env=env,
                   capture_output=True, timeout=600)
    for app in (APP, ECHO_APP):
        with chainlit_server(app, data_dir / ("prime-" + Path(app).stem), log_name="prime.log"):
            pass


def log_problems(text: str) -> dict:
    return {name: text.count(marker) for name, marker in LOG_PROBLEMS.items()}


def log_samples(text: str, limit: int = 4) -> list[str]:
    """The first few distinct problem lines of a server log, for the report."""
    out: list[str] = []
    for line in text.splitlines():
        if any(marker in line for marker in LOG_PROBLEMS.values()) or " - WARNING - " in line:
            short = re.sub(r"\s+", " ", line.strip())[:240]
            if short not in out:
                out.append(short)
        if len(out) >= limit:
            break
    return out


# --- web start-up -------------------------------------------------------------------------------------------
def one_startup(app: str, data_dir: Path, extra_env: dict | None = None) -> dict:
    mode = "interview" if app == APP else "echo"
    with chainlit_server(app, data_dir, extra_env=extra_env) as server:
        answers = asyncio.run(loadtest.ask(server.url, ["what is LoRA?"], mode))
        first_answer = answers[0]["arrived"] - server.launched_at
        ok = ("LoRA" in answers[0]["text"]) if mode == "interview" else answers[0]["text"].startswith("Echo:")
        return {"first_page_s": round(server.first_page_s, 3), "first_answer_s": round(first_answer, 3),
                "answer_ok": ok, "rss_mb": server.rss_mb()}


def startup(data_dir: Path, reps: int) -> dict:
    runs: dict[str, list[dict]] = {"app": [], "echo": []}
    for rep in range(reps):  # interleaved, so drifting machine load hits both alike
        for name, app in (("echo", ECHO_APP), ("app", APP)):
            runs[name].append(one_startup(app, data_dir / f"startup-{name}-{rep}"))
    return summarise_startup(runs)


def summarise_startup(runs: dict[str, list[dict]]) -> dict:
    out: dict = {"runs": runs}
    for name, rs in runs.items():
        out[name] = {k: round(statistics.median(r[k] for r in rs), 3) for k in ("first_page_s", "first_answer_s")}
        out[name]["answers_ok"] = all(r["answer_ok"] for r in rs)
    out["first_page_ratio"] = round(out["app"]["first_page_s"] / out["echo"]["first_page_s"], 3)
    out["first_answer_ratio"] = round(out["app"]["first_answer_s"] / out["echo"]["first_answer_s"], 3)
    return out


def startup_no_bytecode(data_dir: Path) -> dict:
    env = no_bytecode_env(data_dir)
    runs = {"echo": [one_startup(ECHO_APP, data_dir / "nopyc-echo", env)],
            "app": [one_startup(APP, data_dir / "nopyc-app", env)]}
    out = summarise_startup(runs)
    t0 = time.perf_counter()
    proc = subprocess.run([str(common.VENV_BIN / "pitchcheck"), "ask", "what is LoRA?"], cwd=ROOT,
                          env=clean_env(data_dir, env), capture_output=True, text=True, timeout=600)
    out["cold_ask_onnx_s"] = round(time.perf_counter() - t0, 3)
    out["cold_ask_ok"] = proc.returncode == 0 and "LoRA" in proc.stdout
    return out


# --- the server under load, and its memory ------------------------------------------------------------------
def wait_for_log(server, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in server.log_tail(10 ** 7):
            return True
        time.sleep(0.25)
    return False


THINK_S = 2.0  # paced load: a reader's pause between a reply and the next message (0.5-1.5x this)


def app_memory_and_load(data_dir: Path, sessions: int, backend: str = "onnx", load: bool = True) -> dict:
    extra = {"PITCHCHECK_EMBEDDING_BACKEND": backend}
    with chainlit_server(APP, data_dir, extra_env=extra) as server:
        out: dict = {"backend": backend, "rss_at_first_page_mb": server.rss_mb()}
        t0 = time.perf_counter()
        out["dense_ready"] = wait_for_log(server, "dense retrieval ready", 240)
        out["dense_ready_after_first_page_s"] = round(time.perf_counter() - t0, 2)
        answers = asyncio.run(loadtest.ask(server.url, RSS_QUESTIONS))
        out["answers_sourced"] = sum("Sources:" in a["text"] for a in answers)
        time.sleep(1.0)
        out["rss_after_questions_mb"] = server.rss_mb()
        out["answer_ms_single_session"] = common.summary_ms([a["seconds"] for a in answers])
        if load:
            out["load"] = asyncio.run(loadtest.run_load(server.url, sessions=sessions, mode="interview",
                                                        timeout=600, pid=server.pid, think=THINK_S))
            out["load_burst"] = asyncio.run(loadtest.run_load(server.url, sessions=sessions, mode="interview",
                                                              timeout=600, pid=server.pid, think=0.0))
            out["rss_after_load_mb"] = server.rss_mb()
            out["peak_rss_mb"] = max(filter(None, [out["load"]["rss_mb"]["peak"], out["load_burst"]["rss_mb"]["peak"],
                                                   out["rss_after_questions_mb"], out["rss_after_load_mb"]]))
        else:
            out["peak_rss_mb"] = out["rss_after_questions_mb"]
        out["server_log"] = log_problems(server.log_tail(10 ** 8))
        out["server_log_samples"] = log_samples(server.log_tail(10 ** 8))
        return out


def echo_load(data_dir: Path, sessions: int, messages: int) -> dict:
    with chainlit_server(ECHO_APP, data_dir) as server:
        out = {"load": asyncio.run(loadtest.run_load(server.url, sessions=sessions, mode="echo", messages=messages,
                                                     timeout=600, pid=server.pid, think=THINK_S)),
               "load_burst": asyncio.run(loadtest.run_load(server.url, sessions=sessions, mode="echo",
                                                           messages=messages, timeout=600, pid=server.pid, think=0.0))}
        out["server_log"] = log_problems(server.log_tail(10 ** 8))
        return out


# --- the other scripts --------------------------------------------------------------------------------------
def engine(data_dir: Path, interviews: int) -> dict:
    return run_json([python(), str(BENCH / "bench_engine.py"), "--json", "--data-dir", str(data_dir),
                     "--interviews", str(interviews)], env=clean_env(data_dir), timeout=1800)


def run_audit_script(data_dir: Path, rows: int, timeout: float) -> dict:
    script = BENCH / "bench_audit.py"
    env = clean_env(data_dir)
    proc = subprocess.run([python(), str(script), "--rows", str(rows), "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode == 0:
        lines = [line for line in proc.stdout.strip().splitlines() if line.strip()]
        try:
            data = json.loads(lines[-1])
            return {"source": "json", "raw": data, **_audit_figures_from_json(data, rows)}
        except (ValueError, IndexError):
            return {"source": "text", **parse_audit_text(proc.stdout, rows)}
    if "unrecognized arguments" in proc.stderr:  # no --json (yet): read the table it prints
        proc = subprocess.run([python(), str(script), "--rows", str(rows)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode == 0:
            return {"source": "text", **parse_audit_text(proc.stdout, rows)}
    raise RuntimeError(f"bench_audit.py exited {proc.returncode}: {proc.stderr[-1500:]}")


def audit(data_dir: Path, rows: int, probe_rows: int = 5_000, budget_s: float = 240.0) -> dict:
    """The audit on `rows` rows, unless a first pass on `probe_rows` projects it past `budget_s` (4x the 60 s
    target): then the probe's figures are reported with the linear projection, clearly marked."""
    if not (BENCH / "bench_audit.py").is_file():
        return {"missing": True}
    if rows <= probe_rows:
        return {**run_audit_script(data_dir, rows, 1800), "requested_rows": rows}
    probe = run_audit_script(data_dir, probe_rows, 1800)
    projected = probe["seconds"] * rows / probe_rows if probe.get("seconds") else None
    if projected is not None and projected > budget_s:
        return {**probe, "requested_rows": rows, "projected": True,
                "projected_seconds": round(projected, 1),
                "note": (f"{rows:,} rows would take about {projected:,.0f} s at the {probe_rows:,}-row rate, past this "
                         f"run's {budget_s:.0f} s budget for the audit, so the projection is reported")}
    full = run_audit_script(data_dir, rows, max(600.0, 3 * (projected or 200)))
    return {**full, "requested_rows": rows, "probe": {k: probe.get(k) for k in ("rows", "seconds", "rows_per_s")}}


def _audit_figures_from_json(data: dict, rows: int) -> dict:
    flat: dict = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{k}.", v)
        else:
            flat[prefix.rstrip(".")] = value

    walk("", data)
    seconds = next((v for k, v in flat.items() if isinstance(v, (int, float))
                    and re.search(r"(^|\.)(audit_s|seconds|audit_seconds|elapsed_s|wall_s)$", k)), None)
    rate = next((v for k, v in flat.items() if isinstance(v, (int, float)) and "rows_per_s" in k), None)
    peak = next((v for k, v in flat.items() if isinstance(v, (int, float)) and "peak_rss" in k), None)
    if seconds is None and rate:
        seconds = rows / rate
    if rate is None and seconds:
        rate = rows / seconds
    return {"rows": rows, "seconds": seconds, "rows_per_s": rate, "peak_rss_mb": peak}


def parse_audit_text(text: str, rows: int) -> dict:
    out: dict = {"rows": rows, "text": text.strip()[-1500:]}
    m = re.search(r"^audit\s+([\d.]+) s, ([\d,]+) rows/s", text, re.MULTILINE)
    if m:
        out["seconds"], out["rows_per_s"] = float(m.group(1)), int(m.group(2).replace(",", ""))
    m = re.search(r"^peak RSS\s+([\d,.]+) MB", text, re.MULTILINE)
    if m:
        out["peak_rss_mb"] = float(m.group(1).replace(",", ""))
    for label, key in (("read \\+ count", "read_s"), ("embed", "embed_s"), ("pair search", "search_s")):
        m = re.search(rf"^\s+{label}\s+([\d.]+) s", text, re.MULTILINE)
        if m:
            out[key] = float(m.group(1))
    m = re.search(r"^embedder\s+(.+)$", text, re.MULTILINE)
    if m:
        out["embedder"] = m.group(1).strip()
    return out


def embeddings(data_dir: Path) -> dict | None:
    script = BENCH / "bench_embeddings.py"
    if not script.is_file():
        return {"missing": True}
    return run_json([python(), str(script), "--json", "--data-dir", str(data_dir), "--queries", "200",
                     "--texts", "1000"], env=clean_env(data_dir), timeout=1800)


# --- targets ------------------------------------------------------------------------------------------------
def _get(d: Any, *keys, default=None):
    for k in keys:
        if not isinstance(d, dict) or k not in d or d[k] is None:
            return default
        d = d[k]
    return d


def targets(r: dict) -> list[dict]:
    """[{id, target, value, limit, unit, met, by}] for every target; value None when the figure is missing."""
    rows: list[dict] = []

    def add(tid: str, text: str, value: float | None, limit: float, unit: str, higher_is_better: bool = False,
            shown: str | None = None) -> None:
        if value is None:
            rows.append({"id": tid, "target": text, "value": None, "shown": "not measured", "met": None,
                         "by": "n/a", "unit": unit, "limit": limit})
            return
        met = value >= limit if higher_is_better else value <= limit if unit == "x" else value < limit
        if unit == "x":
            by = f"{value:.2f}x against {limit:.2f}x"
        elif unit == "share":
            by = f"{(value - limit) * 100:+.1f} points"
        else:
            by = f"{value - limit:+,.{1 if unit in ('s', 'MB') else 1}f} {unit} ({value / limit:.0%} of the limit)"
        rows.append({"id": tid, "target": text, "value": value, "shown": shown or _fmt(value, unit), "met": met,
                     "by": by, "unit": unit, "limit": limit})

    s = r.get("startup") or {}
    add("first_page", "First page (HTTP 200 on /) within 1.15x the bare Chainlit app", s.get("first_page_ratio"),
        1.15, "x", shown=_ratio_shown(s, "first_page_s"))
    e = r.get("engine") or {}
    add("concept_p50", "Warm concept answer p50 < 30 ms", _get(e, "concept", "answer_ms", "p50"), 30, "ms")
    add("concept_p95", "Warm concept answer p95 < 60 ms", _get(e, "concept", "answer_ms", "p95"), 60, "ms")
    app_lat = _get(r, "app_load", "load", "turn_latency_ms") or {}
    echo_lat = _get(r, "echo_load", "load", "turn_latency_ms") or {}
    for q in ("p50", "p95"):
        ratio = (app_lat.get(q) / echo_lat.get(q)) if app_lat.get(q) and echo_lat.get(q) else None
        add(f"load_{q}", f"Turn latency under load ({q}, paced) within 1.2x the bare app", ratio and round(ratio, 3), 1.2,
            "x", shown=(f"{app_lat.get(q)} ms vs {echo_lat.get(q)} ms = {ratio:.2f}x" if ratio else None))
    peaks = [v for v in (_get(r, "app_load", "peak_rss_mb"), _get(r, "st_memory", "peak_rss_mb")) if v]
    add("peak_rss", "Server peak RSS < 800 MB (either backend, under load)", max(peaks) if peaks else None, 800, "MB")
    add("onnx_rss", "Server RSS with the ONNX backend after answering questions < 400 MB",
        _get(r, "app_load", "rss_after_questions_mb"), 400, "MB")
    add("assess", "`pitchcheck assess` on 10,000 lines < 3 s", _get(e, "assess", "wall_s"), 3, "s")
    add("hit1", "Retrieval hit@1 (fused) >= 0.95", _get(e, "retrieval", "fused", "hit@1"), 0.95, "share",
        higher_is_better=True)
    add("cold_ask", "Cold `pitchcheck ask` (ONNX) < 3 s", _get(e, "cold_ask", "onnx", "wall_s"), 3, "s")
    emb = _get(r, "embeddings", "backends", "onnx", "query_ms_median")
    add("embed_query", "Warm query embedding median < 8 ms",
        emb if emb is not None else _get(e, "concept", "embed_query_ms", "p50"), 8, "ms")
    au = r.get("audit") or {}
    if au.get("projected"):
        add("audit", "Audit of 100,000 rows < 60 s", au.get("projected_seconds"), 60, "s",
            shown=f"~{au['projected_seconds']:,.0f} s (projected from {au['rows']:,} rows at {au['rows_per_s']:,} rows/s)")
    elif au.get("seconds") is not None and au.get("rows") != 100_000:
        value = au["seconds"] * 100_000 / au["rows"]
        add("audit", "Audit of 100,000 rows < 60 s", round(value, 1), 60, "s",
            shown=f"~{value:,.0f} s (scaled from {au['rows']:,} rows in {au['seconds']:.1f} s)")
    else:
        add("audit", "Audit of 100,000 rows < 60 s", au.get("seconds"), 60, "s")
    return rows


def _fmt(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.3f}"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.2f} s"


def _ratio_shown(s: dict, key: str) -> str | None:
    if not s.get("app") or not s.get("echo"):
        return None
    a, b = s["app"][key], s["echo"][key]
    return f"{a:.2f} s vs {b:.2f} s = {a / b:.2f}x"


# --- analysis of misses -------------------------------------------------------------------------------------
def _n(value: Any, digits: int = 0) -> str:
    """A figure for prose: thousands separators, few decimals; 'n/a' when missing."""
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}" if isinstance(value, (int, float)) else str(value)


def _locked_phrase(r: dict) -> str:
    n = _get(r, "app_load", "server_log", "database is locked", default=0)
    if n:
        return (f"SQLite answered `database is locked` {n} times in this run (each one a history row lost; the chat "
                "itself carried on).")
    return ("SQLite did not answer `database is locked` in this run, but it did in others (3 times with 2 sessions, "
            "10 with 10, 5 with 50): each one a history row silently lost.")


SQLITE_DIFF = """```diff
--- a/web/persistence.py
+++ b/web/persistence.py
@@ def make_data_layer(url: str, files_dir: Path) -> HistoryDataLayer:
-    return HistoryDataLayer(conninfo=url, storage_provider=LocalStorage(files_dir))
+    layer = HistoryDataLayer(conninfo=url, storage_provider=LocalStorage(files_dir))
+    if url.startswith("sqlite"):
+        _one_wal_connection(layer, url)
+    return layer
+
+
+def _one_wal_connection(layer: HistoryDataLayer, url: str) -> None:
+    \"\"\"SQLite has one writer: queue statements on one connection in WAL mode instead of letting a pool of
+    connections sleep in SQLite's busy handler and fail with 'database is locked' after 5 s.\"\"\"
+    from sqlalchemy import event
+    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
+    from sqlalchemy.orm import sessionmaker
+    from sqlalchemy.pool import AsyncAdaptedQueuePool
+
+    engine = create_async_engine(url, poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0,
+                                 pool_timeout=60, connect_args={"timeout": 30})
+
+    @event.listens_for(engine.sync_engine, "connect")
+    def _pragmas(dbapi_connection, _record):
+        cursor = dbapi_connection.cursor()
+        cursor.execute("PRAGMA journal_mode=WAL")
+        cursor.execute("PRAGMA synchronous=NORMAL")
+        cursor.execute("PRAGMA busy_timeout=30000")
+        cursor.close()
+
+    layer.engine = engine
+    layer.async_session = sessionmaker(bind=engine, expire_on_commit=False, class_=AsyncSession)
```"""


def analysis(r: dict, rows: list[dict]) -> dict[str, str]:
    """For each missed target, the likely cause (from this run's own figures and from profiling) and the fix."""
    e = r.get("engine") or {}
    out: dict[str, str] = {}
    missed = {row["id"] for row in rows if row["met"] is False}
    extras = _get(e, "interview", "web_verdict_extras") or {}
    if "first_page" in missed:
        st = r.get("startup") or {}
        gap = (_get(st, "app", "first_page_s") or 0) - (_get(st, "echo", "first_page_s") or 0)
        out["first_page"] = (
            f"In this run the app's first page came {_n(gap, 2)} s after the bare app's. Both spend most of their "
            "start-up importing Chainlit; the app then does its own work before uvicorn answers.\n\n"
            "**Profiling (separate runs with a bytecode cache, 3 interleaved starts each, medians):** the bare echo "
            "app 1.67 s; an echo app that only imports what app.py imports 2.81 s; the real app with its background "
            "dense loading switched off 3.01 s; the real app 3.33 s. So about 1.1 s is imports, 0.2 s the module-"
            "level start-up (`ensure_schema` on its own thread and event loop, the auth secret, route "
            "registration) and 0.3 s the dense-loading thread started by `@cl.on_app_startup`, which imports "
            "onnxruntime and chromadb while the server is still starting and competes for the GIL. By "
            "`python -X importtime`, web/persistence.py is ~0.5 s of the imports (SQLAlchemy's asyncio ORM and the "
            "PostgreSQL dialect, loaded even for SQLite).\n\n"
            "**What would close it:** import SQLAlchemy and Chainlit's SQLAlchemy data layer inside "
            "`make_data_layer()` (Chainlit calls the `@cl.data_layer` factory lazily, on the first request that "
            "needs it) and run `ensure_schema` from `@cl.on_app_startup` on a thread, keeping the fail-fast exit "
            "on SchemaError there; start the dense loading a moment after start-up (e.g. `loop.call_later(1.0, "
            "...)` or on the first chat start, which already calls it). Without a bytecode cache (this sandbox's "
            "default, table above) every start compiles Chainlit from source and both apps take several times "
            "longer: `uv pip install --compile-bytecode` in scripts/setup.sh fixes that for everyone.")
    if "embed_query" in missed:
        emb = _get(r, "embeddings", "backends", "onnx") or {}
        out["embed_query"] = (
            f"bench/bench_embeddings.py measured the ONNX query at {emb.get('query_ms_median')} ms median "
            f"(p95 {emb.get('query_ms_p95')} ms) in a fresh process, and the engine process "
            f"{_get(e, 'concept', 'embed_query_ms', 'p50')} ms, on 2 cores with a load average of "
            f"{(r.get('machine') or {}).get('load_average')} at the start: other work was using the machine. A query "
            "is ~10-20 tokens through 6-layer MiniLM with 2 intra-op threads, so the figure moves with whatever else "
            "runs. What would close it: intra_op_num_threads=1 when os.cpu_count() <= 2 (the second thread often "
            "waits for a core on a shared 2-core machine; compare both in bench_embeddings.py), an LRU cache of "
            "query embeddings keyed on the cleaned question (starters and \"what is X?\" repeat), or an int8 model "
            "(onnxruntime.quantization.quantize_dynamic: typically 1.5-2.5x faster on CPU, to be checked against "
            "the retrieval floor since the vectors drift slightly).")
    if "concept_p50" in missed or "concept_p95" in missed:
        out["concept"] = (
            "Profiled in-process (cProfile over the 129 questions): a warm answer is about half the ONNX run for "
            "the query embedding (~11 ms a call here) and half Chroma's `collection.query` over all ~170 chunks "
            "(~10.5 ms through the Rust bindings, plus ~1.2 ms for `collection.count()` on every question); BM25 "
            "and composing the text are well under 1 ms. In this run the embedding alone was "
            f"{_get(e, 'concept', 'embed_query_ms', 'p50')} ms at p50 in the engine process, with the machine's load "
            f"average at {(r.get('machine') or {}).get('load_average')} on 2 cores. What would close it: score the "
            "chunk vectors with one numpy matrix product (0.01 ms for 172 x 384, measured) from a matrix read once "
            "from the collection (or a .npy written by `pitchcheck index`), keeping Chroma for CHROMA_HOST and "
            "writes; cache the count; an LRU of query embeddings keyed on the cleaned question (starters and "
            "\"what is X?\" repeat). For the embedding itself, try intra_op_num_threads=1 when os.cpu_count() <= 2 "
            "(on a shared 2-core machine the second thread often waits) and compare in bench/bench_embeddings.py.")
    if "load_p50" in missed or "load_p95" in missed:
        app = _get(r, "app_load", "load") or {}
        echo = _get(r, "echo_load", "load") or {}
        app_b = _get(r, "app_load", "load_burst") or {}
        echo_b = _get(r, "echo_load", "load_burst") or {}
        out["load"] = (
            "The bare app's turn is one message out and nothing stored; the app's turn is Session.handle (p50 "
            f"{_get(e, 'interview', 'turn_ms', 'p50')} ms in-process, so not the engine) plus what web/chat.py and "
            "Chainlit's data layer do around it. In this run the app's question turns were p50 "
            f"{_n(_get(app, 'question_turn_ms', 'p50'))} ms, its verdict turns p50 "
            f"{_n(_get(app, 'verdict_turn_ms', 'p50'))} / p95 {_n(_get(app, 'verdict_turn_ms', 'p95'))} ms (paced; "
            "one turn in thirteen is a verdict, so the verdict turns decide the p95); flat out (the burst) it "
            f"served {_n(app_b.get('throughput_msgs_per_s'), 1)} messages/s against the bare app's "
            f"{_n(echo_b.get('throughput_msgs_per_s'), 1)}; connecting (header auth, then socket.io auth, both reading "
            f"or writing the users table) took p95 {_n(_get(app, 'connect_ms', 'p95'))} ms against "
            f"{_n(_get(echo, 'connect_ms', 'p95'))} ms; " + _locked_phrase(r) + " GET /health stayed fast during the load (table above), so the event loop is not "
            "what is blocked: the requests queue on the database.\n\n"
            "**Profiling (separate runs with every data-layer call timed, 4 and 30 sessions):** Chainlit's "
            "SQLAlchemyDataLayer issues about 25 SQL statements per message the owner sends: each of the 2-3 "
            "messages a turn shows is `create_step`, which first calls `update_thread` (a SELECT) and then an "
            "upsert, each its own transaction; removing the last question's buttons is an `update_step`; "
            "Conversation.save writes the thread metadata each turn; the user's own message is a step too. For 50 "
            "messages that was 265 create_step, 311 update_thread and 53 update_step calls. On the default engine "
            "(a pool of up to 15 aiosqlite connections, rollback journal, a commit with fsync per statement) the "
            "connections fight over SQLite's single write lock: with 30 sessions over 8,000 calls waited more than "
            "0.5 s and the last sessions to arrive needed 13-20 s to connect. With WAL, synchronous=NORMAL and one "
            "pooled connection (statements queue in-process instead of sleeping in SQLite's busy handler) the "
            "lock errors went to zero and the p50 turn fell from 150-400 ms to 50-220 ms in paired runs, but the "
            "connect tail stayed (14-17 s for the last of 30 sessions, queued behind the burst) and the database "
            "still caps the app at roughly 400-450 statements/s, about 18 messages/s, on this machine. "
            "On the verdict turn the PDF (fpdf2: "
            f"{_get(extras, 'pdf', 'cold_ms')} ms for the first one, {_get(extras, 'pdf', 'warm_ms_p50')} ms warm) and "
            f"the Plotly chart ({_get(extras, 'plotly_figure', 'cold_ms')} ms for the first) come on top.\n\n"
            "**What would close it:** (1) the SQLite tuning above in web/persistence.py (diff below, the one used "
            "in the paired runs); (2) fewer statements per turn: send the echo "
            "and the next question as one message, save the state once per turn rather than per render, and skip "
            "Chainlit's `update_thread` probe in `create_step` by overriding it in HistoryDataLayer once the thread "
            "is known to exist (it is created on the first interaction); (3) PostgreSQL (DATABASE_URL) for more than "
            "a handful of concurrent owners; (4) build the PDF when it is first downloaded rather than on every "
            "verdict, and import fpdf2 and Plotly at start-up so the first verdict does not pay for them.\n\n"
            + SQLITE_DIFF)
    if "peak_rss" in missed or "onnx_rss" in missed:
        out["rss"] = (
            "The server holds Chainlit/FastAPI, Chroma's Rust bindings and its SQLite cache, the ONNX model "
            "(mapped weights, ~90 MB) and its arena, bm25s, and once a verdict has been rendered, fpdf2 and Plotly "
            f"(Plotly alone is ~60-100 MB of modules). At first page the app used "
            f"{_get(r, 'app_load', 'rss_at_first_page_mb')} MB; after the questions "
            f"{_get(r, 'app_load', 'rss_after_questions_mb')} MB; peak under load "
            f"{_get(r, 'app_load', 'peak_rss_mb')} MB. With the sentence-transformers backend torch adds several "
            f"hundred MB ({_get(r, 'st_memory', 'peak_rss_mb')} MB). Closing it: disable the ONNX Runtime CPU arena "
            "(SessionOptions.enable_cpu_mem_arena=False) and memory-pattern planning for single queries; keep "
            "Plotly out of the server (send the chart as a small Vega/inline SVG or build the figure JSON by hand); "
            "answer dense queries from a numpy matrix instead of loading chromadb in the web process.")
    if "cold_ask" in missed:
        out["cold_ask"] = (
            "A cold `pitchcheck ask` spends most of its time importing: chromadb (~2.2 s with a bytecode cache on "
            "this machine, most of it in the `overrides` decorator validating signatures at class creation), bm25s "
            "(~0.7 s), onnxruntime and tokenizers; `index_is_current` opens a Chroma client just to compare a "
            "fingerprint. Closing it: record the index fingerprint in a small JSON beside the index so the check "
            "needs no chromadb, store the glossary's chunk vectors as a .npy written by `pitchcheck index` and rank "
            "with numpy (the glossary is ~170 chunks), keeping Chroma for `CHROMA_HOST` and writes; import bm25s "
            "lazily or replace it with a 40-line BM25 over 43 documents. Without a bytecode cache (this sandbox's "
            f"default) the same command took {_get(r, 'no_bytecode', 'cold_ask_onnx_s')} s: setup.sh should install "
            "with `uv pip install --compile-bytecode`.")
    if "assess" in missed:
        out["assess"] = ("`pitchcheck assess` imports only the verdict rules; the time is the interpreter and "
                         "pydantic-settings start-up plus assess() per line. Profile with `python -X importtime` and "
                         "cProfile on the 10,000-line file.")
    if "hit1" in missed:
        out["hit1"] = "See the misses listed under Retrieval quality; the fusion weight and aliases are the levers."
    if "audit" in missed:
        au = r.get("audit") or {}
        emb = _get(r, "embeddings", "backends", "onnx", "batch_texts_per_s")
        out["audit"] = (
            f"bench/bench_audit.py's own breakdown: of {_n(au.get('seconds'), 1)} s for {au.get('rows', 0):,} rows, "
            f"embedding took {au.get('embed_s')} s, reading and counting {au.get('read_s')} s and the pair search "
            f"{au.get('search_s')} s: the audit is embedding-bound. bench_embeddings.py measured the ONNX backend at "
            f"{_n(emb)} short texts/s in batches of 64 on this machine, so embedding every input of 100,000 rows "
            "cannot fit in 60 s here (that needs ~1,700 rows/s"
            + (f", {1667 / emb:.0f}x this machine's MiniLM throughput" if emb else "") + "). What would close "
            "it: embed only rows that survive exact de-duplication and cap each input at 64 tokens for the "
            "near-duplicate search (attention cost grows with length; tickets are short), use an int8-quantised "
            "export for the audit, or find near-duplicates without the model for large files (MinHash or SimHash "
            "over character shingles handles 100,000 rows in seconds) and keep embedding-based near-duplicates for "
            "files up to a few thousand rows.")
    return out


# --- the document -------------------------------------------------------------------------------------------
def _ms(d: dict | None, key: str = "p50") -> str:
    return "n/a" if not d or d.get(key) is None else f"{d[key]:,.1f}"


GROUPS = {"concept_p50": "concept", "concept_p95": "concept", "load_p50": "load", "load_p95": "load",
          "peak_rss": "rss", "onnx_rss": "rss"}


def _load_table(add, al: dict, el: dict) -> None:
    add("| | Real app | Bare echo app | Ratio |")
    add("|---|---|---|---|")
    for q in ("p50", "p95", "max"):
        a, b = al["turn_latency_ms"].get(q), el["turn_latency_ms"].get(q)
        ratio = f"{a / b:.2f}x" if a and b else "n/a"
        add(f"| Turn latency {q} (ms) | {_n(a, 1)} | {_n(b, 1)} | {ratio} |")
    add(f"| Connect: header auth + socket.io (ms, p50 / p95) | {_ms(al['connect_ms'])} / "
        f"{_ms(al['connect_ms'], 'p95')} | {_ms(el['connect_ms'])} / {_ms(el['connect_ms'], 'p95')} | |")
    add(f"| ... of which POST /auth/header (ms, p50 / p95) | {_ms(al.get('auth_ms'))} / "
        f"{_ms(al.get('auth_ms'), 'p95')} | {_ms(el.get('auth_ms'))} / {_ms(el.get('auth_ms'), 'p95')} (a 400: "
        "no header auth) | |")
    add(f"| GET /health during the load (ms, p50 / p95 / max) | {_ms(al.get('health_probe_ms'))} / "
        f"{_ms(al.get('health_probe_ms'), 'p95')} / {_ms(al.get('health_probe_ms'), 'max')} | "
        f"{_ms(el.get('health_probe_ms'))} / {_ms(el.get('health_probe_ms'), 'p95')} / "
        f"{_ms(el.get('health_probe_ms'), 'max')} | |")
    add(f"| Messages sent | {al['messages_sent']} ({al['messages_per_session']} a session) | "
        f"{el['messages_sent']} ({el['messages_per_session']} a session) | |")
    add(f"| Wall time (s) | {al['wall_s']} | {el['wall_s']} | |")
    add(f"| Throughput (messages/s) | {al['throughput_msgs_per_s']} | {el['throughput_msgs_per_s']} | |")
    add(f"| Sessions completed cleanly | {al['completed']}/{al['sessions']} | {el['completed']}/{el['sessions']} | |")
    add(f"| Errors | {al['errors']} | {el['errors']} | |")
    add(f"| Isolation violations | {al['isolation_violations']} | {el['isolation_violations']} | |")
    add(f"| Server RSS before / peak / after (MB) | {al['rss_mb']['before']} / {al['rss_mb']['peak']} / "
        f"{al['rss_mb']['after']} | {el['rss_mb']['before']} / {el['rss_mb']['peak']} / {el['rss_mb']['after']} | |")
    add("")
    add("The app's turns by kind (ms, p50 / p95): "
        + "; ".join(f"{k.replace('_ms', '').replace('_', ' ')} {_ms(al.get(k))} / {_ms(al.get(k), 'p95')}"
                    for k in ("first_question_ms", "question_turn_ms", "verdict_turn_ms", "concept_turn_ms"))
        + f". Verdicts reached: {al.get('reached_verdict')} ({al.get('verdicts')}); sourced concept answers: "
          f"{al.get('sourced_answers')}.")
    for sample in (al.get("error_samples") or [])[:5] + (al.get("isolation_samples") or [])[:5]:
        add(f"- {sample}")


def write_doc(r: dict, rows: list[dict], notes: dict[str, str], path: Path) -> str:
    m = r.get("machine") or {}
    e = r.get("engine") or {}
    s = r.get("startup") or {}
    nb = r.get("no_bytecode") or {}
    al = _get(r, "app_load", "load") or {}
    el = _get(r, "echo_load", "load") or {}
    L: list[str] = []
    add = L.append
    add("# Benchmarks")
    add("")
    add(f"Written by `bench/run.py` (`make bench`) on {r['finished_at']}, in one run of {r['wall_s']:.0f} s. "
        "Every figure below comes from that run. The machine is shared and noisy: compare the ratios within this "
        "run (the app beside the bare Chainlit app, measured interleaved or under the same load), not absolute "
        "figures across runs.")
    add("")
    add("## The machine")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| CPU | {m.get('cpu_model')} |")
    add(f"| Cores | {m.get('cores_logical')} logical ({m.get('cores_physical')} physical), "
        f"{m.get('cpus_usable')} usable |")
    add(f"| RAM | {m.get('ram_gb')} GB ({m.get('ram_available_gb')} GB available at the start) |")
    add(f"| Load average at start (1, 5, 15 min) | {m.get('load_average')} |")
    add(f"| Load average at end | {r.get('load_average_end')} |")
    add(f"| OS | {m.get('os')} |")
    add(f"| Python | {m.get('python')} |")
    pk = m.get("packages") or {}
    add("| Packages | " + ", ".join(f"{k} {v}" for k, v in pk.items() if v) + " |")
    bc = r.get("bytecode") or {}
    add(f"| Bytecode | this shell had PYTHONDONTWRITEBYTECODE={bc.get('PYTHONDONTWRITEBYTECODE_in_env')!s}, the venv "
        f"holds {bc.get('venv_pyc_files')} .pyc files; children used a private cache (primed by one untimed run) |")
    add("")
    add("## Targets")
    add("")
    add("| Target | Measured | Met? | By how much |")
    add("|---|---|---|---|")
    for row in rows:
        met = "n/a" if row["met"] is None else ("met" if row["met"] else "**MISSED**")
        add(f"| {row['target']} | {row['shown']} | {met} | {row['by']} |")
    missed = [row for row in rows if row["met"] is False]
    add("")
    if missed:
        add(f"{len(missed)} of {len(rows)} targets missed in this run. Why, and what would close each gap, is under "
            "[Missed targets](#missed-targets).")
    else:
        add("Every measured target was met in this run.")
    add("")

    add("## Web start-up")
    add("")
    add("Seconds from launching `chainlit run <app> --headless` to HTTP 200 on `/`, and to the first answer to "
        "\"what is LoRA?\" over socket.io (for the echo app: the echo), median of the interleaved runs.")
    add("")
    add("| | Real app | Bare echo app | Ratio |")
    add("|---|---|---|---|")
    if s.get("app"):
        add(f"| First page (s) | {s['app']['first_page_s']:.2f} | {s['echo']['first_page_s']:.2f} | "
            f"{s['first_page_ratio']:.2f}x |")
        add(f"| First answer (s) | {s['app']['first_answer_s']:.2f} | {s['echo']['first_answer_s']:.2f} | "
            f"{s['first_answer_ratio']:.2f}x |")
    if nb.get("app"):
        add(f"| First page, no bytecode cache (s) | {nb['app']['first_page_s']:.2f} | {nb['echo']['first_page_s']:.2f} "
            f"| {nb['first_page_ratio']:.2f}x |")
        add(f"| First answer, no bytecode cache (s) | {nb['app']['first_answer_s']:.2f} | "
            f"{nb['echo']['first_answer_s']:.2f} | {nb['first_answer_ratio']:.2f}x |")
    add("")
    if s.get("runs"):
        add("Individual runs (first page / first answer, s): app "
            + ", ".join(f"{x['first_page_s']:.2f}/{x['first_answer_s']:.2f}" for x in s["runs"]["app"])
            + "; echo " + ", ".join(f"{x['first_page_s']:.2f}/{x['first_answer_s']:.2f}" for x in s["runs"]["echo"])
            + ".")
        add("")
    add("\"No bytecode cache\" is how this sandbox runs by default (PYTHONDONTWRITEBYTECODE=1 and a venv installed "
        "by `uv pip install` without `--compile-bytecode`): every process compiles every module it imports.")
    add("")

    add("## Concept answers and interview turns (engine, no server)")
    add("")
    c = e.get("concept") or {}
    i = e.get("interview") or {}
    add("| | p50 (ms) | p95 (ms) | n |")
    add("|---|---|---|---|")
    if c:
        add(f"| Warm concept answer, `Explainer.explain`, offline, over tests/data/questions.yaml × {c.get('passes')} "
            f"| {_ms(c['answer_ms'])} | {_ms(c['answer_ms'], 'p95')} | {c['answer_ms']['n']} |")
        add(f"| Query embedding inside it ({c.get('embedder')}) | {_ms(c['embed_query_ms'])} | "
            f"{_ms(c['embed_query_ms'], 'p95')} | {c['embed_query_ms']['n']} |")
    if i:
        add(f"| Interview turn, `Session.handle`, all turns of {i['interviews']} interviews | {_ms(i['turn_ms'])} | "
            f"{_ms(i['turn_ms'], 'p95')} | {i['turn_ms']['n']} |")
        add(f"| ... answering a question | {_ms(i['question_turn_ms'])} | {_ms(i['question_turn_ms'], 'p95')} | "
            f"{i['question_turn_ms']['n']} |")
        add(f"| ... the verdict turn | {_ms(i['verdict_turn_ms'])} | {_ms(i['verdict_turn_ms'], 'p95')} | "
            f"{i['verdict_turn_ms']['n']} |")
        add(f"| ... a concept question (\"what is LoRA?\") | {_ms(i['concept_turn_ms'])} | "
            f"{_ms(i['concept_turn_ms'], 'p95')} | {i['concept_turn_ms']['n']} |")
        x = i.get("web_verdict_extras") or {}
        add("")
        add("What the web app adds to the verdict turn (web/chat.py `send_verdict`), timed in-process, first call "
            "(includes the import) / warm median: "
            + "; ".join(f"{k} {v.get('cold_ms')} / {v.get('warm_ms_p50')} ms" for k, v in x.items()
                        if isinstance(v, dict) and "cold_ms" in v) + ".")
    add(f"Dense index loaded in {e.get('dense_load_s')} s in the engine process.")
    add("")

    add(f"## Under load: {r.get('sessions')} concurrent sessions")
    add("")
    add("`bench/loadtest.py` drives the real server over Chainlit's socket.io protocol exactly as the browser does "
        "(header auth for a guest cookie, `connection_successful`, `client_message`, waiting for `task_end` before "
        "the next message). Each app session completes a whole interview with its own figures, then asks \"what is "
        "LoRA?\"; each echo session sends the same number of messages. A turn is send -> the next question, the "
        "verdict, the sourced answer, or the echo. Both servers get two loads, one after the other:")
    add("")
    add(f"- **Paced** (the target is judged on this one): every owner pauses {THINK_S * 0.5:g}-{THINK_S * 1.5:g} s "
        "after each reply, as someone reading it would, so both servers are offered the same messages at the same "
        "rate.")
    add("- **Burst**: every owner sends the next message the moment the reply ends. Each server then sets its own "
        "pace, so this measures capacity (messages/s) more than latency; a slower server even shows lower latency "
        "percentiles because its sessions drift apart.")
    add("")
    for title, key in (("Paced", "load"), ("Burst", "load_burst")):
        al, el = _get(r, "app_load", key) or {}, _get(r, "echo_load", key) or {}
        if not (al and el):
            continue
        add(f"### {title}")
        add("")
        _load_table(add, al, el)
        add("")
    al = _get(r, "app_load", "load") or {}
    add("| Server log over both loads | Real app | Bare echo app |")
    add("|---|---|---|")
    add(f"| 'database is locked' / ERROR lines / tracebacks | "
        f"{' / '.join(str(v) for v in (_get(r, 'app_load', 'server_log') or {}).values())} | "
        f"{' / '.join(str(v) for v in (_get(r, 'echo_load', 'server_log') or {}).values())} |")
    samples = _get(r, "app_load", "server_log_samples") or []
    if samples:
        add("")
        add("First warnings and errors in the app's server log: " + " | ".join(f"`{x}`" for x in samples))
    add("")

    add("## Memory (server RSS, including child processes)")
    add("")
    add("| | ONNX backend (default) | sentence-transformers backend |")
    add("|---|---|---|")
    a, st = r.get("app_load") or {}, r.get("st_memory") or {}
    add(f"| At first page (MB) | {a.get('rss_at_first_page_mb')} | {st.get('rss_at_first_page_mb')} |")
    add(f"| After answering {len(RSS_QUESTIONS)} concept questions, model loaded (MB) | "
        f"{a.get('rss_after_questions_mb')} | {st.get('rss_after_questions_mb')} |")
    add(f"| Peak (MB) | {a.get('peak_rss_mb')} (under load) | {st.get('peak_rss_mb')} (after the questions) |")
    add(f"| Dense index ready after first page (s) | {a.get('dense_ready_after_first_page_s')} | "
        f"{st.get('dense_ready_after_first_page_s')} |")
    add("")

    add("## Retrieval quality")
    add("")
    ret = e.get("retrieval") or {}
    add(f"On tests/data/questions.yaml ({_get(ret, 'fused', 'n')} lay questions that avoid each concept's name):")
    add("")
    add("| Ranking | hit@1 | hit@3 |")
    add("|---|---|---|")
    for mode in ("dense", "lexical", "fused"):
        if mode in ret:
            add(f"| {mode} | {ret[mode]['hit@1']:.3f} | {ret[mode]['hit@3']:.3f} |")
    misses = _get(ret, "fused", "misses") or []
    if misses:
        add("")
        add("Fused misses at rank 1: " + "; ".join(f"\"{x['q']}\" -> {x['got'][:1]} (expected {x['expected']})"
                                                    for x in misses) + ".")
    add("")

    add("## Command line")
    add("")
    asx = e.get("assess") or {}
    ca = e.get("cold_ask") or {}
    add("| | Figure |")
    add("|---|---|")
    if asx:
        add(f"| `pitchcheck assess` on {asx['lines']:,} generated fact lines (wall, median of "
            f"{len(asx['wall_s_runs'])}) | {asx['wall_s']} s ({asx['lines_per_s']:,} lines/s; runs "
            f"{asx['wall_s_runs']}); model libraries imported: {asx['model_modules_imported'] or 'none'} |")
    for backend, v in ca.items():
        add(f"| Cold `pitchcheck ask \"what is LoRA?\"`, {backend} (median of {len(v['wall_s_runs'])}) | "
            f"{v['wall_s']} s (runs {v['wall_s_runs']}); imported {', '.join(v['model_modules_imported'] or [])} |")
    if nb.get("cold_ask_onnx_s") is not None:
        add(f"| Cold `pitchcheck ask`, ONNX, no bytecode cache | {nb['cold_ask_onnx_s']} s |")
    add("")

    add("## Data audit (bench/bench_audit.py)")
    add("")
    au = r.get("audit") or {}
    if au.get("projected"):
        add(f"**Projected, not measured at full size:** {au['note']}.")
        add("")
    if au.get("seconds") is not None:
        add(f"{au.get('rows', 0):,} rows in {au['seconds']:.1f} s ({(au.get('rows_per_s') or 0):,.0f} rows/s)"
            + (f", peak RSS {au['peak_rss_mb']:,.0f} MB" if au.get("peak_rss_mb") else "")
            + (f"; read {au.get('read_s')} s, embed {au.get('embed_s')} s, pair search {au.get('search_s')} s"
               if au.get("read_s") is not None else "")
            + (f"; embedder: {au['embedder']}" if au.get("embedder") else "") + ".")
    else:
        add("Not measured in this run: " + str((r.get("failures") or {}).get("audit", au or "bench_audit.py missing")))
    add("")

    add("## Embedding backends (bench/bench_embeddings.py)")
    add("")
    emb = r.get("embeddings") or {}
    if emb.get("backends"):
        names = list(emb["backends"])
        add("| | " + " | ".join(names) + " |")
        add("|---|" + "---|" * len(names))
        for label, key in (("import (s)", "import_s"), ("load (s)", "load_s"), ("query median (ms)", "query_ms_median"),
                           ("query p95 (ms)", "query_ms_p95"), ("batch texts/s", "batch_texts_per_s"),
                           ("peak RSS (MB)", "peak_rss_mb"), ("torch imported", "torch_imported")):
            add(f"| {label} | " + " | ".join(str(emb["backends"][n].get(key)) for n in names) + " |")
        if "min_cosine_between_backends" in emb:
            add("")
            add(f"Minimum cosine between the backends' vectors: {emb['min_cosine_between_backends']}.")
    else:
        add("Not measured in this run: " + str((r.get("failures") or {}).get("embeddings", emb)))
    add("")

    add("## Missed targets")
    add("")
    if not missed:
        add("None in this run.")
    else:
        seen = set()
        for row in missed:
            key = GROUPS.get(row["id"], row["id"])
            if key in seen:
                continue
            seen.add(key)
            related = [x["target"] for x in missed if GROUPS.get(x["id"], x["id"]) == key]
            add(f"### {' / '.join(related)}")
            add("")
            add(notes.get(key, "ANALYSIS NEEDED: no analysis written for this target yet."))
            add("")
    if r.get("failures"):
        add("## Parts that failed in this run")
        add("")
        for name, why in r["failures"].items():
            add(f"- **{name}**: `{why.splitlines()[0][:300]}`")
        add("")
    add("## Reproduce")
    add("")
    add("```bash")
    add("make bench                                          # all of the above; rewrites this file")
    add(".venv/bin/python bench/run.py --quick --no-write    # a smaller, faster pass, summary only")
    add(".venv/bin/python bench/loadtest.py --url http://127.0.0.1:8000 --sessions 50   # against `make run`")
    add(".venv/bin/python bench/bench_engine.py              # engine figures only")
    add("```")
    text = "\n".join(L) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def summary(r: dict, rows: list[dict]) -> str:
    lines = [f"Pitchcheck benchmarks ({r['wall_s']:.0f} s, load average at start {r['machine'].get('load_average')})"]
    for row in rows:
        met = "  n/a " if row["met"] is None else (" met  " if row["met"] else "MISSED")
        lines.append(f"  [{met}] {row['target']}: {row['shown']} ({row['by']})")
    for name, why in (r.get("failures") or {}).items():
        lines.append(f"  [FAILED] {name}: {why.splitlines()[0][:200]}")
    return "\n".join(lines)


# --- entry --------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50, help="concurrent sessions for the load comparison")
    parser.add_argument("--startup-reps", type=int, default=3)
    parser.add_argument("--audit-rows", type=int, default=100_000)
    parser.add_argument("--interviews", type=int, default=100, help="scripted interviews through Session.handle")
    parser.add_argument("--quick", action="store_true", help="10 sessions, 1 start-up pair, 5,000 audit rows")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: startup,nobytecode,load,st,"
                                                   "engine,audit,embeddings")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON on stdout")
    parser.add_argument("--no-write", action="store_true", help=f"do not rewrite {DOC.relative_to(ROOT)}")
    parser.add_argument("--out", type=Path, default=DOC)
    parser.add_argument("--from-json", type=Path, default=None,
                        help="re-render the document from a report saved with --json (no measuring)")
    args = parser.parse_args(argv)
    if args.from_json:
        r = json.loads(args.from_json.read_text(encoding="utf-8"))
        rows = targets(r)
        if not args.no_write:
            write_doc(r, rows, analysis(r, rows), args.out)
        print(summary(r, rows))
        return 0
    if args.quick:
        args.sessions, args.startup_reps, args.audit_rows, args.interviews = 10, 1, 5_000, 30
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    started = time.perf_counter()
    r: dict = {"sessions": args.sessions, "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    r["machine"] = machine()
    cache = Path(tempfile.gettempdir()) / "pitchcheck-bench-pycache"
    r["bytecode"] = bytecode_setup(cache)
    work = Path(tempfile.mkdtemp(prefix="pitchcheck-bench-"))
    data = work / "data"
    try:
        r["setup"] = step(r, "setup", lambda: prepare(data))
        if r["setup"] is None:
            raise SystemExit("could not prepare a data directory; see above")

        def copy(name: str) -> Path:
            target = work / name
            prepare_data_dir(target, source=data)
            return target

        step(r, "prime", lambda: prime(copy("prime")))
        if "nobytecode" not in skip:
            r["no_bytecode"] = step(r, "no_bytecode", lambda: startup_no_bytecode(copy("nopyc")))
        if "startup" not in skip:
            r["startup"] = step(r, "startup", lambda: startup(copy("startup"), args.startup_reps))
        if "load" not in skip:
            r["app_load"] = step(r, "app_load", lambda: app_memory_and_load(copy("load-app"), args.sessions))
            per_session = _get(r, "app_load", "load", "messages_per_session")
            messages = max(1, round(per_session)) if per_session else 13
            r["echo_load"] = step(r, "echo_load", lambda: echo_load(copy("load-echo"), args.sessions, messages))
        if "st" not in skip:
            r["st_memory"] = step(r, "st_memory", lambda: app_memory_and_load(copy("st"), 0, "sentence-transformers",
                                                                               load=False))
        if "engine" not in skip:
            r["engine"] = step(r, "engine", lambda: engine(data, args.interviews))
        if "audit" not in skip:
            r["audit"] = step(r, "audit", lambda: audit(data, args.audit_rows))
        if "embeddings" not in skip:
            r["embeddings"] = step(r, "embeddings", lambda: embeddings(data))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    r["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    r["wall_s"] = time.perf_counter() - started
    r["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = targets(r)
    notes = analysis(r, rows)
    r["targets"] = rows
    if not args.no_write:
        write_doc(r, rows, notes, args.out)
        log(f"wrote {args.out}")
    if args.json:
        print(json.dumps(r, default=str))
    else:
        print(summary(r, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
