"""Forged Dash callback requests (``/_dash-update-component``) by restricted users leak no foreign data.

Each request is what dash-renderer would send (see ``tests/integration/test_accounts_browser.py`` for
one captured from a real browser and replayed), with values the user's own page could never offer.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from accounts.demo import PARTNER_BRAND
from accounts.requests import CSRF_COOKIE
from bookmarks.ui import dom_id
from core import ids
from core.ids import NO_ACCESS
from dashboards import registry
from tests.integration.dash_requests import view_request

FOREIGN_BRAND_NAMES = ("Nova Slots", "Lumen Play", "Tidal Spins")
GAMING_SHEETS = [s.id for s in registry.get("gaming").sheets]


@pytest.fixture(scope="module")
def demo_app(make_app):
    return make_app()


@pytest.fixture
def client_of(demo_app, sign_in):
    def client_of(username: str):
        client = demo_app.server.test_client()
        assert sign_in(client, username).status_code == 303
        client.get("/")  # sets the CSRF cookie that dash-renderer copies into its header
        return client

    return client_of


def post(client, payload: dict):
    return client.post("/_dash-update-component", json=payload,
                       headers={"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value})


# The sheet-rendering callback -------------------------------------------------------------------------

@pytest.mark.parametrize("sheet", GAMING_SHEETS)
def test_adash001_partner_selecting_other_brands_gets_only_their_own_data(client_of, sheet):
    partner = client_of("partner")
    own = post(partner, sheet_payload("gaming", sheet))
    assert own.status_code == 200
    for forged_brands in (["nova"], ["nova", "lumen", "tidal"], [PARTNER_BRAND, "tidal"]):
        forged = post(partner, sheet_payload("gaming", sheet, brand=forged_brands))
        assert forged.status_code == 200
        assert sheet_of(forged) == sheet_of(own)  # exactly the partner's own view: the foreign brands were dropped
        assert not any(name in forged.get_data(as_text=True) for name in FOREIGN_BRAND_NAMES)


def test_adash002_analyst_sees_other_brand_data_that_partner_cannot(client_of):
    partner, analyst = client_of("partner"), client_of("analyst")
    partner_view = post(partner, sheet_payload("gaming", "campaigns", brand=["nova"]))
    analyst_view = post(analyst, sheet_payload("gaming", "campaigns", brand=["nova"]))
    assert "Nova Slots" in analyst_view.get_data(as_text=True)
    assert "Nova Slots" not in partner_view.get_data(as_text=True)
    assert partner_view.json != analyst_view.json


@pytest.mark.parametrize(("username", "dashboard_id", "sheet"), [
    ("partner", "restaurant", "overview"), ("partner", "restaurant", "owner-view"),
    ("manager", "gaming", "kpis"), ("manager", "gaming", "campaigns"),
])
def test_adash003_ungranted_dashboard_ids_are_refused(client_of, username, dashboard_id, sheet):
    response = post(client_of(username), sheet_payload(dashboard_id, sheet))
    assert response.status_code == 404  # the same answer as for a dashboard that does not exist
    assert response.json == {"error": "No such dashboard.", "field": "dashboard"}


# The controls callback (options and values) -----------------------------------------------------------

def test_adash004_forged_brand_values_are_dropped_and_options_stay_restricted(client_of):
    partner = client_of("partner")
    response = post(partner, sync_payload(partner, "gaming", "campaigns", brand=["nova", "tidal"]))
    assert response.status_code == 200
    out = response.json["response"]
    assert out[ids.VIEW_STATE]["data"]["filters"]["brand"] == []
    campaign_options = out[_control_key("campaign")]["options"]
    assert campaign_options and all(o["label"].endswith("· Aurora Casino") for o in campaign_options)
    assert not any(name in response.get_data(as_text=True) for name in FOREIGN_BRAND_NAMES)


def test_adash005_a_forged_requested_state_is_narrowed_the_same_way(client_of):
    partner = client_of("partner")
    requested = {"state": {"dashboard": "gaming", "sheet": "kpis", "filters": {"brand": ["lumen"]}}}
    response = post(partner, sync_payload(partner, "gaming", "kpis", requested=requested))
    assert response.status_code == 200
    assert response.json["response"][ids.VIEW_STATE]["data"]["filters"]["brand"] == []
    assert not any(name in response.get_data(as_text=True) for name in FOREIGN_BRAND_NAMES)


# CSV download -----------------------------------------------------------------------------------------

def test_adash006_csv_download_of_other_brands_gives_only_own_rows(client_of):
    partner, analyst = client_of("partner"), client_of("analyst")
    forged = _csv_rows(post(partner, csv_payload("gaming", "campaigns", "campaign-outcome", brand=["nova"])))
    assert forged and {row["brand"] for row in forged} == {"Aurora Casino"}
    theirs = _csv_rows(post(analyst, csv_payload("gaming", "campaigns", "campaign-outcome", brand=["nova"])))
    assert theirs and {row["brand"] for row in theirs} == {"Nova Slots"}


def test_adash007_csv_download_of_an_ungranted_dashboard_gives_nothing(client_of):
    response = post(client_of("partner"), csv_payload("restaurant", "overview", "trend"))
    assert response.status_code in (200, 204) and response.json in (None, {"multi": True, "response": {}})


# The page router --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "path", "allowed"), [
    ("analyst", "/dashboards/restaurant", True), ("analyst", "/dashboards/gaming", True),
    ("manager", "/dashboards/restaurant", True), ("manager", "/dashboards/gaming", False),
    ("partner", "/dashboards/restaurant", False), ("partner", "/dashboards/gaming", True),
])
def test_adash008_router_shows_granted_dashboards_and_a_no_access_page(client_of, username, path, allowed):
    response = post(client_of(username), route_payload(path))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert (f'"{NO_ACCESS}"' in body) is not allowed
    assert (f'"{ids.SHEET_CONTENT}"' in body) is allowed
    assert f'"{username}"' in body  # the banner names the signed-in user


def test_adash009_partner_dashboard_page_offers_only_their_brand(client_of):
    body = post(client_of("partner"), route_payload("/dashboards/gaming")).get_data(as_text=True)
    assert "Aurora Casino" in body and not any(name in body for name in FOREIGN_BRAND_NAMES)


def test_adash010_partner_state_link_with_other_brands_is_narrowed(client_of):
    state = json.dumps({"dashboard": "gaming", "sheet": "kpis", "filters": {"brand": ["nova"]}})
    body = post(client_of("partner"), route_payload("/dashboards/gaming", f"?state={state}")).get_data(
        as_text=True)
    assert not any(name in body for name in FOREIGN_BRAND_NAMES)
    assert re.search(r"Brand.{0,40}nova", body)  # the dropped value is announced, not silently kept


# Payloads, as dash-renderer builds them ---------------------------------------------------------------

def sheet_state(dashboard_id: str, sheet: str, **filters) -> dict:
    return {"version": 1, "dashboard": dashboard_id, "sheet": sheet, "filters": filters, "parameters": {}}


def test_adash011_the_view_sends_only_what_the_page_does_not_show_yet(client_of):
    """Each prop sent is drawn again in the browser: the controls and the tab the page shows already are left
    alone; what the requested state changes is sent."""
    analyst = client_of("analyst")
    metric = dom_id(ids.control("metric"))
    shown = post(analyst, sheet_payload("restaurant", "overview")).json["response"]
    assert ids.SHEET_BODY in shown and ids.SHEET_TABS not in shown and "value" not in shown.get(metric, {})
    payload = sheet_payload("restaurant", "overview")  # the page shows the Overview by revenue
    payload["inputs"][5]["value"]["state"].update(sheet="store-comparison", parameters={"metric": "orders"})
    changed = post(analyst, payload).json["response"]
    assert changed[ids.SHEET_TABS]["value"] == "store-comparison" and changed[metric]["value"] == "orders"


def sheet_payload(dashboard_id: str, sheet: str, **filters) -> dict:
    """The view callback asked for a state as a bookmark asks for it (a requested state): the answer holds the
    view's sheet (``sheet_of``)."""
    requested = {"state": sheet_state(dashboard_id, sheet, **filters), "nonce": 1}
    return sync_payload(None, dashboard_id, sheet, requested=requested)


def sheet_of(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.json["response"][ids.SHEET_BODY]["data"]


def sync_payload(client, dashboard_id: str, sheet: str, requested: dict | None = None, **values) -> dict:
    """The view callback's request with the dashboard's controls at their defaults but ``values``, on ``sheet``:
    a change of the first control in ``values`` (the brand when none), or ``requested``. ``client``: None for
    the callback as registered (``dash_requests.view_request``)."""
    board = registry.get(dashboard_id)
    selects = [c for c in board.controls if c.type != "date_range"]
    dates = [c for c in board.controls if c.type == "date_range"]

    def value_of(control):
        return values.get(control.id, list(control.default) if control.type == "multi" else control.default)

    components = {
        "vm-control": [(ids.control(c.id), {"value": value_of(c)}) for c in selects],
        "vm-date": [(ids.date_control(c.id), {"start_date": c.default[0], "end_date": c.default[1]}) for c in dates],
        "vm-date-preset": [(ids.date_preset(c.id), {"value": "custom"}) for c in dates],
    }
    plain = {f"{ids.SHEET_TABS}.value": sheet, f"{ids.REQUESTED_STATE}.data": requested,
             f"{ids.DASHBOARD_ID}.data": dashboard_id}
    changed = (f"{ids.REQUESTED_STATE}.data" if requested
               else f"{_control_key(next(iter(values)) if values else 'brand')}.value")
    return view_request(client, plain=plain, components=components, changed=[changed])


def csv_payload(dashboard_id: str, sheet: str, visual_id: str, **filters) -> dict:
    state = sheet_state(dashboard_id, sheet, **filters)
    return {
        "output": f"{ids.CSV_DOWNLOAD}.data",
        "outputs": {"id": ids.CSV_DOWNLOAD, "property": "data"},
        "inputs": [{"id": ids.CSV_REQUEST, "property": "data", "value": {"visual": visual_id, "at": 1}}],
        "changedPropIds": [f"{ids.CSV_REQUEST}.data"],
        "state": [{"id": ids.VIEW_STATE, "property": "data", "value": state},
                  {"id": ids.DASHBOARD_ID, "property": "data", "value": dashboard_id}],
    }


def route_payload(pathname: str, search: str = "") -> dict:
    return {
        "output": f"..{ids.PAGE}.children...{ids.SHOWN_PATH}.data..",
        "outputs": [{"id": ids.PAGE, "property": "children"}, {"id": ids.SHOWN_PATH, "property": "data"}],
        "inputs": [{"id": ids.URL, "property": "pathname", "value": pathname}],
        "changedPropIds": [f"{ids.URL}.pathname"],
        "state": [{"id": ids.URL, "property": "search", "value": search},
                  {"id": ids.SHOWN_PATH, "property": "data", "value": None}],
    }


def _control_key(control_id: str) -> str:
    return dom_id(ids.control(control_id))


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    download = response.json["response"][ids.CSV_DOWNLOAD]["data"]
    return list(csv.DictReader(io.StringIO(download["content"])))
