"""The first message: the vendor's offer (pasted, described, uploaded or asked as a question), a concept question,
a greeting, or keyboard mashing, which is asked for again once. Part of chains.session.Session."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .clean import clean_input
from .facts import FIELD_BY_NAME
from .figures import normalise
from .intents import is_offer, looks_like_question
from .misspellings import looks_like_gibberish
from .money import foreign_currency, format_money
from .opening import SHORT, prefill_from_pitch
from .readers import read_answer
from .turns import Reply, SessionState, Turn

if TYPE_CHECKING:
    from .readers import Context

FOREIGN_PRICE = "The price there is in a currency I can't work in, so I'll need it in pounds, US dollars or euros."
UNREAD_FILE = (
    "I couldn't find an offer in that file's words. Attach the vendor's proposal itself (PDF, Word, a saved web page or "
    'text), paste their words, or tell me in a line what they offered, or say "skip" to go on without it.'
)
UNREAD_PITCH = (
    "I couldn't make out an offer in that. Paste the vendor's words, or tell me in a line what they offered "
    '(for example "£12,000 to train a model on our support emails"), or say "skip" to go on without it.'
)
_GREETING = (
    r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|yo|howdy|greetings)\b[\s!.,]*(?:there|pitchcheck)?[\s!.,]*$"
)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class FirstMessage:
    if TYPE_CHECKING:  # provided by chains.session.Session
        state: SessionState
        awaiting: str | None
        facts: dict[str, Any]
        history: list[tuple[str, Any]]
        transcript: list[tuple[str, str]]

        def context(self) -> Context: ...
        def mark_asked(self, name: str) -> None: ...
        def describe(self, name: str, value: Any) -> str: ...
        def _turn(self, replies: list[Reply], reask: bool = False) -> Turn: ...
        def _advance(self, replies: list[Reply]) -> Turn: ...
        def _explain(self, text: str) -> Turn: ...

    def take_document(self, text: str) -> Turn:
        """A vendor's proposal read from a file, as the pitch: it may be longer than a typed message."""
        if self.awaiting != "pitch":
            return self._turn([Reply("notice", "A proposal is read as the pitch at the first question.")], reask=True)
        cleaned = clean_input(text if isinstance(text, str) else "")
        if not cleaned:
            return self._turn([Reply("notice", "That file had no text I could read.")], reask=True)
        if looks_like_gibberish(cleaned):  # a file of mashed keys or random words is no proposal: said, not kept
            return self._turn([Reply("notice", UNREAD_FILE)], reask=True)
        self.transcript.append(("owner", cleaned[:2000]))
        return self._take_pitch(cleaned)

    def _opening(self, text: str) -> Turn:
        """The first message: the offer itself (even asked as a question), a concept question, or a greeting."""
        if re.match(_GREETING, text.strip().lower()):
            return self._turn([Reply("notice", "Hello! Tell me about the offer when you're ready.")], reask=True)
        if looks_like_question(text) and not is_offer(text):
            return self._explain(text)
        if looks_like_gibberish(text) and not self.state.misses.get("pitch"):
            self.state.misses["pitch"] = 1  # asked once; the same again is kept as the pitch
            return self._turn([Reply("notice", UNREAD_PITCH)], reask=True)
        return self._take_pitch(text)

    def _take_pitch(self, text: str) -> Turn:
        self.history.append(("pitch", self.facts["pitch"]))
        self.facts["pitch"] = text
        self.mark_asked("pitch")
        noted = [
            self.describe(name, self.facts[name]) if name in FIELD_BY_NAME else phrase
            for name, phrase in prefill_from_pitch(self.facts, text, self.context())
        ]
        for name in ("mechanism", "quote", "task"):
            if self.facts[name] is not None:
                self.mark_asked(name)
        if self.facts["quote"] is None and len(text) < SHORT and read_answer("quote", text, self.context()).status == "clarify":
            self.state.said["quote"] = text  # a price with no currency: asked back when the price question comes
        if noted:
            example = format_money(15000, self.facts.get("currency")).replace(",000", "k")
            reply = Reply(
                "echo",
                "From the pitch I noted " + _join(noted) + ". If any of that is wrong, just say so "
                f'(for example "actually the quote was {example}").',
            )
        else:
            reply = Reply("echo", "Thanks, I've kept the pitch for the report.")
        replies = [reply]
        if self.facts["quote"] is None and foreign_currency(normalise(text)):  # "quoted 14,000 Canadian": said, not dropped
            replies.append(Reply("notice", FOREIGN_PRICE))
        return self._advance(replies)
