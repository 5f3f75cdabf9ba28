"""Restaurant Operations queries: one function per visual, ``(engine, ctx) -> DataFrame``.

Every aggregation is parameterized SQL (DuckDB and PostgreSQL); with rollups on, sales over all product
categories are read from ``r_store_days`` (``data.rollups``). Filters: ``date_range``, ``state``,
``city``, ``address`` and product ``category``; support calls have their own categories (restaurant,
delivery, app, payment), so the product-category filter does not apply to them. Parameters: ``metric``
(revenue, orders, avg_ticket = revenue / orders) and ``grain`` (day, week, month; weeks start on Sunday).

"Chain average" series compare a store with the average store of the whole chain: all stores,
whatever the location filters, in the same period and product categories.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data.engine import DataEngine, Where
from declarations.context import QueryContext
from declarations.model import Option

METRICS = ("revenue", "orders", "avg_ticket")
GRAINS = ("day", "week", "month")
SUPPORT_CATEGORIES = ("restaurant", "delivery", "app", "payment")

WEEK = "CAST(date_trunc('week', s.day + INTERVAL '1 day') - INTERVAL '1 day' AS DATE)"
MONTH = "CAST(date_trunc('month', s.day) AS DATE)"
_PERIOD = {"day": "s.day", "week": WEEK, "month": MONTH}
_SUPPORT_ORDER = ("CASE c.category WHEN 'restaurant' THEN 1 WHEN 'delivery' THEN 2 WHEN 'app' THEN 3 "
                  "ELSE 4 END")
_CHAIN_STORES = "(SELECT COUNT(*) FROM r_stores)"
_SCORE = "AVG(CAST(c.score AS DOUBLE PRECISION))"


# Building blocks -----------------------------------------------------------------------------------


def metric_of(ctx: QueryContext) -> str:
    metric = ctx.param("metric")
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    return metric


def period_sql(grain: str, column: str = "s.day") -> str:
    if grain not in _PERIOD:
        raise ValueError(f"unknown grain {grain!r}")
    return _PERIOD[grain].replace("s.day", column)


def metric_sql(metric: str, when: str | None = None, per_store: bool = False) -> str:
    """The metric over the grouped sales rows; ``when`` limits it to some rows (a store), ``per_store``
    divides additive metrics by the chain's number of stores (the average store)."""

    def total(column: str) -> str:
        value = f"CASE WHEN {when} THEN s.{column} ELSE 0 END" if when else f"s.{column}"
        return f"SUM({value})"

    if metric == "avg_ticket":
        return f"{total('revenue')} / NULLIF({total('orders')}, 0)"
    value = f"CAST({total(metric)} AS DOUBLE PRECISION)"
    return f"{value} / {_CHAIN_STORES}" if per_store else value


def sales_table(engine: DataEngine, ctx: QueryContext) -> str:
    """``r_sales s``, or its rollup without the product category (``r_store_days``, the same columns)
    when rollups are on and no category is selected."""
    if engine.rollups and ctx.values("category") is None:
        return "r_store_days s"
    return "r_sales s"


def sales_where(ctx: QueryContext, *, period: tuple[date, date] | None = None, location: bool = True,
                category: bool = True) -> Where:
    """Conditions on ``r_sales s`` joined with ``r_stores st``."""
    where = Where().between("s.day", "d0", "d1", period or ctx.date_range())
    if location:
        location_filters(where, ctx)
    if category:
        where.any_of("s.category", "categories", ctx.values("category"))
    return where


def calls_where(ctx: QueryContext, *, period: tuple[date, date] | None = None,
                location: bool = True) -> Where:
    """Conditions on ``r_support_calls c`` joined with ``r_stores st``."""
    where = Where().between("c.day", "d0", "d1", period or ctx.date_range())
    if location:
        location_filters(where, ctx)
    return where


def location_filters(where: Where, ctx: QueryContext) -> Where:
    return (where.any_of("st.state", "states", ctx.values("state"))
            .any_of("st.city", "cities", ctx.values("city"))
            .any_of("st.address", "addresses", ctx.values("address")))


def stores_join(ctx: QueryContext, alias: str = "s") -> str:
    """The join with ``r_stores st`` that the location filters need, or nothing when they add no condition:
    the join alone costs a statement about a millisecond (docs/architecture.md, "What a statement costs")."""
    located = location_filters(Where(), ctx).conditions
    return f"JOIN r_stores st ON st.store_id = {alias}.store_id" if located else ""


def days_in_range(week_start: pd.Series, ctx: QueryContext) -> pd.Series:
    """How many days of each week lie in the selected period: 7, or fewer for the weeks cut by its edges."""
    start, end = (np.datetime64(d, "D") for d in ctx.date_range())
    first = week_start.to_numpy().astype("datetime64[D]")
    days = np.minimum(first + np.timedelta64(6, "D"), end) - np.maximum(first, start)
    return pd.Series(days.astype("int64") + 1, index=week_start.index, name=week_start.name)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame


# Options of the dependent filters -------------------------------------------------------------------


def state_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    rows = engine.query("SELECT DISTINCT state FROM r_stores ORDER BY state")
    return [Option(r, r) for r in rows["state"]]


def city_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    where = Where().any_of("st.state", "states", ctx.values("state"))
    rows = engine.query(f"SELECT DISTINCT st.city, st.state_code FROM r_stores st {where.sql} "
                        "ORDER BY st.city, st.state_code", where.params)
    return [Option(r.city, f"{r.city}, {r.state_code}") for r in rows.itertuples()]


def address_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    where = (Where().any_of("st.state", "states", ctx.values("state"))
             .any_of("st.city", "cities", ctx.values("city")))
    rows = engine.query(f"SELECT st.address, st.city, st.state_code FROM r_stores st {where.sql} "
                        "ORDER BY st.address", where.params)
    return [Option(r.address, f"{r.address} — {r.city}, {r.state_code}") for r in rows.itertuples()]


def category_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    rows = engine.query("SELECT category FROM r_categories ORDER BY sort_order")
    return [Option(r, r) for r in rows["category"]]


# Overview -------------------------------------------------------------------------------------------


def kpis(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Revenue, orders, average ticket and support score in the period and the previous one."""
    current, previous = ctx.date_range(), ctx.previous_range()
    span = (previous[0], current[1])
    sales = sales_where(ctx, period=span)
    sales.params.update(c0=current[0], p1=previous[1])
    s = engine.query(f"""
        SELECT CAST(SUM(CASE WHEN s.day >= :c0 THEN s.revenue END) AS DOUBLE PRECISION) AS revenue,
               CAST(SUM(CASE WHEN s.day >= :c0 THEN s.orders END) AS DOUBLE PRECISION) AS orders,
               CAST(SUM(CASE WHEN s.day <= :p1 THEN s.revenue END) AS DOUBLE PRECISION) AS prev_revenue,
               CAST(SUM(CASE WHEN s.day <= :p1 THEN s.orders END) AS DOUBLE PRECISION) AS prev_orders
        FROM {sales_table(engine, ctx)} {stores_join(ctx)}
        {sales.sql}""", sales.params).iloc[0]
    calls = calls_where(ctx, period=span)
    calls.params.update(c0=current[0], p1=previous[1])
    c = engine.query(f"""
        SELECT AVG(CASE WHEN c.day >= :c0 THEN CAST(c.score AS DOUBLE PRECISION) END) AS score,
               AVG(CASE WHEN c.day <= :p1 THEN CAST(c.score AS DOUBLE PRECISION) END) AS prev_score,
               COUNT(CASE WHEN c.day >= :c0 THEN 1 END) AS calls
        FROM r_support_calls c {stores_join(ctx, "c")}
        {calls.sql}""", calls.params).iloc[0]
    if pd.isna(s["revenue"]) and not c["calls"]:
        return pd.DataFrame(columns=["kpi", "value", "previous", "format", "better"])

    def ratio(a, b):
        return a / b if pd.notna(a) and pd.notna(b) and b else float("nan")

    # Built with the figures' dtype: a DataFrame.astype afterwards costs more than the four rows' arithmetic.
    return pd.DataFrame({
        "kpi": ["Revenue", "Orders", "Average ticket", "Support score"],
        "value": np.array([s["revenue"], s["orders"], ratio(s["revenue"], s["orders"]), c["score"]],
                          dtype="float64"),
        "previous": np.array([s["prev_revenue"], s["prev_orders"], ratio(s["prev_revenue"], s["prev_orders"]),
                              c["prev_score"]], dtype="float64"),
        "format": ["money", "int", "money", "decimal"],
        # A support score that falls is good news: the cards colour the change accordingly.
        "better": ["higher", "higher", "higher", "lower"],
    })


def by_state(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    metric = metric_of(ctx)
    sales, stores = sales_where(ctx, location=False), location_filters(Where(), ctx)
    # Sales per store first, then per state: the stores are counted without a COUNT(DISTINCT).
    return engine.query(f"""
        SELECT st.state, st.state_code, COUNT(*) AS stores, {metric_sql(metric)} AS {metric}
        FROM (SELECT s.store_id, SUM(s.revenue) AS revenue, SUM(s.orders) AS orders
              FROM {sales_table(engine, ctx)}
              {sales.sql}
              GROUP BY s.store_id) s
        JOIN r_stores st ON st.store_id = s.store_id
        {stores.sql}
        GROUP BY st.state, st.state_code
        ORDER BY st.state""", {**sales.params, **stores.params})


def trend(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    metric, grain = metric_of(ctx), ctx.param("grain")
    where = sales_where(ctx)
    frame = engine.query(f"""
        SELECT {period_sql(grain)} AS period, {metric_sql(metric)} AS {metric}
        FROM {sales_table(engine, ctx)} {stores_join(ctx)}
        {where.sql}
        GROUP BY period
        ORDER BY period""", where.params)
    return _dates(frame, "period")


def by_category(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    metric = metric_of(ctx)
    where = sales_where(ctx)
    # Grouped before the join with the categories, which only orders the few rows.
    return engine.query(f"""
        SELECT s.category, s.{metric}, s.items_sold
        FROM (SELECT s.category, {metric_sql(metric)} AS {metric},
                     CAST(SUM(s.items_sold) AS DOUBLE PRECISION) AS items_sold
              FROM r_sales s {stores_join(ctx)}
              {where.sql}
              GROUP BY s.category) s
        JOIN r_categories cat ON cat.category = s.category
        ORDER BY cat.sort_order""", where.params)


def support_trend(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Average support score by support category at the selected grain."""
    grain = ctx.param("grain")
    where = calls_where(ctx)
    frame = engine.query(f"""
        SELECT {period_sql(grain, 'c.day')} AS period, c.category, COUNT(*) AS calls, {_SCORE} AS score
        FROM r_support_calls c {stores_join(ctx, "c")}
        {where.sql}
        GROUP BY period, c.category
        ORDER BY period, MIN({_SUPPORT_ORDER})""", where.params)
    return _dates(frame, "period")


def top_stores(engine: DataEngine, ctx: QueryContext, limit: int = 10) -> pd.DataFrame:
    """The stores with the highest value of the selected metric, with their other figures."""
    metric = metric_of(ctx)
    sales, stores = sales_where(ctx, location=False), location_filters(Where(), ctx)
    calls = calls_where(ctx, location=False)
    frame = engine.query(f"""
        WITH support AS (
            SELECT c.store_id, {_SCORE} AS support_score
            FROM r_support_calls c
            {calls.sql}
            GROUP BY c.store_id
        ), sales AS (
            SELECT s.store_id, CAST(SUM(s.revenue) AS DOUBLE PRECISION) AS revenue,
                   CAST(SUM(s.orders) AS DOUBLE PRECISION) AS orders,
                   {metric_sql(metric)} AS metric_value
            FROM {sales_table(engine, ctx)}
            {sales.sql}
            GROUP BY s.store_id
        )
        SELECT st.address, st.city, st.state_code AS state, st.owner, sales.revenue, sales.orders,
               sales.revenue / NULLIF(sales.orders, 0) AS avg_ticket, support.support_score
        FROM sales JOIN r_stores st ON st.store_id = sales.store_id
        LEFT JOIN support ON support.store_id = sales.store_id
        {stores.sql}
        ORDER BY sales.metric_value DESC, st.address
        LIMIT {int(limit)}""", {**calls.params, **sales.params, **stores.params})
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


# Store comparison -----------------------------------------------------------------------------------

_STORE_COLUMNS = ["store_id", "address", "city", "state_code", "role"]


def compared_stores(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The stores to compare: the selected addresses when two or more match the filters, otherwise the
    best and the worst store by revenue within the other filters. Column ``role``: selected, best, worst.

    Worked out once per render for all the visuals of the sheet (``engine.once``): callers read it, never
    modify it.
    """
    return engine.once(("compared_stores", ctx.key()), lambda: _compared_stores(engine, ctx))


def _compared_stores(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    if len(ctx.values("address") or []) >= 2:
        where = location_filters(Where(), ctx)
        chosen = engine.query(f"SELECT st.store_id, st.address, st.city, st.state_code FROM r_stores st "
                              f"{where.sql} ORDER BY st.address", where.params)
        if len(chosen) >= 2:
            return chosen.assign(role="selected")[_STORE_COLUMNS]
    ranked = _revenue_ranking(engine, ctx.with_filters(address=[]))
    if len(ranked) == 1:
        return _stores_at(ranked, [0], ["best"])
    return _stores_at(ranked, [0, -1], ["best", "worst"])


def _stores_at(ranked: pd.DataFrame, positions: list[int], roles: list[str]) -> pd.DataFrame:
    """The stores at ``positions`` of ``ranked`` with their roles (none when ``ranked`` is empty)."""
    if ranked.empty:
        return pd.DataFrame(columns=_STORE_COLUMNS)
    columns = {c: ranked[c].to_numpy()[positions] for c in _STORE_COLUMNS[:-1]}
    return pd.DataFrame({**columns, "role": roles})


def _revenue_ranking(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Stores with sales within the filters, highest revenue first."""
    sales, stores = sales_where(ctx, location=False), location_filters(Where(), ctx)
    return engine.query(f"""
        SELECT st.store_id, st.address, st.city, st.state_code, s.revenue
        FROM (SELECT s.store_id, SUM(s.revenue) AS revenue
              FROM {sales_table(engine, ctx)}
              {sales.sql}
              GROUP BY s.store_id) s
        JOIN r_stores st ON st.store_id = s.store_id
        {stores.sql}
        ORDER BY s.revenue DESC, st.address""", {**sales.params, **stores.params})


def _label_stores(frame: pd.DataFrame, stores: pd.DataFrame) -> pd.DataFrame:
    """Puts each row's store address and role before its figures; stores in the order of ``stores``, then
    each store's rows by time and by ``_sort`` when the frame has them (``_sort`` is then dropped). Rows of
    other stores are dropped."""
    return pd.DataFrame(_store_rows(frame, stores))


def _store_rows(frame: pd.DataFrame, stores: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of ``_label_stores``' frame, as arrays.

    The frames are a few dozen rows at most, so this orders row numbers with one ``numpy.lexsort`` and takes
    each column's rows from its array once: merging and sorting frames would cost several times the work in
    pandas' fixed costs, and so would sorting in Python by NumPy scalars."""
    time = [c for c in ("period", "week_start") if c in frame.columns]
    keys = [frame[c].to_numpy() for c in (*time, *(["_sort"] if "_sort" in frame.columns else []))]
    figures = [c for c in frame.columns if c not in (*time, "store_id", "_sort")]
    position = {store: i for i, store in enumerate(stores["store_id"].tolist())}
    store = np.fromiter((position.get(s, -1) for s in frame["store_id"].tolist()), dtype=np.int64,
                        count=len(frame))
    kept = np.flatnonzero(store >= 0)
    # lexsort's last key sorts first: the store, then time, then _sort; ties keep the frame's order.
    rows = kept[np.lexsort([*(key[kept] for key in reversed(keys)), store[kept]])]
    chosen = store[rows]
    columns = {c: frame[c].to_numpy()[rows] for c in time}
    columns["address"] = stores["address"].to_numpy()[chosen]
    columns["role"] = stores["role"].to_numpy()[chosen]
    columns.update({c: frame[c].to_numpy()[rows] for c in figures})
    return columns


def compare_summary(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    stores = compared_stores(engine, ctx)
    if stores.empty:
        return pd.DataFrame()
    sales = sales_where(ctx, location=False).only("s.store_id", "stores", stores["store_id"].tolist())
    calls = calls_where(ctx, location=False).only("c.store_id", "stores", stores["store_id"].tolist())
    frame = engine.query(f"""
        WITH support AS (
            SELECT c.store_id, COUNT(*) AS support_calls, {_SCORE} AS support_score
            FROM r_support_calls c {calls.sql} GROUP BY c.store_id
        ), sales AS (
            SELECT s.store_id, CAST(SUM(s.revenue) AS DOUBLE PRECISION) AS revenue,
                   CAST(SUM(s.orders) AS DOUBLE PRECISION) AS orders,
                   CAST(SUM(s.items_sold) AS DOUBLE PRECISION) AS items_sold
            FROM {sales_table(engine, ctx)} {sales.sql} GROUP BY s.store_id
        )
        SELECT st.store_id, st.city, st.state_code AS state, st.owner, sales.revenue, sales.orders,
               sales.revenue / NULLIF(sales.orders, 0) AS avg_ticket, sales.items_sold,
               support.support_calls, support.support_score
        FROM r_stores st JOIN sales ON sales.store_id = st.store_id
        LEFT JOIN support ON support.store_id = st.store_id""", {**calls.params, **sales.params})
    return _label_stores(frame, stores)


def compare_trend(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    metric, grain = metric_of(ctx), ctx.param("grain")
    stores = compared_stores(engine, ctx)
    if stores.empty:
        return pd.DataFrame(columns=["period", "address", "role", metric])
    where = sales_where(ctx, location=False).only("s.store_id", "stores", stores["store_id"].tolist())
    frame = engine.query(f"""
        SELECT {period_sql(grain)} AS period, s.store_id, {metric_sql(metric)} AS {metric}
        FROM {sales_table(engine, ctx)}
        {where.sql}
        GROUP BY period, s.store_id""", where.params)
    return _label_stores(_dates(frame, "period"), stores)


def compare_category_mix(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Each store's sales by product category and the category's share of the store's total — of
    orders when the metric is orders, else of revenue."""
    basis = "orders" if metric_of(ctx) == "orders" else "revenue"
    stores = compared_stores(engine, ctx)
    if stores.empty:
        return pd.DataFrame(columns=["address", "role", "category", basis, "share"])
    where = sales_where(ctx, location=False).only("s.store_id", "stores", stores["store_id"].tolist())
    frame = engine.query(f"""
        WITH mix AS (
            SELECT s.store_id, s.category, CAST(SUM(s.{basis}) AS DOUBLE PRECISION) AS {basis}
            FROM r_sales s
            {where.sql}
            GROUP BY s.store_id, s.category
        )
        SELECT mix.store_id, mix.category, mix.{basis},
               mix.{basis} / NULLIF(SUM(mix.{basis}) OVER (PARTITION BY mix.store_id), 0) AS share,
               cat.sort_order AS _sort
        FROM mix JOIN r_categories cat ON cat.category = mix.category""", where.params)
    return _label_stores(frame, stores)


def compare_weekly_sales(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Weekly items sold and revenue of each compared store, and of the chain's average store."""
    stores = compared_stores(engine, ctx)
    if stores.empty:
        return pd.DataFrame(columns=["week_start", "days_in_range", "address", "role", "items_sold", "revenue"])
    where = sales_where(ctx, location=False).only("s.store_id", "stores", stores["store_id"].tolist())
    frame = engine.query(f"""
        SELECT {WEEK} AS week_start, s.store_id,
               CAST(SUM(s.items_sold) AS DOUBLE PRECISION) AS items_sold,
               CAST(SUM(s.revenue) AS DOUBLE PRECISION) AS revenue
        FROM {sales_table(engine, ctx)}
        {where.sql}
        GROUP BY week_start, s.store_id""", where.params)
    average = _chain_weekly(engine, ctx)
    labelled = _store_rows(_dates(frame, "week_start"), stores)
    # The stores' rows, then the chain's: one frame built from arrays (concatenating frames costs more).
    chain = len(average)
    columns = {"week_start": np.concatenate([labelled["week_start"], average["week_start"].to_numpy()])}
    columns["days_in_range"] = days_in_range(pd.Series(columns["week_start"]), ctx).to_numpy()
    for column, chain_value in (("address", "Chain average"), ("role", "average")):
        columns[column] = np.concatenate([labelled[column], np.full(chain, chain_value, dtype=object)])
    for column in ("items_sold", "revenue"):
        columns[column] = np.concatenate([labelled[column], average[column].to_numpy()])
    return pd.DataFrame(columns)


def _chain_weekly(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    where = sales_where(ctx, location=False)
    frame = engine.query(f"""
        SELECT {WEEK} AS week_start,
               CAST(SUM(s.items_sold) AS DOUBLE PRECISION) / {_CHAIN_STORES} AS items_sold,
               CAST(SUM(s.revenue) AS DOUBLE PRECISION) / {_CHAIN_STORES} AS revenue
        FROM {sales_table(engine, ctx)}
        {where.sql}
        GROUP BY week_start
        ORDER BY week_start""", where.params)
    return _dates(frame, "week_start")


def compare_support(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    stores = compared_stores(engine, ctx)
    if stores.empty:
        return pd.DataFrame(columns=["address", "role", "category", "calls", "score"])
    where = calls_where(ctx, location=False).only("c.store_id", "stores", stores["store_id"].tolist())
    frame = engine.query(f"""
        SELECT c.store_id, c.category, COUNT(*) AS calls, {_SCORE} AS score, MIN({_SUPPORT_ORDER}) AS _sort
        FROM r_support_calls c
        {where.sql}
        GROUP BY c.store_id, c.category""", where.params)
    return _label_stores(frame, stores)


# Owner view -----------------------------------------------------------------------------------------


def owner_store(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The store of the owner view (one row, or none): the first selected address that matches the
    filters, otherwise the lowest-revenue store within the filters. Column ``role``: selected, lowest.

    Worked out once per render for all the visuals of the sheet (``engine.once``): callers read it, never
    modify it."""
    return engine.once(("owner_store", ctx.key()), lambda: _owner_store(engine, ctx))


def _owner_store(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    addresses = sorted(ctx.values("address") or [])
    if addresses:
        where = location_filters(Where(), ctx)
        chosen = engine.query(f"SELECT st.store_id, st.address, st.city, st.state_code FROM r_stores st "
                              f"{where.sql} ORDER BY st.address", where.params)
        if not chosen.empty:
            return chosen.iloc[[0]].assign(role="selected").reset_index(drop=True)
    return _stores_at(_revenue_ranking(engine, ctx.with_filters(address=[])), [-1], ["lowest"])


def owner_profile(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Who the store is and how it ranks on revenue among all stores of the chain."""
    store = owner_store(engine, ctx)
    if store.empty:
        return pd.DataFrame()
    where = sales_where(ctx, location=False)
    where.params["store"] = int(store.at[0, "store_id"])
    frame = engine.query(f"""
        WITH totals AS (
            SELECT s.store_id, CAST(SUM(s.revenue) AS DOUBLE PRECISION) AS revenue
            FROM {sales_table(engine, ctx)}
            {where.sql}
            GROUP BY s.store_id
        ), ranked AS (
            SELECT store_id, revenue, SUM(revenue) OVER () AS chain_revenue,
                   RANK() OVER (ORDER BY revenue DESC) AS revenue_rank
            FROM totals
        )
        SELECT st.address, st.city, st.state, st.owner, st.size, st.seats, t.revenue,
               t.chain_revenue / {_CHAIN_STORES} AS chain_average_revenue, t.revenue_rank,
               {_CHAIN_STORES} AS stores
        FROM ranked t JOIN r_stores st ON st.store_id = t.store_id
        WHERE t.store_id = :store""", where.params)
    if frame.empty:
        return frame
    frame["vs_chain_average"] = frame["revenue"] / frame["chain_average_revenue"] - 1
    frame.insert(0, "shown_because", "selected address" if store.at[0, "role"] == "selected"
                 else "lowest revenue within the filters")
    return frame


def owner_monthly(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The store's metric by month against the chain's average store."""
    metric = metric_of(ctx)
    store = owner_store(engine, ctx)
    if store.empty:
        return pd.DataFrame(columns=["month", "address", metric, f"chain_average_{metric}"])
    where = sales_where(ctx, location=False)
    where.params["store"] = int(store.at[0, "store_id"])
    frame = engine.query(f"""
        SELECT {MONTH} AS month,
               {metric_sql(metric, when="s.store_id = :store")} AS {metric},
               {metric_sql(metric, per_store=True)} AS chain_average_{metric}
        FROM {sales_table(engine, ctx)}
        {where.sql}
        GROUP BY month
        ORDER BY month""", where.params)
    frame.insert(1, "address", store.at[0, "address"])
    return _dates(frame, "month")


def owner_weekly(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The store's weekly product sales (items sold, revenue) against the chain's average store."""
    store = owner_store(engine, ctx)
    if store.empty:
        return pd.DataFrame(columns=["week_start", "days_in_range", "address", "items_sold",
                                     "chain_average_items_sold",
                                     "revenue", "chain_average_revenue"])
    where = sales_where(ctx, location=False)
    where.params["store"] = int(store.at[0, "store_id"])
    frame = engine.query(f"""
        SELECT {WEEK} AS week_start,
               CAST(SUM(CASE WHEN s.store_id = :store THEN s.items_sold ELSE 0 END) AS DOUBLE PRECISION)
                   AS items_sold,
               CAST(SUM(s.items_sold) AS DOUBLE PRECISION) / {_CHAIN_STORES} AS chain_average_items_sold,
               CAST(SUM(CASE WHEN s.store_id = :store THEN s.revenue ELSE 0 END) AS DOUBLE PRECISION)
                   AS revenue,
               CAST(SUM(s.revenue) AS DOUBLE PRECISION) / {_CHAIN_STORES} AS chain_average_revenue
        FROM {sales_table(engine, ctx)}
        {where.sql}
        GROUP BY week_start
        ORDER BY week_start""", where.params)
    frame = _dates(frame, "week_start")
    frame.insert(1, "days_in_range", days_in_range(frame["week_start"], ctx))
    frame.insert(2, "address", store.at[0, "address"])
    return frame


def owner_support(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The store's support calls and score by category against the chain's average store."""
    store = owner_store(engine, ctx)
    if store.empty:
        return pd.DataFrame(columns=["category", "address", "calls", "score", "chain_average_calls",
                                     "chain_average_score"])
    where = calls_where(ctx, location=False)
    where.params["store"] = int(store.at[0, "store_id"])
    frame = engine.query(f"""
        SELECT c.category,
               COUNT(CASE WHEN c.store_id = :store THEN 1 END) AS calls,
               AVG(CASE WHEN c.store_id = :store THEN CAST(c.score AS DOUBLE PRECISION) END) AS score,
               CAST(COUNT(*) AS DOUBLE PRECISION) / {_CHAIN_STORES} AS chain_average_calls,
               {_SCORE} AS chain_average_score
        FROM r_support_calls c
        {where.sql}
        GROUP BY c.category
        ORDER BY MIN({_SUPPORT_ORDER})""", where.params)
    frame.insert(1, "address", store.at[0, "address"])
    return frame


def owner_support_trend(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The store's monthly support score by category."""
    store = owner_store(engine, ctx)
    if store.empty:
        return pd.DataFrame(columns=["month", "address", "category", "calls", "score"])
    where = calls_where(ctx, location=False).add("c.store_id = :store", store=int(store.at[0, "store_id"]))
    frame = engine.query(f"""
        SELECT {period_sql('month', 'c.day')} AS month, c.category, COUNT(*) AS calls, {_SCORE} AS score
        FROM r_support_calls c
        {where.sql}
        GROUP BY month, c.category
        ORDER BY month, MIN({_SUPPORT_ORDER})""", where.params)
    frame.insert(1, "address", store.at[0, "address"])
    return _dates(frame, "month")


def data_date(engine: DataEngine) -> date | None:
    """The latest day with sales or support calls: relative date ranges resolve against it."""
    latest = engine.scalar("SELECT MAX(day) FROM (SELECT MAX(day) AS day FROM r_sales "
                           "UNION ALL SELECT MAX(day) AS day FROM r_support_calls) latest")
    return None if latest is None or pd.isna(latest) else pd.Timestamp(latest).date()
