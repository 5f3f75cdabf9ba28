"""The pages of the application: home, a dashboard (with its bookmark pane), not found, no access.

Which page a path shows is the route table at the end of this module.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from accounts.viewer import Viewer
from bookmarks import ui as bookmarks_ui
from bookmarks.service import bookmark_service
from core.errors import ServiceError
from core.ids import NO_ACCESS
from core.runtime import runtime
from dashboards import layout, registry
from shell.banner import banner
from shell.routes import Route, resolve
from views.preferences import ViewPreferences
from views.sources import OpenRequest, open_view, standard_sources
from views.url import search_state


def home(viewer: Viewer, search: str | None = None) -> html.Div:
    service = runtime().dashboards
    cards = [html.Div(dbc.Card(dbc.CardBody([
        html.H2(d.title, className="h5"),
        html.P(d.description, className="text-secondary small"),
        html.P(", ".join(s.title for s in d.sheets), className="small"),
        dcc.Link("Open dashboard", href=d.path, className="btn btn-primary btn-sm"),
    ]), className="h-100 shadow-sm"), className="col-12 col-md-6") for d in service.dashboards_for(viewer)]
    body = cards or [html.P("No dashboards have been shared with you yet.", className="text-secondary")]
    return html.Div([banner("Dashboards", viewer),
                     html.Main(html.Div(body, className="row g-3"), className="container-fluid px-4")])


def dashboard(viewer: Viewer, search: str | None = None, *, dashboard_id: str):
    rt = runtime()
    try:
        board = rt.dashboards.get(dashboard_id, viewer)
    except ServiceError:
        known = registry.get(dashboard_id)
        return no_access(known.title, viewer) if known is not None else not_found(viewer)
    bookmarks = bookmark_service()
    # link > shared snapshot > default view > last view > Original (docs/view-state.md).
    sources = standard_sources(ViewPreferences(rt.db), bookmarks)
    opening = open_view(OpenRequest(board, viewer, url_state=search_state(search)), sources, rt.views)
    pane = bookmarks.pane(viewer, board, opening)
    state = opening.state
    title = bookmarks_ui.title(board.title, pane.active.name if pane.active else None)
    return layout.dashboard_page(board, state, rt.views.control_options(board, state, viewer), opening.notices,
                                 banner(title, viewer, current=board.id, tools=bookmarks_ui.banner_tools()),
                                 extras=bookmarks_ui.page_parts(board, state, pane))


def not_found(viewer: Viewer, search: str | None = None) -> html.Div:
    return html.Div([banner("Not found", viewer), html.Main(html.Div([
        html.H2("This page does not exist", className="h4"),
        html.P("The dashboard may have been removed, or the link is mistyped."),
        dcc.Link("Back to the dashboards", href="/"),
    ], className="container py-4 vm-not-found"))])


def no_access(title: str, viewer: Viewer) -> html.Div:
    """A dashboard that exists but is not granted to this viewer (the API answers 404 for it)."""
    return html.Div([banner("No access", viewer), html.Main(html.Div([
        html.H2(f"You have no access to {title}", className="h4"),
        html.P("Ask an administrator to grant you this dashboard."),
        dcc.Link("Back to your dashboards", href="/"),
    ], className="container py-4", id=NO_ACCESS))])


ROUTES = (
    Route("/", home),
    Route("/dashboards/<dashboard_id>", dashboard),
)


def page_for(pathname: str | None, search: str | None, viewer: Viewer):
    found = resolve(ROUTES, pathname)
    if found is None:
        return not_found(viewer)
    page, params = found
    return page(viewer, search, **params)
