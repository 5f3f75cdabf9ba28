"""Sharing in headless Chromium: the share dialog from the banner (an absolute ``/s/`` link, Copy says
Copied), from a bookmark's ⋮ menu, the expiry choice making another link, *My shared links* (times
opened, Revoke), and the whole flow between two users: the analyst shares a filtered view, the manager opens
it, sees who shared it and the analyst's filters, keeps it as a bookmark, and learns on their next action
that the analyst revoked it. Each test ends with no console errors."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from accounts.demo import DEMO_PASSWORD
from accounts.requests import CSRF_COOKIE
from core import ids
from db.base import utcnow
from shares.service import GONE
from shares.ui import day
from tests.integration.a11y import assert_accessible
from tests.integration.browser import click, now, text_of, wait_for_sheet
from tests.integration.conftest import TEST_PASSWORD
from tests.integration.test_bookmarks_browser import (
    add_bookmark,
    choose_metric,
    close_pane,
    listed,
    menu,
    metric,
    open_pane,
)
from views.url import state_search

DIALOG = f"#{ids.SHARE_DIALOG}"
URL, COPIED, EXPIRES = (f"#{i}" for i in (ids.SHARE_URL, ids.SHARE_COPIED, ids.SHARE_EXPIRES))
TOASTS = f"#{ids.BOOKMARK_TOASTS}"
TEXAS_ORDERS = {"dashboard": "restaurant", "sheet": "store-comparison", "filters": {"state": ["Texas"]},
                "parameters": {"metric": "orders"}}


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def api_as(app, sign_in):
    """A Flask test client signed in as ``username`` — another browser, as far as the server knows."""

    def api_as(username: str, password: str = DEMO_PASSWORD):
        client = app.server.test_client()
        assert sign_in(client, username, password).status_code == 303
        client.get("/")
        return client, {"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value}

    return api_as


# Helpers ---------------------------------------------------------------------------------------------

def link_shown(dash_duo, other_than: str | None = None) -> str:
    """The link in the open share dialog, once it is there (and differs from ``other_than``)."""
    dash_duo.wait_for_element(f".modal.show {URL}", timeout=10)

    def shown():
        value = dash_duo.find_element(URL).get_attribute("value") or ""
        return value if "/s/" in value and value != other_than else None

    until(shown, timeout=10)
    return shown()


def share_view(dash_duo) -> str:
    """Share in the banner: the dialog opens with the link to the view on screen."""
    close_pane(dash_duo)
    click(dash_duo, dash_duo.find_element(f"#{ids.SHARE_OPEN}"))
    return link_shown(dash_duo)


def close_dialog(dash_duo):
    dash_duo.find_element(f"{DIALOG} .btn-close").click()
    until(lambda: not now(dash_duo, ".modal.show"), timeout=5)


def token_of(link: str) -> str:
    return link.rsplit("/s/", 1)[1]


def choose_expiry(dash_duo, label: str):
    Select(dash_duo.find_element(f"#{ids.SHARE_EXPIRY}")).select_by_visible_text(label)


def open_my_links(dash_duo):
    open_pane(dash_duo)
    click(dash_duo, dash_duo.find_element(f"#{ids.SHARES_OPEN}"))
    dash_duo.wait_for_element(f".modal.show #{ids.SHARES_LIST}", timeout=10)


def row(dash_duo, token: str):
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.SHARES_LIST} tr[data-token='{token}']")
    return rows[0] if rows else None


def row_cells(dash_duo, token: str) -> list[str]:
    return dash_duo.driver.execute_script(  # in one go: the list may be re-rendered meanwhile
        "const r = document.querySelector(arguments[0]);"
        "return r ? Array.from(r.cells).map(c => c.textContent.trim()) : [];",
        f"#{ids.SHARES_LIST} tr[data-token='{token}']")


def selected_states(dash_duo) -> str:
    return text_of(dash_duo, "[data-control='state']")


def no_errors(dash_duo):
    assert dash_duo.get_logs() == []


# The share dialog ------------------------------------------------------------------------------------

def test_shbr001_share_from_the_banner_shows_the_link_and_copy_says_copied(sign_in_to, new_user):
    user = new_user()
    dash_duo = sign_in_to(user)
    share = dash_duo.find_element(f"#{ids.SHARE_OPEN}")
    assert share.get_attribute("aria-label") == "Share" and "Share" in share.get_attribute("textContent")
    choose_metric(dash_duo, "Orders")

    link = share_view(dash_duo)
    assert re.fullmatch(re.escape(dash_duo.server.url.rstrip("/")) + r"/s/[A-Za-z0-9_-]{32}", link), link
    assert dash_duo.find_element(URL).get_attribute("readonly") is not None
    dash_duo.wait_for_text_to_equal(EXPIRES, "The link never expires.", timeout=10)
    assert dash_duo.find_element(COPIED).text == ""
    assert_accessible(dash_duo, "the share dialog")

    dash_duo.find_element(f"#{ids.SHARE_COPY}").click()
    dash_duo.wait_for_text_to_equal(COPIED, "Copied", timeout=5)
    assert dash_duo.find_element(COPIED).is_displayed()

    # The clipboard holds the link: pasted into the bookmark name field, there it is.
    # The focus is back on Copy, and Esc closes the dialog.
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == ids.SHARE_COPY
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    until(lambda: not now(dash_duo, ".modal.show"), timeout=5)
    open_pane(dash_duo)
    field = dash_duo.find_element(f"#{ids.BOOKMARK_NAME}")
    field.click()
    field.send_keys(Keys.CONTROL, "v")
    until(lambda: field.get_attribute("value") == link, timeout=5)
    field.clear()
    close_pane(dash_duo)

    # Sharing the same view again gives the same link; the dialog forgets the last Copied.
    assert share_view(dash_duo) == link
    assert dash_duo.find_element(COPIED).text == ""
    close_dialog(dash_duo)

    # The link opens the view that was shared, saying whose it is.
    choose_metric(dash_duo, "Average ticket")
    dash_duo.driver.get(link)
    wait_for_sheet(dash_duo)
    dash_duo.wait_for_contains_text(f"#{ids.SHARE_OWNER}", f"Shared by {user} · {day(utcnow())}", timeout=10)
    assert metric(dash_duo) == "Orders"
    no_errors(dash_duo)


def test_shbr002_share_a_bookmark_from_its_menu(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    choose_metric(dash_duo, "Orders")
    add_bookmark(dash_duo, "Orders by month")
    menu(dash_duo, "Orders by month", "share")
    bookmark_link = link_shown(dash_duo)
    dash_duo.wait_for_contains_text(f"#{ids.SHARE_INTRO}", "the bookmark “Orders by month”", timeout=10)
    close_dialog(dash_duo)

    # The bookmark's link is its own: sharing the same view from the banner makes another (unnamed) one.
    view_link = share_view(dash_duo)
    assert view_link != bookmark_link
    assert "the bookmark" not in dash_duo.find_element(f"#{ids.SHARE_INTRO}").text
    close_dialog(dash_duo)

    # Opened, the bookmark's link is named after it.
    dash_duo.driver.get(bookmark_link)
    wait_for_sheet(dash_duo)
    dash_duo.wait_for_contains_text(f"#{ids.SHARE_OWNER}", "“Orders by month”", timeout=10)
    assert metric(dash_duo) == "Orders"
    no_errors(dash_duo)


def test_shbr003_another_expiry_makes_another_link(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    never = share_view(dash_duo)
    assert Select(dash_duo.find_element(f"#{ids.SHARE_EXPIRY}")).first_selected_option.text == "Never"
    choices = [o.text for o in Select(dash_duo.find_element(f"#{ids.SHARE_EXPIRY}")).options if o.is_enabled()]
    assert choices == ["Never", "1 day", "7 days", "30 days"]

    choose_expiry(dash_duo, "7 days")
    week = link_shown(dash_duo, other_than=never)
    in_a_week = utcnow() + timedelta(days=7)
    dash_duo.wait_for_contains_text(EXPIRES, f"The link stops working on {day(in_a_week)}", timeout=10)

    choose_expiry(dash_duo, "1 day")
    one_day = link_shown(dash_duo, other_than=week)
    assert one_day != never
    dash_duo.wait_for_contains_text(EXPIRES, f"on {day(utcnow() + timedelta(days=1))}", timeout=10)

    # Never again: the view's one unexpiring link comes back.
    choose_expiry(dash_duo, "Never")
    until(lambda: dash_duo.find_element(URL).get_attribute("value") == never, timeout=10)
    dash_duo.wait_for_text_to_equal(EXPIRES, "The link never expires.", timeout=10)

    # Opening the dialog again starts from Never.
    choose_expiry(dash_duo, "30 days")
    link_shown(dash_duo, other_than=never)
    close_dialog(dash_duo)
    assert share_view(dash_duo) == never
    assert Select(dash_duo.find_element(f"#{ids.SHARE_EXPIRY}")).first_selected_option.text == "Never"
    no_errors(dash_duo)


# My shared links -------------------------------------------------------------------------------------

def test_shbr004_my_shared_links_counts_openings_and_revoke_ends_a_link(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    open_my_links(dash_duo)
    dash_duo.wait_for_contains_text(f"#{ids.SHARES_LIST}", "You have not shared any links yet", timeout=10)
    close_dialog_named(dash_duo, ids.SHARES_DIALOG)

    choose_metric(dash_duo, "Orders")
    add_bookmark(dash_duo, "Weekly")
    menu(dash_duo, "Weekly", "share")
    named = token_of(link_shown(dash_duo))
    close_dialog(dash_duo)
    link = share_view(dash_duo)
    token = token_of(link)
    close_dialog(dash_duo)
    for _ in range(2):  # opened twice
        dash_duo.driver.get(link)
        wait_for_sheet(dash_duo)
        dash_duo.wait_for_element(f"#{ids.SHARE_OWNER}")

    open_my_links(dash_duo)
    until(lambda: row(dash_duo, token) is not None, timeout=10)
    cells = row_cells(dash_duo, token)
    assert cells[0] == "Restaurant Operations"
    assert cells[1] == "A view of Overview"
    assert cells[2].startswith(day(utcnow())) and cells[3] == "Never"
    assert cells[4:7] == ["2 times", "live", "Revoke"]
    assert row_cells(dash_duo, named)[1] == "“Weekly”" and row_cells(dash_duo, named)[4] == "0 times"
    # Newest first.
    tokens = [r.get_attribute("data-token") for r in
              dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.SHARES_LIST} tr[data-token]")]
    assert tokens == [token, named]

    revoke = row(dash_duo, token).find_element(By.CSS_SELECTOR, "button")
    assert revoke.get_attribute("aria-label") == "Revoke the link to A view of Overview"
    revoke.click()
    dash_duo.wait_for_contains_text(TOASTS, "Link revoked", timeout=10)
    until(lambda: row_cells(dash_duo, token)[5:] == ["revoked", ""], timeout=10)
    assert row_cells(dash_duo, named)[5:] == ["live", "Revoke"]  # the other link lives on
    close_dialog_named(dash_duo, ids.SHARES_DIALOG)

    # The revoked link opens nothing, for its owner too (the page answers 404: the one log expected).
    dash_duo.driver.get(link)
    dash_duo.wait_for_element(f"#{ids.LINK_GONE}", timeout=10)
    logs = dash_duo.get_logs()
    assert [e for e in logs if not (e["source"] == "network" and f"{link} - " in e["message"]
                                    and "status of 404" in e["message"])] == [], logs


def close_dialog_named(dash_duo, dialog_id: str):
    dash_duo.find_element(f"#{dialog_id} .btn-close").click()
    until(lambda: not now(dash_duo, ".modal.show"), timeout=5)


# From one user to another ----------------------------------------------------------------------------

def test_shbr005_shared_opened_saved_then_revoked_while_open(sign_in_to, api_as):
    # The analyst shares a filtered view.
    state = state_search(json.dumps(TEXAS_ORDERS, separators=(",", ":")))
    dash_duo = sign_in_to("analyst", f"/dashboards/restaurant{state}", password=DEMO_PASSWORD)
    wait_for_sheet(dash_duo, "store-comparison")
    until(lambda: "Texas" in selected_states(dash_duo), timeout=10)
    link = share_view(dash_duo)
    token = token_of(link)

    # The manager, in a fresh session, signs in on the link and sees the analyst's view.
    sign_in_to("manager", f"/s/{token}", password=DEMO_PASSWORD)
    wait_for_sheet(dash_duo, "store-comparison")
    assert dash_duo.driver.current_url == link
    dash_duo.wait_for_text_to_equal(f"#{ids.SHARE_OWNER}", f"Shared by analyst · {day(utcnow())}", timeout=10)
    assert "Texas" in selected_states(dash_duo) and metric(dash_duo) == "Orders"

    # … and keeps it as a bookmark.
    save = dash_duo.find_element(f"#{ids.SHARE_SAVE}")
    assert save.text == "Save as my bookmark" and save.is_enabled()
    save.click()
    name = dash_duo.wait_for_element(f".modal.show #{ids.SAVE_SHARE_NAME}", timeout=10)
    until(lambda: name.get_attribute("value") == "View shared by analyst", timeout=10)
    dash_duo.find_element(f"#{ids.SAVE_SHARE_CONFIRM}").click()
    dash_duo.wait_for_contains_text(TOASTS, "Saved “View shared by analyst” to your bookmarks", timeout=10)
    until(lambda: not now(dash_duo, ".modal.show"), timeout=5)
    open_pane(dash_duo)
    until(lambda: "View shared by analyst" in listed(dash_duo), timeout=10)
    close_pane(dash_duo)
    assert text_of(dash_duo, f"#{ids.SHARE_GONE}") == ""

    # The analyst revokes the link (from another browser); the manager's next action is told so.
    client, headers = api_as("analyst")
    assert client.delete(f"/api/v1/shares/{token}", headers=headers).status_code == 204
    choose_metric(dash_duo, "Average ticket")
    dash_duo.wait_for_text_to_equal(f"#{ids.SHARE_GONE}", GONE, timeout=10)
    assert dash_duo.find_element(f"#{ids.SHARE_GONE}").is_displayed()
    assert not dash_duo.find_element(f"#{ids.SHARE_SAVE}").is_enabled()
    # What they saved stays theirs, and their view keeps working.
    assert metric(dash_duo) == "Average ticket"
    open_pane(dash_duo)
    assert "View shared by analyst" in listed(dash_duo)
    no_errors(dash_duo)


def test_shbr006_saving_a_link_revoked_meanwhile_says_it_is_gone(sign_in_to, api_as, new_user):
    owner = new_user()
    dash_duo = sign_in_to(owner)
    choose_metric(dash_duo, "Orders")
    add_bookmark(dash_duo, "Orders")
    menu(dash_duo, "Orders", "share")
    token = token_of(link_shown(dash_duo))

    sign_in_to("manager", f"/s/{token}", password=DEMO_PASSWORD)
    dash_duo.wait_for_contains_text(f"#{ids.SHARE_OWNER}", f"Shared by {owner}", timeout=10)
    assert "“Orders”" in dash_duo.find_element(f"#{ids.SHARE_OWNER}").text

    client, headers = api_as(owner, TEST_PASSWORD)
    assert client.delete(f"/api/v1/shares/{token}", headers=headers).status_code == 204
    dash_duo.find_element(f"#{ids.SHARE_SAVE}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.SHARE_GONE}", GONE, timeout=10)
    assert not dash_duo.find_element(f"#{ids.SHARE_SAVE}").is_enabled()
    assert not now(dash_duo, ".modal.show")  # no save dialog
    no_errors(dash_duo)


def test_shbr007_the_address_keeps_the_link_until_the_view_changes(sign_in_to, api_as):
    client, headers = api_as("analyst")
    answer = client.post("/api/v1/dashboards/restaurant/shares", json={"state": TEXAS_ORDERS}, headers=headers)
    token = answer.get_json()["token"]
    dash_duo = sign_in_to("manager", f"/s/{token}", password=DEMO_PASSWORD)
    wait_for_sheet(dash_duo, "store-comparison")
    assert dash_duo.driver.current_url.endswith(f"/s/{token}") and metric(dash_duo) == "Orders"
    owner = dash_duo.find_element(f"#{ids.SHARE_OWNER}")

    # A change makes it the viewer's own view of the dashboard: its address, and the same page on screen.
    choose_metric(dash_duo, "Average ticket")
    until(lambda: "/dashboards/restaurant?state=" in dash_duo.driver.current_url, timeout=10)
    assert "avg_ticket" in dash_duo.driver.current_url and owner.is_displayed()  # not rebuilt (not stale)
    # Back returns to the link and its view; forward to the change.
    dash_duo.driver.back()
    until(lambda: dash_duo.driver.current_url.endswith(f"/s/{token}"), timeout=10)
    wait_for_sheet(dash_duo, "store-comparison")
    until(lambda: metric(dash_duo) == "Orders", timeout=10)
    dash_duo.driver.forward()
    until(lambda: metric(dash_duo) == "Average ticket", timeout=10)
    # A reload of the changed view opens it, with no trace of the link.
    dash_duo.driver.refresh()
    wait_for_sheet(dash_duo, "store-comparison")
    assert metric(dash_duo) == "Average ticket" and not now(dash_duo, ids.SHARE_OWNER, By.ID)
    no_errors(dash_duo)


def test_shbr008_share_clicked_as_the_view_changes_shares_the_view_chosen(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    orders = dash_duo.driver.find_element(
        By.XPATH, "//div[@data-control='metric']//label[normalize-space()='Orders']")
    # Both clicks in one go: Share is clicked while the server is still answering the change of metric.
    dash_duo.driver.execute_script("arguments[0].click(); arguments[1].click();", orders,
                                   dash_duo.find_element(f"#{ids.SHARE_OPEN}"))
    link = link_shown(dash_duo)
    close_dialog(dash_duo)
    wait_for_sheet(dash_duo)
    assert metric(dash_duo) == "Orders"
    # Sharing the view once it has settled gives the same link: the first one was of Orders too.
    assert share_view(dash_duo) == link
    close_dialog(dash_duo)
    dash_duo.driver.get(link)
    wait_for_sheet(dash_duo)
    until(lambda: metric(dash_duo) == "Orders", timeout=10)
    no_errors(dash_duo)
