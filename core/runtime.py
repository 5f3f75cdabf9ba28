"""The objects one app instance works with, reachable from any request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from dashboards.service import DashboardService
    from data.engine import DataEngine
    from db.database import Database
    from settings import Settings
    from views.resolve import ViewResolver

EXTENSION = "viewmark"


@dataclass
class Runtime:
    settings: Settings
    engine: DataEngine
    dashboards: DashboardService
    views: ViewResolver
    db: Database


def runtime() -> Runtime:
    return current_app.extensions[EXTENSION]
