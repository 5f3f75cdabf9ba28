"""The dashboards' visuals written the way a typical Dash app writes them: tables held in memory as pandas
DataFrames, and per view filter, join and group.

This is the baseline of the sheet-compute benchmark (``benchmarks.compute``): one function per visual
query, giving the same rows as the app's SQL (a test holds them equal on a small dataset). Shaping that
is plain bookkeeping on a handful of aggregated rows (labels, the funnel's missing steps) reuses the
app's own helpers; every filter, join and aggregation over the facts is pandas.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from dashboards.gaming import queries_overview as gov
from dashboards.gaming import queries_players as gpl
from dashboards.gaming._sql import (
    METRICS,
    ORGANIC,
    WINDOW_LAST,
    Metric,
    add_months,
    bucket_start,
    period_grain,
    trend_grain,
)
from dashboards.restaurant import queries as rq
from declarations.context import QueryContext

Tables = dict[str, pd.DataFrame]
Visual = Callable[[Tables, QueryContext], pd.DataFrame]

TABLES = ("r_stores", "r_categories", "r_sales", "r_support_calls", "g_brands", "g_countries", "g_affiliates",
          "g_players", "g_transactions", "g_game_activity", "g_games", "g_campaigns", "g_campaign_activations",
          "g_onboarding_events", "g_rg_weekly")
SUPPORT_ORDER = {"restaurant": 1, "delivery": 2, "app": 3}


def load_tables(con: duckdb.DuckDBPyConnection) -> Tables:
    """Every table the dashboards read, whole, as DataFrames."""
    return {name: con.table(name).df() for name in TABLES}


def memory_bytes(tables: Tables) -> int:
    return int(sum(frame.memory_usage(deep=True).sum() for frame in tables.values()))


def visual_function(dashboard_id: str, query: Callable) -> Visual:
    """The pandas twin of a visual's query function."""
    return FUNCTIONS[dashboard_id][query.__name__]


# Time buckets --------------------------------------------------------------------------------------


def ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def between(series: pd.Series, start: date, end: date) -> pd.Series:
    return (series >= ts(start)) & (series <= ts(end))


def bucket(series: pd.Series, grain: str) -> pd.Series:
    """Start of the day, week (Sunday), month or quarter."""
    if grain == "day":
        return series
    if grain == "week":
        return series - pd.to_timedelta((series.dt.day_of_week + 1) % 7, unit="D")
    if grain == "month":
        return series - pd.to_timedelta(series.dt.day - 1, unit="D")
    return series.dt.to_period("Q").dt.to_timestamp()


# Restaurant Operations ----------------------------------------------------------------------------


def r_stores(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    st = t["r_stores"]
    for column, control in (("state", "state"), ("city", "city"), ("address", "address")):
        values = ctx.values(control)
        if values:
            st = st[st[column].isin(values)]
    return st


def r_sales(t: Tables, ctx: QueryContext, *, period=None, location=True, category=True) -> pd.DataFrame:
    d0, d1 = period or ctx.date_range()
    s = t["r_sales"]
    s = s[between(s["day"], d0, d1)]
    if category and (categories := ctx.values("category")):
        s = s[s["category"].isin(categories)]
    if location:
        s = s.merge(r_stores(t, ctx), on="store_id")
    return s


def r_calls(t: Tables, ctx: QueryContext, *, period=None, location=True) -> pd.DataFrame:
    d0, d1 = period or ctx.date_range()
    c = t["r_support_calls"]
    c = c[between(c["day"], d0, d1)]
    if location:
        c = c.merge(r_stores(t, ctx), on="store_id", suffixes=("", "_store"))
    return c


def chain_stores(t: Tables) -> int:
    return len(t["r_stores"])


def metric_of(groups, metric: str, per_store: int | None = None) -> pd.Series:
    """The metric over grouped sales rows (``avg_ticket`` = revenue / orders)."""
    if metric == "avg_ticket":
        orders = groups["orders"].sum()
        return groups["revenue"].sum() / orders.where(orders != 0)
    value = groups[metric].sum().astype(float)
    return value / per_store if per_store else value


def r_kpis(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    current, previous = ctx.date_range(), ctx.previous_range()
    span = (previous[0], current[1])
    s = r_sales(t, ctx, period=span)
    c = r_calls(t, ctx, period=span)
    now_s, prev_s = s[s["day"] >= ts(current[0])], s[s["day"] <= ts(previous[1])]
    now_c, prev_c = c[c["day"] >= ts(current[0])], c[c["day"] <= ts(previous[1])]
    revenue, orders = now_s["revenue"].sum(min_count=1), now_s["orders"].sum(min_count=1)
    prev_revenue, prev_orders = prev_s["revenue"].sum(min_count=1), prev_s["orders"].sum(min_count=1)
    if pd.isna(revenue) and not len(now_c):
        return pd.DataFrame(columns=["kpi", "value", "previous", "format", "better"])

    def ratio(a, b):
        return a / b if pd.notna(a) and pd.notna(b) and b else float("nan")

    return pd.DataFrame({
        "kpi": ["Revenue", "Orders", "Average ticket", "Support score"],
        "value": [revenue, orders, ratio(revenue, orders), now_c["score"].astype(float).mean()],
        "previous": [prev_revenue, prev_orders, ratio(prev_revenue, prev_orders),
                     prev_c["score"].astype(float).mean()],
        "format": ["money", "int", "money", "decimal"],
        "better": ["higher", "higher", "higher", "lower"],
    }).astype({"value": float, "previous": float})


def r_by_state(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    metric = ctx.param("metric")
    groups = r_sales(t, ctx).groupby(["state", "state_code"])
    out = pd.DataFrame({"stores": groups["store_id"].nunique(), metric: metric_of(groups, metric)})
    return out.reset_index().sort_values("state").reset_index(drop=True)


def r_trend(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    metric = ctx.param("metric")
    s = r_sales(t, ctx)
    groups = s.assign(period=bucket(s["day"], ctx.param("grain"))).groupby("period")
    return metric_of(groups, metric).rename(metric).reset_index().sort_values("period").reset_index(drop=True)


def r_by_category(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    metric = ctx.param("metric")
    s = r_sales(t, ctx).merge(t["r_categories"][["category", "sort_order"]], on="category")
    groups = s.groupby(["category", "sort_order"])
    out = pd.DataFrame({metric: metric_of(groups, metric), "items_sold": groups["items_sold"].sum().astype(float)})
    return out.reset_index().sort_values("sort_order").drop(columns="sort_order").reset_index(drop=True)


def _support_sort(category: pd.Series) -> pd.Series:
    return category.map(SUPPORT_ORDER).fillna(4)


def r_support_trend(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    c = r_calls(t, ctx)
    c = c.assign(period=bucket(c["day"], ctx.param("grain")), score=c["score"].astype(float))
    out = c.groupby(["period", "category"]).agg(calls=("score", "size"), score=("score", "mean")).reset_index()
    out["_sort"] = _support_sort(out["category"])
    return out.sort_values(["period", "_sort"]).drop(columns="_sort").reset_index(drop=True)


def r_top_stores(t: Tables, ctx: QueryContext, limit: int = 10) -> pd.DataFrame:
    metric = ctx.param("metric")
    calls = r_calls(t, ctx, location=False)
    support = calls.assign(score=calls["score"].astype(float)).groupby("store_id")["score"].mean()
    groups = r_sales(t, ctx).groupby("store_id")
    sales = pd.DataFrame({"revenue": groups["revenue"].sum().astype(float),
                          "orders": groups["orders"].sum().astype(float),
                          "metric_value": metric_of(groups, metric)}).reset_index()
    out = sales.merge(t["r_stores"], on="store_id").merge(support.rename("support_score").reset_index(),
                                                          on="store_id", how="left")
    out["avg_ticket"] = out["revenue"] / out["orders"].where(out["orders"] != 0)
    out = out.sort_values(["metric_value", "address"], ascending=[False, True]).head(limit)
    out = out.rename(columns={"state_code": "state_abbr"})[
        ["address", "city", "state_abbr", "owner", "revenue", "orders", "avg_ticket", "support_score"]]
    out = out.rename(columns={"state_abbr": "state"}).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


STORE_COLUMNS = ["store_id", "address", "city", "state_code", "role"]


def revenue_ranking(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    s = r_sales(t, ctx)
    out = s.groupby(["store_id", "address", "city", "state_code"], as_index=False)["revenue"].sum()
    return out.sort_values(["revenue", "address"], ascending=[False, True]).reset_index(drop=True)


def compared_stores(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    if len(ctx.values("address") or []) >= 2:
        chosen = r_stores(t, ctx).sort_values("address")
        if len(chosen) >= 2:
            return chosen.assign(role="selected")[STORE_COLUMNS].reset_index(drop=True)
    ranked = revenue_ranking(t, ctx.with_filters(address=[]))
    if ranked.empty:
        return pd.DataFrame(columns=STORE_COLUMNS)
    best, worst = ranked.iloc[[0]].assign(role="best"), ranked.iloc[[-1]].assign(role="worst")
    chosen = best if len(ranked) == 1 else pd.concat([best, worst], ignore_index=True)
    return chosen[STORE_COLUMNS].reset_index(drop=True)


def _store_sales(t: Tables, ctx: QueryContext, stores: pd.DataFrame) -> pd.DataFrame:
    s = r_sales(t, ctx, location=False)
    return s[s["store_id"].isin(stores["store_id"])]


def _store_calls(t: Tables, ctx: QueryContext, stores: pd.DataFrame) -> pd.DataFrame:
    c = r_calls(t, ctx, location=False)
    return c[c["store_id"].isin(stores["store_id"])]


def r_compare_summary(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    stores = compared_stores(t, ctx)
    if stores.empty:
        return pd.DataFrame()
    calls = _store_calls(t, ctx, stores)
    support = calls.assign(score=calls["score"].astype(float)).groupby("store_id").agg(
        support_calls=("score", "size"), support_score=("score", "mean")).reset_index()
    sales = _store_sales(t, ctx, stores).groupby("store_id")[["revenue", "orders", "items_sold"]].sum()
    sales = sales.astype(float).reset_index()
    frame = t["r_stores"].merge(sales, on="store_id").merge(support, on="store_id", how="left")
    frame["avg_ticket"] = frame["revenue"] / frame["orders"].where(frame["orders"] != 0)
    frame = frame.rename(columns={"state_code": "st_code"})[
        ["store_id", "city", "st_code", "owner", "revenue", "orders", "avg_ticket", "items_sold", "support_calls",
         "support_score"]].rename(columns={"st_code": "state"})
    return rq._label_stores(frame, stores)


def r_compare_trend(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    metric = ctx.param("metric")
    stores = compared_stores(t, ctx)
    if stores.empty:
        return pd.DataFrame(columns=["period", "address", "role", metric])
    s = _store_sales(t, ctx, stores)
    groups = s.assign(period=bucket(s["day"], ctx.param("grain"))).groupby(["period", "store_id"])
    return rq._label_stores(metric_of(groups, metric).rename(metric).reset_index(), stores)


def r_compare_category_mix(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    basis = "orders" if ctx.param("metric") == "orders" else "revenue"
    stores = compared_stores(t, ctx)
    if stores.empty:
        return pd.DataFrame(columns=["address", "role", "category", basis, "share"])
    mix = _store_sales(t, ctx, stores).groupby(["store_id", "category"])[basis].sum().astype(float).reset_index()
    total = mix.groupby("store_id")[basis].transform("sum")
    mix["share"] = mix[basis] / total.where(total != 0)
    mix = mix.merge(t["r_categories"][["category", "sort_order"]], on="category").rename(
        columns={"sort_order": "_sort"})
    return rq._label_stores(mix, stores)


def _chain_weekly(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    s = r_sales(t, ctx, location=False)
    weekly = s.assign(week_start=bucket(s["day"], "week")).groupby("week_start")[["items_sold", "revenue"]].sum()
    return (weekly.astype(float) / chain_stores(t)).reset_index().sort_values("week_start").reset_index(drop=True)


def r_compare_weekly_sales(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    stores = compared_stores(t, ctx)
    columns = ["week_start", "days_in_range", "address", "role", "items_sold", "revenue"]
    if stores.empty:
        return pd.DataFrame(columns=columns)
    s = _store_sales(t, ctx, stores)
    frame = s.assign(week_start=bucket(s["day"], "week")).groupby(["week_start", "store_id"])[
        ["items_sold", "revenue"]].sum().astype(float).reset_index()
    labelled = rq._label_stores(frame, stores)
    average = _chain_weekly(t, ctx).assign(address="Chain average", role="average")
    out = pd.concat([labelled, average], ignore_index=True)
    out.insert(1, "days_in_range", rq.days_in_range(out["week_start"], ctx))
    return out[columns]


def r_compare_support(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    stores = compared_stores(t, ctx)
    if stores.empty:
        return pd.DataFrame(columns=["address", "role", "category", "calls", "score"])
    c = _store_calls(t, ctx, stores)
    out = c.assign(score=c["score"].astype(float)).groupby(["store_id", "category"]).agg(
        calls=("score", "size"), score=("score", "mean")).reset_index()
    out["_sort"] = _support_sort(out["category"])
    return rq._label_stores(out, stores)


def owner_store(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    if ctx.values("address"):
        chosen = r_stores(t, ctx).sort_values("address")
        if not chosen.empty:
            return chosen.iloc[[0]][["store_id", "address", "city", "state_code"]].assign(
                role="selected").reset_index(drop=True)
    ranked = revenue_ranking(t, ctx.with_filters(address=[]))
    if ranked.empty:
        return pd.DataFrame(columns=STORE_COLUMNS)
    return ranked.iloc[[-1]].assign(role="lowest")[STORE_COLUMNS].reset_index(drop=True)


def r_owner_profile(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    store = owner_store(t, ctx)
    if store.empty:
        return pd.DataFrame()
    store_id = int(store.at[0, "store_id"])
    totals = r_sales(t, ctx, location=False).groupby("store_id")["revenue"].sum().astype(float)
    if store_id not in totals.index:
        return pd.DataFrame(columns=["address", "city", "state", "owner", "size", "seats", "revenue",
                                     "chain_average_revenue", "revenue_rank", "stores"])
    info = t["r_stores"].set_index("store_id").loc[store_id]
    revenue = totals[store_id]
    frame = pd.DataFrame([{
        "address": info["address"], "city": info["city"], "state": info["state"], "owner": info["owner"],
        "size": info["size"], "seats": info["seats"], "revenue": revenue,
        "chain_average_revenue": totals.sum() / chain_stores(t),
        "revenue_rank": int((totals > revenue).sum()) + 1, "stores": chain_stores(t)}])
    frame["vs_chain_average"] = frame["revenue"] / frame["chain_average_revenue"] - 1
    frame.insert(0, "shown_because", "selected address" if store.at[0, "role"] == "selected"
                 else "lowest revenue within the filters")
    return frame


def _mask_metric(s: pd.DataFrame, key: str, metric: str, mine: pd.Series) -> pd.DataFrame:
    """The store's share of each column (0 elsewhere), for a grouped store-vs-chain metric."""
    columns = ["revenue", "orders"] if metric == "avg_ticket" else [metric]
    return s.assign(**{f"mine_{c}": s[c].where(mine, 0) for c in columns})


def r_owner_monthly(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    metric = ctx.param("metric")
    store = owner_store(t, ctx)
    if store.empty:
        return pd.DataFrame(columns=["month", "address", metric, f"chain_average_{metric}"])
    s = r_sales(t, ctx, location=False)
    s = _mask_metric(s.assign(month=bucket(s["day"], "month")), "month", metric,
                     s["store_id"] == int(store.at[0, "store_id"]))
    groups = s.groupby("month")
    if metric == "avg_ticket":
        orders = groups["mine_orders"].sum()
        mine = groups["mine_revenue"].sum() / orders.where(orders != 0)
        chain = metric_of(groups, metric)
    else:
        mine = groups[f"mine_{metric}"].sum().astype(float)
        chain = metric_of(groups, metric, per_store=chain_stores(t))
    frame = pd.DataFrame({metric: mine, f"chain_average_{metric}": chain}).reset_index().sort_values("month")
    frame = frame.reset_index(drop=True)
    frame.insert(1, "address", store.at[0, "address"])
    return frame


def r_owner_weekly(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    store = owner_store(t, ctx)
    if store.empty:
        return pd.DataFrame(columns=["week_start", "days_in_range", "address", "items_sold",
                                     "chain_average_items_sold", "revenue", "chain_average_revenue"])
    s = r_sales(t, ctx, location=False)
    mine = s["store_id"] == int(store.at[0, "store_id"])
    s = s.assign(week_start=bucket(s["day"], "week"), mine_items=s["items_sold"].where(mine, 0),
                 mine_revenue=s["revenue"].where(mine, 0))
    groups = s.groupby("week_start")
    n = chain_stores(t)
    frame = pd.DataFrame({
        "items_sold": groups["mine_items"].sum().astype(float),
        "chain_average_items_sold": groups["items_sold"].sum().astype(float) / n,
        "revenue": groups["mine_revenue"].sum().astype(float),
        "chain_average_revenue": groups["revenue"].sum().astype(float) / n,
    }).reset_index().sort_values("week_start").reset_index(drop=True)
    frame.insert(1, "days_in_range", rq.days_in_range(frame["week_start"], ctx))
    frame.insert(2, "address", store.at[0, "address"])
    return frame


def r_owner_support(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    store = owner_store(t, ctx)
    if store.empty:
        return pd.DataFrame(columns=["category", "address", "calls", "score", "chain_average_calls",
                                     "chain_average_score"])
    c = r_calls(t, ctx, location=False)
    mine = c["store_id"] == int(store.at[0, "store_id"])
    c = c.assign(score=c["score"].astype(float), mine_score=c["score"].astype(float).where(mine),
                 mine=mine.astype(int))
    groups = c.groupby("category")
    frame = pd.DataFrame({"calls": groups["mine"].sum(), "score": groups["mine_score"].mean(),
                          "chain_average_calls": groups.size().astype(float) / chain_stores(t),
                          "chain_average_score": groups["score"].mean()}).reset_index()
    frame = frame.assign(_sort=_support_sort(frame["category"])).sort_values("_sort").drop(columns="_sort")
    frame = frame.reset_index(drop=True)
    frame.insert(1, "address", store.at[0, "address"])
    return frame


def r_owner_support_trend(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    store = owner_store(t, ctx)
    if store.empty:
        return pd.DataFrame(columns=["month", "address", "category", "calls", "score"])
    c = r_calls(t, ctx, location=False)
    c = c[c["store_id"] == int(store.at[0, "store_id"])]
    c = c.assign(month=bucket(c["day"], "month"), score=c["score"].astype(float))
    frame = c.groupby(["month", "category"]).agg(calls=("score", "size"), score=("score", "mean")).reset_index()
    frame = frame.assign(_sort=_support_sort(frame["category"])).sort_values(["month", "_sort"])
    frame = frame.drop(columns="_sort").reset_index(drop=True)
    frame.insert(1, "address", store.at[0, "address"])
    return frame


# iGaming -------------------------------------------------------------------------------------------


def brand_ids(t: Tables, ctx: QueryContext) -> list | None:
    codes = ctx.values("brand")
    if codes is None:
        return None
    brands = t["g_brands"]
    return brands.loc[brands["code"].isin(codes), "brand_id"].tolist()


def players(t: Tables, ctx: QueryContext, *, campaign: bool = True) -> pd.DataFrame | None:
    """The players the country, affiliate and campaign filters let through (None: no such filter)."""
    p = t["g_players"]
    narrowed = False
    if countries := ctx.values("country"):
        p, narrowed = p[p["country_code"].isin(countries)], True
    affiliates = ctx.values("affiliate")
    if affiliates is not None:
        ids = t["g_affiliates"].loc[t["g_affiliates"]["code"].isin(affiliates), "affiliate_id"]
        keep = p["affiliate_id"].isin(ids).fillna(False).astype(bool)
        if ORGANIC in affiliates:
            keep |= p["affiliate_id"].isna()
        p, narrowed = p[keep], True
    if campaign and (campaigns := ctx.values("campaign")) is not None:
        acts = t["g_campaign_activations"]
        p, narrowed = p[p["player_id"].isin(acts.loc[acts["campaign_id"].isin(campaigns), "player_id"])], True
    return p if narrowed else None


def narrow(frame: pd.DataFrame, t: Tables, ctx: QueryContext, brand_column: str = "brand_id", *,
           campaign: bool = True) -> pd.DataFrame:
    """``frame`` (with a player_id) narrowed by the brand, country, affiliate and campaign filters."""
    ids = brand_ids(t, ctx)
    if ids is not None:
        frame = frame[frame[brand_column].isin(ids)]
    chosen = players(t, ctx, campaign=campaign)
    if chosen is not None:
        frame = frame[frame["player_id"].isin(chosen["player_id"])]
    return frame


def by_game(frame: pd.DataFrame, ctx: QueryContext) -> pd.DataFrame:
    games = ctx.values("game")
    return frame[frame["game_id"].isin(games)] if games else frame


def metric_rows(t: Tables, ctx: QueryContext, metric: Metric, bounds) -> tuple[pd.DataFrame, str]:
    """The rows a metric aggregates (narrowed, within ``bounds`` when given) and their day column."""
    if metric.source == "tx":
        rows, day = t["g_transactions"], "day"
        rows = rows[rows["kind"] == metric.kind]
    elif metric.source == "game":
        rows, day = by_game(t["g_game_activity"], ctx), "day"
    else:
        rows, day = t["g_players"], "registered_on"
    if bounds:
        rows = rows[between(rows[day], *bounds)]
    return narrow(rows, t, ctx), day


def aggregate(rows: pd.DataFrame, keys: list[str], metric: Metric) -> pd.Series:
    groups = rows.groupby(keys, dropna=False)
    if metric.id in ("deposits", "withdrawals"):
        return groups["amount"].sum().astype(float)
    if metric.id == "bets":
        return groups["bets"].sum().astype(float)
    if metric.id == "ggr":
        return (rows["bets"] - rows["wins"]).groupby([rows[k] for k in keys], dropna=False).sum().astype(float)
    if metric.id in ("active_players", "depositors"):
        return groups["player_id"].nunique().astype(float)
    return groups.size().astype(float)


def g_kpis(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    (c0, c1), (p0, p1) = ctx.date_range(), ctx.previous_range()
    periods = {"value": (c0, c1), "previous": (p0, p1), "lifetime": (gov.LIFETIME_START, c1)}
    tx = narrow(t["g_transactions"], t, ctx)
    game = narrow(by_game(t["g_game_activity"], ctx), t, ctx)
    active = narrow(pd.concat([t["g_transactions"][["day", "player_id", "brand_id"]],
                               t["g_game_activity"][["day", "player_id", "brand_id"]]]), t, ctx)
    reg = narrow(t["g_players"], t, ctx)
    raw = {}
    for name, (d0, d1) in periods.items():
        x = tx[between(tx["day"], d0, d1)]
        g = game[between(game["day"], d0, d1)]
        a = active[between(active["day"], d0, d1)]
        deposits = x[x["kind"] == "deposit"]
        raw[name] = {
            "deposits": deposits["amount"].sum(),
            "withdrawals": x.loc[x["kind"] == "withdrawal", "amount"].sum(),
            "depositors": deposits["player_id"].nunique(),
            "bets": g["bets"].sum(), "wins": g["wins"].sum(min_count=1),
            "active_players": g["player_id"].nunique(),
            "active_customers": a["player_id"].nunique(),
            "new_registrations": int(between(reg["registered_on"], d0, d1).sum()),
            "new_depositors": int((between(reg["registered_on"], d0, d1) & (reg["first_deposit_on"] <= ts(d1))).sum()),
            "first_time_depositors": int(between(reg["first_deposit_on"], d0, d1).sum()),
        }
    raw = pd.DataFrame(raw).T.astype(float)
    counts = ["deposits", "withdrawals", "depositors", "bets", "active_players", "active_customers",
              "new_registrations", "new_depositors", "first_time_depositors"]
    raw["ggr"] = raw["bets"] - raw["wins"].fillna(0.0)
    raw["rtp"] = raw["wins"] / raw["bets"].replace(0, np.nan)
    if raw.loc["value", counts].sum() == 0:
        return pd.DataFrame({c: [] for c in ["kpi", "value", "previous", "lifetime", "format"]})
    return pd.DataFrame([
        {"kpi": label, "value": raw.at["value", col], "previous": raw.at["previous", col],
         "lifetime": raw.at["lifetime", col], "format": kind}
        for col, label, kind in gov.KPI_ROWS
    ])


def g_kpi_trend(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    metric = METRICS[ctx.param("metric")]
    (c0, c1), (p0, p1) = ctx.date_range(), ctx.previous_range()
    grain = trend_grain(c0, c1)
    rows, day = metric_rows(t, ctx, metric, None)
    parts = []
    for label, (d0, d1), shift in (("Selected period", (c0, c1), 0), ("Previous period", (p0, p1), (c0 - p0).days)):
        part = rows[between(rows[day], d0, d1)]
        shifted = part[day] + pd.Timedelta(days=shift)
        if grain == "week":
            start = shifted - pd.to_timedelta((shifted - ts(c0)).dt.days % 7, unit="D")
        else:
            start = bucket(shifted, grain)
        part = part.assign(period=label, period_start=start)
        parts.append(aggregate(part, ["period", "period_start"], metric).rename(metric.id).reset_index())
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["period", "period_start"], ascending=[False, True]).reset_index(drop=True)


def _affiliate_names(t: Tables, frame: pd.DataFrame, key: str = "aff") -> pd.DataFrame:
    names = t["g_affiliates"].rename(columns={"affiliate_id": key, "name": "affiliate", "code": "affiliate_code"})
    names[key] = names[key].astype("int64")
    out = frame.merge(names, on=key, how="left")
    out["affiliate"] = out["affiliate"].fillna("Organic (no affiliate)")
    out["affiliate_code"] = out["affiliate_code"].fillna(ORGANIC)
    return out


def _aff(frame: pd.DataFrame, t: Tables) -> pd.Series:
    return frame["player_id"].map(t["g_players"].set_index("player_id")["affiliate_id"]).fillna(0).astype("int64")


def g_affiliate_performance(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    d0, d1 = ctx.date_range()
    reg = narrow(t["g_players"], t, ctx)
    reg = reg[between(reg["registered_on"], d0, d1)]
    reg = pd.DataFrame({"aff": reg["affiliate_id"].fillna(0).astype("int64"),
                        "deposited": (reg["first_deposit_on"] <= ts(d1)).astype(int)})
    reg = reg.groupby("aff").agg(players=("deposited", "size"), depositors=("deposited", "sum"))
    tx = t["g_transactions"]
    dep = narrow(tx[(tx["kind"] == "deposit") & between(tx["day"], d0, d1)], t, ctx)
    dep = dep.assign(aff=_aff(dep, t)).groupby("aff")["amount"].sum().rename("deposits")
    game = by_game(t["g_game_activity"], ctx)
    rev = narrow(game[between(game["day"], d0, d1)], t, ctx)
    rev = (rev["bets"] - rev["wins"]).groupby(_aff(rev, t).to_numpy()).sum().rename("revenue")
    rev.index.name = "aff"
    frame = pd.concat([reg, dep, rev], axis=1).reset_index().rename(columns={"index": "aff"})
    frame = _affiliate_names(t, frame)
    frame = frame.fillna({"players": 0, "depositors": 0, "deposits": 0, "revenue": 0})
    frame = frame.astype({"players": "int64", "depositors": "int64", "deposits": float, "revenue": float})
    frame = frame.sort_values(["revenue", "affiliate"], ascending=[False, True])[
        ["affiliate", "affiliate_code", "players", "depositors", "deposits", "revenue"]].reset_index(drop=True)
    frame.insert(4, "conversion", frame["depositors"] / frame["players"].replace(0, np.nan))
    return frame


def g_affiliate_trend(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    metric = METRICS[ctx.param("metric")]
    d0, d1 = ctx.date_range()
    rows, day = metric_rows(t, ctx, metric, (d0, d1))
    rows = rows.assign(period_start=bucket(rows[day], period_grain(d0, d1)), aff=_aff(rows, t))
    rows = _affiliate_names(t, rows)
    frame = aggregate(rows, ["period_start", "affiliate", "affiliate_code"], metric).rename(metric.id).reset_index()
    return frame.sort_values(["period_start", "affiliate"]).reset_index(drop=True)


def _metric_by(t: Tables, ctx: QueryContext, keys: list[str]) -> pd.DataFrame:
    metric = METRICS[ctx.param("metric")]
    rows, _ = metric_rows(t, ctx, metric, ctx.date_range())
    if metric.source != "players":
        attributes = t["g_players"][["player_id", *[k for k in keys if k in t["g_players"].columns]]]
        rows = rows.merge(attributes, on="player_id")
    if "country" in keys:
        rows = rows.merge(t["g_countries"].rename(columns={"country_name": "country"}), on="country_code")
    frame = aggregate(rows, keys, metric).rename(metric.id).reset_index()
    return frame.sort_values(keys).reset_index(drop=True)


def g_metric_by_age(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    return _metric_by(t, ctx, ["age_group"])


def g_metric_by_gender(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    return _metric_by(t, ctx, ["gender"])


def g_metric_by_country(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    metric = METRICS[ctx.param("metric")]
    frame = _metric_by(t, ctx, ["country_code", "country"])
    return frame.sort_values([metric.id, "country_code"], ascending=[False, True]).reset_index(drop=True)


def g_deposits_by_tenure(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    d0, d1 = ctx.date_range()
    tx = t["g_transactions"]
    rows = narrow(tx[(tx["kind"] == "deposit") & between(tx["day"], d0, d1)], t, ctx)
    rows = rows.merge(t["g_players"][["player_id", "registered_on"]], on="player_id")
    tenure = (rows["day"] - rows["registered_on"]).dt.days
    rows = rows.assign(period_start=bucket(rows["day"], period_grain(d0, d1)),
                       band_no=np.where(tenure <= 90, 1, np.where(tenure <= 365, 2, 3)))
    frame = rows.groupby(["period_start", "band_no"])["amount"].sum().astype(float).rename("deposits").reset_index()
    frame = frame.sort_values(["period_start", "band_no"]).reset_index(drop=True)
    frame.insert(1, "band", [gov.TENURE_BANDS[int(b) - 1] for b in frame["band_no"]])
    frame["share"] = frame["deposits"] / frame.groupby("period_start")["deposits"].transform("sum")
    return frame.drop(columns="band_no")


def _period_index(series: pd.Series, grain: str) -> pd.Series:
    part = (series.dt.month - 1) // 3 + 1 if grain == "quarter" else series.dt.month
    return series.dt.year * (4 if grain == "quarter" else 12) + part


def _cohort(t: Tables, ctx: QueryContext) -> tuple[str, pd.DataFrame, pd.Series, date, date]:
    grain = ctx.param("cohort_period")
    start, end = ctx.date_range()
    step = 3 if grain == "quarter" else 1
    w0 = min(bucket_start(start, grain), add_months(bucket_start(end, grain), -step * (gpl.COHORT_LOOKBACK[grain] - 1)))
    p = narrow(t["g_players"], t, ctx)
    p = p[between(p["registered_on"], w0, end) & (p["first_deposit_on"] <= ts(end))]
    cohort = pd.DataFrame({"player_id": p["player_id"], "cohort_start": bucket(p["registered_on"], grain),
                           "cohort_index": _period_index(p["registered_on"], grain)})
    return grain, cohort, cohort.groupby("cohort_start").size().rename("depositors"), w0, end


def g_cohort_deposits(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    grain, cohort, size, _, end = _cohort(t, ctx)
    tx = t["g_transactions"]
    dep = tx[(tx["kind"] == "deposit") & (tx["day"] <= ts(end))].merge(cohort, on="player_id")
    dep = dep.assign(period_index=_period_index(dep["day"], grain) - dep["cohort_index"])
    frame = dep.groupby(["cohort_start", "period_index"])["amount"].sum().astype(float).rename("deposits")
    frame = frame.reset_index().merge(size.reset_index(), on="cohort_start")
    frame = frame[["cohort_start", "period_index", "depositors", "deposits"]].sort_values(
        ["cohort_start", "period_index"]).reset_index(drop=True)
    frame["adpu"] = frame["deposits"] / frame["depositors"]
    frame.insert(0, "cohort", gpl._cohort_label(frame["cohort_start"], grain))
    return frame


def g_cohort_churn(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    grain, cohort, size, w0, end = _cohort(t, ctx)
    active = pd.concat([t["g_transactions"][["player_id", "day"]], t["g_game_activity"][["player_id", "day"]]])
    active = active[between(active["day"], w0, end) & active["player_id"].isin(cohort["player_id"])]
    active = pd.DataFrame({"player_id": active["player_id"], "idx": _period_index(active["day"], grain)})
    active = active.drop_duplicates().merge(cohort, on="player_id")
    active["period_index"] = active["idx"] - active["cohort_index"]
    frame = active.groupby(["cohort_start", "period_index"]).size().rename("active_players").reset_index()
    frame = frame.merge(size.reset_index(), on="cohort_start")[
        ["cohort_start", "period_index", "depositors", "active_players"]]
    frame = frame.sort_values(["cohort_start", "period_index"]).reset_index(drop=True)
    frame["retention"] = frame["active_players"] / frame["depositors"]
    frame["churn"] = 1 - frame["retention"]
    frame.insert(0, "cohort", gpl._cohort_label(frame["cohort_start"], grain))
    return frame


def _onboarding(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    o = t["g_onboarding_events"]
    o = o[between(o["started_on"], *ctx.date_range())]
    ids = brand_ids(t, ctx)
    if ids is not None:
        o = o[o["brand_id"].isin(ids)]
    if countries := ctx.values("country"):
        o = o[o["country_code"].isin(countries)]
    return o


def g_onboarding_funnel(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    frame = _onboarding(t, ctx).groupby(["step_no", "step"]).size().rename("attempts").reset_index()
    if frame.empty:
        return frame
    frame = gpl._complete_steps(frame.sort_values("step_no"), [])
    frame.insert(3, "share_of_started", frame["attempts"] / frame["attempts"].iloc[0])
    return frame


def g_onboarding_flow(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    funnel = g_onboarding_funnel(t, ctx)
    rows = []
    for (_, here), (_, there) in zip(funnel.iterrows(), funnel.iloc[1:].iterrows(), strict=False):
        if there["attempts"]:
            rows.append({"source": here["step"], "target": there["step"], "attempts": int(there["attempts"])})
        dropped = int(here["attempts"] - there["attempts"])
        if dropped:
            rows.append({"source": here["step"], "target": f"Dropped before: {there['step']}", "attempts": dropped})
    return pd.DataFrame(rows, columns=["source", "target", "attempts"])


def g_onboarding_by_country(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    o = _onboarding(t, ctx).merge(t["g_countries"].rename(columns={"country_name": "country"}), on="country_code")
    frame = o.groupby(["country_code", "country", "step_no", "step"]).size().rename("attempts").reset_index()
    if frame.empty:
        return frame
    frame = gpl._complete_steps(frame.sort_values(["country_code", "step_no"]), ["country_code", "country"])
    return frame[frame["step_no"] > 1].sort_values(["country_code", "step_no"]).reset_index(drop=True)


def _rg_flagged(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    r = t["g_rg_weekly"]
    r = narrow(r[between(r["week_start"], *ctx.date_range())], t, ctx)
    groups = r.groupby("player_id")
    weeks = groups.size()
    sessions = groups["sessions"].sum()
    s = pd.DataFrame({
        "weeks_active": weeks,
        "minutes_per_week": groups["session_minutes"].sum().astype(float) / weeks,
        "late_night_share": groups["late_night_sessions"].sum().astype(float) / sessions.where(sessions != 0),
        "deposits_per_week": groups["deposit_count"].sum().astype(float) / weeks,
        "limit_increases": groups["limit_increases"].sum(),
        "net_loss": groups["net_loss"].sum(),
    }).reset_index()
    sources = {"z_minutes": "minutes_per_week", "z_late": "late_night_share", "z_deposits": "deposits_per_week",
               "z_limits": "limit_increases", "z_loss": "net_loss"}
    for z, column in sources.items():
        values = s[column].astype(float)
        std = values.std(ddof=1)
        s[z] = (values - values.mean()) / (std if std else np.nan)
    zs = s[list(sources)]
    s["deviating_signals"] = (zs >= gpl.DEVIATION_Z).sum(axis=1)
    s["score"] = zs.max(axis=1)
    return s[(s["deviating_signals"] >= gpl.MIN_SIGNALS) & (s["weeks_active"] >= gpl.MIN_WEEKS)]


def _with_brand(t: Tables, flagged: pd.DataFrame) -> pd.DataFrame:
    info = t["g_players"][["player_id", "brand_id", "country_code", "age_group"]].merge(
        t["g_brands"].rename(columns={"name": "brand", "code": "brand_code"}), on="brand_id")
    return flagged.merge(info, on="player_id")


def g_rg_flagged(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    zs = [z for z, _ in gpl.RG_SIGNALS]
    frame = _with_brand(t, _rg_flagged(t, ctx)).sort_values(["score", "player_id"], ascending=[False, True])
    frame = frame.head(gpl.FLAGGED_LIMIT)[
        ["player_id", "brand", "country_code", "age_group", "weeks_active", "minutes_per_week", "late_night_share",
         "deposits_per_week", "limit_increases", "net_loss", "deviating_signals", "score", *zs]].reset_index(drop=True)
    labels = np.array([label for _, label in gpl.RG_SIGNALS])
    reasons = []
    for row in frame[zs].astype(float).to_numpy():
        order = [i for i in np.argsort(-np.nan_to_num(row, nan=-np.inf)) if row[i] >= gpl.DEVIATION_Z]
        reasons.append(", ".join(labels[order]))
    frame = frame.drop(columns=zs)
    frame["reason"] = reasons
    for col in ("minutes_per_week", "late_night_share", "deposits_per_week", "net_loss", "score"):
        frame[col] = frame[col].astype(float)
    frame["score"] = frame["score"].round(2)
    return frame


def g_rg_summary(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    zs = [z for z, _ in gpl.RG_SIGNALS]
    frame = _with_brand(t, _rg_flagged(t, ctx))
    counts = frame[zs].ge(gpl.DEVIATION_Z).astype(int).groupby([frame["brand"], frame["brand_code"]]).sum()
    long = counts.reset_index().melt(id_vars=["brand", "brand_code"], var_name="z", value_name="players")
    long["signal"] = long["z"].map(dict(gpl.RG_SIGNALS))
    order = {z: i for i, z in enumerate(zs)}
    long = long.sort_values(["brand", "z"], key=lambda s: s.map(order) if s.name == "z" else s)
    return long.loc[long["players"] > 0, ["brand", "brand_code", "signal", "players"]].reset_index(drop=True)


def _activations(t: Tables, ctx: QueryContext, *, period: bool) -> pd.DataFrame:
    a = t["g_campaign_activations"]
    if period:
        a = a[between(a["day"], *ctx.date_range())]
    if (campaigns := ctx.values("campaign")) is not None:
        a = a[a["campaign_id"].isin(campaigns)]
    return narrow(a, t, ctx, campaign=False) if period else _brand_only(a, t, ctx)


def _brand_only(frame: pd.DataFrame, t: Tables, ctx: QueryContext) -> pd.DataFrame:
    ids = brand_ids(t, ctx)
    return frame if ids is None else frame[frame["brand_id"].isin(ids)]


def g_campaign_deposits(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    d0, d1 = ctx.date_range()
    tx = t["g_transactions"]
    deposits = narrow(tx[(tx["kind"] == "deposit") & between(tx["day"], d0, d1)], t, ctx, campaign=False)
    deposits = deposits.reset_index(drop=True).rename_axis("row").reset_index()
    acts = _activations(t, ctx, period=False)[["player_id", "day"]].rename(columns={"day": "activated"})
    pairs = deposits[["row", "player_id", "day"]].merge(acts, on="player_id")
    inside = pairs[(pairs["day"] >= pairs["activated"])
                   & (pairs["day"] <= pairs["activated"] + pd.Timedelta(days=WINDOW_LAST))]
    deposits["from_campaign"] = deposits["amount"].where(deposits["row"].isin(inside["row"]), 0.0)
    deposits["period_start"] = bucket(deposits["day"], period_grain(d0, d1))
    frame = deposits.groupby("period_start").agg(all_deposits=("amount", "sum"),
                                                 campaign_deposits=("from_campaign", "sum")).reset_index()
    frame = frame.astype({"all_deposits": float, "campaign_deposits": float}).sort_values("period_start")
    frame = frame.reset_index(drop=True)
    frame["campaign_share"] = frame["campaign_deposits"] / frame["all_deposits"]
    return frame


def g_activated_by_country(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    a = _activations(t, ctx, period=True).merge(t["g_players"][["player_id", "country_code"]], on="player_id")
    a = a.merge(t["g_countries"].rename(columns={"country_name": "country"}), on="country_code")
    frame = a.groupby(["country_code", "country"]).agg(activated_players=("player_id", "nunique"),
                                                       activations=("player_id", "size"),
                                                       bonus_cost=("cost", "sum")).reset_index()
    frame["bonus_cost"] = frame["bonus_cost"].astype(float)
    return frame.sort_values(["activated_players", "country_code"], ascending=[False, True]).reset_index(drop=True)


def g_campaign_outcome(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    act = _activations(t, ctx, period=True)[["campaign_id", "player_id", "day", "cost"]]
    cost = act.groupby("campaign_id").agg(activations=("cost", "size"), bonus_cost=("cost", "sum"))
    game = t["g_game_activity"]
    play = act.rename(columns={"day": "activated"}).merge(
        game[game["player_id"].isin(act["player_id"])][["player_id", "day", "bets", "wins"]], on="player_id")
    window_end = play["activated"] + pd.Timedelta(days=WINDOW_LAST)
    play = play[(play["day"] >= play["activated"]) & (play["day"] <= window_end)]
    revenue = (play["bets"] - play["wins"]).groupby(play["campaign_id"]).sum().rename("revenue")
    frame = cost.join(revenue).reset_index()
    frame["revenue"] = frame["revenue"].fillna(0)
    frame = frame.merge(t["g_campaigns"][["campaign_id", "name", "brand_id", "start_date", "end_date"]],
                        on="campaign_id").merge(t["g_brands"][["brand_id", "name"]].rename(columns={"name": "brand"}),
                                                on="brand_id")
    frame = frame.rename(columns={"name": "campaign"})
    frame["net_outcome"] = frame["revenue"] - frame["bonus_cost"]
    frame = frame[["campaign_id", "campaign", "brand", "start_date", "end_date", "activations", "bonus_cost",
                   "revenue", "net_outcome"]].astype({"bonus_cost": float, "revenue": float, "net_outcome": float})
    return frame.sort_values(["net_outcome", "campaign_id"], ascending=[False, True]).reset_index(drop=True)


def _release_rows(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    days = int(ctx.param("days_after"))
    games = t["g_games"]
    games = by_game(games[between(games["release_date"], *ctx.date_range())], ctx)
    play = narrow(t["g_game_activity"], t, ctx)
    play = play[play["game_id"].isin(games["game_id"])].merge(
        games[["game_id", "name", "category", "release_date"]], on="game_id")
    play = play[(play["day"] >= play["release_date"])
                & (play["day"] <= play["release_date"] + pd.Timedelta(days=days - 1))]
    return play.rename(columns={"name": "game"})


def g_release_uptake(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    frame = _release_rows(t, ctx).groupby(["game_id", "game", "category", "release_date"]).agg(
        unique_players=("player_id", "nunique"), stakes=("bets", "sum"), rounds=("rounds", "sum")).reset_index()
    frame = frame.sort_values(["release_date", "game_id"]).reset_index(drop=True)
    frame["stakes"] = frame["stakes"].astype(float)
    frame["stakes_per_player"] = frame["stakes"] / frame["unique_players"]
    return frame


def g_release_daily(t: Tables, ctx: QueryContext) -> pd.DataFrame:
    play = _release_rows(t, ctx)
    play = play.assign(days_since_release=(play["day"] - play["release_date"]).dt.days)
    frame = play.groupby(["game_id", "game", "release_date", "days_since_release"]).agg(
        players=("player_id", "nunique"), stakes=("bets", "sum")).reset_index()
    frame = frame.sort_values(["release_date", "game_id", "days_since_release"]).reset_index(drop=True)
    frame["stakes"] = frame["stakes"].astype(float)
    return frame


FUNCTIONS: dict[str, dict[str, Visual]] = {
    "restaurant": {
        "kpis": r_kpis, "by_state": r_by_state, "trend": r_trend, "by_category": r_by_category,
        "support_trend": r_support_trend, "top_stores": r_top_stores, "compare_summary": r_compare_summary,
        "compare_trend": r_compare_trend, "compare_category_mix": r_compare_category_mix,
        "compare_weekly_sales": r_compare_weekly_sales, "compare_support": r_compare_support,
        "owner_profile": r_owner_profile, "owner_monthly": r_owner_monthly, "owner_weekly": r_owner_weekly,
        "owner_support": r_owner_support, "owner_support_trend": r_owner_support_trend,
    },
    "gaming": {
        "kpis": g_kpis, "kpi_trend": g_kpi_trend, "affiliate_performance": g_affiliate_performance,
        "affiliate_trend": g_affiliate_trend, "cohort_deposits": g_cohort_deposits, "cohort_churn": g_cohort_churn,
        "onboarding_funnel": g_onboarding_funnel, "onboarding_by_country": g_onboarding_by_country,
        "onboarding_flow": g_onboarding_flow, "campaign_deposits": g_campaign_deposits,
        "activated_by_country": g_activated_by_country, "campaign_outcome": g_campaign_outcome,
        "metric_by_age": g_metric_by_age, "metric_by_gender": g_metric_by_gender,
        "metric_by_country": g_metric_by_country, "deposits_by_tenure": g_deposits_by_tenure,
        "rg_flagged": g_rg_flagged, "rg_summary": g_rg_summary, "release_uptake": g_release_uptake,
        "release_daily": g_release_daily,
    },
}
