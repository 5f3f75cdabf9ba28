"""The iGaming dashboard: declaration, queries and figures."""

from dashboards.gaming.declaration import DASHBOARD

__all__ = ["DASHBOARD"]
