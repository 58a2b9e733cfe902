"""The report links a verdict sends: signed for their thread, laid out once at the first download, and after a
restart rebuilt for the thread's owner only; a link for another thread, a forged one or anyone else after a restart
gets the plain "expired" page."""

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
def links(monkeypatch):
    from web import reports

    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "a-test-secret")
    monkeypatch.setattr(reports, "_links", reports.OrderedDict())  # a fresh process's links
    built = []
    real = reports.reports

    async def counted(*args):
        built.append(args[2])
        return await real(*args)

    monkeypatch.setattr(reports, "reports", counted)
    return SimpleNamespace(reports=reports, built=built)


@pytest.fixture
def route(monkeypatch, links):
    from web import routes

    layer = Layer("guest-1", finished_state())
    monkeypatch.setattr(routes, "get_data_layer", lambda: layer)

    def fetch(thread: str, token: str, name: str, visitor: str | None):
        user = SimpleNamespace(identifier=visitor) if visitor else None
        monkeypatch.setattr(routes, "_cookie_user", lambda request: user)
        return asyncio.run(routes.report_file(thread, token, name, request=SimpleNamespace()))

    fetch.layer = layer
    return fetch


def test_a_link_lays_out_both_reports_once_at_the_first_download(links):
    token = links.reports.link("t-1", Session(Settings(llm="off")).current_verdict(), None)
    assert links.built == []  # nothing laid out with the verdict
    mime, pdf = asyncio.run(links.reports.download("t-1", token, "pitchcheck.pdf", NAMES))
    assert mime == "application/pdf" and pdf.startswith(b"%PDF")
    mime, md = asyncio.run(links.reports.download("t-1", token, "pitchcheck.md", NAMES))
    assert mime == "text/markdown" and md.startswith(b"# Pitchcheck report")
    assert len(links.built) == 1


def test_a_link_is_served_for_its_own_thread_only(route, links):
    token = links.reports.link("t-1", Session(Settings(llm="off")).current_verdict(), None)
    assert route("t-1", token, "pitchcheck.pdf", None).status_code == 200  # the link itself is the key
    stranger = route("another-thread", token, "pitchcheck.pdf", None)
    assert stranger.status_code == 404 and b"This report link has expired" in stranger.body


def test_after_a_restart_the_owner_gets_the_report_rebuilt_from_the_saved_check(route, links):
    token = links.reports.link("t-1", {}, None)
    links.reports._links.clear()  # the server restarted
    response = route("t-1", token, "pitchcheck.pdf", "guest-1")
    assert response.status_code == 200 and response.body.startswith(b"%PDF")
    assert 'filename="pitchcheck.pdf"' in response.headers["content-disposition"]
    assert route.layer.reads == 1


@pytest.mark.parametrize("visitor", [None, "someone-else"])
def test_after_a_restart_anyone_else_gets_the_expired_page(route, links, visitor):
    token = links.reports.link("t-1", {}, None)
    links.reports._links.clear()
    response = route("t-1", token, "pitchcheck.md", visitor)
    assert response.status_code == 404 and b"This report link has expired" in response.body


@pytest.mark.parametrize("token", ["made-up", "abc.0123456789abcdef01234567", ""])
def test_a_forged_token_is_refused_before_anything_is_read(route, token):
    assert route("t-1", token, "pitchcheck.pdf", "guest-1").status_code == 404
    assert route.layer.reads == 0


def test_only_the_two_reports_are_served(route, links):
    token = links.reports.link("t-1", {}, None)
    assert route("t-1", token, "secrets.txt", "guest-1").status_code == 404
