"""The HTTP benchmark: the app under gunicorn with many users at once, on SQLite and on PostgreSQL.

    .venv/bin/python -m benchmarks.http [--data-url duckdb:///…] [--databases sqlite postgresql://…] [--quick]

For each application database (a new SQLite file, and a database created on the PostgreSQL server and
dropped afterwards) it starts ``gunicorn app:server`` as production does (``gunicorn.conf.py``: threaded
workers; 2 of them, the result cache in Redis unless ``--cache-url ''``) and runs three phases against it:

* **sessions** — ``--users`` (20) simulated users, all at once, running the sessions of
  ``benchmarks.scenario`` with locust for ``--session-seconds``: sign in, open dashboards, change filters and
  sheets, apply, add, update and delete bookmarks, share and open links, play presentations, and scripts
  on the JSON API. Requests per second, p50/p95/p99 per kind of request, failures.
* **bookmarks** — ``--users`` scripts with API tokens going round a bookmark's life without pausing
  (``benchmarks.bookmark_ops``: create, list, rename, update, delete) for ``--bookmark-seconds``:
  operations per second and failures.
* **warm sheets** — one client reads ``/api/v1/dashboards/<d>/data`` for ``--warm-states`` random views per
  dashboard, first until every worker has answered each view once (so each is computed and cached), then
  ``--warm-rounds`` times more, timed: p50/p95 of those warm reads.

The app's log must hold no warning or error. ``run`` returns the figures as a dict; ``main`` prints them with
their conditions and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

import requests

from benchmarks import memory
from benchmarks.serve import MIX, Gunicorn, database_server, fresh_database, make_users, worker_kind
from benchmarks.soak import _percentiles, _request_stats
from dashboards import registry
from settings import ROOT

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_CACHE = "redis://127.0.0.1:6379/0"
TARGET_BOOKMARK_OPS = 300.0
TARGET_WARM_P95_MS = 8.0


@dataclass(frozen=True)
class Options:
    data_url: str
    databases: tuple[str, ...] = ("sqlite", POSTGRES_SERVER)
    users: int = 20
    session_seconds: int = 60
    bookmark_seconds: int = 30
    think: str = "1-3"  # seconds between a session user's actions
    workers: int = 2
    cache_url: str | None = REDIS_CACHE
    warm_states: int = 10
    warm_rounds: int = 20
    seed: int = 11
    stop_timeout_s: int = 10  # users finish the action they are in when the time is up (locust --stop-timeout)

    @classmethod
    def quick(cls, data_url: str, **overrides) -> Options:
        """A short run for CI: every phase, a few seconds each."""
        return cls(data_url=data_url, **{"session_seconds": 6, "bookmark_seconds": 3, "think": "0.5-1",
                                         "warm_states": 2, "warm_rounds": 3, "stop_timeout_s": 3, **overrides})


def run(options: Options) -> dict:
    """Every phase on every database; the figures and their conditions."""
    result = {"conditions": conditions(options), "databases": {}}
    for server in options.databases:
        result["databases"][_label(server)] = run_one(options, server)
    return result


def run_one(options: Options, server: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="viewmark-http-") as tmp:
        run_dir = Path(tmp)
        with fresh_database(server, run_dir) as database_url:
            sessions_roster = make_users(database_url, options.users, MIX)
            scripts_roster = make_users(database_url, options.users, ("api",), prefix="ops")
            with Gunicorn(database_url, options.data_url, run_dir, workers=options.workers,
                          cache_url=options.cache_url, sample_interval_s=0.5) as app:
                sessions = _sessions(options, app.base, run_dir / "sessions", sessions_roster)
                bookmarks = _bookmark_ops(options, app.base, run_dir / "bookmarks", scripts_roster)
                warm = warm_sheets(app.base, scripts_roster[0]["token"], options)
                app.memory.stop()
                rss = memory.peak(app.memory.samples)
            database = database_server(database_url)
            problems = app.log_problems()
            log_tail = _log_tail(app.log_path) if problems else []
    return {"database": database, "sessions": sessions, "bookmarks": bookmarks, "warm_sheets": warm,
            "memory": rss, "app_log_problems": problems[:20], "app_log_tail": log_tail,
            "errors": _errors(sessions, bookmarks, warm, problems)}


def _log_tail(path: Path, lines: int = 80) -> list[str]:
    """The end of the app's log, kept in the report when it logged a problem (the run's folder is removed)."""
    with open(path, errors="replace") as log:
        return [line.rstrip() for line in log.readlines()[-lines:]]


def _errors(sessions: dict, bookmarks: dict, warm: dict, problems: list[str]) -> int:
    return (sessions["totals"]["failures"] + bookmarks["totals"]["failures"] + warm["failures"]
            + len(problems) + (0 if sessions["totals"]["users_started"] == sessions["users"] else 1))


def _label(server: str) -> str:
    return "sqlite" if server == "sqlite" else "postgresql"


# Phases ----------------------------------------------------------------------------------------------------

def _sessions(options: Options, base: str, out: Path, roster: list[dict]) -> dict:
    timings = _locust("scenario.py", base, out, roster, options, options.session_seconds, options.think)
    requests_, totals, failures = _request_stats(timings)
    ledger = json.loads((out / "ledger.json").read_text())
    totals["users_started"] = len(ledger["started"])
    return {"users": options.users, "seconds": options.session_seconds, "think_s": options.think,
            "requests": requests_, "totals": totals, "failures": dict(list(failures.items())[:20])}


def _bookmark_ops(options: Options, base: str, out: Path, roster: list[dict]) -> dict:
    timings = _locust("bookmark_ops.py", base, out, roster, options, options.bookmark_seconds, "0")
    requests_, totals, failures = _request_stats(timings)
    return {"users": options.users, "seconds": options.bookmark_seconds, "operations": requests_,
            "totals": totals, "ops_per_s": totals["requests_per_s"], "failures": dict(list(failures.items())[:20])}


def _locust(locustfile: str, base: str, out: Path, roster: list[dict], options: Options, seconds: int,
            think: str) -> list:
    """Runs a locustfile of ``benchmarks/`` headless, all users started at once; its requests' timings.

    Locust runs in its own process: it patches the standard library for gevent when imported.
    """
    out.mkdir(parents=True)
    (out / "roster.json").write_text(json.dumps({"users": roster}))
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / locustfile), "--headless",
               "-H", base, "-u", str(options.users), "-r", str(options.users), "-t", f"{seconds}s",
               "--stop-timeout", str(options.stop_timeout_s), "--only-summary", "--loglevel", "WARNING",
               "--exit-code-on-error", "0"]
    env = {**os.environ, "VIEWMARK_LOAD_ROSTER": str(out / "roster.json"), "VIEWMARK_LOAD_OUT": str(out),
           "VIEWMARK_LOAD_THINK": think, "PYTHONPATH": str(ROOT)}
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=seconds + options.stop_timeout_s + 120)
    if not (out / "requests.json").exists():
        raise RuntimeError(f"locust wrote no results (exit status {finished.returncode}):\n"
                           f"{(finished.stdout + finished.stderr)[-4000:]}")
    return json.loads((out / "requests.json").read_text())


def random_state(board: dict, rng: random.Random) -> dict:
    """A view a person might choose (as the API describes the dashboard): a sheet, a few independent
    filters and parameters, a date preset."""
    declared = registry.get(board["id"])
    state = {"sheet": rng.choice(board["sheets"])["id"], "filters": {}, "parameters": {}}
    for control in board["controls"]:
        if declared.control(control["id"]).depends_on or rng.random() < 0.5:
            continue
        if control["type"] == "date_range":
            state["filters"][control["id"]] = rng.choice(control["presets"])
        elif control["type"] == "multi":
            values = [o["value"] for o in control["options"]]
            state["filters"][control["id"]] = rng.sample(values, k=min(len(values), rng.choice((1, 2))))
        else:
            state["parameters"][control["id"]] = rng.choice(control["options"])["value"]
    return state


def warm_sheets(base: str, token: str, options: Options) -> dict:
    """Reads of views already computed: each view is read until every worker has answered it, then timed."""
    rng = random.Random(options.seed)
    with requests.Session() as client:
        client.headers["Authorization"] = f"Bearer {token}"
        boards = client.get(f"{base}/api/v1/dashboards", timeout=30).json()
        paths = [f"{base}/api/v1/dashboards/{b['id']}/data?state={quote(json.dumps(random_state(b, rng)))}"
                 for b in boards for _ in range(options.warm_states)]
        # Each worker takes requests as it is free: a few times the worker count reaches every one of them.
        failures = sum(not _ok(client.get(p, timeout=60)) for p in paths for _ in range(options.workers * 3))
        times = []
        for _ in range(options.warm_rounds):
            for path in paths:
                started = time.perf_counter()
                response = client.get(path, timeout=60)
                elapsed = (time.perf_counter() - started) * 1000
                failures += not _ok(response)
                times.append(elapsed)
    return {"views": len(paths), "reads": len(times), "failures": failures, **_percentiles(times),
            "mean_ms": round(statistics.fmean(times), 1) if times else None}


def _ok(response: requests.Response) -> bool:
    return response.status_code == 200


# The report ------------------------------------------------------------------------------------------------

def conditions(options: Options) -> dict:
    return {
        "data": options.data_url.rsplit("/", 1)[-1], "users": options.users, "workers": options.workers,
        "worker_kind": worker_kind(),
        "session_seconds": options.session_seconds, "think_s": options.think,
        "bookmark_seconds": options.bookmark_seconds,
        "cache": f"Redis ({options.cache_url})" if options.cache_url else "in each worker",
        "warm_states_per_dashboard": options.warm_states, "warm_rounds": options.warm_rounds,
        "machine": f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}",
        "load_average_at_start": round(os.getloadavg()[0], 2), "locust": version("locust"),
    }


def render(result: dict) -> str:
    c = result["conditions"]
    lines = [f"HTTP — gunicorn app:server, {c['workers']} {c.get('worker_kind', 'sync')} workers; data {c['data']}; "
             f"result cache "
             f"{c['cache']}; {c['machine']}, load average {c['load_average_at_start']} at the start; "
             f"locust {c['locust']} (on the same machine)",
             f"sessions: {c['users']} users for {c['session_seconds']} s, {c['think_s']} s between actions; "
             f"bookmarks: {c['users']} API scripts for {c['bookmark_seconds']} s, no pause; warm sheets: "
             f"{c['warm_states_per_dashboard']} views per dashboard × {c['warm_rounds']} reads, one client"]
    for label, one in result["databases"].items():
        s, b, w = one["sessions"], one["bookmarks"], one["warm_sheets"]
        lines += ["", f"{label}: {one['database']}",
                  f"{'request':<34}{'count':>8}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
        for name, stats in {**s["requests"], "all": s["totals"]}.items():
            lines.append(_row(name, stats))
        lines.append(f"sessions: {s['totals']['requests_per_s']} requests/s, users started "
                     f"{s['totals']['users_started']} of {s['users']}")
        for name, stats in {**b["operations"], "all bookmark operations": b["totals"]}.items():
            lines.append(_row(name, stats))
        lines.append(f"bookmarks: {b['ops_per_s']} operations/s")
        lines.append(f"warm sheet over HTTP: {w['reads']} reads of {w['views']} views, p50 {w.get('p50_ms')} ms, "
                     f"p95 {w.get('p95_ms')} ms, failures {w['failures']}")
        lines.append(f"worker peak RSS: {memory.describe(one['memory'])}; errors {one['errors']}")
        lines += [f"app log: {line}" for line in one["app_log_problems"][:5]]
        lines += [f"failed: {problem} ×{n}" for problem, n in list(s["failures"].items())[:5]]
        lines += [f"failed: {problem} ×{n}" for problem, n in list(b["failures"].items())[:5]]
    return "\n".join(lines)


def _row(name: str, stats: dict) -> str:
    cells = "".join(f"{stats[k]:>9.0f}" if stats.get(k) is not None else f"{'–':>9}"
                    for k in ("p50_ms", "p95_ms", "p99_ms"))
    return f"{name:<34}{stats['count']:>8}{stats['failures']:>8}{cells}"


def targets(result: dict) -> list[dict]:
    """This benchmark's targets, per database: bookmark operations per second, errors, warm sheet p95."""
    rows = []
    for label, one in result["databases"].items():
        rows.append({"target": f"bookmark operations/s ({label})", "value": one["bookmarks"]["ops_per_s"],
                     "limit": TARGET_BOOKMARK_OPS, "higher_is_better": True, "unit": "ops/s"})
        rows.append({"target": f"errors, {result['conditions']['users']} users ({label})", "value": one["errors"],
                     "limit": 0, "higher_is_better": False, "unit": ""})
        rows.append({"target": f"warm sheet over HTTP p95 ({label})", "value": one["warm_sheets"].get("p95_ms"),
                     "limit": TARGET_WARM_P95_MS, "higher_is_better": False, "unit": "ms"})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-url", required=True, help="the analytical store, e.g. duckdb:////path/file.duckdb")
    parser.add_argument("--databases", nargs="+", default=["sqlite", POSTGRES_SERVER])
    parser.add_argument("--cache-url", default=REDIS_CACHE, help="'' for each worker's own result cache")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--session-seconds", type=int, default=60)
    parser.add_argument("--bookmark-seconds", type=int, default=30)
    parser.add_argument("--think", default="1-3", help="seconds between a session user's actions, 'min-max'")
    parser.add_argument("--warm-states", type=int, default=10, help="views per dashboard")
    parser.add_argument("--warm-rounds", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="a few seconds per phase (the other figures ignored)")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench" / "http.json")
    args = parser.parse_args(argv)
    common = {"databases": tuple(args.databases), "cache_url": args.cache_url or None}
    if not args.quick:
        common |= {"users": args.users, "session_seconds": args.session_seconds, "think": args.think,
                   "bookmark_seconds": args.bookmark_seconds, "warm_states": args.warm_states,
                   "warm_rounds": args.warm_rounds}
    options = (Options.quick(args.data_url, **common) if args.quick
               else Options(data_url=args.data_url, **common))
    result = run(options)
    print(render(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
