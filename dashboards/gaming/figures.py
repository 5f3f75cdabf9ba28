"""Plotly figures of the iGaming visuals. Each takes its query's (non-empty) frame and the context."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.gaming._sql import METRICS, period_grain, selected_metric, trend_grain
from dashboards.gaming.queries_overview import TENURE_BANDS
from dashboards.timeline import Timeline
from declarations.context import QueryContext

MONEY = "$,.0f"
COUNT = ",.0f"
#: Enough distinct colours for the 11 acquisition sources (10 affiliates and organic).
PALETTE = [*theme.SEQUENCE, "#a16207", "#0f766e", "#be185d"]


def _value_format(metric_format: str) -> str:
    return MONEY if metric_format == "money" else COUNT


def _axis_title(metric_id: str) -> str:
    metric = METRICS[metric_id]
    return f"{metric.label} ({'$' if metric.format == 'money' else 'players'})"


def _bar_height(n: int, per_bar: int = 26, minimum: int = 300) -> int:
    return max(minimum, 90 + per_bar * n)


# ------------------------------------------------------------------------------------------------
# KPIs and Affiliates


def kpi_trend(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric = selected_metric(ctx)
    fmt = _value_format(metric.format)
    start, end = ctx.date_range()
    # The query's weeks are 7-day blocks from the period's first day.
    timeline = Timeline.of(ctx, trend_grain(start, end), week_anchor=start)
    fig = go.Figure()
    styles = {"Selected period": {"color": theme.PRIMARY, "width": 2.5},
              "Previous period": {"color": theme.MUTED, "width": 2, "dash": "dash"}}
    for period in ("Selected period", "Previous period"):
        part = df[df["period"] == period]
        if part.empty:
            continue
        timeline.line(fig, part["period_start"], part[metric.id], name=period, line=styles[period],
                      marker={"size": 5}, markers=True,
                      hovertemplate=f"{period}<br>%{{hovertext}}: %{{y:{fmt}}}<extra></extra>")
    fig.update_yaxes(title_text=_axis_title(metric.id), rangemode="tozero")
    theme.style(fig)
    return timeline.axis(fig, "Period (previous period aligned to the selected one)")


def affiliate_revenue(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    df = df.sort_values("revenue")
    fig = go.Figure([
        go.Bar(y=df["affiliate"], x=df["deposits"], name="Deposits", orientation="h",
               marker_color=theme.MUTED, customdata=df[["affiliate_code"]],
               hovertemplate="%{y}<br>Deposits: %{x:$,.0f}<extra></extra>"),
        go.Bar(y=df["affiliate"], x=df["revenue"], name="Revenue (gross game win)", orientation="h",
               marker_color=theme.PRIMARY, customdata=df[["affiliate_code"]],
               hovertemplate="%{y}<br>Revenue: %{x:$,.0f}<extra></extra>"),
    ])
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Amount in the period ($)")
    return theme.style(fig, height=_bar_height(2 * len(df), per_bar=14))


def affiliate_conversion(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    df = df[df["players"] > 0]
    size = df["deposits"].clip(lower=0)
    fig = go.Figure(go.Scatter(
        x=df["players"], y=df["conversion"], text=df["affiliate"], mode="markers+text",
        textposition="top center", customdata=df[["affiliate_code", "depositors", "deposits"]],
        marker={"size": size, "sizemode": "area", "sizeref": max(size.max(), 1) / 1600, "sizemin": 6,
                "color": theme.PRIMARY, "opacity": 0.7, "line": {"width": 1, "color": "white"}},
        hovertemplate=("%{text}<br>New players: %{x:,.0f}<br>Depositing: %{customdata[1]:,.0f}"
                       "<br>Conversion: %{y:.1%}<br>Deposits: %{customdata[2]:$,.0f}<extra></extra>")))
    fig.update_xaxes(title_text="New players registered in the period (players)",
                     range=[0, max(df["players"].max(), 1) * 1.25])
    fig.update_yaxes(title_text="Conversion to depositing (%)", tickformat=".0%")
    return theme.style(fig, legend=False)


def _timeline(ctx: QueryContext) -> Timeline:
    """The weeks (starting Sunday) or months of the stacked and per-affiliate series."""
    return Timeline.of(ctx, period_grain(*ctx.date_range()))


def affiliate_trend(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    metric = selected_metric(ctx)
    fmt = _value_format(metric.format)
    timeline = _timeline(ctx)
    fig = go.Figure()
    totals = df.groupby("affiliate")[metric.id].sum().sort_values(ascending=False)
    for i, affiliate in enumerate(totals.index):
        part = df[df["affiliate"] == affiliate]
        timeline.line(fig, part["period_start"], part[metric.id], name=affiliate, markers=True,
                      line={"color": PALETTE[i % len(PALETTE)]}, customdata=part[["affiliate_code"]],
                      hovertemplate=f"{affiliate}<br>%{{hovertext}}: %{{y:{fmt}}}<extra></extra>")
    fig.update_yaxes(title_text=_axis_title(metric.id), rangemode="tozero")
    theme.style(fig, height=380)
    return timeline.axis(fig, "Period")


# ------------------------------------------------------------------------------------------------
# Cohorts


def _period_label(ctx: QueryContext, index: int) -> str:
    return f"{'Q' if ctx.param('cohort_period') == 'quarter' else 'M'}+{index}"


def cohort_adpu(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    grid = df.pivot(index="cohort", columns="period_index", values="adpu").sort_index(ascending=False)
    size = df.drop_duplicates("cohort").set_index("cohort")["depositors"].reindex(grid.index)
    text = grid.map(lambda v: "" if pd.isna(v) else f"${v:,.0f}")
    unit = "quarters" if ctx.param("cohort_period") == "quarter" else "months"
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[_period_label(ctx, i) for i in grid.columns], y=list(grid.index),
        text=text.to_numpy(), texttemplate="%{text}", colorscale=theme.SCALE,
        colorbar={"title": {"text": "ADPU ($)"}, "tickformat": "$,.0f"},
        customdata=[[n] * len(grid.columns) for n in size],
        hovertemplate=("Cohort %{y} (%{customdata:,.0f} depositing users)<br>%{x}: "
                       "%{z:$,.2f} per user<extra></extra>"), hoverongaps=False))
    fig.update_xaxes(title_text=f"Periods since registration ({unit})", side="top")
    fig.update_yaxes(title_text="Registration cohort", type="category")   # "2024-06" is a label, not a date
    fig = theme.style(fig, height=max(320, 80 + 32 * len(grid)), legend=False)
    fig.update_layout(margin={"t": 56, "l": 96})
    return fig


def cohort_churn(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    unit = "quarters" if ctx.param("cohort_period") == "quarter" else "months"
    fig = go.Figure()
    for i, (cohort, part) in enumerate(df.groupby("cohort", sort=True)):
        fig.add_trace(go.Scatter(
            x=part["period_index"], y=part["churn"], name=cohort, mode="lines+markers",
            line={"color": theme.SEQUENCE[i % len(theme.SEQUENCE)]}, customdata=part[["active_players"]],
            hovertemplate=(f"Cohort {cohort}<br>{_period_label(ctx, 0)[0]}+%{{x}}: %{{y:.1%}} churned"
                           "<br>%{customdata[0]:,.0f} still active<extra></extra>")))
    fig.update_xaxes(title_text=f"Periods since registration ({unit})", dtick=1)
    fig.update_yaxes(title_text="Depositing users no longer active (%)", tickformat=".0%", range=[0, 1])
    return theme.style(fig, height=360)


# ------------------------------------------------------------------------------------------------
# Onboarding journey


def onboarding_funnel(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    fig = go.Figure(go.Funnel(
        y=df["step"], x=df["attempts"], textinfo="value+percent initial+percent previous",
        texttemplate="%{value:,.0f}<br>%{percentInitial:.1%} of started", marker={"color": theme.PRIMARY},
        connector={"line": {"color": theme.MUTED}},
        hovertemplate=("%{y}: %{x:,.0f} attempts<br>%{percentInitial:.1%} of started, "
                       "%{percentPrevious:.1%} of the previous step<extra></extra>")))
    fig = theme.style(fig, height=360, legend=False)
    fig.update_layout(margin={"l": 140})
    return fig


#: Short names of the drop-off nodes, by the step that was not reached.
_DROP_NAMES = {"Email verified": "Not verified", "KYC identity check": "Identity check failed",
               "KYC address check": "Address check failed", "First deposit": "No deposit"}


def onboarding_sankey(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    labels = list(dict.fromkeys(list(df["source"]) + list(df["target"])))
    index = {label: i for i, label in enumerate(labels)}
    dropped = [label.startswith("Dropped") for label in labels]
    names = [_DROP_NAMES.get(label.removeprefix("Dropped before: "), "Dropped out") if d else label
             for label, d in zip(labels, dropped, strict=True)]
    # Steps left to right along the top, each drop-off below the step it failed to reach.
    steps = [label for label, d in zip(labels, dropped, strict=True) if not d]
    column = {label: i for i, label in enumerate(steps)}
    last = max(len(steps) - 1, 1)
    x = [column[label.removeprefix("Dropped before: ")] / last if label.removeprefix("Dropped before: ") in column
         else 1.0 for label in labels]
    x = [min(max(v, 0.001), 0.999) for v in x]
    y = [0.85 if d else 0.35 for d in dropped]
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node={"label": names, "pad": 14, "thickness": 16, "x": x, "y": y,
              "color": [theme.BAD if d else theme.PRIMARY for d in dropped],
              "hovertemplate": "%{label}: %{value:,.0f} attempts<extra></extra>"},
        link={"source": [index[s] for s in df["source"]], "target": [index[t] for t in df["target"]],
              "value": df["attempts"],
              "color": ["rgba(220,38,38,0.25)" if t.startswith("Dropped") else "rgba(37,99,235,0.25)"
                        for t in df["target"]],
              "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f} attempts<extra></extra>"}))
    return theme.style(fig, height=360, legend=False)


def onboarding_countries(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    grid = df.pivot(index="country", columns="step", values="step_conversion")
    steps = df.drop_duplicates("step").sort_values("step_no")["step"].tolist()
    grid = grid[steps].sort_index(ascending=False)
    text = grid.map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
    codes = df.drop_duplicates("country").set_index("country")["country_code"].reindex(grid.index)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[s.replace(" check", "").replace(" ", "<br>", 1) for s in steps],
        y=list(grid.index), text=text.to_numpy(), customdata=[[code] * len(steps) for code in codes],
        texttemplate="%{text}", colorscale="RdYlGn", zmin=0.5, zmax=1,
        colorbar={"title": {"text": "Step conversion (%)"}, "tickformat": ".0%"},
        hovertemplate="%{y}<br>Reached %{x}: %{z:.1%} of the previous step<extra></extra>", hoverongaps=False))
    fig.update_xaxes(title_text="Step reached (% of the previous step)", tickangle=0)
    fig = theme.style(fig, height=max(320, 100 + 28 * len(grid)), legend=False)
    fig.update_layout(margin={"l": 110, "t": 24, "b": 64})
    return fig


# ------------------------------------------------------------------------------------------------
# Campaigns


def campaign_deposits(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    timeline = _timeline(ctx)
    fig = go.Figure()
    timeline.bars(fig, df["period_start"], df["all_deposits"], name="All deposits", marker_color=theme.MUTED,
                  hovertemplate="%{hovertext}<br>All deposits: %{y:$,.0f}<extra></extra>")
    timeline.bars(fig, df["period_start"], df["campaign_deposits"], name="From campaign-activated players",
                  marker_color=theme.ACCENT, customdata=df[["campaign_share"]],
                  hovertemplate=("%{hovertext}<br>From campaigns: %{y:$,.0f} "
                                 "(%{customdata[0]:.1%} of all)<extra></extra>"))
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(title_text="Deposits ($)")
    theme.style(fig)
    return timeline.axis(fig, "Period")


def activated_map(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    hover = "%{text}<br>%{customdata[1]:,.0f} activated players<br>Bonus cost %{customdata[2]:$,.0f}<extra></extra>"
    custom = df[["country_code", "activated_players", "bonus_cost"]]
    fig = go.Figure([
        go.Choropleth(
            locations=df["country_code"], locationmode="ISO-3", z=df["activated_players"], text=df["country"],
            zmin=0, colorscale=theme.MAP_SCALE, marker_line_color="white", marker_line_width=0.5,
            customdata=custom, hovertemplate=hover,
            colorbar={"title": {"text": "Activated<br>players"}, "tickformat": ",.0f", "len": 0.8}),
        # Bubbles at the countries' centres keep small markets (Ireland, Denmark, Austria) visible.
        go.Scattergeo(
            locations=df["country_code"], locationmode="ISO-3", text=df["country"], customdata=custom,
            mode="markers", hovertemplate=hover, showlegend=False,
            marker={"size": df["activated_players"], "sizemode": "area", "sizemin": 4,
                    "sizeref": max(df["activated_players"].max(), 1) / 600, "color": theme.ACCENT,
                    "opacity": 0.75, "line": {"width": 1, "color": "white"}}),
    ])
    fig.update_geos(projection_type="natural earth", showcountries=True, countrycolor="#e2e8f0",
                    showcoastlines=False, showframe=False, landcolor="#f1f5f9", showland=True,
                    lataxis_range=[-55, 80])
    fig = theme.style(fig, legend=False)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 8, "b": 0})
    return fig


def campaign_outcome(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    df = df.sort_values("net_outcome")
    labels = df["campaign"] + " · " + df["brand"]
    fig = go.Figure(go.Bar(
        y=labels, x=df["net_outcome"], orientation="h",
        marker_color=[theme.GOOD if v >= 0 else theme.BAD for v in df["net_outcome"]],
        customdata=df[["revenue", "bonus_cost", "activations"]],
        hovertemplate=("%{y}<br>Net outcome: %{x:$,.0f}<br>Revenue from activated players: "
                       "%{customdata[0]:$,.0f}<br>Bonus cost: %{customdata[1]:$,.0f}"
                       "<br>Activations: %{customdata[2]:,.0f}<extra></extra>")))
    fig.update_xaxes(title_text="Net outcome: revenue − bonus cost ($)", zeroline=True, zerolinecolor="#64748b")
    fig = theme.style(fig, height=_bar_height(len(df), per_bar=22), legend=False)
    fig.update_layout(margin={"l": 260, "t": 32})
    return fig


# ------------------------------------------------------------------------------------------------
# Demographics


def _metric_bars(df: pd.DataFrame, ctx: QueryContext, category: str, title: str, *,
                 horizontal: bool = False, key: str | None = None) -> go.Figure:
    """``key``: the column of the filter value each bar stands for (click-to-filter), if any."""
    metric = selected_metric(ctx)
    fmt = _value_format(metric.format)
    if horizontal:
        df = df.iloc[::-1]
    custom = df[[key]] if key else None
    if horizontal:
        bar = go.Bar(y=df[category], x=df[metric.id], orientation="h", marker_color=theme.PRIMARY,
                     customdata=custom, hovertemplate=f"%{{y}}: %{{x:{fmt}}}<extra></extra>")
    else:
        bar = go.Bar(x=df[category], y=df[metric.id], marker_color=theme.PRIMARY, customdata=custom,
                     hovertemplate=f"%{{x}}: %{{y:{fmt}}}<extra></extra>")
    fig = go.Figure(bar)
    value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    category_axis = fig.update_yaxes if horizontal else fig.update_xaxes
    value_axis(title_text=_axis_title(metric.id))
    category_axis(title_text=title)
    return theme.style(fig, height=_bar_height(len(df)) if horizontal else 340, legend=False)


def metric_by_age(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    return _metric_bars(df, ctx, "age_group", "Age group (years)")


def metric_by_gender(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    return _metric_bars(df, ctx, "gender", "Gender")


def metric_by_country(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    fig = _metric_bars(df, ctx, "country", "Country", horizontal=True, key="country_code")
    fig.update_layout(margin={"l": 110})
    return fig


def deposits_by_tenure(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    timeline = _timeline(ctx)
    fig = go.Figure()
    colours = dict(zip(TENURE_BANDS, (theme.PRIMARY, theme.ACCENT, theme.SEQUENCE[2]), strict=True))
    for band, colour in colours.items():
        part = df[df["band"] == band]
        if part.empty:
            continue
        # Mid-sentence: “Registered over 365 days before”, not “Registered Over …”.
        name = f"Registered {band[0].lower()}{band[1:]} before"
        timeline.bars(fig, part["period_start"], part["deposits"], name=name,
                      marker_color=colour, customdata=part[["share"]],
                      hovertemplate=(f"%{{hovertext}}<br>{name}: %{{y:$,.0f}} "
                                     "(%{customdata[0]:.1%})<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="Deposits ($)")
    theme.style(fig)
    return timeline.axis(fig, "Period")


# ------------------------------------------------------------------------------------------------
# Responsible gaming and game releases


def rg_summary(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    fig = go.Figure()
    for i, (brand, part) in enumerate(df.groupby("brand", sort=True)):
        fig.add_trace(go.Bar(
            x=part["signal"], y=part["players"], name=brand, marker_color=theme.SEQUENCE[i % len(theme.SEQUENCE)],
            customdata=part[["brand_code"]],
            hovertemplate=f"{brand}<br>%{{x}}: %{{y:,.0f}} flagged players<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Deviating signal", categoryorder="array",
                     categoryarray=list(dict.fromkeys(df["signal"])))
    fig.update_yaxes(title_text="Flagged players (players)")
    return theme.style(fig)


def _release_label(df: pd.DataFrame, sep: str = " ") -> pd.Series:
    released = pd.to_datetime(df["release_date"]).dt.strftime("%d %b %Y")
    return df["game"] + sep + "(" + released + ")"


def release_players(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    days = int(ctx.param("days_after"))
    fig = go.Figure(go.Bar(
        x=_release_label(df, "<br>"), y=df["unique_players"], marker_color=theme.PRIMARY,
        customdata=df[["category"]],
        hovertemplate="%{x}<br>%{customdata[0]}<br>%{y:,.0f} unique players<extra></extra>"))
    fig.update_xaxes(title_text="Game (release date)", tickangle=0)
    fig.update_yaxes(title_text=f"Players in first {days} days")
    return theme.style(fig, legend=False)


def release_stakes(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    days = int(ctx.param("days_after"))
    fig = go.Figure(go.Bar(
        x=_release_label(df, "<br>"), y=df["stakes"], marker_color=theme.ACCENT,
        customdata=df[["stakes_per_player", "rounds"]],
        hovertemplate=("%{x}<br>Stakes: %{y:$,.0f}<br>Per player: %{customdata[0]:$,.2f}"
                       "<br>Rounds: %{customdata[1]:,.0f}<extra></extra>")))
    fig.update_xaxes(title_text="Game (release date)", tickangle=0)
    fig.update_yaxes(title_text=f"Stakes in first {days} days ($)")
    return theme.style(fig, legend=False)


def release_daily(df: pd.DataFrame, ctx: QueryContext) -> go.Figure:
    fig = go.Figure()
    for i, (_, part) in enumerate(df.groupby(["release_date", "game_id"], sort=True)):
        name = _release_label(part.head(1)).iloc[0]
        fig.add_trace(go.Scatter(
            x=part["days_since_release"], y=part["players"], name=name, mode="lines+markers",
            line={"color": theme.SEQUENCE[i % len(theme.SEQUENCE)]}, customdata=part[["stakes"]],
            hovertemplate=(f"{name}<br>Day %{{x}}: %{{y:,.0f}} players, "
                           "%{customdata[0]:$,.0f} stakes<extra></extra>")))
    fig.update_xaxes(title_text="Days since release (day 0 = release day)",
                     dtick=1 if int(ctx.param("days_after")) <= 14 else 5)
    fig.update_yaxes(title_text="Players that day (players)", rangemode="tozero")
    return theme.style(fig, height=360)
