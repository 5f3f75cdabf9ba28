"""The share endpoints of the JSON API over HTTP (Flask test client): status codes, the error shape, sign-in,
grants and row restrictions of the viewer, one 404 body for every token that opens nothing, saving a shared
view as one's own bookmark, and throttling."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa

from accounts.demo import PARTNER_BRAND
from bookmarks.models import Bookmark
from core.runtime import EXTENSION
from db.base import utcnow
from shares import service as shares_module
from shares.models import Share
from shares.service import GONE
from views.preferences import DashboardPreference

TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}
NOVA = {"filters": {"brand": ["nova"]}, "parameters": {"metric": "withdrawals"}}
SHARE_RESTAURANT = "/api/v1/dashboards/restaurant/shares"
SHARE_GAMING = "/api/v1/dashboards/gaming/shares"
SHARES = "/api/v1/shares"
GONE_BODY = {"error": GONE, "field": "token"}


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture(autouse=True)
def clean(app):
    """One app for the module (signing in is slow on purpose); every test starts without links or bookmarks."""
    yield
    with app.server.extensions[EXTENSION].db.session() as s:
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


def share(api, body=None, path=SHARE_RESTAURANT):
    response = api.post(path, {"state": TEXAS} if body is None else body)
    assert response.status_code == 201, response.json
    return response.json


def mine(api):
    response = api.get(SHARES)
    assert response.status_code == 200
    return response.json


def bookmarks_of(api, dashboard="restaurant"):
    response = api.get(f"/api/v1/dashboards/{dashboard}/bookmarks")
    assert response.status_code == 200
    return response.json


# Sign-in ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("post", SHARE_RESTAURANT), ("get", SHARES), ("get", f"{SHARES}/{'A' * 32}"),
    ("delete", f"{SHARES}/{'A' * 32}"), ("post", f"{SHARES}/{'A' * 32}/save"),
])
def test_shapi001_not_signed_in_is_401(app, method, path):
    response = getattr(app.server.test_client(), method)(path, json={"state": TEXAS, "name": "X"})
    assert response.status_code == 401
    assert response.is_json and "error" in response.json


def test_shapi002_a_signed_out_client_learns_nothing_of_a_live_link(app, analyst):
    made = share(analyst)
    response = app.server.test_client().get(f"{SHARES}/{made['token']}")
    assert response.status_code == 401
    assert "Texas" not in response.get_data(as_text=True)


def test_shapi003_cookie_writes_need_the_csrf_header(analyst):
    refused = analyst.client.post(SHARE_RESTAURANT, json={"state": TEXAS})
    assert refused.status_code == 400 and "CSRF" in refused.json["error"]
    assert mine(analyst) == []


# Create, list, read -----------------------------------------------------------------------------------

def test_shapi004_post_creates_201_with_a_url_ending_in_the_token(analyst):
    response = analyst.post(SHARE_RESTAURANT, {"state": TEXAS})
    assert response.status_code == 201
    body = response.json
    token = body["token"]
    assert len(token) >= 22 and body["url"].endswith(f"/s/{token}")
    assert body["url"].startswith("http")
    assert response.headers["Location"].endswith(f"/api/v1/shares/{token}")
    assert (body["dashboard"], body["owner"], body["name"], body["expires_at"], body["revoked_at"]) \
        == ("restaurant", "analyst", None, None, None)
    assert body["state"]["filters"]["state"] == ["Texas"] and body["live"] is True
    assert [s["token"] for s in mine(analyst)] == [token]


def test_shapi005_sharing_the_same_view_again_gives_the_same_link(analyst):
    first = share(analyst)
    again = analyst.post(SHARE_RESTAURANT, {"state": TEXAS, "expires_in_s": None})
    assert again.status_code == 201 and again.json["token"] == first["token"]
    expiring = share(analyst, {"state": TEXAS, "expires_in_s": 7 * 86400})
    assert expiring["token"] != first["token"] and expiring["expires_at"].endswith("Z")
    assert len(mine(analyst)) == 2


def test_shapi006_sharing_a_bookmark_snapshots_it(analyst, manager):
    saved = analyst.post("/api/v1/dashboards/restaurant/bookmarks", {"name": "Texas stores", "state": TEXAS}).json
    made = share(analyst, {"bookmark_id": saved["id"]})
    assert made["name"] == "Texas stores" and made["state"] == saved["state"]
    changed = analyst.patch(f"/api/v1/bookmarks/{saved['id']}",
                            {"name": "Renamed", "state": {"parameters": {"metric": "orders"}}, "version": 1})
    assert changed.status_code == 200
    assert analyst.delete(f"/api/v1/bookmarks/{saved['id']}").status_code == 204
    opened = manager.get(f"{SHARES}/{made['token']}")
    assert opened.status_code == 200
    assert opened.json["name"] == "Texas stores" and opened.json["state"] == saved["state"]


def test_shapi007_get_opens_the_link_for_a_colleague(analyst, manager):
    made = share(analyst)
    response = manager.get(f"{SHARES}/{made['token']}")
    assert response.status_code == 200
    body = response.json
    assert (body["token"], body["owner"], body["dashboard"], body["notices"]) == (made["token"], "analyst",
                                                                                  "restaurant", [])
    assert body["state"] == made["state"]
    # Reading the link through the API is not an opening of the page.
    assert mine(analyst)[0]["open_count"] == 0
    # The reader's list of links is their own.
    assert mine(manager) == []


@pytest.mark.parametrize(("body", "status", "field"), [
    ("{not json", 400, None),
    ('["a list"]', 400, None),
    ("{}", 422, "state"),
    (json.dumps({"state": {"filters": {"state": ["Atlantis"]}}}), 422, "filters.state"),
    (json.dumps({"state": {"sheet": "nope"}}), 422, "sheet"),
    (json.dumps({"state": {"dashboard": "gaming"}}), 422, "dashboard"),
    (json.dumps({"state": "{not json"}), 400, "state"),
    (json.dumps({"state": TEXAS, "expires_in_s": 0}), 422, "expires_in_s"),
    (json.dumps({"state": TEXAS, "expires_in_s": -60}), 422, "expires_in_s"),
    (json.dumps({"state": TEXAS, "expires_in_s": True}), 422, "expires_in_s"),
    (json.dumps({"state": TEXAS, "expires_in_s": "86400"}), 422, "expires_in_s"),
    (json.dumps({"state": TEXAS, "expires_in_s": 366 * 86400}), 422, "expires_in_s"),
    (json.dumps({"bookmark_id": 999_999}), 404, "bookmark_id"),
    (json.dumps({"bookmark_id": "1"}), 404, "bookmark_id"),
])
def test_shapi008_bad_input_is_refused_and_nothing_is_created(analyst, body, status, field):
    response = analyst.post(SHARE_RESTAURANT, data=body)
    assert response.status_code == status, response.json
    assert response.json.get("field") == field and response.json["error"]
    assert set(response.json) <= {"error", "field"}
    assert mine(analyst) == []


def test_shapi009_another_users_bookmark_cannot_be_shared(analyst, manager):
    theirs = manager.post("/api/v1/dashboards/restaurant/bookmarks", {"name": "Mine", "state": TEXAS}).json
    response = analyst.post(SHARE_RESTAURANT, {"bookmark_id": theirs["id"]})
    assert (response.status_code, response.json) == (404, {"error": "No such bookmark.", "field": "bookmark_id"})
    assert mine(analyst) == []


def test_shapi010_a_dashboard_without_grant_cannot_be_shared(manager):
    for path in (SHARE_GAMING, "/api/v1/dashboards/nope/shares"):
        response = manager.post(path, {"state": {}})
        assert response.status_code == 404 and response.json["error"] == "No such dashboard."
    assert mine(manager) == []


# Revoke -----------------------------------------------------------------------------------------------

def test_shapi011_delete_revokes_204_and_the_link_is_gone_for_everyone(analyst, manager):
    made = share(analyst)
    assert analyst.delete(f"{SHARES}/{made['token']}").status_code == 204
    for api in (manager, analyst):
        response = api.get(f"{SHARES}/{made['token']}")
        assert (response.status_code, response.json) == (404, GONE_BODY)
    # Revoking again is fine; the link stays listed, marked as revoked.
    assert analyst.delete(f"{SHARES}/{made['token']}").status_code == 204
    [listed] = mine(analyst)
    assert listed["token"] == made["token"] and listed["live"] is False and listed["revoked_at"].endswith("Z")


def test_shapi012_another_users_link_cannot_be_revoked(analyst, manager):
    made = share(analyst)
    theirs = manager.delete(f"{SHARES}/{made['token']}")
    unknown = manager.delete(f"{SHARES}/{secrets.token_urlsafe(24)}")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json == unknown.json
    assert mine(analyst)[0]["live"] is True
    assert manager.get(f"{SHARES}/{made['token']}").status_code == 200


# Tokens that open nothing -----------------------------------------------------------------------------

def test_shapi013_revoked_expired_unknown_malformed_and_over_long_tokens_are_one_404(app, analyst, manager):
    revoked = share(analyst)["token"]
    analyst.delete(f"{SHARES}/{revoked}")
    expired = share(analyst, {"state": {"parameters": {"metric": "orders"}}, "expires_in_s": 60})["token"]
    with app.server.extensions[EXTENSION].db.session() as s:
        s.execute(sa.update(Share).where(Share.token == expired).values(expires_at=utcnow() - timedelta(hours=1)))
    for token in (revoked, expired, secrets.token_urlsafe(24), "short", "x" * 10_000, "%C3%BC" * 30,
                  "not-a-token!" * 3):
        for method, suffix in (("get", ""), ("post", "/save")):
            response = getattr(manager, method)(f"{SHARES}/{token}{suffix}", {"name": "Mine"})
            assert (response.status_code, response.json) == (404, GONE_BODY), token[:40]
    assert bookmarks_of(manager) == []


# Grants and row restrictions --------------------------------------------------------------------------

def test_shapi014_the_partner_sees_an_analyst_link_narrowed_to_their_brand(analyst, partner):
    made = share(analyst, {"state": NOVA}, path=SHARE_GAMING)
    response = partner.get(f"{SHARES}/{made['token']}")
    assert response.status_code == 200
    body = response.json
    assert "nova" not in body["state"]["filters"]["brand"]
    assert set(body["state"]["filters"]["brand"]) <= {PARTNER_BRAND}
    assert [n["field"] for n in body["notices"]] == ["filters.brand"]
    assert "nova" in body["notices"][0]["message"]
    # What the partner reads is the narrowed view: the owner's selection is not in the body.
    assert '"nova"' not in response.get_data(as_text=True)
    assert body["state"]["parameters"]["metric"] == "withdrawals"
    # The analyst still sees the link whole.
    assert analyst.get(f"{SHARES}/{made['token']}").json["state"]["filters"]["brand"] == ["nova"]


def test_shapi021_the_partner_is_told_when_an_all_brands_link_is_narrowed(analyst, partner):
    made = share(analyst, {"state": {}}, path=SHARE_GAMING)
    body = partner.get(f"{SHARES}/{made['token']}").json
    assert body["state"]["filters"]["brand"] == []
    assert [n["field"] for n in body["notices"]] == ["filters.brand"]
    assert analyst.get(f"{SHARES}/{made['token']}").json["notices"] == []


def test_shapi015_the_partner_saves_the_narrowed_view_as_their_own_bookmark(analyst, partner):
    made = share(analyst, {"state": NOVA}, path=SHARE_GAMING)
    response = partner.post(f"{SHARES}/{made['token']}/save", {"name": "From the analyst"})
    assert response.status_code == 201
    saved = response.json
    assert saved["name"] == "From the analyst" and "nova" not in saved["state"]["filters"]["brand"]
    assert bookmarks_of(partner, "gaming") == [saved]
    assert bookmarks_of(analyst, "gaming") == []


def test_shapi016_the_manager_without_gaming_is_refused_and_sees_nothing_of_the_state(analyst, manager):
    made = share(analyst, {"state": NOVA}, path=SHARE_GAMING)
    for method, suffix in (("get", ""), ("post", "/save")):
        response = getattr(manager, method)(f"{SHARES}/{made['token']}{suffix}", {"name": "Mine"})
        assert response.status_code == 403
        assert set(response.json) == {"error", "field"} and response.json["field"] == "dashboard"
        text = response.get_data(as_text=True)
        assert "nova" not in text and "withdrawals" not in text and "analyst" not in text
    assert bookmarks_of(manager) == []
    assert mine(analyst)[0]["open_count"] == 0


# Save as my bookmark ----------------------------------------------------------------------------------

def test_shapi017_save_creates_a_bookmark_in_the_viewers_list_only(analyst, manager):
    made = share(analyst)
    response = manager.post(f"{SHARES}/{made['token']}/save", {"name": "  Analyst's Texas "})
    assert response.status_code == 201
    saved = response.json
    assert saved["name"] == "Analyst's Texas" and saved["state"] == made["state"]
    assert response.headers["Location"].endswith(f"/api/v1/bookmarks/{saved['id']}")
    assert bookmarks_of(manager) == [saved]
    assert bookmarks_of(analyst) == []
    assert manager.get(f"/api/v1/bookmarks/{saved['id']}").json == saved
    assert analyst.get(f"/api/v1/bookmarks/{saved['id']}").status_code == 404


@pytest.mark.parametrize(("body", "status", "field"), [
    ({}, 422, "name"), ({"name": ""}, 422, "name"), ({"name": "x" * 101}, 422, "name"),
    ({"name": "Texas"}, 409, "name"),
])
def test_shapi018_save_bad_names_are_refused(analyst, manager, body, status, field):
    manager.post("/api/v1/dashboards/restaurant/bookmarks", {"name": "texas", "state": {}})
    made = share(analyst)
    response = manager.post(f"{SHARES}/{made['token']}/save", body)
    assert (response.status_code, response.json.get("field")) == (status, field)
    assert [b["name"] for b in bookmarks_of(manager)] == ["texas"]


# Throttling -------------------------------------------------------------------------------------------

def test_shapi019_creating_too_many_links_is_429(analyst, manager, monkeypatch):
    monkeypatch.setattr(shares_module, "CREATE_LIMIT", 2)
    states = [{"filters": {"date_range": [f"2021-0{month}-01", "2021-12-31"]}} for month in range(1, 4)]
    share(analyst, {"state": states[0]})
    share(analyst, {"state": states[1]})
    response = analyst.post(SHARE_RESTAURANT, {"state": states[2]})
    assert response.status_code == 429 and response.json["error"]
    assert len(mine(analyst)) == 2
    share(manager, {"state": states[2]})


# Routing ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [f"{SHARES}/{'A' * 32}/nope", f"{SHARES}/{'A' * 32}/save/more"])
def test_shapi020_unknown_share_paths_are_json_404(analyst, path):
    response = analyst.get(path)
    assert response.status_code == 404 and response.is_json and response.json["error"]
