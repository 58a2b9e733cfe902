"""What the parts of a browser conversation (web.files, web.returning) use of web.chat.Conversation, for the type
checker: the mixins declare it once here; Conversation provides it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import chainlit as cl

    from chains.session import Session, Turn
    from chains.settings import Settings


class ConversationParts:
    if TYPE_CHECKING:  # provided by web.chat.Conversation
        settings: Settings
        session: Session
        carry_offer: cl.Message | None
        carried_from: str | None

        async def render(self, turn: Turn) -> None: ...
        async def save(self) -> None: ...
        async def reask(self) -> None: ...
        def _awaiting(self) -> Mapping[str, Any] | None: ...
