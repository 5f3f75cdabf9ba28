"""SQL building blocks shared by the iGaming queries: filter conditions, metrics and time buckets.

Every condition that depends on a user's choice binds its values as parameters. The brand condition
goes through ``ctx.values("brand")`` everywhere, so a brand-restricted viewer's queries can only ever
see their brands' rows, whatever the request selects.

Filters and where they apply: brand, country, affiliate and campaign narrow the *players* (a campaign
selection means "players the campaign activated"); game narrows game play only (bets, wins, stakes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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


METRICS: dict[str, Metric] = {m.id: m for m in (
    Metric("deposits", "Deposits", "money", "tx", "SUM(t.amount)", "deposit"),
    Metric("withdrawals", "Withdrawals", "money", "tx", "SUM(t.amount)", "withdrawal"),
    Metric("bets", "Bets (stakes)", "money", "game", "SUM(g.bets)"),
    Metric("ggr", "Gross game win", "money", "game", "SUM(g.bets - g.wins)"),
    Metric("active_players", "Active players", "int", "game", "COUNT(DISTINCT g.player_id)"),
    Metric("depositors", "Unique depositing customers", "int", "tx", "COUNT(DISTINCT t.player_id)", "deposit"),
    Metric("new_registrations", "New registrations", "int", "players", "COUNT(*)"),
)}


def metric_source(metric: Metric, ctx: QueryContext,
                  bounds: tuple[date, date] | None) -> tuple[str, str, Where]:
    """``(FROM … JOIN g_players p, day column, WHERE)`` of a metric, within ``bounds`` when given."""
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
