"""Answer words typed in a hurry, mended: "yse", "havnt askd", "not tride", "no personl data", "insurence".

Only a word that is no English word at all is mended, and only to the one answer word a single slip away (a letter
dropped, added, changed or two swapped); a word two answer words are equally near stays as it is. English words
come from the frequency list shipped in symspellpy; without it nothing is mended.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

# The words the interview's answers turn on (contractions also without their apostrophe, as owners type them).
ANSWER_WORDS = (
    "yes", "ask", "asked", "tried", "try", "tested", "haven't", "havent", "didn't", "didnt",
    "couldn't", "couldnt", "wouldn't", "wouldnt", "don't", "dont", "doesn't", "doesnt", "won't", "wont", "isn't", "isnt",
    "wasn't", "wasnt", "can't", "cant", "personal", "probably", "definitely", "labelled", "examples", "insurance",
    "allowed", "consent", "retrain", "retraining", "prompts", "answered", "explained", "mentioned", "enough", "nothing",
    "changing", "changes", "decisions", "individuals", "customers", "lawful", "share", "sure", "idea", "none", "never",
)  # fmt: skip
_ASKED_PLAIN = frozenset(ANSWER_WORDS)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    try:
        import symspellpy

        path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
        with path.open(encoding="utf-8") as f:
            return frozenset(line.split(" ", 1)[0] for line in f)
    except Exception:  # the list is a convenience: without it answers are read as typed
        log.warning("no English word list: typed slips in answers are not mended")
        return frozenset()


def _one_slip(a: str, b: str) -> bool:
    """True when b is a from one letter dropped, added or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return True
        return len(diff) == 1 and len(a) >= 5  # a changed letter in a short word makes another word too often
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < 4:
        return False
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _mend_word(m: re.Match) -> str:
    word = m[0]
    english = english_words()
    if len(word) < 3 or word in _ASKED_PLAIN or not english or word in english:
        return word
    near = [w for w in ANSWER_WORDS if w[0] == word[0] and _one_slip(word, w)]
    return near[0] if len(set(n.replace("'", "") for n in near)) == 1 else word


def mend(t: str) -> str:
    """Lower-cased answer text with slipped answer words mended."""
    return re.sub(r"[a-z][a-z']*[a-z]", _mend_word, t)


def looks_like_gibberish(text: str) -> bool:
    """True for keyboard mashing ("asdf qwer", "jjjjj"): no figure, and under a third of its words are English."""
    if re.search(r"[0-9£$€]", text):
        return False
    words = re.findall(r"[a-z]+", text.lower())
    english = english_words()
    if not english:  # without the word list nothing is judged
        return False
    if not words:
        return bool(text.strip())  # only punctuation or symbols
    known = sum(1 for w in words if w in english or w in _ASKED_PLAIN)
    return known * 3 < len(words)
