"""The dashboard service: the one path from a viewer and a view state to options and visual data.

The Dash callbacks and the JSON API both call it; it checks the viewer's dashboard grant and applies
their row restrictions itself, so nothing a browser sends can widen what a viewer sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from accounts.viewer import Viewer
from bookmarks.state import Notice, ViewState, original_state, parse_state
from core.errors import NotFound
from dashboards import registry
from dashboards.context import QueryContext
from dashboards.model import Control, Dashboard, Option, Sheet, Visual
from data.engine import DataEngine


@dataclass(frozen=True)
class VisualData:
    visual: Visual
    frame: pd.DataFrame


class DashboardService:
    def __init__(self, engine: DataEngine):
        self.engine = engine

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
        ctx = QueryContext.defaults(dashboard, viewer.restrictions)
        return {
            "id": dashboard.id,
            "title": dashboard.title,
            "path": dashboard.path,
            "sheets": [{"id": s.id, "title": s.title} for s in dashboard.sheets],
            "controls": [c.describe(self.options(c, ctx)) for c in dashboard.controls],
        }

    # Controls ---------------------------------------------------------------------------------------

    def options(self, control: Control, ctx: QueryContext) -> list[Option]:
        """The control's options in this context (narrowed by the controls it depends on)."""
        if control.options_query is not None:
            return list(control.options_query(self.engine, ctx))
        return list(control.options)

    def allowed_values(self, dashboard: Dashboard, viewer: Viewer):
        """For validation: every value a control may take for this viewer, whatever else is selected."""
        ctx = QueryContext.defaults(dashboard, viewer.restrictions)

        def allowed(control: Control) -> list:
            return [o.value for o in self.options(control, ctx)]

        return allowed

    # View states ------------------------------------------------------------------------------------

    def original(self, dashboard: Dashboard) -> ViewState:
        return original_state(dashboard)

    def parse(self, dashboard: Dashboard, raw, viewer: Viewer, *, strict: bool) -> tuple[ViewState, list[Notice]]:
        state, notices = parse_state(raw, dashboard, self.allowed_values(dashboard, viewer), strict=strict)
        if not strict:
            state, narrowed = self.narrow(dashboard, state, viewer)
            notices += narrowed
        return state, notices

    def narrow(self, dashboard: Dashboard, state: ViewState, viewer: Viewer) -> tuple[ViewState, list[Notice]]:
        """Drops values of dependent controls that the other selections no longer allow, with notices.

        Controls are visited in declaration order, so a narrowed city narrows the addresses after it.
        """
        filters = dict(state.filters)
        notices: list[Notice] = []
        for control in dashboard.controls:
            if not control.depends_on or control.type != "multi" or not filters.get(control.id):
                continue
            ctx = self.context(dashboard, ViewState(state.dashboard, state.sheet, filters, state.parameters),
                               viewer)
            possible = {o.value for o in self.options(control, ctx)}
            kept = [v for v in filters[control.id] if v in possible]
            dropped = [v for v in filters[control.id] if v not in possible]
            if dropped:
                names = ", ".join(f"“{v}”" for v in dropped)
                by = " and ".join(dashboard.control(d).label.lower() for d in control.depends_on)
                notices.append(Notice(f"filters.{control.id}",
                                      f"{control.label} {names} removed: not in the selected {by}."))
                filters[control.id] = kept
        return ViewState(state.dashboard, state.sheet, filters, state.parameters), notices

    def context(self, dashboard: Dashboard, state: ViewState, viewer: Viewer) -> QueryContext:
        return QueryContext(dashboard, dict(state.filters), dict(state.parameters), viewer.restrictions)

    # Data -------------------------------------------------------------------------------------------

    def sheet_data(self, dashboard: Dashboard, state: ViewState, viewer: Viewer) -> tuple[Sheet, list[VisualData]]:
        sheet = dashboard.sheet(state.sheet)
        ctx = self.context(dashboard, state, viewer)
        return sheet, [VisualData(v, v.query(self.engine, ctx)) for v in sheet.visuals]

    def visual_frame(self, dashboard: Dashboard, state: ViewState, visual_id: str,
                     viewer: Viewer) -> tuple[Visual, pd.DataFrame]:
        try:
            visual = dashboard.visual(visual_id)
        except KeyError:
            raise NotFound("No such visual.", "visual") from None
        return visual, visual.query(self.engine, self.context(dashboard, state, viewer))


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
