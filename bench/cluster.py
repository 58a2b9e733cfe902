"""Two app instances behind nginx, with PostgreSQL and a Chroma server, as docs/DEPLOY.md describes, on loopback.

    .venv/bin/python bench/cluster.py [--sessions 50] [--json]

Everything is started here and stopped by its own process id: a throwaway PostgreSQL cluster (initdb into a temp
folder, run as the postgres user, as tests/test_history_store.py does), `chroma run` from the venv, the glossary
indexed into that server by `pitchcheck index`, two `chainlit run app.py` instances sharing the database, the Chroma
server, the data folder and the cookie secret, and nginx from Debian in front, keeping each browser on one instance
by its sign-in cookie (`hash $cookie_access_token consistent`: every visitor here comes from 127.0.0.1, so ip_hash
would send them all to one instance). The 50-visitor burst runs through nginx to one instance, then to two; after
each, every message the visitors sent is looked for in PostgreSQL's steps table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import loadtest  # noqa: E402
from common import VENV_BIN, chainlit_server, clean_env, free_port, prepare_data_dir, stop  # noqa: E402

PG_ROOT = Path("/usr/lib/postgresql")


def pg_bindir() -> Path | None:
    """Debian's PostgreSQL binaries (the newest installed), or None."""
    found = sorted(PG_ROOT.glob("*/bin/initdb")) if PG_ROOT.is_dir() else []
    return found[-1].parent if found else None


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A PostgreSQL cluster on a free loopback port, in a temp folder of its own (the server runs as the postgres
    user, who may not enter this process's private temp folders); yields its asyncpg URL."""
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="pitchcheck-bench-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    subprocess.run(
        [*_as_postgres(), str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    subprocess.run(
        [
            *_as_postgres(),
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-t",
            "60",
            "-l",
            str(root / "log"),
            "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        subprocess.run(
            [*_as_postgres(), str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "pitchcheck"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/pitchcheck"
    finally:
        subprocess.run(
            [*_as_postgres(), str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True, timeout=60
        )
        shutil.rmtree(root, ignore_errors=True)


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def chroma(base: Path) -> Iterator[tuple[str, int]]:
    """`chroma run` from the venv on a free loopback port; yields (host, port)."""
    exe = VENV_BIN / "chroma"
    port = free_port()
    log = (base / "chroma.log").open("wb")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False", NO_COLOR="1")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(base / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not _http_ok(f"http://127.0.0.1:{port}/api/v2/heartbeat"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("`chroma run` did not start: " + (base / "chroma.log").read_text()[-1500:])
            time.sleep(0.25)
        yield "127.0.0.1", port
    finally:
        stop(proc)
        log.close()


NGINX_CONF = """worker_processes 1;
daemon off;
error_log {base}/error.log warn;
pid {base}/nginx.pid;
events {{ worker_connections 2048; }}
http {{
    access_log off;
    client_body_temp_path {base}/body;
    proxy_temp_path {base}/proxy;
    fastcgi_temp_path {base}/fastcgi;
    uwsgi_temp_path {base}/uwsgi;
    scgi_temp_path {base}/scgi;
    upstream pitchcheck_app {{
        hash $cookie_access_token consistent;
{servers}
        keepalive 32;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      "";
    }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        location /ws/socket.io {{
            proxy_pass http://pitchcheck_app;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 300s;
            proxy_buffering off;
        }}
        location / {{
            proxy_pass http://pitchcheck_app;
            proxy_set_header Connection $connection_upgrade;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(base: Path, upstream_ports: list[int]) -> Iterator[str]:
    """nginx in front of the given instances on a free loopback port; yields its URL."""
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(exe).exists():
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    base.mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (base / sub).mkdir(exist_ok=True)
        os.chmod(base / sub, 0o777)  # nginx's workers run as nobody
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=30s;" for p in upstream_ports)
    conf = base / "nginx.conf"
    conf.write_text(NGINX_CONF.format(base=base, servers=servers, port=port), encoding="utf-8")
    check = subprocess.run([exe, "-t", "-c", str(conf), "-p", str(base)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t: {check.stderr[-1500:]}")
    proc = subprocess.Popen(
        [exe, "-c", str(conf), "-p", str(base)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while not _http_ok(url + "/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start: " + (base / "error.log").read_text()[-1500:])
            time.sleep(0.1)
        yield url
    finally:
        stop(proc)


# --- the history tables ---------------------------------------------------------------------------------------
async def _history_counts(url: str) -> dict[str, int]:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch("SELECT type, count(*) AS n FROM steps GROUP BY type")
        threads = await conn.fetchval("SELECT count(*) FROM threads")
        users = await conn.fetchval("SELECT count(*) FROM users")
    finally:
        await conn.close()
    out = {str(r["type"]): int(r["n"]) for r in rows}
    out.update({"threads": int(threads), "users": int(users)})
    return out


def history_counts(url: str) -> dict[str, int]:
    return asyncio.run(_history_counts(url))


def _burst(url: str, sessions: int, pids: list[int]) -> dict:
    import psutil

    procs = [psutil.Process(p) for p in pids]
    before = [p.cpu_times() for p in procs]
    rep = asyncio.run(loadtest.run_load(url, sessions=sessions, mode="interview", timeout=600, pid=pids[0], think=0.0))
    after = [p.cpu_times() for p in procs]
    rep["server_cpu_s"] = [round((x.user + x.system) - (y.user + y.system), 2) for x, y in zip(after, before, strict=True)]
    rep.pop("per_session", None)
    return rep


def _lost(url: str, before: dict, rep: dict) -> dict:
    after = history_counts(url)
    stored = after.get("user_message", 0) - before.get("user_message", 0)
    return {
        "sent": rep["messages_sent"],
        "stored": stored,
        "lost": max(0, rep["messages_sent"] - stored),
        "assistant_messages_stored": after.get("assistant_message", 0) - before.get("assistant_message", 0),
        "threads_added": after["threads"] - before["threads"],
        "users_added": after["users"] - before["users"],
    }


def run(sessions: int = 50, work: Path | None = None, source_data: Path | None = None) -> dict:
    """The whole two-instance run; returns a JSON-able report."""
    base = Path(work or tempfile.mkdtemp(prefix="pitchcheck-cluster-"))
    data = prepare_data_dir(base / "data", source=source_data, with_index=False)
    out: dict = {"sessions": sessions, "stickiness": "hash $cookie_access_token consistent"}
    secret = os.urandom(24).hex()
    with postgres() as db_url, chroma(base) as (chroma_host, chroma_port):
        env = {
            "DATABASE_URL": db_url,
            "CHROMA_HOST": chroma_host,
            "CHROMA_PORT": str(chroma_port),
            "CHAINLIT_AUTH_SECRET": secret,
        }
        t0 = time.perf_counter()
        index = subprocess.run(
            [str(VENV_BIN / "pitchcheck"), "index"],
            cwd=ROOT,
            env=clean_env(data, env),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if index.returncode != 0:
            raise RuntimeError(f"pitchcheck index into the Chroma server failed: {index.stderr[-1500:]}")
        out["index_s"] = round(time.perf_counter() - t0, 1)
        with (
            chainlit_server("app.py", data, extra_env=env, log_name="instance-a.log") as a,
            chainlit_server("app.py", data, extra_env=env, log_name="instance-b.log") as b,
        ):
            time.sleep(5)  # both finish their start-up work (dense index, preloads) before the load
            for name, ports, pids in (("one_instance", [a.port], [a.pid]), ("two_instances", [a.port, b.port], [a.pid, b.pid])):
                with nginx(base / f"nginx-{name}", ports) as url:
                    before = history_counts(db_url)
                    rep = _burst(url, sessions, pids)
                    time.sleep(1.0)
                    rep["history"] = _lost(db_url, before, rep)
                    out[name] = rep
            logs = a.log_tail(10**8) + b.log_tail(10**8)
            out["server_log"] = {"ERROR lines": logs.count(" - ERROR - "), "tracebacks": logs.count("Traceback")}
    shutil.rmtree(base, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rep = run(args.sessions)
    if args.json:
        print(json.dumps(rep))
    else:
        for name in ("one_instance", "two_instances"):
            r = rep[name]
            print(
                f"{name}: {r['throughput_msgs_per_s']} msg/s, turn p95 {r['turn_latency_ms']['p95']} ms, connect p95 "
                f"{r['connect_ms']['p95']} ms, errors {r['errors']}, lost {r['history']['lost']} of "
                f"{r['history']['sent']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
