"""The `pitchcheck` command's protocols, run as a user would: a real process, stdin in, stdout out."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from chains.facts import FIELD_NAMES
from chains.settings import PROJECT_ROOT, Settings
from chains.verdict import assess

GUIDE_FACTS = {
    "mechanism": "fine_tuning",
    "quote_gbp": 18000,
    "task": "open_writing",
    "monthly_volume": 12,
    "clean_examples": 40,
    "task_stable": "yes",
    "personal_data": "none",
    "prompt_rag": "not_tried",
    "fresh_knowledge": "no",
    "regulated": "no",
    "vendor_examples": "not_asked",
    "vendor_shortfall": "no",
    "vendor_retraining": "not_asked",
}


def pitchcheck(*args, stdin="", data_dir=None, tmp_path=None):
    env = {**os.environ, "PITCHCHECK_LLM": "off", "HF_HUB_OFFLINE": "1"}
    if data_dir:
        env["PITCHCHECK_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "chains.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path or PROJECT_ROOT,
        env=env,
        timeout=300,
    )


def test_chat_json_is_lock_step_and_reaches_a_verdict(tmp_path):
    lines = [
        "They'll fine-tune the model on our client reports for £18,000",
        "about twelve a month",
        "maybe forty",
        "what's LoRA?",
        "I think so",
        "no personal data",
        "we haven't tried that",
        "no",
        "no",
        "haven't asked",
        "no, they couldn't say",
        "haven't asked",
        "why?",
    ]
    proc = pitchcheck("chat", "--json", "--lexical", stdin="\n".join(lines) + "\n", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    objects = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(objects) == len(lines) + 1  # one on start, one per input line
    first = objects[0]
    assert first["awaiting"]["field"] == "pitch" and first["verdict"] is None
    for obj in objects:
        assert set(obj) == {"replies", "awaiting", "facts", "verdict"}
        assert obj["awaiting"] is None or obj["awaiting"]["field"] in FIELD_NAMES
        for reply in obj["replies"]:
            assert set(reply) == {"kind", "text", "sources"}
    explanation = objects[4]["replies"][0]
    assert explanation["kind"] == "explanation" and explanation["sources"][0]["id"] == "lora"
    final = next(o for o in objects if o["verdict"])
    assert final["verdict"]["verdict"] == "decline"
    assert final["facts"]["clean_examples"] == 40 and final["facts"]["quote"] == 18000
    assert "40" in objects[-1]["replies"][0]["text"]  # "why?" answers with the owner's number


def test_assess_reads_fact_lines_and_writes_verdict_lines(tmp_path):
    facts = [
        GUIDE_FACTS,
        {**GUIDE_FACTS, "clean_examples": 5000, "monthly_volume": 6000, "task": "classification", "prompt_rag": "not_acceptable"},
        {},
    ]
    stdin = "\n".join(json.dumps(f) for f in facts) + "\n"
    proc = pitchcheck("assess", "-", "--json", stdin=stdin, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    verdicts = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [v["verdict"] for v in verdicts] == ["decline", "fine_tune", "clarify"]
    # The CLI writes the verdict exactly as the engine makes it, key for key.
    assert set(verdicts[0]) == set(assess({}, Settings()))


def test_assess_names_a_bad_line_and_exits_non_zero(tmp_path):
    proc = pitchcheck("assess", "-", "--json", stdin='{"task": "juggling"}\nnot json\n', tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "line 1" in proc.stderr and "line 2" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_pitch_reading_as_json(tmp_path):
    proc = pitchcheck(
        "pitch", "-", "--json", stdin="We'll customise the model on your data for £9,500 plus £300 a month.", tmp_path=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    reading = json.loads(proc.stdout)
    assert reading["mechanism"] == "unclear"
    assert reading["quote_gbp"] == 9500 and reading["monthly_fee_gbp"] == 300


@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_report_from_facts(tmp_path, fmt):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(GUIDE_FACTS))
    out = tmp_path / f"report.{fmt}"
    proc = pitchcheck("report", str(facts), "--format", fmt, "-o", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    if fmt == "pdf":
        text = "\n".join(page.extract_text() for page in PdfReader(str(out)).pages)
    else:
        text = out.read_text()
    assert "£18,000" in text and "40" in text
    assert "Decline" in text


def test_report_of_a_broken_file_is_one_line(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text("{not json")
    proc = pitchcheck("report", str(facts), "-o", str(tmp_path / "r.md"), tmp_path=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "not valid JSON" in proc.stderr


def test_audit_text_and_json(tmp_path):
    csv = tmp_path / "examples.csv"
    rows = (
        ["input,output"] + [f"Ticket {i} about a refund,billing" for i in range(30)] + ["Ticket 1 about a refund,billing", ",x"]
    )
    csv.write_text("\n".join(rows) + "\n")
    text = pitchcheck("audit", str(csv), "--no-near-duplicates", tmp_path=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "Clean examples" in text.stdout and "30" in text.stdout
    as_json = pitchcheck("audit", str(csv), "--json", "--no-near-duplicates", tmp_path=tmp_path)
    result = json.loads(as_json.stdout)
    assert (result["rows"], result["empty"], result["duplicates"], result["clean"]) == (32, 1, 1, 30)


def test_audit_of_a_missing_or_broken_file_exits_non_zero(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"input": "a", "output": "b"}\n{broken\n')
    missing = pitchcheck("audit", str(tmp_path / "nope.csv"), tmp_path=tmp_path)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    proc = pitchcheck("audit", str(empty), tmp_path=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stderr.strip()


# --- bad numbers and hostile files ------------------------------------------------------------------------------
def test_assess_reports_each_bad_number_in_a_short_line_and_carries_on(tmp_path):
    lines = [
        '{"quote": 1e308}',
        '{"monthly_volume": 1' + "0" * 5000 + "}",
        "[" * 50_000 + "]" * 50_000,
        '{"monthly_fee": -1e308}',
        json.dumps(GUIDE_FACTS),
    ]
    proc = pitchcheck("assess", "-", "--json", stdin="\n".join(lines) + "\n", tmp_path=tmp_path)
    assert proc.returncode == 1
    errors = proc.stderr.splitlines()
    assert [e.split(":")[1].strip() for e in errors] == ["line 1", "line 2", "line 3", "line 4"]
    assert all(len(e) < 400 for e in errors) and "Traceback" not in proc.stderr and "OverflowError" not in proc.stderr
    written = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [("error" in w) for w in written] == [True, True, True, True, False]
    assert written[-1]["verdict"] == "decline"


@pytest.mark.parametrize(
    "facts", ['{"monthly_volume": 1e308}', '{"quote": "1' + "0" * 100_000 + '"}', "[" * 50_000 + "]" * 50_000]
)
def test_report_of_a_bad_number_is_one_short_line(tmp_path, facts):
    path = tmp_path / "facts.json"
    path.write_text(facts)
    proc = pitchcheck("report", str(path), "-o", str(tmp_path / "r.md"), tmp_path=tmp_path)
    assert proc.returncode == 1 and not (tmp_path / "r.md").exists()
    assert proc.stderr.count("\n") == 1 and len(proc.stderr) < 400 and "Traceback" not in proc.stderr


def test_audit_of_a_million_column_header_is_one_short_line(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"column{i}" for i in range(1_000_000)) + "\na,b\n")
    proc = pitchcheck("audit", str(wide), tmp_path=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and len(proc.stderr) < 400 and "more than 200 columns" in proc.stderr


def test_audit_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    csv = tmp_path / "examples.csv"
    csv.write_text("input,output\n" + "".join(f"Ticket {i} about a refund,billing\n" for i in range(60_000)))
    quiet = pitchcheck("audit", str(csv), "--no-near-duplicates", tmp_path=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""
    shown = pitchcheck("audit", str(csv), "--no-near-duplicates", "--progress", tmp_path=tmp_path)
    assert shown.returncode == 0 and shown.stdout == quiet.stdout
    frames = shown.stderr.splitlines()  # each redraw starts with a carriage return, read here as a new line
    assert any("examples.csv: Starting the audit" in f for f in frames)
    assert any("Reading rows" in f and "%" in f for f in frames)
    assert frames[-1].strip() == ""  # the bar is wiped when it is done


@pytest.mark.parametrize("quote, symbol", [("$25,000", "$"), ("€20k", "€")])
def test_a_dollar_or_euro_interview_in_the_terminal_ends_in_that_currency(quote, symbol):
    lines = [
        "They'll fine-tune the model on our support tickets.",
        quote,
        "sorting tickets",
        "5,000 a month",
        "about 2,000",
        "yes",
        "no personal data",
        "tried, not good enough",
        "no",
        "no",
        "yes",
        "yes",
        "yes",
    ]
    out = subprocess.run(
        [sys.executable, "-m", "chains.cli", "chat", "--json", "--lexical"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    final = [json.loads(line) for line in out.stdout.splitlines()][-1]
    assert final["verdict"] is not None and final["facts"]["currency"] == {"$": "USD", "€": "EUR"}[symbol]
    summary = final["verdict"]["economics"]["summary"]
    assert summary.startswith(f"The {symbol}") and symbol in summary
