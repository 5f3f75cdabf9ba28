"""Restaurant Operations figures: ``(frame, ctx) -> go.Figure`` for each graph visual.

Each takes the rows of its query (never empty: the framework shows the empty state itself).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.timeline import Timeline
from declarations.context import QueryContext

# metric -> axis title, d3 number format (hover), short name
METRIC = {
    "revenue": ("Revenue (USD)", "$,.0f", "Revenue"),
    "orders": ("Orders", ",.0f", "Orders"),
    "avg_ticket": ("Average ticket (USD)", "$,.2f", "Average ticket"),
}
# metric -> d3 format of axis ticks (compact: $12M rather than $12,000,000)
TICKS = {"revenue": "$~s", "orders": "~s", "avg_ticket": "$.2f"}
# grain -> time axis title
GRAIN = {"day": "Day", "week": "Week (starting Sunday)", "month": "Month"}
SCORE_AXIS = "Support score (1–10)"
SUPPORT_COLORS = {"restaurant": theme.BAD, "delivery": theme.ACCENT, "app": theme.PRIMARY,
                  "payment": theme.SEQUENCE[4]}
ROLE_COLORS = {"best": theme.GOOD, "worst": theme.BAD}
# Metrics that add up over days and stores (a shorter period or fewer stores has less of them).
ADDITIVE = {"revenue", "orders"}
# Small north-eastern states: (lon, lat) of the state and of its label at sea.
OFFSHORE = {"MA": ((-71.8, 42.3), (-69.4, 41.9)), "RI": ((-71.5, 41.7), (-70.6, 40.9)),
            "CT": ((-72.7, 41.6), (-72.2, 40.5)), "NJ": ((-74.5, 40.1), (-73.4, 39.4)),
            "DE": ((-75.5, 39.0), (-74.4, 38.4)), "MD": ((-76.8, 39.0), (-74.9, 37.6)),
            "DC": ((-77.0, 38.9), (-75.6, 36.9))}
AVERAGE = {"color": theme.MUTED, "dash": "dash", "width": 2}


def _metric(ctx: QueryContext) -> tuple[str, str, str, str]:
    metric = ctx.param("metric")
    return (metric, *METRIC[metric])


def _timeline(ctx: QueryContext, grain: str | None = None) -> Timeline:
    return Timeline.of(ctx, grain or ctx.param("grain"))


def _store_colors(frame: pd.DataFrame) -> dict[str, str]:
    stores = frame.drop_duplicates("address")
    colors, i = {}, 0
    for row in stores.itertuples():
        if row.role in ROLE_COLORS:
            colors[row.address] = ROLE_COLORS[row.role]
        elif row.role == "average":
            colors[row.address] = theme.MUTED
        else:
            colors[row.address] = theme.SEQUENCE[i % len(theme.SEQUENCE)]
            i += 1
    return colors


def _store_name(row) -> str:
    return {"best": f"{row.address} (best)", "worst": f"{row.address} (worst)"}.get(row.role, row.address)


def _compare_note(fig: go.Figure, frame: pd.DataFrame) -> go.Figure:
    roles = set(frame["role"])
    if roles & {"best", "worst"}:
        return theme.caption(fig, "Best and worst store by revenue within the filters")
    return fig


def _owner_note(fig: go.Figure, frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    address = frame["address"].iloc[0]
    why = ("selected address" if address in (ctx.values("address") or [])
           else "lowest revenue within the filters")
    return theme.caption(fig, "Store: ", (address,), f" ({why})")


# Overview -------------------------------------------------------------------------------------------


def state_map(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, _ = _metric(ctx)
    values = frame[metric].astype(float)
    # Totals are coloured from zero, so that a state's colour says how much, not its rank; one state has no
    # scale to read it against (its hover says the value).
    low = 0.0 if metric in ADDITIVE or len(frame) == 1 else values.min()
    high = values.max() * (2 if len(frame) == 1 else 1)
    high = high if high > low else low + 1
    fills = theme.scale_colors(theme.MAP_SCALE, (values - low) / (high - low))
    fig = go.Figure(go.Choropleth(
        locations=frame["state_code"], z=values, locationmode="USA-states", zmin=low, zmax=high,
        colorscale=theme.MAP_SCALE, marker_line_color="white", marker_line_width=0.8, showscale=len(frame) > 1,
        customdata=frame[["state", "stores"]],
        colorbar={"title": {"text": axis, "side": "right"}, "thickness": 12, "tickformat": TICKS[metric]},
        hovertemplate=f"<b>%{{customdata[0]}}</b><br>{axis}: %{{z:{number}}}<br>"
                      "Stores: %{customdata[1]}<extra></extra>"))
    codes = list(frame["state_code"])
    inside = [c not in OFFSHORE for c in codes]
    fig.add_trace(go.Scattergeo(
        locations=[c for c, i in zip(codes, inside, strict=True) if i], locationmode="USA-states",
        text=[c for c, i in zip(codes, inside, strict=True) if i], mode="text", hoverinfo="skip",
        textfont={"size": 11, "color": [theme.text_color_on(f) for f, i in zip(fills, inside, strict=True) if i]}))
    # Small states are labelled out at sea, with a leader line, on the page's background.
    outside = [OFFSHORE[c] for c in codes if c in OFFSHORE]
    if outside:
        fig.add_trace(go.Scattergeo(
            lon=[v for (state, label) in outside for v in (state[0], label[0], None)],
            lat=[v for (state, label) in outside for v in (state[1], label[1], None)],
            mode="lines", line={"width": 1, "color": theme.MUTED}, hoverinfo="skip"))
        fig.add_trace(go.Scattergeo(
            lon=[label[0] for _, label in outside], lat=[label[1] for _, label in outside],
            text=[c for c in codes if c in OFFSHORE], mode="text", textposition="middle right", hoverinfo="skip",
            textfont={"size": 11, "color": theme.DARK_TEXT}))
    theme.style(fig, height=360, legend=False)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 8, "b": 8},
                      geo={"scope": "usa", "projection": {"type": "albers usa"}, "showlakes": False,
                           "bgcolor": "rgba(0,0,0,0)"})
    return fig


def trend(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, name = _metric(ctx)
    timeline = _timeline(ctx)
    fig = go.Figure()
    # One series, named by the axis: the legend only ever names a period that the range cuts short.
    timeline.line(fig, frame["period"], frame[metric], additive=metric in ADDITIVE, name=name, showlegend=False,
                  line={"color": theme.PRIMARY, "width": 2},
                  hovertemplate=f"%{{hovertext}}<br>{name}: %{{y:{number}}}<extra></extra>")
    theme.style(fig)
    fig.update_yaxes(title=axis, tickformat=TICKS[metric], rangemode="tozero")
    return timeline.axis(fig, GRAIN[timeline.grain])


def by_category(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, name = _metric(ctx)
    fig = go.Figure(go.Bar(
        x=frame[metric], y=frame["category"], orientation="h", marker_color=theme.PRIMARY,
        customdata=frame[["category", "items_sold"]], text=frame[metric], texttemplate=f"%{{x:{number}}}",
        textposition="auto",
        hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:{number}}}<br>Items sold: %{{customdata[1]:,.0f}}"
                      "<extra></extra>"))
    theme.style(fig, legend=False)
    fig.update_xaxes(title=axis, tickformat=TICKS[metric])
    fig.update_yaxes(title="Product category", autorange="reversed")
    return fig


def support_trend(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    timeline = _timeline(ctx)
    fig = go.Figure()
    for category, rows in frame.groupby("category", sort=False):
        timeline.line(fig, rows["period"], rows["score"], additive=False, name=category.capitalize(),
                      line={"color": SUPPORT_COLORS.get(category), "width": 2}, customdata=rows[["calls"]],
                      hovertemplate=f"%{{hovertext}}<br>{category.capitalize()}: %{{y:.2f}} "
                                    "(%{customdata[0]:,} calls)<extra></extra>")
    theme.style(fig)
    fig.update_yaxes(title=SCORE_AXIS, range=[1, 10])
    return timeline.axis(fig, GRAIN[timeline.grain])


# Store comparison -----------------------------------------------------------------------------------


def compare_trend(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, name = _metric(ctx)
    timeline = _timeline(ctx)
    colors = _store_colors(frame)
    fig = go.Figure()
    for row in frame.drop_duplicates("address").itertuples():
        rows = frame[frame["address"] == row.address]
        timeline.line(fig, rows["period"], rows[metric], additive=metric in ADDITIVE, name=_store_name(row),
                      line={"color": colors[row.address], "width": 2},
                      hovertemplate=f"<b>{row.address}</b><br>%{{hovertext}}<br>{name}: %{{y:{number}}}"
                                    "<extra></extra>")
    theme.style(fig)
    fig.update_yaxes(title=axis, tickformat=TICKS[metric], rangemode="tozero")
    timeline.axis(fig, GRAIN[timeline.grain])
    return _compare_note(fig, frame)


def compare_category_mix(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    basis = "orders" if "orders" in frame.columns else "revenue"
    number = "$,.0f" if basis == "revenue" else ",.0f"
    stores = frame.drop_duplicates("address")
    names = {row.address: _store_name(row) for row in stores.itertuples()}
    fig = go.Figure()
    categories = list(dict.fromkeys(frame["category"]))
    for i, category in enumerate(categories):
        rows = frame[frame["category"] == category]
        fig.add_trace(go.Bar(
            y=rows["address"].map(names), x=rows["share"], name=category, orientation="h",
            marker_color=theme.SEQUENCE[i % len(theme.SEQUENCE)], customdata=rows[[basis]],
            texttemplate="%{x:.0%}", textposition="inside", insidetextanchor="middle", textangle=0,
            hovertemplate=f"<b>%{{y}}</b><br>{category}: %{{x:.1%}} of {basis} "
                          f"(%{{customdata[0]:{number}}})<extra></extra>"))
    theme.style(fig, height=max(260, 90 + 48 * len(stores)))
    # A share too narrow for its label at a readable size goes without (its hover says it), never rotated.
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"}, uniformtext={"minsize": 10, "mode": "hide"})
    fig.update_xaxes(title=f"Share of the store's {basis} (%)", tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title="Store", autorange="reversed")
    return _compare_note(fig, frame)


def _week_hover(who: str) -> str:
    return (f"<b>{who}</b><br>%{{hovertext}}<br>Items sold: %{{y:,.0f}}<br>"
            "Revenue: %{customdata[0]:$,.0f}<extra></extra>")


def compare_weekly_sales(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    colors = _store_colors(frame)
    timeline = _timeline(ctx, "week")
    as_bars = frame["week_start"].nunique() <= 16  # side-by-side bars stay readable up to a quarter
    stores = frame.drop_duplicates("address")
    bars = [row for row in stores.itertuples() if row.role != "average"]
    fig = go.Figure()
    for row in stores.itertuples():
        rows = frame[frame["address"] == row.address]
        common = {"customdata": rows[["revenue"]], "hovertemplate": _week_hover(row.address)}
        if row.role == "average":
            timeline.line(fig, rows["week_start"], rows["items_sold"], name="Chain average store", line=AVERAGE,
                          markers=True, **common)
        elif as_bars:
            timeline.bars(fig, rows["week_start"], rows["items_sold"], index=bars.index(row), count=len(bars),
                          name=_store_name(row), marker_color=colors[row.address], **common)
        else:
            timeline.line(fig, rows["week_start"], rows["items_sold"], name=_store_name(row),
                          line={"color": colors[row.address], "width": 2}, **common)
    theme.style(fig)
    fig.update_yaxes(title="Items sold per week", tickformat=",.0f", rangemode="tozero")
    timeline.axis(fig, GRAIN["week"])
    return _compare_note(fig, frame)


def compare_support(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    colors = _store_colors(frame)
    fig = go.Figure()
    for row in frame.drop_duplicates("address").itertuples():
        rows = frame[frame["address"] == row.address]
        fig.add_trace(go.Bar(
            x=rows["category"].str.capitalize(), y=rows["score"], name=_store_name(row),
            marker_color=colors[row.address], customdata=rows[["calls"]],
            texttemplate="%{y:.1f}", textposition="outside",
            hovertemplate=f"<b>{row.address}</b><br>%{{x}}: %{{y:.2f}} (%{{customdata[0]:,}} calls)"
                          "<extra></extra>"))
    theme.style(fig)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="Support category")
    fig.update_yaxes(title=SCORE_AXIS, range=[0, 10.5])
    return _compare_note(fig, frame)


# Owner view -----------------------------------------------------------------------------------------


def owner_monthly(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, name = _metric(ctx)
    address = frame["address"].iloc[0]
    timeline = _timeline(ctx, "month")
    fig = go.Figure()
    for i, (who, column, color) in enumerate(((address, metric, theme.PRIMARY),
                                              ("Chain average store", f"chain_average_{metric}", theme.MUTED))):
        timeline.bars(fig, frame["month"], frame[column], index=i, count=2, name=who, marker_color=color,
                      hovertemplate=f"<b>{who}</b><br>%{{hovertext}}<br>{name}: %{{y:{number}}}<extra></extra>")
    theme.style(fig)
    fig.update_yaxes(title=axis, tickformat=TICKS[metric], rangemode="tozero")
    timeline.axis(fig, GRAIN["month"])
    return _owner_note(fig, frame, ctx)


def owner_weekly(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    address = frame["address"].iloc[0]
    timeline = _timeline(ctx, "week")
    fig = go.Figure()
    timeline.bars(fig, frame["week_start"], frame["items_sold"], name=address, marker_color=theme.PRIMARY,
                  customdata=frame[["revenue"]], hovertemplate=_week_hover(address))
    timeline.line(fig, frame["week_start"], frame["chain_average_items_sold"], name="Chain average store",
                  line=AVERAGE, markers=True, customdata=frame[["chain_average_revenue"]],
                  hovertemplate=_week_hover("Chain average store"))
    theme.style(fig)
    fig.update_yaxes(title="Items sold per week", tickformat=",.0f", rangemode="tozero")
    timeline.axis(fig, GRAIN["week"])
    return _owner_note(fig, frame, ctx)


def owner_support(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    address = frame["address"].iloc[0]
    labels = frame["category"].str.capitalize()
    fig = go.Figure([
        go.Bar(x=labels, y=frame["score"], name=address, marker_color=theme.PRIMARY,
               customdata=frame[["calls"]], texttemplate="%{y:.1f}", textposition="outside",
               hovertemplate=f"<b>{address}</b><br>%{{x}}: %{{y:.2f}} (%{{customdata[0]:,}} calls)"
                             "<extra></extra>"),
        go.Bar(x=labels, y=frame["chain_average_score"], name="Chain average", marker_color=theme.MUTED,
               customdata=frame[["chain_average_calls"]], texttemplate="%{y:.1f}", textposition="outside",
               hovertemplate="Chain average<br>%{x}: %{y:.2f} (%{customdata[0]:,.1f} calls per store)"
                             "<extra></extra>"),
    ])
    theme.style(fig)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="Support category")
    fig.update_yaxes(title=SCORE_AXIS, range=[0, 10.5])
    return _owner_note(fig, frame, ctx)


def owner_support_trend(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    timeline = _timeline(ctx, "month")
    fig = go.Figure()
    for category, rows in frame.groupby("category", sort=False):
        timeline.line(fig, rows["month"], rows["score"], additive=False, name=category.capitalize(),
                      markers=True, line={"color": SUPPORT_COLORS.get(category), "width": 2},
                      customdata=rows[["calls"]],
                      hovertemplate=f"%{{hovertext}}<br>{category.capitalize()}: %{{y:.2f}} "
                                    "(%{customdata[0]:,} calls)<extra></extra>")
    theme.style(fig)
    fig.update_yaxes(title=SCORE_AXIS, range=[1, 10])
    timeline.axis(fig, GRAIN["month"])
    return _owner_note(fig, frame, ctx)
