"""Attacks on a real server: `chainlit run app.py --headless` on 127.0.0.1 with its own data directory.

Each probe is what a hostile page or guest did in the abuse review (docs/RELIABILITY.md lists them with their
figures): another origin asking for the widget token, floods and oversized messages and clicks, another guest's
feedback and message ids, edits while editing is off, a logged-out cookie, the API listing, the headers, and
untrusted Markdown in a browser. Probes needing servers of their own are in test_abuse_faults.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

from common import chainlit_server, prepare_data_dir  # noqa: E402
from guest import Guest, steps, stored_bytes  # noqa: E402

PITCH = "They'll fine-tune the model on our reports for £18,000."
LIMIT = 20  # PITCHCHECK_RATE_LIMIT_PER_MINUTE's default


@pytest.fixture(scope="module")
def server(shared_data_dir, tmp_path_factory):
    data_dir = prepare_data_dir(tmp_path_factory.mktemp("abuse-app"), shared_data_dir)
    with chainlit_server("app.py", data_dir, timeout=240) as srv:
        srv.extra["data_dir"] = data_dir
        yield srv


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 240))


async def _pitched(url: str) -> tuple[Guest, str, dict]:
    """A guest who has sent the pitch: (guest, the pitch message's id, the next question's message)."""
    guest = await Guest.at_first_question(url)
    message_id = await guest.send(PITCH)
    question = await guest.message("?", "the question after the pitch")
    return guest, message_id, question


# --- origins -----------------------------------------------------------------------------------------------
@pytest.mark.server
def test_another_origin_gets_no_widget_token_and_no_cors(server):
    guest = Guest(server.url)
    guest.sign_in()
    for origin in ("http://127.0.0.1:1", "https://sibling.example", "null"):
        response = guest.http("GET", "/pitchcheck/widget-token", headers={"Origin": origin})
        assert response.status_code == 403, origin
        assert "accessToken" not in response.text
        assert "access-control-allow-origin" not in response.headers
        preflight = guest.http("OPTIONS", "/project/threads", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
        assert preflight.headers.get("access-control-allow-origin") not in (origin, "*")
    own = guest.http("GET", "/pitchcheck/widget-token", headers={"Origin": server.url})
    assert own.status_code == 200 and own.json()["accessToken"]
    # A page elsewhere that the browser marks as cross-site, without an Origin header, is refused too.
    assert guest.http("GET", "/pitchcheck/widget-token", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403


@pytest.mark.server
def test_another_origin_cannot_open_the_chat_socket(server):
    import socketio

    async def probe():
        guest = Guest(server.url)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await guest.connect(origin="http://127.0.0.1:1")
        await guest.close()
        own = Guest(server.url)
        await own.connect(origin=server.url)
        await own.message("Paste what the vendor said", "the pitch question")
        await own.close()

    run(probe())


# --- limits before storage -----------------------------------------------------------------------------------
@pytest.mark.server
def test_over_long_messages_are_refused_before_anything_is_stored(server):
    data_dir = server.extra["data_dir"]

    async def probe():
        guest = await Guest.at_first_question(server.url)
        before = stored_bytes(data_dir)
        for _ in range(5):
            await guest.send("x" * 900_000)
            await guest.message("longer than I can take", "the refusal")
        await guest.send(PITCH)  # the session carries on normally
        await guest.message("?", "the next question")
        await guest.close()
        return before

    before = run(probe())
    grown = stored_bytes(data_dir) - before
    print(json.dumps({"probe": "5 x 900 KB messages", "bytes_stored": grown}))
    assert grown < 50_000, f"{grown:,} bytes stored for five refused 900 KB messages"
    assert not any("xxxxxxxxxx" in (s["output"] or "") for s in steps(data_dir))
    assert not any("longer than I can take" in (s["output"] or "") for s in steps(data_dir))


@pytest.mark.server
def test_a_fast_sender_is_stored_only_up_to_the_rate_limit_and_warned_once(server):
    data_dir = server.extra["data_dir"]

    async def probe():
        guest = await Guest.at_first_question(server.url)
        for i in range(60):
            await guest.send(f"hello {i}")
        await guest.message("faster than I can take them", "the slow-down notice")
        await asyncio.sleep(3)
        await guest.close()
        return guest

    guest = run(probe())
    mine = [s for s in steps(data_dir, guest.thread_id) if s["type"] == "user_message"]
    notices = sum("faster than I can take" in t for t in guest.texts())
    print(json.dumps({"probe": "60 messages at once", "stored": len(mine), "notices": notices}))
    assert 1 <= len(mine) <= LIMIT
    assert not any("faster than I can take" in (s["output"] or "") for s in steps(data_dir))
    assert notices == 1


@pytest.mark.server
def test_button_clicks_are_bounded_and_an_empty_one_is_not_an_error(server):
    data_dir = server.extra["data_dir"]

    async def probe():
        guest, _, _question = await _pitched(server.url)
        sid = guest.session_id
        huge = "L" * 500_000
        for action in (
            {"name": "answer", "label": huge, "payload": {}},
            {"name": "answer", "payload": {"field": "mechanism", "value": "rag", "label": huge}},
        ):
            response = await asyncio.to_thread(guest.http, "POST", "/project/action", json={"action": action, "sessionId": sid})
            assert response.status_code in (400, 413), response.text[:200]
        for body in ({"action": {"name": "answer"}, "sessionId": sid}, {"action": {}, "sessionId": sid}, {}):
            response = await asyncio.to_thread(guest.http, "POST", "/project/action", json=body)
            assert response.status_code < 500, (body, response.text[:200])
        bad = await asyncio.to_thread(
            guest.http, "POST", "/project/action", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert bad.status_code == 400
        await guest.message("moved on", "the reply to a click without a payload")
        await guest.close()
        return guest

    guest = run(probe())
    assert max(len(t) for t in guest.texts()) < 10_000
    assert not any("LLLLLLLLLL" in (s["output"] or "") for s in steps(data_dir))


# --- another guest's things ---------------------------------------------------------------------------------
@pytest.mark.server
def test_feedback_can_only_be_given_and_removed_on_ones_own_messages(server):
    data_dir = server.extra["data_dir"]

    async def probe():
        owner, _, question = await _pitched(server.url)
        await asyncio.sleep(1)  # the question's step is written
        mine = owner.http(
            "PUT",
            "/feedback",
            json={"feedback": {"forId": question["id"], "value": 1, "comment": "mine"}, "sessionId": owner.session_id},
        )
        assert mine.status_code == 200, mine.text
        feedback_id = mine.json()["feedbackId"]
        other = Guest(server.url)
        await asyncio.to_thread(other.sign_in)
        overwrite = other.http(
            "PUT",
            "/feedback",
            json={"feedback": {"forId": question["id"], "id": feedback_id, "value": 0, "comment": "not yours"}, "sessionId": "x"},
        )
        added = other.http("PUT", "/feedback", json={"feedback": {"forId": question["id"], "value": 0}, "sessionId": "x"})
        removed = other.http("DELETE", "/feedback", json={"feedbackId": feedback_id})
        await owner.close()
        return feedback_id, (overwrite.status_code, added.status_code, removed.status_code)

    feedback_id, codes = run(probe())
    assert all(code in (401, 403, 404) for code in codes), codes
    from guest import history

    with history(data_dir) as db:
        rows = [dict(r) for r in db.execute("SELECT * FROM feedbacks")]
    assert [(r["id"], r["value"], r["comment"]) for r in rows if r["id"] == feedback_id] == [(feedback_id, 1, "mine")]
    assert len([r for r in rows if r["value"] == 0]) == 0


@pytest.mark.server
def test_a_message_sent_with_another_threads_message_id_does_not_move_it(server):
    data_dir = server.extra["data_dir"]

    async def probe():
        victim, message_id, _ = await _pitched(server.url)
        attacker = await Guest.at_first_question(server.url)
        await attacker.send("They'll retrain the model for £5,000.", message_id=message_id)
        await attacker.message("?", "the attacker's next question")
        await asyncio.sleep(1)
        await victim.close()
        await attacker.close()
        return victim, attacker, message_id

    victim, _attacker, message_id = run(probe())
    row = next(s for s in steps(data_dir) if s["id"] == message_id)
    assert row["threadId"] == victim.thread_id and row["output"] == PITCH


@pytest.mark.server
def test_edit_message_does_nothing_while_editing_is_off(server):
    data_dir = server.extra["data_dir"]

    async def probe():
        guest, message_id, _ = await _pitched(server.url)
        seen = len(guest.seen)
        await guest.sio.emit(
            "edit_message", {"message": {"id": message_id, "output": "edited: £1 only", "threadId": guest.thread_id}}
        )
        await asyncio.sleep(3)
        new = guest.seen[seen:]
        await guest.close()
        return message_id, new

    message_id, new = run(probe())
    assert [s["output"] for s in steps(data_dir) if s["id"] == message_id] == [PITCH]
    assert not [
        e
        for e in new
        if e[0] in ("new_message", "update_message", "delete_message")
        and isinstance(e[1], dict)
        and e[1].get("type") in ("assistant_message", "user_message")
    ]


@pytest.mark.server
def test_a_cookie_stops_working_after_logout(server):
    import socketio

    guest = Guest(server.url)
    token = guest.sign_in()
    assert guest.http("GET", "/user").status_code == 200
    assert guest.http("POST", "/logout").status_code == 200
    assert guest.http("GET", "/user", token=token).status_code == 401

    async def socket_refused():
        with pytest.raises(socketio.exceptions.ConnectionError):
            await Guest(server.url, token=token).connect()

    run(socket_refused())


# --- what the server shows ---------------------------------------------------------------------------------
@pytest.mark.server
def test_the_api_listing_is_not_served(server):
    guest = Guest(server.url)
    for path in ("/openapi.json", "/docs", "/redoc"):
        body = guest.http("GET", path).text
        assert '"paths"' not in body and "swagger" not in body.lower() and "redoc.standalone" not in body, path


@pytest.mark.server
def test_the_app_sets_security_headers_itself(server):
    guest = Guest(server.url)
    for path in ("/", "/public/widget-demo.html"):
        response = guest.http("GET", path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
        script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "http" not in script_src
        import base64
        import hashlib

        for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.text, re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src, f"{path}: an inline script is not allowed by the CSP"


@pytest.mark.server
def test_what_the_owner_types_is_shown_as_text(server):
    guest = Guest(server.url)
    guest.sign_in()
    settings = guest.http("GET", "/project/settings?language=en-GB").json()
    assert settings["features"]["user_message_markdown"] is False


# --- in a real browser --------------------------------------------------------------------------------------------
@pytest.fixture
def tracker():
    """A local stand-in for an outside host: counts every request a page makes to it."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.end_headers()
            self.wfile.write(b"GIF89a")

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


_CSP_WATCH = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.slow
def test_a_pasted_pitch_with_an_image_and_a_link_fetches_nothing_and_links_nowhere(server, browser, tracker):
    from web_fixtures import require_chromium

    require_chromium()
    outside, hits = tracker
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.add_init_script(_CSP_WATCH)
    try:
        page.goto(server.url)
        page.get_by_text("Paste what the vendor said").first.wait_for(timeout=60000)
        page.fill(
            "#chat-input",
            f"They'll fine-tune the model for £18,000. ![pixel]({outside}/pixel.gif) "
            f'[see our offer]({outside}/offer) <img src="{outside}/raw.gif">',
        )
        before = page.locator('[data-step-type="assistant_message"]').count()
        page.keyboard.press("Enter")
        page.wait_for_function(
            f"document.querySelectorAll('[data-step-type=\"assistant_message\"]').length > {before}", timeout=60000
        )
        page.locator('[data-step-type="user_message"]').filter(has_text="see our offer").first.wait_for()
        page.wait_for_timeout(2000)
        assert hits == [], f"the page fetched {hits} from the outside host"
        assert page.locator(f'a[href^="{outside}"]').count() == 0
        assert page.locator(f'img[src^="{outside}"]').count() == 0
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.slow
def test_the_security_headers_do_not_break_the_verdict_card_or_the_widget(server, browser):
    from web_fixtures import require_chromium

    require_chromium()
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.add_init_script(_CSP_WATCH)
    try:
        page.goto(server.url)
        page.get_by_role("button", name="Try the £18,000 example").first.click(timeout=60000)
        page.locator("[data-testid=verdict-card]").wait_for(timeout=90000)  # compiled in the page: 'unsafe-eval'
        page.locator(".js-plotly-plot").first.wait_for(timeout=30000)
        assert page.evaluate("window.__csp") == []
        page.goto(server.url + "/public/widget-demo.html")
        page.locator("#chainlit-copilot-button").click(timeout=60000)
        page.get_by_text("Hi, I'm Pitchcheck").first.wait_for(timeout=60000)
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()


def test_audit_findings_quoting_the_files_cells_show_no_images_or_outside_links(tmp_path):
    """The audit quotes labels and cells; from an owner's file they are untrusted and must not go live."""
    from chains.audit import audit_file
    from chains.settings import get_settings
    from web.audit_view import audit_markdown

    path = tmp_path / "examples.csv"
    # Two labels, badly unbalanced: the finding names both, as the owner's file spells them.
    rows = ["input,output"] + [f"ticket {i},![px](http://tracker.example/p.gif)" for i in range(40)]
    rows += [f"other {i},[click](http://evil.example/)" for i in range(2)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    shown = audit_markdown(audit_file(path, get_settings(), False))
    assert "tracker.example" not in shown and "evil.example" not in shown
    assert "![" not in shown and "<img" not in shown and "](" not in shown


# --- the pieces, without a server ------------------------------------------------------------------------------
def test_the_gate_admits_the_limit_warns_once_a_minute_and_refuses_long_messages():
    from web.limits import MessageGate

    now = [1000.0]
    gate = MessageGate(max_chars=4000, per_minute=LIMIT, clock=lambda: now[0])
    assert all(gate.admit("guest-a", "hi")[0] for _ in range(LIMIT))
    first, second = gate.admit("guest-a", "hi"), gate.admit("guest-a", "hi")
    assert first[0] is False and "faster than I can take" in first[1]
    assert second == (False, None)  # one notice a minute, however many are refused
    assert gate.admit("guest-b", "hi")[0]  # another guest has an allowance of its own
    now[0] += 60.5
    assert gate.admit("guest-a", "hi") == (True, None)
    accepted, notice = gate.admit("guest-a", "x" * 4001)
    assert not accepted and "4,001 characters" in notice


def test_a_client_message_is_reduced_to_an_owners_message():
    from web.limits import tidy_message

    tidy = tidy_message(
        {
            "message": {
                "id": "not-a-uuid",
                "type": "assistant_message",
                "output": "hi",
                "metadata": {"x": "y" * 5000},
                "isError": True,
                "threadId": "t",
            }
        }
    )
    message = tidy["message"]
    assert message["type"] == "user_message" and message["output"] == "hi" and message["metadata"] == {}
    assert "isError" not in message and message["id"] != "not-a-uuid"
    assert tidy_message({"message": {"output": 5}}) is None and tidy_message("text") is None


def test_a_logged_out_token_is_refused_by_every_instance_sharing_the_data_directory(tmp_path):
    import time as clock

    from web.auth import RevokedTokens

    first, second = RevokedTokens(tmp_path / "out.json"), RevokedTokens(tmp_path / "out.json")
    assert not second.is_revoked("token-a")
    first.revoke("token-a", clock.time() + 60)
    first.revoke("token-old", clock.time() - 1)  # already expired: forgotten at the next write
    first.revoke("token-b", clock.time() + 60)
    assert second.is_revoked("token-a") and second.is_revoked("token-b")
    assert not second.is_revoked("token-c") and not second.is_revoked("token-old")
    assert "token-a" not in (tmp_path / "out.json").read_text()  # digests only


@pytest.mark.parametrize("wait, said", [(0.4, "about 1 second and"), (1.2, "about 1 second and"), (5.0, "about 5 seconds and")])
def test_the_slow_down_notice_counts_its_seconds_in_english(wait, said):
    from web.limits import slow_down_text

    assert said in slow_down_text(20, wait)
