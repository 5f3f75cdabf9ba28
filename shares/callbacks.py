"""Sharing's callbacks. Thin: who is asking (``current_viewer()``), one service call, format.

Every callback is an endpoint anyone signed in can post to: tokens, bookmark ids, states and expiry
choices from the browser are never trusted — the share service checks sign-in, grants, ownership and
liveness and validates states, so a forged request can at most fail. Failures are explained in a toast or in
the dialog, never as a stack trace.
"""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from accounts.viewer import current_viewer
from bookmarks.ui import toast
from core import ids
from core.errors import Invalid, ServiceError
from dashboards import registry
from dashboards.clicks import as_object, ask_on_click, clicked
from shares import ui
from shares.api import absolute_url
from shares.service import EXPIRY_CHOICES, LinkGone, NoAccess, ShareInfo, share_service


def register(app: Dash) -> None:
    toast_out = Output(ids.BOOKMARK_TOASTS, "children", allow_duplicate=True)
    status_out = Output(ids.SHARE_STATUS, "data", allow_duplicate=True)

    # The share dialog -----------------------------------------------------------------------------------

    # Share asks for the view on screen through the browser first: the view is an input there, so
    # dash-renderer holds the request while a change of view is being answered, and Share clicked right
    # after choosing a filter shares the view chosen, not the one before (a State is read as it stands).
    # The request is set with set_props, not as an output (docs/architecture.md, "One request per view change").
    app.clientside_callback(ClientsideFunction("viewmark_shares", "request"),
                            Input(ids.SHARE_OPEN, "n_clicks"), Input(ids.VIEW_STATE, "data"),
                            State(ids.SHARE_OPEN, "id"), State(ids.SHARE_REQUEST, "id"), prevent_initial_call=True)

    # A bookmark's Share… in the pane's list, through the browser: a new list sends no request (``ask_on_click``).
    ask_on_click(app, [ids.bookmark_action("share")], ids.BOOKMARK_SHARE_REQUEST)

    @app.callback(Output(ids.SHARE_DIALOG, "is_open"), Output(ids.SHARE_URL, "value"),
                  Output(ids.SHARE_EXPIRY, "value"), Output(ids.SHARE_SOURCE, "data"),
                  Output(ids.SHARE_INTRO, "children"), Output(ids.SHARE_EXPIRES, "children"),
                  Output(ids.SHARE_COPIED, "children", allow_duplicate=True), Output(ids.SHARE_ERROR, "children"),
                  toast_out,
                  Input(ids.SHARE_REQUEST, "data"), Input(ids.BOOKMARK_SHARE_REQUEST, "data"),
                  Input(ids.SHARE_EXPIRY, "value"),
                  State(ids.DASHBOARD_ID, "data"), State(ids.SHARE_SOURCE, "data"), prevent_initial_call=True)
    def share(request, bookmark_request, expiry, dashboard_id, source):
        """Share (the view on screen) or a bookmark's Share…: a link, shown in the dialog. Choosing another
        expiry makes a link of the same view with that expiry."""
        target = clicked()
        if not target:
            raise PreventUpdate
        if target == ids.SHARE_EXPIRY:
            if not isinstance(source, dict):
                raise PreventUpdate
            try:
                link = _create(source, expiry)
            except ServiceError as exc:  # no link is better than one with another expiry than chosen
                return no_update, "", no_update, no_update, no_update, "", "", exc.message, no_update
            return (no_update, absolute_url(link), no_update, no_update, no_update, ui.expires_text(link), "", None,
                    no_update)
        if target == ids.SHARE_REQUEST:
            source = {"dashboard": dashboard_id, "state": as_object(request).get("state")}
        else:
            source = {"dashboard": dashboard_id, "bookmark": as_object(bookmark_request).get("bookmark")}
        try:
            link = _create(source, ui.DEFAULT_EXPIRY)
        except ServiceError as exc:
            return *(no_update,) * 8, toast(exc.message, "danger")
        board = registry.get(link.dashboard)
        return (True, absolute_url(link), ui.DEFAULT_EXPIRY, source, ui.intro(board.title, link.name),
                ui.expires_text(link), "", None, no_update)

    app.clientside_callback(ClientsideFunction("viewmark_shares", "copy"),
                            Output(ids.SHARE_COPIED, "children"), Input(ids.SHARE_COPY, "n_clicks"),
                            State(ids.SHARE_URL, "id"), State(ids.SHARE_COPIED, "id"), prevent_initial_call=True)

    # A page opened from a link ------------------------------------------------------------------------

    # Each change of view on a shared page asks whether the link still opens (it may have been revoked);
    # decided in the browser, so other pages make no request for it. Its output is on shared pages only
    # (shares.ui.page_parts), so elsewhere dash-renderer does not run it at all.
    app.clientside_callback(ClientsideFunction("viewmark_shares", "check"),
                            Output(ids.SHARE_CHECK, "data"), Input(ids.VIEW_STATE, "data"),
                            State(ids.SHARE_TOKEN, "data"), State(ids.SHARE_STATUS, "data"),
                            prevent_initial_call=True)

    @app.callback(status_out, Input(ids.SHARE_CHECK, "data"), State(ids.SHARE_TOKEN, "data"),
                  prevent_initial_call=True)
    def check(_nonce, token):
        if not token:
            raise PreventUpdate
        return _gone(token) or no_update

    # SHARE_GONE and share-save exist on a shared page only, and SHARE_STATUS is only ever set there.
    app.clientside_callback(ClientsideFunction("viewmark_shares", "gone"),
                            Output(ids.SHARE_GONE, "children"), Output(ids.SHARE_SAVE, "disabled"),
                            Input(ids.SHARE_STATUS, "data"), prevent_initial_call=True)

    @app.callback(Output(ids.SAVE_SHARE_DIALOG, "is_open"), Output(ids.SAVE_SHARE_NAME, "value"),
                  Output(ids.SAVE_SHARE_ERROR, "children"), status_out,
                  Input(ids.SHARE_SAVE, "n_clicks"), State(ids.SHARE_TOKEN, "data"), prevent_initial_call=True)
    def open_save(_clicks, token):
        if not clicked() or not token:
            raise PreventUpdate
        try:
            link = share_service().check(current_viewer(), token)
        except ServiceError as exc:
            return no_update, no_update, no_update, exc.message
        return True, ui.default_name(link), None, no_update

    @app.callback(Output(ids.SAVE_SHARE_DIALOG, "is_open", allow_duplicate=True),
                  Output(ids.SAVE_SHARE_ERROR, "children", allow_duplicate=True), status_out, toast_out,
                  Input(ids.SAVE_SHARE_CONFIRM, "n_clicks"), Input(ids.SAVE_SHARE_NAME, "n_submit"),
                  Input(ids.SAVE_SHARE_CANCEL, "n_clicks"), State(ids.SAVE_SHARE_NAME, "value"),
                  State(ids.SHARE_TOKEN, "data"), prevent_initial_call=True)
    def save(_saves, _submits, _cancels, name, token):
        trigger = clicked()
        if not trigger or not token:
            raise PreventUpdate
        if trigger == ids.SAVE_SHARE_CANCEL:
            return False, None, no_update, no_update
        try:
            saved = share_service().save(current_viewer(), token, name or "")
        except (LinkGone, NoAccess) as exc:
            return False, None, exc.message, toast(exc.message, "danger")
        except ServiceError as exc:  # a clashing or empty name, too many bookmarks: say so, keep the dialog
            return no_update, exc.message, no_update, no_update
        return False, None, no_update, toast(f"Saved “{saved.name}” to your bookmarks.")

    # My shared links ----------------------------------------------------------------------------------

    @app.callback(Output(ids.SHARES_DIALOG, "is_open"), Output(ids.SHARES_LIST, "children"),
                  Input(ids.SHARES_OPEN, "n_clicks"), prevent_initial_call=True)
    def open_list(_clicks):
        # Fresh from the server: links are opened, expire and are revoked elsewhere.
        if not clicked():
            raise PreventUpdate
        return True, _listing()

    # Revoke, through the browser: the list drawn anew (opened, after a revoke) sends no request.
    ask_on_click(app, [ids.share_revoke()], ids.SHARE_REVOKE_REQUEST)

    @app.callback(Output(ids.SHARES_LIST, "children", allow_duplicate=True), toast_out,
                  Output(ids.BOOKMARK_FOCUS, "data", allow_duplicate=True),
                  Input(ids.SHARE_REVOKE_REQUEST, "data"), prevent_initial_call=True)
    def revoke(request):
        if not isinstance(request, dict):
            raise PreventUpdate
        try:
            share_service().revoke(current_viewer(), request.get("token"))
        except ServiceError as exc:
            return _listing(), toast(exc.message, "danger"), no_update
        # The Revoke button is gone: the keyboard focus stays in the list rather than falling to the page.
        return _listing(), toast("Link revoked: it no longer opens for anyone."), ids.SHARES_LIST


# Helpers ----------------------------------------------------------------------------------------------

def _create(source: dict, expiry) -> ShareInfo:
    return share_service().create(current_viewer(), source.get("dashboard"), source.get("state"),
                                  bookmark_id=source.get("bookmark"), expires_in_s=_seconds(expiry))


def _seconds(expiry) -> int | None:
    if not isinstance(expiry, str) or expiry not in EXPIRY_CHOICES:
        raise Invalid("Choose when the link expires: never, after 1 day, 7 days or 30 days.", "expiry")
    delta = EXPIRY_CHOICES[expiry]
    return None if delta is None else int(delta.total_seconds())


def _gone(token) -> str | None:
    """Why the link no longer opens for this viewer, or None while it does."""
    try:
        share_service().check(current_viewer(), token)
    except ServiceError as exc:
        return exc.message
    return None


def _listing():
    try:
        return ui.shares_table(share_service().list_mine(current_viewer()))
    except ServiceError as exc:
        return ui.list_error(exc.message)
