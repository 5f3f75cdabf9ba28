"""Sharing on the dashboard page: the banner's Share button, the share dialog, the banner of a page opened
from a link (who shared it, *Save as my bookmark*), the save dialog and *My shared links*. Components only,
built from service values; the callbacks that drive them are in ``shares.callbacks``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from bookmarks.models import NAME_MAX
from core import ids
from dashboards import registry
from declarations.model import Dashboard
from shares.models import PRESENTATION
from shares.service import ShareInfo

# The share dialog's expiry choices (the keys of ``shares.service.EXPIRY_CHOICES``), in the order shown.
EXPIRY_LABELS = {"never": "Never", "1d": "1 day", "7d": "7 days", "30d": "30 days"}
DEFAULT_EXPIRY = "never"
COPIED = "Copied"


# The banner -------------------------------------------------------------------------------------------

def banner_tools() -> list:
    """The Share button of a dashboard page: makes a link to the view on screen and shows it."""
    return [
        html.Button([html.Span("↗", className="vm-icon-share", **{"aria-hidden": "true"}),
                     html.Span("Share", className="vm-tool-label ms-1")],
                    id=ids.SHARE_OPEN, type="button", title="Share a link to this view",
                    className="btn btn-outline-light btn-sm vm-share-open",
                    **{"aria-label": "Share", "aria-haspopup": "dialog", "aria-controls": ids.SHARE_DIALOG}),
    ]


def shared_banner(share: ShareInfo) -> list:
    """On a page opened from a link: who shared it and when (and its name), and *Save as my bookmark*.

    The empty ``SHARE_GONE`` beside them says so when the link stops opening while the page is open.
    """
    owner: list = [f"Shared by {share.owner} · {day(share.created_at)}"]
    if share.name:
        owner += [" · ", html.Span(f"“{share.name}”", className="vm-share-name")]
    return [
        html.Span(owner, id=ids.SHARE_OWNER, className="vm-share-owner small text-nowrap"),
        html.Span(id=ids.SHARE_GONE, role="alert", className="vm-share-gone small"),
        html.Button("Save as my bookmark", id=ids.SHARE_SAVE, type="button",
                    title="Keep this shared view as one of your own bookmarks",
                    className="btn btn-light btn-sm text-nowrap vm-share-save",
                    **{"aria-haspopup": "dialog", "aria-controls": ids.SAVE_SHARE_DIALOG}),
    ]


def pane_link() -> html.Div:
    """*My shared links*, at the foot of the bookmarks pane."""
    return html.Div(
        html.Button("My shared links", id=ids.SHARES_OPEN, type="button",
                    className="btn btn-link btn-sm px-0 vm-shares-open",
                    title="The links you have shared: how often they were opened; revoke them",
                    **{"aria-haspopup": "dialog", "aria-controls": ids.SHARES_DIALOG}),
        className="mt-3 pt-2 border-top vm-shares-link")


# The page's parts -------------------------------------------------------------------------------------

def page_parts(board: Dashboard, token: str | None, name: str | None) -> list:
    """Everything the dashboard page needs for sharing besides the banner's parts.

    ``token``: the link the page was opened from (None on an ordinary page); ``name``: that link's name.
    """
    # The check that the link still opens exists on a page opened from a link only: elsewhere, with no
    # output on the page, dash-renderer does not run it at each change of view.
    return [
        dcc.Store(id=ids.SHARE_TOKEN, data=token),
        *([dcc.Store(id=ids.SHARE_CHECK)] if token else []),
        dcc.Store(id=ids.SHARE_STATUS),
        dcc.Store(id=ids.SHARE_SOURCE),
        dcc.Store(id=ids.SHARE_REQUEST),
        dcc.Store(id=ids.BOOKMARK_SHARE_REQUEST),
        dcc.Store(id=ids.SHARE_REVOKE_REQUEST),
        share_dialog(board),
        save_dialog(name),
        shares_dialog(),
    ]


def share_dialog(board: Dashboard) -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Share a link", id=ids.title_of(ids.SHARE_DIALOG))),
        dbc.ModalBody([
            html.P(intro(board.title, None), id=ids.SHARE_INTRO, className="small text-secondary"),
            dbc.Label("Link", html_for=ids.SHARE_URL, class_name="fw-semibold"),
            dbc.InputGroup([
                dbc.Input(id=ids.SHARE_URL, type="text", readonly=True, value="", autocomplete="off",
                          class_name="font-monospace vm-share-url"),
                dbc.Button("Copy", id=ids.SHARE_COPY, color="primary", title="Copy the link"),
            ]),
            html.Div(id=ids.SHARE_COPIED, role="status", **{"aria-live": "polite"},
                     className="small text-success fw-semibold mt-1 vm-share-copied"),
            html.Div([
                dbc.Label("Link expires after", html_for=ids.SHARE_EXPIRY, class_name="fw-semibold mb-1"),
                dbc.Select(id=ids.SHARE_EXPIRY, value=DEFAULT_EXPIRY, size="sm", class_name="vm-share-expiry",
                           options=[{"label": label, "value": key} for key, label in EXPIRY_LABELS.items()]),
                html.Div(id=ids.SHARE_EXPIRES, className="form-text"),
            ], className="mt-3"),
            html.Div(id=ids.SHARE_ERROR, role="alert", className="text-danger small mt-2"),
        ]),
        dbc.ModalFooter(html.Span("Revoke a link any time in Bookmarks › My shared links.",
                                  className="small text-secondary me-auto")),
    ], id=ids.SHARE_DIALOG,
        labelledby=ids.title_of(ids.SHARE_DIALOG), is_open=False, centered=True, class_name="vm-share-dialog")


def intro(dashboard_title: str, bookmark_name: str | None) -> str:
    what = f"the bookmark “{bookmark_name}”" if bookmark_name else "this view"
    return (f"A link to {what} of {dashboard_title}, as it is now. Whoever opens it must be signed in and "
            "allowed to see the dashboard, and sees the data they are allowed to see.")


def expires_text(share: ShareInfo) -> str:
    if share.expires_at is None:
        return "The link never expires."
    return f"The link stops working on {moment(share.expires_at)}."


def save_dialog(name: str | None) -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Save as my bookmark", id=ids.title_of(ids.SAVE_SHARE_DIALOG))),
        dbc.ModalBody([
            html.P("The shared view, as you see it, becomes one of your own bookmarks of this dashboard.",
                   className="small text-secondary"),
            dbc.Label("Bookmark name", html_for=ids.SAVE_SHARE_NAME),
            dbc.Input(id=ids.SAVE_SHARE_NAME, value=name or "", maxlength=NAME_MAX, autocomplete="off"),
            html.Div(id=ids.SAVE_SHARE_ERROR, className="text-danger small mt-1", role="alert"),
        ]),
        dbc.ModalFooter([dbc.Button("Cancel", id=ids.SAVE_SHARE_CANCEL, color="secondary", outline=True),
                         dbc.Button("Save", id=ids.SAVE_SHARE_CONFIRM, color="primary")]),
    ], id=ids.SAVE_SHARE_DIALOG, labelledby=ids.title_of(ids.SAVE_SHARE_DIALOG), is_open=False, centered=True)


def default_name(share: ShareInfo) -> str:
    return share.name or f"View shared by {share.owner}"


# My shared links --------------------------------------------------------------------------------------

def shares_dialog() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("My shared links", id=ids.title_of(ids.SHARES_DIALOG))),
        dbc.ModalBody([
            html.P("Revoking a link ends it for everyone who has it; bookmarks they saved from it stay theirs.",
                   className="small text-secondary"),
            html.Div(id=ids.SHARES_LIST, tabIndex="-1", className="vm-shares-list"),
        ]),
    ], id=ids.SHARES_DIALOG, labelledby=ids.title_of(ids.SHARES_DIALOG), is_open=False, size="xl", scrollable=True,
        class_name="vm-shares-dialog")


def shares_table(shares: list[ShareInfo], now: datetime | None = None):
    """The user's links, newest first: dashboard, view, created, expiry, times opened, status, Revoke."""
    if not shares:
        return html.P("You have not shared any links yet. Use Share in the banner, or Share… in a bookmark's menu.",
                      className="text-secondary vm-shares-empty")
    head = html.Thead(html.Tr([html.Th(t, scope="col") for t in
                               ("Dashboard", "View", "Created", "Expires", "Opened", "Status")]
                              + [html.Th(html.Span("Actions", className="visually-hidden"), scope="col")]))
    return dbc.Table([head, html.Tbody([share_row(s, now) for s in shares])],
                     hover=True, size="sm", responsive=True, class_name="align-middle mb-0 vm-shares-table")


def share_row(share: ShareInfo, now: datetime | None = None) -> html.Tr:
    board = registry.get(share.dashboard)
    view = view_name(share, board)
    status = status_of(share, now)
    badge = {"live": "success", "revoked": "secondary", "expired": "warning"}[status]
    opened = f"{share.open_count} time{'' if share.open_count == 1 else 's'}"
    action = (html.Button("Revoke", id=ids.share_revoke(share.token), type="button",
                          className="btn btn-outline-danger btn-sm vm-share-revoke",
                          title=f"Revoke the link to {view}", **{"aria-label": f"Revoke the link to {view}"})
              if status == "live" else "")
    return html.Tr([
        html.Td(board.title if board else ("Presentation" if share.kind == PRESENTATION else share.dashboard)),
        html.Td(view, className="vm-share-view"),
        html.Td(moment(share.created_at), className="text-nowrap"),
        html.Td(moment(share.expires_at) if share.expires_at else "Never", className="text-nowrap"),
        html.Td(opened, className="text-nowrap vm-share-opened"),
        html.Td(dbc.Badge(status, color=badge, class_name="vm-share-state"), **{"data-status": status}),
        html.Td(action, className="text-end"),
    ], className="vm-share-row", **{"data-token": share.token})


def view_name(share: ShareInfo, board: Dashboard | None) -> str:
    """The bookmark's name when a bookmark was shared; otherwise the sheet the view shows."""
    if share.name:
        return f"“{share.name}”"
    sheet = share.state.get("sheet") if isinstance(share.state, dict) else None
    titles = {s.id: s.title for s in board.sheets} if board else {}
    return f"A view of {titles[sheet]}" if sheet in titles else "A view"


def status_of(share: ShareInfo, now: datetime | None = None) -> str:
    if share.revoked_at is not None:
        return "revoked"
    return "live" if share.live(now) else "expired"


def list_error(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", class_name="small mb-0")


# Formats ----------------------------------------------------------------------------------------------

def day(moment_: datetime) -> str:
    """``3 Dec 2026`` (UTC)."""
    moment_ = moment_.astimezone(UTC)
    return f"{moment_.day} {moment_:%b %Y}"


def moment(value: datetime) -> str:
    """``3 Dec 2026, 14:05 UTC``."""
    return f"{day(value)}, {value.astimezone(UTC):%H:%M} UTC"
