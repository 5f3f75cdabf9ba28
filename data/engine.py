"""The query engine: parameterized SQL run by the analytical store chosen by ``DATA_URL``.

Every number a visual shows comes from ``DataEngine.query``. SQL text is written by the dashboards'
query modules only; user values travel as bound parameters, never as SQL text.

A DuckDB file is read through DuckDB's own Python API (one read-only connection per dataset version, a
cursor per thread); any other store through SQLAlchemy. Both take the same ``:name`` parameters, lists
expanding (``IN :states``), and give the same frames.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, TypeVar

import duckdb
import pandas as pd
import sqlalchemy as sa

T = TypeVar("T")

#: Threads running one render's queries side by side (``DataEngine.gather``): DuckDB releases the GIL while
#: a query runs and parallelizes each query itself, so a few suffice.
WORKERS = min(4, os.cpu_count() or 1)


class ResultCache(Protocol):
    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


#: Called with each statement the store runs (not those the result cache answers) and its parameters.
Listener = Callable[[str, dict[str, Any]], None]


class DataEngine:
    """Runs aggregations against one analytical database and returns pandas frames.

    ``version`` names the dataset; it is part of every cache key, so a refreshed dataset never serves an
    older result. Identical queries within ``cache_seconds`` reuse the earlier result for every user:
    a query's text and parameters include any row restriction, so a reused result was computed for the
    same restriction.

    ``latest``, when given, names the dataset published now (``data.store.Published``): the engine moves to
    it between requests, never within one — ``pin()`` at the start of a request keeps every query of the
    request on the dataset served when it began, so no answer mixes two versions.

    ``native`` (the default) reads a DuckDB file through DuckDB's own API, which costs a query a fraction of
    SQLAlchemy's fixed cost; off, DuckDB is read through SQLAlchemy like every other store.
    """

    def __init__(self, url: str, *, version: str = "", cache: ResultCache | None = None,
                 cache_seconds: int = 0, latest: Callable[[], Any] | None = None, rollups: bool = True,
                 native: bool = True, workers: int = WORKERS):
        self.cache = cache
        #: Whether queries may read the dataset's rollups (``data.rollups``); off, they read the facts only.
        self.rollups = rollups
        self.cache_seconds = cache_seconds
        self.native = native
        self.workers = workers
        self._latest = latest
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._current = _source(url, version, native)
        self._pinned: ContextVar[_Source | None] = ContextVar(f"data_engine_{id(self)}", default=None)

    @property
    def url(self) -> str:
        return self._source().url

    @property
    def version(self) -> str:
        return self._source().version

    @property
    def dialect(self) -> str:
        return self._source().dialect.name

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Calls ``listener`` with each statement the store runs; returns the call that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def pin(self) -> Token:
        """Keeps this context (a request) on the dataset served now; ``unpin`` with the token at its end."""
        return self._pinned.set(self._follow())

    def unpin(self, token: Token) -> None:
        self._pinned.reset(token)

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        return self._query(self._source(), sql, params)

    def _query(self, source: _Source, sql: str, params: dict[str, Any] | None) -> pd.DataFrame:
        params = dict(params or {})
        key = None
        if self.cache is not None and self.cache_seconds > 0:
            key = _cache_key(source, sql, params)
            hit = self.cache.get(key)
            if hit is not None:
                return hit.copy()
        for listener in tuple(self._listeners):
            listener(sql, params)
        frame = source.run(sql, params)
        if key is not None:
            self.cache.set(key, frame, timeout=self.cache_seconds)
        return frame

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        frame = self.query(sql, params)
        return None if frame.empty else frame.iat[0, 0]

    def gather(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """Each call's result, in order, the calls run side by side on threads of their own.

        Each runs in a copy of the caller's context, so a pinned dataset version holds in it; the first call
        (in order) that raised raises here, as if they had run one after another.
        """
        if len(calls) < 2 or self.workers < 2 or _IN_WORKER.get():  # a call inside a gathered one runs in place
            return [call() for call in calls]
        # Threads for this render only: a pool kept between requests could be left with dead threads by a
        # host that stops a server by raising in its threads (Dash's test runner does), and queued work
        # would wait for them forever. Starting a few threads costs well under a millisecond.
        with ThreadPoolExecutor(min(self.workers, len(calls)), thread_name_prefix="data-engine") as pool:
            futures = [pool.submit(contextvars.copy_context().run, _as_worker, call) for call in calls]
            return [future.result() for future in futures]

    def ping(self) -> None:
        """Raises unless the analytical store answers a trivial query (the readiness probe, ``core.health``)."""
        self._source().run("SELECT 1", {})

    def dispose(self) -> None:
        """Closes the store's idle connections (a later query opens one again)."""
        self._current.dispose()

    def render(self) -> RenderScope:
        """A view of this engine for one render of a sheet: each distinct statement runs once in it."""
        return RenderScope(self)

    def once(self, key: Hashable, call: Callable[[], T]) -> T:
        """``call()``: outside a render nothing is shared, so it simply runs (``RenderScope.once`` shares
        it within one render)."""
        return call()

    def per_version(self, key: Hashable, call: Callable[[], T]) -> T:
        """``call()``'s result, worked out once per dataset version and kept in this process while the
        version is served: for what the data alone decides, never a view or a viewer (the data's latest
        day). It answers without the result cache (a Redis round trip and a frame to unpickle) and without
        the store; the call runs with the version pinned, and a refresh starts afresh with the new one."""
        source = self._source()

        def pinned() -> T:
            token = self._pinned.set(source)
            try:
                return call()
            finally:
                self._pinned.reset(token)

        return source.kept(key, pinned)

    def _source(self) -> _Source:
        """The pinned dataset inside a request; outside one (scripts, tests), the latest."""
        return self._pinned.get() or self._follow()

    def _follow(self) -> _Source:
        if self._latest is None:
            return self._current
        latest = self._latest()
        if latest.version == self._current.version:
            return self._current
        with self._lock:
            if latest.version != self._current.version:
                old, self._current = self._current, _source(latest.url, latest.version, self.native)
                # Requests still on the old file finish on it: only its idle connections close now.
                old.retire()
            return self._current


_IN_WORKER: ContextVar[bool] = ContextVar("data_engine_worker", default=False)


def _as_worker(call: Callable[[], T]) -> T:
    _IN_WORKER.set(True)
    return call()


class _Source(ABC):
    """One dataset version of the analytical store: what a query reads (``run``) and what is kept for the
    version while it is served (``kept``). ``_SqlSource`` reads it through SQLAlchemy, ``_DuckSource`` through
    DuckDB's own API."""

    def __init__(self, url: str, version: str):
        self.url = url
        self.version = version
        self._kept: dict[Hashable, Any] = {}

    @property
    @abstractmethod
    def dialect(self) -> sa.Dialect: ...

    def kept(self, key: Hashable, call: Callable[[], T]) -> T:
        """``DataEngine.per_version``: the first result for ``key`` on this version (two threads asking at
        once may both run the call; both get the one kept)."""
        try:
            return self._kept[key]
        except KeyError:
            return self._kept.setdefault(key, call())

    @abstractmethod
    def run(self, sql: str, params: dict[str, Any]) -> pd.DataFrame: ...

    @abstractmethod
    def retire(self) -> None:
        """Closes the version's connections once no query runs on them (a newer version is served)."""

    @abstractmethod
    def dispose(self) -> None:
        """Closes the idle connections; a later query opens one again."""


class _SqlSource(_Source):
    """One dataset version and the SQLAlchemy engine that reads it."""

    def __init__(self, url: str, version: str):
        super().__init__(url, version)
        connect_args = {"read_only": True} if url.startswith("duckdb") else {}
        self.engine = sa.create_engine(url, connect_args=connect_args, pool_pre_ping=False)

    @property
    def dialect(self) -> sa.Dialect:
        return self.engine.dialect

    def run(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        statement = sa.text(sql)
        expanding = [name for name, value in params.items() if isinstance(value, (list, tuple))]
        if expanding:
            statement = statement.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
        with self.engine.connect() as connection:
            result = connection.execute(statement, params)
            # Built directly: pandas.read_sql would first ask the database whether the text names a table.
            return _frame(result.fetchall(), list(result.keys()))

    def retire(self) -> None:
        """Disposing closes only idle connections: a request still reading this version finishes on it."""
        self.engine.dispose()

    def dispose(self) -> None:
        self.engine.dispose()


class _DuckSource(_Source):
    """One DuckDB file read through DuckDB's own API: one read-only connection, a cursor per running query.

    A connection is not safe to share between threads; its cursors, each a connection of its own to the
    same database, are (https://duckdb.org/docs/stable/guides/python/multiple_threads). A query borrows an
    idle cursor and gives it back, so there are never more cursors than queries ever ran at once. The connection
    opens on first use and closes, once no query runs on it, when disposed or retired; a request still
    pinned to a retired version opens it again.
    """

    def __init__(self, url: str, version: str):
        super().__init__(url, version)
        self.path = sa.make_url(url).database or ":memory:"
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._running = 0
        self._retired = False
        self._closing = False

    @property
    def dialect(self) -> sa.Dialect:
        return _duckdb_dialect()

    def run(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        text, slots = _compiled(sql, _shape(params))
        args = [params[name] if index is None else params[name][index] for name, index in slots]
        cursor = self._enter()
        try:
            cursor.execute(text, args)
            return _frame(cursor.fetchall(), [column[0] for column in cursor.description])
        finally:
            self._leave(cursor)

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            if not self._running:
                self._close()

    def dispose(self) -> None:
        with self._lock:
            self._closing = True
            if not self._running:
                self._close()

    def _enter(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._connection is None:
                self._connection = duckdb.connect(self.path, read_only=True)
            if self._idle:
                cursor = self._idle.pop()
            else:
                cursor = self._connection.cursor()
                self._cursors.append(cursor)
            self._running += 1
            return cursor

    def _leave(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._running -= 1
            self._idle.append(cursor)
            if (self._retired or self._closing) and not self._running:
                self._close()

    def _close(self) -> None:
        """Closes the connection and its cursors (called holding the lock, with no query running on them)."""
        self._closing = False
        if self._connection is None:
            return
        for cursor in self._cursors:
            cursor.close()
        self._cursors.clear()
        self._idle.clear()
        self._connection.close()
        self._connection = None


def _source(url: str, version: str, native: bool) -> _Source:
    if native and sa.make_url(url).get_backend_name() == "duckdb":
        return _DuckSource(url, version)
    return _SqlSource(url, version)


@lru_cache(maxsize=1)
def _duckdb_dialect() -> sa.Dialect:
    """The DuckDB dialect with DuckDB's own ``?`` placeholders: it only compiles, it never connects."""
    dialect_class = sa.make_url("duckdb://").get_dialect()

    class Compiler(dialect_class.statement_compiler):
        def visit_empty_set_expr(self, element_types, **kw):
            # Untyped, unlike the PostgreSQL dialect's INTEGER: DuckDB compares a NULL with any column.
            return "SELECT NULL WHERE 1!=1"

    dialect = dialect_class(paramstyle="qmark")
    dialect.statement_compiler = Compiler
    return dialect


@dataclass(frozen=True)
class _Slot:
    """Which parameter (and which item of a list parameter) a placeholder takes."""

    name: str
    index: int | None = None


def _shape(params: dict[str, Any]) -> tuple:
    """The parameters as the compiled text depends on them: names, and each list's length."""
    return tuple(sorted((name, len(value) if isinstance(value, (list, tuple)) else None)
                        for name, value in params.items()))


@lru_cache(maxsize=4096)
def _compiled(sql: str, shape: tuple) -> tuple[str, tuple[tuple[str, int | None], ...]]:
    """``sql`` in DuckDB's placeholder form for parameters of this shape, compiled by SQLAlchemy once, and
    which parameter each placeholder takes (lists expand to one placeholder per item; an empty list
    matches nothing, whatever the column's type)."""
    lists = [name for name, length in shape if length is not None]
    statement = sa.text(sql).bindparams(*(sa.bindparam(name, expanding=True) for name in lists))
    compiled = statement.compile(dialect=_duckdb_dialect())
    probe = {name: _Slot(name) if length is None else [_Slot(name, i) for i in range(length)]
             for name, length in shape}
    expanded = compiled.construct_expanded_state(probe)
    return expanded.statement, tuple((slot.name, slot.index) for slot in expanded.positional_parameters)


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    """Rows as a frame: DECIMAL as float, dates as ``datetime.date`` objects, as the figures expect them."""
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)


def _cache_key(source: _Source, sql: str, params: dict[str, Any]) -> str:
    payload = json.dumps([source.url, source.version, sql, params], sort_keys=True, default=str)
    return "vmq:" + hashlib.sha256(payload.encode()).hexdigest()


class RenderScope:
    """One render's engine: visuals whose queries share a statement (a ranking, an average) share its run.

    It lives for one render only, so it never serves rows of another view or dataset version: it reads the
    dataset its engine served when the render began. Visuals may query it from several threads at once; a
    statement asked for while it runs waits for that run.
    """

    def __init__(self, engine: DataEngine):
        self.engine = engine
        self._source = engine._source()
        self._lock = threading.Lock()
        self._shared: dict[Hashable, Future] = {}

    @property
    def dialect(self) -> str:
        return self._source.dialect.name

    @property
    def rollups(self) -> bool:
        return self.engine.rollups

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        key = ("query", json.dumps([sql, params or {}], sort_keys=True, default=str))
        frame = self.once(key, lambda: self.engine._query(self._source, sql, params))
        return frame.copy()  # a visual may reshape its rows in place

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        frame = self.query(sql, params)
        return None if frame.empty else frame.iat[0, 0]

    def once(self, key: Hashable, call: Callable[[], T]) -> T:
        """``call()``'s result, computed once in this render for each ``key``: what several visuals of a
        sheet derive alike from the same rows (the stores a comparison shows, a funnel) is worked out
        once. The key names the computation and everything it depends on (the query context); the same
        object goes to every caller, which must not modify it. Asked for while it runs, it waits for
        that run; an error is raised to every caller."""
        with self._lock:
            run = self._shared.get(key)
            mine = run is None
            if mine:
                run = self._shared[key] = Future()
        if mine:
            try:
                run.set_result(call())
            except BaseException as exc:
                run.set_exception(exc)
        return run.result()

    def gather(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        return self.engine.gather(calls)


@dataclass
class Where:
    """Builds a WHERE clause from optional conditions, each with its own bound parameters.

    >>> w = Where().between("s.day", "d0", "d1", ("2021-01-01", "2021-12-31")).any_of("st.state", "states", [])
    >>> w.sql, w.params
    ('WHERE s.day BETWEEN :d0 AND :d1', {'d0': '2021-01-01', 'd1': '2021-12-31'})

    An empty selection means "no condition" (all values), except where a row restriction applies: the
    caller passes the restricted values, never an empty list, in that case (see ``QueryContext.values``).
    """

    conditions: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def add(self, condition: str, **params: Any) -> Where:
        self.conditions.append(condition)
        self.params.update(params)
        return self

    def between(self, column: str, start_name: str, end_name: str, bounds: Sequence | None) -> Where:
        if bounds:
            self.add(f"{column} BETWEEN :{start_name} AND :{end_name}",
                     **{start_name: bounds[0], end_name: bounds[1]})
        return self

    def any_of(self, column: str, name: str, values: Iterable | None) -> Where:
        """``column IN (...)`` when values are given; ``None`` or empty means no condition."""
        if values is None:
            return self
        values = list(values)
        if values:
            self.add(f"{column} IN :{name}", **{name: values})
        return self

    def only(self, column: str, name: str, values: Iterable) -> Where:
        """``column IN (...)`` even for an empty list: matching nothing is the correct answer."""
        values = list(values)
        if values:
            return self.add(f"{column} IN :{name}", **{name: values})
        return self.add("1 = 0")

    @property
    def sql(self) -> str:
        return ("WHERE " + " AND ".join(self.conditions)) if self.conditions else ""

    @property
    def and_sql(self) -> str:
        """The conditions prefixed with AND, for queries that already have a WHERE."""
        return "".join(f" AND {c}" for c in self.conditions)
