"""Click-to-filter and the applied-filter chips in headless Chromium, in one page: a click on a map state
filters (chip, control, KPIs), a bookmark keeps the click's filter through a reset, and a chip's × clears it."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains

from core import ids
from tests.integration.a11y import assert_accessible
from tests.integration.browser import text_of, wait_for_sheet
from tests.integration.test_bookmarks_browser import add_bookmark, apply_bookmark, close_pane

SUMMARY = f"#{ids.FILTER_SUMMARY}"


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


def chips(dash_duo) -> list[str]:
    """The chips' words, or the line saying that none is applied (read in one go: they are re-rendered)."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)",
        f"{SUMMARY} .vm-chip-text, {SUMMARY} .vm-filter-none")


def kpis(dash_duo) -> str:
    return text_of(dash_duo, "[data-visual='kpis']")


def state_control(dash_duo) -> str:
    return text_of(dash_duo, ".vm-control[data-control='state']")


def click_state(dash_duo, code: str) -> None:
    """Clicks the middle of a state on the map, as the mouse would (its label sits there too)."""
    shape = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(\"[data-visual='state-map'] path.choroplethlocation\"))"
        ".find(p => p.__data__ && p.__data__.loc === arguments[0])", code)
    assert shape is not None, f"no {code} on the map"
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", shape)
    ActionChains(dash_duo.driver).move_to_element(shape).click().perform()


def test_clk001_a_map_click_filters_survives_a_bookmark_and_one_click_on_its_chip_clears_it(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    wait_for_sheet(dash_duo, "overview")
    assert chips(dash_duo) == ["No filters applied"]
    everywhere = kpis(dash_duo)

    click_state(dash_duo, "PA")
    until(lambda: chips(dash_duo) == ["State: Pennsylvania"], timeout=15)
    until(lambda: kpis(dash_duo) not in ("", everywhere), timeout=15)
    assert "Pennsylvania" in state_control(dash_duo)
    assert_accessible(dash_duo, "the applied-filter chips", SUMMARY)
    pennsylvania = kpis(dash_duo)

    add_bookmark(dash_duo, "Pennsylvania")
    close_pane(dash_duo)
    dash_duo.find_element(f"#{ids.RESET_ORIGINAL}").click()
    until(lambda: chips(dash_duo) == ["No filters applied"], timeout=10)
    until(lambda: kpis(dash_duo) == everywhere, timeout=15)

    apply_bookmark(dash_duo, "Pennsylvania")
    until(lambda: chips(dash_duo) == ["State: Pennsylvania"], timeout=10)
    until(lambda: kpis(dash_duo) == pennsylvania, timeout=15)
    close_pane(dash_duo)

    remove = dash_duo.find_element(f"{SUMMARY} [aria-label='Remove State: Pennsylvania']")
    remove.click()
    until(lambda: chips(dash_duo) == ["No filters applied"], timeout=10)
    until(lambda: kpis(dash_duo) == everywhere, timeout=15)
    assert "Pennsylvania" not in state_control(dash_duo)
    assert dash_duo.get_logs() == []


def test_clk002_clicking_the_same_mark_again_clears_its_filter(sign_in_to, new_user):
    """The other graphs are updated in place after a click, but the clicked one is drawn anew: clicking the
    same mark again is then a new click, which clears the filter."""
    dash_duo = sign_in_to(new_user())
    wait_for_sheet(dash_duo, "overview")
    everywhere = kpis(dash_duo)
    click_state(dash_duo, "PA")
    until(lambda: chips(dash_duo) == ["State: Pennsylvania"], timeout=15)
    until(lambda: kpis(dash_duo) not in ("", everywhere), timeout=15)
    wait_for_sheet(dash_duo, "overview")
    click_state(dash_duo, "PA")
    until(lambda: chips(dash_duo) == ["No filters applied"], timeout=15)
    until(lambda: kpis(dash_duo) == everywhere, timeout=15)
    assert dash_duo.get_logs() == []
