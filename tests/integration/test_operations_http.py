"""Running the app in production (README, "Operations"): rotating the secret key without signing everyone
out; behind a reverse proxy, which addresses and scheme the app believes; what its log looks like."""

from __future__ import annotations

import logging

import pytest

from accounts.requests import CSRF_COOKIE
from tests.integration.conftest import Api, sign_in_client

OLD_KEY = "the-key-being-retired-" + "o" * 20
NEW_KEY = "the-key-from-now-on-" + "n" * 20
SESSION_COOKIE = "viewmark_session"
BOOKMARKS = "/api/v1/dashboards/restaurant/bookmarks"


@pytest.fixture
def signed_in_with_the_old_key(make_app, tmp_path):
    """A browser signed in while the app ran with ``OLD_KEY``: its session and CSRF cookies."""
    client = make_app(instance_path=tmp_path, secret_key=OLD_KEY).server.test_client()
    assert sign_in_client(client, "analyst").status_code == 303
    client.get("/")  # the page sets the CSRF cookie dash-renderer copies into its header
    return {name: client.get_cookie(name).value for name in (SESSION_COOKIE, CSRF_COOKIE)}


def restarted(make_app, tmp_path, cookies: dict, **settings):
    """The same browser against the app restarted with other settings (same instance, same database)."""
    client = make_app(instance_path=tmp_path, **settings).server.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def test_ops001_during_a_rotation_sessions_and_csrf_tokens_of_the_old_key_still_work(
        make_app, tmp_path, signed_in_with_the_old_key):
    client = restarted(make_app, tmp_path, signed_in_with_the_old_key, secret_key=NEW_KEY,
                       secret_key_fallbacks=(OLD_KEY,))
    assert client.get("/api/v1/me").json["username"] == "analyst"
    # An open page keeps sending the token it was given before the restart.
    made = client.post(BOOKMARKS, json={"name": "Made during the rotation", "state": {}},
                       headers={"X-CSRFToken": signed_in_with_the_old_key[CSRF_COOKIE]})
    assert made.status_code == 201, made.get_data(as_text=True)
    # What the app signs from now on is signed with the new key alone.
    client.get("/")
    renewed = {name: client.get_cookie(name).value for name in (SESSION_COOKIE, CSRF_COOKIE)}
    after = restarted(make_app, tmp_path, renewed, secret_key=NEW_KEY)
    assert after.get("/api/v1/me").json["username"] == "analyst"
    # Once the old key is dropped, a page not reloaded since before the rotation holds a token it signed.
    stale = after.delete(f"/api/v1/bookmarks/{made.json['id']}",
                         headers={"X-CSRFToken": signed_in_with_the_old_key[CSRF_COOKIE]})
    assert stale.status_code == 400 and stale.json == {"error": "CSRF check failed: The CSRF token is invalid."}
    assert after.delete(f"/api/v1/bookmarks/{made.json['id']}",
                        headers={"X-CSRFToken": renewed[CSRF_COOKIE]}).status_code == 204


def test_ops002_without_the_old_key_as_a_fallback_everyone_signs_in_again(
        make_app, tmp_path, signed_in_with_the_old_key):
    client = restarted(make_app, tmp_path, signed_in_with_the_old_key, secret_key=NEW_KEY)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/dashboards/restaurant").status_code == 302


def test_ops003_fallback_keys_come_from_the_environment():
    from settings import Settings

    settings = Settings.from_env({"SECRET_KEY": NEW_KEY, "SECRET_KEY_FALLBACKS": f" {OLD_KEY}, older-key "})
    assert settings.secret_key_fallbacks == (OLD_KEY, "older-key")
    assert Settings.from_env({}).secret_key_fallbacks == ()


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "viewmark.example.com", "Referer": "https://viewmark.example.com/dashboards/restaurant"}


def share_url(make_app, **settings) -> str:
    client = make_app(**settings).server.test_client()
    assert sign_in_client(client, "analyst").status_code == 303
    api = Api(client)
    api.headers.update(FORWARDED)
    made = api.post("/api/v1/dashboards/restaurant/shares", {"state": {}})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.json["url"]


def test_ops004_behind_a_trusted_proxy_links_carry_the_address_people_use(make_app):
    assert share_url(make_app, trusted_proxies=1).startswith("https://viewmark.example.com/s/")


def test_ops005_without_trusted_proxies_forwarded_headers_are_ignored(make_app):
    assert share_url(make_app).startswith("http://localhost/s/")


def test_ops006_the_served_app_logs_at_info_with_time_and_level_unless_logging_is_configured():
    from app import LOG_FORMAT, log_to_stderr

    fresh = logging.Logger("the root logger of a new process", logging.WARNING)
    log_to_stderr(fresh)
    [handler] = fresh.handlers
    assert fresh.level == logging.INFO and handler.formatter._fmt == LOG_FORMAT
    record = logging.LogRecord("db.database", logging.INFO, __file__, 1, "The application database is reachable "
                               "again", None, None)
    assert "[INFO] db.database: The application database is reachable again" in handler.format(record)
    configured = logging.Logger("configured by gunicorn --log-config", logging.WARNING)
    configured.addHandler(logging.NullHandler())
    log_to_stderr(configured)
    assert len(configured.handlers) == 1 and configured.level == logging.WARNING


def test_ops007_a_failed_readiness_check_is_one_line_in_the_log(caplog):
    """Log collectors read a line per entry: the driver's multi-line message (libpq's hint, SQLAlchemy's
    background link) is cut to its first line, of the driver's own error."""
    import sqlalchemy as sa

    from core.health import run_checks

    def database_down():
        driver = ConnectionRefusedError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'
                                        "\n\tIs the server running on that host and accepting TCP/IP connections?")
        raise sa.exc.OperationalError("SELECT 1", None, driver)

    with caplog.at_level(logging.WARNING, logger="core.health"):
        assert run_checks({"database": database_down}) == {"database": False}
    [record] = caplog.records
    assert record.getMessage() == ("Readiness check 'database' failed: ConnectionRefusedError: connection to server "
                                   'at "127.0.0.1", port 5432 failed: Connection refused')
