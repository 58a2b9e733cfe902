"""What a run's figures mean: each target with its measured value, met or missed, and for a miss the reading of
the same run's figures that points at its cause. Every number written here is read from the run's report; the
prose names causes and levers, never a figure measured some other time.
"""

from __future__ import annotations

from typing import Any


def get(d: Any, *keys, default=None):
    for k in keys:
        if not isinstance(d, dict) or k not in d or d[k] is None:
            return default
        d = d[k]
    return d


def n(value: Any, digits: int = 0) -> str:
    """A figure for prose: thousands separators, few decimals; 'n/a' when missing."""
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}" if isinstance(value, (int, float)) else str(value)


def _fmt(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.3f}"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.2f} s"


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def targets(r: dict) -> list[dict]:
    """[{id, target, value, limit, unit, met, shown, by}] for every target; value None when the figure is missing."""
    rows: list[dict] = []

    def add(
        tid: str,
        text: str,
        value: float | None,
        limit: float,
        unit: str,
        higher_is_better: bool = False,
        shown: str | None = None,
    ) -> None:
        if value is None:
            rows.append(
                {
                    "id": tid,
                    "target": text,
                    "value": None,
                    "shown": "not measured",
                    "met": None,
                    "by": "n/a",
                    "unit": unit,
                    "limit": limit,
                }
            )
            return
        if higher_is_better:
            met = value >= limit
        else:
            met = value <= limit if unit in ("x", "count") else value < limit
        if unit == "x":
            by = f"{value:.2f}x against {limit:.2f}x"
        elif unit == "share":
            by = f"{(value - limit) * 100:+.1f} points"
        elif unit == "count":
            by = f"{value:,.0f} against {limit:,.0f}"
        else:
            by = f"{value - limit:+,.1f} {unit} ({value / limit:.0%} of the limit)"
        rows.append(
            {
                "id": tid,
                "target": text,
                "value": value,
                "shown": shown or _fmt(value, unit),
                "met": met,
                "by": by,
                "unit": unit,
                "limit": limit,
            }
        )

    s = r.get("startup") or {}
    add(
        "first_page",
        "First page (HTTP 200 on /) within 1.15x the bare echo app",
        s.get("first_page_ratio"),
        1.15,
        "x",
        shown=_pair(get(s, "app", "first_page_s"), get(s, "echo", "first_page_s"), "s"),
    )
    for anchor, suffix in (("anchor_load", ""), ("anchor_steady_load", "_steady")):
        if suffix and not r.get(anchor):
            continue
        _load_rows(add, r, anchor, suffix)
    c = r.get("cluster") or {}
    two = c.get("two_instances") or {}
    errors = (
        None
        if not two
        else two.get("errors", 0) + two.get("isolation_violations", 0) + get(c, "one_instance", "errors", default=0)
    )
    add("cluster_errors", "Two instances behind nginx: 0 errors", errors, 0, "count")
    lost = None if not two else get(two, "history", "lost", default=0) + get(c, "one_instance", "history", "lost", default=0)
    add("cluster_lost", "Two instances behind nginx: 0 lost messages (every message in PostgreSQL)", lost, 0, "count")
    au = r.get("audit") or {}
    add(
        "audit",
        "Audit of 100,000 rows < 60 s",
        get(au, "audit", "seconds"),
        60,
        "s",
        shown=None
        if get(au, "audit", "rows") in (None, 100_000)
        else f"{get(au, 'audit', 'seconds'):.1f} s for {get(au, 'audit', 'rows'):,} rows",
    )
    add(
        "recall",
        "Near-duplicate recall against the exact search >= 0.95",
        get(au, "recall", "recall"),
        0.95,
        "share",
        higher_is_better=True,
    )
    cr = r.get("crash_resume") or {}
    add(
        "crash",
        "Crash and resume: every answer back after kill -9 (loops failed)",
        (cr["loops"] - cr["ok"]) if "ok" in cr else None,
        0,
        "count",
        shown=f"{cr['ok']} of {cr['loops']} loops whole" if "ok" in cr else None,
    )
    e = r.get("engine") or {}
    add("concept_p50", "Warm concept answer p50 < 30 ms", get(e, "concept", "answer_ms", "p50"), 30, "ms")
    add("concept_p95", "Warm concept answer p95 < 60 ms", get(e, "concept", "answer_ms", "p95"), 60, "ms")
    peaks = [v for v in (get(r, "app_load", "peak_rss_mb"), get(r, "st_memory", "peak_rss_mb")) if v]
    add("peak_rss", "Server peak RSS < 800 MB (either backend, under load)", max(peaks) if peaks else None, 800, "MB")
    add(
        "onnx_rss",
        "Server RSS with the ONNX backend after answering questions < 400 MB",
        get(r, "app_load", "rss_after_questions_mb"),
        400,
        "MB",
    )
    add("assess", "`pitchcheck assess` on 10,000 lines < 3 s", get(e, "assess", "wall_s"), 3, "s")
    add("cold_ask", "Cold `pitchcheck ask` (ONNX) < 3 s", get(e, "cold_ask", "onnx", "wall_s"), 3, "s")
    return rows


def _pair(a: float | None, b: float | None, unit: str) -> str | None:
    if not a or not b:
        return None
    digits = 2 if unit == "s" else 1
    return f"{a:,.{digits}f} {unit} vs {b:,.{digits}f} {unit} = {a / b:.2f}x"


def _load_rows(add, r: dict, anchor: str, suffix: str) -> None:
    """The four load targets against one anchor; with the steady-clock anchor, like for like (labelled so)."""
    app_b, anc_b = get(r, "app_load", "load_burst") or {}, get(r, anchor, "load_burst") or {}
    app_p, anc_p = get(r, "app_load", "load") or {}, get(r, anchor, "load") or {}
    like = " (like for like: the anchor with the app's steady clock)" if suffix else ""
    for tid, text, a, b, limit, better in (
        (
            "burst_connect",
            f"{r.get('sessions')}-visitor burst: connect p95 within 1.5x the anchor",
            get(app_b, "connect_ms", "p95"),
            get(anc_b, "connect_ms", "p95"),
            1.5,
            False,
        ),
        (
            "burst_turn",
            f"{r.get('sessions')}-visitor burst: turn p95 within 1.5x the anchor",
            get(app_b, "turn_latency_ms", "p95"),
            get(anc_b, "turn_latency_ms", "p95"),
            1.5,
            False,
        ),
        (
            "burst_throughput",
            f"{r.get('sessions')}-visitor burst: throughput at least 0.7x the anchor",
            app_b.get("throughput_msgs_per_s"),
            anc_b.get("throughput_msgs_per_s"),
            0.7,
            True,
        ),
        (
            "paced_turn",
            "Paced turn p95 within 2x the anchor",
            get(app_p, "turn_latency_ms", "p95"),
            get(anc_p, "turn_latency_ms", "p95"),
            2.0,
            False,
        ),
    ):
        unit = "msg/s" if tid == "burst_throughput" else "ms"
        add(tid + suffix, text + like, _ratio(a, b), limit, "x", higher_is_better=better, shown=_pair(a, b, unit))


def notes(r: dict, rows: list[dict]) -> dict[str, str]:
    """For each missed target, what this run's own figures say about where the time went."""
    missed = {row["id"] for row in rows if row["met"] is False}
    out: dict[str, str] = {}
    app_b, anc_b = get(r, "app_load", "load_burst") or {}, get(r, "anchor_load", "load_burst") or {}
    app_p, anc_p = get(r, "app_load", "load") or {}, get(r, "anchor_load", "load") or {}
    cpu_app, cpu_anchor = app_b.get("server_cpu_ms_per_message"), anc_b.get("server_cpu_ms_per_message")
    machine = r.get("machine") or {}
    if missed & {"burst_turn", "burst_throughput", "paced_turn", "burst_connect"}:
        extras = get(r, "engine", "interview", "web_verdict_extras") or {}
        parts = [
            f"In the burst the server spent {n(cpu_app, 1)} ms of CPU per message the visitors sent, against "
            f"the anchor's {n(cpu_anchor, 1)} ms"
            + (f" ({cpu_app / cpu_anchor:.1f}x)" if cpu_app and cpu_anchor else "")
            + ". The anchor answers each message with one message; the app's turn runs the interview "
            "(`Session.handle`, p50 " + n(get(r, "engine", "interview", "turn_ms", "p50"), 1) + " ms in-process, on a "
            "worker thread), sends the echo and the next question as one message with its buttons (one socket "
            "event per button; the last question's are hidden by the stylesheet, with no event), and "
            "waits for the interview state to be committed before the reply goes out (one statement), so it "
            "sends and stores more per turn."
        ]
        hs_app, hs_anchor = get(r, "app_load", "history_statements"), get(r, "anchor_load", "history_statements")
        if hs_app and hs_anchor:
            parts.append(
                f"History statements per message: the app {hs_app['per_message']}, the anchor "
                f"{hs_anchor['per_message']}; the writes were committed {hs_app['writes_per_commit']} and "
                f"{hs_anchor['writes_per_commit']} to a transaction by the single SQLite writer."
            )
        parts.append(
            f"By kind (burst, p50 / p95 ms): question turns {n(get(app_b, 'question_turn_ms', 'p50'))} / "
            f"{n(get(app_b, 'question_turn_ms', 'p95'))}, verdict turns "
            f"{n(get(app_b, 'verdict_turn_ms', 'p50'))} / {n(get(app_b, 'verdict_turn_ms', 'p95'))}, the "
            f"concept answer {n(get(app_b, 'concept_turn_ms', 'p50'))} / "
            f"{n(get(app_b, 'concept_turn_ms', 'p95'))}; paced, verdict turns "
            f"{n(get(app_p, 'verdict_turn_ms', 'p50'))} / {n(get(app_p, 'verdict_turn_ms', 'p95'))} against "
            f"question turns {n(get(app_p, 'question_turn_ms', 'p50'))} / "
            f"{n(get(app_p, 'question_turn_ms', 'p95'))} (the anchor's paced p95: "
            f"{n(get(anc_p, 'turn_latency_ms', 'p95'))})."
        )
        if extras:
            parts.append(
                "What the verdict turn adds, timed in-process by bench_engine.py in this run (first call / "
                "warm median, ms): "
                + "; ".join(
                    f"{k} {v.get('cold_ms')} / {v.get('warm_ms_p50')}"
                    for k, v in extras.items()
                    if isinstance(v, dict) and "cold_ms" in v
                )
                + "."
            )
        parts.append(
            "Done so far: the echo and the next question go out as one message; the chart is built as "
            "plain figure JSON (no Plotly Figure); the PDF and Markdown reports are laid out only when one is "
            "downloaded (in a worker process), so a verdict sends links and lays out nothing; the state is saved in "
            "one statement instead of a read and a write; old answer buttons are hidden by the stylesheet, with no "
            "event; an identical question is answered from the recent answers; a thread's owner is asked of the "
            "database once; messages are stamped by a steady clock, without the 1 ms pause Chainlit takes on the "
            "event loop for every message and step (the like-for-like anchor has the same clock); what the "
            "server loads at start is frozen out of the garbage collector's way once dense retrieval is in, so a "
            "full collection no longer stops the event loop for 100-200 ms to walk the model and the index. The visitors "
            "here never download a report, so none is laid out during the load. Left: a question's buttons cost "
            "one socket event each (Chainlit has no batch for them); each new chat looks up the visitor's "
            'unfinished checks (one read, to offer "Carry on").'
        )
        loads = [v for v in (r.get("load_by_part") or {}).values() if isinstance(v, (int, float))]
        cores = machine.get("cores_logical") or 0
        busy = bool(loads) and max(loads) > cores
        parts.append(
            f"The machine was shared: 1-minute load average {min(loads, default=None)} to {max(loads, default=None)} "
            f"before the parts of this run, on {cores} cores"
            + (
                ", so at times processes waited for a core"
                if busy
                else ", below the core count, but a server is one "
                "Python process and others' work still took turns on the same cores"
            )
            + ". The ratios compare servers measured one after the other in the same run; the anchor's own paced "
            "p95 is a few milliseconds, so a handful of slow turns moves that ratio a long way."
        )
        out["load"] = "\n\n".join(parts)
    if "first_page" in missed:
        s = r.get("startup") or {}
        fp = r.get("first_page_profile") or {}
        gap = (get(s, "app", "first_page_s") or 0) - (get(s, "echo", "first_page_s") or 0)
        text = (
            f"The app's first page came {n(gap, 2)} s after the bare echo app's (medians of the interleaved "
            "starts; each start is listed under First page)."
        )
        if fp:
            text += (
                f" In fresh interpreters in this run, importing Chainlit took {n(fp.get('chainlit_s'), 2)} s (both "
                f"apps pay it) and importing app.py with its module-level start-up {n(fp.get('app_s'), 2)} s (the "
                "app alone), bringing in " + ", ".join(fp.get("packages_added") or []) + ". The rest of the gap "
                "is after the import: Chainlit's start-up hooks and uvicorn, on a machine where other processes "
                "take turns on the two cores."
            )
        out["first_page"] = text
    if missed & {"cluster_errors", "cluster_lost"}:
        c = r.get("cluster") or {}
        samples = [x for k in ("one_instance", "two_instances") for x in (get(c, k, "error_samples") or [])[:3]]
        out["cluster"] = (
            "What the visitors saw: " + ("; ".join(samples) or "no error messages") + ". History "
            f"counts: one instance {get(c, 'one_instance', 'history')}, two instances "
            f"{get(c, 'two_instances', 'history')}."
        )
    if missed & {"audit", "recall"}:
        au = r.get("audit") or {}
        out["audit"] = (
            f"bench/bench_audit.py: {n(get(au, 'audit', 'seconds'), 1)} s for "
            f"{n(get(au, 'audit', 'rows'))} rows (read and count {get(au, 'audit', 'read_s')} s, "
            f"near-duplicates {get(au, 'audit', 'near_duplicates_s')} s); recall "
            f"{get(au, 'recall', 'recall')} on {n(get(au, 'recall', 'rows'))} rows."
        )
    if "crash" in missed:
        bad = [x for x in (get(r, "crash_resume", "results") or []) if not x.get("ok")]
        out["crash"] = "Loops that lost an answer: " + "; ".join(str(x) for x in bad[:5])
    for tid in ("concept_p50", "concept_p95", "peak_rss", "onnx_rss", "assess", "cold_ask"):
        if tid in missed:
            out[tid] = (
                f"Measured by bench_engine.py / the memory run in this run; the machine's load average was "
                f"{machine.get('load_average')} at the start."
            )
    return out


GROUPS = {
    "burst_connect": "load",
    "burst_turn": "load",
    "burst_throughput": "load",
    "paced_turn": "load",
    "cluster_errors": "cluster",
    "cluster_lost": "cluster",
    "audit": "audit",
    "recall": "audit",
}
