"""The Restaurant Operations dashboard, declared as data."""

from __future__ import annotations

from dashboards.restaurant import figures, queries
from data.schema import RESTAURANT_END, RESTAURANT_START
from declarations.model import Control, Dashboard, Option, Sheet, Visual

FIRST_DAY, LAST_DAY = RESTAURANT_START.isoformat(), RESTAURANT_END.isoformat()

CONTROLS = (
    Control("date_range", "Date range", kind="filter", type="date_range",
            default=("2022-01-01", LAST_DAY), bounds=(FIRST_DAY, LAST_DAY),
            help="KPIs compare with the period of the same length just before."),
    Control("state", "State", kind="filter", type="multi", default=[], options_query=queries.state_options),
    Control("city", "City", kind="filter", type="multi", default=[], options_query=queries.city_options,
            depends_on=("state",)),
    Control("address", "Address", kind="filter", type="multi", default=[],
            options_query=queries.address_options, depends_on=("state", "city"),
            help="Store comparison compares the selected stores; Owner view shows the first one."),
    Control("category", "Product category", kind="filter", type="multi", default=[],
            options_query=queries.category_options),
    Control("metric", "Metric", kind="parameter", type="single", default="revenue",
            options=(Option("revenue", "Revenue"), Option("orders", "Orders"),
                     Option("avg_ticket", "Average ticket"))),
    Control("grain", "Time grain", kind="parameter", type="single", default="month",
            options=(Option("day", "Day"), Option("week", "Week"), Option("month", "Month"))),
)

OVERVIEW = Sheet("overview", "Overview", description="All stores in the selected states and period.", visuals=(
    Visual("kpis", "Key figures", queries.kpis, kind="kpis", width=12),
    Visual("state-map", "Sales by state", queries.by_state, figure=figures.state_map, width=6,
           description="The selected metric by state.", click_filter="state"),
    Visual("trend", "Trend over time", queries.trend, figure=figures.trend, width=6,
           description="The selected metric at the selected time grain."),
    Visual("category-sales", "Sales by product category", queries.by_category, figure=figures.by_category,
           width=5, click_filter="category"),
    Visual("support-trend", "Support score by call category", queries.support_trend,
           figure=figures.support_trend, width=7,
           description="Average call-for-support score (1–10); higher means more help was needed."),
    Visual("top-stores", "Top 10 stores", queries.top_stores, kind="table", width=12,
           description="Ranked by the selected metric.",
           formats={"rank": "int", "revenue": "money", "orders": "int", "avg_ticket": "money",
                    "support_score": "decimal"}),
))

STORE_COMPARISON = Sheet(
    "store-comparison", "Store comparison",
    description="The selected addresses side by side; with fewer than two selected, the best and the worst "
                "store by revenue within the filters.",
    visuals=(
        Visual("compare-summary", "Stores compared", queries.compare_summary, kind="table", width=12,
               formats={"revenue": "money", "orders": "int", "avg_ticket": "money", "items_sold": "int",
                        "support_calls": "int", "support_score": "decimal"}),
        Visual("compare-trend", "Sales trend by store", queries.compare_trend, figure=figures.compare_trend,
               width=6),
        Visual("compare-category-mix", "Product category mix", queries.compare_category_mix,
               figure=figures.compare_category_mix, width=6),
        Visual("compare-weekly-sales", "Weekly product sales", queries.compare_weekly_sales,
               figure=figures.compare_weekly_sales, width=6,
               description="Items sold per week (weeks start on Sunday) against the chain's average store."),
        Visual("compare-support", "Support score by call category", queries.compare_support,
               figure=figures.compare_support, width=6),
    ))

OWNER_VIEW = Sheet(
    "owner-view", "Owner view",
    description="One store against the chain's average store: the first selected address, or else the "
                "lowest-revenue store within the filters.",
    visuals=(
        Visual("owner-profile", "Store profile", queries.owner_profile, kind="table", width=12,
               formats={"seats": "int", "revenue": "money", "chain_average_revenue": "money",
                        "revenue_rank": "int", "stores": "int", "vs_chain_average": "pct"}),
        Visual("owner-monthly", "Monthly sales vs the chain average", queries.owner_monthly,
               figure=figures.owner_monthly, width=6),
        Visual("owner-weekly", "Weekly product sales vs the chain average", queries.owner_weekly,
               figure=figures.owner_weekly, width=6),
        Visual("owner-support", "Support calls by category", queries.owner_support,
               figure=figures.owner_support, width=6),
        Visual("owner-support-trend", "Monthly support score", queries.owner_support_trend,
               figure=figures.owner_support_trend, width=6),
    ))

DASHBOARD = Dashboard(
    id="restaurant",
    title="Restaurant Operations",
    description="Sales, orders and customer support of the restaurant chain's stores, 2021–2022.",
    sheets=(OVERVIEW, STORE_COMPARISON, OWNER_VIEW),
    controls=CONTROLS,
    data_date=queries.data_date,
)
