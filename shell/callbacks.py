"""Wires the pages' callbacks: the route, then each part's own (dashboard page, bookmark pane)."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from accounts.viewer import current_viewer
from bookmarks import callbacks as bookmark_callbacks
from core import ids
from dashboards import callbacks as dashboard_callbacks
from shell import pages


def register(app: Dash) -> None:
    dashboard_callbacks.register(app)
    bookmark_callbacks.register(app)

    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"), State(ids.URL, "search"))
    def route(pathname, search):
        return pages.page_for(pathname, search, current_viewer())
