"""Benchmark the two embedding backends, each in a fresh subprocess, in the same run.

For each backend: import time, load time, warm query latency (median and p95 over N queries),
batch throughput (texts/s over M short texts) and the process's peak RSS (ru_maxrss). The
backends' vectors for the same queries are compared (minimum cosine).

    .venv/bin/python bench/bench_embeddings.py [--json] [--data-dir DIR] [--queries 200] [--texts 2000]

The ONNX export is created first if it is missing (one-time, ~20 s, in a separate process).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("onnx", "sentence-transformers")

_SUBJECTS = [
    "fine-tuning",
    "RAG",
    "prompting",
    "a vector index",
    "LoRA",
    "distillation",
    "an embedding model",
    "the vendor's pilot",
    "labelled data",
    "a support chatbot",
    "evaluation",
    "the training run",
]
_QUESTIONS = [
    "What is {s}?",
    "Is {s} worth it for {n} tickets a month?",
    "How much does {s} cost per {u}?",
    "Why would a vendor push {s}?",
    "Can {s} stop hallucinations?",
    "{s} or {t}: which first?",
    "Explain {s} in plain English",
    "Do we need {n} examples for {s}?",
]
_UNITS = ["month", "million tokens", "user", "epoch"]
_WORDS = [
    "refund",
    "order",
    "delivery",
    "late",
    "invoice",
    "wrong",
    "item",
    "broken",
    "password",
    "reset",
    "account",
    "locked",
    "upgrade",
    "plan",
    "cancel",
    "subscription",
    "charge",
    "twice",
    "discount",
    "code",
    "shipping",
    "address",
    "missing",
    "parcel",
    "warranty",
    "claim",
]


def make_queries(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        s, t = rng.sample(_SUBJECTS, 2)
        q = rng.choice(_QUESTIONS).format(s=s, t=t, n=rng.choice([50, 300, 1000, 20000]), u=rng.choice(_UNITS))
        out.append(f"{q} (#{i})")
    return out


def make_short_texts(n: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    return [f"Ticket {rng.randint(1000, 99999)}: " + " ".join(rng.choices(_WORDS, k=rng.randint(4, 14))) for _ in range(n)]


# ---------------------------------------------------------------------------------------- worker


def worker(backend: str, data_dir: str, n_queries: int, n_texts: int, batch_size: int) -> dict:
    """Runs in a fresh interpreter: measure one backend, return the figures."""
    import resource
    import statistics

    t0 = time.perf_counter()
    from chains import embeddings as E  # numpy, langchain_core, pydantic (both backends need these)
    from chains.settings import Settings

    if backend == "onnx":
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    else:
        import sentence_transformers  # noqa: F401
    import_s = time.perf_counter() - t0

    settings = Settings(data_dir=Path(data_dir), embedding_backend=backend)
    t0 = time.perf_counter()
    embedder = E.get_embedder(settings)
    load_s = time.perf_counter() - t0
    if backend == "onnx" and not isinstance(embedder, E.OnnxEmbedder):
        raise SystemExit("no ONNX export: the benchmark would measure the fallback")

    queries = make_queries(n_queries)
    for q in make_queries(10, seed=99):  # warm-up
        embedder.embed_query(q)
    latencies = []
    sample = []
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        vector = embedder.embed_query(q)
        latencies.append((time.perf_counter() - t0) * 1000)
        if i < 20:
            sample.append(vector.tolist())
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]

    texts = make_short_texts(n_texts)
    embedder.embed(texts[:batch_size], batch_size=batch_size)  # warm-up
    t0 = time.perf_counter()
    vectors = embedder.embed(texts, batch_size=batch_size)
    batch_s = time.perf_counter() - t0
    assert vectors.shape == (n_texts, embedder.dimension)

    return {
        "backend": backend,
        "embedder": type(embedder).__name__,
        "import_s": round(import_s, 3),
        "load_s": round(load_s, 3),
        "query_ms_median": round(statistics.median(latencies), 2),
        "query_ms_p95": round(p95, 2),
        "queries": n_queries,
        "batch_texts_per_s": round(n_texts / batch_s, 1),
        "batch_texts": n_texts,
        "batch_size": batch_size,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "torch_imported": "torch" in sys.modules,
        "sample": sample,
    }


# ---------------------------------------------------------------------------------------- parent


def run_worker(backend: str, args: argparse.Namespace) -> dict:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
    }
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        backend,
        "--data-dir",
        str(args.data_dir),
        "--queries",
        str(args.queries),
        "--texts",
        str(args.texts),
        "--batch-size",
        str(args.batch_size),
    ]
    proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{backend} worker failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ensure_export(data_dir: Path) -> float | None:
    """Create the ONNX export in a separate process if missing; return the seconds it took, or None."""
    code = (
        "import json, sys, time\n"
        "from chains.settings import Settings\n"
        "from chains.embeddings import export_onnx, onnx_export_dir\n"
        f"s = Settings(data_dir={str(data_dir)!r})\n"
        "t = time.perf_counter(); existed = onnx_export_dir(s) is not None; export_onnx(s)\n"
        "print(json.dumps(None if existed else time.perf_counter() - t))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"ONNX export failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--data-dir", type=Path, default=None, help="Pitchcheck data dir holding onnx/ (default: settings)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--worker", choices=BACKENDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.data_dir is None:
        sys.path.insert(0, str(PROJECT_ROOT))
        from chains.settings import get_settings

        args.data_dir = get_settings().data_dir
    args.data_dir = Path(args.data_dir).resolve()

    if args.worker:
        print(json.dumps(worker(args.worker, str(args.data_dir), args.queries, args.texts, args.batch_size)))
        return 0

    export_s = ensure_export(args.data_dir) if "onnx" in args.backends else None
    results = {b: run_worker(b, args) for b in args.backends.split(",")}

    report: dict = {
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "export_s": None if export_s is None else round(export_s, 1),
        "backends": {},
    }
    for backend, result in results.items():
        report["backends"][backend] = {k: v for k, v in result.items() if k != "sample"}
    if len(results) == 2:
        import numpy as np

        a, b = (np.asarray(r["sample"], dtype=np.float32) for r in results.values())
        report["min_cosine_between_backends"] = round(float(np.sum(a * b, axis=1).min()), 6)

    if args.json:
        print(json.dumps(report))
        return 0

    rows = [
        ("import (s)", "import_s"),
        ("load (s)", "load_s"),
        (f"query median (ms, n={args.queries})", "query_ms_median"),
        ("query p95 (ms)", "query_ms_p95"),
        (f"batch texts/s ({args.texts} short, bs={args.batch_size})", "batch_texts_per_s"),
        ("peak RSS (MB)", "peak_rss_mb"),
        ("torch imported", "torch_imported"),
    ]
    names = list(report["backends"])
    print(
        f"cpus={report['cpus']}  load avg 1m={report['load_average_1m']}  "
        f"export={'already present' if export_s is None else f'{export_s:.1f} s'}"
    )
    print(f"{'':44}" + "".join(f"{n:>24}" for n in names))
    for label, key in rows:
        print(f"{label:44}" + "".join(f"{report['backends'][n][key]!s:>24}" for n in names))
    if "min_cosine_between_backends" in report:
        print(f"min cosine between backends (20 queries): {report['min_cosine_between_backends']:.6f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
