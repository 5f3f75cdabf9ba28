"""A small generated dataset, shared by the unit tests of the generator, queries and declarations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.engine import DataEngine
from data.files import duckdb_url
from data.generate import write_tables

SMALL_SCALE = 0.1


@dataclass
class SmallData:
    path: Path
    engine: DataEngine
    counts: dict[str, int]

    def frame(self, table: str) -> pd.DataFrame:
        """A whole table, read with plain DuckDB — independent of the query layer under test."""
        # DuckDB refuses a second connection to one file with another configuration (read-only).
        self.engine.dispose()
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.table(table).df()


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> SmallData:
    path = tmp_path_factory.mktemp("data") / "small.duckdb"
    with duckdb.connect(str(path)) as con:
        counts = write_tables(con, scale=SMALL_SCALE, progress=False)
    engine = DataEngine(duckdb_url(path))
    yield SmallData(path=path, engine=engine, counts=counts)
    engine.dispose()
