"""The largest request body (``settings.max_request_bytes``, ``core.limits``): a larger one is refused with 413
and a JSON error before anything reads it — on the JSON API, on Dash's callbacks, signed in or not — while
the largest bookmarks file the import takes still goes through the browser's upload."""

from __future__ import annotations

import base64
import io
import json

import pytest

from bookmarks.transfer import EXPORT_FORMAT, MAX_IMPORT_BYTES
from core import ids
from settings import MAX_REQUEST_BYTES, Settings
from tests.integration.conftest import Api, sign_in_client
from tests.integration.test_bookmarks_callbacks_http import callback, post

LIMIT = 50_000  # small, so the tests send little


@pytest.fixture(scope="module")
def small_limit_app(make_app):
    return make_app(max_request_bytes=LIMIT)


@pytest.fixture(scope="module")
def api(small_limit_app):
    client = small_limit_app.server.test_client()
    assert sign_in_client(client, "analyst").status_code == 303
    return Api(client)


def too_large(response) -> None:
    assert response.status_code == 413
    assert response.json == {"error": "The request is larger than the 50 kB this server accepts."}


def test_limit001_api_body_over_the_limit_is_413_before_it_is_parsed(api):
    # Not JSON at all: parsed, it would be 400; the size alone answers.
    too_large(api.post("/api/v1/dashboards/restaurant/bookmarks", data="x" * (LIMIT + 1)))
    assert api.get("/api/v1/dashboards/restaurant/bookmarks").json == []
    # At the limit it is read (and here refused for what it says).
    at_limit = api.post("/api/v1/dashboards/restaurant/bookmarks", data="x" * LIMIT)
    assert at_limit.status_code == 400 and at_limit.json == {"error": "The request body is not valid JSON."}


def test_limit002_refused_before_sign_in_and_csrf_are_looked_at(small_limit_app):
    anonymous = small_limit_app.server.test_client()
    too_large(anonymous.post("/api/v1/presentations", data="{" * (LIMIT + 1), content_type="application/json"))
    too_large(anonymous.post("/login", data={"username": "analyst", "password": "x" * LIMIT}))


def test_limit003_dash_callback_over_the_limit_is_413_with_a_json_error(api):
    payload = callback(api.client, ids.BOOKMARKS_IMPORT,
                       {f"{ids.BOOKMARKS_IMPORT}.contents": "data:application/json;base64," + "A" * LIMIT},
                       {f"{ids.DASHBOARD_ID}.data": "restaurant", f"{ids.ACTIVE_BOOKMARK}.data": None})
    too_large(post(api.client, payload)[0])


def test_limit004_a_body_without_a_declared_length_is_cut_off_at_the_limit(api):
    response = api.client.post("/api/v1/dashboards/restaurant/bookmarks", headers=api.headers,
                               content_type="application/json", input_stream=io.BytesIO(b"[" * (LIMIT + 1)),
                               environ_overrides={"wsgi.input_terminated": True})
    too_large(response)


def test_limit005_the_default_admits_the_largest_bookmarks_file_through_the_upload(make_app):
    assert Settings().max_request_bytes == MAX_REQUEST_BYTES == Settings.from_env({}).max_request_bytes
    assert Settings.from_env({"VIEWMARK_MAX_REQUEST_BYTES": "1000"}).max_request_bytes == 1000
    app = make_app()
    client = app.server.test_client()
    assert sign_in_client(client, "manager").status_code == 303
    client.get("/")
    entry = {"name": "Largest file", "state": {"sheet": "owner-view"}}
    text = json.dumps({"format": EXPORT_FORMAT, "dashboard": "restaurant", "bookmarks": [entry]})
    document = text + " " * (MAX_IMPORT_BYTES - len(text))  # padded to exactly the import's limit
    contents = "data:application/json;base64," + base64.b64encode(document.encode()).decode()
    payload = callback(client, ids.BOOKMARKS_IMPORT, {f"{ids.BOOKMARKS_IMPORT}.contents": contents},
                       {f"{ids.DASHBOARD_ID}.data": "restaurant", f"{ids.ACTIVE_BOOKMARK}.data": None})
    response, body = post(client, payload)
    assert len(json.dumps(payload)) > MAX_IMPORT_BYTES * 4 // 3
    assert response.status_code == 200 and "1 bookmark imported" in body


def test_limit006_a_callback_body_nested_too_deeply_is_400_not_500(api):
    """Found by probing beside schemathesis: Dash's JSON parsing hit Python's recursion limit (500)."""
    response = api.post("/_dash-update-component", data="[" * 20_000)
    assert response.status_code == 400
    assert api.post("/api/v1/tokens", data="[" * 20_000).status_code == 400
