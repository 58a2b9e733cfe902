"""Read training examples from .csv, .jsonl and .xlsx files as a stream of rows, whatever shape they come in."""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple


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
_JSONL_NAMES = (".jsonl", ".ndjson", ".json")
_CSV_NAMES = (".csv", ".tsv", ".txt")
_OLD_FORMATS = (".xls", ".ods", ".numbers")


@dataclass(frozen=True)
class ReadLimits:
    """Bounds checked before and while a file is read, so a small hostile file cannot take a worker's time or memory."""

    max_rows: int = 200_000
    max_columns: int = 200
    max_unpacked_bytes: int = 200 * 1024 * 1024  # an .xlsx file's parts, uncompressed, as its archive declares them

    @classmethod
    def from_settings(cls, settings: Any) -> ReadLimits:
        return cls(settings.audit_max_rows, settings.audit_max_columns, settings.audit_max_unpacked_mb * 1024 * 1024)


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


def file_format(head: bytes, claimed: str) -> str:
    """ ".csv", ".jsonl" or ".xlsx", from a file's first bytes and the extension of the name it came with.

    Content first: a browser may have named an upload after its MIME type (none for .jsonl in Chromium,
    application/vnd.ms-excel for CSV on Windows). A workbook is a ZIP archive; a text file is read as JSON Lines
    when its name says so or its first line is a JSON object, otherwise as CSV.
    """
    kind = next((k for magic, k in _MAGIC if head.startswith(magic)), None)
    texts = _CSV_NAMES + _JSONL_NAMES
    if claimed in _OLD_FORMATS and kind is not None:
        raise AuditError(f"Unsupported file type '{claimed}' (save it as .xlsx or .csv): use .csv, .jsonl or .xlsx.")
    if head.startswith(b"PK\x03\x04") and claimed not in texts:
        return ".xlsx"
    if claimed == ".xlsx":
        raise AuditError("Not an Excel workbook" + (f": it looks like {kind}." if kind else "."))
    has_bom = any(head.startswith(bom) for bom, _ in _BOMS)
    if kind is not None and not has_bom:
        renamed = f" renamed {claimed}" if claimed else ""
        raise AuditError(f"Not a text file: it looks like {kind}{renamed}.")
    if b"\x00" in head and not has_bom:
        raise AuditError("Not a text file: it holds binary data (NUL bytes).")
    if claimed in _JSONL_NAMES:
        return ".jsonl"
    if claimed in _CSV_NAMES:
        return ".csv"
    encoding = next((e for bom, e in _BOMS if head.startswith(bom)), "utf-8-sig")
    first = next((line for line in head.decode(encoding, errors="ignore").splitlines() if line.strip()), "")
    return ".jsonl" if first.lstrip().startswith("{") else ".csv"


def shape_of(names: list[str]) -> tuple[str, int, int] | None:
    """The first accepted column pair among names, with the positions of its two columns, or None."""
    folded = [str(n).strip().casefold() if n is not None else "" for n in names]
    for first, second in SHAPES:
        if first in folded and second in folded:
            return f"{first}+{second}", folded.index(first), folded.index(second)
    return None


def unknown_shape(found: list[Any], what: str = "columns") -> AuditError:
    """The error for names that match no shape, naming at most ten of them (each cut at 40 characters)."""
    names = [str(n).strip() for n in found if n is not None and str(n).strip()]
    shown = ", ".join(repr(n if len(n) <= 40 else n[:39] + "…") for n in names[:10]) or "none"
    if len(names) > 10:
        shown += f" and {len(names) - 10:,} more"
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

    def __init__(self, path: str | Path, name: str | None = None, limits: ReadLimits | None = None):
        """path: the file to read; name: the owner's own name for it (an upload's saved path may end in whatever
        the browser's MIME type suggested), whose extension is weighed with the file's content."""
        self.path = Path(path)
        self.limits = limits or ReadLimits()
        self.shape: str | None = None
        self.blank_rows = 0
        self.broken_lines: list[int] = []  # JSONL lines that are not JSON objects (first 50 kept)
        self.broken_count = 0
        self.notes: list[str] = []
        self.encoding: str | None = None
        self._raw: Any = None  # the binary handle under a text file, for how far reading has got
        self._rows_declared = 0
        if not self.path.is_file():
            raise AuditError("No such file.")
        self.size = self.path.stat().st_size
        if self.size == 0:
            raise AuditError("The file is empty.")
        with open(self.path, "rb") as fh:
            self._head = fh.read(8192)
        self.suffix = file_format(self._head, Path(name or self.path.name).suffix.lower())

    def fraction_read(self) -> float | None:
        """How far through the file reading has got (0..1), or None when that is not known."""
        if self._raw is not None and not self._raw.closed:
            return min(1.0, self._raw.tell() / self.size)
        return None

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
        self._raw = open(self.path, "rb")  # noqa: SIM115 - the caller's with-block closes it with the wrapper
        return io.TextIOWrapper(self._raw, encoding=self.encoding, newline="" if self.suffix == ".csv" else None)

    # -- reading -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Example]:
        if self.suffix == ".csv":
            yield from self._csv()
        elif self.suffix == ".jsonl":
            yield from self._jsonl()
        else:
            yield from self._xlsx()

    def _too_many_rows(self) -> AuditError:
        return AuditError(
            f"The file has more than {self.limits.max_rows:,} rows, the most the audit reads: audit a sample of it, or split it."
        )

    def _table(self, rows: Iterator[Any]) -> Iterator[Example]:
        """Header row, then data rows; shared by CSV and Excel."""
        header: list[Any] | None = None
        number = 0
        seen = 0
        for cells in rows:
            if header is None:
                if _blank(cells):
                    continue
                header = list(cells)
                while header and cell_text(header[-1]).strip() == "":
                    header.pop()
                if len(header) > self.limits.max_columns:
                    raise AuditError(
                        f"The header has more than {self.limits.max_columns:,} columns: "
                        "keep the input and output columns and try again."
                    )
                found = shape_of(header)
                if found is None:
                    raise unknown_shape(header)
                self.shape, i_col, o_col = found
                continue
            number += 1
            if number > self.limits.max_rows:
                raise self._too_many_rows()
            n = len(cells)
            inp = cell_text(cells[i_col]) if i_col < n else ""
            out = cell_text(cells[o_col]) if o_col < n else ""
            if not (inp.strip() and out.strip()) and _blank(cells):
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

    def _check_archive(self) -> None:
        """Refuse a workbook whose parts unpack to more than the limit, by the sizes its archive declares.

        zipfile never returns more than a part's declared size, so these sizes bound what openpyxl can unpack
        (the shared-strings table, which it holds in memory whole, among them).
        """
        try:
            with zipfile.ZipFile(self.path) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise AuditError(f"Not a readable Excel workbook ({type(exc).__name__}).") from None
        unpacked = sum(part.file_size for part in parts)
        limit = self.limits.max_unpacked_bytes
        if len(parts) > 10_000 or unpacked > limit:
            raise AuditError(
                f"The workbook unpacks to {unpacked / 2**20:,.0f} MB, more than the {limit / 2**20:,.0f} MB "
                "the audit opens: save the sheet as CSV, or split it."
            )

    def _xlsx(self) -> Iterator[Example]:
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        self._check_archive()
        # A file object, not the path: openpyxl goes by a path's extension, and an upload's may be wrong.
        with open(self.path, "rb") as handle:
            try:
                # data_only=False: a formula comes back as its text ("=A1+1"), never computed or run.
                book = load_workbook(handle, read_only=True, data_only=False)
            except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
                raise AuditError(f"Not a readable Excel workbook ({type(exc).__name__}).") from None
            try:
                sheet = book.active or book.worksheets[0]
                others = [ws.title for ws in book.worksheets if ws.title != sheet.title]
                if others:
                    self.notes.append(
                        f"Only the sheet '{sheet.title}' was read; the workbook also has "
                        + ", ".join(f"'{t}'" for t in others)
                        + "."
                    )
                # The declared size is only a hint for progress: openpyxl would pad every row to it (a 6 KB file can
                # declare 1,048,576 x 16,384 cells), so the rows are read as stored, at most one column past the limit.
                self._rows_declared = sheet.max_row or 0
                sheet.reset_dimensions()
                yield from self._table(sheet.iter_rows(max_col=self.limits.max_columns + 1, values_only=True))
            finally:
                book.close()

    def _jsonl(self) -> Iterator[Example]:
        keys: tuple[str, str] | None = None
        parsed = 0
        with self._open_text() as fh:
            for number, line in enumerate(fh, start=1):
                if number > self.limits.max_rows:
                    raise self._too_many_rows()
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except (ValueError, RecursionError):
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
                if self.shape == CHAT_SHAPE:
                    yield _chat_example(number, _get(obj, "messages"))
                else:
                    if keys is None:
                        first, second = self.shape.split("+")
                        keys = (first, second)
                    yield Example(number, cell_text(_get(obj, keys[0])), cell_text(_get(obj, keys[1])))
        if parsed == 0:
            if self.broken_lines:
                raise AuditError(f"Line {self.broken_lines[0]} is not valid JSON, and no line could be read as a JSON object.")
            raise AuditError("The file is empty: every line is blank.")


def _blank(cells: Any) -> bool:
    """True when every cell is empty; counting None and "" first keeps padded spreadsheet rows cheap."""
    cells = tuple(cells)
    return cells.count(None) + cells.count("") == len(cells) or all(cell_text(c).strip() == "" for c in cells)


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
    texts = [
        (str(m.get("role", "")).strip().lower(), _content(m.get("content"))) if isinstance(m, dict) else ("", "")
        for m in messages
    ]
    last_user = max((i for i, (role, _) in enumerate(texts) if role == "user"), default=None)
    last_assistant = max((i for i, (role, _) in enumerate(texts) if role == "assistant"), default=None)
    extra = "\n".join(t for i, (_, t) in enumerate(texts) if i not in (last_user, last_assistant) and t)
    return Example(
        number,
        texts[last_user][1] if last_user is not None else "",
        texts[last_assistant][1] if last_assistant is not None else "",
        extra,
    )
