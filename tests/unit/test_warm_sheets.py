"""A sheet shown again is served from the result cache per effective view (``dashboards.served``): no query, no
figure; another viewer's restrictions or a new data version never reuse an entry."""

from __future__ import annotations

import json

import pytest
from cachelib import SimpleCache

from accounts.viewer import FULL_ACCESS, Viewer
from dashboards import registry, served
from dashboards.service import DashboardService
from data.engine import DataEngine
from views.state import ViewState, original_state

TOPOJSON = "/assets/topojson/"
PARTNER = Viewer(username="partner", brands=("aurora",))
FOREIGN_BRAND_NAMES = ("Nova Slots", "Lumen Play", "Tidal Spins")


class SeenCache(SimpleCache):
    """The process's own result cache, remembering which keys were asked for."""

    def __init__(self):
        super().__init__(threshold=2000)
        self.asked: list[str] = []

    def get(self, key):
        self.asked.append(key)
        return super().get(key)


class Store:
    """A real engine over the small dataset with a result cache, and the statements it ran."""

    def __init__(self, url: str, cache: SeenCache, version: str = "v1", seconds: int = 300):
        self.cache = cache
        self.engine = DataEngine(url, version=version, cache=cache, cache_seconds=seconds)
        self.service = DashboardService(self.engine)
        self.ran: list[str] = []
        self.engine.listen(lambda sql, _params: self.ran.append(sql))

    def forget(self) -> None:
        self.ran.clear()
        self.cache.asked.clear()


@pytest.fixture
def store(small_data):
    made = Store(small_data.engine.url, SeenCache())
    yield made
    made.engine.dispose()


def view(dashboard: str, sheet: str, **filters) -> tuple:
    board = registry.get(dashboard)
    state = original_state(board)
    return board, ViewState(state.dashboard, sheet, {**state.filters, **filters}, state.parameters)


@pytest.mark.parametrize(("dashboard", "sheet"), [("restaurant", "overview"), ("gaming", "affiliates")])
def test_wrm001_a_sheet_shown_again_runs_no_query_and_builds_nothing(store, dashboard, sheet):
    board, state = view(dashboard, sheet)
    first = served.sheet_body(store.service, board, state, FULL_ACCESS, TOPOJSON)
    assert store.ran  # computed once
    store.forget()
    again = served.sheet_body(store.service, board, state, FULL_ACCESS, TOPOJSON)
    assert again == first
    assert store.ran == []
    # One look-up, of the rendered sheet: no query's rows were asked for, let alone run.
    assert [k for k in store.cache.asked if not k.startswith(served.KEY_PREFIX)] == []
    assert json.loads(json.dumps(again)) == again  # plain JSON-ready data, as Dash sends it


def test_wrm002_the_api_rows_are_kept_too_and_match_the_frames(store):
    board, state = view("gaming", "kpis")
    sheet, text = served.visuals_json(store.service, board, state, FULL_ACCESS)
    store.forget()
    assert served.visuals_json(store.service, board, state, FULL_ACCESS) == (sheet, text)
    assert store.ran == [] and all(k.startswith(served.KEY_PREFIX) for k in store.cache.asked)
    visuals = json.loads(text)
    assert [v["id"] for v in visuals] == [v.id for v in sheet.visuals]
    assert all(v["rows"] for v in visuals)


def test_wrm003_a_viewer_with_other_restrictions_misses(store):
    board, state = view("gaming", "campaigns")
    everyone = served.sheet_body(store.service, board, state, FULL_ACCESS, TOPOJSON)
    assert any(name in json.dumps(everyone) for name in FOREIGN_BRAND_NAMES)
    store.forget()
    theirs = served.sheet_body(store.service, board, state, PARTNER, TOPOJSON)
    assert store.ran  # computed for the partner's restriction, not taken from the unrestricted entry
    assert not any(name in json.dumps(theirs) for name in FOREIGN_BRAND_NAMES)
    for kept in ("body", "rows"):
        keys = {served.key(store.service, kept, board.sheet(state.sheet),
                           store.service.views.context(board, state, viewer)) for viewer in (FULL_ACCESS, PARTNER)}
        assert len(keys) == 2


def test_wrm004_a_new_data_version_misses(store, small_data):
    board, state = view("restaurant", "store-comparison")
    served.sheet_body(store.service, board, state, FULL_ACCESS, TOPOJSON)
    newer = Store(small_data.engine.url, store.cache, version="v2")
    try:
        served.sheet_body(newer.service, board, state, FULL_ACCESS, TOPOJSON)
        assert newer.ran  # the entry of version v1 was not served for v2
    finally:
        newer.engine.dispose()


def test_wrm005_a_relative_range_is_kept_as_the_days_it_stands_for(store):
    """The entry is the effective view: a preset and the two dates it resolves to are one entry."""
    board, state = view("restaurant", "overview", date_range="previous-month")
    ctx = store.service.views.context(board, state, FULL_ACCESS)
    served.sheet_body(store.service, board, state, FULL_ACCESS, TOPOJSON)
    store.forget()
    _, dated = view("restaurant", "overview", date_range=list(ctx.filters["date_range"]))
    served.sheet_body(store.service, board, dated, FULL_ACCESS, TOPOJSON)
    assert store.ran == []


def test_wrm006_with_the_cache_off_nothing_is_kept(small_data):
    off = Store(small_data.engine.url, SeenCache(), seconds=0)
    try:
        board, state = view("restaurant", "overview")
        served.sheet_body(off.service, board, state, FULL_ACCESS, TOPOJSON)
        off.forget()
        served.sheet_body(off.service, board, state, FULL_ACCESS, TOPOJSON)
        assert off.ran and off.cache.asked == []
    finally:
        off.engine.dispose()


def test_wrm007_other_code_misses(store, monkeypatch):
    """A Redis outlives the app processes that filled it: a body rendered by other code is not served."""
    board, state = view("restaurant", "overview")
    served.sheet_body(store.service, board, state, FULL_ACCESS, TOPOJSON)
    kept = {key for key in store.cache.asked if key.startswith(served.KEY_PREFIX)}
    store.forget()
    monkeypatch.setattr(served, "CODE_VERSION", "other code")
    served.sheet_body(store.service, board, state, FULL_ACCESS, TOPOJSON)
    asked = {key for key in store.cache.asked if key.startswith(served.KEY_PREFIX)}
    assert kept and asked and not asked & kept


def test_wrm008_a_graph_is_as_tall_as_its_figure(store):
    """Not stretched to its card: dcc.Graph would draw it at the figure's height, then again at the card's."""
    board, state = view("restaurant", "overview")
    body = json.dumps(served.sheet_body(store.service, board, state, FULL_ACCESS, TOPOJSON))
    graphs = [node for node in _nodes(json.loads(body)) if node.get("type") == "Graph"]
    assert graphs
    for graph in graphs:
        height = graph["props"]["figure"]["layout"]["height"]
        assert graph["props"]["style"] == {"height": f"{height}px"}


def _nodes(value):
    if isinstance(value, dict):
        yield value
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def test_wrm009_control_options_are_kept_in_the_process_per_data_version(store, small_data, monkeypatch):
    """Every request validates its state against every control's options: asked again, they run no query and
    do not even reach the shared cache; another data version asks anew; with the cache off, nothing is kept."""
    board, state = view("restaurant", "overview")
    views = store.service.views
    views.control_options(board, state, FULL_ACCESS)
    store.forget()
    again = views.control_options(board, state, FULL_ACCESS)
    assert store.ran == [] and store.cache.asked == [] and again["state"]
    monkeypatch.setattr(DataEngine, "version", property(lambda _engine: "v2"))  # a new load is served
    assert views.control_options(board, state, FULL_ACCESS) == again
    assert store.cache.asked or store.ran
    monkeypatch.undo()
    off = Store(small_data.engine.url, SeenCache(), seconds=0)
    try:
        off.service.views.control_options(board, state, FULL_ACCESS)
        off.forget()
        assert off.service.views.control_options(board, state, FULL_ACCESS) == again and off.ran
    finally:
        off.engine.dispose()
