"""Where the analytical data lives: ``DATA_URL``, or on the embedded default a DuckDB file in the instance
folder (``data.files``), generated on the first run.

A PostgreSQL store loaded by ``python -m data.load_postgres`` holds each load in a schema of its own and a
pointer naming the one served (``POINTER_TABLE``): the app follows the pointer as it follows ``CURRENT``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from core.locks import file_lock
from data.files import POINTER, DataFileError, check_file, duckdb_url, named_file

log = logging.getLogger(__name__)

#: The one-row table naming the schema of the PostgreSQL load served now, and its version.
POINTER_SCHEMA = "viewmark_data"
POINTER_TABLE = f"{POINTER_SCHEMA}.current_load"


@dataclass(frozen=True)
class Dataset:
    url: str
    version: str


def ensure_dataset(data_url: str | None, data_dir: Path, scale: float = 1.0) -> Dataset:
    """The dataset to serve: ``DATA_URL`` when set, else the embedded file, generated on first run.

    A file that was published but is now missing or unreadable is ``DataFileError``, with the command that
    writes a new one: replacing it with generated demo data unasked could pass that off as the real data.
    """
    if data_url:
        return _loaded(data_url) or Dataset(url=data_url, version="external")
    path = named_file(data_dir)
    if path is None:
        from data.generate import generate_dataset

        # Several gunicorn workers may start at once: one generates, the others wait and reuse it.
        with file_lock(data_dir / ".lock"):
            path = named_file(data_dir)
            if path is None:
                path = generate_dataset(data_dir, scale=scale)
    check_file(path, data_dir, scale)
    return _dataset(path)


class Published:
    """The dataset ``CURRENT`` names now: what a data refresh published, read again when the pointer changes.

    A newly published file that does not open is not served: the one before it stays, and the log says why.
    """

    def __init__(self, data_dir: Path, serving: Dataset, scale: float = 1.0):
        self.data_dir = data_dir
        self.scale = scale
        self._lock = threading.Lock()
        self._dataset = serving
        self._seen: tuple | None = self._stamp()

    def __call__(self) -> Dataset:
        stamp = self._stamp()
        if stamp == self._seen or stamp is None:
            return self._dataset
        with self._lock:
            if stamp != self._seen:
                self._seen = stamp
                self._dataset = self._read() or self._dataset
        return self._dataset

    def _stamp(self) -> tuple | None:
        # ``publish`` replaces the pointer file, so a new pointer is a new inode: a stat call per request.
        try:
            st = os.stat(self.data_dir / POINTER)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _read(self) -> Dataset | None:
        path = named_file(self.data_dir)
        if path is None or _dataset(path) == self._dataset:
            return None
        try:
            check_file(path, self.data_dir, self.scale)
        except DataFileError as exc:
            log.error("A new dataset was published but is not served, %s is served still: %s",
                      self._dataset.version, exc)
            return None
        log.info("Serving the dataset %s from now on (was %s)", path.stem, self._dataset.version)
        return _dataset(path)


def _dataset(path: Path) -> Dataset:
    return Dataset(url=duckdb_url(path), version=path.stem)


def follow(data_url: str | None, data_dir: Path, serving: Dataset,
           scale: float = 1.0) -> Callable[[], Dataset] | None:
    """What the engine follows between requests: the embedded files' ``CURRENT`` pointer, or the load a
    PostgreSQL store's pointer names; None for any other store, which is served as it is."""
    if not data_url:
        return Published(data_dir, serving, scale)
    if is_postgres(data_url):
        return LoadedSchema(data_url, serving)
    return None


def is_postgres(url: str) -> bool:
    return sa.make_url(url).get_backend_name() == "postgresql"


class LoadedSchema:
    """The PostgreSQL load served now: the pointer is read again at most every ``interval`` seconds.

    A load is a new schema, never a change to the one served, so a request keeps reading the version it
    began on; the loader keeps the previous load for requests still on it. While the pointer cannot be read,
    the load served stays (said once in the log, not at every reading).
    """

    def __init__(self, data_url: str, serving: Dataset, interval: float = 1.0):
        self.data_url = data_url
        self.interval = interval
        self._dataset = serving
        self._lock = threading.Lock()
        self._next = time.monotonic() + interval
        self._failing = False
        self._engine = sa.create_engine(data_url, pool_size=1, max_overflow=0, pool_pre_ping=True)

    def __call__(self) -> Dataset:
        if time.monotonic() < self._next or not self._lock.acquire(blocking=False):
            return self._dataset
        try:
            self._next = time.monotonic() + self.interval
            self._read()
        finally:
            self._lock.release()
        return self._dataset

    def _read(self) -> None:
        try:
            loaded = _pointed(self.data_url, self._engine)
        except sa.exc.DBAPIError as exc:
            if not self._failing:
                log.warning("The PostgreSQL store's load pointer cannot be read, %s is served still: %s",
                            self._dataset.version, _reason(exc))
            self._failing = True
            return
        self._failing = False
        if loaded is not None and loaded != self._dataset:
            log.info("Serving the PostgreSQL load %s from now on (was %s)", loaded.version, self._dataset.version)
            self._dataset = loaded


def _loaded(data_url: str) -> Dataset | None:
    """At start: the load a PostgreSQL store's pointer names; None for another store, one without the
    pointer, or while the server does not answer (``LoadedSchema`` reads the pointer again later)."""
    if not is_postgres(data_url):
        return None
    engine = sa.create_engine(data_url, poolclass=sa.pool.NullPool)
    try:
        return _pointed(data_url, engine)
    except sa.exc.DBAPIError as exc:
        log.warning("The PostgreSQL store's load pointer cannot be read: %s", _reason(exc))
        return None
    finally:
        engine.dispose()


def _pointed(data_url: str, engine: sa.Engine) -> Dataset | None:
    with engine.connect() as connection:
        if connection.scalar(sa.text("SELECT to_regclass(:t)"), {"t": POINTER_TABLE}) is None:
            return None
        row = connection.execute(sa.text(f"SELECT schema_name, version FROM {POINTER_TABLE}")).first()
    return None if row is None else Dataset(url=schema_url(data_url, row.schema_name), version=row.version)


def _reason(exc: sa.exc.DBAPIError) -> str:
    return str(exc.orig).partition("\n")[0]


def schema_url(data_url: str, schema: str) -> str:
    """``data_url`` whose connections read ``schema`` first: the dashboards' SQL names tables unqualified."""
    url = sa.make_url(data_url)
    given = url.query.get("options")
    options = " ".join(filter(None, [given if isinstance(given, str) else None, f"-c search_path={schema}"]))
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)
