"""Reading a vendor's pitch: what they will do, what it costs, what they claim and what should worry the owner."""

from __future__ import annotations

import re
from typing import Any

from chains.readers import Amount, amounts, mechanism_of, negated, normalise, task_of

# Which glossary concept a phrase in a pitch touches. Patterns run on lower-cased text; several may match one sentence.
_CONCEPTS: tuple[tuple[str, str], ...] = (
    ("fine-tuning", r"fine[\s-]?tun|\b(?:pick|picks|picking) up (?:your|our|their) (?:tone|voice|style)\b|\bin your (?:tone|voice)\b|"
                    r"\bsounds? like (?:you|your)\b|\bwrites? like (?:you|your)\b|\b(?:your|our) (?:tone|house style)\b"),
    ("base-model", r"\bgpt[\s-]?\d|\bclaude\b|\bllama\b|\bmistral\b|\bgemini\b|\bfoundation model|\bbase model"),
    ("training-data", r"\blearn\w* (?:the way|how) (?:you|your|we|our)\b|\btrain\w* on (?:your|our|all your)\b|\b(?:your|our) (?:historical|past) "
                      r"(?:examples|data|records|reports)\b|\blabell?ed (?:examples|data)\b|\btraining data\b|\bon your data\b"),
    ("lora", r"\blora\b|\bqlora\b|\blow[\s-]rank"),
    ("catastrophic-forgetting", r"\bkeeps? (?:all )?(?:its|the model'?s) general|\bwon'?t lose\b|\bforget"),
    ("prompt-engineering", r"\bprompt"),
    ("rag", r"\brag\b|\bretriev|\bknowledge ?base\b|\b(?:your|our) (?:documents|docs|files|sharepoint|wiki|intranet)\b|\bat query time\b"),
    ("few-shot-prompting", r"\bfew[\s-]shot\b|\ba (?:few|handful of) examples in the prompt\b"),
    ("overfitting", r"\bany amount of data\b|\bonly (?:need|needs|requires?) (?:a few|a handful|\d{1,2})\b|\bas few as \d{1,2}\b|\boverfit"),
    ("data-audit", r"\bdata audit\b|\baudit (?:your|the) data\b"),
    ("data-curation", r"\bdata prep|\bclean(?:ing|ed)? (?:up )?(?:your|the) data\b|\bcurat|\bas[\s-]is\b|\bno (?:need to )?(?:clean|prepar|label)"),
    ("evaluation", r"\baccura|\bbenchmark|\bevaluat|\b\d{2,3}(?:\.\d+)?\s*%|\bguarantee|\bmeasur"),
    ("model-customisation", r"\bcustomi[sz]|\bpersonali[sz]|\btailor"),
    ("tokens", r"\btokens?\b"),
    ("training-cost", r"\bone[\s-]off\b|\btraining (?:cost|fee|price)\b|\bset[\s-]?up (?:fee|cost)\b|\bup[\s-]?front\b"),
    ("hosting-cost", r"\bhosting\b|\bper (?:query|request|call|answer)\b|\bcheaper to run\b|\brunning costs?\b|\bcheaper per\b|\bhosted\b"),
    ("output-consistency", r"\bconsisten|\bevery time\b|\bsame format\b|\breliabl|\bon[\s-]brand\b"),
    ("embeddings", r"\bembedding"),
    ("vector-database", r"\bvector (?:database|store|db|search)\b"),
    ("knowledge-currency", r"\b(?:understand|know|knows|learn|learns)\w* (?:all )?(?:about )?(?:your|our|their) (?:methodology|business|processes|products|"
                           r"policies|services|clients|knowledge)\b|\bup[\s-]to[\s-]date\b|\blatest\b"),
    ("retraining", r"\bretrain|\btrain once\b|\bnever needs? (?:updating|retraining|to be updated)\b|\bupdates?\b|\bmaintenance\b"),
    ("personal-data", r"\bgdpr\b|\bpersonal (?:data|information)\b|\bcvs?\b|\bcustomer data\b|\bpii\b|\bprivacy\b|\bdata protection\b"),
    ("eu-ai-act", r"\bai act\b|\bhigh[\s-]risk\b|\bregulat"),
    ("auditability", r"\bexplainab|\btransparen|\baudit trail\b|\bblack box\b|\bexplain (?:its|every|each) (?:decision|answer)"),
    ("hallucination", r"\bhallucinat|\bnever (?:makes?|gets?) (?:things|anything|stuff) (?:up|wrong)\b|\bnever wrong\b|\bno mistakes\b|\berror[\s-]free\b"),
    ("context-window", r"\bcontext (?:window|length)\b|\blong documents\b"),
    ("vendor-lock-in", r"\bproprietary\b|\bour (?:own )?platform\b|\block[\s-]?in\b|\bexclusive"),
    ("model-deprecation", r"\bdeprecat|\bfuture[\s-]proof\b|\bforever\b|\bmodel versions?\b"),
    ("distillation", r"\bdistil"),
    ("open-weight-models", r"\bopen[\s-]source\b|\bopen[\s-]weights?\b|\bllama\b|\bmistral\b"),
)

_CONCEPT_PATTERNS = tuple((concept, re.compile(pattern)) for concept, pattern in _CONCEPTS)

# Pitch red flags: code, pattern, plain-English warning, concepts that explain it.
_FLAGS: tuple[tuple[str, str, str, list[str]], ...] = (
    ("accuracy_guarantee",
     r"\bguarantee\w*|\b100\s*%|\b9\d(?:\.\d+)?\s*% (?:accura|correct|right)|\bperfect (?:accuracy|results|output)\b|\bnever (?:makes?|gets?) "
     r"(?:things|anything|stuff|a mistake|mistakes)|\bnever wrong\b|\bno mistakes\b|\berror[\s-]free\b|\bflawless\b",
     "It promises accuracy no model can guarantee. Ask how they will measure it on your own examples, and what happens when it is wrong.",
     ["evaluation", "hallucination"]),
    ("no_data_preparation",
     r"\bno (?:need (?:for|to) )?(?:data )?(?:prep|preparation|cleaning|labell?ing)\b|\bno need to (?:clean|prepare|label)\b|\bas[\s-]is\b|"
     r"\bjust (?:send|give|upload|hand over) (?:us )?(?:everything|all|whatever)\b|\bwhatever (?:data )?you have\b|\bdata in any (?:format|state)\b",
     "It says your data needs no preparation. Emails, transcripts and partial records are not training data until someone curates them.",
     ["data-curation", "training-data", "data-audit"]),
    ("never_retrain",
     r"\btrain(?:ed)? once\b|\bnever needs? (?:updating|retraining|to be (?:updated|retrained)|maintenance)\b|\bno (?:updates|retraining|maintenance) "
     r"(?:needed|required)\b|\bset (?:it )?and forget\b|\bfuture[\s-]proof\b|\bforever\b",
     "It says the model never needs updating. A fine-tuned model goes stale when your prices, policies or processes change, and must be retrained.",
     ["retraining", "knowledge-currency", "model-deprecation"]),
    ("any_amount_of_data",
     r"\bany amount of data\b|\bhowever (?:much|little) data\b|\bno minimum\b|\bonly (?:need|needs|requires?) (?:a few|a handful|\d{1,2}) "
     r"(?:examples|samples|documents|reports)\b|\bas few as \d{1,2}\b|\beven (?:a few|a handful of|\d{1,2}) (?:examples|samples|documents|reports)\b",
     "It says any amount of data will do. Below about 100 clean, labelled examples a fine-tuned model overfits and does worse than good prompting.",
     ["overfitting", "training-data"]),
)
_VAGUE_FLAG = ("vague_mechanism", "It never says what will actually be done to the model: fine-tuning, RAG or better prompts. "
               "Ask which, and why.", ["model-customisation", "fine-tuning", "rag", "prompt-engineering"])
_KNOWLEDGE_FLAG = ("knowledge_by_fine_tuning", "It promises the model will know your business or methodology by fine-tuning. "
                   "Facts are better given at query time (RAG), where they can be kept up to date.",
                   ["knowledge-currency", "rag", "fine-tuning"])
_KNOWLEDGE_CLAIM = r"\b(?:understand|know|knows|learn|learns)\w* (?:all )?(?:about )?(?:your|our|their) (?:methodology|business|processes|products|policies|services)\b"

# Text addressed to an AI rather than to the owner is cut from where it starts to the end of its sentence,
# so a pitch cannot steer its own reading.
_INSTRUCTION = re.compile(
    r"(?:\b(?:ignore|disregard|forget|override)\b(?:\W+\w+){0,4}?\W+(?:instructions?|prompts?|rules|above|previous|prior)\b"
    r"|\byou are (?:now|an? (?:ai|assistant|language model|chatbot))\b|(?:^|(?<=\s))(?:system|assistant|user|developer)\s*:"
    r"|\bnew instructions\b|\bsay (?:that )?(?:this|it) is\b|\b(?:rate|score|mark) (?:this|it) (?:as|at)\b"
    r"|\bset (?:the )?(?:mechanism|quote|price|verdict|flags?) to\b|\b(?:do not|don'?t) (?:mention|flag) (?:any|this|the)\b"
    r"|\bno red flags\b|\brespond (?:with|only)\b|\bas an ai\b)[^.!?\n]*[.!?]?", re.IGNORECASE)

_MONEY_WORDS = re.compile(r"\b(?:for|costs?|price[ds]?|priced at|quoted?|fees?|charges?|pay|paying|invest(?:ment)?|budget|total\w*|"
                          r"only|just)\s+(?:(?:of|is|was|will be|would be|around|about|approx\w*|roughly|a|an|one[\s-]off|fixed|just|only)\s+){0,3}$")
# A saving in the same clause ("saves you £2,000 a month") is not a price; "and costs £12,000" starts a new clause.
_SAVINGS = re.compile(r"\b(?:sav(?:e|es|ing|ings)|cut|cuts|reduc\w*|worth|revenue|return|roi|earn\w*|recoup|pays? for itself)\b"
                      r"(?:(?!\b(?:and|but|plus|costs?|priced?|fees?|for)\b)[^.;,]){0,40}$")
_TOTAL = re.compile(r"^\s*(?:\+ ?vat\s*)?(?:in total|total|all[\s-]in|altogether|overall)\b|\btotal (?:of |cost |price )?(?:is |of )?$")


def _sentences(text: str) -> list[str]:
    """The pitch cut into sentences, keeping the owner's own wording for claims."""
    parts = re.split(r"(?<=[.!?])\s+|\n+|;\s*|\u2022", text)
    return [p.strip(" -*\t") for p in parts if p and p.strip(" -*\t")]


def _prices(text: str) -> tuple[float | None, float | None]:
    """The one-off quote and the monthly fee in pounds; savings and other currencies are left out."""
    quote: Amount | None = None
    fee: Amount | None = None
    for a in amounts(text):
        before = re.sub(r"[£$€\s]*$", " ", a.before)
        if a.raw < 0 or a.currency not in (None, "GBP") or _SAVINGS.search(before):
            continue
        if a.currency is None and not _MONEY_WORDS.search(before):
            continue  # "5k tickets a month" is a volume, not a price
        if a.period is not None:
            fee = fee or a
        elif quote is None or _TOTAL.search(a.after) or _TOTAL.search(before[-24:]):
            quote = a
    return (float(quote.raw) if quote else None), (round(float(fee.value), 2) if fee else None)


def _claims(text: str) -> list[dict[str, str]]:
    """Each phrase of the pitch that touches a glossary concept, in reading order, at the finest grain that still shows it."""
    claims: list[dict[str, str]] = []
    for sentence in _sentences(text):
        pieces = re.split(r",\s+|;\s+|\s+(?:and|but|while|whereas)\s+|\s+-\s+|:\s+", sentence)
        phrases = [re.sub(r"^(?:and|but|or|so|then|also)\s+", "", p.strip()) for p in pieces if p.strip()]
        lowered, whole = [normalise(p) for p in phrases], normalise(sentence)
        found = []
        for order, (concept, pattern) in enumerate(_CONCEPT_PATTERNS):
            if not pattern.search(whole):
                continue
            # A pattern may span two phrases, so fall back to the whole sentence.
            hits = [(i, phrases[i]) for i, low in enumerate(lowered) if pattern.search(low)] or [(-1, sentence)]
            found += [(i, order, p, concept) for i, p in hits]
        for _, _, phrase, concept in sorted(found):
            claim = {"text": phrase[:400], "concept": concept}
            if claim not in claims:
                claims.append(claim)
    return claims


def _flag(code: str, text: str, concepts: list[str]) -> dict[str, Any]:
    return {"code": code, "text": text, "concepts": list(concepts)}


def read_pitch(text: str) -> dict[str, Any]:
    """What a pitch offers and claims, as data; its text is never obeyed."""
    raw = _INSTRUCTION.sub(" ", text[:20_000]) if isinstance(text, str) else ""
    t = normalise(raw)
    mechanism = mechanism_of(t) or "unclear"
    quote, fee = _prices(raw)
    claims = _claims(raw)
    flags = []
    for code, pattern, warning, concepts in _FLAGS:
        if any(not negated(t, m.start()) for m in re.finditer(pattern, t)):
            flags.append(_flag(code, warning, concepts))
    if mechanism == "unclear" and t:
        flags.append(_flag(*_VAGUE_FLAG))
    if mechanism == "fine_tuning" and re.search(_KNOWLEDGE_CLAIM, t):
        flags.append(_flag(*_KNOWLEDGE_FLAG))
    return {
        "mechanism": mechanism,
        "quote_gbp": quote,
        "monthly_fee_gbp": fee,
        "mentions_lora": bool(re.search(r"\blora\b|\bqlora\b|\blow[\s-]rank adapt", t)),
        "claims": claims,
        "red_flags": flags,
        "task": task_of(t, strict=True),
    }
