"""Component ids of every layer, defined once. The plain strings are stable for users' own automation
(docs/architecture.md, "Stable element ids"); the others may change."""

from __future__ import annotations

from dash import ALL

# Stable ids.
BANNER_TITLE = "banner-title"
BANNER_MODIFIED = "banner-modified"
SHEET_TABS = "sheet-tabs"
DATA_THROUGH = "data-through"  # "Data through 31 Dec 2022": the data date relative date ranges resolve against
FILTER_SUMMARY = "filter-summary"  # the applied-filter chips of the view on screen

# Application shell.
URL = "url"
PAGE = "page"
SHOWN_PATH = "vm-shown-path"  # the path the page on screen was built for (the route skips rebuilding it)
FAULTS = "vm-faults"  # on every page: the notice that a request failed on the server (shell/faults.py)
FAULT_TOAST = "vm-fault-toast"
OPENED_SEARCH = "vm-opened-search"  # ``?state=`` of the view a dashboard page opened with
OPENED_SHOWN = "vm-opened-shown"  # set once the address bar holds the opened view
SIGNED_IN_USER = "signed-in-user"
SIGN_OUT = "sign-out"
NO_ACCESS = "no-access"  # the page for a dashboard that exists but is not granted
LINK_GONE = "link-gone"  # the page for a shared link that is unknown, revoked or expired

# Dashboard page.
DASHBOARD_ID = "vm-dashboard-id"
VIEW_STATE = "vm-view-state"
REQUESTED_STATE = "vm-requested-state"
SHEET_CONTENT = "vm-sheet-content"
SHEET_BODY = "vm-sheet-body"  # the sheet as the server rendered it for a view; the browser draws it (sheet.js)
NOTICES = "vm-notices"
CSV_DOWNLOAD = "vm-csv-download"
CSV_REQUEST = "vm-csv-request"  # the visual whose CSV button was clicked: {visual, at}
FILTER_PANEL = "vm-filter-panel"

# Bookmarks (bookmarks/ui.py). Stable ids first.
BOOKMARKS_TOGGLE = "bookmarks-toggle"
BOOKMARK_NAME = "bookmark-name"
BOOKMARK_ADD = "bookmark-add"
BOOKMARK_ADD_REQUEST = "vm-bookmark-add-request"  # Add (or Enter): name and view, once the view has answered
BOOKMARK_UPDATE_REQUEST = "vm-bookmark-update-request"  # Update: bookmark and view, once the view has answered
BOOKMARK_APPLY_REQUEST = "vm-bookmark-apply-request"  # a bookmark, the Original or Reset chosen: which one
BOOKMARK_ACT_REQUEST = "vm-bookmark-act-request"  # default, no default, up or down chosen: what, on which bookmark
BOOKMARK_DIALOG_REQUEST = "vm-bookmark-dialog-request"  # Rename… or Delete… chosen: which, on which bookmark
RESET_ORIGINAL = "reset-original"
BOOKMARKS_PANE = "vm-bookmarks-pane"
BOOKMARK_LIST = "vm-bookmark-list"
BOOKMARK_VERSIONS = "vm-bookmark-versions"  # {bookmark id: version} as the pane last showed them
ACTIVE_BOOKMARK = "vm-active-bookmark"  # the applied bookmark: id, name, saved state, version
OPENED_STATE = "vm-opened-state"  # the state the page opened with (a URL without ?state= means it)
BOOKMARK_FOCUS = "vm-bookmark-focus"
BOOKMARK_TOASTS = "vm-bookmark-toasts"
BOOKMARK_TOAST = "vm-bookmark-toast"
RENAME_DIALOG = "vm-rename-dialog"
RENAME_NAME = "vm-rename-name"
RENAME_ERROR = "vm-rename-error"
RENAME_SAVE = "vm-rename-save"
RENAME_CANCEL = "vm-rename-cancel"
DELETE_DIALOG = "vm-delete-dialog"
DELETE_TEXT = "vm-delete-text"
DELETE_CONFIRM = "vm-delete-confirm"
DELETE_CANCEL = "vm-delete-cancel"
DIALOG_TARGET = "vm-bookmark-dialog-target"  # the bookmark a dialog acts on: id and version
BOOKMARKS_EXPORT = "vm-bookmarks-export"
BOOKMARKS_DOWNLOAD = "vm-bookmarks-download"
BOOKMARKS_IMPORT = "vm-bookmarks-import"
ORIGINAL_BOOKMARK = "original"  # the ``bookmark`` of the Original dashboard's entry in the pane


def control(control_id=ALL) -> dict:
    """A multi- or single-select control (property ``value``)."""
    return {"type": "vm-control", "control": control_id}


def date_control(control_id=ALL) -> dict:
    """A date-range control (properties ``start_date`` and ``end_date``)."""
    return {"type": "vm-date", "control": control_id}


def date_preset(control_id=ALL) -> dict:
    """The preset chooser beside a date-range control (property ``value``: a preset name, or
    ``layout.CUSTOM_DATES`` while the range is two dates)."""
    return {"type": "vm-date-preset", "control": control_id}


def csv_button(visual_id=ALL) -> dict:
    return {"type": "vm-csv", "visual": visual_id}


def visual(visual_id=ALL) -> dict:
    return {"type": "vm-visual", "visual": visual_id}


def visual_part(visual_id=ALL, part=ALL) -> dict:
    """A part of a visual's card that a view change alters and the browser updates in place
    (assets/viewmark/sheet.js): ``caption``, ``chart`` (a graph whose marks take no clicks), ``kpis``,
    ``table``."""
    return {"type": "vm-visual-part", "visual": visual_id, "part": part}


def graph(visual_id=ALL) -> dict:
    """The graph of a visual whose marks set a filter when clicked (property ``clickData``)."""
    return {"type": "vm-graph", "visual": visual_id}


def remove_filter(control_id=ALL) -> dict:
    """The × of an applied-filter chip: sets the control back to its default (property ``n_clicks``)."""
    return {"type": "vm-remove-filter", "control": control_id}


def bookmark_item(bookmark=ALL) -> dict:
    """A bookmark's line in the pane (``ORIGINAL_BOOKMARK`` for the Original dashboard's)."""
    return {"type": "vm-bookmark-item", "bookmark": bookmark}


def bookmark_menu(bookmark=ALL) -> dict:
    """A bookmark's ⋮ menu in the pane, whose items the browser puts in when it is opened (``children``)."""
    return {"type": "vm-bookmark-menu", "bookmark": bookmark}


def bookmark_action(action: str, bookmark=ALL) -> dict:
    """A bookmark's button or ⋮ menu item in the pane (property ``n_clicks``).

    ``action``: apply, update, default, no-default, share, rename, delete, up, down. ``bookmark``: the
    bookmark id, or ``ORIGINAL_BOOKMARK`` for the Original dashboard.
    """
    return {"type": "vm-bookmark", "action": action, "bookmark": bookmark}


# Shared links (shares/ui.py). Stable ids first.
SHARE_OPEN = "share-open"  # the banner's Share button
SHARE_URL = "share-url"  # the link, read-only, in the share dialog
SHARE_COPY = "share-copy"
SHARE_EXPIRY = "share-expiry"  # never, 1d, 7d, 30d (shares.service.EXPIRY_CHOICES)
SHARE_OWNER = "share-owner"  # on a page opened from a link: who shared it, when
SHARE_SAVE = "share-save"  # … and *Save as my bookmark*
SHARES_LIST = "shares-list"  # the user's links, in the *My shared links* dialog
SHARE_TOKEN = "vm-share-token"  # the token of the link the page was opened from (None on other pages)
SHARE_CHECK = "vm-share-check"  # asks the server whether the page's link still opens (a new value each time)
SHARE_STATUS = "vm-share-status"  # why the page's link no longer opens (None while it does)
SHARE_GONE = "vm-share-gone"  # that reason, shown beside share-owner
SHARE_SOURCE = "vm-share-source"  # what the share dialog shares: dashboard and state, or a bookmark
SHARE_REQUEST = "vm-share-request"  # Share clicked: the view to share, once any change under way has answered
BOOKMARK_SHARE_REQUEST = "vm-bookmark-share-request"  # a bookmark's Share… chosen: which bookmark
SHARE_REVOKE_REQUEST = "vm-share-revoke-request"  # a link's Revoke clicked in My shared links: which link
SHARE_DIALOG = "vm-share-dialog"
SHARE_INTRO = "vm-share-intro"
SHARE_EXPIRES = "vm-share-expires"
SHARE_COPIED = "vm-share-copied"
SHARE_ERROR = "vm-share-error"
SAVE_SHARE_DIALOG = "vm-save-share-dialog"
SAVE_SHARE_NAME = "vm-save-share-name"
SAVE_SHARE_ERROR = "vm-save-share-error"
SAVE_SHARE_CONFIRM = "vm-save-share-confirm"
SAVE_SHARE_CANCEL = "vm-save-share-cancel"
SHARES_OPEN = "vm-shares-open"  # *My shared links*, at the foot of the bookmarks pane
SHARES_DIALOG = "vm-shares-dialog"

# Presentations: the player (presentations/player.py) and the presentations page. Stable ids first.
PRESENT_OPEN = "present-open"  # the banner's Present button: the dashboard's bookmarks as slides
PRESENT_TITLE = "present-title"  # the slide's name
PRESENT_SUMMARY = "present-summary"  # one line: the slide's sheet, active filters and parameters
PRESENT_COUNTER = "present-counter"  # "2 / 3"
PRESENT_NEXT = "present-next"
PRESENT_PREV = "present-prev"
PRESENT_EXIT = "present-exit"
PRESENT_PLAY = "present-play"  # auto-advance on / off
PRESENT_INTERVAL = "vm-present-interval"  # seconds per slide while playing
PRESENT_TICK = "vm-present-tick"  # the dcc.Interval of auto-advance
PRESENT_PROGRESS = "vm-present-progress"  # the line that shows the time left on the slide
PRESENT_SLIDE = "vm-present-slide"  # the slide on screen: its two stages (``present_stage``)
PRESENT_NEXT_SLIDE = "vm-present-next-slide"  # the next slide, prepared while this one is shown (hidden)
PRESENT_STAGED = "vm-present-staged"  # which slide the back stage holds, drawn out of sight: {index, stage}
PRESENT_SHOWN = "vm-present-shown"  # a slide the server rendered to show at once (it was not prepared)
PRESENT_DECK = "vm-present-deck"  # which deck the player plays: a presentation, a dashboard's bookmarks, a link
PRESENT_INDEX = "vm-present-index"  # the slide shown, from 0
PRESENT_NOTICES = "vm-present-notices"
PRESENT_ROOT = "vm-present-root"  # the player (its keys work while it is on the page)
PRESENT_FIRST = "vm-present-first"  # Home (a hidden button the keyboard presses)
PRESENT_LAST = "vm-present-last"  # End
PRESENT_ELAPSED = "vm-present-elapsed"  # seconds spent on the slide while playing
PRESENT_GOTO = "vm-present-goto"  # the slide the address asks for (back and forward)
# The presentations page (presentations/ui.py).
PRESENTATIONS_PAGE = "vm-presentations"
PRESENTATION_LIST = "vm-presentation-list"
PRESENTATION_VERSIONS = "vm-presentation-versions"  # {presentation id: version} as the list last showed them
PRESENTATION_TARGET = "vm-presentation-target"  # the presentation a dialog acts on: id and version
PRESENTATION_FOCUS = "vm-presentation-focus"  # the DOM id to focus after a change (keyboard reordering)
# What a click on one of the list's buttons asks (dashboards/clicks.py, ask_on_click): action and presentation.
PRESENTATION_DIALOG_REQUEST = "vm-presentation-dialog-request"  # Rename… or Delete…
PRESENTATION_DUPLICATE_REQUEST = "vm-presentation-duplicate-request"
PRESENTATION_SHARE_REQUEST = "vm-presentation-share-request"
PRESENTATION_EDIT_REQUEST = "vm-presentation-edit-request"
PRESENTATION_TOASTS = "vm-presentation-toasts"
NEW_PRESENTATION_NAME = "vm-new-presentation-name"
NEW_PRESENTATION_SLIDES = "vm-new-presentation-slides"  # the bookmarks to choose from, grouped by dashboard
NEW_PRESENTATION_LINK = "vm-new-presentation-link"  # a pasted shared link (/s/<token> or its full address)
NEW_PRESENTATION_CREATE = "vm-new-presentation-create"
NEW_PRESENTATION_ERROR = "vm-new-presentation-error"
EDITOR_DIALOG = "vm-presentation-editor"
EDITOR_DRAFT = "vm-presentation-draft"  # the slides being edited: id, version, items with their labels
SLIDE_REQUEST = "vm-slide-request"  # a slide's ↑, ↓ or remove clicked in the editor: action and slide
EDITOR_NAME = "vm-presentation-editor-name"
EDITOR_SLIDES = "vm-presentation-editor-slides"
EDITOR_PICKER = "vm-presentation-editor-picker"  # the bookmarks to add, grouped by dashboard
EDITOR_LINK = "vm-presentation-editor-link"
EDITOR_ADD = "vm-presentation-editor-add"
EDITOR_ERROR = "vm-presentation-editor-error"
EDITOR_SAVE = "vm-presentation-editor-save"
EDITOR_CANCEL = "vm-presentation-editor-cancel"
PRESENTATION_RENAME_DIALOG = "vm-presentation-rename-dialog"
PRESENTATION_RENAME_NAME = "vm-presentation-rename-name"
PRESENTATION_RENAME_ERROR = "vm-presentation-rename-error"
PRESENTATION_RENAME_SAVE = "vm-presentation-rename-save"
PRESENTATION_RENAME_CANCEL = "vm-presentation-rename-cancel"
PRESENTATION_DELETE_DIALOG = "vm-presentation-delete-dialog"
PRESENTATION_DELETE_TEXT = "vm-presentation-delete-text"
PRESENTATION_DELETE_CONFIRM = "vm-presentation-delete-confirm"
PRESENTATION_DELETE_CANCEL = "vm-presentation-delete-cancel"
PRESENTATION_SHARE_DIALOG = "vm-presentation-share-dialog"
PRESENTATION_SHARE_URL = "vm-presentation-share-url"
PRESENTATION_SHARE_COPY = "vm-presentation-share-copy"
PRESENTATION_SHARE_COPIED = "vm-presentation-share-copied"


def title_of(dialog: str) -> str:
    """The id of a dialog's title (or the bookmarks pane's), which names the dialog (``aria-labelledby``)."""
    return f"{dialog}-title"


def present_stage(stage=ALL) -> dict:
    """One of the slide's two stages: the front one on screen, the back one drawing the next slide."""
    return {"type": "vm-present-stage", "stage": stage}


def presentation_action(action: str, presentation=ALL) -> dict:
    """A presentation's button or ⋮ menu item on the presentations page (property ``n_clicks``).

    ``action``: edit, rename, duplicate, delete, share.
    """
    return {"type": "vm-presentation", "action": action, "presentation": presentation}


def slide_action(action: str, slide=ALL) -> dict:
    """A slide's ↑, ↓ or remove button in the presentation editor (property ``n_clicks``); ``slide``: its
    key in the editor's draft."""
    return {"type": "vm-slide", "action": action, "slide": slide}


def slide_choices(group: str, dashboard=ALL) -> dict:
    """The checklist of one dashboard's bookmarks (property ``value``: bookmark ids); ``group``: ``new`` (the
    New presentation form) or ``editor``."""
    return {"type": "vm-slide-choices", "group": group, "dashboard": dashboard}


def share_revoke(token=ALL) -> dict:
    """The Revoke button of one of the user's live links in *My shared links* (property ``n_clicks``)."""
    return {"type": "vm-share-revoke", "token": token}
