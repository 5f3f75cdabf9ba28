"""Sessions, sign-out, API tokens and the links of a disabled user, over HTTP: whatever outlived its right to
be used — a session idle past its lifetime, a session signed out of, a revoked token, a link whose owner was
disabled — is refused with its status and answers no data, and writes nothing."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
import sqlalchemy as sa
from itsdangerous.timed import TimestampSigner

from accounts import __main__ as accounts_cli
from accounts.demo import DEMO_PASSWORD
from accounts.pages import FORM_EXPIRED
from accounts.requests import CSRF_COOKIE, accounts
from accounts.web import SESSION_LIFETIME
from core.runtime import runtime
from shares.service import GONE
from tests.integration.conftest import csrf_from
from tests.integration.test_accounts_dash import sheet_payload

SESSION_COOKIE = "viewmark_session"
SIGN_IN_FIRST = {"error": "Sign in first."}


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def signed_in(app, sign_in):
    """A fresh signed-in browser session of a demo user, with the CSRF cookie its pages set."""

    def signed_in(username: str = "analyst"):
        client = app.server.test_client()
        assert sign_in(client, username).status_code == 303
        client.get("/")
        return client

    return signed_in


def csrf(client) -> dict:
    return {"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value}


def replaying(app, *cookies: tuple[str, str]):
    """A new client that sends exactly these cookies, as someone holding a copy of them would."""
    client = app.server.test_client()
    for name, value in cookies:
        client.set_cookie(name, value)
    return client


def count(app, table: str) -> int:
    with app.server.app_context(), runtime().db.engine.connect() as con:
        return con.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def assert_refused(response, status: int = 401) -> None:
    """Refused, with the error alone: nothing of the user's or the dashboards' data."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status == 302:
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.is_json and set(response.json) <= {"error", "field"}, response.get_data(as_text=True)[:300]


# An expired session -----------------------------------------------------------------------------------

def aged(app, client, seconds: float) -> str:
    """The client's session cookie as the server would have signed it ``seconds`` ago (last request then)."""
    serializer = app.server.session_interface.get_signing_serializer(app.server)
    data = serializer.loads(client.get_cookie(SESSION_COOKIE).value)
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=int(time.time() - seconds)):
        return serializer.dumps(data)


def test_sess001_a_session_idle_past_its_lifetime_is_refused_everywhere(app, signed_in):
    client = signed_in()
    token = csrf(client)
    tokens = count(app, "api_tokens")
    expired = replaying(app, (SESSION_COOKIE, aged(app, client, SESSION_LIFETIME.total_seconds() + 60)),
                        (CSRF_COOKIE, token["X-CSRFToken"]))
    assert_refused(expired.get("/api/v1/me"))
    assert_refused(expired.get("/api/v1/dashboards/restaurant/data"))
    assert_refused(expired.get("/dashboards/restaurant"), 302)
    assert_refused(expired.post("/_dash-update-component", json=sheet_payload("restaurant", "overview"),
                                headers=token))
    assert_refused(expired.post("/api/v1/tokens", json={"name": "late"}, headers=token))
    assert count(app, "api_tokens") == tokens
    # Idle time is what counts: a session used within its lifetime goes on (each answer renews it).
    recent = replaying(app, (SESSION_COOKIE, aged(app, client, SESSION_LIFETIME.total_seconds() - 600)))
    assert recent.get("/api/v1/me").json["username"] == "analyst"


# Signing out --------------------------------------------------------------------------------------------

def test_sess002_a_session_signed_out_of_is_refused_when_replayed(app, signed_in):
    client = signed_in()
    stolen = [(SESSION_COOKIE, client.get_cookie(SESSION_COOKIE).value),
              (CSRF_COOKIE, client.get_cookie(CSRF_COOKIE).value)]
    token = csrf(client)
    other_browser = signed_in()  # the same user elsewhere
    assert client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))}
                       ).status_code == 303
    tokens, bookmarks = count(app, "api_tokens"), count(app, "bookmarks")

    replay = replaying(app, *stolen)
    assert_refused(replay.get("/api/v1/me"))
    assert_refused(replay.post("/api/v1/tokens", json={"name": "after sign-out"}, headers=token))
    assert_refused(replay.post("/api/v1/dashboards/restaurant/bookmarks", headers=token,
                               json={"name": "after sign-out", "state": {}}))
    assert_refused(replay.post("/_dash-update-component", json=sheet_payload("restaurant", "overview"),
                               headers=token))
    assert_refused(replay.get("/dashboards/restaurant"), 302)
    assert (count(app, "api_tokens"), count(app, "bookmarks")) == (tokens, bookmarks)
    # Signing out ends that session only: the user's other browser goes on.
    assert other_browser.get("/api/v1/me").json["username"] == "analyst"


def test_sess003_a_csrf_token_from_before_signing_out_is_refused_in_the_next_session(app, signed_in, sign_in):
    client = signed_in()
    before = csrf(client)
    assert client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))}
                       ).status_code == 303
    assert sign_in(client, "analyst").status_code == 303
    tokens = count(app, "api_tokens")
    refused = client.post("/api/v1/tokens", json={"name": "replayed"}, headers=before)
    assert refused.status_code == 400 and refused.json["error"].startswith("CSRF check failed")
    refused = client.post("/_dash-update-component", json=sheet_payload("restaurant", "overview"), headers=before)
    assert refused.status_code == 400 and "Deposits" not in refused.get_data(as_text=True)
    assert count(app, "api_tokens") == tokens


# The sign-in form ---------------------------------------------------------------------------------------

def test_sess004_an_expired_sign_in_form_is_shown_again_with_a_message(app):
    client = app.server.test_client()
    stale = csrf_from(client.get("/login?next=/dashboards/gaming").get_data(as_text=True))
    client.delete_cookie(SESSION_COOKIE)  # the session the form was made for has ended
    response = client.post("/login", data={"username": "analyst", "password": "whatever", "csrf_token": stale,
                                           "next": "/dashboards/gaming"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Location" not in response.headers
    assert re.search(r'id="login-error">([^<]*)<', page).group(1) == FORM_EXPIRED
    assert 'value="analyst"' in page and 'name="next" value="/dashboards/gaming"' in page
    assert client.get("/api/v1/me").status_code == 401
    # The form it answers carries a token that works.
    again = client.post("/login", data={"username": "analyst", "password": DEMO_PASSWORD,
                                        "csrf_token": csrf_from(page), "next": "/dashboards/gaming"})
    assert again.status_code == 303 and again.headers["Location"] == "/dashboards/gaming"


# API tokens ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["api", "cli"])
def test_sess005_a_revoked_token_is_refused_on_every_endpoint(app, signed_in, how):
    client = signed_in("manager")
    created = client.post("/api/v1/tokens", json={"name": f"revoked by {how}"}, headers=csrf(client)).json
    bearer = {"Authorization": f"Bearer {created['token']}"}
    api = app.server.test_client()
    assert api.get("/api/v1/me", headers=bearer).status_code == 200
    if how == "api":
        assert client.delete(f"/api/v1/tokens/{created['id']}", headers=csrf(client)).status_code == 204
    else:
        with app.server.app_context():
            assert accounts_cli.main(["revoke-token", "manager", str(created["id"])], accounts()) == 0
    bookmarks = count(app, "bookmarks")
    for method, path, body in [("get", "/api/v1/me", None), ("get", "/api/v1/dashboards", None),
                               ("get", "/api/v1/dashboards/restaurant/data", None),
                               ("get", "/api/v1/dashboards/restaurant/bookmarks", None),
                               ("get", "/api/v1/presentations", None),
                               ("post", "/api/v1/dashboards/restaurant/bookmarks", {"name": "x", "state": {}}),
                               ("delete", f"/api/v1/tokens/{created['id']}", None)]:
        response = getattr(api, method)(path, json=body, headers=bearer)
        assert_refused(response)
        assert response.json == SIGN_IN_FIRST and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(app, "bookmarks") == bookmarks


# Links of a disabled user -------------------------------------------------------------------------------

def test_sess006_the_links_of_a_disabled_user_are_gone_until_they_are_enabled(app, signed_in):
    owner, viewer = signed_in("analyst"), signed_in("manager")
    view = owner.post("/api/v1/dashboards/restaurant/shares", headers=csrf(owner),
                      json={"state": {"filters": {"state": ["Texas"]}}}).json["token"]
    deck_id = owner.post("/api/v1/presentations", headers=csrf(owner),
                         json={"name": "Review", "items": [{"share_token": view}]}).json["id"]
    deck = owner.post(f"/api/v1/presentations/{deck_id}/share", headers=csrf(owner)).json["token"]
    assert viewer.get(f"/api/v1/shares/{view}").status_code == 200
    assert viewer.get(f"/s/{view}").status_code == viewer.get(f"/s/{deck}").status_code == 200

    with app.server.app_context():
        assert accounts_cli.main(["disable-user", "analyst"], accounts()) == 0
    try:
        response = viewer.get(f"/api/v1/shares/{view}")
        assert_refused(response, 404)
        assert response.json == {"error": GONE, "field": "token"}
        bookmarks = count(app, "bookmarks")
        assert_refused(viewer.post(f"/api/v1/shares/{view}/save", json={"name": "Kept"}, headers=csrf(viewer)), 404)
        assert count(app, "bookmarks") == bookmarks
        for token in (view, deck):
            assert viewer.get(f"/s/{token}").status_code == 404
            page = viewer.post("/_dash-update-component", headers=csrf(viewer), json=route_payload(f"/s/{token}"))
            assert page.status_code == 200 and "link-gone" in page.get_data(as_text=True)
            assert "Texas" not in page.get_data(as_text=True) and "Review" not in page.get_data(as_text=True)
    finally:
        with app.server.app_context():
            accounts_cli.main(["enable-user", "analyst"], accounts())
    assert viewer.get(f"/api/v1/shares/{view}").status_code == 200
    assert viewer.get(f"/s/{view}").status_code == viewer.get(f"/s/{deck}").status_code == 200


def route_payload(pathname: str) -> dict:
    """The route callback's request for ``pathname``, as dash-renderer sends it when a page opens."""
    return {"output": "..page.children...vm-shown-path.data..",
            "outputs": [{"id": "page", "property": "children"}, {"id": "vm-shown-path", "property": "data"}],
            "inputs": [{"id": "url", "property": "pathname", "value": pathname}],
            "state": [{"id": "url", "property": "search", "value": ""},
                      {"id": "vm-shown-path", "property": "data", "value": None}],
            "changedPropIds": ["url.pathname"]}
