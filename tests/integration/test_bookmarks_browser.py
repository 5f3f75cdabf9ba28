"""Bookmarks in headless Chromium: the seed's flow end to end — add, banner name, Modified, update,
rename, default view in a fresh session, last state in a fresh session, delete, the Original untouchable —
plus the live URL (reload, back and forward), two tabs in conflict, reordering by keyboard, export and
import, and every demo user. Each test ends with no console errors."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from accounts.requests import accounts as accounts_of
from accounts.service import viewer_for
from bookmarks.service import bookmark_service
from bookmarks.ui import dom_id
from core import ids
from tests.integration.a11y import assert_accessible
from tests.integration.browser import click, now, wait_for_sheet

TOGGLE, NAME, TITLE, MODIFIED = (f"#{i}" for i in (ids.BOOKMARKS_TOGGLE, ids.BOOKMARK_NAME, ids.BANNER_TITLE,
                                                   ids.BANNER_MODIFIED))
TOASTS = f"#{ids.BOOKMARK_TOASTS}"


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


# Helpers ---------------------------------------------------------------------------------------------

def choose_metric(dash_duo, label: str, control: str = "metric"):
    """Chooses an option of a parameter shown as buttons (the restaurant's metric by default)."""
    close_pane(dash_duo)
    click(dash_duo, dash_duo.driver.find_element(
        By.XPATH, f"//div[@data-control='{control}']//label[normalize-space()='{label}']"))
    until(lambda: metric(dash_duo, control) == label, timeout=10)


def metric(dash_duo, control: str = "metric") -> str:
    """The checked option's label, read in one step in the page: a page being rebuilt (a route, back or
    forward) cannot leave a stale element between finding the label and reading it."""
    return dash_duo.driver.execute_script("""
        const chosen = document.querySelector(`[data-control='${arguments[0]}'] label:has(input:checked)`);
        return chosen ? chosen.innerText.trim() : "";
    """, control)


def choose_sheet(dash_duo, title: str, sheet_id: str):
    close_pane(dash_duo)
    click(dash_duo, dash_duo.driver.find_element(
        By.XPATH, f"//*[@id='{ids.SHEET_TABS}']//*[normalize-space()='{title}']"))
    wait_for_sheet(dash_duo, sheet_id)


def is_modified(dash_duo) -> bool:
    return dash_duo.find_element(MODIFIED).get_attribute("hidden") is None


def wait_modified(dash_duo, expected: bool):
    until(lambda: is_modified(dash_duo) == expected, timeout=10)


def open_pane(dash_duo):
    if not now(dash_duo, ".offcanvas.show"):
        dash_duo.find_element(TOGGLE).click()
    dash_duo.wait_for_element(f".offcanvas.show {NAME}")
    time.sleep(0.3)  # the slide-in transition


def close_pane(dash_duo):
    """Closes the bookmarks pane if it is open (its backdrop covers the page)."""
    if not now(dash_duo, ".offcanvas.show"):
        return
    dash_duo.find_element(".offcanvas.show .btn-close").click()
    until(lambda: not now(dash_duo, ".offcanvas.show"), timeout=5)


def add_bookmark(dash_duo, name: str):
    open_pane(dash_duo)
    field = dash_duo.find_element(NAME)
    field.send_keys(name, Keys.ENTER)
    dash_duo.wait_for_contains_text(TITLE, name, timeout=10)
    dash_duo.wait_for_contains_text(TOASTS, f"Saved “{name}”", timeout=10)


def listed(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(  # in one go: the list may be re-rendered meanwhile
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)",
        f"#{ids.BOOKMARK_LIST} .vm-bookmark-name")


def item(dash_duo, name: str):
    for element in dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.BOOKMARK_LIST} li.vm-bookmark"):
        if element.find_element(By.CSS_SELECTOR, ".vm-bookmark-name").text == name:
            return element
    raise AssertionError(f"no bookmark “{name}” in the pane: {listed(dash_duo)}")


def bookmark_id(dash_duo, name: str):
    value = item(dash_duo, name).get_attribute("data-bookmark")
    return int(value) if value.isdigit() else value


def by_id(dash_duo, component_id):
    """The element of a dict id, or None (selenium's By.ID cannot take the quotes of a JSON id)."""
    return dash_duo.driver.execute_script("return document.getElementById(arguments[0])", dom_id(component_id))


def action_element(dash_duo, name: str, action: str):
    return by_id(dash_duo, ids.bookmark_action(action, bookmark_id(dash_duo, name)))


def toggle_menu(dash_duo, name: str):
    """Opens or closes the ⋮ menu of bookmark ``name``."""
    item(dash_duo, name).find_element(By.CSS_SELECTOR, ".vm-bookmark-menu-toggle").click()


def open_menu(dash_duo, name: str, action: str):
    """Opens the ⋮ menu of bookmark ``name`` (the browser puts its items in) and returns its ``action`` item."""
    target = ids.bookmark_action(action, bookmark_id(dash_duo, name))
    toggle_menu(dash_duo, name)
    until(lambda: by_id(dash_duo, target) is not None and by_id(dash_duo, target).is_displayed(), timeout=5)
    return by_id(dash_duo, target)


def menu(dash_duo, name: str, action: str):
    """Opens the ⋮ menu of bookmark ``name`` and chooses ``action``."""
    open_pane(dash_duo)
    open_menu(dash_duo, name, action).click()


def apply_bookmark(dash_duo, name: str):
    open_pane(dash_duo)
    item(dash_duo, name).find_element(By.CSS_SELECTOR, ".vm-bookmark-apply").click()


def marked(dash_duo) -> list[str]:
    """The names on the pane's lines marked as applied: the line's class and its button's aria-current."""
    return dash_duo.driver.execute_script("""
        return [...document.querySelectorAll('.vm-bookmark')]
            .filter(li => li.classList.contains('vm-bookmark-active')
                          && li.querySelector('.vm-bookmark-apply').getAttribute('aria-current') === 'true')
            .map(li => li.querySelector('.vm-bookmark-name').textContent);
    """)


# Records the outputs of each callback request the page sends from now on (``window.__vmSent``).
RECORD_REQUESTS = """
window.__vmSent = [];
if (!window.__vmRecording) {
  window.__vmRecording = true;
  const original = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    if (url.includes("_dash-update-component") && init && typeof init.body === "string") {
      window.__vmSent.push(JSON.parse(init.body).output);
    }
    return original.apply(this, arguments);
  };
}
"""


def no_errors(dash_duo):
    assert dash_duo.get_logs() == []


# The seed's flow -------------------------------------------------------------------------------------

def test_bmui001_add_modify_update_rename_default_delete(sign_in_to, new_user):
    user = new_user()
    dash_duo = sign_in_to(user)
    assert dash_duo.find_element(TITLE).text == "Restaurant Operations" and not is_modified(dash_duo)
    assert dash_duo.find_element(TOGGLE).get_attribute("aria-label") == "Bookmarks"

    # Set a view and save it: the banner shows the bookmark's name, the dashboard's title stays.
    choose_sheet(dash_duo, "Store comparison", "store-comparison")
    choose_metric(dash_duo, "Orders")
    add_bookmark(dash_duo, "Orders by store")
    assert dash_duo.find_element(TITLE).text.startswith("Restaurant Operations")
    assert listed(dash_duo) == ["Original dashboard", "Orders by store"]
    assert not is_modified(dash_duo)
    assert_accessible(dash_duo, "the open bookmarks pane")
    close_pane(dash_duo)

    # Change a parameter: Modified; back to the saved value: not modified.
    choose_metric(dash_duo, "Average ticket")
    wait_modified(dash_duo, True)
    choose_metric(dash_duo, "Orders")
    wait_modified(dash_duo, False)

    # Change it again and Update the bookmark: Modified goes away.
    choose_metric(dash_duo, "Average ticket")
    wait_modified(dash_duo, True)
    menu(dash_duo, "Orders by store", "update")
    dash_duo.wait_for_contains_text(TOASTS, "Updated “Orders by store”", timeout=10)
    wait_modified(dash_duo, False)

    # Rename (Enter saves): the banner follows.
    menu(dash_duo, "Orders by store", "rename")
    field = dash_duo.wait_for_element(f"#{ids.RENAME_NAME}")
    until(lambda: field.is_displayed() and field.get_attribute("value") == "Orders by store", 5)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Ticket by store", Keys.ENTER)
    dash_duo.wait_for_contains_text(TITLE, "Ticket by store", timeout=10)
    until(lambda: listed(dash_duo) == ["Original dashboard", "Ticket by store"], timeout=10)

    # The Original cannot be renamed, updated, moved or deleted; a bookmark can be shared.
    original = ids.ORIGINAL_BOOKMARK
    open_menu(dash_duo, "Original dashboard", "default")
    for action in ("rename", "update", "delete", "up", "down"):
        assert by_id(dash_duo, ids.bookmark_action(action, original)) is None
    toggle_menu(dash_duo, "Original dashboard")  # closed again
    share = open_menu(dash_duo, "Ticket by store", "share")
    assert "disabled" not in share.get_attribute("class")
    toggle_menu(dash_duo, "Ticket by store")

    # Set as default: marked with a star, and a fresh session opens it whatever was done since.
    menu(dash_duo, "Ticket by store", "default")
    dash_duo.wait_for_contains_text(TOASTS, "is now your default view", timeout=10)
    until(lambda: item(dash_duo, "Ticket by store").find_elements(By.CSS_SELECTOR,
                                                                                 ".vm-default-mark"), 10)
    close_pane(dash_duo)
    dash_duo.find_element(f"#{ids.RESET_ORIGINAL}").click()
    until(lambda: metric(dash_duo) == "Revenue", timeout=10)
    until(lambda: dash_duo.find_element(TITLE).text == "Restaurant Operations", timeout=10)

    sign_in_to(user)
    dash_duo.wait_for_contains_text(TITLE, "Ticket by store", timeout=10)
    wait_for_sheet(dash_duo, "store-comparison")
    assert metric(dash_duo) == "Average ticket" and not is_modified(dash_duo)

    # Delete, after confirming: the default goes with it.
    menu(dash_duo, "Ticket by store", "delete")
    dash_duo.wait_for_text_to_equal(f"#{ids.DELETE_TEXT}",
                                    "Delete the bookmark “Ticket by store”? This cannot be undone.")
    dash_duo.find_element(f"#{ids.DELETE_CONFIRM}").click()
    dash_duo.wait_for_contains_text(TOASTS, "Deleted “Ticket by store”", timeout=10)
    until(lambda: listed(dash_duo) == ["Original dashboard"], timeout=10)
    until(lambda: dash_duo.find_element(TITLE).text == "Restaurant Operations", timeout=10)
    no_errors(dash_duo)


def test_bmui002_without_default_a_fresh_session_restores_the_last_state(sign_in_to, new_user):
    user = new_user()
    dash_duo = sign_in_to(user)
    choose_sheet(dash_duo, "Owner view", "owner-view")
    choose_metric(dash_duo, "Orders")
    until(lambda: "orders" in dash_duo.driver.current_url, timeout=10)  # saved with the URL

    sign_in_to(user)  # a new session, as in another browser
    wait_for_sheet(dash_duo, "owner-view")
    assert metric(dash_duo) == "Orders"
    # The address holds the view on screen from the start, not a bare /dashboards/restaurant.
    until(lambda: "orders" in dash_duo.driver.current_url, timeout=10)

    # Reset to original is one click away, and is then the state a new session restores.
    dash_duo.find_element(f"#{ids.RESET_ORIGINAL}").click()
    wait_for_sheet(dash_duo, "overview")
    until(lambda: metric(dash_duo) == "Revenue", timeout=10)
    until(lambda: "overview" in dash_duo.driver.current_url, timeout=10)
    sign_in_to(user)
    wait_for_sheet(dash_duo, "overview")
    assert metric(dash_duo) == "Revenue"
    no_errors(dash_duo)


def test_bmui003_original_as_default_beats_the_last_state(sign_in_to, new_user):
    user = new_user()
    dash_duo = sign_in_to(user)
    open_pane(dash_duo)
    original = ids.ORIGINAL_BOOKMARK
    item(dash_duo, "Original dashboard").find_element(By.CSS_SELECTOR, ".vm-bookmark-menu-toggle").click()
    until(lambda: by_id(dash_duo, ids.bookmark_action("default", original)).is_displayed(), timeout=5)
    by_id(dash_duo, ids.bookmark_action("default", original)).click()
    dash_duo.wait_for_contains_text(TOASTS, "The Original dashboard is now your default view", timeout=10)
    until(lambda: item(dash_duo, "Original dashboard").find_elements(By.CSS_SELECTOR,
                                                                                    ".vm-default-mark"), 10)
    close_pane(dash_duo)
    choose_metric(dash_duo, "Orders")
    until(lambda: "orders" in dash_duo.driver.current_url, timeout=10)
    sign_in_to(user)
    assert metric(dash_duo) == "Revenue"
    no_errors(dash_duo)


# The live URL ----------------------------------------------------------------------------------------

def test_bmui004_the_address_follows_the_view_for_reload_back_and_forward(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    choose_metric(dash_duo, "Orders")
    until(lambda: "orders" in dash_duo.driver.current_url, timeout=10)
    choose_metric(dash_duo, "Average ticket")
    until(lambda: "avg_ticket" in dash_duo.driver.current_url, timeout=10)
    state = json.loads(dash_duo.driver.execute_script(
        "return new URLSearchParams(window.location.search).get('state')"))
    assert state["parameters"]["metric"] == "avg_ticket" and state["dashboard"] == "restaurant"

    dash_duo.driver.back()
    until(lambda: metric(dash_duo) == "Orders", timeout=10)
    dash_duo.driver.back()
    until(lambda: metric(dash_duo) == "Revenue", timeout=10)  # the state the page opened with
    dash_duo.driver.forward()
    until(lambda: metric(dash_duo) == "Orders", timeout=10)
    dash_duo.driver.refresh()
    wait_for_sheet(dash_duo)
    assert metric(dash_duo) == "Orders" and "orders" in dash_duo.driver.current_url
    no_errors(dash_duo)


def test_bmui005_reloading_an_applied_bookmark_keeps_its_name(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    choose_metric(dash_duo, "Orders")
    add_bookmark(dash_duo, "Orders")
    close_pane(dash_duo)
    dash_duo.find_element(f"#{ids.RESET_ORIGINAL}").click()
    until(lambda: dash_duo.find_element(TITLE).text == "Restaurant Operations", timeout=10)
    apply_bookmark(dash_duo, "Orders")
    until(lambda: metric(dash_duo) == "Orders", timeout=10)
    dash_duo.wait_for_contains_text(TITLE, "Orders", timeout=10)
    dash_duo.wait_for_contains_text(TOASTS, "Showing “Orders”", timeout=10)
    until(lambda: "orders" in dash_duo.driver.current_url, timeout=10)
    # The pane marks the applied bookmark's line, and only it (the list itself is not sent again).
    until(lambda: marked(dash_duo) == ["Orders"], timeout=10)
    apply_bookmark(dash_duo, "Original dashboard")
    until(lambda: marked(dash_duo) == ["Original dashboard"], timeout=10)
    apply_bookmark(dash_duo, "Orders")
    until(lambda: marked(dash_duo) == ["Orders"], timeout=10)
    until(lambda: metric(dash_duo) == "Orders", timeout=10)
    dash_duo.wait_for_contains_text(TITLE, "Orders", timeout=10)
    until(lambda: "orders" in dash_duo.driver.current_url, timeout=10)
    dash_duo.driver.refresh()
    wait_for_sheet(dash_duo)
    dash_duo.wait_for_contains_text(TITLE, "Orders", timeout=10)
    no_errors(dash_duo)


# Beyond the seed -------------------------------------------------------------------------------------

def test_bmui006_a_stale_tab_gets_a_conflict_not_a_lost_update(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    driver = dash_duo.driver
    add_bookmark(dash_duo, "Shared")
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(dash_duo.server.url.rstrip("/") + "/dashboards/restaurant")
    wait_for_sheet(dash_duo)
    open_pane(dash_duo)  # the second tab shows version 1

    driver.switch_to.window(first)
    close_pane(dash_duo)
    choose_metric(dash_duo, "Orders")
    menu(dash_duo, "Shared", "update")
    dash_duo.wait_for_contains_text(TOASTS, "Updated “Shared”", timeout=10)

    # The second tab's pane is still open, showing version 1.
    second = [h for h in driver.window_handles if h != first][0]
    driver.switch_to.window(second)
    menu(dash_duo, "Shared", "update")
    dash_duo.wait_for_contains_text(TOASTS, "changed in another tab or window", timeout=10)
    # The pane now shows the latest version: updating again is a deliberate choice, and works.
    menu(dash_duo, "Shared", "update")
    dash_duo.wait_for_contains_text(TOASTS, "Updated “Shared”", timeout=10)
    no_errors(dash_duo)


def test_bmui007_reorder_with_the_keyboard_keeps_the_focus(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    for name, label in (("A", "Orders"), ("B", "Average ticket"), ("C", "Revenue")):
        choose_metric(dash_duo, label)
        add_bookmark(dash_duo, name)
    assert listed(dash_duo)[1:] == ["A", "B", "C"]
    assert action_element(dash_duo, "A", "up").get_attribute("disabled")
    assert action_element(dash_duo, "C", "down").get_attribute("disabled")

    action_element(dash_duo, "C", "up").send_keys(Keys.ENTER)
    until(lambda: listed(dash_duo)[1:] == ["A", "C", "B"], timeout=10)
    dash_duo.wait_for_contains_text(TOASTS, "“C” is now number 2 of 3", timeout=10)
    c_up = dom_id(ids.bookmark_action("up", bookmark_id(dash_duo, "C")))
    until(lambda: dash_duo.driver.switch_to.active_element.get_attribute("id") == c_up, 5)
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    until(lambda: listed(dash_duo)[1:] == ["C", "A", "B"], timeout=10)
    # At the top “up” is disabled: the focus moves to the bookmark's “down”.
    c_down = dom_id(ids.bookmark_action("down", bookmark_id(dash_duo, "C")))
    until(lambda: dash_duo.driver.switch_to.active_element.get_attribute("id") == c_down, 5)

    dash_duo.driver.refresh()
    wait_for_sheet(dash_duo)
    open_pane(dash_duo)
    assert listed(dash_duo)[1:] == ["C", "A", "B"]
    no_errors(dash_duo)


def test_bmui008_export_then_import_into_another_account(sign_in_to, new_user, dash_duo, tmp_path):
    dash_duo = sign_in_to(new_user())
    choose_metric(dash_duo, "Orders")
    add_bookmark(dash_duo, "Orders")
    choose_sheet(dash_duo, "Owner view", "owner-view")
    add_bookmark(dash_duo, "Owner")
    dash_duo.find_element(f"#{ids.BOOKMARKS_EXPORT}").click()
    exported = Path(dash_duo.download_path) / "viewmark-restaurant-bookmarks.json"
    until(exported.exists, timeout=10)
    dash_duo.wait_for_contains_text(TOASTS, "Exported 2 bookmarks", timeout=10)
    document = json.loads(exported.read_text())
    assert [b["name"] for b in document["bookmarks"]] == ["Orders", "Owner"]

    sign_in_to(new_user())
    open_pane(dash_duo)
    upload = dash_duo.find_element(f"#{ids.BOOKMARKS_IMPORT} input[type='file']")
    upload.send_keys(str(exported))
    dash_duo.wait_for_contains_text(TOASTS, "2 bookmarks imported", timeout=10)
    until(lambda: listed(dash_duo) == ["Original dashboard", "Orders", "Owner"], timeout=10)

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"bookmarks": [{"name": "Bad", "state": {"sheet": "no-such-sheet"}}]}))
    upload = dash_duo.find_element(f"#{ids.BOOKMARKS_IMPORT} input[type='file']")
    upload.send_keys(str(broken))
    dash_duo.wait_for_contains_text(TOASTS, "Nothing was imported", timeout=10)
    assert listed(dash_duo) == ["Original dashboard", "Orders", "Owner"]
    no_errors(dash_duo)


def test_bmui009_a_clashing_name_is_explained_and_nothing_is_lost(sign_in_to, new_user):
    dash_duo = sign_in_to(new_user())
    # Markup in a name is text wherever the name is shown: nothing in it runs.
    name, clash = "Year end <script>window.vmRan=1</script>", "YEAR END <SCRIPT>WINDOW.VMRAN=1</SCRIPT>"
    add_bookmark(dash_duo, name)
    field = dash_duo.find_element(NAME)
    field.send_keys(clash, Keys.ENTER)
    dash_duo.wait_for_contains_text(TOASTS, f"already have a bookmark named “{clash}”", timeout=10)
    assert field.get_attribute("value") == clash  # kept, to edit
    dash_duo.find_element(f"#{ids.BOOKMARK_ADD}").click()
    assert listed(dash_duo) == ["Original dashboard", name]
    assert dash_duo.driver.execute_script(
        "return [window.vmRan, document.querySelectorAll('#vm-bookmark-list script, #banner-title script').length]"
    ) == [None, 0]
    no_errors(dash_duo)


@pytest.mark.parametrize(("username", "dashboard_id", "control", "label"), [
    ("analyst", "restaurant", "metric", "Orders"), ("manager", "restaurant", "metric", "Orders"),
    ("partner", "gaming", "cohort_period", "Month"),
])
def test_bmui010_every_demo_user_saves_and_applies_bookmarks(sign_in_to, username, dashboard_id, control, label):
    from accounts.demo import DEMO_PASSWORD

    dash_duo = sign_in_to(username, f"/dashboards/{dashboard_id}", password=DEMO_PASSWORD)
    name = f"{label} {uuid.uuid4().hex[:6]}"
    choose_metric(dash_duo, label, control)
    add_bookmark(dash_duo, name)
    close_pane(dash_duo)
    dash_duo.find_element(f"#{ids.RESET_ORIGINAL}").click()
    until(lambda: metric(dash_duo, control) != label, timeout=10)
    apply_bookmark(dash_duo, name)
    until(lambda: metric(dash_duo, control) == label, timeout=10)
    dash_duo.wait_for_contains_text(TITLE, name, timeout=10)
    no_errors(dash_duo)


def test_bmui011_right_after_sign_in_the_address_holds_the_default_view(sign_in_to, new_user):
    user = new_user()
    dash_duo = sign_in_to(user)
    choose_metric(dash_duo, "Orders")
    add_bookmark(dash_duo, "Orders")
    close_pane(dash_duo)
    menu(dash_duo, "Orders", "default")
    dash_duo.wait_for_contains_text(TOASTS, "is now your default view", timeout=10)
    close_pane(dash_duo)
    choose_metric(dash_duo, "Average ticket")
    until(lambda: "avg_ticket" in dash_duo.driver.current_url, timeout=10)

    sign_in_to(user)  # the default opens, and the address says so
    assert metric(dash_duo) == "Orders"
    until(lambda: "orders" in dash_duo.driver.current_url, timeout=10)
    state = json.loads(dash_duo.driver.execute_script(
        "return new URLSearchParams(window.location.search).get('state')"))
    assert state["parameters"]["metric"] == "orders" and state["dashboard"] == "restaurant"
    dash_duo.driver.refresh()  # a reload opens what the address says
    wait_for_sheet(dash_duo)
    assert metric(dash_duo) == "Orders" and "orders" in dash_duo.driver.current_url
    no_errors(dash_duo)


def test_bmui012_add_clicked_as_the_view_changes_saves_the_view_chosen(sign_in_to, new_user, app):
    user = new_user()
    dash_duo = sign_in_to(user)
    open_pane(dash_duo)
    dash_duo.find_element(NAME).send_keys("Chosen")
    orders = dash_duo.driver.find_element(
        By.XPATH, "//div[@data-control='metric']//label[normalize-space()='Orders']")
    # Both clicks in one go: Add is clicked while the server is still answering the change of metric.
    dash_duo.driver.execute_script("arguments[0].click(); arguments[1].click();", orders,
                                   dash_duo.find_element(f"#{ids.BOOKMARK_ADD}"))
    dash_duo.wait_for_contains_text(TOASTS, "Saved “Chosen”", timeout=10)
    with app.server.test_request_context():
        saved = bookmark_service().list_bookmarks(viewer_for(accounts_of().get(user)), "restaurant")
    assert [(b.name, b.state["parameters"]["metric"]) for b in saved] == [("Chosen", "orders")]
    close_pane(dash_duo)
    wait_modified(dash_duo, False)  # the bookmark is the view on screen
    no_errors(dash_duo)


def test_bmui013_update_chosen_as_the_view_changes_saves_the_view_chosen(sign_in_to, new_user, app):
    user = new_user()
    dash_duo = sign_in_to(user)
    add_bookmark(dash_duo, "Chosen")
    update = ids.bookmark_action("update", bookmark_id(dash_duo, "Chosen"))
    item(dash_duo, "Chosen").find_element(By.CSS_SELECTOR, ".vm-bookmark-menu-toggle").click()
    until(lambda: by_id(dash_duo, update) is not None and by_id(dash_duo, update).is_displayed(), timeout=5)
    orders = dash_duo.driver.find_element(
        By.XPATH, "//div[@data-control='metric']//label[normalize-space()='Orders']")
    # Both clicks in one go: Update is chosen while the server is still answering the change of metric.
    dash_duo.driver.execute_script("arguments[0].click(); arguments[1].click();", orders, by_id(dash_duo, update))
    dash_duo.wait_for_contains_text(TOASTS, "Updated “Chosen”", timeout=10)
    with app.server.test_request_context():
        saved = bookmark_service().list_bookmarks(viewer_for(accounts_of().get(user)), "restaurant")
    assert [(b.name, b.version, b.state["parameters"]["metric"]) for b in saved] == [("Chosen", 2, "orders")]
    close_pane(dash_duo)
    wait_modified(dash_duo, False)  # the bookmark is the view on screen
    no_errors(dash_duo)


def test_bmui014_applying_is_one_request_and_reads_the_bookmark_as_saved_now(sign_in_to, new_user, app):
    """A click on a bookmark brings back its view, its name in the banner and the mark in the pane together;
    changed in another window since the pane was drawn, the bookmark is shown as saved now; deleted there, it
    is not applied: a toast says why, the pane lists what is left, and the view stays."""
    user = new_user()
    dash_duo = sign_in_to(user)
    choose_metric(dash_duo, "Orders")
    add_bookmark(dash_duo, "Kept")
    add_bookmark(dash_duo, "Gone")
    choose_metric(dash_duo, "Revenue")
    open_pane(dash_duo)  # drawn before the changes below: it still lists both, as saved at first
    with app.server.test_request_context():
        viewer = viewer_for(accounts_of().get(user))
        service = bookmark_service()
        saved = {b.name: b for b in service.list_bookmarks(viewer, "restaurant")}
        service.update(viewer, saved["Kept"].id, {"parameters": {"metric": "avg_ticket"}}, saved["Kept"].version)
        service.delete(viewer, saved["Gone"].id)
    dash_duo.driver.execute_script(RECORD_REQUESTS)
    apply_bookmark(dash_duo, "Kept")
    until(lambda: metric(dash_duo) == "Average ticket", timeout=10)
    dash_duo.wait_for_contains_text(TITLE, "Kept", timeout=10)
    dash_duo.wait_for_contains_text(TOASTS, "Showing “Kept”", timeout=10)
    until(lambda: marked(dash_duo) == ["Kept"], timeout=10)
    wait_modified(dash_duo, False)
    # The click's one request is the view's; the banner's and the address's follow it.
    sent = dash_duo.driver.execute_script("return window.__vmSent")
    assert sent[0].startswith(f"..{ids.VIEW_STATE}.data...") and f"{ids.ACTIVE_BOOKMARK}.data" in sent[0], sent
    assert [s.split("...")[0] for s in sent[1:]] == [f"..{ids.BANNER_TITLE}.children"], sent

    apply_bookmark(dash_duo, "Gone")
    dash_duo.wait_for_contains_text(TOASTS, "No such bookmark.", timeout=10)
    until(lambda: listed(dash_duo) == ["Original dashboard", "Kept"], timeout=10)
    assert metric(dash_duo) == "Average ticket" and "Kept" in dash_duo.find_element(TITLE).text
    assert marked(dash_duo) == ["Kept"] and not is_modified(dash_duo)
    no_errors(dash_duo)


def test_bmui015_a_new_list_sends_no_request_for_its_buttons(sign_in_to, new_user):
    """The pane's buttons ask the server only when clicked: opening the pane, adding a bookmark and making one
    the default each send their own request (and the banner's), not one per callback that the new list's
    buttons are clicks of (the default, the rename and delete dialogs, Share…)."""
    dash_duo = sign_in_to(new_user())
    add_bookmark(dash_duo, "First")
    close_pane(dash_duo)
    dash_duo.driver.execute_script(RECORD_REQUESTS)
    open_pane(dash_duo)
    until(lambda: listed(dash_duo) == ["Original dashboard", "First"], timeout=10)
    add_bookmark(dash_duo, "Second")
    until(lambda: listed(dash_duo) == ["Original dashboard", "First", "Second"], timeout=10)
    menu(dash_duo, "First", "default")
    dash_duo.wait_for_contains_text(TOASTS, "“First” is now your default view", timeout=10)
    time.sleep(0.5)  # a request the new list would send goes out at once
    outputs = dash_duo.driver.execute_script("return window.__vmSent")
    sent = [s.split("...")[0].strip(".").split("@")[0] for s in outputs]  # each request's first output
    assert sorted(sent) == sorted([
        f"{ids.BOOKMARKS_PANE}.is_open",  # the pane opened, with its list
        f"{ids.BOOKMARK_LIST}.children", f"{ids.BANNER_TITLE}.children",  # Second added; the banner names it
        f"{ids.BOOKMARK_LIST}.children",  # First made the default
    ]), sent
    assert open_menu(dash_duo, "First", "no-default").text == "Remove as default"  # the new list's menu
    time.sleep(0.5)
    assert len(dash_duo.driver.execute_script("return window.__vmSent")) == len(outputs)  # opening asks nothing
    no_errors(dash_duo)


def test_bmui016_a_menu_opened_from_the_keyboard_has_its_items(sign_in_to, new_user):
    """The ⋮ menu's items are put in as it opens (bookmarks.js, fillMenu), from the keyboard too: Enter opens
    it with its items, the arrow keys move into them and Enter chooses one."""
    dash_duo = sign_in_to(new_user())
    add_bookmark(dash_duo, "Keyed")
    toggle = item(dash_duo, "Keyed").find_element(By.CSS_SELECTOR, ".vm-bookmark-menu-toggle")
    # Named for screen readers by its words, shown to the eye as a ⋮ of no words of its own (vm-menu-toggle).
    assert toggle.accessible_name == "Actions for “Keyed”"
    glyph = dash_duo.driver.execute_script("return getComputedStyle(arguments[0], '::before').content", toggle)
    assert glyph.startswith('"⋮"') and glyph.endswith('""'), glyph
    outside = dash_duo.driver.execute_script("""
        const box = arguments[0].getBoundingClientRect(), range = document.createRange();
        range.selectNodeContents(arguments[0]);
        const words = range.getBoundingClientRect();
        return words.left >= box.right || words.right <= box.left;""", toggle)
    assert outside, "the toggle's words show inside its box, beside the ⋮"
    dash_duo.driver.execute_script("arguments[0].focus()", toggle)
    toggle.send_keys(Keys.ENTER)
    rename = ids.bookmark_action("rename", bookmark_id(dash_duo, "Keyed"))
    until(lambda: by_id(dash_duo, rename) is not None and by_id(dash_duo, rename).is_displayed(), timeout=5)
    texts = [e.text for e in item(dash_duo, "Keyed").find_elements(By.CSS_SELECTOR, ".dropdown-item")]
    assert texts == ["Rename", "Update with this view", "Set as default", "Share…", "Delete…"]
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    until(lambda: dash_duo.driver.switch_to.active_element.text == "Rename", timeout=5)
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    field = dash_duo.wait_for_element(f"#{ids.RENAME_NAME}")
    until(lambda: field.is_displayed() and field.get_attribute("value") == "Keyed", 5)
    no_errors(dash_duo)
