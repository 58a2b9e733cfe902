"""How well the pitch reader does on the public pitch set: mechanism, quote, fee and vague claims, per half.

The set (tests/data/pitches/*.txt, expectations in tests/data/pitches.yaml) is split by a stable hash of each file's
name: the tuning half is the one the reader's patterns may be adjusted on, the held-out half is only ever measured.

    .venv/bin/python bench/pitch_set.py          # a table per half
    .venv/bin/python bench/pitch_set.py --misses # and what each miss read
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chains.pitch import read_pitch  # noqa: E402

DATA = ROOT / "tests" / "data"


def half_of(name: str) -> str:
    """ "tuning" or "held-out", fixed by the file name alone so adding pitches never moves one across."""
    return "tuning" if int(hashlib.sha256(name.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def load_set() -> list[dict]:
    """The expectations, each with its pitch text under "text"; empty when the set is not there."""
    path = DATA / "pitches.yaml"
    if not path.is_file():
        return []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        {**e, "text": (DATA / "pitches" / e["file"]).read_text(encoding="utf-8")}
        for e in entries
        if (DATA / "pitches" / e["file"]).is_file()
    ]


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9%]+", " ", text.lower().replace("’", "'")).strip()


@dataclass
class Score:
    pitches: int = 0
    mechanism: int = 0
    quote: int = 0
    fee: int = 0
    claims_expected: int = 0
    claims_found: int = 0
    flagged: int = 0  # pitches with an expected vague claim where at least one was found
    with_claims: int = 0
    false_claims: int = 0  # not_claims read as vague
    misses: list[str] = field(default_factory=list)

    def line(self, half: str) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b}" if b else "-"

        return (
            f"{half:9} pitches {self.pitches:3}  mechanism {pct(self.mechanism, self.pitches):>6}  "
            f"quote {pct(self.quote, self.pitches):>6}  fee {pct(self.fee, self.pitches):>6}  "
            f"claims found {pct(self.claims_found, self.claims_expected):>6}  "
            f"pitches flagged {pct(self.flagged, self.with_claims):>6}  not-claims read as vague {self.false_claims}"
        )


def _quote_right(expected: dict | None, got: dict | None) -> bool:
    if not expected:
        return got is None
    if got is None or got["currency"] != expected["currency"] or got["amount"] is None:
        return False
    low = expected.get("low", expected["amount"])
    high = expected.get("high")
    return low - 0.5 <= got["amount"] <= (high + 0.5 if high is not None else float("inf"))


def _fee_right(expected: dict | None, got: dict | None) -> bool:
    if not expected:
        return got is None
    return got is not None and got["currency"] == expected["currency"] and abs(got["amount"] - expected["amount"]) < 0.5


def score(entries: list[dict]) -> dict[str, Score]:
    """Scores per half."""
    scores = {"tuning": Score(), "held-out": Score()}
    for e in entries:
        s = scores[half_of(e["file"])]
        reading = read_pitch(e["text"])
        s.pitches += 1
        vague = [_plain(c["text"]) for c in reading["vague_claims"]]
        found = [c for c in e.get("vague_claims") or [] if any(_plain(c) in v for v in vague)]
        wrong = [c for c in e.get("not_claims") or [] if any(_plain(c) in v for v in vague)]
        checks = {
            "mechanism": reading["mechanism"] == e["mechanism"],
            "quote": _quote_right(e.get("quote"), reading["quote"]),
            "fee": _fee_right(e.get("monthly_fee"), reading["monthly_fee"]),
        }
        s.mechanism += checks["mechanism"]
        s.quote += checks["quote"]
        s.fee += checks["fee"]
        s.claims_expected += len(e.get("vague_claims") or [])
        s.claims_found += len(found)
        s.false_claims += len(wrong)
        if e.get("vague_claims"):
            s.with_claims += 1
            s.flagged += bool(found)
        missed = [k for k, ok in checks.items() if not ok]
        lost = [c for c in e.get("vague_claims") or [] if c not in found]
        if missed or lost or wrong:
            detail = {"mechanism": reading["mechanism"], "quote": reading["quote"], "fee": reading["monthly_fee"]}
            s.misses.append(f"{e['file']}: wrong {missed or '-'}; read {detail}; claims missed {lost}; not-claims read {wrong}")
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="show what each miss read (tuning half only)")
    args = parser.parse_args(argv)
    entries = load_set()
    if not entries:
        print("pitch set: tests/data/pitches.yaml not found")
        return 0
    scores = score(entries)
    for half, s in scores.items():
        print(s.line(half))
    if args.misses:
        for miss in scores["tuning"].misses:
            print(" ", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
