"""Queries of the KPIs, Affiliates and Demographics sheets."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboards.gaming._sql import (
    ORGANIC,
    game_condition,
    metric_source,
    period_grain,
    player_conditions,
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
    (c0, c1), (p0, p1) = ctx.date_range(), ctx.previous_range()
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
    params = {"c0": c0, "c1": c1, "p0": p0, "p1": p1, "l0": LIFETIME_START,
              **tx.params, **game.params, **act.params, **reg.params}
    raw = engine.query(sql, params).set_index("period")
    raw = raw.apply(pd.to_numeric, errors="coerce").astype(float)
    counts = ["deposits", "withdrawals", "depositors", "bets", "active_players", "active_customers",
              "new_registrations", "new_depositors", "first_time_depositors"]
    raw[counts] = raw[counts].fillna(0.0)
    raw["ggr"] = raw["bets"] - raw["wins"].fillna(0.0)
    raw["rtp"] = raw["wins"] / raw["bets"].replace(0, np.nan)
    if raw.loc["value", counts].sum() == 0:
        return _empty(["kpi", "value", "previous", "lifetime", "format"])
    return pd.DataFrame([
        {"kpi": label, "value": raw.at["value", col], "previous": raw.at["previous", col],
         "lifetime": raw.at["lifetime", col], "format": kind}
        for col, label, kind in KPI_ROWS
    ])


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
    source, day, w = metric_source(metric, ctx, None)
    sql = f"""
    WITH periods (period, d0, d1, shift) AS (VALUES
        ('Selected period', CAST(:c0 AS DATE), CAST(:c1 AS DATE), 0),
        ('Previous period', CAST(:p0 AS DATE), CAST(:p1 AS DATE), CAST(:shift AS INTEGER)))
    SELECT pr.period, {_trend_bucket(grain, f"({day} + pr.shift)")} AS period_start,
           {metric.expression} AS {metric.id}
    FROM {source}
    JOIN periods pr ON {day} BETWEEN pr.d0 AND pr.d1
    {w.sql}
    GROUP BY 1, 2
    ORDER BY 1 DESC, 2
    """
    frame = engine.query(sql, {"c0": c0, "c1": c1, "p0": p0, "p1": p1, "shift": shift, **w.params})
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
    dep = player_conditions(Where(), ctx, brand_column="t.brand_id")
    dep.add("t.kind = 'deposit'").between("t.day", "d0", "d1", (d0, d1))
    rev = player_conditions(Where(), ctx, brand_column="g.brand_id")
    game_condition(rev, ctx).between("g.day", "d0", "d1", (d0, d1))
    sql = f"""
    WITH reg AS (
        SELECT COALESCE(p.affiliate_id, 0) AS aff, COUNT(*) AS players,
               COUNT(CASE WHEN p.first_deposit_on <= :d1 THEN 1 END) AS depositors
        FROM g_players p {reg.sql} GROUP BY 1),
    dep AS (
        SELECT COALESCE(p.affiliate_id, 0) AS aff, SUM(t.amount) AS deposits
        FROM g_transactions t JOIN g_players p ON p.player_id = t.player_id {dep.sql} GROUP BY 1),
    rev AS (
        SELECT COALESCE(p.affiliate_id, 0) AS aff, SUM(g.bets - g.wins) AS revenue
        FROM g_game_activity g JOIN g_players p ON p.player_id = g.player_id {rev.sql} GROUP BY 1),
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


def affiliate_trend(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The selected metric per affiliate over time."""
    metric = selected_metric(ctx)
    d0, d1 = ctx.date_range()
    grain = period_grain(d0, d1)
    source, day, w = metric_source(metric, ctx, (d0, d1))
    sql = f"""
    SELECT {bucket(grain, day)} AS period_start, COALESCE(a.name, 'Organic (no affiliate)') AS affiliate,
           COALESCE(a.code, '{ORGANIC}') AS affiliate_code, {metric.expression} AS {metric.id}
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
    source, _day, w = metric_source(metric, ctx, ctx.date_range())
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    keys_sql = ", ".join(f"{expr} AS {name}" for name, expr in keys.items())
    sql = f"""
    SELECT {keys_sql}, {metric.expression} AS {metric.id}
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
    w = player_conditions(Where(), ctx, brand_column="t.brand_id")
    w.add("t.kind = 'deposit'").between("t.day", "d0", "d1", (d0, d1))
    sql = f"""
    SELECT {bucket(grain, "t.day")} AS period_start,
           CASE WHEN t.day - p.registered_on <= 90 THEN 1
                WHEN t.day - p.registered_on <= 365 THEN 2 ELSE 3 END AS band_no,
           SUM(t.amount) AS deposits
    FROM g_transactions t JOIN g_players p ON p.player_id = t.player_id
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
