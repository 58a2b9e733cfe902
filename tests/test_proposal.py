"""A vendor's proposal as a file (PDF, DOCX, HTML, TXT) read to text, and read as a pitch from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from chains.proposal import ProposalError, read_proposal
from chains.settings import Settings

PROPOSAL = [
    "Proposal: support ticket model for Ridgeline Home Services",
    "We will train LoRA adapters on 4,000 of your past tickets, so the model's weights change to reflect your "
    "products and your tone.",
    "Fixed project fee: $18,000 to $40,000, depending on the number of intents.",
    "Optional managed hosting: $1,200 a month.",
    "It learns your brand voice automatically.",
]


def make_pdf(path, lines):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_scanned_pdf(path):
    """A PDF whose page is only a picture, as a scanner makes it: no text layer at all."""
    from fpdf import FPDF
    from PIL import Image

    image = path.with_suffix(".png")
    Image.new("RGB", (200, 100), "white").save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=150)
    pdf.output(str(path))
    return path


def make_docx(path, lines):
    from docx import Document

    doc = Document()
    doc.add_heading(lines[0], level=1)
    for line in lines[1:3]:
        doc.add_paragraph(line)
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Item", "Price"
    table.cell(1, 0).text, table.cell(1, 1).text = "Managed hosting", lines[3]
    doc.add_paragraph(lines[4])
    doc.save(str(path))
    return path


def test_pdf_text_is_read(tmp_path):
    text = read_proposal(make_pdf(tmp_path / "proposal.pdf", PROPOSAL))
    assert "train LoRA adapters" in text and "$18,000 to $40,000" in text and "$1,200 a month" in text


def test_docx_paragraphs_and_tables_are_read(tmp_path):
    text = read_proposal(make_docx(tmp_path / "proposal.docx", PROPOSAL))
    assert PROPOSAL[0] in text and PROPOSAL[2] in text
    assert "Managed hosting | Optional managed hosting: $1,200 a month." in text


def test_html_is_read_as_the_text_a_reader_sees(tmp_path):
    page = (
        "<html><head><style>body{color:red}</style><script>var price = '$1';</script></head><body>"
        "<nav>Home | Pricing</nav><h1>ShopBot</h1><p>Our crawler reads every page of your site.</p>"
        "<ul><li>Setup: $12K&ndash;$48K</li><li>No hallucinations, ever</li></ul></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    text = read_proposal(path)
    assert "Our crawler reads every page of your site." in text and "Setup: $12K–$48K" in text
    assert "color:red" not in text and "var price" not in text and "<p>" not in text
    assert text.index("Setup") < text.index("No hallucinations")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_text_files_in_common_encodings(tmp_path, encoding):
    path = tmp_path / "pitch.txt"
    path.write_bytes("Fine-tuning for £18,000 – café owners love it.".encode(encoding))
    assert read_proposal(path) == "Fine-tuning for £18,000 – café owners love it."


def test_a_scanned_pdf_gets_a_friendly_line(tmp_path):
    with pytest.raises(ProposalError, match="looks like a scan: it has no text layer") as caught:
        read_proposal(make_scanned_pdf(tmp_path / "scan.pdf"))
    assert "\n" not in str(caught.value)


def test_a_password_protected_pdf_says_so(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", PROPOSAL)
    writer = PdfWriter()
    for page in PdfReader(str(plain)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(ProposalError, match="password-protected"):
        read_proposal(locked)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("proposal.doc", b"\xd0\xcf\x11\xe0 old word file", "PDF, DOCX, HTML or TXT, not .doc"),
        ("proposal", b"text", "not a file with no extension"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "could not be read|not a readable PDF|looks like a scan"),
        ("old.docx", b"\xd0\xcf\x11\xe0 binary", "not a Word .docx file"),
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"   \n\n  ", "has no text in it"),
        ("binary.txt", b"\x00\x01\x02binary\x00" * 100, "binary file"),
    ],
)
def test_bad_files_get_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ProposalError, match=message) as caught:
        read_proposal(path)
    assert "\n" not in str(caught.value) and "Traceback" not in str(caught.value)


def test_missing_and_oversized_files(tmp_path):
    with pytest.raises(ProposalError, match="no such file"):
        read_proposal(tmp_path / "nope.pdf")
    big = tmp_path / "big.txt"
    big.write_bytes(b"fine-tuning " * 200_000)
    with pytest.raises(ProposalError, match=r"2\.3 MB; the limit for a proposal is 1 MB"):
        read_proposal(big, Settings(max_proposal_mb=1))


def test_long_text_is_bounded(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("We fine-tune the model. " * 10_000, encoding="utf-8")
    assert len(read_proposal(path)) == 60_000


# --- the command line ---------------------------------------------------------------------------------------


def pitchcheck(*args, cwd):
    env = {**os.environ, "PITCHCHECK_LLM": "off", "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "chains.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


@pytest.mark.parametrize("maker, name", [(make_pdf, "proposal.pdf"), (make_docx, "proposal.docx")])
def test_cli_reads_a_proposal_file(tmp_path, maker, name):
    path = maker(tmp_path / name, PROPOSAL)
    proc = pitchcheck("pitch", str(path), "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    reading = json.loads(proc.stdout)
    assert reading["mechanism"] == "fine_tuning" and reading["mentions_lora"]
    assert reading["quote"] == {"amount": 18000.0, "currency": "USD", "low": 18000.0, "high": 40000.0, "period": "one_off"}
    assert reading["quote_gbp"] is None
    assert (reading["monthly_fee"]["amount"], reading["monthly_fee"]["currency"]) == (1200.0, "USD")
    assert [c["text"] for c in reading["vague_claims"]] == ["It learns your brand voice automatically."]

    text = pitchcheck("pitch", str(path), cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "Quote: $18,000 to $40,000" in text.stdout and "Monthly fee: $1,200 a month" in text.stdout
    assert 'Claim to test: "It learns your brand voice automatically."' in text.stdout


def test_cli_refuses_a_scan_in_one_line(tmp_path):
    proc = pitchcheck("pitch", str(make_scanned_pdf(tmp_path / "scan.pdf")), cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("pitchcheck: scan.pdf looks like a scan") and proc.stderr.count("\n") == 1
