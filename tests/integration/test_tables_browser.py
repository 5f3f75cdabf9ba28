"""Table visuals on AG Grid in headless Chromium, under the app's Content-Security-Policy: a header click
sorts by the numbers (not their text), columns resize, and every script and style comes from the server."""

from __future__ import annotations

import pandas as pd
from dash import Dash, html
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains

from accounts.web import content_security_policy
from dashboards.table import data_grid

# Numeric order differs from the text's order in both columns: "$10.00" < "$100.25" < "$9.50" < "-$2.00".
FRAME = pd.DataFrame({"store": ["Nine", "Hundred", "Minus two", "Ten"], "revenue": [9.5, 100.25, -2.0, 10.0],
                      "orders": [9, 100, 2, 10]})

CELLS = """
const rows = Array.from(document.querySelectorAll('.ag-center-cols-container .ag-row'))
  .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')));
return rows.map(row => row.querySelector(`[col-id="${arguments[0]}"]`).textContent.trim());
"""


def grid_app() -> Dash:
    app = Dash(__name__, serve_locally=True)
    app.layout = html.Div(data_grid(FRAME, {"revenue": "money"}), style={"width": "900px"})

    @app.server.after_request
    def policy(response):
        response.headers["Content-Security-Policy"] = content_security_policy(app)
        return response

    return app


def column(dash_duo, field: str) -> list[str]:
    return dash_duo.driver.execute_script(CELLS, field)


def test_tbl101_a_header_click_sorts_by_number_under_the_csp(dash_duo):
    dash_duo.start_server(grid_app())
    dash_duo.wait_for_element(".ag-row .ag-cell[col-id='revenue']", timeout=15)
    assert column(dash_duo, "revenue") == ["$9.50", "$100.25", "-$2.00", "$10.00"]
    assert column(dash_duo, "orders") == ["9", "100", "2", "10"]

    header = dash_duo.find_element(".ag-header-cell[col-id='revenue'] .ag-header-cell-label")
    header.click()
    until(lambda: column(dash_duo, "revenue") == ["-$2.00", "$9.50", "$10.00", "$100.25"], timeout=5)
    header.click()
    until(lambda: column(dash_duo, "revenue") == ["$100.25", "$10.00", "$9.50", "-$2.00"], timeout=5)
    dash_duo.find_element(".ag-header-cell[col-id='orders'] .ag-header-cell-label").click()
    until(lambda: column(dash_duo, "orders") == ["2", "9", "10", "100"], timeout=5)

    # A column is resized by dragging its header's edge.
    cell = dash_duo.find_element(".ag-header-cell[col-id='store']")
    before = cell.size["width"]
    handle = dash_duo.find_element(".ag-header-cell[col-id='store'] .ag-header-cell-resize")
    ActionChains(dash_duo.driver).click_and_hold(handle).move_by_offset(60, 0).release().perform()
    until(lambda: cell.size["width"] >= before + 40, timeout=5)

    # Scripts, styles and the grid's lazily loaded code all come from the app itself.
    origin = dash_duo.server.url.rstrip("/")
    resources = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/dash_ag_grid/" in url for url in resources), resources
    assert [url for url in resources if not url.startswith(origin)] == []
    # A function AG Grid built with eval would have been refused by the policy, and logged.
    assert dash_duo.get_logs() == []
