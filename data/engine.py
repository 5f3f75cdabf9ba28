"""The query engine: parameterized SQL run by the analytical store chosen by ``DATA_URL``.

Every number a visual shows comes from ``DataEngine.query``. SQL text is written by the dashboards'
query modules only; user values travel as bound parameters, never as SQL text.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
import sqlalchemy as sa


class ResultCache(Protocol):
    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


class DataEngine:
    """Runs aggregations against one analytical database and returns pandas frames.

    ``version`` names the dataset; it is part of every cache key, so a refreshed dataset never serves an
    older result. Identical queries within ``cache_seconds`` reuse the earlier result for every user:
    a query's text and parameters include any row restriction, so a reused result was computed for the
    same restriction.

    ``latest``, when given, names the dataset published now (``data.store.Published``): the engine moves to
    it between requests, never within one — ``pin()`` at the start of a request keeps every query of the
    request on the dataset served when it began, so no answer mixes two versions.
    """

    def __init__(self, url: str, *, version: str = "", cache: ResultCache | None = None,
                 cache_seconds: int = 0, latest: Callable[[], Any] | None = None):
        self.cache = cache
        self.cache_seconds = cache_seconds
        self._latest = latest
        self._lock = threading.Lock()
        self._current = _Source(url, version)
        self._pinned: ContextVar[_Source | None] = ContextVar(f"data_engine_{id(self)}", default=None)

    @property
    def url(self) -> str:
        return self._source().url

    @property
    def version(self) -> str:
        return self._source().version

    @property
    def dialect(self) -> str:
        return self._source().engine.dialect.name

    @property
    def _engine(self) -> sa.Engine:
        """The SQLAlchemy engine of the dataset served now (tests listen to its statements)."""
        return self._source().engine

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
        statement = sa.text(sql)
        expanding = [name for name, value in params.items() if isinstance(value, (list, tuple))]
        if expanding:
            statement = statement.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
        with source.engine.connect() as connection:
            result = connection.execute(statement, params)
            # Built directly: pandas.read_sql would first ask the database whether the text names a table.
            frame = pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()), coerce_float=True)
        if key is not None:
            self.cache.set(key, frame, timeout=self.cache_seconds)
        return frame

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        frame = self.query(sql, params)
        return None if frame.empty else frame.iat[0, 0]

    def ping(self) -> None:
        """Raises unless the analytical store answers a trivial query (the readiness probe, ``core.health``)."""
        with self._source().engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def dispose(self) -> None:
        self._current.engine.dispose()

    def render(self) -> RenderScope:
        """A view of this engine for one render of a sheet: each distinct statement runs once in it."""
        return RenderScope(self)

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
                old, self._current = self._current, _Source(latest.url, latest.version)
                # Requests still on the old file finish on it: disposing closes only idle connections.
                old.engine.dispose()
            return self._current


class _Source:
    """One dataset version and the engine that reads it."""

    def __init__(self, url: str, version: str):
        self.url = url
        self.version = version
        connect_args = {"read_only": True} if url.startswith("duckdb") else {}
        self.engine = sa.create_engine(url, connect_args=connect_args, pool_pre_ping=False)


def _cache_key(source: _Source, sql: str, params: dict[str, Any]) -> str:
    payload = json.dumps([source.url, source.version, sql, params], sort_keys=True, default=str)
    return "vmq:" + hashlib.sha256(payload.encode()).hexdigest()


class RenderScope:
    """One render's engine: visuals whose queries share a statement (a ranking, an average) share its run.

    It lives for one render only, so it never serves rows of another view or dataset version: it reads the
    dataset its engine served when the render began.
    """

    def __init__(self, engine: DataEngine):
        self.engine = engine
        self._source = engine._source()
        self._frames: dict[str, pd.DataFrame] = {}

    @property
    def dialect(self) -> str:
        return self._source.engine.dialect.name

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        key = json.dumps([sql, params or {}], sort_keys=True, default=str)
        if key not in self._frames:
            self._frames[key] = self.engine._query(self._source, sql, params)
        return self._frames[key].copy()  # a visual may reshape its rows in place

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        frame = self.query(sql, params)
        return None if frame.empty else frame.iat[0, 0]


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
