"""The bookmarks pane and its banner buttons: components only, built from service values.

The callbacks that drive them are in ``bookmarks.callbacks``.
"""

from __future__ import annotations

import json
import uuid

import dash_bootstrap_components as dbc
from dash import dcc, html
from plotly.io.json import to_json_plotly

from bookmarks.service import DefaultView, Pane, SavedBookmark
from bookmarks.transfer import MAX_IMPORT_BYTES
from core import ids
from declarations.model import Dashboard
from views.state import ViewState

ORIGINAL_NAME = "Original dashboard"
TOAST_SECONDS = 5


# The banner -------------------------------------------------------------------------------------------

def banner_tools() -> list:
    """The bookmark icon that opens the pane, and *Reset to original*, always one click away."""
    return [
        html.Button([html.Span(className="vm-icon-bookmark", **{"aria-hidden": "true"}),
                     html.Span("Bookmarks", className="vm-tool-label ms-1")],
                    id=ids.BOOKMARKS_TOGGLE, type="button", title="Bookmarks",
                    className="btn btn-outline-light btn-sm vm-bookmarks-toggle",
                    # Not aria-controls: the closed pane is not in the page, and the name would point nowhere.
                    **{"aria-label": "Bookmarks", "aria-haspopup": "dialog"}),
        html.Button([html.Span("↺", **{"aria-hidden": "true"}),
                     html.Span("Reset", className="vm-tool-label ms-1")],
                    id=ids.RESET_ORIGINAL, type="button", title="Reset to the Original dashboard",
                    className="btn btn-outline-light btn-sm",
                    **{"aria-label": "Reset to the Original dashboard"}),
    ]


def title(dashboard_title: str, bookmark_name: str | None):
    """``banner-title``: the dashboard's title, and the active bookmark's name after it.

    One line whatever the name (the banner cuts it with an ellipsis); ``title_tooltip`` is the whole of it.
    """
    if bookmark_name is None:
        return dashboard_title
    return [html.Span(dashboard_title, className="vm-banner-dashboard"),
            html.Span(" / ", className="vm-banner-separator", **{"aria-hidden": "true"}),
            html.Span(bookmark_name, className="vm-banner-bookmark")]


def title_tooltip(dashboard_title: str, bookmark_name: str | None) -> str:
    """The ``title`` attribute of ``banner-title``: the full text, which the banner may have cut short."""
    return dashboard_title if bookmark_name is None else f"{dashboard_title} / {bookmark_name}"


# The page's parts -------------------------------------------------------------------------------------

def page_parts(board: Dashboard, opened: ViewState, pane: Pane, *, pane_extras: list | None = None,
               opened_search: str | None = None) -> list:
    """Everything the dashboard page needs for bookmarks besides the banner buttons.

    ``pane_extras`` go at the foot of the pane (parts of layers above, such as *My shared links*);
    ``opened_search`` is the ``?state=`` the address bar should hold for the opened view, if it differs.
    """
    children, versions = bookmark_list(pane.bookmarks, pane.default, pane.active.id if pane.active else None)
    return [
        dcc.Store(id=ids.ACTIVE_BOOKMARK, data=active_data(pane.active)),
        dcc.Store(id=ids.OPENED_STATE, data=opened.to_dict()),
        dcc.Store(id=ids.OPENED_SEARCH, data=opened_search),
        dcc.Store(id=ids.OPENED_SHOWN),
        dcc.Store(id=ids.BOOKMARK_VERSIONS, data=versions),
        dcc.Store(id=ids.DIALOG_TARGET),
        dcc.Store(id=ids.BOOKMARK_UPDATE_REQUEST),
        dcc.Store(id=ids.BOOKMARK_APPLY_REQUEST),
        dcc.Store(id=ids.BOOKMARK_ACT_REQUEST),
        dcc.Store(id=ids.BOOKMARK_DIALOG_REQUEST),
        dcc.Store(id=ids.BOOKMARK_FOCUS),
        dcc.Download(id=ids.BOOKMARKS_DOWNLOAD),
        dbc.Offcanvas([
            add_form(),
            html.Div(children, id=ids.BOOKMARK_LIST, className="vm-bookmark-list"),
            transfer_buttons(),
            *(pane_extras or []),
        ], id=ids.BOOKMARKS_PANE, title=html.Span("Bookmarks", id=ids.title_of(ids.BOOKMARKS_PANE)),
            labelledby=ids.title_of(ids.BOOKMARKS_PANE), placement="end", is_open=False, scrollable=True,
            class_name="vm-bookmarks-pane"),
        rename_dialog(),
        delete_dialog(),
        html.Div(id=ids.BOOKMARK_TOASTS, className="vm-toasts position-fixed bottom-0 start-50 translate-middle-x p-3",
                 **{"aria-live": "polite"}),
    ]


def add_form() -> html.Div:
    return html.Div([
        dbc.Label("Save this view as a bookmark", html_for=ids.BOOKMARK_NAME, class_name="small fw-semibold"),
        dbc.InputGroup([
            dbc.Input(id=ids.BOOKMARK_NAME, placeholder="Bookmark name", maxlength=100, autocomplete="off",
                      debounce=False),
            dbc.Button("Add", id=ids.BOOKMARK_ADD, color="primary"),
        ], size="sm"),
        dcc.Store(id=ids.BOOKMARK_ADD_REQUEST),
    ], className="mb-3 vm-bookmark-add")


def transfer_buttons() -> html.Div:
    return html.Div([
        dbc.Button("Export", id=ids.BOOKMARKS_EXPORT, color="secondary", outline=True, size="sm",
                   title="Download all your bookmarks of this dashboard as a JSON file"),
        dcc.Upload(html.Button("Import", type="button", className="btn btn-outline-secondary btn-sm",
                               title="Add bookmarks from an exported JSON file"),
                   id=ids.BOOKMARKS_IMPORT, accept=".json,application/json", max_size=MAX_IMPORT_BYTES,
                   multiple=False, className="vm-upload"),
    ], className="d-flex gap-2 mt-3 pt-3 border-top vm-bookmark-transfer")


# The list ---------------------------------------------------------------------------------------------

def bookmark_list(bookmarks, default: DefaultView, active_id: int | None) -> tuple[html.Ul, dict]:
    """The pane's list — the Original first, then the user's bookmarks in their order — and the version of
    each bookmark as shown, which the pane's actions send back for the conflict check."""
    items = [original_item(default, active_id is None)]
    items += [bookmark_item(b, i, len(bookmarks), b.id == active_id) for i, b in enumerate(bookmarks)]
    if not bookmarks:
        items.append(html.Li("No bookmarks yet: set the filters you want, name the view and choose Add.",
                             className="list-group-item small text-secondary vm-bookmark-empty"))
    versions = {str(b.id): b.version for b in bookmarks}
    return html.Ul(items, className="list-group"), versions


def original_item(default: DefaultView, active: bool) -> html.Li:
    menu = [_menu_item("Remove as default", "no-default", ids.ORIGINAL_BOOKMARK) if default.original
            else _menu_item("Set as default", "default", ids.ORIGINAL_BOOKMARK)]
    return _item(ORIGINAL_NAME, ids.ORIGINAL_BOOKMARK, default.original, active, menu, moves=None,
                 class_name="vm-bookmark-original")


def bookmark_item(bookmark: SavedBookmark, index: int, count: int, active: bool) -> html.Li:
    menu = [
        _menu_item("Rename", "rename", bookmark.id),
        _menu_item("Update with this view", "update", bookmark.id),
        (_menu_item("Remove as default", "no-default", bookmark.id) if bookmark.is_default
         else _menu_item("Set as default", "default", bookmark.id)),
        _menu_item("Share…", "share", bookmark.id),
        dbc.DropdownMenuItem(divider=True),
        _menu_item("Delete…", "delete", bookmark.id, class_name="text-danger"),
    ]
    return _item(bookmark.name, bookmark.id, bookmark.is_default, active, menu,
                 moves=(index > 0, index < count - 1))


ACTIVE = "vm-bookmark-active"  # the line of the bookmark applied (assets/viewmark/bookmarks.js moves it)


def _item(name: str, bookmark, is_default: bool, active: bool, menu: list, moves, class_name: str = "") -> html.Li:
    # One line in the pane (cut with an ellipsis, see viewmark.css); the full name as its tooltip.
    label = [html.Span(name, className="vm-bookmark-name", title=name)]
    if is_default:
        label = [html.Span("★", className="vm-default-mark me-1", title="Your default view",
                           **{"aria-hidden": "true"}),
                 *label, html.Span(" (default view)", className="visually-hidden")]
    parts = [html.Button(label, id=ids.bookmark_action("apply", bookmark), type="button",
                         className="btn btn-link text-start text-decoration-none flex-grow-1 px-1 vm-bookmark-apply",
                         title=f"Apply “{name}”", **({"aria-current": "true"} if active else {}))]
    if moves is not None:
        up, down = moves
        parts += [
            html.Button("↑", id=ids.bookmark_action("up", bookmark), type="button", disabled=not up,
                        className="btn btn-sm btn-outline-secondary vm-move", **{"aria-label": f"Move “{name}” up"}),
            html.Button("↓", id=ids.bookmark_action("down", bookmark), type="button", disabled=not down,
                        className="btn btn-sm btn-outline-secondary vm-move",
                        **{"aria-label": f"Move “{name}” down"}),
        ]
    # The menu's items are put in by the browser when it is opened (``data-menu``; bookmarks.js, ``fillMenu``):
    # each component on the page costs every later update of the page, and a list of 20 bookmarks would
    # carry some 140 items nobody opened. For the same reason the toggle's label is text, not components: its
    # words name it for screen readers and CSS shows the eye a ⋮ in their place (``vm-menu-toggle``).
    parts.append(dbc.DropdownMenu(
        [], id=ids.bookmark_menu(bookmark), label=f"Actions for “{name}”",
        caret=False, color="link", size="sm", align_end=True, class_name="vm-bookmark-menu",
        toggle_class_name="text-body text-decoration-none px-2 vm-menu-toggle vm-bookmark-menu-toggle"))
    classes = f"list-group-item d-flex align-items-center gap-1 py-1 vm-bookmark {class_name}"
    return html.Li(parts, id=ids.bookmark_item(bookmark), className=classes + (f" {ACTIVE}" if active else ""),
                   **{"data-bookmark": str(bookmark), "data-menu": to_json_plotly(menu)})


def menu_items(line: html.Li) -> list[dict]:
    """The ⋮ menu items of a line of the list, as the browser puts them in (plain JSON-ready data)."""
    return json.loads(getattr(line, "data-menu"))


def _menu_item(children, action: str, bookmark, **kwargs) -> dbc.DropdownMenuItem:
    return dbc.DropdownMenuItem(children, id=ids.bookmark_action(action, bookmark), **kwargs)


# Dialogs and messages ---------------------------------------------------------------------------------

def rename_dialog() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Rename bookmark", id=ids.title_of(ids.RENAME_DIALOG))),
        dbc.ModalBody([
            dbc.Label("New name", html_for=ids.RENAME_NAME),
            dbc.Input(id=ids.RENAME_NAME, maxlength=100, autocomplete="off"),
            html.Div(id=ids.RENAME_ERROR, className="text-danger small mt-1", role="alert"),
        ]),
        dbc.ModalFooter([dbc.Button("Cancel", id=ids.RENAME_CANCEL, color="secondary", outline=True),
                         dbc.Button("Rename", id=ids.RENAME_SAVE, color="primary")]),
    ], id=ids.RENAME_DIALOG, labelledby=ids.title_of(ids.RENAME_DIALOG), is_open=False, centered=True)


def delete_dialog() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Delete bookmark", id=ids.title_of(ids.DELETE_DIALOG))),
        dbc.ModalBody(id=ids.DELETE_TEXT),
        dbc.ModalFooter([dbc.Button("Cancel", id=ids.DELETE_CANCEL, color="secondary", outline=True),
                         dbc.Button("Delete", id=ids.DELETE_CONFIRM, color="danger")]),
    ], id=ids.DELETE_DIALOG, labelledby=ids.title_of(ids.DELETE_DIALOG), is_open=False, centered=True)


def toast(message: str, kind: str = "success", *, component_id: str = ids.BOOKMARK_TOAST,
          seconds: int = TOAST_SECONDS) -> dbc.Toast:
    """One confirmation (``success``) or explanation of a failure (``danger``, ``warning``). A new key each
    time: the same message shows again even after the last one was closed."""
    headers = {"success": "Done", "danger": "Not done", "warning": "Note"}
    # No ``icon``: dbc draws it as an image without a name; the stylesheet draws the coloured mark instead.
    return dbc.Toast(message, id=component_id, header=headers[kind], is_open=True,
                     dismissable=True, duration=seconds * 1000, class_name=f"vm-toast vm-toast-{kind}",
                     key=uuid.uuid4().hex)


def list_error(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", class_name="small")


def active_data(bookmark: SavedBookmark | None) -> dict | None:
    if bookmark is None:
        return None
    return {"id": bookmark.id, "name": bookmark.name, "state": bookmark.state, "version": bookmark.version}


# The browser ------------------------------------------------------------------------------------------

def dom_id(component_id: dict) -> str:
    """The DOM id Dash gives a dict id (keys sorted, no spaces), for focusing it from the browser."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
