"""Asking instead of guessing: a clarifying question with the likeliest readings, the LLM's reading offered back,
a period carried into a corrected figure, and a question left open after two answers not read. Part of
chains.session.Session."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from .facts import FIELD_BY_NAME
from .figures import amounts, normalise
from .money import SYMBOLS, currency_named
from .phrasings import DONT_KNOW
from .polarity import negated
from .readers import SOMETHING_ELSE, Reading, clarify_choices
from .turns import Reply, SessionState, Turn

if TYPE_CHECKING:
    from .readers import Context

log = logging.getLogger(__name__)

MAX_MISSES = 2  # after this many answers not read, the question is left open rather than asked a third time


class Asking:
    if TYPE_CHECKING:  # provided by chains.session.Session
        state: SessionState
        read_field: Any
        awaiting: str | None
        facts: dict[str, Any]
        history: list[tuple[str, Any]]

        def context(self) -> Context: ...
        def mark_asked(self, name: str) -> None: ...
        def _turn(self, replies: list[Reply], reask: bool = False) -> Turn: ...
        def _question_reply(self) -> Reply: ...
        def _advance(self, replies: list[Reply]) -> Turn: ...

    def _ask_llm(self, text: str, reading: Reading) -> Reading:
        """The configured LLM's reading of a choice the offline readers could not settle, offered first to confirm."""
        spec = FIELD_BY_NAME[self.awaiting or ""]
        if self.read_field is None or not spec.choices:
            return reading
        try:
            value = self.read_field(spec.name, spec.question, spec.choice_values(), text)
        except Exception:
            log.warning("field reader failed", exc_info=True)
            return reading
        if value not in spec.choice_values():
            return reading
        likely = (value, *[o["value"] for o in reading.options if o["value"] in spec.choice_values() and o["value"] != value])
        return clarify_choices(spec, likely[:3], f'Did you mean "{spec.label_of(value)}"?')

    def _carry_period(self, text: str) -> str:
        """ "40 a day" asked back, then "no sorry, more like fifty": the fifty is a day's worth too."""
        carry = (self.state.clarifying or {}).get("carry")
        options = {str(o["value"]) for o in (self.state.clarifying or {}).get("options", [])}
        if not carry or text.strip() in options or period_of(text) or not amounts(text):
            return text
        return f"{text} a {carry}"

    def _option_text(self, text: str) -> tuple[str, bool]:
        """(the answer, whether it picked an offered option): a number typed at a clarifying question picks that
        option, not the field's choice of that number; so do the option's value or label, the currency it is in
        ("pounds obvs"), what it stands for ("weekdays only") and its place ("the first one")."""
        options = (self.state.clarifying or {}).get("options") or []
        stripped = text.strip().rstrip(".")
        if stripped.isdigit() and 1 <= int(stripped) <= len(options):
            return str(options[int(stripped) - 1]["value"]), True
        if any(stripped == str(o["value"]) for o in options):
            return text, True
        picked = pick_option(options, text) or self._currency_unknown(options, text)
        return (str(picked["value"]), True) if picked is not None else (text, False)

    def _currency_unknown(self, options: list[dict[str, Any]], text: str) -> dict[str, Any] | None:
        """ "dunno" asked which currency a price is in: the price in the pitch's currency or pounds, rather than
        losing it (the echo says so, and how to change it)."""
        signs = [str(o["label"])[:1] for o in options if o.get("value") != SOMETHING_ELSE["value"]]
        t = normalise(text)
        if (
            sorted(signs) != sorted(SYMBOLS.values())
            or not DONT_KNOW.search(t)
            or re.search(r"\b(?:skip|pass|n/?a|not|except|leave|open|later)\b", t)
        ):
            return None
        sign = SYMBOLS[self.context().currency or "GBP"]
        self.state.said["assumed_currency"] = sign
        return next(o for o in options if str(o["label"]).startswith(sign))

    def _clarify(self, reading: Reading, preface: list[Reply] | None = None, carry: str | None = None) -> Turn:
        assert self.awaiting
        self.state.misses[self.awaiting] = self.state.misses.get(self.awaiting, 0) + 1
        if self.state.misses[self.awaiting] > MAX_MISSES:  # never the same question a third time
            return self._leave_open()
        if self.state.misses[self.awaiting] >= MAX_MISSES:  # asked back before: an example of an answer, and a way out
            example = FIELD_BY_NAME[self.awaiting].example
            said = f"Pick one of these, or say something like {example}" if example else "Pick one of these"
            preface = [*(preface or []), Reply("notice", said + '. Or say "skip" and I\'ll leave it open for now.')]
        self.state.clarifying = {"question": reading.hint, "options": list(reading.options)}
        if carry and FIELD_BY_NAME[self.awaiting].kind == "volume":
            self.state.clarifying["carry"] = carry
        return self._turn(list(preface or []) + [self._question_reply()])

    def _missed(self, hint: str) -> Turn:
        """An answer not read: a hint, then the choices with an example, then the question is left open."""
        assert self.awaiting
        name = self.awaiting
        misses = self.state.misses[name] = self.state.misses.get(name, 0) + 1
        after_options = self.state.clarifying is not None  # the owner was answering "which of these?"
        if misses > MAX_MISSES:
            self.state.clarifying = None
            return self._leave_open()
        if after_options:  # the same choices again ("12 grand" stays offered in each currency), once
            hint = "I couldn't match that to one of those: pick one, or tell me in your own words."
            return self._turn([Reply("notice", hint)], reask=True)
        self.state.clarifying = None
        if misses == MAX_MISSES:
            spec = FIELD_BY_NAME[name]
            hint = (
                f"Sorry, I'm still not reading that. You could say something like {spec.example}. "
                'Or say "skip" and I\'ll leave it open for now.'
            )
        return self._turn([Reply("notice", hint)], reask=True)

    def _leave_open(self) -> Turn:
        name = self.awaiting
        assert name
        self.state.misses.pop(name, None)
        self.state.clarifying = None
        self.history.append((name, self.facts[name]))
        self.mark_asked(name)
        note = Reply(
            "notice",
            "I'll leave that question open for now, so we don't go round in circles. "
            'You can come back to it any time, for example by saying "back".',
        )
        return self._advance([note])


def period_of(text: str) -> str | None:
    """The period the owner gave a figure in ("40 a day" -> "day"), if any."""
    return next((a.period for a in amounts(text) if a.period), None)


_PLACE = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "middle": 1, "third": 2, "3rd": 2}
_SIMPLE = re.compile(r"[^a-z0-9£$€]+")


def pick_option(options: list[dict[str, Any]], text: str) -> dict[str, Any] | None:
    """The one offered option a typed reply names, or None (then the reply is read as an answer of its own)."""
    real = [o for o in options if o.get("value") != SOMETHING_ELSE["value"]]
    if not real:
        return None
    t = normalise(text)
    simple = _SIMPLE.sub(" ", t).strip()
    for o in real:
        if simple == _SIMPLE.sub(" ", str(o["label"]).lower()).strip():
            return o
    if amounts(re.sub(r"\bones?\b", " ", t)):  # "the lower one" names no figure
        return None  # "a bit more, say 1200": its own figure is the answer, read as one
    said = [o for o in real if o.get("says") and (m := re.search(str(o["says"]), t)) and not negated(t, m.start())]
    if len(said) == 1:
        return said[0]
    code = currency_named(t) or next((c for c, sym in SYMBOLS.items() if sym in t), None)
    if code:
        named = [o for o in real if str(o["label"]).startswith(SYMBOLS[code])]
        if len(named) == 1:
            return named[0]
    place = re.search(r"\b(first|1st|top|second|2nd|middle|third|3rd|last|bottom)\b", t)
    only_place = re.fullmatch(  # "the second one", "um the first i guess": a place and nothing more
        r"(?:(?:the|that|um|er|erm|ok|okay|so|i guess|i think|prob|probably|maybe|it'?s) )*"
        r"(?:first|1st|top|second|2nd|middle|third|3rd|last|bottom)(?: one| option| choice| answer)?"
        r"(?: (?:i guess|i think|please|pls|probably|then|mate))?[.!]?",
        t,
    )
    if place and len(t.split()) <= 6 and (only_place or not amounts(t)):
        index = len(real) - 1 if place[1] in ("last", "bottom") else _PLACE[place[1]]
        return real[index] if index < len(real) else None
    return None
