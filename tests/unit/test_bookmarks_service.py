"""The bookmark service on SQLite and PostgreSQL: every operation, ownership, grants, validation, races."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from accounts.models import User
from accounts.service import Accounts, viewer_for
from bookmarks.models import Bookmark
from bookmarks.service import ORIGINAL, STALE, BookmarkService, DefaultView
from core.errors import BadRequest, Conflict, Invalid, NotFound, Unauthorized
from dashboards.service import DashboardService
from db.base import Base
from views.preferences import DashboardPreference, ViewPreferences
from views.sources import Opening, OpenRequest, open_view, standard_sources

PA_WEEK = {"sheet": "owner-view", "filters": {"date_range": ["2021-12-01", "2021-12-31"],
                                              "state": ["Pennsylvania"], "address": ["10 Resort Plz"]},
           "parameters": {"metric": "revenue", "grain": "week"}}
TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}
ORDERS = {"parameters": {"metric": "orders"}}


@pytest.fixture(scope="module")
def dashboards(small_data):
    return DashboardService(small_data.engine)


@pytest.fixture
def service(database, dashboards):
    return BookmarkService(database, dashboards)


@pytest.fixture
def accounts(database):
    return Accounts(database)


@pytest.fixture
def make_user(accounts):
    def make(name, dashboards=("restaurant", "gaming"), brands=None):
        return viewer_for(accounts.create_user(name, password_hash="not-used", dashboards=dashboards,
                                               brands=brands))
    return make


@pytest.fixture
def ann(make_user):
    return make_user("ann")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


def canonical(service, raw, viewer, dashboard="restaurant"):
    board = service.dashboards.get(dashboard, viewer)
    return service.views.parse(board, raw, viewer, strict=True)[0].to_dict()


def remember(service, viewer, dashboard, raw):
    """What the page does with each new view: validate it for the viewer, then remember it."""
    board = service.dashboards.get(dashboard, viewer)
    return ViewPreferences(service.db).remember(viewer.user_id, service.views.parse(board, raw, viewer,
                                                                                    strict=True)[0])


def opening(service, viewer, url_state=None, dashboard="restaurant"):
    """How the dashboard page opens: the view sources' chain, and the pane with the active bookmark."""
    board = service.dashboards.get(dashboard, viewer)
    sources = standard_sources(ViewPreferences(service.db), service)
    opened = open_view(OpenRequest(board, viewer, url_state=url_state), sources, service.views)
    return opened, service.pane(viewer, board, opened)


def names(service, viewer, dashboard="restaurant"):
    return [b.name for b in service.list_bookmarks(viewer, dashboard)]


# Add and list ------------------------------------------------------------------------------------------

def test_bmsv001_add_then_list_in_order_with_canonical_state(service, ann):
    first = service.add(ann, "restaurant", "  Worst store, December  ", PA_WEEK)
    second = service.add(ann, "restaurant", "Texas", TEXAS)
    assert first.name == "Worst store, December"
    assert (first.version, first.position, first.is_default) == (1, 0, False)
    assert second.position == 1
    listed = service.list_bookmarks(ann, "restaurant")
    assert [b.id for b in listed] == [first.id, second.id]
    assert listed[0].state == canonical(service, PA_WEEK, ann)
    assert listed[0].state["filters"]["city"] == []  # absent controls take the author's default
    body = listed[0].as_dict()
    assert set(body) == {"id", "dashboard", "name", "state", "position", "is_default", "version",
                         "created_at", "updated_at"}
    assert body["created_at"].endswith("Z")
    assert service.list_bookmarks(ann, "gaming") == []


@pytest.mark.parametrize("name, problem", [
    ("", "Enter a name"), ("   ", "Enter a name"), ("x" * 101, "at most 100"), ("two\nlines", "line breaks"),
    (None, "must be text"), (42, "must be text"),
])
def test_bmsv002_names_must_be_1_to_100_characters_of_text(service, ann, name, problem):
    with pytest.raises(Invalid, match=problem) as caught:
        service.add(ann, "restaurant", name, PA_WEEK)
    assert caught.value.field == "name"
    assert service.list_bookmarks(ann, "restaurant") == []


def test_bmsv003_hundred_characters_after_trimming_are_fine(service, ann):
    name = "é" * 100
    assert service.add(ann, "restaurant", f"  {name}\t", PA_WEEK).name == name


def test_bmsv004_names_are_unique_per_user_and_dashboard_ignoring_case(service, ann, bob):
    service.add(ann, "restaurant", "Pennsylvania December", PA_WEEK)
    for clash in ("pennsylvania december", "  PENNSYLVANIA   DECEMBER "):
        with pytest.raises(Conflict, match="already have a bookmark named") as caught:
            service.add(ann, "restaurant", clash, TEXAS)
        assert caught.value.field == "name"
    # The same name is fine on the other dashboard and for another user.
    service.add(ann, "gaming", "Pennsylvania December", {})
    service.add(bob, "restaurant", "pennsylvania december", TEXAS)
    assert names(service, ann) == ["Pennsylvania December"]


@pytest.mark.parametrize("state, field", [
    ({"filters": {"state": ["Atlantis"]}}, "filters.state"),
    ({"sheet": "no-such-sheet"}, "sheet"),
    ({"filters": {"date_range": ["2021-12-31", "2021-12-01"]}}, "filters.date_range"),
    ({"parameters": {"colour": "red"}}, "parameters.colour"),
    ({"dashboard": "gaming"}, "dashboard"),
])
def test_bmsv005_invalid_states_are_refused_naming_the_field(service, ann, state, field):
    with pytest.raises(Invalid) as caught:
        service.add(ann, "restaurant", "Bad", state)
    assert caught.value.field == field
    assert service.list_bookmarks(ann, "restaurant") == []


def test_bmsv006_not_signed_in_is_unauthorized(service):
    from accounts.viewer import Viewer

    anonymous = Viewer(username=None)
    with pytest.raises(Unauthorized):
        service.add(anonymous, "restaurant", "X", {})
    with pytest.raises(Unauthorized):
        service.list_bookmarks(anonymous, "restaurant")


def test_bmsv007_a_user_without_the_grant_gets_not_found(service, make_user, accounts):
    manager = make_user("manager", dashboards=("restaurant",))
    with pytest.raises(NotFound):
        service.add(manager, "gaming", "Mine", {})
    with pytest.raises(NotFound):
        service.list_bookmarks(manager, "gaming")
    with pytest.raises(NotFound):
        service.set_default(manager, "gaming", ORIGINAL)
    with pytest.raises(NotFound):
        service.export(manager, "gaming")
    # A bookmark saved while the grant existed becomes unreachable once it is revoked.
    saved = service.add(manager, "restaurant", "Texas", TEXAS)
    revoked = viewer_for(accounts.revoke("manager", ["restaurant"]))
    for call in (lambda: service.get(revoked, saved.id), lambda: service.apply(revoked, saved.id),
                 lambda: service.rename(revoked, saved.id, "New", 1),
                 lambda: service.delete(revoked, saved.id)):
        with pytest.raises(NotFound, match="No such bookmark"):
            call()


def test_bmsv008_brand_restricted_users_cannot_save_other_brands(service, make_user):
    partner = make_user("partner", dashboards=("gaming",), brands=("aurora",))
    with pytest.raises(Invalid) as caught:
        service.add(partner, "gaming", "Lumen", {"filters": {"brand": ["lumen"]}})
    assert caught.value.field == "filters.brand"
    assert service.add(partner, "gaming", "Aurora", {"filters": {"brand": ["aurora"]}}).state["filters"]["brand"] \
        == ["aurora"]


# Ownership ---------------------------------------------------------------------------------------------

def test_bmsv009_other_users_ids_are_not_found_and_stay_untouched(service, ann, bob):
    theirs = service.add(bob, "restaurant", "Bob's view", TEXAS)
    service.set_default(bob, "restaurant", theirs.id)
    calls = {
        "get": lambda: service.get(ann, theirs.id),
        "apply": lambda: service.apply(ann, theirs.id),
        "rename": lambda: service.rename(ann, theirs.id, "Stolen", theirs.version),
        "update": lambda: service.update(ann, theirs.id, ORDERS, theirs.version),
        "delete": lambda: service.delete(ann, theirs.id),
        "move": lambda: service.move(ann, theirs.id, 1),
        "default": lambda: service.set_default(ann, "restaurant", theirs.id),
    }
    for what, call in calls.items():
        with pytest.raises(NotFound, match="No such bookmark") as caught:
            call()
        assert "Bob" not in caught.value.message, what
    # Unknown ids read exactly the same.
    for unknown in (theirs.id + 1000, -1, "1", "original", None, True, 2**40):
        with pytest.raises(NotFound, match="No such bookmark"):
            service.get(ann, unknown)
    assert service.get(bob, theirs.id) == service.list_bookmarks(bob, "restaurant")[0]
    assert service.get(bob, theirs.id).name == "Bob's view" and service.get(bob, theirs.id).version == 1
    assert service.default(ann, "restaurant") == DefaultView()
    assert names(service, ann) == []


# Apply (read) ------------------------------------------------------------------------------------------

def test_bmsv010_apply_returns_the_state_and_drops_what_no_longer_validates(service, ann, database):
    saved = service.add(ann, "restaurant", "Old", PA_WEEK)
    applied = service.apply(ann, saved.id)
    assert applied.notices == [] and applied.state.to_dict() == saved.state
    # The dashboard changed since: a sheet, a state and a parameter no longer exist.
    stale = dict(saved.state, sheet="retired-sheet",
                 filters=dict(saved.state["filters"], state=["Atlantis"]),
                 parameters=dict(saved.state["parameters"], colour="red"))
    with database.session() as s:
        s.execute(sa.update(Bookmark).where(Bookmark.id == saved.id).values(state=json.dumps(stale)))
    applied = service.apply(ann, saved.id)
    assert {n.field for n in applied.notices} == {"sheet", "filters.state", "parameters.colour"}
    assert applied.state.sheet == "overview"
    assert applied.state.filters["state"] == []
    assert applied.state.filters["date_range"] == ["2021-12-01", "2021-12-31"]  # the rest is kept


# Rename and update -------------------------------------------------------------------------------------

def test_bmsv011_rename_bumps_the_version_and_checks_the_name(service, ann):
    saved = service.add(ann, "restaurant", "Texas", TEXAS)
    other = service.add(ann, "restaurant", "Orders", ORDERS)
    renamed = service.rename(ann, saved.id, "Texas stores", saved.version)
    assert (renamed.name, renamed.version, renamed.state) == ("Texas stores", 2, saved.state)
    assert renamed.updated_at >= saved.updated_at and renamed.created_at == saved.created_at
    assert service.rename(ann, saved.id, "TEXAS STORES", 2).name == "TEXAS STORES"  # its own name, new case
    with pytest.raises(Conflict, match="already have a bookmark named “orders”"):
        service.rename(ann, saved.id, "orders", 3)
    with pytest.raises(Invalid):
        service.rename(ann, saved.id, " ", 3)
    assert service.get(ann, other.id).name == "Orders"
    assert names(service, ann) == ["TEXAS STORES", "Orders"]


def test_bmsv012_update_overwrites_the_state_after_strict_validation(service, ann):
    saved = service.add(ann, "restaurant", "View", TEXAS)
    with pytest.raises(Invalid) as caught:
        service.update(ann, saved.id, {"filters": {"state": ["Atlantis"]}}, saved.version)
    assert caught.value.field == "filters.state"
    assert service.get(ann, saved.id) == saved  # nothing changed
    updated = service.update(ann, saved.id, PA_WEEK, saved.version)
    assert updated.version == 2 and updated.state == canonical(service, PA_WEEK, ann)
    assert updated.name == "View"


def test_bmsv013_a_stale_version_is_a_conflict_and_changes_nothing(service, ann):
    saved = service.add(ann, "restaurant", "View", TEXAS)
    service.update(ann, saved.id, ORDERS, saved.version)  # another tab
    for call in (lambda: service.update(ann, saved.id, PA_WEEK, saved.version),
                 lambda: service.rename(ann, saved.id, "Mine", saved.version),
                 lambda: service.delete(ann, saved.id, version=saved.version)):
        with pytest.raises(Conflict) as caught:
            call()
        assert caught.value.message == STALE and "another tab" in STALE and "reload" in STALE
        assert caught.value.field == "version"
    current = service.get(ann, saved.id)
    assert (current.version, current.name, current.state) == (2, "View", canonical(service, ORDERS, ann))


@pytest.mark.parametrize("version", [None, "1", 0, 1.0, True])
def test_bmsv014_change_needs_a_version_and_something_to_change(service, ann, version):
    saved = service.add(ann, "restaurant", "View", TEXAS)
    with pytest.raises(Invalid) as caught:
        service.change(ann, saved.id, version=version, name="New")
    assert caught.value.field == "version"
    with pytest.raises(Invalid, match="Nothing to change"):
        service.change(ann, saved.id, version=1)
    assert service.get(ann, saved.id).name == "View"


def test_bmsv015_change_renames_and_updates_at_once(service, ann):
    saved = service.add(ann, "restaurant", "View", TEXAS)
    changed = service.change(ann, saved.id, version=1, name="Orders", state=ORDERS)
    assert (changed.name, changed.version, changed.state) == ("Orders", 2, canonical(service, ORDERS, ann))


# Delete ------------------------------------------------------------------------------------------------

def test_bmsv016_delete_removes_keeps_positions_contiguous_and_clears_a_default(service, ann):
    a = service.add(ann, "restaurant", "A", TEXAS)
    b = service.add(ann, "restaurant", "B", ORDERS)
    c = service.add(ann, "restaurant", "C", PA_WEEK)
    service.set_default(ann, "restaurant", b.id)
    deleted = service.delete(ann, b.id)
    assert deleted.name == "B" and deleted.is_default
    assert [(x.name, x.position) for x in service.list_bookmarks(ann, "restaurant")] == [("A", 0), ("C", 1)]
    assert service.default(ann, "restaurant") == DefaultView()  # no default, not a dangling id
    with pytest.raises(NotFound):
        service.get(ann, b.id)
    with pytest.raises(NotFound):
        service.delete(ann, b.id)
    service.delete(ann, c.id, version=c.version)
    assert names(service, ann) == ["A"] and service.get(ann, a.id).position == 0


# Order -------------------------------------------------------------------------------------------------

def test_bmsv017_reorder_takes_each_bookmark_exactly_once(service, ann, bob):
    a, b, c = (service.add(ann, "restaurant", n, s) for n, s in (("A", TEXAS), ("B", ORDERS), ("C", PA_WEEK)))
    theirs = service.add(bob, "restaurant", "Bob", TEXAS)
    ordered = service.reorder(ann, "restaurant", [c.id, a.id, b.id])
    assert [(x.name, x.position) for x in ordered] == [("C", 0), ("A", 1), ("B", 2)]
    assert [x.version for x in ordered] == [1, 1, 1]  # order is not content: open tabs stay current
    for bad in ([a.id, b.id], [a.id, b.id, c.id, c.id], [a.id, b.id, c.id, theirs.id], [a.id, b.id, theirs.id],
                "1,2,3", [str(a.id), b.id, c.id], None):
        with pytest.raises(Invalid) as caught:
            service.reorder(ann, "restaurant", bad)
        assert caught.value.field == "ids"
    assert names(service, ann) == ["C", "A", "B"]
    assert names(service, bob) == ["Bob"]


def test_bmsv018_move_up_and_down_stops_at_the_ends(service, ann):
    a, b, c = (service.add(ann, "restaurant", n, s) for n, s in (("A", TEXAS), ("B", ORDERS), ("C", PA_WEEK)))
    assert [x.name for x in service.move(ann, c.id, -1)] == ["A", "C", "B"]
    assert [x.name for x in service.move(ann, c.id, -1)] == ["C", "A", "B"]
    assert [x.name for x in service.move(ann, c.id, -1)] == ["C", "A", "B"]
    assert [x.name for x in service.move(ann, a.id, 1)] == ["C", "B", "A"]
    assert [x.name for x in service.move(ann, a.id, 1)] == ["C", "B", "A"]
    assert b.id in {x.id for x in service.list_bookmarks(ann, "restaurant")}


# Default view and last state ---------------------------------------------------------------------------

def test_bmsv019_default_is_a_bookmark_the_original_or_nothing(service, ann, bob):
    a = service.add(ann, "restaurant", "A", TEXAS)
    b = service.add(ann, "restaurant", "B", ORDERS)
    assert service.default(ann, "restaurant") == DefaultView()
    assert service.set_default(ann, "restaurant", a.id) == DefaultView(bookmark_id=a.id)
    assert [x.is_default for x in service.list_bookmarks(ann, "restaurant")] == [True, False]
    assert service.get(ann, a.id).is_default
    service.set_default(ann, "restaurant", b.id)
    assert [x.is_default for x in service.list_bookmarks(ann, "restaurant")] == [False, True]
    assert service.set_default(ann, "restaurant", ORIGINAL) == DefaultView(original=True)
    assert service.default(ann, "restaurant").original
    assert not any(x.is_default for x in service.list_bookmarks(ann, "restaurant"))
    assert service.set_default(ann, "restaurant", None) == DefaultView()
    assert service.default(ann, "restaurant") == DefaultView()
    assert service.default(bob, "restaurant") == DefaultView()  # nobody else is affected


def test_bmsv020_default_must_be_own_bookmark_of_that_dashboard(service, ann):
    gaming = service.add(ann, "gaming", "Gaming", {})
    with pytest.raises(NotFound) as caught:
        service.set_default(ann, "restaurant", gaming.id)
    assert caught.value.field == "bookmark_id"
    for bad in ("first", 1.5, [1], True):
        with pytest.raises(Invalid):
            service.set_default(ann, "restaurant", bad)
    assert service.default(ann, "restaurant") == DefaultView()


def test_bmsv021_remember_writes_only_when_the_state_changes(service, ann, database):
    assert remember(service, ann, "restaurant", PA_WEEK) is True
    assert remember(service, ann, "restaurant", canonical(service, PA_WEEK, ann)) is False
    assert remember(service, ann, "restaurant", TEXAS) is True
    with pytest.raises(Invalid):
        remember(service, ann, "restaurant", {"filters": {"state": ["Atlantis"]}})
    with database.session() as s:
        row = s.get(DashboardPreference, (ann.user_id, "restaurant"))
        assert json.loads(row.last_state) == canonical(service, TEXAS, ann)
        assert row.default_bookmark_id is None and row.default_is_original is False
    # Remembering keeps the default; setting a default keeps the last state.
    service.set_default(ann, "restaurant", ORIGINAL)
    remember(service, ann, "restaurant", ORDERS)
    assert service.default(ann, "restaurant").original
    with database.session() as s:
        assert json.loads(s.get(DashboardPreference, (ann.user_id, "restaurant")).last_state) \
            == canonical(service, ORDERS, ann)


def test_bmsv022_opening_follows_url_then_default_then_last_then_original(service, ann, bob):
    original = service.views.original(service.dashboards.get("restaurant", ann)).to_dict()
    opened, pane = opening(service, ann)
    assert (opened.source, opened.state.to_dict(), pane.active) == ("original", original, None)

    remember(service, ann, "restaurant", ORDERS)
    opened, _ = opening(service, ann)
    assert (opened.source, opened.state.to_dict()) == ("last", canonical(service, ORDERS, ann))

    texas = service.add(ann, "restaurant", "Texas", TEXAS)
    service.set_default(ann, "restaurant", texas.id)
    opened, pane = opening(service, ann)
    assert (opened.source, opened.state.to_dict(), pane.active.id) == ("default", texas.state, texas.id)
    assert pane.default == DefaultView(bookmark_id=texas.id) and [b.id for b in pane.bookmarks] == [texas.id]

    service.set_default(ann, "restaurant", ORIGINAL)
    opened, _ = opening(service, ann)
    assert (opened.source, opened.state.to_dict()) == ("default", original)

    opened, pane = opening(service, ann, json.dumps(PA_WEEK))
    assert (opened.source, opened.state.to_dict(), pane.active) == ("url", canonical(service, PA_WEEK, ann), None)
    # A URL state equal to a bookmark's opens with that bookmark active (the banner shows its name).
    assert opening(service, ann, json.dumps(TEXAS))[1].active.id == texas.id
    # Other users are unaffected by ann's default and last state.
    assert opening(service, bob)[0].source == "original"


def test_bmsv023_opening_reads_leniently_with_notices(service, ann, database):
    opened, _ = opening(service, ann, "{not json")
    assert opened.source == "url" and opened.state.sheet == "overview"
    assert "could not be read" in opened.notices[0].message
    opened, _ = opening(service, ann, json.dumps({"filters": {"state": ["Atlantis", "Texas"]}}))
    assert opened.state.filters["state"] == [] and opened.notices[0].field == "filters.state"
    saved = service.add(ann, "restaurant", "Texas", TEXAS)
    service.set_default(ann, "restaurant", saved.id)
    with database.session() as s:
        stale = dict(saved.state, sheet="retired")
        s.execute(sa.update(Bookmark).where(Bookmark.id == saved.id).values(state=json.dumps(stale)))
    opened, pane = opening(service, ann)
    assert opened.source == "default" and opened.state.sheet == "overview"
    assert [n.field for n in opened.notices] == ["sheet"] and pane.active.id == saved.id


# Export and import -------------------------------------------------------------------------------------

def test_bmsv024_export_then_import_into_another_account(service, ann, bob):
    service.add(ann, "restaurant", "Worst store", PA_WEEK)
    service.add(ann, "restaurant", "Texas", TEXAS)
    document = service.export(ann, "restaurant")
    assert document["format"] == "viewmark-bookmarks" and document["dashboard"] == "restaurant"
    assert [b["name"] for b in document["bookmarks"]] == ["Worst store", "Texas"]
    report = service.import_bookmarks(bob, "restaurant", json.dumps(document).encode())
    assert [b.name for b in report.created] == ["Worst store", "Texas"]
    assert report.renamed == () and report.skipped == ()
    assert [(b.name, b.state) for b in service.list_bookmarks(bob, "restaurant")] \
        == [(b["name"], b["state"]) for b in document["bookmarks"]]


def test_bmsv025_import_renames_clashes_and_skips_identical_ones(service, ann):
    service.add(ann, "restaurant", "Texas", TEXAS)
    service.add(ann, "restaurant", "Orders", ORDERS)
    service.add(ann, "restaurant", "Orders (2)", PA_WEEK)
    long_name = "L" * 100
    service.add(ann, "restaurant", long_name, TEXAS)
    document = {"bookmarks": [{"name": "texas", "state": TEXAS},  # same name and state: skipped
                              {"name": "ORDERS", "state": TEXAS},  # clash: next free number
                              {"name": long_name, "state": ORDERS},
                              {"name": "New", "state": ORDERS}]}
    report = service.import_bookmarks(ann, "restaurant", document)
    assert report.skipped == ("texas",)
    assert report.renamed == (("ORDERS", "ORDERS (3)"), (long_name, "L" * 96 + " (2)"))
    assert names(service, ann)[-3:] == ["ORDERS (3)", "L" * 96 + " (2)", "New"]
    assert "3 bookmarks imported" in report.summary()
    again = service.import_bookmarks(ann, "restaurant", document)
    assert again.created == () and len(again.skipped) == 4  # importing twice adds nothing


@pytest.mark.parametrize("document, error, field", [
    (b"{not json", BadRequest, "file"),
    ([], Invalid, "format"),
    ({"format": "something-else", "bookmarks": []}, Invalid, "format"),
    ({"dashboard": "gaming", "bookmarks": []}, Invalid, "dashboard"),
    ({"bookmarks": "Texas"}, Invalid, "bookmarks"),
    ({"bookmarks": [{"name": "Fine", "state": {}}, "x"]}, Invalid, "bookmarks[1]"),
    ({"bookmarks": [{"name": "Fine", "state": {}}, {"name": " ", "state": {}}]}, Invalid, "bookmarks[1].name"),
    ({"bookmarks": [{"name": "Fine", "state": {}}, {"name": "Bad", "state": {"filters": {"state": ["Atlantis"]}}}]},
     Invalid, "bookmarks[1].state.filters.state"),
    ({"bookmarks": [{"name": "No state"}]}, Invalid, "bookmarks[0].state"),
])
def test_bmsv026_invalid_imports_are_refused_whole(service, ann, document, error, field):
    with pytest.raises(error) as caught:
        service.import_bookmarks(ann, "restaurant", document)
    assert caught.value.field == field
    assert service.list_bookmarks(ann, "restaurant") == []


def test_bmsv027_import_validates_states_against_the_viewers_brands(service, ann, make_user):
    service.add(ann, "gaming", "Lumen", {"filters": {"brand": ["lumen"]}})
    partner = make_user("partner", dashboards=("gaming",), brands=("aurora",))
    with pytest.raises(Invalid, match="Bookmark “Lumen”") as caught:
        service.import_bookmarks(partner, "gaming", service.export(ann, "gaming"))
    assert caught.value.field == "bookmarks[0].state.filters.brand"
    assert service.list_bookmarks(partner, "gaming") == []


# Races -------------------------------------------------------------------------------------------------

def run_together(*calls):
    """Runs the calls in threads (each with its own session) and returns each result or exception."""
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_bmsv028_two_concurrent_updates_one_wins_the_other_conflicts(service, ann, monkeypatch):
    saved = service.add(ann, "restaurant", "Shared", TEXAS)
    # Both writers read version 1 before either writes: the database must let exactly one through.
    barrier = threading.Barrier(2, timeout=30)
    read = BookmarkService._owned

    def read_then_wait(self, s, viewer, bookmark_id):
        found = read(self, s, viewer, bookmark_id)
        barrier.wait()
        return found

    monkeypatch.setattr(BookmarkService, "_owned", read_then_wait)
    results = run_together(lambda: service.update(ann, saved.id, ORDERS, 1),
                           lambda: service.update(ann, saved.id, PA_WEEK, 1))
    monkeypatch.undo()
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Conflict) and losers[0].message == STALE
    current = service.get(ann, saved.id)
    assert current.version == 2 and current.state == winners[0].state


def test_bmsv029_two_concurrent_adds_of_one_name_one_wins(service, ann, monkeypatch):
    barrier = threading.Barrier(2, timeout=30)
    check = BookmarkService._check_name_free

    def check_then_wait(s, user_id, dashboard_id, name):
        check(s, user_id, dashboard_id, name)
        barrier.wait()  # both have seen the name free

    monkeypatch.setattr(BookmarkService, "_check_name_free", staticmethod(check_then_wait))
    results = run_together(lambda: service.add(ann, "restaurant", "Year end", TEXAS),
                           lambda: service.add(ann, "restaurant", "YEAR END", ORDERS))
    monkeypatch.undo()
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(losers) == 1, results
    assert isinstance(losers[0], Conflict) and "already have a bookmark named" in losers[0].message
    assert len(service.list_bookmarks(ann, "restaurant")) == 1


# The database itself -----------------------------------------------------------------------------------

def test_bmsv030_the_database_enforces_names_and_a_single_default(service, ann, database):
    saved = service.add(ann, "restaurant", "Texas", TEXAS)
    with pytest.raises(sa.exc.IntegrityError), database.session() as s:
        s.add(Bookmark(user_id=ann.user_id, dashboard="restaurant", name="TEXAS", name_key="texas",
                       state="{}", position=5))
    with pytest.raises(sa.exc.IntegrityError), database.session() as s:
        s.add(DashboardPreference(user_id=ann.user_id, dashboard="restaurant", default_bookmark_id=saved.id,
                                  default_is_original=True))
    assert names(service, ann) == ["Texas"]


def test_bmsv031_deleting_a_user_deletes_their_bookmarks_and_preferences(service, ann, bob, database):
    saved = service.add(ann, "restaurant", "Texas", TEXAS)
    service.set_default(ann, "restaurant", saved.id)
    service.add(bob, "restaurant", "Texas", TEXAS)
    with database.session() as s:
        s.execute(sa.delete(User).where(User.id == ann.user_id))
    with database.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Bookmark)) == 1
        assert s.scalar(sa.select(sa.func.count()).select_from(DashboardPreference)) == 0


def test_bmsv034_a_deleted_bookmarks_id_is_never_given_again(service, ann, database):
    """A tab still showing a deleted bookmark must not change the bookmark created after it."""
    first = service.add(ann, "restaurant", "x1", TEXAS)
    deleted = service.add(ann, "restaurant", "x2", TEXAS)
    service.delete(ann, deleted.id)
    other = service.add(ann, "restaurant", "other", PA_WEEK)
    assert other.id > max(first.id, deleted.id)
    with pytest.raises(NotFound):
        service.change(ann, deleted.id, version=deleted.version, name="stale-tab-wrote-this")
    assert names(service, ann) == ["x1", "other"]
    assert service.get(ann, other.id).version == 1
    # Deleting the newest of all bookmarks frees no id either (SQLite reused max(id) + 1 without AUTOINCREMENT).
    service.delete(ann, other.id)
    again = service.add(ann, "restaurant", "again", TEXAS)
    assert again.id > other.id


def test_bmsv032_the_migration_matches_the_models(database):
    with database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    # Only this feature's tables: other migrations are checked by their own tests.
    ours = [d for d in diffs if "bookmarks" in repr(d) or "dashboard_preferences" in repr(d)]
    assert ours == []


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_bmsv033_the_migration_downgrades_and_upgrades_again(dialect, tmp_path):
    from alembic import command

    from db.database import Database, alembic_config
    from tests.persistence_fixtures import POSTGRES_URL

    name = f"viewmark_bm_{uuid.uuid4().hex[:8]}"
    admin = None
    if dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    else:
        admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as con:
            con.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    try:
        database.migrate()
        command.downgrade(alembic_config(url), "0001_accounts")
        assert not {"bookmarks", "dashboard_preferences"} & set(sa.inspect(database.engine).get_table_names())
        database.migrate()
        assert {"bookmarks", "dashboard_preferences"} <= set(sa.inspect(database.engine).get_table_names())
    finally:
        database.dispose()
        if admin is not None:
            with admin.connect() as con:
                con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_bmsv040_a_shared_view_is_not_marked_as_one_of_the_viewers_bookmarks(service, ann):
    texas = service.add(ann, "restaurant", "Texas", TEXAS)
    board = service.dashboards.get("restaurant", ann)
    state = service.views.parse(board, TEXAS, ann, strict=True)[0]
    shared = service.pane(ann, board, Opening(state, [], "shared"))
    assert shared.active is None and [b.id for b in shared.bookmarks] == [texas.id]
    # The same state from a link in the address is that bookmark.
    assert service.pane(ann, board, Opening(state, [], "url")).active.id == texas.id
