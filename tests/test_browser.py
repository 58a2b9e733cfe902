"""End to end in headless Chromium against `chainlit run app.py`: the interview, the widget, a reload."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from web_fixtures import ROOT, app_server, browser, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

SHOTS = ROOT / "docs" / "screenshots"
ASSISTANT = '[data-step-type="assistant_message"]'
USER = '[data-step-type="user_message"]'

# (words in the question, how to answer, the answer): buttons are clicked, figures are typed.
INTERVIEW = [
    ("Paste what the vendor said", "type", "They'll fine-tune the model on our support tickets for £18,000."),
    ("What will the vendor actually do", "click", "Fine-tune (retrain) the model"),
    ("How much have they quoted", "type", "£18,000"),
    ("What job should the model do", "click", "Sort or label things into set categories"),
    ("handle a month", "type", "about 5,000 a month"),
    ("clean, labelled examples", "type", "about 2,000"),
    ("same in three months", "click", "Yes"),
    ("personal information", "click", "No personal data"),
    ("prompts plus RAG", "click", "Tried: not good enough"),
    ("facts that change", "click", "No"),
    ("decisions about individuals", "click", "No"),
    ("how many clean examples they need", "click", "Yes, they answered clearly"),
    ("if you don't have enough", "click", "Yes, they answered clearly"),
    ("retrained when your processes change", "click", "Yes, they answered clearly"),
]


def open_chat(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#chat-input")
    page.get_by_text("Paste what the vendor said").first.wait_for()


def last_assistant_text(page) -> str:
    return page.locator(ASSISTANT).last.inner_text()


def send(page, text: str) -> None:
    page.fill("#chat-input", text)
    page.keyboard.press("Enter")


def answer_current(page) -> tuple[str, str, object]:
    """Answer whichever question is on screen; returns (how, answer, the question's message)."""
    question_step = page.locator(ASSISTANT).nth(page.locator(ASSISTANT).count() - 1)  # stable: messages stay
    question = question_step.inner_text()
    for words, how, answer in INTERVIEW:
        if words.lower() in question.lower():
            before = page.locator(USER).count()
            if how == "click":
                question_step.get_by_role("button", name=answer, exact=True).click()
            else:
                send(page, answer)
            page.wait_for_function(f"document.querySelectorAll('{USER}').length > {before}")
            return how, answer, question_step
    raise AssertionError(f"no scripted answer for: {question!r}")


def is_question(text: str) -> bool:
    return any(words.lower() in text.lower() for words, _, _ in INTERVIEW)


def wait_for_question(page, more_than: int, timeout: float = 30) -> None:
    """Until a new assistant message that is a scripted question (or the verdict card) is last on screen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator("[data-testid=verdict-card]").count():
            return
        if page.locator(ASSISTANT).count() > more_than and is_question(last_assistant_text(page)):
            return
        time.sleep(0.2)
    raise AssertionError(f"no next question; last message: {last_assistant_text(page)!r}")


def test_interview_by_buttons_and_typing_ends_in_a_verdict_with_a_pdf(page, app_server):
    open_chat(page, app_server)
    clicked = typed = 0
    for _ in range(len(INTERVIEW) + 4):
        if page.locator("[data-testid=verdict-card]").count():
            break
        shown = page.locator(ASSISTANT).count()
        how, answer, question_step = answer_current(page)
        # The chosen answer shows as the owner's own message, and the question's buttons go away.
        assert page.locator(USER).last.inner_text().strip() == answer
        if how == "click":
            clicked += 1
            deadline = time.monotonic() + 10
            gone = question_step.get_by_role("button", name=answer, exact=True)
            while gone.count() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert gone.count() == 0
        else:
            typed += 1
        wait_for_question(page, shown)
    card = page.locator("[data-testid=verdict-card]")
    card.wait_for()
    assert clicked >= 5 and typed >= 3
    assert card.get_attribute("data-verdict") == "fine_tune"
    assert "5,000 a month" in card.inner_text() and "2,000" in card.inner_text()
    assert "Questions to put to the vendor".lower() in card.inner_text().lower()
    # The economics chart is a Plotly element beside the card.
    page.locator(".js-plotly-plot").first.wait_for()

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1700})
    card.evaluate("el => el.scrollIntoView({block: 'start'})")
    card.screenshot(path=str(SHOTS / "verdict-card-fine-tune.png"))

    with page.expect_download() as download_info:
        page.get_by_text("pitchcheck-report.pdf").first.click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    # "Why?" still works after the verdict.
    before = page.locator(ASSISTANT).count()
    send(page, "why?")
    page.wait_for_function(f"document.querySelectorAll('{ASSISTANT}').length > {before}")
    page.get_by_text("the first level that holds decides").first.wait_for()


def test_the_18000_example_declines_in_red(page, app_server):
    page.set_viewport_size({"width": 1280, "height": 1700})  # tall enough for the whole card in one picture
    open_chat(page, app_server)
    page.get_by_role("button", name="Try the £18,000 example").first.click()
    card = page.locator("[data-testid=verdict-card]")
    card.wait_for(timeout=60000)
    assert card.get_attribute("data-verdict") == "decline"
    assert "£18,000" in card.inner_text()
    page.locator(".js-plotly-plot").first.wait_for()
    time.sleep(1)  # let the chart settle before the picture
    card.evaluate("el => el.scrollIntoView({block: 'start'})")
    SHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SHOTS / "verdict-card.png"))


def test_widget_answers_what_is_lora_with_sources(page, app_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_server + "/public/widget-demo.html")
    page.locator("#chainlit-copilot-button").click()
    page.wait_for_selector("#chat-input")
    page.get_by_text("Hi, I'm Pitchcheck").first.wait_for()
    send(page, "what is LoRA?")
    answer = page.locator(ASSISTANT).filter(has_text="Sources:").last
    answer.wait_for()
    text = answer.inner_text()
    assert re.search(r"LoRA|low-rank", text, re.IGNORECASE)
    assert "Sources:" in text
    answer.get_by_text("Sources:", exact=True).scroll_into_view_if_needed()
    time.sleep(0.5)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "widget.png"))


def test_reload_keeps_history_and_answers(page, app_server):
    open_chat(page, app_server)
    send(page, "They'll fine-tune the model on our support tickets for £18,000.")
    page.get_by_role("button", name="Sort or label things into set categories").last.wait_for()
    page.get_by_role("button", name="Sort or label things into set categories").last.click()
    page.get_by_text("About how many of these does the business handle a month?").last.wait_for()
    page.wait_for_url(re.compile(r"/thread/"))
    time.sleep(1.5)  # the state is saved as each turn ends

    page.reload()
    page.wait_for_selector("#chat-input")
    page.get_by_text("Welcome back").first.wait_for()
    # What was typed and clicked is still on screen ...
    assert page.get_by_text("They'll fine-tune the model on our support tickets for £18,000.").count() >= 1
    assert page.locator(USER).filter(has_text="Sort or label things into set categories").count() >= 1
    # ... and the interview carries on from the same question with the same facts.
    page.get_by_text("About how many of these does the business handle a month?").last.wait_for()
    before = page.locator(ASSISTANT).count()
    send(page, "why?")
    page.wait_for_function(f"document.querySelectorAll('{ASSISTANT}').length > {before}")
    page.get_by_text("on what you've told me so far").last.wait_for()
