"""In headless Chromium: a dashboard opens with its sheet, and each view change — a control, a bookmark applied, a
chip's ×, a sheet tab, a slide — computes its visuals in one request to the server."""

from __future__ import annotations

import json

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from core import ids
from tests.integration.browser import click, wait_for_sheet
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
SHEET = f"{ids.SHEET_CONTENT}.children"
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
    until(lambda: not dash_duo.driver.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']"), timeout=20)


def one_request_for_the_sheet(dash_duo) -> None:
    """Exactly one request asked for visuals, and it also brought the chips: nothing else computed them."""
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
