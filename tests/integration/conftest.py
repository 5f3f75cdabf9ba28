"""Shared application fixtures for integration tests: a small dataset, app factories and signing in.

* ``small_dataset_url`` — a DuckDB file generated once per session at scale 0.1.
* ``make_app(**settings_overrides)`` — a full ``create_app`` app in a fresh instance folder: the embedded
  SQLite database (migrated, with the demo users) unless ``database_url`` is given, in which case the demo
  users are created explicitly (``seed_demo_users=False`` skips them).
* ``sign_in(client, username, password)`` — signs a Flask test client in through the ``/login`` form.
* ``login(dash_duo, username, password)`` — the same in the browser.
* ``api_of(username)`` — a module's signed-in JSON API client (``Api``) per demo user.
* ``new_user()`` and ``sign_in_to(username, path)`` — a fresh user, and a fresh browser session of one,
  on the module's ``app``.

Every test fails when a server callback failed in a way nothing foresaw while it ran (``shell/faults.py``
answers such a failure with a notice and a 200, which a check of statuses would pass), unless it is marked
``callback_fault``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from pathlib import Path

import duckdb
import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from accounts.demo import DEMO_PASSWORD, ensure_demo_users
from accounts.requests import CSRF_COOKIE
from accounts.requests import accounts as accounts_of
from core.ids import SIGNED_IN_USER
from data.files import duckdb_url
from data.generate import write_tables
from settings import Settings
from shell.faults import log as fault_log

SMALL_SCALE = 0.1
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
TEST_PASSWORD = "viewmark-test-password"  # the password of the users ``new_user`` makes


class _Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_unforeseen_callback_failure(request):
    kept = _Kept()
    # The logger itself, not its name: a module renamed or moved cannot leave the net catching nothing.
    fault_log.addHandler(kept)
    try:
        yield
    finally:
        fault_log.removeHandler(kept)
    if kept.records and not request.node.get_closest_marker("callback_fault"):
        failures = "\n".join(kept.format(r) for r in kept.records)
        pytest.fail(f"a server callback failed while the test ran:\n{failures}", pytrace=False)


@pytest.fixture(scope="session")
def small_dataset_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("dataset") / "small.duckdb"
    with duckdb.connect(str(path)) as con:
        write_tables(con, scale=SMALL_SCALE, progress=False)
    return duckdb_url(path)


@pytest.fixture(scope="session")
def make_app(tmp_path_factory, small_dataset_url):
    """Builds apps; every call gets its own instance folder (and so its own embedded database).

    Session-scoped, so module- and session-scoped fixtures can build apps too; each call is a new app.
    """
    built = []

    def make(seed_demo_users: bool = True, **overrides):
        from app import create_app
        from core.runtime import EXTENSION

        instance: Path = tmp_path_factory.mktemp("instance")
        settings = Settings(instance_path=instance, data_url=small_dataset_url, query_cache_seconds=0)
        app = create_app(settings.with_(**overrides))
        if seed_demo_users and overrides.get("database_url"):
            with app.server.app_context():
                ensure_demo_users(accounts_of())
        built.append(app.server.extensions[EXTENSION])
        return app

    yield make
    for runtime in built:
        runtime.db.dispose()
        runtime.engine.dispose()


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html) or CSRF_META.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def sign_in():
    def sign_in(client, username: str, password: str = DEMO_PASSWORD, next_url: str = "/"):
        token = csrf_from(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token, "next": next_url})

    return sign_in


@pytest.fixture
def login():
    def login(dash_duo, username: str, password: str = DEMO_PASSWORD, path: str = "/"):
        """Opens ``path``, is sent to the sign-in page, signs in and waits for the banner.

        Start the server with ``dash_duo.start_server(app, navigate=False)``: the first page is the
        sign-in form, which has no Dash entry point for ``start_server`` to wait for.
        """
        dash_duo.driver.get(dash_duo.server.url.rstrip("/") + path)
        dash_duo.wait_for_element("#login-form")
        dash_duo.find_element("#username").send_keys(username)
        dash_duo.find_element("#password").send_keys(password)
        dash_duo.find_element("#login-submit").click()
        dash_duo.wait_for_text_to_equal(f"#{SIGNED_IN_USER}", username)
        return dash_duo.driver.find_element(By.ID, SIGNED_IN_USER)

    return login


# JSON API clients ----------------------------------------------------------------------------------------

class Api:
    """A signed-in test client that sends the CSRF header, as the browser does."""

    def __init__(self, client):
        self.client = client
        if client.get_cookie(CSRF_COOKIE) is None:
            client.get("/")
        self.headers = {"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value}

    def __getattr__(self, method):
        def call(path, body=None, data=None, **kwargs):
            if body is not None:
                data = json.dumps(body)
            return getattr(self.client, method)(path, data=data, headers=self.headers,
                                                content_type="application/json", **kwargs)
        return call


def sign_in_client(client, username: str, password: str = DEMO_PASSWORD):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token,
                                       "next": "/"})


@pytest.fixture(scope="module")
def api_of(app):
    """One signed-in ``Api`` per demo user for the module's ``app`` (signing in is slow on purpose)."""
    clients = {}

    def api_of(username):
        if username not in clients:
            client = app.server.test_client()
            assert sign_in_client(client, username).status_code == 303
            clients[username] = Api(client)
        return clients[username]

    return api_of


# Browser sessions ----------------------------------------------------------------------------------------

@pytest.fixture
def new_user(app):
    """A user of the module's ``app`` with nothing saved yet: no bookmarks, no default, no last state."""

    def new_user(dashboards=("restaurant", "gaming")) -> str:
        name = f"u{uuid.uuid4().hex[:8]}"
        with app.server.app_context():
            accounts_of().create_user(name, TEST_PASSWORD, dashboards=dashboards)
        return name

    return new_user


@pytest.fixture
def sign_in_to(dash_duo, app, login):
    """Signs ``username`` in (a fresh session: cookies cleared) and opens ``path``."""
    from tests.integration.browser import wait_for_sheet

    started = []

    def sign_in_to(username: str, path: str = "/dashboards/restaurant", password: str = TEST_PASSWORD):
        if not started:
            dash_duo.driver.set_window_size(1400, 1000)
            dash_duo.start_server(app, navigate=False)
            started.append(True)
        else:
            forget_session(dash_duo)
        login(dash_duo, username, password=password, path=path)
        wait_for_sheet(dash_duo)
        return dash_duo

    return sign_in_to


def forget_session(dash_duo):
    """Ends the browser's session as a new browser would start: no cookies.

    Leaves the app first, and deletes until no cookie comes back: an answer still on its way (a callback,
    the favicon) would otherwise set the session cookie again.
    """
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/assets/viewmark/viewmark.css")

    def gone() -> bool:
        dash_duo.driver.delete_all_cookies()
        time.sleep(0.5)
        return dash_duo.driver.get_cookies() == []

    until(gone, timeout=15)
