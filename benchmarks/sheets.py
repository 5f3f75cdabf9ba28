"""Times every sheet of both dashboards on the Original view: all its visuals' queries, no result cache.

    .venv/bin/python -m benchmarks.sheets [--data-url duckdb:///path] [--repeat 5] [--workers N]

Prints the conditions (dataset, fact rows, CPU count) and, per sheet, the median and worst time of
computing every visual's rows one visual after another, and the median of the dashboard service's render
(``DashboardService.sheet_data``: each distinct statement once, run side by side on ``--workers`` threads).
Without --data-url it uses the instance folder's current dataset.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from functools import partial

from accounts.viewer import FULL_ACCESS
from dashboards import registry
from dashboards.service import DashboardService
from data.engine import WORKERS, DataEngine
from data.files import current_file, duckdb_url
from data.generate import FACT_TABLES
from declarations.context import QueryContext
from settings import Settings
from views.state import original_state


def run_sheet(engine: DataEngine, ctx: QueryContext, sheet) -> None:
    for visual in sheet.visuals:
        visual.query(engine, ctx)


def timed(run, repeat: int) -> list[float]:
    """Milliseconds of ``repeat`` runs, after one warm-up run."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-url", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=WORKERS, help="threads of one render (1: one by one)")
    args = parser.parse_args(argv)
    url = args.data_url
    if url is None:
        path = current_file(Settings.from_env().data_dir)
        if path is None:
            parser.error("no dataset yet: run the app once or `python -m data.generate`")
        url = duckdb_url(path)
    engine = DataEngine(url, workers=args.workers)
    service = DashboardService(engine)
    rows = {t: int(engine.scalar(f"SELECT COUNT(*) FROM {t}")) for t in sorted(FACT_TABLES)}
    print(f"dataset: {url}")
    print(f"fact rows: {sum(rows.values()):,} ({', '.join(f'{t} {n:,}' for t, n in rows.items())})")
    print(f"machine: {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"repeats per sheet: {args.repeat} (after one warm-up run), result cache off, "
          f"render threads: {args.workers}\n")
    print(f"{'dashboard':<12}{'sheet':<22}{'visuals':>8}{'median ms':>12}{'max ms':>10}{'render median ms':>18}")
    for board in registry.DASHBOARDS.values():
        ctx = QueryContext.defaults(board)
        original = original_state(board)
        for sheet in board.sheets:
            times = timed(partial(run_sheet, engine, ctx, sheet), args.repeat)
            state = type(original)(original.dashboard, sheet.id, original.filters, original.parameters)
            render = timed(partial(service.sheet_data, board, state, FULL_ACCESS), args.repeat)
            print(f"{board.id:<12}{sheet.id:<22}{len(sheet.visuals):>8}{statistics.median(times):>12.1f}"
                  f"{max(times):>10.1f}{statistics.median(render):>18.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
