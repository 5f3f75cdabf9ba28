"""Sign-in, sessions, CSRF, tokens, headers and the permission matrix, over HTTP (Flask test client)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import stat
from urllib.parse import unquote

import pytest

from accounts.demo import DEMO_PASSWORD, PARTNER_BRAND
from accounts.requests import CSRF_COOKIE, accounts
from accounts.service import SIGN_IN_REFUSED
from tests.integration.conftest import csrf_from
from tests.integration.test_accounts_dash import sheet_payload

OTHER_BRANDS = ("nova", "lumen", "tidal")
OTHER_BRAND_NAMES = ("Nova Slots", "Lumen Play", "Tidal Spins")
MATRIX = {  # user: (dashboards granted, brands)
    "analyst": (["gaming", "restaurant"], None),
    "manager": (["restaurant"], None),
    "partner": (["gaming"], [PARTNER_BRAND]),
}


@pytest.fixture(scope="module")
def demo_app(make_app):
    """One app for the read-only tests (tests that fail sign-ins build their own: throttling is shared)."""
    return make_app()


@pytest.fixture
def client_of(demo_app, sign_in):
    def client_of(username: str, app=None):
        client = (app or demo_app).server.test_client()
        assert sign_in(client, username).status_code == 303
        return client

    return client_of


def csrf_header(client) -> dict:
    """The header dash-renderer sends: the ``_csrf_token`` cookie, set when a page is served."""
    if client.get_cookie(CSRF_COOKIE) is None:
        client.get("/")
    return {"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value}


def state_param(dashboard: str, sheet: str, **filters) -> dict:
    return {"state": json.dumps({"dashboard": dashboard, "sheet": sheet, "filters": filters})}


# Not signed in ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/dashboards/gaming", "/dashboards/restaurant?state=x", "/nope"])
def test_ahttp001_pages_redirect_to_sign_in(demo_app, path):
    response = demo_app.server.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/dashboards"), ("get", "/api/v1/me"), ("get", "/api/v1/tokens"),
    ("get", "/api/v1/dashboards/gaming/data"), ("post", "/api/v1/tokens"), ("delete", "/api/v1/tokens/1"),
    ("get", "/_dash-layout"), ("get", "/_dash-dependencies"), ("post", "/_dash-update-component"),
    ("get", "/_reload-hash"),
])
def test_ahttp002_api_and_dash_endpoints_answer_401(demo_app, method, path):
    response = getattr(demo_app.server.test_client(), method)(path, json={})
    assert response.status_code == 401
    assert response.json == {"error": "Sign in first."}


def test_ahttp003_sign_in_page_and_assets_are_public(demo_app):
    client = demo_app.server.test_client()
    page = client.get("/login")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    assert client.get("/assets/vendor/bootstrap.min.css").status_code == 200
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', _index_html(demo_app))
    assert scripts and all(client.get(s).status_code == 200 for s in scripts[:3])


# Signing in and out -----------------------------------------------------------------------------------

def test_ahttp004_sign_in_returns_to_the_requested_local_page(demo_app, sign_in):
    client = demo_app.server.test_client()
    target = client.get("/dashboards/gaming?state=%7B%7D").headers["Location"]
    next_url = target.split("next=", 1)[1]
    response = sign_in(client, "analyst", next_url=unquote(next_url))
    assert response.status_code == 303 and response.headers["Location"] == "/dashboards/gaming?state=%7B%7D"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                      "javascript:alert(1)"])
def test_ahttp005_sign_in_never_redirects_off_site(demo_app, sign_in, next_url):
    response = sign_in(demo_app.server.test_client(), "analyst", next_url=next_url)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_ahttp006_wrong_user_or_password_get_one_message(make_app, sign_in):
    app = make_app()
    bodies = []
    for username, password in (("analyst", "wrong password"), ("nobody", DEMO_PASSWORD)):
        client = app.server.test_client()
        response = sign_in(client, username, password)
        assert response.status_code == 200  # the form again with the message (a 401 is a console error)
        bodies.append(re.search(r'id="login-error">([^<]*)<', response.get_data(as_text=True)).group(1))
        assert client.get("/api/v1/me").status_code == 401
    assert bodies == [SIGN_IN_REFUSED, SIGN_IN_REFUSED]


def test_ahttp007_sign_in_is_throttled(make_app, sign_in):
    app = make_app()
    client = app.server.test_client()
    for _ in range(5):
        assert refused(sign_in(client, "manager", "wrong password"))
    assert throttled(sign_in(client, "manager", DEMO_PASSWORD))
    assert client.get("/api/v1/me").status_code == 401
    assert sign_in(client, "analyst").status_code == 303  # other accounts from this address still work


def test_ahttp008_sign_in_without_csrf_token_is_refused(demo_app):
    client = demo_app.server.test_client()
    client.get("/login")
    response = client.post("/login", data={"username": "analyst", "password": DEMO_PASSWORD})
    # The form again (200, like every answer of the form), saying it expired; nobody is signed in.
    assert response.status_code == 200 and "Location" not in response.headers
    assert "Your sign-in form expired" in response.get_data(as_text=True)
    forged = client.post("/login", data={"username": "analyst", "password": DEMO_PASSWORD, "csrf_token": "x"})
    assert forged.status_code == 200 and "Your sign-in form expired" in forged.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_ahttp009_sign_out_needs_post_with_csrf(client_of):
    client = client_of("analyst")
    client.get("/logout")  # a link or an <img> cannot sign anyone out
    assert client.post("/logout").status_code == 400  # no token: refused
    assert client.get("/api/v1/me").status_code == 200
    token = csrf_from(client.get("/").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/").status_code == 302


def test_ahttp032_signing_in_starts_a_new_session(demo_app, sign_in):
    client = demo_app.server.test_client()
    before = csrf_from(client.get("/login").get_data(as_text=True))
    planted = client.get_cookie("viewmark_session").value
    sign_in(client, "analyst")
    assert client.get_cookie("viewmark_session").value != planted
    # A token obtained (or planted) before signing in is worthless afterwards.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.get("/api/v1/me").status_code == 200


def test_ahttp010_session_and_csrf_cookies_have_safe_flags(make_app, sign_in):
    client = make_app(cookie_secure=True).server.test_client()
    sign_in(client, "analyst")
    page = client.get("/")
    assert page.status_code == 200
    session_cookie, csrf_cookie = client.get_cookie("viewmark_session"), client.get_cookie(CSRF_COOKIE)
    assert session_cookie.http_only and session_cookie.secure and session_cookie.same_site == "Lax"
    # Not HttpOnly: dash-renderer reads it to send the X-CSRFToken header.
    assert not csrf_cookie.http_only and csrf_cookie.secure and csrf_cookie.same_site == "Lax"


def test_ahttp011_secret_key_is_generated_once_into_the_instance_folder(make_app, sign_in, tmp_path):
    first = make_app(instance_path=tmp_path, secret_key=None)
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    client = first.server.test_client()
    sign_in(client, "analyst")
    second = make_app(instance_path=tmp_path, secret_key=None)  # a restart, or another worker
    assert second.server.secret_key == first.server.secret_key
    session = client.get_cookie("viewmark_session").value
    other = second.server.test_client()
    other.set_cookie("viewmark_session", session)
    assert other.get("/api/v1/me").json["username"] == "analyst"
    assert make_app(secret_key="from-the-environment-" + "x" * 20).server.secret_key.startswith("from-the")


# CSRF for cookie-authenticated state changes ----------------------------------------------------------

def test_ahttp012_dash_callbacks_need_the_csrf_header(client_of):
    client = client_of("analyst")
    payload = sheet_payload("restaurant", "overview")
    refused = client.post("/_dash-update-component", json=payload)
    assert refused.status_code == 400 and "CSRF" in refused.json["error"]
    forged = client.post("/_dash-update-component", json=payload, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    accepted = client.post("/_dash-update-component", json=payload, headers=csrf_header(client))
    assert accepted.status_code == 200


def test_ahttp013_api_writes_with_the_cookie_need_the_csrf_header(client_of):
    client = client_of("analyst")
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 400
    meta_token = csrf_from(client.get("/").get_data(as_text=True))
    response = client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRFToken": meta_token})
    assert response.status_code == 201


# Headers ----------------------------------------------------------------------------------------------

def test_ahttp014_every_answer_carries_the_security_headers(demo_app, client_of):
    client = client_of("analyst")
    for response in (client.get("/"), client.get("/api/v1/me"), demo_app.server.test_client().get("/login")):
        csp = _directives(response.headers["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_ahttp015_csp_allows_exactly_the_inline_scripts_of_the_page(demo_app, client_of):
    response = client_of("analyst").get("/dashboards/gaming")
    html = re.sub(r"<!--.*?-->", "", response.get_data(as_text=True), flags=re.S)  # comments never run
    allowed = set(_directives(response.headers["Content-Security-Policy"])["script-src"])
    inline = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
              if "src=" not in attrs and "application/json" not in attrs and body.strip()]
    assert inline  # Dash's renderer bootstrap at least
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed


def test_ahttp016_every_html_page_carries_the_csrf_meta_tag(demo_app, client_of):
    client = client_of("partner")
    for page in (demo_app.server.test_client().get("/login"), client.get("/"), client.get("/dashboards/gaming")):
        assert re.search(r'<meta name="csrf-token" content="[^"]{20,}">', page.get_data(as_text=True))


# Permission matrix through the API --------------------------------------------------------------------

@pytest.mark.parametrize("username", sorted(MATRIX))
def test_ahttp017_api_permission_matrix(client_of, username):
    dashboards, brands = MATRIX[username]
    client = client_of(username)
    assert client.get("/api/v1/me").json == {"username": username, "dashboards": dashboards, "brands": brands}
    assert sorted(d["id"] for d in client.get("/api/v1/dashboards").json) == dashboards
    for dashboard in ("restaurant", "gaming"):
        expected = 200 if dashboard in dashboards else 404
        assert client.get(f"/api/v1/dashboards/{dashboard}/original").status_code == expected
        data = client.get(f"/api/v1/dashboards/{dashboard}/data")
        assert data.status_code == expected
        if expected == 404:
            assert data.json == {"error": "No such dashboard.", "field": "dashboard"}


def test_ahttp018_partner_is_offered_and_shown_only_their_brand(client_of, small_dataset_url):
    partner, analyst = client_of("partner"), client_of("analyst")
    gaming = partner.get("/api/v1/dashboards").json[0]
    brand = next(c for c in gaming["controls"] if c["id"] == "brand")
    assert [o["value"] for o in brand["options"]] == [PARTNER_BRAND]
    campaigns = next(c for c in gaming["controls"] if c["id"] == "campaign")["options"]
    assert campaigns and all(o["label"].endswith("· Aurora Casino") for o in campaigns)

    start, end = gaming["controls"][0]["default"]
    assert _kpi(partner, "Deposits") == pytest.approx(_deposits(small_dataset_url, start, end, PARTNER_BRAND))
    assert _kpi(analyst, "Deposits") == pytest.approx(_deposits(small_dataset_url, start, end, None))
    outcome = partner.get("/api/v1/dashboards/gaming/data", query_string=state_param("gaming", "campaigns"))
    rows = next(v for v in outcome.json["visuals"] if v["id"] == "campaign-outcome")["rows"]
    assert rows and {r["brand"] for r in rows} == {"Aurora Casino"}
    assert not any(name in outcome.get_data(as_text=True) for name in OTHER_BRAND_NAMES)


@pytest.mark.parametrize("brands", [["nova"], [PARTNER_BRAND, "nova"], ["tidal", "lumen"]])
def test_ahttp019_partner_api_requests_for_other_brands_are_refused(client_of, brands):
    response = client_of("partner").get("/api/v1/dashboards/gaming/data",
                                        query_string=state_param("gaming", "kpis", brand=brands))
    assert response.status_code == 422 and response.json["field"] == "filters.brand"
    assert "rows" not in response.get_data(as_text=True)


# Tokens -----------------------------------------------------------------------------------------------

def test_ahttp020_tokens_are_created_listed_used_and_revoked(demo_app, client_of):
    partner, other = client_of("partner"), client_of("manager")
    created = partner.post("/api/v1/tokens", json={"name": "report"}, headers=csrf_header(partner))
    assert created.status_code == 201
    token_id, token = created.json["id"], created.json["token"]
    listed = partner.get("/api/v1/tokens").json
    assert [t["id"] for t in listed] == [token_id] and token not in json.dumps(listed)
    assert other.get("/api/v1/tokens").json == []

    bearer = {"Authorization": f"Bearer {token}"}
    anonymous = demo_app.server.test_client()
    assert anonymous.get("/api/v1/me", headers=bearer).json["username"] == "partner"
    assert [d["id"] for d in anonymous.get("/api/v1/dashboards", headers=bearer).json] == ["gaming"]
    # Bearer calls need no CSRF token, but a token cannot mint further tokens.
    assert anonymous.post("/api/v1/tokens", json={"name": "more"}, headers=bearer).status_code == 403
    # Tokens are for the API only: pages and Dash endpoints ignore them.
    assert anonymous.get("/dashboards/gaming", headers=bearer).status_code == 302
    assert anonymous.get("/_dash-layout", headers=bearer).status_code == 401

    assert other.delete(f"/api/v1/tokens/{token_id}", headers=csrf_header(other)).status_code == 404
    assert anonymous.get("/api/v1/me", headers=bearer).status_code == 200
    assert partner.delete(f"/api/v1/tokens/{token_id}", headers=csrf_header(partner)).status_code == 204
    assert anonymous.get("/api/v1/me", headers=bearer).status_code == 401
    assert partner.delete(f"/api/v1/tokens/{token_id}", headers=csrf_header(partner)).status_code == 404


@pytest.mark.parametrize("authorization", ["Bearer ", "Bearer vmk_not-a-token", "Basic YW5hbHlzdDp4",
                                           "vmk_abc"])
def test_ahttp021_bad_credentials_override_a_valid_session_on_the_api(client_of, authorization):
    client = client_of("analyst")
    response = client.get("/api/v1/me", headers={"Authorization": authorization})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_ahttp022_bearer_token_data_respects_brand_restrictions(demo_app, client_of):
    partner = client_of("partner")
    token = partner.post("/api/v1/tokens", json={"name": "t"}, headers=csrf_header(partner)).json["token"]
    api = demo_app.server.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/dashboards/restaurant/data", headers=bearer).status_code == 404
    foreign = api.get("/api/v1/dashboards/gaming/data", headers=bearer,
                      query_string=state_param("gaming", "kpis", brand=["nova"]))
    assert foreign.status_code == 422


# Disabled users and password changes ------------------------------------------------------------------

def test_ahttp023_disabling_a_user_ends_their_session_and_tokens(make_app, sign_in):
    app = make_app()
    client = app.server.test_client()
    sign_in(client, "manager")
    token = client.post("/api/v1/tokens", json={"name": "t"}, headers=csrf_header(client)).json["token"]
    with app.server.app_context():
        accounts().set_disabled("manager", True)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/dashboards/restaurant").status_code == 302
    assert client.post("/_dash-update-component", json=sheet_payload("restaurant", "overview"),
                       headers=csrf_header_or_none(client)).status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.server.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    assert refused(sign_in(app.server.test_client(), "manager"))


def test_ahttp024_a_new_password_ends_other_sessions(make_app, sign_in):
    app = make_app()
    client = app.server.test_client()
    sign_in(client, "analyst")
    with app.server.app_context():
        accounts().set_password("analyst", "a brand new password")
    assert client.get("/api/v1/me").status_code == 401
    assert sign_in(app.server.test_client(), "analyst", "a brand new password").status_code == 303


# Trusted reverse proxy --------------------------------------------------------------------------------

def test_ahttp025_proxy_header_is_ignored_unless_configured(demo_app):
    client = demo_app.server.test_client()
    for header in ("X-Forwarded-User", "X-Remote-User", "Remote-User", "X-Viewmark-User"):
        assert client.get("/api/v1/me", headers={header: "analyst"}).status_code == 401


def test_ahttp026_proxy_header_signs_in_known_enabled_users_when_configured(make_app):
    app = make_app(proxy_user_header="X-Remote-User")
    client = app.server.test_client()
    assert client.get("/api/v1/me", headers={"X-Remote-User": "Partner"}).json["username"] == "partner"
    page = client.get("/dashboards/gaming", headers={"X-Remote-User": "partner"})
    assert page.status_code == 200
    assert client.get("/api/v1/me", headers={"X-Remote-User": "mallory"}).status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    with app.server.app_context():
        accounts().set_disabled("partner", True)
    assert client.get("/api/v1/me", headers={"X-Remote-User": "partner"}).status_code == 401


def test_ahttp027_proxy_users_still_need_csrf_for_changes(make_app):
    client = make_app(proxy_user_header="X-Remote-User").server.test_client()
    headers = {"X-Remote-User": "analyst"}
    assert client.post("/api/v1/tokens", json={"name": "x"}, headers=headers).status_code == 400
    meta = csrf_from(client.get("/", headers=headers).get_data(as_text=True))
    response = client.post("/api/v1/tokens", json={"name": "x"}, headers={**headers, "X-CSRFToken": meta})
    assert response.status_code == 201


# Demo users -------------------------------------------------------------------------------------------

def test_ahttp028_demo_users_can_be_turned_off(make_app, sign_in):
    app = make_app(demo_users=False)
    assert refused(sign_in(app.server.test_client(), "analyst"))
    with app.server.app_context():
        assert accounts().list_users() == []


def test_ahttp029_sign_in_works_on_postgresql_and_sqlite(make_app, sign_in, database):
    app = make_app(database_url=database.url)
    client = app.server.test_client()
    assert sign_in(client, "partner").status_code == 303
    assert client.get("/api/v1/me").json["brands"] == [PARTNER_BRAND]
    assert refused(sign_in(app.server.test_client(), "partner", "wrong password"))


# Helpers ----------------------------------------------------------------------------------------------


def refused(response) -> bool:
    """The sign-in form again, with the one message for every refusal (status 200: a 401 answering the
    page is logged by the browser as a console error) — and not signed in."""
    return (response.status_code == 200 and "Location" not in response.headers
            and SIGN_IN_REFUSED in response.get_data(as_text=True))


def throttled(response) -> bool:
    """The sign-in form again with the throttling message (status 200, as for ``refused``)."""
    return (response.status_code == 200 and "Location" not in response.headers
            and "Too many failed sign-in attempts" in response.get_data(as_text=True))


def csrf_header_or_none(client) -> dict:
    cookie = client.get_cookie(CSRF_COOKIE)
    return {"X-CSRFToken": cookie.value} if cookie else {}


def _index_html(app) -> str:
    with app.server.test_request_context("/"):
        return app.index()


def _directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def _kpi(client, name: str) -> float:
    data = client.get("/api/v1/dashboards/gaming/data", query_string=state_param("gaming", "kpis")).json
    cards = next(v for v in data["visuals"] if v["id"] == "kpi-cards")["rows"]
    return next(r["value"] for r in cards if r["kpi"] == name)


def _deposits(dataset_url: str, start: str, end: str, brand: str | None) -> float:
    """The ground truth, with SQL of its own (independent of the query layer under test)."""
    import duckdb
    import sqlalchemy as sa

    with duckdb.connect(sa.make_url(dataset_url).database, read_only=True) as con:  # as the app opens it
        return con.execute("""
            SELECT SUM(t.amount) FROM g_transactions t JOIN g_brands b USING (brand_id)
            WHERE t.kind = 'deposit' AND t.day BETWEEN $start AND $end
              AND (CAST($brand AS VARCHAR) IS NULL OR b.code = $brand)""",
                           {"start": start, "end": end, "brand": brand}).fetchone()[0]


# Client addresses behind a reverse proxy --------------------------------------------------------------

@pytest.fixture
def fast_dummy_hash(monkeypatch):
    """Unknown names verify against the dummy hash: make it cheap, the count is what is tested."""
    from argon2 import PasswordHasher

    from accounts import crypto

    monkeypatch.setattr(crypto, "_DUMMY_HASH", PasswordHasher(time_cost=1, memory_cost=1024).hash("x"))


def _post_login(client, username: str, password: str, forwarded_for: str):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", headers={"X-Forwarded-For": forwarded_for},
                       data={"username": username, "password": password, "csrf_token": token})


def test_ahttp030_forged_forwarded_for_does_not_evade_address_throttling(make_app, fast_dummy_hash):
    client = make_app().server.test_client()
    for i in range(20):  # 20 addresses claimed, 4 failures on each of 5 names: only the address limit
        assert refused(_post_login(client, f"nobody{i % 5}", "wrong", f"203.0.113.{i}"))
    assert throttled(_post_login(client, "analyst", DEMO_PASSWORD, "198.51.100.7"))


def test_ahttp031_with_a_trusted_proxy_addresses_are_counted_apart(make_app, fast_dummy_hash):
    client = make_app(trusted_proxies=1).server.test_client()
    for i in range(20):
        assert refused(_post_login(client, f"nobody{i % 5}", "wrong", "203.0.113.1"))
    assert throttled(_post_login(client, "analyst", DEMO_PASSWORD, "203.0.113.1"))
    assert _post_login(client, "analyst", DEMO_PASSWORD, "203.0.113.2").status_code == 303
