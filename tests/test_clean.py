"""Tests for chains.clean: input cleaning, output cleaning and the streaming cleaner."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chains.clean import StreamCleaner, clean_input, clean_output, host_allowed

FORBIDDEN_INPUT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)
ALLOWED = ("docs.example.com",)

# ---------------------------------------------------------------- clean_input


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  What is LoRA?  ", "What is LoRA?"),
        ("What\u200b is\u200d Lo\ufeffRA?", "What is LoRA?"),
        ("abc\u202edef\u202c", "abcdef"),
        ("left\u2066iso\u2069right\u2067x\u2068", "leftisorightx"),
        ("\u2060\u2061\u2062\u2063\u2064word", "word"),
        ("ignore\U000e0049\U000e0047\U000e004e this", "ignore this"),
        ("bell\x07 and null\x00 and esc\x1b[31m", "bell and null and esc[31m"),
        ("c1\x85\x9bcontrols", "c1controls"),
        ("keep\ttabs\nand newlines", "keep\ttabs\nand newlines"),
        ("windows\r\nline\rends", "windows\nline\nends"),
        ("e\u0301te\u0301", "\u00e9t\u00e9"),  # NFC composes e + combining acute
        ("\u200b\u200b", ""),
        ("", ""),
        ("caf\u00e9 \u2014 \u00a35 \U0001f600", "caf\u00e9 \u2014 \u00a35 \U0001f600"),
    ],
)
def test_clean_input_cases(raw: str, expected: str) -> None:
    assert clean_input(raw) == expected


@given(st.text())
def test_clean_input_never_raises_and_leaves_nothing_forbidden(text: str) -> None:
    out = clean_input(text)
    assert not FORBIDDEN_INPUT.search(out)
    assert out == out.strip()
    assert unicodedata.is_normalized("NFC", out)
    assert clean_input(out) == out


@given(st.text(alphabet=st.characters(min_codepoint=0xE0000, max_codepoint=0xE007F) | st.sampled_from("\u202e\u200b\u2066a b")))
def test_clean_input_on_invisible_heavy_text(text: str) -> None:
    assert not FORBIDDEN_INPUT.search(clean_input(text))


# ---------------------------------------------------------------- clean_output: fixed cases


@pytest.mark.parametrize(
    "raw, expected",
    [
        # Ordinary Markdown survives unchanged.
        ("LoRA is **cheap** [lora].", "LoRA is **cheap** [lora]."),
        ("- one [lora]\n- two [qlora][rag]\n\n1. first\n2. second", "- one [lora]\n- two [qlora][rag]\n\n1. first\n2. second"),
        ("Use `pip install x` or\n```python\nprint(1)\n```", "Use `pip install x` or\n```python\nprint(1)\n```"),
        ("# Heading\n\n> quote _it_ ~~no~~", "# Heading\n\n> quote _it_ ~~no~~"),
        ("x < 5 and y > 3, a <= b", "x < 5 and y > 3, a <= b"),
        ("costs (about £50) [see [lora]]", "costs (about £50) [see [lora]]"),
        # HTML: tags go, their text stays.
        ("<b>bold</b> and <i>it</i>", "bold and it"),
        ("<script>alert(1)</script> hi", "alert(1) hi"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok", "ok"),
        ('<img src="x" onerror="alert(1)">after', "after"),
        ("<a href='https://evil.example'>click</a>", "click"),
        ("a <!-- hidden note --> b", "a  b"),
        ("<<b>script>alert(1)<</b>/script>", "alert(1)"),
        ("<div\nclass=x>text</div>", "text"),
        # Images go entirely, in every form.
        ("see ![chart](https://evil.example/c.png) here", "see  here"),
        ('![a](<https://evil.example/a b.png> "title") x', " x"),
        ("![logo][img]\n\n[img]: https://evil.example/l.png", "\n\n"),
        ("![only]", "[only]"),
        ("[![badge](https://evil.example/b.svg)](https://evil.example)", ""),
        # Links to outside hosts keep their label.
        ("[the docs](https://evil.example/x?q=1) say", "the docs say"),
        ('[t](https://evil.example "Title") ok', "t ok"),
        ("[run](javascript:alert(1))", "run"),
        ("[rel](/logout) and [mail](mailto:a@b.c)", "rel and mail"),
        ("[wiki](https://en.wikipedia.org/wiki/Foo_(bar)) end", "wiki end"),
        ("[a [b] c](https://evil.example)", "a [b] c"),
        ("[spoof](https://docs.example.com@evil.example/)", "spoof"),
        ("[spoof](https://evil.example\\@docs.example.com/)", "spoof"),
        ("[spoof](https://docs.example.com.evil.example/)", "spoof"),
        # Links to allowed hosts stay.
        ("[ok](https://docs.example.com/lora)", "[ok](https://docs.example.com/lora)"),
        ("[sub](https://api.docs.example.com/x)", "[sub](https://api.docs.example.com/x)"),
        # Bare URLs and autolinks to outside hosts go; punctuation stays.
        ("visit https://evil.example/path. Then", "visit . Then"),
        ("visit HTTP://EVIL.EXAMPLE/x, then", "visit , then"),
        ("www.evil.example is bad", " is bad"),
        ("<https://evil.example/x> and <mailto:a@b.c>", " and "),
        ("write to <me@example.org>", "write to me@example.org"),
        ("https://docs.example.com/a is fine", "https://docs.example.com/a is fine"),
        ("https://docs.example.com/ahttps://evil.example/b", "https://docs.example.com/a"),
        # A renderer reads a glued run as one URL whose host is "docs.example.comhttp": it goes whole.
        ("http://docs.example.comhttp://docs.example.com", ""),
        ("see http://docs.example.comhttps://docs.example.com/x.", "see ."),
        ("https://docs.example.com/a/https://docs.example.com/b", "https://docs.example.com/a/https://docs.example.com/b"),
        ("<https://docs.example.com/a>", "https://docs.example.com/a"),
        # Reference-style links: definitions to outside hosts go, so the links stay inert text.
        ('[click][x]\n\n[x]: https://evil.example/p "T"', "[click][x]\n\n"),
        ("[click][x]\n\n[x]: https://docs.example.com/p", "[click][x]\n\n[x]: https://docs.example.com/p"),
        # Half-finished constructs are defused.
        ("[click here](https://evil.example/unfinished", "[click here] ("),
        ("<script", "&lt;script"),
        ("an unclosed <b tag", "an unclosed &lt;b tag"),
        ("![", "["),
    ],
)
def test_clean_output_cases(raw: str, expected: str) -> None:
    assert clean_output(raw, ALLOWED) == expected


def test_clean_output_without_allowed_hosts_drops_every_link() -> None:
    text = "[ok](https://docs.example.com/lora) and https://docs.example.com/x"
    assert clean_output(text) == "ok and "


def test_clean_output_strips_invisible_characters() -> None:
    assert clean_output("Lo\u200bRA\u202e is\x00 cheap\U000e0041") == "LoRA is cheap"


def test_host_allowed() -> None:
    hosts = ("example.com",)
    assert host_allowed("https://example.com/x", hosts)
    assert host_allowed("http://docs.example.com", hosts)
    assert host_allowed("www.example.com/x", ("www.example.com",))
    assert not host_allowed("https://notexample.com", hosts)
    assert not host_allowed("https://example.com.evil.org", hosts)
    assert not host_allowed("https://example.com@evil.org", hosts)
    assert not host_allowed("ftp://example.com", hosts)
    assert not host_allowed("https://[::1", hosts)
    assert not host_allowed("https://ex%61mple.com", hosts)
    assert not host_allowed("https://example.com", ())


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "(" * 5000,
        "[a[b]c" * 3000,
        "<a" * 5000,
        "![" * 5000,
        "http://" * 3000,
        "[a](" * 3000,
        "[x]: " * 2000,
        ("[a " * 3000) + "](https://evil.example)",
    ],
)
def test_clean_output_is_fast_on_hostile_input(text: str) -> None:
    start = time.perf_counter()
    out = clean_output(text)
    assert time.perf_counter() - start < 5
    assert "![" not in out and "](http" not in out and "<a" not in out


# ---------------------------------------------------------------- StreamCleaner


def test_stream_cleaner_holds_back_an_unfinished_link() -> None:
    cleaner = StreamCleaner()
    assert cleaner.feed("LoRA is ") == "LoRA is "
    assert cleaner.feed("cheap, see [the ") == "cheap, see "
    assert cleaner.feed("guide](https://evil") == ""
    assert cleaner.feed(".example/g) for ") == "the guide for "
    assert cleaner.feed("more") == ""
    assert cleaner.flush() == "more"


def test_stream_cleaner_holds_back_an_unfinished_tag() -> None:
    cleaner = StreamCleaner()
    assert cleaner.feed("before <img src=x ") == "before "
    assert cleaner.feed("onerror=alert(1)> after ") == " after "
    assert cleaner.flush() == ""


def test_stream_cleaner_releases_at_a_blank_line_after_a_stray_bracket() -> None:
    cleaner = StreamCleaner()
    assert cleaner.feed("an [unclosed bracket here ") == "an "
    assert cleaner.feed("\n\nnext ") == "[unclosed bracket here \n\nnext "


def test_stream_cleaner_holds_a_reference_definition_line() -> None:
    cleaner = StreamCleaner()
    assert cleaner.feed("[x]: https://evil.example ") == ""
    assert cleaner.feed('"T"\nnext ') == "\nnext "


def test_stream_cleaner_is_reusable_after_flush() -> None:
    cleaner = StreamCleaner()
    cleaner.feed("[open ")
    assert cleaner.flush() == "[open "
    assert cleaner.feed("fresh start ") == "fresh start "


# ---------------------------------------------------------------- properties

FRAGMENTS = [
    "<",
    ">",
    "[",
    "]",
    "(",
    ")",
    "!",
    "![",
    "](",
    "]:",
    "\\",
    "`",
    "*",
    "_",
    '"',
    "'",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    ":",
    "/",
    "@",
    ".",
    "http://",
    "https://",
    "HTTPS://",
    "www.",
    "evil.example",
    "docs.example.com",
    "<script>",
    "</script>",
    "<script",
    "script",
    "<img",
    "img",
    "<!--",
    "-->",
    "<https://",
    "[lora]",
    "javascript:",
    "mailto:",
    "%",
    "\u200b",
    "\u202e",
    "lora",
    "text",
]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map("".join)
hosts_strategy = st.sampled_from([(), ALLOWED])


def _assert_safe(out: str, hosts: tuple[str, ...]) -> None:
    lowered = out.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "![" not in out
    if not hosts:
        assert not re.search(r"(?i)https?://", out)
        assert "](" not in out
    for m in re.finditer(r"(?i)https?://[^\s<>]*", out):
        url = m.group(0).rstrip(".,;:!?'\"*_~)")
        assert host_allowed(url, hosts), (url, out)
    # Every remaining "](" belongs to a complete link to an allowed host.
    for m in re.finditer(r"\]\(", out):
        dest = re.match(r"\]\(\s*<?([^\s<>)]*)", out[m.start() :]).group(1)
        assert host_allowed(dest, hosts), (dest, out)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish, hosts_strategy)
def test_clean_output_is_always_safe(text: str, hosts: tuple[str, ...]) -> None:
    _assert_safe(clean_output(text, hosts), hosts)


@given(st.text(), hosts_strategy)
def test_clean_output_never_raises_on_any_text(text: str, hosts: tuple[str, ...]) -> None:
    _assert_safe(clean_output(text, hosts), hosts)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish, hosts_strategy, st.data())
def test_stream_cleaner_matches_whole_text_for_any_chunking(text: str, hosts: tuple[str, ...], data) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=12)))
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    cleaner = StreamCleaner(hosts)
    pieces = [cleaner.feed(chunk) for chunk in chunks]
    pieces.append(cleaner.flush())
    assert "".join(pieces) == clean_output(text, hosts)
    # What is shown along the way is itself safe, not only the final whole.
    shown = ""
    for piece in pieces:
        shown += piece
        _assert_safe(shown, hosts)


@given(st.text(alphabet="ab <>[]()!:/\n", max_size=60))
def test_stream_cleaner_char_by_char_matches_whole_text(text: str) -> None:
    cleaner = StreamCleaner()
    out = "".join(cleaner.feed(c) for c in text) + cleaner.flush()
    assert out == clean_output(text)


@given(
    st.text(alphabet=st.characters(blacklist_characters="<>[]()!\\`*_&#", blacklist_categories=("Cc", "Cf", "Cs")), max_size=200)
)
def test_clean_output_keeps_plain_text_unchanged(text: str) -> None:
    if re.search(r"(?i)https?://|www\.", text):
        return
    assert clean_output(text) == text
