"""Wires the pages' callbacks: the route, then each part's own (dashboard page, bookmark pane)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from accounts.viewer import current_viewer
from bookmarks import callbacks as bookmark_callbacks
from core import ids
from dashboards import callbacks as dashboard_callbacks
from presentations import callbacks as presentation_callbacks
from presentations import play_callbacks
from shares import callbacks as share_callbacks
from shell import pages
from views.url import normalized


def register(app: Dash) -> None:
    # A bookmark applied in the pane comes back with its view, from the view's callback.
    dashboard_callbacks.register(app, bookmark_callbacks.APPLYING)
    bookmark_callbacks.register(app)
    share_callbacks.register(app)
    presentation_callbacks.register(app)
    play_callbacks.register(app)

    @app.callback(Output(ids.PAGE, "children"), Output(ids.SHOWN_PATH, "data"), Input(ids.URL, "pathname"),
                  State(ids.URL, "search"), State(ids.SHOWN_PATH, "data"))
    def route(pathname, search, shown):
        # A page that moved its own address (a shared view that was changed now lives at its dashboard's
        # path) says so in SHOWN_PATH: it is already on screen, so it is not built again.
        if shown is not None and normalized(pathname) == shown:
            return no_update, no_update
        # The address is the browser's to send: anything but text in it is no query string.
        search = search if isinstance(search, str) else ""
        return pages.page_for(pathname, search, current_viewer()), normalized(pathname)
