"""SQL building blocks shared by the iGaming queries: filter conditions, metrics and time buckets.

Every condition that depends on a user's choice binds its values as parameters. The brand condition
goes through ``ctx.values("brand")`` everywhere, so a brand-restricted viewer's queries can only ever
see their brands' rows, whatever the request selects.

Filters and where they apply: brand, country, affiliate and campaign narrow the *players* (a campaign
selection means "players the campaign activated"); game narrows game play only (bets, wins, stakes).

With rollups on (``engine.rollups``), payments and game play are read from ``g_player_days`` (one row per
player and day, carrying the player's attributes) under the alias ``p``, so the player conditions apply
to it unchanged; game play narrowed by game still reads the facts, which alone know the game.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from data.engine import Where
from data.schema import CAMPAIGN_WINDOW_DAYS
from declarations.context import QueryContext

ORGANIC = "organic"
#: Last day of a campaign's attribution window, counted from the activation day (day 0).
WINDOW_LAST = CAMPAIGN_WINDOW_DAYS - 1


def brand_ids_condition(w: Where, ctx: QueryContext, column: str) -> Where:
    """``column`` (a brand_id) within the brands this view lets through; nothing for an empty set."""
    codes = ctx.values("brand")
    if codes is None:
        return w
    if not codes:
        return w.add("1 = 0")
    return w.add(f"{column} IN (SELECT brand_id FROM g_brands WHERE code IN :brand)", brand=list(codes))


def player_conditions(w: Where, ctx: QueryContext, *, brand_column: str, player: str = "p",
                      campaign: bool = True) -> Where:
    """Brand, country, affiliate and (optionally) campaign conditions on a joined ``g_players`` alias."""
    brand_ids_condition(w, ctx, brand_column)
    w.any_of(f"{player}.country_code", "country", ctx.values("country"))
    affiliates = ctx.values("affiliate")
    if affiliates is not None:
        codes = [a for a in affiliates if a != ORGANIC]
        parts = []
        if codes:
            parts.append(f"{player}.affiliate_id IN (SELECT affiliate_id FROM g_affiliates WHERE code IN :affiliate)")
        if ORGANIC in affiliates:
            parts.append(f"{player}.affiliate_id IS NULL")
        w.add("(" + " OR ".join(parts) + ")" if parts else "1 = 0", **({"affiliate": codes} if codes else {}))
    if campaign:
        campaigns = ctx.values("campaign")
        if campaigns is not None:
            w.add(f"{player}.player_id IN (SELECT player_id FROM g_campaign_activations "
                  f"WHERE campaign_id IN :campaign)", campaign=list(campaigns))
    return w


def game_condition(w: Where, ctx: QueryContext, column: str = "g.game_id") -> Where:
    return w.any_of(column, "game", ctx.values("game"))


# ------------------------------------------------------------------------------------------------
# time


def bucket_sql(grain: str, column: str) -> str:
    """The start of the day / week (Sunday) / month / quarter containing ``column``, as a DATE."""
    if grain == "day":
        return column
    if grain == "week":
        return f"CAST(date_trunc('week', {column} + INTERVAL '1 day') - INTERVAL '1 day' AS DATE)"
    return f"CAST(date_trunc('{grain}', {column}) AS DATE)"


def trend_grain(start: date, end: date) -> str:
    """Days for up to two months, weeks up to about a year, months beyond."""
    days = (end - start).days + 1
    return "day" if days <= 62 else "week" if days <= 400 else "month"


def period_grain(start: date, end: date) -> str:
    """For stacked time series: weeks up to a quarter, months beyond."""
    return "week" if (end - start).days + 1 <= 92 else "month"


def week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)


def bucket_start(day: date, grain: str) -> date:
    """Python twin of ``bucket_sql`` (for computing windows before a query)."""
    if grain == "day":
        return day
    if grain == "week":
        return week_start(day)
    if grain == "month":
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# ------------------------------------------------------------------------------------------------
# metrics


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    format: str          # money / int
    source: str          # "tx" (transactions), "game" (game play) or "players" (registrations)
    expression: str
    kind: str | None = None     # transaction kind for "tx" metrics
    rolled: str | None = None   # the expression over g_player_days p, for "tx" and "game" metrics


METRICS: dict[str, Metric] = {m.id: m for m in (
    Metric("deposits", "Deposits", "money", "tx", "SUM(t.amount)", "deposit", "SUM(p.deposits)"),
    Metric("withdrawals", "Withdrawals", "money", "tx", "SUM(t.amount)", "withdrawal", "SUM(p.withdrawals)"),
    Metric("bets", "Bets (stakes)", "money", "game", "SUM(g.bets)", rolled="SUM(p.bets)"),
    Metric("ggr", "Gross game win", "money", "game", "SUM(g.bets - g.wins)", rolled="SUM(p.bets - p.wins)"),
    Metric("active_players", "Active players", "int", "game", "COUNT(DISTINCT g.player_id)",
           rolled="COUNT(DISTINCT p.player_id)"),
    Metric("depositors", "Unique depositing customers", "int", "tx", "COUNT(DISTINCT t.player_id)", "deposit",
           "COUNT(DISTINCT p.player_id)"),
    Metric("new_registrations", "New registrations", "int", "players", "COUNT(*)"),
)}

#: The rows of g_player_days (and g_segment_days) that hold each transaction kind, and game play.
ROLLED_ROWS = {"deposit": "p.deposit_count > 0", "withdrawal": "p.withdrawal_count > 0", "game": "p.game_rows > 0"}
#: The player attributes g_segment_days keeps.
SEGMENT_COLUMNS = frozenset({"p.brand_id", "p.country_code", "p.affiliate_id"})


def reads_rollup(engine: Any, ctx: QueryContext, source: str) -> bool:
    """Whether rows of ``source`` ("tx" or "game") can come from g_player_days: rollups are on and,
    for game play, no game narrows it."""
    return engine.rollups and (source == "tx" or ctx.values("game") is None)


def reads_segments(engine: Any, ctx: QueryContext, source: str, columns: Iterable[str] = ()) -> bool:
    """Whether sums of ``source`` can come from g_segment_days: no campaign selects players one by one
    and the query needs no other player attribute than ``SEGMENT_COLUMNS``."""
    return (reads_rollup(engine, ctx, source) and ctx.values("campaign") is None
            and set(columns) <= SEGMENT_COLUMNS)


#: The column of g_player_days holding the player's previous day of the rows a distinct count counts.
PREVIOUS_DAY = {"deposit": "p.prev_deposit_on", "game": "p.prev_played_on"}


def metric_source(engine: Any, metric: Metric, ctx: QueryContext, bounds: tuple[date, date] | None,
                  columns: Iterable[str] = (), since: str | None = None) -> tuple[str, str, Where, str]:
    """``(FROM … JOIN g_players p, day column, WHERE, metric expression)`` of a metric, within ``bounds``
    when given; from a rollup (alias ``p``) when ``engine`` reads rollups and the metric allows it.
    ``columns`` names the player attributes (``p.…``) the caller groups by. ``since``, a condition on
    ``{prev}``, says when a row is a player's first in its group (previous day before the group's time
    span): a distinct count then counts those rows, exactly, rather than hashing player ids."""
    if metric.source != "players" and reads_rollup(engine, ctx, metric.source):
        distinct = "DISTINCT" in metric.rolled
        table = "g_player_days" if distinct or not reads_segments(engine, ctx, metric.source, columns) \
            else "g_segment_days"
        w = Where().add(ROLLED_ROWS[metric.kind or "game"]).between("p.day", "d0", "d1", bounds)
        player_conditions(w, ctx, brand_column="p.brand_id")
        expression = metric.rolled
        if distinct and since:
            prev = PREVIOUS_DAY[metric.kind or "game"]
            expression = f"COUNT(CASE WHEN {prev} IS NULL OR {since.replace('{prev}', prev)} THEN 1 END)"
        return f"{table} p", "p.day", w, expression
    source, day, w = _fact_source(metric, ctx, bounds)
    return source, day, w, metric.expression


def _fact_source(metric: Metric, ctx: QueryContext, bounds: tuple[date, date] | None) -> tuple[str, str, Where]:
    if metric.source == "tx":
        w = Where().add("t.kind = :kind", kind=metric.kind).between("t.day", "d0", "d1", bounds)
        player_conditions(w, ctx, brand_column="t.brand_id")
        return "g_transactions t JOIN g_players p ON p.player_id = t.player_id", "t.day", w
    if metric.source == "game":
        w = Where().between("g.day", "d0", "d1", bounds)
        game_condition(w, ctx)
        player_conditions(w, ctx, brand_column="g.brand_id")
        return "g_game_activity g JOIN g_players p ON p.player_id = g.player_id", "g.day", w
    w = Where().between("p.registered_on", "d0", "d1", bounds)
    player_conditions(w, ctx, brand_column="p.brand_id")
    return "g_players p", "p.registered_on", w


def selected_metric(ctx: QueryContext) -> Metric:
    return METRICS[ctx.param("metric")]
