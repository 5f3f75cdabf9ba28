"""The Restaurant Operations declaration: ids, controls, defaults, and every visual on real data."""

from __future__ import annotations

import re
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboards import theme
from dashboards.restaurant import DASHBOARD
from declarations.context import QueryContext

RESORT, MARKET = "10 Resort Plz", "1500 Market St"
VISUALS = [(sheet.id, visual) for sheet in DASHBOARD.sheets for visual in sheet.visuals]
GRAPHS = [(sheet_id, visual) for sheet_id, visual in VISUALS if visual.kind == "graph"]

# Views every figure must draw: the Original, and the seed presentation's bookmarks with other parameters.
VIEWS = {
    "original": {},
    "best-vs-worst-2021-daily-orders": {"filters": {"date_range": ("2021-01-01", "2021-12-31")},
                                        "parameters": {"metric": "orders", "grain": "day"}},
    "owner-december": {"filters": {"date_range": ("2021-12-01", "2021-12-31"), "city": ["Harrisburg"],
                                   "address": [RESORT]},
                       "parameters": {"metric": "avg_ticket", "grain": "week"}},
    "pennsylvania-december": {"filters": {"date_range": ("2021-12-01", "2021-12-31"),
                                          "state": ["Pennsylvania"], "address": [RESORT, MARKET]},
                              "parameters": {"grain": "week"}},
}


def context(view: dict) -> QueryContext:
    base = QueryContext.defaults(DASHBOARD)
    return QueryContext(DASHBOARD, {**base.filters, **view.get("filters", {})},
                        {**base.parameters, **view.get("parameters", {})})


def test_rdec001_identity_and_sheets():
    assert (DASHBOARD.id, DASHBOARD.title, DASHBOARD.path) == (
        "restaurant", "Restaurant Operations", "/dashboards/restaurant")
    assert [(s.id, s.title) for s in DASHBOARD.sheets] == [
        ("overview", "Overview"), ("store-comparison", "Store comparison"), ("owner-view", "Owner view")]


def test_rdec002_controls():
    kinds = [(c.id, c.kind, c.type) for c in DASHBOARD.controls]
    assert kinds == [("date_range", "filter", "date_range"), ("state", "filter", "multi"),
                     ("city", "filter", "multi"), ("address", "filter", "multi"),
                     ("category", "filter", "multi"), ("metric", "parameter", "single"),
                     ("grain", "parameter", "single")]
    metric, grain = DASHBOARD.control("metric"), DASHBOARD.control("grain")
    assert [(o.value, o.label) for o in metric.options] == [
        ("revenue", "Revenue"), ("orders", "Orders"), ("avg_ticket", "Average ticket")]
    assert [o.value for o in grain.options] == ["day", "week", "month"]
    assert DASHBOARD.control("city").depends_on == ("state",)
    assert DASHBOARD.control("address").depends_on == ("state", "city")


def test_rdec003_visual_ids_unique_and_kebab_case():
    ids = [visual.id for _, visual in VISUALS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", i) for i in ids), ids
    for _, visual in VISUALS:
        assert visual.title and 1 <= visual.width <= 12
        assert (visual.figure is not None) == (visual.kind == "graph"), visual.id


def test_rdec004_dependencies_name_earlier_controls():
    order = [c.id for c in DASHBOARD.controls]
    for control in DASHBOARD.controls:
        for dependency in control.depends_on:
            assert dependency in order, (control.id, dependency)
            # Narrowing visits controls in declaration order, so a dependency must come first.
            assert order.index(dependency) < order.index(control.id)
            assert DASHBOARD.control(dependency).kind == "filter"


def test_rdec005_defaults_are_valid(small_data):
    dates = DASHBOARD.control("date_range")
    low, high = (date.fromisoformat(d) for d in dates.bounds)
    start, end = (date.fromisoformat(d) for d in dates.default)
    assert (low, high) == (date(2021, 1, 1), date(2022, 12, 31))
    assert low <= start <= end <= high
    # The previous period of the default holds data, so the KPI comparisons show.
    previous = QueryContext.defaults(DASHBOARD).previous_range()
    assert low <= previous[0]
    ctx = QueryContext.defaults(DASHBOARD)
    for control in DASHBOARD.controls:
        if control.type == "single":
            assert control.default in [o.value for o in control.options], control.id
        elif control.type == "multi":
            assert control.default == []
            assert control.options_query is not None
            options = control.options_query(small_data.engine, ctx)
            assert options, control.id
            values = [o.value for o in options]
            assert len(values) == len(set(values)), control.id


@pytest.mark.parametrize(("sheet_id", "visual"), VISUALS, ids=[v.id for _, v in VISUALS])
def test_rdec006_every_visual_has_rows_on_the_original_view(small_data, sheet_id, visual):
    frame = visual.query(small_data.engine, QueryContext.defaults(DASHBOARD))
    assert not frame.empty, (sheet_id, visual.id)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", str(c)) for c in frame.columns), list(frame.columns)
    if visual.kind == "kpis":
        assert {"kpi", "value", "previous", "format"} <= set(frame.columns)
        assert set(frame["format"]) <= {"money", "int", "pct", "decimal"}
        assert frame["value"].notna().all() and frame["previous"].notna().all()
    if visual.kind == "table":
        assert set(visual.formats) <= set(frame.columns), visual.id


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize(("sheet_id", "visual"), GRAPHS, ids=[v.id for _, v in GRAPHS])
def test_rdec007_every_figure_builds_from_its_query(small_data, sheet_id, visual, view):
    ctx = context(VIEWS[view])
    frame = visual.query(small_data.engine, ctx)
    assert not frame.empty, (visual.id, view)
    figure = visual.figure(frame, ctx)
    assert isinstance(figure, go.Figure)
    assert figure.data, visual.id
    layout = figure.layout
    assert layout.template == pio.templates[theme.TEMPLATE]  # the theme's look (test_fig014)
    assert layout.height and layout.showlegend is not None    # theme.style applied
    for trace in figure.data:
        if trace.hovertemplate is None:
            assert trace.hoverinfo == "skip", (visual.id, trace.type)
    if not any(t.type == "choropleth" for t in figure.data):
        assert layout.xaxis.title.text and layout.yaxis.title.text, visual.id
    figure.to_json()  # serialisable, as the browser receives it


def annotations(figure: go.Figure) -> str:
    """The figure's caption (shown by its card) and annotations, as text."""
    return " ".join([text for text, _ in theme.caption_of(figure)] + [a.text for a in figure.layout.annotations])


def test_rdec008_comparison_says_when_it_shows_best_and_worst(small_data):
    visual = DASHBOARD.visual("compare-trend")
    ctx = context({})
    assert "Best and worst" in annotations(visual.figure(visual.query(small_data.engine, ctx), ctx))
    ctx = context(VIEWS["pennsylvania-december"])
    figure = visual.figure(visual.query(small_data.engine, ctx), ctx)
    assert "Best and worst" not in annotations(figure)
    assert {t.name for t in figure.data if t.legendgroup != "partial"} == {RESORT, MARKET}


def test_rdec009_owner_view_names_its_store(small_data):
    visual = DASHBOARD.visual("owner-monthly")
    ctx = context({})
    text = annotations(visual.figure(visual.query(small_data.engine, ctx), ctx))
    assert RESORT in text and "lowest revenue" in text
    ctx = context({"filters": {"address": [MARKET]}})
    text = annotations(visual.figure(visual.query(small_data.engine, ctx), ctx))
    assert MARKET in text and "selected" in text


def test_rdec010_map_uses_us_state_codes(small_data):
    visual = DASHBOARD.visual("state-map")
    ctx = context({})
    figure = visual.figure(visual.query(small_data.engine, ctx), ctx)
    choropleth = next(t for t in figure.data if t.type == "choropleth")
    assert choropleth.locationmode == "USA-states"
    assert "PA" in list(choropleth.locations) and all(len(c) == 2 for c in choropleth.locations)
    assert figure.layout.geo.scope == "usa"


@pytest.mark.parametrize(("metric", "axis"), [("revenue", "Revenue (USD)"), ("orders", "Orders"),
                                              ("avg_ticket", "Average ticket (USD)")])
def test_rdec011_metric_parameter_changes_the_trend(small_data, metric, axis):
    visual = DASHBOARD.visual("trend")
    ctx = context({"parameters": {"metric": metric}})
    frame = visual.query(small_data.engine, ctx)
    assert metric in frame.columns
    assert visual.figure(frame, ctx).layout.yaxis.title.text == axis
