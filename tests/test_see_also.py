"""The "See also" buttons under a concept answer: they ask about the nearest other entries, the question on screen
stays, and an entry the answer already shows side by side is not offered again."""

from __future__ import annotations

import pytest
from web_fixtures import PITCH, actions, conversation, drive, messages, say

pytestmark = pytest.mark.usefixtures("quiet", "no_blocking_calls")


def test_see_also_buttons_ask_about_the_nearest_other_concepts(app):
    import chainlit as cl

    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        awaiting = conversation().session.awaiting
        await say(app, "what does it cost to host a fine-tuned model?")
        also = actions(ctx, "see_also")
        assert 1 <= len(also) <= 2 and all(a["label"].startswith("See also: ") for a in also)
        first = also[0]
        await app.on_see_also(cl.Action(name="see_also", payload=first["payload"], label=first["label"]))
        asked = [m["output"] for m in messages(ctx) if m["type"] == "user_message"][-1]
        assert asked.startswith("What is ") and asked.endswith("?")
        assert conversation().session.awaiting == awaiting  # the question on screen stays

    drive(work)


def test_see_also_leaves_out_an_entry_the_answer_already_shows_side_by_side(app):
    async def work(ctx):
        await app.on_chat_start()
        await say(app, PITCH)
        await say(app, "what's the difference between RAG and fine-tuning?")
        said = [m["output"] for m in messages(ctx) if m["type"] == "assistant_message"]
        assert any("RAG" in m and "Fine-tuning" in m for m in said), said  # the two entries side by side
        shown = {"See also: Fine-tuning", "See also: RAG (answers drawn from your documents)"}
        assert not shown & {a["label"] for a in actions(ctx, "see_also")}

    drive(work)
