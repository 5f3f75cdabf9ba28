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
            # A connection the server dropped (a restart) is noticed at checkout and replaced.
            kwargs["pool_pre_ping"] = True
            if url.startswith("postgresql") and "connect_timeout" not in sa.make_url(url).query:
                kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
        self.engine = sa.create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
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


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
