"""Rollups: pre-aggregated tables derived from the fact tables, written into the same dataset file.

Each rollup is declared as data — a name, the SQL that computes it from the facts (or from an earlier
rollup) and the key it is stored sorted by, so date-range conditions skip whole blocks. The generator
builds them after the facts and before the file is published, so a rollup is part of the dataset
version and never disagrees with the facts; a store loaded from that file copies them like any table.

The queries read them when ``DataEngine.rollups`` is on and give the same rows as from the facts
(``tests/unit/test_rollups.py``). Distinct counts stay exact: a rollup keeps one row per player (and
day), never a pre-counted number of players.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rollup:
    name: str
    sql: str
    sort_key: str
    doc: str

    def create_sql(self) -> str:
        return f"CREATE OR REPLACE TABLE {self.name} AS SELECT * FROM ({self.sql}) rollup ORDER BY {self.sort_key}"


#: The player's attributes copied onto each row, so the player filters need no join with g_players.
_PLAYER = "p.country_code, p.affiliate_id, p.age_group, p.gender, p.registered_on"

PLAYER_DAYS = Rollup(
    "g_player_days",
    f"""
    WITH tx AS (
        SELECT day, player_id, brand_id,
               SUM(CASE WHEN kind = 'deposit' THEN amount ELSE 0 END) AS deposits,
               COUNT(CASE WHEN kind = 'deposit' THEN 1 END) AS deposit_count,
               SUM(CASE WHEN kind = 'withdrawal' THEN amount ELSE 0 END) AS withdrawals,
               COUNT(CASE WHEN kind = 'withdrawal' THEN 1 END) AS withdrawal_count
        FROM g_transactions GROUP BY day, player_id, brand_id),
    gm AS (
        SELECT day, player_id, brand_id, SUM(bets) AS bets, SUM(wins) AS wins, COUNT(*) AS game_rows
        FROM g_game_activity GROUP BY day, player_id, brand_id),
    days AS (
        SELECT COALESCE(tx.day, gm.day) AS day, COALESCE(tx.player_id, gm.player_id) AS player_id,
               COALESCE(tx.brand_id, gm.brand_id) AS brand_id,
               COALESCE(tx.deposits, 0) AS deposits, COALESCE(tx.deposit_count, 0) AS deposit_count,
               COALESCE(tx.withdrawals, 0) AS withdrawals, COALESCE(tx.withdrawal_count, 0) AS withdrawal_count,
               COALESCE(gm.bets, 0) AS bets, COALESCE(gm.wins, 0) AS wins, COALESCE(gm.game_rows, 0) AS game_rows
        FROM tx FULL JOIN gm ON gm.day = tx.day AND gm.player_id = tx.player_id AND gm.brand_id = tx.brand_id)
    SELECT d.day, d.brand_id, d.player_id, {_PLAYER},
           d.deposits, d.deposit_count, d.withdrawals, d.withdrawal_count, d.bets, d.wins, d.game_rows,
           MAX(CASE WHEN d.deposit_count > 0 THEN d.day END) OVER earlier AS prev_deposit_on,
           MAX(CASE WHEN d.game_rows > 0 THEN d.day END) OVER earlier AS prev_played_on,
           MAX(d.day) OVER earlier AS prev_active_on
    FROM days d JOIN g_players p ON p.player_id = d.player_id
    WINDOW earlier AS (PARTITION BY d.player_id, d.brand_id ORDER BY d.day
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)""",
    "day, brand_id, player_id",
    "One row per player, brand and day with payments or game play: deposits, withdrawals, bets and wins "
    "(all games), the number of rows of each kind (0: none that day), the player's attributes, and the "
    "player's previous day with a deposit, with game play and with any activity. A player is counted once "
    "in a period from the row whose previous day lies before the period: distinct counts by a filtered "
    "COUNT, exact, without a hash of player ids.",
)

PLAYER_FIRSTS = Rollup(
    "g_player_firsts",
    f"""
    SELECT d.player_id, d.brand_id, {_PLAYER.replace('p.', 'd.')},
           MIN(CASE WHEN d.deposit_count > 0 THEN d.day END) AS first_deposit_on,
           MIN(CASE WHEN d.game_rows > 0 THEN d.day END) AS first_played_on,
           MIN(d.day) AS first_active_on
    FROM g_player_days d
    GROUP BY d.player_id, d.brand_id, {_PLAYER.replace('p.', 'd.')}""",
    "brand_id, player_id",
    "Each player's first deposit, first game play and first activity of any kind: the lifetime distinct "
    "counts up to a day are the players whose first day is on or before it (one row per player: a "
    "player's payments and game play carry the player's brand).",
)

PLAYER_MONTHS = Rollup(
    "g_player_months",
    """
    SELECT CAST(date_trunc('month', day) AS DATE) AS month, brand_id, player_id,
           SUM(deposits) AS deposits, CAST(SUM(deposit_count) AS BIGINT) AS deposit_count
    FROM g_player_days
    GROUP BY 1, brand_id, player_id""",
    "month, brand_id, player_id",
    "g_player_days by calendar month: the whole months of a player's history (cohorts follow players over "
    "months and quarters); a period's last, partial month is read from g_player_days.",
)

SEGMENT_DAYS = Rollup(
    "g_segment_days",
    """
    SELECT day, brand_id, country_code, affiliate_id,
           SUM(deposits) AS deposits, CAST(SUM(deposit_count) AS BIGINT) AS deposit_count,
           SUM(withdrawals) AS withdrawals, CAST(SUM(withdrawal_count) AS BIGINT) AS withdrawal_count,
           SUM(bets) AS bets, SUM(wins) AS wins, CAST(SUM(game_rows) AS BIGINT) AS game_rows
    FROM g_player_days
    GROUP BY day, brand_id, country_code, affiliate_id""",
    "day, brand_id, country_code, affiliate_id",
    "g_player_days summed over the players of each brand, country and affiliate: the sums (never the "
    "distinct counts) of any period under the brand, country and affiliate filters.",
)

ONBOARDING_STEPS = Rollup(
    "g_onboarding_steps",
    """
    SELECT started_on, brand_id, country_code, step_no, step, COUNT(*) AS attempts
    FROM g_onboarding_events
    GROUP BY started_on, brand_id, country_code, step_no, step""",
    "started_on, brand_id, country_code, step_no",
    "Registration attempts per start day, brand, country and step reached.",
)

STORE_DAYS = Rollup(
    "r_store_days",
    """
    SELECT day, store_id, SUM(revenue) AS revenue, CAST(SUM(orders) AS BIGINT) AS orders,
           CAST(SUM(items_sold) AS BIGINT) AS items_sold
    FROM r_sales
    GROUP BY day, store_id""",
    "day, store_id",
    "Sales per store and day, all product categories together.",
)

#: In build order: a rollup may read the ones before it.
ROLLUPS: tuple[Rollup, ...] = (PLAYER_DAYS, PLAYER_FIRSTS, PLAYER_MONTHS, SEGMENT_DAYS, ONBOARDING_STEPS,
                                STORE_DAYS)


def build(con: Any) -> dict[str, int]:
    """Creates every rollup in ``con`` (a DuckDB connection holding the facts); returns their row counts."""
    counts: dict[str, int] = {}
    for rollup in ROLLUPS:
        con.execute(rollup.create_sql())
        counts[rollup.name] = con.execute(f"SELECT COUNT(*) FROM {rollup.name}").fetchall()[0][0]
    return counts
