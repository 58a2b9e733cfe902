"""The words of a question put into the glossary's own: typos mended, American spellings made British, chat
shorthand spelled out and vendor jargon glossed with the plain terms the entries use.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

# Shorthand typed in a hurry, spelled out.
SHORTHAND = {
    "u": "you",
    "r": "are",
    "ur": "your",
    "n": "and",
    "2": "to",
    "4": "for",
    "b4": "before",
    "wat": "what",
    "wot": "what",
    "abt": "about",
    "msg": "message",
    "msgs": "messages",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "cos": "because",
    "cuz": "because",
    "thru": "through",
    "w/": "with",
    "govt": "government",
    "info": "information",
    "prep": "preparation",
    "convo": "conversation",
    "convos": "conversations",
    "mgmt": "management",
    "biz": "business",
    "co": "company",
    "yr": "year",
    "yrs": "years",
    "mo": "month",
    "k": "thousand",
}

# Vendor jargon, glossed with the words the glossary itself uses for the same idea.
JARGON = {
    "peft": "parameter-efficient fine-tuning lora",
    "adapter": "lora add-on",
    "adapters": "lora add-on",
    "qlora": "lora",
    "sft": "supervised fine-tuning",
    "finetune": "fine-tune",
    "finetuned": "fine-tuned",
    "finetuning": "fine-tuning",
    "rlhf": "fine-tuning",
    "grounding": "rag documents",
    "grounded": "rag documents",
    "gpts": "custom instructions system prompt",
    "gpt": "model",
    "llm": "model",
    "llms": "models",
    "genai": "ai",
    "slm": "small model",
    "hallucinate": "hallucination making things up",
    "hallucinates": "hallucination making things up",
    "hallucinating": "hallucination making things up",
    "confabulation": "hallucination making things up",
    "confabulate": "hallucination making things up",
    "cutoff": "out of date",
    "cut-off": "out of date",
    "pii": "personal data",
    "dpa": "data processing agreement",
    "dpia": "data protection impact assessment",
    "ip": "intellectual property ownership",
    "sla": "contract",
    "eol": "end of life",
    "sunset": "retired",
    "deprecated": "retired deprecation",
    "deprecation": "retired deprecation",
    "quantised": "compact",
    "quantized": "compact",
    "latency": "response time",
    "throughput": "capacity",
    "evals": "evaluation",
    "benchmark": "evaluation",
    "benchmarks": "evaluation",
    "kpi": "measure",
    "roi": "worth the cost",
    "json": "structured output",
    "schema": "structured output",
    "api": "usage",
    "vectors": "embeddings",
    "vectorstore": "vector database",
    "chunking": "documents",
    "opex": "running costs",
    "capex": "one-off cost",
    "corpus": "training data",
    "erasure": "right to be forgotten data protection",
    "checkpoint": "saved model",
    "temperature": "randomness consistent same answer every time",
    "epoch": "training pass over the examples",
    "epochs": "training passes over the examples",
    "proprietary": "closed vendor's own",
    "ssn": "personal data",
    "ssns": "personal data",
    "sku": "product code",
    "skus": "product codes",
}
_PHRASES = {
    "custom gpt": "custom instructions system prompt",
    "custom gpts": "custom instructions system prompt",
    "make stuff up": "hallucination making things up",
    "makes stuff up": "hallucination making things up",
    "making stuff up": "hallucination making things up",
    "made stuff up": "hallucination making things up",
    "makes things up": "hallucination making things up",
    "fine tune": "fine-tune",
    "fine tuned": "fine-tuned",
    "fine tuning": "fine-tuning",
    "knowledge cutoff": "out of date",
    "training cutoff": "out of date",
    "domain adapted": "fine-tuned",
    "domain-adapted": "fine-tuned",
    "in context learning": "in-context learning",
    "prompt optimisation": "prompt engineering",
    "prompt optimization": "prompt engineering",
}

# Words heard or typed for others that sound the same ("can it read are handbook", "who ones the model", "will it no
# about our new hours"), mended only where the words around them leave one reading.
_SOUND_ALIKES = (
    (
        re.compile(
            r"\b(read|for|of|to|with|about|on|in|from|use|all|see|know|change|update|train|into|at|search|"
            r"learn|copy|match|fit|reads|uses|knows|changes|updates|searches|learns|copies|matches|fits) "
            r"(?:are|r) (?=(?:own|new|old|business|shop|staff|customers?|clients?|data|documents?|docs|files|handbook|"
            r"system|website|prices?|emails?|opening|team|policies|stuff|products?|catalogue|records|company|firm|"
            r"information|info|quotes?|invoices?|orders?|process|processes|brand|style|tone)\b)"
        ),
        r"\1 our ",
    ),
    (
        re.compile(
            r"\b((?:will|would|does|do|can|could|won'?t|doesn'?t) (?:it|the (?:ai|bot|model)) )no\b(?! (?:longer|more)\b)"
        ),
        r"\1know",
    ),
    (re.compile(r"\bwho ones\b"), "who owns"),
    (re.compile(r"\b(?:the|a) hole (?=(?:model|thing|lot|system|ai)\b)"), "the whole "),
)


def _sound_alikes(text: str) -> str:
    for pattern, replacement in _SOUND_ALIKES:
        text = pattern.sub(replacement, text)
    return text


# American endings and their British forms, tried only when the British form is a glossary word.
_SPELLINGS = (
    ("izations", "isations"),
    ("ization", "isation"),
    ("izing", "ising"),
    ("ized", "ised"),
    ("izes", "ises"),
    ("ize", "ise"),
    ("yzed", "ysed"),
    ("yze", "yse"),
    ("eled", "elled"),
    ("eling", "elling"),
    ("ors", "ours"),
    ("or", "our"),
    ("ters", "tres"),
    ("ter", "tre"),
    ("ense", "ence"),
    ("og", "ogue"),
)
_WORD = re.compile(r"[a-z0-9]+(?:[-'/][a-z0-9]+)*/?")
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(_PHRASES, key=len, reverse=True)) + r")\b")
# English words this common are taken as meant, never "corrected" into a glossary word.
_COMMON = 20_000


@lru_cache(maxsize=1)
def _english() -> dict[str, int]:
    """English word -> frequency, from the list shipped in symspellpy; empty (logged) if it is missing."""
    try:
        import symspellpy

        path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
        with path.open(encoding="utf-8") as handle:
            return {w: int(c) for w, c in (line.split() for line in handle)}
    except (ImportError, OSError, ValueError) as exc:
        log.warning("no English word list for spelling repair: %s", exc)
        return {}


@lru_cache(maxsize=1)
def stemmer():
    """The Snowball English stemmer (PyStemmer)."""
    import Stemmer

    return Stemmer.Stemmer("english")


def _shared_start(typed: str, term: str) -> int:
    """How many leading letters the two share, up to three."""
    n = 0
    while n < min(3, len(typed), len(term)) and typed[n] == term[n]:
        n += 1
    return n


def _slip_rank(typed: str, term: str) -> int:
    """How likely a slip turns term into typed: a doubled letter typed once too often or too seldom ("tunning",
    "halucination") 3, two neighbours swapped ("opne") 2, a letter dropped 1, anything else 0."""
    if abs(len(typed) - len(term)) == 1:
        short, long_ = sorted((typed, term), key=len)
        if any(long_[i] == long_[i + 1] and long_[:i] + long_[i + 1 :] == short for i in range(len(long_) - 1)):
            return 3
        return 1 if len(term) > len(typed) else 0
    if len(typed) == len(term):
        diff = [i for i in range(len(typed)) if typed[i] != term[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == term[diff[1]] and typed[diff[1]] == term[diff[0]]:
            return 2
    return 0


class Vocabulary:
    """Normalises questions towards the words of one glossary."""

    def __init__(self, texts: Iterable[str]):
        counts: dict[str, int] = {}
        texts_seen = [text.lower() for text in texts]
        for text in texts_seen:
            for word in _WORD.findall(text.lower()):
                for part in {word, *word.split("-")}:
                    if part.isalpha() and len(part) > 2:
                        counts[part] = counts.get(part, 0) + 1
        self.words = counts
        self.stems = {stemmer().stemWord(w) for w in counts}
        # "pretrained" or "holdout" typed for the glossary's "pre-trained" and "hold-out".
        self.hyphenated = {
            w.replace("-", ""): w for text in texts_seen for w in _WORD.findall(text) if "-" in w and w.replace("-", "").isalpha()
        }
        self._speller = None

    def _spell(self):
        if self._speller is None:
            from symspellpy import SymSpell

            speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
            for word, count in self.words.items():
                speller.create_dictionary_entry(word, count)
            for joined in self.hyphenated:  # "finetunning" is a slip away from "finetuning", "fine-tuning" run together
                speller.create_dictionary_entry(joined, 1)
            self._speller = speller
        return self._speller

    def british(self, word: str) -> str:
        for us, uk in _SPELLINGS:
            if word.endswith(us):
                uk_word = word[: -len(us)] + uk
                if uk_word in self.words or stemmer().stemWord(uk_word) in self.stems:
                    return uk_word
        return word

    def repair(self, word: str) -> str:
        """A glossary word for a misspelt one; the word itself when it is known, short or nothing is close."""
        if word in self.words or not word.isalpha() or len(word) < 4:
            return word
        if word in self.hyphenated:
            return self.hyphenated[word]
        british = self.british(word)
        if british != word:
            return british
        english = _english()
        if english.get(word, 0) >= _COMMON:
            return word
        from symspellpy import Verbosity

        distance = 1 if len(word) <= 5 else 2
        found = self._spell().lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
        if not found:
            return word
        # Among equally close glossary words, the likelier slip first, then the one that starts as the word typed does
        # (slips are rarer at a word's start: "ownes" is "owns", not "ones"), then the more common word.
        term = max(
            found, key=lambda s: (_slip_rank(word, s.term), _shared_start(word, s.term), english.get(s.term, 0), s.count)
        ).term
        return term if term in self.words else self.hyphenated.get(term, term)

    def _joined(self, words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """Two words typed apart for one glossary word ("over fitting", "data set", "hold out") made one again.

        Each word comes with where it starts and ends in the text, so the joined word spans both.
        """
        out: list[tuple[str, int, int]] = []
        i = 0
        while i < len(words):
            pair = [w for w, _, _ in words[i : i + 2]]
            joined = "".join(pair)
            if len(pair) == 2 and len(joined) > 6 and all(p.isalpha() for p in pair):
                one = joined if joined in self.words else self.hyphenated.get(joined)
                if one:
                    out.append((one, words[i][1], words[i + 1][2]))
                    i += 2
                    continue
            out.append(words[i])
            i += 1
        return out

    def normalise(self, question: str, punctuated: bool = False) -> str:
        """The question in the glossary's words: lower case, shorthand spelled out, typos mended, jargon glossed.

        By default the words alone, space-separated (for BM25). punctuated=True keeps the question's own
        punctuation between the words, for the embedder: "Is it fair? We're small." reads as two sentences, not a
        run-on. Cross-validated across the question files, keeping it ranked better on a new writers' set and
        no worse on the others.
        """
        text = _PHRASE.sub(lambda m: f"{m.group(1)} {_PHRASES[m.group(1)]}", _sound_alikes(question.lower()))
        words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
        pieces: list[str] = []
        end = 0
        for word, start, stop in self._joined(words):
            word = SHORTHAND.get(word, word).rstrip("/")
            fixed = "-".join(self.repair(part) for part in word.split("-")) if "-" in word else self.repair(word)
            gap = (text[end:start] if punctuated else " ") if pieces else ""
            pieces.append(gap + fixed)
            if fixed in JARGON:
                pieces.append(" " + JARGON[fixed])
            end = stop
        if punctuated:
            pieces.append(text[end:].rstrip())
        return "".join(pieces).strip()
