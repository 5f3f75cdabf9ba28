"""Every dashboard Viewmark serves, by id."""

from __future__ import annotations

from dashboards.gaming import DASHBOARD as GAMING
from dashboards.restaurant import DASHBOARD as RESTAURANT
from declarations.model import Dashboard

DASHBOARDS: dict[str, Dashboard] = {d.id: d for d in (RESTAURANT, GAMING)}


def get(dashboard_id: str) -> Dashboard | None:
    return DASHBOARDS.get(dashboard_id)
