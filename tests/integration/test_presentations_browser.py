"""The presentations page in headless Chromium: a presentation made from bookmarks of both dashboards,
listed with its slide count; its slides reordered with the keyboard in the editor; renamed, duplicated and
deleted from its ⋮ menu; a pasted shared link as a slide (in the New form and in the editor); a stale editor
told of the conflict; the empty state and the inline errors. Each test ends with no console errors."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from bookmarks.ui import dom_id
from core import ids
from tests.integration.browser import click, now
from tests.integration.conftest import TEST_PASSWORD, Api, sign_in_client

LIST, TOASTS = f"#{ids.PRESENTATION_LIST}", f"#{ids.PRESENTATION_TOASTS}"
EDITOR = f"#{ids.EDITOR_DIALOG}"
RESTAURANT = {"Orders by month": {"sheet": "overview", "parameters": {"metric": "orders", "grain": "month"}},
              "Store comparison": {"sheet": "store-comparison", "parameters": {"metric": "revenue"}}}
GAMING = {"KPIs": {"sheet": "kpis"}}


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def api_as(app):
    """A JSON API client signed in as ``username`` (a user ``new_user`` made)."""

    def api_as(username: str) -> Api:
        client = app.server.test_client()
        assert sign_in_client(client, username, TEST_PASSWORD).status_code == 303
        return Api(client)

    return api_as


@pytest.fixture
def author(new_user, api_as):
    """A new user with two bookmarks of the restaurant dashboard and one of the gaming dashboard."""
    name = new_user()
    api = api_as(name)
    for dashboard, bookmarks in (("restaurant", RESTAURANT), ("gaming", GAMING)):
        for title, state in bookmarks.items():
            response = api.post(f"/api/v1/dashboards/{dashboard}/bookmarks", {"name": title, "state": state})
            assert response.status_code == 201, response.json
    return name


# Helpers ---------------------------------------------------------------------------------------------

def open_page(dash_duo):
    """The banner's Presentations link, from the dashboard page ``sign_in_to`` opened."""
    click(dash_duo, dash_duo.driver.find_element(By.XPATH, "//a[normalize-space()='Presentations']"))
    dash_duo.wait_for_element(f"#{ids.PRESENTATIONS_PAGE}", timeout=15)


def listed(dash_duo) -> list[tuple[str, str]]:
    """(name, slide count) of each presentation in the list, in order."""
    return [tuple(row) for row in dash_duo.driver.execute_script(  # in one go: the list may be re-rendered
        "return Array.from(document.querySelectorAll(arguments[0])).map(li => ["
        "li.querySelector('.vm-presentation-name').textContent,"
        " li.querySelector('.vm-presentation-count').textContent])",
        f"{LIST} li.vm-presentation")]


def names(dash_duo) -> list[str]:
    return [name for name, _ in listed(dash_duo)]


def presentation_id(dash_duo, name: str) -> int:
    for element in dash_duo.driver.find_elements(By.CSS_SELECTOR, f"{LIST} li.vm-presentation"):
        if element.find_element(By.CSS_SELECTOR, ".vm-presentation-name").text == name:
            return int(element.get_attribute("data-presentation"))
    raise AssertionError(f"no presentation “{name}” in the list: {listed(dash_duo)}")


def by_id(dash_duo, component_id):
    return dash_duo.driver.execute_script("return document.getElementById(arguments[0])", dom_id(component_id))


def menu(dash_duo, name: str, action: str):
    """Opens the ⋮ menu of presentation ``name`` and chooses ``action``."""
    target = ids.presentation_action(action, presentation_id(dash_duo, name))
    item = dash_duo.driver.find_element(By.CSS_SELECTOR, f"{LIST} li[data-presentation='{target['presentation']}']")
    click(dash_duo, item.find_element(By.CSS_SELECTOR, ".vm-presentation-menu-toggle"))
    until(lambda: by_id(dash_duo, target) is not None and by_id(dash_duo, target).is_displayed(), timeout=5)
    by_id(dash_duo, target).click()


def choose(dash_duo, dashboard: str, bookmark: str, within: str = f"#{ids.NEW_PRESENTATION_SLIDES}"):
    click(dash_duo, dash_duo.driver.find_element(
        By.CSS_SELECTOR, within).find_element(
        By.XPATH, f".//fieldset[@data-dashboard='{dashboard}']//label[normalize-space()='{bookmark}']"))


def create(dash_duo, name: str, choices=(), link: str | None = None):
    field = dash_duo.find_element(f"#{ids.NEW_PRESENTATION_NAME}")
    # The form is cleared by the answer that lists the presentation made before: typed sooner, the name could
    # be cleared with it.
    until(lambda: field.get_attribute("value") == "", timeout=10)
    field.send_keys(name)
    for dashboard, bookmark in choices:
        choose(dash_duo, dashboard, bookmark)
    if link:
        dash_duo.find_element(f"#{ids.NEW_PRESENTATION_LINK}").send_keys(link)
    click(dash_duo, dash_duo.find_element(f"#{ids.NEW_PRESENTATION_CREATE}"))


def open_editor(dash_duo, name: str):
    click(dash_duo, by_id(dash_duo, ids.presentation_action("edit", presentation_id(dash_duo, name))))
    dash_duo.wait_for_element(f".modal.show {EDITOR} #{ids.EDITOR_SLIDES}", timeout=10)
    until(lambda: dash_duo.find_element(f"#{ids.EDITOR_NAME}").get_attribute("value") == name, timeout=10)


def slides(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)",
        f"#{ids.EDITOR_SLIDES} li.vm-slide .vm-slide-name")


def slide_key(dash_duo, name: str) -> str:
    for element in dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.EDITOR_SLIDES} li.vm-slide"):
        # Its text as the page holds it: ``.text`` is empty while the editor still fades in.
        if element.find_element(By.CSS_SELECTOR, ".vm-slide-name").get_attribute("textContent") == name:
            return element.get_attribute("data-slide")
    raise AssertionError(f"no slide “{name}” in the editor: {slides(dash_duo)}")


def focused(dash_duo) -> str:
    """The id of the element with the keyboard focus (read in the page: it may be replaced meanwhile)."""
    return dash_duo.driver.execute_script("return document.activeElement ? document.activeElement.id : ''")


def save_editor(dash_duo):
    click(dash_duo, dash_duo.find_element(f"#{ids.EDITOR_SAVE}"))


def dialog_closed(dash_duo):
    until(lambda: not now(dash_duo, ".modal.show"), timeout=10)


def items_of(api: Api, presentation: int) -> list[str]:
    response = api.get(f"/api/v1/presentations/{presentation}")
    assert response.status_code == 200, response.json
    return [item["name"] for item in response.json["items"]]


def share_link(api: Api, state: dict, dashboard: str = "restaurant") -> str:
    response = api.post(f"/api/v1/dashboards/{dashboard}/shares", {"state": state})
    assert response.status_code == 201, response.json
    return response.json["url"]


def no_errors(dash_duo):
    assert dash_duo.get_logs() == []


# Tests -----------------------------------------------------------------------------------------------

def test_prbr001_create_reorder_by_keyboard_rename_duplicate_delete(sign_in_to, author, api_as):
    dash_duo = sign_in_to(author)
    open_page(dash_duo)
    dash_duo.wait_for_contains_text(LIST, "No presentations yet", timeout=10)
    # The bookmarks of both dashboards to choose from, grouped by dashboard.
    groups = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.NEW_PRESENTATION_SLIDES} fieldset")
    assert [g.get_attribute("data-dashboard") for g in groups] == ["restaurant", "gaming"]
    assert "Restaurant Operations" in groups[0].text and "Store comparison" in groups[0].text
    assert "KPIs" in groups[1].text

    create(dash_duo, "Quarterly review", [("restaurant", "Orders by month"), ("restaurant", "Store comparison"),
                                          ("gaming", "KPIs")])
    dash_duo.wait_for_contains_text(TOASTS, "Created “Quarterly review” with 3 slides.", timeout=10)
    until(lambda: listed(dash_duo) == [("Quarterly review", "3 slides")], timeout=10)
    # The form is ready for the next one.
    assert dash_duo.find_element(f"#{ids.NEW_PRESENTATION_NAME}").get_attribute("value") == ""
    assert not now(dash_duo, f"#{ids.NEW_PRESENTATION_SLIDES} input:checked")
    play = dash_duo.driver.find_element(By.CSS_SELECTOR, f"{LIST} .vm-presentation-play")
    presentation = presentation_id(dash_duo, "Quarterly review")
    assert play.get_attribute("href").endswith(f"/present/{presentation}")

    # Reorder with the keyboard: the focus stays on the moved slide (its other arrow at an end).
    open_editor(dash_duo, "Quarterly review")
    assert slides(dash_duo) == ["Orders by month", "Store comparison", "KPIs"]
    key = slide_key(dash_duo, "Orders by month")
    assert by_id(dash_duo, ids.slide_action("up", key)).get_attribute("disabled")
    by_id(dash_duo, ids.slide_action("down", key)).send_keys(Keys.ENTER)
    until(lambda: slides(dash_duo) == ["Store comparison", "Orders by month", "KPIs"], timeout=10)
    until(lambda: focused(dash_duo) == dom_id(ids.slide_action("down", key)), timeout=5)
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    until(lambda: slides(dash_duo) == ["Store comparison", "KPIs", "Orders by month"], timeout=10)
    until(lambda: focused(dash_duo) == dom_id(ids.slide_action("up", key)), timeout=5)
    # Nothing is saved until Save.
    api = api_as(author)
    assert items_of(api, presentation) == ["Orders by month", "Store comparison", "KPIs"]
    save_editor(dash_duo)
    dialog_closed(dash_duo)
    dash_duo.wait_for_contains_text(TOASTS, "Saved “Quarterly review” with 3 slides.", timeout=10)
    assert items_of(api, presentation) == ["Store comparison", "KPIs", "Orders by month"]

    # Rename.
    menu(dash_duo, "Quarterly review", "rename")
    dash_duo.wait_for_element(f".modal.show #{ids.PRESENTATION_RENAME_NAME}", timeout=10)
    field = dash_duo.find_element(f"#{ids.PRESENTATION_RENAME_NAME}")
    until(lambda: field.get_attribute("value") == "Quarterly review", timeout=5)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Q3 review", Keys.ENTER)
    dialog_closed(dash_duo)
    until(lambda: listed(dash_duo) == [("Q3 review", "3 slides")], timeout=10)
    dash_duo.wait_for_contains_text(TOASTS, "Renamed to “Q3 review”.", timeout=10)

    # Duplicate: a copy with the same slides.
    menu(dash_duo, "Q3 review", "duplicate")
    until(lambda: listed(dash_duo) == [("Q3 review", "3 slides"), ("Q3 review (copy)", "3 slides")], timeout=10)
    dash_duo.wait_for_contains_text(TOASTS, "Made a copy: “Q3 review (copy)”.", timeout=10)
    assert items_of(api, presentation_id(dash_duo, "Q3 review (copy)")) == ["Store comparison", "KPIs",
                                                                            "Orders by month"]

    # Delete, after confirming.
    menu(dash_duo, "Q3 review", "delete")
    dash_duo.wait_for_contains_text(f"#{ids.PRESENTATION_DELETE_TEXT}", "“Q3 review”", timeout=10)
    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENTATION_DELETE_CONFIRM}"))
    dialog_closed(dash_duo)
    until(lambda: names(dash_duo) == ["Q3 review (copy)"], timeout=10)
    dash_duo.wait_for_contains_text(TOASTS, "Deleted “Q3 review”.", timeout=10)
    assert api.get(f"/api/v1/presentations/{presentation}").status_code == 404

    # The list is the server's: a reload shows the same.
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(f"#{ids.PRESENTATIONS_PAGE}", timeout=15)
    assert listed(dash_duo) == [("Q3 review (copy)", "3 slides")]
    no_errors(dash_duo)


def test_prbr002_a_pasted_shared_link_adds_a_slide(sign_in_to, author, new_user, api_as):
    other = new_user()
    texas = share_link(api_as(other), {"sheet": "store-comparison", "filters": {"state": ["Texas"]},
                                       "parameters": {"metric": "orders"}})
    gaming = share_link(api_as(other), {"sheet": "kpis"}, "gaming")
    dash_duo = sign_in_to(author)
    open_page(dash_duo)

    # In the New form: a bookmark and a full link address.
    create(dash_duo, "With links", [("restaurant", "Store comparison")], link=texas)
    until(lambda: listed(dash_duo) == [("With links", "2 slides")], timeout=10)
    api = api_as(author)
    presentation = presentation_id(dash_duo, "With links")
    assert items_of(api, presentation) == ["Store comparison", f"Restaurant Operations, shared by {other}"]

    # In the editor: something that is not a link is explained, and nothing is added.
    open_editor(dash_duo, "With links")
    assert slides(dash_duo)[1] == f"Restaurant Operations, shared by {other}"
    link_field = dash_duo.find_element(f"#{ids.EDITOR_LINK}")
    link_field.send_keys("not a link", Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{ids.EDITOR_ERROR}", "is not a shared link", timeout=10)
    assert len(slides(dash_duo)) == 2

    # The path of a link (/s/<token>) adds its slide, and a chosen bookmark of the other dashboard too.
    link_field.send_keys(Keys.CONTROL, "a")
    link_field.send_keys(gaming[gaming.index("/s/"):])
    choose(dash_duo, "gaming", "KPIs", within=f"#{ids.EDITOR_PICKER}")
    click(dash_duo, dash_duo.find_element(f"#{ids.EDITOR_ADD}"))
    until(lambda: len(slides(dash_duo)) == 4, timeout=10)
    assert slides(dash_duo)[2:] == ["KPIs", f"iGaming, shared by {other}"]
    assert dash_duo.find_element(f"#{ids.EDITOR_ERROR}").text == ""
    assert dash_duo.find_element(f"#{ids.EDITOR_LINK}").get_attribute("value") == ""

    # Remove the first slide, then save: three slides.
    by_id(dash_duo, ids.slide_action("remove", slide_key(dash_duo, "Store comparison"))).send_keys(Keys.ENTER)
    until(lambda: len(slides(dash_duo)) == 3, timeout=10)
    save_editor(dash_duo)
    dialog_closed(dash_duo)
    until(lambda: listed(dash_duo) == [("With links", "3 slides")], timeout=10)
    assert items_of(api, presentation)[0] == f"Restaurant Operations, shared by {other}"
    no_errors(dash_duo)


def test_prbr003_a_stale_editor_is_told_and_the_list_reloads(sign_in_to, author, api_as):
    api = api_as(author)
    bookmark_ids = [b["id"] for b in api.get("/api/v1/dashboards/restaurant/bookmarks").json]
    made = api.post("/api/v1/presentations", {"name": "Board pack",
                                               "items": [{"bookmark_id": i} for i in bookmark_ids]})
    assert made.status_code == 201, made.json
    presentation = made.json["id"]
    dash_duo = sign_in_to(author)
    open_page(dash_duo)
    until(lambda: listed(dash_duo) == [("Board pack", "2 slides")], timeout=10)

    open_editor(dash_duo, "Board pack")
    key = slide_key(dash_duo, slides(dash_duo)[1])
    by_id(dash_duo, ids.slide_action("up", key)).send_keys(Keys.ENTER)
    until(lambda: focused(dash_duo) == dom_id(ids.slide_action("down", key)), timeout=10)

    # Meanwhile, another tab renames it.
    changed = api.patch(f"/api/v1/presentations/{presentation}", {"name": "Board pack v2", "version": 1})
    assert changed.status_code == 200, changed.json
    save_editor(dash_duo)
    dash_duo.wait_for_contains_text(f"#{ids.EDITOR_ERROR}", "changed in another tab or window", timeout=10)
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, f".modal.show {EDITOR}")
    until(lambda: names(dash_duo) == ["Board pack v2"], timeout=10)  # the list behind shows the latest

    # Saving again is a deliberate choice, and works.
    save_editor(dash_duo)
    dialog_closed(dash_duo)
    until(lambda: names(dash_duo) == ["Board pack"], timeout=10)
    assert items_of(api, presentation) == list(reversed(list(RESTAURANT)))
    no_errors(dash_duo)


def test_prbr004_errors_are_explained_inline(sign_in_to, author, new_user):
    dash_duo = sign_in_to(author)
    open_page(dash_duo)
    # No name.
    click(dash_duo, dash_duo.find_element(f"#{ids.NEW_PRESENTATION_CREATE}"))
    dash_duo.wait_for_text_to_equal(f"#{ids.NEW_PRESENTATION_ERROR}", "Enter a name for the presentation.",
                                    timeout=10)
    # A link that does not open.
    create(dash_duo, "Gone", link="/s/" + "x" * 32)
    dash_duo.wait_for_contains_text(f"#{ids.NEW_PRESENTATION_ERROR}", "no longer available", timeout=10)
    # A name already taken (names ignore case).
    field = dash_duo.find_element(f"#{ids.NEW_PRESENTATION_NAME}")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    dash_duo.find_element(f"#{ids.NEW_PRESENTATION_LINK}").send_keys(Keys.CONTROL, "a", Keys.DELETE)
    create(dash_duo, "Mine")
    until(lambda: names(dash_duo) == ["Mine"], timeout=10)
    create(dash_duo, "MINE")
    dash_duo.wait_for_contains_text(f"#{ids.NEW_PRESENTATION_ERROR}", "already have a presentation", timeout=10)
    assert names(dash_duo) == ["Mine"]
    no_errors(dash_duo)


def test_prbr005_share_a_link_to_a_presentation(sign_in_to, author, api_as):
    dash_duo = sign_in_to(author)
    open_page(dash_duo)
    create(dash_duo, "Shared deck", [("restaurant", "Orders by month"), ("gaming", "KPIs")])
    until(lambda: listed(dash_duo) == [("Shared deck", "2 slides")], timeout=10)

    menu(dash_duo, "Shared deck", "share")
    url = f"#{ids.PRESENTATION_SHARE_URL}"
    dash_duo.wait_for_element(f".modal.show {url}", timeout=10)
    until(lambda: "/s/" in (dash_duo.find_element(url).get_attribute("value") or ""), timeout=10)
    link = dash_duo.find_element(url).get_attribute("value")
    assert link.startswith(dash_duo.server.url.rstrip("/") + "/s/")
    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENTATION_SHARE_COPY}"))
    dash_duo.wait_for_text_to_equal(f"#{ids.PRESENTATION_SHARE_COPIED}", "Copied", timeout=5)
    dash_duo.find_element(f"#{ids.PRESENTATION_SHARE_DIALOG} .btn-close").click()
    dialog_closed(dash_duo)
    shared = [s for s in api_as(author).get("/api/v1/shares").json if link.endswith(s["token"])]
    assert len(shared) == 1 and shared[0]["kind"] == "presentation"

    # A presentation's link is not a slide of another presentation.
    create(dash_duo, "Nested", link=link)
    dash_duo.wait_for_contains_text(f"#{ids.NEW_PRESENTATION_ERROR}", "shares a whole presentation", timeout=10)
    assert names(dash_duo) == ["Shared deck"]
    no_errors(dash_duo)
