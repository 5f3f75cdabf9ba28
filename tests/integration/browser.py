"""Small helpers for the browser tests: waiting for a sheet and clicking like a person."""

from __future__ import annotations

import time

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By


def now(dash_duo, selector: str, by: str = By.CSS_SELECTOR) -> list:
    """The elements ``selector`` finds at once, without the driver's implicit wait (dash.testing sets 2 s):
    a search that finds nothing would wait for it in full, so every check that something is gone would
    cost that long. The wait the driver had is set again afterwards."""
    driver = dash_duo.driver
    implicit = driver.timeouts.implicit_wait
    driver.implicitly_wait(0)
    try:
        return driver.find_elements(by, selector)
    finally:
        driver.implicitly_wait(implicit)


def wait_for_sheet(dash_duo, sheet_id: str | None = None, timeout: int = 30) -> None:
    """Waits until the sheet (any, or ``sheet_id``) is drawn and nothing is loading any more."""
    selector = f".vm-sheet[data-sheet='{sheet_id}']" if sheet_id else ".vm-sheet"
    dash_duo.wait_for_element(selector, timeout=timeout)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not now(dash_duo, "[data-dash-is-loading='true']"):
            return
        time.sleep(0.1)
    raise AssertionError("the sheet kept loading")


def click(dash_duo, element) -> None:
    # Bootstrap scrolls smoothly: jump instead, so the click lands where the element is.
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def text_of(dash_duo, selector: str) -> str:
    """The element's text, or "" while it is being replaced (a re-rendered sheet detaches the old one)."""
    try:
        return dash_duo.find_element(selector).text
    except (StaleElementReferenceException, NoSuchElementException):
        return ""
