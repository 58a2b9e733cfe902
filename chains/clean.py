"""Cleaning of text going in (owner messages) and coming out (LLM answers shown as Markdown)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

__all__ = ["StreamCleaner", "clean_input", "clean_output", "host_allowed"]

# Invisible characters that can hide or reorder text: C0/C1 controls (newline and tab are kept),
# zero-width characters, bidi embeddings/overrides/isolates (plus the Arabic letter mark) and
# Unicode tag characters, which can smuggle instructions a reader never sees.
_INVISIBLE_RANGES = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f"
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_RANGES}]")


def clean_input(text: str) -> str:
    """Strip invisible and control characters, normalise to NFC and trim."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    # NFC never yields these characters, but a second pass costs nothing and keeps the guarantee local.
    return _INVISIBLE.sub("", text).strip()


def _normalise_hosts(hosts: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Lower-cased host names without leading or trailing dots."""
    return tuple(h.strip().strip(".").lower() for h in hosts if h and h.strip().strip("."))


_HOST_CHARS = re.compile(r"[a-z0-9.-]+")


def host_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """True for an absolute http(s) URL whose host is one of allowed_hosts or a subdomain of one."""
    if not allowed_hosts:
        return False
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    if url.lower().startswith("www."):
        url = "http://" + url
    # Browsers read a backslash as a slash and decode %-escapes, so such hosts cannot be judged safely.
    if any(ch in url for ch in "\\ \t\n%"):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return False
    host = host.rstrip(".")
    if not _HOST_CHARS.fullmatch(host):
        return False
    return any(host == h or host.endswith("." + h) for h in allowed_hosts)


# Markdown pieces, each matched within one segment (see StreamCleaner for why constructs never span two).
_LABEL = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*"
_DEST = r"(?:<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
_TITLE = r"""(?:\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?"""
_LINK_SRC = rf"\[(?P<label>{_LABEL})\]\(\s*(?P<dest>{_DEST}){_TITLE}\s*\)"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_AUTOLINK = re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_EMAIL_AUTOLINK = re.compile(r"<(?P<addr>[^\s<>@]+@[^\s<>@]+)>")
# Deliberately looser than HTML's own grammar: anything tag-shaped goes, as browsers are lenient too.
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_IMAGE = re.compile(rf"!\[{_LABEL}\](?:\(\s*{_DEST}{_TITLE}\s*\)|\[{_LABEL}\])", re.S)
_LINK = re.compile(_LINK_SRC, re.S)
_REF_DEF = re.compile(
    r"""(?m)^[ ]{0,3}\[(?:[^\[\]\\]|\\.)+\]:[ \t]*(?P<dest><[^<>\n]*>|\S+)"""
    r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?(?=[ \t]*(?:\n|$))"""
)
# A renderer reads a whole run of non-space characters from a scheme as one URL, so that run is judged first.
_URL_RUN = re.compile(r"(?i)(?:https?://|(?<![\w./@-])www\.)[^\s<>]*")
# Within an allowed run, each http(s):// starts a new piece, so an allowed URL cannot carry an outside one
# glued to its end for a renderer that splits there instead.
_BARE_URL = re.compile(r"(?i)(?:https?://|(?<![\w./@-])www\.)(?:(?!https?://)[^\s<>])*")
_TRAILING = ".,;:!?'\"*_~"
_BANG_BEFORE_BRACKET = re.compile(r"!+(?=\[)")
_LINK_OR_JOIN = re.compile(rf"(?P<link>{_LINK_SRC})|\]\(", re.S)
_OPEN_ANGLE = re.compile(r"<(?=[A-Za-z/!?]|$)")


# Past this size a segment (a "word" with no whitespace to cut at) skips the Markdown regexes, whose
# cost grows with the square of its length on crafted input, and loses all its markup characters.
_MAX_PARSED = 8000
_MARKUP = re.compile(r"[<>\[\]()!]")


def _url_end(url: str) -> int:
    """Where the URL ends: trailing punctuation belongs to the sentence; a ")" only when it has no "(" to close."""
    end = len(url)
    while end and (url[end - 1] in _TRAILING or (url[end - 1] == ")" and url[:end].count("(") < url[:end].count(")"))):
        end -= 1
    return end


def _clean_url_piece(m: re.Match, hosts: tuple[str, ...]) -> str:
    url = m.group(0)
    end = _url_end(url)
    return url if host_allowed(url[:end], hosts) else url[end:]


def _clean_url_run(run: str, hosts: tuple[str, ...]) -> str:
    """A bare URL run kept only where the whole, read as one URL, and each glued piece go to allowed hosts."""
    end = _url_end(run)
    if not host_allowed(run[:end], hosts):
        return run[end:]
    return _BARE_URL.sub(lambda m: _clean_url_piece(m, hosts), run)


def _clean_segment(seg: str, hosts: tuple[str, ...]) -> str:
    """Clean one segment: repeat the removals until nothing changes, then defuse any leftovers."""
    if len(seg) > _MAX_PARSED:
        return _URL_RUN.sub(lambda m: _clean_url_run(m.group(0), hosts), _MARKUP.sub("", seg))

    def link(m: re.Match) -> str:
        return m.group(0) if host_allowed(m.group("dest"), hosts) else m.group("label")

    def autolink(m: re.Match) -> str:
        return m.group("url") if host_allowed(m.group("url"), hosts) else ""

    def ref_def(m: re.Match) -> str:
        return m.group(0) if host_allowed(m.group("dest"), hosts) else ""

    def bare_url(m: re.Match) -> str:
        return _clean_url_run(m.group(0), hosts)

    # Every removal shortens the text or leaves it as it is, so this loop ends; looping catches pieces
    # that a removal glues together, like "<<b>script>".
    previous = None
    while previous != seg:
        previous = seg
        seg = _COMMENT.sub("", seg)
        seg = _AUTOLINK.sub(autolink, seg)
        seg = _EMAIL_AUTOLINK.sub(lambda m: m.group("addr"), seg)
        seg = _TAG.sub("", seg)
        seg = _IMAGE.sub("", seg)
        seg = _LINK.sub(link, seg)
        seg = _REF_DEF.sub(ref_def, seg)
        seg = _URL_RUN.sub(bare_url, seg)
    # Leftovers of unfinished constructs: a tag-like "<" becomes an entity; URLs are checked again as
    # the entity may now end one ("https://host&lt;"); then a lone "![" loses its "!" and a "](" outside
    # an allowed link gets a space, so no link can form with text elsewhere. None of these steps can
    # bring back a "<" or a URL, so no further round is needed.
    seg = _OPEN_ANGLE.sub("&lt;", seg)
    seg = _URL_RUN.sub(bare_url, seg)
    seg = _BANG_BEFORE_BRACKET.sub("", seg)
    return _LINK_OR_JOIN.sub(lambda m: m.group(0) if m.group("link") else "] (", seg)


# A segment with no safe cut point is still cut at the next whitespace past this size, so a stray
# "[" or "<" cannot hold back the rest of a paragraph; the pieces are defused as leftovers.
_MAX_HOLD = 2000


class StreamCleaner:
    """Cleans streamed LLM output chunk by chunk with the same result as clean_output on the whole text.

    The text is cut into segments just after whitespace, wherever no tag, link label, link destination
    or reference definition is open. Both ways of cleaning cut at the same places (the decision only
    looks backwards) and clean each segment alone, so they agree; and because every segment but the
    last ends in whitespace, nothing unsafe can form across a cut.
    """

    def __init__(self, allowed_hosts: tuple[str, ...] = ()) -> None:
        self._hosts = _normalise_hosts(allowed_hosts)
        self._held = ""
        self._reset_line()
        self._reset_inline()

    def _reset_line(self) -> None:
        self._line_len = 0
        self._line_blank = True
        self._def_open = False  # a "[" opened a line the way a reference definition does
        self._def_line = False  # this line is a reference definition: no cut before its end

    def _reset_inline(self) -> None:
        self._in_tag = False
        self._lt = False
        self._escaped = False
        self._after_close = False
        self._depth = 0
        self._paren = 0
        self._def_open = False
        self._def_line = False

    def _closed(self) -> bool:
        return not (self._in_tag or self._depth or self._paren or self._def_line or self._escaped)

    def _step(self, c: str) -> bool:
        """Advance the state by one character; True when a cut may follow it."""
        if c == "\n":
            blank = self._line_blank
            self._reset_line()
            self._lt = self._escaped = self._after_close = False
            if blank:
                # Markdown inline constructs never span a blank line.
                self._reset_inline()
            return self._closed()
        at_line_start = self._line_blank and self._line_len <= 3
        self._line_len += 1
        if not c.isspace():
            self._line_blank = False
        closed_bracket = False
        if self._escaped:
            self._escaped = False
        elif self._lt and (c in "/!?" or ("a" <= c.lower() <= "z")):
            self._in_tag = True
            self._lt = False
        else:
            self._lt = False
            if self._in_tag:
                self._in_tag = c != ">"
            elif c == "\\":
                self._escaped = True
            elif c == "<":
                self._lt = True
            elif c == "[":
                if not self._depth:
                    self._def_open = at_line_start
                self._depth += 1
            elif c == "]":
                if self._depth:
                    self._depth -= 1
                    closed_bracket = True
            elif c == "(":
                if self._after_close or self._paren:
                    self._paren += 1
            elif c == ")":
                if self._paren:
                    self._paren -= 1
            elif c == ":" and self._after_close and not self._depth and self._def_open:
                self._def_line = True
            if not self._depth and not closed_bracket and c != ":":
                self._def_open = False
        self._after_close = closed_bracket
        return c.isspace() and self._closed()

    def feed(self, chunk: str) -> str:
        """Take the next chunk; return the cleaned text that is safe to show now."""
        chunk = _INVISIBLE.sub("", chunk)
        buf = self._held + chunk
        start, base, out = 0, len(self._held), []
        for i, c in enumerate(chunk):
            cut = base + i + 1
            boundary = self._step(c)
            if not boundary and c.isspace() and cut - start >= _MAX_HOLD:
                self._reset_inline()
                boundary = True
            if boundary:
                out.append(_clean_segment(buf[start:cut], self._hosts))
                start = cut
        self._held = buf[start:]
        return "".join(out)

    def flush(self) -> str:
        """Return the cleaned rest of the text and start afresh."""
        held, self._held = self._held, ""
        self._reset_line()
        self._reset_inline()
        return _clean_segment(held, self._hosts) if held else ""


def clean_output(text: str, allowed_hosts: tuple[str, ...] = ()) -> str:
    """Make LLM output safe to show as Markdown: no HTML, no images, no links or URLs to outside hosts."""
    cleaner = StreamCleaner(allowed_hosts)
    return cleaner.feed(text) + cleaner.flush()
