"""Relative date ranges over the JSON API: listed with the data date, saved in bookmarks as the preset,
and resolved for the data rows against the data date of the moment."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import quote

import pytest

from bookmarks.ui import dom_id
from core import ids
from core.runtime import EXTENSION
from tests.integration.dash_requests import view_request

BOOKMARKS = "/api/v1/dashboards/restaurant/bookmarks"
PREVIOUS_MONTH = {"sheet": "overview", "filters": {"date_range": "previous-month"}, "parameters": {"grain": "month"}}


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def analyst(api_of):
    return api_of("analyst")


def trend_months(analyst, state) -> list[str]:
    response = analyst.get(f"/api/v1/dashboards/restaurant/data?state={quote(json.dumps(state))}")
    assert response.status_code == 200, response.json
    assert response.json["state"]["filters"]["date_range"] == state["filters"]["date_range"]
    trend = next(v for v in response.json["visuals"] if v["id"] == "trend")
    return sorted({next(iter(row.values()))[:7] for row in trend["rows"]})


def test_rel016_a_preset_bookmark_is_saved_as_the_preset_and_its_rows_follow_the_data_date(app, analyst,
                                                                                           monkeypatch):
    listed = {d["id"]: d for d in analyst.get("/api/v1/dashboards").json}
    assert listed["restaurant"]["data_date"] == "2022-12-31"
    date_range = next(c for c in listed["restaurant"]["controls"] if c["id"] == "date_range")
    assert "previous-month" in date_range["presets"] and date_range["default"] == ["2022-01-01", "2022-12-31"]

    created = analyst.post(BOOKMARKS, {"name": "Last month", "state": PREVIOUS_MONTH})
    assert created.status_code == 201 and created.json["state"]["filters"]["date_range"] == "previous-month"
    saved = analyst.get(f"/api/v1/bookmarks/{created.json['id']}").json["state"]
    assert saved == created.json["state"]
    exported = json.loads(analyst.get(f"{BOOKMARKS}/export").get_data(as_text=True))
    assert exported["bookmarks"][0]["state"]["filters"]["date_range"] == "previous-month"

    assert trend_months(analyst, saved) == ["2022-11"]
    views = app.server.extensions[EXTENSION].views
    monkeypatch.setattr(views, "data_date", lambda _board: date(2022, 6, 15))  # a later data refresh
    assert trend_months(analyst, saved) == ["2022-05"]
    assert analyst.delete(f"/api/v1/bookmarks/{created.json['id']}").status_code == 204


@pytest.mark.parametrize("value", ["last-week", 7, ["previous-month"]])
def test_rel017_an_unknown_preset_is_refused_naming_the_field(analyst, value):
    state = {"filters": {"date_range": value}}
    response = analyst.get(f"/api/v1/dashboards/restaurant/data?state={quote(json.dumps(state))}")
    assert response.status_code == 422 and response.json["field"] == "filters.date_range"
    refused = analyst.post(BOOKMARKS, {"name": "Bad range", "state": state})
    assert refused.status_code == 422 and refused.json["field"] == "filters.date_range"


# The page's controls callback (``sync``) over HTTP ----------------------------------------------------------

def sync(api, *, preset: str, dates: tuple[str, str], changed: str) -> dict:
    """What dash-renderer sends when ``changed`` (a property id) changed on the restaurant's Overview: the
    date range's chooser holds ``preset`` and its picker ``dates``; the other controls are at their defaults.
    Answers ``{component id: {property: value}}``."""
    client = api.client
    board = next(d for d in client.get("/api/v1/dashboards").json if d["id"] == "restaurant")
    selects = {c["id"]: c["default"] for c in board["controls"] if c["type"] != "date_range"}
    entries = {  # pattern type -> {control id: {property: value}}; other patterns are absent from this page
        "vm-control": {cid: {"value": value} for cid, value in selects.items()},
        "vm-date": {"date_range": {"start_date": dates[0], "end_date": dates[1]}},
        "vm-date-preset": {"date_range": {"value": preset}},
    }
    plain = {f"{ids.SHEET_TABS}.value": "overview", f"{ids.DASHBOARD_ID}.data": "restaurant"}
    components = {kind: [({"control": control_id, "type": kind}, values) for control_id, values in of_kind.items()]
                  for kind, of_kind in entries.items()}
    response = client.post("/_dash-update-component", headers=api.headers,
                           json=view_request(client, plain=plain, components=components, changed=[changed]))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json["response"]


PICKER, CHOOSER = dom_id(ids.date_control("date_range")), dom_id(ids.date_preset("date_range"))


def test_rel018_choosing_a_preset_keeps_it_and_shows_its_days_editing_them_makes_dates(analyst):
    chosen = sync(analyst, preset="previous-month", dates=("2022-01-01", "2022-12-31"),
                  changed=f"{CHOOSER}.value")
    assert chosen[ids.VIEW_STATE]["data"]["filters"]["date_range"] == "previous-month"
    assert chosen[PICKER] == {"start_date": "2022-11-01", "end_date": "2022-11-30"}
    assert CHOOSER not in chosen  # the chooser shows the preset already: not sent again

    other = sync(analyst, preset="previous-month", dates=("2022-11-01", "2022-11-30"),
                 changed=f"{dom_id(ids.control('metric'))}.value")
    assert other[ids.VIEW_STATE]["data"]["filters"]["date_range"] == "previous-month"

    edited = sync(analyst, preset="previous-month", dates=("2022-11-05", "2022-11-30"),
                  changed=f"{PICKER}.start_date")
    assert edited[ids.VIEW_STATE]["data"]["filters"]["date_range"] == ["2022-11-05", "2022-11-30"]
    assert edited[CHOOSER] == {"value": "custom"}

    custom = sync(analyst, preset="custom", dates=("2022-11-01", "2022-11-30"),
                  changed=f"{CHOOSER}.value")
    assert custom[ids.VIEW_STATE]["data"]["filters"]["date_range"] == ["2022-11-01", "2022-11-30"]
