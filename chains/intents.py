"""What a message is for, before what it says: a navigation command, a question, a correction, or the offer itself."""

from __future__ import annotations

import re
from typing import Literal

from chains.figures import normalise

Intent = Literal["restart", "back", "why", "skip", "help"]

_INTENTS: tuple[tuple[Intent, str], ...] = (
    (
        "restart",
        r"(?:start|begin) (?:again|over|afresh|from scratch)|restart|reset|new (?:chat|session|pitch)|"
        r"clear (?:everything|it all|all)|from the (?:top|beginning)|start a new one",
    ),
    ("back", r"(?:go |take me )?back|previous(?: question)?|undo|(?:go to )?(?:the )?last question|go back a step"),
    (
        "why",
        r"why|why (?:do|did) you (?:ask|need|want)(?: (?:that|this|to know))?(?: that| this)?|why (?:does|is) (?:that|this|it) "
        r"(?:matter|relevant|important|needed)|what'?s that (?:for|got to do with (?:it|anything))|why (?:ask|that|this)|"
        r"why does it matter|what does that matter|why is that",
    ),
    (
        "skip",
        r"skip(?: (?:this|that|it))?(?: one| question)?|pass|next(?: question)?|move on|(?:i'?d )?rather not (?:say|answer)|"
        r"prefer not to say|something else",
    ),
    (
        "help",
        r"help(?: me)?|what can i (?:say|do|type)|how does this work|options|menu|commands|i'?m (?:lost|confused|stuck)|huh",
    ),
)
_POLITE = re.compile(
    r"^(?:(?:please|can we|can you|could we|could you|let'?s|i want to|i'?d like to|i would like to|just|ok|okay|"
    r"um+|er+|hmm+|actually|oh)\s+)+|(?:\s+(?:please|thanks|thank you))+$"
)


def read_intent(text: str) -> Intent | None:
    """A navigation command when the whole message is one: restart, back, why, skip or help."""
    t = normalise(text)
    if t and re.fullmatch(r"[?\s]+", t):
        return "help"
    t = _POLITE.sub("", re.sub(r"[.!?,\s]+$", "", t)).strip()
    for intent, pattern in _INTENTS:
        if re.fullmatch(pattern, t):
            return intent
    return None


TERMS = (
    r"\blora\b|\brag\b|fine[- ]?tun|overfit|\btokens?\b|embedding|vector|hallucinat|distil|open[- ]weight|base model|"
    r"foundation model|context window|catastrophic|forgetting|retrain|prompt|few[- ]shot|data audit|curation|hosting|"
    r"lock[- ]in|deprecat|ai act|gdpr|personal data|auditab|evaluation|training data|knowledge currency|customi[sz]ation|"
    r"\bpeft\b|adapter|inference|parameters|weights|\bdpa\b|held[- ]out"
)
_QUESTION_START = re.compile(
    r"^(?:what(?:'?s| is| are| does| do| did| about| if| happens| kind| sort| type| would| should| can| could| will| makes| "
    r"counts| exactly| else| means|'re| was| were)\b|how (?:much|many|does|do|did|is|are|can|could|should|would|will|long|often|come|"
    r"about|exactly|big|far|hard|risky|expensive|to|cheap)\b|why\b.+|(?:when|where|who|which) (?:is|are|do|does|did|can|should|would|will|"
    r"was|were)\b|explain\b|define\b|describe\b|tell me\b|meaning of\b|difference between\b|compare\b|eli5\b|remind me\b|"
    r"i (?:don'?t|do not) (?:understand|get|know what)\b|i'?m not (?:sure|clear) what\b|(?:not )?(?:really )?sure what\b|"
    r"(?:is|are|does|do|did|can|could|should|would|will|has|have|may) (?:i|we|you|it|they|that|this|these|those|the|a|an|my|our|"
    r"your|lora|rag|fine[- ]?tuning|there)\b)"
)
_CONFUSED = re.compile(
    r"\b(?:not (?:really |quite |entirely )?sure|no idea|don'?t (?:really )?know|dunno|never heard of|unsure|"
    r"not clear(?: on)?|confused (?:by|about))\b(?: \w+){0,2}? (?:what|wh?at'?s) (?P<term>[a-z0-9 -]{2,30}?)"
    r"(?: (?:is|are|means?|even is|actually is|stands for))?\s*[?.!]*$"
)


_LEAD_IN = re.compile(
    r"^(?:(?:hang on|hold on|wait|ok|okay|so|and|um+|er+|sorry|quick question|btw|oh|also|right|hmm+|before i answer)[,.!:]?\s+)+"
)


def looks_like_question(text: str) -> bool:
    """True when the owner is asking something ("what's LoRA?") rather than answering; navigation commands are not questions."""
    t = re.sub(r"^(?:w[ao]t|wh?ot)(?=s?\b|'s\b)", "what", normalise(text))  # "wats fine tunning"
    if not t or read_intent(t) is not None:
        return False
    lead = _LEAD_IN.sub("", t)  # "hang on, what's LoRA? they mentioned it", "ok and what's lora"
    if (
        _QUESTION_START.match(t)
        or (lead != t and _QUESTION_START.match(lead))
        or re.search(
            r"\bwhat (?:does|do) .{1,40} mean\b|\bmeaning\b|\bwhat .{1,40} (?:actually )?means\b|\bwhat (?:do )?(?:you|u) mean\b|"
            r"(?:^|[,.;:!?]\s*|\b(?:can|could|would|will) (?:you|u|someone|somebody|anyone|anybody) (?:please |pls )?|\bplease |\bpls |"
            r"\b(?:need|like|want) (?:you|someone|somebody) to )(?:explain,? (?:[a-z,]+ ){0,4}?(?:what|how|why|the|to me)\b|(?:tell|show) (?:me|us) (?:[a-z]+ ){0,3}?what (?:[a-z-]+ ){1,4}(?:is|are|means?)\s*[.!]*$)",
            t,
        )
        or _CONFUSED.search(t)
        or (len(t.split()) <= 12 and compares_terms(t, strict=True))  # "LoRA vs full fine-tuning", typed without a question mark
    ):
        return True
    # "do the 200 old ones count?", "is that enough?": an auxiliary then its subject, ending in a question mark, asks;
    # "could be 200?", "would 150 be enough?", "have maybe 80?" are answers said doubtfully, and are read as answers.
    asks = re.match(
        r"(?:do|does|did|is|are|was|were|can|could|would|will|should|shall|has|have|may|might|must)\s+"
        r"(?:you|i|we|it|that|this|they|there|these|those|the|a|an|my|our|your|he|she)\b",
        t,
    )
    first = t.split("? ", 1)[0] + "?" if "? " in t else t  # "is RAG the same as fine tuning? they used both words"
    return any(
        part.endswith("?")
        and bool(asks or re.search(TERMS + r"|\bwhat\b|\bhow\b|\bwhy\b|\bwho\b(?! knows)|\bwhere\b|\bmean\b", part))
        for part in dict.fromkeys((t, first))
    )


# An owner changing their mind mid-message: "no hang on", "wait", "actually", "well...".
_CHANGE_OF_MIND = re.compile(
    r"(?:\bno+[,!]*\s+|[,.;:!]\s*|\.\.\.\s*|\s[-—]\s*)(?:(?:oh|ah|um+|er+|hmm+)[,.!]*\s+)?(?:(?:hang on|hold on|wait|actually|sorry|scratch that|i mean|"
    r"or rather|make that|correction)\b|well\.\.\.)[\s,.:;!—-]*"
)


def changed_mind(text: str) -> str | None:
    """What follows the last change of mind in a message that answered before it ("40, no wait, 50" -> "50"), else
    None. A message that starts with the change ("actually 300") is left whole."""
    marks = list(_CHANGE_OF_MIND.finditer(text))
    if not marks or not re.search(r"\w", text[: marks[0].start()]):
        return None
    rest = text[marks[-1].end() :].strip()
    return rest if re.search(r"\w", rest) else None


def compares_terms(text: str, strict: bool = False) -> bool:
    """ "is RAG the same as fine tuning?": a question weighing one term against another, to be explained first.
    Not strict, "RAG or fine-tuning, which first?" weighs them too; strict, only a comparison's own words do."""
    t = normalise(text)
    weighs = r"\b(?:same as|same thing|difference|differ|different from|versus|vs)\b"
    if not strict:
        weighs += r"|\bor\b[^?.]*\bwhich\b|\bwhich\b[^?.]*\bor\b"
    return bool(re.search(weighs, t) and re.search(TERMS, t))


def confused_about(text: str) -> bool:
    """ "not really sure what RAG is": the owner needs the term explained before they can answer."""
    return bool(_CONFUSED.search(normalise(text)))


_OFFER = re.compile(
    r"\b(?:vendor|agency|supplier|consultan\w*|company|firm|they'?re|they'?ve|"
    r"quoted?|quoting|offer\w*|charg\w*|pay|paying|worth it|pitch\w*|proposal|contract|sign|£|\$|€|grand|\d|someone|"
    r"they (?:want|wanna|would like|say|said|propose\w*|suggest\w*|plan\w*|reckon)|they'?d|"
    r"re-?train\w*|fine[- ]?tun\w*|train (?:a|an|the|our|my) (?:\w+ )?(?:ai|model|bot|chatbot|system))\b|[£$€]"
)
_OUR = re.compile(r"\b(?:we|our|us|my|i'?m|i'?ve|me)\b")


# "what does it mean when they say they'll 'ground the model'?": a question about words, whoever said them.
_MEANING = re.compile(
    r"^(?:so |ok |okay |sorry,? |hi,? )?(?:what (?:does|do|did) .{0,80}\bmean\b|what(?:'s| is| are) (?:meant by|the difference)|"
    r"(?:can you |could you |please )?(?:explain|define)\b|what(?:'s| is| are) (?:an? |the )?['\"]?[\w-]+(?: [\w-]+)?['\"]?\s*\??$|"
    r"what(?:'s| is| are) [\w-]+ and\b|how (?:does|do) [\w -]{1,40} work\b)|\bexplain\b"
)


def is_offer(text: str) -> bool:
    """A question or statement about the owner's own offer ("should we pay someone to fine-tune our invoices?")."""
    t = normalise(text)
    if _MEANING.search(t) and not re.search(r"[£$€]|\d", t):
        return False
    # "is fine-tuning the same thing as uploading my files to chatgpt?": a concept weighed, no offer told
    told = r"[£$€]|\d|\b(?:they|they'?re|they'?ll|vendor|company|firm|agency|offer\w*|quot\w*|propos\w*|pitch\w*)\b"
    if compares_terms(t, strict=True) and not re.search(told, t):
        return False
    return bool(_OFFER.search(t) and _OUR.search(t))


# A correction says so: "no sorry", "wait", "I meant", "make that", "more like", "scratch that", "actually".
_CORRECTION = re.compile(
    r"^(?:(?:no+|oh|ah|um+|er+|hmm+|ok|okay)[,.!]*\s+)?(?:sorry|soz|oops|whoops|wait|hang on|hold on|my bad|my mistake|correction|actually|scratch that|scrap that|"
    r"ignore that|forget that|disregard that|go(?:ing)? back|"
    r"make that|change that|i meant|i mean|er+m*|um+|no no|ah)\b|\b(?:i meant|i mean|actually|more like|make (?:that|it)|"
    r"scratch that|correction|should(?: have|'ve) (?:been|said)|should say|should be (?=\d|about|around|more|less|nearer|closer|higher|lower|[£$€])|typo|not \S+ but|misread|mistyped|got that wrong|"
    r"change (?:my|the|that) (?:answer|last)|instead\b|rather than|earlier|i said|when i said|before i answer|meant|"
    r"(?:the|that|my) last (?:one|question|answer|reply)|previous (?:one|question|answer|reply)|go(?:ing)? back|scrap that|change that|"
    r"i (?:put|typed|wrote|entered)|the (?:one|question|answer) before)\b|^(?:and )?before that\b|"
    r"\bthat (?:\d[\d,.]* )?(?:was|were|is|'s) (?:per|a|an|each|every) (?:day|week|fortnight|month|quarter|year)\b|"
    r"\b(?:no,? |oh,? )wait\b|\bhang on\b|\bhold on\b|\bsorry\s*[.!]*$|\b(?:just|i'?ve|i have) (?:just )?reali[sz]ed\b|\bcome to think of it\b|\bon second thoughts?\b"
)
_STRONG = re.compile(
    r"\b(?:i meant|meant|more like|make (?:that|it)|should(?: have|'ve) (?:been|said)|should say|should be (?=\d|about|around|more|less|nearer|closer|higher|lower|[£$€])|typo|mistyped|"
    r"(?:the|that|my) last (?:one|question|answer|reply)|previous (?:one|question|answer|reply)|go(?:ing)? back|scrap that|scratch that|"
    r"change that|i said|i (?:put|typed|wrote|entered)|earlier|the (?:one|question|answer) before|"
    r"not \S+ but|correction|scratch that|change (?:my|the|that) (?:answer|last)|got that wrong|"
    r"(?:looked|was looking) at the wrong|misread|(?:was|been) (?:confusing|mixing)|mixed (?:it|them|those) up|"
    r"(?:was|been) thinking of (?:something|another|the other|a different)|wrong (?:column|figure|number|sheet|one)|"
    r"(?:sorry|oops|wait)[,.!]? (?:i meant|it'?s|its|it is|that'?s|we have|we'?ve|we get|we do|more|about|nearer|closer|"
    r"actually|make|\d))\b"
)


# "before that - it's a mix", "back one: they did explain it": about the answer before
_POINTS_BACK = re.compile(r"(?:and )?before that\s*[-:,]|(?:go )?back (?:one|a question|a step)\s*[-:,]")


def is_correction(text: str) -> bool:
    """The message says it changes an earlier answer."""
    t = normalise(text)
    return bool(_CORRECTION.search(t) or _POINTS_BACK.match(t))


def is_strong_correction(text: str) -> bool:
    """The message can only be a change to an earlier answer, even when it would also answer the current question."""
    t = normalise(text)
    return bool(_STRONG.search(t) or _POINTS_BACK.match(t))


_NEW_ANSWER = re.compile(
    r"\b(?:but|it'?s|its|it is) (?:really|actually)\b|\bi meant\b|\bshould(?: be| have been|'ve been)\b|\bmake (?:that|it)\b|"
    r"\bmore like\b|\bit'?s actually\b"
)


def strip_correction(text: str) -> str:
    """The answer inside a correction: "no sorry, it's more like fifty" -> "fifty"; "I said sorting but really it's
    pulling details out" -> "pulling details out"."""
    t = normalise(text)
    # "I said prompts but they are training it", "I said they couldn't say. Checking the email, they did": what was
    # said before is no part of the new answer
    t = re.sub(r"\bi (?:said|put|typed|told you|answered)\b[^.;]*?(?:\bbut\b|[.;])\s*", " ", t, count=1)
    marks = list(_NEW_ANSWER.finditer(t))
    if marks and marks[-1].end() < len(t) - 2:
        t = t[marks[-1].end() :]
    t = re.sub(
        r"^(?:no+[,.!]*\s+)?(?:(?:sorry|soz|oops|whoops|wait|hang on|hold on|my bad|my mistake|correction|actually|"
        r"scratch that|i meant|i mean|er+m*|um+|no no|ah|go back|back one)[,.!:]*\s*)+",
        "",
        t,
    )
    t = re.sub(r"^(?:for )?(?:the|that|my) (?:last|previous) (?:one|question|answer)(?: (?:is|was|should be))?[,.:\- ]*", "", t)
    t = re.sub(
        r"\b(?:it'?s|its|it is|that'?s|that is|make (?:that|it)|more like|should(?: have|'ve) (?:been|said)|should say|should be (?=\d|about|around|more|less|nearer|closer|higher|lower|[£$€])|"
        r"nearer|closer to|rather)\b",
        " ",
        t,
    )
    return re.sub(r"\s+", " ", t).strip(" ,.")


RESTART_CHECK = (
    'Start a fresh check? That clears the answers you\'ve given so far. Say "restart" again to start afresh, or answer '
    "the question below to carry on."
)


_ASKS_AFTER = re.compile(r"[,;]\s*(?:should|shall|can|could|do|would) (?:i|we) \w+[^,;]*$", re.IGNORECASE)


def asks_after(text: str) -> bool:
    """A question after what prompted it, with no question mark: "my hosting bill went up, should I switch"."""
    return bool(_ASKS_AFTER.search(text))
