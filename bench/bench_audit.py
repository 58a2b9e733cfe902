"""Benchmark the data audit on 100,000 generated support-ticket rows (python bench/bench_audit.py [--rows N])."""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

# The benchmark measures the full near-duplicate search, so the audit's guard for large files is lifted.
os.environ.setdefault("PITCHCHECK_NEAR_DUPLICATE_MAX_INPUTS", "0")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GREETINGS = ["Hi,", "Hello,", "Hi there,", "Good morning,", "Hey,", "Dear team,", "Hello again,", "", "", ""]
PRODUCTS = [
    "kettle", "toaster", "blender", "coffee machine", "air fryer", "desk lamp", "office chair", "standing desk",
    "laptop stand", "monitor arm", "printer", "label printer", "card reader", "till roll pack", "shelving unit",
    "display fridge", "ice machine", "espresso grinder", "water filter", "hand dryer", "vacuum cleaner",
    "floor polisher", "gift card", "subscription box", "loyalty card", "booking slot", "table reservation",
    "delivery van hire", "storage unit", "website plan", "email hosting", "phone system", "headset",
    "barcode scanner", "receipt printer", "cash drawer", "POS tablet", "router", "security camera", "door sensor",
]
PROBLEMS = [
    "My {p} arrived damaged", "The {p} I ordered hasn't turned up", "I was charged twice for the {p}",
    "The {p} stopped working after {n} days", "You sent the wrong {p}", "My {p} is missing a part",
    "The {p} keeps making a loud noise", "I can't log in to manage my {p}", "The invoice for my {p} is wrong",
    "The {p} was cheaper on your website than at checkout", "My {p} order says delivered but it isn't here",
    "The {p} doesn't match the description", "The instructions for the {p} are missing",
    "I need to change the address for my {p} delivery", "The {p} was left outside in the rain",
    "I'd like to know if the {p} comes in another colour", "The {p} warranty card was not in the box",
]
DETAILS = [
    "Order number {o}.", "It was ordered on {d}.", "This is the {k} time this has happened.",
    "I've been a customer for {n} years.", "My reference is {o}.", "I paid £{a} for it.",
    "The courier was {c}.", "We need it for the shop opening on {d}.", "", "", "",
]
REQUESTS = [
    "Can I get a refund?", "Please send a replacement.", "Could someone call me back?",
    "What are my options?", "I'd like to cancel the order.", "Can you check what happened?",
    "Please fix this as soon as possible.", "How long will this take?", "Can I swap it for a different model?",
    "Who should I contact about this?",
]
REPLIES = [
    "Sorry about the {p}. I've arranged a full refund of £{a}; it will reach your account in 3 to 5 working days.",
    "Sorry about that. A replacement {p} is on its way and should arrive by {d}.",
    "Thanks for letting us know. A member of the team will call you back within one working day about order {o}.",
    "I've cancelled order {o} for you; you won't be charged.",
    "I've looked into order {o}: the courier lost it, so we're sending another {p} today.",
    "You can return the {p} within 30 days for a refund or an exchange; I've emailed you a returns label.",
]
COURIERS = ["DPD", "Royal Mail", "Evri", "DHL", "Yodel", "UPS"]
ORDINALS = ["second", "third", "fourth"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def _message(rng: random.Random) -> str:
    fill = dict(
        p=rng.choice(PRODUCTS), n=rng.randint(2, 30), o=rng.randint(100000, 999999), k=rng.choice(ORDINALS),
        d=f"{rng.randint(1, 28)} {rng.choice(MONTHS)}", a=rng.randint(5, 900), c=rng.choice(COURIERS),
    )
    parts = [rng.choice(GREETINGS), rng.choice(PROBLEMS).format(**fill) + ".", rng.choice(DETAILS).format(**fill), rng.choice(REQUESTS)]
    return " ".join(x for x in parts if x), fill


def _near_copy(rng: random.Random, text: str) -> str:
    """A small edit: the kind of paraphrase a customer sending the same complaint twice makes."""
    edits = [
        lambda t: t.replace("Can I", "Could I", 1) if "Can I" in t else t + " Thanks.",
        lambda t: t.rstrip(".?") + " please?",
        lambda t: "Hi, " + t if not t.startswith("Hi") else t[3:].lstrip(", "),
        lambda t: t.replace("I've", "I have", 1) if "I've" in t else t.replace(".", "!", 1),
    ]
    return rng.choice(edits)(text)


def generate_rows(n: int, seed: int = 7, duplicate_share: float = 0.05, near_share: float = 0.03):
    """Yield n (input, output) rows: mostly distinct tickets, some exact repeats (case/space changes), some small edits."""
    rng = random.Random(seed)
    made: list[tuple[str, str]] = []
    for _ in range(n):
        roll = rng.random()
        if made and roll < duplicate_share:
            inp, out = rng.choice(made)
            inp = "  " + inp.upper() if rng.random() < 0.5 else inp.replace(" ", "  ")
        elif made and roll < duplicate_share + near_share:
            inp, out = rng.choice(made)
            inp = _near_copy(rng, inp)
        else:
            inp, fill = _message(rng)
            fill["a"] = fill["a"]
            out = rng.choice(REPLIES).format(**fill)
            if rng.random() < 0.003:
                inp += f" You can reach me on 07700 900{rng.randint(100, 999)}."
            elif rng.random() < 0.003:
                inp += f" My email is customer{rng.randint(1, 99999)}@example.co.uk."
            if len(made) < 20000:
                made.append((inp, out))
            elif rng.random() < 0.1:
                made[rng.randrange(len(made))] = (inp, out)
        yield inp, out


def write_csv(path: Path, n: int, seed: int = 7) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["input", "output"])
        writer.writerows(generate_rows(n, seed))


def _embedder(kind: str):
    """(embedder or False, description, seconds to load)."""
    if kind == "none":
        return False, "none (near-duplicates skipped)", 0.0
    started = time.perf_counter()
    try:
        from chains.embeddings import ensure_embedder, get_embedder
        from chains.settings import get_settings
    except ImportError as exc:
        print(f"chains.embeddings is unavailable ({exc}): running without near-duplicates.")
        return False, "none (chains.embeddings unavailable)", 0.0
    settings = get_settings()
    # ensure_embedder makes the one-time ONNX export when it is missing, so the run measures ONNX Runtime,
    # not the sentence-transformers fallback that get_embedder would use meanwhile.
    embedder = ensure_embedder(settings) if kind == "onnx" else get_embedder(settings)
    return embedder, repr(embedder), time.perf_counter() - started


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--embedder", choices=["onnx", "settings", "none"], default="onnx",
                        help="onnx: chains.embeddings' ONNX model (exported once if missing); settings: "
                             "get_embedder as configured; none: skip near-duplicates")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from chains.audit import audit_file
    from chains.settings import get_settings

    embedder, described, load_seconds = _embedder(args.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tickets.csv"
        t0 = time.perf_counter()
        write_csv(path, args.rows, args.seed)
        generated = time.perf_counter() - t0
        rss_before = _peak_rss_mb()
        timings: dict[str, float] = {}
        t0, c0 = time.perf_counter(), time.process_time()
        result = audit_file(path, get_settings(), embedder=embedder, timings=timings)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        size_mb = path.stat().st_size / 1e6
    near = result["near_duplicates"]
    print(f"file            {args.rows:,} rows, {size_mb:.1f} MB (generated in {generated:.1f} s)")
    print(f"embedder        {described} (loaded in {load_seconds:.1f} s, not counted below)")
    print(f"audit           {seconds:.1f} s, {result['rows'] / seconds:,.0f} rows/s "
          f"({cpu:.1f} CPU-seconds over all threads; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  read + count  {timings['read']:.1f} s")
    print(f"  embed         {timings['embed']:.1f} s")
    print(f"  pair search   {timings['search']:.1f} s")
    print(f"peak RSS        {_peak_rss_mb():,.0f} MB (before the audit: {rss_before:,.0f} MB)")
    print(f"result          rows {result['rows']:,}, empty {result['empty']:,}, duplicates {result['duplicates']:,}, "
          f"clean {result['clean']:,}, rows with personal data {result['pii_rows']:,}, "
          f"near-duplicate pairs {'not checked' if near is None else format(near['count'], ',')}")
    print(f"target          100,000 rows in under 60 s: {'met' if seconds < 60 * args.rows / 100_000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
