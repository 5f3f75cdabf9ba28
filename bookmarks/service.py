"""Every bookmark operation, for the Dash callbacks and the JSON API alike.

Each method takes the viewer and checks, itself, that they are signed in, may view the dashboard and own
the bookmark: another user's bookmark is reported exactly like a missing one (``NotFound``). States are
validated strictly on write (``Invalid`` naming the field) and leniently on read (invalid parts dropped,
with notices). Names are unique per user and dashboard, case-insensitively — checked here for a clear
message and enforced by the database for races. Renames and updates carry the version the caller read;
a stale version is a ``Conflict``, so two tabs never overwrite each other silently.

Methods return frozen values, never ORM objects, so nothing touches the database after its session ends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.viewer import Viewer
from bookmarks.models import Bookmark, DashboardPreference
from bookmarks.names import clean_name, name_key, name_taken
from bookmarks.state import Notice, ViewState, canonical_json
from bookmarks.transfer import EXPORT_FORMAT, EXPORT_VERSION, ImportReport, free_name, read_entries
from core.errors import Conflict, Invalid, NotFound, ServiceError, Unauthorized
from dashboards.model import Dashboard
from dashboards.service import DashboardService
from db.base import utcnow
from db.database import Database

# The default-view target that means the author's Original (``None`` means no default at all).
ORIGINAL = "original"
MAX_PER_DASHBOARD = 500
# Ids beyond a 32-bit integer cannot exist and would make PostgreSQL raise rather than find nothing.
MAX_ID = 2**31 - 1

STALE = "This bookmark was changed in another tab or window; reload to see the latest version."
NO_SUCH_BOOKMARK = "No such bookmark."

OpeningSource = Literal["url", "default", "last", "original"]


@dataclass(frozen=True)
class SavedBookmark:
    id: int
    dashboard: str
    name: str
    # The state as saved (canonical); ``BookmarkService.apply`` re-validates it for the current dashboard.
    state: dict
    position: int
    version: int
    is_default: bool
    created_at: datetime
    updated_at: datetime

    def as_dict(self) -> dict:
        return {"id": self.id, "dashboard": self.dashboard, "name": self.name, "state": self.state,
                "position": self.position, "is_default": self.is_default, "version": self.version,
                "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at)}


@dataclass(frozen=True)
class AppliedBookmark:
    bookmark: SavedBookmark
    state: ViewState
    notices: list[Notice]


@dataclass(frozen=True)
class DefaultView:
    bookmark_id: int | None = None
    original: bool = False

    @property
    def is_set(self) -> bool:
        return self.original or self.bookmark_id is not None

    def as_dict(self) -> dict:
        return {"bookmark_id": self.bookmark_id, "original": self.original}


@dataclass(frozen=True)
class Opening:
    """What a dashboard shows when it opens, why, and the bookmark it matches (if any)."""

    state: ViewState
    notices: list[Notice]
    source: OpeningSource
    bookmark: SavedBookmark | None
    bookmarks: tuple[SavedBookmark, ...]
    default: DefaultView


# The service ------------------------------------------------------------------------------------------

class BookmarkService:
    def __init__(self, database: Database, dashboards: DashboardService):
        self.db = database
        self.dashboards = dashboards

    # Reading ------------------------------------------------------------------------------------------

    def list_bookmarks(self, viewer: Viewer, dashboard_id: str) -> list[SavedBookmark]:
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        with self.db.session() as s:
            return self._list(s, user_id, board.id)

    def get(self, viewer: Viewer, bookmark_id: Any) -> SavedBookmark:
        with self.db.session() as s:
            bookmark, _ = self._owned(s, viewer, bookmark_id)
            return _saved(bookmark, self._default(s, bookmark.user_id, bookmark.dashboard))

    def apply(self, viewer: Viewer, bookmark_id: Any) -> AppliedBookmark:
        """The bookmark's state for this viewer now: parts the dashboard no longer allows are dropped."""
        with self.db.session() as s:
            bookmark, board = self._owned(s, viewer, bookmark_id)
            saved = _saved(bookmark, self._default(s, bookmark.user_id, bookmark.dashboard))
        state, notices = self._read_state(board, saved.state, viewer, f"The bookmark “{saved.name}”")
        return AppliedBookmark(saved, state, notices)

    def default(self, viewer: Viewer, dashboard_id: str) -> DefaultView:
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        with self.db.session() as s:
            return self._default(s, user_id, board.id)

    def opening(self, viewer: Viewer, dashboard_id: str, url_state: str | None = None) -> Opening:
        """The state a dashboard opens with: URL state > default view > last state > Original."""
        board = self.dashboards.get(dashboard_id, viewer)
        original = self.dashboards.original(board)
        bookmarks: list[SavedBookmark] = []
        default, last = DefaultView(), None
        if viewer.user_id is not None:
            with self.db.session() as s:
                bookmarks = self._list(s, viewer.user_id, board.id)
                default = self._default(s, viewer.user_id, board.id)
                last = s.scalar(sa.select(DashboardPreference.last_state).where(
                    DashboardPreference.user_id == viewer.user_id, DashboardPreference.dashboard == board.id))

        def opened(state, notices, source, bookmark=None) -> Opening:
            if bookmark is None and source != "original":
                bookmark = next((b for b in bookmarks if canonical_json(b.state) == state.to_json()), None)
            return Opening(state, notices, source, bookmark, tuple(bookmarks), default)

        if url_state is not None:
            return opened(*self._read_state(board, url_state, viewer, "The link’s view"), "url")
        if default.original:
            return opened(original, [], "default")
        bookmark = next((b for b in bookmarks if b.id == default.bookmark_id), None)
        if bookmark is not None:
            state, notices = self._read_state(board, bookmark.state, viewer, f"The bookmark “{bookmark.name}”")
            return opened(state, notices, "default", bookmark)
        if last is not None:
            return opened(*self._read_state(board, last, viewer, "Your last view"), "last")
        return opened(original, [], "original")

    # Writing ------------------------------------------------------------------------------------------

    def add(self, viewer: Viewer, dashboard_id: str, name: Any, state: Any) -> SavedBookmark:
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        name = clean_name(name)
        view, _ = self.dashboards.parse(board, state, viewer, strict=True)
        with self.db.session() as s:
            self._check_name_free(s, user_id, board.id, name)
            count, top = s.execute(sa.select(sa.func.count(), sa.func.max(Bookmark.position)).where(
                Bookmark.user_id == user_id, Bookmark.dashboard == board.id)).one()
            if count >= MAX_PER_DASHBOARD:
                raise Conflict(f"You already have {MAX_PER_DASHBOARD} bookmarks on this dashboard; "
                               "delete some first.")
            now = utcnow()
            bookmark = Bookmark(user_id=user_id, dashboard=board.id, name=name, name_key=name_key(name),
                                state=view.to_json(), position=0 if top is None else top + 1, version=1,
                                created_at=now, updated_at=now)
            s.add(bookmark)
            _flush(s, name_taken(name))
            return _saved(bookmark, DefaultView())

    def change(self, viewer: Viewer, bookmark_id: Any, *, version: Any, name: Any = None,
               state: Any = None) -> SavedBookmark:
        """Renames and/or updates the state of a bookmark last read at ``version``."""
        if name is None and state is None:
            raise Invalid("Nothing to change: give a new name, a new state or both.")
        if not _is_id(version):
            raise Invalid("Give the version of the bookmark you read (a positive integer).", "version")
        new_name = None if name is None else clean_name(name)
        with self.db.session() as s:
            bookmark, board = self._owned(s, viewer, bookmark_id)
            values: dict[str, Any] = {"version": Bookmark.version + 1, "updated_at": utcnow()}
            if state is not None:
                values["state"] = self.dashboards.parse(board, state, viewer, strict=True)[0].to_json()
            if new_name is not None:
                if name_key(new_name) != bookmark.name_key:
                    self._check_name_free(s, bookmark.user_id, bookmark.dashboard, new_name)
                values.update(name=new_name, name_key=name_key(new_name))
            if bookmark.version != version:
                raise Conflict(STALE, "version")
            # The version condition makes the write itself the check: of two racing writers that read the
            # same version, the database lets exactly one match.
            statement = (sa.update(Bookmark).where(Bookmark.id == bookmark.id, Bookmark.version == version)
                         .values(**values).execution_options(synchronize_session=False))
            try:
                result = s.execute(statement)
            except IntegrityError as exc:
                raise _conflict_or_raise(exc, name_taken(new_name or bookmark.name)) from None
            if result.rowcount != 1:
                raise Conflict(STALE, "version")
            s.refresh(bookmark)
            return _saved(bookmark, self._default(s, bookmark.user_id, bookmark.dashboard))

    def rename(self, viewer: Viewer, bookmark_id: Any, name: Any, version: Any) -> SavedBookmark:
        return self.change(viewer, bookmark_id, version=version, name=name)

    def update(self, viewer: Viewer, bookmark_id: Any, state: Any, version: Any) -> SavedBookmark:
        """Overwrites the bookmark's state (the ⋮ menu's Update)."""
        return self.change(viewer, bookmark_id, version=version, state=state)

    def delete(self, viewer: Viewer, bookmark_id: Any, version: Any = None) -> SavedBookmark:
        """Deletes the bookmark (if ``version`` is given, only that version). A default it was is cleared."""
        with self.db.session() as s:
            bookmark, _ = self._owned(s, viewer, bookmark_id)
            saved = _saved(bookmark, self._default(s, bookmark.user_id, bookmark.dashboard))
            condition = Bookmark.id == bookmark.id
            if version is not None:
                if bookmark.version != version:
                    raise Conflict(STALE, "version")
                condition = condition & (Bookmark.version == version)
            result = s.execute(sa.delete(Bookmark).where(condition).execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise Conflict(STALE, "version") if version is not None else NotFound(NO_SUCH_BOOKMARK)
            # Keep positions contiguous, so ``position`` reads as the place in the user's order.
            s.execute(sa.update(Bookmark)
                      .where(Bookmark.user_id == bookmark.user_id, Bookmark.dashboard == bookmark.dashboard,
                             Bookmark.position > bookmark.position)
                      .values(position=Bookmark.position - 1).execution_options(synchronize_session=False))
            return saved

    def reorder(self, viewer: Viewer, dashboard_id: str, ids: Any) -> list[SavedBookmark]:
        """Puts the user's bookmarks of the dashboard in the order of ``ids`` (each exactly once)."""
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        if not isinstance(ids, list) or not all(_is_id(i) for i in ids):
            raise Invalid("“ids” must be a list of bookmark ids.", "ids")
        with self.db.session() as s:
            self._reorder(s, user_id, board.id, ids)
            return self._list(s, user_id, board.id)

    def move(self, viewer: Viewer, bookmark_id: Any, offset: int) -> list[SavedBookmark]:
        """Moves one bookmark ``offset`` places (−1 up, +1 down); at either end nothing moves."""
        with self.db.session() as s:
            bookmark, _ = self._owned(s, viewer, bookmark_id)
            ids = [b.id for b in self._list(s, bookmark.user_id, bookmark.dashboard)]
            here = ids.index(bookmark.id)
            there = here + offset
            if 0 <= there < len(ids):
                ids[here], ids[there] = ids[there], ids[here]
                self._reorder(s, bookmark.user_id, bookmark.dashboard, ids)
            return self._list(s, bookmark.user_id, bookmark.dashboard)

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
        with self.db.session() as s:
            if view.bookmark_id is not None:
                try:
                    bookmark, _ = self._owned(s, viewer, view.bookmark_id)
                except NotFound:
                    bookmark = None
                if bookmark is None or bookmark.dashboard != board.id:
                    raise NotFound(NO_SUCH_BOOKMARK, "bookmark_id")
            try:
                _upsert_preference(s, user_id, board.id, default_bookmark_id=view.bookmark_id,
                                   default_is_original=view.original)
            except IntegrityError:  # the bookmark was deleted meanwhile
                raise NotFound(NO_SUCH_BOOKMARK, "bookmark_id") from None
        return view

    def remember(self, viewer: Viewer, dashboard_id: str, state: Any) -> bool:
        """Saves the user's last state of the dashboard; ``False`` when it was already the saved one."""
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        text = self.dashboards.parse(board, state, viewer, strict=True)[0].to_json()
        with self.db.session() as s:
            saved = s.scalar(sa.select(DashboardPreference.last_state).where(
                DashboardPreference.user_id == user_id, DashboardPreference.dashboard == board.id))
            if saved == text:
                return False
            _upsert_preference(s, user_id, board.id, last_state=text)
            return True

    # Export and import --------------------------------------------------------------------------------

    def export(self, viewer: Viewer, dashboard_id: str) -> dict:
        board = self.dashboards.get(dashboard_id, viewer)
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "dashboard": board.id,
                "exported_at": _iso(utcnow()),
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
        with self.db.session() as s:
            existing = dict(s.execute(sa.select(Bookmark.name_key, Bookmark.state).where(
                Bookmark.user_id == user_id, Bookmark.dashboard == board.id)).all())
            top = s.scalar(sa.select(sa.func.max(Bookmark.position)).where(
                Bookmark.user_id == user_id, Bookmark.dashboard == board.id))
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
                bookmark = Bookmark(user_id=user_id, dashboard=board.id, name=final, name_key=name_key(final),
                                    state=text, position=position, version=1, created_at=now, updated_at=now)
                position += 1
                created.append(bookmark)
                s.add(bookmark)
            if len(existing) > MAX_PER_DASHBOARD:
                raise Conflict(f"Importing these would make more than {MAX_PER_DASHBOARD} bookmarks on this "
                               "dashboard; delete some first.")
            _flush(s, "A bookmark with one of these names was added meanwhile; import the file again.")
            return ImportReport(tuple(_saved(b, DefaultView()) for b in created), tuple(renamed),
                                tuple(skipped))

    def _import_entry(self, board: Dashboard, viewer: Viewer, index: int, entry: Any) -> tuple[str, str]:
        where = f"bookmarks[{index}]"
        if not isinstance(entry, dict):
            raise Invalid(f"Entry {index + 1} is not an object with a name and a state.", where)
        try:
            name = clean_name(entry.get("name"))
        except Invalid as exc:
            raise Invalid(f"Entry {index + 1}: {exc.message}", f"{where}.name") from None
        try:
            state = self.dashboards.parse(board, entry.get("state"), viewer, strict=True)[0]
        except ServiceError as exc:
            field = f"{where}.state" + (f".{exc.field}" if exc.field and exc.field != "state" else "")
            raise Invalid(f"Bookmark “{name}”: {exc.message}", field) from None
        return name, state.to_json()

    # Inside a session ---------------------------------------------------------------------------------

    def _owned(self, s: Session, viewer: Viewer, bookmark_id: Any) -> tuple[Bookmark, Dashboard]:
        """The viewer's bookmark on a dashboard they may view — or ``NotFound``, whoever owns that id."""
        user_id = _user_id(viewer)
        bookmark = None
        if _is_id(bookmark_id):
            bookmark = s.scalar(sa.select(Bookmark).where(Bookmark.id == bookmark_id,
                                                          Bookmark.user_id == user_id))
        if bookmark is None:
            raise NotFound(NO_SUCH_BOOKMARK)
        try:
            board = self.dashboards.get(bookmark.dashboard, viewer)
        except NotFound:
            raise NotFound(NO_SUCH_BOOKMARK) from None
        return bookmark, board

    @staticmethod
    def _list(s: Session, user_id: int, dashboard_id: str) -> list[SavedBookmark]:
        default = BookmarkService._default(s, user_id, dashboard_id)
        rows = s.scalars(sa.select(Bookmark).where(Bookmark.user_id == user_id, Bookmark.dashboard == dashboard_id)
                         .order_by(Bookmark.position, Bookmark.id))
        return [_saved(b, default) for b in rows]

    @staticmethod
    def _default(s: Session, user_id: int, dashboard_id: str) -> DefaultView:
        row = s.execute(sa.select(DashboardPreference.default_bookmark_id, DashboardPreference.default_is_original)
                        .where(DashboardPreference.user_id == user_id,
                               DashboardPreference.dashboard == dashboard_id)).first()
        return DefaultView(row[0], bool(row[1])) if row else DefaultView()

    @staticmethod
    def _check_name_free(s: Session, user_id: int, dashboard_id: str, name: str) -> None:
        taken = s.scalar(sa.select(Bookmark.id).where(Bookmark.user_id == user_id, Bookmark.dashboard == dashboard_id,
                                                      Bookmark.name_key == name_key(name)))
        if taken is not None:
            raise Conflict(name_taken(name), "name")

    @staticmethod
    def _reorder(s: Session, user_id: int, dashboard_id: str, ids: list[int]) -> None:
        current = s.scalars(sa.select(Bookmark.id).where(Bookmark.user_id == user_id,
                                                         Bookmark.dashboard == dashboard_id)).all()
        if len(ids) != len(set(ids)) or set(ids) != set(current):
            raise Invalid("“ids” must list each of your bookmarks of this dashboard exactly once "
                          "(reload if you changed them in another tab).", "ids")
        if ids:
            s.execute(sa.update(Bookmark), [{"id": b, "position": p} for p, b in enumerate(ids)])

    def _read_state(self, board: Dashboard, raw: Any, viewer: Viewer, what: str) -> tuple[ViewState, list[Notice]]:
        try:
            return self.dashboards.parse(board, raw, viewer, strict=False)
        except ServiceError as exc:  # not even JSON: nothing of it can be kept
            return self.dashboards.original(board), [Notice("state", f"{what} could not be read: {exc.message}")]


# Helpers ----------------------------------------------------------------------------------------------

def _user_id(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise Unauthorized("Sign in to use bookmarks.")
    return viewer.user_id


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _saved(bookmark: Bookmark, default: DefaultView) -> SavedBookmark:
    return SavedBookmark(
        id=bookmark.id, dashboard=bookmark.dashboard, name=bookmark.name, state=json.loads(bookmark.state),
        position=bookmark.position, version=bookmark.version, is_default=default.bookmark_id == bookmark.id,
        created_at=_aware(bookmark.created_at), updated_at=_aware(bookmark.updated_at))


def _flush(s: Session, clash_message: str) -> None:
    try:
        s.flush()
    except IntegrityError as exc:
        raise _conflict_or_raise(exc, clash_message) from None


def _conflict_or_raise(exc: IntegrityError, message: str) -> Exception:
    """A unique-name violation (two requests raced past the check) is a conflict; anything else is a bug."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig):
        return Conflict(message, "name")
    return exc


def _upsert_preference(s: Session, user_id: int, dashboard_id: str, **values: Any) -> None:
    """Inserts or updates one preference row in a single statement, so racing first writes cannot clash."""
    values["updated_at"] = utcnow()
    dialect = s.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(DashboardPreference).values(user_id=user_id, dashboard=dashboard_id, **values)
        s.execute(statement.on_conflict_do_update(index_elements=["user_id", "dashboard"], set_=values))
        return
    preference = s.get(DashboardPreference, (user_id, dashboard_id), with_for_update=True)
    if preference is None:
        preference = DashboardPreference(user_id=user_id, dashboard=dashboard_id)
        s.add(preference)
    for key, value in values.items():
        setattr(preference, key, value)


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; every timestamp here was written in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _iso(value: datetime) -> str:
    return _aware(value).astimezone(UTC).isoformat().replace("+00:00", "Z")


def bookmark_service() -> BookmarkService:
    """The service of the current app (from ``core.runtime``)."""
    from core.runtime import runtime

    rt = runtime()
    return BookmarkService(rt.db, rt.dashboards)
