"""The presentations page: the user's presentations (name, number of slides, Play, Edit and a ⋮ menu), the
*New presentation* form, the editor of one presentation's slides, and the rename, delete and share dialogs.

Components only, built from service values; the callbacks that drive them are in
``presentations.callbacks``. The page is ``page_body(viewer)``, which the shell puts under the banner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from accounts.viewer import Viewer
from bookmarks.repository import SavedBookmark
from bookmarks.service import bookmark_service
from bookmarks.ui import dom_id, list_error
from core import ids
from core.errors import ServiceError
from core.runtime import runtime
from declarations.model import Dashboard
from presentations.models import NAME_MAX
from presentations.service import PresentationInfo, PresentationService, presentation_service

NEW = "new"  # the New presentation form's bookmark choices
EDITOR = "editor"  # the editor's
EMPTY = "No presentations yet: name one under New presentation, choose its slides from your bookmarks, and Create."
NO_BOOKMARKS = "You have no bookmarks yet: save views of a dashboard as bookmarks, then choose them here."
LINK_HELP = "A link someone shared with you (…/s/…); several may be pasted, separated by spaces."


@dataclass(frozen=True)
class Choices:
    """The viewer's bookmarks, by dashboard (the dashboards they may view, in the registry's order)."""

    groups: tuple[tuple[Dashboard, tuple[SavedBookmark, ...]], ...]

    def find(self, bookmark_id) -> tuple[Dashboard, SavedBookmark] | None:
        for board, bookmarks in self.groups:
            for saved in bookmarks:
                if saved.id == bookmark_id:
                    return board, saved
        return None


def choices_for(viewer: Viewer) -> Choices:
    service = bookmark_service()
    return Choices(tuple((board, tuple(service.list_bookmarks(viewer, board.id)))
                         for board in runtime().dashboards.dashboards_for(viewer)))


def can_share() -> bool:
    """Whether the presentation service can make a link to a presentation (``share``)."""
    return callable(getattr(PresentationService, "share", None))


# The page ---------------------------------------------------------------------------------------------

def page_body(viewer: Viewer) -> list:
    """The page's content: the list, the New presentation form, the dialogs and the toasts."""
    try:
        presentations = presentation_service().list_mine(viewer)
        listing, versions = presentation_list(presentations)
        choices = choices_for(viewer)
        form = new_form(choices)
    except ServiceError as exc:
        listing, versions, form = list_error(exc.message), {}, html.Div()
    return [
        dcc.Store(id=ids.PRESENTATION_VERSIONS, data=versions),
        dcc.Store(id=ids.PRESENTATION_TARGET),
        dcc.Store(id=ids.PRESENTATION_FOCUS),
        dcc.Store(id=ids.EDITOR_DRAFT),
        *(dcc.Store(id=request) for request in (ids.PRESENTATION_DIALOG_REQUEST, ids.PRESENTATION_DUPLICATE_REQUEST,
                                                ids.PRESENTATION_SHARE_REQUEST, ids.PRESENTATION_EDIT_REQUEST,
                                                ids.SLIDE_REQUEST)),
        html.Div([
            html.Section([
                html.H2("Your presentations", id="vm-presentations-heading", className="h5 mb-3"),
                html.Div(listing, id=ids.PRESENTATION_LIST, tabIndex="-1", className="vm-presentation-list"),
            ], className="col-12 col-lg-7", **{"aria-labelledby": "vm-presentations-heading"}),
            html.Section(form, className="col-12 col-lg-5"),
        ], id=ids.PRESENTATIONS_PAGE, className="row g-4 pb-4 vm-presentations"),
        editor_dialog(),
        rename_dialog(),
        delete_dialog(),
        *([share_dialog()] if can_share() else []),
        html.Div(id=ids.PRESENTATION_TOASTS,
                 className="vm-toasts position-fixed bottom-0 start-50 translate-middle-x p-3",
                 **{"aria-live": "polite"}),
    ]


# The list ---------------------------------------------------------------------------------------------

def presentation_list(presentations: Sequence[PresentationInfo]) -> tuple:
    """The user's presentations, by name, and the version of each as shown (sent back for the conflict
    check)."""
    versions = {str(p.id): p.version for p in presentations}
    if not presentations:
        return html.P(EMPTY, className="text-secondary vm-presentation-empty"), versions
    return html.Ul([presentation_item(p) for p in presentations], className="list-group"), versions


def slide_count(info: PresentationInfo) -> str:
    count = len(info.items)
    text = f"{count} slide{'' if count == 1 else 's'}"
    gone = sum(1 for i in info.items if i.bookmark_id is None and i.share_token is None)
    return f"{text} ({gone} deleted)" if gone else text


def presentation_item(info: PresentationInfo) -> html.Li:
    name = info.name
    menu = [
        _menu_item("Rename", "rename", info.id),
        _menu_item("Duplicate", "duplicate", info.id),
        *([_menu_item("Share link…", "share", info.id)] if can_share() else []),
        dbc.DropdownMenuItem(divider=True),
        _menu_item("Delete…", "delete", info.id, class_name="text-danger"),
    ]
    return html.Li([
        html.Div([
            html.Span(name, className="vm-presentation-name fw-semibold"),
            html.Span(slide_count(info), className="vm-presentation-count small text-secondary"),
        ], className="d-flex flex-column flex-grow-1 vm-shrink"),
        dcc.Link([html.Span("▶", **{"aria-hidden": "true"}), html.Span("Play", className="ms-1"),
                  html.Span(f" “{name}”", className="visually-hidden")],
                 href=f"/present/{info.id}", className="btn btn-primary btn-sm vm-presentation-play",
                 title=f"Play “{name}”"),
        html.Button("Edit", id=ids.presentation_action("edit", info.id), type="button",
                    className="btn btn-outline-secondary btn-sm vm-presentation-edit",
                    title=f"Edit the slides of “{name}”", **{"aria-label": f"Edit “{name}”",
                                                             "aria-haspopup": "dialog",
                                                             "aria-controls": ids.EDITOR_DIALOG}),
        dbc.DropdownMenu(
            menu, label=f"Actions for “{name}”",  # shown as ⋮ (vm-menu-toggle), as in the bookmark pane
            caret=False, color="link", size="sm", align_end=True, class_name="vm-presentation-menu",
            toggle_class_name="text-body text-decoration-none px-2 vm-menu-toggle vm-presentation-menu-toggle"),
    ], className="list-group-item d-flex align-items-center gap-2 vm-presentation",
        **{"data-presentation": str(info.id)})


def _menu_item(children, action: str, presentation, **kwargs) -> dbc.DropdownMenuItem:
    return dbc.DropdownMenuItem(children, id=ids.presentation_action(action, presentation), **kwargs)


# Choosing slides --------------------------------------------------------------------------------------

def slide_picker(group: str, choices: Choices) -> html.Div:
    """The viewer's bookmarks to choose as slides, one checklist per dashboard."""
    if not any(bookmarks for _, bookmarks in choices.groups):
        return html.P(NO_BOOKMARKS, className="small text-secondary mb-0 vm-slide-picker-empty")
    fieldsets = []
    for board, bookmarks in choices.groups:
        body = (dbc.Checklist(id=ids.slide_choices(group, board.id), value=[],
                              options=[{"label": b.name, "value": b.id} for b in bookmarks],
                              class_name="vm-slide-choices")
                if bookmarks else html.Div("No bookmarks of this dashboard yet.", className="small text-secondary"))
        fieldsets.append(html.Fieldset([html.Legend(board.title, className="small fw-semibold mb-1"), body],
                                       className="vm-slide-group mb-2", **{"data-dashboard": board.id}))
    return html.Div(fieldsets, className="vm-slide-picker")


def link_field(component_id: str, placeholder: str = "https://…/s/…") -> dbc.Input:
    return dbc.Input(id=component_id, type="text", placeholder=placeholder, autocomplete="off",
                     class_name="font-monospace vm-slide-link", debounce=False)


def new_form(choices: Choices) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H2("New presentation", className="h5"),
        dbc.Label("Name", html_for=ids.NEW_PRESENTATION_NAME, class_name="fw-semibold small"),
        dbc.Input(id=ids.NEW_PRESENTATION_NAME, maxlength=NAME_MAX, autocomplete="off",
                  placeholder="Presentation name"),
        html.Div([
            html.Div("Slides from your bookmarks", className="fw-semibold small mb-1", id="vm-new-slides-label"),
            html.Div(slide_picker(NEW, choices), id=ids.NEW_PRESENTATION_SLIDES,
                     role="group", **{"aria-labelledby": "vm-new-slides-label"}),
            html.Div("The slides follow the order above; reorder them with Edit.", className="form-text"),
        ], className="mt-3"),
        html.Div([
            dbc.Label("Add a shared link", html_for=ids.NEW_PRESENTATION_LINK, class_name="fw-semibold small mb-1"),
            link_field(ids.NEW_PRESENTATION_LINK),
            html.Div(LINK_HELP, className="form-text"),
        ], className="mt-3"),
        html.Div(id=ids.NEW_PRESENTATION_ERROR, role="alert", className="text-danger small mt-2"),
        dbc.Button("Create", id=ids.NEW_PRESENTATION_CREATE, color="primary", class_name="mt-2"),
    ]), class_name="shadow-sm vm-new-presentation")


# The editor -------------------------------------------------------------------------------------------

def editor_dialog() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Edit presentation", id=ids.title_of(ids.EDITOR_DIALOG))),
        dbc.ModalBody([
            dbc.Label("Name", html_for=ids.EDITOR_NAME, class_name="fw-semibold small"),
            dbc.Input(id=ids.EDITOR_NAME, maxlength=NAME_MAX, autocomplete="off"),
            html.H3("Slides", className="h6 mt-3", id="vm-editor-slides-heading"),
            html.Div(id=ids.EDITOR_SLIDES, className="vm-editor-slides",
                     **{"aria-labelledby": "vm-editor-slides-heading"}),
            html.Details([
                html.Summary("Add slides", className="fw-semibold small"),
                html.Div(id=ids.EDITOR_PICKER, className="mt-2"),
                dbc.Label("Shared link", html_for=ids.EDITOR_LINK, class_name="small fw-semibold mt-2 mb-1"),
                link_field(ids.EDITOR_LINK),
                html.Div(LINK_HELP, className="form-text"),
                dbc.Button("Add to the slides", id=ids.EDITOR_ADD, color="secondary", outline=True, size="sm",
                           class_name="mt-2"),
            ], open=True, className="mt-3 pt-2 border-top vm-editor-add"),
            html.Div(id=ids.EDITOR_ERROR, role="alert", className="text-danger small mt-2"),
        ]),
        dbc.ModalFooter([dbc.Button("Cancel", id=ids.EDITOR_CANCEL, color="secondary", outline=True),
                         dbc.Button("Save", id=ids.EDITOR_SAVE, color="primary")]),
    ], id=ids.EDITOR_DIALOG, labelledby=ids.title_of(ids.EDITOR_DIALOG), is_open=False, size="lg", scrollable=True,
        class_name="vm-presentation-editor")


def draft_slide(key: str, ref: dict | None, label: str, detail: str, available: bool = True) -> dict:
    """One slide of the editor's draft: its key in the draft, what it references (``None``: a deleted
    bookmark), and how it is shown."""
    return {"key": key, "ref": ref, "label": label, "detail": detail, "available": available}


def editor_slides(slides: list[dict]) -> html.Ol | html.P:
    """The draft's slides in order, each with ↑, ↓ and Remove."""
    if not slides:
        return html.P("No slides yet: add some below.", className="small text-secondary vm-editor-empty")
    count = len(slides)
    return html.Ol([editor_slide(s, i, count) for i, s in enumerate(slides)],
                   className="list-group list-group-numbered")


def editor_slide(slide: dict, index: int, count: int) -> html.Li:
    label = str(slide.get("label") or "")
    key = slide.get("key")
    state = [] if slide.get("available", True) else [
        html.Span(" (deleted: removed when you save)" if slide.get("ref") is None else " (no longer available)",
                  className="text-danger small vm-slide-gone")]
    return html.Li([
        html.Div([
            html.Span([html.Span(label, className="vm-slide-name"), *state]),
            html.Span(str(slide.get("detail") or ""), className="small text-secondary vm-slide-detail"),
        ], className="d-flex flex-column flex-grow-1 ms-2 vm-shrink"),
        html.Button("↑", id=ids.slide_action("up", key), type="button", disabled=index == 0,
                    className="btn btn-sm btn-outline-secondary vm-move", **{"aria-label": f"Move “{label}” up"}),
        html.Button("↓", id=ids.slide_action("down", key), type="button", disabled=index == count - 1,
                    className="btn btn-sm btn-outline-secondary vm-move", **{"aria-label": f"Move “{label}” down"}),
        html.Button("Remove", id=ids.slide_action("remove", key), type="button",
                    className="btn btn-sm btn-outline-danger vm-slide-remove",
                    **{"aria-label": f"Remove “{label}” from the slides"}),
    ], className="list-group-item d-flex align-items-center gap-1 vm-slide", **{"data-slide": str(key)})


def slide_focus(action: str, key) -> str:
    return dom_id(ids.slide_action(action, key))


# Dialogs ----------------------------------------------------------------------------------------------

def rename_dialog() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Rename presentation", id=ids.title_of(ids.PRESENTATION_RENAME_DIALOG))),
        dbc.ModalBody([
            dbc.Label("New name", html_for=ids.PRESENTATION_RENAME_NAME),
            dbc.Input(id=ids.PRESENTATION_RENAME_NAME, maxlength=NAME_MAX, autocomplete="off"),
            html.Div(id=ids.PRESENTATION_RENAME_ERROR, className="text-danger small mt-1", role="alert"),
        ]),
        dbc.ModalFooter([dbc.Button("Cancel", id=ids.PRESENTATION_RENAME_CANCEL, color="secondary", outline=True),
                         dbc.Button("Rename", id=ids.PRESENTATION_RENAME_SAVE, color="primary")]),
    ], id=ids.PRESENTATION_RENAME_DIALOG,
        labelledby=ids.title_of(ids.PRESENTATION_RENAME_DIALOG), is_open=False, centered=True)


def delete_dialog() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Delete presentation", id=ids.title_of(ids.PRESENTATION_DELETE_DIALOG))),
        dbc.ModalBody(id=ids.PRESENTATION_DELETE_TEXT),
        dbc.ModalFooter([dbc.Button("Cancel", id=ids.PRESENTATION_DELETE_CANCEL, color="secondary", outline=True),
                         dbc.Button("Delete", id=ids.PRESENTATION_DELETE_CONFIRM, color="danger")]),
    ], id=ids.PRESENTATION_DELETE_DIALOG,
        labelledby=ids.title_of(ids.PRESENTATION_DELETE_DIALOG), is_open=False, centered=True)


def delete_question(info: PresentationInfo) -> str:
    return (f"Delete the presentation “{info.name}”? Its bookmarks stay as they are; links already shared "
            "keep working until you revoke them. This cannot be undone.")


def share_dialog() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Share a link to this presentation",
                                      id=ids.title_of(ids.PRESENTATION_SHARE_DIALOG))),
        dbc.ModalBody([
            html.P("Whoever opens the link must be signed in; each slide shows the data they are allowed to see.",
                   className="small text-secondary"),
            dbc.Label("Link", html_for=ids.PRESENTATION_SHARE_URL, class_name="fw-semibold"),
            dbc.InputGroup([
                dbc.Input(id=ids.PRESENTATION_SHARE_URL, type="text", readonly=True, value="", autocomplete="off",
                          class_name="font-monospace vm-share-url"),
                dbc.Button("Copy", id=ids.PRESENTATION_SHARE_COPY, color="primary", title="Copy the link"),
            ]),
            html.Div(id=ids.PRESENTATION_SHARE_COPIED, role="status", **{"aria-live": "polite"},
                     className="small text-success fw-semibold mt-1 vm-share-copied"),
        ]),
        dbc.ModalFooter(html.Span("The link shows the slides as they are now and never expires; revoke it any "
                                  "time in Bookmarks › My shared links.", className="small text-secondary me-auto")),
    ], id=ids.PRESENTATION_SHARE_DIALOG,
        labelledby=ids.title_of(ids.PRESENTATION_SHARE_DIALOG), is_open=False, centered=True)
