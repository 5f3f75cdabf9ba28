"""The iGaming declaration: ids, controls and defaults, and every visual populated on the Original view."""

from __future__ import annotations

import re
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboards import theme
from dashboards.gaming import DASHBOARD
from data import gaming_data
from declarations.context import QueryContext

SHEETS = {"kpis": "KPIs", "affiliates": "Affiliates", "cohorts": "Cohorts", "onboarding": "Onboarding journey",
          "campaigns": "Campaigns", "demographics": "Demographics", "responsible-gaming": "Responsible gaming",
          "game-releases": "Game releases"}
FILTERS = ("date_range", "brand", "country", "affiliate", "campaign", "game")
PARAMETERS = ("metric", "cohort_period", "days_after")
VISUALS = [visual for sheet in DASHBOARD.sheets for visual in sheet.visuals]
GRAPHS = [v for v in VISUALS if v.kind == "graph"]
#: Parameter values other than the defaults that every graph must also draw.
VARIANTS = [{"metric": m} for m in ("withdrawals", "bets", "ggr", "active_players", "depositors",
                                    "new_registrations")] + [{"cohort_period": "month", "days_after": 30},
                                                             {"days_after": 7}]


@pytest.fixture(scope="module")
def original(small_data) -> dict:
    ctx = QueryContext.defaults(DASHBOARD)
    return {v.id: v.query(small_data.engine, ctx) for v in VISUALS}


def _trace_points(trace) -> int:
    """How many data points a trace draws (links for a Sankey diagram)."""
    attrs = ("x", "y", "z", "values", "locations")
    data = [trace.link.value] if trace.type == "sankey" else [trace[a] for a in attrs if a in trace]
    return max((len(d) for d in data if d is not None), default=0)


def _figure_ok(fig) -> None:
    assert isinstance(fig, go.Figure) and len(fig.data) > 0
    assert any(_trace_points(trace) for trace in fig.data), "no trace draws any data"
    assert fig.layout.height and fig.layout.showlegend is not None        # theme.style applied
    assert fig.layout.template == pio.templates[theme.TEMPLATE]           # the theme's look (test_fig014)
    fig.to_json()                                         # serialisable for the browser and the API


def test_gdec001_dashboard_sheets_and_controls():
    assert (DASHBOARD.id, DASHBOARD.title, DASHBOARD.path) == ("gaming", "iGaming", "/dashboards/gaming")
    assert {s.id: s.title for s in DASHBOARD.sheets} == SHEETS
    assert [s.id for s in DASHBOARD.sheets] == list(SHEETS)      # KPIs first: the Original view's sheet
    assert tuple(c.id for c in DASHBOARD.controls_of("filter")) == FILTERS
    assert tuple(c.id for c in DASHBOARD.controls_of("parameter")) == PARAMETERS
    assert DASHBOARD.control("date_range").type == "date_range"
    for cid in FILTERS[1:]:
        control = DASHBOARD.control(cid)
        assert control.type == "multi" and list(control.default) == [] and control.options_query is not None
    assert DASHBOARD.control("campaign").depends_on == ("brand",)
    assert DASHBOARD.control("game").depends_on == ()
    for cid in PARAMETERS:
        assert DASHBOARD.control(cid).type == "single"


def test_gdec002_visual_ids_are_unique_kebab_case():
    ids = [v.id for v in VISUALS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    sheet_ids = {s.id for s in DASHBOARD.sheets}
    assert not sheet_ids & set(ids)
    for visual in VISUALS:
        assert (visual.figure is not None) == (visual.kind == "graph"), visual.id
        assert 1 <= visual.width <= 12 and visual.title


def test_gdec003_parameter_options_and_defaults():
    metric = DASHBOARD.control("metric")
    values = [o.value for o in metric.options]
    assert {"deposits", "bets", "ggr", "active_players", "new_registrations"} <= set(values)
    assert metric.default == "deposits"
    assert [o.value for o in DASHBOARD.control("cohort_period").options] == ["month", "quarter"]
    assert DASHBOARD.control("cohort_period").default == "quarter"
    days = DASHBOARD.control("days_after")
    assert [o.value for o in days.options] == [7, 14, 30] and all(type(o.value) is int for o in days.options)
    assert days.default == 14
    for control in DASHBOARD.controls_of("parameter"):
        assert control.default in [o.value for o in control.options], control.id


def test_gdec004_date_range_default_within_bounds():
    control = DASHBOARD.control("date_range")
    first, last = (date.fromisoformat(d) for d in control.bounds)
    assert (first, last) == (gaming_data.START, gaming_data.END)
    start, end = (date.fromisoformat(d) for d in control.default)
    assert first <= start <= end <= last
    assert end == last and (end - start).days >= 180           # six months, so the previous period has data
    ctx = QueryContext.defaults(DASHBOARD)
    assert ctx.previous_range()[0] >= first


def test_gdec005_multi_defaults_are_valid_options(small_data):
    ctx = QueryContext.defaults(DASHBOARD)
    for control in DASHBOARD.controls_of("filter"):
        if control.type != "multi":
            continue
        values = [o.value for o in control.options_query(small_data.engine, ctx)]
        assert values, control.id
        assert len(values) == len(set(values)), control.id
        assert set(control.default) <= set(values)


@pytest.mark.parametrize("visual", VISUALS, ids=[v.id for v in VISUALS])
def test_gdec006_every_visual_is_populated_on_the_original_view(original, visual):
    frame = original[visual.id]
    assert len(frame) > 0, f"{visual.id} is empty on the Original view"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in frame.columns), list(frame.columns)
    if visual.kind == "kpis":
        assert {"kpi", "value", "previous", "lifetime", "format"} <= set(frame.columns)
        assert set(frame["format"]) <= {"money", "int", "pct", "decimal"}
        assert frame["value"].notna().all() and frame["previous"].notna().all()
    if visual.kind == "table":
        assert set(visual.formats) <= set(frame.columns)


@pytest.mark.parametrize("visual", GRAPHS, ids=[v.id for v in GRAPHS])
def test_gdec007_every_figure_builds_from_its_query(original, visual):
    ctx = QueryContext.defaults(DASHBOARD)
    fig = visual.figure(original[visual.id], ctx)
    _figure_ok(fig)
    for trace in fig.data:
        if trace.type in ("bar", "scatter", "heatmap", "funnel", "choropleth"):
            assert trace.hovertemplate, (visual.id, trace.type)
    if not {t.type for t in fig.data} & {"sankey", "funnel", "choropleth"}:
        assert fig.layout.xaxis.title.text or fig.layout.yaxis.title.text, visual.id


@pytest.mark.parametrize("visual", GRAPHS, ids=[v.id for v in GRAPHS])
def test_gdec008_figures_build_for_every_parameter_value(small_data, visual):
    for changes in VARIANTS:
        base = QueryContext.defaults(DASHBOARD)
        ctx = QueryContext(DASHBOARD, base.filters, {**base.parameters, **changes})
        frame = visual.query(small_data.engine, ctx)
        # Every variant of the Original view has data (the default date range is six months long).
        assert not frame.empty, f"{visual.id} is empty with {changes}"
        _figure_ok(visual.figure(frame, ctx))


def test_gdec009_special_figures(original):
    ctx = QueryContext.defaults(DASHBOARD)
    figures = {v.id: v.figure(original[v.id], ctx) for v in GRAPHS}
    assert figures["onboarding-funnel"].data[0].type == "funnel"
    assert figures["onboarding-sankey"].data[0].type == "sankey"
    world = figures["campaign-map"].data[0]
    assert world.type == "choropleth" and world.locationmode == "ISO-3"
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in world.locations)
    assert figures["cohort-adpu"].data[0].type == "heatmap"
    assert "($)" in figures["kpi-trend"].layout.yaxis.title.text
    assert "14 days" in figures["release-players"].layout.yaxis.title.text
    assert [t.type for t in figures["campaign-map"].data] == ["choropleth", "scattergeo"]
    assert figures["campaign-map"].data[1].locationmode == "ISO-3"
