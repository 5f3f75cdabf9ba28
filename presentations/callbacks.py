"""The presentations page's callbacks. Thin: who is asking (``current_viewer()``), one service call, format.

Every callback is an endpoint anyone signed in can post to: presentation ids, versions, bookmark ids and
tokens from the browser are never trusted — the presentation service checks sign-in, ownership and every
slide, so a forged request can at most fail. The editor's draft lives in the page until Save, which sends
the version that was read: a presentation changed meanwhile is a conflict, said in the editor, and the list
is reloaded. Failures are explained in a toast or inline, never as a stack trace.
"""

from __future__ import annotations

import re

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from accounts.viewer import current_viewer
from bookmarks.service import bookmark_service
from bookmarks.ui import dom_id, list_error, toast
from core import ids
from core.errors import Conflict, Invalid, NotFound, ServiceError
from dashboards import registry
from dashboards.clicks import as_list, as_object, ask_on_click, clicked
from presentations import ui
from presentations.service import MAX_ITEMS, PresentationInfo, presentation_service
from shares.models import PRESENTATION
from shares.service import TOKEN_PATTERN, share_service

LINK = re.compile(r"/s/([A-Za-z0-9_-]+)")
OVERWRITE = " Save again to replace it with your version, or Cancel to keep theirs."


def register(app: Dash) -> None:
    list_out = [Output(ids.PRESENTATION_LIST, "children", allow_duplicate=True),
                Output(ids.PRESENTATION_VERSIONS, "data", allow_duplicate=True)]
    toast_out = Output(ids.PRESENTATION_TOASTS, "children", allow_duplicate=True)
    focus_out = Output(ids.PRESENTATION_FOCUS, "data", allow_duplicate=True)

    # New presentation -----------------------------------------------------------------------------------

    @app.callback(*list_out, Output(ids.NEW_PRESENTATION_ERROR, "children"),
                  Output(ids.NEW_PRESENTATION_NAME, "value"), Output(ids.NEW_PRESENTATION_LINK, "value"),
                  Output(ids.slide_choices(ui.NEW, ALL), "value"), toast_out, focus_out,
                  Input(ids.NEW_PRESENTATION_CREATE, "n_clicks"), Input(ids.NEW_PRESENTATION_NAME, "n_submit"),
                  State(ids.NEW_PRESENTATION_NAME, "value"), State(ids.slide_choices(ui.NEW, ALL), "value"),
                  State(ids.NEW_PRESENTATION_LINK, "value"), prevent_initial_call=True)
    def create(_clicks, _submits, name, chosen, link):
        if not clicked():
            raise PreventUpdate
        keep = [no_update] * len(chosen)
        try:
            items = [{"bookmark_id": b} for group in as_list(chosen) for b in as_list(group)]
            items += [{"share_token": _view_link(t).token} for t in share_tokens(link)]
            made = presentation_service().create(current_viewer(), name if name is not None else "", items)
        except ServiceError as exc:
            return no_update, no_update, exc.message, no_update, no_update, keep, no_update, no_update
        return (*_listing(), None, "", "", [[] for _ in chosen],
                toast(f"Created “{made.name}” with {_slides(len(made.items))}."),
                dom_id(ids.presentation_action("edit", made.id)))

    # The list's actions ---------------------------------------------------------------------------------
    # Each through the browser, so that the list drawn anew sends no request (``ask_on_click``).
    ask_on_click(app, [ids.presentation_action("rename"), ids.presentation_action("delete")],
                 ids.PRESENTATION_DIALOG_REQUEST)
    ask_on_click(app, [ids.presentation_action("duplicate")], ids.PRESENTATION_DUPLICATE_REQUEST)
    ask_on_click(app, [ids.presentation_action("share")], ids.PRESENTATION_SHARE_REQUEST)
    ask_on_click(app, [ids.presentation_action("edit")], ids.PRESENTATION_EDIT_REQUEST)

    @app.callback(Output(ids.PRESENTATION_RENAME_DIALOG, "is_open"), Output(ids.PRESENTATION_RENAME_NAME, "value"),
                  Output(ids.PRESENTATION_RENAME_ERROR, "children"), Output(ids.PRESENTATION_DELETE_DIALOG, "is_open"),
                  Output(ids.PRESENTATION_DELETE_TEXT, "children"), Output(ids.PRESENTATION_TARGET, "data"),
                  *list_out, toast_out,
                  Input(ids.PRESENTATION_DIALOG_REQUEST, "data"),
                  State(ids.PRESENTATION_VERSIONS, "data"), prevent_initial_call=True)
    def open_dialog(request, versions):
        target = as_object(request)
        if target.get("action") not in ("rename", "delete"):
            raise PreventUpdate
        try:
            info = presentation_service().get(current_viewer(), target.get("presentation"))
        except ServiceError as exc:  # deleted elsewhere: show the list as it is now
            return *(no_update,) * 6, *_listing(), toast(exc.message, "danger")
        dialog = {"id": info.id, "version": _version(versions, info)}
        if target.get("action") == "rename":
            return True, info.name, None, no_update, no_update, dialog, no_update, no_update, no_update
        return no_update, no_update, no_update, True, ui.delete_question(info), dialog, no_update, no_update, no_update

    @app.callback(Output(ids.PRESENTATION_RENAME_DIALOG, "is_open", allow_duplicate=True),
                  Output(ids.PRESENTATION_RENAME_ERROR, "children", allow_duplicate=True), *list_out, toast_out,
                  Input(ids.PRESENTATION_RENAME_SAVE, "n_clicks"), Input(ids.PRESENTATION_RENAME_NAME, "n_submit"),
                  Input(ids.PRESENTATION_RENAME_CANCEL, "n_clicks"), State(ids.PRESENTATION_RENAME_NAME, "value"),
                  State(ids.PRESENTATION_TARGET, "data"), prevent_initial_call=True)
    def rename(_saves, _submits, _cancels, name, target):
        trigger = clicked()
        if not trigger or not isinstance(target, dict):
            raise PreventUpdate
        if trigger == ids.PRESENTATION_RENAME_CANCEL:
            return False, None, no_update, no_update, no_update
        try:
            saved = presentation_service().change(current_viewer(), target.get("id"), version=target.get("version"),
                                                  name=name if name is not None else "")
        except ServiceError as exc:
            if exc.field == "name":  # empty, too long or taken: pick another name
                return no_update, exc.message, no_update, no_update, no_update
            return False, None, *_listing(), toast(exc.message, "danger")
        return False, None, *_listing(), toast(f"Renamed to “{saved.name}”.")

    @app.callback(Output(ids.PRESENTATION_DELETE_DIALOG, "is_open", allow_duplicate=True), *list_out, toast_out,
                  focus_out, Input(ids.PRESENTATION_DELETE_CONFIRM, "n_clicks"),
                  Input(ids.PRESENTATION_DELETE_CANCEL, "n_clicks"), State(ids.PRESENTATION_TARGET, "data"),
                  prevent_initial_call=True)
    def delete(_confirms, _cancels, target):
        trigger = clicked()
        if not trigger or not isinstance(target, dict):
            raise PreventUpdate
        if trigger == ids.PRESENTATION_DELETE_CANCEL:
            return False, no_update, no_update, no_update, no_update
        try:
            deleted = presentation_service().delete(current_viewer(), target.get("id"), target.get("version"))
        except ServiceError as exc:
            return False, *_listing(), toast(exc.message, "danger"), no_update
        # Its buttons are gone: the keyboard focus stays in the list rather than falling to the page.
        return False, *_listing(), toast(f"Deleted “{deleted.name}”."), ids.PRESENTATION_LIST

    @app.callback(*list_out, toast_out, focus_out, Input(ids.PRESENTATION_DUPLICATE_REQUEST, "data"),
                  prevent_initial_call=True)
    def duplicate(request):
        if not isinstance(request, dict):
            raise PreventUpdate
        try:
            copy = presentation_service().duplicate(current_viewer(), request.get("presentation"))
        except ServiceError as exc:
            return *_listing(), toast(exc.message, "danger"), no_update
        return (*_listing(), toast(f"Made a copy: “{copy.name}”."),
                dom_id(ids.presentation_action("edit", copy.id)))

    if ui.can_share():
        @app.callback(Output(ids.PRESENTATION_SHARE_DIALOG, "is_open"), Output(ids.PRESENTATION_SHARE_URL, "value"),
                      Output(ids.PRESENTATION_SHARE_COPIED, "children"), toast_out,
                      Input(ids.PRESENTATION_SHARE_REQUEST, "data"), prevent_initial_call=True)
        def share(request):
            from shares.api import absolute_url

            if not isinstance(request, dict):
                raise PreventUpdate
            try:
                link = presentation_service().share(current_viewer(), request.get("presentation"))
            except ServiceError as exc:
                return no_update, no_update, no_update, toast(exc.message, "danger")
            return True, absolute_url(link), "", no_update

        app.clientside_callback(ClientsideFunction("viewmark_shares", "copy"),
                                Output(ids.PRESENTATION_SHARE_COPIED, "children", allow_duplicate=True),
                                Input(ids.PRESENTATION_SHARE_COPY, "n_clicks"), State(ids.PRESENTATION_SHARE_URL, "id"),
                                State(ids.PRESENTATION_SHARE_COPIED, "id"), prevent_initial_call=True)

    # The editor -----------------------------------------------------------------------------------------

    @app.callback(Output(ids.EDITOR_DIALOG, "is_open"), Output(ids.EDITOR_NAME, "value"),
                  Output(ids.EDITOR_SLIDES, "children"), Output(ids.EDITOR_PICKER, "children"),
                  Output(ids.EDITOR_LINK, "value"), Output(ids.EDITOR_ERROR, "children"),
                  Output(ids.EDITOR_DRAFT, "data"), *list_out, toast_out,
                  Input(ids.PRESENTATION_EDIT_REQUEST, "data"), prevent_initial_call=True)
    def open_editor(request):
        # Fresh from the server: the presentation and the bookmarks may have changed in another tab.
        if not isinstance(request, dict):
            raise PreventUpdate
        viewer = current_viewer()
        try:
            info = presentation_service().get(viewer, request.get("presentation"))
            choices = ui.choices_for(viewer)
        except ServiceError as exc:
            return *(no_update,) * 7, *_listing(), toast(exc.message, "danger")
        draft = _draft(info, choices)
        return (True, info.name, ui.editor_slides(draft["slides"]), ui.slide_picker(ui.EDITOR, choices), "", None,
                draft, no_update, no_update, no_update)

    # A slide's ↑, ↓ and Remove through the browser: the slides drawn anew send no request (``ask_on_click``).
    ask_on_click(app, [ids.slide_action(ALL)], ids.SLIDE_REQUEST)

    @app.callback(Output(ids.EDITOR_DRAFT, "data", allow_duplicate=True),
                  Output(ids.EDITOR_SLIDES, "children", allow_duplicate=True),
                  Output(ids.EDITOR_ERROR, "children", allow_duplicate=True),
                  Output(ids.slide_choices(ui.EDITOR, ALL), "value"),
                  Output(ids.EDITOR_LINK, "value", allow_duplicate=True), focus_out,
                  Input(ids.SLIDE_REQUEST, "data"), Input(ids.EDITOR_ADD, "n_clicks"),
                  Input(ids.EDITOR_LINK, "n_submit"), State(ids.EDITOR_DRAFT, "data"),
                  State(ids.slide_choices(ui.EDITOR, ALL), "value"), State(ids.EDITOR_LINK, "value"),
                  prevent_initial_call=True)
    def edit_slides(slide_request, _adds, _submits, draft, chosen, link):
        """↑, ↓ and Remove of a slide, and Add to the slides: the draft changes; nothing is saved yet."""
        target = clicked()
        if not target or not isinstance(draft, dict) or not isinstance(draft.get("slides"), list):
            raise PreventUpdate
        slides = [s for s in draft["slides"] if isinstance(s, dict)]
        keep = [no_update] * len(chosen)
        if target == ids.SLIDE_REQUEST:
            moved = _move(slides, as_object(slide_request).get("slide"), as_object(slide_request).get("action"))
            if moved is None:
                raise PreventUpdate
            slides, focus = moved
            return {**draft, "slides": slides}, ui.editor_slides(slides), None, keep, no_update, focus
        try:
            added, counter = _additions(chosen, link, _counter(draft))
        except ServiceError as exc:
            return no_update, no_update, exc.message, keep, no_update, no_update
        if not added:
            message = "Choose bookmarks or paste a shared link to add."
            return no_update, no_update, message, keep, no_update, no_update
        if len(slides) + len(added) > MAX_ITEMS:
            message = f"A presentation has at most {MAX_ITEMS} slides; these would be {len(slides) + len(added)}."
            return no_update, no_update, message, keep, no_update, no_update
        slides = slides + added
        return ({**draft, "slides": slides, "next": counter}, ui.editor_slides(slides), None,
                [[] for _ in chosen], "", ui.slide_focus("remove", added[-1]["key"]))

    @app.callback(Output(ids.EDITOR_DIALOG, "is_open", allow_duplicate=True),
                  Output(ids.EDITOR_ERROR, "children", allow_duplicate=True),
                  Output(ids.EDITOR_DRAFT, "data", allow_duplicate=True), *list_out, toast_out, focus_out,
                  Input(ids.EDITOR_SAVE, "n_clicks"), Input(ids.EDITOR_NAME, "n_submit"),
                  Input(ids.EDITOR_CANCEL, "n_clicks"), State(ids.EDITOR_DRAFT, "data"),
                  State(ids.EDITOR_NAME, "value"), prevent_initial_call=True)
    def save(_saves, _submits, _cancels, draft, name):
        trigger = clicked()
        if not trigger or not isinstance(draft, dict):
            raise PreventUpdate
        if trigger == ids.EDITOR_CANCEL:
            return False, None, None, no_update, no_update, no_update, no_update
        slides = draft.get("slides") if isinstance(draft.get("slides"), list) else []
        items = [s.get("ref") for s in slides if isinstance(s, dict) and s.get("ref") is not None]
        service = presentation_service()
        viewer = current_viewer()
        try:
            saved = service.change(viewer, draft.get("id"), version=draft.get("version"),
                                   name=name if name is not None else "", items=items)
        except NotFound as exc:  # deleted meanwhile
            return False, None, None, *_listing(), toast(exc.message, "danger"), no_update
        except Conflict as exc:
            if exc.field != "version":  # a name already taken, a bookmark deleted meanwhile
                return no_update, exc.message, no_update, no_update, no_update, no_update, no_update
            # Changed in another tab: say so, show the list as it is now; saving again is a deliberate choice.
            try:
                latest = service.get(viewer, draft.get("id"))
            except ServiceError as gone:
                return False, None, None, *_listing(), toast(gone.message, "danger"), no_update
            return (no_update, exc.message + OVERWRITE, {**draft, "version": latest.version}, *_listing(),
                    no_update, no_update)
        except ServiceError as exc:  # an empty name, a slide that is no longer available
            return no_update, exc.message, no_update, no_update, no_update, no_update, no_update
        return (False, None, None, *_listing(), toast(f"Saved “{saved.name}” with {_slides(len(saved.items))}."),
                dom_id(ids.presentation_action("edit", saved.id)))

    app.clientside_callback(ClientsideFunction("viewmark_bookmarks", "focus"),
                            Input(ids.PRESENTATION_FOCUS, "data"), prevent_initial_call=True)


# Helpers ----------------------------------------------------------------------------------------------

def share_tokens(text) -> list[str]:
    """The tokens of the shared links pasted in ``text`` (``…/s/<token>``, the full address, or the bare
    token), separated by spaces or commas. The share service checks each one."""
    if not isinstance(text, str) or not text.strip():
        return []
    tokens = []
    for part in re.split(r"[\s,]+", text.strip()):
        found = LINK.search(part)
        token = found.group(1) if found else (part if TOKEN_PATTERN.fullmatch(part) else None)
        if token is None or not TOKEN_PATTERN.fullmatch(token):
            shown = part if len(part) <= 60 else part[:59] + "…"
            raise Invalid(f"“{shown}” is not a shared link: paste an address with /s/ in it.", "link")
        tokens.append(token)
    return tokens


def _view_link(token: str):
    """The pasted link's details if it opens a view for this viewer (a presentation's link is no slide)."""
    share = share_service().check(current_viewer(), token)
    if share.kind == PRESENTATION:
        raise Invalid("That link shares a whole presentation: paste links to views of a dashboard.", "link")
    return share


def _listing() -> tuple:
    """The list and its versions, fresh from the server."""
    try:
        return ui.presentation_list(presentation_service().list_mine(current_viewer()))
    except ServiceError as exc:
        return list_error(exc.message), {}


def _version(versions, info: PresentationInfo) -> int:
    """The version the list showed (so a change made elsewhere meanwhile is a conflict), else the current."""
    shown = (versions or {}).get(str(info.id)) if isinstance(versions, dict) else None
    return shown if isinstance(shown, int) else info.version


def _slides(count: int) -> str:
    return f"{count} slide{'' if count == 1 else 's'}"


def _draft(info: PresentationInfo, choices: ui.Choices) -> dict:
    """The editor's working copy of a presentation: its slides with how each is shown."""
    slides = []
    for index, item in enumerate(info.items):
        key = f"s{index}"
        if item.bookmark_id is not None:
            found = choices.find(item.bookmark_id)
            if found is None:  # the dashboard's grant was withdrawn
                slides.append(ui.draft_slide(key, {"bookmark_id": item.bookmark_id}, item.name, "Bookmark", False))
            else:
                board, saved = found
                slides.append(ui.draft_slide(key, {"bookmark_id": saved.id}, saved.name, f"Bookmark · {board.title}"))
        elif item.share_token is not None:
            slides.append(_link_slide(key, item.share_token, item.name))
        else:  # its bookmark was deleted
            slides.append(ui.draft_slide(key, None, item.name, "Bookmark", False))
    return {"id": info.id, "version": info.version, "slides": slides, "next": len(slides)}


def _link_slide(key: str, token: str, name: str) -> dict:
    try:
        share = share_service().check(current_viewer(), token)
    except ServiceError:
        return ui.draft_slide(key, {"share_token": token}, name, "Shared link", False)
    return ui.draft_slide(key, {"share_token": token}, name, _link_detail(share))


def _link_detail(share) -> str:
    board = registry.get(share.dashboard)
    return f"Shared link · {board.title if board else share.dashboard} · from {share.owner}"


def _counter(draft: dict) -> int:
    counter = draft.get("next")
    return counter if isinstance(counter, int) and counter >= 0 else len(draft.get("slides") or [])


def _move(slides: list[dict], key, action) -> tuple[list[dict], str | None] | None:
    """The slides with ``key`` moved up, down or removed, and the DOM id that keeps the keyboard focus."""
    index = next((i for i, s in enumerate(slides) if s.get("key") == key), None)
    if index is None or action not in ("up", "down", "remove"):
        return None
    slides = list(slides)
    if action == "remove":
        slides.pop(index)
        if not slides:
            return slides, ids.EDITOR_NAME
        neighbour = slides[min(index, len(slides) - 1)]
        return slides, ui.slide_focus("remove", neighbour.get("key"))
    offset = -1 if action == "up" else 1
    other = index + offset
    if not 0 <= other < len(slides):
        return None
    slides[index], slides[other] = slides[other], slides[index]
    # The focus stays on the moved slide: its other arrow once it reaches an end.
    at_end = other == 0 if offset < 0 else other == len(slides) - 1
    direction = ("down" if offset < 0 else "up") if at_end else action
    return slides, ui.slide_focus(direction, key)


def _additions(chosen, link, counter: int) -> tuple[list[dict], int]:
    """The draft slides for the chosen bookmarks (in the listed order) and the pasted links, each checked
    for this viewer now (saving checks them again)."""
    viewer = current_viewer()
    added = []
    bookmarks = bookmark_service()
    for group in as_list(chosen):
        for bookmark_id in as_list(group):
            saved = bookmarks.get(viewer, bookmark_id)  # the viewer's own, or NotFound
            board = registry.get(saved.dashboard)
            added.append(ui.draft_slide(f"s{counter}", {"bookmark_id": saved.id}, saved.name,
                                        f"Bookmark · {board.title if board else saved.dashboard}"))
            counter += 1
    for token in share_tokens(link):
        share = _view_link(token)
        board = registry.get(share.dashboard)
        name = share.name or f"{board.title if board else share.dashboard}, shared by {share.owner}"
        added.append(ui.draft_slide(f"s{counter}", {"share_token": share.token}, name, _link_detail(share)))
        counter += 1
    return added, counter
