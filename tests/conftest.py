"""Shared fixtures: every test's state lives in a temporary directory, and no test reaches a real LLM."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from chains.settings import PROJECT_ROOT, Settings, get_settings

# The fixtures of these modules (fake OpenAI server, Chainlit context, running app, Chromium) serve every test module.
pytest_plugins = ["fake_openai", "web_fixtures"]

# CI draws the same examples on every run, so one unlucky draw cannot fail a build; locally the draws stay random.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("CI", "").lower() == "true":
    hypothesis_settings.load_profile("ci")

_ENV_TO_CLEAR = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST", "CHROMA_PORT", "DATABASE_URL")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """Point the data directory at a temporary folder and switch the LLM off unless a test turns it on."""
    for name in _ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("PITCHCHECK_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PITCHCHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PITCHCHECK_LLM", "off")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _is_loopback(host: Any) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need a DNS lookup: refused like any other address


@pytest.fixture(autouse=True)
def network_tripwire(monkeypatch):
    """Refuse every IP connection outside loopback: the suite runs offline, and a test that reaches out fails loudly."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise OSError(f"tests must not reach the network (tried {address[0]})")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


def _share_onnx_export(data_dir: Path) -> None:
    """Reuse the ONNX export made by `make index` so each test session need not import torch to export again."""
    source = PROJECT_ROOT / ".pitchcheck" / "onnx"
    if source.is_dir() and any(source.iterdir()):
        shutil.copytree(source, data_dir / "onnx", dirs_exist_ok=True)


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory) -> Path:
    """A data directory with the ONNX export and a built glossary index, made once per test session."""
    from chains.embeddings import ensure_embedder
    from chains.glossary import load_glossary
    from chains.knowledge_base import refresh_index

    data_dir = tmp_path_factory.mktemp("shared-data")
    _share_onnx_export(data_dir)
    settings = Settings(data_dir=data_dir, llm="off")
    refresh_index(settings, load_glossary(settings.knowledge_dir), ensure_embedder(settings))
    return data_dir


@pytest.fixture(scope="session")
def knowledge_base(shared_data_dir):
    """A KnowledgeBase with dense search on, over the real glossary."""
    from chains.knowledge_base import KnowledgeBase

    kb = KnowledgeBase(Settings(data_dir=shared_data_dir, llm="off"))
    assert kb.load_dense(), kb.load_error
    return kb


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (make test), the browser tests share one worker, one after another: two Chromiums and two
    app servers at once on two cores made a test that types at full speed miss its timing now and then."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
