"""The bookmark endpoints of the JSON API over HTTP (Flask test client): status codes, error shape,
ownership (404 for others' ids), bad input (400/422 with nothing changed), sign-in and CSRF."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from bookmarks.models import Bookmark
from core.runtime import EXTENSION
from views.preferences import DashboardPreference

PA_WEEK = {"sheet": "owner-view", "filters": {"date_range": ["2021-12-01", "2021-12-31"],
                                              "state": ["Pennsylvania"], "address": ["10 Resort Plz"]},
           "parameters": {"grain": "week"}}
TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}
BOOKMARKS = "/api/v1/dashboards/restaurant/bookmarks"


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture(autouse=True)
def no_bookmarks(app):
    """One app for the module (signing in is slow on purpose); every test starts without bookmarks."""
    yield
    with app.server.extensions[EXTENSION].db.session() as s:
        s.execute(sa.delete(DashboardPreference))
        s.execute(sa.delete(Bookmark))


@pytest.fixture
def analyst(api_of):
    return api_of("analyst")


@pytest.fixture
def manager(api_of):
    return api_of("manager")


def add(api, name, state=TEXAS, path=BOOKMARKS):
    response = api.post(path, {"name": name, "state": state})
    assert response.status_code == 201, response.json
    return response.json


def listed(api, path=BOOKMARKS):
    response = api.get(path)
    assert response.status_code == 200
    return response.json


# Sign-in ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", BOOKMARKS), ("post", BOOKMARKS), ("patch", "/api/v1/bookmarks/1"), ("delete", "/api/v1/bookmarks/1"),
    ("put", "/api/v1/dashboards/restaurant/default"), ("put", f"{BOOKMARKS}/order"),
    ("get", f"{BOOKMARKS}/export"), ("post", f"{BOOKMARKS}/import"),
])
def test_bmapi001_not_signed_in_is_401(app, method, path):
    response = getattr(app.server.test_client(), method)(path, json={})
    assert response.status_code == 401


def test_bmapi002_cookie_writes_need_the_csrf_header_bearer_calls_do_not(analyst, app):
    refused = analyst.client.post(BOOKMARKS, json={"name": "No CSRF", "state": TEXAS})
    assert refused.status_code == 400 and "CSRF" in refused.json["error"]
    token = analyst.post("/api/v1/tokens", {"name": "bookmarks test"}).json["token"]
    bearer = app.server.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    created = bearer.post(BOOKMARKS, json={"name": "By token", "state": TEXAS}, headers=headers)
    assert created.status_code == 201
    assert [b["name"] for b in bearer.get(BOOKMARKS, headers=headers).json] == ["By token"]


# Create and list --------------------------------------------------------------------------------------

def test_bmapi003_post_creates_201_and_get_lists(analyst):
    response = analyst.post(BOOKMARKS, {"name": " Worst store ", "state": PA_WEEK})
    assert response.status_code == 201
    body = response.json
    assert body["name"] == "Worst store" and body["version"] == 1 and body["is_default"] is False
    assert body["state"]["filters"]["state"] == ["Pennsylvania"] and body["state"]["dashboard"] == "restaurant"
    assert response.headers["Location"].endswith(f"/api/v1/bookmarks/{body['id']}")
    assert listed(analyst) == [body]
    assert analyst.get(f"/api/v1/bookmarks/{body['id']}").json == body
    assert set(body) >= {"id", "name", "state", "position", "is_default", "version", "created_at", "updated_at"}


@pytest.mark.parametrize(("data", "status", "field"), [
    ("{not json", 400, None),
    ("", 400, None),
    ('["a list"]', 400, None),
    ('{"state": {}}', 422, "name"),
    ('{"name": "No state"}', 422, "state"),
    ('{"name": "", "state": {}}', 422, "name"),
    (json.dumps({"name": "x" * 101, "state": {}}), 422, "name"),
    (json.dumps({"name": "Bad", "state": {"filters": {"state": ["Atlantis"]}}}), 422, "filters.state"),
    (json.dumps({"name": "Bad", "state": {"sheet": "nope"}}), 422, "sheet"),
    (json.dumps({"name": "Bad", "state": "{not json"}), 400, "state"),
])
def test_bmapi004_bad_input_is_refused_and_nothing_is_created(analyst, data, status, field):
    response = analyst.post(BOOKMARKS, data=data)
    assert response.status_code == status
    assert response.json.get("field") == field and response.json["error"]
    assert listed(analyst) == []


def test_bmapi005_duplicate_name_is_409(analyst):
    add(analyst, "Year end")
    response = analyst.post(BOOKMARKS, {"name": "YEAR END", "state": PA_WEEK})
    assert response.status_code == 409
    assert response.json["field"] == "name" and "Year end".upper() in response.json["error"]
    assert [b["name"] for b in listed(analyst)] == ["Year end"]


# Change and delete ------------------------------------------------------------------------------------

def test_bmapi006_patch_renames_and_updates_with_the_version(analyst):
    saved = add(analyst, "View")
    renamed = analyst.patch(f"/api/v1/bookmarks/{saved['id']}", {"name": "Texas", "version": 1})
    assert renamed.status_code == 200 and renamed.json["name"] == "Texas" and renamed.json["version"] == 2
    updated = analyst.patch(f"/api/v1/bookmarks/{saved['id']}", {"state": PA_WEEK, "version": 2})
    assert updated.status_code == 200 and updated.json["state"]["sheet"] == "owner-view"
    assert updated.json["version"] == 3 and updated.json["name"] == "Texas"


def test_bmapi007_patch_with_a_stale_version_is_409_and_changes_nothing(analyst):
    saved = add(analyst, "View")
    assert analyst.patch(f"/api/v1/bookmarks/{saved['id']}", {"name": "Tab one", "version": 1}).status_code == 200
    response = analyst.patch(f"/api/v1/bookmarks/{saved['id']}", {"name": "Tab two", "version": 1})
    assert response.status_code == 409
    assert response.json == {"error": "This bookmark was changed in another tab or window; reload to see the "
                                      "latest version.", "field": "version"}
    assert listed(analyst)[0]["name"] == "Tab one"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"name": "New"}, 422, "version"),
    ({"name": "New", "version": "1"}, 422, "version"),
    ({"version": 1}, 422, None),
    ({"name": " ", "version": 1}, 422, "name"),
    ({"state": {"parameters": {"metric": "profit"}}, "version": 1}, 422, "parameters.metric"),
    ([1], 400, None),
])
def test_bmapi008_patch_bad_input_changes_nothing(analyst, body, status, field):
    saved = add(analyst, "View")
    response = analyst.patch(f"/api/v1/bookmarks/{saved['id']}", body)
    assert response.status_code == status and response.json.get("field") == field
    assert listed(analyst) == [saved]


def test_bmapi009_delete_is_204_then_404(analyst):
    saved = add(analyst, "View")
    assert analyst.delete(f"/api/v1/bookmarks/{saved['id']}").status_code == 204
    assert listed(analyst) == []
    response = analyst.delete(f"/api/v1/bookmarks/{saved['id']}")
    assert response.status_code == 404 and response.json == {"error": "No such bookmark."}


def test_bmapi017_a_deleted_id_is_never_reused_so_a_stale_tab_gets_404(analyst):
    """x1, x2; delete x2; "other" must not get x2's id, or a tab still showing x2 would rename it."""
    x1, x2 = add(analyst, "x1"), add(analyst, "x2")
    assert analyst.delete(f"/api/v1/bookmarks/{x2['id']}").status_code == 204
    other = add(analyst, "other")
    response = analyst.patch(f"/api/v1/bookmarks/{x2['id']}", {"name": "stale-tab-wrote-this", "version": 1})
    assert (response.status_code, response.json) == (404, {"error": "No such bookmark."})
    assert listed(analyst) == [x1, other]
    assert other["id"] > max(x1["id"], x2["id"]) and other["version"] == 1


# Ownership and grants ---------------------------------------------------------------------------------

def test_bmapi010_another_users_ids_are_404_like_missing_ones(analyst, manager):
    theirs = add(manager, "Manager's view")
    missing = theirs["id"] + 10_000
    for bookmark_id in (theirs["id"], missing):
        path = f"/api/v1/bookmarks/{bookmark_id}"
        for response in (analyst.get(path), analyst.patch(path, {"name": "Mine now", "version": 1}),
                         analyst.delete(path)):
            assert response.status_code == 404 and response.json == {"error": "No such bookmark."}
        response = analyst.put("/api/v1/dashboards/restaurant/default", {"bookmark_id": bookmark_id})
        assert response.status_code == 404 and response.json["field"] == "bookmark_id"
    mine = add(analyst, "Mine")
    response = analyst.put(f"{BOOKMARKS}/order", {"ids": [theirs["id"], mine["id"]]})
    assert response.status_code == 422 and response.json["field"] == "ids"
    assert listed(manager) == [theirs]
    assert analyst.get("/api/v1/dashboards/restaurant/default").json == {"bookmark_id": None, "original": False}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", "/api/v1/dashboards/gaming/bookmarks", None),
    ("post", "/api/v1/dashboards/gaming/bookmarks", {"name": "X", "state": {}}),
    ("put", "/api/v1/dashboards/gaming/default", {"bookmark_id": None}),
    ("delete", "/api/v1/dashboards/gaming/default", None),
    ("put", "/api/v1/dashboards/gaming/bookmarks/order", {"ids": []}),
    ("get", "/api/v1/dashboards/gaming/bookmarks/export", None),
    ("post", "/api/v1/dashboards/gaming/bookmarks/import", {"bookmarks": []}),
    ("get", "/api/v1/dashboards/nope/bookmarks", None),
])
def test_bmapi011_a_dashboard_without_grant_is_404(manager, method, path, body):
    response = getattr(manager, method)(path, body)
    assert response.status_code == 404 and response.json["error"] == "No such dashboard."


def test_bmapi012_partner_cannot_save_other_brands(api_of):
    partner = api_of("partner")
    path = "/api/v1/dashboards/gaming/bookmarks"
    response = partner.post(path, {"name": "Other brand", "state": {"filters": {"brand": ["lumen"]}}})
    assert response.status_code == 422 and response.json["field"] == "filters.brand"
    assert listed(partner, path) == []


# Default view and order -------------------------------------------------------------------------------

def test_bmapi013_put_default_bookmark_original_and_delete_for_none(analyst):
    a, b = add(analyst, "A"), add(analyst, "B", PA_WEEK)
    default = "/api/v1/dashboards/restaurant/default"
    response = analyst.put(default, {"bookmark_id": b["id"]})
    assert response.status_code == 200 and response.json == {"bookmark_id": b["id"], "original": False}
    assert [x["is_default"] for x in listed(analyst)] == [False, True]
    assert analyst.put(default, {"bookmark_id": None}).json == {"bookmark_id": None, "original": True}
    assert not any(x["is_default"] for x in listed(analyst))
    assert analyst.delete(default).status_code == 204
    assert analyst.get(default).json == {"bookmark_id": None, "original": False}
    for body, status in (({}, 422), ({"bookmark_id": "first"}, 422), ({"bookmark_id": True}, 422)):
        response = analyst.put(default, body)
        assert response.status_code == status and response.json["field"] == "bookmark_id"
    assert analyst.put(default, data="{oops").status_code == 400
    assert a["id"] in {x["id"] for x in listed(analyst)}


def test_bmapi014_put_order(analyst):
    a, b, c = add(analyst, "A"), add(analyst, "B", PA_WEEK), add(analyst, "C", {})
    response = analyst.put(f"{BOOKMARKS}/order", {"ids": [c["id"], a["id"], b["id"]]})
    assert response.status_code == 200
    assert [(x["name"], x["position"]) for x in response.json] == [("C", 0), ("A", 1), ("B", 2)]
    for body in ({"ids": [a["id"], b["id"]]}, {"ids": "all"}, {}, {"ids": [a["id"], a["id"], b["id"]]}):
        response = analyst.put(f"{BOOKMARKS}/order", body)
        assert response.status_code == 422 and response.json["field"] == "ids"
    assert [x["name"] for x in listed(analyst)] == ["C", "A", "B"]


# Export and import ------------------------------------------------------------------------------------

def test_bmapi015_export_then_import_into_another_account(analyst, manager):
    add(analyst, "Worst store", PA_WEEK)
    add(analyst, "Texas")
    response = analyst.get(f"{BOOKMARKS}/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="viewmark-restaurant-bookmarks.json"'
    document = json.loads(response.get_data(as_text=True))
    assert [b["name"] for b in document["bookmarks"]] == ["Worst store", "Texas"]
    imported = manager.post(f"{BOOKMARKS}/import", document)
    assert imported.status_code == 201 and [b["name"] for b in imported.json["created"]] == ["Worst store", "Texas"]
    again = manager.post(f"{BOOKMARKS}/import", document)
    assert again.status_code == 200 and again.json == {"created": [], "renamed": [],
                                                        "skipped": ["Worst store", "Texas"]}
    assert [(b["name"], b["state"]) for b in listed(manager)] == [(b["name"], b["state"]) for b in listed(analyst)]


@pytest.mark.parametrize(("data", "status", "field"), [
    ("{not json", 400, None),
    (json.dumps({"dashboard": "gaming", "bookmarks": []}), 422, "dashboard"),
    (json.dumps({"bookmarks": [{"name": "Ok", "state": {}}, {"name": "Bad", "state": {"sheet": "nope"}}]}),
     422, "bookmarks[1].state.sheet"),
])
def test_bmapi016_invalid_imports_change_nothing(analyst, data, status, field):
    add(analyst, "Existing")
    response = analyst.post(f"{BOOKMARKS}/import", data=data)
    assert response.status_code == status and response.json.get("field") == field
    assert [b["name"] for b in listed(analyst)] == ["Existing"]
