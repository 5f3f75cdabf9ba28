"""Warm sheets over HTTP: the data API (``/api/v1/dashboards/<d>/data``) for views already computed, under
gunicorn, read by one keep-alive client with an API token. Prints p50/p95/p99 per sheet and overall, with the
run's conditions; ``--json`` writes them too.

    python -m benchmarks.warm_http --data-url duckdb:////path/viewmark-….duckdb [--cache-url redis://…/14]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

from benchmarks.serve import Gunicorn, fresh_database, make_users, worker_kind
from dashboards import registry

WARM_UP = 8  # requests per view before timing: each worker computes it once (or finds it in the shared cache)


def views() -> list[tuple[str, str]]:
    return [(board.id, sheet.id) for board in registry.DASHBOARDS.values() for sheet in board.sheets]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run(data_url: str, cache_url: str | None, requests_per_view: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="viewmark-warm-") as tmp:
        run_dir = Path(tmp)
        with fresh_database("sqlite", run_dir) as url:
            token = make_users(url, 1, mix=("api",))[0]["token"]
            with Gunicorn(url, data_url, run_dir, workers=workers, cache_url=cache_url) as app:
                session = requests.Session()
                session.headers["Authorization"] = f"Bearer {token}"
                timings: dict[str, list[float]] = {}
                for dashboard, sheet in views():
                    path = f"{app.base}/api/v1/dashboards/{dashboard}/data?state={quote(json.dumps({'sheet': sheet}))}"
                    for _ in range(WARM_UP):
                        session.get(path).raise_for_status()
                    spent = timings.setdefault(f"{dashboard}/{sheet}", [])
                    for _ in range(requests_per_view):
                        start = time.perf_counter()
                        response = session.get(path)
                        spent.append((time.perf_counter() - start) * 1000)
                        response.raise_for_status()
    every = [t for values in timings.values() for t in values]
    return {
        "conditions": {"workers": workers, "worker_kind": worker_kind(), "cache": cache_url or "per process",
                       "data_url": data_url,
                       "requests_per_view": requests_per_view, "cpus": os.cpu_count(),
                       "python": platform.python_version()},
        "sheets": {name: {"p50_ms": statistics.median(v), "p95_ms": percentile(v, 95), "p99_ms": percentile(v, 99)}
                   for name, v in timings.items()},
        "all": {"requests": len(every), "p50_ms": statistics.median(every), "p95_ms": percentile(every, 95),
                "p99_ms": percentile(every, 99)},
    }


def render(result: dict) -> str:
    c = result["conditions"]
    lines = [f"Warm sheets over HTTP: gunicorn, {c['workers']} {c['worker_kind']} workers, result cache {c['cache']}, "
             f"{c['requests_per_view']} timed requests per sheet after {WARM_UP} warm-up, {c['cpus']} CPUs",
             f"data: {c['data_url']}", "", f"{'sheet':<32}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    for name, row in [*result["sheets"].items(), ("all", result["all"])]:
        lines.append(f"{name:<32}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-url", required=True, help="the analytical store, e.g. duckdb:////…/viewmark-….duckdb")
    parser.add_argument("--cache-url", help="a Redis URL shared by the workers (default: each worker's own cache)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per sheet")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(args.data_url, args.cache_url, args.requests, args.workers)
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
