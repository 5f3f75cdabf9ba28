"""The bookmark pane's callbacks. Thin: who is asking (``current_viewer()``), one service call, format.

Every callback is an endpoint anyone signed in can post to: ids, versions and states from the browser are
never trusted — the service checks ownership and grants and validates states, so a forged request can at
most fail. Failures are explained in a toast; the pane's list is refreshed after a conflict.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from typing import TYPE_CHECKING

from dash import ClientsideFunction, Dash, Input, Output, State, callback_context, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from accounts.viewer import current_viewer
from bookmarks import ui
from bookmarks.api import export_filename
from bookmarks.service import ORIGINAL, BookmarkService, bookmark_service
from core import ids
from core.errors import Conflict, Invalid, ServiceError
from core.runtime import runtime
from dashboards.callbacks import Asked, Asking
from dashboards.clicks import as_object, ask_on_click, clicked
from views.preferences import ViewPreferences
from views.state import canonical_json
from views.url import normalized, search_state, state_search

if TYPE_CHECKING:
    from accounts.viewer import Viewer
    from declarations.model import Dashboard


def register(app: Dash) -> None:
    list_out = [Output(ids.BOOKMARK_LIST, "children", allow_duplicate=True),
                Output(ids.BOOKMARK_VERSIONS, "data", allow_duplicate=True)]
    toast_out = Output(ids.BOOKMARK_TOASTS, "children", allow_duplicate=True)
    active_out = Output(ids.ACTIVE_BOOKMARK, "data", allow_duplicate=True)
    request_out = Output(ids.REQUESTED_STATE, "data", allow_duplicate=True)

    @app.callback(Output(ids.BOOKMARKS_PANE, "is_open"), *list_out,
                  Input(ids.BOOKMARKS_TOGGLE, "n_clicks"), State(ids.DASHBOARD_ID, "data"),
                  State(ids.ACTIVE_BOOKMARK, "data"), prevent_initial_call=True)
    def open_pane(_clicks, dashboard_id, active):
        # Fresh from the server: another tab or browser may have changed the bookmarks.
        return True, *_listing(dashboard_id, active)

    # Add (or Enter in the name) and a bookmark's Update go through the browser first: the view is an input
    # there, so dash-renderer holds the request while a change of view is being answered, and the bookmark
    # saves the view chosen, not the one before (a State is read as it stands). The requests are set with
    # set_props, not as outputs (docs/architecture.md, "One request per view change"). One callback for both:
    # it runs, to no effect, at each change of view, and each callback run costs the whole page an update.
    app.clientside_callback(ClientsideFunction("viewmark_bookmarks", "save_request"),
                            Input(ids.BOOKMARK_ADD, "n_clicks"), Input(ids.BOOKMARK_NAME, "n_submit"),
                            Input(ids.bookmark_action("update"), "n_clicks"), Input(ids.VIEW_STATE, "data"),
                            State(ids.BOOKMARK_NAME, "value"), State(ids.BOOKMARK_ADD, "id"),
                            State(ids.BOOKMARK_NAME, "id"), State(ids.BOOKMARK_ADD_REQUEST, "id"),
                            State(ids.BOOKMARK_UPDATE_REQUEST, "id"), prevent_initial_call=True)

    @app.callback(*list_out, active_out, Output(ids.BOOKMARK_NAME, "value"), toast_out,
                  Input(ids.BOOKMARK_ADD_REQUEST, "data"), State(ids.DASHBOARD_ID, "data"),
                  prevent_initial_call=True)
    def add(request, dashboard_id):
        if not clicked():
            raise PreventUpdate
        request = as_object(request)
        try:
            saved = bookmark_service().add(current_viewer(), dashboard_id, request.get("name") or "",
                                           request.get("state"))
        except ServiceError as exc:
            return no_update, no_update, no_update, no_update, ui.toast(exc.message, "danger")
        return (*_listing(dashboard_id, ui.active_data(saved)), ui.active_data(saved), "",
                ui.toast(f"Saved “{saved.name}”."))

    # Update saves the view on screen too: asked through the browser first, as Add is (``save_request``).
    @app.callback(*list_out, active_out, toast_out,
                  Input(ids.BOOKMARK_UPDATE_REQUEST, "data"), State(ids.BOOKMARK_VERSIONS, "data"),
                  State(ids.DASHBOARD_ID, "data"), State(ids.ACTIVE_BOOKMARK, "data"), prevent_initial_call=True)
    def update(request, versions, dashboard_id, active):
        if not clicked():
            raise PreventUpdate
        request = as_object(request)
        bookmark = request.get("bookmark")
        try:
            saved = bookmark_service().update(current_viewer(), bookmark, request.get("state"),
                                              as_object(versions).get(str(bookmark)))
        except ServiceError as exc:  # changed or deleted elsewhere, or refused: show the list as it is now
            return *_listing(dashboard_id, active), no_update, ui.toast(exc.message, "danger")
        active = ui.active_data(saved)
        return *_listing(dashboard_id, active), active, ui.toast(f"Updated “{saved.name}” with the current view.")

    # A bookmark, the Original or Reset clicked: the browser sets which one as the request that the view's
    # callback answers with its view, in the same request (``APPLYING``). Set with set_props, as Add's is.
    app.clientside_callback(ClientsideFunction("viewmark_bookmarks", "apply_request"),
                            Input(ids.RESET_ORIGINAL, "n_clicks"), Input(ids.bookmark_action("apply"), "n_clicks"),
                            State(ids.BOOKMARK_APPLY_REQUEST, "id"), State(ids.RESET_ORIGINAL, "id"),
                            prevent_initial_call=True)

    # The pane's other buttons ask through the browser too, so a new list sends no request (``ask_on_click``).
    ask_on_click(app, [ids.bookmark_action(a) for a in ACTIONS], ids.BOOKMARK_ACT_REQUEST)
    ask_on_click(app, [ids.bookmark_action(a) for a in DIALOGS], ids.BOOKMARK_DIALOG_REQUEST)

    @app.callback(*list_out, toast_out, Output(ids.BOOKMARK_FOCUS, "data"),
                  Input(ids.BOOKMARK_ACT_REQUEST, "data"), State(ids.DASHBOARD_ID, "data"),
                  State(ids.ACTIVE_BOOKMARK, "data"), prevent_initial_call=True)
    def act(request, dashboard_id, active):
        action, bookmark = as_object(request).get("action"), as_object(request).get("bookmark")
        if action not in ACTIONS:
            raise PreventUpdate
        context = Context(bookmark_service(), dashboard_id, bookmark)
        try:
            outcome = ACTIONS[action](context)
        except ServiceError as exc:  # changed or deleted elsewhere, or refused: show the list as it is now
            return *_listing(dashboard_id, active), ui.toast(exc.message, "danger"), no_update
        return *_listing(dashboard_id, active), outcome.get("toast", no_update), outcome.get("focus", no_update)

    # The applied bookmark's line is marked in the list as it is (the server sends no new list to apply one).
    app.clientside_callback(
        ClientsideFunction("viewmark_bookmarks", "mark"), Input(ids.ACTIVE_BOOKMARK, "data"),
        State(ids.bookmark_item(), "className"), State(ids.bookmark_item(), "id"),
        State(ids.bookmark_action("apply"), "aria-current"), State(ids.bookmark_action("apply"), "id"),
        prevent_initial_call=True)

    @app.callback(Output(ids.RENAME_DIALOG, "is_open"), Output(ids.RENAME_NAME, "value"),
                  Output(ids.RENAME_ERROR, "children"), Output(ids.DELETE_DIALOG, "is_open"),
                  Output(ids.DELETE_TEXT, "children"), Output(ids.DIALOG_TARGET, "data"), toast_out,
                  Input(ids.BOOKMARK_DIALOG_REQUEST, "data"), State(ids.BOOKMARK_VERSIONS, "data"),
                  prevent_initial_call=True)
    def open_dialog(request, versions):
        target = as_object(request)
        if target.get("action") not in DIALOGS:
            raise PreventUpdate
        try:
            saved = bookmark_service().get(current_viewer(), target.get("bookmark"))
        except ServiceError as exc:
            return *(no_update,) * 6, ui.toast(exc.message, "danger")
        dialog = {"id": saved.id, "version": as_object(versions).get(str(saved.id), saved.version)}
        if target.get("action") == "rename":
            return True, saved.name, None, no_update, no_update, dialog, no_update
        question = f"Delete the bookmark “{saved.name}”? This cannot be undone."
        return no_update, no_update, no_update, True, question, dialog, no_update

    @app.callback(Output(ids.RENAME_DIALOG, "is_open", allow_duplicate=True),
                  Output(ids.RENAME_ERROR, "children", allow_duplicate=True), *list_out, active_out, toast_out,
                  Input(ids.RENAME_SAVE, "n_clicks"), Input(ids.RENAME_NAME, "n_submit"),
                  Input(ids.RENAME_CANCEL, "n_clicks"), State(ids.RENAME_NAME, "value"),
                  State(ids.DIALOG_TARGET, "data"), State(ids.DASHBOARD_ID, "data"),
                  State(ids.ACTIVE_BOOKMARK, "data"), prevent_initial_call=True)
    def rename(_saves, _submits, _cancels, name, target, dashboard_id, active):
        trigger = clicked()
        if not trigger or not isinstance(target, dict):
            raise PreventUpdate
        if trigger == ids.RENAME_CANCEL:
            return False, None, no_update, no_update, no_update, no_update
        try:
            saved = bookmark_service().rename(current_viewer(), target.get("id"), name or "", target.get("version"))
        except ServiceError as exc:
            if isinstance(exc, (Invalid, Conflict)) and exc.field == "name":
                return no_update, exc.message, no_update, no_update, no_update, no_update  # pick another name
            return False, None, *_listing(dashboard_id, active), no_update, ui.toast(exc.message, "danger")
        was_active = bool(active) and as_object(active).get("id") == saved.id
        active = ui.active_data(saved) if was_active else active
        return (False, None, *_listing(dashboard_id, active), active if was_active else no_update,
                ui.toast(f"Renamed to “{saved.name}”."))

    @app.callback(Output(ids.DELETE_DIALOG, "is_open", allow_duplicate=True), *list_out, active_out, toast_out,
                  Input(ids.DELETE_CONFIRM, "n_clicks"), Input(ids.DELETE_CANCEL, "n_clicks"),
                  State(ids.DIALOG_TARGET, "data"), State(ids.DASHBOARD_ID, "data"),
                  State(ids.ACTIVE_BOOKMARK, "data"), prevent_initial_call=True)
    def delete(_confirms, _cancels, target, dashboard_id, active):
        trigger = clicked()
        if not trigger or not isinstance(target, dict):
            raise PreventUpdate
        if trigger == ids.DELETE_CANCEL:
            return False, no_update, no_update, no_update, no_update
        try:
            deleted = bookmark_service().delete(current_viewer(), target.get("id"), target.get("version"))
        except ServiceError as exc:
            return False, *_listing(dashboard_id, active), no_update, ui.toast(exc.message, "danger")
        still_active = active if active and as_object(active).get("id") != deleted.id else None
        return (False, *_listing(dashboard_id, still_active), still_active if still_active != active else no_update,
                ui.toast(f"Deleted “{deleted.name}”."))

    @app.callback(Output(ids.BOOKMARKS_DOWNLOAD, "data"), toast_out, Input(ids.BOOKMARKS_EXPORT, "n_clicks"),
                  State(ids.DASHBOARD_ID, "data"), prevent_initial_call=True)
    def export(_clicks, dashboard_id):
        if not clicked():
            raise PreventUpdate
        try:
            document = bookmark_service().export(current_viewer(), dashboard_id)
        except ServiceError as exc:
            return no_update, ui.toast(exc.message, "danger")
        count = len(document["bookmarks"])
        return ({"content": json.dumps(document, ensure_ascii=False, indent=2), "base64": False,
                 "filename": export_filename(document["dashboard"]), "type": "application/json"},
                ui.toast(f"Exported {count} bookmark{'s' if count != 1 else ''}."))

    @app.callback(*list_out, toast_out, Output(ids.BOOKMARKS_IMPORT, "contents"),
                  Input(ids.BOOKMARKS_IMPORT, "contents"), State(ids.DASHBOARD_ID, "data"),
                  State(ids.ACTIVE_BOOKMARK, "data"), prevent_initial_call=True)
    def import_file(contents, dashboard_id, active):
        if not contents or not isinstance(contents, str):
            raise PreventUpdate
        try:
            report = bookmark_service().import_bookmarks(current_viewer(), dashboard_id, _upload_bytes(contents))
        except ServiceError as exc:
            message = f"Nothing was imported. {exc.message}"
            return no_update, no_update, ui.toast(message, "danger"), None
        # Cleared, so choosing the same file again imports again.
        return *_listing(dashboard_id, active), ui.toast(report.summary()), None

    @app.callback(Output(ids.BANNER_TITLE, "children"), Output(ids.BANNER_TITLE, "title"),
                  Output(ids.BANNER_MODIFIED, "hidden"),
                  Output(ids.URL, "search"), Output(ids.URL, "pathname"),
                  Output(ids.SHOWN_PATH, "data", allow_duplicate=True),
                  Input(ids.VIEW_STATE, "data"), Input(ids.ACTIVE_BOOKMARK, "data"),
                  State(ids.URL, "search"), State(ids.URL, "pathname"), State(ids.OPENED_STATE, "data"),
                  State(ids.DASHBOARD_ID, "data"), prevent_initial_call="initial_duplicate")
    def track(state, active, search, pathname, opened, dashboard_id):
        """The banner (active bookmark, *Modified*), the address bar and the server-side last state."""
        viewer = current_viewer()
        service = bookmark_service()
        board = service.dashboards.get(dashboard_id, viewer)
        active = as_object(active)
        modified = bool(active) and canonical_json(active.get("state")) != canonical_json(state)
        name = active.get("name") if active else None
        banner = ui.title(board.title, name), ui.title_tooltip(board.title, name)
        # When the page applied a bookmark, the new state and the new active bookmark arrive together.
        if f"{ids.VIEW_STATE}.data" not in callback_context.triggered_prop_ids or not state:
            return *banner, not modified, no_update, no_update, no_update
        current = service.views.parse(board, state, viewer, strict=False)[0]
        if viewer.user_id is not None:
            # Never in the user's way: the last view is a convenience (and skipped when unchanged).
            with contextlib.suppress(ServiceError, SQLAlchemyError):
                ViewPreferences(runtime().db).remember(viewer.user_id, current)
        new_search = _search_for(service, board, viewer, current, search, opened)
        if new_search is no_update or normalized(pathname) == board.path:
            return *banner, not modified, new_search, no_update, no_update
        # A changed shared view (/s/<token>) is the viewer's own view of the dashboard from now on: its
        # address becomes the dashboard's, and the page on screen says it already shows that path.
        return *banner, not modified, new_search, board.path, board.path

    app.clientside_callback(
        ClientsideFunction("viewmark_bookmarks", "follow_url"),
        request_out, Input(ids.URL, "search"), State(ids.URL, "pathname"), State(ids.VIEW_STATE, "data"),
        State(ids.OPENED_STATE, "data"), State(ids.DASHBOARD_ID, "data"), prevent_initial_call=True)

    # The address bar holds the opened view from the start (replacing the entry: no extra history step).
    # (An output, so that Dash calls it when the page appears: it does not for callbacks without one.)
    app.clientside_callback(ClientsideFunction("viewmark_bookmarks", "show_opened"),
                            Output(ids.OPENED_SHOWN, "data"), Input(ids.OPENED_SEARCH, "data"),
                            State(ids.DASHBOARD_ID, "data"))

    app.clientside_callback(ClientsideFunction("viewmark_bookmarks", "focus"),
                            Input(ids.BOOKMARK_FOCUS, "data"), prevent_initial_call=True)


# Pane actions -----------------------------------------------------------------------------------------

class Context:
    def __init__(self, service: BookmarkService, dashboard_id, bookmark):
        self.service, self.dashboard_id, self.bookmark = service, dashboard_id, bookmark
        self.viewer = current_viewer()

    @property
    def is_original(self) -> bool:
        return self.bookmark == ids.ORIGINAL_BOOKMARK


def _set_default(c: Context) -> dict:
    if c.is_original:
        c.service.set_default(c.viewer, c.dashboard_id, ORIGINAL)
        return {"toast": ui.toast("The Original dashboard is now your default view.")}
    saved = c.service.get(c.viewer, c.bookmark)
    c.service.set_default(c.viewer, saved.dashboard, saved.id)
    return {"toast": ui.toast(f"“{saved.name}” is now your default view.")}


def _clear_default(c: Context) -> dict:
    c.service.set_default(c.viewer, c.dashboard_id, None)
    return {"toast": ui.toast("No default view: the dashboard will open where you left off.")}


def _mover(offset: int):
    def move(c: Context) -> dict:
        ordered = c.service.move(c.viewer, c.bookmark, offset)
        index = next(i for i, b in enumerate(ordered) if b.id == c.bookmark)
        # Keep the keyboard focus on the moved bookmark (its other arrow once it reaches an end).
        at_end = index == 0 if offset < 0 else index == len(ordered) - 1
        direction = ("down" if offset < 0 else "up") if at_end else ("up" if offset < 0 else "down")
        return {"focus": ui.dom_id(ids.bookmark_action(direction, c.bookmark)),
                "toast": ui.toast(f"“{ordered[index].name}” is now number {index + 1} of {len(ordered)}.")}
    return move


# Update is not here: it saves the view on screen, and takes it as an input (``update`` above). Nor is apply
# (``APPLYING``).
ACTIONS = {"default": _set_default, "no-default": _clear_default, "up": _mover(-1), "down": _mover(1)}
DIALOGS = ("rename", "delete")  # the pane's buttons that open a dialog first (``open_dialog``)


# Applying -----------------------------------------------------------------------------------------------

def _apply(request, board: Dashboard, viewer: Viewer, states: tuple) -> Asked:
    """The request of a click on a bookmark, on the Original or on Reset (``{"bookmark": id or "original"}``)
    → the state the view's callback shows, the active bookmark and a toast; a bookmark changed or deleted
    elsewhere, or not the viewer's → no state, a toast that says why and the list as it is now."""
    bookmark = as_object(request).get("bookmark")
    if bookmark == ids.ORIGINAL_BOOKMARK:
        return Asked(bookmark_service().views.original(board).to_dict(),
                     (None, ui.toast("Showing the Original dashboard."), no_update, no_update))
    try:
        applied = bookmark_service().apply(viewer, bookmark)
    except ServiceError as exc:
        return Asked(None, (no_update, ui.toast(exc.message, "danger"), *_listing(board.id, states[0])))
    # The saved state is shown as saved: the view's callback validates it and says what it had to drop. The
    # list is not sent again: only which line is marked changes, and the browser moves the mark (``mark``).
    return Asked(applied.bookmark.state, (ui.active_data(applied.bookmark),
                                          ui.toast(f"Showing “{applied.bookmark.name}”."), no_update, no_update))


# The view's callback takes these requests (dashboards.callbacks.Asking; wired by shell.callbacks).
APPLYING = Asking(
    inputs=(Input(ids.BOOKMARK_APPLY_REQUEST, "data"),),
    states=(State(ids.ACTIVE_BOOKMARK, "data"),),
    outputs=(Output(ids.ACTIVE_BOOKMARK, "data", allow_duplicate=True),
             Output(ids.BOOKMARK_TOASTS, "children", allow_duplicate=True),
             Output(ids.BOOKMARK_LIST, "children", allow_duplicate=True),
             Output(ids.BOOKMARK_VERSIONS, "data", allow_duplicate=True)),
    answer=_apply)


# Helpers ----------------------------------------------------------------------------------------------

def _listing(dashboard_id, active) -> tuple:
    """The pane's list and versions, fresh from the server."""
    service = bookmark_service()
    viewer = current_viewer()
    try:
        bookmarks = service.list_bookmarks(viewer, dashboard_id)
        default = service.default(viewer, dashboard_id)
    except ServiceError as exc:
        return ui.list_error(exc.message), {}
    active_id = active.get("id") if isinstance(active, dict) else None
    return ui.bookmark_list(bookmarks, default, active_id)


def _search_for(service, board, viewer, current, search, opened):
    """``?state=…`` for the current state, or no change when the address already shows it (no new
    history entry: back and forward keep working)."""
    shown = search_state(search)
    if shown is None:
        shown_state = opened
    else:
        try:
            shown_state = service.views.parse(board, shown, viewer, strict=False)[0].to_dict()
        except ServiceError:
            shown_state = None
    if shown_state is not None and canonical_json(shown_state) == current.to_json():
        return no_update
    return state_search(current.to_json())


def _upload_bytes(contents: str) -> bytes:
    _, _, data = contents.partition(",")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("The file could not be read.", "file") from None

