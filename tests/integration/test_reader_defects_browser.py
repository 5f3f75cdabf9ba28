"""Defects a reader sees, in headless Chromium: a long bookmark name that widened the banner and the page,
a brand-restricted viewer's Brand filter reading "All", and a wrong password logged as a console error.

Each test ends with no console errors.
"""

from __future__ import annotations

import time

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import WebDriverException

from accounts.demo import DEMO_PASSWORD
from accounts.service import SIGN_IN_REFUSED
from core import ids
from tests.integration.a11y import assert_accessible
from tests.integration.browser import click, now, wait_for_sheet
from tests.integration.conftest import TEST_PASSWORD, Api, sign_in_client

TITLE = f"#{ids.BANNER_TITLE}"
# 100 characters and not one space: nothing for the browser to wrap at.
LONG_NAME = ("QuarterlyRevenueByStoreAndRegion_Texas_" * 3)[:100]
TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}
THROTTLED = "Too many failed sign-in attempts"


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


# Helpers ---------------------------------------------------------------------------------------------

def height(dash_duo, selector: str) -> float:
    return dash_duo.driver.execute_script(
        "return document.querySelector(arguments[0]).getBoundingClientRect().height", selector)


def one_line(dash_duo, selector: str) -> bool:
    return dash_duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return e.getBoundingClientRect().height < 1.5 * parseFloat(getComputedStyle(e).lineHeight)", selector)


def page_fits(dash_duo) -> bool:
    return dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth")


def brand_area(dash_duo) -> str:
    return dash_duo.find_element("[data-control='brand']").text


def severe(dash_duo) -> list:
    """The sign-in page is not a Dash page: its console errors, read from the browser's log."""
    return [e for e in dash_duo.driver.get_log("browser") if e["level"] == "SEVERE"]


def post_sign_in_form(dash_duo, username: str, password: str):
    """Posts the form and waits for the page that answers it (not the one it replaces)."""
    dash_duo.wait_for_element("#login-form")
    dash_duo.driver.execute_script("window.vmPosted = true")
    field = dash_duo.find_element("#username")
    field.clear()
    field.send_keys(username)
    dash_duo.find_element("#password").send_keys(password)
    dash_duo.find_element("#login-submit").click()

    def answered() -> bool:
        try:
            return dash_duo.driver.execute_script(
                "return window.vmPosted === undefined && document.readyState === 'complete'")
        except WebDriverException:  # between the two documents
            return False

    until(answered, timeout=15)


# 1. A long bookmark name -----------------------------------------------------------------------------

def test_rdr001_long_bookmark_name_is_truncated_in_banner_and_pane(sign_in_to, new_user, app):
    user = new_user()
    client = app.server.test_client()
    assert sign_in_client(client, user, TEST_PASSWORD).status_code == 303
    saved = Api(client).post("/api/v1/dashboards/restaurant/bookmarks", {"name": LONG_NAME, "state": TEXAS})
    assert saved.status_code == 201, saved.json

    dash_duo = sign_in_to(user)
    dash_duo.driver.set_window_size(1280, 900)
    until(lambda: dash_duo.driver.execute_script("return window.innerWidth") <= 1280, timeout=5)
    time.sleep(0.3)
    before = height(dash_duo, ".vm-banner")
    assert page_fits(dash_duo)

    dash_duo.find_element(f"#{ids.BOOKMARKS_TOGGLE}").click()
    dash_duo.wait_for_element(".offcanvas.show .vm-bookmark-list")
    time.sleep(0.3)  # the slide-in transition
    item = f"[data-bookmark='{saved.json['id']}']"
    name = dash_duo.find_element(f"{item} .vm-bookmark-name")
    # One line in the pane, as high as the Original's, cut with an ellipsis; the full name as a tooltip.
    assert abs(height(dash_duo, item) - height(dash_duo, f"[data-bookmark='{ids.ORIGINAL_BOOKMARK}']")) <= 2
    assert name.value_of_css_property("text-overflow") == "ellipsis"
    assert dash_duo.driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", name)
    assert name.get_attribute("title") == LONG_NAME

    click(dash_duo, dash_duo.find_element(f"{item} .vm-bookmark-apply"))
    until(lambda: LONG_NAME in dash_duo.find_element(TITLE).get_attribute("textContent"), timeout=10)
    wait_for_sheet(dash_duo, "store-comparison")
    dash_duo.find_element(".offcanvas.show .btn-close").click()
    until(lambda: not now(dash_duo, ".offcanvas.show"), timeout=5)

    assert page_fits(dash_duo), "the page scrolls sideways"
    assert height(dash_duo, ".vm-banner") == before, "the banner grew"
    assert one_line(dash_duo, TITLE)
    # The name is cut with an ellipsis after the dashboard's title; the whole of it is the tooltip.
    cut = dash_duo.find_element(f"{TITLE} .vm-banner-bookmark")
    assert cut.value_of_css_property("text-overflow") == "ellipsis"
    assert dash_duo.driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", cut)
    assert cut.size["width"] > 40, "nothing of the name is shown"
    assert LONG_NAME in dash_duo.find_element(TITLE).get_attribute("title")
    assert dash_duo.get_logs() == []


# 2. The brand-restricted viewer's Brand filter --------------------------------------------------------

def test_rdr002_partner_sees_their_brand_restriction_at_the_brand_filter(sign_in_to):
    dash_duo = sign_in_to("partner", "/dashboards/gaming", password=DEMO_PASSWORD)
    until(lambda: "Aurora Casino" in brand_area(dash_duo), timeout=5)
    assert "your access" in brand_area(dash_duo)
    assert dash_duo.get_logs() == []


def test_rdr003_unrestricted_viewer_sees_no_restriction_note(sign_in_to):
    dash_duo = sign_in_to("analyst", "/dashboards/gaming", password=DEMO_PASSWORD)
    area = brand_area(dash_duo)
    assert "Brand" in area
    assert "Aurora Casino" not in area and "your access" not in area
    assert dash_duo.get_logs() == []


# 3. A wrong password ---------------------------------------------------------------------------------

def test_rdr004_wrong_password_shows_the_message_without_a_console_error(dash_duo, app):
    dash_duo.start_server(app, navigate=False)
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/login")
    post_sign_in_form(dash_duo, "analyst", "not the password")
    dash_duo.wait_for_text_to_equal("#login-error", SIGN_IN_REFUSED)
    assert dash_duo.find_element("#login-error").is_displayed()
    assert dash_duo.find_element("#username").get_attribute("value") == "analyst"
    assert_accessible(dash_duo, "the sign-in page with its message")
    assert severe(dash_duo) == []


def test_rdr005_throttled_sign_in_shows_its_message_without_a_console_error(dash_duo, make_app):
    dash_duo.start_server(make_app(), navigate=False)
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/login")
    for _ in range(5):
        post_sign_in_form(dash_duo, "manager", "not the password")
        dash_duo.wait_for_text_to_equal("#login-error", SIGN_IN_REFUSED)
    post_sign_in_form(dash_duo, "manager", DEMO_PASSWORD)
    until(lambda: THROTTLED in dash_duo.find_element("#login-error").text, timeout=10)
    assert severe(dash_duo) == []
