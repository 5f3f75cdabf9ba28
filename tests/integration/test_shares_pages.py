"""``/s/<token>`` over HTTP: the sign-in redirect keeps the token, gone links are one 404, and a link to a
dashboard the viewer may not see is 403. What the page shows is checked in the browser tests."""

from __future__ import annotations

import json
import re

import pytest

from accounts.requests import CSRF_COOKIE
from tests.integration.conftest import CSRF_META

# Values made anew for a page: Dash's ``end_id`` (a signed random value) in its config, and the CSRF token in
# its meta tag, which is signed with the time in seconds and so changes when a second ticks over.
PER_REQUEST = re.compile(rf'"end_id":\s*"[^"]*"|{CSRF_META.pattern}')
TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}
GAMING = {"sheet": "kpis", "filters": {}}


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


def _client(app, sign_in, username):
    client = app.server.test_client()
    assert sign_in(client, username).status_code == 303
    client.get("/")
    return client


def _share(client, dashboard, state, **extra):
    csrf = client.get_cookie(CSRF_COOKIE).value
    answer = client.post(f"/api/v1/dashboards/{dashboard}/shares", data=json.dumps({"state": state, **extra}),
                         headers={"X-CSRFToken": csrf, "Content-Type": "application/json"})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def test_shpg001_signed_out_sign_in_lands_on_the_link(app, sign_in):
    analyst = _client(app, sign_in, "analyst")
    token = _share(analyst, "restaurant", TEXAS)["token"]
    visitor = app.server.test_client()
    answer = visitor.get(f"/s/{token}")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/login?next=/s/{token}")
    # The sign-in form carries the token on, and signing in lands on the link.
    form = visitor.get(answer.headers["Location"]).get_data(as_text=True)
    assert f'value="/s/{token}"' in form
    signed_in = sign_in(visitor, "manager", next_url=f"/s/{token}")
    assert signed_in.status_code == 303 and signed_in.headers["Location"].endswith(f"/s/{token}")
    assert visitor.get(f"/s/{token}").status_code == 200


def test_shpg002_gone_links_are_one_and_the_same_404(app, sign_in):
    analyst = _client(app, sign_in, "analyst")
    live = _share(analyst, "restaurant", TEXAS)["token"]
    revoked = _share(analyst, "restaurant", {"sheet": "owner-view"})["token"]
    csrf = analyst.get_cookie(CSRF_COOKIE).value
    assert analyst.delete(f"/api/v1/shares/{revoked}", headers={"X-CSRFToken": csrf}).status_code == 204
    assert analyst.get(f"/s/{live}").status_code == 200
    pages = {name: analyst.get(f"/s/{token}") for name, token in {
        "revoked": revoked, "unknown": "A" * 32, "malformed": "not a token!", "over-long": "x" * 10_000}.items()}
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 404)
    # The same document whatever the reason, but for the values made anew for every page.
    assert len({PER_REQUEST.sub("", page.get_data(as_text=True)) for page in pages.values()}) == 1


def test_shpg003_no_permission_on_the_dashboard_is_403(app, sign_in):
    analyst = _client(app, sign_in, "analyst")
    token = _share(analyst, "gaming", GAMING)["token"]
    manager = _client(app, sign_in, "manager")  # Restaurant Operations only
    assert manager.get(f"/s/{token}").status_code == 403
    partner = _client(app, sign_in, "partner")
    assert partner.get(f"/s/{token}").status_code == 200
