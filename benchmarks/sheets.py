"""Times every sheet of both dashboards on the Original view: all its visuals' queries, no result cache.

    .venv/bin/python -m benchmarks.sheets [--data-url duckdb:///path] [--repeat 5]

Prints the conditions (dataset, fact rows, CPU count) and, per sheet, the median and worst time of
computing every visual's rows. Without --data-url it uses the instance folder's current dataset.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from dashboards import registry
from data.engine import DataEngine
from data.files import current_file, duckdb_url
from data.generate import FACT_TABLES
from declarations.context import QueryContext
from settings import Settings


def run_sheet(engine: DataEngine, ctx: QueryContext, sheet) -> None:
    for visual in sheet.visuals:
        visual.query(engine, ctx)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-url", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    url = args.data_url
    if url is None:
        path = current_file(Settings.from_env().data_dir)
        if path is None:
            parser.error("no dataset yet: run the app once or `python -m data.generate`")
        url = duckdb_url(path)
    engine = DataEngine(url)
    rows = {t: int(engine.scalar(f"SELECT COUNT(*) FROM {t}")) for t in sorted(FACT_TABLES)}
    print(f"dataset: {url}")
    print(f"fact rows: {sum(rows.values()):,} ({', '.join(f'{t} {n:,}' for t, n in rows.items())})")
    print(f"machine: {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"repeats per sheet: {args.repeat} (after one warm-up run), result cache off\n")
    print(f"{'dashboard':<12}{'sheet':<22}{'visuals':>8}{'median ms':>12}{'max ms':>10}")
    for board in registry.DASHBOARDS.values():
        ctx = QueryContext.defaults(board)
        for sheet in board.sheets:
            run_sheet(engine, ctx, sheet)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                run_sheet(engine, ctx, sheet)
                times.append((time.perf_counter() - started) * 1000)
            print(f"{board.id:<12}{sheet.id:<22}{len(sheet.visuals):>8}{statistics.median(times):>12.1f}"
                  f"{max(times):>10.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
