"""Shared application fixtures for integration tests: a small dataset, app factories and signing in.

* ``small_dataset_url`` — a DuckDB file generated once per session at scale 0.1.
* ``make_app(**settings_overrides)`` — a full ``create_app`` app in a fresh instance folder: the embedded
  SQLite database (migrated, with the demo users) unless ``database_url`` is given, in which case the demo
  users are created explicitly (``seed_demo_users=False`` skips them).
* ``sign_in(client, username, password)`` — signs a Flask test client in through the ``/login`` form.
* ``login(dash_duo, username, password)`` — the same in the browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from selenium.webdriver.common.by import By

from accounts.demo import DEMO_PASSWORD, ensure_demo_users
from accounts.requests import accounts as accounts_of
from core.ids import SIGNED_IN_USER
from data.files import duckdb_url
from data.generate import write_tables
from settings import Settings

SMALL_SCALE = 0.1
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


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
