"""Queries of the Campaigns and Game releases sheets."""

from __future__ import annotations

import pandas as pd

from dashboards.gaming._sql import (
    WINDOW_LAST,
    brand_ids_condition,
    game_condition,
    period_grain,
    player_conditions,
)
from dashboards.gaming._sql import bucket_sql as bucket
from data.engine import DataEngine, Where
from declarations.context import QueryContext

# ------------------------------------------------------------------------------------------------
# Campaigns
#
# A deposit or bet "comes from a campaign" when its player was activated by the campaign on that day or
# up to CAMPAIGN_WINDOW_DAYS - 1 days before. The campaign filter selects the campaigns considered; the
# other player filters (brand, country, affiliate) narrow the players as everywhere.


def _activation_where(ctx: QueryContext, alias: str = "a") -> Where:
    w = Where()
    brand_ids_condition(w, ctx, f"{alias}.brand_id")
    return w.any_of(f"{alias}.campaign_id", "campaign", ctx.values("campaign"))


def campaign_deposits(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """All deposits over time, and those made by players within a campaign window of an activation."""
    d0, d1 = ctx.date_range()
    grain = period_grain(d0, d1)
    act = _activation_where(ctx)
    act.add("a.player_id = t.player_id").add(f"t.day BETWEEN a.day AND a.day + {WINDOW_LAST}")
    if engine.rollups:  # one row per player and day with deposits, the player's attributes on it
        w = player_conditions(Where(), ctx, brand_column="t.brand_id", player="t", campaign=False)
        w.add("t.deposit_count > 0").between("t.day", "d0", "d1", (d0, d1))
        return _campaign_deposits_rolled(engine, grain, w, act)
    w = player_conditions(Where(), ctx, brand_column="t.brand_id", campaign=False)
    w.add("t.kind = 'deposit'").between("t.day", "d0", "d1", (d0, d1))
    sql = f"""
    SELECT {bucket(grain, "t.day")} AS period_start,
           SUM(t.amount) AS all_deposits,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM g_campaign_activations a {act.sql})
                    THEN t.amount ELSE 0 END) AS campaign_deposits
    FROM g_transactions t JOIN g_players p ON p.player_id = t.player_id
    {w.sql}
    GROUP BY 1
    ORDER BY 1
    """
    return _with_share(engine.query(sql, {**w.params, **act.params}))


def _campaign_deposits_rolled(engine: DataEngine, grain: str, w: Where, act: Where) -> pd.DataFrame:
    """``campaign_deposits`` over g_player_days: the player-days within a window found by one join with the
    activations rather than a lookup per row."""
    within = " AND ".join(act.conditions)
    sql = f"""
    WITH dep AS (SELECT t.day, t.player_id, t.deposits FROM g_player_days t {w.sql}),
    windowed AS (SELECT DISTINCT t.day, t.player_id FROM dep t JOIN g_campaign_activations a ON {within})
    SELECT {bucket(grain, "d.day")} AS period_start, SUM(d.deposits) AS all_deposits,
           SUM(CASE WHEN c.player_id IS NOT NULL THEN d.deposits ELSE 0 END) AS campaign_deposits
    FROM dep d LEFT JOIN windowed c ON c.day = d.day AND c.player_id = d.player_id
    GROUP BY 1
    ORDER BY 1
    """
    return _with_share(engine.query(sql, {**w.params, **act.params}))


def activated_by_country(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Players activated in the period by the selected campaigns, per country (ISO-3)."""
    w = _activation_where(ctx)
    player_conditions(w, ctx, brand_column="a.brand_id", campaign=False)
    w.between("a.day", "d0", "d1", ctx.date_range())
    sql = f"""
    SELECT p.country_code, c.country_name AS country, COUNT(DISTINCT a.player_id) AS activated_players,
           COUNT(*) AS activations, SUM(a.cost) AS bonus_cost
    FROM g_campaign_activations a
    JOIN g_players p ON p.player_id = a.player_id
    JOIN g_countries c ON c.country_code = p.country_code
    {w.sql}
    GROUP BY 1, 2
    ORDER BY 3 DESC, 1
    """
    frame = engine.query(sql, w.params)
    frame["bonus_cost"] = frame["bonus_cost"].astype(float)
    return frame


def campaign_outcome(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Per campaign with activations in the period: bonus cost, the revenue (gross game win) of its
    activated players during their campaign window, and the net outcome (revenue − cost)."""
    w = _activation_where(ctx)
    player_conditions(w, ctx, brand_column="a.brand_id", campaign=False)
    w.between("a.day", "d0", "d1", ctx.date_range())
    sql = f"""
    WITH act AS (
        SELECT a.campaign_id, a.player_id, a.day, a.cost
        FROM g_campaign_activations a JOIN g_players p ON p.player_id = a.player_id
        {w.sql}),
    cost AS (SELECT campaign_id, COUNT(*) AS activations, SUM(cost) AS bonus_cost FROM act GROUP BY 1),
    rev AS (
        SELECT act.campaign_id, SUM(g.bets - g.wins) AS revenue
        FROM act JOIN {"g_player_days" if engine.rollups else "g_game_activity"} g
          ON g.player_id = act.player_id AND g.day BETWEEN act.day AND act.day + {WINDOW_LAST}
        {"WHERE g.game_rows > 0" if engine.rollups else ""}
        GROUP BY 1)
    SELECT cm.campaign_id, cm.name AS campaign, b.name AS brand, cm.start_date, cm.end_date,
           cost.activations, cost.bonus_cost, COALESCE(rev.revenue, 0) AS revenue,
           COALESCE(rev.revenue, 0) - cost.bonus_cost AS net_outcome
    FROM cost
    JOIN g_campaigns cm ON cm.campaign_id = cost.campaign_id
    JOIN g_brands b ON b.brand_id = cm.brand_id
    LEFT JOIN rev ON rev.campaign_id = cost.campaign_id
    ORDER BY net_outcome DESC, cm.campaign_id
    """
    frame = engine.query(sql, w.params)
    for col in ("bonus_cost", "revenue", "net_outcome"):
        frame[col] = frame[col].astype(float)
    return frame


# ------------------------------------------------------------------------------------------------
# Game releases


def _release_parts(ctx: QueryContext) -> tuple[str, Where, dict]:
    """Games released in the period (and in the game selection) and their first ``days_after`` days."""
    days = int(ctx.param("days_after"))
    w = Where().between("gm.release_date", "d0", "d1", ctx.date_range())
    game_condition(w, ctx, "gm.game_id")
    player_conditions(w, ctx, brand_column="g.brand_id")
    joins = """g_games gm
    JOIN g_game_activity g
      ON g.game_id = gm.game_id AND g.day BETWEEN gm.release_date AND gm.release_date + CAST(:last AS INTEGER)
    JOIN g_players p ON p.player_id = g.player_id"""
    return joins, w, {**w.params, "last": days - 1}


def release_uptake(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Per game released in the period: unique players and stakes in its first N days."""
    joins, w, params = _release_parts(ctx)
    sql = f"""
    SELECT gm.game_id, gm.name AS game, gm.category, gm.release_date,
           COUNT(DISTINCT g.player_id) AS unique_players, SUM(g.bets) AS stakes, SUM(g.rounds) AS rounds
    FROM {joins}
    {w.sql}
    GROUP BY 1, 2, 3, 4
    ORDER BY 4, 1
    """
    frame = engine.query(sql, params)
    frame["stakes"] = frame["stakes"].astype(float)
    frame["stakes_per_player"] = frame["stakes"] / frame["unique_players"]
    return frame


def release_daily(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Per game released in the period: players and stakes on each of its first N days."""
    joins, w, params = _release_parts(ctx)
    sql = f"""
    SELECT gm.game_id, gm.name AS game, gm.release_date, g.day - gm.release_date AS days_since_release,
           COUNT(DISTINCT g.player_id) AS players, SUM(g.bets) AS stakes
    FROM {joins}
    {w.sql}
    GROUP BY 1, 2, 3, 4
    ORDER BY 3, 1, 4
    """
    frame = engine.query(sql, params)
    frame["stakes"] = frame["stakes"].astype(float)
    return frame


def _with_share(frame: pd.DataFrame) -> pd.DataFrame:
    """Deposits as floats and the campaigns' share of them, whichever table the rows came from."""
    for col in ("all_deposits", "campaign_deposits"):
        frame[col] = frame[col].astype(float)
    frame["campaign_share"] = frame["campaign_deposits"] / frame["all_deposits"]
    return frame
