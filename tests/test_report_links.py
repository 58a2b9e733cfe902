"""The report links a verdict sends: laid out at the first download, kept, and after a restart rebuilt for the
thread's owner only; anyone else, or an unknown link, gets the plain "expired" page."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from chains.session import Session
from chains.settings import Settings

NAMES = ("pitchcheck.pdf", "pitchcheck.md")


def finished_state() -> dict:
    s = Session(Settings(llm="off"))
    s.start()
    s.handle("They'll fine-tune the model on our client reports for £18,000")
    while s.awaiting:
        s.handle("skip")
    return s.to_dict()


class Layer:
    def __init__(self, owner: str, state: dict):
        self.owner, self.state, self.reads = owner, state, 0

    async def owns_thread(self, identifier, thread_id):
        return identifier == self.owner and thread_id == "t-1"

    async def get_thread(self, thread_id):
        self.reads += 1
        return {"id": thread_id, "metadata": {"pitchcheck": self.state}}


@pytest.fixture
def route(monkeypatch):
    from web import routes

    layer = Layer("guest-1", finished_state())
    monkeypatch.setattr(routes, "get_data_layer", lambda: layer)

    def fetch(token: str, name: str, visitor: str | None):
        user = SimpleNamespace(identifier=visitor) if visitor else None
        monkeypatch.setattr(routes, "_cookie_user", lambda request: user)
        return asyncio.run(routes.report_file("t-1", token, name, request=SimpleNamespace()))

    fetch.layer = layer
    return fetch


def test_a_link_lays_out_its_reports_once_at_the_first_download():
    from web import reports

    token = reports.link("t-1", Session(Settings(llm="off")).current_verdict(), None)
    first = asyncio.run(reports.download(token, "pitchcheck.pdf", NAMES))
    assert first[0] == "application/pdf" and first[1].startswith(b"%PDF")
    assert asyncio.run(reports.download(token, "pitchcheck.pdf", NAMES)) is not None


def test_after_a_restart_the_owner_gets_the_report_rebuilt_from_the_saved_check(route):
    response = route("token-from-before-the-restart", "pitchcheck.pdf", "guest-1")
    assert response.status_code == 200 and response.body.startswith(b"%PDF")
    assert 'filename="pitchcheck.pdf"' in response.headers["content-disposition"]
    assert route.layer.reads == 1


@pytest.mark.parametrize("visitor", [None, "someone-else"])
def test_anyone_else_gets_the_expired_page(route, visitor):
    response = route("token-from-before-the-restart-2", "pitchcheck.md", visitor)
    assert response.status_code == 404 and b"This report link has expired" in response.body


def test_only_the_two_reports_are_served(route):
    assert route("any", "secrets.txt", "guest-1").status_code == 404
