"""Named presentations, for the JSON API (and the UI) alike.

A presentation is a user's ordered list of slides; each slide references one of their own bookmarks (of any
dashboard they may view) or a shared link they received. The reference is kept, never a copy of the state:
updating the bookmark updates the slide. Shown as a deck, every slide's state is read leniently for the
viewer (their row restrictions apply; what the dashboard no longer has is dropped, with notices); a slide
whose bookmark was deleted, or whose link is gone, is skipped with a message naming it — never an error.

Each method takes the viewer and checks, itself, that they are signed in and own the presentation: another
user's presentation is reported exactly like a missing one (``NotFound``). Names are unique per owner,
case-insensitively — checked here for a clear message and enforced by the database for races. Changes carry
the version the caller read; a stale version is a ``Conflict``. Methods return frozen values, never ORM
objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.viewer import Viewer
from bookmarks.names import clean_name as clean_bookmark_name
from bookmarks.names import name_key
from bookmarks.repository import aware, is_unique_violation, iso
from bookmarks.service import BookmarkService
from core.errors import Conflict, Invalid, NotFound, Unauthorized
from dashboards.service import DashboardService
from db import request_keys
from db.base import utcnow
from db.database import Database
from db.request_keys import Once
from presentations.models import NAME_MAX, Presentation, PresentationItem
from shares.service import LinkGone, NoAccess, ShareInfo, ShareService
from views.resolve import ViewResolver
from views.state import Notice, ViewState

__all__ = ["Deck", "Item", "OpenedPresentation", "PresentationInfo", "PresentationService", "Slide",
           "presentation_service"]

MAX_ITEMS = 100
MAX_PER_USER = 500
# Ids beyond a 32-bit integer cannot exist and would make PostgreSQL raise rather than find nothing.
MAX_ID = 2**31 - 1

STALE = "This presentation was changed in another tab or window; reload to see the latest version."
NO_SUCH_PRESENTATION = "No such presentation."
ITEMS_GONE = "A bookmark of this presentation was deleted meanwhile; reload and try again."
COPY = "copy"
# Why a slide was skipped (a deck never fails for a slide that is gone).
DELETED = "“{name}” was deleted; skipped."
LINK_GONE = "The shared link “{name}” is no longer available; skipped."
UNAVAILABLE = "“{name}” is no longer available to you; skipped."
NOT_YOURS = "“{name}” shows a dashboard you may not view; skipped."


@dataclass(frozen=True)
class Item:
    """One stored item: a reference to a bookmark or a link's token, and the name it had when added.

    A deleted bookmark leaves neither reference; the name then says which slide was skipped.
    """

    position: int
    bookmark_id: int | None
    share_token: str | None
    name: str

    def as_dict(self) -> dict:
        return {"position": self.position, "bookmark_id": self.bookmark_id, "share_token": self.share_token,
                "name": self.name}


@dataclass(frozen=True)
class PresentationInfo:
    id: int
    name: str
    version: int
    created_at: datetime
    updated_at: datetime
    items: tuple[Item, ...]

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "version": self.version,
                "created_at": iso(self.created_at), "updated_at": iso(self.updated_at),
                "items": [i.as_dict() for i in self.items]}


@dataclass(frozen=True)
class Slide:
    name: str  # the bookmark's name now (the slide follows its bookmark), or the link's
    dashboard: str
    state: ViewState  # as this viewer sees it now
    notices: tuple[Notice, ...] = ()
    # The stored item this slide shows (for the user's bookmarks of a dashboard: the bookmark as an item).
    item: Item | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "dashboard": self.dashboard, "state": self.state.to_dict(),
                "notices": [{"field": n.field, "message": n.message} for n in self.notices]}


@dataclass(frozen=True)
class Deck:
    title: str
    slides: tuple[Slide, ...]
    skipped: tuple[str, ...] = ()  # one message per slide that is gone, in the presentation's order


@dataclass(frozen=True)
class OpenedPresentation:
    presentation: PresentationInfo
    deck: Deck


@dataclass(frozen=True)
class _Entry:
    """A validated item to store."""

    bookmark_id: int | None
    share_token: str | None
    name: str


class PresentationService:
    def __init__(self, database: Database, dashboards: DashboardService, bookmarks: BookmarkService,
                 shares: ShareService, views: ViewResolver | None = None):
        self.db = database
        self.dashboards = dashboards
        self.bookmarks = bookmarks
        self.shares = shares
        self.views = views or bookmarks.views

    # Reading ------------------------------------------------------------------------------------------

    def list_mine(self, viewer: Viewer) -> list[PresentationInfo]:
        """The viewer's presentations, by name."""
        user_id = _user_id(viewer)
        with self.db.session() as s:
            rows = list(s.scalars(sa.select(Presentation).where(Presentation.owner_id == user_id)
                                  .order_by(Presentation.name_key, Presentation.id)))
            items = _items_of(s, [r.id for r in rows])
            return [_info(r, items.get(r.id, ())) for r in rows]

    def get(self, viewer: Viewer, presentation_id: Any) -> PresentationInfo:
        with self.db.session() as s:
            return self._info(s, self._owned(s, viewer, presentation_id))

    def open(self, viewer: Viewer, presentation_id: Any) -> OpenedPresentation:
        """The presentation and its deck, read once."""
        info = self.get(viewer, presentation_id)
        return OpenedPresentation(info, self._deck(viewer, info))

    def deck(self, viewer: Viewer, presentation_id: Any) -> Deck:
        """The slides as the viewer sees them now; those that are gone are skipped, each with a message."""
        return self.open(viewer, presentation_id).deck

    def bookmarks_deck(self, viewer: Viewer, dashboard_id: str) -> Deck:
        """The viewer's bookmarks of a dashboard, in their order, as a deck titled with the dashboard's title."""
        _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        slides = []
        for saved in self.bookmarks.list_bookmarks(viewer, board.id):
            state, notices = self.views.read(board, saved.state, viewer, f"The bookmark “{saved.name}”")
            item = Item(saved.position, saved.id, None, saved.name)
            slides.append(Slide(saved.name, board.id, state, tuple(notices), item))
        return Deck(board.title, tuple(slides), ())

    def slides_snapshot(self, viewer: Viewer, presentation_id: Any) -> list[dict]:
        """``[{"dashboard", "name", "state"}]`` of the deck as the owner sees it now (canonical states)."""
        return [{"dashboard": slide.dashboard, "name": slide.name, "state": slide.state.to_dict()}
                for slide in self.deck(viewer, presentation_id).slides]

    # Sharing ------------------------------------------------------------------------------------------

    def share(self, viewer: Viewer, presentation_id: Any, *, expires_in_s: Any = None,
              once: Once | None = None) -> ShareInfo:
        """A link to the presentation as it is now: its slides are copied (snapshots), so recipients play
        what the owner showed, with their own row restrictions."""
        info = self.get(viewer, presentation_id)
        return self.shares.create_deck(viewer, info.name, self.slides_snapshot(viewer, info.id),
                                       expires_in_s=expires_in_s, once=once)

    def shared_deck(self, viewer: Viewer, token: Any, *, count: bool = False) -> Deck:
        """The deck of a presentation's link, as this viewer sees it: a slide of a dashboard they may not view
        is skipped with a message, the others are read for them (row restrictions, notices)."""
        share, slides = self.shares.open_deck(viewer, token, count=count)
        shown: list[Slide] = []
        skipped: list[str] = []
        for copied in slides:
            name = str(copied.get("name") or "A slide")
            try:
                board = self.dashboards.get(copied.get("dashboard"), viewer)
            except NotFound:
                skipped.append(NOT_YOURS.format(name=name))
                continue
            state, notices = self.views.read(board, copied.get("state"), viewer, f"The slide “{name}”")
            shown.append(Slide(name, board.id, state, tuple(notices)))
        return Deck(share.name or "Shared presentation", tuple(shown), tuple(skipped))

    # Writing ------------------------------------------------------------------------------------------

    def create(self, viewer: Viewer, name: Any, items: Any = (), *, once: Once | None = None) -> PresentationInfo:
        """A new presentation of ``items`` (``{"bookmark_id": …}`` or ``{"share_token": …}`` each); sent again
        with the same ``once`` (``db.request_keys``), the one it made then."""
        user_id = _user_id(viewer)
        name = clean_name(name)
        entries = self._entries(viewer, items)
        with self.db.session() as s:
            made = request_keys.claim(s, user_id, once)
            if made is not None:
                return self._made(s, viewer, made)
            _check_name_free(s, user_id, name)
            _check_room(s, user_id)
            now = utcnow()
            row = Presentation(owner_id=user_id, name=name, name_key=name_key(name), version=1,
                               created_at=now, updated_at=now)
            s.add(row)
            _flush(s, name)
            _write_items(s, row.id, entries)
            request_keys.settle(s, user_id, once, row.id)
            return self._info(s, row)

    def change(self, viewer: Viewer, presentation_id: Any, *, version: Any, name: Any = None,
               items: Any = None) -> PresentationInfo:
        """Renames the presentation and/or replaces its items, if it is still at ``version``."""
        if name is None and items is None:
            raise Invalid("Nothing to change: give a new name, new items or both.")
        if not _is_id(version):
            raise Invalid("Give the version of the presentation you read (a positive integer).", "version")
        new_name = None if name is None else clean_name(name)
        self.get(viewer, presentation_id)  # another user's id is NotFound before its items are looked at
        entries = None if items is None else self._entries(viewer, items)
        with self.db.session() as s:
            row = self._owned(s, viewer, presentation_id)
            values: dict[str, Any] = {}
            if new_name is not None:
                if name_key(new_name) != row.name_key:
                    _check_name_free(s, row.owner_id, new_name)
                values.update(name=new_name, name_key=name_key(new_name))
            if row.version != version or not _bump(s, row, version, values, new_name or row.name):
                raise Conflict(STALE, "version")
            if entries is not None:
                s.execute(sa.delete(PresentationItem).where(PresentationItem.presentation_id == row.id)
                          .execution_options(synchronize_session=False))
                _write_items(s, row.id, entries)
            return self._info(s, row)

    def duplicate(self, viewer: Viewer, presentation_id: Any, *, once: Once | None = None) -> PresentationInfo:
        """A copy named “<name> (copy)” (or “(copy 2)” … whichever is free), with the same items."""
        with self.db.session() as s:
            row = self._owned(s, viewer, presentation_id)
            made = request_keys.claim(s, row.owner_id, once)
            if made is not None:
                return self._made(s, viewer, made)
            items = _items_of(s, [row.id]).get(row.id, ())
            _check_room(s, row.owner_id)
            taken = set(s.scalars(sa.select(Presentation.name_key).where(Presentation.owner_id == row.owner_id)))
            name = copy_name(row.name, taken)
            now = utcnow()
            copy = Presentation(owner_id=row.owner_id, name=name, name_key=name_key(name), version=1,
                                created_at=now, updated_at=now)
            s.add(copy)
            _flush(s, name)
            _write_items(s, copy.id, [_Entry(i.bookmark_id, i.share_token, i.name) for i in items])
            request_keys.settle(s, row.owner_id, once, copy.id)
            return self._info(s, copy)

    def _made(self, s: Session, viewer: Viewer, presentation_id: str) -> PresentationInfo:
        """The presentation an earlier request with the same key made, as it is now."""
        try:
            return self._info(s, self._owned(s, viewer, int(presentation_id)))
        except NotFound:
            raise NotFound("The presentation this request made has been deleted since.") from None

    def delete(self, viewer: Viewer, presentation_id: Any, version: Any = None) -> PresentationInfo:
        """Deletes the presentation (if ``version`` is given, only that version) and its items."""
        if version is not None and not _is_id(version):
            raise Invalid("Give the version of the presentation you read (a positive integer).", "version")
        with self.db.session() as s:
            row = self._owned(s, viewer, presentation_id)
            info = self._info(s, row)
            condition = Presentation.id == row.id
            if version is not None:
                condition = condition & (Presentation.version == version)
            result = s.execute(sa.delete(Presentation).where(condition).execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise Conflict(STALE, "version") if version is not None else NotFound(NO_SUCH_PRESENTATION)
            return info

    # Rules shared by the use cases --------------------------------------------------------------------

    def _owned(self, s: Session, viewer: Viewer, presentation_id: Any) -> Presentation:
        """The viewer's presentation — or ``NotFound``, whoever owns that id."""
        user_id = _user_id(viewer)
        row = None
        if _is_id(presentation_id):
            row = s.scalar(sa.select(Presentation).where(Presentation.id == presentation_id,
                                                         Presentation.owner_id == user_id))
        if row is None:
            raise NotFound(NO_SUCH_PRESENTATION)
        return row

    @staticmethod
    def _info(s: Session, row: Presentation) -> PresentationInfo:
        return _info(row, _items_of(s, [row.id]).get(row.id, ()))

    def _entries(self, viewer: Viewer, items: Any) -> list[_Entry]:
        if not isinstance(items, list | tuple):
            raise Invalid("“items” must be a list of {\"bookmark_id\": …} or {\"share_token\": …}.", "items")
        if len(items) > MAX_ITEMS:
            raise Invalid(f"A presentation has at most {MAX_ITEMS} slides; these are {len(items)}.", "items")
        return [self._entry(viewer, i, entry) for i, entry in enumerate(items)]

    def _entry(self, viewer: Viewer, index: int, entry: Any) -> _Entry:
        where = f"items[{index}]"
        if not isinstance(entry, dict) or len(entry) != 1 or not {"bookmark_id", "share_token"} & entry.keys():
            raise Invalid(f"Slide {index + 1} must be {{\"bookmark_id\": …}} or {{\"share_token\": …}}.", where)
        if "bookmark_id" in entry:
            try:
                saved = self.bookmarks.get(viewer, entry["bookmark_id"])  # the viewer's own, or NotFound
            except NotFound:
                raise Invalid(f"Slide {index + 1}: no such bookmark.", where) from None
            return _Entry(saved.id, None, saved.name)
        try:
            opened = self.shares.open(viewer, entry["share_token"])
        except LinkGone:
            raise Invalid(f"Slide {index + 1}: this link is no longer available.", where) from None
        except NoAccess:
            raise Invalid(f"Slide {index + 1}: you have no access to the dashboard of this link.", where) from None
        return _Entry(None, opened.share.token, self._share_name(viewer, opened.share))

    def _share_name(self, viewer: Viewer, share: ShareInfo) -> str:
        if share.name:
            return share.name
        title = self.dashboards.get(share.dashboard, viewer).title
        return f"{title}, shared by {share.owner}"[:NAME_MAX]

    def _deck(self, viewer: Viewer, info: PresentationInfo) -> Deck:
        slides: list[Slide] = []
        skipped: list[str] = []
        for item in info.items:
            shown = self._slide(viewer, item)
            if isinstance(shown, Slide):
                slides.append(shown)
            else:
                skipped.append(shown)
        return Deck(info.name, tuple(slides), tuple(skipped))

    def _slide(self, viewer: Viewer, item: Item) -> Slide | str:
        """The item's slide as the viewer sees it now, or why it is skipped."""
        if item.bookmark_id is not None:
            try:
                applied = self.bookmarks.apply(viewer, item.bookmark_id)
            except NotFound:  # the dashboard's grant was withdrawn (or the bookmark deleted this instant)
                return UNAVAILABLE.format(name=item.name)
            saved = applied.bookmark
            return Slide(saved.name, saved.dashboard, applied.state, tuple(applied.notices), item)
        if item.share_token is not None:
            try:
                opened = self.shares.open(viewer, item.share_token)
            except LinkGone:
                return LINK_GONE.format(name=item.name)
            except NoAccess:
                return UNAVAILABLE.format(name=item.name)
            return Slide(self._share_name(viewer, opened.share), opened.share.dashboard, opened.state,
                         tuple(opened.notices), item)
        return DELETED.format(name=item.name)  # its bookmark was deleted (the reference set to NULL)


# Helpers ----------------------------------------------------------------------------------------------

def clean_name(name: Any, field: str = "name") -> str:
    """The name as stored: trimmed, 1–100 characters, no control characters (as a bookmark's)."""
    return clean_bookmark_name(name, field, what="presentation")


def name_taken(name: str) -> str:
    return f"You already have a presentation named “{name}” (names ignore case)."


def copy_name(name: str, taken: Iterable[str]) -> str:
    """“name (copy)”, or the first of “name (copy 2)”, “name (copy 3)” … that is free (shortened to fit)."""
    taken = set(taken)
    number = 1
    while True:
        suffix = f" ({COPY})" if number == 1 else f" ({COPY} {number})"
        candidate = name[: NAME_MAX - len(suffix)].rstrip() + suffix
        if name_key(candidate) not in taken:
            return candidate
        number += 1


def _user_id(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise Unauthorized("Sign in to use presentations.")
    return viewer.user_id


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _check_name_free(s: Session, user_id: int, name: str) -> None:
    found = s.scalar(sa.select(Presentation.id).where(Presentation.owner_id == user_id,
                                                      Presentation.name_key == name_key(name)))
    if found is not None:
        raise Conflict(name_taken(name), "name")


def _check_room(s: Session, user_id: int) -> None:
    count = s.scalar(sa.select(sa.func.count()).select_from(Presentation).where(Presentation.owner_id == user_id))
    if count >= MAX_PER_USER:
        raise Conflict(f"You already have {MAX_PER_USER} presentations; delete some first.")


def _flush(s: Session, name: str) -> None:
    """Flushes a new presentation; a name another request took meanwhile is a ``Conflict``."""
    try:
        s.flush()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise Conflict(name_taken(name), "name") from None
        raise


def _bump(s: Session, row: Presentation, version: int, values: dict[str, Any], name: str) -> bool:
    """Writes ``values`` and the next version if the presentation is still at ``version``.

    The version condition makes the write itself the check: of two racing writers that read the same
    version, the database lets exactly one match. ``False`` when it did not.
    """
    values = {**values, "version": Presentation.version + 1, "updated_at": utcnow()}
    statement = (sa.update(Presentation).where(Presentation.id == row.id, Presentation.version == version)
                 .values(**values).execution_options(synchronize_session=False))
    try:
        result = s.execute(statement)
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise Conflict(name_taken(name), "name") from None
        raise
    if result.rowcount != 1:
        return False
    s.refresh(row)
    return True


def _write_items(s: Session, presentation_id: int, entries: list[_Entry]) -> None:
    s.add_all([PresentationItem(presentation_id=presentation_id, position=position, bookmark_id=e.bookmark_id,
                                share_token=e.share_token, name=e.name[:NAME_MAX])
               for position, e in enumerate(entries)])
    try:
        s.flush()
    except IntegrityError:  # a bookmark was deleted between checking the items and writing them
        raise Conflict(ITEMS_GONE, "items") from None


def _items_of(s: Session, presentation_ids: list[int]) -> dict[int, tuple[Item, ...]]:
    if not presentation_ids:
        return {}
    found: dict[int, list[Item]] = {}
    rows = s.scalars(sa.select(PresentationItem).where(PresentationItem.presentation_id.in_(presentation_ids))
                     .order_by(PresentationItem.presentation_id, PresentationItem.position))
    for r in rows:
        found.setdefault(r.presentation_id, []).append(Item(r.position, r.bookmark_id, r.share_token, r.name))
    return {key: tuple(value) for key, value in found.items()}


def _info(row: Presentation, items: tuple[Item, ...]) -> PresentationInfo:
    return PresentationInfo(id=row.id, name=row.name, version=row.version, created_at=aware(row.created_at),
                            updated_at=aware(row.updated_at), items=items)


def presentation_service() -> PresentationService:
    """The service of the current app (from ``core.runtime``)."""
    from bookmarks.service import bookmark_service
    from core.runtime import runtime

    rt = runtime()
    bookmarks = bookmark_service()
    return PresentationService(rt.db, rt.dashboards, bookmarks, ShareService(rt.db, rt.dashboards, bookmarks, rt.views),
                               rt.views)
