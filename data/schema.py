"""The datasets' contract: the constants both the generators and the dashboards rely on.

The app reads the data, never the generators (``data/gaming_data.py``, ``data/restaurant_data.py``):
the dashboards, the API and the accounts import these constants from here, and the generators build
their tables from them, so the two can never disagree. Keep this module free of heavy imports.
"""

from __future__ import annotations

from datetime import date

# ------------------------------------------------------------------------------------------------
# Restaurant Operations (tables ``r_*``)

#: First and last day of the restaurant data (sales and support calls).
RESTAURANT_START = date(2021, 1, 1)
RESTAURANT_END = date(2022, 12, 31)

# ------------------------------------------------------------------------------------------------
# iGaming (tables ``g_*``)

#: First and last day of the iGaming data.
GAMING_START = date(2022, 1, 1)
GAMING_END = date(2024, 6, 30)

#: The brands as ``(code, name)``, in ``g_brands.brand_id`` order (brand_id 1 is the first).
GAMING_BRANDS: tuple[tuple[str, str], ...] = (
    ("aurora", "Aurora Casino"),
    ("nova", "Nova Slots"),
    ("lumen", "Lumen Play"),
    ("tidal", "Tidal Spins"),
)

#: The onboarding steps in funnel order: ``g_onboarding_events.step_no`` 1 is the first.
ONBOARDING_STEPS: tuple[str, ...] = ("Registration started", "Email verified", "KYC identity check",
                                     "KYC address check", "First deposit")

#: Days after an activation during which a player's deposits and play count toward the campaign.
CAMPAIGN_WINDOW_DAYS = 30
