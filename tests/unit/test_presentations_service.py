"""The presentation service on SQLite and PostgreSQL: creating, listing, reading, changing, duplicating and
deleting; ownership, names, versions and item checks; decks that follow their bookmarks, skip what is gone
and are read for the viewer; the user's bookmarks as a deck; snapshots; the tables."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from accounts.service import Accounts, viewer_for
from accounts.viewer import Viewer
from bookmarks.models import Bookmark
from bookmarks.service import BookmarkService
from core.errors import Conflict, Invalid, NotFound, Unauthorized
from dashboards.service import DashboardService
from db.base import Base, utcnow
from presentations import service as presentations_module
from presentations.models import NAME_MAX, Presentation, PresentationItem
from presentations.service import Deck, Item, PresentationService, Slide
from shares.models import Share
from shares.service import LinkGone, ShareService

TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}
ORDERS = {"parameters": {"metric": "orders"}}
NOVA = {"filters": {"brand": ["nova"]}}
TWO_BRANDS = {"filters": {"brand": ["aurora", "nova"]}}
AURORA = {"filters": {"brand": ["aurora"]}}


@pytest.fixture(scope="module")
def dashboards(small_data):
    return DashboardService(small_data.engine)


@pytest.fixture
def bookmarks(database, dashboards):
    return BookmarkService(database, dashboards)


@pytest.fixture
def shares(database, dashboards, bookmarks):
    return ShareService(database, dashboards, bookmarks)


@pytest.fixture
def service(database, dashboards, bookmarks, shares):
    return PresentationService(database, dashboards, bookmarks, shares)


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


@pytest.fixture
def partner(make_user):
    return make_user("partner", dashboards=("gaming",), brands=("aurora",))


def canonical(service, raw, viewer, dashboard="restaurant"):
    board = service.dashboards.get(dashboard, viewer)
    return service.views.parse(board, raw, viewer, strict=True)[0].to_dict()


def count(database, model) -> int:
    with database.session() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model))


def refs(presentation) -> list[tuple]:
    return [(i.position, i.bookmark_id, i.share_token, i.name) for i in presentation.items]


@pytest.fixture
def three(bookmarks, ann):
    """Ann's bookmarks: two of the restaurant dashboard, one of iGaming."""
    return (bookmarks.add(ann, "restaurant", "Texas stores", TEXAS),
            bookmarks.add(ann, "restaurant", "Orders", ORDERS),
            bookmarks.add(ann, "gaming", "Nova", NOVA))


# Creating, listing, reading -------------------------------------------------------------------------------

def test_prsv001_create_keeps_the_items_in_order_with_their_names(service, shares, ann, bob, three):
    texas, orders, nova = three
    link = shares.create(bob, "restaurant", ORDERS)
    made = service.create(ann, "  Monday review  ", [{"bookmark_id": nova.id}, {"share_token": link.token},
                                                      {"bookmark_id": texas.id}, {"bookmark_id": nova.id}])
    assert (made.name, made.version) == ("Monday review", 1)
    assert refs(made) == [(0, nova.id, None, "Nova"), (1, None, link.token, "Restaurant Operations, shared by bob"),
                          (2, texas.id, None, "Texas stores"), (3, nova.id, None, "Nova")]
    assert service.get(ann, made.id) == made
    body = made.as_dict()
    assert set(body) == {"id", "name", "version", "created_at", "updated_at", "items"}
    assert body["created_at"].endswith("Z") and body["items"][1] == {
        "position": 1, "bookmark_id": None, "share_token": link.token,
        "name": "Restaurant Operations, shared by bob"}
    # A named link keeps its name; an empty presentation is fine.
    named = shares.create(ann, "restaurant", bookmark_id=orders.id)
    assert refs(service.create(ann, "Named", [{"share_token": named.token}])) == [(0, None, named.token, "Orders")]
    assert service.create(ann, "Empty", []).items == ()


def test_prsv002_list_mine_is_the_viewers_own_by_name(service, ann, bob, three):
    b = service.create(ann, "beta", [{"bookmark_id": three[0].id}])
    a = service.create(ann, "Alpha", [])
    service.create(bob, "Bob's", [])
    assert [(p.id, p.name) for p in service.list_mine(ann)] == [(a.id, "Alpha"), (b.id, "beta")]
    assert service.list_mine(ann)[1].items == b.items
    assert [p.name for p in service.list_mine(bob)] == ["Bob's"]


# Names --------------------------------------------------------------------------------------------------

def test_prsv003_names_are_unique_per_owner_ignoring_case(service, ann, bob, database):
    first = service.create(ann, "Weekly", [])
    for clash in ("weekly", "WEEKLY", "  Weekly "):
        with pytest.raises(Conflict) as caught:
            service.create(ann, clash, [])
        assert caught.value.field == "name"
    # Another user may use it; renaming onto a taken name is a conflict; a new case of one's own name is not.
    assert service.create(bob, "Weekly", []).name == "Weekly"
    other = service.create(ann, "Monthly", [])
    with pytest.raises(Conflict) as caught:
        service.change(ann, other.id, version=other.version, name="WEEKLY")
    assert caught.value.field == "name"
    assert service.change(ann, first.id, version=first.version, name="WEEKLY").name == "WEEKLY"
    assert count(database, Presentation) == 3


@pytest.mark.parametrize("name", [None, 42, "", "   ", "x" * (NAME_MAX + 1), "line\nbreak", "tab\there"])
def test_prsv004_invalid_names_are_refused(service, ann, database, name):
    with pytest.raises(Invalid) as caught:
        service.create(ann, name, [])
    assert caught.value.field == "name"
    assert count(database, Presentation) == 0


# Items --------------------------------------------------------------------------------------------------

def test_prsv005_invalid_items_are_refused_naming_the_item(service, bookmarks, shares, ann, bob, database, three,
                                                           make_user):
    bobs = bookmarks.add(bob, "restaurant", "Bob's", TEXAS)
    revoked = shares.create(bob, "restaurant", TEXAS)
    shares.revoke(bob, revoked.token)
    expired = shares.create(bob, "restaurant", ORDERS, expires_in_s=60)
    with database.session() as s:
        s.execute(sa.update(Share).where(Share.token == expired.token)
                  .values(expires_at=utcnow() - timedelta(minutes=1)))
    gaming_link = shares.create(bob, "gaming", NOVA)
    manager = make_user("manager", dashboards=("restaurant",))
    good = {"bookmark_id": three[0].id}
    bad_entries = [None, 1, "x", [], {}, {"bookmark_id": three[0].id, "share_token": revoked.token},
                   {"bookmark": three[0].id}, {"bookmark_id": three[0].id, "name": "X"},
                   {"bookmark_id": bobs.id}, {"bookmark_id": 2**31 - 1}, {"bookmark_id": 2**40},
                   {"bookmark_id": 0}, {"bookmark_id": -1}, {"bookmark_id": True}, {"bookmark_id": "1"},
                   {"bookmark_id": None}, {"share_token": revoked.token}, {"share_token": expired.token},
                   {"share_token": "A" * 32}, {"share_token": "short"}, {"share_token": None}, {"share_token": 7}]
    for entry in bad_entries:
        with pytest.raises(Invalid) as caught:
            service.create(ann, "Deck", [good, entry])
        assert caught.value.field == "items[1]", entry
    # A link to a dashboard the viewer may not open.
    with pytest.raises(Invalid) as caught:
        service.create(manager, "Deck", [{"share_token": gaming_link.token}])
    assert caught.value.field == "items[0]"
    for items in (None, "x", {"bookmark_id": three[0].id}, 3):
        with pytest.raises(Invalid) as caught:
            service.create(ann, "Deck", items)
        assert caught.value.field == "items"
    assert count(database, Presentation) == 0


def test_prsv006_at_most_100_items(service, ann, three, database):
    items = [{"bookmark_id": three[i % 3].id} for i in range(presentations_module.MAX_ITEMS)]
    assert len(service.create(ann, "Full", items).items) == 100
    with pytest.raises(Invalid) as caught:
        service.create(ann, "Too many", [*items, items[0]])
    assert caught.value.field == "items"
    made = service.get(ann, service.list_mine(ann)[0].id)
    with pytest.raises(Invalid):
        service.change(ann, made.id, version=made.version, items=[*items, items[0]])
    assert count(database, PresentationItem) == 100


# Ownership and sign-in ----------------------------------------------------------------------------------

def test_prsv007_another_users_presentation_is_not_found_like_a_missing_one(service, ann, bob, three, database):
    made = service.create(ann, "Ann's", [{"bookmark_id": three[0].id}])
    calls = {
        "get": lambda v, i: service.get(v, i),
        "deck": lambda v, i: service.deck(v, i),
        "snapshot": lambda v, i: service.slides_snapshot(v, i),
        "change": lambda v, i: service.change(v, i, version=1, name="Mine now"),
        "change items": lambda v, i: service.change(v, i, version=1, items=[]),
        "duplicate": lambda v, i: service.duplicate(v, i),
        "delete": lambda v, i: service.delete(v, i),
    }
    missing = made.id + 1000
    for what, call in calls.items():
        with pytest.raises(NotFound) as theirs:
            call(bob, made.id)
        with pytest.raises(NotFound) as unknown:
            call(bob, missing)
        assert theirs.value.as_dict() == unknown.value.as_dict() == {"error": "No such presentation."}, what
        for not_an_id in (0, -1, True, "1", 1.0, None, 2**31, 2**40):
            with pytest.raises(NotFound):
                call(ann, not_an_id)
    assert service.get(ann, made.id) == made
    assert count(database, Presentation) == 1


def test_prsv008_not_signed_in_is_unauthorized(service, ann, three):
    anonymous = Viewer(username=None)
    made = service.create(ann, "Ann's", [{"bookmark_id": three[0].id}])
    for call in (lambda: service.list_mine(anonymous), lambda: service.get(anonymous, made.id),
                 lambda: service.create(anonymous, "X", []), lambda: service.deck(anonymous, made.id),
                 lambda: service.change(anonymous, made.id, version=1, name="X"),
                 lambda: service.duplicate(anonymous, made.id), lambda: service.delete(anonymous, made.id),
                 lambda: service.slides_snapshot(anonymous, made.id),
                 lambda: service.bookmarks_deck(anonymous, "restaurant")):
        with pytest.raises(Unauthorized):
            call()


# Changing -----------------------------------------------------------------------------------------------

def test_prsv009_change_renames_and_replaces_items_under_the_version(service, ann, three):
    texas, orders, nova = three
    made = service.create(ann, "Deck", [{"bookmark_id": texas.id}, {"bookmark_id": orders.id}])
    renamed = service.change(ann, made.id, version=1, name="Renamed")
    assert (renamed.name, renamed.version, renamed.items) == ("Renamed", 2, made.items)
    assert renamed.updated_at >= made.updated_at
    reordered = service.change(ann, made.id, version=2, items=[{"bookmark_id": nova.id}, {"bookmark_id": texas.id}])
    assert reordered.version == 3
    assert refs(reordered) == [(0, nova.id, None, "Nova"), (1, texas.id, None, "Texas stores")]
    both = service.change(ann, made.id, version=3, name="Both", items=[])
    assert (both.name, both.version, both.items) == ("Both", 4, ())
    assert service.get(ann, made.id) == both


def test_prsv010_a_stale_version_is_a_conflict_and_changes_nothing(service, ann, three):
    made = service.create(ann, "Deck", [{"bookmark_id": three[0].id}])
    service.change(ann, made.id, version=1, name="Other tab")
    for kwargs in ({"name": "This tab"}, {"items": []}, {"name": "This tab", "items": []}):
        with pytest.raises(Conflict) as caught:
            service.change(ann, made.id, version=1, **kwargs)
        assert caught.value.field == "version"
    with pytest.raises(Conflict):
        service.delete(ann, made.id, version=1)
    now = service.get(ann, made.id)
    assert (now.name, now.version, now.items) == ("Other tab", 2, made.items)


def test_prsv011_change_needs_something_to_change_and_a_version(service, ann):
    made = service.create(ann, "Deck", [])
    with pytest.raises(Invalid):
        service.change(ann, made.id, version=1)
    for version in (None, 0, -1, "1", True, 1.5):
        with pytest.raises(Invalid) as caught:
            service.change(ann, made.id, version=version, name="X")
        assert caught.value.field == "version"
    with pytest.raises(Invalid) as caught:
        service.change(ann, made.id, version=1, items=[{"bookmark_id": 999}])
    assert caught.value.field == "items[0]"
    assert service.get(ann, made.id) == made


# Duplicating and deleting -------------------------------------------------------------------------------

def test_prsv012_duplicate_copies_the_items_under_a_free_name(service, ann, three):
    made = service.create(ann, "Weekly", [{"bookmark_id": three[2].id}, {"bookmark_id": three[0].id}])
    copy = service.duplicate(ann, made.id)
    assert (copy.name, copy.version, refs(copy)) == ("Weekly (copy)", 1, refs(made))
    assert copy.id != made.id
    assert service.duplicate(ann, made.id).name == "Weekly (copy 2)"
    service.create(ann, "weekly (COPY 3)", [])
    assert service.duplicate(ann, made.id).name == "Weekly (copy 4)"
    # The copy is independent of the original.
    service.change(ann, copy.id, version=1, items=[])
    assert service.get(ann, made.id) == made
    # A long name is shortened so that the suffix fits.
    long = service.create(ann, "x" * NAME_MAX, [])
    assert service.duplicate(ann, long.id).name == "x" * (NAME_MAX - 7) + " (copy)"


def test_prsv013_delete_removes_the_presentation_and_its_items_and_frees_no_id(service, ann, three, database):
    made = service.create(ann, "Deck", [{"bookmark_id": three[0].id}])
    kept = service.create(ann, "Kept", [{"bookmark_id": three[1].id}])
    assert service.delete(ann, made.id) == made
    with pytest.raises(NotFound):
        service.get(ann, made.id)
    with pytest.raises(NotFound):
        service.delete(ann, made.id)
    assert [p.id for p in service.list_mine(ann)] == [kept.id]
    assert count(database, PresentationItem) == 1
    again = service.create(ann, "Deck", [])
    assert again.id > max(made.id, kept.id)
    assert service.delete(ann, again.id, version=1).id == again.id


# Decks --------------------------------------------------------------------------------------------------

def test_prsv014_a_deck_shows_each_slide_as_the_viewer_sees_it_across_both_dashboards(service, ann, three):
    texas, orders, nova = three
    made = service.create(ann, "Review", [{"bookmark_id": nova.id}, {"bookmark_id": texas.id},
                                          {"bookmark_id": orders.id}])
    deck = service.deck(ann, made.id)
    assert isinstance(deck, Deck) and deck.title == "Review" and deck.skipped == ()
    assert [(s.name, s.dashboard) for s in deck.slides] == [("Nova", "gaming"), ("Texas stores", "restaurant"),
                                                            ("Orders", "restaurant")]
    assert [s.state.to_dict() for s in deck.slides] == [canonical(service, NOVA, ann, "gaming"),
                                                        canonical(service, TEXAS, ann),
                                                        canonical(service, ORDERS, ann)]
    assert all(isinstance(s, Slide) and s.notices == () for s in deck.slides)
    assert [s.item for s in deck.slides] == list(made.items)


def test_prsv015_a_slide_follows_its_bookmark(service, bookmarks, ann, three):
    texas = three[0]
    made = service.create(ann, "Review", [{"bookmark_id": texas.id}])
    bookmarks.change(ann, texas.id, version=texas.version, name="Worst store", state=ORDERS)
    slide = service.deck(ann, made.id).slides[0]
    assert (slide.name, slide.state.to_dict()) == ("Worst store", canonical(service, ORDERS, ann))


def test_prsv016_a_deleted_bookmark_is_skipped_with_a_notice_naming_it(service, bookmarks, ann, three, database):
    texas, orders, _ = three
    bookmarks.change(ann, texas.id, version=texas.version, name="Worst store")
    made = service.create(ann, "Review", [{"bookmark_id": orders.id}, {"bookmark_id": texas.id}])
    bookmarks.delete(ann, texas.id)
    deck = service.deck(ann, made.id)
    assert [s.name for s in deck.slides] == ["Orders"]
    assert deck.skipped == ("“Worst store” was deleted; skipped.",)
    # The item stays, without its reference (ON DELETE SET NULL), so the deck can keep saying so.
    assert refs(service.get(ann, made.id))[1] == (1, None, None, "Worst store")
    assert count(database, PresentationItem) == 2
    # Reordering the remaining slides drops it; duplicating keeps it.
    assert refs(service.duplicate(ann, made.id))[1] == (1, None, None, "Worst store")
    changed = service.change(ann, made.id, version=1, items=[{"bookmark_id": orders.id}])
    assert service.deck(ann, changed.id).skipped == ()


def test_prsv017_a_revoked_or_expired_link_is_skipped(service, shares, ann, bob, three, database):
    revoked = shares.create(bob, "restaurant", TEXAS)
    expiring = shares.create(bob, "restaurant", ORDERS, expires_in_s=3600)
    made = service.create(ann, "Links", [{"share_token": revoked.token}, {"bookmark_id": three[0].id},
                                         {"share_token": expiring.token}])
    assert len(service.deck(ann, made.id).slides) == 3
    shares.revoke(bob, revoked.token)
    with database.session() as s:
        s.execute(sa.update(Share).where(Share.token == expiring.token)
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    deck = service.deck(ann, made.id)
    assert [s.name for s in deck.slides] == ["Texas stores"]
    name = "Restaurant Operations, shared by bob"
    assert deck.skipped == (f"The shared link “{name}” is no longer available; skipped.",) * 2
    assert service.slides_snapshot(ann, made.id) == [
        {"dashboard": "restaurant", "name": "Texas stores", "state": canonical(service, TEXAS, ann)}]


def test_prsv018_a_partner_restricted_to_one_brand_gets_narrowed_slides(service, shares, bookmarks, accounts, ann,
                                                                        partner, make_user):
    link = shares.create(ann, "gaming", TWO_BRANDS)
    made = service.create(partner, "Aurora", [{"share_token": link.token}])
    slide = service.deck(partner, made.id).slides[0]
    assert slide.state.filters["brand"] == ["aurora"]
    assert [n.field for n in slide.notices] == ["filters.brand"]
    # The user's own bookmark, saved before a restriction: read for who they are now.
    carol = make_user("carol")
    own = bookmarks.add(carol, "gaming", "Both brands", TWO_BRANDS)
    mine = service.create(carol, "Mine", [{"bookmark_id": own.id}])
    assert service.deck(carol, mine.id).slides[0].state.filters["brand"] == ["aurora", "nova"]
    carol = viewer_for(accounts.restrict_brands("carol", ["aurora"]))
    slide = service.deck(carol, mine.id).slides[0]
    assert slide.state.filters["brand"] == ["aurora"] and slide.notices
    assert service.slides_snapshot(carol, mine.id)[0]["state"]["filters"]["brand"] == ["aurora"]


def test_prsv019_a_slide_of_a_dashboard_no_longer_granted_is_skipped(service, accounts, ann, three):
    made = service.create(ann, "Review", [{"bookmark_id": three[2].id}, {"bookmark_id": three[0].id}])
    ann = viewer_for(accounts.revoke("ann", ["gaming"]))
    deck = service.deck(ann, made.id)
    assert [s.name for s in deck.slides] == ["Texas stores"]
    assert deck.skipped == ("“Nova” is no longer available to you; skipped.",)


def test_prsv020_a_state_that_no_longer_fits_is_read_leniently_with_notices(service, ann, three, database):
    made = service.create(ann, "Review", [{"bookmark_id": three[0].id}])
    retired = ('{"version": 1, "dashboard": "restaurant", "sheet": "retired-sheet", '
               '"filters": {"state": ["Texas"], "removed-filter": ["x"]}, "parameters": {}}')
    with database.session() as s:
        s.execute(sa.update(Bookmark).where(Bookmark.id == three[0].id).values(state=retired))
    slide = service.deck(ann, made.id).slides[0]
    assert slide.state.sheet == "overview" and slide.state.filters["state"] == ["Texas"]
    assert sorted(n.field for n in slide.notices) == ["filters.removed-filter", "sheet"]


def test_prsv021_bookmarks_deck_is_the_users_bookmarks_of_a_dashboard_in_order(service, bookmarks, ann, bob, three,
                                                                               make_user):
    texas, orders, _ = three
    bookmarks.reorder(ann, "restaurant", [orders.id, texas.id])
    deck = service.bookmarks_deck(ann, "restaurant")
    assert (deck.title, deck.skipped) == ("Restaurant Operations", ())
    assert [(s.name, s.dashboard, s.state.to_dict()) for s in deck.slides] == [
        ("Orders", "restaurant", canonical(service, ORDERS, ann)),
        ("Texas stores", "restaurant", canonical(service, TEXAS, ann))]
    assert deck.slides[0].item == Item(0, orders.id, None, "Orders")
    assert service.bookmarks_deck(ann, "gaming").title == "iGaming"
    assert service.bookmarks_deck(bob, "restaurant").slides == ()
    manager = make_user("manager", dashboards=("restaurant",))
    for dashboard in ("gaming", "no-such-dashboard", None):
        with pytest.raises(NotFound):
            service.bookmarks_deck(manager, dashboard)


def test_prsv022_slides_snapshot_is_the_deck_as_plain_canonical_dicts(service, shares, ann, bob, three):
    link = shares.create(bob, "restaurant", ORDERS)
    made = service.create(ann, "Review", [{"bookmark_id": three[2].id}, {"share_token": link.token}])
    assert service.slides_snapshot(ann, made.id) == [
        {"dashboard": "gaming", "name": "Nova", "state": canonical(service, NOVA, ann, "gaming")},
        {"dashboard": "restaurant", "name": "Restaurant Operations, shared by bob",
         "state": canonical(service, ORDERS, ann)}]
    # Reading the deck counts no opening of the link.
    assert shares.list_mine(bob)[0].open_count == 0


# The tables ---------------------------------------------------------------------------------------------

def test_prsv023_the_migration_matches_the_models(database):
    with database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if "presentation" in repr(d)] == []


def test_prsv024_deleting_the_owner_deletes_their_presentations(service, ann, bob, three, database):
    service.create(ann, "Ann's", [{"bookmark_id": three[0].id}])
    theirs = service.create(bob, "Bob's", [])
    with database.session() as s:
        s.execute(sa.delete(User).where(User.id == ann.user_id))
    assert count(database, Presentation) == 1 and count(database, PresentationItem) == 0
    assert service.get(bob, theirs.id) == theirs


def test_prsv025_an_item_never_holds_both_a_bookmark_and_a_link(service, ann, three, database):
    made = service.create(ann, "Deck", [])
    with pytest.raises(IntegrityError), database.session() as s:
        s.add(PresentationItem(presentation_id=made.id, position=0, bookmark_id=three[0].id,
                               share_token="A" * 32, name="Both"))
        s.flush()
    assert count(database, PresentationItem) == 0


# Shared as a link ----------------------------------------------------------------------------------------

def test_prsv040_a_shared_presentation_is_a_snapshot_played_with_the_viewers_restrictions(
        service, bookmarks, ann, bob, partner, three, database):
    texas, _, nova = three
    made = service.create(ann, "Story", [{"bookmark_id": texas.id}, {"bookmark_id": nova.id}])
    link = service.share(ann, made.id)
    assert link.kind == "presentation" and link.name == "Story"

    # Changing or deleting the bookmarks afterwards never changes what the link plays.
    bookmarks.update(ann, texas.id, {"sheet": "owner-view"}, texas.version)
    bookmarks.delete(ann, nova.id)
    deck = service.shared_deck(bob, link.token)
    assert deck.title == "Story" and [s.name for s in deck.slides] == ["Texas stores", "Nova"]
    assert deck.slides[0].state.sheet == texas.state["sheet"] and deck.skipped == ()

    # A partner of one brand: the restaurant slide is not theirs, the other brand's view is narrowed.
    deck = service.shared_deck(partner, link.token)
    assert [s.name for s in deck.slides] == ["Nova"]
    assert deck.skipped == ("“Texas stores” shows a dashboard you may not view; skipped.",)
    assert deck.slides[0].state.filters["brand"] == [] and any("narrowed" in n.message for n in deck.slides[0].notices)


def test_prsv041_a_revoked_presentation_link_is_gone_and_a_view_link_is_no_deck(service, shares, ann, bob, three):
    made = service.create(ann, "Story", [{"bookmark_id": three[0].id}])
    link = service.share(ann, made.id)
    shares.revoke(ann, link.token)
    with pytest.raises(LinkGone):
        service.shared_deck(bob, link.token)
    view = shares.create(ann, "restaurant", {"sheet": "overview"})
    with pytest.raises(LinkGone):
        service.shared_deck(bob, view.token)
    with pytest.raises(LinkGone):  # and a presentation's link is no view
        shares.open(bob, service.share(ann, made.id).token)
