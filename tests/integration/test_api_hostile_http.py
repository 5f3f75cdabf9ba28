"""Hostile requests to the JSON API that once answered 500 (found by fuzzing it: schemathesis and probes
beside it). Each now gets a JSON error with a 4xx status, and nothing is stored."""

from __future__ import annotations

import json

import pytest

from accounts.requests import accounts
from tests.integration.conftest import Api, sign_in_client

DEEP = "[" * 50_000  # nested far beyond the JSON parser's recursion limit, yet a small body (50 kB)
LONE_SURROGATE = "\\ud800"  # valid JSON text, but no character: it cannot be stored as UTF-8


@pytest.fixture(scope="module")
def demo_app(make_app):
    return make_app()


@pytest.fixture(scope="module")
def bearer(demo_app) -> dict:
    with demo_app.server.app_context():
        service = accounts()
        _, token = service.create_token(service.for_username("analyst").id, "hostile")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def client(demo_app):
    return demo_app.server.test_client()


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json" and isinstance(response.json["error"], str)
    return response.json


@pytest.mark.parametrize("token_id", ["9223372036854775808", "2147483648", "1" * 40, "²", "١٢"])
def test_hostile001_revoking_a_token_id_that_cannot_exist_is_404(client, bearer, token_id):
    """Found by schemathesis: ``DELETE /api/v1/tokens/9223372036854775808`` overflowed SQLite's integer (500);
    ``²`` passed ``str.isdigit`` and failed ``int`` (500)."""
    response = client.delete(f"/api/v1/tokens/{token_id}", headers=bearer)
    assert assert_json_error(response, 404) == {"error": "No such token.", "field": "token"}


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/api/v1/dashboards/restaurant/bookmarks"),
    ("post", "/api/v1/dashboards/restaurant/bookmarks/import"),
    ("put", "/api/v1/dashboards/restaurant/default"),
    ("post", "/api/v1/dashboards/restaurant/shares"),
    ("post", "/api/v1/presentations"),
    ("post", "/api/v1/presentations/1/share"),
])
def test_hostile002_a_body_nested_too_deeply_is_400(client, bearer, method, path):
    response = getattr(client, method)(path, data=DEEP, content_type="application/json", headers=bearer)
    assert assert_json_error(response, 400) == {"error": "The request body is not valid JSON."}


def test_hostile003_a_state_nested_too_deeply_is_400(client, bearer):
    response = client.get("/api/v1/dashboards/restaurant/data", query_string={"state": "[" * 5_000},
                          headers=bearer)
    assert assert_json_error(response, 400) == {"error": "The view state is not valid JSON.", "field": "state"}


def test_hostile004_a_token_request_nested_too_deeply_is_refused(demo_app):
    browser = demo_app.server.test_client()
    assert sign_in_client(browser, "manager").status_code == 303
    api = Api(browser)
    response = api.post("/api/v1/tokens", data=DEEP)
    assert assert_json_error(response, 400)["error"].startswith("Send a JSON object")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/dashboards/restaurant/bookmarks", f'{{"name": "a{LONE_SURROGATE}", "state": {{}}}}', "name"),
    ("/api/v1/presentations", f'{{"name": "{LONE_SURROGATE}"}}', "name"),
    ("/api/v1/dashboards/restaurant/bookmarks/import",
     f'{{"bookmarks": [{{"name": "x{LONE_SURROGATE}", "state": {{}}}}]}}', "bookmarks[0].name"),
])
def test_hostile005_a_name_with_a_lone_surrogate_is_422_naming_the_field(client, bearer, path, body, field):
    before = client.get("/api/v1/dashboards/restaurant/bookmarks", headers=bearer).json
    response = client.post(path, data=body, content_type="application/json", headers=bearer)
    assert assert_json_error(response, 422)["field"] == field
    assert client.get("/api/v1/dashboards/restaurant/bookmarks", headers=bearer).json == before
    assert client.get("/api/v1/presentations", headers=bearer).json == []


def test_hostile006_a_token_name_with_a_lone_surrogate_is_422(demo_app):
    browser = demo_app.server.test_client()
    assert sign_in_client(browser, "partner").status_code == 303
    api = Api(browser)
    response = api.post("/api/v1/tokens", data=json.dumps({"name": "\ud800"}))
    assert assert_json_error(response, 422)["field"] == "name"
    assert api.get("/api/v1/tokens").json == []


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("put", "/api/v1/dashboards", {"GET"}),
    ("patch", "/api/v1/me", {"GET"}),
    ("delete", "/api/v1/presentations", {"GET", "POST"}),
    ("post", "/api/v1/bookmarks/1", {"GET", "PATCH", "DELETE"}),
    ("put", "/api/v1/tokens/1", {"DELETE"}),
])
def test_hostile007_a_method_a_path_does_not_take_is_405_with_allow(client, bearer, method, path, allowed):
    """Found by schemathesis: the catch-all for unknown /api/v1 paths answered these 404."""
    response = getattr(client, method)(path, headers=bearer)
    assert assert_json_error(response, 405) == {"error": "Method not allowed."}
    assert set(response.headers["Allow"].split(", ")) - {"HEAD", "OPTIONS"} == allowed


def test_hostile008_an_unknown_api_path_stays_404_for_every_method(client, bearer):
    for method in ("get", "post", "put", "patch", "delete"):
        assert assert_json_error(getattr(client, method)("/api/v1/nothing/here", headers=bearer), 404)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/bookmarks/%0A"),
    ("GET", "/api/v1/presentations/1%0A2"),
    ("POST", "/api/v1/presentations/1%0A/duplicate"),
    ("GET", "/api/v1/no%0Awhere/at-all"),
])
def test_hostile009_a_path_with_a_line_break_is_a_json_404(client, bearer, method, path):
    """Found by schemathesis: no route pattern matches a line break, so the app's HTML page answered."""
    response = client.open(path, method=method, headers=bearer)
    assert assert_json_error(response, 404) == {"error": "Not found."}


def test_hostile010_a_method_no_route_takes_is_a_json_405(client, bearer):
    response = client.open("/api/v1/dashboards", method="TRACE", headers=bearer)
    assert assert_json_error(response, 405) == {"error": "Method not allowed."}
    assert "GET" in response.headers["Allow"]


def test_hostile011_pages_keep_their_own_answers(client):
    assert client.get("/assets/nothing-here.css").status_code == 404
    assert client.get("/assets/nothing-here.css").mimetype != "application/json"


def test_hostile012_an_error_nothing_expected_is_a_json_500_and_saves_nothing(client, bearer, monkeypatch):
    """A failure no handler knows (here the bookmark store raising) answers the API's JSON error, not Flask's
    HTML page, so a client reads it and can try again; the traceback goes to the log."""
    from bookmarks.service import BookmarkService

    path = "/api/v1/dashboards/restaurant/bookmarks"
    before = client.get(path, headers=bearer).json

    def broken(*_args, **_kwargs):
        raise RuntimeError("the store broke")

    monkeypatch.setattr(BookmarkService, "add", broken)
    response = client.post(path, json={"name": "Never", "state": {"filters": {"state": ["Texas"]}}}, headers=bearer)
    assert assert_json_error(response, 500) == {"error": "Something went wrong on the server. Try again in a moment."}
    assert "the store broke" not in response.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get(path, headers=bearer).json == before
