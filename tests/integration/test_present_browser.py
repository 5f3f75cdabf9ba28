"""Presenting in headless Chromium: the seed's story — all states, the best and the worst store, the worst
store's Owner view in December 2021 — as slides: buttons and keys, title, counter and summary per slide,
the address naming the slide (reload and back), auto-advance with pause, and Exit returning to the view the
player was opened from. Each test ends with no console errors."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from accounts.demo import DEMO_PASSWORD
from core import ids
from tests.integration.a11y import assert_accessible
from tests.integration.browser import click, now, text_of, wait_for_sheet
from tests.integration.conftest import TEST_PASSWORD, Api, sign_in_client
from tests.integration.test_bookmarks_browser import choose_metric, metric

STORY = [
    ("All states", {"sheet": "overview", "parameters": {"metric": "revenue", "grain": "month"}}),
    ("Best and worst store", {"sheet": "store-comparison", "parameters": {"metric": "revenue"}}),
    ("Worst store in December", {"sheet": "owner-view",
                                 "filters": {"date_range": ["2021-12-01", "2021-12-31"], "state": ["Pennsylvania"],
                                             "address": ["10 Resort Plz"]},
                                 "parameters": {"metric": "revenue", "grain": "week"}}),
]
TITLE, COUNTER, SUMMARY = (f"#{i}" for i in (ids.PRESENT_TITLE, ids.PRESENT_COUNTER, ids.PRESENT_SUMMARY))


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def storyteller(app, new_user):
    """A new user with the seed's three bookmarks, in that order."""
    name = new_user()
    client = app.server.test_client()
    assert sign_in_client(client, name, TEST_PASSWORD).status_code == 303
    api = Api(client)
    for title, state in STORY:
        assert api.post("/api/v1/dashboards/restaurant/bookmarks", {"name": title, "state": state}).status_code == 201
    return name


def on_slide(dash_duo, number: int, title: str):
    dash_duo.wait_for_text_to_equal(COUNTER, f"{number} / 3", timeout=15)
    dash_duo.wait_for_text_to_equal(TITLE, title, timeout=15)
    wait_for_sheet(dash_duo)


def press(dash_duo, key):
    dash_duo.driver.find_element(By.TAG_NAME, "body").send_keys(key)


def test_prpl001_the_seed_story_by_buttons_keys_and_address(sign_in_to, storyteller):
    dash_duo = sign_in_to(storyteller)
    choose_metric(dash_duo, "Orders")  # the view to come back to
    until(lambda: "orders" in dash_duo.driver.current_url, timeout=10)
    before = dash_duo.driver.current_url

    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENT_OPEN}"))
    on_slide(dash_duo, 1, "All states")
    assert "Overview" in text_of(dash_duo, SUMMARY)
    assert not now(dash_duo, ids.FILTER_PANEL, By.ID)  # no controls panel, no pane

    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENT_NEXT}"))
    on_slide(dash_duo, 2, "Best and worst store")
    press(dash_duo, Keys.ARROW_RIGHT)
    on_slide(dash_duo, 3, "Worst store in December")
    summary = text_of(dash_duo, SUMMARY)
    assert "Owner view" in summary and "10 Resort Plz" in summary and "1–31 Dec 2021" in summary
    assert dash_duo.driver.current_url.split("?")[1].startswith("slide=3")
    assert_accessible(dash_duo, "the presentation player")

    press(dash_duo, Keys.PAGE_UP)
    on_slide(dash_duo, 2, "Best and worst store")
    press(dash_duo, Keys.HOME)
    on_slide(dash_duo, 1, "All states")
    press(dash_duo, Keys.END)
    on_slide(dash_duo, 3, "Worst store in December")
    press(dash_duo, Keys.SPACE)  # at the end by hand: it stays
    on_slide(dash_duo, 3, "Worst store in December")

    dash_duo.driver.refresh()  # the address holds the slide
    on_slide(dash_duo, 3, "Worst store in December")
    dash_duo.driver.back()  # … and back steps to the slide before
    on_slide(dash_duo, 1, "All states")

    press(dash_duo, Keys.ESCAPE)  # back to the dashboard, exactly as it was
    wait_for_sheet(dash_duo)
    until(lambda: dash_duo.driver.current_url == before, timeout=10)
    assert metric(dash_duo) == "Orders"
    assert dash_duo.get_logs() == []


def test_prpl002_auto_advance_loops_and_pauses(sign_in_to, storyteller):
    dash_duo = sign_in_to(storyteller)
    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENT_OPEN}"))
    on_slide(dash_duo, 1, "All states")
    dash_duo.select_dcc_dropdown(f"#{ids.PRESENT_INTERVAL}", "5 s")
    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENT_PLAY}"))
    assert dash_duo.find_element(f"#{ids.PRESENT_PLAY}").get_attribute("aria-pressed") == "true"
    until(lambda: dash_duo.find_element(f"#{ids.PRESENT_PROGRESS}").value_of_css_property("width") != "0px",
          timeout=5)
    on_slide(dash_duo, 2, "Best and worst store")  # after five seconds, by itself
    press(dash_duo, Keys.END)
    on_slide(dash_duo, 3, "Worst store in December")
    on_slide(dash_duo, 1, "All states")  # a wall screen loops
    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENT_PLAY}"))  # pause
    assert dash_duo.find_element(f"#{ids.PRESENT_PLAY}").get_attribute("aria-pressed") == "false"
    time.sleep(7)
    assert text_of(dash_duo, COUNTER) == "1 / 3"
    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENT_EXIT}"))
    wait_for_sheet(dash_duo)
    assert "/dashboards/restaurant" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_prpl003_a_mixed_presentation_for_its_owner_and_through_a_link(sign_in_to, app, new_user):
    owner = new_user()
    client = app.server.test_client()
    assert sign_in_client(client, owner, TEST_PASSWORD).status_code == 303
    api = Api(client)
    made = {}
    for dashboard, name, state in [
        ("restaurant", "Texas stores", {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}),
        ("gaming", "Nova deposits", {"sheet": "kpis", "filters": {"brand": ["nova"]}}),
        ("gaming", "All brands", {"sheet": "affiliates"}),
    ]:
        answer = api.post(f"/api/v1/dashboards/{dashboard}/bookmarks", {"name": name, "state": state})
        made[name] = answer.get_json()["id"]
    answer = api.post("/api/v1/presentations", {"name": "Quarterly story", "items": [
        {"bookmark_id": made["Texas stores"]}, {"bookmark_id": made["Nova deposits"]},
        {"bookmark_id": made["All brands"]}]})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    presentation = answer.get_json()["id"]
    link = api.post(f"/api/v1/presentations/{presentation}/share", {}).get_json()

    # The owner plays it: both dashboards, in order.
    dash_duo = sign_in_to(owner)
    visit(dash_duo, f"/present/{presentation}")
    dash_duo.wait_for_text_to_equal(COUNTER, "1 / 3", timeout=15)
    assert "Restaurant Operations" in text_of(dash_duo, SUMMARY) and "Texas" in text_of(dash_duo, SUMMARY)
    press(dash_duo, Keys.ARROW_RIGHT)
    dash_duo.wait_for_text_to_equal(TITLE, "Nova deposits", timeout=15)
    assert "iGaming" in text_of(dash_duo, SUMMARY) and "Nova Slots" in text_of(dash_duo, SUMMARY)

    # A partner restricted to one brand plays the link: the restaurant slide is not theirs, the other
    # brand's view is narrowed to theirs — each said on screen.
    sign_in_to("partner", "/dashboards/gaming", password=DEMO_PASSWORD)
    visit(dash_duo, urlsplit(link["url"]).path)
    dash_duo.wait_for_text_to_equal(COUNTER, "1 / 2", timeout=15)
    dash_duo.wait_for_text_to_equal(TITLE, "Nova deposits", timeout=15)
    notices = text_of(dash_duo, f"#{ids.PRESENT_NOTICES}")
    assert "“Texas stores” shows a dashboard you may not view; skipped." in notices
    assert "narrowed" in notices
    assert "Nova Slots" not in dash_duo.find_element(f"#{ids.PRESENT_SLIDE}").text

    # The owner deletes a bookmark: the presentation skips it and says so; the link keeps its snapshot.
    assert api.delete(f"/api/v1/bookmarks/{made['Texas stores']}").status_code == 204
    sign_in_to(owner)
    visit(dash_duo, f"/present/{presentation}")
    dash_duo.wait_for_text_to_equal(COUNTER, "1 / 2", timeout=15)
    assert "“Texas stores” was deleted; skipped." in text_of(dash_duo, f"#{ids.PRESENT_NOTICES}")
    assert dash_duo.get_logs() == []


def test_prpl004_the_next_slide_is_prepared_and_shown_without_an_empty_frame(sign_in_to, storyteller):
    dash_duo = sign_in_to(storyteller)
    click(dash_duo, dash_duo.find_element(f"#{ids.PRESENT_OPEN}"))
    on_slide(dash_duo, 1, "All states")
    # Watch the slide: any moment without visuals while stepping is an empty frame.
    dash_duo.driver.execute_script("""
        window.__empty = 0;
        const slide = document.getElementById(arguments[0]);
        new MutationObserver(() => {
          if (!slide.querySelector('.vm-visual')) { window.__empty += 1; }
        }).observe(slide, {childList: true, subtree: true});
    """, ids.PRESENT_SLIDE)
    for number, title in ((2, "Best and worst store"), (3, "Worst store in December")):
        time_to_prepare(dash_duo)
        # The server is slow now (every callback answer waits 8 s): the prepared slide still shows at once.
        dash_duo.driver.execute_script("""
            window.__fetch = window.__fetch || window.fetch;
            window.fetch = (url, options) => String(url).includes('_dash-update-component')
                ? new Promise(done => setTimeout(() => done(window.__fetch(url, options)), 8000))
                : window.__fetch(url, options);
        """)
        press(dash_duo, Keys.ARROW_RIGHT)
        dash_duo.wait_for_text_to_equal(TITLE, title, timeout=3)
        dash_duo.wait_for_text_to_equal(COUNTER, f"{number} / 3", timeout=3)
        assert dash_duo.find_elements(f"#{ids.PRESENT_SLIDE} .vm-visual")
        # It was drawn out of sight before: on screen at once with its graphs drawn, the other stage hidden.
        assert on_screen(dash_duo) == {"graphs": True, "drawn": True, "hidden": "hidden"}
        dash_duo.driver.execute_script("window.fetch = window.__fetch")
        time.sleep(8.5)  # the delayed answers arrive (the server's own slide, identical) and settle
    assert dash_duo.driver.execute_script("return window.__empty") == 0
    assert dash_duo.get_logs() == []


def on_screen(dash_duo) -> dict:
    """The slide's stages (presentations.play): whether the one on screen has graphs, all drawn, and the
    other stage's visibility."""
    return dash_duo.driver.execute_script("""
        const front = document.querySelector('#' + arguments[0] + ' > .vm-present-front');
        const back = document.querySelector('#' + arguments[0] + ' > .vm-present-back');
        const graphs = [...front.querySelectorAll('.js-plotly-plot')];
        return {graphs: graphs.length > 0, drawn: graphs.every(g => !!g.querySelector('.main-svg .trace')),
                hidden: getComputedStyle(back).visibility};
    """, ids.PRESENT_SLIDE)


def visit(dash_duo, path: str):
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + path)


def time_to_prepare(dash_duo):
    """Waits until the next slide is prepared (the player's store holds it), as a presenter would talk."""
    until(lambda: not now(dash_duo, "[data-dash-is-loading='true']"), timeout=15)
