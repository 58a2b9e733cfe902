"""End to end in headless Chromium against `chainlit run app.py`: every path an owner takes in the web app.

The widget's paths are in test_widget.py. Screenshots go to a temporary folder; `make screenshots` refreshes the
README's pictures.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from chat_driver import ASSISTANT, BUTTONS, CARD, ERROR_TOAST, PITCH, USER, Chat

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def open_chat(page, url: str) -> Chat:
    page.goto(url)
    page.wait_for_selector("#chat-input")
    page.get_by_text("Paste what the vendor said").first.wait_for()
    return Chat(page)


def side_panel_open(page) -> bool:
    return page.locator("#side-view-content").count() > 0


def thread_names(page) -> list[str]:
    history = page.locator("#thread-history")
    if not history.count():
        page.locator("#sidebar-trigger-button").first.click()
        history.wait_for()
    page.wait_for_timeout(500)
    return [a.inner_text().strip() for a in history.locator("a").all()]


# --- interviews ------------------------------------------------------------------------------------------
def test_a_typed_interview_ends_in_a_verdict_with_reports_and_why(page, app_server, tmp_path):
    chat = open_chat(page, app_server)
    done = chat.interview("typing")
    assert {how for how, _ in done} == {"type"} and len(done) >= 8
    card = page.locator(CARD)
    assert card.get_attribute("data-verdict") == "fine_tune"
    assert "5,000" in card.inner_text() and "2,000" in card.inner_text()  # the owner's own numbers
    assert "questions to put to the vendor" in card.inner_text().lower()
    # The chart shows the gap as a plain ratio, and the message says it in words.
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for()
    assert re.search(r"The quote is about [\d.,]+ (million )?times\s*the compute cost", chart.inner_text())
    assert page.locator(".modebar").count() == 0  # no chart toolbar over the title
    assert re.search(
        r"For scale: the quote \(£18,000\) is about [\d.,]+ (million )?times",
        page.locator(ASSISTANT).filter(has=page.locator(CARD)).inner_text(),
    )
    # Two download tiles, each name whole (Chainlit cuts long names short).
    tiles = page.locator("a.inline-file")
    assert sorted(t.get_attribute("download") for t in tiles.all()) == ["pitchcheck.md", "pitchcheck.pdf"]
    for tile in tiles.all():
        name = tile.locator("span.truncate")
        assert name.evaluate("el => el.scrollWidth <= el.clientWidth"), name.inner_text()
    with page.expect_download() as download:
        tiles.filter(has_text="pitchcheck.pdf").click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    card.screenshot(path=str(tmp_path / "verdict-typed.png"))

    reply = chat.type("why?")
    assert "the first level that holds decides" in reply
    assert not side_panel_open(page)


def test_a_buttons_only_interview_needs_no_typing_after_the_pitch(page, app_server):
    chat = open_chat(page, app_server)
    chat.type("A vendor wants to retrain an AI model for us.")  # the one free-text question
    done = chat.interview("buttons")
    assert done and {how for how, _ in done} == {"click"}
    assert "Don't know" in [label for _, label in done]  # the price, volume and examples questions
    # Each click shows as the owner's message and takes the question's buttons away (hidden by the stylesheet).
    owner = [u.inner_text().strip() for u in page.locator(USER).all()]
    assert [label for _, label in done] == owner[1:]
    for step in page.locator(ASSISTANT).all()[:-1]:
        assert step.locator(f"{BUTTONS}:visible").filter(has_text=re.compile("^(Yes|No|Don't know)$")).count() == 0
    assert not any(chat.answer_buttons_shown())  # the verdict came last: no answer button shows anywhere
    assert page.locator(CARD).get_attribute("data-verdict") in ("clarify", "decline", "prompt_rag_first", "fine_tune")


def test_after_restart_no_earlier_questions_buttons_show_again(page, app_server):
    # Each question's buttons are hidden by a later question's: the pitch question, which has none, carries a hidden
    # mark so that after "restart" the earlier ones stay hidden.
    chat = open_chat(page, app_server)
    chat.type("A vendor wants to retrain an AI model for us.")
    chat.answer("buttons")
    chat.answer("buttons")
    chat.type("restart")
    assert "Start a fresh check?" in chat.last_text()  # part-way through: asked back, nothing cleared yet
    chat.type("restart")
    assert "Paste what the vendor said" in chat.last_text()
    assert not any(chat.answer_buttons_shown())


def test_a_question_mid_interview_is_answered_once_and_the_interview_carries_on(page, app_server):
    chat = open_chat(page, app_server)
    chat.type(PITCH)
    asked = "What job should the model do?"
    assert chat.last_text().startswith("From the pitch I noted")  # what was read, and the next question with it
    assert asked in chat.last_text() and chat.last_buttons()
    reply_count = chat.assistant_count()
    chat.type("what is LoRA?")
    answers = chat.texts()[reply_count:]
    explanation = next(t for t in answers if "Sources" in t)
    assert re.search(r"LoRA|low-rank", explanation)
    assert re.search(r"Sources\s+LoRA \(low-rank adaptation\): the fine-tuning guide", explanation)
    assert not side_panel_open(page)  # the explanation shows once, inline
    # The question comes back with its buttons, and answering it moves on.
    assert chat.last_text().startswith(asked) and chat.last_buttons()
    chat.answer("buttons")
    assert "a month" in chat.last_text()


# --- uploads -----------------------------------------------------------------------------------------------
def bad_files_get_one_line_each(page, chat: Chat, upload_files) -> None:
    for name, reason in (("empty.csv", "empty"), ("binary.csv", "binary"), ("notes.csv", "columns")):
        before = chat.assistant_count()
        chat.attach(upload_files[name])
        new = chat.texts()[before:]
        # One line saying why, then the question still open, asked again so it is in view.
        assert len(new) == 2, new
        line, question = new
        assert line.startswith(f"I couldn't audit {name}:") and reason in line.lower() and "\n" not in line.strip()
        assert "Traceback" not in line
        asked = question.splitlines()[0]
        assert any(asked in earlier for earlier in chat.texts()[:before]), (asked, chat.texts()[:before])
        assert page.locator(ERROR_TOAST).count() == 0
        assert page.locator("#chat-input").is_editable()  # the message box stays usable


def test_uploads_from_the_audit_shortcut_bad_files_get_one_line_and_a_good_file_fills_in_the_examples(
    page, app_server, upload_files
):
    chat = open_chat(page, app_server)
    reply = chat.click_anywhere("Audit my training examples")
    assert "paperclip" in reply
    bad_files_get_one_line_each(page, chat, upload_files)
    chat.attach(upload_files["tickets.csv"])
    assert any("The audit found 50 clean examples" in t for t in chat.texts())
    assert "Data audit of tickets.csv" in "\n".join(chat.texts())
    assert "Paste what the vendor said" in chat.last_text()  # and the interview carries on where it was
    chat.type(PITCH)
    assert "What job should the model do?" in chat.last_text()  # the job first: the next question counts "these"
    chat.answer("buttons")
    assert "a month" in chat.last_text()
    chat.type("about 5,000 a month")
    assert "clean, labelled examples" not in chat.last_text()  # already answered by the audit
    assert "Audit of training examples" in thread_names(page)


def test_uploads_at_the_examples_question_answer_it(page, app_server, upload_files):
    chat = open_chat(page, app_server)
    chat.type(PITCH)
    chat.answer("buttons")  # the task
    chat.type("about 5,000 a month")
    assert "clean, labelled examples" in chat.last_text()
    reply = chat.click("Upload examples for an audit")
    assert "paperclip" in reply
    bad_files_get_one_line_each(page, chat, upload_files)
    reply = chat.attach(upload_files["tickets.jsonl"])
    assert any("The audit found 120 clean examples" in t for t in chat.texts())
    assert "three months" in reply and chat.last_buttons()  # the next question, with its buttons
    assert page.locator("#chat-input").is_editable()


# --- the worked example --------------------------------------------------------------------------------
def test_the_18000_example_declines_in_red_and_names_its_chat(page, app_server):
    chat = open_chat(page, app_server)
    page.get_by_role("button", name="Try the £18,000 example").first.click()
    card = page.locator(CARD)
    card.wait_for(timeout=60000)
    assert card.get_attribute("data-verdict") == "decline"
    assert "£18,000" in card.inner_text()
    assert not side_panel_open(page)
    names = thread_names(page)
    assert "The £18,000 example" in names
    assert not {"example", "audit", "explain_lora"} & set(names)
    assert chat.last_buttons() == []


# --- reloads ---------------------------------------------------------------------------------------------
def reload(page) -> list[str]:
    """Reload the page; returns the assistant's messages once the saved chat and the welcome back are on show."""
    page.reload()
    page.wait_for_selector("#chat-input")
    page.get_by_text("Welcome back").first.wait_for()
    time.sleep(1)
    texts = Chat(page).texts()
    assert sum("Welcome back" in t for t in texts) == 1
    assert not side_panel_open(page)
    return texts


def test_reloads_mid_interview_keep_one_copy_of_everything(page, app_server):
    chat = open_chat(page, app_server)
    chat.type(PITCH)
    question = chat.last_text().splitlines()[0]
    page.wait_for_url(re.compile(r"/thread/"))
    time.sleep(1)
    for _ in range(3):
        texts = reload(page)
        assert sum(t.startswith(question) for t in texts) == 1
        assert page.locator(USER).filter(has_text=PITCH).count() == 1
    # The buttons are back on the one copy of the question, and they work.
    assert chat.last_text().startswith(question) and chat.last_buttons()
    chat.answer("buttons")
    assert "a month" in chat.last_text()


def test_reloads_after_the_verdict_keep_the_card_and_one_welcome(page, app_server):
    open_chat(page, app_server)
    page.get_by_role("button", name="Try the £18,000 example").first.click()
    page.locator(CARD).wait_for(timeout=60000)
    time.sleep(1)
    for _ in range(2):
        reload(page)
        assert page.locator(CARD).count() == 1 and page.locator(CARD).get_attribute("data-verdict") == "decline"


# --- a phone ---------------------------------------------------------------------------------------------
def test_on_a_phone_nothing_scrolls_sideways_and_buttons_look_tappable(browser, app_server, tmp_path):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    try:
        page = context.new_page()
        chat = open_chat(page, app_server)
        chat.type(PITCH)
        button = page.locator(ASSISTANT).last.locator(BUTTONS).first
        box = button.bounding_box()
        border = button.evaluate("el => getComputedStyle(el).borderTopWidth")
        assert box["height"] >= 36 and border != "0px"  # outlined and a finger's height
        assert box["x"] + box["width"] <= PHONE["width"]
        assert chat.sideways() == []
        page.get_by_role("button", name="Try the £18,000 example").first.click()
        chat.click_anywhere("Run the example (replaces my answers)")
        page.locator(CARD).wait_for(timeout=60000)
        page.locator(".js-plotly-plot").first.wait_for()
        time.sleep(1)
        assert chat.sideways() == []  # neither the page nor the chat's own scrolling pane
        for tile in page.locator("a.inline-file").all():
            tile_box = tile.bounding_box()
            assert tile_box["x"] >= 0 and tile_box["x"] + tile_box["width"] <= PHONE["width"]
        title = page.locator(".js-plotly-plot .gtitle").first.bounding_box()
        assert title["x"] + title["width"] <= PHONE["width"]  # the chart's title fits, with no toolbar on it
        assert page.locator(".modebar").count() == 0
        page.locator(CARD).screenshot(path=str(tmp_path / "verdict-phone.png"))
    finally:
        context.close()


@pytest.mark.parametrize(
    "pitch, shown",
    [
        ("They'll fine-tune the model on our support tickets for $25,000.", "$25,000"),
        ("They'll fine-tune the model on our support tickets for €20,000.", "€20,000"),
    ],
)
def test_a_dollar_or_euro_interview_shows_the_economics_in_that_currency(page, app_server, pitch, shown):
    from chat_driver import TYPED, typed_answer

    chat = open_chat(page, app_server)
    typed = [(words, pitch if words == "Paste what the vendor said" else text) for words, text in TYPED]
    for _ in range(25):
        if page.locator(CARD).count():
            break
        answer = typed_answer(chat.last_text(), typed)
        assert answer is not None, chat.last_text()
        chat.type(answer)
    card = page.locator(CARD)
    assert card.count() == 1
    economics = card.locator("[data-testid=verdict-economics]").inner_text()
    assert shown in economics and "£" not in economics.split("compute")[0]
