"""The banner every page shares: the product, the page's title, its tools, navigation and the account."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from accounts.viewer import Viewer
from core import ids
from core.runtime import runtime
from shell.account import account_menu


def banner(title, viewer: Viewer, current: str | None = None, tools: list | None = None,
           tooltip: str | None = None) -> html.Header:
    """``title``: text or components, on one line cut with an ellipsis when the banner is too narrow for
    it; ``tooltip`` is its full text (``title`` itself when that is text)."""
    if tooltip is None and isinstance(title, str):
        tooltip = title
    nav = [dbc.NavLink(d.title, href=d.path, active=d.id == current, className="vm-nav-link")
           for d in runtime().dashboards.dashboards_for(viewer)]
    if viewer.user_id is not None:
        nav.append(dbc.NavLink("Presentations", href="/presentations", active=current == "presentations",
                               className="vm-nav-link"))
    return html.Header([
        html.Div([
            dcc.Link("Viewmark", href="/", className="vm-brand navbar-brand fw-bold text-white me-3"),
            html.H1([html.Span(title, id=ids.BANNER_TITLE, className="vm-banner-text", title=tooltip),
                     html.Span("Modified", id=ids.BANNER_MODIFIED, hidden=True,
                               className="badge text-bg-warning ms-2 align-middle vm-modified")],
                    className="h5 mb-0 text-white vm-banner-title"),
            html.Div(tools or [], className="vm-banner-tools d-flex align-items-center gap-1 ms-3"),
        ], className="d-flex align-items-center vm-banner-main"),
        html.Nav(dbc.Nav(nav, className="vm-nav", pills=True), className="ms-auto",
                 **{"aria-label": "Dashboards"}),
        account_menu(viewer),
    ], className="vm-banner d-flex align-items-center gap-3 px-3 py-2 mb-3", role="banner")
