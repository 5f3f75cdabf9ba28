"""Options of the iGaming filters, computed for the viewer: a brand-restricted viewer is offered only
their brands, and only the countries, affiliates, campaigns and games of those brands."""

from __future__ import annotations

from dashboards.gaming._sql import ORGANIC, brand_ids_condition
from data.engine import DataEngine, Where
from declarations.context import QueryContext
from declarations.model import Option


def _allowed(ctx: QueryContext) -> QueryContext:
    """The context with no brand selected: ``values("brand")`` is then exactly the viewer's allowed brands
    (``None`` when unrestricted). Options that do not depend on the brand selection use it."""
    return ctx.with_filters(brand=[])


def brand_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    w = brand_ids_condition(Where(), _allowed(ctx), "b.brand_id")
    frame = engine.query(f"SELECT b.code, b.name FROM g_brands b {w.sql} ORDER BY b.name", w.params)
    return [Option(r.code, r.name) for r in frame.itertuples()]


def country_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    w = brand_ids_condition(Where(), _allowed(ctx), "p.brand_id")
    frame = engine.query(f"""
        SELECT c.country_code, c.country_name FROM g_countries c
        WHERE c.country_code IN (SELECT DISTINCT p.country_code FROM g_players p {w.sql})
        ORDER BY c.country_name""", w.params)
    return [Option(r.country_code, r.country_name) for r in frame.itertuples()]


def affiliate_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    w = brand_ids_condition(Where(), _allowed(ctx), "p.brand_id")
    frame = engine.query(f"""
        SELECT a.code, a.name FROM g_affiliates a
        WHERE a.affiliate_id IN (SELECT DISTINCT p.affiliate_id FROM g_players p {w.sql})
        ORDER BY a.name""", w.params)
    organic = brand_ids_condition(Where(), _allowed(ctx), "p.brand_id").add("p.affiliate_id IS NULL")
    has_organic = engine.scalar(f"SELECT COUNT(*) FROM g_players p {organic.sql}", organic.params)
    options = [Option(r.code, r.name) for r in frame.itertuples()]
    if has_organic:
        options.insert(0, Option(ORGANIC, "Organic (no affiliate)"))
    return options


def campaign_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    """Campaigns of the selected brands (all allowed brands when none is selected), newest first."""
    w = brand_ids_condition(Where(), ctx, "c.brand_id")
    frame = engine.query(f"""
        SELECT c.campaign_id, c.name, b.name AS brand, c.start_date
        FROM g_campaigns c JOIN g_brands b ON b.brand_id = c.brand_id
        {w.sql}
        ORDER BY c.start_date DESC, c.campaign_id""", w.params)
    return [Option(int(r.campaign_id), f"{r.name} · {r.brand}") for r in frame.itertuples()]


def game_options(engine: DataEngine, ctx: QueryContext) -> list[Option]:
    """Every game (for a brand-restricted viewer: every game their brands' players have played)."""
    allowed = _allowed(ctx)
    w = Where()
    if allowed.values("brand") is not None:
        played = brand_ids_condition(Where(), allowed, "g.brand_id")
        w.add(f"gm.game_id IN (SELECT DISTINCT g.game_id FROM g_game_activity g {played.sql})", **played.params)
    frame = engine.query(f"SELECT gm.game_id, gm.name, gm.release_date FROM g_games gm {w.sql} ORDER BY gm.name",
                         w.params)
    return [Option(int(r.game_id), f"{r.name} ({r.release_date:%b %Y})") for r in frame.itertuples()]
