"""Files a visitor attaches: training examples for the audit, or a vendor's proposal read as the pitch. Part of
web.chat.Conversation."""

from __future__ import annotations

import asyncio
import logging
import os

import chainlit as cl

from . import audit_view, render, uploads
from .parts import ConversationParts

log = logging.getLogger(__name__)


class Files(ConversationParts):
    async def explain_upload(self) -> None:
        """How to hand over a file. Nothing waits for it: the message box stays free and the question stays open."""
        await cl.Message(
            content=(
                "Attach your training examples to a message: click the **paperclip** in the message box (or drop the "
                "file onto the chat), then press send. **CSV**, **JSONL** or **Excel (.xlsx)**, one example per row "
                f"(an input and the output you'd want), up to {self.settings.max_upload_mb} MB. I'll count the clean "
                "ones, flag duplicates and personal data, and estimate the training cost."
            )
        ).send()

    async def proposal_upload(self, upload) -> None:
        """A vendor's proposal (PDF, Word, web page or text) read as the pitch at the first question."""
        from chains.proposal import ProposalError, read_proposal

        name = uploads.display_name(getattr(upload, "name", None))
        if self.session.awaiting != "pitch":
            await cl.Message(
                content=(
                    f"**{name}** looks like a proposal. I read a proposal as the pitch at the first "
                    'question: say "restart" and attach it there.'
                )
            ).send()
            await self.reask()  # the question on screen again, with its buttons, below
            return
        try:
            text = await asyncio.to_thread(read_proposal, upload.path, self.settings, name)
        except ProposalError as exc:
            reason = render.safe_line(str(exc), "it isn't a file I can read.")
            await cl.Message(content=f"I couldn't read **{name}**: {reason} You can paste the text instead.").send()
            return
        turn = await asyncio.to_thread(self.session.take_document, text)
        if self.session.facts.get("pitch"):  # a file of nonsense is said to be so (in the turn), not read as the pitch
            await cl.Message(content=f"I've read **{name}** ({len(text.split()):,} words) as the vendor's pitch.").send()
        await self.render(turn)

    async def audit_upload(self, upload) -> None:
        """Audit an attached file; a good one fills in the examples answer, a bad one gets one line."""
        from chains.audit_worker import AuditError, run_audit

        name = uploads.display_name(getattr(upload, "name", None))
        size = os.path.getsize(upload.path) if os.path.exists(upload.path) else 0
        if size > self.settings.max_upload_mb * 1024 * 1024:
            await cl.Message(
                content=(
                    f"**{name}** is over the {self.settings.max_upload_mb} MB limit: send a smaller "
                    "file, or a sample of the examples."
                )
            ).send()
            return
        progress = cl.Message(content=f"Auditing **{name}**...")
        await progress.send()
        shown = [""]

        async def tell(step: str, fraction: float) -> None:  # the worker reports a few times a second
            line = f"Auditing **{name}**: {render.safe_line(step, 'working')} ({fraction:.0%})"
            if line != shown[0]:
                shown[0] = progress.content = line
                await progress.update()

        try:
            # A worker process with time and memory limits; the name tells it the file's type.
            result = await run_audit(upload.path, self.settings, name=name, progress=tell)
        except AuditError as exc:
            reason = render.safe_line(str(exc), "it isn't in a format I can read.")
            progress.content = (
                f"I couldn't audit **{name}**: {reason} Attach a CSV, JSONL or Excel file with one "
                "example per row, or carry on without it."
            )
            await progress.update()
            await self.reask()  # the question on screen again, with its buttons, below the reason
            return
        progress.content = audit_view.audit_markdown(result)
        await progress.update()
        charts = [render.chart(chart_name, fig) for chart_name, fig in audit_view.audit_figures(result)]
        if charts:
            await cl.Message(content="What the examples look like:", elements=charts).send()
        turn = self.session.apply_audit(result)
        await self.render(turn)
