"""Answer buttons in the web app: a click echoes its label and answers, and the buttons of a question answered are
left to the stylesheet (public/pitchcheck.css hides them once a later message brings its own), with no socket event
per button. What shows in the browser is tested in test_browser.py and test_widget.py."""

from __future__ import annotations

import pytest
from web_fixtures import PITCH, actions, answer_everything, conversation, drive, emitted, messages, say, texts

pytestmark = pytest.mark.usefixtures("quiet", "no_blocking_calls")


def test_choices_are_buttons_and_a_click_echoes_the_label_and_leaves_the_buttons_to_the_stylesheet(app):
    import chainlit as cl

    from web.render import ANSWER_BUTTON

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        task_buttons = actions(ctx, "answer")
        assert {a["payload"]["field"] for a in task_buttons} == {"task"}
        # Answer buttons carry the id prefix public/pitchcheck.css hides once anything follows their message.
        assert all(a["id"].startswith(ANSWER_BUTTON) for a in task_buttons)
        chosen = next(a for a in task_buttons if a["payload"]["value"] == "classification")
        await app.on_answer(cl.Action(name="answer", payload=chosen["payload"], label=chosen["label"]))
        assert not emitted(ctx, "remove_action")  # no event per button to take them away
        user_echo = [m for m in messages(ctx) if m["type"] == "user_message"]
        assert user_echo[-1]["output"] == chosen["label"]
        assert conversation().session.facts["task"] == "classification"
        assert conversation().session.awaiting == "monthly_volume"

    drive(work)


def test_typed_text_is_always_accepted_and_the_next_question_follows_its_echo(app):
    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        await say(app, "we sort tickets into categories")
        assert conversation().session.facts["task"] == "classification"
        assert {a["payload"]["field"] for a in actions(ctx, "answer")} == {"task", "monthly_volume"}
        assert not emitted(ctx, "remove_action")

    drive(work)


def test_a_question_without_buttons_carries_a_hidden_mark_that_hides_every_earlier_questions_buttons(app):
    # The pitch question has no buttons of its own: without the mark, the stylesheet would show the old ones again
    # once the last question's buttons were taken away (each earlier question's are hidden only by a later one's).
    from web.render import ANSWER_MARK

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        await say(app, "we sort tickets into categories")
        await say(app, "restart")  # asked back part-way through, then said again
        await say(app, "restart")
        assert conversation().session.awaiting == "pitch"
        pitch_question = [m for m in messages(ctx) if m["type"] == "assistant_message"][-1]
        marks = [a for a in actions(ctx, ANSWER_MARK) if a["forId"] == pitch_question["id"]]
        assert len(marks) == 1 and marks[0]["id"].startswith(ANSWER_MARK) and marks[0]["label"] == ""
        assert not emitted(ctx, "remove_action")

    drive(work)


def test_a_button_pressed_after_the_verdict_says_the_check_is_finished(app):
    import chainlit as cl

    async def work(ctx):
        await app.on_chat_start()
        await answer_everything(app)
        assert conversation().session.awaiting is None
        await app.on_answer(cl.Action(name="answer", payload={"field": "task", "value": "classification"}, label="x"))
        assert texts(ctx)[-1].startswith("That check is finished")

    drive(work)
