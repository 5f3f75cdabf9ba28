"""Click-to-filter: a click on a mark sets its visual's filter through the same validation as a control, the
figures carry the filter value on every clickable point, and a slide's graphs take no clicks."""

from __future__ import annotations

import pytest

from accounts.viewer import Viewer
from core import ids
from dashboards import registry, render
from dashboards.click_filter import MAX_VALUE_CHARS, click, clicked_value
from declarations.context import QueryContext
from views.resolve import ViewResolver, state_from_controls

RESTAURANT, GAMING = registry.get("restaurant"), registry.get("gaming")
PARTNER = Viewer("partner", frozenset({"gaming"}), ("aurora",), user_id=3)
ANALYST = Viewer("analyst", None, None, user_id=1)
CLICKABLE = [(board, visual) for board in (RESTAURANT, GAMING) for sheet in board.sheets for visual in sheet.visuals
             if visual.click_filter]


def point(customdata) -> dict:
    return {"points": [{"curveNumber": 0, "pointNumber": 3, "customdata": customdata, "location": "PA"}]}


def controls_raw(board, sheet: str | None = None, **filters) -> dict:
    """The raw state a page's controls send, every control at its default but ``filters``."""
    selects = {c.id: filters.get(c.id, list(c.default) if c.type == "multi" else c.default)
               for c in board.controls if c.type != "date_range"}
    dates = {c.id: list(c.default) for c in board.controls if c.type == "date_range"}
    return state_from_controls(board, sheet or board.sheets[0].id, selects, dates)


@pytest.fixture(scope="module")
def resolver(small_data):
    return ViewResolver(small_data.engine)


@pytest.mark.parametrize(("click_data", "value"), [
    (point(["Pennsylvania", 12]), "Pennsylvania"),
    (point("AUT"), "AUT"),  # a heatmap cell carries its item itself
    (point([30, "x"]), 30),
    (point(None), None),
    (point([]), None),
    (point([True]), None),
    (point([{"state": "Texas"}]), None),
    (point(["x" * (MAX_VALUE_CHARS + 1)]), None),
    (point([""]), None),
    ({"points": []}, None),
    ({"points": "Texas"}, None),
    ({"points": [["Texas"]]}, None),
    (["Texas"], None),
    (None, None),
])
def test_clk101_the_value_is_the_first_item_of_the_points_customdata_and_nothing_else(click_data, value):
    assert clicked_value(click_data) == value


def test_clk102_a_click_sets_the_value_alone_and_the_same_click_again_clears_it():
    raw = controls_raw(RESTAURANT, state=["Ohio", "Texas"], category=["Pizza"])
    once = click(RESTAURANT, raw, "state-map", point(["Pennsylvania", 2]))
    assert once["filters"]["state"] == ["Pennsylvania"]
    assert once["filters"]["category"] == ["Pizza"] and once["sheet"] == raw["sheet"]
    assert raw["filters"]["state"] == ["Ohio", "Texas"]  # the controls' state is not changed in place
    assert click(RESTAURANT, once, "state-map", point(["Pennsylvania", 2]))["filters"]["state"] == []
    assert click(RESTAURANT, raw, "category-sales", point(["Salads", 10]))["filters"]["category"] == ["Salads"]


@pytest.mark.parametrize("visual_id", ["trend", "top-stores", "nope", None, ["state-map"], {"visual": "state-map"}])
def test_clk103_a_visual_without_a_click_filter_or_unknown_sets_nothing(visual_id):
    assert click(RESTAURANT, controls_raw(RESTAURANT), visual_id, point(["Pennsylvania"])) is None


def test_clk104_a_click_is_validated_like_a_control_an_unknown_value_returns_to_the_default(resolver):
    raw = click(RESTAURANT, controls_raw(RESTAURANT), "state-map", point(["Atlantis"]))
    state, notices = resolver.parse(RESTAURANT, raw, ANALYST, strict=False)
    assert state.filters["state"] == []
    assert [n.field for n in notices] == ["filters.state"] and "Atlantis" in notices[0].message


def test_clk105_a_click_outside_the_viewers_brands_is_narrowed_with_a_notice(resolver):
    raw = click(GAMING, controls_raw(GAMING, "responsible-gaming"), "rg-summary", point(["nova"]))
    state, notices = resolver.parse(GAMING, raw, PARTNER, strict=False)
    assert state.filters["brand"] == [] and state.sheet == "responsible-gaming"
    assert [n.field for n in notices] == ["filters.brand"] and "narrowed" in notices[0].message
    raw = click(GAMING, controls_raw(GAMING), "rg-summary", point(["aurora"]))
    assert resolver.parse(GAMING, raw, PARTNER, strict=False) == (resolver.parse(
        GAMING, {**raw, "filters": {**raw["filters"], "brand": ["aurora"]}}, PARTNER, strict=False))


@pytest.mark.parametrize(("board", "visual"), CLICKABLE, ids=[v.id for _, v in CLICKABLE])
def test_clk106_every_clickable_point_carries_a_value_of_the_filter(small_data, resolver, board, visual):
    ctx = QueryContext.defaults(board)
    frame = visual.query(small_data.engine, ctx)
    assert not frame.empty
    options = {o.value for o in resolver.options(board.control(visual.click_filter), ctx)}
    clickable = [t for t in visual.figure(frame, ctx).data if t.hoverinfo != "skip"]
    assert clickable
    for trace in clickable:
        assert trace.customdata is not None, (visual.id, trace.type, trace.name)
        rows = [cell for row in trace.customdata for cell in row] if trace.type == "heatmap" else trace.customdata
        carried = {clicked_value(point(list(row) if trace.type != "heatmap" else row)) for row in rows}
        assert carried and carried <= options, (visual.id, carried - options)


def _graphs(component) -> list:
    """Every dcc.Graph in a component tree."""
    if isinstance(component, (list, tuple)):
        return [g for child in component for g in _graphs(child)]
    if type(component).__name__ == "Graph":
        return [component]
    return _graphs(getattr(component, "children", None) or [])


def _texts(component) -> list[str]:
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [t for child in component for t in _texts(child)]
    return _texts(getattr(component, "children", None) or [])


def test_clk107_only_a_clickable_graph_on_the_page_takes_clicks_never_on_a_slide(small_data):
    ctx = QueryContext.defaults(RESTAURANT)
    for visual_id, clickable in (("state-map", True), ("trend", False)):
        visual = RESTAURANT.visual(visual_id)
        frame = visual.query(small_data.engine, ctx)
        [graph] = _graphs(render.visual_body(visual, frame, ctx, "/assets/topojson/"))
        # Only the clickable graph's clicks reach the view (``ids.graph``); the other's id lets the browser
        # update it in place.
        assert graph.id == (ids.graph(visual_id) if clickable else ids.visual_part(visual_id, "chart"))
        [slide] = _graphs(render.visual_body(visual, frame, ctx, "/assets/topojson/", interactive=False))
        assert getattr(slide, "id", None) is None


def test_clk108_a_clickable_graph_says_so_and_a_slide_does_not(small_data):
    ctx = QueryContext.defaults(RESTAURANT)
    visual = RESTAURANT.visual("state-map")
    frame = visual.query(small_data.engine, ctx)
    hint = "Click a mark to filter by it; click it again to clear."
    assert hint in _texts(render.visual_body(visual, frame, ctx, "/assets/topojson/"))
    assert hint not in _texts(render.visual_body(visual, frame, ctx, "/assets/topojson/", interactive=False))
    trend = RESTAURANT.visual("trend")
    assert hint not in _texts(render.visual_body(trend, trend.query(small_data.engine, ctx), ctx, "/assets/topojson/"))
