"""Kill -9 the server right after an answer is acknowledged, start it again, resume the thread: is every answer there?

    .venv/bin/python bench/crash_resume.py --loops 20 [--json]

One guest (the same signed cookie across restarts) works through interviews. In each loop it gives one to four
answers, and the moment the reply to the last one arrives the server's whole process group gets SIGKILL. A new
server is started on the same data directory, the guest reopens the thread, and the loop checks that the resume
line names as many answers as the thread's saved state holds and that every answer given before the kill is in
it. A finished interview (or ten answers) moves on to a new thread. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from common import VENV_BIN, clean_env, free_port, prepare_data_dir, wait_for_http  # noqa: E402
from guest import Guest, interview_answers, thread_state  # noqa: E402
from visitor import asked_field  # noqa: E402

_RESTORED = re.compile(r"restored (\d+) answers?")


class KillableServer:
    """`chainlit run app.py` in its own process group, which `kill()` ends with SIGKILL (no clean stop)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.starts = 0

    def start(self, timeout: float = 120.0) -> str:
        port = free_port()
        log_path = self.data_dir / f"server-{self.starts}.log"
        self.starts += 1
        with log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "chainlit"), "run", "app.py", "--headless", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env=clean_env(self.data_dir),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.url = f"http://127.0.0.1:{port}"
        wait_for_http(self.url + "/health", self.proc, timeout, log_path)
        return self.url

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


def _note_in(name: str, data) -> str | None:
    """The resume line, whether sent as a message or shown inside the resumed thread's steps."""
    found = [data] if name == "new_message" else (data or {}).get("steps", []) if name == "resume_thread" else []
    for step in reversed(found):  # the newest: an older thread may hold earlier resume lines
        text = str((step or {}).get("output") or "") if isinstance(step, dict) else ""
        if text.startswith("Welcome back"):
            return text
    return None


def _resume_line(name: str, data) -> bool:
    return _note_in(name, data) is not None


async def _answer(guest: Guest, questions: dict[str, str], answers: dict[str, str], field: str) -> str | None:
    """Give one answer; returns the next question's field, or None at the verdict."""
    await guest.send(answers[field])

    def reply(name, data):
        text = str(data.get("output") or "").strip() if isinstance(data, dict) else ""
        return name == "new_message" and (asked_field(text, questions) is not None or text.startswith("**Verdict:"))

    data = await guest.until(reply, f"the reply to {field}")
    text = str(data["output"]).strip()
    return None if text.startswith("**Verdict:") else asked_field(text, questions)


async def crash_loops(loops: int, data_dir: Path, log=print) -> dict:
    questions, answers = interview_answers()
    server = KillableServer(data_dir)
    server.start()
    guest = Guest(server.url, timeout=90)
    results: list[dict] = []
    thread_id, given, current = None, [], None
    try:
        for i in range(loops):
            if thread_id is None:
                guest.url = server.url
                await guest.connect()
                current, given = await guest.question(questions), []
            for _ in range(1 + i % 4):
                given.append(current)
                current = await _answer(guest, questions, answers, current)
                if current is None:
                    break
            thread_id = guest.thread_id
            server.kill()  # the reply has arrived: nothing after it gets a chance to run
            await guest.close()
            started = time.perf_counter()
            server.start()
            guest = Guest(server.url, token=guest.token, timeout=90)
            state = thread_state(data_dir, thread_id) or {}
            asked = list(state.get("asked") or [])
            await guest.connect(thread_id=thread_id)
            await guest.until(_resume_line, "the resume line")
            await asyncio.sleep(2)  # a resume line sent as a message comes after the thread is shown
            guest.drain()
            note = next(t for n, d in reversed(guest.seen) if (t := _note_in(n, d)))
            match = _RESTORED.search(note)
            said = int(match.group(1)) if match else 0
            missing = [f for f in given if f not in asked]
            ok = not missing and said == len(asked)
            results.append(
                {
                    "loop": i + 1,
                    "answers_given": len(given),
                    "restored": said,
                    "saved": len(asked),
                    "missing": missing,
                    "ok": ok,
                    "restart_s": round(time.perf_counter() - started, 2),
                }
            )
            log(f"loop {i + 1}: {len(given)} given, {said} restored, missing {missing or 'none'}")
            if current is None or len(given) >= 10:
                await guest.close()
                guest = Guest(server.url, token=guest.token, timeout=90)
                thread_id = None
            else:
                current = state.get("awaiting")  # the resumed chat awaits what the saved state awaits
                if current not in answers:
                    raise AssertionError(f"the saved state awaits {current!r} after {given}")
    finally:
        await guest.close()
        server.kill()
    return {"loops": loops, "ok": sum(r["ok"] for r in results), "results": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loops", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pitchcheck-crash-") as tmp:
        data_dir = prepare_data_dir(Path(tmp) / "data")
        report = asyncio.run(crash_loops(args.loops, data_dir, log=(lambda *a: None) if args.json else print))
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{report['ok']} of {report['loops']} resumes had every answer given before the kill")
    return 0 if report["ok"] == report["loops"] else 1


if __name__ == "__main__":
    sys.exit(main())
