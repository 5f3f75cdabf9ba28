"""Restaurant Operations: sales and customer support of a restaurant chain's stores."""

from dashboards.restaurant.declaration import DASHBOARD

__all__ = ["DASHBOARD"]
