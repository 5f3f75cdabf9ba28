"""Restaurant Operations figures: ``(frame, ctx) -> go.Figure`` for each graph visual.

Each takes the rows of its query (never empty: the framework shows the empty state itself).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from declarations.context import QueryContext

# metric -> axis title, d3 number format (hover), short name
METRIC = {
    "revenue": ("Revenue (USD)", "$,.0f", "Revenue"),
    "orders": ("Orders", ",.0f", "Orders"),
    "avg_ticket": ("Average ticket (USD)", "$,.2f", "Average ticket"),
}
# metric -> d3 format of axis ticks (compact: $12M rather than $12,000,000)
TICKS = {"revenue": "$~s", "orders": "~s", "avg_ticket": "$.2f"}
# grain -> axis title, hover date format
GRAIN = {
    "day": ("Day", "%a %b %d, %Y"),
    "week": ("Week (starting Sunday)", "week of %b %d, %Y"),
    "month": ("Month", "%B %Y"),
}
SCORE_AXIS = "Support score (1–10)"
SUPPORT_COLORS = {"restaurant": theme.BAD, "delivery": theme.ACCENT, "app": theme.PRIMARY,
                  "payment": theme.SEQUENCE[4]}
# Weekly bars as wide as a week, centred on it, so that a one-week selection still shows a proper bar.
WEEK_BARS = {"xperiod": 7 * 24 * 3600 * 1000, "xperiod0": "2021-01-03", "xperiodalignment": "middle"}
ROLE_COLORS = {"best": theme.GOOD, "worst": theme.BAD}
AVERAGE = {"color": theme.MUTED, "dash": "dash", "width": 2}


def _metric(ctx: QueryContext) -> tuple[str, str, str, str]:
    metric = ctx.param("metric")
    return (metric, *METRIC[metric])


def _note(fig: go.Figure, text: str) -> go.Figure:
    """A one-line caption above the plot (visual titles are static; this says what the figure shows)."""
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0, y=1, yshift=34, xanchor="left",
                       yanchor="bottom", showarrow=False, align="left",
                       font={"size": 12, "color": "#334155"})
    # The mode bar goes to the right edge so that it never covers the caption.
    fig.update_layout(margin={"t": 56}, legend={"y": 1.01}, modebar={"orientation": "v"})
    return fig


def _month_axis(fig: go.Figure, months: int) -> None:
    fig.update_xaxes(title="Month", tickformat="%b %Y", dtick="M1" if months <= 12 else "M3")


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
        return _note(fig, "Best and worst store by revenue within the filters")
    return fig


def _owner_note(fig: go.Figure, frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    address = frame["address"].iloc[0]
    why = ("selected address" if address in (ctx.values("address") or [])
           else "lowest revenue within the filters")
    return _note(fig, f"Store: <b>{address}</b> ({why})")


# Overview -------------------------------------------------------------------------------------------


def state_map(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, _ = _metric(ctx)
    fig = go.Figure(go.Choropleth(
        locations=frame["state_code"], z=frame[metric], locationmode="USA-states",
        colorscale=theme.SCALE, marker_line_color="white", marker_line_width=0.8,
        customdata=frame[["state", "stores"]],
        colorbar={"title": {"text": axis, "side": "right"}, "thickness": 12, "tickformat": TICKS[metric]},
        hovertemplate=f"<b>%{{customdata[0]}}</b><br>{axis}: %{{z:{number}}}<br>"
                      "Stores: %{customdata[1]}<extra></extra>"))
    fig.add_trace(go.Scattergeo(locations=frame["state_code"], locationmode="USA-states",
                                text=frame["state_code"], mode="text", hoverinfo="skip",
                                textfont={"size": 10, "color": "#0f172a"}))
    theme.style(fig, height=360, legend=False)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 8, "b": 8},
                      geo={"scope": "usa", "projection": {"type": "albers usa"}, "showlakes": False,
                           "bgcolor": "rgba(0,0,0,0)"})
    return fig


def trend(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, name = _metric(ctx)
    x_title, date_format = GRAIN[ctx.param("grain")]
    fig = go.Figure(go.Scatter(
        x=frame["period"], y=frame[metric], mode="lines+markers" if len(frame) <= 60 else "lines",
        name=name, line={"color": theme.PRIMARY, "width": 2},
        hovertemplate=f"%{{x|{date_format}}}<br>{name}: %{{y:{number}}}<extra></extra>"))
    theme.style(fig, legend=False)
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=axis, tickformat=TICKS[metric], rangemode="tozero")
    return fig


def by_category(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, name = _metric(ctx)
    fig = go.Figure(go.Bar(
        x=frame[metric], y=frame["category"], orientation="h", marker_color=theme.PRIMARY,
        customdata=frame[["items_sold"]], text=frame[metric], texttemplate=f"%{{x:{number}}}",
        textposition="auto",
        hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:{number}}}<br>Items sold: %{{customdata[0]:,.0f}}"
                      "<extra></extra>"))
    theme.style(fig, legend=False)
    fig.update_xaxes(title=axis, tickformat=TICKS[metric])
    fig.update_yaxes(title="Product category", autorange="reversed")
    return fig


def support_trend(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    x_title, date_format = GRAIN[ctx.param("grain")]
    fig = go.Figure()
    for category, rows in frame.groupby("category", sort=False):
        fig.add_trace(go.Scatter(
            x=rows["period"], y=rows["score"], name=category.capitalize(), mode="lines",
            line={"color": SUPPORT_COLORS.get(category), "width": 2}, customdata=rows[["calls"]],
            hovertemplate=f"%{{x|{date_format}}}<br>{category.capitalize()}: %{{y:.2f}} "
                          "(%{customdata[0]:,} calls)<extra></extra>"))
    theme.style(fig)
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=SCORE_AXIS, range=[1, 10])
    return fig


# Store comparison -----------------------------------------------------------------------------------


def compare_trend(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric, axis, number, name = _metric(ctx)
    x_title, date_format = GRAIN[ctx.param("grain")]
    colors = _store_colors(frame)
    fig = go.Figure()
    for row in frame.drop_duplicates("address").itertuples():
        rows = frame[frame["address"] == row.address]
        fig.add_trace(go.Scatter(
            x=rows["period"], y=rows[metric], name=_store_name(row), mode="lines",
            line={"color": colors[row.address], "width": 2},
            hovertemplate=f"<b>{row.address}</b><br>%{{x|{date_format}}}<br>{name}: %{{y:{number}}}"
                          "<extra></extra>"))
    theme.style(fig)
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=axis, tickformat=TICKS[metric], rangemode="tozero")
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
            texttemplate="%{x:.0%}", textposition="inside", insidetextanchor="middle",
            hovertemplate=f"<b>%{{y}}</b><br>{category}: %{{x:.1%}} of {basis} "
                          f"(%{{customdata[0]:{number}}})<extra></extra>"))
    theme.style(fig, height=max(260, 90 + 48 * len(stores)))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(title=f"Share of the store's {basis} (%)", tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title="Store", autorange="reversed")
    return _compare_note(fig, frame)


def _week_hover(who: str) -> str:
    return (f"<b>{who}</b><br>Week of %{{x|%b %d, %Y}}%{{customdata[1]}}<br>Items sold: %{{y:,.0f}}<br>"
            "Revenue: %{customdata[0]:$,.0f}<extra></extra>")


def _week_data(rows: pd.DataFrame, revenue: str = "revenue") -> list:
    """Hover data: revenue, and a remark on the weeks that the date range cuts short."""
    partial = rows["days_in_range"].map(lambda d: "" if d >= 7 else f" (only {d} of its days selected)")
    return list(zip(rows[revenue], partial, strict=True))


def _week_opacity(rows: pd.DataFrame) -> list[float]:
    return [1.0 if d >= 7 else 0.45 for d in rows["days_in_range"]]


def compare_weekly_sales(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    colors = _store_colors(frame)
    as_bars = frame["week_start"].nunique() <= 16  # side-by-side bars stay readable up to a quarter
    fig = go.Figure()
    for row in frame.drop_duplicates("address").itertuples():
        rows = frame[frame["address"] == row.address]
        common = {"x": rows["week_start"], "y": rows["items_sold"], "customdata": _week_data(rows),
                  "hovertemplate": _week_hover(row.address), **WEEK_BARS}
        if row.role == "average":
            fig.add_trace(go.Scatter(name="Chain average store", mode="lines+markers", line=AVERAGE, **common))
        elif as_bars:
            fig.add_trace(go.Bar(name=_store_name(row), marker={"color": colors[row.address],
                                                                "opacity": _week_opacity(rows)}, **common))
        else:
            fig.add_trace(go.Scatter(name=_store_name(row), mode="lines",
                                     line={"color": colors[row.address], "width": 2}, **common))
    theme.style(fig)
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title="Week (starting Sunday)")
    fig.update_yaxes(title="Items sold per week", tickformat=",.0f")
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
    months = frame["month"].dt.strftime("%b %Y")
    fig = go.Figure([
        go.Bar(x=months, y=frame[metric], name=address, marker_color=theme.PRIMARY,
               hovertemplate=f"<b>{address}</b><br>%{{x}}<br>{name}: %{{y:{number}}}<extra></extra>"),
        go.Bar(x=months, y=frame[f"chain_average_{metric}"], name="Chain average store",
               marker_color=theme.MUTED,
               hovertemplate=f"Chain average store<br>%{{x}}<br>{name}: %{{y:{number}}}<extra></extra>"),
    ])
    theme.style(fig)
    fig.update_layout(barmode="group", bargap=0.2)
    fig.update_xaxes(title="Month", type="category")
    fig.update_yaxes(title=axis, tickformat=TICKS[metric], rangemode="tozero")
    return _owner_note(fig, frame, ctx)


def owner_weekly(frame: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    address = frame["address"].iloc[0]
    fig = go.Figure([
        go.Bar(x=frame["week_start"], y=frame["items_sold"], name=address,
               marker={"color": theme.PRIMARY, "opacity": _week_opacity(frame)},
               customdata=_week_data(frame), hovertemplate=_week_hover(address), **WEEK_BARS),
        go.Scatter(x=frame["week_start"], y=frame["chain_average_items_sold"], name="Chain average store",
                   mode="lines+markers", line=AVERAGE, customdata=_week_data(frame, "chain_average_revenue"),
                   hovertemplate=_week_hover("Chain average store"), **WEEK_BARS),
    ])
    theme.style(fig)
    fig.update_xaxes(title="Week (starting Sunday)")
    fig.update_yaxes(title="Items sold per week", tickformat=",.0f", rangemode="tozero")
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
    fig = go.Figure()
    for category, rows in frame.groupby("category", sort=False):
        fig.add_trace(go.Scatter(
            x=rows["month"], y=rows["score"], name=category.capitalize(), mode="lines+markers",
            line={"color": SUPPORT_COLORS.get(category), "width": 2}, customdata=rows[["calls"]],
            hovertemplate=f"%{{x|%B %Y}}<br>{category.capitalize()}: %{{y:.2f}} "
                          "(%{customdata[0]:,} calls)<extra></extra>"))
    theme.style(fig)
    _month_axis(fig, frame["month"].nunique())
    fig.update_yaxes(title=SCORE_AXIS, range=[1, 10])
    return _owner_note(fig, frame, ctx)
