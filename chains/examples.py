"""Read training examples from .csv, .jsonl and .xlsx files as a stream of rows, whatever shape they come in."""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path
from typing import Any, Iterator, NamedTuple


class AuditError(ValueError):
    """A file the audit cannot read; the message is one sentence, without the file's name, fit to show the owner."""


class Example(NamedTuple):
    """One training example: its 1-based data row number, input, output, and any other text training reads."""

    row: int
    input: str
    output: str
    extra: str = ""  # chat files: the system prompt and earlier turns, which a training run also reads


# Column pairs, in the order they are tried; names match case-insensitively, surrounding spaces ignored.
SHAPES: tuple[tuple[str, str], ...] = (
    ("input", "output"),
    ("prompt", "completion"),
    ("question", "answer"),
    ("text", "label"),
)
CHAT_SHAPE = "chat messages"
EXTENSIONS = (".csv", ".jsonl", ".xlsx")
ACCEPTED = ", ".join("+".join(pair) for pair in SHAPES) + ', or chat JSONL lines with "messages"'

_CHUNK = 1 << 18  # bytes decoded at a time when checking the encoding
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx or .docx file is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3", "an SQLite database"),
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def shape_of(names: list[str]) -> tuple[str, int, int] | None:
    """The first accepted column pair among names, with the positions of its two columns, or None."""
    folded = [str(n).strip().casefold() if n is not None else "" for n in names]
    for first, second in SHAPES:
        if first in folded and second in folded:
            return f"{first}+{second}", folded.index(first), folded.index(second)
    return None


def unknown_shape(found: list[Any], what: str = "columns") -> AuditError:
    shown = ", ".join(repr(str(n).strip()) for n in found if n is not None and str(n).strip()) or "none"
    return AuditError(f"Unrecognised {what} ({shown}): expected one of {ACCEPTED}.")


def cell_text(value: Any) -> str:
    """A cell or JSON value as text, never evaluated: None is blank, whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    text = getattr(value, "text", None)  # openpyxl's ArrayFormula: its formula text
    return text if isinstance(text, str) else str(value)


class ExampleReader:
    """Iterate over a file's examples without loading it whole; shape and notes fill in as it is read.

    Row numbers count data rows from 1, the header not included (in JSONL they are line numbers).
    Completely blank rows are skipped but keep their number, so row numbers match the file.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.shape: str | None = None
        self.blank_rows = 0
        self.broken_lines: list[int] = []  # JSONL lines that are not JSON objects (first 50 kept)
        self.broken_count = 0
        self.notes: list[str] = []
        self.encoding: str | None = None
        if not self.path.is_file():
            raise AuditError("No such file.")
        self.suffix = self.path.suffix.lower()
        if self.suffix not in EXTENSIONS:
            hint = " (save it as .xlsx or .csv)" if self.suffix in (".xls", ".ods", ".numbers") else ""
            raise AuditError(f"Unsupported file type '{self.suffix or 'none'}'{hint}: use .csv, .jsonl or .xlsx.")
        if self.path.stat().st_size == 0:
            raise AuditError("The file is empty.")
        with open(self.path, "rb") as fh:
            self._head = fh.read(8192)
        self._check_content()

    # -- content checks -------------------------------------------------------------------
    def _check_content(self) -> None:
        head = self._head
        if self.suffix == ".xlsx":
            if head.startswith(b"PK\x03\x04"):
                return
            kind = next((k for magic, k in _MAGIC if head.startswith(magic)), None)
            raise AuditError("Not an Excel workbook" + (f": it looks like {kind}." if kind else "."))
        if any(head.startswith(bom) for bom, _ in _BOMS):
            return
        for magic, kind in _MAGIC:
            if head.startswith(magic):
                raise AuditError(f"Not a text file: it looks like {kind} renamed {self.suffix}.")
        if b"\x00" in head:
            raise AuditError("Not a text file: it holds binary data (NUL bytes).")

    def _detect_encoding(self) -> str:
        """UTF-8, then UTF-8 with a BOM, then Windows-1252 (cp1252); each tried over the whole file in chunks."""
        boms = [encoding for bom, encoding in _BOMS if self._head.startswith(bom)]
        for encoding in boms or ("utf-8", "cp1252"):
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                with open(self.path, "rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        decoder.decode(chunk)
                    decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
        if boms:
            raise AuditError(f"Not readable text: it starts like {boms[0]} but does not decode as it.")
        raise AuditError("Not readable text: it is neither UTF-8 nor Windows-1252 (cp1252).")

    def _open_text(self):
        self.encoding = self._detect_encoding()
        sample = self._head.decode(self.encoding, errors="ignore")[:4096]
        controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
        if sample and controls > max(2, len(sample) // 100):
            raise AuditError("The file looks garbled: it is full of control characters, not text.")
        return open(self.path, encoding=self.encoding, newline="" if self.suffix == ".csv" else None)

    # -- reading -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Example]:
        if self.suffix == ".csv":
            yield from self._csv()
        elif self.suffix == ".jsonl":
            yield from self._jsonl()
        else:
            yield from self._xlsx()

    def _table(self, rows: Iterator[Any]) -> Iterator[Example]:
        """Header row, then data rows; shared by CSV and Excel."""
        header: list[Any] | None = None
        number = 0
        seen = 0
        for cells in rows:
            if header is None:
                if all(cell_text(c).strip() == "" for c in cells):
                    continue
                header = list(cells)
                found = shape_of(header)
                if found is None:
                    raise unknown_shape(header)
                self.shape, i_col, o_col = found
                continue
            number += 1
            n = len(cells)
            inp = cell_text(cells[i_col]) if i_col < n else ""
            out = cell_text(cells[o_col]) if o_col < n else ""
            if not (inp.strip() and out.strip()) and all(cell_text(c).strip() == "" for c in cells):
                self.blank_rows += 1
                continue
            seen += 1
            yield Example(number, inp, out)
        if header is None:
            raise AuditError("The file is empty: no header row and no data.")
        if seen == 0:
            raise AuditError("The file has a header row but no data rows.")

    def _csv(self) -> Iterator[Example]:
        # A long unclosed quote swallows the rest of the file into one field: the limit turns that into an error.
        csv.field_size_limit(max(csv.field_size_limit(), 1 << 20))
        with self._open_text() as fh:
            first = ""
            for line in fh:
                if line.strip():
                    first = line
                    break
            fh.seek(0)
            counts = {d: first.count(d) for d in ",;\t|"}
            delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                yield from self._table(reader)
            except csv.Error as exc:
                raise AuditError(f"Line {reader.line_num} is not valid CSV ({exc}).") from None

    def _xlsx(self) -> Iterator[Example]:
        import zipfile

        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            # data_only=False: a formula comes back as its text ("=A1+1"), never computed or run.
            book = load_workbook(self.path, read_only=True, data_only=False)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise AuditError(f"Not a readable Excel workbook ({type(exc).__name__}).") from None
        try:
            sheet = book.active or book.worksheets[0]
            others = [ws.title for ws in book.worksheets if ws.title != sheet.title]
            if others:
                self.notes.append(f"Only the sheet '{sheet.title}' was read; the workbook also has " + ", ".join(f"'{t}'" for t in others) + ".")
            yield from self._table(sheet.iter_rows(values_only=True))
        finally:
            book.close()

    def _jsonl(self) -> Iterator[Example]:
        keys: tuple[str, str] | None = None
        parsed = 0
        with self._open_text() as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    obj = None
                if not isinstance(obj, dict):
                    if parsed == 0 and self.broken_count >= 1000:
                        break  # a thousand broken lines and not one good one: not JSON Lines at all
                    self.broken_count += 1
                    if len(self.broken_lines) < 50:
                        self.broken_lines.append(number)
                    continue
                parsed += 1
                if self.shape is None:
                    if any(str(k).strip().casefold() == "messages" for k in obj):
                        self.shape = CHAT_SHAPE
                    else:
                        found = shape_of(list(obj))
                        if found is None:
                            raise unknown_shape(list(obj), "keys on the first JSON line")
                        self.shape = found[0]
                        keys = tuple(found[0].split("+"))  # type: ignore[assignment]
                if self.shape == CHAT_SHAPE:
                    yield _chat_example(number, _get(obj, "messages"))
                else:
                    yield Example(number, cell_text(_get(obj, keys[0])), cell_text(_get(obj, keys[1])))
        if parsed == 0:
            if self.broken_lines:
                raise AuditError(f"Line {self.broken_lines[0]} is not valid JSON, and no line could be read as a JSON object.")
            raise AuditError("The file is empty: every line is blank.")


def _get(obj: dict, key: str) -> Any:
    """obj[key], matching the key case-insensitively and ignoring surrounding spaces."""
    if key in obj:
        return obj[key]
    for k, v in obj.items():
        if str(k).strip().casefold() == key:
            return v
    return None


def _content(value: Any) -> str:
    """A chat message's content: a string, or the text parts of a list of content parts."""
    if isinstance(value, list):
        return "\n".join(cell_text(p.get("text")) if isinstance(p, dict) else cell_text(p) for p in value)
    return cell_text(value)


def _chat_example(number: int, messages: Any) -> Example:
    """The last user message is the input, the last assistant message the output; the rest is extra text."""
    if not isinstance(messages, list):
        return Example(number, "", "")
    texts = [(str(m.get("role", "")).strip().lower(), _content(m.get("content"))) if isinstance(m, dict) else ("", "") for m in messages]
    last_user = max((i for i, (role, _) in enumerate(texts) if role == "user"), default=None)
    last_assistant = max((i for i, (role, _) in enumerate(texts) if role == "assistant"), default=None)
    extra = "\n".join(t for i, (_, t) in enumerate(texts) if i not in (last_user, last_assistant) and t)
    return Example(
        number,
        texts[last_user][1] if last_user is not None else "",
        texts[last_assistant][1] if last_assistant is not None else "",
        extra,
    )
