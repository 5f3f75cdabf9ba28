"""Load and soak: many signed-in users at once for minutes, then proof that nothing went wrong.

    .venv/bin/python -m benchmarks.soak --users 50 --minutes 10
    .venv/bin/python -m benchmarks.soak --users 20 --seconds 60 --database sqlite

Starts the app under gunicorn (``--workers``, 2 by default) against a fresh application database — on the
PostgreSQL server of ``--database`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``; the run
creates its own database there and drops it afterwards) or ``sqlite`` — makes the users, and runs the
sessions of ``benchmarks.scenario`` with locust, headless, in a subprocess. Then it checks:

* **no errors** — every request answered as the page or client expects, and the app logged no warning or
  error;
* **no bookmark lost or duplicated** — the database holds exactly the bookmarks the clients were told were
  created and not deleted, each once, with the name and version they were last told;
* **worker memory flat after warm-up** — the first half of the run is warm-up (caches fill, code paths
  are first used); over the second half, each worker's RSS may grow by at most ``--rss-growth-mb``
  (default 20): the median of the samples in the last tenth of the run against the median of those in the
  tenth that ends at half-time. No worker may have been replaced meanwhile.

Prints the conditions and, per kind of request, its count, failures and p50/p95/p99; writes it all as
JSON (``--json``, by default ``build/soak/<start time>.json``). Exits with 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from benchmarks.serve import Gunicorn, database_server, fresh_database, make_users
from data.store import ensure_dataset
from settings import ROOT, Settings

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/postgres"
RSS_GROWTH_MB = 20.0
STOP_TIMEOUT_S = 30  # users finish the action they are in when the time is up (locust --stop-timeout)


@dataclass(frozen=True)
class Options:
    users: int = 50
    seconds: int = 600
    database: str = DEFAULT_DATABASE
    workers: int = 2
    data_url: str | None = None
    cache_url: str | None = None
    think: str = "1-3"  # seconds between a user's actions, "min-max"
    spawn_rate: float | None = None  # users started per second; all within about 5 s by default
    rss_growth_mb: float = RSS_GROWTH_MB
    json_path: Path | None = None


@dataclass
class Report:
    conditions: dict
    requests: dict  # name -> {count, failures, p50_ms, p95_ms, p99_ms}
    totals: dict
    failures: dict  # "name: problem" -> count
    server_errors: list[str]
    bookmarks: dict
    memory: dict
    checks: dict = field(default_factory=dict)  # check -> passed

    @property
    def passed(self) -> bool:
        return all(self.checks.values())


def run(options: Options) -> Report:
    started_at = datetime.now(UTC)
    instance = Settings.from_env()
    dataset = ensure_dataset(options.data_url, instance.data_dir, instance.data_scale)
    with tempfile.TemporaryDirectory(prefix="viewmark-soak-") as tmp:
        run_dir = Path(tmp)
        with fresh_database(options.database, run_dir) as database_url:
            roster = make_users(database_url, options.users)
            (run_dir / "roster.json").write_text(json.dumps({"users": roster}))
            with Gunicorn(database_url, dataset.url, run_dir, workers=options.workers,
                          cache_url=options.cache_url) as app:
                load_started = time.monotonic()
                locust = _locust(options, app.base, run_dir)
                load_ended = time.monotonic()
                workers_after = app.workers_now()
                app.memory.stop()
                samples = app.memory.samples
                booted = app.booted
            server_errors = app.log_problems()
            stored = _stored_bookmarks(database_url, [u["user_id"] for u in roster])
            conditions = _conditions(options, roster, database_url, dataset.url, started_at, locust)
        out = run_dir / "out"
        if not (out / "requests.json").exists():
            raise RuntimeError(f"locust wrote no results (exit status {locust['exit_status']}):\n{locust['log']}")
        timings = json.loads((out / "requests.json").read_text())
        ledger = json.loads((out / "ledger.json").read_text())

    requests, totals, failures = _request_stats(timings)
    totals["users_started"] = len(ledger["started"])
    bookmarks = compare_bookmarks(ledger, stored)
    memory = memory_growth(samples, load_started, load_ended, booted, workers_after)
    report = Report(conditions=conditions, requests=requests, totals=totals, failures=failures,
                    server_errors=server_errors[:50], bookmarks=bookmarks, memory=memory)
    report.checks = {
        "every user's session began": totals["users_started"] == options.users,
        "no failed requests": totals["failures"] == 0 and totals["count"] > 0,
        "no warning or error in the app's log": not server_errors,
        "no bookmark lost or duplicated": bookmarks["ok"],
        f"worker memory flat (growth over the second half <= {options.rss_growth_mb:g} MB)":
            memory["workers_replaced"] == [] and all(w["growth_mb"] <= options.rss_growth_mb
                                                      for w in memory["workers"].values()),
    }
    return report


def _locust(options: Options, base: str, run_dir: Path) -> dict:
    out = run_dir / "out"
    rate = options.spawn_rate or max(1.0, options.users / 5)
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "scenario.py"), "--headless",
               "-H", base, "-u", str(options.users), "-r", f"{rate:g}", "-t", f"{options.seconds}s",
               "--stop-timeout", str(STOP_TIMEOUT_S), "--only-summary", "--loglevel", "WARNING",
               "--exit-code-on-error", "0"]
    env = {**os.environ, "VIEWMARK_LOAD_ROSTER": str(run_dir / "roster.json"), "VIEWMARK_LOAD_OUT": str(out),
           "VIEWMARK_LOAD_THINK": options.think, "PYTHONPATH": str(ROOT)}
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=options.seconds + STOP_TIMEOUT_S + 120)
    from importlib.metadata import version

    return {"exit_status": finished.returncode, "log": (finished.stdout + finished.stderr)[-4000:],
            "version": version("locust")}


# What the database holds ----------------------------------------------------------------------------------

def _stored_bookmarks(url: str, user_ids: list[int]) -> list[dict]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            rows = con.execute(sa.text("SELECT id, user_id, dashboard, name, version FROM bookmarks "
                                       "WHERE user_id IN :users").bindparams(sa.bindparam("users", expanding=True)),
                               {"users": user_ids}).mappings().all()
        return [dict(r) for r in rows]
    finally:
        engine.dispose()


def compare_bookmarks(ledger: dict, stored: list[dict]) -> dict:
    """The clients' ledger (``benchmarks.scenario.Ledger``) against the rows: what is missing, extra,
    twice, or not as the clients were last told."""
    created = {int(k): v for k, v in ledger["created"].items()}
    versions = {int(k): v for k, v in ledger["versions"].items()}
    deleted = set(ledger["deleted"])
    expected = set(created) - deleted
    rows = {r["id"]: r for r in stored}
    names = Counter((r["user_id"], r["dashboard"], r["name"].casefold()) for r in stored)
    # A change whose answer never came (the run ended under it, or the connection failed, which counts as a
    # failed request anyway) may or may not have happened: its bookmark is left out of the comparison.
    unsure_names = {u["name"] for u in ledger["unanswered"] if "name" in u}
    unsure_ids = {u["id"] for u in ledger["unanswered"] if "id" in u}
    sure = expected - unsure_ids
    result = {
        "told_created": len(created),
        "told_deleted": len(deleted),
        "expected": len(expected),
        "stored": len(rows),
        "lost": sorted(sure - set(rows)),
        "deleted_but_stored": sorted(deleted & set(rows)),
        # A row no client was told of: a duplicate, or a create the server did without answering.
        "unexpected": [i for i, r in rows.items() if i not in created and r["name"] not in unsure_names],
        "unanswered": ledger["unanswered"],
        "same_name_twice": [list(k) for k, n in names.items() if n > 1],
        "name_differs": sorted(i for i in sure & set(rows) if rows[i]["name"] != created[i]["name"]),
        "version_differs": sorted(i for i in sure & set(rows) if rows[i]["version"] != versions[i]),
    }
    result["ok"] = not any(result[k] for k in ("lost", "deleted_but_stored", "unexpected", "same_name_twice",
                                               "name_differs", "version_differs"))
    return result


# Memory ---------------------------------------------------------------------------------------------------

def memory_growth(samples: dict[int, list[tuple[float, float]]], started: float, ended: float,
                  booted: list[int], after: list[int]) -> dict:
    """Per worker: RSS when the load started, at the end of warm-up (half-time), at the end, its peak, and
    the growth over the second half (medians of a tenth of the run at each end)."""
    half = started + (ended - started) / 2
    window = max((ended - started) / 10, 3.0)
    workers = {}
    for pid, series in samples.items():
        during = [(t, mb) for t, mb in series if started <= t <= ended]
        if not during:
            continue
        at_half = [mb for t, mb in during if half - window <= t <= half] or [during[0][1]]
        at_end = [mb for t, mb in during if t >= ended - window] or [during[-1][1]]
        workers[str(pid)] = {"start_mb": round(during[0][1], 1), "half_mb": round(statistics.median(at_half), 1),
                             "end_mb": round(statistics.median(at_end), 1),
                             "peak_mb": round(max(mb for _, mb in during), 1),
                             "growth_mb": round(statistics.median(at_end) - statistics.median(at_half), 1),
                             "samples": len(during), "series": _series(during, started)}
    return {"workers": workers, "workers_replaced": sorted(set(booted) ^ set(after)),
            "window_s": round(window, 1)}


def _series(during: list[tuple[float, float]], started: float, points: int = 40) -> list[tuple[float, float]]:
    """The RSS over the run, thinned to about ``points`` samples: (seconds since the load started, MB)."""
    step = max(1, len(during) // points)
    return [(round(t - started, 1), round(mb, 1)) for t, mb in during[::step]]


# Requests -------------------------------------------------------------------------------------------------

def _request_stats(timings: list) -> tuple[dict, dict, dict]:
    by_name: dict[str, list[float]] = defaultdict(list)
    failed: Counter = Counter()
    problems: Counter = Counter()
    starts = []
    for start, name, ms, problem in timings:
        if ms is not None:
            by_name[name].append(ms)
            starts.append(start)
        if problem is not None:
            failed[name] += 1
            problems[f"{name}: {problem}"] += 1
    requests = {name: {"count": len(times), "failures": failed[name], **_percentiles(times)}
                for name, times in sorted(by_name.items())}
    for name in failed.keys() - by_name.keys():  # content checks: failures only
        requests[name] = {"count": 0, "failures": failed[name]}
    span = (max(starts) - min(starts)) if len(starts) > 1 else 0.0
    every = [ms for times in by_name.values() for ms in times]
    totals = {"count": len(every), "failures": sum(failed.values()),
              "requests_per_s": round(len(every) / span, 1) if span else None, **_percentiles(every)}
    return requests, totals, dict(problems.most_common())


def _percentiles(times: list[float]) -> dict:
    if not times:
        return {}
    if len(times) == 1:
        return {"p50_ms": round(times[0], 1), "p95_ms": round(times[0], 1), "p99_ms": round(times[0], 1)}
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "p99_ms": round(cuts[98], 1)}


# The report -----------------------------------------------------------------------------------------------

def _conditions(options: Options, roster: list[dict], database_url: str, data_url: str, started_at: datetime,
                locust: dict) -> dict:
    personas = Counter(u["persona"] for u in roster)
    return {
        "started_at": started_at.isoformat(timespec="seconds"),
        "users": options.users, "personas": dict(personas), "seconds": options.seconds,
        "think_s": options.think, "workers": options.workers,
        "database": database_server(database_url) + (" (fresh database)" if "postgresql" in database_url else ""),
        "cache": "Redis (CACHE_URL)" if options.cache_url else "in each worker",
        "data": data_url.rsplit("/", 1)[-1],
        "machine": f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}",
        "locust": locust["version"],
    }


def render(report: Report) -> str:
    c = report.conditions
    personas = ", ".join(f"{k} {v}" for k, v in sorted(c["personas"].items()))
    lines = [
        f"Viewmark load and soak — {c['users']} users ({personas}) for {c['seconds']} s, "
        f"{c['think_s']} s between a user's actions",
        f"app: gunicorn app:server, {c['workers']} workers (gunicorn.conf.py); database: {c['database']}; "
        f"result cache: {c['cache']}; data: {c['data']}",
        f"machine: {c['machine']}; locust {c['locust']}; started {c['started_at']}",
        "",
        f"{'request':<34}{'count':>8}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}",
    ]
    for name, s in report.requests.items():
        lines.append(f"{name:<34}{s['count']:>8}{s['failures']:>8}{_ms(s, 'p50_ms')}{_ms(s, 'p95_ms')}"
                     f"{_ms(s, 'p99_ms')}")
    t = report.totals
    lines += [f"{'all':<34}{t['count']:>8}{t['failures']:>8}{_ms(t, 'p50_ms')}{_ms(t, 'p95_ms')}{_ms(t, 'p99_ms')}",
              f"requests/s: {t['requests_per_s']}", ""]
    b = report.bookmarks
    lines.append(f"bookmarks: told created {b['told_created']}, told deleted {b['told_deleted']}, expected "
                 f"{b['expected']}, in the database {b['stored']}; lost {len(b['lost'])}, unexpected "
                 f"{len(b['unexpected'])}, deleted but stored {len(b['deleted_but_stored'])}, name or version "
                 f"not as told {len(b['name_differs']) + len(b['version_differs'])}, unanswered "
                 f"{len(b['unanswered'])}")
    for pid, w in report.memory["workers"].items():
        lines.append(f"worker {pid} RSS MB: start {w['start_mb']}, half-time {w['half_mb']}, end {w['end_mb']}, "
                     f"peak {w['peak_mb']}, growth over the second half {w['growth_mb']:+}")
    if report.memory["workers_replaced"]:
        lines.append(f"workers replaced during the run: {report.memory['workers_replaced']}")
    for problem, count in list(report.failures.items())[:20]:
        lines.append(f"failed: {problem} ×{count}")
    for line in report.server_errors[:10]:
        lines.append(f"app log: {line}")
    lines.append("")
    lines += [f"{'PASS' if ok else 'FAIL'}  {check}" for check, ok in report.checks.items()]
    return "\n".join(lines)


def _ms(stats: dict, key: str) -> str:
    value = stats.get(key)
    return f"{value:>9.0f}" if value is not None else f"{'–':>9}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, default=None)
    length.add_argument("--seconds", type=int, default=None)
    parser.add_argument("--database", default=DEFAULT_DATABASE,
                        help="a PostgreSQL server to create the run's database on, or 'sqlite'")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data-url", default=None, help="the analytical store (default: the instance's dataset)")
    parser.add_argument("--cache-url", default=None, help="redis://… to share the result cache between workers")
    parser.add_argument("--think", default="1-3", help="seconds between a user's actions, 'min-max' (0: none)")
    parser.add_argument("--spawn-rate", type=float, default=None)
    parser.add_argument("--rss-growth-mb", type=float, default=RSS_GROWTH_MB)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    seconds = args.seconds or int((args.minutes or 10) * 60)
    options = Options(users=args.users, seconds=seconds, database=args.database, workers=args.workers,
                      data_url=args.data_url, cache_url=args.cache_url, think=args.think,
                      spawn_rate=args.spawn_rate, rss_growth_mb=args.rss_growth_mb)
    report = run(options)
    print(render(report))
    path = args.json or ROOT / "build" / "soak" / f"{report.conditions['started_at'].replace(':', '')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**asdict(report), "passed": report.passed}, indent=2))
    print(f"\nwritten: {path}")
    return 0 if report.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
