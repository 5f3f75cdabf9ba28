"""The view sources of a dashboard's opening (link > shared > default > last > Original), each alone and
chained by ``open_view``; and ``ViewPreferences`` on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from accounts.service import Accounts, viewer_for
from accounts.viewer import Viewer
from tests.unit.boards import BOARD
from views import preferences as prefs
from views.preferences import DefaultView, ViewPreferences
from views.resolve import ViewResolver
from views.sources import (
    DefaultSource,
    Found,
    LastSource,
    LinkSource,
    OpenRequest,
    OriginalSource,
    SharedSource,
    open_view,
    standard_sources,
)
from views.state import ViewState, original_state

ORIGINAL = original_state(BOARD)
SECOND = ViewState("demo", "second", {**ORIGINAL.filters, "state": ["Texas"]}, ORIGINAL.parameters)
ANN = Viewer("ann", user_id=7)
ANONYMOUS = Viewer(None)  # no user id: no preferences to read

# Static options only: the resolver never queries the data engine.
RESOLVER = ViewResolver(engine=None)


def request(viewer=ANN, url_state=None, share_token=None):
    return OpenRequest(BOARD, viewer, url_state=url_state, share_token=share_token)


class FakePreferences:
    """What ``ViewPreferences`` answers, without a database; records what was asked."""

    def __init__(self, default=None, last=None):
        self._default, self._last, self.asked = default or DefaultView(), last, []

    def default(self, user_id, dashboard_id):
        self.asked.append(("default", user_id, dashboard_id))
        return self._default

    def last(self, user_id, dashboard_id):
        self.asked.append(("last", user_id, dashboard_id))
        return self._last


class FakeSaved:
    """The bookmark layer's ``saved_state``: ``{(user_id, dashboard, bookmark_id): (name, state)}``."""

    def __init__(self, saved=None):
        self.saved, self.asked = saved or {}, []

    def saved_state(self, user_id, dashboard_id, bookmark_id):
        self.asked.append((user_id, dashboard_id, bookmark_id))
        return self.saved.get((user_id, dashboard_id, bookmark_id))


class FakeSnapshots:
    def __init__(self, answer=None):
        self.answer, self.asked = answer, []

    def snapshot(self, token, req):
        self.asked.append((token, req))
        return self.answer


class Fixed:
    """A source that always gives the same answer (or none) and counts how often it was asked."""

    def __init__(self, found):
        self.found, self.calls = found, 0

    def find(self, req):
        self.calls += 1
        return self.found


# Link -------------------------------------------------------------------------------------------------

def test_vsrc001_link_without_url_state_has_nothing():
    assert LinkSource().find(request()) is None


def test_vsrc002_link_answers_the_url_state_as_sent():
    text = json.dumps({"sheet": "second"})
    found = LinkSource().find(request(url_state=text))
    assert found.source == "url" and found.raw == text and found.bookmark_id is None
    assert "link" in found.what


def test_vsrc003_link_answers_even_an_empty_url_state():
    """``?state=`` with nothing is still an explicit state: read leniently later, not skipped."""
    found = LinkSource().find(request(url_state=""))
    assert found is not None and found.raw == ""


# Shared -----------------------------------------------------------------------------------------------

def test_vsrc004_shared_without_a_snapshot_store_has_nothing():
    assert SharedSource().find(request(share_token="abc")) is None


def test_vsrc005_shared_without_a_token_does_not_ask_the_store():
    store = FakeSnapshots(Found("shared", SECOND))
    assert SharedSource(store).find(request()) is None
    assert store.asked == []


def test_vsrc006_shared_asks_the_store_with_the_token():
    answer = Found("shared", SECOND.to_json(), "The shared view", details={"owner": "bob"})
    store = FakeSnapshots(answer)
    req = request(share_token="tok-123")
    assert SharedSource(store).find(req) is answer
    assert store.asked == [("tok-123", req)]


def test_vsrc007_shared_token_the_store_does_not_know_has_nothing():
    store = FakeSnapshots(None)
    assert SharedSource(store).find(request(share_token="gone")) is None
    assert [token for token, _ in store.asked] == ["gone"]


# Default ----------------------------------------------------------------------------------------------

def test_vsrc008_default_without_a_user_asks_nothing():
    preferences, saved = FakePreferences(DefaultView(original=True)), FakeSaved()
    assert DefaultSource(preferences, saved).find(request(ANONYMOUS)) is None
    assert preferences.asked == [] and saved.asked == []


def test_vsrc009_default_not_set_has_nothing():
    preferences, saved = FakePreferences(DefaultView()), FakeSaved()
    assert DefaultSource(preferences, saved).find(request()) is None
    assert preferences.asked == [("default", 7, "demo")] and saved.asked == []


def test_vsrc010_default_original_answers_the_original_state():
    saved = FakeSaved()
    found = DefaultSource(FakePreferences(DefaultView(original=True)), saved).find(request())
    assert found.source == "default" and found.bookmark_id is None
    assert found.raw == ORIGINAL and isinstance(found.raw, ViewState)
    assert saved.asked == []


def test_vsrc011_default_bookmark_answers_its_saved_state_and_name():
    saved = FakeSaved({(7, "demo", 42): ("Texas", SECOND.to_json())})
    found = DefaultSource(FakePreferences(DefaultView(bookmark_id=42)), saved).find(request())
    assert found.source == "default" and found.bookmark_id == 42
    assert found.raw == SECOND.to_json()
    assert "Texas" in found.what
    assert saved.asked == [(7, "demo", 42)]


def test_vsrc012_default_whose_bookmark_is_gone_has_nothing():
    saved = FakeSaved({})
    assert DefaultSource(FakePreferences(DefaultView(bookmark_id=42)), saved).find(request()) is None
    assert saved.asked == [(7, "demo", 42)]


# Last and Original ------------------------------------------------------------------------------------

def test_vsrc013_last_without_a_user_or_a_remembered_view_has_nothing():
    preferences = FakePreferences(last=SECOND.to_json())
    assert LastSource(preferences).find(request(ANONYMOUS)) is None
    assert preferences.asked == []
    assert LastSource(FakePreferences(last=None)).find(request()) is None


def test_vsrc014_last_answers_the_remembered_view():
    preferences = FakePreferences(last=SECOND.to_json())
    found = LastSource(preferences).find(request())
    assert found.source == "last" and found.raw == SECOND.to_json() and found.bookmark_id is None
    assert preferences.asked == [("last", 7, "demo")]


@pytest.mark.parametrize("viewer", [ANN, ANONYMOUS])
def test_vsrc015_original_always_answers(viewer):
    found = OriginalSource().find(request(viewer, url_state="ignored", share_token="ignored"))
    assert found.source == "original" and found.raw == ORIGINAL


# open_view --------------------------------------------------------------------------------------------

def test_vsrc016_first_answering_source_wins_and_later_ones_are_not_asked():
    empty = Fixed(None)
    first = Fixed(Found("last", SECOND.to_json(), "Your last view"))
    later = Fixed(Found("original", ORIGINAL))
    opening = open_view(request(), [empty, first, later], RESOLVER)
    assert opening.source == "last" and opening.state == SECOND and opening.notices == []
    assert (empty.calls, first.calls, later.calls) == (1, 1, 0)


def test_vsrc017_the_standard_chain_orders_link_default_last_original():
    preferences = FakePreferences(DefaultView(original=True), last=SECOND.to_json())
    sources = standard_sources(preferences, FakeSaved())
    assert [type(s) for s in sources] == [LinkSource, SharedSource, DefaultSource, LastSource, OriginalSource]
    link = json.dumps({"parameters": {"metric": "orders"}})
    assert open_view(request(url_state=link), sources, RESOLVER).source == "url"
    assert open_view(request(), sources, RESOLVER).source == "default"  # before the last view
    no_default = standard_sources(FakePreferences(last=SECOND.to_json()), FakeSaved())
    assert open_view(request(), no_default, RESOLVER).state == SECOND
    assert open_view(request(ANONYMOUS), sources, RESOLVER).source == "original"


def test_vsrc018_a_stored_state_is_read_leniently_with_notices():
    stale = {"sheet": "gone", "filters": {"state": ["Texas", "Atlantis"], "removed": [1]},
             "parameters": {"metric": "orders"}}
    opening = open_view(request(), [Fixed(Found("last", json.dumps(stale), "Your last view"))], RESOLVER)
    assert opening.state.sheet == "first"  # the unknown sheet falls back to the first
    assert opening.state.filters["state"] == ORIGINAL.filters["state"]  # a bad value: the default
    assert opening.state.parameters["metric"] == "orders"  # what still fits is kept
    assert {n.field for n in opening.notices} == {"sheet", "filters.state", "filters.removed"}


def test_vsrc019_an_unreadable_state_opens_the_original_with_a_notice_naming_it():
    found = Found("default", "not json", "The bookmark “Texas”", bookmark_id=3)
    opening = open_view(request(), [Fixed(found)], RESOLVER)
    assert opening.state == ORIGINAL and opening.source == "default" and opening.bookmark_id == 3
    assert len(opening.notices) == 1 and "The bookmark “Texas”" in opening.notices[0].message


def test_vsrc020_a_view_state_passes_through_untouched():
    """A ``ViewState`` answer (the Original) is already fit: no resolver call, no notices."""

    class NoResolver:
        def __getattr__(self, name):
            raise AssertionError(f"the resolver was asked ({name})")

    found = Found("default", SECOND, details={"why": "test"})
    opening = open_view(request(), [Fixed(found)], NoResolver())
    assert opening.state is SECOND and opening.notices == []
    assert (opening.source, opening.details) == ("default", {"why": "test"})


def test_vsrc021_a_chain_without_an_answer_raises_lookup_error():
    with pytest.raises(LookupError):
        open_view(request(), [LinkSource(), Fixed(None)], RESOLVER)
    with pytest.raises(LookupError):
        open_view(request(), [], RESOLVER)


# The real preferences, on SQLite and PostgreSQL -------------------------------------------------------

@pytest.fixture
def ann_in(database):
    return viewer_for(Accounts(database).create_user("ann", password_hash="not-used", dashboards=("restaurant",)))


def test_vsrc022_remember_then_last_source_and_unchanged_returns_false(database, ann_in):
    preferences = ViewPreferences(database)
    assert preferences.last(ann_in.user_id, "demo") is None
    assert LastSource(preferences).find(request(ann_in)) is None
    assert preferences.remember(ann_in.user_id, SECOND) is True
    assert preferences.remember(ann_in.user_id, SECOND) is False  # unchanged: nothing written
    assert preferences.last(ann_in.user_id, "demo") == SECOND.to_json()
    opening = open_view(request(ann_in), standard_sources(preferences, FakeSaved()), RESOLVER)
    assert (opening.source, opening.state) == ("last", SECOND)
    assert preferences.remember(ann_in.user_id, ORIGINAL) is True  # changed again
    assert preferences.last(ann_in.user_id, "demo") == ORIGINAL.to_json()
    assert preferences.default(ann_in.user_id, "demo") == DefaultView()  # remembering sets no default


def test_vsrc023_an_original_default_comes_before_the_last_view(database, ann_in):
    preferences = ViewPreferences(database)
    preferences.remember(ann_in.user_id, SECOND)
    with database.session() as s:
        prefs.write(s, ann_in.user_id, "demo", default_is_original=True)
    assert preferences.default(ann_in.user_id, "demo") == DefaultView(original=True)
    opening = open_view(request(ann_in), standard_sources(preferences, FakeSaved()), RESOLVER)
    assert (opening.source, opening.state, opening.notices) == ("default", ORIGINAL, [])
    assert preferences.last(ann_in.user_id, "demo") == SECOND.to_json()  # kept for when the default goes
