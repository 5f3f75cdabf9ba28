"""The read API (the README's "JSON API" section): dashboards, Original view and visual data, answered by the same
declarations and query layer as the visuals."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from core.runtime import runtime
from dashboards import registry
from dashboards.service import frame_records
from declarations.context import QueryContext
from views.state import original_state


@pytest.fixture(scope="module")
def demo_app(make_app):
    return make_app()


@pytest.fixture
def analyst(demo_app, sign_in):
    client = demo_app.server.test_client()
    assert sign_in(client, "analyst").status_code == 303
    return client


def data_url(dashboard_id: str, state) -> str:
    text = state if isinstance(state, str) else json.dumps(state)
    return f"/api/v1/dashboards/{dashboard_id}/data?state={quote(text)}"


def test_api001_lists_dashboards_with_sheets_and_controls(analyst):
    body = analyst.get("/api/v1/dashboards").json
    assert [d["id"] for d in body] == ["restaurant", "gaming"]
    restaurant = body[0]
    assert [s["id"] for s in restaurant["sheets"]] == ["overview", "store-comparison", "owner-view"]
    controls = {c["id"]: c for c in restaurant["controls"]}
    assert controls["state"]["kind"] == "filter" and controls["metric"]["kind"] == "parameter"
    assert {"value": "Pennsylvania", "label": "Pennsylvania"} in controls["state"]["options"]
    assert controls["date_range"]["type"] == "date_range" and controls["date_range"]["bounds"]
    assert set(controls["grain"]) >= {"id", "label", "kind", "type", "options", "default"}


@pytest.mark.parametrize("dashboard_id", ["restaurant", "gaming"])
def test_api002_original_is_the_canonical_default_state(analyst, dashboard_id):
    body = analyst.get(f"/api/v1/dashboards/{dashboard_id}/original").json
    assert body == original_state(registry.get(dashboard_id)).to_dict()


def test_api003_data_returns_every_visual_of_the_sheet_with_the_query_rows(analyst, demo_app):
    state = {"sheet": "owner-view", "filters": {"date_range": ["2021-12-01", "2021-12-31"],
                                                "address": ["10 Resort Plz"]},
             "parameters": {"grain": "week"}}
    response = analyst.get(data_url("restaurant", state))
    assert response.status_code == 200
    body = response.json
    board = registry.get("restaurant")
    assert body["sheet"] == "owner-view"
    assert [v["id"] for v in body["visuals"]] == [v.id for v in board.sheet("owner-view").visuals]
    assert body["state"]["filters"]["address"] == ["10 Resort Plz"]
    # One code path: the rows are exactly what the visual's query returns for that state.
    with demo_app.server.app_context():
        engine = runtime().engine
        ctx = QueryContext.defaults(board).with_filters(date_range=["2021-12-01", "2021-12-31"],
                                                        address=["10 Resort Plz"])
        ctx = QueryContext(board, ctx.filters, {**ctx.parameters, "grain": "week"})
        for visual in body["visuals"]:
            expected = frame_records(board.visual(visual["id"]).query(engine, ctx))
            assert visual["rows"] == json.loads(json.dumps(expected)), visual["id"]
    assert any(v["rows"] for v in body["visuals"])


def test_api004_data_without_state_is_the_original_view(analyst):
    body = analyst.get("/api/v1/dashboards/gaming/data").json
    assert body["state"] == original_state(registry.get("gaming")).to_dict()
    assert body["sheet"] == "kpis" and body["visuals"][0]["rows"]


@pytest.mark.parametrize(("state", "status", "field"), [
    ({"sheet": "nowhere"}, 422, "sheet"),
    ({"filters": {"state": ["Atlantis"]}}, 422, "filters.state"),
    ({"filters": {"date_range": ["2021-12-31", "2021-12-01"]}}, 422, "filters.date_range"),
    ({"parameters": {"grain": "decade"}}, 422, "parameters.grain"),
    ({"filters": {"brand": ["nova"]}}, 422, "filters.brand"),
    ("{not json", 400, "state"),
    ("[]", 400, "state"),
])
def test_api005_a_bad_state_is_refused_naming_the_field(analyst, state, status, field):
    response = analyst.get(data_url("restaurant", state))
    assert response.status_code == status
    assert response.json["field"] == field and response.json["error"]


def test_api006_unknown_dashboard_is_404_with_the_error_shape(analyst):
    response = analyst.get("/api/v1/dashboards/casino/original")
    assert response.status_code == 404 and set(response.json) == {"error", "field"}
    assert analyst.get("/api/v1/no-such-endpoint").status_code == 404


def test_api007_dates_and_missing_values_are_json_ready():
    import pandas as pd

    frame = pd.DataFrame({"day": pd.to_datetime(["2021-12-19", None]), "value": [1.5, float("nan")],
                          "n": pd.array([3, None], dtype="Int64")})
    assert frame_records(frame) == [{"day": "2021-12-19", "value": 1.5, "n": 3},
                                    {"day": None, "value": None, "n": None}]
