"""The pages of the application shell: home, dashboard, not found — chosen by the URL's path."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import dcc, html

from accounts.components import NO_ACCESS, account_menu
from accounts.viewer import Viewer
from bookmarks import ui as bookmarks_ui
from bookmarks.service import bookmark_service
from core.errors import ServiceError
from core.runtime import runtime
from dashboards import ids, layout, registry
from dashboards.context import QueryContext
from dashboards.model import Dashboard


def banner(title, viewer: Viewer, current: str | None = None, tools: list | None = None) -> html.Header:
    service = runtime().dashboards
    nav = [dbc.NavLink(d.title, href=d.path, active=d.id == current, className="vm-nav-link")
           for d in service.dashboards_for(viewer)]
    return html.Header([
        html.Div([
            dcc.Link("Viewmark", href="/", className="vm-brand navbar-brand fw-bold text-white me-3"),
            html.H1([html.Span(title, id=ids.BANNER_TITLE),
                     html.Span("Modified", id=ids.BANNER_MODIFIED, hidden=True,
                               className="badge text-bg-warning ms-2 align-middle vm-modified")],
                    className="h5 mb-0 text-white vm-banner-title"),
            html.Div(tools or [], className="vm-banner-tools d-flex align-items-center gap-1 ms-3"),
        ], className="d-flex align-items-center"),
        html.Nav(dbc.Nav(nav, className="vm-nav", pills=True), className="ms-auto",
                 **{"aria-label": "Dashboards"}),
        account_menu(viewer),
    ], className="vm-banner d-flex align-items-center gap-3 px-3 py-2 mb-3", role="banner")


def page_for(pathname: str | None, search: str | None, viewer: Viewer):
    path = (pathname or "/").rstrip("/") or "/"
    if path == "/":
        return home(viewer)
    if path.startswith("/dashboards/"):
        return dashboard(path.removeprefix("/dashboards/"), search, viewer)
    return not_found(viewer)


def home(viewer: Viewer) -> html.Div:
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


def dashboard(dashboard_id: str, search: str | None, viewer: Viewer):
    service = runtime().dashboards
    try:
        board = service.get(dashboard_id, viewer)
    except ServiceError:
        known = registry.get(dashboard_id)
        return no_access(known.title, viewer) if known is not None else not_found(viewer)
    # URL state > default view > last state > Original (PRODUCT.md §4).
    opening = bookmark_service().opening(viewer, board.id, _state_param(search))
    state = opening.state
    title = bookmarks_ui.title(board.title, opening.bookmark.name if opening.bookmark else None)
    return layout.dashboard_page(board, state, control_options(board, state, viewer), opening.notices,
                                 banner(title, viewer, current=board.id, tools=bookmarks_ui.banner_tools()),
                                 extras=bookmarks_ui.page_parts(board, opening))


def control_options(board: Dashboard, state, viewer: Viewer) -> dict:
    service = runtime().dashboards
    ctx = QueryContext(board, dict(state.filters), dict(state.parameters), viewer.restrictions)
    return {c.id: service.options(c, ctx) for c in board.controls if c.type != "date_range"}


def not_found(viewer: Viewer) -> html.Div:
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


def _state_param(search: str | None) -> str | None:
    values = parse_qs((search or "").lstrip("?")).get("state")
    return values[0] if values else None
