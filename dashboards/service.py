"""The dashboard service: the one path from a viewer and a view state to options and visual data.

The Dash callbacks and the JSON API both call it; it checks the viewer's dashboard grant and applies
their row restrictions itself, so nothing a browser sends can widen what a viewer sees. States reach it
already resolved for the viewer by ``views.resolve``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd

from accounts.viewer import Viewer
from core.errors import NotFound
from dashboards import registry
from data.engine import DataEngine
from declarations.context import QueryContext
from declarations.model import Dashboard, Sheet, Visual
from views.dates import PRESETS
from views.resolve import ViewResolver
from views.state import ViewState


@dataclass(frozen=True)
class VisualData:
    visual: Visual
    frame: pd.DataFrame


class DashboardService:
    def __init__(self, engine: DataEngine, views: ViewResolver | None = None):
        self.engine = engine
        self.views = views or ViewResolver(engine)

    # Dashboards -------------------------------------------------------------------------------------

    def dashboards_for(self, viewer: Viewer) -> list[Dashboard]:
        return [d for d in registry.DASHBOARDS.values() if viewer.can_view(d.id)]

    def get(self, dashboard_id: str, viewer: Viewer) -> Dashboard:
        """The dashboard, if it exists and the viewer is granted it; otherwise ``NotFound``."""
        dashboard = registry.get(dashboard_id) if isinstance(dashboard_id, str) else None
        if dashboard is None or not viewer.can_view(dashboard.id):
            raise NotFound("No such dashboard.", "dashboard")
        return dashboard

    def describe(self, dashboard: Dashboard, viewer: Viewer) -> dict:
        """The dashboard as the API lists it; a date range also lists the presets it accepts, which
        resolve against ``data_date`` (docs/view-state.md)."""
        ctx = QueryContext.defaults(dashboard, viewer.restrictions)
        data_date = self.views.data_date(dashboard)
        controls = [c.describe(self.views.options(c, ctx)) for c in dashboard.controls]
        for control in controls:
            if control["type"] == "date_range":
                control["presets"] = list(PRESETS)
        return {
            "id": dashboard.id,
            "title": dashboard.title,
            "path": dashboard.path,
            "data_date": data_date.isoformat() if data_date else None,
            "sheets": [{"id": s.id, "title": s.title} for s in dashboard.sheets],
            "controls": controls,
        }

    # Data -------------------------------------------------------------------------------------------

    def sheet_data(self, dashboard: Dashboard, state: ViewState, viewer: Viewer) -> tuple[Sheet, list[VisualData]]:
        """Every visual's rows, each distinct statement run once: visuals that share a query (one table, two
        charts) share its frame, and queries that share a statement share its run (``RenderScope``).

        The distinct queries run side by side (``DataEngine.gather``), all on the dataset version the render
        began on; an error surfaces as if they had run in the visuals' order."""
        sheet = dashboard.sheet(state.sheet)
        ctx = self.views.context(dashboard, state, viewer)
        scope = self.engine.render()
        queries = list(dict.fromkeys(v.query for v in sheet.visuals))
        results = scope.gather([partial(query, scope, ctx) for query in queries])
        frames = dict(zip(queries, results, strict=True))
        return sheet, [VisualData(v, frames[v.query]) for v in sheet.visuals]

    def visual_frame(self, dashboard: Dashboard, state: ViewState, visual_id: str,
                     viewer: Viewer) -> tuple[Visual, pd.DataFrame]:
        try:
            visual = dashboard.visual(visual_id)
        except KeyError:
            raise NotFound("No such visual.", "visual") from None
        return visual, visual.query(self.engine, self.views.context(dashboard, state, viewer))


def frame_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: dates as ISO strings, missing values as null."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            has_time = (series.dropna().dt.normalize() != series.dropna()).any()
            out[column] = series.dt.strftime("%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d")
        elif series.dtype == object:
            out[column] = series.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    out = out.astype(object).where(out.notna(), None)
    return [{k: _plain(v) for k, v in row.items()} for row in out.to_dict(orient="records")]


def _plain(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
