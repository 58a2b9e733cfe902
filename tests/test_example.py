"""The guide's worked example, played through the engine as the CLI and the web app play it."""

from __future__ import annotations

import json
import subprocess
import sys

from chains.example import EXAMPLE_ANSWERS, play
from chains.facts import FIELD_NAMES
from chains.session import Session


def test_the_script_answers_every_field_the_interview_can_ask():
    assert set(EXAMPLE_ANSWERS) == set(FIELD_NAMES)


def test_playing_it_reaches_the_guides_decline_in_its_numbers():
    session = Session()
    turns = list(play(session))
    final = turns[-1][2]
    assert final.verdict["verdict"] == "decline"
    assert final.facts["quote"] == 18000 and final.facts["currency"] == "GBP"
    assert final.facts["clean_examples"] == 40 and final.facts["monthly_volume"] == 12
    assert "£125" in final.verdict["economics"]["summary"]


def test_playing_it_twice_starts_afresh():
    session = Session()
    list(play(session))
    session.handle("actually we have 500 examples")
    again = list(play(session))[-1][2]
    assert again.facts["clean_examples"] == 40


def test_pitchcheck_example_json_ends_in_the_verdict():
    out = subprocess.run([sys.executable, "-m", "chains.cli", "example", "--json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert lines[0]["answer"] == EXAMPLE_ANSWERS["pitch"]
    assert lines[-1]["verdict"]["verdict"] == "decline" and lines[-1]["awaiting"] is None


def test_playing_it_part_way_through_an_owners_check_replaces_their_answers():
    session = Session()
    session.start()
    session.handle("They'll fine-tune a model on our tickets for £30,000")
    assert session.facts["quote"] == 30000
    final = list(play(session))[-1][2]
    assert final.facts["quote"] == 18000 and "£30,000" not in (final.facts["pitch"] or "")
    assert final.verdict["verdict"] == "decline"


def test_restart_after_only_skipping_starts_afresh_at_once():
    session = Session()
    session.start()
    session.handle("skip")
    turn = session.handle("restart")
    assert turn.awaiting["field"] == "pitch" and "Start a fresh check?" not in turn.replies[0].text
