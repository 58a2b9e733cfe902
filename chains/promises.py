"""Promises in a pitch with no measure behind them, each with the question that would test it."""

from __future__ import annotations

import re
from typing import TypedDict

MAX_CLAIMS = 12  # a long proposal repeats itself; the owner needs the distinct promises, not every one


class VagueClaim(TypedDict):
    text: str  # the whole sentence, as the vendor wrote it
    question: str  # what to ask to test it


# Kinds of promise, most telling first: (pattern on lower-cased text, the question that tests it).
_KINDS: tuple[tuple[str, str], ...] = (
    (
        r"\bno (?:more )?hallucinat|\bzero (?:hallucinat|errors?|mistakes)|\bhallucination[\s-]free\b|"
        r"\bnever (?:makes? (?:things|anything|stuff) up|hallucinates?|gets? (?:it|anything|things) wrong|wrong|makes? (?:a )?mistakes?)\b|"
        r"\b100\s*% (?:accura|correct|right)|\balways (?:accurate|right|correct)\b|\berror[\s-]free\b|\bflawless\b|"
        r"\bno (?:mistakes|errors)\b|\bperfect(?:ly)?\b|\balways (?:\w+ ){0,2}(?:right|correct|accurate)\b|"
        r"\b9\d(?:\.\d+)?\s*% (?:accura|correct|precision)|\baccuracy of 9\d|\beliminat\w* (?:all )?(?:hallucinations|errors|mistakes)\b|"
        r"\bzero (?:missed|errors?|mistakes|downtime)\b|\bnever (?:misses|loses|forgets|fails)\b|\balways reliable\b|"
        r"\b(?:right|accurate|correct|perfect|on-brand)\b[^.]{0,30}\bevery (?:single )?time\b|\bmaximum (?:accuracy|precision)\b|"
        r"\bhighest precision\b",
        "How often was it wrong on a test set of our own questions, and what happens when it is wrong in front of a customer?",
    ),
    (
        r"\b(?:learn|capture|match|master|nail|pick|adopt|adapt|replicate|clone|mimic|speak|write|sound|talk)\w*\b(?:\s+\w+){0,4}?\s+"
        r"(?:brand(?:'s)? )?(?:voice|tone|style|language of)\b|\bon[\s-]brand\b|\boff[\s-]brand\b|\bsounds? (?:just |exactly )?like (?:you|your|us)\b|"
        r"\bwrites? like (?:you|your)\b|\bin your (?:voice|tone)\b|\bcan'?t tell the difference\b|\bindistinguishable\b|"
        r"\bhuman[\s-]like\b|\blike a (?:real )?human\b|\blike (?:talking|speaking|chatting) to a (?:real )?(?:human|person)\b",
        "How will you measure that it writes in our voice? On which of our examples, held out from training, and who judges?",
    ),
    (
        r"\b(?:understand|know|grasp|get)s?\w*\b(?:\s+\w+){0,3}?\s+(?:your|our|their)\s+(?:\w+\s+)?(?:business|company|firm|products?|"
        r"services|customers|clients|industry|sector|methodology|processes|policies|domain|organi[sz]ation|intent|know-how)\b|"
        r"\binside (?:and )?out\b|\b(?:lawyer|expert|human|doctor|analyst|phd)[\s-](?:level|quality|grade)\b|"
        r"\blike having (?:an? )?(?:expert|extra|specialist|team)\b|\b(?:expert|human) quality\b|"
        r"\bdeep (?:understanding|knowledge)\b|\bjust gets it\b|\bsmartest\b|\bsmarter than\b|"
        r"\bunderstands? (?:every|any|all|each|context|nuance|intent)\b|\blike (?:a|an|one of) (?:real |new |trained )?(?:member|members|employee|expert|colleague)s?\b|"
        r"\bthinks? like (?:your|an?)\b|\b(?:answers?|handles?) (?:any|every) (?:question|query|request)\b",
        "What will it get wrong about our business, and how will we find out before a customer does? Which of our own questions "
        "will you test it on?",
    ),
    (
        r"\b(?:stays?|keeps?|always|remains?)\s+(?:\w+\s+)?(?:current|up[\s-]to[\s-]date|fresh|in sync|compliant with the (?:newest|latest))\b|"
        r"\bupdates? (?:itself|automatically)\b|\bautomatically (?:updat|learn|improv|retrain|keep)|\blearns?\b(?:\s+\w+){0,2}?\s+"
        r"(?:continuously|over time|from every|as it goes|improves?)|\b(?:learns and|self[\s-])(?:learning|improv|updat)\w*|"
        r"\bgets? (?:smarter|better) (?:over time|every|with)\b|\bnever (?:goes|gets) (?:stale|out of date)\b|\bgrows? with your\b|"
        r"\bfuture[\s-]proof\b|\bnever needs? (?:updating|retraining)\b|\btrain(?:ed)? once\b|\bcontinuously improv|"
        r"\bconstantly (?:learning|improving)\b|\b(?:always )?knows the latest\b|\bkeeps? getting (?:better|smarter)\b|\bimproves? (?:itself|automatically|over time|with every)\b",
        "When our prices, policies or processes change, how does the change reach it, how quickly, and who checks that it did?",
    ),
    (
        r"\b\d+(?:\.\d+)?\s*(?:-|to)?\s*(?:\d+(?:\.\d+)?)?\s*(?:%|percent)\s*(?:more|better|faster|cheaper|higher|lower|fewer|less|"
        r"improvement|increase|reduction|boost|of (?:tickets|queries|questions|conversations|support|enquiries))|"
        r"\b(?:deflects?|resolves?|automates?|handles?)\b(?:\s+\w+){0,2}?\s+\d+\s*%|\b\d+(?:\.\d+)?x\s+(?:faster|better|more|cheaper|roi|return)|"
        r"\b(?:reduc|cut|lower|increas|boost|improv|rais|grow|doubl|tripl|slash)\w*\b(?:\s+[\w'-]+){0,4}?\s+(?:by\s+)?(?:up to\s+)?"
        r"\d+(?:\.\d+)?\s*(?:%|percent|x)(?!\w)|\b(?:answers?|resolves?)\b(?:\s+\w+){0,2}?\s+\d+\s*%|"
        r"\b\d+(?:\.\d+)?x roi\b|\b(?:better|smarter|more accurate|faster) than (?:generic|off-the-shelf|chatgpt|gpt|standard|other|"
        r"anything|the big|any)\b|\bmost accurate\b|\bconverts? like\b|\bfraction of the cost\b",
        "Better by what measure, against what, and on whose data? Can we see that test run on a sample of our own work?",
    ),
    (
        r"\bsav(?:e|es|ing)\b(?:\s+\w+){0,5}?\s+(?:hours?|time|days?|money|thousands|a full day|\d+\s*hours?)\b|\bpays? for itself\b|"
        r"\b(?:boost|increase|grow|double|skyrocket)\w* (?:your )?(?:[\w-]+'s? ){0,2}?(?:sales|conversions?|revenue|engagement|leads|"
        r"productivity|efficiency)\b|\bin half\b|\bhalv(?:e|es|ing)\b|\bno more (?:waiting|manual|copy|guesswork|mistakes|errors)\b|"
        r"\broi (?:in|within) \d+|\bpays? (?:back|off) (?:in|within)\b|\bsav(?:e|es|ing)\b(?:\s+\w+){0,3}?\s+\d+(?:\.\d+)?\s*%|"
        r"\b(?:immediate|instant) (?:results|roi|value)\b|"
        r"\b\d+x roi\b|\bsee value within\b|\b(?:less|no more) manual work\b|\bno more searching\b|\bcut(?:s)? (?:your )?(?:costs?|workload)\b",
        "Saved against what, measured how? Which of our own figures would show it, and by when?",
    ),
    (
        r"\bguarantee\w*\b(?!\s+(?:uptime|response))|\bstate[\s-]of[\s-]the[\s-]art\b|\bcutting[\s-]edge\b|\bbest[\s-](?:in[\s-]class|of[\s-]breed)\b|"
        r"\benterprise[\s-]grade\b|\bworld[\s-]class\b|\bindustry[\s-]leading\b|\bunmatched\b|\brevolution|\bseamless\b|\blightning fast\b|"
        r"\bmind[\s-]?blown\b|\bbetter than anything\b|\bnext level\b|\b(?:shaped|built|made|tailored) (?:around|for) you\b|"
        r"\b(?:highest|top|premium|unbeatable|superior|exceptional|outstanding|unrivalled|unparalleled) (?:quality|accuracy|results|performance)\b|"
        r"\bbest possible\b|\b100\s*%|\bmagic(?:al)?\b|\bscales? with (?:you|your)\b|"
        r"\bmost (?:advanced|powerful|intelligent|reliable|sophisticated)\b|\bthe best ai\b|\bgame[\s-]?chang|\bsupercharg|"
        r"\btransform(?:s|ing)? your (?:business|team|support|customer)|\bunlock(?:s|ing)? (?:the )?(?:full |true )?(?:power|potential|value)\b|"
        r"\bdelight\w*\b|\bcustomers (?:will )?love\b|\beffortless\w*\b|\bnever (?:gets? tired|tires|miss(?:es)? a)\b|\blike hiring\b|"
        r"\bresults in (?:days|minutes|hours)\b|\byou can (?:trust|rely on|count on)\b|\bconsistently (?:excellent|great|perfect|brilliant)\b",
        "What does that mean in figures we can check, and what happens if it falls short?",
    ),
    (
        r"\bonly (?:taking on|accepting|onboarding|have (?:room|space|capacity) for) (?:\w+ ){0,2}(?:new )?(?:clients|customers|projects)\b|"
        r"\blimited (?:time|spots?|places|slots?|availability) (?:offer|only|left|available)\b|\bact (?:now|fast|quickly)\b|"
        r"\b(?:lock|locking|book|booking|secure|securing|reserve|reserving|claim|claiming) (?:in )?(?:your|a|this) (?:slot|spot|place|price|"
        r"discount|rate)\b|\b(?:offer|price|discount|slot|spot|rate|deal)s? (?:\w+ ){0,3}?(?:ends?|expires?|is valid|stands?|holds?) "
        r"(?:on |until |till |by )?(?:this |next )?(?:friday|monday|tuesday|wednesday|thursday|weekend|week|month|tomorrow|tonight)\b|"
        r"\bbefore (?:the )?(?:price|prices|rate) (?:goes up|go up|rises?|increases?)\b|\bdon'?t miss (?:out|this)\b",
        "Why the deadline? A sound offer still stands next month: will you put it in writing, with time for us to check it "
        "and a way out if it does not deliver?",
    ),
    (
        r"\bno (?:need (?:for|to) )?(?:data )?(?:prep|preparation|cleaning|labell?ing)\b|\bany amount of data\b|\bas[\s-]is\b|"
        r"\bwhatever (?:data )?you have\b|\bonly (?:needs?|requires?) (?:a few|a handful|\d{1,2})\b",
        "How many clean examples will you train on, who checks them, and what happens if we have too few?",
    ),
)
_KIND_PATTERNS = tuple((re.compile(p), q) for p, q in _KINDS)
# What turns a promise into a claim with a measure behind it: a held-out test, a stated method, a service credit.
_MEASURED = re.compile(
    r"\bheld[\s-](?:out|back)\b|\bkept (?:out|apart|back)\b|\bset aside\b|\btest (?:set|questions)\b|\bmarking scheme\b|"
    r"\bmeasured (?:monthly|on|against|by)\b|\bservice credits?\b|\bwe (?:will )?report\b|\bprecision and recall\b|"
    r"\bvalidation loss\b|\brubric\b|\bsla\b|\bmeasured\b|\bpilot\b|\bwe (?:will )?(?:test|measure|evaluate)\b|\bevaluation set\b|"
    r"\bacceptance tests?\b|\bwithin \d+ (?:seconds|minutes|hours)\b|\bin \d+(?:\.\d+)?\s*% of (?:cases|orders|tickets)\b"
)
# Sentences addressed to the reader about the product's mechanics, not promises: headings, prices, legal lines.
_NOT_A_PROMISE = re.compile(
    r"\bcookies?\b|\bprivacy policy\b|\bregistered in\b|\bcompany no\b|\bvat\b|\bper (?:month|year)\b|"
    r"\b(?:annual|yearly) (?:plans?|billing)\b|\bmoney[\s-]back\b"
)


def vague_claims(sentences: list[str]) -> list[VagueClaim]:
    """The promises among these sentences that no measure backs, one per distinct sentence, in reading order."""
    out: list[VagueClaim] = []
    seen: set[str] = set()
    for sentence in sentences:
        low = re.sub(r"\s+", " ", sentence.lower().replace("’", "'").replace("–", "-").replace("—", "-")).strip()
        key = re.sub(r"[^a-z0-9%]+", " ", low).strip()
        if not key or key in seen or _MEASURED.search(low) or _NOT_A_PROMISE.search(low):
            continue
        for pattern, question in _KIND_PATTERNS:
            m = pattern.search(low)
            if m and not _denied(low, m.start()):
                seen.add(key)
                out.append({"text": sentence.strip(), "question": question})
                break
        if len(out) >= MAX_CLAIMS:
            break
    return out


def _denied(low: str, start: int) -> bool:
    """True when the promise is denied or asked about rather than made ("we don't guarantee", "Is it 100% accurate?")."""
    before = low[max(0, start - 40) : start]
    if re.search(r"\b(?:not|don'?t|doesn'?t|won'?t|can'?t|cannot|nobody)\b(?:\s+\w+){0,3}\s*$", before):
        return True
    return low.endswith("?")
