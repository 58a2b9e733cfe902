"""The guide's worked example as a script: an £18,000 quote to fine-tune on client reports, twelve reports a month
and about forty good examples. The CLI (`pitchcheck example`) and the web app both play it through a Session."""

from __future__ import annotations

from collections.abc import Iterator

from .facts import FIELD_NAMES
from .session import Session, Turn

EXAMPLE_PITCH = (
    "The vendor quoted £18,000 to fine-tune the model on our data, so that it understands our "
    "methodology, picks up our tone and learns the way we write client reports."
)
# What the firm answers to each question, in its own words where a person would type them.
EXAMPLE_ANSWERS: dict[str, str] = {
    "pitch": EXAMPLE_PITCH,
    "mechanism": "fine_tuning",
    "quote": "£18,000",
    "task": "open_writing",
    "monthly_volume": "about twelve a month",
    "clean_examples": "maybe forty",
    "task_stable": "yes",
    "personal_data": "unsure",
    "prompt_rag": "not_tried",
    "fresh_knowledge": "no",
    "regulated": "no",
    "vendor_examples": "not_asked",
    "vendor_shortfall": "not_asked",
    "vendor_retraining": "not_asked",
}
INTRO = (
    "Here's the case from the guide: a consulting firm was quoted **£18,000** to fine-tune a model on its client "
    "reports. They write about **12 reports a month** and have **about 40** reports good enough to teach with. "
    "I'll answer for them; watch the verdict build up."
)


class ScriptGap(RuntimeError):
    """The interview asked a question the script has no answer for (a field added without one)."""


def play(session: Session) -> Iterator[tuple[str, str, Turn]]:
    """Start the session afresh and answer every question it asks: (field, answer typed, turn) until the verdict."""
    missing = set(FIELD_NAMES) - set(EXAMPLE_ANSWERS)
    if missing:
        raise ScriptGap(f"the worked example has no answer for: {', '.join(sorted(missing))}")
    session.restart()  # the owner agreed to replace their answers (a typed "restart" part-way would ask first)
    for _ in range(len(EXAMPLE_ANSWERS) + 1):
        field = session.awaiting
        if field is None:
            return
        answer = EXAMPLE_ANSWERS[field]
        yield field, answer, session.handle(answer)
    raise ScriptGap(f"the worked example did not reach a verdict (still asking {session.awaiting})")
