"""Reading a choice from free text, in layers, each saying how sure it is.

1. The field's own table (chains/facts.py): a choice's value, label or number, then its cues, with negation and
   the field's meaning of a plain yes / no / not sure.
2. Nearest neighbours over the table's labelled phrasings with the sentence embeddings the app already loads; the
   margin between the best two choices decides whether the reading is sure.
3. When a layer is unsure it says which readings are likeliest, so the interview can ask instead of guessing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chains.facts import FIELD_BY_NAME, Field
from chains.figures import normalise
from chains.misspellings import mend
from chains.polarity import negated, polarity

Embed = Callable[[list[str]], Any]  # texts -> array of unit vectors (n, d)


class LazyEmbed:
    """An Embed over a model that may still be loading: it raises LookupError until the model is there, so the
    readers fall back to the table alone. Make one per model and share it: the phrasings are embedded once per
    LazyEmbed."""

    def __init__(self, get_embedder: Callable[[], Any]):
        self._get = get_embedder

    def __call__(self, texts: list[str]) -> Any:
        embedder = self._get()
        if embedder is None:
            raise LookupError("the embedding model is not loaded yet")
        return embedder.embed(texts)


NEIGHBOUR_SURE = 0.62  # cosine the best phrasing must reach for the neighbour reading to be taken as it is
NEIGHBOUR_MARGIN = 0.10  # ... and its lead over the best phrasing of any other choice
DISAGREE_MARGIN = 0.05  # ... by this lead over the cue's own choice
DISAGREE_SURE = 0.55  # a cue's reading is asked back when the neighbours are fairly sure of another choice
NEIGHBOUR_FLOOR = 0.30  # below this nothing in the table is near: the answer is not read at all


@dataclass(frozen=True)
class ChoiceReading:
    value: str | None  # the reading when sure
    likely: tuple[str, ...] = ()  # the likeliest readings, best first, when unsure
    via: str = ""  # "exact", "cue", "polarity", "neighbour": which layer read it


def _simple(t: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def _exact(spec: Field, t: str, picked: bool = False) -> str | None:
    simple, values = _simple(t), spec.choice_values()
    for c in spec.choices:
        if simple == _simple(c.label.lower()):
            return c.value
        if simple == _simple(c.value) and (picked or not _two_ways(spec, c.value)):  # the value is what a button sends
            return c.value
    number = re.fullmatch(r"(?:option |number |no |choice |#)?(\d{1,2})", simple)
    if number and 1 <= int(number[1]) <= len(values):
        return values[int(number[1]) - 1]
    return None


def _two_ways(spec: Field, value: str) -> bool:
    """A typed bare "no" where the field's "no" reads two ways ("they could not say", or "I haven't asked")."""
    return bool(spec.polar) and value in spec.polar and spec.polar[value] is None


def cue_hits(spec: Field, t: str) -> list[str]:
    """Choices the table's cues name, in the order they first appear; a negated cue counts as its opposite.

    A cue found inside a longer cue of another choice gives way to it: "standard letters" is a fixed format, not the
    open writing that "letters" alone would be.
    """
    spans: list[tuple[int, int, str]] = []
    for c in spec.choices:
        for cue in c.cues:
            for m in re.finditer(cue, t):
                if _COMPARED_AWAY.search(t, max(0, m.start() - 24), m.start()):
                    continue  # "more the standard letters one than bespoke reports", "worse than useless": not said of it
                # A cue that holds its own negation ("they couldn't say") is not turned round again by a "no" before it.
                own = _OWN_NEGATION.search(m[0])
                value = c.negated if (not own and negated(t, m.start()) and not _UNLIKE_THEM.match(t, m.end())) else c.value
                if value:
                    spans.append((m.start(), m.end(), value))
    kept = [
        (a, b, v) for a, b, v in spans if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) and v2 != v for a2, b2, v2 in spans)
    ]
    if not kept:  # weak cues ("they said ...") speak only when nothing firmer does
        for c in spec.choices:
            if any(re.search(cue, t) for cue in c.weak):
                kept.append((0, 0, c.value))
    out: list[str] = []
    for _, _, v in sorted(kept):
        if v not in out:
            out.append(v)
    return out


_COMPARED_AWAY = re.compile(r"\bthan(?: \w+)?\s*$")
# "our IT firm would never waffle like this vendor did": the vendor did what is negated of someone else.
_UNLIKE_THEM = re.compile(
    r"\w*\s+(?:\w+ ){0,3}?like (?:this|the|that|these|those|our) (?:new )?(?:vendor|lot|company|firm|people|guys|one)s? (?:did|does|do|has|have)\b"
)
_OWN_NEGATION = re.compile(r"\b(?:not|no|never|without|nothing|none)\b|n'?t\b")
_UNSURE_WHETHER = re.compile(
    r"\b(?:not (?:really |quite )?sure|unsure|no idea|no clue|(?:don'?t|doesn'?t|do not|does not) know|dunno|not certain|"
    r"can'?t say) "
    r"(?:if|whether|about whether|we can|we could|we'?re allowed|it'?s allowed)\b|"
    r"\b(?:have to|need to|must|got to|gotta) (?:ask|check)(?: \w+){0,3} (?:if|whether)\b"  # "I'd have to ask Sharon if we can"
)
# "is that allowed?", "probably fine?": the owner asks whether the data may go, so does not know.
_ASKS_LEAVE = re.compile(
    r"\b(?:is|would|will|are) (?:that|it|this|they|those|these|we) (?:be )?(?:allowed|ok|okay|fine|legal|lawful|alright|"
    r"a problem|an issue)\b[^.!]*\?|\b(?:probably|surely|presumably) (?:fine|ok|okay|alright|allowed)\s*\?|"
    r"\b(?:can|could|may) (?:we|i) (?:\w+ )?(?:share|send|use|hand)\b[^.!]*\?"
)
# "can't promise it won't change": what follows is hoped, not known.
_NO_PROMISE = re.compile(
    r"(?:^|[,.;:!?]\s*|\b(?:i|we)\s+)(?:can'?t|cannot|couldn'?t|won'?t) (?:promise|guarantee|swear)\b|^no guarantees?\b"
)
_ANSWER_AFTER = re.compile(r"\b(?:but|though|although|still|even so)\b|[.;]\s*\w")
_UNSURE_TOO = re.compile(r"\bnot (?:really |quite )?sure\b|\bno idea\b|\bdunno\b|\bno clue\b")
_CLOSING = re.compile(
    r"\b(?:so|overall|in short|basically|all in all),? (?:(?P<yes>yes|yeah|good enough|it'?s fine)|no|nope|nah|not really|"
    r"not good enough)\s*[.!]*$"
)
_NEGATED_CUE = re.compile(r"\b(?:don'?t|do not|dont|can'?t|cannot) (?:think|see|expect|imagine|believe|reckon)\b|\bdoubt\b")


def _no_promise(t: str) -> bool:
    """ "can't promise it won't change" is not sure; "no guarantees, but it's been the same for years" answers after."""
    m = _NO_PROMISE.search(t)
    return m is not None and not _ANSWER_AFTER.search(t, m.end())


def _doubt_governs(t: str) -> bool:
    """ "not sure if we're allowed": the doubt is the answer; "my boss doesn't know if it matters but we're FCA
    regulated" answers after it."""
    m = _UNSURE_WHETHER.search(t)
    return m is not None and not (re.search(r"\b(?:doesn'?t|does not)\b", m[0]) and _ANSWER_AFTER.search(t, m.end()))


def _combine_techniques(spec: Field, hits: list[str]) -> list[str]:
    """Two techniques named together are a mix, when the field has that choice."""
    if "mixed" not in spec.choice_values():
        return hits
    techniques = [h for h in hits if h not in ("mixed", "unclear")]
    if len(techniques) > 1 or (techniques and "mixed" in hits):
        return ["mixed"]
    if techniques:
        return techniques
    return hits


def read_choice(spec: Field, text: str, embed: Embed | None = None, picked: bool = False) -> ChoiceReading:
    """The owner's words as one of the field's choices, or the likeliest few when unsure (picked: a button's value)."""
    t = mend(normalise(text))
    exact = _exact(spec, t, picked)
    if exact:
        return ChoiceReading(exact, via="exact")
    if (
        spec.name == "personal_data"
        and _ASKS_LEAVE.search(t)
        and not {"none", "lawful"} & set(cue_hits(spec, _ASKS_LEAVE.sub(" ", t)))
    ):
        return ChoiceReading("unsure", via="cue")  # "names and allergy notes... is that allowed?": the owner asks
    if "unsure" in spec.choice_values() and (_doubt_governs(t) or _no_promise(t)):
        return ChoiceReading("unsure", via="cue")  # "not sure if we're allowed": the doubt governs what follows
    if _ACKNOWLEDGED.fullmatch(t):  # "ok" acknowledges the question rather than answering it
        return ChoiceReading(None, _polar_alternatives(spec, "yes"), via="polarity")
    if _BOTH_WAYS.search(t):  # "sometimes no yes": a yes and a no side by side say neither
        return ChoiceReading(None, tuple(spec.choice_values())[:3], via="polarity")
    raw_hits = cue_hits(spec, t)
    if "unclear" in raw_hits and len(set(raw_hits) - {"unclear", "mixed"}) in (1, 2) and _NOT_SAID.search(t):
        # "one mentioned training, the other said prompts, so no one really said": which, or was it not said?
        return ChoiceReading(None, tuple(dict.fromkeys([*(h for h in raw_hits if h != "unclear"), "unclear"])), via="cue")
    if spec.name == "prompt_rag" and (_PART_TRIED.search(t) or _chat_tool_only(t)):
        # prompts tried, the document part not ("we've used chatgpt a bit, it's ok"): neither answer fits
        return ChoiceReading(None, ("not_tried", "not_acceptable", "acceptable"), via="cue")
    hits = _combine_techniques(spec, raw_hits)
    if hits == ["mixed"] and "mixed" not in raw_hits:  # two techniques named, but is it a mix or one of them?
        return ChoiceReading(None, ("mixed", *[h for h in raw_hits if h != "unclear"])[:3], via="cue")
    said = polarity(t)
    if said == "no" and _UNSURE_TOO.search(t):
        said = "unsure"  # "nah, not really sure"
    closing = _CLOSING.search(t)
    if closing and spec.name == "prompt_rag" and re.search(r"\btr(?:ied|y)\b|\btested\b", t):
        return ChoiceReading("acceptable" if closing["yes"] else "not_acceptable", via="cue")  # "tried it ..., so no"
    if closing and said is None and not hits and spec.polar.get("yes") == "yes":  # "22 lines now and more to come, so no"
        said = "yes" if closing["yes"] else "no"
    if hits and said == "no" and _NEGATED_CUE.search(t):
        said = None  # "I don't think it will change": the negation already turned the cue round
    mid_sentence = said is None and not hits
    if mid_sentence:
        said = polarity(t, anywhere=True)
    polar = spec.polar.get(said) if said and spec.polar else (said if said in spec.choice_values() else None)
    if said and polar is None and not hits and spec.polar:
        # "yes" to a two-part question ("personal data, and may it be shared?") needs the second part.
        return ChoiceReading(None, _polar_alternatives(spec, said, t), via="anywhere" if mid_sentence else "polarity")
    if polar and mid_sentence and len(t.split()) > 3:  # "hang on, it will change next year": a yes in passing is weak
        return ChoiceReading(None, tuple(dict.fromkeys([polar, *spec.choice_values()]))[:3], via="anywhere")
    if polar and hits in ([], [polar]) and not _FIRM.match(t):  # "kind of, it suggests which tenants to chase": a hedged topic
        for pattern, likely in spec.narrows:
            if re.search(pattern, t):
                return ChoiceReading(None, tuple(dict.fromkeys([polar, *likely]))[:3], via="cue")
    if polar and (not hits or hits == [polar]):
        return _checked(spec, t, ChoiceReading(polar, via="polarity" if not hits else "cue"), embed)
    if hits and polar and polar not in hits:
        return ChoiceReading(None, tuple(dict.fromkeys([*hits, polar]))[:3], via="cue")
    if said == "unsure" and polar is None and len(hits) == 1 and spec.polar.get("yes") == "yes":
        return ChoiceReading(None, tuple(dict.fromkeys([hits[0], *spec.choice_values()]))[:3], via="cue")  # "sort of, ..."
    if said == "no" and polar is None and hits == [spec.polar.get("yes")] and not mid_sentence:
        # "no, they explained updates to the app, not the model": a no before what they said is no clear answer
        return ChoiceReading(None, tuple(dict.fromkeys([said, *hits, *spec.choice_values()]))[:3], via="cue")
    if len(hits) == 1 and _weak_only(spec, hits[0], t):
        # Only a weak cue ("they said ...") speaks: what they said is not read, so the reading is offered, not taken.
        return ChoiceReading(None, tuple(dict.fromkeys([hits[0], *spec.choice_values()]))[:3], via="cue")
    if len(hits) == 1 and hits[0] not in ("mixed", "unclear") and "mixed" in spec.choice_values() and _MORE_THAN.search(t):
        # "not only prompts, it's training plus a search thing": one technique named, and more besides
        return ChoiceReading(None, tuple(dict.fromkeys(["mixed", hits[0], *spec.choice_values()]))[:3], via="cue")
    if len(hits) == 1:
        return _checked(spec, t, ChoiceReading(hits[0], via="cue"), embed)
    if hits:
        return ChoiceReading(None, tuple(hits[:3]), via="cue")
    for pattern, likely in spec.narrows:  # "we tried it": tried, but was it good enough?
        if re.search(pattern, t):
            return ChoiceReading(None, likely, via="cue")
    return _by_neighbour(spec, t, embed)


# One technique and another besides: "not only prompts ...", "... plus a search thing", "fine-tuning as well".
_TECHNIQUE = (
    r"(?:train\w*|retrain\w*|fine[- ]?tun\w*|search\w*|documents?|docs|rag|prompt\w*|look\w* (?:things )?up|reads?|reading)"
)
_MORE_THAN = re.compile(
    rf"\bnot (?:only|just|merely|simply) (?:\w+ )?{_TECHNIQUE}\b|\b(?:plus|as well as|and also|on top of)\b[^.;,]{{0,30}}"
    rf"\b{_TECHNIQUE}\b|\b{_TECHNIQUE}\b[^.;,]{{0,12}}\b(?:as well|too)\b"
)
_NOT_SAID = re.compile(
    r"\b(?:didn'?t|never|no one|nobody|wouldn'?t|couldn'?t)\b[^.;]{0,15}\b(?:say|said|explain|specif|make (?:it|that|this) clear)|"
    r"\bunclear\b|\bnot clear\b"
)
_BOTH_WAYS = re.compile(r"\b(?:yes|yeah|yep)[\s,.!]+(?:no|nope|nah)\b\W*$|\b(?:no|nope|nah)[\s,.!]+(?:yes|yeah|yep)\b\W*$")
_PART_TRIED = re.compile(
    r"\btried (?:\w+ ){0,3}?(?:the )?(?:prompts?|rag|documents?|docs)\b[^.;]{0,20}?\b(?:but|and) not (?:the |any )?(?:\w+ )?"
    r"(?:prompts?|rag|documents?|docs|document (?:bit|part|side)|lookup|search)\b|"
    r"\b(?:tried )?(?:rag|the documents?|docs|document (?:bit|part|side))\s*[:=-]\s*(?:no|nope|nah|not yet|not tried|never)\b"
)
_CHAT_TOOL = re.compile(r"\b(?:chat ?gpt|gpt|copilot|gemini|claude|bard|chatbot|ai (?:tool|app|chat))\b")
_DOCUMENTS = re.compile(
    r"\b(?:rag|documents?|docs|files|knowledge|manuals?|policies|handbook|sharepoint|uploaded|retriev\w*|search\w*)\b"
)


def _chat_tool_only(t: str) -> bool:
    """A general chat tool tried with no word of the owner's documents: the prompt part only."""
    without = re.sub(r"\bwithout (?:any |our |the |your )?(?:own )?\w+", " ", t)  # "without our documents"
    return bool(_CHAT_TOOL.search(t)) and not _DOCUMENTS.search(without)


_FIRM = re.compile(r"(?:yes|yeah|yep|yup|no|nope|nah|definitely|absolutely|certainly|of course)\b")
_ACKNOWLEDGED = re.compile(r"(?:ok|okay|k|kk|alright|all right|cool|noted|thanks|thank you|fine|right|hmm+|um+)[.!]*")


def _weak_only(spec: Field, value: str, t: str) -> bool:
    """True when the choice was read from a weak cue alone ("they said ..."), no firm cue of any choice being found."""
    choice = spec.choice(value)
    if choice is None or not any(re.search(cue, t) for cue in choice.weak):
        return False
    return not any(re.search(cue, t) for c in spec.choices for cue in c.cues)


_DETAILS = re.compile(
    r"\b(?:names?|phone|mobile|emails?|e-mail|address(?:es)?|dates? of birth|dob|(?:customer|personal|contact|patient|client)"
    r"s?'? (?:details|info\w*|data|records)|medical|health|national insurance|bank|salar(?:y|ies)|cvs?)\b"
)


def _polar_alternatives(spec: Field, said: str, t: str = "") -> tuple[str, ...]:
    """The choices a bare yes / no / not sure could mean when the field leaves it open."""
    if spec.name == "personal_data":
        # "probably not, it's customers' phone numbers": the no is to sharing them, the details say there are some
        no = ("not_lawful", "none") if _DETAILS.search(t) else ("none", "not_lawful")
        return {"yes": ("lawful", "not_lawful"), "no": no}.get(said, ("unsure",))
    if spec.name.startswith("vendor_"):
        return ("no", "not_asked")
    if spec.name == "prompt_rag":
        return {"yes": ("acceptable", "not_acceptable"), "no": ("not_tried", "not_acceptable")}.get(
            said, ("not_tried", "not_acceptable")
        )
    return tuple(v for v in spec.choice_values())[:3]


# --- nearest neighbours --------------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_phrasing_cache: dict[tuple[int, str], tuple[list[str], Any]] = {}


def _phrasings(spec: Field, embed: Embed) -> tuple[list[str], Any]:
    """Each choice's labelled phrasings (its label and its `says`), embedded once per embedder."""
    key = (id(embed), spec.name)
    with _cache_lock:
        if key in _phrasing_cache:
            return _phrasing_cache[key]
    owners, texts = [], []
    for c in spec.choices:
        for phrase in (c.label, *c.says):
            owners.append(c.value)
            texts.append(phrase.lower())
    vectors = embed(texts)
    with _cache_lock:
        _phrasing_cache[key] = (owners, vectors)
    return owners, vectors


def neighbour_scores(spec: Field, text: str, embed: Embed) -> list[tuple[str, float]]:
    """Each choice with the cosine of its nearest phrasing to the text, best first."""
    owners, vectors = _phrasings(spec, embed)
    query = embed([text])[0]
    sims = vectors @ query
    best: dict[str, float] = {}
    for owner, sim in zip(owners, sims, strict=True):
        best[owner] = max(best.get(owner, -1.0), float(sim))
    return sorted(best.items(), key=lambda kv: kv[1], reverse=True)


_DOUBT = re.compile(
    r"\b(?:might|maybe|possibly|perhaps|not sure|unsure|depends|unless|could be|hard to say|no idea|not certain|"
    r"no clue|dunno|don'?t know|(?<!same )(?<!the )(?<!this )(?<!that )(?<!what )(?<!a )(?<!any )(?<!all )(?:kind|sort) of|partly|in a way|could do|in (?:the )?future|at some point|one day|eventually|"
    r"if (?:\w+ ){0,3}(?:start|starts|started|begin|begins|decide|decides|ever))\b"
)


_CONTRAST_NOT = re.compile(
    r"\b(?:but|though|although|except|apart from)\b[^.;]{0,25}?\b(?:not|no|never|isn'?t|wasn'?t|aren'?t|weren'?t|doesn'?t|didn'?t|won'?t)\b"
)


_OWN_DOUBT = re.compile(
    r"\bnot (?:100%|a hundred percent|totally|entirely|completely|fully) sure\b|\bnot (?:really )?certain\b|\bcould be wrong\b|"
    r"\bdon'?t quote me\b|\bif i remember (?:right|rightly|correctly)\b|\bi might be wrong\b|\bnot sure (?:tbh|though|really)\b|"
    r"\b(?:i think|maybe|probably|possibly|perhaps)\s*\?|\?\s*$"
)


def _contrasted(spec: Field, value: str | None, t: str) -> bool:
    """A choice's own cue followed by "but not ...": the answer takes back part of what it said."""
    choice = spec.choice(value)
    ends = [m.end() for cue in (choice.cues if choice else ()) for m in re.finditer(cue, t) if not negated(t, m.start())]
    return bool(ends) and any(m.start() >= min(ends) for m in _CONTRAST_NOT.finditer(t))


def _checked(spec: Field, t: str, reading: ChoiceReading, embed: Embed | None) -> ChoiceReading:
    """A cue's reading, asked back when the answer hedges it or the nearest phrasings firmly say something else."""
    if reading.value != "unsure" and "unsure" in spec.choice_values() and reading.via in ("cue", "polarity") and _DOUBT.search(t):
        return ChoiceReading(None, (reading.value, "unsure"), via="cue")  # type: ignore[arg-type]
    if reading.via == "cue" and "unsure" in spec.choice_values() and re.search(r"\?\s*$", t):
        # "individuals??", "does sorting complaints count as a decision about someone?": the owner asks, not answers
        return ChoiceReading(None, tuple(dict.fromkeys([str(reading.value), *spec.choice_values()]))[:3], via="cue")
    if reading.via == "cue" and "unsure" not in spec.choice_values() and _OWN_DOUBT.search(t):
        # "I think fine tuning, not 100% sure": the owner doubts the reading, so it is offered rather than taken
        offered = [str(reading.value), *(["unclear"] if spec.choice("unclear") else [])]
        return ChoiceReading(None, tuple(dict.fromkeys(offered)), via="cue")
    chosen = spec.choice(reading.value) if reading.value is not None else None
    turned = chosen.negated if chosen is not None else None
    if reading.via == "cue" and turned and _contrasted(spec, reading.value, t):  # "ok for simple stuff but not the reports"
        return ChoiceReading(None, (reading.value, turned), via="cue")  # type: ignore[arg-type]
    if embed is None or len(t.split()) < 4:  # a word or two is the cue's to read
        return reading
    try:
        ranked = neighbour_scores(spec, t, embed)
    except Exception:
        return reading
    (top, score), rest = ranked[0], ranked[1:]
    margin = score - (rest[0][1] if rest else 0.0)
    # Nearness cannot read a negation ("they're not retraining anything, it just searches our files") nor outweigh a
    # firm "yes" or "no" that leads the answer, so there the cue's reading stands.
    steady = _FIRM.match(t) or _OWN_NEGATION.search(t)
    if top != reading.value and score >= DISAGREE_SURE and margin >= DISAGREE_MARGIN and not steady:
        return ChoiceReading(None, (reading.value, top), via="neighbour")  # type: ignore[arg-type]
    return reading


def _by_neighbour(spec: Field, t: str, embed: Embed | None) -> ChoiceReading:
    if embed is None or not t:
        return ChoiceReading(None)
    try:
        ranked = neighbour_scores(spec, t, embed)
    except Exception:  # an embedding failure leaves the table's reading, never an error for the owner
        return ChoiceReading(None)
    if not ranked or ranked[0][1] < NEIGHBOUR_FLOOR:
        return ChoiceReading(None)
    (_, score), rest = ranked[0], ranked[1:]
    margin = score - (rest[0][1] if rest else 0.0)
    # Nearness alone is weak evidence: even a sure match is offered back as the first choice, never taken silently.
    if score >= NEIGHBOUR_SURE and margin >= NEIGHBOUR_MARGIN:
        return ChoiceReading(None, tuple(v for v, _ in ranked[:2]), via="neighbour")
    return ChoiceReading(None, tuple(v for v, _ in ranked[:3]), via="neighbour")


# --- the two descriptions other modules read ---------------------------------------------------------------------


def mechanism_of(text: str) -> str | None:
    """fine_tuning / rag / prompting / mixed / unclear from a description, or None when nothing says which."""
    spec = FIELD_BY_NAME["mechanism"]
    t = normalise(text)
    either = _WHETHER_OR.search(t)
    if either and len(set(cue_hits(spec, either[0])) - {"mixed", "unclear"}) > 1:
        # "we don't know yet whether it's fine-tuning or RAG": neither is said
        return "unclear"
    hits = _combine_techniques(spec, cue_hits(spec, t))
    return hits[0] if hits else None


_WHETHER_OR = re.compile(r"\b(?:whether|if) (?:it'?s |it is |they'?(?:ll|re|d) )?(?:\w+[\s-]?){1,3} or (?:\w+[\s-]?){1,3}")


_STRICT_TASK_CUES = 8  # the first cues of each task choice are unmistakable phrases; the later ones are single words


def task_of(text: str, strict: bool = False) -> str | None:
    """The task a description names; strict keeps to each choice's leading cues (for vendors' pitches)."""
    spec = FIELD_BY_NAME["task"]
    t = normalise(text)
    if not strict:
        hits = cue_hits(spec, t)
        return hits[0] if len(hits) == 1 else (hits[0] if hits else None)
    for c in spec.choices:
        if any(re.search(cue, t) for cue in c.cues[:_STRICT_TASK_CUES]):
            return c.value
    return None


def labels(spec: Field, values: Sequence[str]) -> list[dict[str, str]]:
    return [{"value": v, "label": spec.label_of(v)} for v in values]
