"""Writes the demo datasets into a new DuckDB file.

    python -m data.generate [--scale N] [--data-dir PATH]

The generator is deterministic (fixed seed): the same scale always gives the same rows. Each dataset
module yields its tables as pandas frames; fact tables are stored sorted by date so that date-range
filters skip whole blocks. The rollups (``data.rollups``) are computed from the facts last, in the same
file, so every dataset version carries its own.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from tqdm import tqdm

from data import gaming_data, restaurant_data, rollups
from data.files import publish

SEED = 20211219
MODULES = (restaurant_data, gaming_data)


def write_tables(con: duckdb.DuckDBPyConnection, scale: float, progress: bool = True) -> dict[str, int]:
    """Generates every table, then the rollups, into ``con``; returns the row count of each."""
    counts: dict[str, int] = {}
    total = sum(len(module.TABLES) for module in MODULES)
    with tqdm(total=total, unit="table", desc="Generating data", disable=not progress) as bar:
        for offset, module in enumerate(MODULES):
            rng = np.random.default_rng(SEED + offset)
            for name, frame in module.generate(rng, scale):
                bar.set_postfix_str(name)
                order = module.SORT_KEYS.get(name)
                order_sql = f" ORDER BY {order}" if order else ""
                con.register("_frame", frame)
                con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame{order_sql}")
                con.unregister("_frame")
                counts[name] = len(frame)
                bar.update(1)
    counts.update(rollups.build(con))
    return counts


def generate_dataset(data_dir: Path, scale: float = 1.0, progress: bool = True) -> Path:
    """Writes a new versioned DuckDB file in ``data_dir`` and makes it the current dataset."""
    data_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    scale_tag = f"{scale:g}".replace(".", "_")
    path = data_dir / f"viewmark-{stamp}-s{scale_tag}.duckdb"
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(partial))
    try:
        counts = write_tables(con, scale, progress)
        meta = pd.DataFrame({"key": ["generated_at", "scale", "seed", "seconds"],
                             "value": [stamp, f"{scale:g}", str(SEED), f"{time.perf_counter() - started:.1f}"]})
        con.register("_meta", meta)
        con.execute("CREATE OR REPLACE TABLE dataset_meta AS SELECT * FROM _meta")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    partial.rename(path)
    publish(data_dir, path)
    if progress:
        facts = sum(n for name, n in counts.items() if name in FACT_TABLES)
        print(f"Wrote {path.name}: {facts:,} fact rows in {time.perf_counter() - started:.1f} s")
    return path


FACT_TABLES = frozenset(t for module in MODULES for t in module.FACT_TABLES)


def main(argv: list[str] | None = None) -> None:
    from settings import Settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fact-row multiplier (default 1)")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: the instance folder's data/")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    data_dir = args.data_dir or Settings.from_env().data_dir
    generate_dataset(data_dir, scale=args.scale)


if __name__ == "__main__":
    main()
