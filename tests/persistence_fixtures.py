"""Application-database fixtures: every persistence test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``VIEWMARK_TEST_POSTGRES_URL`` (CI creates a fresh database) or the local server;
each pytest-xdist worker migrates a database of its own there. Tests on the PostgreSQL variant are marked
``postgres``: skipped when the server does not answer, failed instead in CI (see ``tests/servers.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from db.base import Base
from db.database import Database
from tests.servers import POSTGRES_URL


def _server_url(url: str, database: str) -> str:
    return sa.make_url(url).set(database=database).render_as_string(hide_password=False)


@contextmanager
def scratch_database(prefix: str, options: str = "") -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database with a unique name on the test server; dropped afterwards
    (connections still open to it are ended). ``options`` are CREATE DATABASE's (a template, a locale)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}" {options}'))
    try:
        yield _server_url(POSTGRES_URL, name)
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgresql_database_url(worker_id):
    with scratch_database(f"viewmark_t_{worker_id}") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_database_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('appdb') / 'viewmark.db'}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_database(request):
    url = request.getfixturevalue(f"{request.param}_database_url")
    database = Database(url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def database(migrated_database):
    """A migrated, empty application database; parametrized over SQLite and PostgreSQL."""
    yield migrated_database
    with migrated_database.engine.begin() as con:
        for table in reversed(Base.metadata.sorted_tables):
            con.execute(table.delete())
