"""Helpers shared by the benchmarks and the load test: percentiles, RSS, a data directory and a local server.

Nothing here talks to anything but 127.0.0.1, and every process started here is stopped by its own process group
id (the group it was started in), never by name.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
LOCAL_HOSTS = ("127.0.0.1", "localhost")


# --- figures ------------------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation; None for no values."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    pos = (len(data) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return float(data[lo] + (data[hi] - data[lo]) * (pos - lo))


def summary_ms(values_s: Sequence[float]) -> dict:
    """p50/p95/max/mean in milliseconds of durations given in seconds."""
    ms = [v * 1000.0 for v in values_s]
    if not ms:
        return {"n": 0, "p50": None, "p95": None, "max": None, "mean": None}
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "max": round(max(ms), 2),
        "mean": round(sum(ms) / len(ms), 2),
    }


def rss_mb(pid: int, children: bool = True) -> float | None:
    """Resident memory of a process (and its children) in MB; None when it is gone."""
    import psutil

    try:
        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        if children:
            for child in proc.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
        return round(total / (1024 * 1024), 1)
    except psutil.Error:
        return None


def pid_listening_on(port: int) -> int | None:
    """The pid of the process listening on a local TCP port, if this user may see it."""
    import psutil

    with contextlib.suppress(psutil.Error, PermissionError):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                return conn.pid
    return None


# --- the machine --------------------------------------------------------------------------------------------
def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


KEY_PACKAGES = (
    "chainlit",
    "python-socketio",
    "uvicorn",
    "fastapi",
    "onnxruntime",
    "tokenizers",
    "torch",
    "sentence-transformers",
    "chromadb",
    "bm25s",
    "langchain-core",
    "numpy",
    "sqlalchemy",
    "fpdf2",
)


def machine() -> dict:
    import psutil

    return {
        "cpu_model": _cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "ram_available_gb": round(psutil.virtual_memory().available / 1024**3, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in KEY_PACKAGES},
    }


# --- a data directory ---------------------------------------------------------------------------------------
def project_data_dir() -> Path:
    """The data directory `make index` filled (PITCHCHECK_DATA_DIR, default .pitchcheck under the project)."""
    configured = os.environ.get("PITCHCHECK_DATA_DIR")
    path = Path(configured) if configured else Path(".pitchcheck")
    return path if path.is_absolute() else (ROOT / path)


def prepare_data_dir(target: Path, source: Path | None = None, with_index: bool = True) -> Path:
    """A private data directory holding a copy of the ONNX export (and the Chroma index), so a benchmark never
    re-exports the model, never writes history into the owner's data directory and never waits on its locks."""
    source = source or project_data_dir()
    target.mkdir(parents=True, exist_ok=True)
    parts = ("onnx", "chroma") if with_index else ("onnx",)
    for part in parts:
        src = source / part
        if src.is_dir() and any(src.iterdir()):
            shutil.copytree(src, target / part, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.lock", ".*.lock"))
    return target


def clean_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a benchmark child runs in: offline, LLM off, our data directory, nothing inherited that
    would point it at another store."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PITCHCHECK_", "CHAINLIT_"))
        and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL", "CHROMA_HOST", "CHROMA_PORT")
    }
    env.update(
        {
            "PITCHCHECK_DATA_DIR": str(data_dir),
            "PITCHCHECK_LLM": "off",
            "PYTHONUNBUFFERED": "1",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    env.update(extra or {})
    return env


# --- a local server -----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    proc: subprocess.Popen
    log_path: Path
    launched_at: float  # time.perf_counter() just before Popen
    first_page_s: float | None = None  # launch -> HTTP 200 on /
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mb(self) -> float | None:
        return rss_mb(self.proc.pid)

    def log_tail(self, chars: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float, log_path: Path, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    response.read()
                    return
        except OSError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f}s:\n{log_path.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def chainlit_server(
    app: str | Path, data_dir: Path, extra_env: dict[str, str] | None = None, timeout: float = 180.0, log_name: str = "server.log"
) -> Iterator[Server]:
    """`chainlit run <app> --headless` on a free 127.0.0.1 port, exactly as tests/test_browser.py starts the app.

    Yields once GET / answers 200, with the seconds that took; the server's process group is stopped on exit.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = clean_env(data_dir, extra_env)
    log_path = data_dir / log_name
    log = log_path.open("wb")
    launched = time.perf_counter()
    proc = subprocess.Popen(
        [str(VENV_BIN / "chainlit"), "run", str(app), "--headless", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", port, proc, log_path, launched)
    try:
        wait_for_http(server.url + "/", proc, timeout, log_path)
        server.first_page_s = time.perf_counter() - launched
        yield server
    finally:
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen) -> None:
    """Stop a process we started in its own session: SIGTERM its group, then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def run_json(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> dict:
    """Run a command that prints one JSON object on its last stdout line."""
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    lines = [line for line in proc.stdout.strip().splitlines() if line.strip()]
    return json.loads(lines[-1])


def python() -> str:
    exe = VENV_BIN / "python"
    return str(exe) if exe.exists() else sys.executable
