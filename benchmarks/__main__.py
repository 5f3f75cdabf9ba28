"""The whole benchmark in one command: sheet compute, HTTP, browser and memory, then every target.

    .venv/bin/python -m benchmarks [--scale 1 10] [--quick] [--out build/bench]

1. **compute** — ``benchmarks.compute``: every sheet over random states, cold and warm, against pandas and
   the bare SQL, per scale (it generates the datasets, ``<out>/data/s<scale>-<generator hash>/``);
2. **HTTP** — ``benchmarks.http`` on each scale's dataset: 20 users' sessions, bookmark operations and
   warm sheets under gunicorn, on SQLite and on PostgreSQL;
3. **browser** — ``benchmarks.browser`` on each scale's dataset: bookmark click (cached, uncached), next
   slide and first load until drawn, in headless Chromium;
4. **memory** — ``benchmarks.memory``: the peak RSS of an app worker per scale, over the HTTP and browser
   phases.

Each section prints its table with its conditions; then a summary of every target: value, target, met or
missed and by how much. Everything is written as JSON into ``--out`` (``benchmark.json``, and one file per
section). ``--quick`` is the short version CI runs: scale 0.1, phases of a few seconds, 3 steps of each
kind in the browser. Exits with 0 whether targets are met or not (the summary says), 1 when a phase had errors.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import browser, http, memory
from data.files import current_file, duckdb_url
from settings import ROOT

DEFAULT_SCALES = (1.0, 10.0)
QUICK_SCALE = 0.1


@dataclass
class Plan:
    scales: tuple[float, ...] = DEFAULT_SCALES
    quick: bool = False
    out: Path = ROOT / "build" / "bench"
    databases: tuple[str, ...] = ("sqlite", http.POSTGRES_SERVER)
    cache_url: str | None = http.REDIS_CACHE
    compute: bool = True
    # A dataset per scale label, instead of generating them (e.g. the tests' small dataset).
    datasets: dict[str, str] = field(default_factory=dict)


def scale_label(scale: float) -> str:
    return f"{scale:g}"


def dataset_url(scale: float, data_dir: Path) -> str:
    """The dataset of ``scale``: the one ``benchmarks.compute`` timed, or one generated here."""
    try:
        from benchmarks.compute import dataset_for
    except ImportError:  # the compute benchmark is not part of this checkout
        from data.generate import generate_dataset

        folder = data_dir / f"s{scale:g}"
        path = current_file(folder) or generate_dataset(folder, scale=scale)
        return duckdb_url(path)
    return duckdb_url(dataset_for(scale, data_dir))


def run_compute(plan: Plan) -> dict | None:
    """``benchmarks.compute.main``, when the compute benchmark is there (its own table is printed by it)."""
    try:
        from benchmarks import compute
    except ImportError:
        print("compute: benchmarks/compute.py is not in this checkout; skipped")
        return None
    argv = ["--scale", *map(scale_label, plan.scales), "--data-dir", str(plan.out / "data"),
            "--json", str(plan.out / "compute.json")]
    return compute.main([*argv, "--states", "3"] if plan.quick else argv)


def compute_targets(report: dict | None) -> list[dict]:
    """Per scale, the worst sheet against each compute target."""
    if not report:
        return []
    from benchmarks import compute

    rows = []
    for result in report["scales"]:
        label, sheets = scale_label(result["scale"]), result["sheets"]
        limit = compute.COLD_P95_MS.get(float(result["scale"]))
        worst = max(sheets, key=lambda s: s["cold_p95"])
        if limit is not None:
            rows.append({"target": f"cold sheet p95, worst ({worst['dashboard']}/{worst['sheet']}), scale {label}",
                         "value": round(worst["cold_p95"], 1), "limit": limit, "higher_is_better": False,
                         "unit": "ms"})
        slowest = min(sheets, key=lambda s: s["pandas_over_cold"])
        rows.append({"target": f"pandas ÷ cold, least ({slowest['dashboard']}/{slowest['sheet']}), scale {label}",
                     "value": round(slowest["pandas_over_cold"], 2), "limit": compute.PANDAS_OVER_COLD,
                     "higher_is_better": True, "unit": "×"})
        farthest = max(sheets, key=lambda s: s["cold_over_floor"])
        rows.append({"target": f"cold ÷ floor, most ({farthest['dashboard']}/{farthest['sheet']}), scale {label}",
                     "value": round(farthest["cold_over_floor"], 2), "limit": compute.COLD_OVER_FLOOR,
                     "higher_is_better": False, "unit": "×"})
    return rows


def verdict(row: dict) -> str:
    """Met, or missed by how much (as a difference and a ratio)."""
    value, limit = row["value"], row["limit"]
    if value is None:
        return "no figure"
    met = value >= limit if row["higher_is_better"] else value <= limit
    if met:
        return "met"
    gap = abs(value - limit)
    ratio = f", {value / limit:.2f}× the target" if limit else ""
    return f"missed by {gap:g} {row['unit']}{ratio}".replace("  ", " ")


def render_summary(rows: list[dict]) -> str:
    lines = ["Summary — every target", f"{'target':<66}{'value':>10}{'target':>10}  verdict"]
    for row in rows:
        sign = "≥" if row["higher_is_better"] else "≤"
        value = "–" if row["value"] is None else f"{row['value']:g}"
        lines.append(f"{row['target']:<66}{value:>10}{sign + format(row['limit'], 'g'):>10}  {row['verdict']}")
    return "\n".join(lines)


def run(plan: Plan) -> dict:
    plan.out.mkdir(parents=True, exist_ok=True)
    report = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": plan.quick,
              "load_average_at_start": os.getloadavg(), "compute": None, "http": {}, "browser": {}}
    if plan.compute:
        report["compute"] = run_compute(plan)
    urls = plan.datasets or {scale_label(s): dataset_url(s, plan.out / "data") for s in plan.scales}
    phases: dict[str, dict] = {}
    for label, url in urls.items():
        http_options = (http.Options.quick(url, databases=plan.databases, cache_url=plan.cache_url) if plan.quick
                        else http.Options(data_url=url, databases=plan.databases, cache_url=plan.cache_url))
        started = time.monotonic()
        report["http"][label] = http.run(http_options)
        report["http"][label]["seconds"] = round(time.monotonic() - started)
        print(f"\nscale {label}\n" + http.render(report["http"][label]) + "\n")
        browser_options = (browser.Options.quick(url, cache_url=plan.cache_url) if plan.quick
                           else browser.Options(data_url=url, cache_url=plan.cache_url))
        started = time.monotonic()
        report["browser"][label] = browser.run(browser_options)
        report["browser"][label]["seconds"] = round(time.monotonic() - started)
        print(f"scale {label}\n" + browser.render(report["browser"][label]) + "\n")
        phases[label] = {**{f"http {db}": one["memory"] for db, one in report["http"][label]["databases"].items()},
                         "browser": report["browser"][label]["memory"]}
    report["memory"] = memory.by_scale(phases)
    print(memory.render(report["memory"]) + "\n")
    rows = compute_targets(report["compute"])
    for label in urls:
        rows += [{**row, "target": f"{row['target']}, scale {label}"} for row in http.targets(report["http"][label])]
        rows += [{**row, "target": f"{row['target']}, scale {label}"}
                 for row in browser.targets(report["browser"][label])]
    rows += memory.targets(report["memory"])
    for row in rows:
        row["verdict"] = verdict(row)
    report["summary"] = rows
    report["load_average_at_end"] = os.getloadavg()
    print(render_summary(rows))
    for section in ("http", "browser", "memory", "summary"):
        (plan.out / f"{section}.json").write_text(json.dumps(report[section], indent=1, default=str))
    (plan.out / "benchmark.json").write_text(json.dumps(report, indent=1, default=str))
    print(f"\nwritten: {plan.out / 'benchmark.json'}")
    return report


def errors(report: dict) -> int:
    """Every error of the HTTP and browser phases."""
    return (sum(one["errors"] for scale in report["http"].values() for one in scale["databases"].values())
            + sum(scale["errors"] for scale in report["browser"].values()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, nargs="+", default=None, help="default: 1 10 (--quick: 0.1)")
    parser.add_argument("--quick", action="store_true", help="the short version CI runs")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--databases", nargs="+", default=["sqlite", http.POSTGRES_SERVER],
                        help="'sqlite' and/or a PostgreSQL server to create the run's databases on")
    parser.add_argument("--cache-url", default=http.REDIS_CACHE, help="'' for each worker's own result cache")
    parser.add_argument("--data-url", default=None, help="serve this dataset instead of generating one per scale")
    parser.add_argument("--no-compute", action="store_true", help="skip the sheet compute benchmark")
    args = parser.parse_args(argv)
    scales = tuple(args.scale or ((QUICK_SCALE,) if args.quick else DEFAULT_SCALES))
    plan = Plan(scales=scales, quick=args.quick, out=args.out, databases=tuple(args.databases),
                cache_url=args.cache_url or None, compute=not args.no_compute,
                datasets={"given": args.data_url} if args.data_url else {})
    report = run(plan)
    return 1 if errors(report) else 0


if __name__ == "__main__":
    raise SystemExit(main())
