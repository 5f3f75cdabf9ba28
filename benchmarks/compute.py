"""Sheet compute: every sheet of both dashboards over random view states, against pandas and the bare SQL.

    .venv/bin/python -m benchmarks.compute [--scale 1 10] [--states 50] [--seed N] [--data-dir build/bench/data]
                                           [--json build/bench/compute.json] [--quick]

For each scale, a dataset is generated into ``<data-dir>/s<scale>-<generator hash>/`` (reused while the
generator's modules are unchanged). For the same seeded random states (``benchmarks.states``) it times,
per sheet:

* **cold** — ``DashboardService.sheet_data`` with the result cache off (what a new view costs the server);
* **warm** — the same with an in-process result cache (as without Redis), timed on the second request;
* **pandas** — the same visuals in plain pandas (``benchmarks.pandas_visuals``) on tables loaded once into
  DataFrames (the load is reported apart);
* **floor** — the statements the app's queries issue for the state, replayed on a raw DuckDB cursor
  (execution and fetch only).

Cold, floor and pandas run for each state in one of their six orders, taken in turn from one state to
the next (``Bench.measure``; a sheet's states come one after another), so each mode runs right after each
other mode about equally often.

It prints the conditions and, per scale, p50/p95 of each per sheet, the ratios pandas/cold and
cold/floor (of the medians) and a verdict against the targets; ``--json`` writes every figure, per state
too. ``--quick`` is a small run (scale 0.1, a few states) that checks the whole path.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import sqlalchemy as sa
from cachelib import SimpleCache

from benchmarks import pandas_visuals
from benchmarks.states import GeneratedState, generate_states
from dashboards import registry
from dashboards.service import DashboardService
from data.cache import LOCAL_ENTRIES
from data.engine import DataEngine
from data.files import current_file, duckdb_url
from data.generate import FACT_TABLES, generate_dataset
from declarations.model import Dashboard, Sheet
from views.resolve import ViewResolver

ROOT = Path(__file__).resolve().parent.parent
#: Modules of ``data/`` that only read a dataset: a change to them does not call for a new one.
READERS = {"__init__.py", "engine.py", "cache.py", "store.py", "files.py"}
#: Cold sheet p95 targets by scale (ms); the ratio targets hold at every scale.
COLD_P95_MS = {1.0: 80.0, 10.0: 300.0}
PANDAS_OVER_COLD = 5.0
COLD_OVER_FLOOR = 1.5
WARM_CACHE_SECONDS = 3600
#: Every order of the three modes timed per state (``Bench.measure``).
ORDERS = [list(order) for order in itertools.permutations(("cold", "floor", "pandas"))]


# The dataset --------------------------------------------------------------------------------------


def generator_hash() -> str:
    """A hash of the modules that write a dataset, so a file made by other code is never reused."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "data").glob("*.py")):
        if path.name not in READERS:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def dataset_for(scale: float, data_dir: Path) -> Path:
    """The benchmark's dataset of ``scale`` made by the current generator, generated when missing."""
    folder = data_dir / f"s{scale:g}-{generator_hash()}"
    path = current_file(folder)
    if path is None:
        path = generate_dataset(folder, scale=scale)
    return path


def fact_rows(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in sorted(FACT_TABLES)}


# The floor: the app's statements, captured and replayed on a raw cursor ------------------------------


class Recorder:
    """Stands in for the engine a query function receives: runs each distinct statement once (as a render
    does) through ``engine`` and records it, so the floor replays exactly what the app issued."""

    def __init__(self, engine: DataEngine):
        self._engine = engine
        self._frames: dict[str, pd.DataFrame] = {}
        self.statements: list[tuple[str, dict[str, Any]]] = []

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        params = dict(params or {})
        key = json.dumps([sql, params], sort_keys=True, default=str)
        if key not in self._frames:
            self.statements.append((sql, params))
            self._frames[key] = self._engine.query(sql, params)
        return self._frames[key].copy()

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        frame = self.query(sql, params)
        return None if frame.empty else frame.iat[0, 0]

    def __getattr__(self, name: str) -> Any:  # dialect, rollups, version … as the engine has them
        return getattr(self._engine, name)


def sheet_statements(engine: DataEngine, board: Dashboard, sheet: Sheet,
                     generated: GeneratedState) -> list[tuple[str, dict[str, Any]]]:
    """The statements a cold render of the sheet issues: the context's (a preset's data date) and every
    distinct visual query's, each once."""
    recorder = Recorder(engine)
    ctx = ViewResolver(recorder).context(board, generated.state, generated.viewer)
    for query in dict.fromkeys(v.query for v in sheet.visuals):
        query(recorder, ctx)
    return recorder.statements


def duckdb_dialect() -> sa.Dialect:
    """SQLAlchemy's DuckDB dialect, only to compile statements (it never connects)."""
    return sa.make_url("duckdb://").get_dialect()(paramstyle="qmark")


def compile_statement(dialect: sa.Dialect, sql: str, params: dict[str, Any]) -> tuple[str, list]:
    """``sql`` with its named (and list-expanding) parameters as the DuckDB driver receives them."""
    lists = [name for name, value in params.items() if isinstance(value, (list, tuple))]
    statement = sa.text(sql).bindparams(*(sa.bindparam(name, expanding=True) for name in lists))
    expanded = statement.compile(dialect=dialect).construct_expanded_state(params)
    return expanded.statement, list(expanded.positional_parameters)


def run_floor(cursor: duckdb.DuckDBPyConnection, compiled: list[tuple[str, list]]) -> float:
    """Milliseconds to execute and fetch every statement on the raw cursor."""
    started = time.perf_counter()
    for sql, values in compiled:
        cursor.execute(sql, values).fetchall()
    return (time.perf_counter() - started) * 1000


# Timing -------------------------------------------------------------------------------------------


@dataclass
class SheetRun:
    dashboard: str
    sheet: str
    states: list[dict] = field(default_factory=list)

    def series(self, mode: str) -> list[float]:
        return [s[mode] for s in self.states if s.get(mode) is not None]


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def pandas_sheet(tables: pandas_visuals.Tables, board: Dashboard, sheet: Sheet, ctx) -> None:
    for query in dict.fromkeys(v.query for v in sheet.visuals):
        pandas_visuals.visual_function(board.id, query)(tables, ctx)


class Bench:
    """The engines, services, raw cursor and in-memory tables of one dataset."""

    def __init__(self, path: Path):
        url = duckdb_url(path)
        self.path = path
        self.cold = DashboardService(DataEngine(url, version=path.name))
        self.warm_cache = SimpleCache(threshold=LOCAL_ENTRIES)
        self.warm = DashboardService(DataEngine(url, version=path.name, cache=self.warm_cache,
                                                cache_seconds=WARM_CACHE_SECONDS))
        self.recording = DataEngine(url, version=path.name)
        self.dialect = duckdb_dialect()
        self.raw = duckdb.connect(str(path), read_only=True)
        started = time.perf_counter()
        self.tables = pandas_visuals.load_tables(self.raw)
        self.load_seconds = time.perf_counter() - started

    def close(self) -> None:
        self.raw.close()
        for engine in (self.cold.engine, self.warm.engine, self.recording):
            engine.dispose()

    def measure(self, board: Dashboard, generated: GeneratedState, turn: int = 0) -> dict:
        """Every mode once for one state (warm: the second of two requests).

        The statements are recorded first (untimed), so cold and floor both find the state's rows just
        read; then cold, floor and pandas run in the order ``ORDERS[turn % 6]``. A mode timed right after
        pandas, which walks through its in-memory tables, finds the processor's caches full of them: always
        the same order would charge that to one mode only (cold, ahead of the others, ran up to 2 ms slower
        than in a pass of its own at scale 1). Rotating one order would too: two of the three rotations of
        (cold, floor, pandas) have cold right after pandas and none has floor there. Of all six orders,
        each mode comes right after pandas in two."""
        sheet = board.sheet(generated.state.sheet)
        state, viewer = generated.state, generated.viewer
        statements = sheet_statements(self.recording, board, sheet, generated)
        compiled = [compile_statement(self.dialect, sql, params) for sql, params in statements]
        ctx = self.cold.views.context(board, state, viewer)
        modes = {
            "cold": lambda: timed(lambda: self.cold.sheet_data(board, state, viewer)),
            "floor": lambda: run_floor(self.raw, compiled),
            "pandas": lambda: timed(lambda: pandas_sheet(self.tables, board, sheet, ctx)),
        }
        order = ORDERS[turn % len(ORDERS)]
        times = {name: modes[name]() for name in order}
        self.warm.sheet_data(board, state, viewer)
        times["warm"] = timed(lambda: self.warm.sheet_data(board, state, viewer))
        return {**generated.describe(), **times, "order": order, "statements": len(compiled)}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return float(pd.Series(values).quantile(q))


def summarize(run: SheetRun, scale: float) -> dict:
    out: dict[str, Any] = {"dashboard": run.dashboard, "sheet": run.sheet, "states": len(run.states)}
    for mode in ("cold", "warm", "pandas", "floor"):
        out[f"{mode}_p50"] = percentile(run.series(mode), 0.5)
        out[f"{mode}_p95"] = percentile(run.series(mode), 0.95)
    out["pandas_over_cold"] = out["pandas_p50"] / out["cold_p50"]
    out["cold_over_floor"] = out["cold_p50"] / out["floor_p50"]
    target = COLD_P95_MS.get(float(scale))
    misses = []
    if target is not None and out["cold_p95"] > target:
        misses.append(f"cold p95 {out['cold_p95'] / target:.1f}x over {target:g} ms")
    if out["pandas_over_cold"] < PANDAS_OVER_COLD:
        misses.append(f"pandas/cold {out['pandas_over_cold']:.1f} < {PANDAS_OVER_COLD:g}")
    if out["cold_over_floor"] > COLD_OVER_FLOOR:
        misses.append(f"cold/floor {out['cold_over_floor']:.2f} > {COLD_OVER_FLOOR:g}")
    out["verdict"] = "ok" if not misses else "; ".join(misses)
    return out


def run_scale(scale: float, per_sheet: int, seed: int, data_dir: Path, progress: bool = True) -> dict:
    path = dataset_for(scale, data_dir)
    rows = fact_rows(path)
    bench = Bench(path)
    try:
        runs: list[SheetRun] = []
        for board in registry.DASHBOARDS.values():
            states = generate_states(board, bench.cold.views, per_sheet, seed)
            for warmup in states[:: max(1, per_sheet)]:  # one untimed pass per sheet: connections, caches
                bench.measure(board, warmup)
            bench.warm_cache.clear()
            by_sheet = {s.id: SheetRun(board.id, s.id) for s in board.sheets}
            for i, generated in enumerate(states, 1):
                by_sheet[generated.state.sheet].states.append(bench.measure(board, generated, turn=i))
                if progress:
                    print(f"\r  {board.id}: {i}/{len(states)} states", end="", file=sys.stderr, flush=True)
            if progress:
                print(file=sys.stderr)
            runs.extend(by_sheet.values())
        return {"scale": scale, "dataset": str(path), "fact_rows": rows,
                "pandas_load_seconds": round(bench.load_seconds, 2),
                "pandas_memory_mb": round(pandas_visuals.memory_bytes(bench.tables) / 2**20),
                "load_average": os.getloadavg(),
                "sheets": [summarize(run, scale) for run in runs],
                "per_state": {f"{r.dashboard}/{r.sheet}": r.states for r in runs}}
    finally:
        bench.close()


# Output -------------------------------------------------------------------------------------------


def conditions(args: argparse.Namespace, seed: int) -> dict:
    return {"cpus": os.cpu_count(), "python": f"{platform.python_implementation()} {platform.python_version()}",
            "duckdb": duckdb.__version__, "pandas": pd.__version__, "sqlalchemy": sa.__version__,
            "platform": platform.platform(), "load_average_at_start": os.getloadavg(),
            "states_per_sheet": args.states, "seed": seed, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def print_conditions(cond: dict) -> None:
    print(f"machine: {cond['cpus']} CPUs, {cond['python']}, DuckDB {cond['duckdb']}, pandas {cond['pandas']}, "
          f"SQLAlchemy {cond['sqlalchemy']}, load average {cond['load_average_at_start'][0]:.2f}")
    print(f"states: {cond['states_per_sheet']} per sheet, seed {cond['seed']} (started {cond['started']})")


def pair(summary: dict, mode: str) -> str:
    return f"{summary[f'{mode}_p50']:.1f}/{summary[f'{mode}_p95']:.1f}"


def print_scale(result: dict) -> None:
    rows = result["fact_rows"]
    print(f"\nscale {result['scale']:g}: {result['dataset']}")
    print(f"fact rows: {sum(rows.values()):,} ({', '.join(f'{t} {n:,}' for t, n in rows.items())})")
    print(f"pandas tables: loaded in {result['pandas_load_seconds']:.1f} s, {result['pandas_memory_mb']} MB "
          f"(not counted per state); load average at end {result['load_average'][0]:.2f}")
    print("times in ms (p50 / p95); ratios of the medians")
    print(f"{'dashboard':<11}{'sheet':<19}{'cold':>15}{'warm':>13}{'pandas':>17}{'floor':>15}"
          f"{'pd/cold':>9}{'cold/fl':>9}  verdict")
    for s in result["sheets"]:
        print(f"{s['dashboard']:<11}{s['sheet']:<19}{pair(s, 'cold'):>15}{pair(s, 'warm'):>13}"
              f"{pair(s, 'pandas'):>17}{pair(s, 'floor'):>15}{s['pandas_over_cold']:>9.1f}"
              f"{s['cold_over_floor']:>9.2f}  {s['verdict']}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, nargs="+", default=None, help="default: 1 10 (--quick: 0.1)")
    parser.add_argument("--states", type=int, default=None, help="per sheet; default 50 (--quick: 3)")
    parser.add_argument("--seed", type=int, default=None, help="default: random (printed)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "build" / "bench" / "data")
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    parser.add_argument("--quick", action="store_true", help="a small run that checks the whole path")
    args = parser.parse_args(argv)
    args.scale = args.scale or ([0.1] if args.quick else [1.0, 10.0])
    args.states = args.states or (3 if args.quick else 50)
    if args.states < 1 or any(s <= 0 for s in args.scale):
        parser.error("--states and --scale must be positive")
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    cond = conditions(args, seed)
    print_conditions(cond)
    results = []
    for scale in args.scale:
        result = run_scale(scale, args.states, seed, args.data_dir)
        print_scale(result)
        results.append(result)
    report = {"conditions": cond, "targets": {"cold_p95_ms": COLD_P95_MS, "pandas_over_cold": PANDAS_OVER_COLD,
                                              "cold_over_floor": COLD_OVER_FLOOR}, "scales": results}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=str))
        print(f"\nwrote {args.json}")
    return report


if __name__ == "__main__":
    main()
