"""A create sent again with the same ``Idempotency-Key`` (``db.request_keys``) is done once: the retry of a
client that heard nothing back gets the first answer, never a second bookmark, link or presentation, nor a
409 for the name its own first request took."""

from __future__ import annotations

import uuid

import pytest

BOOKMARKS = "/api/v1/dashboards/restaurant/bookmarks"
TEXAS = {"filters": {"state": ["Texas"]}}


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def analyst(api_of):
    return api_of("analyst")


def twice(api, path, body, key=None):
    key = key or uuid.uuid4().hex
    headers = {**api.headers, "Idempotency-Key": key}
    return [api.client.post(path, json=body, headers=headers) for _ in range(2)]


def test_rtry001_a_bookmark_sent_twice_is_made_once(analyst):
    first, again = twice(analyst, BOOKMARKS, {"name": "Sent twice", "state": TEXAS})
    assert first.status_code == again.status_code == 201, again.get_data(as_text=True)
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert [b["name"] for b in analyst.get(BOOKMARKS).json].count("Sent twice") == 1


def test_rtry002_a_link_sent_twice_is_made_once(analyst):
    body = {"state": TEXAS, "expires_in_s": 3600}  # with an expiry, every share is a new link
    first, again = twice(analyst, "/api/v1/dashboards/restaurant/shares", body)
    assert first.status_code == again.status_code == 201
    assert again.json["token"] == first.json["token"]
    assert [s["token"] for s in analyst.get("/api/v1/shares").json].count(first.json["token"]) == 1
    assert len([s for s in analyst.get("/api/v1/shares").json if s["state"]["filters"]["state"] == ["Texas"]
                and s["expires_at"]]) == 1


def test_rtry003_presentations_made_copied_and_shared_twice_are_made_once(analyst):
    first, again = twice(analyst, "/api/v1/presentations", {"name": "Deck sent twice"})
    assert first.status_code == again.status_code == 201 and again.json["id"] == first.json["id"]
    copies = twice(analyst, f"/api/v1/presentations/{first.json['id']}/duplicate", None)
    assert [c.status_code for c in copies] == [201, 201] and copies[0].json["id"] == copies[1].json["id"]
    links = twice(analyst, f"/api/v1/presentations/{first.json['id']}/share", {"expires_in_s": 600})
    assert [c.status_code for c in links] == [201, 201] and links[0].json["token"] == links[1].json["token"]
    names = [p["name"] for p in analyst.get("/api/v1/presentations").json]
    assert names.count("Deck sent twice") == 1 and names.count("Deck sent twice (copy)") == 1


def test_rtry004_a_key_sent_with_another_request_is_refused(analyst):
    key = uuid.uuid4().hex
    made, _ = twice(analyst, BOOKMARKS, {"name": "First use of a key", "state": TEXAS}, key)
    other, _ = twice(analyst, BOOKMARKS, {"name": "Second use of a key", "state": TEXAS}, key)
    assert made.status_code == 201
    assert other.status_code == 422 and other.json["field"] == "Idempotency-Key", other.get_data(as_text=True)
    assert "Second use of a key" not in [b["name"] for b in analyst.get(BOOKMARKS).json]


def test_rtry005_keys_are_each_users_own(analyst, api_of):
    key = uuid.uuid4().hex
    mine, _ = twice(analyst, BOOKMARKS, {"name": "Same key, two users", "state": TEXAS}, key)
    theirs, _ = twice(api_of("manager"), BOOKMARKS, {"name": "Same key, two users", "state": TEXAS}, key)
    assert mine.status_code == theirs.status_code == 201 and mine.json["id"] != theirs.json["id"]


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\tinside", "ключ"])
def test_rtry006_a_malformed_key_is_400(analyst, key):
    response = analyst.client.post(BOOKMARKS, json={"name": f"Bad key {len(key)}", "state": TEXAS},
                                   headers={**analyst.headers, "Idempotency-Key": key})
    assert response.status_code == 400 and response.json["field"] == "Idempotency-Key"
