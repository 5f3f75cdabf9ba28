"""The iGaming query layer: one function per visual, ``(engine, ctx) -> DataFrame``.

The functions live in one module per group of sheets; this module is their single public surface.
All of them narrow by brand through ``ctx.values("brand")`` (see ``_sql``), so a brand-restricted
viewer never receives another brand's rows.
"""

from dashboards.gaming.queries_campaigns import (
    activated_by_country,
    campaign_deposits,
    campaign_outcome,
    release_daily,
    release_uptake,
)
from dashboards.gaming.queries_overview import (
    affiliate_performance,
    affiliate_trend,
    data_date,
    deposits_by_tenure,
    kpi_trend,
    kpis,
    metric_by_age,
    metric_by_country,
    metric_by_gender,
)
from dashboards.gaming.queries_players import (
    cohort_churn,
    cohort_deposits,
    onboarding_by_country,
    onboarding_flow,
    onboarding_funnel,
    rg_flagged,
    rg_summary,
)

__all__ = [
    "activated_by_country",
    "affiliate_performance",
    "affiliate_trend",
    "campaign_deposits",
    "campaign_outcome",
    "cohort_churn",
    "cohort_deposits",
    "data_date",
    "deposits_by_tenure",
    "kpi_trend",
    "kpis",
    "metric_by_age",
    "metric_by_country",
    "metric_by_gender",
    "onboarding_by_country",
    "onboarding_flow",
    "onboarding_funnel",
    "release_daily",
    "release_uptake",
    "rg_flagged",
    "rg_summary",
]
