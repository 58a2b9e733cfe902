"""docs/BENCHMARKS.md from one run's report (bench/run.py), and the short summary printed at the end of a run.

Only the report's own figures are written; a part that failed or was skipped says so.
"""

from __future__ import annotations

from pathlib import Path

from analysis import GROUPS, get, n

LOAD_ROWS = (
    ("Turn latency p50 (ms)", ("turn_latency_ms", "p50")),
    ("Turn latency p95 (ms)", ("turn_latency_ms", "p95")),
    ("Turn latency max (ms)", ("turn_latency_ms", "max")),
    ("Connect p50 (ms)", ("connect_ms", "p50")),
    ("Connect p95 (ms)", ("connect_ms", "p95")),
    ("... of which POST /auth/header p50 (ms)", ("auth_ms", "p50")),
    ("... of which POST /auth/header p95 (ms)", ("auth_ms", "p95")),
    ("Throughput (messages/s)", ("throughput_msgs_per_s",)),
    ("Messages sent", ("messages_sent",)),
    ("Wall time (s)", ("wall_s",)),
    ("Server CPU per message (ms)", ("server_cpu_ms_per_message",)),
    ("GET /health during the load p95 (ms)", ("health_probe_ms", "p95")),
    ("Sessions completed cleanly", ("completed",)),
    ("Errors", ("errors",)),
    ("Isolation violations", ("isolation_violations",)),
    ("Server RSS peak (MB)", ("rss_mb", "peak")),
)


def _ms(d: dict | None, key: str = "p50") -> str:
    return "n/a" if not d or d.get(key) is None else f"{d[key]:,.1f}"


def _load_table(add, columns: list[tuple[str, dict]]) -> None:
    add("| | " + " | ".join(name for name, _ in columns) + " |")
    add("|---|" + "---|" * len(columns))
    for label, keys in LOAD_ROWS:
        add(
            f"| {label} | "
            + " | ".join(n(get(rep, *keys), 1 if "ms" in label or "/s" in label else 0) for _, rep in columns)
            + " |"
        )


def write(r: dict, rows: list[dict], notes: dict[str, str], path: Path) -> str:
    L: list[str] = []
    add = L.append
    m = r.get("machine") or {}
    add("# Benchmarks")
    add("")
    add(
        f"Written by `bench/run.py` (`make bench`) on {r['finished_at']}, in one run of {r['wall_s']:.0f} s. Every "
        "figure below comes from that run. The machine is shared and noisy: compare the ratios within this run (each "
        "server beside its baseline, measured one after the other under the same load), not absolute figures "
        "across runs."
    )
    add("")
    add("## The machine")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| CPU | {m.get('cpu_model')}, {m.get('cores_logical')} logical cores, {m.get('cpus_usable')} usable |")
    add(f"| RAM | {m.get('ram_gb')} GB ({m.get('ram_available_gb')} GB available at the start) |")
    add(f"| Load average (1, 5, 15 min) at start / end | {m.get('load_average')} / {r.get('load_average_end')} |")
    add(
        "| Load average before each part (1 min) | "
        + ", ".join(f"{k} {v}" for k, v in (r.get("load_by_part") or {}).items())
        + " |"
    )
    add(f"| OS, Python | {m.get('os')}, Python {m.get('python')} |")
    add("| Packages | " + ", ".join(f"{k} {v}" for k, v in (m.get("packages") or {}).items() if v) + " |")
    add("")
    add(
        "Others were using the same two cores throughout: a 1-minute load average above 2 means processes were "
        "waiting for a core."
    )
    add("")
    add("## Targets")
    add("")
    add("| Target | Measured | Met? | By how much |")
    add("|---|---|---|---|")
    for row in rows:
        met = "n/a" if row["met"] is None else ("met" if row["met"] else "**missed**")
        add(f"| {row['target']} | {row['shown']} | {met} | {row['by']} |")
    missed = [row for row in rows if row["met"] is False]
    add("")
    add(
        f"{len(missed)} of {len(rows)} targets missed in this run"
        + (": see [Missed targets](#missed-targets)." if missed else ".")
    )
    add("")
    _startup(add, r)
    _loads(add, r)
    _cluster(add, r)
    _engine(add, r)
    _scripts(add, r)
    add("## Missed targets")
    add("")
    if not missed:
        add("None in this run.")
        add("")
    seen: set[str] = set()
    for row in missed:
        key = GROUPS.get(row["id"], row["id"])
        if key in seen:
            continue
        seen.add(key)
        add("### " + " / ".join(x["target"] for x in missed if GROUPS.get(x["id"], x["id"]) == key))
        add("")
        add(notes.get(key, "No reading of this run's figures for this target."))
        add("")
    if r.get("failures"):
        add("## Parts that failed in this run")
        add("")
        for name, why in r["failures"].items():
            add(f"- **{name}**: `{why.splitlines()[0][:300]}`")
        add("")
    add("## Reproduce")
    add("")
    add("```bash")
    add("make bench                                             # all of the above; rewrites this file")
    add(".venv/bin/python bench/run.py --quick --no-write       # a smaller, faster pass, summary only")
    add(".venv/bin/python bench/run.py --from-json report.json  # rewrite this file from a saved --json report")
    add(".venv/bin/python bench/loadtest.py --url http://127.0.0.1:8000 --sessions 50   # against `make run`")
    add(".venv/bin/python bench/cluster.py                      # the two-instance run alone")
    add("```")
    text = "\n".join(L) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def _startup(add, r: dict) -> None:
    s, nb = r.get("startup") or {}, r.get("no_bytecode") or {}
    add("## First page")
    add("")
    add(
        "Seconds from launching `chainlit run <app> --headless` to HTTP 200 on `/`, and to the first answer to "
        '"what is LoRA?" over socket.io (the echo app: its echo); medians of interleaved starts. The app starts as '
        "an installed app that has run once: its history database exists, and the bytecode cache is primed."
    )
    add("")
    add("| | Real app | Bare echo app | Ratio |")
    add("|---|---|---|---|")
    if s.get("app"):
        for label, key, ratio in (
            ("First page (s)", "first_page_s", "first_page_ratio"),
            ("First answer (s)", "first_answer_s", "first_answer_ratio"),
        ):
            add(f"| {label} | {s['app'][key]:.2f} | {s['echo'][key]:.2f} | {s[ratio]:.2f}x |")
    if nb.get("app"):
        add(
            f"| First page, no bytecode cache (s) | {nb['app']['first_page_s']:.2f} | "
            f"{nb['echo']['first_page_s']:.2f} | {nb['first_page_ratio']:.2f}x |"
        )
    add("")
    if s.get("runs"):
        add(
            "Each start (first page / first answer, s): app "
            + ", ".join(f"{x['first_page_s']:.2f}/{x['first_answer_s']:.2f}" for x in s["runs"]["app"])
            + "; echo "
            + ", ".join(f"{x['first_page_s']:.2f}/{x['first_answer_s']:.2f}" for x in s["runs"]["echo"])
            + "."
        )
        add("")


def _loads(add, r: dict) -> None:
    sessions = r.get("sessions")
    add(f"## {sessions} visitors at once")
    add("")
    add(
        "`bench/loadtest.py` drives each server over Chainlit's socket.io protocol as the browser does (POST "
        "/auth/header for a guest cookie, the socket, `connection_successful`, `client_message`, waiting for "
        "`task_end` before the next message). Each app visitor completes a whole interview with figures of their own, "
        'then asks "what is LoRA?"; each anchor and echo visitor sends as many messages. The **anchor** '
        "(bench/anchor_app.py) is a bare Chainlit app with the app's own history data layer, SQLite settings and "
        f"guest sign-in; the **echo app** has neither. The {sessions} visitors start within 2 s."
    )
    add("")
    add(
        "- **Burst**: each visitor sends the next message the moment the reply ends: capacity, and what the last of "
        "a crowd waits."
    )
    add(
        f"- **Paced**: each visitor pauses 0.5-1.5 x {get(r, 'think_s', default=2.0)} s after each reply, as a "
        "reader would, so every server is offered the same messages at the same rate."
    )
    add("")
    for title, key in (("Burst", "load_burst"), ("Paced", "load")):
        columns = [
            (name, get(r, part, key))
            for name, part in (
                ("Real app", "app_load"),
                ("Anchor", "anchor_load"),
                ("Anchor, steady clock", "anchor_steady_load"),
                ("Bare echo app", "echo_load"),
            )
            if get(r, part, key)
        ]
        if not columns:
            continue
        add(f"### {title}")
        add("")
        _load_table(add, columns)
        app = get(r, "app_load", key) or {}
        add("")
        add(
            "The app's turns by kind (p50 / p95 ms): "
            + "; ".join(
                f"{k.replace('_ms', '').replace('_', ' ')} {_ms(app.get(k))} / {_ms(app.get(k), 'p95')}"
                for k in ("first_question_ms", "question_turn_ms", "verdict_turn_ms", "concept_turn_ms")
            )
            + f". Verdicts reached {app.get('reached_verdict')}, sourced concept answers {app.get('sourced_answers')}."
        )
        for sample in (app.get("error_samples") or [])[:5]:
            add(f"- {sample}")
        add("")
    hs = {name: get(r, part, "history_statements") for name, part in (("app", "app_load"), ("anchor", "anchor_load"))}
    if any(hs.values()):
        add(
            "History statements per message a visitor sent, over each server's life (the count it logs as it stops): "
            + "; ".join(
                f"{k} {x['per_message']} ({x['reads']:,} reads and {x['writes']:,} writes for "
                f"{x['messages']:,} messages; the writes committed in {x['commits']:,} transactions, "
                f"{x['writes_per_commit']} a commit)"
                for k, x in hs.items()
                if x
            )
            + "."
        )
        add("")
    logs = {name: get(r, part, "server_log") for name, part in (("app", "app_load"), ("anchor", "anchor_load"))}
    add(
        "Server logs over both loads ('database is locked' / ERROR lines / tracebacks): "
        + "; ".join(f"{k} {' / '.join(str(v) for v in (x or {}).values())}" for k, x in logs.items())
        + "."
    )
    add("")
    a, st = r.get("app_load") or {}, r.get("st_memory") or {}
    add(
        "Server memory (RSS with children, MB): at first page "
        + n(a.get("rss_at_first_page_mb"))
        + f", after {len(r.get('rss_questions') or [])} concept questions "
        + n(a.get("rss_after_questions_mb"))
        + ", peak under load "
        + n(a.get("peak_rss_mb"))
        + "; with the sentence-transformers backend, after the "
        "questions " + n(st.get("rss_after_questions_mb")) + "."
    )
    add("")


def _cluster(add, r: dict) -> None:
    c = r.get("cluster") or {}
    add("## Two instances behind nginx")
    add("")
    if not c.get("two_instances"):
        add("Not measured in this run: " + str((r.get("failures") or {}).get("cluster", "skipped")))
        add("")
        return
    add(
        "bench/cluster.py starts PostgreSQL (initdb into a temp folder), `chroma run`, the glossary indexed into "
        "that server, two app instances sharing the database, the Chroma server, the data folder and the cookie "
        f"secret, and nginx from Debian in front with sticky sessions (`{c.get('stickiness')}`). The same burst runs "
        "through nginx to one instance, then to both; after each, the visitors' messages are counted in PostgreSQL's "
        "steps table."
    )
    add("")
    one, two = c.get("one_instance") or {}, c.get("two_instances") or {}
    _load_table(add, [("One instance", one), ("Two instances", two)])
    add(
        "| Messages sent / stored in PostgreSQL / lost | "
        + " | ".join(
            f"{get(x, 'history', 'sent')} / {get(x, 'history', 'stored')} / {get(x, 'history', 'lost')}" for x in (one, two)
        )
        + " |"
    )
    add(f"| Server CPU per instance (s) | {one.get('server_cpu_s')} | {two.get('server_cpu_s')} |")
    add("")
    add(
        f"Throughput with two instances: {_x(two.get('throughput_msgs_per_s'), one.get('throughput_msgs_per_s'))} of "
        f"one; turn p95 {_x(get(two, 'turn_latency_ms', 'p95'), get(one, 'turn_latency_ms', 'p95'))}. Instance logs: "
        f"{c.get('server_log')}. Indexing into the Chroma server took {c.get('index_s')} s."
    )
    add("")


def _x(a, b) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def _engine(add, r: dict) -> None:
    e = r.get("engine") or {}
    c, i = e.get("concept") or {}, e.get("interview") or {}
    add("## Engine (no server)")
    add("")
    add("| | p50 (ms) | p95 (ms) | n |")
    add("|---|---|---|---|")
    if c:
        add(
            f"| Warm concept answer (`Explainer.explain`) | {_ms(c['answer_ms'])} | {_ms(c['answer_ms'], 'p95')} | "
            f"{c['answer_ms']['n']} |"
        )
    for label, key in (("Interview turn, all turns", "turn_ms"), ("... the verdict turn", "verdict_turn_ms")):
        if i.get(key):
            add(f"| {label} ({i.get('interviews')} interviews) | {_ms(i[key])} | {_ms(i[key], 'p95')} | {i[key]['n']} |")
    add("")
    asx, ca = e.get("assess") or {}, e.get("cold_ask") or {}
    if asx:
        add(
            f"`pitchcheck assess` on {asx['lines']:,} lines: {asx['wall_s']} s. "
            + " ".join(f"Cold `pitchcheck ask`, {b}: {v['wall_s']} s." for b, v in ca.items())
        )
        add("")


def _scripts(add, r: dict) -> None:
    add("## Interview answers (bench/answer_eval.py)")
    add("")
    add("Typed answers read by the interview; the tuning half may be looked at, the held-out half is only scored.")
    add("")
    add("```")
    add("\n".join(get(r, "answer_eval", "lines") or ["not measured"]))
    add("```")
    add("")
    add("## Retrieval (bench/bench_retrieval.py)")
    add("")
    ret = r.get("retrieval") or {}
    if ret.get("halves"):
        add("| Half | Mode | n | hit@1 | hit@3 | MRR |")
        add("|---|---|---|---|---|---|")
        for half, modes in ret["halves"].items():
            for mode, f in modes.items():
                add(f"| {half} | {mode} | {f['n']} | {f['hit_at_1']:.3f} | {f['hit_at_3']:.3f} | {f['mrr']:.3f} |")
        off = ret.get("offtopic") or {}
        add("")
        add(
            f"Off-topic questions answered from the glossary: {off.get('answered')} of {off.get('n')} (should be 0; "
            + "; ".join(f"{h} half {x['answered']} of {x['n']}" for h, x in (off.get("by_half") or {}).items())
            + "). "
            f"Warm concept answer p50 {get(ret, 'warm_answer_ms', 'p50')} ms."
        )
    else:
        add("Not measured in this run.")
    add("")
    add("## Pitch set (bench/pitch_set.py)")
    add("")
    add("```")
    add("\n".join(get(r, "pitch_set", "lines") or ["not measured"]))
    add("```")
    add("")
    au = r.get("audit") or {}
    add("## Audit of 100,000 rows (bench/bench_audit.py)")
    add("")
    if au.get("audit"):
        a, s = au["audit"], au.get("recall") or {}
        add(
            f"{a['rows']:,} generated rows ({a.get('size_mb')} MB) audited in {a['seconds']:.1f} s "
            f"({a.get('rows_per_s'):,} rows/s; read and count {a.get('read_s')} s, near-duplicates "
            f"{a.get('near_duplicates_s')} s; load average {a.get('load_average_before')} before). Clean "
            f"{a.get('clean'):,}, duplicates {a.get('duplicates'):,}, personal data {a.get('pii_rows'):,}, "
            f"near-duplicate pairs {a.get('near_duplicate_pairs')}. Recall against comparing every pair on "
            f"{s.get('rows'):,} rows: {s.get('recall')} (precision {s.get('precision')}). Peak RSS "
            f"{au.get('peak_rss_mb')} MB."
        )
    else:
        add("Not measured in this run: " + str((r.get("failures") or {}).get("audit", "skipped")))
    add("")
    cr = r.get("crash_resume") or {}
    add("## Crash and resume (bench/crash_resume.py --loops 20)")
    add("")
    add(
        f"{cr.get('ok')} of {cr.get('loops')} kill -9 and resume loops brought back every acknowledged answer."
        if cr
        else "Not measured in this run."
    )
    add("")
    emb = r.get("embeddings") or {}
    if emb.get("backends"):
        add("## Embedding backends (bench/bench_embeddings.py)")
        add("")
        names = list(emb["backends"])
        add("| | " + " | ".join(names) + " |")
        add("|---|" + "---|" * len(names))
        for label, key in (
            ("load (s)", "load_s"),
            ("query median (ms)", "query_ms_median"),
            ("batch texts/s", "batch_texts_per_s"),
            ("peak RSS (MB)", "peak_rss_mb"),
        ):
            add(f"| {label} | " + " | ".join(str(emb["backends"][b].get(key)) for b in names) + " |")
        add("")


def summary(r: dict, rows: list[dict]) -> str:
    lines = [
        f"Pitchcheck benchmarks ({r['wall_s']:.0f} s, load average {r['machine'].get('load_average')} at the "
        f"start, {r.get('load_average_end')} at the end)"
    ]
    for row in rows:
        met = "  n/a " if row["met"] is None else (" met  " if row["met"] else "MISSED")
        lines.append(f"  [{met}] {row['target']}: {row['shown']} ({row['by']})")
    for name, why in (r.get("failures") or {}).items():
        lines.append(f"  [FAILED] {name}: {why.splitlines()[0][:200]}")
    return "\n".join(lines)
