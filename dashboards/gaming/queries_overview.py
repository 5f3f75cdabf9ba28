"""Queries of the KPIs, Affiliates and Demographics sheets."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from dashboards.gaming._sql import (
    METRICS,
    ORGANIC,
    Metric,
    game_condition,
    metric_source,
    period_grain,
    player_conditions,
    reads_segments,
    selected_metric,
    trend_grain,
)
from dashboards.gaming._sql import bucket_sql as bucket
from data.engine import DataEngine, Where
from declarations.context import QueryContext

#: Lifetime figures count everything up to the end of the selected period.
LIFETIME_START = date(2000, 1, 1)

KPI_ROWS = (
    # column, label, format
    ("deposits", "Deposits", "money"),
    ("withdrawals", "Withdrawals", "money"),
    ("bets", "Bets", "money"),
    ("ggr", "Gross game win", "money"),
    ("rtp", "Return to player", "pct"),
    ("active_customers", "Active customers", "int"),
    ("active_players", "Active players", "int"),
    ("depositors", "Unique depositing customers", "int"),
    ("new_registrations", "New registrations", "int"),
    ("new_depositors", "New depositing customers", "int"),
    ("first_time_depositors", "First-time depositors", "int"),
)

_PERIODS = """periods (period, d0, d1) AS (VALUES
    ('value', CAST(:c0 AS DATE), CAST(:c1 AS DATE)),
    ('previous', CAST(:p0 AS DATE), CAST(:p1 AS DATE)),
    ('lifetime', CAST(:l0 AS DATE), CAST(:c1 AS DATE)))"""


def kpis(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The KPI cards: each KPI for the selected period, the previous one and lifetime (to period end).

    Active customers deposited, withdrew or played; active players placed a bet. New depositing
    customers registered in the period and deposited by its end; first-time depositors made their first
    deposit ever in the period. The game filter narrows the game-play KPIs (bets, win, RTP, players).
    """
    raw = _kpi_rollups(engine, ctx) if engine.rollups else _kpi_facts(engine, ctx)
    # Three periods of a dozen figures: plain Python floats, where frame operations would cost more.
    figures = {period: {name: _number(value) for name, value in row.items()} for period, row in raw.items()}
    for row in figures.values():
        for name in _KPI_COUNTS:
            if math.isnan(row[name]):
                row[name] = 0.0
        wins = row["wins"]
        row["ggr"] = row["bets"] - (0.0 if math.isnan(wins) else wins)
        row["rtp"] = wins / row["bets"] if row["bets"] != 0 else np.nan
    if np.array([figures["value"][name] for name in _KPI_COUNTS]).sum() == 0:
        return _empty(["kpi", "value", "previous", "lifetime", "format"])
    return pd.DataFrame({
        "kpi": [label for _, label, _ in KPI_ROWS],
        **{period: np.array([figures[period][col] for col, _, _ in KPI_ROWS], dtype="float64")
           for period in _SPANS},
        "format": [kind for _, _, kind in KPI_ROWS],
    })


_KPI_COUNTS = ("deposits", "withdrawals", "depositors", "bets", "active_players", "active_customers",
               "new_registrations", "new_depositors", "first_time_depositors")


def _number(value) -> float:
    """A figure as a float; anything that is not a number (a missing value) as NaN."""
    if value is None:
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def _kpi_params(ctx: QueryContext) -> dict:
    (c0, c1), (p0, p1) = ctx.date_range(), ctx.previous_range()
    return {"c0": c0, "c1": c1, "p0": p0, "p1": p1, "l0": LIFETIME_START}


def _kpi_facts(engine: DataEngine, ctx: QueryContext) -> dict[str, dict]:
    """The KPIs per period (value, previous, lifetime: each the figures by name) from the fact tables."""
    tx = player_conditions(Where(), ctx, brand_column="t.brand_id")
    game = game_condition(Where(), ctx)
    player_conditions(game, ctx, brand_column="g.brand_id")
    act = player_conditions(Where(), ctx, brand_column="a.brand_id")
    reg = player_conditions(Where(), ctx, brand_column="p.brand_id")
    sql = f"""
    WITH {_PERIODS},
    tx AS (
        SELECT pr.period,
               SUM(CASE WHEN t.kind = 'deposit' THEN t.amount END) AS deposits,
               SUM(CASE WHEN t.kind = 'withdrawal' THEN t.amount END) AS withdrawals,
               COUNT(DISTINCT CASE WHEN t.kind = 'deposit' THEN t.player_id END) AS depositors
        FROM g_transactions t
        JOIN g_players p ON p.player_id = t.player_id
        JOIN periods pr ON t.day BETWEEN pr.d0 AND pr.d1
        {tx.sql}
        GROUP BY pr.period),
    gm AS (
        SELECT pr.period, SUM(g.bets) AS bets, SUM(g.wins) AS wins,
               COUNT(DISTINCT g.player_id) AS active_players
        FROM g_game_activity g
        JOIN g_players p ON p.player_id = g.player_id
        JOIN periods pr ON g.day BETWEEN pr.d0 AND pr.d1
        {game.sql}
        GROUP BY pr.period),
    act AS (
        SELECT pr.period, COUNT(DISTINCT a.player_id) AS active_customers
        FROM (SELECT day, player_id, brand_id FROM g_transactions WHERE day <= :c1
              UNION ALL
              SELECT day, player_id, brand_id FROM g_game_activity WHERE day <= :c1) a
        JOIN g_players p ON p.player_id = a.player_id
        JOIN periods pr ON a.day BETWEEN pr.d0 AND pr.d1
        {act.sql}
        GROUP BY pr.period),
    reg AS (
        SELECT pr.period,
               COUNT(CASE WHEN p.registered_on BETWEEN pr.d0 AND pr.d1 THEN 1 END) AS new_registrations,
               COUNT(CASE WHEN p.registered_on BETWEEN pr.d0 AND pr.d1 AND p.first_deposit_on <= pr.d1
                          THEN 1 END) AS new_depositors,
               COUNT(CASE WHEN p.first_deposit_on BETWEEN pr.d0 AND pr.d1 THEN 1 END) AS first_time_depositors
        FROM g_players p
        CROSS JOIN periods pr
        {reg.sql}
        GROUP BY pr.period)
    SELECT pr.period, tx.deposits, tx.withdrawals, tx.depositors, gm.bets, gm.wins, gm.active_players,
           act.active_customers, reg.new_registrations, reg.new_depositors, reg.first_time_depositors
    FROM periods pr
    LEFT JOIN tx ON tx.period = pr.period
    LEFT JOIN gm ON gm.period = pr.period
    LEFT JOIN act ON act.period = pr.period
    LEFT JOIN reg ON reg.period = pr.period
    """
    params = {**tx.params, **game.params, **act.params, **reg.params, **_kpi_params(ctx)}
    return engine.query(sql, params).set_index("period").to_dict(orient="index")


_SPANS = {"value": (":c0", ":c1"), "previous": (":p0", ":p1"), "lifetime": (":l0", ":c1")}


def _per_period(aggregate: str, column: str, value: str, rows: str = "1 = 1",
                periods: tuple[str, ...] = tuple(_SPANS)) -> list[str]:
    """``aggregate(CASE WHEN rows AND column in the period THEN value END) AS name_period`` per period;
    ``value`` is ``expression AS name``."""
    expression, name = value.rsplit(" AS ", 1)
    distinct = "DISTINCT " if expression.startswith("DISTINCT ") else ""
    expression = expression.removeprefix("DISTINCT ")
    return [f"{aggregate}({distinct}CASE WHEN {rows} AND {column} BETWEEN {_SPANS[p][0]} AND {_SPANS[p][1]} "
            f"THEN {expression} END) AS {name}_{p}" for p in periods]


def _kpi_rollups(engine: DataEngine, ctx: QueryContext) -> dict[str, dict]:
    """The KPIs per period (as ``_kpi_facts`` gives them) from the rollups, in one row: sums from
    g_segment_days (g_player_days when a campaign selects players); distinct players of the two periods
    from g_player_days (each player's first row in the period); lifetime distinct players from
    g_player_firsts (first day on or before the period's end). Game play narrowed by game comes from the
    facts."""
    by_game = ctx.values("game") is not None
    table = "g_segment_days" if reads_segments(engine, ctx, "tx") else "g_player_days"
    sums = player_conditions(Where(), ctx, brand_column="p.brand_id").add("p.day BETWEEN :l0 AND :c1")
    days = player_conditions(Where(), ctx, brand_column="p.brand_id").add("p.day BETWEEN :p0 AND :c1")
    firsts = player_conditions(Where(), ctx, brand_column="f.brand_id", player="f")
    reg = player_conditions(Where(), ctx, brand_column="p.brand_id")
    two = ("value", "previous")
    sum_columns = [*_per_period("SUM", "p.day", "p.deposits AS deposits", "p.deposit_count > 0"),
                   *_per_period("SUM", "p.day", "p.withdrawals AS withdrawals", "p.withdrawal_count > 0")]
    firsts_in = {"depositors": ("p.deposit_count > 0", "p.prev_deposit_on"),
                 "active_customers": ("1 = 1", "p.prev_active_on")}
    lifetime = {"depositors": "f.first_deposit_on", "active_customers": "f.first_active_on"}
    game = Where()
    if by_game:
        game = game_condition(Where(), ctx).add("g.day BETWEEN :l0 AND :c1")
        player_conditions(game, ctx, brand_column="g.brand_id")
        game_columns = [*_per_period("SUM", "g.day", "g.bets AS bets"), *_per_period("SUM", "g.day", "g.wins AS wins"),
                        *_per_period("COUNT", "g.day", "DISTINCT g.player_id AS active_players")]
        game_sql = f"""CROSS JOIN (SELECT {", ".join(game_columns)}
            FROM g_game_activity g JOIN g_players p ON p.player_id = g.player_id {game.sql}) gm"""
    else:
        game_sql = ""
        sum_columns += [*_per_period("SUM", "p.day", "p.bets AS bets", "p.game_rows > 0"),
                        *_per_period("SUM", "p.day", "p.wins AS wins", "p.game_rows > 0")]
        firsts_in["active_players"] = ("p.game_rows > 0", "p.prev_played_on")
        lifetime["active_players"] = "f.first_played_on"
    # A player counts in a period once: on their first row in it, whose previous day lies before it.
    count_columns = [f"COUNT(CASE WHEN {rows} AND p.day BETWEEN {_SPANS[period][0]} AND {_SPANS[period][1]} "
                     f"AND ({prev} IS NULL OR {prev} < {_SPANS[period][0]}) THEN 1 END) AS {name}_{period}"
                     for name, (rows, prev) in firsts_in.items() for period in two]
    first_columns = [f"COUNT(CASE WHEN {first} <= :c1 THEN 1 END) AS {name}_lifetime"
                     for name, first in lifetime.items()]
    reg_columns = [*_per_period("COUNT", "p.registered_on", "1 AS new_registrations"),
                   *[f"COUNT(CASE WHEN p.registered_on BETWEEN {a} AND {b} AND p.first_deposit_on <= {b} "
                     f"THEN 1 END) AS new_depositors_{period}" for period, (a, b) in _SPANS.items()],
                   *_per_period("COUNT", "p.first_deposit_on", "1 AS first_time_depositors")]
    sql = f"""
    SELECT * FROM (SELECT {", ".join(sum_columns)} FROM {table} p {sums.sql}) sums
    CROSS JOIN (SELECT {", ".join(count_columns)} FROM g_player_days p {days.sql}) counts
    CROSS JOIN (SELECT {", ".join(first_columns)} FROM g_player_firsts f {firsts.sql}) firsts
    CROSS JOIN (SELECT {", ".join(reg_columns)} FROM g_players p {reg.sql}) reg
    {game_sql}
    """
    params = {**sums.params, **days.params, **firsts.params, **game.params, **reg.params, **_kpi_params(ctx)}
    wide = engine.query(sql, params).to_dict(orient="records")[0]
    names = ["deposits", "withdrawals", "depositors", "bets", "wins", "active_players", "active_customers",
             "new_registrations", "new_depositors", "first_time_depositors"]
    return {period: {name: wide[f"{name}_{period}"] for name in names} for period in _SPANS}


def _trend_bucket(grain: str, day: str) -> str:
    """Weeks of the trend are the 7-day blocks from the start of the period (not calendar weeks), so the
    first and last points cover whole weeks and the previous period's blocks match the selected ones."""
    if grain != "week":
        return bucket(grain, day)
    return f"CAST(:c0 AS DATE) + CAST(FLOOR(({day} - CAST(:c0 AS DATE)) / 7.0) AS INTEGER) * 7"


def kpi_trend(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The selected metric over the selected period, with the previous period shifted onto it."""
    metric = selected_metric(ctx)
    (c0, c1), (p0, p1) = ctx.date_range(), ctx.previous_range()
    shift = (c0 - p0).days
    grain = trend_grain(c0, c1)
    first = f"{{prev}} + pr.shift < GREATEST({_trend_bucket(grain, '(p.day + pr.shift)')}, pr.d0 + pr.shift)"
    source, day, w, expression = metric_source(engine, metric, ctx, (p0, c1), since=first)
    sql = f"""
    WITH periods (period, d0, d1, shift) AS (VALUES
        ('Selected period', CAST(:c0 AS DATE), CAST(:c1 AS DATE), 0),
        ('Previous period', CAST(:p0 AS DATE), CAST(:p1 AS DATE), CAST(:shift AS INTEGER)))
    SELECT pr.period, {_trend_bucket(grain, f"({day} + pr.shift)")} AS period_start,
           {expression} AS {metric.id}
    FROM {source}
    JOIN periods pr ON {day} BETWEEN pr.d0 AND pr.d1
    {w.sql}
    GROUP BY 1, 2
    ORDER BY 1 DESC, 2
    """
    frame = engine.query(sql, {**w.params, "c0": c0, "c1": c1, "p0": p0, "p1": p1, "shift": shift})
    frame[metric.id] = frame[metric.id].astype(float)
    return frame.reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Affiliates


def affiliate_performance(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Per affiliate (and organic): players registered in the period, how many of them deposited by its
    end (conversion), and deposits and revenue (gross game win) of all the affiliate's players in it."""
    d0, d1 = ctx.date_range()
    reg = player_conditions(Where(), ctx, brand_column="p.brand_id")
    reg.between("p.registered_on", "d0", "d1", (d0, d1))
    dep_from, dep, dep_amount = _affiliate_source(engine, ctx, METRICS["deposits"], (d0, d1))
    rev_from, rev, revenue = _affiliate_source(engine, ctx, METRICS["ggr"], (d0, d1))
    sql = f"""
    WITH reg AS (
        SELECT COALESCE(p.affiliate_id, 0) AS aff, COUNT(*) AS players,
               COUNT(CASE WHEN p.first_deposit_on <= :d1 THEN 1 END) AS depositors
        FROM g_players p {reg.sql} GROUP BY 1),
    dep AS (SELECT COALESCE(p.affiliate_id, 0) AS aff, {dep_amount} AS deposits FROM {dep_from} {dep.sql} GROUP BY 1),
    rev AS (SELECT COALESCE(p.affiliate_id, 0) AS aff, {revenue} AS revenue FROM {rev_from} {rev.sql} GROUP BY 1),
    keys AS (SELECT aff FROM reg UNION SELECT aff FROM dep UNION SELECT aff FROM rev)
    SELECT COALESCE(a.name, 'Organic (no affiliate)') AS affiliate,
           COALESCE(a.code, '{ORGANIC}') AS affiliate_code,
           COALESCE(reg.players, 0) AS players, COALESCE(reg.depositors, 0) AS depositors,
           COALESCE(dep.deposits, 0) AS deposits, COALESCE(rev.revenue, 0) AS revenue
    FROM keys
    LEFT JOIN g_affiliates a ON a.affiliate_id = keys.aff
    LEFT JOIN reg ON reg.aff = keys.aff
    LEFT JOIN dep ON dep.aff = keys.aff
    LEFT JOIN rev ON rev.aff = keys.aff
    ORDER BY revenue DESC, affiliate
    """
    frame = engine.query(sql, {**reg.params, **dep.params, **rev.params})
    for col in ("deposits", "revenue"):
        frame[col] = frame[col].astype(float)
    frame.insert(4, "conversion", frame["depositors"] / frame["players"].replace(0, np.nan))
    return frame


def _affiliate_source(engine: DataEngine, ctx: QueryContext, metric: Metric,
                      bounds: tuple[date, date]) -> tuple[str, Where, str]:
    """``(FROM, WHERE, expression)`` of a summed metric by the player's affiliate (``p.affiliate_id``)."""
    source, _day, w, expression = metric_source(engine, metric, ctx, bounds, columns=["p.affiliate_id"])
    return source, w, expression


def affiliate_trend(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The selected metric per affiliate over time."""
    metric = selected_metric(ctx)
    d0, d1 = ctx.date_range()
    grain = period_grain(d0, d1)
    first = f"{{prev}} < GREATEST({bucket(grain, 'p.day')}, CAST(:d0 AS DATE))"
    source, day, w, expression = metric_source(engine, metric, ctx, (d0, d1), columns=["p.affiliate_id"],
                                               since=first)
    sql = f"""
    SELECT {bucket(grain, day)} AS period_start, COALESCE(a.name, 'Organic (no affiliate)') AS affiliate,
           COALESCE(a.code, '{ORGANIC}') AS affiliate_code, {expression} AS {metric.id}
    FROM {source}
    LEFT JOIN g_affiliates a ON a.affiliate_id = p.affiliate_id
    {w.sql}
    GROUP BY 1, 2, 3
    ORDER BY 1, 2
    """
    frame = engine.query(sql, w.params)
    frame[metric.id] = frame[metric.id].astype(float)
    return frame


# ------------------------------------------------------------------------------------------------
# Demographics


def _metric_by(engine: DataEngine, ctx: QueryContext, keys: dict[str, str], join: str = "") -> pd.DataFrame:
    """The selected metric in the selected period, grouped by ``keys`` (column name -> SQL)."""
    metric = selected_metric(ctx)
    source, _day, w, expression = metric_source(engine, metric, ctx, ctx.date_range(),
                                                columns=[c for c in keys.values() if c.startswith("p.")],
                                                since="{prev} < CAST(:d0 AS DATE)")
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    keys_sql = ", ".join(f"{expr} AS {name}" for name, expr in keys.items())
    sql = f"""
    SELECT {keys_sql}, {expression} AS {metric.id}
    FROM {source} {join}
    {w.sql}
    GROUP BY {group}
    ORDER BY {group}
    """
    frame = engine.query(sql, w.params)
    frame[metric.id] = frame[metric.id].astype(float)
    return frame


def metric_by_age(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    return _metric_by(engine, ctx, {"age_group": "p.age_group"})


def metric_by_gender(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    return _metric_by(engine, ctx, {"gender": "p.gender"})


def metric_by_country(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    frame = _metric_by(engine, ctx, {"country_code": "p.country_code", "country": "c.country_name"},
                       join="JOIN g_countries c ON c.country_code = p.country_code")
    metric = selected_metric(ctx)
    return frame.sort_values([metric.id, "country_code"], ascending=[False, True]).reset_index(drop=True)


TENURE_BANDS = ("0–90 days", "91–365 days", "Over 365 days")


def deposits_by_tenure(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Deposits over time by how long the depositing player had been registered."""
    d0, d1 = ctx.date_range()
    grain = period_grain(d0, d1)
    source, day, w, amount = metric_source(engine, METRICS["deposits"], ctx, (d0, d1), columns=["p.registered_on"])
    sql = f"""
    SELECT {bucket(grain, day)} AS period_start,
           CASE WHEN {day} - p.registered_on <= 90 THEN 1
                WHEN {day} - p.registered_on <= 365 THEN 2 ELSE 3 END AS band_no,
           {amount} AS deposits
    FROM {source}
    {w.sql}
    GROUP BY 1, 2
    ORDER BY 1, 2
    """
    frame = engine.query(sql, w.params)
    frame["deposits"] = frame["deposits"].astype(float)
    frame.insert(1, "band", [TENURE_BANDS[int(b) - 1] for b in frame["band_no"]])
    frame["share"] = frame["deposits"] / frame.groupby("period_start")["deposits"].transform("sum")
    return frame.drop(columns="band_no")


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def data_date(engine: DataEngine) -> date | None:
    """The latest day with payments or game play: relative date ranges resolve against it."""
    latest = engine.scalar("SELECT MAX(day) FROM (SELECT MAX(day) AS day FROM g_transactions "
                           "UNION ALL SELECT MAX(day) AS day FROM g_game_activity) latest")
    return None if latest is None or pd.isna(latest) else pd.Timestamp(latest).date()
