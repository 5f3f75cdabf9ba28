"""The iGaming dashboard, declared as data."""

from __future__ import annotations

from dashboards.gaming import figures, options, queries
from dashboards.gaming._sql import METRICS
from data.schema import CAMPAIGN_WINDOW_DAYS, GAMING_END, GAMING_START
from declarations.model import Control, Dashboard, Option, Sheet, Visual

FIRST_DAY, LAST_DAY = GAMING_START.isoformat(), GAMING_END.isoformat()
#: The Original view shows the last six months of data, so previous-period comparisons have data.
DEFAULT_RANGE = ("2024-01-01", LAST_DAY)

CONTROLS = (
    Control("date_range", "Date range", kind="filter", type="date_range", default=DEFAULT_RANGE,
            bounds=(FIRST_DAY, LAST_DAY),
            help="KPIs compare with the period of the same length just before."),
    Control("brand", "Brand", kind="filter", type="multi", default=[], options_query=options.brand_options),
    Control("country", "Country", kind="filter", type="multi", default=[],
            options_query=options.country_options, help="The players' country of residence."),
    Control("affiliate", "Affiliate", kind="filter", type="multi", default=[],
            options_query=options.affiliate_options,
            help="Players acquired through these affiliates (Organic: no affiliate)."),
    Control("campaign", "Campaign", kind="filter", type="multi", default=[],
            options_query=options.campaign_options, depends_on=("brand",),
            help="Players activated by these campaigns; on Campaigns, the campaigns analysed."),
    Control("game", "Game", kind="filter", type="multi", default=[], options_query=options.game_options,
            help="Narrows game play (bets, wins, stakes); payments are not per game."),
    Control("metric", "Metric", kind="parameter", type="single", default="deposits",
            options=tuple(Option(m.id, m.label) for m in METRICS.values())),
    Control("cohort_period", "Cohort period", kind="parameter", type="single", default="quarter",
            options=(Option("month", "Month"), Option("quarter", "Quarter"))),
    Control("days_after", "Days after release", kind="parameter", type="single", default=14,
            options=(Option(7, "7 days"), Option(14, "14 days"), Option(30, "30 days"))),
)

KPIS = Sheet("kpis", "KPIs", description="Payments, game play and conversion in the selected period, "
             "against the previous period of the same length and lifetime (up to the period's end).",
             visuals=(
    Visual("kpi-cards", "Key performance indicators", queries.kpis, kind="kpis", width=12),
    Visual("kpi-trend", "Selected metric over time", queries.kpi_trend, figure=figures.kpi_trend, width=12,
           description="The selected metric in the selected period, with the previous period laid over it."),
))

AFFILIATES = Sheet("affiliates", "Affiliates", description="Players acquired through each affiliate "
                   "(and organically): how many registered, how many went on to deposit, and what they bring.",
                   visuals=(
    Visual("affiliate-performance", "Affiliate performance", queries.affiliate_performance, kind="table",
           width=12, description="Players registered in the period and how many deposited by its end "
           "(conversion); deposits and revenue (gross game win) of all the affiliate's players in the period.",
           formats={"affiliate": "text", "affiliate_code": "text", "players": "int", "depositors": "int",
                    "conversion": "pct", "deposits": "money", "revenue": "money"}),
    Visual("affiliate-revenue", "Deposits and revenue by affiliate", queries.affiliate_performance,
           figure=figures.affiliate_revenue, width=6, click_filter="affiliate"),
    Visual("affiliate-conversion", "Players and conversion by affiliate", queries.affiliate_performance,
           figure=figures.affiliate_conversion, width=6,
           description="Bubble size: deposits in the period.", click_filter="affiliate"),
    Visual("affiliate-trend", "Selected metric by affiliate over time", queries.affiliate_trend,
           figure=figures.affiliate_trend, width=12, click_filter="affiliate"),
))

COHORTS = Sheet("cohorts", "Cohorts", description="Players grouped by registration period (at least the "
                "last 8 quarters or 12 months up to the end of the selected period), followed over the "
                "successive periods.", visuals=(
    Visual("cohort-adpu", "Average deposit per user by cohort", queries.cohort_deposits,
           figure=figures.cohort_adpu, width=12,
           description="Deposits of the cohort's depositing users in each period, divided by their number."),
    Visual("cohort-churn", "Churn by cohort", queries.cohort_churn, figure=figures.cohort_churn, width=12,
           description="Share of each cohort's depositing users with no deposit, withdrawal or bet in the "
                       "period."),
))

ONBOARDING = Sheet("onboarding", "Onboarding journey", description="Registration attempts started in the "
                   "selected period and how far they got (brand and country filters apply).", visuals=(
    Visual("onboarding-funnel", "Onboarding funnel", queries.onboarding_funnel,
           figure=figures.onboarding_funnel, width=6),
    Visual("onboarding-countries", "Step conversion by country", queries.onboarding_by_country,
           figure=figures.onboarding_countries, width=6,
           description="Share of the attempts at each step that reached the next one.", click_filter="country"),
    Visual("onboarding-sankey", "Onboarding flow and drop-offs", queries.onboarding_flow,
           figure=figures.onboarding_sankey, width=12),
))

CAMPAIGNS = Sheet("campaigns", "Campaigns", description=f"A campaign's activated players count toward it "
                  f"for {CAMPAIGN_WINDOW_DAYS} days from their activation. The campaign filter selects the "
                  "campaigns analysed.", visuals=(
    Visual("campaign-deposits", "Deposits from campaigns against all deposits", queries.campaign_deposits,
           figure=figures.campaign_deposits, width=6),
    Visual("campaign-map", "Activated players by country", queries.activated_by_country,
           figure=figures.activated_map, width=6, click_filter="country"),
    Visual("campaign-outcome", "Campaign net outcome", queries.campaign_outcome,
           figure=figures.campaign_outcome, width=12,
           description="Revenue (gross game win) from the activated players during their campaign window, "
                       "minus the bonus cost; campaigns with activations in the period."),
))

DEMOGRAPHICS = Sheet("demographics", "Demographics", description="The selected metric across the player "
                     "base, and which players the deposits come from.", visuals=(
    Visual("demographics-age", "Selected metric by age group", queries.metric_by_age,
           figure=figures.metric_by_age, width=4),
    Visual("demographics-gender", "Selected metric by gender", queries.metric_by_gender,
           figure=figures.metric_by_gender, width=4),
    Visual("demographics-country", "Selected metric by country", queries.metric_by_country,
           figure=figures.metric_by_country, width=4, click_filter="country"),
    Visual("demographics-tenure", "Deposits by days since registration", queries.deposits_by_tenure,
           figure=figures.deposits_by_tenure, width=12,
           description="Deposits split by how long before the deposit the player registered."),
))

RESPONSIBLE_GAMING = Sheet("responsible-gaming", "Responsible gaming", description="Players whose weekly "
                           "pattern in the period deviates from the norm of the selected players: at least "
                           "two signals three or more standard deviations above the mean.", visuals=(
    Visual("rg-flagged", "Most deviating flagged players", queries.rg_flagged, kind="table", width=12,
           description="The 50 most deviating players, most deviating first; score = the largest "
                       "deviation in standard deviations.",
           formats={"player_id": "text", "brand": "text", "country_code": "text", "age_group": "text",
                    "weeks_active": "int", "minutes_per_week": "int", "late_night_share": "pct",
                    "deposits_per_week": "decimal", "limit_increases": "int", "net_loss": "money",
                    "deviating_signals": "int", "score": "decimal", "reason": "text"}),
    Visual("rg-summary", "All flagged players by signal", queries.rg_summary, figure=figures.rg_summary,
           width=12, description="A player counts once for every signal on which they deviate.",
           click_filter="brand"),
))

GAME_RELEASES = Sheet("game-releases", "Game releases", description="Games released in the selected "
                      "period, over their first days after release (the Days after release parameter).",
                      visuals=(
    Visual("release-players", "Unique players after release", queries.release_uptake,
           figure=figures.release_players, width=6),
    Visual("release-stakes", "Stakes after release", queries.release_uptake, figure=figures.release_stakes,
           width=6),
    Visual("release-daily", "Daily players after release", queries.release_daily,
           figure=figures.release_daily, width=12),
))

DASHBOARD = Dashboard(
    id="gaming",
    title="iGaming",
    description="Payments, game play, acquisition, retention and player protection of the iGaming "
                "brands, 2022 – mid 2024.",
    sheets=(KPIS, AFFILIATES, COHORTS, ONBOARDING, CAMPAIGNS, DEMOGRAPHICS, RESPONSIBLE_GAMING, GAME_RELEASES),
    controls=CONTROLS,
    data_date=queries.data_date,
)
