"""The data audit: how many clean, labelled examples a file really holds, and what is wrong with the rest."""

from __future__ import annotations

import logging
import math
import re
import time
from array import array
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import phonenumbers
from stdnum import luhn

from chains.examples import AuditError, Example, ExampleReader, cell_text
from chains.settings import Settings, get_settings

__all__ = [
    "AUDIT_DEFINITIONS", "AuditError", "PII_KINDS", "audit_file", "audit_rows", "escape_formula",
    "format_text", "personal_data", "similar_pairs",
]

log = logging.getLogger(__name__)

PII_KINDS = ("email", "phone", "ni_number", "postcode", "card")
PII_NAMES = {"email": "emails", "phone": "phone numbers", "ni_number": "National Insurance numbers",
             "postcode": "postcodes", "card": "card numbers"}
FORMULA_START = "=+-@"
MAX_LABELS, MAX_LABEL_CHARS = 20, 40
IMBALANCE_RATIO, IMBALANCE_SHARE = 10, 0.05
PAIRS_SHOWN = 20
EMBED_CHUNK = 8192  # texts per embed() call: bounds the embedder's working memory
EMBED_CHARS = 2000  # the model reads 256 word pieces (~1,000 characters); the rest cannot change its vector

AUDIT_DEFINITIONS: dict[str, str] = {
    "rows": "Data rows read, the header not counted. Completely blank rows are skipped. Row numbers count data "
            "rows from 1 (in JSONL files they are line numbers).",
    "empty": "A row whose input or output is blank once spaces are trimmed.",
    "duplicates": "A row with the same input and the same output as an earlier row, ignoring upper/lower case and "
                  "spacing. An empty row counts only as empty.",
    "clean": "Rows less empty rows less duplicates: the examples a vendor could actually train on.",
    "personal_data": "A clean row holding an email address, a phone number (UK-shaped, or any valid international "
                      "number), a UK National Insurance number (HMRC's format: two letters, six digits, A-D), a UK "
                      "postcode, or a payment card number (13-19 digits passing the Luhn check).",
    "labels": f"When the outputs are a few short values (at most {MAX_LABELS} distinct, each at most {MAX_LABEL_CHARS} "
              "characters, and no more distinct values than half the clean rows), the count of each over clean rows. "
              f"Badly unbalanced: the largest class is {IMBALANCE_RATIO} or more times the smallest, or a class holds "
              f"under {IMBALANCE_SHARE:.0%} of the clean rows.",
    "near_duplicates": "Pairs of clean rows whose inputs mean almost the same: the cosine similarity of their "
                       "sentence embeddings is at or above the threshold (near_duplicate_cosine, 0.95 by default). "
                       "Identical inputs with different outputs count too.",
    "tokens": "Estimated tokens per clean example (input plus output; every message of a chat), by the rule of "
              "thumb for English of one token per four characters, rounded up.",
    "training_cost": "Tokens of all clean rows x epochs x the price per million training tokens: the compute of one "
                     "training run, not the vendor's fee.",
    "formulas": "Cells starting with =, +, - or @: a spreadsheet may run them as formulas when the file is opened.",
}

# --- personal data ------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# HMRC: first letter not D F I Q U V; second not D F I O Q U V; prefixes BG GB KN NK NT TN ZZ never issued; suffix A-D.
_NI_NUMBER = re.compile(r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.I)
_POSTCODE = re.compile(r"\b([A-Z]{1,2})(\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})\b", re.I)
_POSTCODE_AREAS = frozenset(
    "AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN "
    "EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE "
    "NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR "
    "TS TW UB W WA WC WD WF WN WR WS WV YO ZE".split()
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")
# Runs of digits with short separators between them: every kind but email holds one, so each run's
# neighbourhood is all the other patterns need to look at. One fast scan per text instead of one per kind.
_NUMBERS = re.compile(r"\d(?:[ ().-]{0,2}\d)*")
_CARD = re.compile(r"\d(?:[ -]?\d){12,18}")
_DIGIT_MASK = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))  # ASCII digits -> '0', the rest -> ' '


def _collapse(text: str) -> str:
    """Whitespace runs as single spaces (text is already trimmed); the common tidy ASCII case costs no copy.

    In ASCII, every whitespace character but the space is a control character, so isprintable() rules them out.
    """
    if text.isascii() and text.isprintable() and "  " not in text:
        return text
    return " ".join(text.split())


def _number_runs(text: str):
    """The runs of digits in text, found with C-speed byte scans where the text is ASCII."""
    if not text.isascii():
        yield from _NUMBERS.finditer(text)
        return
    mask = text.encode("ascii").translate(_DIGIT_MASK)
    pos = mask.find(b"0")
    while pos >= 0:
        run = _NUMBERS.match(text, pos)
        yield run
        pos = mask.find(b"0", run.end())


_AROUND = 8  # characters either side of a run: room for an NI number's letters, a postcode's area, a '+44'


def _is_phone(match: phonenumbers.PhoneNumberMatch) -> bool:
    """A number written the UK way (0 or +44, then ten digits), or any valid number written with +country code.

    UK-shaped numbers count whatever their range: libphonenumber's validity check rejects ranges it holds no
    data for (Ofcom's drama numbers, 07700 900xxx, among them), and a bare run of digits such as an order
    number is not read as a phone number unless it starts with 0.
    """
    number, raw = match.number, match.raw_string.lstrip("(")
    uk_shaped = number.country_code == 44 and len(str(number.national_number)) == 10
    if raw.startswith("+"):
        return uk_shaped or phonenumbers.is_valid_number(number)
    return raw.startswith("0") and uk_shaped


def _has_postcode(text: str, lo: int, hi: int) -> bool:
    for m in _POSTCODE.finditer(text, lo, hi):
        if m.group(1).upper() in _POSTCODE_AREAS and not (m.group(0).islower() and _ORDINAL.fullmatch(m.group(3))):
            return True
    return False


def _has_card(text: str, lo: int, hi: int) -> bool:
    for m in _CARD.finditer(text, lo, hi):
        start, end = m.span()
        if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue  # part of a longer number
        digits = re.sub(r"\D", "", m.group())
        if digits.strip("0") and luhn.is_valid(digits):
            return True
    return False


def personal_data(text: str) -> set[str]:
    """The kinds of personal data in text: a subset of PII_KINDS."""
    found = set()
    at = text.find("@")
    while at >= 0 and not found:
        if _EMAIL.search(text, max(0, at - 64), at + 256):
            found.add("email")
        at = text.find("@", at + 1)
    for run in _number_runs(text):
        start, end = run.span()
        lo, hi = max(0, start - _AROUND), min(len(text), end + _AROUND)
        digits = sum(map(str.isdigit, run.group()))
        if digits >= 9 and "phone" not in found and any(
            _is_phone(m) for m in phonenumbers.PhoneNumberMatcher(text[lo:hi], "GB", leniency=phonenumbers.Leniency.POSSIBLE)
        ):
            found.add("phone")
        if digits >= 13 and "card" not in found and _has_card(text, start, end):
            found.add("card")
        if 6 <= digits and "ni_number" not in found and _NI_NUMBER.search(text, lo, hi):
            found.add("ni_number")
        if digits <= 3 and end < len(text) and text[end].isalpha() and "postcode" not in found \
                and _has_postcode(text, lo, hi):
            found.add("postcode")
    return found


_PII_BIT = {kind: 1 << i for i, kind in enumerate(PII_KINDS)}


def escape_formula(text: str) -> str:
    """Text safe to write into a CSV or spreadsheet: a leading ' stops =, +, - or @ from running as a formula."""
    stripped = text.lstrip()
    if stripped[:1] and stripped[0] in FORMULA_START or text[:1] in ("\t", "\r"):
        return "'" + text
    return text


# --- near-duplicates ----------------------------------------------------------------------------------------
_BRUTE_FORCE_MAX = 6000  # below this many vectors every pair is compared: exact and quick
_LSH_BITS, _LSH_TABLES = 20, 80
_BLOCK = 2048


def _all_pairs(vectors: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair compared, in blocks of 2048 x 2048 so memory stays at 16 MB whatever n is."""
    n = len(vectors)
    found_i, found_j, found_c = [], [], []
    for a in range(0, n, _BLOCK):
        left = vectors[a:a + _BLOCK]
        for b in range(a, n, _BLOCK):
            sims = left @ vectors[b:b + _BLOCK].T
            ii, jj = np.nonzero(sims >= threshold)
            if a == b:
                keep = jj > ii
                ii, jj = ii[keep], jj[keep]
            found_i.append(ii + a)
            found_j.append(jj + b)
            found_c.append(sims[ii, jj])
    return _joined(found_i, found_j, found_c)


def _joined(i_parts, j_parts, c_parts):
    if not i_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
    return (np.concatenate(i_parts).astype(np.int64), np.concatenate(j_parts).astype(np.int64),
            np.concatenate(c_parts).astype(np.float32))


def similar_pairs(vectors: np.ndarray, threshold: float, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i < j) of L2-normalised rows whose cosine is at least threshold, with their cosines.

    Up to 6,000 vectors: every pair, by blocked matrix products (exact). Beyond that, comparing all pairs grows
    as n^2, so candidates come from random-hyperplane LSH: 80 tables of 20 sign bits over the mean-centred
    vectors (sentence embeddings share a common direction that would otherwise crowd them into a few buckets).
    Rows sharing a bucket in any table are compared exactly, a whole bucket at a time; a pair already met in an
    earlier table is skipped, so each is reported once. Measured on 89,164 all-MiniLM-L6-v2 embeddings of
    generated support tickets (102,728 pairs at 0.95 or more): 44 pairs missed (0.04%), all under 0.967, in
    about 15 CPU-seconds against 65 for comparing every pair; 16 bits x 40 tables took 21 s and missed 127,
    18 x 56 took 12 s and missed 96. When the buckets are so crowded that their products would cost more than
    comparing everything, every pair is compared instead.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n < 2:
        return _joined([], [], [])
    if n <= _BRUTE_FORCE_MAX:
        return _all_pairs(vectors, threshold)
    dim = vectors.shape[1]
    planes = np.random.default_rng(seed).standard_normal((dim, _LSH_TABLES * _LSH_BITS)).astype(np.float32)
    weights = (1 << np.arange(_LSH_BITS)).astype(np.float32)  # sums of these are exact in float32
    mean = vectors.mean(axis=0)
    keys = np.empty((_LSH_TABLES, n), dtype=np.int32)
    for lo in range(0, n, 8192):
        bits = ((vectors[lo:lo + 8192] - mean) @ planes > 0).astype(np.float32)
        keys[:, lo:lo + 8192] = (bits.reshape(-1, _LSH_TABLES, _LSH_BITS) @ weights).T
    tables = []
    work = 0
    for t in range(_LSH_TABLES):
        order = np.argsort(keys[t], kind="stable").astype(np.int32)  # stable: i < j within a bucket
        sorted_keys = keys[t][order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, n])
        crowded = sizes >= 2
        work += int((sizes[crowded].astype(np.int64) ** 2).sum())
        tables.append((order, starts[crowded], sizes[crowded]))
    # Measured here: a bucket product costs ~30 ns per element of its s x s result, comparing everything ~9 ns
    # per pair of n^2; past n^2 / 4 bucket elements the exhaustive comparison is the quicker.
    if work > n * n // 4:
        log.info("LSH buckets too crowded (%d products for %d vectors): comparing every pair", work, n)
        return _all_pairs(vectors, threshold)
    found_i, found_j, found_c = [], [], []
    for t, (order, starts, sizes) in enumerate(tables):
        for size in np.unique(sizes):
            size = int(size)
            members = order[starts[sizes == size][:, None] + np.arange(size)]  # (buckets, size) vector indices
            upper_i, upper_j = np.triu_indices(size, 1)
            step = max(1, (1 << 23) // (size * dim))  # about 32 MB of gathered vectors at a time
            for lo in range(0, len(members), step):
                group = members[lo:lo + step]
                gathered = vectors[group]
                # einsum is quicker for small buckets, a batched matrix product for larger ones
                sims = (np.einsum("bsd,btd->bst", gathered, gathered) if size <= 8
                        else np.matmul(gathered, gathered.transpose(0, 2, 1)))[:, upper_i, upper_j]
                b, p = np.nonzero(sims >= threshold)
                if not len(b):
                    continue
                i, j, c = group[b, upper_i[p]], group[b, upper_j[p]], sims[b, p]
                if t:
                    fresh = ~(keys[:t, i] == keys[:t, j]).any(axis=0)
                    i, j, c = i[fresh], j[fresh], c[fresh]
                found_i.append(i)
                found_j.append(j)
                found_c.append(c)
    return _joined(found_i, found_j, found_c)


def _embed(embedder: Any, texts: list[str]) -> np.ndarray:
    """Embed texts in chunks of similar length (less padding in each batch), back in their own order."""
    order = np.argsort(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), kind="stable")
    out: np.ndarray | None = None
    for start in range(0, len(texts), EMBED_CHUNK):
        index = order[start:start + EMBED_CHUNK]
        vectors = np.asarray(embedder.embed([texts[i] for i in index]), dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(index):
            raise ValueError(f"embedder returned shape {vectors.shape} for {len(index)} texts")
        if out is None:
            out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        out[index] = vectors
    out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
    return out


def _row_pairs(uid: np.ndarray, rows: np.ndarray, pairs) -> tuple[int, list[list]]:
    """Pairs of unique inputs -> pairs of rows: how many, and the first PAIRS_SHOWN in row order.

    Rows sharing one input (same input, different output) pair with each other at cosine 1.0.
    """
    order = np.argsort(uid, kind="stable")
    counts = np.bincount(uid, minlength=int(uid.max()) + 1 if len(uid) else 0)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    members = lambda u: rows[order[starts[u]:starts[u] + min(counts[u], PAIRS_SHOWN + 1)]]  # noqa: E731
    pi, pj, pc = pairs
    total = int((counts * (counts - 1) // 2).sum()) + int((counts[pi] * counts[pj]).sum())
    # Sources of row pairs: a group of rows sharing one input, or a pair of similar inputs; each yields its
    # smallest row pair first. A row pair belongs to one source only, so the first 20 pairs overall come from
    # the 20 sources with the smallest first pairs, each contributing at most its own first 20 x 20 rows.
    multi = np.flatnonzero(counts >= 2)
    g_a, g_b = rows[order[starts[multi]]], rows[order[starts[multi] + 1]]
    sources = [(int(g_a[k]), int(g_b[k]), int(multi[k]), -1, 1.0) for k in np.lexsort((g_b, g_a))[:PAIRS_SHOWN]]
    first = rows[order[starts]]
    a, b = first[pi], first[pj]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    sources += [(int(lo[k]), int(hi[k]), int(pi[k]), int(pj[k]), float(pc[k]))
                for k in np.lexsort((hi, lo))[:PAIRS_SHOWN]]
    sources.sort()
    shown: list[tuple[int, int, float]] = []
    for key_a, key_b, u, v, cosine in sources:
        if len(shown) >= PAIRS_SHOWN and (key_a, key_b) > shown[PAIRS_SHOWN - 1][:2]:
            break
        ru = members(u).tolist()
        if v < 0:
            shown += [(x, y, 1.0) for k, x in enumerate(ru) for y in ru[k + 1:]]
        else:
            shown += [(min(x, y), max(x, y), cosine) for x in ru for y in members(v).tolist()]
        shown.sort()
        del shown[PAIRS_SHOWN:]
    return total, [[x, y, round(c, 4)] for x, y, c in shown]


# --- the audit ----------------------------------------------------------------------------------------------
def audit_file(path: str | Path, settings: Settings | None = None, embedder: Any = None, *,
               timings: dict[str, float] | None = None) -> dict[str, Any]:
    """Audit a .csv, .jsonl or .xlsx file of examples, streaming it row by row (see AUDIT_DEFINITIONS).

    embedder: an object with embed(texts) -> (n, d) float32 array; None loads chains.embeddings' model;
    False skips the near-duplicate search (near_duplicates is then None). timings, if given, receives the
    seconds spent reading and counting ("read"), embedding ("embed") and searching for pairs ("search").
    Raises AuditError, with a one-line message, for a file it cannot read.
    """
    reader = ExampleReader(path)
    return _audit(reader, settings, embedder, Path(path).name, reader, timings)


def audit_rows(rows: Iterable[tuple[str, str]], settings: Settings | None = None, embedder: Any = None, *,
               name: str = "rows", shape: str = "input+output",
               timings: dict[str, float] | None = None) -> dict[str, Any]:
    """Audit (input, output) pairs held in memory; row numbers count from 1."""
    examples = (Example(n, cell_text(row[0]), cell_text(row[1])) for n, row in enumerate(rows, start=1))
    return _audit(examples, settings, embedder, name, None, timings, shape)


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

    def read(self, examples: Iterable[Example]) -> None:
        row_no, pair_key, input_key, tokens, pii = self.row_no, self.pair_key, self.input_key, self.tokens, self.pii
        for row, inp, out, extra in examples:
            self.total += 1
            for cell in (inp, out):
                mark = cell.lstrip()[:1]
                if mark and mark in FORMULA_START:
                    self.formulas += 1
                    self.formula_marks.add(mark)
                    if len(self.formula_rows) < 50 and (not self.formula_rows or self.formula_rows[-1] != row):
                        self.formula_rows.append(row)
            inp, out = inp.strip(), out.strip()
            if not inp or not out:
                self.empty += 1
                if len(self.empty_rows) < 50:
                    self.empty_rows.append(row)
                continue
            norm_in = _collapse(inp).casefold()
            key = hash(norm_in)
            row_no.append(row)
            pair_key.append(hash((norm_in, _collapse(out).casefold())))
            input_key.append(key)
            tokens.append(-(-(len(inp) + len(out) + len(extra)) // 4))  # ceil(chars / 4)
            mask = 0
            for kind in personal_data(f"{inp}\n{out}\n{extra}" if extra else f"{inp}\n{out}"):
                mask |= _PII_BIT[kind]
            pii.append(mask)
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


def _audit(examples: Iterable[Example], settings: Settings | None, embedder: Any, name: str,
           reader: ExampleReader | None, timings: dict[str, float] | None, shape: str = "") -> dict[str, Any]:
    settings = settings or get_settings()
    started = time.perf_counter()
    want_vectors = embedder is not False
    tally = _Tally(want_vectors)
    tally.read(examples)
    if reader is not None:
        shape = reader.shape or shape
    total, empty, empty_rows = tally.total, tally.empty, tally.empty_rows

    # Exact duplicates: the first row of each (input, output) pair is clean, the others repeat it.
    rows_arr = tally.column("row_no")
    _, first_of, pair_id = np.unique(tally.column("pair_key"), return_index=True, return_inverse=True)
    is_clean = np.zeros(len(rows_arr), dtype=bool)
    is_clean[first_of] = True
    duplicates = int(len(rows_arr) - len(first_of))
    clean_rows = rows_arr[is_clean]
    clean = int(len(clean_rows))
    clean_inputs = tally.column("input_key")[is_clean]
    clean_tokens = tally.column("tokens")[is_clean]
    clean_pii = tally.column("pii", np.uint8)[is_clean]
    issues: list[str] = []
    if clean < settings.min_clean_examples:
        issues.append(f"{'Only ' if clean else ''}{_n(clean, 'clean example')}: below {settings.min_clean_examples}, "
                      "fine-tuning tends to overfit and do worse than a well-written prompt.")

    pii_out = {}
    for kind in PII_KINDS:
        hit = clean_rows[(clean_pii & _PII_BIT[kind]) != 0].tolist()
        pii_out[kind] = {"count": len(hit), "rows": hit}
    pii_rows = int(np.count_nonzero(clean_pii))
    if pii_rows:
        parts = [f"{PII_NAMES[k]} in {_rows_phrase(v['rows'], v['count'])}" for k, v in pii_out.items() if v["count"]]
        issues.append(f"{_n(pii_rows, 'row')} {'holds' if pii_rows == 1 else 'hold'} personal data: " + "; ".join(parts)
                      + ". Check it may lawfully go to the vendor, or remove it first.")
    if duplicates:
        d = int(np.flatnonzero(~is_clean)[0])
        issues.append(f"{_n(duplicates, 'row')} {'repeats' if duplicates == 1 else 'repeat'} an earlier row (same input "
                      f"and output, ignoring case and spacing), e.g. row {rows_arr[d]} repeats row "
                      f"{rows_arr[first_of[pair_id[d]]]}.")
    if empty:
        issues.append(f"{_n(empty, 'row')} {'has' if empty == 1 else 'have'} an empty input or output: "
                      f"{_rows_phrase(empty_rows, empty)}.")

    # Identical inputs with different outputs, and (with embeddings) near-identical inputs.
    input_ids, first_use, uid, per_input = np.unique(clean_inputs, return_index=True, return_inverse=True,
                                                     return_counts=True)
    repeated = np.flatnonzero(per_input >= 2)
    if len(repeated):
        u = int(repeated[np.argmin(first_use[repeated])])
        first_two = clean_rows[uid == u][:2].tolist()
        issues.append(f"{_n(len(repeated), 'input')} {'appears' if len(repeated) == 1 else 'appear'} more than once "
                      f"with different outputs, e.g. rows {first_two[0]} and {first_two[1]}: check the answers agree.")
    read_done = time.perf_counter()
    embed_seconds = search_seconds = 0.0
    near = None
    if want_vectors and clean >= 2:
        near, embed_seconds, search_seconds, skipped = _near_duplicates(
            embedder, settings, [tally.input_text[int(k)] for k in input_ids], uid, clean_rows)
        if skipped:
            issues.append(skipped)
    tally.input_text.clear()
    if want_vectors and near is None and clean < 2:
        near = {"count": 0, "pairs": []}
    if near and near["count"]:
        a, b, cosine = near["pairs"][0]
        issues.append(f"{_n(near['count'], 'pair')} of rows {'has' if near['count'] == 1 else 'have'} near-identical "
                      f"inputs (cosine ≥ {settings.near_duplicate_cosine:g}), e.g. rows {a} and {b}: they teach "
                      "the model little and can leak from training into testing.")

    labels = None
    if tally.label_of is not None and clean:
        counts = np.bincount(tally.column("label_ix", np.int8)[is_clean].astype(np.int64), minlength=len(tally.label_of))
        names = list(tally.label_of)
        present = {names[i]: int(c) for i, c in enumerate(counts) if c}
        if len(present) <= MAX_LABELS and 2 * len(present) <= clean:
            labels = dict(sorted(present.items(), key=lambda kv: (-kv[1], kv[0])))
            issues += _label_issues(labels, clean)

    formulas, formula_rows = tally.formulas, tally.formula_rows
    if formulas:
        marks = [m for m in FORMULA_START if m in tally.formula_marks]
        marks = marks[0] if len(marks) == 1 else ", ".join(marks[:-1]) + " or " + marks[-1]
        issues.append(f"{_n(formulas, 'cell')} {'starts' if formulas == 1 else 'start'} with {marks} and could run as "
                      f"{'a formula' if formulas == 1 else 'formulas'} in a spreadsheet "
                      f"({_rows_phrase(formula_rows, len(formula_rows))}); escape {'it' if formulas == 1 else 'them'} before exporting.")
    if reader is not None:
        if reader.broken_count:
            one = reader.broken_count == 1
            where = _rows_phrase(reader.broken_lines, reader.broken_count, 10).replace("row", "line")
            issues.append(f"{_n(reader.broken_count, 'line')} {'is' if one else 'are'} not valid JSON and "
                          f"{'was' if one else 'were'} skipped: {where}.")
        if reader.blank_rows:
            issues.append(f"{_n(reader.blank_rows, 'completely blank row')} {'was' if reader.blank_rows == 1 else 'were'} skipped.")
        issues += reader.notes

    total_tokens = int(clean_tokens.sum())
    mean = float(clean_tokens.mean()) if clean else 0.0
    ordered = np.sort(clean_tokens)
    tokens_out = {
        "total": total_tokens,
        "mean": round(mean, 1),
        "median": float(np.median(ordered)) if clean else 0.0,
        "p95": int(ordered[math.ceil(0.95 * clean) - 1]) if clean else 0,  # nearest rank
        "max": int(ordered[-1]) if clean else 0,
    }
    cost = total_tokens * settings.epochs * settings.price_per_million_training_tokens_gbp / 1e6
    if timings is not None:
        timings.update(read=read_done - started, embed=embed_seconds, search=search_seconds,
                       total=time.perf_counter() - started)
    return {
        "file": name,
        "shape": shape,
        "rows": total,
        "empty": empty,
        "duplicates": duplicates,
        "clean": clean,
        "pii_rows": pii_rows,
        "pii": pii_out,
        "labels": labels,
        "near_duplicates": near,
        "tokens": tokens_out,
        "tokens_per_example": math.ceil(mean) if clean else None,
        "training_cost_gbp": round(cost, 6),
        "issues": issues,
    }


def _near_duplicates(embedder: Any, settings: Settings, texts: list[str], uid: np.ndarray, rows: np.ndarray):
    """({count, pairs}, embed seconds, search seconds, note when skipped)."""
    limit = settings.near_duplicate_max_inputs
    if limit and len(texts) > limit:
        # Embedding runs at a few hundred inputs a second on a small machine: say so rather than keep an owner waiting.
        return None, 0.0, 0.0, (f"Near-duplicates were not checked: {len(texts):,} distinct inputs is more than the "
                                f"{limit:,} set by PITCHCHECK_NEAR_DUPLICATE_MAX_INPUTS (0 means no limit; expect "
                                "a few minutes per 50,000 inputs).")
    vectors_needed = len(texts) >= 2
    owned = embedder is None
    t0 = time.perf_counter()
    vectors = np.zeros((len(texts), 1), dtype=np.float32)
    if vectors_needed:
        try:
            if owned:
                from chains.embeddings import get_embedder

                embedder = get_embedder(settings)
            vectors = _embed(embedder, texts)
        except Exception as exc:  # noqa: BLE001 - only the model we loaded ourselves; a caller's embedder raises
            if not owned:
                raise
            log.warning("Near-duplicate search skipped: %s", exc, exc_info=True)
            return None, time.perf_counter() - t0, 0.0, f"Near-duplicates were not checked: no embedding model ({exc})."
    t1 = time.perf_counter()
    found = similar_pairs(vectors, settings.near_duplicate_cosine) if vectors_needed else _joined([], [], [])
    count, shown = _row_pairs(uid, rows, found)
    return {"count": count, "pairs": shown}, t1 - t0, time.perf_counter() - t1, None


def _label_issues(labels: dict[str, int], clean: int) -> list[str]:
    if len(labels) == 1:
        (only, _), = labels.items()
        return [f"Every clean row has the same output '{only}': there is nothing for a model to learn."]
    (big, most), (small, least) = next(iter(labels.items())), list(labels.items())[-1]
    if most >= IMBALANCE_RATIO * least or least < IMBALANCE_SHARE * clean:
        return [f"The labels are badly unbalanced: '{big}' has {most:,} examples, '{small}' only {least:,} "
                f"(the rule: the largest class {IMBALANCE_RATIO} or more times the smallest, or any class under "
                f"{IMBALANCE_SHARE:.0%} of clean rows). A model will learn to guess '{big}'."]
    return []


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _rows_phrase(rows: list[int], count: int, shown: int = 3) -> str:
    """'row 4', 'rows 4, 17 and 23', 'rows 4, 17, 23 and 5 more'."""
    head = [f"{r:,}" for r in rows[:shown]]
    if count == 1:
        return f"row {head[0]}"
    if count <= shown:
        return "rows " + ", ".join(head[:-1]) + " and " + head[-1]
    return "rows " + ", ".join(head) + f" and {count - len(head):,} more"


# --- the report ---------------------------------------------------------------------------------------------
def format_text(result: dict[str, Any], settings: Settings | None = None) -> str:
    """A plain-text report for the terminal: the figures, the findings, then what the words mean."""
    pii = result["pii"]
    lines = [f"Data audit of {result['file']} ({result['shape'] or 'unknown shape'})", ""]
    table = [
        ("Rows read", f"{result['rows']:,}"),
        ("Empty", f"{result['empty']:,}"),
        ("Duplicates", f"{result['duplicates']:,}"),
        ("Clean examples", f"{result['clean']:,}"),
        ("With personal data", f"{result['pii_rows']:,}" + (" (" + ", ".join(
            f"{PII_NAMES[k]} {v['count']:,}" for k, v in pii.items() if v["count"]) + ")" if result["pii_rows"] else "")),
    ]
    near = result["near_duplicates"]
    table.append(("Near-duplicate pairs", "not checked" if near is None else f"{near['count']:,}"))
    if result["labels"]:
        table.append(("Labels", ", ".join(f"{k} {v:,}" for k, v in result["labels"].items())))
    tok = result["tokens"]
    table.append(("Tokens per example", f"mean {tok['mean']:,}, median {tok['median']:,g}, 95th percentile "
                                        f"{tok['p95']:,}, longest {tok['max']:,}"))
    cost = result["training_cost_gbp"]
    settings = settings or get_settings()
    table.append(("Training compute", (f"£{cost:,.2f}" if cost >= 0.01 else "under £0.01" if cost else "£0")
                  + f": {tok['total']:,} tokens x {settings.epochs} epochs at "
                  f"£{settings.price_per_million_training_tokens_gbp:g} per million"))
    width = max(len(k) for k, _ in table)
    lines += [f"  {k.ljust(width)}  {v}" for k, v in table]
    lines += ["", "Findings"]
    lines += [f"  - {issue}" for issue in result["issues"]] or ["  - None: the file looks clean."]
    lines += ["", "What the words mean"]
    for key in ("empty", "duplicates", "clean", "personal_data", "near_duplicates", "tokens", "training_cost"):
        lines.append(f"  {key.replace('_', ' ').capitalize()}: {AUDIT_DEFINITIONS[key]}")
    return "\n".join(lines)
