"""The data audit: how many clean, labelled examples a file really holds, and what is wrong with the rest. Files are
read by chains.examples, personal data found by chains.personal_data, near-duplicates by chains.near_duplicates, and
chains.audit_worker runs audit_file in a bounded worker process."""

from __future__ import annotations

import logging
import math
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chains.audit_result import (
    AUDIT_DEFINITIONS,
    EMBED_CHARS,
    FORMULA_START,
    IMBALANCE_RATIO,
    IMBALANCE_SHARE,
    MAX_LABEL_CHARS,
    MAX_LABELS,
    AuditResult,
    PersonalDataCount,
    Progress,
    count_phrase,
    rows_phrase,
    token_stats,
)
from chains.examples import AuditError, Example, ExampleReader, ReadLimits, cell_text
from chains.near_duplicates import (
    NearDuplicates,
    OutOfTime,
    SearchModels,
    SearchStats,
    row_pairs,
    similar_inputs,
    similar_pairs,
)
from chains.personal_data import PII_KINDS, PII_NAMES, kind_bit, personal_data, personal_data_mask
from chains.settings import Settings, get_settings

__all__ = [
    "AUDIT_DEFINITIONS",
    "PII_KINDS",
    "AuditError",
    "AuditResult",
    "Progress",
    "audit_file",
    "audit_rows",
    "escape_formula",
    "personal_data",
    "similar_pairs",
]

log = logging.getLogger(__name__)


def escape_formula(text: str) -> str:
    """Text safe to write into a CSV or spreadsheet: a leading ' stops =, +, - or @ from running as a formula."""
    stripped = text.lstrip()
    if (stripped[:1] and stripped[0] in FORMULA_START) or text[:1] in ("\t", "\r"):
        return "'" + text
    return text


def _collapse(text: str) -> str:
    """Whitespace runs as single spaces (text is already trimmed); the common tidy ASCII case costs no copy.

    In ASCII, every whitespace character but the space is a control character, so isprintable() rules them out.
    """
    if text.isascii() and text.isprintable() and "  " not in text:
        return text
    return " ".join(text.split())


# --- the audit ----------------------------------------------------------------------------------------------
def audit_file(
    path: str | Path,
    settings: Settings | None = None,
    embedder: Any = None,
    *,
    name: str | None = None,
    timings: dict[str, float] | None = None,
    progress: Progress | None = None,
    deadline: float | None = None,
) -> AuditResult:
    """Audit a .csv, .jsonl or .xlsx file of examples, streaming it row by row (see AUDIT_DEFINITIONS).

    name: the owner's name for the file (its type is decided from its content and this name). embedder: an object
    with embed(texts) -> (n, d) float32 array, used for every input; None uses the packaged model's exports
    (chains.near_duplicates); False skips the near-duplicate search (near_duplicates is then None). timings, if
    given, receives the seconds spent reading and counting ("read") and on near-duplicates ("near_duplicates").
    Past the deadline (time.perf_counter()) the near-duplicate search is dropped with a finding saying so.
    Raises AuditError, with a one-line message, for a file it cannot read or that is over a limit.
    """
    settings = settings or get_settings()
    reader = ExampleReader(path, name=name, limits=ReadLimits.from_settings(settings))
    return _audit(reader, settings, embedder, name or Path(path).name, reader, timings, "", progress, deadline)


def audit_rows(
    rows: Iterable[tuple[str, str]],
    settings: Settings | None = None,
    embedder: Any = None,
    *,
    name: str = "rows",
    shape: str = "input+output",
    timings: dict[str, float] | None = None,
) -> AuditResult:
    """Audit (input, output) pairs held in memory; row numbers count from 1."""
    examples = (Example(n, cell_text(row[0]), cell_text(row[1])) for n, row in enumerate(rows, start=1))
    return _audit(examples, settings or get_settings(), embedder, name, None, timings, shape)


class _Tally:
    """What the audit keeps while streaming rows: counts, a few row numbers, and about 34 bytes per row.

    Memory grows with the number of rows, never with the text, except the distinct inputs kept for embedding.
    """

    def __init__(self, want_vectors: bool):
        self.want_vectors = want_vectors
        self.total = self.empty = self.formulas = 0
        self.empty_rows: list[int] = []
        self.formula_rows: list[int] = []
        self.formula_marks: set[str] = set()
        self.row_no, self.pair_key, self.input_key = array("q"), array("q"), array("q")
        self.tokens, self.pii = array("q"), array("B")
        self.label_of: dict[str, int] | None = {}  # output -> label index, until outputs stop looking like labels
        self.label_ix = array("b")
        self.input_text: dict[int, str] = {}  # input hash -> text, for embedding

    def read(self, examples: Iterable[Example], tick: Callable[[], None] | None = None) -> None:
        for example in examples:
            self.total += 1
            if tick is not None and not self.total % 4096:
                tick()
            self._count_formulas(example)
            inp, out = example.input.strip(), example.output.strip()
            if not inp or not out:
                self.empty += 1
                if len(self.empty_rows) < 50:
                    self.empty_rows.append(example.row)
                continue
            self._keep(example.row, inp, out, example.extra)

    def _count_formulas(self, example: Example) -> None:
        for cell in (example.input, example.output):
            mark = cell.lstrip()[:1]
            if mark and mark in FORMULA_START:
                self.formulas += 1
                self.formula_marks.add(mark)
                if len(self.formula_rows) < 50 and (not self.formula_rows or self.formula_rows[-1] != example.row):
                    self.formula_rows.append(example.row)

    def _keep(self, row: int, inp: str, out: str, extra: str) -> None:
        norm_in = _collapse(inp).casefold()
        key = hash(norm_in)
        self.row_no.append(row)
        self.pair_key.append(hash((norm_in, _collapse(out).casefold())))
        self.input_key.append(key)
        self.tokens.append(-(-(len(inp) + len(out) + len(extra)) // 4))  # ceil(chars / 4)
        self.pii.append(personal_data_mask(f"{inp}\n{out}\n{extra}" if extra else f"{inp}\n{out}"))
        if self.label_of is not None:
            ix = self.label_of.get(out)
            if ix is None and len(out) <= MAX_LABEL_CHARS and len(self.label_of) < 64:
                ix = self.label_of[out] = len(self.label_of)
            if ix is None:
                self.label_of = None
            else:
                self.label_ix.append(ix)
        if self.want_vectors and key not in self.input_text:
            self.input_text[key] = _collapse(inp[:EMBED_CHARS])

    def column(self, name: str, dtype=np.int64) -> np.ndarray:
        values = getattr(self, name)
        return np.frombuffer(values, dtype=dtype) if len(values) else np.empty(0, dtype)


@dataclass
class _Clean:
    """The clean rows: the first row of each (input, output) pair; the others repeat it."""

    rows: np.ndarray  # row numbers of every non-empty row
    is_clean: np.ndarray
    first_of: np.ndarray  # per distinct pair, the index of its first row
    pair_id: np.ndarray  # per non-empty row, its pair
    inputs: np.ndarray  # per clean row, its input's hash
    tokens: np.ndarray
    pii: np.ndarray

    @classmethod
    def of(cls, tally: _Tally) -> _Clean:
        rows = tally.column("row_no")
        _, first_of, pair_id = np.unique(tally.column("pair_key"), return_index=True, return_inverse=True)
        is_clean = np.zeros(len(rows), dtype=bool)
        is_clean[first_of] = True
        return cls(
            rows,
            is_clean,
            first_of,
            pair_id,
            tally.column("input_key")[is_clean],
            tally.column("tokens")[is_clean],
            tally.column("pii", np.uint8)[is_clean],
        )

    @property
    def count(self) -> int:
        return len(self.first_of)

    @property
    def clean_rows(self) -> np.ndarray:
        return self.rows[self.is_clean]


def _audit(
    examples: Iterable[Example],
    settings: Settings,
    embedder: Any,
    name: str,
    reader: ExampleReader | None,
    timings: dict[str, float] | None,
    shape: str = "",
    progress: Progress | None = None,
    deadline: float | None = None,
) -> AuditResult:
    started = time.perf_counter()
    want_vectors = embedder is not False
    reading_share = 0.3 if want_vectors else 1.0
    tick = None
    if progress is not None and reader is not None:
        tick = lambda: progress("Reading rows", reading_share * (reader.fraction_read() or 0.0))  # noqa: E731
    tally = _Tally(want_vectors)
    tally.read(examples, tick)
    shape = (reader.shape if reader is not None else None) or shape
    clean = _Clean.of(tally)
    pii, pii_rows = _personal_data(clean)
    issues = _size_findings(clean.count, settings) + _pii_findings(pii, pii_rows)
    issues += _repeat_findings(tally, clean)
    read_done = time.perf_counter()
    near = None
    if want_vectors:
        near, note, stats = _near_duplicates(
            tally,
            clean,
            settings,
            embedder,
            deadline,
            lambda label, f: progress(label, reading_share + (1 - reading_share) * f) if progress is not None else None,
        )
        issues += [note] if note else []
        if timings is not None and stats is not None:
            timings.update(
                {f"{stage}_s": seconds for stage, seconds in stats.seconds.items()},
                inputs=stats.inputs,
                static_inputs=stats.static,
                quick_inputs=stats.quick,
                full_inputs=stats.full,
            )
    tally.input_text.clear()
    issues += _near_findings(near, settings)
    labels = _labels(tally, clean)
    issues += _label_issues(labels, clean.count) if labels else []
    issues += _formula_findings(tally) + (_reader_findings(reader) if reader is not None else [])
    tokens = token_stats(clean.tokens)
    if timings is not None:
        timings.update(
            read=read_done - started, near_duplicates=time.perf_counter() - read_done, total=time.perf_counter() - started
        )
    return AuditResult(
        file=name,
        shape=shape,
        rows=tally.total,
        empty=tally.empty,
        duplicates=len(clean.rows) - clean.count,
        clean=clean.count,
        pii_rows=pii_rows,
        pii=pii,
        labels=labels,
        near_duplicates=near,
        tokens=tokens,
        tokens_per_example=math.ceil(tokens["mean"]) if clean.count else None,
        training_cost_gbp=round(tokens["total"] * settings.epochs * settings.price_per_million_training_tokens_gbp / 1e6, 6),
        issues=issues,
    )


# --- what the figures say -----------------------------------------------------------------------------------
def _personal_data(clean: _Clean) -> tuple[dict[str, PersonalDataCount], int]:
    rows = clean.clean_rows
    out = {}
    for kind in PII_KINDS:
        hit = rows[(clean.pii & kind_bit(kind)) != 0].tolist()
        out[kind] = PersonalDataCount(count=len(hit), rows=hit)
    return out, int(np.count_nonzero(clean.pii))


def _size_findings(clean: int, settings: Settings) -> list[str]:
    if clean >= settings.min_clean_examples:
        return []
    return [
        f"{'Only ' if clean else ''}{count_phrase(clean, 'clean example')}: below {settings.min_clean_examples}, "
        "fine-tuning tends to overfit and do worse than a well-written prompt."
    ]


def _pii_findings(pii: dict[str, PersonalDataCount], pii_rows: int) -> list[str]:
    if not pii_rows:
        return []
    parts = [f"{PII_NAMES[k]} in {rows_phrase(v['rows'], v['count'])}" for k, v in pii.items() if v["count"]]
    return [
        f"{count_phrase(pii_rows, 'row')} {'holds' if pii_rows == 1 else 'hold'} personal data: "
        + "; ".join(parts)
        + ". Check it may lawfully go to the vendor, or remove it first."
    ]


def _repeat_findings(tally: _Tally, clean: _Clean) -> list[str]:
    """Exact repeats, empty rows, and identical inputs with different outputs."""
    issues = []
    duplicates = len(clean.rows) - clean.count
    if duplicates:
        d = int(np.flatnonzero(~clean.is_clean)[0])
        issues.append(
            f"{count_phrase(duplicates, 'row')} {'repeats' if duplicates == 1 else 'repeat'} an earlier row (same input "
            f"and output, ignoring case and spacing), e.g. row {clean.rows[d]} repeats row "
            f"{clean.rows[clean.first_of[clean.pair_id[d]]]}."
        )
    if tally.empty:
        issues.append(
            f"{count_phrase(tally.empty, 'row')} {'has' if tally.empty == 1 else 'have'} an empty input or output: "
            f"{rows_phrase(tally.empty_rows, tally.empty)}."
        )
    _, first_use, uid, per_input = np.unique(clean.inputs, return_index=True, return_inverse=True, return_counts=True)
    repeated = np.flatnonzero(per_input >= 2)
    if len(repeated):
        u = int(repeated[np.argmin(first_use[repeated])])
        first_two = clean.clean_rows[uid == u][:2].tolist()
        issues.append(
            f"{count_phrase(len(repeated), 'input')} {'appears' if len(repeated) == 1 else 'appear'} more than once "
            f"with different outputs, e.g. rows {first_two[0]} and {first_two[1]}: check the answers agree."
        )
    return issues


def _near_duplicates(
    tally: _Tally, clean: _Clean, settings: Settings, embedder: Any, deadline: float | None, progress: Progress | None
) -> tuple[NearDuplicates | None, str | None, SearchStats | None]:
    """(the pairs, or None with a note saying why they were not checked; what the search embedded)."""
    input_ids, uid = np.unique(clean.inputs, return_inverse=True)
    texts = [tally.input_text[int(k)] for k in input_ids]
    owned = embedder is None
    try:
        models = (
            SearchModels(full=embedder) if not owned else SearchModels.load(settings, len(texts)) if len(texts) >= 2 else None
        )
        found, stats = (
            similar_inputs(texts, settings.near_duplicate_cosine, models, progress=progress, deadline=deadline)
            if models is not None
            else (None, None)
        )
    except OutOfTime:
        return (
            None,
            (
                f"Near-duplicates were not checked: comparing {len(texts):,} distinct inputs would take longer "
                "than the audit may run (PITCHCHECK_AUDIT_TIME_LIMIT_S)."
            ),
            None,
        )
    except Exception as exc:
        if not owned:
            raise
        log.warning("Near-duplicate search skipped: %s", exc, exc_info=True)
        return None, f"Near-duplicates were not checked: no embedding model ({exc}).", None
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32))
    count, shown = row_pairs(uid, clean.clean_rows, found if found is not None else empty)
    return NearDuplicates(count=count, pairs=shown), None, stats


def _near_findings(near: NearDuplicates | None, settings: Settings) -> list[str]:
    if not near or not near["count"]:
        return []
    a, b, _ = near["pairs"][0]
    return [
        f"{count_phrase(near['count'], 'pair')} of rows {'has' if near['count'] == 1 else 'have'} near-identical "
        f"inputs (cosine ≥ {settings.near_duplicate_cosine:g}), e.g. rows {a} and {b}: they teach "
        "the model little and can leak from training into testing."
    ]


def _labels(tally: _Tally, clean: _Clean) -> dict[str, int] | None:
    if tally.label_of is None or not clean.count:
        return None
    counts = np.bincount(tally.column("label_ix", np.int8)[clean.is_clean].astype(np.int64), minlength=len(tally.label_of))
    names = list(tally.label_of)
    present = {names[i]: int(c) for i, c in enumerate(counts) if c}
    if len(present) > MAX_LABELS or 2 * len(present) > clean.count:
        return None
    return dict(sorted(present.items(), key=lambda kv: (-kv[1], kv[0])))


def _label_issues(labels: dict[str, int], clean: int) -> list[str]:
    if len(labels) == 1:
        ((only, _),) = labels.items()
        return [f"Every clean row has the same output '{only}': there is nothing for a model to learn."]
    (big, most), (small, least) = next(iter(labels.items())), list(labels.items())[-1]
    if most >= IMBALANCE_RATIO * least or least < IMBALANCE_SHARE * clean:
        return [
            f"The labels are badly unbalanced: '{big}' has {most:,} examples, '{small}' only {least:,} "
            f"(the rule: the largest class {IMBALANCE_RATIO} or more times the smallest, or any class under "
            f"{IMBALANCE_SHARE:.0%} of clean rows). A model will learn to guess '{big}'."
        ]
    return []


def _formula_findings(tally: _Tally) -> list[str]:
    formulas, rows = tally.formulas, tally.formula_rows
    if not formulas:
        return []
    marks = [m for m in FORMULA_START if m in tally.formula_marks]
    said = marks[0] if len(marks) == 1 else ", ".join(marks[:-1]) + " or " + marks[-1]
    one = formulas == 1
    return [
        f"{count_phrase(formulas, 'cell')} {'starts' if one else 'start'} with {said} and could run as "
        f"{'a formula' if one else 'formulas'} in a spreadsheet ({rows_phrase(rows, len(rows))}); "
        f"escape {'it' if one else 'them'} before exporting."
    ]


def _reader_findings(reader: ExampleReader) -> list[str]:
    issues = []
    if reader.broken_count:
        one = reader.broken_count == 1
        where = rows_phrase(reader.broken_lines, reader.broken_count, 10).replace("row", "line")
        issues.append(
            f"{count_phrase(reader.broken_count, 'line')} {'is' if one else 'are'} not valid JSON and "
            f"{'was' if one else 'were'} skipped: {where}."
        )
    if reader.blank_rows:
        issues.append(
            f"{count_phrase(reader.blank_rows, 'completely blank row')} {'was' if reader.blank_rows == 1 else 'were'} skipped."
        )
    return issues + reader.notes
