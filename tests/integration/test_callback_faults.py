"""A server callback that fails in a way nothing foresaw: the person is told, and nothing else changes.

Dash would answer Flask's 500 page, which dash-renderer drops silently; the app's ``on_error`` handler
(``shell/faults.py``) logs the error and answers with a notice instead, leaving the callback's outputs as they
were, but for the controls the person moved: the view's callback puts them back to the view on screen.
Expected refusals keep their JSON answers and statuses. The faults are made by a dashboard service that
raises; every other test fails on such a failure (``tests/integration/conftest.py``).
"""

from __future__ import annotations

import json
import logging

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from werkzeug.exceptions import Forbidden

from bookmarks.ui import dom_id
from core import ids
from core.errors import Unavailable
from core.runtime import EXTENSION
from shell import faults
from shell.faults import MESSAGE
from tests.integration.browser import click, now, wait_for_sheet
from tests.integration.test_accounts_dash import post, sheet_payload, sync_payload
from tests.integration.test_bookmarks_browser import choose_metric, close_pane, metric

pytestmark = pytest.mark.callback_fault

HIDDEN = "no such column: secret_detail_42"  # what the exception says, which the person must never see


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def client(app, sign_in):
    client = app.server.test_client()
    assert sign_in(client, "analyst").status_code == 303
    client.get("/")
    return client


def break_sheets(monkeypatch, app, error: Exception) -> None:
    """Every sheet the app renders from now on fails with ``error``."""

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(app.server.extensions[EXTENSION].dashboards, "sheet_data", failing)


def test_cbf001_an_unforeseen_failure_answers_a_notice_and_changes_nothing(app, client, monkeypatch, caplog):
    payload = sheet_payload("restaurant", "overview")
    break_sheets(monkeypatch, app, RuntimeError(HIDDEN))
    with caplog.at_level(logging.ERROR, logger=faults.log.name):
        response = post(client, payload)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[:300]
    answer = response.json
    # No output changes: the view state, the controls and the sheet stay as the page shows them.
    assert not answer.get("response"), body[:300]
    notice = json.dumps(answer["sideUpdate"][ids.FAULTS])
    assert MESSAGE in notice and ids.FAULT_TOAST in notice
    assert HIDDEN not in body
    # The log has what the answer leaves out: which callback, and the traceback.
    [record] = [r for r in caplog.records if r.name == faults.log.name]
    assert record.exc_info and record.exc_info[1].args == (HIDDEN,)
    assert ids.VIEW_STATE in record.getMessage()

    monkeypatch.undo()
    response = post(client, payload)
    assert response.status_code == 200 and "sideUpdate" not in response.json
    assert response.json["response"][ids.SHEET_BODY]["data"]


def _with_shown_state(payload: dict, shown) -> dict:
    """``payload`` sent by a page that holds ``shown`` as its view state."""
    [item] = [s for s in payload["state"] if s["id"] == ids.VIEW_STATE]
    item["value"] = shown
    return payload


def test_cbf004_a_failed_view_change_puts_the_controls_back_to_the_view_on_screen(app, client, monkeypatch,
                                                                                   caplog):
    shown = post(client, sheet_payload("restaurant", "overview")).json["response"][ids.VIEW_STATE]["data"]
    assert shown["sheet"] == "overview" and shown["parameters"]["metric"] == "revenue"
    # The person chose another tab and another metric; the view asked for fails.
    payload = _with_shown_state(sync_payload(None, "restaurant", "store-comparison", metric="orders"), shown)
    break_sheets(monkeypatch, app, RuntimeError(HIDDEN))
    with caplog.at_level(logging.ERROR, logger=faults.log.name):
        response = post(client, payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = response.json["response"]
    assert answer[dom_id(ids.control("metric"))] == {"value": "revenue"}
    assert answer[ids.SHEET_TABS] == {"value": "overview"}
    # Only what the request moved: the view state, the sheet, the chips and the other controls stay.
    assert not {ids.VIEW_STATE, ids.SHEET_BODY, ids.FILTER_SUMMARY, ids.NOTICES} & set(answer)
    assert dom_id(ids.control("brand")) not in answer
    assert MESSAGE in json.dumps(response.json["sideUpdate"][ids.FAULTS])
    assert HIDDEN not in response.get_data(as_text=True)
    [record] = [r for r in caplog.records if r.name == faults.log.name]
    assert record.exc_info and record.exc_info[1].args == (HIDDEN,)  # the cause, not its wrapper

    # The controls as shown already: nothing to put back, only the notice.
    same = _with_shown_state(sync_payload(None, "restaurant", "overview", metric="revenue"), shown)
    response = post(client, same)
    assert response.status_code == 200 and not response.json.get("response")
    assert MESSAGE in json.dumps(response.json["sideUpdate"][ids.FAULTS])


def test_cbf006_a_failed_change_of_dates_puts_the_days_and_the_preset_back(app, client, monkeypatch):
    shown = post(client, sheet_payload("restaurant", "overview")).json["response"][ids.VIEW_STATE]["data"]
    start, _ = shown["filters"]["date_range"]
    # The person chose a preset, then the view asked for failed: the chooser shows the two dates again.
    payload = _with_shown_state(sync_payload(None, "restaurant", "overview"), shown)
    [preset] = payload["inputs"][3]
    preset["value"] = "last-30-days"
    payload["changedPropIds"] = [dom_id(preset["id"]) + ".value"]
    break_sheets(monkeypatch, app, RuntimeError(HIDDEN))
    answer = post(client, payload).json["response"]
    assert answer == {dom_id(preset["id"]): {"value": "custom"}}
    # The person edited the first day: it goes back, the last day stays as the page shows it.
    payload = _with_shown_state(sync_payload(None, "restaurant", "overview"), shown)
    [first] = payload["inputs"][1]
    first["value"] = "2022-06-01"
    key = dom_id(first["id"])
    payload["changedPropIds"] = [key + ".start_date"]
    answer = post(client, payload).json["response"]
    assert answer == {key: {"start_date": start}}


@pytest.mark.parametrize(("shown", "put_back"), [
    (None, None),
    ("not a state", None),
    ({"version": 1, "dashboard": "gaming", "sheet": "kpis", "filters": {}, "parameters": {}}, None),
    # Read as any state sent: what it cannot hold falls back to the defaults (the Revenue metric).
    ({"version": 1, "dashboard": "restaurant", "sheet": "overview", "filters": {"state": {"x": 1}},
      "parameters": {"metric": ["orders"] * 5000}}, "revenue"),
], ids=["none", "garbage", "another-dashboard", "malformed"])
def test_cbf005_a_forged_view_state_puts_back_nothing_it_cannot_read(app, client, monkeypatch, shown, put_back):
    payload = _with_shown_state(sync_payload(None, "restaurant", "overview", metric="orders"), shown)
    break_sheets(monkeypatch, app, RuntimeError(HIDDEN))
    response = post(client, payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = response.json.get("response") or {}
    assert answer == ({} if put_back is None else {dom_id(ids.control("metric")): {"value": put_back}})
    assert MESSAGE in json.dumps(response.json["sideUpdate"][ids.FAULTS])
    assert HIDDEN not in response.get_data(as_text=True)


@pytest.mark.parametrize(("error", "status", "answer"), [
    (Unavailable("The application database does not answer; try again shortly."), 503,
     {"error": "The application database does not answer; try again shortly."}),
    (Forbidden(), 403, None),
], ids=["service-error", "http-error"])
def test_cbf002_an_expected_refusal_keeps_its_status_and_shows_no_notice(app, client, monkeypatch, caplog, error,
                                                                         status, answer):
    break_sheets(monkeypatch, app, error)
    with caplog.at_level(logging.ERROR, logger=faults.log.name):
        response = post(client, sheet_payload("restaurant", "overview"))
    assert response.status_code == status
    if answer is not None:
        assert response.json == answer and response.headers["Retry-After"] == "10"
    assert ids.FAULTS not in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.name == faults.log.name]


def press_metric(dash_duo, label: str) -> None:
    """Clicks a metric's button, without waiting for it to stay chosen (``choose_metric`` does)."""
    close_pane(dash_duo)
    click(dash_duo, dash_duo.driver.find_element(
        By.XPATH, f"//div[@data-control='metric']//label[normalize-space()='{label}']"))


def trend_axis(dash_duo) -> str:
    """The title of the trend chart's value axis: the metric the sheet was drawn for."""
    return dash_duo.driver.execute_script("""
        const plot = document.querySelector("[data-visual='trend'] .js-plotly-plot");
        const title = plot && plot.layout && plot.layout.yaxis && plot.layout.yaxis.title;
        return title ? (title.text || "") : "";
    """)


@pytest.mark.browser
def test_cbf003_the_person_is_told_and_the_next_change_works(app, new_user, sign_in_to, monkeypatch):
    dash_duo = sign_in_to(new_user())
    drawn = trend_axis(dash_duo)
    assert "Revenue" in drawn, drawn

    break_sheets(monkeypatch, app, RuntimeError(HIDDEN))
    press_metric(dash_duo, "Orders")
    toast = dash_duo.wait_for_element(f"#{ids.FAULTS} .toast.show", timeout=10)
    assert "Not done" in toast.text and MESSAGE in toast.text and HIDDEN not in toast.text
    assert now(dash_duo, f"#{ids.FAULTS}[aria-live='assertive']")
    wait_for_sheet(dash_duo)
    assert trend_axis(dash_duo) == drawn  # the sheet still shows the view it showed
    until(lambda: metric(dash_duo) == "Revenue", timeout=5)  # and so does the control moved

    click(dash_duo, toast.find_element(By.CSS_SELECTOR, ".btn-close"))
    until(lambda: not now(dash_duo, f"#{ids.FAULTS} .toast.show"), timeout=5)
    # Closed, it comes back with the next failure.
    press_metric(dash_duo, "Orders")
    toast = dash_duo.wait_for_element(f"#{ids.FAULTS} .toast.show", timeout=10)
    until(lambda: metric(dash_duo) == "Revenue", timeout=5)
    click(dash_duo, toast.find_element(By.CSS_SELECTOR, ".btn-close"))
    until(lambda: not now(dash_duo, f"#{ids.FAULTS} .toast.show"), timeout=5)

    monkeypatch.undo()
    choose_metric(dash_duo, "Average ticket")
    until(lambda: "Average ticket" in trend_axis(dash_duo), timeout=10)
    assert metric(dash_duo) == "Average ticket"
    assert not now(dash_duo, f"#{ids.FAULTS} .toast.show")
