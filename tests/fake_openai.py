"""A real local HTTP server speaking enough of the OpenAI chat-completions protocol to test the LLM layer."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

log = logging.getLogger(__name__)

MODES = ("ok", "error500", "error429", "slow", "break", "empty")
DEFAULT_TEXT = "LoRA trains a small add-on instead of the whole model [lora]. It is cheaper and faster to run."
_PATH = re.compile(r"^/(?P<mode>[a-z0-9]+)/v1/chat/completions/?$")


class FakeOpenAIServer(ThreadingHTTPServer):
    """Serves /<mode>/v1/chat/completions on 127.0.0.1 and records every request it receives."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, text: str = DEFAULT_TEXT, slow_delay: float = 6.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self._defaults = {"text": text, "slow_delay": slow_delay, "retry_after": 7}
        self.text = text
        self.slow_delay = slow_delay  # seconds "slow" waits before answering
        self.retry_after = 7  # the Retry-After header of "error429"
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    def base_url(self, mode: str = "ok") -> str:
        """The base URL a client should use to get this mode."""
        assert mode in MODES, mode
        return f"http://127.0.0.1:{self.port}/{mode}/v1"

    def chunks(self) -> list[str]:
        """The text as the content pieces the stream sends: a word (with its following space) each."""
        return re.findall(r"\S+\s*|\s+", self.text)

    def record(self, entry: dict) -> None:
        with self._lock:
            self.requests.append(entry)

    def reset(self) -> None:
        """Forget recorded requests and restore the default reply and delays."""
        with self._lock:
            self.requests.clear()
        for name, value in self._defaults.items():
            setattr(self, name, value)

    def start(self) -> FakeOpenAIServer:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        # Wake any handler sleeping in "slow" mode so it ends with the server.
        self._stopping.set()
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def handle_error(self, request, client_address) -> None:
        # Clients hang up on "slow" and "break" on purpose; that is not worth a traceback.
        log.debug("fake OpenAI server: connection error from %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeOpenAIServer

    def log_message(self, format: str, *args) -> None:
        log.debug("fake OpenAI server: " + format, *args)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        match = _PATH.match(self.path)
        mode = match.group("mode") if match else None
        self.server.record(
            {
                "path": self.path,
                "mode": mode,
                "body": body,
                "authorization": self.headers.get("Authorization"),
                "time": time.monotonic(),
            }
        )
        if mode not in MODES:
            return self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        if mode == "error500":
            return self._json(500, {"error": {"message": "the fake server failed", "type": "server_error"}})
        if mode == "error429":
            return self._json(
                429,
                {"error": {"message": "rate limited", "type": "rate_limit_error"}},
                {"Retry-After": str(self.server.retry_after)},
            )
        if mode == "slow" and self.server._stopping.wait(self.server.slow_delay):
            return None
        stream = bool(body.get("stream"))
        pieces = [] if mode == "empty" else self.server.chunks()
        if not stream:
            return self._json(200, _completion(body, "".join(pieces)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        events = [_chunk(body, {"role": "assistant", "content": ""})]
        events += [_chunk(body, {"content": p}) for p in pieces]
        if mode == "break":
            for event in events[:3]:  # the role chunk, then two pieces of text
                self._send_event(event)
            return self._hang_up()
        events.append(_chunk(body, {}, finish_reason="stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append({**_chunk(body, {}), "choices": [], "usage": _usage()})
        for event in events:
            self._send_event(event)
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")  # the zero-length chunk that ends a chunked body

    def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_event(self, event: dict) -> None:
        self._write_chunk(b"data: " + json.dumps(event).encode() + b"\n\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _hang_up(self) -> None:
        """Close the connection in the middle of the chunked body, as a crashing server would."""
        self.close_connection = True
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _chunk(body: dict, delta: dict, finish_reason: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def _usage() -> dict:
    return {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}


def _completion(body: dict, text: str) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage(),
    }


@contextmanager
def running_server(**kwargs) -> Iterator[FakeOpenAIServer]:
    """Start a fake server on a free port for the duration of the block."""
    server = FakeOpenAIServer(**kwargs).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def fake_openai_server() -> Iterator[FakeOpenAIServer]:
    """One fake OpenAI server for the session (tests/conftest.py loads this module as a plugin)."""
    with running_server() as server:
        yield server


@pytest.fixture
def fake_openai(fake_openai_server: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    """The session's fake server, with its recorded requests and reply reset for this test."""
    fake_openai_server.reset()
    yield fake_openai_server
    fake_openai_server.reset()
