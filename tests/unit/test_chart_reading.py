"""What a reader sees in the figures, checked on the figure dicts: a single period drawn and labelled as that
period, partial weeks told apart, the map's colours and labels, bar labels that never rotate, and the page
around the figures (no mode bar, KPI rows without a lone card)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboards import render, theme
from dashboards.gaming import DASHBOARD as GAMING
from dashboards.restaurant import DASHBOARD as RESTAURANT
from dashboards.timeline import Timeline
from declarations.context import QueryContext

RESORT = "10 Resort Plz"
DECEMBER = ("2021-12-01", "2021-12-31")
# The seed's story: the worst store in December 2021, by week.
OWNER_DECEMBER = {"date_range": DECEMBER, "state": ["Pennsylvania"], "address": [RESORT]}


def context(dashboard, filters=None, parameters=None) -> QueryContext:
    base = QueryContext.defaults(dashboard)
    return QueryContext(dashboard, {**base.filters, **(filters or {})}, {**base.parameters, **(parameters or {})})


def figure(small_data, dashboard, visual_id, filters=None, parameters=None):
    ctx = context(dashboard, filters, parameters)
    visual = dashboard.visual(visual_id)
    return visual.figure(visual.query(small_data.engine, ctx), ctx)


def drawn(fig):
    """The traces that draw data (not the legend's key for a partial period)."""
    return [t for t in fig.data if t.legendgroup != "partial"]


# 1. A single period ------------------------------------------------------------------------------------

@pytest.mark.parametrize("visual_id", ["trend", "support-trend", "compare-trend"])
def test_fig001_single_month_is_drawn_as_points_labelled_by_the_month(small_data, visual_id):
    fig = figure(small_data, RESTAURANT, visual_id, {"date_range": DECEMBER}, {"grain": "month"})
    for trace in drawn(fig):
        assert len(trace.x) == 1 and "markers" in trace.mode, (trace.name, trace.mode)
        assert trace.marker.size >= 8
    axis = fig.layout.xaxis
    assert list(axis.ticktext) == ["Dec 2021"]
    assert [pd.Timestamp(v) for v in axis.range] == [pd.Timestamp("2021-12-01"), pd.Timestamp("2022-01-01")]


def test_fig002_ticks_are_never_finer_than_the_grain():
    ctx = context(RESTAURANT, {"date_range": ("2021-01-01", "2022-12-31")})
    for grain, most in (("day", 7), ("week", 7), ("month", 7)):
        timeline = Timeline.of(ctx, grain)
        fig = timeline.axis(go.Figure(), "x")
        ticks = [pd.Timestamp(v) for v in fig.layout.xaxis.tickvals]
        assert 1 <= len(ticks) <= most, grain
        gaps = {(b - a).days for a, b in zip(ticks, ticks[1:], strict=False)}
        assert min(gaps) >= {"day": 1, "week": 7, "month": 28}[grain], (grain, gaps)


# 5. Partial weeks --------------------------------------------------------------------------------------

def test_fig003_one_day_week_is_not_drawn_as_a_fall_in_the_line(small_data):
    # 2022 starts on a Saturday: its first week (from Sunday 26 December 2021) has one selected day.
    fig = figure(small_data, RESTAURANT, "compare-weekly-sales")
    lines = [t for t in drawn(fig) if t.mode and "lines" in t.mode]
    assert lines
    for line in lines:
        assert min(pd.Timestamp(x) for x in line.x) > pd.Timestamp("2022-01-02"), line.name
    apart = [t for t in drawn(fig) if t.mode == "markers" and t.marker.symbol == "circle-open"]
    assert apart and all(pd.Timestamp(t.x[0]) == pd.Timestamp("2022-01-01 12:00") for t in apart)
    assert "only 1 of its 7 days selected" in apart[0].hovertext[0]
    assert any("Partial week" in (t.name or "") for t in fig.data)


def test_fig004_partial_weeks_are_hatched_narrower_bars_named_in_the_legend(small_data):
    fig = figure(small_data, RESTAURANT, "owner-weekly", OWNER_DECEMBER, {"grain": "week"})
    whole, partial = (next(t for t in fig.data if t.type == "bar" and t.legendgroup == RESORT
                           and (t.showlegend is False) == cut) for cut in (False, True))
    # 1–31 December 2021: the weeks of 28 November (4 days selected) and of 26 December (6 days), hatched
    # and as wide as their selected days; the legend shows the store's plain colour.
    assert not whole.marker.pattern.shape and partial.marker.pattern.shape == "/"
    assert [pd.Timestamp(x).day for x in partial.x] == [3, 29]
    day = 24 * 3600 * 1000
    assert list(partial.width) == [4 * day * 0.8, 6 * day * 0.8] and set(whole.width) == {7 * day * 0.8}
    assert any(t.name and t.name.startswith("Partial week") for t in fig.data)
    # The axis spans the selected days, not the whole weeks around them.
    assert [pd.Timestamp(v) for v in fig.layout.xaxis.range] == [pd.Timestamp("2021-12-01"),
                                                                 pd.Timestamp("2022-01-01")]


def test_fig005_an_average_is_not_set_apart_in_a_partial_period(small_data):
    fig = figure(small_data, RESTAURANT, "support-trend", {"date_range": ("2021-12-15", "2022-03-31")})
    assert not any(t.legendgroup == "partial" for t in fig.data)
    assert all(len(t.x) == 4 for t in fig.data)


# 4. The map --------------------------------------------------------------------------------------------

def map_parts(fig):
    choropleth = next(t for t in fig.data if t.type == "choropleth")
    labels = [t for t in fig.data if t.type == "scattergeo" and t.mode == "text"]
    return choropleth, labels


def test_fig006_map_labels_read_against_their_state_and_small_states_sit_apart(small_data):
    fig = figure(small_data, RESTAURANT, "state-map")
    choropleth, labels = map_parts(fig)
    low, high = choropleth.zmin, choropleth.zmax
    fills = dict(zip(choropleth.locations, theme.scale_colors(
        choropleth.colorscale, [(z - low) / (high - low) for z in choropleth.z]), strict=True))
    on_states = next(t for t in labels if t.locations is not None)
    for code, color in zip(on_states.text, on_states.textfont.color, strict=True):
        assert theme.contrast(color, fills[code]) >= 4.5, code
    assert "MA" not in on_states.text    # out at sea, clear of New York
    assert any("MA" in (t.text or ()) for t in labels if t.locations is None)
    # Totals are coloured from zero: the lowest state is a clear blue, not the white of a state without stores.
    assert low == 0
    lowest = theme.scale_colors(choropleth.colorscale, [min(choropleth.z) / high])[0]
    assert theme.contrast(lowest, "#ffffff") >= 1.3


def test_fig007_one_state_has_no_colour_scale(small_data):
    fig = figure(small_data, RESTAURANT, "state-map", {"state": ["Pennsylvania"]})
    choropleth, _ = map_parts(fig)
    assert choropleth.showscale is False


# 3. Bar labels -----------------------------------------------------------------------------------------

def test_fig008_category_mix_labels_never_rotate_and_hide_when_too_narrow(small_data):
    fig = figure(small_data, RESTAURANT, "compare-category-mix")
    assert all(t.textangle == 0 for t in fig.data)
    assert fig.layout.uniformtext.mode == "hide" and fig.layout.uniformtext.minsize >= 10


def test_fig009_captions_are_page_text_not_drawn_in_the_plot(small_data):
    fig = figure(small_data, RESTAURANT, "compare-category-mix")
    assert "Best and worst store" in " ".join(text for text, _ in theme.caption_of(fig))
    assert not fig.layout.annotations


# 2. and 6. The page around the figures ----------------------------------------------------------------

def test_fig010_no_mode_bar_over_the_plots():
    assert render.graph_config("/topojson")["displayModeBar"] is False


@pytest.mark.parametrize("count", range(1, 17))
def test_fig011_kpi_rows_leave_no_card_alone(count):
    for css in render.kpi_columns(count).split()[1:]:
        per_row = int(css.rsplit("-", 1)[1])
        assert per_row == 1 or count % per_row != 1, (count, css)


@pytest.mark.parametrize("visual_id", ["kpi-trend", "affiliate-trend", "campaign-deposits", "demographics-tenure"])
def test_fig012_gaming_time_axes_span_the_selected_range(small_data, visual_id):
    fig = figure(small_data, GAMING, visual_id, {"date_range": ("2024-02-10", "2024-03-20")})
    assert [pd.Timestamp(v) for v in fig.layout.xaxis.range] == [pd.Timestamp("2024-02-10"),
                                                                 pd.Timestamp("2024-03-21")]
    assert all(":" not in text for text in fig.layout.xaxis.ticktext)


def test_fig013_tenure_legend_reads_as_a_sentence(small_data):
    fig = figure(small_data, GAMING, "demographics-tenure")
    names = {trace.name for trace in fig.data if trace.showlegend is not False}
    assert {"Registered 0–90 days before", "Registered 91–365 days before",
            "Registered over 365 days before"} <= names


def test_fig014_every_figure_has_the_shared_look_from_its_template():
    """plotly_white with the shared margins, font, colours and legend above the plot: a new figure has it, and
    its own layout can still set any of it (the map sets its margins)."""
    look = pio.templates[theme.TEMPLATE].layout
    white = pio.templates["plotly_white"].layout
    assert look.plot_bgcolor == white.plot_bgcolor and look.xaxis.gridcolor == white.xaxis.gridcolor
    assert look.font.family == theme.FONT and look.font.color == white.font.color
    assert list(look.colorway) == theme.SEQUENCE
    assert (look.margin.l, look.margin.t, look.legend.orientation, look.legend.y) == (48, 16, "h", 1.02)
    fig = theme.style(go.Figure(), height=360, legend=False)
    assert fig.layout.template == pio.templates[theme.TEMPLATE]
    assert (fig.layout.height, fig.layout.showlegend) == (360, False)
    assert fig.layout.margin.l is None  # not set on the figure: its template's
    assert fig.to_dict()["layout"]["template"]["layout"]["margin"] == {"l": 48, "r": 16, "t": 16, "b": 40}
