"""Benchmark the data audit: 100,000 generated rows timed end to end, and the near-duplicate search's recall.

    python bench/bench_audit.py [--rows 100000] [--sample 5000] [--style tickets|templated] [--json]

The time is the whole audit of a generated CSV (reading, counting, personal data, labels, near-duplicates with the
packaged model's exports, loaded inside the timed call), in this process. The recall compares the search with
comparing every pair of distinct inputs with the full model (float32 ONNX all-MiniLM-L6-v2) on the first
--sample rows of the same generator: found pairs that the exhaustive comparison also finds, over all it finds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from tickets import generate_rows, write_csv  # noqa: E402

TARGET_SECONDS, TARGET_RECALL = 60.0, 0.95


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _distinct_inputs(rows) -> list[str]:
    """The distinct non-empty inputs as the audit keeps them (spacing collapsed, compared without case)."""
    from chains.audit import EMBED_CHARS, _collapse

    seen: dict[str, str] = {}
    for inp, out in rows:
        inp = inp.strip()
        if inp and out.strip():
            text = _collapse(inp)
            seen.setdefault(text.casefold(), _collapse(inp[:EMBED_CHARS]))
    return list(seen.values())


def recall(sample_rows: int, seed: int, style: str) -> dict:
    """The search against every pair compared with the full model, on the distinct inputs of sample_rows rows."""
    from chains.near_duplicates import SearchModels, _all_pairs, embed, similar_inputs
    from chains.settings import get_settings

    settings = get_settings()
    texts = _distinct_inputs(generate_rows(sample_rows, seed, style=style))
    models = SearchModels.load(settings, len(texts))
    started = time.perf_counter()
    found, stats = similar_inputs(texts, settings.near_duplicate_cosine, models)
    search_s = time.perf_counter() - started
    started = time.perf_counter()
    truth = _all_pairs(embed(models.full, texts), settings.near_duplicate_cosine)
    exact_s = time.perf_counter() - started
    truth_set = set(zip(truth[0].tolist(), truth[1].tolist(), strict=True))
    found_set = set(zip(found[0].tolist(), found[1].tolist(), strict=True))
    hits = len(truth_set & found_set)
    return {
        "rows": sample_rows,
        "inputs": len(texts),
        "exact_pairs": len(truth_set),
        "found_pairs": len(found_set),
        "recall": round(hits / len(truth_set), 4) if truth_set else 1.0,
        "precision": round(hits / len(found_set), 4) if found_set else 1.0,
        "search_s": round(search_s, 1),
        "exact_s": round(exact_s, 1),
        "embedded": {"static": stats.static, "int8": stats.quick, "full": stats.full},
    }


def timed_audit(rows: int, seed: int, style: str) -> dict:
    from chains.audit import audit_file
    from chains.settings import get_settings

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tickets.csv"
        started = time.perf_counter()
        write_csv(path, rows, seed, style)
        generated = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6
        timings: dict = {}
        load_before = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        result = audit_file(path, get_settings(), timings=timings)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    near = result["near_duplicates"]
    return {
        "rows": result["rows"],
        "size_mb": round(size_mb, 1),
        "generated_s": round(generated, 1),
        "seconds": round(seconds, 1),
        "rows_per_s": round(result["rows"] / seconds),
        "cpu_s": round(cpu, 1),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "read_s": round(timings["read"], 1),
        "near_duplicates_s": round(timings["near_duplicates"], 1),
        "stages_s": {k[:-2]: round(v, 1) for k, v in timings.items() if k in ("static_s", "quick_s", "full_s")},
        "embedded": {
            "inputs": timings.get("inputs"),
            "static": timings.get("static_inputs"),
            "int8": timings.get("quick_inputs"),
            "full": timings.get("full_inputs"),
        },
        "clean": result["clean"],
        "duplicates": result["duplicates"],
        "pii_rows": result["pii_rows"],
        "near_duplicate_pairs": None if near is None else near["count"],
        "issues": [i for i in result["issues"] if i.startswith("Near-duplicates were not checked")],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the timed audit (0: skip it)")
    parser.add_argument("--sample", type=int, default=5_000, help="rows in the recall sample (0: skip it)")
    parser.add_argument("--style", choices=["tickets", "templated"], default="tickets")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")
    args = parser.parse_args(argv)

    out: dict = {"style": args.style, "cores": os.cpu_count()}
    if args.sample:
        out["recall"] = recall(args.sample, args.seed, args.style)
    if args.rows:
        out["audit"] = timed_audit(args.rows, args.seed, args.style)
    out["peak_rss_mb"] = round(_peak_rss_mb())
    audit, sample = out.get("audit"), out.get("recall")
    if audit:
        out["audit_s"] = audit["seconds"]
        out["time_target_met"] = audit["seconds"] < TARGET_SECONDS * args.rows / 100_000
    if sample:
        out["recall_target_met"] = sample["recall"] >= TARGET_RECALL
    if args.json:
        print(json.dumps(out))
        return 0
    if sample:
        print(
            f"recall          {sample['recall']:.3f} (precision {sample['precision']:.3f}) on {sample['inputs']:,} "
            f"distinct inputs of {sample['rows']:,} rows: {sample['found_pairs']:,} pairs found, "
            f"{sample['exact_pairs']:,} by comparing every pair ({sample['exact_s']} s against {sample['search_s']} s)"
        )
    if audit:
        e, st = audit["embedded"], audit["stages_s"]
        print(
            f"audit           {audit['seconds']:.1f} s, {audit['rows_per_s']:,} rows/s for {audit['rows']:,} rows "
            f"({audit['size_mb']} MB); {audit['cpu_s']} CPU-seconds; load average {audit['load_average_before']} "
            f"before, {audit['load_average_after']} after, on {out['cores']} cores"
        )
        print(f"  read + count  {audit['read_s']} s")
        print(
            f"  near-dups     {audit['near_duplicates_s']} s: static {st.get('static')} s over {e['static']} inputs, "
            f"int8 {st.get('quick')} s over {e['int8']}, full model {st.get('full')} s over {e['full']}"
        )
        print(
            f"result          clean {audit['clean']:,}, duplicates {audit['duplicates']:,}, personal data "
            f"{audit['pii_rows']:,}, near-duplicate pairs {audit['near_duplicate_pairs']}"
        )
        print(f"target          100,000 rows in under 60 s: {'met' if out['time_target_met'] else 'NOT met'}")
    if sample:
        print(f"target          recall at least 0.95: {'met' if out['recall_target_met'] else 'NOT met'}")
    print(f"peak RSS        {out['peak_rss_mb']:,} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
