"""The share service on SQLite and PostgreSQL: snapshots, the same link back, expiry, revoking, tokens,
permission and row restrictions, opening counts, saving as one's own bookmark, validation, throttling."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from accounts.models import User
from accounts.service import Accounts, viewer_for
from accounts.viewer import Viewer
from bookmarks.service import BookmarkService
from core.errors import BadRequest, Conflict, Forbidden, Invalid, NotFound, TooMany, Unauthorized
from dashboards.service import DashboardService
from db.base import Base, utcnow
from shares import service as shares_module
from shares.models import Share
from shares.service import GONE, NARROWED, LinkGone, NoAccess, ShareService
from views.preferences import ViewPreferences
from views.sources import OpenRequest, open_view, standard_sources
from views.state import Notice

PA_WEEK = {"sheet": "owner-view", "filters": {"date_range": ["2021-12-01", "2021-12-31"],
                                              "state": ["Pennsylvania"], "address": ["10 Resort Plz"]},
           "parameters": {"metric": "revenue", "grain": "week"}}
TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}
ORDERS = {"parameters": {"metric": "orders"}}
OTHER_BRAND = {"filters": {"brand": ["nova"]}}
TWO_BRANDS = {"filters": {"brand": ["aurora", "nova"]}}
DAY = 24 * 3600


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
def make_user(database):
    accounts = Accounts(database)

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
def manager(make_user):
    return make_user("manager", dashboards=("restaurant",))


@pytest.fixture
def partner(make_user):
    return make_user("partner", dashboards=("gaming",), brands=("aurora",))


def canonical(shares, raw, viewer, dashboard="restaurant"):
    board = shares.dashboards.get(dashboard, viewer)
    return shares.views.parse(board, raw, viewer, strict=True)[0].to_dict()


def row(database, token) -> dict:
    with database.session() as s:
        share = s.scalar(sa.select(Share).where(Share.token == token))
        return {"revoked_at": share.revoked_at, "expires_at": share.expires_at, "open_count": share.open_count,
                "state": share.state, "name": share.name}


def set_column(database, token, **values):
    with database.session() as s:
        s.execute(sa.update(Share).where(Share.token == token).values(**values))


def count_shares(database) -> int:
    with database.session() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(Share))


def assert_gone(call):
    with pytest.raises(LinkGone) as caught:
        call()
    exc = caught.value
    assert (exc.status, exc.message, exc.field, exc.as_dict()) == (404, GONE, "token",
                                                                   {"error": GONE, "field": "token"})


# Creating -----------------------------------------------------------------------------------------------

def test_shsv001_create_stores_the_canonical_state_under_a_url_safe_token(shares, ann):
    share = shares.create(ann, "restaurant", PA_WEEK)
    assert share.state == canonical(shares, PA_WEEK, ann)
    assert (share.dashboard, share.owner, share.name, share.open_count) == ("restaurant", "ann", None, 0)
    assert share.expires_at is None and share.revoked_at is None and share.live()
    assert share.url == f"/s/{share.token}"
    body = share.as_dict()
    assert set(body) == {"token", "url", "dashboard", "name", "owner", "state", "created_at", "expires_at",
                         "revoked_at", "open_count", "live", "kind"}
    assert body["created_at"].endswith("Z") and body["live"] is True
    assert [s.token for s in shares.list_mine(ann)] == [share.token]


def test_shsv002_tokens_carry_at_least_128_random_bits_and_differ(shares, ann):
    tokens = [shares.create(ann, "restaurant", {"filters": {"state": [state]}}).token
              for state in ("Texas", "Pennsylvania", "Florida")]
    assert len(set(tokens)) == 3
    for token in tokens:
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128


def test_shsv003_the_same_view_shared_again_gives_the_same_link_back(shares, ann, bob, database):
    first = shares.create(ann, "restaurant", TEXAS)
    # The same view spelled differently (defaults written out, another order) is the same canonical state.
    spelled_out = {**canonical(shares, TEXAS, ann)}
    assert shares.create(ann, "restaurant", spelled_out).token == first.token
    assert shares.create(ann, "restaurant", TEXAS).token == first.token
    # Another view, another user, an expiring link or a revoked one: a new link.
    assert shares.create(ann, "restaurant", ORDERS).token != first.token
    assert shares.create(bob, "restaurant", TEXAS).token != first.token
    expiring = shares.create(ann, "restaurant", TEXAS, expires_in_s=DAY)
    assert expiring.token != first.token
    assert shares.create(ann, "restaurant", TEXAS, expires_in_s=DAY).token != expiring.token
    shares.revoke(ann, first.token)
    again = shares.create(ann, "restaurant", TEXAS)
    assert again.token != first.token and again.live()
    assert shares.create(ann, "restaurant", TEXAS).token == again.token
    assert count_shares(database) == 6


def test_shsv004_sharing_a_bookmark_copies_its_state_and_name(shares, bookmarks, ann):
    saved = bookmarks.add(ann, "restaurant", "December", PA_WEEK)
    share = shares.create(ann, "restaurant", bookmark_id=saved.id)
    assert (share.name, share.state) == ("December", saved.state)
    assert shares.create(ann, "restaurant", bookmark_id=saved.id).token == share.token
    # The same state shared without the bookmark is another link (it has no name).
    plain = shares.create(ann, "restaurant", PA_WEEK)
    assert plain.token != share.token and plain.name is None
    # A state given with the bookmark: its name only when it is the bookmark's view.
    assert shares.create(ann, "restaurant", PA_WEEK, bookmark_id=saved.id).token == share.token
    other = shares.create(ann, "restaurant", TEXAS, bookmark_id=saved.id)
    assert (other.name, other.state) == (None, canonical(shares, TEXAS, ann))


def test_shsv005_the_snapshot_is_immutable_when_the_bookmark_changes_or_goes(shares, bookmarks, ann, bob,
                                                                             database):
    saved = bookmarks.add(ann, "restaurant", "December", PA_WEEK)
    share = shares.create(ann, "restaurant", bookmark_id=saved.id)
    stored = row(database, share.token)
    bookmarks.change(ann, saved.id, version=saved.version, name="Texas now", state=TEXAS)
    opened = shares.open(bob, share.token)
    assert opened.share.name == "December"
    assert opened.share.state == canonical(shares, PA_WEEK, ann)
    assert opened.state.to_dict() == canonical(shares, PA_WEEK, bob)
    bookmarks.delete(ann, saved.id)
    for viewer in (ann, bob):
        opened = shares.open(viewer, share.token)
        assert (opened.share.name, opened.share.state) == ("December", canonical(shares, PA_WEEK, ann))
    assert row(database, share.token) == stored


@pytest.mark.parametrize("state, field", [
    ({"filters": {"state": ["Atlantis"]}}, "filters.state"),
    ({"sheet": "no-such-sheet"}, "sheet"),
    ({"filters": {"date_range": ["2021-12-31", "2021-12-01"]}}, "filters.date_range"),
    ({"parameters": {"colour": "red"}}, "parameters.colour"),
    ({"dashboard": "gaming"}, "dashboard"),
    ({"version": 99}, "version"),
    ({"surprise": 1}, "surprise"),
])
def test_shsv006_invalid_states_are_refused_naming_the_field(shares, ann, database, state, field):
    with pytest.raises(Invalid) as caught:
        shares.create(ann, "restaurant", state)
    assert caught.value.field == field
    assert count_shares(database) == 0


def test_shsv007_a_state_of_another_dashboard_is_refused(shares, ann, database):
    with pytest.raises(Invalid) as caught:
        shares.create(ann, "gaming", {**TEXAS, "dashboard": "restaurant"})
    assert caught.value.field == "dashboard"
    with pytest.raises(Invalid) as caught:
        shares.create(ann, "gaming", TEXAS)  # a restaurant sheet and filter
    assert caught.value.field in ("sheet", "filters.state")
    assert count_shares(database) == 0


def test_shsv008_a_state_or_a_bookmark_is_required(shares, ann):
    with pytest.raises(Invalid) as caught:
        shares.create(ann, "restaurant")
    assert caught.value.field == "state"
    for not_a_state in ("not json", "[1, 2]", 42, ["x"], "{" * 100_000):
        with pytest.raises((BadRequest, Invalid)) as caught:
            shares.create(ann, "restaurant", not_a_state)
        assert caught.value.field == "state"


def test_shsv009_only_own_bookmarks_of_that_dashboard_can_be_shared(shares, bookmarks, ann, bob, database):
    bobs = bookmarks.add(bob, "restaurant", "Bob's", TEXAS)
    gaming = bookmarks.add(ann, "gaming", "Gaming", {})
    for bookmark_id in (bobs.id, gaming.id, 2**31 - 1, 2**40, 0, -1, True, "1", 1.5):
        with pytest.raises(NotFound) as caught:
            shares.create(ann, "restaurant", bookmark_id=bookmark_id)
        assert caught.value.field == "bookmark_id"
    assert count_shares(database) == 0


def test_shsv010_dashboards_without_a_grant_or_unknown_are_not_found(shares, manager, database):
    for dashboard in ("gaming", "no-such-dashboard", None, 7):
        with pytest.raises(NotFound):
            shares.create(manager, dashboard, {})
    assert count_shares(database) == 0


def test_shsv011_brand_restricted_owners_cannot_share_other_brands(shares, partner):
    with pytest.raises(Invalid) as caught:
        shares.create(partner, "gaming", OTHER_BRAND)
    assert caught.value.field == "filters.brand"
    assert shares.create(partner, "gaming", {"filters": {"brand": ["aurora"]}}).state["filters"]["brand"] \
        == ["aurora"]


def test_shsv012_not_signed_in_is_unauthorized(shares, ann):
    anonymous = Viewer(username=None)
    token = shares.create(ann, "restaurant", TEXAS).token
    for call in (lambda: shares.create(anonymous, "restaurant", TEXAS), lambda: shares.list_mine(anonymous),
                 lambda: shares.revoke(anonymous, token), lambda: shares.open(anonymous, token),
                 lambda: shares.check(anonymous, token), lambda: shares.save(anonymous, token, "Mine")):
        with pytest.raises(Unauthorized):
            call()


# Expiry -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expires_in_s", [0, -1, -DAY, True, False, 1.5, float(DAY), "86400", [DAY], {"s": 1},
                                          365 * DAY + 1, 10**12])
def test_shsv013_expiry_must_be_a_positive_whole_number_of_seconds_up_to_a_year(shares, ann, database,
                                                                                expires_in_s):
    with pytest.raises(Invalid) as caught:
        shares.create(ann, "restaurant", TEXAS, expires_in_s=expires_in_s)
    assert caught.value.field == "expires_in_s"
    assert count_shares(database) == 0


@pytest.mark.parametrize("days", [1, 7, 30, 365])
def test_shsv014_the_expiry_choices_are_accepted(shares, ann, days):
    before = utcnow()
    share = shares.create(ann, "restaurant", TEXAS, expires_in_s=days * DAY)
    assert before + timedelta(days=days) <= share.expires_at <= utcnow() + timedelta(days=days)
    assert share.live() and share.as_dict()["expires_at"].endswith("Z")


def test_shsv015_an_expired_link_is_gone_for_everyone(shares, ann, bob, database):
    share = shares.create(ann, "restaurant", TEXAS, expires_in_s=3600)
    assert shares.open(bob, share.token).share.token == share.token
    set_column(database, share.token, expires_at=utcnow() - timedelta(seconds=1))
    for viewer in (bob, ann):
        assert_gone(lambda v=viewer: shares.open(v, share.token))
        assert_gone(lambda v=viewer: shares.check(v, share.token))
        assert_gone(lambda v=viewer: shares.save(v, share.token, "Too late"))
    listed = shares.list_mine(ann)
    assert [(s.token, s.live()) for s in listed] == [(share.token, False)]
    assert listed[0].as_dict()["live"] is False


# Revoking -----------------------------------------------------------------------------------------------

def test_shsv016_a_revoked_link_is_gone_for_everyone_the_owner_too(shares, ann, bob):
    share = shares.create(ann, "restaurant", TEXAS)
    revoked = shares.revoke(ann, share.token)
    assert revoked.revoked_at is not None and not revoked.live()
    for viewer in (bob, ann):
        assert_gone(lambda v=viewer: shares.open(v, share.token, count=True))
    listed = shares.list_mine(ann)
    assert [(s.token, s.live()) for s in listed] == [(share.token, False)]
    assert listed[0].as_dict()["revoked_at"].endswith("Z")


def test_shsv017_revoking_twice_is_fine_and_keeps_the_first_time(shares, ann, database):
    share = shares.create(ann, "restaurant", TEXAS)
    first = shares.revoke(ann, share.token)
    second = shares.revoke(ann, share.token)
    assert second.revoked_at == first.revoked_at
    assert row(database, share.token)["revoked_at"] is not None


def test_shsv018_another_users_link_cannot_be_revoked_and_nothing_changes(shares, ann, bob, database):
    share = shares.create(ann, "restaurant", TEXAS)
    before = row(database, share.token)
    with pytest.raises(NotFound) as theirs:
        shares.revoke(bob, share.token)
    with pytest.raises(NotFound) as unknown:
        shares.revoke(bob, secrets.token_urlsafe(24))
    # Another user's link and an unknown one are told apart by nothing.
    assert (theirs.value.message, theirs.value.field) == (unknown.value.message, unknown.value.field)
    assert row(database, share.token) == before
    assert shares.open(bob, share.token).share.live()
    assert shares.list_mine(bob) == []


@pytest.mark.parametrize("token", [None, 42, "", "short", "a" * 19, "has space" + "x" * 20, "ü" * 32,
                                   "../../etc/passwd" + "x" * 10, "x" * 65, "x" * 10_000])
def test_shsv019_revoking_a_malformed_token_is_not_found(shares, ann, token):
    shares.create(ann, "restaurant", TEXAS)
    with pytest.raises(NotFound):
        shares.revoke(ann, token)
    assert all(s.live() for s in shares.list_mine(ann))


# Tokens that open nothing ---------------------------------------------------------------------------------

def test_shsv020_unknown_malformed_over_long_revoked_and_expired_tokens_are_one_and_the_same(shares, ann, bob,
                                                                                            database):
    live = shares.create(ann, "restaurant", TEXAS).token
    revoked = shares.create(ann, "restaurant", ORDERS).token
    shares.revoke(ann, revoked)
    expired = shares.create(ann, "restaurant", PA_WEEK, expires_in_s=60).token
    set_column(database, expired, expires_at=utcnow() - timedelta(minutes=1))
    tokens = [secrets.token_urlsafe(24), live[:-1], live + "A", live.upper() if live.upper() != live else live[::-1],
              live + "\n", f" {live}", "", "short", "x" * 10_000, "ü" * 32, "%" * 32, "a/b" * 11, None, 42, [live],
              revoked, expired]
    for token in tokens:
        assert_gone(lambda t=token: shares.open(bob, t))
        assert_gone(lambda t=token: shares.open(bob, t, count=True))
        assert_gone(lambda t=token: shares.check(bob, t))
        assert_gone(lambda t=token: shares.save(bob, t, "Mine"))
    assert shares.open(bob, live).share.token == live


# Opening ------------------------------------------------------------------------------------------------

def test_shsv021_opening_shows_the_state_with_the_owner_and_no_notices(shares, ann, bob):
    share = shares.create(ann, "restaurant", PA_WEEK)
    opened = shares.open(bob, share.token)
    assert opened.share.owner == "ann" and opened.share.dashboard == "restaurant"
    assert opened.state.to_dict() == canonical(shares, PA_WEEK, bob)
    assert opened.notices == []
    assert shares.check(bob, share.token).token == share.token


def test_shsv022_a_viewer_without_the_dashboard_grant_has_no_access(shares, ann, manager, database):
    share = shares.create(ann, "gaming", OTHER_BRAND)
    for call in (lambda: shares.open(manager, share.token), lambda: shares.open(manager, share.token, count=True),
                 lambda: shares.check(manager, share.token), lambda: shares.save(manager, share.token, "Mine")):
        with pytest.raises(NoAccess) as caught:
            call()
        assert isinstance(caught.value, Forbidden) and caught.value.status == 403
        assert caught.value.field == "dashboard"
        assert "nova" not in caught.value.message  # nothing of the state
    # Refused openings are not openings.
    assert row(database, share.token)["open_count"] == 0


def test_shsv023_a_brand_restricted_viewer_sees_only_their_brands_with_a_notice(shares, dashboards, ann,
                                                                                partner):
    board = dashboards.get("gaming", partner)
    for state in (OTHER_BRAND, TWO_BRANDS):
        share = shares.create(ann, "gaming", state)
        opened = shares.open(partner, share.token)
        assert "nova" not in opened.state.filters["brand"]
        assert shares.views.context(board, opened.state, partner).values("brand") == ["aurora"]
        assert [n.field for n in opened.notices] == ["filters.brand"]
        assert "nova" in opened.notices[0].message
        # The owner's snapshot is unchanged; the owner still sees it whole.
        assert opened.share.state["filters"]["brand"] == state["filters"]["brand"]
        as_owner = shares.open(ann, share.token)
        assert (as_owner.state.filters["brand"], as_owner.notices) == (state["filters"]["brand"], [])


def test_shsv033_a_restricted_viewer_is_told_even_when_the_owner_selected_all_brands(shares, dashboards, ann,
                                                                                     partner, make_user):
    share = shares.create(ann, "gaming", {})  # every brand for ann
    opened = shares.open(partner, share.token)
    assert opened.state.filters["brand"] == []
    assert opened.notices == opened.narrowed == [Notice("filters.brand", NARROWED.format(label="Brand"))]
    assert shares.open(ann, share.token).notices == []
    # The same restriction as the owner: nothing is narrowed.
    colleague = make_user("colleague", dashboards=("gaming",), brands=("aurora",))
    theirs = shares.create(partner, "gaming", {"filters": {"brand": ["aurora"]}})
    assert shares.open(colleague, theirs.token).notices == []
    # The page hears of it through the notices of the view source.
    board = dashboards.get("gaming", partner)
    found = shares.snapshot(share.token, OpenRequest(board, partner, share_token=share.token))
    assert [(n.field, n.message) for n in found.notices] == [("filters.brand", NARROWED.format(label="Brand"))]


def test_shsv024_only_counted_openings_count(shares, ann, bob, database):
    share = shares.create(ann, "restaurant", TEXAS)
    shares.open(bob, share.token)
    shares.check(bob, share.token)
    assert row(database, share.token)["open_count"] == 0
    assert shares.open(bob, share.token, count=True).share.open_count == 1
    assert shares.open(ann, share.token, count=True).share.open_count == 2
    assert row(database, share.token)["open_count"] == 2
    assert shares.list_mine(ann)[0].open_count == 2
    # Counting changes nothing else: the same link comes back.
    assert shares.create(ann, "restaurant", TEXAS).token == share.token


# Saving as one's own bookmark ----------------------------------------------------------------------------

def test_shsv025_save_puts_a_bookmark_in_the_viewers_list_only(shares, bookmarks, ann, bob):
    own = bookmarks.add(ann, "restaurant", "Mine", ORDERS)
    share = shares.create(ann, "restaurant", PA_WEEK)
    saved = shares.save(bob, share.token, "  From Ann  ")
    assert (saved.name, saved.dashboard, saved.state) == ("From Ann", "restaurant", canonical(shares, PA_WEEK, bob))
    assert [b.id for b in bookmarks.list_bookmarks(bob, "restaurant")] == [saved.id]
    assert [b.id for b in bookmarks.list_bookmarks(ann, "restaurant")] == [own.id]
    assert bookmarks.list_bookmarks(bob, "gaming") == []
    # The bookmark is Bob's own: a copy, independent of the link.
    shares.revoke(ann, share.token)
    assert bookmarks.get(bob, saved.id).state == saved.state
    with pytest.raises(NotFound):
        bookmarks.get(ann, saved.id)


def test_shsv026_save_keeps_the_view_as_the_viewer_sees_it(shares, bookmarks, ann, partner):
    share = shares.create(ann, "gaming", TWO_BRANDS)
    saved = shares.save(partner, share.token, "Aurora view")
    assert saved.state == shares.open(partner, share.token).state.to_dict()
    assert "nova" not in saved.state["filters"]["brand"]
    assert bookmarks.list_bookmarks(partner, "gaming") == [bookmarks.get(partner, saved.id)]


def test_shsv027_save_with_a_name_the_viewer_has_is_a_conflict(shares, bookmarks, ann, bob):
    bookmarks.add(bob, "restaurant", "Texas", ORDERS)
    share = shares.create(ann, "restaurant", TEXAS)
    with pytest.raises(Conflict) as caught:
        shares.save(bob, share.token, "texas")
    assert caught.value.field == "name"
    with pytest.raises(Invalid) as caught:
        shares.save(bob, share.token, "   ")
    assert caught.value.field == "name"
    assert [b.name for b in bookmarks.list_bookmarks(bob, "restaurant")] == ["Texas"]
    # The owner's own name is no clash for Bob, and saving does not count as opening.
    assert shares.save(bob, share.token, "Ann's Texas").name == "Ann's Texas"


# Throttling ---------------------------------------------------------------------------------------------

def test_shsv028_creating_links_is_throttled_per_user(shares, ann, bob, database, monkeypatch):
    monkeypatch.setattr(shares_module, "CREATE_LIMIT", 3)
    states = [{"filters": {"date_range": [f"2021-0{month}-01", "2021-12-31"]}} for month in range(1, 5)]
    made = [shares.create(ann, "restaurant", s) for s in states[:3]]
    with pytest.raises(TooMany) as caught:
        shares.create(ann, "restaurant", states[3])
    assert caught.value.status == 429
    # Revoking does not give the quota back; the same link back is no new link; others are not throttled.
    shares.revoke(ann, made[0].token)
    with pytest.raises(TooMany):
        shares.create(ann, "restaurant", states[0])
    assert shares.create(ann, "restaurant", states[1]).token == made[1].token
    assert shares.create(bob, "restaurant", states[3]).live()
    assert count_shares(database) == 4
    # Links made before the window no longer count.
    with database.session() as s:
        s.execute(sa.update(Share).values(created_at=utcnow() - shares_module.CREATE_WINDOW - timedelta(minutes=1)))
    assert shares.create(ann, "restaurant", states[3]).live()


# The view sources ---------------------------------------------------------------------------------------

def test_shsv029_snapshot_answers_the_view_sources_and_counts(shares, dashboards, ann, bob, database):
    share = shares.create(ann, "restaurant", PA_WEEK)
    board = dashboards.get("restaurant", bob)
    found = shares.snapshot(share.token, OpenRequest(board, bob, share_token=share.token))
    assert found.source == "shared"
    assert found.raw == canonical(shares, PA_WEEK, ann)
    assert found.details["owner"] == "ann" and found.details["token"] == share.token
    assert row(database, share.token)["open_count"] == 1
    # A token for another dashboard's page answers nothing (and counts nothing).
    gaming = dashboards.get("gaming", bob)
    assert shares.snapshot(share.token, OpenRequest(gaming, bob, share_token=share.token)) is None
    assert row(database, share.token)["open_count"] == 1
    # In the chain: the shared view opens, before the user's last view.
    sources = standard_sources(ViewPreferences(database), shares.bookmarks, shares)
    opening = open_view(OpenRequest(board, bob, share_token=share.token), sources, shares.views)
    assert opening.source == "shared"
    assert opening.state.to_dict() == canonical(shares, PA_WEEK, bob)
    assert opening.details["owner"] == "ann"


def test_shsv030_snapshot_of_a_gone_link_raises_link_gone(shares, dashboards, ann, bob):
    share = shares.create(ann, "restaurant", PA_WEEK)
    shares.revoke(ann, share.token)
    board = dashboards.get("restaurant", bob)
    assert_gone(lambda: shares.snapshot(share.token, OpenRequest(board, bob, share_token=share.token)))


# The table ----------------------------------------------------------------------------------------------

def test_shsv031_the_migration_matches_the_model(database):
    with database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if "shares" in repr(d)] == []


def test_shsv032_deleting_the_owner_deletes_their_links(shares, ann, bob, database):
    share = shares.create(ann, "restaurant", TEXAS)
    with database.session() as s:
        s.execute(sa.delete(User).where(User.id == ann.user_id))
    assert_gone(lambda: shares.open(bob, share.token))
    assert count_shares(database) == 0


def test_shsv034_a_view_shared_before_the_dashboard_changed_opens_what_still_fits(shares, ann, bob, database):
    share = shares.create(ann, "restaurant", TEXAS)
    retired = {"version": 1, "dashboard": "restaurant", "sheet": "retired-sheet",
               "filters": {"state": ["Texas"], "removed-filter": ["x"]}, "parameters": {"metric": "orders"}}
    with database.session() as s:  # as if the dashboard had lost a sheet and a filter since
        s.execute(sa.update(Share).where(Share.token == share.token).values(state=json.dumps(retired)))
    opened = shares.open(bob, share.token)
    assert opened.state.sheet == "overview" and opened.state.filters["state"] == ["Texas"]
    assert opened.state.parameters["metric"] == "orders"
    assert sorted(n.field for n in opened.notices) == ["filters.removed-filter", "sheet"]
