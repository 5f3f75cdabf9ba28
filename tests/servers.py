"""The servers some tests need (PostgreSQL, Redis): where they are, and what happens when one is missing.

A test that needs a server carries its marker (``postgres``, ``redis``): tests on the PostgreSQL variant of
the ``database`` fixture get it automatically (``tests/conftest.py``), others are marked explicitly. Before
such a test runs, the server's address is tried once per session (a TCP or Unix-socket connect). When it
does not answer, the test is skipped with the reason on a developer's machine, and fails in CI
(``CI=true``, set by ``.ci/run``), where every test must run.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("VIEWMARK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("VIEWMARK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

CONNECT_TIMEOUT = 2.0

# (host, port) for TCP, or the path of a Unix socket.
Address = tuple[str, int] | str


@dataclass(frozen=True)
class Server:
    name: str      # for people: "PostgreSQL"
    marker: str    # the pytest marker of the tests that need it
    env_var: str   # where its URL comes from
    url: str

    @property
    def address(self) -> Address:
        if self.marker == "postgres":
            url = sa.make_url(self.url)
            port = url.port or 5432
            host = url.host or url.query.get("host")
            if isinstance(host, tuple):  # ?host=a&host=b (libpq tries each); the first is enough here
                host = host[0]
            if not host or host.startswith("/"):
                return f"{(host or '/var/run/postgresql').rstrip('/')}/.s.PGSQL.{port}"
            return host, port
        parts = urlsplit(self.url)
        if parts.scheme == "unix":
            return parts.path or parse_qs(parts.query).get("path", [""])[0]
        return parts.hostname or "127.0.0.1", parts.port or 6379

    @property
    def where(self) -> str:
        """The address as shown in messages (never the URL: it may hold a password)."""
        address = self.address
        return address if isinstance(address, str) else f"{address[0]}:{address[1]}"


POSTGRES = Server("PostgreSQL", "postgres", "VIEWMARK_TEST_POSTGRES_URL", POSTGRES_URL)
REDIS = Server("Redis", "redis", "VIEWMARK_TEST_REDIS_URL", REDIS_URL)
SERVERS = {server.marker: server for server in (POSTGRES, REDIS)}


def running_in_ci() -> bool:
    return os.environ.get("CI") == "true"


def _connect(address: Address, timeout: float) -> None:
    if isinstance(address, str):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(address)
    else:
        socket.create_connection(address, timeout=timeout).close()


@functools.cache
def probe(address: Address) -> str | None:
    """None if something accepts connections at ``address``, else why not. Tried once per session."""
    try:
        _connect(address, CONNECT_TIMEOUT)
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__
    return None


def require(server: Server) -> None:
    """Returns if ``server`` answers; otherwise skips the current test — or fails it in CI."""
    error = probe(server.address)
    if error is None:
        return
    message = f"{server.name} is not reachable at {server.where}: start it or set {server.env_var} ({error})"
    if running_in_ci():
        pytest.fail(f"{message}. CI=true: tests marked {server.marker!r} must run in CI, not be skipped.",
                    pytrace=False)
    pytest.skip(message)


def needed_servers(fixturenames: Iterable[str], params: Mapping[str, Any]) -> set[str]:
    """The markers a test gets from the fixtures it uses (see ``tests/persistence_fixtures.py``)."""
    if "postgresql_database_url" in fixturenames or params.get("migrated_database") == "postgresql":
        return {POSTGRES.marker}
    return set()
