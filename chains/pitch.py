"""Reading a vendor's pitch: what they will do, what it costs, what they claim and what should worry the owner."""

from __future__ import annotations

import re
from typing import Any, TypedDict

from chains.prices import Price, read_prices
from chains.promises import VagueClaim, vague_claims
from chains.readers import negated, task_of
from chains.sentences import lower as _lower
from chains.sentences import sentences as _sentences

MAX_PITCH_CHARS = 60_000  # a ten-page proposal; anything longer is cut before any pattern runs

# Which glossary concept a phrase in a pitch touches. Patterns run on lower-cased text; several may match one sentence.
_CONCEPTS: tuple[tuple[str, str], ...] = (
    (
        "fine-tuning",
        r"fine[\s-]?tun|\b(?:pick|picks|picking) up (?:your|our|their) (?:tone|voice|style)\b|\bin your (?:tone|voice)\b|"
        r"\bsounds? like (?:you|your)\b|\bwrites? like (?:you|your)\b|\b(?:your|our) (?:tone|house style)\b",
    ),
    ("base-model", r"\bgpt[\s-]?\d|\bclaude\b|\bllama\b|\bmistral\b|\bgemini\b|\bfoundation model|\bbase model"),
    (
        "training-data",
        r"\blearn\w* (?:the way|how) (?:you|your|we|our)\b|\btrain\w* on (?:your|our|all your)\b|\b(?:your|our) (?:historical|past) "
        r"(?:examples|data|records|reports)\b|\blabell?ed (?:examples|data)\b|\btraining data\b|\bon your data\b",
    ),
    ("lora", r"\blora\b|\bqlora\b|\blow[\s-]rank"),
    ("catastrophic-forgetting", r"\bkeeps? (?:all )?(?:its|the model'?s) general|\bwon'?t lose\b|\bforget"),
    ("prompt-engineering", r"\bprompt"),
    (
        "rag",
        r"\brag\b|\bretriev|\bknowledge ?base\b|\b(?:your|our) (?:documents|docs|files|sharepoint|wiki|intranet)\b|\bat query time\b",
    ),
    ("few-shot-prompting", r"\bfew[\s-]shot\b|\ba (?:few|handful of) examples in the prompt\b"),
    (
        "overfitting",
        r"\bany amount of data\b|\bonly (?:need|needs|requires?) (?:a few|a handful|\d{1,2})\b|\bas few as \d{1,2}\b|\boverfit",
    ),
    ("data-audit", r"\bdata audit\b|\baudit (?:your|the) data\b"),
    (
        "data-curation",
        r"\bdata prep|\bclean(?:ing|ed)? (?:up )?(?:your|the) data\b|\bcurat|\bas[\s-]is\b|\bno (?:need to )?(?:clean|prepar|label)",
    ),
    ("evaluation", r"\baccura|\bbenchmark|\bevaluat|\b\d{2,3}(?:\.\d+)?\s*%|\bguarantee|\bmeasur"),
    ("model-customisation", r"\bcustomi[sz]|\bpersonali[sz]|\btailor"),
    ("tokens", r"\btokens?\b"),
    ("training-cost", r"\bone[\s-]off\b|\btraining (?:cost|fee|price)\b|\bset[\s-]?up (?:fee|cost)\b|\bup[\s-]?front\b"),
    (
        "hosting-cost",
        r"\bhosting\b|\bper (?:query|request|call|answer)\b|\bcheaper to run\b|\brunning costs?\b|\bcheaper per\b|\bhosted\b",
    ),
    ("output-consistency", r"\bconsisten|\bevery time\b|\bsame format\b|\breliabl|\bon[\s-]brand\b"),
    ("embeddings", r"\bembedding"),
    ("vector-database", r"\bvector (?:database|store|db|search)\b"),
    (
        "knowledge-currency",
        r"\b(?:understand|know|knows|learn|learns)\w* (?:all )?(?:about )?(?:your|our|their) (?:methodology|business|processes|products|"
        r"policies|services|clients|knowledge)\b|\bup[\s-]to[\s-]date\b|\blatest\b",
    ),
    (
        "retraining",
        r"\bretrain|\btrain once\b|\bnever needs? (?:updating|retraining|to be updated)\b|\bupdates?\b|\bmaintenance\b",
    ),
    (
        "personal-data",
        r"\bgdpr\b|\bpersonal (?:data|information)\b|\bcvs?\b|\bcustomer data\b|\bpii\b|\bprivacy\b|\bdata protection\b",
    ),
    ("eu-ai-act", r"\bai act\b|\bhigh[\s-]risk\b|\bregulat"),
    ("auditability", r"\bexplainab|\btransparen|\baudit trail\b|\bblack box\b|\bexplain (?:its|every|each) (?:decision|answer)"),
    (
        "hallucination",
        r"\bhallucinat|\bnever (?:makes?|gets?) (?:things|anything|stuff) (?:up|wrong)\b|\bnever wrong\b|\bno mistakes\b|\berror[\s-]free\b",
    ),
    ("context-window", r"\bcontext (?:window|length)\b|\blong documents\b"),
    ("vendor-lock-in", r"\bproprietary\b|\bour (?:own )?platform\b|\block[\s-]?in\b|\bexclusive"),
    ("model-deprecation", r"\bdeprecat|\bfuture[\s-]proof\b|\bforever\b|\bmodel versions?\b"),
    ("distillation", r"\bdistil"),
    ("open-weight-models", r"\bopen[\s-]source\b|\bopen[\s-]weights?\b|\bllama\b|\bmistral\b"),
)

_CONCEPT_PATTERNS = tuple((concept, re.compile(pattern)) for concept, pattern in _CONCEPTS)

# Pitch red flags: code, pattern, plain-English warning, concepts that explain it.
_FLAGS: tuple[tuple[str, str, str, list[str]], ...] = (
    (
        "accuracy_guarantee",
        r"\bguarantee\w*|\b100\s*%|\b9\d(?:\.\d+)?\s*% (?:accura|correct|right)|\bperfect (?:accuracy|results|output)\b|\bnever (?:makes?|gets?) "
        r"(?:things|anything|stuff|a mistake|mistakes)|\bnever wrong\b|\bno mistakes\b|\berror[\s-]free\b|\bflawless\b",
        "It promises accuracy no model can guarantee. Ask how they will measure it on your own examples, and what happens when it is wrong.",
        ["evaluation", "hallucination"],
    ),
    (
        "no_data_preparation",
        r"\bno (?:need (?:for|to) )?(?:data )?(?:prep|preparation|cleaning|labell?ing)\b|\bno need to (?:clean|prepare|label)\b|\bas[\s-]is\b|"
        r"\bjust (?:send|give|upload|hand over) (?:us )?(?:everything|all|whatever)\b|\bwhatever (?:data )?you have\b|\bdata in any (?:format|state)\b",
        "It says your data needs no preparation. Emails, transcripts and partial records are not training data until someone curates them.",
        ["data-curation", "training-data", "data-audit"],
    ),
    (
        "never_retrain",
        r"\btrain(?:ed)? once\b|\bnever needs? (?:updating|retraining|to be (?:updated|retrained)|maintenance)\b|\bno (?:updates|retraining|maintenance) "
        r"(?:needed|required)\b|\bset (?:it )?and forget\b|\bfuture[\s-]proof\b|\bforever\b",
        "It says the model never needs updating. A fine-tuned model goes stale when your prices, policies or processes change, and must be retrained.",
        ["retraining", "knowledge-currency", "model-deprecation"],
    ),
    (
        "any_amount_of_data",
        r"\bany amount of data\b|\bhowever (?:much|little) data\b|\bno minimum\b|\bonly (?:need|needs|requires?) (?:a few|a handful|\d{1,2}) "
        r"(?:examples|samples|documents|reports)\b|\bas few as \d{1,2}\b|\beven (?:a few|a handful of|\d{1,2}) (?:examples|samples|documents|reports)\b",
        "It says any amount of data will do. Below about 100 clean, labelled examples a fine-tuned model overfits and does worse than good prompting.",
        ["overfitting", "training-data"],
    ),
)
_VAGUE_FLAG = (
    "vague_mechanism",
    "It never says what will actually be done to the model: fine-tuning, RAG or better prompts. Ask which, and why.",
    ["model-customisation", "fine-tuning", "rag", "prompt-engineering"],
)
_KNOWLEDGE_FLAG = (
    "knowledge_by_fine_tuning",
    "It promises the model will know your business or methodology by fine-tuning. "
    "Facts are better given at query time (RAG), where they can be kept up to date.",
    ["knowledge-currency", "rag", "fine-tuning"],
)
_KNOWLEDGE_CLAIM = r"\b(?:understand|know|knows|learn|learns)\w* (?:all )?(?:about )?(?:your|our|their) (?:methodology|business|processes|products|policies|services)\b"

# Text addressed to an AI rather than to the owner is cut from where it starts to the end of its sentence,
# so a pitch cannot steer its own reading.
_INSTRUCTION = re.compile(
    r"(?:\b(?:ignore|disregard|forget|override)\b(?:\W+\w+){0,4}?\W+(?:instructions?|prompts?|rules|above|previous|prior)\b"
    r"|\byou are (?:now|an? (?:ai|assistant|language model|chatbot))\b|(?:^|(?<=\s))(?:system|assistant|user|developer)\s*:"
    r"|\bnew instructions\b|\bsay (?:that )?(?:this|it) is\b|\b(?:rate|score|mark) (?:this|it) (?:as|at)\b"
    r"|\bset (?:the )?(?:mechanism|quote|price|verdict|flags?) to\b|\b(?:do not|don'?t) (?:mention|flag) (?:any|this|the)\b"
    r"|\bno red flags\b|\brespond (?:only\b|with (?:only|just|the words?|yes\b|no\b|[\"']))|\bas an ai\b)[^.!?\n]*[.!?]?",
    re.IGNORECASE,
)


class MechanismEvidence(TypedDict):
    sentence: str | None  # the sentence that decided the mechanism, as the vendor wrote it
    why: str  # a plain sentence saying why it reads that way


class PitchReading(TypedDict):
    """What `read_pitch` returns (and `pitchcheck pitch --json` prints)."""

    mechanism: str  # fine_tuning | rag | prompting | mixed | unclear
    mechanism_evidence: MechanismEvidence
    quote: Price | None
    monthly_fee: Price | None
    quote_gbp: float | None  # the quote's amount when it is in pounds, else None
    monthly_fee_gbp: float | None
    mentions_lora: bool
    claims: list[dict[str, Any]]  # {"text": whole sentence, "concept": first glossary id, "concepts": every one}
    vague_claims: list[VagueClaim]
    red_flags: list[dict[str, Any]]
    task: str | None


# --- the mechanism: what the vendor will do, weighed over the words it uses ---------------------------------

# (mechanism, weight, pattern): 3 describes what will be done; 2 a specific act; 1.5 only names the technique.
_CUES: tuple[tuple[str, float, str], ...] = (
    (
        "fine_tuning",
        3,
        r"\b(?:weights?|parameters)\b(?:\s+[\w']+){0,3}?\s+(?:are |is |get |gets |will be |themselves )?"
        r"(?:updated|adjusted|changed|change|shift|trained)\b|\bin the weights\b|\bdeploys? the new weights\b",
    ),
    (
        "fine_tuning",
        3,
        r"\b(?:update|adjust|change|modify|retrain)\w*\s+(?:the\s+|its\s+|a\s+|your\s+)?(?:model'?s\s+)?(?:own\s+)?"
        r"(?:weights|parameters)\b|\bchanges? the model itself\b|\bthe model itself (?:changes|is changed)\b",
    ),
    (
        "fine_tuning",
        3,
        r"\btrain\w*\s+(?:q?lora|low[\s-]rank)?\s*adapters?\b|\bparameter[\s-]efficient\b|\badapter (?:files|weights)\b|"
        r"\bq?lora (?:adapters?|fine[\s-]?tun\w*)\b|\bfull fine[\s-]tune\b",
    ),
    (
        "fine_tuning",
        3,
        r"\bfine[\s-]?tun\w*\s+(?:\w+\s+){0,4}?on\s+(?:[\w,]+\s+){0,4}?(?:labell?ed|historical|past|existing|corrected)\s+"
        r"(?:[\w-]+\s+){0,2}?(?:examples|data|tickets|emails|e-mails|descriptions|summaries|records|pairs|reports|set)\b",
    ),
    (
        "fine_tuning",
        3,
        r"\btraining (?:pairs|file|runs?|jobs?|data as jsonl)\b|\bfine[\s-]?tuning jobs?\b|\bjsonl\b|\bepochs?\b|"
        r"\bcheckpoints?\b|\bvalidation loss\b|\bhyperparameters?\b|\bsupervised fine[\s-]?tuning\b|\bdistillation\b|"
        r"\bdistil\w* (?:a |into a )?(?:smaller|small|compact) model\b",
    ),
    (
        "fine_tuning",
        3,
        r"\b(?:models?|versions?)\b(?:\s+[\w-]+){0,2}?\s+trained on (?:your|our|their) (?:own )?(?:\w+ )?(?:examples|work|tickets|data)\b|"
        r"\btrain\w* (?:a |an |the )?(?:[\w-]+ ){0,3}models?\b(?:\s+[\w-]+){0,3}?\s+on (?:your|our|the) (?:own )?"
        r"(?:labell?ed |historical |past |corrected )?(?:examples|set|labels)\b|\bmodel file you own\b|"
        r"\bown the (?:resulting |trained )?(?:model|weights)\b",
    ),
    ("fine_tuning", 2, r"\btrain\w* (?:\w+ ){0,3}on (?:\w+ ){0,2}label+ed\b|\bretrain\w* (?:the |a |your )?model\b"),
    ("fine_tuning", 1.5, r"\bfine[\s-]?tun\w*|\bretrain|\bre-train|\bq?lora\b|\blow[\s-]rank\b|\bpeft\b"),
    ("rag", 3, r"\bcrawl\w*\b|\bscrap(?:e|es|ing)\b|\bsitemap\b|\bembeddings?\b|\bchunk(?:s|ed|ing)?\b|\bpassages\b"),
    (
        "rag",
        3,
        r"\b(?:search(?:able)?|vector|semantic)\s+(?:index|database|db|store|search)\b|\b(?:builds?|store\w*|in) an? (?:\w+ )?index\b|"
        r"\bthe index\b|\bindex(?:es|ing|ed)?\s+(?:your|the|our|its|them|those|all)\b",
    ),
    (
        "rag",
        3,
        r"\bretriev\w*\b|\blooks? (?:\w+ ){0,2}up\b|\blooking (?:\w+ ){0,2}up\b|\bat (?:query|question) time\b|"
        r"\bsearches\b(?:\s+\w+){0,3}?\s+(?:pages|documents|docs|the|your|those)\b|\bfinds? the (?:relevant|top|most|right)\b|"
        r"\bpulls? (?:up |out )?(?:the )?(?:closest|relevant|most relevant|right|matching|best)\b|\b(?:hands?|gives?|passe?s?) them to the "
        r"(?:language )?model\b|\bas context\b|\binto (?:the|its) context\b",
    ),
    (
        "rag",
        3,
        r"\bwith (?:a |numbered )?(?:links?|references?|citations?)\b|\bquoted source\b|\bsource (?:page|document|sheet)s?\b|"
        r"\bwhich document\b|\bthe source shown\b|\bshows the links\b",
    ),
    (
        "rag",
        3,
        r"\banswers?\w*\b(?:\s+\w+){0,3}?\s+(?:from|based on|using)\s+(?:your|the|its|those|these)\s+(?:own\s+)?(?:[\w-]+\s+)?"
        r"(?:documents|docs|content|website|site|handbook|knowledge|policies|files|manuals|faqs|pages|articles|sections|passages)\b",
    ),
    (
        "rag",
        2,
        r"\bupload\w* (?:your )?(?:pdfs?|documents|docs|files|faqs|manuals|handbooks?|policies)\b|"
        r"\bingests? (?:all )?(?:your|the) (?:[\w-]+ ){0,2}?(?:documents|docs|files|website|content|system|archive|wiki)\b|\bsyncs? (?:with )?(?:your )?\w+|"
        r"\bconnect\w* (?:it )?to (?:your|the) (?:[\w-]+ ){0,3}?(?:drive|notion|sharepoint|confluence|wiki|intranet|archive|helpdesk|"
        r"help ?cent(?:er|re)|document management|website|docs)\b|\bconnect\w* (?:your|all your) (?:[\w-]+,? (?:and )?){0,4}?"
        r"(?:zendesk|notion|drive|sharepoint|confluence|intercom|help ?cent(?:er|re)|website|docs|knowledge base|crm|shopify|wiki)\b|"
        r"\b(?:when|whenever|every time|as soon as) you (?:edit|update|change|add|upload|publish)\w*\b",
    ),
    (
        "rag",
        1.5,
        r"\brag\b|\bknowledge ?base\b|\bgrounded in\b|\btrain\w* (?:\w+ ){0,3}on (?:all )?(?:your|its|my) (?:\w+ )?(?:website|site|"
        r"content|pages|urls?|help ?cent(?:er|re)|knowledge base|docs|documents|pdfs|articles|help articles)\b",
    ),
    (
        "prompting",
        3,
        r"\bsystem prompt\b|\bprompt (?:templates?|library|system|pack|chain)s?\b|\bstanding instructions\b|"
        r"\bcustom instructions\b|\bvoice (?:guide|card|profile)\b|\bstyle guide\b|\bfew[\s-]shot\b|\bprompt engineering\b|"
        r"\bwe write (?:the |your )?prompts\b|\bbetter prompts\b",
    ),
    (
        "prompting",
        3,
        r"\b(?:placed|put|loaded|load|added|inserted|included|pasted|sent)\b(?:\s+[\w-]+){0,4}?\s+(?:in front of|into|"
        r"at the start of|alongside)\s+(?:the |every |each |your |a )?(?:custom )?(?:ai|assistant|model|prompt|request|conversation|templates?)\b",
    ),
    (
        "prompting",
        3,
        r"\b(?:with|in|into|before) (?:each|every) (?:request|prompt|message|conversation|draft|answer)\b|"
        r"\b(?:written|detailed|clear|careful) instructions\b",
    ),
    ("prompting", 1.5, r"\bprompt(?:s|ing|ed)?\b"),
)
_CUE_PATTERNS = tuple((kind, weight, re.compile(p)) for kind, weight, p in _CUES)
# Retrieved passages handed to the model are RAG, not prompting, however they are "placed".
_RETRIEVED = re.compile(r"\bpassages\b|\bchunks?\b|\bpieces\b|\bmatching\b|\bretriev|\bsearch")
_DISMISSED = re.compile(
    r"(?:\b(?:not|no|don'?t|doesn'?t|won'?t|isn'?t|aren'?t|never|without|nor|instead of|rather than|unlike|"
    r"beyond|no need (?:for|to)|forget|than|neither|avoid|stop|tired of|no more)\b)(?:\s+[\w'-]+){0,7}\s*$"
)
# "Fine-tuned to your business needs": the technique's name used as a figure of speech.
_FIGURATIVE = re.compile(
    r"\w*\s+(?:[\w-]+\s+){0,2}?(?:to|for|around)\s+(?:your|the|every|each)\s+(?:[\w'-]+\s+)?(?:needs|business|brand|"
    r"goals|industry|sector|company|workflows?|processes|requirements|use cases?|team|organi[sz]ation)\b"
)
# A sentence that sets a technique beside the offer, not in it ("RAG is a different tool"; "that is a separate project").
_ASIDE = re.compile(
    r"\ba different (?:tool|thing|approach|product|service)\b|\b(?:a )?separate project\b|\banother project\b|"
    r"\binstead\W*$|\bif you need\b|\brefer you to\b"
)
_MIX = re.compile(r"\bboth\b|\bhybrid\b|\bcombin\w*\b|\btwo (?:kinds|modules|workstreams|parts)\b")
_NAMES = {"fine_tuning": "fine-tuning", "rag": "RAG", "prompting": "prompting", "mixed": "a mix of these"}
_DOES = {
    "fine_tuning": "training the model on your examples so that its weights change",
    "rag": "looking passages up in your own content each time someone asks",
    "prompting": "giving the model written instructions and examples with every request, without changing the model",
}
# Loose words a vendor uses for what it does, and the mechanism they would suggest taken at face value.
_LOOSE = re.compile(
    r"\b(?:fine[\s-]?tun\w*|train\w*)\b(?:\s+[\w'-]+){0,5}?\s+on\s+(?:your|its|my|the)\s+(?:own\s+)?(?:[\w'-]+\s+){0,2}?"
    r"(?:data|website|site|content|pages|knowledge base|help ?cent(?:er|re)|docs|documents|examples|business|store|emails|"
    r"files|pdfs|urls?|faqs|articles|help articles|tickets|precedents|records|history|knowledge|reports|"
    r"conversations|brand|catalog(?:ue)?|products)\b(?:\s+(?:data|content|docs|pages))?|"
    r"\bfine[\s-]?tun\w*\b|\blearns? (?:your|the way)\b(?:\s+[\w-]+){1,3}"
)


def _cue_hits(sentence: str, low: str) -> dict[str, tuple[float, int]]:
    """Per mechanism, the strongest cue in one sentence and how many cues of it the sentence holds.

    A mechanism denied or set aside anywhere in the sentence ("Unlike RAG, which only looks things up") counts for
    nothing in it, whatever else the sentence says about it.
    """
    best: dict[str, tuple[float, int]] = {}
    counts: dict[str, int] = {}
    dismissed: set[str] = set()
    if _ASIDE.search(low):
        return {}
    for kind, weight, pattern in _CUE_PATTERNS:
        if kind == "prompting" and weight == 3 and _RETRIEVED.search(low) and "prompt" not in low:
            continue
        for m in pattern.finditer(low):
            if weight < 2 and _FIGURATIVE.match(low, m.end()):
                continue  # "fine-tuned to your needs" is a figure of speech, not a method
            clause = re.split(r"[.;:!?()]|,\s|\bbut\b|\bwhile\b|\bwhereas\b", low[max(0, m.start() - 120) : m.start()])[-1]
            if _DISMISSED.search(clause):
                dismissed.add(kind)
                continue
            counts[kind] = counts.get(kind, 0) + 1
            if weight > best.get(kind, (0.0, 0))[0]:
                best[kind] = (weight, counts[kind])
    # The position slot carries how many cues of the kind the sentence holds: the most telling sentence is shown.
    return {kind: (weight, counts[kind]) for kind, (weight, _) in best.items() if kind not in dismissed}


def _mechanism(sentences: list[str]) -> tuple[str, MechanismEvidence]:
    """The mechanism the whole text describes, and the sentence that decided it."""
    score: dict[str, float] = {}
    top: dict[str, tuple[float, int, str]] = {}
    loose: list[tuple[str, str]] = []  # (phrase as written, lower-cased)
    mixed_words = False
    for sentence in sentences:
        low = _lower(sentence)
        if low.rstrip().endswith("?"):
            continue  # a question in an FAQ is not what they will do; its answer is
        mixed_words = mixed_words or bool(_MIX.search(low))
        for kind, (weight, count) in _cue_hits(sentence, low).items():
            score[kind] = score.get(kind, 0.0) + weight
            if (weight, count) > top.get(kind, (0.0, 0, ""))[:2]:
                top[kind] = (weight, count, sentence)
        for m in _LOOSE.finditer(low):
            loose.append((sentence[m.start() : m.end()] if len(low) == len(sentence) else m.group(), m.group()))
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 1.5:
        return "unclear", {
            "sentence": None,
            "why": "Nothing in it says whether they will retrain the model, look things up in "
            "your documents or write better prompts.",
        }
    first, first_score = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None
    if second and second[1] >= max(1.5, first_score * (0.35 if mixed_words else 0.5)):
        a, b = sorted((first, second[0]), key=lambda k: -score[k])
        why = f"It describes both {_DOES[a]} and {_DOES[b]}: that is {_NAMES['mixed']}, {_NAMES[a]} and {_NAMES[b]}."
        return "mixed", {"sentence": top[a][2], "why": why}
    sentence = top[first][2]
    said = next((phrase for phrase, low in loose if _face_value(low) not in (None, first)), None)
    if said:
        why = f"They say '{said}', but what they describe is {_DOES[first]}: that is {_NAMES[first]}."
    else:
        why = f"What they describe is {_DOES[first]}: that is {_NAMES[first]}."
    return first, {"sentence": sentence, "why": why}


def _face_value(phrase: str) -> str | None:
    """The mechanism a loose phrase suggests taken at its word: "fine-tuned on your website" suggests fine-tuning."""
    if re.search(r"fine[\s-]?tun|\btrain", phrase):
        return "fine_tuning"
    return "fine_tuning" if phrase.startswith("learn") else None


# --- the reading ------------------------------------------------------------------------------------------


def _claims(sentences: list[str]) -> list[dict[str, Any]]:
    """Each distinct sentence of the pitch that touches a glossary concept, whole, with every concept it touches."""
    claims: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sentence in sentences:
        low = _lower(sentence)
        key = re.sub(r"[^a-z0-9%£$€]+", " ", low).strip()
        if key in seen:
            continue
        found = [concept for concept, pattern in _CONCEPT_PATTERNS if pattern.search(low)]
        if found:
            seen.add(key)
            claims.append({"text": sentence, "concept": found[0], "concepts": found})
    return claims


def _flag(code: str, text: str, concepts: list[str]) -> dict[str, Any]:
    return {"code": code, "text": text, "concepts": list(concepts)}


def _gbp(price: Price | None) -> float | None:
    return float(price["amount"]) if price and price["currency"] == "GBP" and price["amount"] is not None else None


def _pitch_sentences(text: str) -> tuple[str, list[str]]:
    raw = _INSTRUCTION.sub(" ", text[:MAX_PITCH_CHARS]) if isinstance(text, str) else ""
    return raw, _sentences(raw)


def promises_in(text: str) -> list[VagueClaim]:
    """The pitch's promises that nothing measures, as read_pitch lists them, without the rest of its reading (a
    verdict asks for only these: `pitchcheck assess` over 10,000 lines spent most of its time reading the rest)."""
    return vague_claims(_pitch_sentences(text)[1])


def read_pitch(text: str) -> PitchReading:
    """What a pitch offers and claims, as data; its text is never obeyed."""
    raw, sentences = _pitch_sentences(text)
    t = re.sub(r"\s+", " ", _lower(raw)).strip()
    mechanism, evidence = _mechanism(sentences)
    quote, fee = read_prices(raw)
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
        "mechanism_evidence": evidence,
        "quote": quote,
        "monthly_fee": fee,
        "quote_gbp": _gbp(quote),
        "monthly_fee_gbp": _gbp(fee),
        "mentions_lora": bool(re.search(r"\blora\b|\bqlora\b|\blow[\s-]rank adapt", t)),
        "claims": _claims(sentences),
        "vague_claims": vague_claims(sentences),
        "red_flags": flags,
        "task": task_of(t[:20_000], strict=True),
    }
