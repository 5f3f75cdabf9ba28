"""Click-to-filter and chip removal over HTTP: forged clicks posted to the controls callback (``sync``, output
``vm-view-state.data``) are validated like control changes — a value outside the viewer's row restriction or
not an option is dropped with a notice, garbage sets nothing — and never answer a 500.

The payloads are built from ``/_dash-dependencies`` and the controls from ``/api/v1/dashboards``, as
dash-renderer and an API client would.
"""

from __future__ import annotations

import json

import pytest

from accounts.demo import PARTNER_BRAND
from accounts.requests import CSRF_COOKIE
from core import ids
from tests.integration.conftest import sign_in_client
from tests.integration.dash_requests import view_request

VIEW_STATE = "vm-view-state"
GRAPH, REMOVE = ids.graph()["type"], ids.remove_filter()["type"]
OTHER_BRAND = next(b for b in ("aurora", "lumen", "nova", "tidal") if b != PARTNER_BRAND)


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture(scope="module")
def clients(app):
    signed_in = {}

    def client_of(username: str):
        if username not in signed_in:
            client = app.server.test_client()
            assert sign_in_client(client, username).status_code == 303
            client.get("/")  # the CSRF cookie dash-renderer copies into its header
            signed_in[username] = client
        return signed_in[username]

    return client_of


def pattern_id(kind: str, key: str, value: str) -> dict:
    return {key: value, "type": kind}


def sync_payload(client, dashboard_id: str, sheet: str, *, clicked: tuple[str, str, object]) -> dict:
    """What dash-renderer sends when a graph is clicked or a chip's × pressed: ``clicked`` is ``(type, id,
    value)`` of the one graph (``clickData``) or chip (``n_clicks``) on the page; the controls are the
    dashboard's own, at their defaults."""
    board = next(d for d in client.get("/api/v1/dashboards").json if d["id"] == dashboard_id)
    controls = board["controls"]
    selects = [c for c in controls if c["type"] != "date_range"]
    dates = [c for c in controls if c["type"] == "date_range"]
    kind, name, value = clicked
    items = {  # pattern type -> (key of the id, [(id value, {property: value})])
        "vm-control": ("control", [(c["id"], {"value": c["default"]}) for c in selects]),
        "vm-date": ("control", [(c["id"], {"start_date": c["default"][0], "end_date": c["default"][1]})
                                for c in dates]),
        "vm-date-preset": ("control", [(c["id"], {"value": "custom"}) for c in dates]),
        GRAPH: ("visual", [(name, {"clickData": value})] if kind == GRAPH else []),
        REMOVE: ("control", [(name, {"n_clicks": value})] if kind == REMOVE else []),
    }
    plain = {f"{ids.SHEET_TABS}.value": sheet, f"{ids.REQUESTED_STATE}.data": None,
             f"{ids.DASHBOARD_ID}.data": dashboard_id}
    components = {pattern: [(pattern_id(pattern, key, entry), values) for entry, values in entries]
                  for pattern, (key, entries) in items.items()}
    changed = json.dumps(pattern_id(kind, "visual" if kind == GRAPH else "control", name), sort_keys=True,
                         separators=(",", ":"))
    return view_request(client, plain=plain, components=components,
                        changed=[f"{changed}.{'clickData' if kind == GRAPH else 'n_clicks'}"])


def post(client, payload):
    return client.post("/_dash-update-component", json=payload,
                       headers={"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value})


def click_on(customdata) -> dict:
    return {"points": [{"curveNumber": 0, "pointNumber": 0, "pointIndex": 0, "customdata": customdata}]}


def answered_state(response) -> tuple[dict, str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = response.json["response"]
    return answer[VIEW_STATE]["data"], json.dumps(answer.get(ids.NOTICES, {}).get("children", []), ensure_ascii=False)


def test_clk201_a_click_on_a_state_sets_the_state_filter_and_its_control(clients):
    analyst = clients("analyst")
    response = post(analyst, sync_payload(analyst, "restaurant", "overview",
                                          clicked=(GRAPH, "state-map", click_on(["Pennsylvania", 2]))))
    state, notices = answered_state(response)
    assert state["filters"]["state"] == ["Pennsylvania"] and state["sheet"] == "overview"
    control = json.dumps(ids.control("state"), sort_keys=True, separators=(",", ":"))
    assert response.json["response"][control]["value"] == ["Pennsylvania"]  # the dropdown shows the click
    assert notices == "[]"


def test_clk202_a_clicked_value_that_is_no_option_is_dropped_with_a_notice(clients):
    analyst = clients("analyst")
    response = post(analyst, sync_payload(analyst, "restaurant", "overview",
                                          clicked=(GRAPH, "state-map", click_on(["Atlantis", 1]))))
    state, notices = answered_state(response)
    assert state["filters"]["state"] == [] and "Atlantis" in notices


def test_clk203_a_brand_outside_the_viewers_restriction_is_narrowed_away(clients):
    partner = clients("partner")
    response = post(partner, sync_payload(partner, "gaming", "responsible-gaming",
                                          clicked=(GRAPH, "rg-summary", click_on([OTHER_BRAND]))))
    state, notices = answered_state(response)
    assert state["filters"]["brand"] == [] and OTHER_BRAND in notices and "narrowed" in notices
    response = post(partner, sync_payload(partner, "gaming", "responsible-gaming",
                                          clicked=(GRAPH, "rg-summary", click_on([PARTNER_BRAND]))))
    assert answered_state(response)[0]["filters"]["brand"] == [PARTNER_BRAND]


@pytest.mark.parametrize(("visual", "click"), [
    ("state-map", None),                                   # a graph drawn anew: no click yet
    ("state-map", {"points": "Texas"}),
    ("state-map", {"points": [{"customdata": [{"$gt": ""}]}]}),
    ("state-map", click_on(["x" * 100_000])),
    ("state-map", "Texas"),
    ("trend", click_on(["Texas"])),                        # a visual that sets no filter
    ("no-such-visual", click_on(["Texas"])),
], ids=["none", "points-text", "object-value", "huge-value", "text", "no-click-filter", "unknown-visual"])
def test_clk204_a_click_that_carries_nothing_usable_changes_nothing(clients, visual, click):
    analyst = clients("analyst")
    response = post(analyst, sync_payload(analyst, "restaurant", "overview", clicked=(GRAPH, visual, click)))
    assert response.status_code == 204, (response.status_code, response.get_data(as_text=True)[:500])


def test_clk205_a_chips_removal_sets_the_control_back_and_an_unknown_control_is_ignored(clients):
    analyst = clients("analyst")
    payload = sync_payload(analyst, "restaurant", "overview", clicked=(REMOVE, "metric", 1))
    for item in payload["inputs"][0]:  # the metric control shows Orders
        if item["id"]["control"] == "metric":
            item["value"] = "orders"
    state, _ = answered_state(post(analyst, payload))
    assert state["parameters"]["metric"] == "revenue"
    for control in ("nope", "x" * 5000):
        response = post(analyst, sync_payload(analyst, "restaurant", "overview", clicked=(REMOVE, control, 1)))
        assert response.status_code == 204, response.get_data(as_text=True)[:500]
