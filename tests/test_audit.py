"""The data audit: counts on files with known contents, every accepted shape and format, and every bad input."""

from __future__ import annotations

import csv
import json
import math
import re
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from chains.audit import (
    AUDIT_DEFINITIONS,
    PII_KINDS,
    AuditError,
    audit_file,
    audit_rows,
    escape_formula,
    personal_data,
    similar_pairs,
)
from chains.audit_text import format_text
from chains.examples import ExampleReader
from chains.near_duplicates import _all_pairs
from chains.settings import PROJECT_ROOT, Settings

SHAPES = [("input", "output"), ("prompt", "completion"), ("question", "answer"), ("text", "label")]
RESULT_KEYS = {
    "file",
    "shape",
    "rows",
    "empty",
    "duplicates",
    "clean",
    "pii_rows",
    "pii",
    "labels",
    "near_duplicates",
    "tokens",
    "tokens_per_example",
    "training_cost_gbp",
    "issues",
}


# --- a file with known contents -------------------------------------------------------------------------------
PII_TEXTS = {
    "email": [
        "Please reply to jane.doe@example.com",
        "cc bob_smith+shop@mail.example.co.uk",
        "from a@b.io today",
        "Contact: SALES@EXAMPLE.ORG",
        "write to ann.o'neil@example.net",
        "x.y@example.travel said so",
        "reach me at first.last@sub.example.com",
    ],
    "phone": ["Call me on 07700 900123", "Ring the office on +44 20 7946 0958", "Landline 0161 496 0000 after six"],
    "ni_number": ["My NI number is AB 12 34 56 C", "NINO JG103759A on file"],
    "postcode": ["Deliver to SW1A 1AA", "Shop at M1 1AE please", "ec1a 1bb is the office", "Depot B33 8TH"],
    "card": ["Card 4111 1111 1111 1111 was charged", "Paid with 5500-0000-0000-0004"],
}
NOT_PII = [
    "Card 4111 1111 1111 1112 declined",  # fails the Luhn check
    "Specimen NINO QQ 12 34 56 C from the HMRC manual",  # Q is never issued: HMRC's own example number
    "Order 123456 and ref 1234567890 on 2024-01-15",
    "Meet on the 2nd floor at 10am",
]


class Known:
    """150 rows: 125 clean (80 refund, 40 delivery, 5 complaint), 20 repeats differing in case or spacing, 5 empty."""

    def __init__(self):
        self.rows: list[tuple[str, str]] = []
        self.pii_rows = {kind: [] for kind in PII_KINDS}
        self.empty_rows: list[int] = []
        self.duplicate_rows: list[int] = []
        labels = ["refund"] * 80 + ["delivery"] * 40 + ["complaint"] * 5
        specials = [(kind, text) for kind, texts in PII_TEXTS.items() for text in texts] + [(None, t) for t in NOT_PII]
        originals = []
        for i, label in enumerate(labels):
            kind, extra = specials[i] if i < len(specials) else (None, "")
            text = f"Ticket {i}: customer writes about item {i * 7} {extra}".strip()
            self.rows.append((text, label))
            if kind:
                self.pii_rows[kind].append(len(self.rows))
            originals.append((text, label))
            if i % 25 == 3:  # an empty input or output every so often
                self.rows.append(("", "refund") if i % 2 else ("   ", "delivery"))
                self.empty_rows.append(len(self.rows))
            if i % 6 == 5 and len(self.duplicate_rows) < 20:  # a repeat of an earlier row, case and spacing changed
                text, label = originals[i - 2]
                self.rows.append(("  " + text.upper().replace(" ", "   "), label.title() + " "))
                self.duplicate_rows.append(len(self.rows))
        assert len(self.rows) == 150 and len(self.empty_rows) == 5 and len(self.duplicate_rows) == 20
        self.labels = {"refund": 80, "delivery": 40, "complaint": 5}
        self.clean_tokens = [
            math.ceil((len(a) + len(b)) / 4)
            for n, (a, b) in enumerate(self.rows, 1)
            if n not in self.empty_rows and n not in self.duplicate_rows
        ]


KNOWN = Known()


def write(path: Path, columns: tuple[str, str], rows, fmt: str, encoding: str = "utf-8") -> Path:
    if fmt == "csv":
        with open(path, "w", newline="", encoding=encoding) as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows(rows)
    elif fmt == "jsonl":
        with open(path, "w", encoding=encoding) as fh:
            for a, b in rows:
                fh.write(json.dumps({columns[0]: a, columns[1]: b}) + "\n")
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(list(columns))
        for a, b in rows:
            sheet.append([a, b])
        book.save(path)
    return path


def assert_known(result: dict, name: str, shape: str) -> None:
    assert set(result) == RESULT_KEYS
    assert (result["file"], result["shape"]) == (name, shape)
    assert (result["rows"], result["empty"], result["duplicates"], result["clean"]) == (150, 5, 20, 125)
    for kind in PII_KINDS:
        assert result["pii"][kind] == {"count": len(KNOWN.pii_rows[kind]), "rows": KNOWN.pii_rows[kind]}, kind
    assert result["pii_rows"] == 18
    assert result["labels"] == KNOWN.labels
    tokens = sorted(KNOWN.clean_tokens)
    assert result["tokens"]["total"] == sum(tokens)
    assert result["tokens"]["max"] == tokens[-1]
    assert result["tokens"]["p95"] == tokens[math.ceil(0.95 * 125) - 1]
    assert result["tokens"]["median"] == tokens[62]
    assert result["tokens_per_example"] == math.ceil(sum(tokens) / 125)
    assert result["training_cost_gbp"] == pytest.approx(sum(tokens) * 3 * 0.06 / 1e6, abs=1e-6)
    issues = "\n".join(result["issues"])
    assert "20 rows repeat an earlier row" in issues
    assert "5 rows have an empty input or output" in issues
    assert "18 rows hold personal data: emails in rows 1, 2, 3 and 4 more" in issues
    assert "badly unbalanced" in issues and "'complaint' only 5" in issues
    assert "clean examples" not in issues  # 125 is above the 100 the advisor asks for
    json.dumps(result)  # plain JSON types only


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
@pytest.mark.parametrize("columns", SHAPES, ids=["+".join(s) for s in SHAPES])
def test_known_counts_in_every_shape_and_format(tmp_path, fmt, columns):
    path = write(tmp_path / f"examples.{fmt}", columns, KNOWN.rows, fmt)
    assert_known(audit_file(path, embedder=False), path.name, "+".join(columns))


def test_header_names_ignore_case_and_spaces(tmp_path):
    path = write(tmp_path / "odd.csv", ("  Prompt ", "COMPLETION"), KNOWN.rows, "csv")
    assert_known(audit_file(path, embedder=False), "odd.csv", "prompt+completion")


def test_known_counts_in_memory():
    result = audit_rows(KNOWN.rows, embedder=False, name="pasted")
    assert_known(result, "pasted", "input+output")


def test_chat_jsonl_takes_the_last_user_and_assistant_messages(tmp_path):
    lines = []
    for a, b in KNOWN.rows:
        lines.append(
            {
                "messages": [
                    {"role": "user", "content": "an earlier question"},
                    {"role": "assistant", "content": "an earlier answer"},
                    {"role": "user", "content": a},
                    {"role": "assistant", "content": b},
                ]
            }
        )
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = audit_file(path, embedder=False)
    assert result["shape"] == "chat messages"
    assert (result["rows"], result["empty"], result["duplicates"], result["clean"]) == (150, 5, 20, 125)
    assert result["labels"] == KNOWN.labels
    assert result["pii"]["card"]["rows"] == KNOWN.pii_rows["card"]
    # Training reads every message, so the earlier turns count towards the tokens.
    earlier = len("an earlier question") + len("an earlier answer") + 1
    expected = [
        math.ceil((len(a.strip()) + len(b.strip()) + earlier) / 4)
        for n, (a, b) in enumerate(KNOWN.rows, 1)
        if n not in KNOWN.empty_rows and n not in KNOWN.duplicate_rows
    ]
    assert result["tokens"]["total"] == sum(expected)


def test_chat_content_parts_and_system_prompt(tmp_path):
    path = tmp_path / "chat.jsonl"
    line = {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "Email me at a@example.com"}]},
            {"role": "assistant", "content": "Done."},
        ]
    }
    no_answer = {"messages": [{"role": "user", "content": "Hello?"}]}
    path.write_text(json.dumps(line) + "\n" + json.dumps(no_answer) + "\n", encoding="utf-8")
    examples = list(ExampleReader(path))
    assert examples[0][1:] == ("Email me at a@example.com", "Done.", "Be brief.")
    result = audit_file(path, embedder=False)
    assert (result["rows"], result["empty"], result["clean"]) == (2, 1, 1)
    assert result["pii"]["email"]["rows"] == [1]


# --- bad input: one line, never a traceback --------------------------------------------------------------------
def _error(path: Path) -> str:
    with pytest.raises(AuditError) as caught:
        audit_file(path, embedder=False)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError) and "\n" not in message and "Traceback" not in message
    assert path.name not in message or path.name == "data"  # callers name the file; the message says what is wrong
    return message


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "The file is empty."),
        (b"   \n\n  \r\n", "The file is empty"),
        (b"input,output\n", "header row but no data rows"),
        (b"input,output\n,\n ,  \n", "header row but no data rows"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"PK\x03\x04" + bytes(200), "ZIP archive"),
        (b"input,output\nabc,\x00\x01\x02def\n", "binary data"),
        (b"input,output\n" + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 40 + b"\n", "garbled"),
        (b"input,output\nna\x81ve,caf\x8d\n", "neither UTF-8 nor Windows-1252"),
        (b"name,email\nAnn,ann@example.com\n", "Unrecognised columns ('name', 'email')"),
    ],
)
def test_bad_csv_gives_one_line(tmp_path, content, expected):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    assert expected in _error(path)


def test_unknown_columns_name_the_accepted_shapes(tmp_path):
    path = write(tmp_path / "x.xlsx", ("Customer", "Reply"), [("a", "b")], "xlsx")
    message = _error(path)
    assert "'Customer', 'Reply'" in message
    for first, second in SHAPES:
        assert f"{first}+{second}" in message
    assert "messages" in message


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("data.xls", b"\xd0\xcf\x11\xe0rest", "save it as .xlsx or .csv"),
        ("data.csv", b"%PDF-1.7 rest", "Not a text file: it looks like a PDF document renamed .csv"),
        ("data", b"\x7fELF\x02\x01", "Not a text file: it looks like a program."),
        ("data.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(100), "Not an Excel workbook: it looks like a PNG image"),
        ("data.xlsx", b"input,output\na,b\n", "Not an Excel workbook."),
        ("data.jsonl", b"\n\n", "every line is blank"),
        ("data.jsonl", b'{"colour": "red", "size": 3}\n', "Unrecognised keys on the first JSON line ('colour', 'size')"),
        ("data.jsonl", b"input,output\na,b\n", "Line 1 is not valid JSON"),
    ],
)
def test_bad_files_of_each_kind(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    assert expected in _error(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    assert "Not a readable Excel workbook" in _error(path)


def test_excel_header_only(tmp_path):
    path = write(tmp_path / "h.xlsx", ("question", "answer"), [], "xlsx")
    assert "header row but no data rows" in _error(path)


def test_missing_file(tmp_path):
    assert "No such file." in _error(tmp_path / "nope.csv")


def test_cp1252_file_is_read(tmp_path):
    rows = [("Price of the café menu", "£5 café")] * 1 + [
        (f"Question {i} about the café", "£5 café" if i % 2 else "Other") for i in range(9)
    ]
    path = write(tmp_path / "win.csv", ("text", "label"), rows, "csv", encoding="cp1252")
    assert "£".encode("cp1252") in path.read_bytes() and b"\xc2\xa3" not in path.read_bytes()
    result = audit_file(path, embedder=False)
    assert result["labels"] == {"£5 café": 5, "Other": 5}


def test_utf8_bom_is_read(tmp_path):
    path = write(tmp_path / "bom.csv", ("input", "output"), [("naïve question", "réponse")], "csv", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfinput")
    assert next(iter(ExampleReader(path)))[1:3] == ("naïve question", "réponse")
    assert audit_file(path, embedder=False)["shape"] == "input+output"


def test_utf16_tab_separated_from_excel_unicode_text(tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_text("Text\tLabel\nLe café est fermé\tclosed\nOpen today?\topen\n", encoding="utf-16")
    result = audit_file(path, embedder=False)
    assert (result["shape"], result["clean"]) == ("text+label", 2)


def test_semicolon_csv_from_european_excel(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("Question;Answer\nWhere is it?;Here\nWhen?;Now\n", encoding="utf-8")
    result = audit_file(path, embedder=False)
    assert (result["shape"], result["clean"]) == ("question+answer", 2)


def test_broken_json_lines_are_named_and_skipped(tmp_path):
    lines = [json.dumps({"input": f"q{i}", "output": f"a{i}"}) for i in range(1, 11)]
    lines[6] = '{"input": "q7", "output": '  # line 7
    lines[8] = '["a list", "not an object"]'  # line 9
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = audit_file(path, embedder=False)
    assert result["rows"] == 8
    assert "2 lines are not valid JSON and were skipped: lines 7 and 9." in result["issues"]


def test_all_broken_json_is_an_error_naming_the_first_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text("\n{oops\n{more oops\n", encoding="utf-8")
    assert "Line 2 is not valid JSON" in _error(path)


def test_blank_rows_are_skipped_but_keep_their_numbers(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("input,output\na@example.com,b\n,\n\nc,d\nphone 07700 900123,e\n", encoding="utf-8")
    result = audit_file(path, embedder=False)
    assert (result["rows"], result["empty"]) == (3, 0)
    assert result["pii"]["phone"]["rows"] == [5]  # the fifth data row, as a spreadsheet shows it
    assert "2 completely blank rows were skipped." in result["issues"]


# --- formulas: counted, never run --------------------------------------------------------------------------------
def test_formula_text_is_counted_not_evaluated(tmp_path):
    rows = [("=1+1", "two"), ("+44 something", "@SUM(A1)"), ("-5 degrees", "cold"), ("plain", "text")]
    path = write(tmp_path / "f.xlsx", ("input", "output"), rows, "xlsx")
    assert next(e[1:3] for e in ExampleReader(path)) == ("=1+1", "two")  # the formula's text, not 2
    result = audit_file(path, embedder=False)
    assert "4 cells start with =, +, - or @ and could run as formulas in a spreadsheet (rows 1, 2 and 3)" in "\n".join(
        result["issues"]
    )
    csv_path = write(tmp_path / "f.csv", ("input", "output"), rows[:1] + rows[3:], "csv")
    assert "1 cell starts with = and could run as a formula" in "\n".join(audit_file(csv_path, embedder=False)["issues"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =HYPERLINK()", "'  =HYPERLINK()"),
        ("\tcmd", "'\tcmd"),
        ("hello", "hello"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_escape_formula(text, expected):
    assert escape_formula(text) == expected


@given(st.text())
def test_escaped_text_never_starts_a_formula(text):
    escaped = escape_formula(text)
    assert escaped in (text, "'" + text)
    assert escaped.lstrip()[:1] not in ("=", "+", "-", "@")


# --- personal data --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, text", [(k, t) for k, texts in PII_TEXTS.items() for t in texts])
def test_personal_data_found(kind, text):
    assert personal_data(text) == {kind}


@pytest.mark.parametrize(
    "text",
    NOT_PII
    + [
        "AB 12 34 56 E is not an NI number",
        "XY1 2AB is no postcode area",
        "0000 0000 0000 0000",
        "email me @ home",
        "ten past 4th street",
        "Ring 1234567890",
        "the b2b 1st draft",
    ],
)
def test_personal_data_not_found(text):
    assert personal_data(text) == set()


# --- labels and thresholds --------------------------------------------------------------------------------------
def _labelled(counts: dict[str, int]) -> list[tuple[str, str]]:
    return [(f"{label} case number {i}", label) for label, n in counts.items() for i in range(n)]


@pytest.mark.parametrize(
    "counts, warned",
    [
        ({"a": 50, "b": 5}, True),  # largest exactly 10 x smallest
        ({"a": 45, "b": 5}, False),  # 9 x, and b holds 10%
        ({"a": 9, "b": 9, "c": 9, "d": 1}, True),  # d under 5% (1 of 28)
        ({"a": 9, "b": 9, "c": 1}, False),  # c just over 5% (1 of 19)
    ],
)
def test_label_imbalance_rule(counts, warned):
    result = audit_rows(_labelled(counts), embedder=False)
    assert result["labels"] == dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    assert any("badly unbalanced" in issue for issue in result["issues"]) is warned


@pytest.mark.parametrize("distinct, is_labels", [(20, True), (21, False)])
def test_at_most_twenty_labels(distinct, is_labels):
    result = audit_rows(_labelled({f"class {i}": 3 for i in range(distinct)}), embedder=False)
    assert (result["labels"] is not None) is is_labels


@pytest.mark.parametrize("length, is_labels", [(40, True), (41, False)])
def test_labels_are_short(length, is_labels):
    result = audit_rows(_labelled({"x" * length: 5, "y": 5}), embedder=False)
    assert (result["labels"] is not None) is is_labels


@pytest.mark.parametrize("rows, is_labels", [(4, True), (3, False)])
def test_labels_need_twice_as_many_rows_as_values(rows, is_labels):
    result = audit_rows([(f"q{i}", "yes" if i % 2 else "no") for i in range(rows)], embedder=False)
    assert (result["labels"] is not None) is is_labels


def test_single_label_is_flagged():
    result = audit_rows(_labelled({"spam": 10}), embedder=False)
    assert result["labels"] == {"spam": 10}
    assert any("same output 'spam'" in issue for issue in result["issues"])


@pytest.mark.parametrize("clean, flagged", [(99, True), (100, False)])
def test_too_few_clean_examples(clean, flagged):
    result = audit_rows([(f"question {i}", f"answer {i}") for i in range(clean)], embedder=False)
    assert any("below 100, fine-tuning tends to overfit" in issue for issue in result["issues"]) is flagged


def test_threshold_comes_from_settings():
    rows = [(f"question {i}", f"answer {i}") for i in range(40)]
    result = audit_rows(
        rows, Settings(min_clean_examples=50, epochs=2, price_per_million_training_tokens_gbp=1.5), embedder=False
    )
    assert "Only 40 clean examples: below 50" in result["issues"][0]
    assert result["training_cost_gbp"] == pytest.approx(result["tokens"]["total"] * 2 * 1.5 / 1e6)


def test_tokens_are_characters_over_four_rounded_up():
    result = audit_rows([("abcd", "efgh"), ("abcde", "f"), (" a ", "b"), ("x" * 37, "y")], embedder=False)
    assert result["tokens"] == {"total": 2 + 2 + 1 + 10, "mean": 3.8, "median": 2.0, "p95": 10, "max": 10}
    assert result["tokens_per_example"] == 4


def test_nothing_clean():
    result = audit_rows([("", "x"), ("y", " ")], embedder=False)
    assert (result["clean"], result["tokens_per_example"], result["labels"], result["training_cost_gbp"]) == (0, None, None, 0)
    assert result["issues"][0].startswith("0 clean examples")
    assert audit_rows([], embedder=False)["rows"] == 0


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", " ", "Hi", "hi ", "HI", "Bye", "a  b", "A B"]), st.sampled_from(["", "ok", "OK ", "no", "No"])
        ),
        max_size=40,
    )
)
@hyp_settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_counts_add_up(rows):
    result = audit_rows(rows, embedder=False)
    assert result["clean"] == result["rows"] - result["empty"] - result["duplicates"]
    norm = lambda s: " ".join(s.split()).casefold()  # noqa: E731
    distinct = {(norm(a), norm(b)) for a, b in rows if a.strip() and b.strip()}
    assert result["clean"] == len(distinct)


# --- near-duplicates ----------------------------------------------------------------------------------------------
class HashingEmbedder:
    """Bag-of-words vectors: each lower-cased word adds 1 to a dimension chosen by its CRC32; rows L2-normalised.

    Two texts with the same words in any order score 1.0; texts sharing no words score about 0.
    """

    dimension = 512

    def __init__(self):
        self.calls: list[int] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, zlib.crc32(word.encode()) % self.dimension] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


VOCAB = [
    "apple",
    "banana",
    "cherry",
    "damson",
    "elder",
    "fig",
    "grape",
    "hazel",
    "iris",
    "juniper",
    "kale",
    "lemon",
    "mango",
    "nectar",
    "olive",
    "pear",
    "quince",
    "radish",
    "sage",
    "thyme",
    "ugli",
    "vanilla",
    "walnut",
    "yam",
    "zucchini",
    "anchor",
    "bridge",
    "castle",
    "dune",
    "ember",
    "forest",
    "glacier",
    "harbour",
    "island",
    "jungle",
    "kettle",
    "lantern",
    "meadow",
]


def _distinct_rows(n: int) -> list[tuple[str, str]]:
    return [(" ".join(VOCAB[(i * 3 + k) % len(VOCAB)] + str(i) for k in range(6)), f"answer {i}") for i in range(n)]


def test_near_duplicates_found_and_distinct_rows_left_alone():
    rows = _distinct_rows(30)
    rows[10] = ("where is my parcel it was due on monday from the depot", "It is on its way.")
    rows.append(("From the depot, it was due on Monday: where is my parcel?", "Sorry, checking now."))  # 31: reordered
    rows[20] = ("please cancel my subscription to the monthly coffee box today", "Cancelled.")
    rows.append(("please cancel my subscription to the monthly coffee box today thanks", "Done."))  # 32: one extra word
    rows.append(("PLEASE cancel my subscription to the monthly coffee box  today", "Cancelled."))  # 33: exact repeat of 21
    rows.append((rows[4][0], "A different answer"))  # 34: same input as row 5, other output
    embedder = HashingEmbedder()
    result = audit_rows(rows, embedder=embedder)
    assert result["duplicates"] == 1 and result["clean"] == 33
    near = result["near_duplicates"]
    assert near["count"] == 3
    assert [p[:2] for p in near["pairs"]] == [[5, 34], [11, 31], [21, 32]]
    assert near["pairs"][0][2] == 1.0 and near["pairs"][1][2] == pytest.approx(1.0, abs=1e-4)
    assert 0.95 <= near["pairs"][2][2] < 1.0
    assert sum(embedder.calls) == 32  # each distinct input embedded once: 33 clean rows, rows 5 and 34 share one
    assert any("3 pairs of rows have near-identical inputs" in issue for issue in result["issues"])


@pytest.mark.parametrize("offset, found", [(-0.001, True), (0.001, False)])
def test_near_duplicate_threshold_both_sides(offset, found):
    rows = _distinct_rows(10) + [
        ("please cancel my subscription to the monthly coffee box today", "a"),
        ("please cancel my subscription to the monthly coffee box today thanks", "b"),
    ]
    vectors = HashingEmbedder().embed([rows[-2][0], rows[-1][0]])
    cosine = float(vectors[0] @ vectors[1])
    result = audit_rows(rows, Settings(near_duplicate_cosine=cosine + offset), embedder=HashingEmbedder())
    assert (result["near_duplicates"]["count"] == 1) is found


def test_many_rows_with_one_input_list_the_first_twenty_pairs():
    rows = [("the same question", f"answer {i}") for i in range(25)]
    embedder = HashingEmbedder()
    near = audit_rows(rows, embedder=embedder)["near_duplicates"]
    assert near["count"] == 25 * 24 // 2
    assert near["pairs"] == [[1, b, 1.0] for b in range(2, 22)]
    assert embedder.calls == []  # one distinct input: nothing to compare, so nothing embedded


def test_every_input_is_compared_however_many_there_are():
    embedder = HashingEmbedder()
    rows = _distinct_rows(2500) + [("apple0 banana0 cherry0 damson0 elder0 fig0 again", "answer")]
    result = audit_rows(rows, embedder=embedder)
    assert sum(embedder.calls) == 2501 and result["near_duplicates"]["count"] >= 1
    assert not [i for i in result["issues"] if i.startswith("Near-duplicates were not checked")]


def test_a_search_past_its_deadline_is_a_finding(tmp_path):
    path = write(tmp_path / "x.csv", ("input", "output"), _distinct_rows(20), "csv")
    result = audit_file(path, embedder=HashingEmbedder(), deadline=time.perf_counter() - 1)
    assert result["near_duplicates"] is None and result["clean"] == 20
    assert any("would take longer than the audit may run" in issue for issue in result["issues"])


def test_embedder_false_skips_near_duplicates():
    assert audit_rows(_distinct_rows(5), embedder=False)["near_duplicates"] is None


def test_missing_embedding_model_is_a_finding_not_a_crash(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "chains.embeddings", None)  # import fails as if the module did not exist
    result = audit_rows(_distinct_rows(5))
    assert result["near_duplicates"] is None
    assert any(issue.startswith("Near-duplicates were not checked") for issue in result["issues"])


def test_a_callers_broken_embedder_raises():
    class Broken:
        def embed(self, texts):
            return np.zeros((len(texts) - 1, 3), dtype=np.float32)

    with pytest.raises(ValueError, match="embedder returned shape"):
        audit_rows(_distinct_rows(5), embedder=Broken())


def _planted(n: int, pairs: int, seed: int = 1, low: float = 0.93) -> np.ndarray:
    """n random unit vectors in 384 dimensions sharing a common direction (as sentence embeddings do), with
    `pairs` of them copied with noise so that their cosines spread over low-0.999."""
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, 384)).astype(np.float32) + 0.8 * rng.standard_normal(384).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for k in range(pairs):
        a, b = 2 * k, 2 * k + 1
        noise = rng.standard_normal(384).astype(np.float32)
        noise -= (noise @ vectors[a]) * vectors[a]
        noise /= np.linalg.norm(noise)
        cos = rng.uniform(low, 0.999)
        vectors[b] = cos * vectors[a] + math.sqrt(1 - cos * cos) * noise
    return vectors


def test_lsh_search_agrees_with_comparing_every_pair():
    vectors = _planted(12_000, 400)
    truth = _all_pairs(vectors, 0.95)
    found = similar_pairs(vectors, 0.95)
    truth_set = set(zip(truth[0].tolist(), truth[1].tolist(), strict=True))
    found_set = set(zip(found[0].tolist(), found[1].tolist(), strict=True))
    assert len(found[0]) == len(found_set)  # no pair reported twice
    assert found_set <= truth_set  # nothing under the threshold
    assert len(truth_set) >= 200 and len(found_set) >= 0.99 * len(truth_set)
    assert np.all(found[0] < found[1]) and np.all(found[2] >= 0.95)


def test_the_static_filter_keeps_the_inputs_of_nearly_every_pair():
    from chains.near_duplicates import paired

    vectors = _planted(12_000, 400, low=0.90)
    truth = _all_pairs(vectors, 0.90)
    expected = set(truth[0].tolist()) | set(truth[1].tolist())
    kept = set(paired(vectors, 0.90).tolist())
    assert kept <= set(range(12_000)) and len(expected) >= 700
    assert len(kept & expected) >= 0.99 * len(expected) and len(kept - expected) == 0


def test_crowded_buckets_fall_back_to_every_pair(monkeypatch):
    import chains.near_duplicates as audit

    rng = np.random.default_rng(3)
    centres = rng.standard_normal((3, 384)).astype(np.float32)
    vectors = np.repeat(centres, 2100, axis=0) + 0.02 * rng.standard_normal((6300, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    calls = []
    monkeypatch.setattr(audit, "_all_pairs", lambda v, t: calls.append(len(v)) or _all_pairs(v, t))
    i, _j, _c = audit.similar_pairs(vectors, 0.99999)
    assert calls == [6300] and len(i) == 0


@pytest.mark.slow
def test_real_embedder_finds_paraphrases(shared_data_dir):
    settings = Settings(data_dir=shared_data_dir, llm="off")
    rows = [
        ("How do I reset my password?", "Use the link on the sign-in page."),
        ("How can I reset my password?", "Click 'Forgot password'."),
        ("What are your opening hours on Saturday?", "9 to 5."),
        ("Do you deliver to Northern Ireland?", "Yes, in 3 days."),
        ("My invoice shows the wrong VAT number", "We'll reissue it."),
        ("Can I pay by bank transfer?", "Yes."),
    ]
    near = audit_rows(rows, settings)["near_duplicates"]
    assert [p[:2] for p in near["pairs"]] == [[1, 2]]


@pytest.mark.slow
def test_large_sets_are_narrowed_down_and_keep_the_full_models_answer(shared_data_dir):
    import sys

    from chains.near_duplicates import EXACT_UP_TO, SearchModels, embed, similar_inputs

    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
    from tickets import generate_rows  # the benchmark's generated support messages

    settings = Settings(data_dir=shared_data_dir, llm="off")
    texts = list(dict.fromkeys(inp.strip() for inp, _ in generate_rows(4000, seed=3)))
    assert len(texts) > EXACT_UP_TO
    models = SearchModels.load(settings, len(texts))
    (i, j, _c), stats = similar_inputs(texts, 0.95, models)
    truth = _all_pairs(embed(models.full, texts), 0.95)
    found, exact = set(zip(i.tolist(), j.tolist(), strict=True)), set(zip(truth[0].tolist(), truth[1].tolist(), strict=True))
    assert len(exact) >= 100
    assert len(found & exact) >= 0.95 * len(exact)  # recall
    assert len(found & exact) >= 0.95 * len(found)  # precision
    assert stats.full < len(texts) / 4 and stats.quick < len(texts) / 2  # most inputs never met the full model


# --- memory, report, definitions ---------------------------------------------------------------------------------
def test_a_20_mb_file_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    filler = "The customer explains the problem at some length, with details of what went wrong and when. " * 12
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["input", "output"])
        i = 0
        while fh.tell() < 20_000_000:
            writer.writerow([f"Ticket {i}. {filler}", f"Reply {i % 50}. Thanks for getting in touch."])
            i += 1
    size = path.stat().st_size
    tracemalloc.start()
    try:
        result = audit_file(path, embedder=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result["rows"] == result["clean"] == i
    assert peak < size / 5, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


def test_format_text_states_figures_findings_and_definitions():
    text = format_text(audit_rows(KNOWN.rows, embedder=False, name="tickets.csv"))
    assert text.startswith("Data audit of tickets.csv (input+output)")
    for line in (
        "Rows read             150",
        "Clean examples        125",
        "Near-duplicate pairs  not checked",
        "Labels                refund 80, delivery 40, complaint 5",
    ):
        assert line in text
    assert "20 rows repeat an earlier row" in text
    assert AUDIT_DEFINITIONS["empty"] in text and AUDIT_DEFINITIONS["personal_data"] in text
    assert "x 3 epochs at £0.06 per million" in text


def test_definitions_cover_every_count():
    assert {"empty", "duplicates", "clean", "personal_data", "near_duplicates", "labels", "tokens", "training_cost"} <= set(
        AUDIT_DEFINITIONS
    )
