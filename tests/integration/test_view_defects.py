"""Defects of the view state over HTTP: a malformed ``sheet`` in the JSON API and forged requests to the
controls callback (``sync``, output ``vm-view-state.data``) answer a clean JSON error, never a 500.

Only HTTP: the payloads are built from ``/_dash-dependencies`` and the controls from ``/api/v1/dashboards``,
as dash-renderer and an API client would.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from accounts.requests import CSRF_COOKIE
from tests.integration.dash_requests import controls_of, view_request

VIEW_STATE = "vm-view-state"
SHEET_TABS = "sheet-tabs"
REQUESTED_STATE = "vm-requested-state"
DASHBOARD_ID = "vm-dashboard-id"
SELECT, DATE, PRESET = "vm-control", "vm-date", "vm-date-preset"
BOOKMARKS = "/api/v1/dashboards/restaurant/bookmarks"
BAD_SHEETS = [["overview"], {"id": "overview"}]


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def analyst(app, sign_in):
    """Both dashboards, every brand: a forged dashboard id is refused for being forged, not for access."""
    client = app.server.test_client()
    assert sign_in(client, "analyst").status_code == 303
    client.get("/")  # the CSRF cookie dash-renderer copies into its header
    return client


def csrf(client) -> dict:
    return {"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value}


def assert_json_error(response, statuses=range(400, 500)):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json, response.get_data(as_text=True)[:500]
    assert isinstance(response.json.get("error"), str) and response.json["error"]


# The JSON API: ``sheet`` that is not text ------------------------------------------------------------

@pytest.mark.parametrize("sheet", BAD_SHEETS, ids=["list", "object"])
def test_vdef001_data_with_a_non_text_sheet_is_422_naming_sheet(analyst, sheet):
    state = json.dumps({"sheet": sheet, "filters": {"state": ["Texas"]}})
    response = analyst.get(f"/api/v1/dashboards/restaurant/data?state={quote(state)}")
    assert_json_error(response, {422})
    assert response.json["field"] == "sheet"


@pytest.mark.parametrize("sheet", BAD_SHEETS, ids=["list", "object"])
def test_vdef002_bookmark_with_a_non_text_sheet_is_422_and_creates_nothing(analyst, sheet):
    before = analyst.get(BOOKMARKS)
    assert before.status_code == 200
    response = analyst.post(BOOKMARKS, json={"name": "Bad sheet", "state": {"sheet": sheet}}, headers=csrf(analyst))
    assert_json_error(response, {422})
    assert response.json.get("field", "").startswith("sheet") or "sheet" in response.json["error"]
    assert analyst.get(BOOKMARKS).json == before.json
    assert "Bad sheet" not in analyst.get(BOOKMARKS).get_data(as_text=True)


# The controls callback (``sync``) --------------------------------------------------------------------

def sync_payload(client, dashboard_id: str, sheet, selects: dict, dates: dict) -> dict:
    """What dash-renderer sends to the view callback when a select changes: every pattern input and output
    lists the given controls (ids as sent, forged or not)."""
    components = {
        SELECT: [({"control": c, "type": SELECT}, {"value": v}) for c, v in selects.items()],
        DATE: [({"control": c, "type": DATE}, {"start_date": v[0], "end_date": v[1]}) for c, v in dates.items()],
        PRESET: [({"control": c, "type": PRESET}, {"value": "custom"}) for c in dates],
    }
    plain = {f"{SHEET_TABS}.value": sheet, f"{REQUESTED_STATE}.data": None, f"{DASHBOARD_ID}.data": dashboard_id}
    if selects:
        first = json.dumps({"control": next(iter(selects)), "type": SELECT}, sort_keys=True, separators=(",", ":"))
        changed = f"{first}.value"
    else:
        changed = f"{SHEET_TABS}.value"
    return view_request(client, plain=plain, components=components, changed=[changed])


def post(client, payload):
    return client.post("/_dash-update-component", json=payload, headers=csrf(client))


def test_vdef003_the_payload_builder_sends_what_the_page_sends(analyst):
    """The baseline: the restaurant's own controls at their defaults answer 200 with a view state."""
    selects, dates = controls_of(analyst, "restaurant")
    response = post(analyst, sync_payload(analyst, "restaurant", "store-comparison", selects, dates))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    state = response.json["response"][VIEW_STATE]["data"]
    assert state["dashboard"] == "restaurant" and state["sheet"] == "store-comparison"


def test_vdef004_an_unknown_control_id_is_a_json_error(analyst):
    selects, dates = controls_of(analyst, "restaurant")
    response = post(analyst, sync_payload(analyst, "restaurant", "overview", {**selects, "nope": ["x"]}, dates))
    assert_json_error(response)
    assert "nope" in response.json["error"] + response.json.get("field", "")


@pytest.mark.parametrize("sheet", BAD_SHEETS, ids=["list", "object"])
def test_vdef005_a_non_text_sheet_tab_is_no_500(analyst, sheet):
    selects, dates = controls_of(analyst, "restaurant")
    response = post(analyst, sync_payload(analyst, "restaurant", sheet, selects, dates))
    assert response.status_code != 500 and response.is_json, response.get_data(as_text=True)[:500]
    if response.status_code == 200:  # read leniently: a sheet that exists
        sheets = [s["id"] for s in next(d for d in analyst.get("/api/v1/dashboards").json
                                        if d["id"] == "restaurant")["sheets"]]
        assert response.json["response"][VIEW_STATE]["data"]["sheet"] in sheets
        assert response.json["response"][SHEET_TABS]["value"] in sheets
    else:
        assert_json_error(response)


def test_vdef006_another_dashboards_id_with_these_controls_is_a_json_error(analyst):
    selects, dates = controls_of(analyst, "restaurant")
    response = post(analyst, sync_payload(analyst, "gaming", "overview", selects, dates))
    assert_json_error(response)


def test_vdef007_a_date_control_sent_as_a_select_is_a_json_error(analyst):
    selects, dates = controls_of(analyst, "restaurant")
    date_id, value = next(iter(dates.items()))
    response = post(analyst, sync_payload(analyst, "restaurant", "overview", {**selects, date_id: value},
                                          {k: v for k, v in dates.items() if k != date_id}))
    assert_json_error(response)
    assert date_id in response.json["error"] + response.json.get("field", "")


@pytest.mark.parametrize("control_id", ["state", "metric"], ids=["filter", "parameter"])
def test_vdef008_a_select_control_sent_as_a_date_is_a_json_error(analyst, control_id):
    selects, dates = controls_of(analyst, "restaurant")
    assert control_id in selects
    response = post(analyst, sync_payload(analyst, "restaurant", "overview",
                                          {k: v for k, v in selects.items() if k != control_id},
                                          {**dates, control_id: ["2021-06-01", "2021-06-30"]}))
    assert_json_error(response)
    assert control_id in response.json["error"] + response.json.get("field", "")
