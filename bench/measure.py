"""What `make bench` measures: each function runs one part and returns its figures as a JSON-able dict.

Servers run on 127.0.0.1 with a private copy of the data directory; every process started here is stopped by its
own process group id. Three apps are compared, each started exactly as the real one is (`chainlit run ... --headless`
from the project root): the real app (app.py), the bare echo app (bench/echo_app.py: nothing but Chainlit) and the
anchor (bench/anchor_app.py: Chainlit with the real app's history data layer, SQLite settings and guest sign-in).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import common
import loadtest
from common import chainlit_server, clean_env, prepare_data_dir, python, run_json

ROOT = common.ROOT
BENCH = ROOT / "bench"
APP = "app.py"
ECHO_APP = "bench/echo_app.py"
ANCHOR_APP = "bench/anchor_app.py"
THINK_S = 2.0  # paced load: a reader's pause between a reply and the next message (0.5-1.5x this)
RSS_QUESTIONS = [
    "what is LoRA?",
    "what is RAG?",
    "will it forget how to write?",
    "what does training data mean?",
    "how much does hosting cost?",
    "what is catastrophic forgetting?",
    "what is a base model?",
    "what is an embedding?",
]
LOG_PROBLEMS = {"database is locked": "database is locked", "ERROR lines": " - ERROR - ", "tracebacks": "Traceback"}


# --- environment --------------------------------------------------------------------------------------------
def bytecode_setup(cache: Path) -> dict:
    """Child processes read and write .pyc files in a private cache, whatever this shell says."""
    venv_site = next((ROOT / ".venv" / "lib").glob("python*/site-packages"), None)
    pyc = sum(1 for _ in venv_site.rglob("*.pyc")) if venv_site else 0
    info = {
        "PYTHONDONTWRITEBYTECODE_in_env": os.environ.get("PYTHONDONTWRITEBYTECODE"),
        "venv_pyc_files": pyc,
        "pycache_prefix": str(cache),
    }
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
    proc = subprocess.run(
        [str(common.VENV_BIN / "pitchcheck"), "-v", "index"],
        cwd=ROOT,
        env=clean_env(data_dir),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pitchcheck index failed: {proc.stderr[-2000:]}")
    return {"data_dir": str(data_dir), "index_s": round(time.perf_counter() - t0, 1), "index_output": proc.stdout.strip()[-300:]}


def prime(data_dir: Path) -> Path:
    """Fill the bytecode cache (one untimed run of each command and server measured below); returns the history
    database the app created, so that later start-ups are those of an app that has run once."""
    env = clean_env(data_dir)
    subprocess.run(
        [str(common.VENV_BIN / "pitchcheck"), "ask", "what is LoRA?"], cwd=ROOT, env=env, capture_output=True, timeout=600
    )
    for app in (APP, ECHO_APP, ANCHOR_APP):
        with chainlit_server(app, data_dir / ("prime-" + Path(app).stem), log_name="prime.log"):
            pass
    return data_dir / ("prime-" + Path(APP).stem) / "history.db"


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
def one_startup(app: str, data_dir: Path, extra_env: dict | None = None, history: Path | None = None) -> dict:
    mode = "interview" if app == APP else "echo"
    if history is not None and history.is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(history, data_dir / "history.db")
    with chainlit_server(app, data_dir, extra_env=extra_env) as server:
        answers = asyncio.run(loadtest.ask(server.url, ["what is LoRA?"], mode))
        first_answer = answers[0]["arrived"] - server.launched_at
        ok = loadtest.sourced(answers[0]["text"]) if mode == "interview" else answers[0]["text"].startswith("Echo:")
        return {
            "first_page_s": round(server.first_page_s, 3),
            "first_answer_s": round(first_answer, 3),
            "answer_ok": ok,
            "rss_mb": server.rss_mb(),
        }


def summarise_startup(runs: dict[str, list[dict]]) -> dict:
    out: dict = {"runs": runs}
    for name, rs in runs.items():
        out[name] = {k: round(statistics.median(r[k] for r in rs), 3) for k in ("first_page_s", "first_answer_s")}
        out[name]["answers_ok"] = all(r["answer_ok"] for r in rs)
    out["first_page_ratio"] = round(out["app"]["first_page_s"] / out["echo"]["first_page_s"], 3)
    out["first_answer_ratio"] = round(out["app"]["first_answer_s"] / out["echo"]["first_answer_s"], 3)
    return out


def startup(data_dir: Path, reps: int, history: Path | None) -> dict:
    runs: dict[str, list[dict]] = {"app": [], "echo": []}
    for rep in range(reps):  # interleaved, so drifting machine load hits both alike
        runs["echo"].append(one_startup(ECHO_APP, data_dir / f"startup-echo-{rep}"))
        runs["app"].append(one_startup(APP, data_dir / f"startup-app-{rep}", history=history))
    return summarise_startup(runs)


def startup_no_bytecode(data_dir: Path, history: Path | None) -> dict:
    env = no_bytecode_env(data_dir)
    out = summarise_startup(
        {
            "echo": [one_startup(ECHO_APP, data_dir / "nopyc-echo", env)],
            "app": [one_startup(APP, data_dir / "nopyc-app", env, history)],
        }
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(common.VENV_BIN / "pitchcheck"), "ask", "what is LoRA?"],
        cwd=ROOT,
        env=clean_env(data_dir, env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    out["cold_ask_onnx_s"] = round(time.perf_counter() - t0, 3)
    out["cold_ask_ok"] = proc.returncode == 0 and "LoRA" in proc.stdout
    return out


IMPORT_PROBE = """
import json, sys, time
t0 = time.perf_counter()
import chainlit.server
t1 = time.perf_counter()
before = set(sys.modules)
import app
t2 = time.perf_counter()
added = sorted({m.split(".")[0] for m in sys.modules} - {m.split(".")[0] for m in before} - {"app"})
print(json.dumps({"chainlit_s": t1 - t0, "app_s": t2 - t1, "packages_added": added}))
"""


def first_page_profile(data_dir: Path, history: Path | None, reps: int = 3) -> dict:
    """Where the app's first page goes beyond the echo app's: importing Chainlit (both pay it) against importing
    app.py with its module-level start-up (only the app pays it), in fresh interpreters, median of `reps`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if history is not None and history.is_file():
        shutil.copy2(history, data_dir / "history.db")
    runs = []
    for _ in range(reps):
        proc = subprocess.run(
            [python(), "-c", IMPORT_PROBE], cwd=ROOT, env=clean_env(data_dir), capture_output=True, text=True, timeout=300
        )
        if proc.returncode != 0:
            raise RuntimeError(f"the import probe failed: {proc.stderr[-1500:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {
        "chainlit_s": round(statistics.median(r["chainlit_s"] for r in runs), 3),
        "app_s": round(statistics.median(r["app_s"] for r in runs), 3),
        "packages_added": runs[-1]["packages_added"],
    }


# --- the servers under load ---------------------------------------------------------------------------------
def wait_for_log(server, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in server.log_tail(10**7):
            return True
        time.sleep(0.25)
    return False


def _cpu_s(pid: int) -> float | None:
    import psutil

    try:
        proc = psutil.Process(pid)
        return sum(c.cpu_times().user + c.cpu_times().system for c in [proc, *proc.children(recursive=True)])
    except psutil.Error:
        return None


def load_with_cpu(url: str, pid: int, sessions: int, mode: str, think: float, messages: int = 13) -> dict:
    """One load, with the CPU-seconds the server spent on it (and per message sent)."""
    before = _cpu_s(pid)
    rep = asyncio.run(loadtest.run_load(url, sessions=sessions, mode=mode, messages=messages, timeout=600, pid=pid, think=think))
    after = _cpu_s(pid)
    if before is not None and after is not None:
        rep["server_cpu_s"] = round(after - before, 2)
        rep["server_cpu_ms_per_message"] = round(1000 * (after - before) / max(rep["messages_sent"], 1), 2)
    rep.pop("per_session", None)
    return rep


_STATEMENTS = re.compile(r"history statements: (\d+) reads, (\d+) writes(?: in (\d+) commits)?")


def statements(log_path: Path, messages: int) -> dict | None:
    """The server's count of history statements (logged as it stops) over every message sent to it."""
    try:
        found = _STATEMENTS.findall(log_path.read_text(errors="replace"))
    except OSError:
        return None
    if not found:
        return None
    reads, writes, commits = (int(x or 0) for x in found[-1])
    return {
        "reads": reads,
        "writes": writes,
        "commits": commits,
        "messages": messages,
        "per_message": round((reads + writes) / max(messages, 1), 2),
        "writes_per_commit": round(writes / commits, 1) if commits else None,
    }


def _sent(out: dict) -> int:
    return sum((out.get(k) or {}).get("messages_sent", 0) for k in ("load", "load_burst"))


def app_memory_and_load(data_dir: Path, sessions: int, backend: str = "onnx", load: bool = True) -> dict:
    extra = {"PITCHCHECK_EMBEDDING_BACKEND": backend}
    with chainlit_server(APP, data_dir, extra_env=extra) as server:
        out: dict = {"backend": backend, "rss_at_first_page_mb": server.rss_mb()}
        t0 = time.perf_counter()
        out["dense_ready"] = wait_for_log(server, "dense retrieval ready", 240)
        out["dense_ready_after_first_page_s"] = round(time.perf_counter() - t0, 2)
        answers = asyncio.run(loadtest.ask(server.url, RSS_QUESTIONS))
        out["answers_sourced"] = sum(loadtest.sourced(a["text"]) for a in answers)
        time.sleep(1.0)
        out["rss_after_questions_mb"] = server.rss_mb()
        out["answer_ms_single_session"] = common.summary_ms([a["seconds"] for a in answers])
        if load:
            out["load"] = load_with_cpu(server.url, server.pid, sessions, "interview", THINK_S)
            out["load_burst"] = load_with_cpu(server.url, server.pid, sessions, "interview", 0.0)
            out["rss_after_load_mb"] = server.rss_mb()
            out["peak_rss_mb"] = max(
                filter(
                    None,
                    [
                        out["load"]["rss_mb"]["peak"],
                        out["load_burst"]["rss_mb"]["peak"],
                        out["rss_after_questions_mb"],
                        out["rss_after_load_mb"],
                    ],
                )
            )
        else:
            out["peak_rss_mb"] = out["rss_after_questions_mb"]
        out["server_log"] = log_problems(server.log_tail(10**8))
        out["server_log_samples"] = log_samples(server.log_tail(10**8))
    out["history_statements"] = statements(server.log_path, _sent(out) + len(RSS_QUESTIONS))
    return out


def baseline_load(
    app: str, data_dir: Path, sessions: int, messages: int, paced: bool = True, extra_env: dict[str, str] | None = None
) -> dict:
    """The echo or anchor app under the same loads (each echo session sends as many messages as an interview)."""
    with chainlit_server(app, data_dir, extra_env) as server:
        out = {"app": app}
        if paced:
            out["load"] = load_with_cpu(server.url, server.pid, sessions, "echo", THINK_S, messages)
        out["load_burst"] = load_with_cpu(server.url, server.pid, sessions, "echo", 0.0, messages)
        out["server_log"] = log_problems(server.log_tail(10**8))
    out["history_statements"] = statements(server.log_path, _sent(out))
    return out


# --- the other scripts --------------------------------------------------------------------------------------
def engine(data_dir: Path, interviews: int) -> dict:
    return run_json(
        [python(), str(BENCH / "bench_engine.py"), "--json", "--data-dir", str(data_dir), "--interviews", str(interviews)],
        env=clean_env(data_dir),
        timeout=1800,
    )


def embeddings(data_dir: Path) -> dict:
    return run_json(
        [
            python(),
            str(BENCH / "bench_embeddings.py"),
            "--json",
            "--data-dir",
            str(data_dir),
            "--queries",
            "200",
            "--texts",
            "1000",
        ],
        env=clean_env(data_dir),
        timeout=1800,
    )


def audit(data_dir: Path, rows: int) -> dict:
    """bench/bench_audit.py: the audit of `rows` generated rows, timed, and the near-duplicate recall."""
    return run_json(
        [python(), str(BENCH / "bench_audit.py"), "--rows", str(rows), "--json"], env=clean_env(data_dir), timeout=1800
    )


def crash_resume(data_dir: Path, loops: int) -> dict:
    """bench/crash_resume.py --loops N: kill -9 after an acknowledged answer, restart, resume."""
    proc = subprocess.run(
        [python(), str(BENCH / "crash_resume.py"), "--loops", str(loops), "--json"],
        cwd=ROOT,
        env=clean_env(data_dir),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    lines = [line for line in proc.stdout.strip().splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"crash_resume.py exited {proc.returncode}: {proc.stderr[-1500:]}")
    report = json.loads(lines[-1])
    if report.get("ok") == report.get("loops"):
        report.pop("results", None)  # every loop whole: the per-loop detail adds nothing
    return report


def retrieval(data_dir: Path) -> dict:
    """bench/bench_retrieval.py: hit@1, hit@3 and MRR per half and ranking mode."""
    proc = subprocess.run(
        [python(), str(BENCH / "bench_retrieval.py"), "--json"],
        cwd=ROOT,
        env=clean_env(data_dir),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench_retrieval.py exited {proc.returncode}: {proc.stderr[-1500:]}")
    return json.loads(proc.stdout)  # one indented JSON object


def text_lines(script: str, data_dir: Path, *args: str) -> dict:
    """A script that prints its figures as lines (answer_eval.py, pitch_set.py): the lines, as printed."""
    proc = subprocess.run(
        [python(), str(BENCH / script), *args], cwd=ROOT, env=clean_env(data_dir), capture_output=True, text=True, timeout=900
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{script} exited {proc.returncode}: {proc.stderr[-1500:]}")
    return {"lines": [line.rstrip() for line in proc.stdout.splitlines() if line.strip()]}


def cluster(data_dir: Path, sessions: int, work: Path) -> dict:
    import cluster as two_instances

    return two_instances.run(sessions, work=work, source_data=data_dir)
