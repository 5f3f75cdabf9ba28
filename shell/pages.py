"""The pages of the application: home, a dashboard (with its bookmark pane), a shared view, not found,
no access, a link that is gone.

Which page a path shows is the route table at the end of this module.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import dcc, get_asset_url, html

from accounts.requests import safe_next
from accounts.viewer import Viewer
from bookmarks import ui as bookmarks_ui
from bookmarks.service import bookmark_service
from core.errors import ServiceError, Unavailable
from core.ids import LINK_GONE, NO_ACCESS
from core.runtime import runtime
from dashboards import layout, registry, served
from declarations.model import Dashboard
from presentations import ui as presentations_ui
from presentations.play import DeckRef, load_deck, slide_view, unavailable
from presentations.play import banner_tools as present_tools
from presentations.play import page as player_page
from shares import ui as shares_ui
from shares.models import PRESENTATION
from shares.service import LinkGone, NoAccess, ShareInfo, share_service
from shell.banner import banner
from shell.routes import Route, resolve
from views.preferences import ViewPreferences
from views.sources import OpenRequest, open_view, standard_sources
from views.url import search_state, state_search


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
    try:
        board = runtime().dashboards.get(dashboard_id, viewer)
    except ServiceError:
        known = registry.get(dashboard_id)
        return no_access(known.title, viewer) if known is not None else not_found(viewer)
    return dashboard_page(board, viewer, OpenRequest(board, viewer, url_state=search_state(search)))


def shared(viewer: Viewer, search: str | None = None, *, token: str):
    """``/s/<token>``: the shared view on its dashboard's own page, for this viewer."""
    try:
        share = share_service().check(viewer, token)
    except LinkGone:
        return link_gone(viewer)
    except NoAccess as exc:
        return no_access(registry.get(exc.dashboard_id).title, viewer)
    if share.kind == PRESENTATION:
        return _player(viewer, search, DeckRef("share", token, "/"), count=True)
    board = runtime().dashboards.get(share.dashboard, viewer)
    # An explicit ?state= (a reload after changing the view) is the view; otherwise the snapshot.
    return dashboard_page(board, viewer, OpenRequest(board, viewer, url_state=search_state(search),
                                                     share_token=token), share)


def dashboard_page(board: Dashboard, viewer: Viewer, request: OpenRequest, share: ShareInfo | None = None):
    """A dashboard with its bookmark pane and sharing, opened from the first view source that answers."""
    rt = runtime()
    bookmarks = bookmark_service()
    # link > shared snapshot > default view > last view > Original (docs/view-state.md).
    sources = standard_sources(ViewPreferences(rt.db), bookmarks, share_service())
    opening = open_view(request, sources, rt.views)
    pane = bookmarks.pane(viewer, board, opening)
    state = opening.state
    # A shared view is nobody's bookmark here: the banner says whose it is instead (share-owner).
    active_name = pane.active.name if pane.active else None
    title = bookmarks_ui.title(board.title, active_name)
    tools = [*bookmarks_ui.banner_tools(), *shares_ui.banner_tools(), *present_tools()]
    if opening.source == "shared" and share is not None:
        tools += shares_ui.shared_banner(share)
    # The address bar holds the view it shows (a shared link keeps /s/<token> until the view changes).
    opened_search = None if opening.source in ("url", "shared") else state_search(state.to_json())
    token = request.share_token if opening.source == "shared" else None
    extras = [*bookmarks_ui.page_parts(board, state, pane, pane_extras=[shares_ui.pane_link()],
                                       opened_search=opened_search),
              *shares_ui.page_parts(board, token, share.name if token and share else None)]
    # The sheet comes with the page, so opening it needs no second request for the visuals.
    body = served.sheet_body(rt.dashboards, board, state, viewer, get_asset_url("topojson/"))
    return layout.dashboard_page(board, state, rt.views.control_options(board, state, viewer), opening.notices,
                                 banner(title, viewer, current=board.id, tools=tools,
                                        tooltip=bookmarks_ui.title_tooltip(board.title, active_name)),
                                 extras=extras, restrictions=viewer.restrictions,
                                 data_date=rt.views.data_date(board),
                                 body=body)


def link_gone(viewer: Viewer) -> html.Div:
    """Unknown, revoked and expired links look the same, so tokens cannot be probed (HTTP 404)."""
    return html.Div([banner("Link not available", viewer), html.Main(html.Div([
        html.H2("This link is no longer available", className="h4"),
        html.P("It may have been revoked by the person who shared it, or it has expired. Ask them for a new "
               "link."),
        dcc.Link("Back to your dashboards", href="/"),
    ], className="container py-4", id=LINK_GONE))])


def service_unavailable(viewer: Viewer, message: str) -> html.Div:
    return html.Div([banner("Unavailable", viewer), html.Main(html.Div([
        html.H2("This page cannot be shown just now", className="h4"),
        html.P(message),
        dcc.Link("Back to your dashboards", href="/"),
    ], className="container py-4 vm-unavailable", role="alert"))])


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


def present_bookmarks(viewer: Viewer, search: str | None = None, *, dashboard_id: str):
    """``/present/bookmarks/<dashboard>?slide=N&from=…``: the dashboard's bookmarks as slides."""
    return _player(viewer, search, DeckRef("bookmarks", dashboard_id, _exit(search, f"/dashboards/{dashboard_id}")))


def present(viewer: Viewer, search: str | None = None, *, presentation_id: str):
    """``/present/<id>?slide=N``: a named presentation."""
    if not _number(presentation_id):
        return not_found(viewer)
    return _player(viewer, search, DeckRef("presentation", int(presentation_id), _exit(search, "/presentations")))


def presentations(viewer: Viewer, search: str | None = None):
    """``/presentations``: the user's named presentations, to compose, order and play."""
    return html.Div([banner("Presentations", viewer, current="presentations"),
                     html.Main(presentations_ui.page_body(viewer), className="container-fluid px-4")])


def _player(viewer: Viewer, search: str | None, ref: DeckRef, count: bool = False):
    try:
        deck = load_deck(viewer, ref.as_dict(), count=count)
    except ServiceError as exc:
        return html.Div([banner("Presentation", viewer), unavailable(exc.message, ref.exit_url)])
    first = slide_view(viewer, deck, _slide(search, len(deck.slides)), get_asset_url("topojson/"))
    return player_page(ref, first, len(deck.slides))


def _slide(search: str | None, count: int) -> int:
    """The slide the address asks for (``?slide=3`` is the third), within the deck."""
    values = parse_qs((search or "").lstrip("?")).get("slide")
    number = int(values[0]) if values and _number(values[0]) else 1
    return max(0, min(number, count) - 1)


def _number(text: str) -> bool:
    """Whether an address's part is a number ``int`` reads: "²" and "١٢" are digits but not that, and ids
    and slide numbers have at most 10 digits (``int`` refuses thousands)."""
    return text.isascii() and text.isdigit() and len(text) <= 10


def _exit(search: str | None, default: str) -> str:
    """Where Exit returns to: the page the player was opened from (a path on this site), or ``default``."""
    values = parse_qs((search or "").lstrip("?")).get("from")
    target = safe_next(values[0]) if values else "/"
    return target if target != "/" else default


ROUTES = (
    Route("/", home),
    Route("/dashboards/<dashboard_id>", dashboard),
    Route("/s/<token>", shared),
    Route("/presentations", presentations),
    Route("/present/bookmarks/<dashboard_id>", present_bookmarks),
    Route("/present/<presentation_id>", present),
)


def page_for(pathname: str | None, search: str | None, viewer: Viewer):
    found = resolve(ROUTES, pathname)
    if found is None:
        return not_found(viewer)
    page, params = found
    try:
        return page(viewer, search, **params)
    except Unavailable as exc:  # the application database: a page that needs it says so instead
        return service_unavailable(viewer, exc.message)
