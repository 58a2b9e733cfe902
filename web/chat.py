"""One browser chat: the engine's Session, what is on screen, and the per-session limits.

app.py's handlers only find the Conversation in the user session and call one method; every method
here turns the engine's Turn objects into Chainlit messages and keeps the Session's state saved.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import chainlit as cl
from chainlit.context import context
from chainlit.data import get_data_layer
from chainlit.user import PersistedUser

from chains.intents import looks_like_question
from chains.readers import read_answer
from chains.settings import Settings

from . import knowledge, render, reports, uploads
from .files import Files
from .limits import InFlight, RateLimiter, notify, slow_down_text
from .returning import STATE_KEY, Returning

log = logging.getLogger(__name__)

CONVERSATION_KEY = "pitchcheck_conversation"

BUSY = "I'm still working on your last message. One moment, then send that again."
MOVED_ON = "That question has moved on, so I've left that button alone. Here's where we are:"
FINISHED = 'That check is finished, so I\'ve left that button alone. Say "restart" to check another pitch.'

EXAMPLE_PAUSE = 0.6  # seconds between scripted answers, so the owner can watch them go in
IN_FLIGHT_WAIT = 5.0  # seconds a message waits for the one before it before being turned away


# Replies sent as one message with the question that follows them.
JOINED_KINDS = ("echo", "notice", "error")


class Conversation(Returning, Files):
    def __init__(self, settings: Settings, compact: bool = False, state: dict[str, Any] | None = None):
        from chains.llm import field_reader
        from chains.session import WELCOME_SHORT, Session, SessionState

        self.settings = settings
        self.compact = compact
        self.copilot = compact  # the widget is the one place the short welcome is used
        self.session = Session(
            settings,
            explain=knowledge.offline_explain(settings),
            titles=knowledge.titles(settings),
            embed=knowledge.reading_embed(settings),
            read_field=field_reader(settings),
            welcome=WELCOME_SHORT if compact else None,
            state=SessionState.from_dict(state) if state else None,
        )
        self.limiter = RateLimiter(settings.rate_limit_per_minute, 60.0)
        self.inflight = InFlight()
        self.confirm: cl.Message | None = None  # "replace my answers with the example?"
        self.carry_offer: cl.Message | None = None  # "carry on with your check from earlier?"
        self.carried_from: str | None = None  # the earlier check taken up here
        self._save_lock = asyncio.Lock()

    # --- the user session ------------------------------------------------------------------------------
    @classmethod
    def current(cls) -> Conversation | None:
        return cl.user_session.get(CONVERSATION_KEY)

    def attach(self) -> Conversation:
        cl.user_session.set(CONVERSATION_KEY, self)
        cl.user_session.set(STATE_KEY, self.session.to_dict())
        return self

    async def save(self) -> None:
        """Keep the Session's state in the user session and, once the thread exists, in its metadata.

        Awaited before the turn's reply is sent, so an answer the owner has seen acknowledged is already in the
        database if the server dies the next moment. Writes are serialised and each stores the latest state.
        """
        cl.user_session.set(STATE_KEY, self.session.to_dict())
        layer = get_data_layer()
        if not (layer and context.session.has_first_interaction):
            return
        user = context.session.user
        user_id = user.id if isinstance(user, PersistedUser) else None  # the thread may not have its owner yet
        try:
            async with self._save_lock:
                state, thread_id = self.session.to_dict(), context.session.thread_id
                save_key = getattr(layer, "save_metadata_key", None)  # one statement (web.history_layer)
                if save_key is not None:
                    await save_key(thread_id, STATE_KEY, state, user_id=user_id)
                else:
                    await layer.update_thread(thread_id=thread_id, user_id=user_id, metadata={STATE_KEY: state})
        except Exception:
            log.exception("could not save the session state to the thread")

    # --- limits ----------------------------------------------------------------------------------------------
    async def admit(self) -> bool:
        """Rate limit and one-in-flight, with a friendly reply when refused."""
        if not self.limiter.allow():
            await notify(slow_down_text(self.settings.rate_limit_per_minute, self.limiter.retry_after()))
            return False
        # A click that lands while the last answer is still being shown waits its turn briefly.
        for _ in range(int(IN_FLIGHT_WAIT / 0.05)):
            if self.inflight.try_enter():
                return True
            await asyncio.sleep(0.05)
        if not self.inflight.try_enter():
            await cl.Message(content=BUSY).send()
            return False
        return True

    # --- turns ---------------------------------------------------------------------------------------------
    async def start(self) -> None:
        await self.render(self.session.start())
        await self.offer_carry_on()

    async def close_confirm(self) -> None:
        await render.remove_buttons(self.confirm)
        self.confirm = None

    async def handle_message(self, text: str, elements: list[Any] | None = None) -> None:
        """A message from the message box: its text (if any) as a turn, then an attached file for the audit."""
        files = uploads.attached_files(elements)
        proposal = files and uploads.is_proposal(getattr(files[0], "name", None))
        # A note sent with a file ("here are ours") is not the answer: the file answers the question on screen, and
        # at another question the note is read only if it answers that question or asks something ("heres another"
        # beside a spreadsheet is no answer to what the vendor will do).
        note_only = files and (self.session.awaiting == "pitch" if proposal else self.session.awaiting == "clean_examples")
        if files and not note_only and (text or "").strip():
            note_only = not (looks_like_question(text) or self._answers(text))
        if ((text or "").strip() or not files) and not note_only:
            await self.handle_text(text)
        if files and proposal:
            await self.proposal_upload(files[0])
        elif files:
            await self.audit_upload(files[0])

    def _answers(self, text: str) -> bool:
        awaiting = self.session.awaiting
        return awaiting is not None and read_answer(awaiting, text, self.session.context()).status == "ok"

    async def handle_text(self, text: str) -> None:
        too_long = self.settings.message_too_long(text or "")
        if too_long:
            await cl.Message(content=too_long).send()
            return
        starter = render.STARTER_MESSAGES.get((text or "").strip())
        if starter == render.PITCH_ACTION:
            await self.prompt_pitch()
            return
        if starter == render.EXAMPLE_ACTION:
            await self.example()
            return
        if starter == render.AUDIT_ACTION or render.asks_for_audit(text):
            await self.explain_upload()
            return
        turn = await asyncio.to_thread(self.session.handle, text)
        await self.render(turn)

    async def choose(self, payload: dict[str, Any]) -> None:
        """A choice button: the label shows as the owner's message, the value goes to the Session."""
        field, value = payload.get("field"), payload.get("value")
        if not field or value is None or field != self.session.awaiting:
            finished = self.session.awaiting is None
            await cl.Message(content=FINISHED if finished else MOVED_ON).send()
            await self.reask()
            return
        await self.echo(str(payload.get("label") or value))
        turn = await asyncio.to_thread(self.session.choose, str(value))
        await self.render(turn)

    async def see_also(self, payload: dict[str, Any]) -> None:
        """A "See also" button: the owner asks about that concept, and the question on screen stays."""
        question = render.see_also_question(payload)
        if question is None:
            return
        await self.echo(question)
        await self.handle_text(question)

    async def echo(self, text: str, author: str = "You") -> None:
        await cl.Message(content=text, type="user_message", author=author).send()

    async def reask(self) -> None:
        if self.session.awaiting is None:
            return
        awaiting = self.session.current_awaiting()
        assert awaiting is not None
        # Earlier buttons are hidden by the stylesheet once this question's own (or its hidden mark) arrive.
        await cl.Message(
            content=render.question_text(awaiting["question"], awaiting), actions=render.choice_actions(awaiting)
        ).send()

    async def prompt_pitch(self) -> None:
        if self.session.awaiting == "pitch":
            await cl.Message(
                content=(
                    "Paste what the vendor said or sent you, or describe the offer in your own words: who will do "
                    "what to the model, for how much."
                )
            ).send()
        else:
            await cl.Message(
                content=('We\'re part-way through a check. Carry on below, or say "restart" to check a different pitch.')
            ).send()
            await self.reask()

    # --- rendering ---------------------------------------------------------------------------------------
    async def render(self, turn) -> None:
        await self.save()  # the turn's state is stored before its reply is shown
        replies = list(turn.replies)
        question_index = None
        if turn.awaiting:
            for i, reply in enumerate(replies):
                if reply.kind == "question":
                    question_index = i
        # The echo of an answer (and any notice) goes out with the question after it, as one message.
        lead: list[str] = []
        first = question_index
        while first is not None and first > 0 and replies[first - 1].kind in JOINED_KINDS:
            first -= 1
            lead.insert(0, replies[first].text)
        for i, reply in enumerate(replies):
            if first is not None and question_index is not None and first <= i < question_index:
                continue
            if reply.kind == "verdict" and turn.verdict:
                await self.send_verdict(turn.verdict, reply)
            elif reply.kind == "explanation":
                await self.send_explanation(reply)
            elif i == question_index:
                text = "\n\n".join([*lead, render.question_text(reply.text, turn.awaiting)])
                await cl.Message(content=text, actions=render.choice_actions(turn.awaiting)).send()
            elif reply.kind == "welcome":  # a new chat's, or after "restart": the shortcuts with it either way
                await cl.Message(content=reply.text, actions=render.shortcut_actions()).send()
            else:
                await cl.Message(content=reply.text).send()

    def sources(self, sources: list[dict[str, Any]]) -> str:
        return render.sources_markdown(sources, lambda cid: knowledge.concept_provenance(self.settings, cid))

    async def send_explanation(self, reply) -> None:
        named = self.sources([s for s in reply.sources if s.get("drawn")] or reply.sources[:1])  # the entries it draws on
        also = render.see_also_actions(reply.sources)
        explainer = knowledge.explainer(self.settings)
        if not (self.settings.llm_enabled and reply.question and explainer is not None):
            await cl.Message(content=reply.text + named, actions=also).send()
            return
        msg = cl.Message(content="", actions=also)
        answer = None
        try:
            async for kind, value in explainer.astream(reply.question):
                if kind == "token":
                    await msg.stream_token(value)
                elif kind == "answer":
                    answer = value
        except Exception:
            log.exception("streaming the explanation failed; showing the glossary answer")
        if answer is not None and answer.sources:
            drawn = [s for s in answer.sources if s.sections] or answer.sources[:1]
            named = self.sources([{"id": s.id, "title": s.title} for s in drawn])
        text = answer.text if answer is not None else reply.text  # a failed stream is replaced, not left half-done
        msg.content = text + named
        await msg.send()

    async def send_verdict(self, verdict: dict[str, Any], reply) -> None:
        """The verdict with its card, its chart and the two report downloads (laid out in the report worker)."""
        elements: list[Any] = [cl.CustomElement(name=render.VERDICT_CARD, props=render.card_props(verdict), display="inline")]
        figure = render.economics_figure(verdict)
        if figure is not None:
            elements.append(render.chart("The economics", figure))
        # The concepts behind the verdict are named, not attached (see render.sources_markdown); "what is ...?"
        # explains any of them.
        titles = [s.get("title") or s.get("id") for s in reply.sources]
        ratio = render.ratio_sentence(verdict)
        # Short, so the card shows at once and the message is not folded away: the card carries the headline and the
        # reasons. The ratio is said as scale, not as a reason (beside "worth pursuing" it read as one); the widget,
        # with the least room, leaves it to the chart.
        scale = f" For scale: {ratio[0].lower()}{ratio[1:]}" if ratio and not self.compact else ""
        text = (
            render.verdict_label_line(verdict)
            + scale
            + " The card has the reasons and the questions to put to the vendor; the report to download, as PDF or"
            + " Markdown, is attached to this message."
            + (("\n\n**Terms used:** " + ", ".join(titles) + '. Ask "what is ...?" about any of them.') if titles else "")
        )
        thread_id = context.session.thread_id
        token = reports.link(thread_id, verdict, knowledge.glossary_summaries(self.settings))  # laid out when downloaded
        for name, mime in render.REPORT_FILES:
            url = reports.report_url(_public_base(), thread_id, token, name)
            elements.append(cl.File(name=name, url=url, mime=mime, display="inline"))
        # All in one message: pieces added after it arrives scroll the card out of a small widget's view.
        await cl.Message(content=text, elements=elements).send()

    # --- the worked example ---------------------------------------------------------------------------------
    async def example(self, confirmed: bool = False) -> None:
        if self.session.asked and not confirmed:
            await self.close_confirm()
            self.confirm = cl.Message(
                content=("The example starts a fresh check, which replaces the answers you've given so far. Run it?"),
                actions=[
                    cl.Action(
                        name=render.CONFIRM_EXAMPLE_ACTION, payload={"run": True}, label="Run the example (replaces my answers)"
                    ),
                    cl.Action(name=render.CONFIRM_EXAMPLE_ACTION, payload={"run": False}, label="Keep my answers"),
                ],
            )
            await self.confirm.send()
            return
        from chains.example import INTRO, ScriptGap, play

        await cl.Message(content=INTRO).send()
        script = play(self.session)  # restarts the session, then answers each question as the firm would
        while True:
            await asyncio.sleep(EXAMPLE_PAUSE)
            try:
                step = await asyncio.to_thread(next, script, None)
            except ScriptGap:
                log.exception("the worked example stopped short")
                await cl.Message(content="The example stops here; carry on with your own answers.").send()
                await self.reask()
                break
            if step is None:
                break
            field, answer, turn = step
            await self.echo(self._label(field, answer), author="Example")
            await self.render_quietly(turn, show_question=turn.awaiting is None)
        await self.save()

    def _awaiting(self) -> dict[str, Any] | None:
        return self.session.current_awaiting()  # type: ignore[return-value]

    @staticmethod
    def _label(field: str, answer: str) -> str:
        """What a button for this answer reads (the answer itself when the question has no buttons)."""
        from chains.session import awaiting_object

        labels = {c["value"]: c["label"] for c in awaiting_object(field).get("choices") or []}
        return labels.get(answer, answer)

    async def render_quietly(self, turn, show_question: bool) -> None:
        """A scripted step: echoes and the verdict show; the next question only when the script stops."""
        if show_question or turn.verdict:
            await self.render(turn)
            return
        for reply in turn.replies:
            if reply.kind in ("echo", "notice", "error"):
                await cl.Message(content=reply.text).send()
            elif reply.kind == "question":
                await cl.Message(content=render.question_text(reply.text, turn.awaiting)).send()
        await self.save()


def _public_base() -> str:
    """Where this server is, for links that must work inside the widget on another site (the page's own links are
    relative). Behind a proxy, its X-Forwarded-Proto says whether the visitor came by HTTPS."""
    if getattr(context.session, "client_type", None) != "copilot":
        return ""
    environ = getattr(context.session, "environ", None) or {}
    host = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST")
    if not host:
        return ""
    forwarded = (environ.get("HTTP_X_FORWARDED_PROTO") or "").split(",")[0].strip().lower()
    scheme = forwarded if forwarded in ("http", "https") else str(environ.get("wsgi.url_scheme") or "http")
    scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    return f"{scheme}://{host}"
