from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session, sessionmaker

from core.errors import Unavailable

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# libpq waits for a server that accepts connections but never answers as long as TCP lets it (no limit):
# every worker would hang on it, visuals included. A healthy server answers in milliseconds.
CONNECT_TIMEOUT_S = 5
# A pooled PostgreSQL connection idle for longer than this is pinged at checkout, and replaced if the server
# dropped it (a restart, an idle timeout). One in steady use is not: a ping per unit of work would cost a
# round trip each, and a server that restarts under load fails the request in flight either way — that
# failure invalidates the whole pool, so the next requests connect anew (``_ping_when_idle``).
PING_AFTER_IDLE_S = 1.0
UNREACHABLE = "The database is not reachable just now: bookmarks, shared links and presentations cannot be " \
              "read or saved. Try again in a moment."
# What a server that is down, restarting or unreachable raises (a lost connection, a refused or timed-out
# connect, a full pool); SQL errors and constraint violations are not among them.
_UNREACHABLE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


class Database:
    """One engine and session factory per app; ``session()`` is one unit of work."""

    def __init__(self, url: str):
        self.url = url
        kwargs: dict = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            # The most recently returned connection is taken first, so the spare ones are the idle ones.
            kwargs["pool_use_lifo"] = True
            if url.startswith("postgresql") and "connect_timeout" not in sa.make_url(url).query:
                kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
        self.engine = sa.create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            # A connection the server dropped (a restart) is noticed at checkout and replaced.
            _ping_when_idle(self.engine, PING_AFTER_IDLE_S)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # ``connection()``'s reads: one statement needs no transaction of its own, and on PostgreSQL its BEGIN
        # and ROLLBACK would be two more round trips (SQLite's driver begins none before a read).
        self._reads = self.engine if url.startswith("sqlite") else self.engine.execution_options(
            isolation_level="AUTOCOMMIT")
        # When the database last failed to answer (monotonic seconds); None while it answers. An outage is
        # logged once, not once per request.
        self._failed_at: float | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back when it raises.

        A database that cannot be reached raises ``Unavailable`` (503 in the API, a message in the UI). The
        server rolls back what it did not commit, so nothing of the unit is kept — unless the connection was
        lost during the commit itself, when the client cannot know: a create sent again with its
        ``Idempotency-Key`` (``db.request_keys``) then gets what the first one made, or makes it now.
        """
        try:
            with self.sessions() as session, session.begin():
                yield session
        except _UNREACHABLE_ERRORS as exc:
            self._failed(exc)
            raise Unavailable(UNREACHABLE) from exc
        self._answered()

    @contextmanager
    def connection(self) -> Iterator[sa.Connection]:
        """A connection for a read of one statement that needs no ORM objects (every request's sign-in
        lookup), in no transaction (autocommit): ``session()`` without the ORM session's cost and without
        BEGIN and ROLLBACK. Not for writes, nor for reads that must agree with each other. ``Unavailable``
        as ``session()``."""
        try:
            with self._reads.connect() as connection:
                yield connection
        except _UNREACHABLE_ERRORS as exc:
            self._failed(exc)
            raise Unavailable(UNREACHABLE) from exc
        self._answered()

    def recently_unreachable(self, within_s: float = CONNECT_TIMEOUT_S) -> bool:
        """Whether the database failed to answer in the last ``within_s`` seconds (and not since)."""
        failed_at = self._failed_at
        return failed_at is not None and time.monotonic() - failed_at < within_s

    def ping(self) -> None:
        """Raises unless the database answers a trivial query (the readiness probe, ``core.health``)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except _UNREACHABLE_ERRORS as exc:
            self._failed(exc)
            raise
        self._answered()

    def _failed(self, exc: Exception) -> None:
        if self._failed_at is None:
            cause = getattr(exc, "orig", None) or exc
            log.warning("The application database is not reachable (%s: %s); its requests answer 503 until it is",
                        type(cause).__name__, str(cause).partition("\n")[0])
        self._failed_at = time.monotonic()

    def _answered(self) -> None:
        if self._failed_at is not None:
            self._failed_at = None
            log.info("The application database is reachable again")

    def migrate(self, revision: str = "head") -> None:
        command.upgrade(alembic_config(self.url), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _ping_when_idle(engine: sa.Engine, idle_s: float) -> None:
    """``pool_pre_ping`` for connections idle over ``idle_s`` only: the pool's documented pessimistic check
    (a ``DisconnectionError`` at checkout replaces the connection), without its round trip per checkout."""

    @sa.event.listens_for(engine, "checkin")
    def returned(_dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def taken(dbapi_connection, record, _proxy) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at <= idle_s:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            if engine.dialect.is_disconnect(exc, dbapi_connection, None):
                # As pre-ping does: every connection made before now is replaced (a restart dropped them all).
                raise sa.exc.InvalidatePoolError() from exc
            raise


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
