"""``/healthz`` and ``/readyz`` (``core.health``, the README's "Health"): public, revealing nothing, and naming
the service that is down — the application database, the data store or the result cache."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from core.health import run_checks
from tests.servers import POSTGRES, REDIS

SECRET = "s3cret-password"
CHECKS = {"database", "data", "cache"}


def dead_port() -> int:
    """A local port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_app(make_app):
    return make_app()


def assert_reveals_nothing(response, *secrets: str) -> None:
    text = response.get_data(as_text=True)
    for secret in (SECRET, "127.0.0.1", "postgresql", "redis", "sqlite", "duckdb", *secrets):
        assert secret not in text.lower(), secret
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_health001_healthz_answers_without_sign_in(demo_app):
    response = demo_app.server.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert_reveals_nothing(response)


def test_health002_readyz_is_ready_on_the_normal_app(demo_app):
    response = demo_app.server.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": dict.fromkeys(CHECKS, "ok")}
    assert_reveals_nothing(response, str(demo_app.server.instance_path).lower())


def test_health003_readyz_names_the_application_database_when_postgresql_is_down(make_app):
    port = dead_port()
    app = make_app(seed_demo_users=False,
                   database_url=f"postgresql+psycopg://viewmark:{SECRET}@127.0.0.1:{port}/viewmark")
    response = app.server.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "not ready", "failed": ["database"],
                             "checks": {"database": "failed", "data": "ok", "cache": "ok"}}
    assert_reveals_nothing(response, str(port))
    # The process itself is up.
    assert app.server.test_client().get("/healthz").status_code == 200


def test_health004_readyz_names_the_cache_when_its_redis_is_unreachable_and_stays_in_service(make_app):
    # Each process then caches for itself (data/cache.py): slower, not out of service.
    port = dead_port()
    app = make_app(cache_url=f"redis://:{SECRET}@127.0.0.1:{port}/0")
    response = app.server.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "degraded", "failed": ["cache"],
                             "checks": {"database": "ok", "data": "ok", "cache": "failed"}}
    assert_reveals_nothing(response, str(port))


@pytest.mark.redis
def test_health005_readyz_is_ready_on_postgresql_and_redis(make_app, postgresql_database_url):
    app = make_app(seed_demo_users=False, database_url=postgresql_database_url, cache_url=REDIS.url)
    response = app.server.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"] == dict.fromkeys(CHECKS, "ok")
    assert_reveals_nothing(response, POSTGRES.where, REDIS.where)


def test_health006_probes_answer_a_browser_with_a_session_while_the_database_is_down(make_app):
    """A signed-in browser's cookie is not looked up (that needs the database the probe reports on)."""
    app = make_app(seed_demo_users=False,
                   database_url=f"postgresql+psycopg://viewmark@127.0.0.1:{dead_port()}/viewmark")
    client = app.server.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:1"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json["failed"] == ["database"]


def test_health007_a_check_that_hangs_fails_at_the_deadline():
    release = threading.Event()
    started = time.monotonic()
    results = run_checks({"silent": lambda: release.wait(10), "quick": lambda: None}, deadline_s=0.3)
    elapsed = time.monotonic() - started
    release.set()
    assert results == {"silent": False, "quick": True}
    assert elapsed < 2


def test_health008_a_check_that_raises_fails(caplog):
    def refused():
        raise ConnectionRefusedError("connection to 10.0.0.7 refused")

    assert run_checks({"database": refused}) == {"database": False}
    assert "database" in caplog.text  # the reason goes to the log, never to the answer
