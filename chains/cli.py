"""The `pitchcheck` command: ask, index, assess, pitch, chat, example, report, audit. Errors become one line here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger(__name__)
# The loggers of the project's own packages: `-v` shows their DEBUG records; other libraries stay at WARNING.
# ("__main__" is this module's own name when it runs as `python -m chains.cli`.)
PROJECT_LOGGERS = ("chains", "web", "__main__")


class CLIError(Exception):
    """A problem to report to the user in one line, with exit status 1."""


def _emit(obj: Any, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


@contextmanager
def _open_input(name: str) -> Iterator[TextIO]:
    """The named file opened for reading and closed afterwards, or stdin (left open) for "-"."""
    if name == "-":
        yield sys.stdin
        return
    path = Path(name)
    if not path.is_file():
        raise CLIError(f"{name}: no such file")
    with path.open(encoding="utf-8", errors="replace") as fh:
        yield fh


def configure_logging(verbose: bool) -> None:
    """One stderr handler on the root logger; under -v the project's loggers pass DEBUG records (tracebacks too)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for name in PROJECT_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.NOTSET)


def _knowledge(dense: bool = True):
    from .explain import Explainer
    from .knowledge_base import KnowledgeBase
    from .settings import get_settings

    kb = KnowledgeBase(get_settings())
    if dense:
        kb.load_dense()
    return kb, Explainer(kb)


# --- commands ----------------------------------------------------------------------------------------------
def cmd_ask(args, out: TextIO) -> int:
    _, explainer = _knowledge()
    questions: Iterator[str]
    if args.question == "-":
        questions = (line.strip() for line in sys.stdin)
    else:
        questions = iter([args.question])
    for question in questions:
        if not question:
            continue
        answer = explainer.explain(question)
        if args.json:
            _emit(answer.as_json(), out)
        else:
            out.write(answer.text + "\n")
            if answer.sources:
                top, *others = answer.sources
                out.write(f"\nSource: {top.title} [{top.id}]\n")
                if others:
                    out.write("See also: " + ", ".join(f"{s.title} [{s.id}]" for s in others) + "\n")
    return 0


def cmd_index(args, out: TextIO) -> int:
    from .embeddings import ensure_embedder
    from .glossary import load_glossary
    from .knowledge_base import refresh_index
    from .settings import get_settings

    settings = get_settings()
    concepts = load_glossary(settings.knowledge_dir)
    embedder = ensure_embedder(settings)
    stats = refresh_index(settings, concepts, embedder)
    if stats is None:
        out.write(f"Index is up to date: {len(concepts)} concepts.\n")
    else:
        out.write(
            f"Indexed {len(concepts)} concepts: {stats.embedded} sections embedded, {stats.unchanged} unchanged, "
            f"{stats.removed} removed{' (repaired an interrupted build)' if stats.repaired else ''}.\n"
        )
    return 0


def cmd_assess(args, out: TextIO) -> int:
    from .facts import normalise_facts
    from .session import verdict_text
    from .settings import get_settings
    from .verdict import assess

    settings = get_settings()
    status = 0
    with _open_input(args.file) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                if not isinstance(raw, dict):
                    raise ValueError("expected a JSON object of facts")
                verdict = assess(normalise_facts(raw), settings)
            except _BAD_FACTS as exc:
                problem = f"line {number}: {_problem(exc)}"
                print(f"pitchcheck: {problem}", file=sys.stderr)
                if args.json:
                    _emit({"error": problem}, out)
                status = 1
                continue
            if args.json:
                _emit(verdict, out)
            else:
                out.write(verdict_text(verdict) + "\n\n")
    return status


def cmd_pitch(args, out: TextIO) -> int:
    from .money import format_range
    from .pitch import read_pitch
    from .proposal import ProposalError, read_proposal

    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = read_proposal(args.file)
        except ProposalError as exc:
            raise CLIError(str(exc)) from None
    reading = read_pitch(text)
    if args.json:
        _emit(reading, out)
        return 0
    quote, fee = reading["quote"], reading["monthly_fee"]
    out.write(f"Mechanism: {reading['mechanism']}. {reading['mechanism_evidence']['why']}\n")
    if reading["mechanism_evidence"]["sentence"]:
        out.write(f'  from: "{reading["mechanism_evidence"]["sentence"]}"\n')
    if quote is None:
        out.write("Quote: not stated\n")
    elif quote["high"] is None:
        out.write(f"Quote: from {format_range(quote['amount'], None, quote['currency'])}\n")
    else:
        out.write(f"Quote: {format_range(quote['amount'], quote['high'], quote['currency'])}\n")
    if fee:
        out.write(f"Monthly fee: {format_range(fee['amount'], fee['high'], fee['currency'])} a month\n")
    out.write(f"Mentions LoRA: {'yes' if reading['mentions_lora'] else 'no'}\n")
    for claim in reading["vague_claims"]:
        out.write(f'Claim to test: "{claim["text"]}"\n  ask: {claim["question"]}\n')
    for flag in reading["red_flags"]:
        out.write(f"Red flag: {flag['text']}\n")
    return 0


def cmd_chat(args, out: TextIO) -> int:
    from .choices import LazyEmbed
    from .session import Session

    kb, explainer = _knowledge(dense=not args.lexical)
    from .llm import field_reader

    session = Session(
        kb.settings,
        explain=explainer.explain,
        titles={c: k.title for c, k in kb.concepts.items()},
        embed=LazyEmbed(kb.loaded_embedder),
        read_field=field_reader(kb.settings),
    )
    render = _emit_turn if args.json else _print_turn
    render(session.start(), out)
    for line in sys.stdin:
        render(session.handle(line.rstrip("\n")), out)
    return 0


def cmd_example(args, out: TextIO) -> int:
    from .example import INTRO, play
    from .session import Session

    kb, explainer = _knowledge(dense=False)
    session = Session(kb.settings, explain=explainer.explain, titles={c: k.title for c, k in kb.concepts.items()})
    if not args.json:
        out.write(INTRO.replace("**", "") + "\n\n")
    for _field, answer, turn in play(session):
        if args.json:
            _emit({"answer": answer, **turn.as_json()}, out)
            continue
        out.write(f"> {answer}\n")
        for reply in turn.replies:
            if reply.kind != "question" or turn.awaiting is None:
                out.write(reply.text + "\n\n")
    return 0


def _emit_turn(turn, out: TextIO) -> None:
    _emit(turn.as_json(), out)


def _print_turn(turn, out: TextIO) -> None:
    for reply in turn.replies:
        out.write(reply.text + "\n")
        if reply.sources and reply.kind == "explanation":
            out.write("Sources: " + ", ".join(s["title"] for s in reply.sources) + "\n")
        out.write("\n")
    out.write("> ")
    out.flush()


def cmd_report(args, out: TextIO) -> int:
    from .facts import normalise_facts
    from .glossary import cached_glossary, glossary_summaries
    from .report import to_markdown, to_pdf
    from .settings import get_settings
    from .verdict import assess

    settings = get_settings()
    with _open_input(args.facts) as fh:
        text = fh.read()
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(f"{args.facts}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except _BAD_FACTS as exc:
        raise CLIError(f"{args.facts}: {_problem(exc)}") from None
    if not isinstance(raw, dict):
        raise CLIError(f"{args.facts}: expected a JSON object of facts")
    if "facts" in raw and isinstance(raw["facts"], dict):  # a verdict object or a saved session works too
        raw = raw["facts"]
    try:
        verdict = assess(normalise_facts(raw), settings)
        glossary = glossary_summaries(cached_glossary(settings.knowledge_dir.resolve()))
        document = to_pdf(verdict, glossary) if args.format == "pdf" else to_markdown(verdict, glossary)
    except _BAD_FACTS as exc:
        raise CLIError(f"{args.facts}: {_problem(exc)}") from None
    if isinstance(document, bytes):
        Path(args.output).write_bytes(document)
    else:
        Path(args.output).write_text(document, encoding="utf-8")
    out.write(f"Wrote {args.output}\n")
    return 0


def cmd_audit(args, out: TextIO) -> int:
    from .audit_text import format_text
    from .audit_worker import AuditError, run_audit_sync
    from .settings import get_settings

    bar = _ProgressBar(sys.stderr, Path(args.file).name) if args.progress or sys.stderr.isatty() else None
    try:
        result = run_audit_sync(Path(args.file), get_settings(), near_duplicates=not args.no_near_duplicates, progress=bar)
    except AuditError as exc:
        raise CLIError(f"{args.file}: {exc}") from None
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        _emit(result, out)
    else:
        out.write(format_text(result) + "\n")
    return 0


class _ProgressBar:
    """A one-line progress bar on stderr, redrawn in place."""

    def __init__(self, stream: TextIO, label: str, width: int = 24):
        self.stream, self.label, self.width = stream, label[:30], width
        self.drawn = 0

    def __call__(self, message: str, fraction: float) -> None:
        done = round(self.width * max(0.0, min(1.0, fraction)))
        line = f"{self.label}: {message[:32]:<32} [{'#' * done}{'.' * (self.width - done)}] {fraction:4.0%}"
        self.stream.write("\r" + line.ljust(self.drawn))
        self.stream.flush()
        self.drawn = len(line)

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()


#: What a bad line of facts can raise: a wrong value, a number too big for a float, JSON nested too deep.
_BAD_FACTS = (ValueError, TypeError, OverflowError, RecursionError)


def _problem(exc: BaseException) -> str:
    """What is wrong with a line of facts, in one short line."""
    if isinstance(exc, OverflowError):
        return "a number in it is too large"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to read"
    return _one_line(str(exc) or type(exc).__name__)


def _one_line(text: str, limit: int = 300) -> str:
    """text on one line, cut to at most limit characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- entry -------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pitchcheck", description="Is a vendor's fine-tuning pitch worth it?")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log progress to stderr, with the traceback of an unexpected error"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ask", help="explain a concept from the glossary")
    p.add_argument("question", help="the question, or - to read one question per line from stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("index", help="build or refresh the glossary index (and the ONNX export)")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("assess", help="verdicts for facts given as JSON lines")
    p.add_argument("file", help="a file of JSON lines, or - for stdin")
    p.add_argument("--json", action="store_true", help="one verdict object per line")
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("pitch", help="read a vendor's pitch or proposal")
    p.add_argument("file", help="the pitch or proposal as .pdf, .docx, .html or .txt, or - for text on stdin")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pitch)

    p = sub.add_parser("chat", help="the interview in a terminal")
    p.add_argument("--json", action="store_true", help="lock-step JSON: one object per input line")
    p.add_argument("--lexical", action="store_true", help="answer concept questions without loading the embedding model")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("example", help="play the guide's £18,000 worked example through the interview")
    p.add_argument("--json", action="store_true", help="one object per answer: the answer and the turn")
    p.set_defaults(func=cmd_example)

    p = sub.add_parser("report", help="write the report for a set of facts")
    p.add_argument("facts", help="a JSON file of facts (or a verdict object)")
    p.add_argument("--format", choices=["md", "pdf"], default="md")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("audit", help="audit a file of training examples (csv, jsonl, xlsx)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.add_argument("--no-near-duplicates", action="store_true", help="skip the embedding-based near-duplicate search")
    p.add_argument("--progress", action="store_true", help="show a progress bar on stderr even when it is not a terminal")
    p.set_defaults(func=cmd_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        return args.func(args, sys.stdout)
    except CLIError as exc:
        print(f"pitchcheck: {_one_line(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the one place an unexpected error becomes a line of text, with details in the log
        log.debug("unexpected error", exc_info=True)
        print(f"pitchcheck: {exc.__class__.__name__}: {_one_line(str(exc))}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
