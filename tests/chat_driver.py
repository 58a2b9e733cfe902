"""Drive Pitchcheck's chat in a Playwright page the way an owner does: read the last message, answer it by
typing or by its buttons, attach a file, and check the layout. Used by the browser tests and by
scripts/screenshots.py. The same selectors reach into the widget (Playwright's CSS crosses open shadow roots).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

ASSISTANT = '[data-step-type="assistant_message"]'
USER = '[data-step-type="user_message"]'
CARD = "[data-testid=verdict-card]"
BUTTONS = ".message-content + div > button[id]"  # a message's action buttons (the copy button has no id)
ERROR_TOAST = "[data-sonner-toast][data-type=error]"
PITCH = "They'll fine-tune the model on our support tickets for £18,000."

# Typed answers, found by words in the question (the owner's own phrasing, not the buttons' labels).
TYPED = [
    ("Paste what the vendor said", PITCH),
    ("actually do", "fine-tune it"),
    ("How much have they quoted", "£18,000"),
    ("What job", "sorting tickets into categories"),
    ("a month", "about 5,000 a month"),
    ("clean, labelled examples", "about 2,000"),
    ("three months", "yes"),
    ("personal information", "no personal data"),
    ("prompts plus RAG", "tried, not good enough"),
    ("facts that change", "no"),
    ("decisions about individuals", "no"),
    ("vendor tell you", "yes"),
    ("Could they say", "yes"),
]


def typed_answer(message: str, table: list[tuple[str, str]] = TYPED) -> str | None:
    """The answer to type: the one whose words come latest in the message, which is the question (the echo of the
    last answer may stand above it)."""
    found = [(message.lower().rfind(words.lower()), text) for words, text in table if words.lower() in message.lower()]
    return max(found)[1] if found else None


# The button to click, by words in the question; a number question gets "Don't know".
CLICKED = [
    ("actually do", "Fine-tune (retrain) the model"),
    ("What job", "Sort or label things into set categories"),
    ("three months", "Yes"),
    ("personal information", "No personal data"),
    ("prompts plus RAG", "Tried: not good enough"),
    ("facts that change", "No"),
    ("decisions about individuals", "No"),
    ("Could", "Yes, they answered clearly"),
]

# Every element that scrolls sideways: its content is wider than its box (the page itself included).
SIDEWAYS = """() => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      const style = getComputedStyle(el);
      const scrolls = ['auto', 'scroll'].includes(style.overflowX) || el === document.scrollingElement;
      if (scrolls && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
        found.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
  };
  walk(document);
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1) found.push(`page: ${page.scrollWidth} > ${page.clientWidth}`);
  return found;
}"""


LAST = """([steps, buttons]) => {
  const found = [];
  const walk = (root) => {
    found.push(...root.querySelectorAll(steps));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  const last = found[found.length - 1];
  if (!last) return ["", []];
  return [last.innerText, [...last.querySelectorAll(buttons)].map(b => b.innerText.trim())];
}"""


# Per message (page or widget), how many answer buttons show; the stylesheet hides them once anything follows.
ANSWER_BUTTONS_SHOWN = """() => {
  const steps = [];
  const walk = (root) => {
    steps.push(...root.querySelectorAll('.step'));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  return steps.map(s => [...s.querySelectorAll('button[id^="answer-"]')].filter(b => b.offsetParent !== null).length);
}"""


class Chat:
    def __init__(self, page):
        self.page = page

    # --- reading ---------------------------------------------------------------------------------------
    def assistant_count(self) -> int:
        return self.page.locator(ASSISTANT).count()

    def _last(self) -> tuple[str, list[str]]:
        """The last assistant message's text and button labels, read in one go (buttons come and go)."""
        return tuple(self.page.evaluate(LAST, [ASSISTANT, BUTTONS]))

    def last_text(self) -> str:
        return self._last()[0]

    def answer_buttons_shown(self) -> list[int]:
        """How many answer buttons show under each message, in order (the page's or the widget's)."""
        return list(self.page.evaluate(ANSWER_BUTTONS_SHOWN))

    def last_buttons(self) -> list[str]:
        return self._last()[1]

    def texts(self) -> list[str]:
        return self.page.locator(ASSISTANT).all_inner_texts()

    def settle(self, more_than: int, timeout: float = 90, quiet: float = 0.3) -> str:
        """Until more than `more_than` assistant messages show, the app is not busy and nothing has changed for
        `quiet` seconds (an audit's "Auditing..." line is not the end); returns the last message's text."""
        deadline = time.monotonic() + timeout
        seen, since = None, time.monotonic()
        while time.monotonic() < deadline:
            count = self.assistant_count()
            text, buttons = self._last()
            state = (count, text if count > more_than else "", len(buttons))
            if state != seen:
                seen, since = state, time.monotonic()
            elif (
                count > more_than
                and time.monotonic() - since >= quiet
                and not self.busy()
                and not state[1].startswith("Auditing")
            ):
                return state[1]
            time.sleep(0.1)
        raise AssertionError(f"no settled reply; last message: {self.last_text()!r}")

    def busy(self) -> bool:
        """Chainlit shows a stop button while the app works on a message or a click."""
        return self.page.locator("#stop-button").count() > 0

    # --- acting ----------------------------------------------------------------------------------------
    def type(self, text: str, quiet: float = 0.3) -> str:
        before = self.assistant_count()
        self.page.fill("#chat-input", text)  # waits while the message box is disabled
        self.page.keyboard.press("Enter")
        # Sent, the message box empties. A press that came before the page could send (its socket still connecting
        # on a busy machine) leaves the words in the box: press again, as a person would, rather than wait in vain.
        deadline = time.monotonic() + 10
        while self.page.input_value("#chat-input") == text and time.monotonic() < deadline:
            time.sleep(0.5)
            if self.page.input_value("#chat-input") == text:
                self.page.keyboard.press("Enter")
        return self.settle(before, quiet=quiet)

    def click(self, label: str) -> str:
        before = self.assistant_count()
        steps = self.page.locator(ASSISTANT)
        steps.nth(steps.count() - 1).locator(BUTTONS).filter(has_text=re.compile("^" + re.escape(label) + "$")).first.click()
        return self.settle(before)

    def click_anywhere(self, label: str) -> str:
        before = self.assistant_count()
        self.page.get_by_role("button", name=label, exact=True).last.click()
        return self.settle(before)

    def attach(self, path: Path) -> str:
        """Attach a file with the message box's paperclip and send it; returns the reply."""
        before = self.assistant_count()
        self.page.set_input_files("#upload-button-input", str(path))
        submit = self.page.locator("#chat-submit")
        deadline = time.monotonic() + 20
        while submit.is_disabled() and time.monotonic() < deadline:  # still uploading
            time.sleep(0.1)
        submit.click()
        return self.settle(before)

    def answer(self, by: str, fast: bool = False) -> tuple[str, str]:
        """Answer the question on screen, by "typing" or by "buttons" (typing only where there are none).
        fast: the next answer goes in as soon as the app has replied and the message box takes it."""
        question = self.last_text()
        buttons = self.last_buttons()
        if by == "buttons" and buttons:
            choice = next(
                (label for words, label in CLICKED if words.lower() in question.lower() and label in buttons),
                "Don't know" if "Don't know" in buttons else buttons[0],
            )
            self.click(choice)
            return "click", choice
        typed = typed_answer(question)
        if typed is None:
            raise AssertionError(f"no typed answer for: {question!r}")
        self.type(typed, quiet=0.0 if fast else 0.3)
        return "type", typed

    def interview(self, by: str, turns: int = 25, fast: bool = False) -> list[tuple[str, str]]:
        """Answer until the verdict card shows; returns what was done at each question."""
        done = []
        for _ in range(turns):
            if self.page.locator(CARD).count():
                return done
            done.append(self.answer(by, fast=fast))
        raise AssertionError(f"no verdict after {turns} answers; last message: {self.last_text()!r}")

    # --- layout ----------------------------------------------------------------------------------------
    def sideways(self) -> list[str]:
        return self.page.evaluate(SIDEWAYS)
