"""The Copilot widget on its demo host page, in headless Chromium: fast typing, uploads and scrolling."""

from __future__ import annotations

import re
import time

import pytest
from chat_driver import ASSISTANT, CARD, ERROR_TOAST, Chat

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

# Whether an element (the last one matching) shows in the widget's scrolling pane, at least in part.
IN_VIEW = """([selector]) => {
  const host = document.querySelector('#chainlit-copilot');
  const root = host && host.shadowRoot;
  const all = root ? root.querySelectorAll(selector) : [];
  const target = all[all.length - 1];
  if (!target) return false;
  let pane = target.parentElement;
  while (pane && !(pane.scrollHeight > pane.clientHeight + 1 && ['auto', 'scroll'].includes(getComputedStyle(pane).overflowY)))
    pane = pane.parentElement;
  if (!pane) return true;  // nothing scrolls: everything is in view
  const box = target.getBoundingClientRect(), view = pane.getBoundingClientRect();
  return box.bottom > view.top + 20 && box.top < view.bottom - 20;  // at least partly on show
}"""


CHART_TITLE = """() => {
  const root = document.querySelector('#chainlit-copilot').shadowRoot;
  const plot = [...root.querySelectorAll('.js-plotly-plot')].pop(), title = plot.querySelector('.gtitle');
  const p = plot.getBoundingClientRect(), t = title.getBoundingClientRect();
  return [[t.top, t.bottom], [p.top, p.bottom]];
}"""


def comes_into_view(page, selector: str, timeout: float = 3.0) -> bool:
    """The pane scrolls smoothly: give it a moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(IN_VIEW, [selector]):
            return True
        time.sleep(0.1)
    return False


class Watched:
    """A page on the demo host with its errors collected: page errors, console errors and error toasts."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        self.context.route(
            lambda u: not u.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")), lambda route: route.abort()
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(30000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        self.page.goto(url + "/public/widget-demo.html")
        self.page.locator("#chainlit-copilot-button").click()
        self.page.wait_for_selector("#chat-input")
        self.page.get_by_text("Hi, I'm Pitchcheck").first.wait_for()
        self.page.get_by_text("Paste what the vendor said").first.wait_for()  # the first question
        self.chat = Chat(self.page)

    def react_errors(self) -> list[str]:
        return [e for e in self.errors if "Minified React error" in e or e.startswith("page error")]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def widget(browser, app_server):
    opened: list[Watched] = []

    def open_widget() -> Watched:
        opened.append(Watched(browser, app_server))
        return opened[-1]

    yield open_widget
    for w in opened:
        w.close()


def test_the_widget_typed_at_full_speed_three_times_never_crashes_and_scrolls_to_each_reply(widget, app_server):
    for run in range(3):
        w = widget()
        answered = 0
        while not w.page.locator(CARD).count():
            assert answered < 25, f"run {run}: no verdict; last message {w.chat.last_text()!r}"
            w.chat.answer("typing", fast=True)  # the next answer goes in as soon as the box takes it
            answered += 1
            if run == 0 and not w.page.locator(CARD).count():  # each new question scrolls into view
                assert comes_into_view(w.page, ASSISTANT), f"question {answered} is out of view"
        assert answered >= 8
        assert comes_into_view(w.page, CARD), f"run {run}: the verdict did not scroll into view"
        if run == 0:  # the chart's headline sits on the chart, as on the page (Plotly's own CSS stays outside)
            title, chart = w.page.evaluate(CHART_TITLE)
            assert chart[0] <= title[0] and title[1] <= chart[1], (title, chart)
            # The report tiles link to the Pitchcheck server itself (the widget sits on another site's page), and
            # the PDF is laid out when it is fetched.
            pdf = w.page.locator("a.inline-file").filter(has_text="pitchcheck.pdf").last.get_attribute("href")
            assert pdf.startswith(app_server + "/pitchcheck/report/"), pdf
            got = w.page.request.get(pdf)
            assert got.status == 200 and got.body()[:5] == b"%PDF-"
        assert w.react_errors() == [], f"run {run}: {w.react_errors()}"
        assert w.page.locator(ERROR_TOAST).count() == 0
        assert not [e for e in w.errors if "401" in e or "Unauthorized" in e], w.errors  # signed in before it asks
        if run == 0:
            reply = w.chat.type("what is LoRA?")
            assert re.search(r"LoRA|low-rank", reply) and "Sources" in reply
            assert comes_into_view(w.page, ASSISTANT)
        w.close()


def test_in_the_widget_only_the_question_on_screen_shows_its_buttons(widget):
    w = widget()
    w.chat.type("They want £18,000 to fine-tune a model on our support tickets.")
    for _ in range(3):
        shown = w.chat.answer_buttons_shown()
        assert shown[-1] > 0 and not any(shown[:-1]), shown  # the last question's buttons, no older ones
        w.chat.answer("buttons")
    w.chat.type("about 300 a month")  # a typed answer hides the buttons it answered just the same
    shown = w.chat.answer_buttons_shown()
    assert not any(shown[:-1]), shown
    # A notice in between (here the refusal of an oversized message) leaves the question's buttons where they are.
    reply = w.chat.type("far too long " * 1200)
    assert "longer than I can take" in reply
    shown = w.chat.answer_buttons_shown()
    assert shown[-1] == 0 and sum(shown) > 0, shown


def test_the_widget_takes_an_upload_and_fills_in_the_examples(widget, upload_files, tmp_path):
    w = widget()
    reply = w.chat.click_anywhere("Audit my training examples")
    assert "paperclip" in reply
    before = w.chat.assistant_count()
    w.chat.attach(upload_files["notes.csv"])
    assert w.chat.texts()[before].startswith("I couldn't audit notes.csv:")
    assert w.page.locator("#chat-input").is_editable()
    w.chat.attach(upload_files["tickets.csv"])
    assert any("The audit found 50 clean examples" in t for t in w.chat.texts())
    assert w.react_errors() == [] and w.page.locator(ERROR_TOAST).count() == 0
    w.page.screenshot(path=str(tmp_path / "widget-upload.png"))
