"""The bookmark use cases, for the Dash callbacks and the JSON API alike.

Each method takes the viewer and checks, itself, that they are signed in, may view the dashboard and own
the bookmark: another user's bookmark is reported exactly like a missing one (``NotFound``). States are
validated strictly on write (``Invalid`` naming the field) and leniently on read (invalid parts dropped,
with notices). Names are unique per user and dashboard, case-insensitively — checked here for a clear
message and enforced by the database for races. Renames and updates carry the version the caller read;
a stale version is a ``Conflict``, so two tabs never overwrite each other silently.

The SQL is in ``bookmarks.repository``; methods return frozen values, never ORM objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from accounts.viewer import Viewer
from bookmarks.models import Bookmark
from bookmarks.names import clean_name, name_key, name_taken
from bookmarks.repository import BookmarkRepository, SavedBookmark, iso
from bookmarks.transfer import EXPORT_FORMAT, EXPORT_VERSION, ImportReport, free_name, read_entries
from core.errors import Conflict, Invalid, NotFound, ServiceError, Unauthorized, Unavailable
from dashboards.service import DashboardService
from db import request_keys
from db.base import utcnow
from db.database import Database
from db.request_keys import Once
from declarations.model import Dashboard
from views import preferences
from views.preferences import DefaultView
from views.resolve import ViewResolver
from views.sources import Opening
from views.state import Notice, ViewState, canonical_json

__all__ = ["ORIGINAL", "STALE", "AppliedBookmark", "BookmarkService", "DefaultView", "Pane", "SavedBookmark",
           "bookmark_service"]

# The default-view target that means the author's Original (``None`` means no default at all).
ORIGINAL = "original"
MAX_PER_DASHBOARD = 500
# Ids beyond a 32-bit integer cannot exist and would make PostgreSQL raise rather than find nothing.
MAX_ID = 2**31 - 1

STALE = "This bookmark was changed in another tab or window; reload to see the latest version."
NO_SUCH_BOOKMARK = "No such bookmark."


@dataclass(frozen=True)
class AppliedBookmark:
    bookmark: SavedBookmark
    state: ViewState
    notices: list[Notice]


@dataclass(frozen=True)
class Pane:
    """What the bookmarks pane shows for a page that opened with ``opening``."""

    bookmarks: tuple[SavedBookmark, ...]
    default: DefaultView
    active: SavedBookmark | None  # the bookmark the opened view is (by id, or by an identical state)


class BookmarkService:
    def __init__(self, database: Database, dashboards: DashboardService, views: ViewResolver | None = None):
        self.db = database
        self.dashboards = dashboards
        self.views = views or ViewResolver(dashboards.engine)

    @contextmanager
    def _repository(self) -> Iterator[BookmarkRepository]:
        with self.db.session() as s:
            yield BookmarkRepository(s)

    # Reading ------------------------------------------------------------------------------------------

    def list_bookmarks(self, viewer: Viewer, dashboard_id: str) -> list[SavedBookmark]:
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        with self._repository() as repo:
            return repo.listing(user_id, board.id)

    def get(self, viewer: Viewer, bookmark_id: Any) -> SavedBookmark:
        with self._repository() as repo:
            row, _ = self._owned(repo, viewer, bookmark_id)
            return repo.saved(row)

    def apply(self, viewer: Viewer, bookmark_id: Any) -> AppliedBookmark:
        """The bookmark's state for this viewer now: parts the dashboard no longer allows are dropped."""
        with self._repository() as repo:
            row, board = self._owned(repo, viewer, bookmark_id)
            saved = repo.saved(row)
        state, notices = self.views.read(board, saved.state, viewer, f"The bookmark “{saved.name}”")
        return AppliedBookmark(saved, state, notices)

    def default(self, viewer: Viewer, dashboard_id: str) -> DefaultView:
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        with self.db.session() as s:
            return preferences.read_default(s, user_id, board.id)

    def saved_state(self, user_id: int, dashboard_id: str, bookmark_id: int) -> tuple[str, Any] | None:
        """The view sources' question (``views.sources.SavedStates``): name and state of a user's bookmark."""
        with self._repository() as repo:
            row = repo.row(user_id, bookmark_id) if _is_id(bookmark_id) else None
            if row is None or row.dashboard != dashboard_id:
                return None
            return row.name, repo.saved(row).state

    def pane(self, viewer: Viewer, board: Dashboard, opening: Opening) -> Pane:
        """The pane of a page that opened with ``opening``; a view identical to a bookmark is that bookmark."""
        if viewer.user_id is None:
            return Pane((), DefaultView(), None)
        try:
            with self._repository() as repo:
                bookmarks = tuple(repo.listing(viewer.user_id, board.id))
                default = preferences.read_default(repo.s, viewer.user_id, board.id)
        except Unavailable:
            # The page still opens (its data is not in this database); opening the pane asks again and says why.
            return Pane((), DefaultView(), None)
        active = next((b for b in bookmarks if b.id == opening.bookmark_id), None)
        # A shared view is someone else's until the viewer saves it, even when it equals one of theirs.
        if active is None and opening.source not in ("original", "shared"):
            active = next((b for b in bookmarks if canonical_json(b.state) == opening.state.to_json()), None)
        return Pane(bookmarks, default, active)

    # Writing ------------------------------------------------------------------------------------------

    def add(self, viewer: Viewer, dashboard_id: str, name: Any, state: Any, *, once: Once | None = None
            ) -> SavedBookmark:
        """A new bookmark; sent again with the same ``once`` (``db.request_keys``), the one it made then."""
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        name = clean_name(name)
        view, _ = self.views.parse(board, state, viewer, strict=True)
        with self._repository() as repo:
            made = request_keys.claim(repo.s, user_id, once)
            if made is not None:
                row = repo.row(user_id, int(made))
                if row is None:
                    raise NotFound("The bookmark this request made has been deleted since.")
                return repo.saved(row)
            self._check_name_free(repo, user_id, board.id, name)
            count, top = repo.count_and_top(user_id, board.id)
            if count >= MAX_PER_DASHBOARD:
                raise Conflict(f"You already have {MAX_PER_DASHBOARD} bookmarks on this dashboard; "
                               "delete some first.")
            now = utcnow()
            row = Bookmark(user_id=user_id, dashboard=board.id, name=name, name_key=name_key(name),
                           state=view.to_json(), position=0 if top is None else top + 1, version=1,
                           created_at=now, updated_at=now)
            repo.add([row], name_taken(name))
            request_keys.settle(repo.s, user_id, once, row.id)
            return repo.saved(row)

    def change(self, viewer: Viewer, bookmark_id: Any, *, version: Any, name: Any = None,
               state: Any = None) -> SavedBookmark:
        """Renames and/or updates the state of a bookmark last read at ``version``."""
        if name is None and state is None:
            raise Invalid("Nothing to change: give a new name, a new state or both.")
        if not _is_id(version):
            raise Invalid("Give the version of the bookmark you read (a positive integer).", "version")
        new_name = None if name is None else clean_name(name)
        with self._repository() as repo:
            row, board = self._owned(repo, viewer, bookmark_id)
            values: dict[str, Any] = {}
            if state is not None:
                values["state"] = self.views.parse(board, state, viewer, strict=True)[0].to_json()
            if new_name is not None:
                if name_key(new_name) != row.name_key:
                    self._check_name_free(repo, row.user_id, row.dashboard, new_name)
                values.update(name=new_name, name_key=name_key(new_name))
            if row.version != version or not repo.change(row, version, values, name_taken(new_name or row.name)):
                raise Conflict(STALE, "version")
            return repo.saved(row)

    def rename(self, viewer: Viewer, bookmark_id: Any, name: Any, version: Any) -> SavedBookmark:
        return self.change(viewer, bookmark_id, version=version, name=name)

    def update(self, viewer: Viewer, bookmark_id: Any, state: Any, version: Any) -> SavedBookmark:
        """Overwrites the bookmark's state (the ⋮ menu's Update)."""
        return self.change(viewer, bookmark_id, version=version, state=state)

    def delete(self, viewer: Viewer, bookmark_id: Any, version: Any = None) -> SavedBookmark:
        """Deletes the bookmark (if ``version`` is given, only that version). A default it was is cleared."""
        with self._repository() as repo:
            row, _ = self._owned(repo, viewer, bookmark_id)
            saved = repo.saved(row)
            if version is not None and row.version != version:
                raise Conflict(STALE, "version")
            if not repo.delete(row, version):
                raise Conflict(STALE, "version") if version is not None else NotFound(NO_SUCH_BOOKMARK)
            return saved

    def reorder(self, viewer: Viewer, dashboard_id: str, ids: Any) -> list[SavedBookmark]:
        """Puts the user's bookmarks of the dashboard in the order of ``ids`` (each exactly once)."""
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        if not isinstance(ids, list) or not all(_is_id(i) for i in ids):
            raise Invalid("“ids” must be a list of bookmark ids.", "ids")
        with self._repository() as repo:
            self._reorder(repo, user_id, board.id, ids)
            return repo.listing(user_id, board.id)

    def move(self, viewer: Viewer, bookmark_id: Any, offset: int) -> list[SavedBookmark]:
        """Moves one bookmark ``offset`` places (−1 up, +1 down); at either end nothing moves."""
        with self._repository() as repo:
            row, _ = self._owned(repo, viewer, bookmark_id)
            ids = [b.id for b in repo.listing(row.user_id, row.dashboard)]
            here = ids.index(row.id)
            there = here + offset
            if 0 <= there < len(ids):
                ids[here], ids[there] = ids[there], ids[here]
                self._reorder(repo, row.user_id, row.dashboard, ids)
            return repo.listing(row.user_id, row.dashboard)

    def set_default(self, viewer: Viewer, dashboard_id: str, target: Any) -> DefaultView:
        """Makes a bookmark (its id), the Original (``ORIGINAL``) or nothing (``None``) the default view."""
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        if target is None:
            view = DefaultView()
        elif target == ORIGINAL:
            view = DefaultView(original=True)
        elif _is_id(target):
            view = DefaultView(bookmark_id=target)
        else:
            raise Invalid("“bookmark_id” must be a bookmark id or null (the Original).", "bookmark_id")
        with self._repository() as repo:
            if view.bookmark_id is not None:
                row = repo.row(user_id, view.bookmark_id)
                if row is None or row.dashboard != board.id:
                    raise NotFound(NO_SUCH_BOOKMARK, "bookmark_id")
            try:
                preferences.write(repo.s, user_id, board.id, default_bookmark_id=view.bookmark_id,
                                  default_is_original=view.original)
            except IntegrityError:  # the bookmark was deleted meanwhile
                raise NotFound(NO_SUCH_BOOKMARK, "bookmark_id") from None
        return view

    # Export and import --------------------------------------------------------------------------------

    def export(self, viewer: Viewer, dashboard_id: str) -> dict:
        board = self.dashboards.get(dashboard_id, viewer)
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "dashboard": board.id,
                "exported_at": iso(utcnow()),
                "bookmarks": [{"name": b.name, "state": b.state}
                              for b in self.list_bookmarks(viewer, board.id)]}

    def import_bookmarks(self, viewer: Viewer, dashboard_id: str, document: Any) -> ImportReport:
        """Adds the bookmarks of an exported document, after the user's own, in the document's order.

        All or nothing: one invalid entry refuses the whole file, naming the entry. A name the user already
        has gets “ (2)”, “ (3)” …; an entry whose state is already saved under that name (or one of those
        numbered names) is skipped, so importing a file twice adds nothing.
        """
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        entries = read_entries(board, document)
        parsed = [self._import_entry(board, viewer, i, entry) for i, entry in enumerate(entries)]
        created: list[Bookmark] = []
        renamed: list[tuple[str, str]] = []
        skipped: list[str] = []
        with self._repository() as repo:
            existing = repo.states_by_name_key(user_id, board.id)
            _, top = repo.count_and_top(user_id, board.id)
            position = 0 if top is None else top + 1
            now = utcnow()
            for name, text in parsed:
                final = free_name(name, existing, text)
                if final is None:
                    skipped.append(name)
                    continue
                if final != name:
                    renamed.append((name, final))
                existing[name_key(final)] = text
                created.append(Bookmark(user_id=user_id, dashboard=board.id, name=final, name_key=name_key(final),
                                        state=text, position=position, version=1, created_at=now, updated_at=now))
                position += 1
            if len(existing) > MAX_PER_DASHBOARD:
                raise Conflict(f"Importing these would make more than {MAX_PER_DASHBOARD} bookmarks on this "
                               "dashboard; delete some first.")
            repo.add(created, "A bookmark with one of these names was added meanwhile; import the file again.")
            return ImportReport(tuple(repo.saved(b) for b in created), tuple(renamed), tuple(skipped))

    def _import_entry(self, board: Dashboard, viewer: Viewer, index: int, entry: Any) -> tuple[str, str]:
        where = f"bookmarks[{index}]"
        if not isinstance(entry, dict):
            raise Invalid(f"Entry {index + 1} is not an object with a name and a state.", where)
        try:
            name = clean_name(entry.get("name"))
        except Invalid as exc:
            raise Invalid(f"Entry {index + 1}: {exc.message}", f"{where}.name") from None
        try:
            state = self.views.parse(board, entry.get("state"), viewer, strict=True)[0]
        except ServiceError as exc:
            field = f"{where}.state" + (f".{exc.field}" if exc.field and exc.field != "state" else "")
            raise Invalid(f"Bookmark “{name}”: {exc.message}", field) from None
        return name, state.to_json()

    # Rules shared by the use cases --------------------------------------------------------------------

    def _owned(self, repo: BookmarkRepository, viewer: Viewer, bookmark_id: Any) -> tuple[Bookmark, Dashboard]:
        """The viewer's bookmark on a dashboard they may view — or ``NotFound``, whoever owns that id."""
        user_id = _user_id(viewer)
        row = repo.row(user_id, bookmark_id) if _is_id(bookmark_id) else None
        if row is None:
            raise NotFound(NO_SUCH_BOOKMARK)
        try:
            board = self.dashboards.get(row.dashboard, viewer)
        except NotFound:
            raise NotFound(NO_SUCH_BOOKMARK) from None
        return row, board

    @staticmethod
    def _check_name_free(repo: BookmarkRepository, user_id: int, dashboard_id: str, name: str) -> None:
        if repo.id_of_name(user_id, dashboard_id, name_key(name)) is not None:
            raise Conflict(name_taken(name), "name")

    @staticmethod
    def _reorder(repo: BookmarkRepository, user_id: int, dashboard_id: str, ids: list[int]) -> None:
        current = repo.ids(user_id, dashboard_id)
        if len(ids) != len(set(ids)) or set(ids) != set(current):
            raise Invalid("“ids” must list each of your bookmarks of this dashboard exactly once "
                          "(reload if you changed them in another tab).", "ids")
        repo.set_positions(ids)


def _user_id(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise Unauthorized("Sign in to use bookmarks.")
    return viewer.user_id


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def bookmark_service() -> BookmarkService:
    """The service of the current app (from ``core.runtime``)."""
    from core.runtime import runtime

    rt = runtime()
    return BookmarkService(rt.db, rt.dashboards, rt.views)
