"""The test-server policy (tests/servers.py): a test that needs PostgreSQL or Redis is skipped, with the
reason, when its server is not reachable on a developer's machine — and fails instead in CI (``CI=true``)."""

from __future__ import annotations

import socket

import pytest

from tests import servers
from tests.servers import Server


def closed_port() -> int:
    """A local port nothing listens on (bound, then released, without listening)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fake_postgres(port: int) -> Server:
    return Server("PostgreSQL", "postgres", "VIEWMARK_TEST_POSTGRES_URL",
                  f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/test")


@pytest.fixture
def unreachable():
    return fake_postgres(closed_port())


@pytest.mark.parametrize("ci", [None, "false", "1", ""])
def test_srv001_an_unreachable_server_skips_with_the_reason_off_ci(unreachable, monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception) as skipped:
        servers.require(unreachable)
    message = str(skipped.value)
    assert message.startswith(f"PostgreSQL is not reachable at {unreachable.where}: start it or set "
                              "VIEWMARK_TEST_POSTGRES_URL")
    assert "secret" not in message


def test_srv002_an_unreachable_server_fails_in_ci(unreachable, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        servers.require(unreachable)
    message = str(failed.value)
    assert f"PostgreSQL is not reachable at {unreachable.where}" in message
    assert "CI=true" in message and "VIEWMARK_TEST_POSTGRES_URL" in message


@pytest.mark.parametrize("ci", [None, "true"])
def test_srv003_a_reachable_server_neither_skips_nor_fails(monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        servers.require(fake_postgres(listener.getsockname()[1]))


def test_srv004_the_check_is_made_once_per_address(monkeypatch):
    calls = []
    monkeypatch.setattr(servers, "_connect", lambda address, timeout: calls.append(address))
    servers.probe.cache_clear()
    try:
        server = fake_postgres(closed_port())
        assert servers.probe(server.address) is None
        assert servers.probe(server.address) is None
        assert len(calls) == 1
    finally:
        servers.probe.cache_clear()


@pytest.mark.parametrize(("server", "address", "where"), [
    (Server("PostgreSQL", "postgres", "X", "postgresql+psycopg://postgres@db.example/test"),
     ("db.example", 5432), "db.example:5432"),
    (Server("PostgreSQL", "postgres", "X", "postgresql+psycopg://u:pw@127.0.0.1:6543/test"),
     ("127.0.0.1", 6543), "127.0.0.1:6543"),
    (Server("PostgreSQL", "postgres", "X", "postgresql+psycopg://postgres@/test?host=/run/postgresql"),
     "/run/postgresql/.s.PGSQL.5432", "/run/postgresql/.s.PGSQL.5432"),
    (Server("Redis", "redis", "X", "redis://127.0.0.1:6379/0"), ("127.0.0.1", 6379), "127.0.0.1:6379"),
    (Server("Redis", "redis", "X", "redis://:pw@cache.example/1"), ("cache.example", 6379), "cache.example:6379"),
    (Server("Redis", "redis", "X", "unix:///run/redis/redis.sock?db=0"), "/run/redis/redis.sock",
     "/run/redis/redis.sock"),
])
def test_srv005_the_address_comes_from_the_url(server, address, where):
    assert server.address == address
    assert server.where == where


@pytest.mark.parametrize(("fixturenames", "params", "needed"), [
    (["database"], {"migrated_database": "postgresql"}, {"postgres"}),
    (["database"], {"migrated_database": "sqlite"}, set()),
    (["postgresql_database_url"], {}, {"postgres"}),
    (["small_data", "cache"], {"cache": "redis"}, set()),  # explicit ``pytest.mark.redis`` there
    (["tmp_path"], {}, set()),
])
def test_srv006_tests_on_the_postgresql_fixtures_are_marked(fixturenames, params, needed):
    assert servers.needed_servers(fixturenames, params) == needed


def test_srv007_every_server_has_its_marker_registered(pytestconfig):
    registered = {line.split(":")[0] for line in pytestconfig.getini("markers")}
    assert set(servers.SERVERS) <= registered
