"""Yes, no and not sure as owners say them: hedges ("I think so", "probably not"), negations ("I don't think it
does", "not that I know of") and the negation of a phrase inside a sentence ("it won't change" is not "change")."""

from __future__ import annotations

import re

from chains.facts import Polarity

_LEXICON: dict[Polarity, tuple[str, ...]] = {
    "unsure": (
        "not (?:really |quite |totally |entirely |100% |too |that )?sure",
        "unsure",
        "no idea",
        "dunno",
        "(?:i )?(?:don'?t|do not|dont) know",
        "no clue",
        "not a clue",
        "haven'?t (?:a|got a|the foggiest) (?:clue|idea)",
        "not certain",
        "uncertain",
        "can'?t say",
        "cannot say",
        "hard to say",
        "difficult to say",
        "tough to say",
        "who knows",
        "maybe",
        "perhaps",
        "possibly",
        "it depends",
        "depends",
        "yes and no(?! (?:we|they|it|i|you)\\b)",
        "50/50",
        "fifty[- ]fifty",
        "idk",
        "unknown",
        "(?:i )?(?:don'?t|do not) know yet",
        "could (?:go )?either way",
        "not sure tbh",
        "search me",
        "no clue tbh",
        "i'?m not sure",
        "not a clue tbh",
        "unclear",
        "i guess we'?ll see",
        "we'?ll see",
        "too early to (?:say|tell)",
        "no idea tbh",
        "good question",
        "not directly",
        "kind of",
        "sort of",
        "partly",
        "partially",
        "in a way",
    ),
    "no": (
        "no way",
        "nope",
        "nah",
        "no",
        "not really",
        "not at all",
        "never",
        "definitely not",
        "absolutely not",
        "certainly not",
        "probably not",
        "probably no",
        "probs? not",
        "unlikely",
        "(?:i )?(?:don'?t|do not|dont) (?:think|believe|reckon) so",
        "i doubt it",
        "doubt it",
        "hardly",
        "negative",
        "false",
        "n",
        "not that i (?:know|am aware|'?m aware) of",
        "not as far as i know",
        "not to my knowledge",
        "no chance",
        "not likely",
        "(?:i )?(?:don'?t|do not|dont) (?:think|believe|reckon) (?:it|they|we|that|so) (?:does|do|will|would|is|are|has|have)",
        "(?:i )?(?:don'?t|do not|dont) (?:think|believe|reckon)",
        "i wouldn'?t (?:think|say) so",
        "not especially",
        "nothing like that",
        "none of that",
        "not in the slightest",
        "no no",
        "nope nope",
        "no sir",
        "i hope not",
        "not as such",
        "nay",
        "noo+",
        "(?:i'?d|i would) say no",
        "yeah nah",
        "yeah right",
        "oh sure,? because",
        "as if",
        "nowt like that",
        "sure,? because .*",
        "yeah,? because .*",
    ),
    "yes": (
        "yes",
        "yeah",
        "yeh",
        "yah",
        "yep",
        "yup",
        "yea",
        "ya",
        "yes sir",
        "aye",
        "sure",
        "definitely",
        "absolutely",
        "certainly",
        "of course",
        "correct",
        "true",
        "i think so",
        "should do",
        "should be",
        "i believe so",
        "i'?d say so",
        "i would say so",
        "i reckon so",
        "probably",
        "probs",
        "likely",
        "most likely",
        "pretty much",
        "mostly",
        "indeed",
        "affirmative",
        "for sure",
        "y",
        "i guess so",
        "guess so",
        "think so",
        "it does",
        "it will",
        "they do",
        "we do",
        "it would",
        "sure does",
        "totally",
        "very much so",
        "yes indeed",
        "yess+",
        "ok yes",
        "i suppose so",
        "that'?s right",
        "right",
        "deffo",
        "defo",
        "100%",
        "sort of yes",
        "probably yes",
        "more or less",
        "nah yeah",
        "(?:i'?d|i would) say yes",
        "that'?s a yes",
        "it'?s a yes",
    ),
}
# Words too short or too common to trust when they turn up mid-sentence.
_TOO_SHORT_ANYWHERE = {
    "n",
    "y",
    "ya",
    "no",
    "sure",
    "true",
    "false",
    "correct",
    "negative",
    "hardly",
    "never",
    "depends",
    "right",
    "100%",
    "likely",
    "unclear",
    "good question",
    "mostly",
    "totally",
    "definitely",
    "absolutely",
    "certainly",
}


def _alts(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# A leading "no" counts only when it stands alone: "no change" is not "no".
_START = re.compile(
    "^(?:(?:well|um+|er+|hmm+|honestly|tbh|oh|ah|so|i mean|to be honest|actually|sorry|ok|okay)[, ]+){0,2}(?:"
    + "|".join(f"(?P<{k}>{_alts(v)})" for k, v in _LEXICON.items())
    + r")"
    r"(?=$|\s*[,.!;:\-)]|\s+(?:but|and|i|it|its|it'?s|we|they|that|that'?s|there'?s|just|only|this|not|definitely|probably|really|thanks|tbh|mate|"
    r"honestly|to be honest|as far as|at the moment|for now|yet|for sure|at all)\b)"
)
_ANYWHERE = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<{k}>{_alts(tuple(w for w in v if w not in _TOO_SHORT_ANYWHERE))})" for k, v in _LEXICON.items())
    + r")\b"
)


def polarity(t: str, anywhere: bool = False) -> Polarity | None:
    """yes / no / unsure from hedged words at the start of the answer (or anywhere, as a weaker reading)."""
    m = _ANYWHERE.search(t) if anywhere else _START.match(t)
    if m and m.lastgroup == "yes" and re.match(r"\s+not\b", t[m.end() :]):
        return (
            "no" if re.fullmatch(r"probably|likely|most likely|i think|i guess|i reckon", m[0]) else None
        )  # "probably not much"
    return m.lastgroup if m else None  # type: ignore[return-value]


_NEGATOR = re.compile(
    r"(?:not|no|never|without|nothing|nothing'?s|none|nobody|nobody'?s|nor|hardly|barely|unlike|cannot|dont|wont|cant|isnt|"
    r"(?:do|does|did|is|are|was|were|wo|ca|could|should|would|has|have|had|must|need|ai)n'?t)"
)
_ANSWER_NO = re.compile(r"^\s*(?:no|nope|nah)\s+(?=(?:it|its|it'?s|we|we'?re|they|they'?re|i|i'?m|that|that'?s|this|our)\b)")
_NO_ONE = re.compile(r"\bno[- ]one('s)?\b(?!-)")  # not "no one-off fee"
_SURPRISED = re.compile(r"\b(?:surprised|amazed|shocked|astonished) if\b")
_CLAUSE = re.compile(r"[.;:!?,()]|\bbut\b|\bthough\b|\bhowever\b|\bwhereas\b|\bexcept\b")


def negated(t: str, start: int) -> bool:
    """True when the words just before start negate it, within the same clause."""
    clause = _CLAUSE.split(t[max(0, start - 60) : start])[-1]
    if start <= 60 and clause == t[: len(clause)]:  # "no its changing": the no answers the question, then a clause says why
        clause = _ANSWER_NO.sub("", clause)
    if re.search(r"\bnot (?:only|just)\s*$", clause):
        return False
    clause = _NO_ONE.sub(lambda m: "nobody" + (m[1] or ""), clause)  # "no one's talking about it": a firm negator (same length)
    if re.search(
        r"\b(?:don'?t|do not|didn'?t|dont|can'?t|cannot|couldn'?t) (?:think|expect|believe|see|reckon|imagine)\b|\bdoubt\b|"
        r"\binstead of\b|\brather than\b|\bno (?:reason|sign|plans?)\b|\bthan\s*$",
        clause,
    ):
        return True
    if _SURPRISED.search(clause):  # "I'd be surprised if it stayed the same"; "I wouldn't be surprised if" is no doubt
        return not re.search(r"(?:n'?t|not|never) be (?:at all |too )?" + _SURPRISED.pattern, clause)
    listed = re.sub(r"\s\w+(?: \w+)?,? (?:or|nor) $", " ", clause)  # "nothing to do with prices or policies"
    if listed != clause:
        return negated(t[: start - len(clause)] + listed, start - len(clause) + len(listed))
    words = clause.split()
    # Near the phrase any negator turns it round; a little further back ("none of it touches decisions", "won't be used
    # for hiring") only a firm one does, not a bare "no" that answered the question before the sentence went on.
    return any(_NEGATOR.fullmatch(w) for w in words[-3:]) or any(_NEGATOR.fullmatch(w) and w != "no" for w in words[-5:-3])
