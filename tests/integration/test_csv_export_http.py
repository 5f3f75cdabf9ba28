"""The CSV download callback, posted as dash-renderer does: values at the precision the visual shows,
while the JSON API answers the same visual's rows unrounded."""

from __future__ import annotations

import pytest

from accounts.demo import DEMO_PASSWORD
from dashboards import registry
from tests.integration.conftest import sign_in_client
from tests.integration.test_accounts_dash import _csv_rows, csv_payload, post
from tests.integration.test_api_read import data_url

# Decimals per display format (money $1.23, int 1, pct 62.2 % → 0.622, decimal 1.23). Owner-view and
# overview graphs declare no formats: their columns are amounts and averages, written with 2.
DECIMALS = {"money": 2, "int": 0, "pct": 3, "decimal": 2}
GRAPH_DECIMALS = 2
STATE = {"version": 1, "dashboard": "restaurant", "filters": {}, "parameters": {}}


@pytest.fixture(scope="module")
def demo_app(make_app):
    return make_app()


@pytest.fixture(scope="module")
def analyst(demo_app):
    client = demo_app.server.test_client()
    assert sign_in_client(client, "analyst", DEMO_PASSWORD).status_code == 303
    client.get("/")  # the CSRF cookie that dash-renderer copies into its header
    return client


def decimals(cell: str) -> int:
    return len(cell.partition(".")[2])


def allowed(visual, column: str, row: dict) -> int:
    if visual.kind == "kpis":
        return DECIMALS[row["format"]]
    return DECIMALS[visual.formats[column]] if column in visual.formats else GRAPH_DECIMALS


@pytest.mark.parametrize(("sheet", "visual_id"), [
    ("owner-view", "owner-profile"), ("owner-view", "owner-monthly"), ("owner-view", "owner-weekly"),
    ("owner-view", "owner-support"), ("overview", "kpis"), ("overview", "top-stores"), ("overview", "trend"),
])
def test_csv001_csv_download_has_no_more_decimals_than_shown_while_the_api_keeps_them(analyst, sheet,
                                                                                      visual_id):
    visual = registry.get("restaurant").visual(visual_id)
    written = _csv_rows(post(analyst, csv_payload("restaurant", sheet, visual_id)))
    api = analyst.get(data_url("restaurant", {**STATE, "sheet": sheet}))
    assert api.status_code == 200
    exact = next(v for v in api.json["visuals"] if v["id"] == visual_id)["rows"]
    assert written and len(written) == len(exact)

    unrounded = 0
    for cells, values in zip(written, exact, strict=True):
        assert set(cells) == set(values)  # the same columns (the JSON answer sorts its keys)
        for column, value in values.items():
            if not isinstance(value, float):
                continue
            places = allowed(visual, column, values)
            cell = cells[column]
            assert decimals(cell) <= places, (column, cell)
            assert float(cell) == round(value, places), (column, cell, value)
            unrounded += value != round(value, places)
    # The JSON API's rows are the exact values: the rounding is the CSV's alone.
    assert unrounded, "every value was already round: the test shows nothing"


def test_csv002_the_owner_profile_csv_is_what_its_table_shows(analyst):
    cells = _csv_rows(post(analyst, csv_payload("restaurant", "owner-view", "owner-profile")))[0]
    rows = analyst.get(data_url("restaurant", {**STATE, "sheet": "owner-view"})).json["visuals"]
    exact = next(v for v in rows if v["id"] == "owner-profile")["rows"][0]
    assert cells["revenue"] == repr(round(exact["revenue"], 2))  # money: $788,059.29 shown
    assert cells["vs_chain_average"] == repr(round(exact["vs_chain_average"], 3))  # pct: -53.0 % shown
    assert decimals(repr(exact["vs_chain_average"])) > 3  # the API's ratio is exact
    assert cells["seats"] == str(exact["seats"]) and cells["revenue_rank"] == str(exact["revenue_rank"])
