"""The command's -v: an unexpected error prints one line, and under -v the traceback it logs as well."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PITCHCHECK = str(Path(sys.executable).parent / "pitchcheck")  # the installed command, as an owner runs it


def _report_into_a_missing_folder(tmp_path, *flags: str) -> subprocess.CompletedProcess:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"quote": 18000}), encoding="utf-8")
    target = tmp_path / "no-such-folder" / "report.md"
    return subprocess.run(
        [PITCHCHECK, *flags, "report", str(facts), "-o", str(target)], capture_output=True, text=True, timeout=120
    )


def test_verbose_shows_the_traceback_of_an_unexpected_error(tmp_path):
    done = _report_into_a_missing_folder(tmp_path, "-v")
    assert done.returncode == 2
    assert "Traceback (most recent call last)" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("pitchcheck: FileNotFoundError")


def test_without_verbose_the_error_is_one_line(tmp_path):
    done = _report_into_a_missing_folder(tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
