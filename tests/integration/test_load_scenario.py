"""What the load runs rest on: the page model sends the callbacks a browser sends (``benchmarks.dash_page``),
and the soak's checks find a lost, duplicated or stale bookmark and a growing worker (``benchmarks.soak``).

The expected callback sequences were recorded from headless Chromium on the same pages (the request log of
the app): which callbacks, and what triggered each.
"""

from __future__ import annotations

import pytest

from accounts.requests import CSRF_COOKIE
from benchmarks import soak
from benchmarks.dash_page import WILD, Page, server_callbacks
from core import ids
from tests.integration.conftest import sign_in_client


@pytest.fixture(scope="module")
def app(make_app):
    return make_app()


@pytest.fixture
def page(app):
    client = app.server.test_client()
    assert sign_in_client(client, "analyst").status_code == 303
    client.get("/dashboards/restaurant")
    sent = []

    def post(_name, body):
        sent.append((body["output"].split("@")[0].strip("."), body["changedPropIds"]))
        response = client.post("/_dash-update-component", json=body,
                               headers={"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value})
        assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
        return response.json if response.status_code == 200 else None

    model = Page(client.get("/_dash-layout").json, server_callbacks(client.get("/_dash-dependencies").json), post)
    model.sent, model.client = sent, client
    return model


def first_outputs(sent) -> list[tuple[str, list]]:
    """Each request as its first output and what triggered it (a pattern-matched component by its type)."""
    return sorted((output.split("...")[0], sorted({t.split('"type":"')[-1].split('"')[0] if t.startswith("{") else t
                                                   for t in triggers})) for output, triggers in sent)


def test_load001_opening_a_dashboard_sends_what_the_browser_sends(page):
    page.start("/dashboards/restaurant")
    assert first_outputs(page.sent) == sorted([
        ("page.children", ["url.pathname"]),
        ("banner-title.children", []),  # the sheet came with the page: no request for it
    ])


def test_load002_applying_a_bookmark_sends_what_the_browser_sends(page):
    page.start("/dashboards/restaurant")
    page.click(ids.BOOKMARKS_TOGGLE)
    page.sent.clear()
    # The click's clientside callback sets which bookmark (assets/viewmark/bookmarks.js, apply_request).
    page.change(ids.BOOKMARK_APPLY_REQUEST, "data", {"bookmark": ids.ORIGINAL_BOOKMARK, "at": 1})
    # The click itself is the view's request: it computes the view, its chips and its sheet, and names the
    # active bookmark; the banner runs once, with both changes; the view's callback is not fired again by the
    # graphs it caused to be drawn, nor the CSV download by the buttons (the browser asks for a CSV only on a
    # click).
    assert first_outputs(page.sent) == sorted([
        ("vm-view-state.data", ["vm-bookmark-apply-request.data"]),
        ("banner-title.children", ["vm-active-bookmark.data", "vm-view-state.data"]),
    ])


def test_load003_a_page_without_a_callbacks_inputs_does_not_fire_it(page):
    """The page of a link that is gone has the banner (an output of the bookmark banner's callback) but no
    view state (its inputs): the browser sends the route alone."""
    page.start("/s/no-such-link")
    assert first_outputs(page.sent) == [("page.children", ["url.pathname"])]


def test_load008_a_new_list_of_bookmarks_sends_no_request_for_its_buttons(page):
    """The pane's buttons set a request in the browser when clicked (assets/viewmark/clicks.js): opening the
    pane and adding a bookmark draw its list anew, and the new buttons, which nobody clicked, ask for nothing.
    As inputs of the pane's callbacks (the default, the rename dialog, Share…), each new list fired each of
    them, and each answered nothing."""
    page.start("/dashboards/restaurant")
    page.sent.clear()
    page.click(ids.BOOKMARKS_TOGGLE)
    assert first_outputs(page.sent) == [("vm-bookmarks-pane.is_open", ["bookmarks-toggle.n_clicks"])]
    page.sent.clear()
    page.change(ids.BOOKMARK_ADD_REQUEST, "data",
                {"name": "Kept", "state": page.value(ids.VIEW_STATE, "data"), "at": 1})
    assert first_outputs(page.sent) == sorted([
        ("vm-bookmark-list.children", ["vm-bookmark-add-request.data"]),
        ("banner-title.children", ["vm-active-bookmark.data"]),
    ])
    # The new list has the buttons (its menus' items come when a menu is opened: bookmarks.js, fillMenu).
    applies = [b for b in page.find(ids.bookmark_action("apply", WILD)) if b["id"]["bookmark"] != ids.ORIGINAL_BOOKMARK]
    assert len(applies) == 1
    page.sent.clear()
    bookmark = applies[0]["id"]["bookmark"]
    page.change(ids.BOOKMARK_DIALOG_REQUEST, "data", {"action": "rename", "bookmark": bookmark, "at": 2})
    assert first_outputs(page.sent) == [("vm-rename-dialog.is_open", ["vm-bookmark-dialog-request.data"])]
    assert page.value(ids.RENAME_NAME, "value") == "Kept"


def test_load009_a_new_list_of_presentations_sends_no_request_for_its_buttons(page):
    client = page.client
    csrf = {"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value}
    original = client.get("/api/v1/dashboards/restaurant/original").json
    bookmark = client.post("/api/v1/dashboards/restaurant/bookmarks", json={"name": "Slide", "state": original},
                           headers=csrf).json
    made = client.post("/api/v1/presentations", json={"name": "Review", "items": [{"bookmark_id": bookmark["id"]}]},
                       headers=csrf).json
    page.start("/presentations")
    assert page.find(ids.presentation_action("duplicate", WILD))
    page.sent.clear()
    page.change(ids.PRESENTATION_DUPLICATE_REQUEST, "data", {"action": "duplicate", "presentation": made["id"],
                                                              "at": 1})
    # The copy is made and the list drawn anew; its buttons (edit, rename, duplicate, share, delete) ask nothing.
    assert first_outputs(page.sent) == [("vm-presentation-list.children", ["vm-presentation-duplicate-request.data"])]
    assert len(page.find(ids.presentation_action("duplicate", WILD))) == 2
    page.sent.clear()
    page.change(ids.PRESENTATION_EDIT_REQUEST, "data", {"action": "edit", "presentation": made["id"], "at": 2})
    # The editor's slides are drawn; their ↑, ↓ and Remove ask nothing either.
    assert first_outputs(page.sent) == [("vm-presentation-editor.is_open", ["vm-presentation-edit-request.data"])]
    assert page.find(ids.slide_action(WILD, WILD))


LEDGER = {"created": {"1": {"user": "u", "dashboard": "restaurant", "name": "a"},
                      "2": {"user": "u", "dashboard": "restaurant", "name": "b"},
                      "3": {"user": "u", "dashboard": "restaurant", "name": "c"}},
          "versions": {"1": 2, "2": 1, "3": 1}, "deleted": [3], "unanswered": [], "started": ["u"]}


def row(bookmark_id, name, version=1, user_id=7):
    return {"id": bookmark_id, "user_id": user_id, "dashboard": "restaurant", "name": name, "version": version}


def test_load004_the_database_as_the_clients_were_told_passes():
    assert soak.compare_bookmarks(LEDGER, [row(1, "a", 2), row(2, "b")])["ok"]


@pytest.mark.parametrize(("stored", "finding"), [
    ([row(1, "a", 2)], "lost"),
    ([row(1, "a", 2), row(2, "b"), row(4, "b (2)")], "unexpected"),
    ([row(1, "a", 2), row(2, "b"), row(3, "c")], "deleted_but_stored"),
    ([row(1, "a", 1), row(2, "b")], "version_differs"),
    ([row(1, "A", 2), row(2, "b")], "name_differs"),
], ids=["lost", "duplicated", "resurrected", "lost-update", "renamed"])
def test_load005_a_bookmark_not_as_the_clients_were_told_fails_the_check(stored, finding):
    result = soak.compare_bookmarks(LEDGER, stored)
    assert not result["ok"] and result[finding]


def test_load006_a_change_never_answered_is_left_out_of_the_comparison():
    ledger = {**LEDGER, "unanswered": [{"user": "u", "what": "create", "name": "d"},
                                       {"user": "u", "what": "delete", "id": 2}]}
    assert soak.compare_bookmarks(ledger, [row(1, "a", 2), row(5, "d")])["ok"]


def test_load007_memory_growth_is_measured_over_the_second_half():
    flat = [(float(t), 200.0 + (30 if t >= 30 else 0)) for t in range(100)]  # warm-up, then flat
    growing = [(float(t), 200.0 + t) for t in range(100)]  # a megabyte a second
    result = soak.memory_growth({1: flat, 2: growing}, 0.0, 99.0, booted=[1, 2], after=[1, 2])
    assert result["workers"]["1"]["growth_mb"] == 0 and result["workers"]["2"]["growth_mb"] > 40
    assert soak.memory_growth({1: flat}, 0.0, 99.0, booted=[1, 2], after=[1, 3])["workers_replaced"] == [2, 3]
