"""Where a view comes from when a dashboard page opens: an ordered chain of small sources.

    link (?state= in the URL) > shared snapshot > default view > last view > Original

Each source answers one question — “do you have a view for this request?” — and the first that does
wins. The chain is composed where the page is built (the shell), so a layer above this one (bookmarks,
shares) supplies what only it knows — a bookmark's saved state, a shared snapshot — without this layer
importing it (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from accounts.viewer import Viewer
from core.errors import Unavailable
from declarations.model import Dashboard
from views.preferences import ViewPreferences
from views.resolve import ViewResolver
from views.state import Notice, ViewState, original_state

SourceName = Literal["url", "shared", "default", "last", "original"]
UNREADABLE = Notice("view", "Your default and last view could not be read just now (the database is not reachable).")


@dataclass(frozen=True)
class OpenRequest:
    board: Dashboard
    viewer: Viewer
    url_state: str | None = None  # the ``?state=`` of the address
    share_token: str | None = None  # the token of a shared link (``/s/<token>``)


@dataclass(frozen=True)
class Found:
    """A source's answer: the state as stored or sent, and how notices name it."""

    source: SourceName
    raw: Any  # JSON text, a decoded state, or a ``ViewState`` (already fit: the Original)
    what: str = "The view"
    bookmark_id: int | None = None  # the bookmark it was saved as, when the source knows
    details: dict = field(default_factory=dict)  # what the page may show about it (a share's owner …)
    notices: tuple[Notice, ...] = ()  # what only the source can tell (a shared view narrowed for this viewer)


@dataclass(frozen=True)
class Opening:
    """What a dashboard shows when it opens, and why."""

    state: ViewState
    notices: list[Notice]
    source: SourceName
    bookmark_id: int | None = None
    details: dict = field(default_factory=dict)


class ViewSource(Protocol):
    def find(self, request: OpenRequest) -> Found | None: ...


class SavedStates(Protocol):
    """The bookmark layer's answer to “which state did this user save under this id?”."""

    def saved_state(self, user_id: int, dashboard_id: str, bookmark_id: int) -> tuple[str, Any] | None:
        """``(name, state)`` of the user's bookmark on that dashboard, or ``None``."""


class Snapshots(Protocol):
    def snapshot(self, token: str, request: OpenRequest) -> Found | None: ...


# The sources ----------------------------------------------------------------------------------------

class LinkSource:
    """An explicit state in the address (a deep link, the live URL after a reload)."""

    def find(self, request: OpenRequest) -> Found | None:
        if request.url_state is None:
            return None
        return Found("url", request.url_state, "The link’s view")


class SharedSource:
    """A snapshot shared as a link; without a snapshot store (or a token) it has nothing."""

    def __init__(self, snapshots: Snapshots | None = None):
        self.snapshots = snapshots

    def find(self, request: OpenRequest) -> Found | None:
        if self.snapshots is None or request.share_token is None:
            return None
        return self.snapshots.snapshot(request.share_token, request)


class DefaultSource:
    """The user's default view: the Original, or one of their bookmarks."""

    def __init__(self, preferences: ViewPreferences, saved: SavedStates):
        self.preferences, self.saved = preferences, saved

    def find(self, request: OpenRequest) -> Found | None:
        user_id = request.viewer.user_id
        if user_id is None:
            return None
        default = self.preferences.default(user_id, request.board.id)
        if default.original:
            return Found("default", original_of(request))
        if default.bookmark_id is None:
            return None
        saved = self.saved.saved_state(user_id, request.board.id, default.bookmark_id)
        if saved is None:  # deleted meanwhile: the database clears the default, the next source answers
            return None
        name, state = saved
        return Found("default", state, f"The bookmark “{name}”", bookmark_id=default.bookmark_id)


class LastSource:
    """Where the user left the dashboard, kept on the server so it follows them across browsers."""

    def __init__(self, preferences: ViewPreferences):
        self.preferences = preferences

    def find(self, request: OpenRequest) -> Found | None:
        if request.viewer.user_id is None:
            return None
        last = self.preferences.last(request.viewer.user_id, request.board.id)
        return None if last is None else Found("last", last, "Your last view")


class OriginalSource:
    """The author's view: always has an answer, so it ends every chain."""

    def find(self, request: OpenRequest) -> Found:
        return Found("original", original_of(request))


def original_of(request: OpenRequest) -> ViewState:
    return original_state(request.board)


# The chain ------------------------------------------------------------------------------------------

def standard_sources(preferences: ViewPreferences, saved: SavedStates,
                     snapshots: Snapshots | None = None) -> tuple[ViewSource, ...]:
    return (LinkSource(), SharedSource(snapshots), DefaultSource(preferences, saved), LastSource(preferences),
            OriginalSource())


def open_view(request: OpenRequest, sources: Sequence[ViewSource], resolver: ViewResolver) -> Opening:
    """The first source's view, read leniently for this viewer: what no longer fits is dropped, with notices.

    A source kept in the application database that cannot be reached is passed over with a notice: the
    dashboard's data does not need that database, so the page still opens.
    """
    passed_over: list[Notice] = []
    for source in sources:
        try:
            found = source.find(request)
        except Unavailable:
            passed_over = [UNREADABLE]
            continue
        if found is None:
            continue
        if isinstance(found.raw, ViewState):
            state, notices = found.raw, []
        else:
            state, notices = resolver.read(request.board, found.raw, request.viewer, found.what)
        told = {n.field for n in notices}
        notices += [n for n in (*found.notices, *passed_over) if n.field not in told]
        return Opening(state, notices, found.source, found.bookmark_id, found.details)
    raise LookupError("No view source answered: end the chain with OriginalSource.")
