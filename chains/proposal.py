"""A vendor's proposal as a file: PDF, Word (.docx), a saved web page (.html) or plain text, read to plain text.

pypdf reads a PDF's text layer, python-docx a Word document's paragraphs and tables, and inscriptis renders HTML
as the text a reader sees (scripts, styles and markup gone, lists and table cells on their own lines). A scanned
PDF has no text layer; it is refused with a line saying so, since reading images would need OCR.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from chains.settings import Settings, get_settings

log = logging.getLogger(__name__)

SUFFIXES: tuple[str, ...] = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")
MAX_CHARS = 60_000  # the pitch reader reads no further
MAX_PDF_PAGES = 60


class ProposalError(Exception):
    """A proposal that cannot be read, with a one-line message for the owner."""


def read_proposal(path: str | Path, settings: Settings | None = None, name: str | None = None) -> str:
    """The text of a proposal file; raises ProposalError with a one-line reason when it cannot be read.

    `name` is the owner's name for the file when it is stored under another (an upload): its extension says the type.
    """
    s = settings or get_settings()
    p = Path(path)
    suffix = Path(name).suffix.lower() if name else p.suffix.lower()
    shown = name or p.name
    if suffix not in SUFFIXES:
        raise ProposalError(
            f"{shown}: Pitchcheck reads proposals as PDF, DOCX, HTML or TXT, not {suffix or 'a file with no extension'}."
        )
    if not p.is_file():
        raise ProposalError(f"{shown}: no such file.")
    size = p.stat().st_size
    if size == 0:
        raise ProposalError(f"{shown} is empty.")
    if size > s.max_proposal_mb * 1024 * 1024:
        raise ProposalError(f"{shown} is {size / 1024 / 1024:.1f} MB; the limit for a proposal is {s.max_proposal_mb} MB.")
    reader = {".pdf": _pdf, ".docx": _docx, ".html": _html, ".htm": _html, ".txt": _txt, ".md": _txt}[suffix]
    try:
        text = reader(p)
    except ProposalError:
        raise
    except Exception as exc:  # a damaged file makes each library fail its own way; the owner needs one line
        log.debug("could not read %s", p, exc_info=True)
        kind = {".pdf": "PDF", ".docx": "Word document", ".txt": "text file", ".md": "text file"}.get(suffix, "web page")
        raise ProposalError(
            f"{shown} could not be read as a {kind} ({exc.__class__.__name__}). Is it damaged, or saved "
            "in another format under this name?"
        ) from None
    text = _tidy(text)
    if not text:
        raise ProposalError(f"{shown} has no text in it to read.")
    return text[:MAX_CHARS]


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r"\n\s*\n\s*\n+", "\n\n", text).strip()


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ProposalError(f"{path.name} is password-protected; save an unprotected copy and try again.")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except FileNotDecryptedError:
        raise ProposalError(f"{path.name} is password-protected; save an unprotected copy and try again.") from None
    except PdfReadError as exc:
        raise ProposalError(f"{path.name} is not a readable PDF ({exc}).") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise ProposalError(
            f"{path.name} looks like a scan: it has no text layer to read. Paste the text into the chat, "
            "or ask the vendor for a PDF saved from their word processor."
        )
    return text


def _docx(path: Path) -> str:
    import zipfile

    from docx import Document

    if not zipfile.is_zipfile(path):
        raise ProposalError(f"{path.name} is not a Word .docx file (an older .doc? Save it as .docx or PDF).")
    doc = Document(str(path))
    lines = [para.text for para in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            lines.append(" | ".join(dict.fromkeys(c for c in cells if c)))  # merged cells repeat their text
    return "\n".join(lines)


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProposalError(f"{path.name} looks like a binary file, not text.")
    for encoding in ("utf-8-sig", "utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _html(path: Path) -> str:
    from inscriptis import get_text

    return get_text(_decode(path))


def _txt(path: Path) -> str:
    return _decode(path)
