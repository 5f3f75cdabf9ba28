"""Loads a generated DuckDB dataset into PostgreSQL, to serve it from there (``DATA_URL``).

    python -m data.load_postgres --to postgresql+psycopg://user@host/dbname [--from FILE | --data-dir DIR]

Every table of the file is copied (``COPY … FROM STDIN``, in the file's row order) into a new schema, indexed
on the columns the dashboards filter by and analyzed, and the store's pointer (``data.store.POINTER_TABLE``)
is moved to it, all in one transaction. Readers never see a half-loaded dataset: an app serving the store
moves to the new load between requests (``data.store.LoadedSchema``). The load before it stays for requests
still reading it; older loads are dropped.
"""

from __future__ import annotations

import argparse
import logging
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psycopg
import sqlalchemy as sa
from psycopg import sql

from data.files import current_file
from data.store import POINTER_SCHEMA, POINTER_TABLE

log = logging.getLogger(__name__)

SCHEMA_PREFIX = "viewmark_load_"
# Loads kept: the one served and the one before it, which requests begun before the switch may still read.
KEEP = 2
COPY_BLOCK = 1 << 20
# Tables at least this large get an index on their date column (with the brand first where there is one).
INDEXED_ROWS = 10_000
# The loader's lock on the pointer: two loads at once switch one after the other.
LOCK_KEY = 0x76696577

_TYPES = {
    "BOOLEAN": "boolean", "TINYINT": "smallint", "SMALLINT": "smallint", "INTEGER": "integer",
    "BIGINT": "bigint", "HUGEINT": "numeric(39)", "UTINYINT": "smallint", "USMALLINT": "integer",
    "UINTEGER": "bigint", "UBIGINT": "numeric(20)", "FLOAT": "real", "DOUBLE": "double precision",
    # Byte order, as DuckDB sorts and compares text, whatever the database's default collation.
    "VARCHAR": 'text COLLATE "C"', "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz", "INTERVAL": "interval", "UUID": "uuid",
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


class LoadError(Exception):
    """The dataset cannot be loaded as it is; the message says why."""


@dataclass(frozen=True)
class Column:
    name: str
    duck_type: str
    nullable: bool

    @property
    def pg_type(self) -> str:
        decimal = _DECIMAL.fullmatch(self.duck_type)
        if decimal:
            return f"numeric({decimal[1]},{decimal[2]})"
        try:
            return _TYPES[self.duck_type]
        except KeyError:
            raise LoadError(f"column {self.name}: DuckDB type {self.duck_type} has no PostgreSQL mapping") from None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: int
    unique_first: bool  # the first column is a key: non-null and unique


@dataclass(frozen=True)
class Loaded:
    schema: str
    version: str
    rows: dict[str, int]
    seconds: float


def load(source: Path, to_url: str) -> Loaded:
    """Copies every table of the DuckDB file ``source`` into a new schema of ``to_url`` and serves it."""
    started = time.perf_counter()
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    schema = SCHEMA_PREFIX + stamp
    duck = duckdb.connect(str(source), read_only=True)
    try:
        tables = [_describe(duck, name) for name in _table_names(duck)]
        if not tables:
            raise LoadError(f"{source} holds no tables")
        version = f"{_generated_at(duck)}-pg{stamp}"
        with psycopg.connect(_libpq(to_url), autocommit=True) as pg, tempfile.TemporaryDirectory() as tmp:
            # One transaction: a load that fails leaves nothing behind, and rows copied into tables created in
            # it are written frozen (no later pass over them to mark them visible).
            with pg.transaction():
                pg.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
                for table in tables:
                    _copy(duck, pg, schema, table, Path(tmp) / "rows.csv")
                # The new tables' statistics, before the first query plans them.
                pg.execute(sql.SQL("ANALYZE {}").format(
                    sql.SQL(", ").join(sql.Identifier(schema, t.name) for t in tables)))
                _switch(pg, schema, version)
            _drop_old(pg)
    finally:
        duck.close()
    return Loaded(schema, version, {t.name: t.rows for t in tables}, time.perf_counter() - started)


def _table_names(duck: duckdb.DuckDBPyConnection) -> list[str]:
    return [name for (name,) in duck.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        " ORDER BY table_name").fetchall()]


def _describe(duck: duckdb.DuckDBPyConnection, name: str) -> Table:
    columns = tuple(Column(col, dtype, nullable == "YES") for col, dtype, nullable in duck.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [name]).fetchall())
    first = _quote(columns[0].name)
    rows, keys, distinct = duck.execute(
        f"SELECT count(*), count({first}), count(DISTINCT {first}) FROM {_quote(name)}").fetchone()
    return Table(name, columns, rows, rows > 0 and rows == keys == distinct)


def _generated_at(duck: duckdb.DuckDBPyConnection) -> str:
    """The dataset's own version (``dataset_meta``), which each load's version begins with."""
    try:
        row = duck.execute("SELECT value FROM dataset_meta WHERE key = 'generated_at'").fetchone()
    except duckdb.CatalogException:
        row = None
    return row[0] if row else "undated"


def _copy(duck: duckdb.DuckDBPyConnection, pg: psycopg.Connection, schema: str, table: Table, scratch: Path) -> None:
    """One table: created, filled through COPY in the file's row order, then keyed and indexed."""
    target = sql.Identifier(schema, table.name)
    pg.execute(sql.SQL("CREATE TABLE {} ({})").format(target, sql.SQL(", ").join(
        sql.SQL("{} {}{}").format(sql.Identifier(c.name), sql.SQL(c.pg_type),
                                  sql.SQL("" if c.nullable else " NOT NULL")) for c in table.columns)))
    # DuckDB writes the CSV (in insertion order); PostgreSQL parses it: no row passes through Python objects.
    duck.execute(f"COPY {_quote(table.name)} TO '{scratch}' (FORMAT csv, HEADER false)")
    try:
        with pg.cursor() as cur, cur.copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv, FREEZE)").format(target)) as copy, \
                scratch.open("rb") as rows:
            while block := rows.read(COPY_BLOCK):
                copy.write(block)
    finally:
        scratch.unlink(missing_ok=True)
    for statement in _keys(schema, table):
        pg.execute(statement)


def _keys(schema: str, table: Table) -> list[sql.Composed]:
    """A primary key on a dimension's key column; on a large table, an index on its date column, after its
    brand where it has one (the dashboards' date-range and brand filters)."""
    target = sql.Identifier(schema, table.name)
    names = [c.name for c in table.columns]
    if table.unique_first and table.rows < INDEXED_ROWS:
        return [sql.SQL("ALTER TABLE {} ADD PRIMARY KEY ({})").format(target, sql.Identifier(names[0]))]
    dates = [c.name for c in table.columns if c.duck_type == "DATE"]
    if table.rows < INDEXED_ROWS or not dates:
        return []
    day = "day" if "day" in dates else dates[0]
    key = ["brand_id", day] if "brand_id" in names else [day]
    return [sql.SQL("CREATE INDEX ON {} ({})").format(target, sql.SQL(", ").join(map(sql.Identifier, key)))]


def _switch(pg: psycopg.Connection, schema: str, version: str) -> None:
    """Points the store at ``schema`` (in the load's transaction): a reader sees the old load or the new."""
    pg.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    pg.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(POINTER_SCHEMA)))
    pg.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
                       " schema_name text NOT NULL, version text NOT NULL,"
                       " loaded_at timestamptz NOT NULL DEFAULT now())").format(_pointer()))
    pg.execute(sql.SQL("INSERT INTO {} (schema_name, version) VALUES (%s, %s) ON CONFLICT (one) DO UPDATE"
                       " SET schema_name = excluded.schema_name, version = excluded.version,"
                       " loaded_at = excluded.loaded_at").format(_pointer()), [schema, version])


def _drop_old(pg: psycopg.Connection) -> None:
    """Drops the loads before the last ``KEEP``; one still read is dropped by a later load instead."""
    served = pg.execute(sql.SQL("SELECT schema_name FROM {}").format(_pointer())).fetchone()[0]
    loads = [name for (name,) in pg.execute(
        "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY nspname DESC",
        [SCHEMA_PREFIX]).fetchall()]
    keep = {served, *loads[:KEEP]}
    for name in loads:
        if name in keep:
            continue
        try:
            with pg.transaction():
                pg.execute("SET LOCAL lock_timeout = '5s'")
                pg.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))
        except psycopg.errors.LockNotAvailable:
            log.warning("The load %s is still being read; a later load drops it", name)


def _pointer() -> sql.Identifier:
    return sql.Identifier(*POINTER_TABLE.split("."))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _libpq(url: str) -> str:
    """A libpq connection string from a SQLAlchemy URL (``postgresql+psycopg://…``)."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> None:
    from settings import Settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to", required=True, metavar="URL",
                        help="the PostgreSQL store, e.g. postgresql+psycopg://user@host/dbname (DATA_URL)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--from", dest="source", type=Path, metavar="FILE", help="a DuckDB dataset file")
    source.add_argument("--data-dir", type=Path, help="the file this folder's CURRENT names"
                                                      " (default: the instance folder's data/)")
    args = parser.parse_args(argv)
    path = args.source or current_file(args.data_dir or Settings.from_env().data_dir)
    if path is None or not path.is_file():
        parser.error(f"no dataset file at {path or args.data_dir}: write one with python -m data.generate")
    try:
        loaded = load(path, args.to)
    except (LoadError, duckdb.Error, psycopg.Error) as exc:
        raise SystemExit(f"Not loaded: {exc}") from None
    print(f"Loaded {path.name} into schema {loaded.schema}: {len(loaded.rows)} tables,"
          f" {sum(loaded.rows.values()):,} rows in {loaded.seconds:.1f} s; serving version {loaded.version}")


if __name__ == "__main__":
    main()
