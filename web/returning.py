"""A visitor coming back: a reload of a saved chat (the thread Chainlit shows again), and a new chat from a visitor
with a check left unfinished, offered back. Part of web.chat.Conversation."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import chainlit as cl
from chainlit.context import context
from chainlit.data import get_data_layer
from chainlit.step import StepDict
from chainlit.types import ThreadDict

from . import render
from .parts import ConversationParts
from .shortcuts import STATE_KEY

log = logging.getLogger(__name__)
STARTED_AGAIN = (
    "You've started a new check in this chat since, so I've left the earlier one as it was: it is still in your chat history."
)


class Returning(ConversationParts):
    async def resume(self, thread: ThreadDict, note: str, restored: bool) -> None:
        """After a reload: the note and the pending question join the saved thread on screen, never the thread.

        Chainlit shows the very thread dict it passed to on_chat_resume once the handler returns (replacing
        what is on screen), so steps added to its list show in order with no delay, and are not stored: a
        second reload does not bring a second copy. Buttons go back on the question when it is the last
        message; otherwise the question is shown again below the note.
        """
        steps = thread.setdefault("steps", [])
        if not restored:
            steps.append(self.unsaved_step(note))
            turn = self.session.start()
            await self.save()
            for reply in turn.replies:
                if reply.kind == "welcome":
                    await self._show_unsaved(steps, reply.text, render.shortcut_actions())
                elif reply.kind == "question":
                    await self._show_question(steps, turn.awaiting, reply.text)
                else:
                    steps.append(self.unsaved_step(reply.text))
            return
        awaiting = self._awaiting()
        messages = [i for i, step in enumerate(steps) if str(step.get("type", "")).endswith("_message")]
        last = steps[messages[-1]] if messages else None
        if (
            awaiting
            and last is not None
            and last.get("type") == "assistant_message"
            and awaiting["question"] in str(last.get("output") or "")  # the question, perhaps after the last echo
        ):
            shown = self.unsaved_step(note)
            shown["parentId"] = last.get("parentId")  # the page nests a reply under the run that sent it
            steps.insert(messages[-1], shown)
            for action in render.choice_actions(awaiting):  # the buttons go back on the question already on screen
                await action.send(for_id=last["id"])
            return
        steps.append(self.unsaved_step(note))
        if awaiting:
            await self._show_question(steps, awaiting, awaiting["question"])

    @staticmethod
    def unsaved_step(text: str, message: cl.Message | None = None) -> StepDict:
        """A message as a step of the thread Chainlit is about to show, without sending or storing it."""
        from chainlit.utils import utc_now

        message = message or cl.Message(content=text)
        message.created_at = message.created_at or utc_now()
        return message.to_dict()

    async def _show_unsaved(self, steps: list[StepDict], text: str, actions: list[cl.Action]) -> cl.Message:
        message = cl.Message(content=text, actions=actions)
        steps.append(self.unsaved_step(text, message))
        for action in actions:
            await action.send(for_id=message.id)
        return message

    async def _show_question(self, steps: list[StepDict], awaiting: Mapping[str, Any] | None, text: str) -> None:
        await self._show_unsaved(steps, render.question_text(text, awaiting), render.choice_actions(awaiting))

    async def offer_carry_on(self) -> None:
        """A new chat from a visitor with a check left unfinished (a phone reload lands on a new chat): offer it back."""
        thread = await self._last_unfinished()
        if thread is None:
            return
        answered = len(thread["state"].get("asked") or [])
        self.carry_offer = await cl.Message(
            content=(
                f"You have a check from earlier with {answered} answer{'s' if answered != 1 else ''} "
                "given. Carry on with it, or start this new one above."
            ),
            actions=render.carry_on_actions(thread["id"]),
        ).send()

    async def _last_unfinished(self) -> dict[str, Any] | None:
        layer, user = get_data_layer(), getattr(context.session, "user", None)
        user_id = getattr(user, "id", None)
        if layer is None or not user_id:
            return None
        try:
            from chainlit.types import Pagination, ThreadFilter

            page = await layer.list_threads(Pagination(first=10), ThreadFilter(userId=user_id))
        except Exception:
            log.debug("could not list the visitor's threads", exc_info=True)
            return None
        for thread in page.data or []:  # newest first: only the latest check with answers is offered
            state = (thread.get("metadata") or {}).get(STATE_KEY) if isinstance(thread.get("metadata"), dict) else None
            if thread.get("id") == context.session.thread_id or not isinstance(state, dict) or not state.get("asked"):
                continue
            if state.get("awaiting") and not state.get("finished"):
                return {"id": thread["id"], "state": state, "name": thread.get("name")}
            return None  # the latest check was finished (its verdict is in the history): an older one is stale
        return None

    async def carry_on(self, payload: dict[str, Any]) -> None:
        """The visitor's own earlier check, taken up here where it stopped."""
        from chains.session import SessionState

        wanted = str((payload or {}).get("thread") or "")
        if wanted and wanted == self.carried_from:  # a second tap on the same offer: already carried on
            return
        if any(name != "pitch" for name, _ in self.session.history):  # a new check has got going here since the offer
            await render.remove_buttons(self.carry_offer)
            self.carry_offer = None
            await cl.Message(content=STARTED_AGAIN).send()
            return
        thread = await self._last_unfinished()
        if thread is None or thread["id"] != wanted:  # only the visitor's own, latest unfinished check
            await cl.Message(content="That earlier check is no longer there to carry on; let's go on with this one.").send()
            return
        await render.remove_buttons(self.carry_offer)  # one carry-on; a second tap finds no button
        self.carry_offer, self.carried_from = None, wanted
        self.session.state = SessionState.from_dict(thread["state"])
        from .persistence import resume_note

        note, _restored = resume_note(thread["state"])
        await cl.Message(content=note.replace("Welcome back. ", "Carrying on. ")).send()
        await self.save()
        await self.reask()
        await self._name_after(thread.get("name"))

    async def _name_after(self, earlier: str | None) -> None:
        """The carried-on chat is named after the check it carries on, not after the button."""
        layer = get_data_layer()
        if layer is None or not earlier or not context.session.thread_id:
            return
        try:
            from .history_layer import thread_title

            await layer.update_thread(context.session.thread_id, name=thread_title(earlier, " (carried on)"))
        except Exception:
            log.debug("could not name the carried-on chat", exc_info=True)
