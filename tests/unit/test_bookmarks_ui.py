"""The bookmarks pane's components and the live URL's encoding, built without a browser."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bookmarks import ui
from bookmarks.service import DefaultView, SavedBookmark
from core import ids
from views.url import search_state, state_search

NOW = datetime(2024, 5, 1, tzinfo=UTC)


def saved(id_, name, *, is_default=False, version=1):
    return SavedBookmark(id=id_, dashboard="restaurant", name=name, state={"sheet": "overview"}, position=id_,
                         version=version, is_default=is_default, created_at=NOW, updated_at=NOW)


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from walk(child)
    label = getattr(component, "label", None)
    if isinstance(label, list):
        for part in label:
            yield from walk(part)


def ids_in(component) -> list:
    return [c.id for c in walk(component) if getattr(c, "id", None) is not None]


def text_of(component) -> str:
    parts = []
    for c in walk(component):
        children = getattr(c, "children", None)
        if isinstance(children, str):
            parts.append(children)
    return " ".join(parts)


def actions_of(line) -> set[str]:
    """The actions a line offers: its buttons and the items its ⋮ menu gets when opened."""
    found = [*ids_in(line), *(item["props"].get("id") for item in ui.menu_items(line))]
    return {i["action"] for i in found if isinstance(i, dict) and "action" in i}


def test_bmui101_list_shows_the_original_first_then_bookmarks_in_order_with_versions():
    bookmarks = [saved(3, "Worst store", version=4), saved(1, "Texas", is_default=True)]
    listing, versions = ui.bookmark_list(bookmarks, DefaultView(bookmark_id=1), active_id=3)
    items = listing.children
    assert [item.__dict__["data-bookmark"] for item in items] == ["original", "3", "1"]
    assert versions == {"3": 4, "1": 1}
    assert "vm-bookmark-active" in items[1].className and "vm-bookmark-active" not in items[0].className
    assert "★" in text_of(items[2]) and "★" not in text_of(items[1])


def test_bmui102_the_original_cannot_be_renamed_updated_moved_or_deleted():
    listing, _ = ui.bookmark_list([saved(1, "Texas")], DefaultView(), active_id=None)
    original, bookmark = listing.children[0], listing.children[1]
    assert actions_of(original) == {"apply", "default"}
    assert actions_of(bookmark) == {"apply", "up", "down", "rename", "update", "default", "share", "delete"}
    assert "vm-bookmark-active" in original.className  # no bookmark applied: the Original is current


def test_bmui103_default_entries_offer_removal_and_share_is_enabled():
    listing, _ = ui.bookmark_list([saved(1, "Texas", is_default=True)], DefaultView(bookmark_id=1), None)
    actions = actions_of(listing.children[1])
    assert "no-default" in actions and "default" not in actions
    share = next(item["props"] for item in ui.menu_items(listing.children[1])
                 if item["props"].get("id") == ids.bookmark_action("share", 1))
    assert not share.get("disabled") and "Share" in share["children"]
    listing, _ = ui.bookmark_list([], DefaultView(original=True), None)
    assert "★" in text_of(listing.children[0])
    assert "No bookmarks yet" in text_of(listing.children[1])


def test_bmui106_menus_are_empty_until_opened():
    """A line carries its ⋮ menu's items as data, not as components (the browser puts them in when the
    menu is opened), so a long list adds no item components to the page."""
    listing, _ = ui.bookmark_list([saved(1, "A"), saved(2, "B")], DefaultView(), None)
    for line in listing.children:
        bookmark = getattr(line, "data-bookmark")
        menu = next(c for c in walk(line) if getattr(c, "id", None) == ids.bookmark_menu(
            int(bookmark) if bookmark.isdigit() else bookmark))
        assert menu.children == []
        assert not [c for c in walk(line) if type(c).__name__ == "DropdownMenuItem"]
        assert ui.menu_items(line)  # what the browser puts in


def test_bmui104_move_buttons_are_disabled_at_the_ends():
    listing, _ = ui.bookmark_list([saved(1, "A"), saved(2, "B"), saved(3, "C")], DefaultView(), None)
    disabled = {}
    for item in listing.children[1:]:
        for c in walk(item):
            if isinstance(getattr(c, "id", None), dict) and c.id.get("action") in ("up", "down"):
                disabled[(c.id["bookmark"], c.id["action"])] = bool(getattr(c, "disabled", False))
    assert disabled == {(1, "up"): True, (1, "down"): False, (2, "up"): False, (2, "down"): False,
                        (3, "up"): False, (3, "down"): True}


def test_bmui105_banner_title_keeps_the_dashboard_title_beside_the_bookmark():
    assert ui.title("Restaurant Operations", None) == "Restaurant Operations"
    parts = ui.title("Restaurant Operations", "Worst store")
    assert [p.children for p in parts] == ["Restaurant Operations", " / ", "Worst store"]


def test_bmui106_the_url_state_round_trips_and_stays_readable():
    state = json.dumps({"dashboard": "restaurant", "filters": {"address": ["10 Resort Plz"], "state": ["Pennsylvania"]},
                        "sheet": "owner-view"}, separators=(",", ":"), sort_keys=True)
    search = state_search(state)
    assert search.startswith("?state=%7B%22dashboard%22:%22restaurant%22,")
    assert " " not in search and "&" not in search
    assert search_state(search) == state
    assert search_state("") is None and search_state("?other=1") is None
    assert search_state(state_search('{"a":"x&state=y"}')) == '{"a":"x&state=y"}'


def test_bmui107_toasts_are_new_each_time():
    first, second = ui.toast("Saved."), ui.toast("Saved.")
    assert first.key != second.key and first.is_open and "vm-toast-success" in first.class_name.split()
    assert ui.toast("No.", "danger").header == "Not done"
    assert ui.dom_id(ids.bookmark_action("up", 7)) == '{"action":"up","bookmark":7,"type":"vm-bookmark"}'
