"""The application database (PostgreSQL) goes away while users work, and comes back.

The app reaches PostgreSQL through a ``TcpProxy`` (``tests/faults.py``) that the tests cut — connections
reset, new ones refused, as when the server stops — and restore. Visuals come from the data engine and keep
rendering; bookmark, share and presentation actions fail with a message (503 from the API, a toast in the
UI); nothing is half-written; once the proxy forwards again the same app works without a restart.
"""

from __future__ import annotations

import threading
import time

import pytest

from accounts.demo import DEMO_PASSWORD
from accounts.requests import EXTENSION as ACCOUNTS
from core import ids
from db import database as database_module
from tests.faults import TcpProxy, scratch_postgres, through
from tests.integration.conftest import Api, csrf_from, sign_in_client
from tests.integration.test_accounts_dash import sheet_payload
from tests.integration.test_bookmarks_callbacks_http import callback, post
from tests.servers import POSTGRES

pytestmark = pytest.mark.postgres

BOOKMARKS = "/api/v1/dashboards/restaurant/bookmarks"
TEXAS = {"filters": {"state": ["Texas"]}}


@pytest.fixture(scope="module")
def proxy():
    proxy = TcpProxy(POSTGRES.address)
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def app(make_app, proxy):
    with scratch_postgres("viewmark_flt_pg") as url, pytest.MonkeyPatch.context() as patch:
        # Two seconds (libpq's least) instead of five, so the test of a silent server waits less.
        patch.setattr(database_module, "CONNECT_TIMEOUT_S", 2, raising=False)
        app = make_app(database_url=through(proxy, url))
        yield app


@pytest.fixture(scope="module")
def analyst(app):
    client = app.server.test_client()
    assert sign_in_client(client, "analyst", DEMO_PASSWORD).status_code == 303
    return Api(client)


@pytest.fixture
def cut(proxy, analyst):
    """The database is cut for the test (after the analyst has signed in), and restored after it."""
    proxy.cut()
    yield proxy
    proxy.restore()


def names(api) -> list[str]:
    response = api.get(BOOKMARKS)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [b["name"] for b in response.json]


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/json" and response.headers["Retry-After"] == "10"
    assert "database" in response.json["error"] and "Traceback" not in response.get_data(as_text=True)


def test_pgflt001_visuals_keep_rendering_while_the_database_is_cut(app, analyst, cut):
    response = analyst.get("/api/v1/dashboards/restaurant/data")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert all(visual["rows"] for visual in response.json["visuals"])
    answer, body = post(analyst.client, sheet_payload("restaurant", "overview"))  # the view's one request
    assert answer.status_code == 200 and '"figure"' in body


def test_pgflt002_the_api_answers_503_for_bookmarks_shares_and_presentations(app, analyst, cut):
    assert_unavailable(analyst.post(BOOKMARKS, {"name": "During the outage", "state": TEXAS}))
    assert_unavailable(analyst.get(BOOKMARKS))
    assert_unavailable(analyst.post("/api/v1/dashboards/restaurant/shares", {"state": TEXAS,
                                                                            "expires_in_s": 3600}))
    assert_unavailable(analyst.post("/api/v1/presentations", {"name": "During the outage"}))


def test_pgflt003_the_bookmark_panes_add_says_the_database_is_unreachable(app, analyst, cut):
    payload = callback(analyst.client, ids.BOOKMARK_ADD_REQUEST, {f"{ids.BOOKMARK_ADD_REQUEST}.data": {
        "name": "During the outage", "state": TEXAS, "at": 1}}, {f"{ids.DASHBOARD_ID}.data": "restaurant"})
    response, body = post(analyst.client, payload)
    assert response.status_code == 200, body
    assert "Not done" in body and "database is not reachable" in body


def test_pgflt004_the_dashboard_page_opens_on_the_original_with_a_notice(app, analyst, cut):
    assert analyst.get("/dashboards/restaurant").status_code == 200
    route = {"output": f"..{ids.PAGE}.children...{ids.SHOWN_PATH}.data..",
             "outputs": [{"id": ids.PAGE, "property": "children"}, {"id": ids.SHOWN_PATH, "property": "data"}],
             "inputs": [{"id": ids.URL, "property": "pathname", "value": "/dashboards/restaurant"}],
             "state": [{"id": ids.URL, "property": "search", "value": ""},
                       {"id": ids.SHOWN_PATH, "property": "data", "value": None}],
             "changedPropIds": [f"{ids.URL}.pathname"]}
    response, body = post(analyst.client, route)
    assert response.status_code == 200, body
    assert ids.SHEET_CONTENT in body and "could not be read" in body


def test_pgflt008_a_user_not_seen_lately_is_told_the_database_is_unreachable(app, analyst, cut):
    """Who a request's user is comes from the database; only users seen a moment ago are known without it."""
    recent = app.server.extensions[ACCOUNTS].recent
    kept, recent.max_age_s = recent.max_age_s, 0
    try:
        page = analyst.client.get("/dashboards/restaurant")
        api = analyst.get(BOOKMARKS)
        stranger = app.server.test_client()
        form = stranger.post("/login", data={"username": "manager", "password": DEMO_PASSWORD, "next": "/",
                                             "csrf_token": csrf_from(stranger.get("/login").get_data(as_text=True))})
    finally:
        recent.max_age_s = kept
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "database is not reachable" in page.get_data(as_text=True)
    assert_unavailable(api)
    assert form.status_code == 503 and "Signing in is not possible just now" in form.get_data(as_text=True)


def test_pgflt005_readyz_names_the_database_and_recovers_with_it(app, analyst, proxy):
    before = names(analyst)
    proxy.cut()
    try:
        ready = app.server.test_client().get("/readyz")
        assert ready.status_code == 503 and ready.json["failed"] == ["database"]
        assert_unavailable(analyst.post(BOOKMARKS, {"name": "Lost in the outage", "state": TEXAS}))
    finally:
        proxy.restore()
    assert app.server.test_client().get("/readyz").status_code == 200
    created = analyst.post(BOOKMARKS, {"name": "After the outage", "state": TEXAS})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert names(analyst) == [*before, "After the outage"]


def test_pgflt006_a_write_cut_before_its_commit_leaves_nothing(app, analyst, proxy):
    before = names(analyst)
    document = {"format": "viewmark-bookmarks", "version": 1, "dashboard": "restaurant",
                "bookmarks": [{"name": f"Imported {i}", "state": TEXAS} for i in range(3)]}
    held = proxy.hold_reply(b"INSERT INTO bookmarks")
    answers = []
    writer = threading.Thread(target=lambda: answers.append(
        analyst.post("/api/v1/dashboards/restaurant/bookmarks/import", document)))
    writer.start()
    try:
        assert held.held.wait(10), "the import never reached the database"
        proxy.cut()  # the rows are inserted, the transaction is open: the server rolls it back
        writer.join(15)
    finally:
        proxy.restore()
    assert answers and not writer.is_alive()
    assert_unavailable(answers[0])
    assert names(analyst) == before


def test_pgflt007_a_silent_database_fails_requests_in_seconds_not_forever(app, analyst, proxy):
    """A server that accepts connections and never answers: each request that needs it fails after the
    connect timeout (db.database: 2 s here), and meanwhile visuals do not wait for it."""
    proxy.silence()
    try:
        written, failed_after = within(20, lambda: analyst.post(BOOKMARKS, {"name": "Into the silence",
                                                                              "state": TEXAS}))
        visuals, rendered_in = within(20, lambda: analyst.get("/api/v1/dashboards/restaurant/data"))
    finally:
        proxy.restore()
    assert_unavailable(written)
    assert failed_after < 6
    assert visuals.status_code == 200 and rendered_in < 1


def within(seconds: float, call):
    """``call()``'s answer and how long it took; a failure, not a hung test, when it takes longer."""
    answers = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: answers.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert answers, f"no answer after {seconds} s"
    return answers[0], time.monotonic() - started
