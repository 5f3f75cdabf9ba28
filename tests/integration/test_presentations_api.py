"""The presentation endpoints of the JSON API over HTTP (Flask test client, the demo app): status codes, the
error shape, sign-in, ownership, slides that follow their bookmarks or links and are read for the viewer,
and what is skipped when a slide is gone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bookmarks.models import Bookmark
from core.runtime import EXTENSION
from presentations.models import Presentation
from shares.models import Share
from views.preferences import DashboardPreference

TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}
ORDERS = {"parameters": {"metric": "orders"}}
NOVA = {"filters": {"brand": ["nova"]}}
TWO_BRANDS = {"filters": {"brand": ["aurora", "nova"]}}
PRESENTATIONS = "/api/v1/presentations"
NOT_FOUND = {"error": "No such presentation."}


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture(autouse=True)
def clean(app):
    """One app for the module (signing in is slow on purpose); every test starts with nothing saved."""
    yield
    with app.server.extensions[EXTENSION].db.session() as s:
        s.execute(sa.delete(Presentation))
        s.execute(sa.delete(Share))
        s.execute(sa.delete(DashboardPreference))
        s.execute(sa.delete(Bookmark))


@pytest.fixture
def analyst(api_of):
    return api_of("analyst")


@pytest.fixture
def manager(api_of):
    return api_of("manager")


@pytest.fixture
def partner(api_of):
    return api_of("partner")


def bookmark(api, name, state, dashboard="restaurant"):
    response = api.post(f"/api/v1/dashboards/{dashboard}/bookmarks", {"name": name, "state": state})
    assert response.status_code == 201, response.json
    return response.json


def create(api, name="Review", items=()):
    response = api.post(PRESENTATIONS, {"name": name, "items": list(items)})
    assert response.status_code == 201, response.json
    return response.json


def slides(body) -> list[tuple]:
    return [(i["name"], i["dashboard"]) for i in body["items"]]


# Sign-in ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", PRESENTATIONS), ("post", PRESENTATIONS), ("get", f"{PRESENTATIONS}/1"), ("patch", f"{PRESENTATIONS}/1"),
    ("delete", f"{PRESENTATIONS}/1"), ("post", f"{PRESENTATIONS}/1/duplicate"),
])
def test_prapi001_not_signed_in_is_401(app, method, path):
    response = getattr(app.server.test_client(), method)(path, json={"name": "X", "items": [], "version": 1})
    assert response.status_code == 401
    assert response.is_json and "error" in response.json


def test_prapi002_cookie_writes_need_the_csrf_header(analyst):
    refused = analyst.client.post(PRESENTATIONS, json={"name": "X", "items": []})
    assert refused.status_code == 400 and "CSRF" in refused.json["error"]
    assert analyst.get(PRESENTATIONS).json == []


# Create, list, read -----------------------------------------------------------------------------------

def test_prapi003_post_creates_201_with_the_slides_in_order(analyst):
    texas = bookmark(analyst, "Texas stores", TEXAS)
    nova = bookmark(analyst, "Nova", NOVA, "gaming")
    response = analyst.post(PRESENTATIONS, {"name": "Review", "items": [{"bookmark_id": nova["id"]},
                                                                        {"bookmark_id": texas["id"]}]})
    assert response.status_code == 201
    body = response.json
    assert response.headers["Location"].endswith(f"{PRESENTATIONS}/{body['id']}")
    assert (body["name"], body["version"], body["skipped"]) == ("Review", 1, [])
    assert slides(body) == [("Nova", "gaming"), ("Texas stores", "restaurant")]
    first = body["items"][0]
    assert (first["position"], first["bookmark_id"], first["share_token"]) == (0, nova["id"], None)
    assert first["state"] == nova["state"] and first["notices"] == []
    assert analyst.get(response.headers["Location"]).json == body
    listed = analyst.get(PRESENTATIONS)
    assert listed.status_code == 200
    assert [(p["id"], p["name"], [i["bookmark_id"] for i in p["items"]]) for p in listed.json] \
        == [(body["id"], "Review", [nova["id"], texas["id"]])]


def test_prapi004_items_are_optional_and_bad_input_is_refused(analyst):
    assert create(analyst, "Empty")["items"] == []
    for body, status, field in [
        ({"items": []}, 422, "name"), ({"name": "  ", "items": []}, 422, "name"),
        ({"name": "X", "items": "nope"}, 422, "items"), ({"name": "X", "items": [{"bookmark_id": 999_999}]},
                                                         422, "items[0]"),
        ({"name": "X", "items": [{"share_token": "A" * 32}]}, 422, "items[0]"),
        ({"name": "empty", "items": []}, 409, "name"),
    ]:
        response = analyst.post(PRESENTATIONS, body)
        assert (response.status_code, response.json.get("field")) == (status, field), body
        assert set(response.json) == {"error", "field"}
    for raw in ("not json", "[1, 2]"):
        assert analyst.post(PRESENTATIONS, data=raw).status_code == 400
    assert [p["name"] for p in analyst.get(PRESENTATIONS).json] == ["Empty"]


# Slides that follow, and what is skipped -----------------------------------------------------------------

def test_prapi005_a_slide_follows_its_bookmark_and_a_deleted_one_is_skipped(analyst):
    texas = bookmark(analyst, "Texas stores", TEXAS)
    orders = bookmark(analyst, "Orders", ORDERS)
    made = create(analyst, items=[{"bookmark_id": texas["id"]}, {"bookmark_id": orders["id"]}])
    changed = analyst.patch(f"/api/v1/bookmarks/{texas['id']}",
                            {"name": "Worst store", "state": ORDERS, "version": texas["version"]})
    assert changed.status_code == 200
    body = analyst.get(f"{PRESENTATIONS}/{made['id']}").json
    assert body["items"][0]["name"] == "Worst store"
    assert body["items"][0]["state"] == changed.json["state"]
    assert analyst.delete(f"/api/v1/bookmarks/{texas['id']}").status_code == 204
    body = analyst.get(f"{PRESENTATIONS}/{made['id']}").json
    assert slides(body) == [("Orders", "restaurant")]
    assert body["skipped"] == ["“Texas stores” was deleted; skipped."]


def test_prapi006_a_received_link_is_a_slide_until_it_is_revoked(analyst, manager):
    link = analyst.post("/api/v1/dashboards/restaurant/shares", {"state": TEXAS}).json
    made = create(manager, items=[{"share_token": link["token"]}])
    assert slides(made) == [("Restaurant Operations, shared by analyst", "restaurant")]
    assert made["items"][0]["share_token"] == link["token"]
    assert made["items"][0]["state"]["filters"]["state"] == ["Texas"]
    assert analyst.delete(f"/api/v1/shares/{link['token']}").status_code == 204
    body = manager.get(f"{PRESENTATIONS}/{made['id']}").json
    assert body["items"] == []
    assert body["skipped"] == ["The shared link “Restaurant Operations, shared by analyst” is no longer "
                               "available; skipped."]


def test_prapi007_the_partner_sees_slides_narrowed_to_their_brand(analyst, partner, manager):
    link = analyst.post("/api/v1/dashboards/gaming/shares", {"state": TWO_BRANDS}).json
    body = create(partner, items=[{"share_token": link["token"]}])
    item = body["items"][0]
    assert item["state"]["filters"]["brand"] == ["aurora"]
    assert [n["field"] for n in item["notices"]] == ["filters.brand"]
    # A link to a dashboard the viewer may not open cannot be added.
    response = manager.post(PRESENTATIONS, {"name": "X", "items": [{"share_token": link["token"]}]})
    assert (response.status_code, response.json["field"]) == (422, "items[0]")


# Change, duplicate, delete ----------------------------------------------------------------------------

def test_prapi008_patch_renames_and_reorders_under_the_version(analyst):
    texas = bookmark(analyst, "Texas stores", TEXAS)
    orders = bookmark(analyst, "Orders", ORDERS)
    made = create(analyst, items=[{"bookmark_id": texas["id"]}, {"bookmark_id": orders["id"]}])
    path = f"{PRESENTATIONS}/{made['id']}"
    response = analyst.patch(path, {"name": "Renamed", "version": 1,
                                    "items": [{"bookmark_id": orders["id"]}, {"bookmark_id": texas["id"]}]})
    assert response.status_code == 200
    assert (response.json["name"], response.json["version"]) == ("Renamed", 2)
    assert slides(response.json) == [("Orders", "restaurant"), ("Texas stores", "restaurant")]
    stale = analyst.patch(path, {"name": "Stale", "version": 1})
    assert stale.status_code == 409 and stale.json["field"] == "version"
    assert analyst.patch(path, {"name": "No version"}).json == {"error": "“version” is required.",
                                                                 "field": "version"}
    create(analyst, "Taken")
    clash = analyst.patch(path, {"name": "TAKEN", "version": 2})
    assert clash.status_code == 409 and clash.json["field"] == "name"
    assert analyst.patch(path, {"version": 2}).status_code == 422
    assert analyst.get(path).json["name"] == "Renamed"


def test_prapi009_duplicate_is_201_under_a_free_name(analyst):
    texas = bookmark(analyst, "Texas stores", TEXAS)
    made = create(analyst, "Weekly", [{"bookmark_id": texas["id"]}])
    response = analyst.post(f"{PRESENTATIONS}/{made['id']}/duplicate")
    assert response.status_code == 201
    copy = response.json
    assert copy["id"] != made["id"] and copy["name"] == "Weekly (copy)"
    assert response.headers["Location"].endswith(f"{PRESENTATIONS}/{copy['id']}")
    assert slides(copy) == slides(made)
    assert analyst.post(f"{PRESENTATIONS}/{made['id']}/duplicate").json["name"] == "Weekly (copy 2)"


def test_prapi010_delete_is_204_then_404(analyst):
    made = create(analyst)
    path = f"{PRESENTATIONS}/{made['id']}"
    assert analyst.delete(path).status_code == 204
    for method in ("get", "delete"):
        response = getattr(analyst, method)(path)
        assert (response.status_code, response.json) == (404, NOT_FOUND)
    assert analyst.get(PRESENTATIONS).json == []


# Ownership and unknown paths --------------------------------------------------------------------------

def test_prapi011_another_users_presentation_is_404_like_a_missing_one(analyst, manager):
    texas = bookmark(analyst, "Texas stores", TEXAS)
    made = create(analyst, items=[{"bookmark_id": texas["id"]}])
    for presentation_id in (made["id"], made["id"] + 1000, 2**31, 2**40):
        path = f"{PRESENTATIONS}/{presentation_id}"
        for method, body in (("get", None), ("patch", {"name": "Mine", "version": 1}), ("delete", None),
                             ("post", None)):
            target = f"{path}/duplicate" if method == "post" else path
            response = getattr(manager, method)(target, body)
            assert (response.status_code, response.json) == (404, NOT_FOUND), (method, presentation_id)
    assert manager.get(PRESENTATIONS).json == []
    # Another user's bookmark cannot be a slide.
    response = manager.post(PRESENTATIONS, {"name": "X", "items": [{"bookmark_id": texas["id"]}]})
    assert (response.status_code, response.json["field"]) == (422, "items[0]")
    assert analyst.get(f"{PRESENTATIONS}/{made['id']}").json["name"] == "Review"


@pytest.mark.parametrize("path", [f"{PRESENTATIONS}/abc", f"{PRESENTATIONS}/-1", f"{PRESENTATIONS}/1/nope"])
def test_prapi012_unknown_presentation_paths_are_json_404(analyst, path):
    response = analyst.get(path)
    assert response.status_code == 404 and response.is_json and response.json["error"]
