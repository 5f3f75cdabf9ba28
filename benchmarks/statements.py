"""Each statement of a sheet, timed on its own: what a sheet's cold time is made of.

    .venv/bin/python -m benchmarks.statements --dashboard restaurant --sheet overview [--scale 1]
                                              [--states 50] [--seed N] [--repeats 5] [--profile]
                                              [--data-dir build/bench/data | --dataset FILE] [--json out.json]

For the same random states as ``benchmarks.compute`` (the same ``--seed`` gives the same states), it
records the statements a cold render of the sheet issues and runs each on a raw DuckDB cursor, as the
compute benchmark's floor does, ``--repeats`` times; it prints each distinct statement (its first line of
SQL, parameters aside) with how many states issued it and the median of its runs, slowest first, and the
median of the states' totals. ``--profile`` adds DuckDB's own profile of the slowest statement: the time
spent planning it (planner, optimizer) against the time its operators ran.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

from benchmarks.compute import ROOT, compile_statement, dataset_for, duckdb_dialect, sheet_statements
from benchmarks.states import generate_states
from dashboards import registry
from data.engine import DataEngine
from data.files import duckdb_url
from views.resolve import ViewResolver


def label(sql: str, width: int = 110) -> str:
    """The statement on one line, cut to ``width`` characters."""
    text = " ".join(sql.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def time_statements(path: Path, dashboard: str, sheet: str, states: int, seed: int,
                    repeats: int) -> dict[str, Any]:
    """Per distinct statement text: the states that issued it and the median of its runs (ms)."""
    board = registry.DASHBOARDS[dashboard]
    engine = DataEngine(duckdb_url(path), version=path.name)
    dialect = duckdb_dialect()
    runs: dict[str, list[float]] = defaultdict(list)
    issued: dict[str, int] = defaultdict(int)
    example: dict[str, tuple[str, list]] = {}
    totals = []
    try:
        generated = [g for g in generate_states(board, ViewResolver(engine), states, seed)
                     if g.state.sheet == sheet]
        with duckdb.connect(str(path), read_only=True) as cursor:
            for state in generated:
                total = 0.0
                for sql, params in sheet_statements(engine, board, board.sheet(sheet), state):
                    text, values = compile_statement(dialect, sql, params)
                    key = label(text)
                    example.setdefault(key, (text, values))
                    issued[key] += 1
                    times = []
                    for _ in range(repeats):
                        started = time.perf_counter()
                        cursor.execute(text, values).fetchall()
                        times.append((time.perf_counter() - started) * 1000)
                    runs[key].extend(times)
                    total += statistics.median(times)
                totals.append(total)
    finally:
        engine.dispose()
    rows = sorted(({"statement": key, "states": issued[key], "median_ms": statistics.median(times)}
                   for key, times in runs.items()), key=lambda row: -row["median_ms"])
    return {"dataset": str(path), "dashboard": dashboard, "sheet": sheet, "states": len(totals),
            "repeats": repeats, "total_median_ms": statistics.median(totals) if totals else None,
            "statements": rows, "slowest": example[rows[0]["statement"]] if rows else None}


def profile(path: Path, sql: str, values: list) -> dict[str, float]:
    """DuckDB's profile of one run of ``sql`` (after warming up): total, planning and operator time (ms)."""
    output = path.parent / ".statement-profile.json"
    with duckdb.connect(str(path), read_only=True) as cursor:
        for _ in range(5):
            cursor.execute(sql, values).fetchall()
        cursor.execute("PRAGMA enable_profiling='json'")
        cursor.execute("SET profiling_mode='detailed'")
        cursor.execute(f"SET profiling_output='{output}'")
        cursor.execute(sql, values).fetchall()
        cursor.execute("PRAGMA disable_profiling")
    report = json.loads(output.read_text())
    output.unlink()

    def operators(node: dict) -> float:
        return node.get("timing", 0.0) + sum(operators(child) for child in node.get("children", []))

    return {"total": report["query"]["total_time"] * 1000,
            "planner": report["planner"]["total_time"] * 1000,
            "optimizer": report["optimizer"]["total_time"] * 1000,
            "physical_planner": report["physical_planner"]["total_time"] * 1000,
            "operators_summed_over_threads": sum(operators(node) for node in report["operator"]) * 1000}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dashboard", required=True, choices=sorted(registry.DASHBOARDS))
    parser.add_argument("--sheet", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--states", type=int, default=50, help="per sheet, as benchmarks.compute draws them")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each statement per state")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "build" / "bench" / "data")
    parser.add_argument("--dataset", type=Path, default=None, help="a dataset file (instead of --scale's)")
    parser.add_argument("--profile", action="store_true", help="DuckDB's profile of the slowest statement")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.states < 1 or args.repeats < 1 or args.scale <= 0:
        parser.error("--states, --repeats and --scale must be positive")
    if args.sheet not in {sheet.id for sheet in registry.DASHBOARDS[args.dashboard].sheets}:
        parser.error(f"{args.dashboard} has no sheet {args.sheet!r}")
    path = args.dataset or dataset_for(args.scale, args.data_dir)
    result = time_statements(path, args.dashboard, args.sheet, args.states, args.seed, args.repeats)
    print(f"{args.dashboard}/{args.sheet}, {path.name}: {result['states']} states "
          f"(seed {args.seed}), each statement run {args.repeats} times on a raw DuckDB cursor")
    if result["total_median_ms"] is not None:
        print(f"the statements of a state, median of the states' totals: {result['total_median_ms']:.2f} ms")
    print(f"{'median ms':>9}  {'states':>6}  statement")
    for row in result["statements"]:
        print(f"{row['median_ms']:9.2f}  {row['states']:6d}  {row['statement']}")
    if args.profile and result["slowest"]:
        result["profile"] = profile(path, *result["slowest"])
        print("the slowest statement, DuckDB's profile (ms): "
              + ", ".join(f"{name} {value:.2f}" for name, value in result["profile"].items()))
    result.pop("slowest")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
