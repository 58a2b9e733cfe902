"""Uploads of training examples: what Chainlit's upload route takes, and each file handed to the audit by its name.

An owner attaches the file to a message (the paperclip in the message box, or a drop onto the chat). That is
Chainlit's "spontaneous" upload, checked against `config.features.spontaneous_file_upload`. `cl.AskFileMessage`
is not used: in Chainlit 2.12 the browser names the asking message's *parent* when it uploads, a message sent
from a button or a message handler has none, so the upload is checked against that same setting anyway, and
while the question waits the message box is locked.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

# MIME types browsers give the audit's three formats (a .jsonl often has none, so it arrives as octet-stream;
# Excel on Windows labels a .csv as a spreadsheet). Each type is only taken with the extensions listed.
AUDIT_ACCEPT: dict[str, list[str]] = {
    "text/csv": [".csv"],
    "text/plain": [".csv", ".jsonl"],
    "application/json": [".jsonl"],
    "application/jsonl": [".jsonl"],
    "application/x-ndjson": [".jsonl"],
    "application/x-jsonlines": [".jsonl"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
    "application/vnd.ms-excel": [".csv"],
    "application/octet-stream": [".csv", ".jsonl", ".xlsx"],
}


def allow_audit_uploads(max_size_mb: int) -> None:
    """Chainlit's upload route and the browser's file picker take one CSV, JSONL or XLSX file up to the limit."""
    from chainlit.config import SpontaneousFileUploadFeature, config

    accept = {mime: list(exts) for mime, exts in AUDIT_ACCEPT.items()}
    for mime, exts in PROPOSAL_ACCEPT.items():
        accept[mime] = accept.get(mime, []) + exts
    accept["text/plain"] = accept["text/plain"] + [".txt", ".md"]
    accept["application/octet-stream"] = accept["application/octet-stream"] + [".pdf", ".docx", ".html", ".txt", ".md"]
    config.features.spontaneous_file_upload = SpontaneousFileUploadFeature(
        enabled=True, accept=accept, max_files=1, max_size_mb=max(1, int(max_size_mb))
    )


def keep_empty_files() -> None:
    """Let an empty file through Chainlit's upload route, so the audit can say it is empty.

    Chainlit 2.12's `persist_file` takes empty content for missing content and raises, and the browser shows
    only "Upload failed". An empty upload is stored from an empty file instead, through Chainlit's own code.
    """
    from chainlit.session import WebsocketSession

    original = WebsocketSession.persist_file
    if getattr(original, "_pitchcheck_keeps_empty", False):
        return

    async def persist_file(self, name: str, mime: str, path: str | None = None, content: Any = None):
        if path is None and content is not None and len(content) == 0:
            handle, empty = tempfile.mkstemp(prefix="pitchcheck-empty-")
            os.close(handle)
            try:
                return await original(self, name=name, mime=mime, path=empty)
            finally:
                os.unlink(empty)
        return await original(self, name=name, mime=mime, path=path, content=content)

    persist_file._pitchcheck_keeps_empty = True  # type: ignore[attr-defined]
    WebsocketSession.persist_file = persist_file  # type: ignore[method-assign]


PROPOSAL_ACCEPT: dict[str, list[str]] = {
    "application/pdf": [".pdf"],
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [".docx"],
    "text/html": [".html", ".htm"],
    "text/markdown": [".md"],
}
PROPOSAL_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")


def is_proposal(name: str | None) -> bool:
    """A vendor's proposal (read as the pitch) rather than training examples (audited), by the file's own name."""
    return str(name or "").lower().endswith(PROPOSAL_SUFFIXES)


def attached_files(elements: list[Any] | None) -> list[Any]:
    """The files attached to a message (Chainlit elements with a path on this server)."""
    return [e for e in elements or [] if getattr(e, "path", None)]


def display_name(name: str | None) -> str:
    """The owner's name for the file (it tells the audit the type), without folders or Markdown-breaking characters.

    Chainlit stores an upload as `<uuid>.<extension guessed from the MIME type>`: a .jsonl sent as
    octet-stream becomes `.bin`, so the stored name says nothing about the file."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = re.sub(r"[\x00-\x1f|*`<>\[\]]", "", base).strip(" .")
    return base[:120] or "upload"
