"""In headless Chromium: a dashboard opens with its sheet, and each view change — a control, a bookmark applied, a
chip's ×, a sheet tab, a slide — computes its visuals in one request to the server."""

from __future__ import annotations

import json

import pytest
from dash.testing.wait import until

from core import ids
from tests.integration.browser import click, now, wait_for_sheet
from tests.integration.test_bookmarks_browser import add_bookmark, apply_bookmark, choose_metric, choose_sheet, metric
from tests.integration.test_present_browser import on_slide, press, storyteller  # noqa: F401 (a fixture)

# Every callback request the page sends, from the first one on (installed before any page's own script).
RECORD_CALLBACKS = """
window.vmCallbacks = [];
const originalFetch = window.fetch;
window.fetch = function (url, options) {
    if (String(url).includes('_dash-update-component') && options && options.body) {
        window.vmCallbacks.push(options.body);
    }
    return originalFetch.apply(this, arguments);
};
"""
SHEET = f"{ids.SHEET_BODY}.data"
SLIDE = f"{ids.PRESENT_NEXT_SLIDE}.data"


@pytest.fixture(scope="module")
def app(make_app):
    return make_app(query_cache_seconds=300)


@pytest.fixture
def recorded(dash_duo):
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CALLBACKS})
    return dash_duo


def outputs(dash_duo) -> list[str]:
    """The outputs of each request sent since the last ``forget``."""
    return [json.loads(body)["output"] for body in dash_duo.driver.execute_script("return window.vmCallbacks")]


def forget(dash_duo) -> None:
    dash_duo.driver.execute_script("window.vmCallbacks = []")


def settled(dash_duo) -> None:
    until(lambda: not now(dash_duo, "[data-dash-is-loading='true']"), timeout=20)


def one_request_for_the_sheet(dash_duo) -> None:
    """Exactly one request asked for visuals, and it also brought the chips: nothing else computed them."""
    # The change's request first: until it is sent, nothing is loading yet either.
    until(lambda: [o for o in outputs(dash_duo) if SHEET in o], timeout=20)
    settled(dash_duo)
    sent = outputs(dash_duo)
    sheets = [o for o in sent if SHEET in o]
    assert len(sheets) == 1, sent
    assert f"{ids.FILTER_SUMMARY}.children" in sheets[0] and f"{ids.VIEW_STATE}.data" in sheets[0]
    assert not [o for o in sent if f"{ids.FILTER_SUMMARY}.children" in o and SHEET not in o], sent
    forget(dash_duo)


def test_wrm020_each_view_change_is_one_request_for_the_visuals(recorded, sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    settled(dash_duo)
    # The page came with its sheet: no request asked for it.
    sent = outputs(dash_duo)
    assert sent and not [o for o in sent if SHEET in o], sent
    forget(dash_duo)

    choose_metric(dash_duo, "Orders")
    one_request_for_the_sheet(dash_duo)
    add_bookmark(dash_duo, "By orders")
    forget(dash_duo)

    choose_sheet(dash_duo, "Store comparison", "store-comparison")
    one_request_for_the_sheet(dash_duo)

    chip = dash_duo.find_element(f"#{ids.FILTER_SUMMARY} [data-control='metric'] .vm-chip-remove")
    click(dash_duo, chip)
    until(lambda: metric(dash_duo) == "Revenue", timeout=10)
    one_request_for_the_sheet(dash_duo)

    apply_bookmark(dash_duo, "By orders")
    until(lambda: metric(dash_duo) == "Orders", timeout=10)
    wait_for_sheet(dash_duo, "overview")
    one_request_for_the_sheet(dash_duo)
    assert dash_duo.get_logs() == []


def test_wrm021_moving_to_a_slide_is_one_request(recorded, sign_in_to, storyteller):  # noqa: F811
    dash_duo = sign_in_to(storyteller)
    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENT_OPEN}"))
    on_slide(dash_duo, 1, "All states")
    settled(dash_duo)
    forget(dash_duo)
    press(dash_duo, "\ue014")  # → (the prepared slide is swapped in; the one after it is prepared)
    on_slide(dash_duo, 2, "Best and worst store")
    settled(dash_duo)
    assert len(outputs(dash_duo)) == 1 and SLIDE in outputs(dash_duo)[0]
    forget(dash_duo)
    press(dash_duo, "\ue012")  # ← (not prepared: shown and the next prepared, together)
    on_slide(dash_duo, 1, "All states")
    settled(dash_duo)
    assert len(outputs(dash_duo)) == 1 and SLIDE in outputs(dash_duo)[0]
    assert dash_duo.get_logs() == []


# Marks the graphs and tables of the sheet on screen, to tell later whether each was kept (updated in place)
# or drawn anew.
MARK = """
window.vmMarked = [...document.getElementById(arguments[0]).querySelectorAll('.js-plotly-plot, .ag-root-wrapper')];
return window.vmMarked.length;
"""
KEPT = "return window.vmMarked.map((node) => node.isConnected);"
# What the sheet shows: each graph's traces, each table's cells, the KPI cards, captions and titles.
DRAWN = """
const sheet = document.getElementById(arguments[0]);
const traces = (gd) => JSON.stringify(gd.data.map((t) => [t.type, t.name, t.x, t.y, t.z, t.values, t.labels,
                                                         t.locations, t.text, t.customdata]));
return {graphs: [...sheet.querySelectorAll('.js-plotly-plot')].map(traces),
        tables: [...sheet.querySelectorAll('.ag-root-wrapper')].map((grid) =>
            [...grid.querySelectorAll('.ag-header-cell-text, .ag-cell')].map((cell) => cell.textContent)),
        text: [...sheet.querySelectorAll('.vm-kpi, .vm-visual-caption, .vm-visual-title')].map((e) => e.textContent)};
"""

# Records which graphs Plotly draws from now on, by their visual (dcc.Graph's element holds the Dash id).
RECORD_DRAWS = """
window.vmDrawn = [];
const react = window.Plotly.react;
window.Plotly.react = function (gd) {
    window.vmDrawn.push(JSON.parse(gd.parentElement.id).visual);
    return react.apply(this, arguments);
};
"""


def test_wrm022_a_view_change_on_the_same_sheet_updates_its_graphs_and_tables_in_place(sign_in_to, new_user):
    """Drawing a graph or a table from nothing costs more than redrawing it: on the same sheet, a view change
    keeps them and sets their new figures and rows, and the sheet then shows exactly what a page opened on
    that view shows. Another sheet is drawn anew."""
    dash_duo = sign_in_to(new_user())
    wait_for_sheet(dash_duo, "overview")
    content = ids.SHEET_CONTENT
    assert dash_duo.driver.execute_script(MARK, content) >= 5  # four graphs and a table
    by_revenue = dash_duo.driver.execute_script(DRAWN, content)

    choose_metric(dash_duo, "Orders")
    until(lambda: dash_duo.driver.execute_script(DRAWN, content)["graphs"] != by_revenue["graphs"], timeout=15)
    settled(dash_duo)
    assert all(dash_duo.driver.execute_script(KEPT))
    in_place = dash_duo.driver.execute_script(DRAWN, content)
    assert in_place["tables"] != by_revenue["tables"]  # the top stores by orders

    dash_duo.driver.refresh()  # the address holds the view: a page opened on it
    wait_for_sheet(dash_duo, "overview")
    settled(dash_duo)
    assert metric(dash_duo) == "Orders"
    assert dash_duo.driver.execute_script(DRAWN, content) == in_place

    dash_duo.driver.execute_script(MARK, content)
    choose_sheet(dash_duo, "Store comparison", "store-comparison")
    settled(dash_duo)
    assert not any(dash_duo.driver.execute_script(KEPT))
    assert dash_duo.get_logs() == []


def test_wrm023_a_graph_the_view_change_leaves_as_it_was_is_not_drawn_again(sign_in_to, new_user):
    """The support calls do not depend on the metric: choosing another one redraws the graphs of sales and
    leaves the support trend's plot as it is (Plotly keeps what it decoded of a figure on the figure itself,
    which is no change of the figure)."""
    dash_duo = sign_in_to(new_user())
    wait_for_sheet(dash_duo, "overview")
    settled(dash_duo)
    by_revenue = dash_duo.driver.execute_script(DRAWN, ids.SHEET_CONTENT)
    dash_duo.driver.execute_script(RECORD_DRAWS)

    choose_metric(dash_duo, "Orders")
    until(lambda: dash_duo.driver.execute_script(DRAWN, ids.SHEET_CONTENT)["graphs"] != by_revenue["graphs"],
          timeout=15)
    settled(dash_duo)
    until(lambda: len(set(dash_duo.driver.execute_script("return window.vmDrawn"))) >= 3, timeout=15)
    drawn = dash_duo.driver.execute_script("return window.vmDrawn")
    assert sorted(set(drawn)) == ["category-sales", "state-map", "trend"], drawn
    by_orders = dash_duo.driver.execute_script(DRAWN, ids.SHEET_CONTENT)
    assert by_orders["graphs"][3] == by_revenue["graphs"][3]  # the support trend, drawn by revenue, still right
    assert dash_duo.get_logs() == []
