"""Both dashboards in headless Chromium: every sheet populated and free of serious accessibility
violations, filters and parameters change what is shown, dependent options narrow, CSV downloads, no
console errors."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from core import ids
from dashboards import registry
from tests.integration.a11y import assert_accessible
from tests.integration.browser import click, now, text_of, wait_for_sheet


@pytest.fixture(scope="module")
def demo_app(make_app):
    return make_app()


@pytest.fixture
def open_dashboard(dash_duo, demo_app, login):
    """Starts the app, signs in as ``username`` and opens ``path``; waits until the sheet is drawn."""

    def open_dashboard(path: str, username: str = "analyst"):
        if "?" not in path:
            # An explicit (empty, so Original) state: otherwise the user's last state, left behind by
            # an earlier test on this app, would be restored.
            path += "?state=%7B%7D"
        dash_duo.driver.set_window_size(1280, 1000)
        dash_duo.start_server(demo_app, navigate=False)
        dash_duo._url = dash_duo.server.url
        login(dash_duo, username, path=path)
        wait_for_sheet(dash_duo)
        return dash_duo

    return open_dashboard


def state_url(dashboard_id: str, state: dict) -> str:
    return f"/dashboards/{dashboard_id}?state={quote(json.dumps(state))}"


def control(dash_duo, control_id: str):
    return dash_duo.find_element(f".vm-control[data-control='{control_id}'] .dash-dropdown")


def visible_visuals(dash_duo) -> list[str]:
    cards = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".vm-visual")
    return [json.loads(card.get_attribute("id"))["visual"] for card in cards]


def kpi_text(dash_duo) -> str:
    return text_of(dash_duo, ".vm-kpi")


@pytest.mark.parametrize("dashboard_id", ["restaurant", "gaming"])
def test_dsh001_every_sheet_shows_all_its_visuals_populated_and_accessible(open_dashboard, dashboard_id):
    board = registry.get(dashboard_id)
    dash_duo = open_dashboard(board.path)
    assert dash_duo.find_element(f"#{ids.BANNER_TITLE}").text == board.title
    tabs = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.SHEET_TABS} [role='tab'], "
                                                          f"#{ids.SHEET_TABS} .tab")
    assert [t.text.replace("\n", " ") for t in tabs][: len(board.sheets)] == [s.title for s in board.sheets]
    for index, sheet in enumerate(board.sheets):
        tabs = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.SHEET_TABS} [role='tab'], "
                                                              f"#{ids.SHEET_TABS} .tab")
        click(dash_duo, tabs[index])
        wait_for_sheet(dash_duo, sheet.id)
        assert visible_visuals(dash_duo) == [v.id for v in sheet.visuals]
        assert not now(dash_duo, ".vm-empty"), sheet.id
        graphs = [v for v in sheet.visuals if v.kind == "graph"]
        plotted = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".vm-visual .js-plotly-plot")
        assert len(plotted) == len(graphs), sheet.id
        assert_accessible(dash_duo, f"{board.title} › {sheet.title}")
    assert dash_duo.get_logs() == []


def test_dsh002_a_filter_changes_the_numbers(open_dashboard):
    dash_duo = open_dashboard("/dashboards/restaurant")
    before = kpi_text(dash_duo)
    assert "Revenue" in before
    dash_duo.select_dcc_dropdown(control(dash_duo, "state"), value="Pennsylvania")
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
    wait_for_sheet(dash_duo)
    until(lambda: kpi_text(dash_duo) not in ("", before) and "Revenue" in kpi_text(dash_duo), timeout=15)
    assert dash_duo.get_logs() == []


def test_dsh003_a_parameter_changes_what_is_shown(open_dashboard):
    dash_duo = open_dashboard("/dashboards/restaurant")
    trend = "[data-visual='trend'] .js-plotly-plot"
    until(lambda: "Revenue" in text_of(dash_duo, trend), timeout=15)
    orders = dash_duo.driver.find_element(
        By.XPATH, "//div[@data-control='metric']//label[normalize-space()='Orders']")
    orders.click()
    until(lambda: "Orders" in text_of(dash_duo, trend), timeout=15)
    assert dash_duo.get_logs() == []


def test_dsh004_choosing_a_state_narrows_and_prunes_the_addresses(open_dashboard):
    state = {"sheet": "owner-view", "filters": {"address": ["10 Resort Plz", "120 Broadway"]}}
    dash_duo = open_dashboard(state_url("restaurant", state))
    dash_duo.select_dcc_dropdown(control(dash_duo, "state"), value="Pennsylvania")
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
    notice = dash_duo.wait_for_element(f"#{ids.NOTICES} .vm-notice", timeout=15)
    assert "120 Broadway" in notice.text and "removed" in notice.text
    address = dash_duo.find_element(".vm-control[data-control='address']")
    assert "10 Resort Plz" in address.text and "120 Broadway" not in address.text
    control(dash_duo, "address").click()
    options = dash_duo.find_element(".dash-dropdown-options").text.split("\n")
    assert "10 Resort Plz" in " ".join(options)
    assert len([o for o in options if o.strip()]) <= 2  # Pennsylvania has exactly two stores
    assert dash_duo.get_logs() == []


def test_dsh005_a_view_matching_nothing_shows_the_empty_state(open_dashboard):
    # New Year's Day 2022, organic Austrian players only: no campaign activated any of them.
    state = {"sheet": "campaigns", "filters": {"date_range": ["2022-01-01", "2022-01-01"],
                                               "country": ["AUT"], "affiliate": ["organic"]}}
    dash_duo = open_dashboard(state_url("gaming", state))
    empties = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".vm-empty")
    assert empties and "No data matches these filters." in empties[0].text
    assert dash_duo.get_logs() == []


def test_dsh006_csv_download_holds_the_visual_rows(open_dashboard, dash_duo):
    open_dashboard("/dashboards/restaurant")
    click(dash_duo, dash_duo.find_element("[data-visual='top-stores'] .vm-csv"))
    target = Path(dash_duo.download_path) / "restaurant-top-stores.csv"
    # Chromium may show the file under its name before it has written it.
    until(lambda: target.exists() and target.stat().st_size > 0, timeout=15)
    lines = target.read_text().strip().splitlines()
    assert len(lines) > 1 and "," in lines[0]
    assert dash_duo.get_logs() == []


def test_dsh007_a_deep_link_opens_its_sheet_and_filters(open_dashboard):
    state = {"sheet": "owner-view", "filters": {"date_range": ["2021-12-01", "2021-12-31"],
                                                "state": ["Pennsylvania"], "address": ["10 Resort Plz"]},
             "parameters": {"grain": "week"}}
    dash_duo = open_dashboard(state_url("restaurant", state))
    wait_for_sheet(dash_duo, "owner-view")
    assert "10 Resort Plz" in dash_duo.find_element(".vm-control[data-control='address']").text
    assert "10 Resort Plz" in dash_duo.find_element("[data-visual='owner-profile']").text
    assert dash_duo.get_logs() == []
