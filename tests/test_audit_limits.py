"""The audit under hostile files: bounded size, rows, columns, time and memory; file types by content and name."""

from __future__ import annotations

import asyncio
import csv
import json
import multiprocessing
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from chains.audit import audit_file
from chains.audit_worker import AuditError, run_audit
from chains.examples import ExampleReader
from chains.settings import Settings


def _workbook(path: Path, rows: list[tuple[str, str]], header=("input", "output")) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _rewrite(path: Path, part: str, change) -> None:
    """Replace one part of a zip archive with change(old bytes)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts.get(part, b""))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _csv(path: Path, rows, header=("input", "output")) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


ROWS = [(f"Where is order {i}?", f"It ships on day {i}.") for i in range(30)]


def _error(path: Path, settings: Settings | None = None, **kwargs) -> str:
    with pytest.raises(AuditError) as caught:
        audit_file(path, settings or Settings(), embedder=False, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 700, message
    return message


# --- spreadsheets that lie about their size ----------------------------------------------------------------
def test_a_workbook_declaring_a_million_rows_reads_what_it_holds_quickly(tmp_path):
    path = _workbook(tmp_path / "wide.xlsx", ROWS)
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:B31"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    assert b"XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    started = time.perf_counter()
    result = audit_file(path, embedder=False)
    assert time.perf_counter() - started < 5
    assert (result["rows"], result["clean"]) == (30, 30)


def test_a_workbook_with_a_row_a_million_rows_down_is_refused_quickly(tmp_path):
    path = _workbook(tmp_path / "far.xlsx", ROWS)
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>late</t></is></c></row></sheetData>'
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"</sheetData>", far))
    started = time.perf_counter()
    message = _error(path, Settings(audit_max_rows=100_000))
    assert "more than 100,000 rows" in message
    assert time.perf_counter() - started < 5


def test_a_cell_in_the_last_column_does_not_widen_every_row(tmp_path):
    path = _workbook(tmp_path / "xfd.xlsx", ROWS)
    cell = b'<c r="XFD2" t="inlineStr"><is><t>far right</t></is></c>'

    def widen(xml: bytes) -> bytes:
        end = xml.index(b"</row>", xml.index(b'<row r="2"'))
        return xml[:end] + cell + xml[end:]

    _rewrite(path, "xl/worksheets/sheet1.xml", widen)
    started = time.perf_counter()
    result = audit_file(path, embedder=False)
    assert result["rows"] == 30 and time.perf_counter() - started < 5


def test_a_shared_strings_bomb_is_refused_before_it_is_opened(tmp_path):
    path = _workbook(tmp_path / "bomb.xlsx", ROWS)
    bomb = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + b"A" * 60_000_000 + b"</t></si></sst>"
    )
    _rewrite(path, "xl/sharedStrings.xml", lambda _: bomb)
    assert path.stat().st_size < 200_000  # it is small on disk
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = _error(path, Settings(audit_max_unpacked_mb=50))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "unpacks to 57 MB, more than the 50 MB" in message
    assert time.perf_counter() - started < 2 and peak < 5_000_000


# --- headers, rows and names ------------------------------------------------------------------------------
def test_a_header_of_a_million_columns_gets_a_short_line(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\na,b\n")
    started = time.perf_counter()
    message = _error(path)
    assert message.startswith("The header has more than 200 columns")
    assert time.perf_counter() - started < 10


def test_unknown_columns_are_named_in_a_bounded_line(tmp_path):
    path = _csv(tmp_path / "many.csv", [("x",) * 150], header=tuple(f"column number {i} " * 5 for i in range(150)))
    message = _error(path)
    assert message.startswith("Unrecognised columns (") and "and 140 more" in message and len(message) < 700


def test_more_rows_than_the_limit_are_refused(tmp_path):
    path = _csv(tmp_path / "long.csv", ROWS)
    assert "more than 29 rows" in _error(path, Settings(audit_max_rows=29))
    assert audit_file(path, Settings(audit_max_rows=30), embedder=False)["rows"] == 30
    jsonl = tmp_path / "long.jsonl"
    jsonl.write_text("".join(json.dumps({"prompt": a, "completion": b}) + "\n" for a, b in ROWS))
    assert "more than 29 rows" in _error(jsonl, Settings(audit_max_rows=29))


@pytest.mark.parametrize(
    "saved_as, name, content, shape",
    [
        ("upload", None, b'{"prompt": "a", "completion": "b"}\n', "prompt+completion"),  # .jsonl with no MIME type
        ("upload.xls", "examples.csv", b"question,answer\na,b\n", "question+answer"),  # CSV as application/vnd.ms-excel
        ("upload.xls", None, b"question,answer\na,b\n", "question+answer"),
        ("upload.bin", "examples.jsonl", b'{"input": "a", "output": "b"}\n', "input+output"),
        ("notes.txt", None, b"text\tlabel\nhello\tgreeting\n", "text+label"),
    ],
)
def test_file_type_comes_from_content_and_name(tmp_path, saved_as, name, content, shape):
    path = tmp_path / saved_as
    path.write_bytes(content)
    result = audit_file(path, embedder=False, name=name)
    assert (result["shape"], result["rows"], result["file"]) == (shape, 1, name or saved_as)


def test_a_workbook_saved_without_its_extension_is_read_as_one(tmp_path):
    path = _workbook(tmp_path / "book.xlsx", ROWS)
    renamed = path.rename(tmp_path / "upload")
    assert ExampleReader(renamed).suffix == ".xlsx"
    assert audit_file(renamed, embedder=False)["rows"] == 30


def test_a_deeply_nested_json_line_is_a_broken_line(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"input": "a", "output": "b"}\n' + "[" * 100_000 + "]" * 100_000 + "\n")
    result = audit_file(path, embedder=False)
    assert result["rows"] == 1 and any("1 line is not valid JSON" in i for i in result["issues"])


# --- the worker -------------------------------------------------------------------------------------------
def _audit_workers() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "pitchcheck-audit"]  # not the report worker


def _no_workers_left() -> bool:
    deadline = time.monotonic() + 5
    while _audit_workers() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _audit_workers()


def test_run_audit_gives_the_same_result_in_its_worker(tmp_path):
    path = _csv(tmp_path / "x.csv", ROWS + ROWS[:3])
    result = asyncio.run(run_audit(path, Settings(), name="mine.csv", near_duplicates=False))
    assert result == audit_file(path, embedder=False, name="mine.csv")
    assert (result["rows"], result["duplicates"], result["file"]) == (33, 3, "mine.csv")


def test_run_audit_reports_progress_to_a_coroutine(tmp_path):
    path = _csv(tmp_path / "big.csv", [(f"Ticket {i}: the parcel is late again", f"Reply {i}") for i in range(120_000)])
    seen: list[tuple[str, float]] = []

    async def progress(message: str, fraction: float) -> None:
        seen.append((message, fraction))

    result = asyncio.run(run_audit(path, Settings(), progress=progress, near_duplicates=False))
    assert result["rows"] == 120_000
    reading = [f for m, f in seen if m == "Reading rows"]
    assert seen[0][0] == "Starting the audit" and len(reading) >= 2
    assert reading == sorted(reading) and 0 < reading[-1] <= 1


def test_an_audit_past_its_time_limit_is_stopped(tmp_path):
    path = _csv(tmp_path / "slow.csv", [(f"Ticket {i}: the parcel is late again", f"Reply {i}") for i in range(190_000)])
    started = time.monotonic()
    with pytest.raises(AuditError, match="took longer than 1 seconds and was stopped"):
        asyncio.run(run_audit(path, Settings(audit_time_limit_s=1), near_duplicates=False))
    assert time.monotonic() - started < 8
    assert _no_workers_left()


def test_an_audit_over_its_memory_limit_is_stopped(tmp_path):
    path = _csv(tmp_path / "x.csv", ROWS)
    with pytest.raises(AuditError, match="needed more than 30 MB of memory and was stopped"):
        asyncio.run(run_audit(path, Settings(audit_memory_mb=30), near_duplicates=False))
    assert _no_workers_left()


def test_an_unreadable_file_comes_back_as_one_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    with pytest.raises(AuditError, match=r"^Not a text file: it looks like a PNG image renamed \.csv\.$"):
        asyncio.run(run_audit(path, Settings(), near_duplicates=False))


def test_cancelling_the_audit_stops_its_worker(tmp_path):
    path = _csv(tmp_path / "slow.csv", [(f"Ticket {i}: the parcel is late again", f"Reply {i}") for i in range(190_000)])

    async def cancel_soon():
        task = asyncio.create_task(run_audit(path, Settings(), near_duplicates=False))
        await asyncio.sleep(1.0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_soon())
    assert _no_workers_left()


def test_a_second_audit_waits_its_turn(tmp_path):
    path = _csv(tmp_path / "x.csv", ROWS)
    said: list[list[str]] = [[], []]

    async def both():
        settings = Settings(audit_workers=1)
        return await asyncio.gather(
            *(run_audit(path, settings, near_duplicates=False, progress=lambda m, f, k=k: said[k].append(m)) for k in (0, 1))
        )

    first, second = asyncio.run(both())
    assert first == second
    assert sum("Waiting for another audit to finish" in messages for messages in said) == 1
