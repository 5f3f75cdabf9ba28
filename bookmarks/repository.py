"""The bookmarks' SQL: reads and writes inside a caller's session, and the dialect details they need.

No rules live here (names, ownership, limits: ``bookmarks.service``). What must hold even when two
requests race is the database's job: the unique name key, and the version condition of every write.
Rows leave as frozen ``SavedBookmark`` values, never as ORM objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bookmarks.models import Bookmark
from core.errors import Conflict
from db.base import utcnow
from views.preferences import DashboardPreference, DefaultView

# The statements every bookmark operation runs, built once: building and keying a statement costs more than
# running it. Values come as bound parameters.
_B = Bookmark.__table__
_BP = sa.bindparam
_OF_DASHBOARD = (Bookmark.user_id == _BP("user_id")) & (Bookmark.dashboard == _BP("dashboard"))
_DEFAULT_ID = sa.select(DashboardPreference.default_bookmark_id).where(
    DashboardPreference.user_id == _BP("user_id"), DashboardPreference.dashboard == _BP("dashboard"))
_LISTING = sa.select(Bookmark).where(_OF_DASHBOARD).order_by(Bookmark.position, Bookmark.id)
# A bookmark with the default of its dashboard, in one statement (what ``saved`` needs besides the row).
_ROW = (sa.select(Bookmark, DashboardPreference.default_bookmark_id)
        .outerjoin(DashboardPreference, (DashboardPreference.user_id == Bookmark.user_id)
                   & (DashboardPreference.dashboard == Bookmark.dashboard))
        .where(Bookmark.id == _BP("bookmark_id"), Bookmark.user_id == _BP("user_id")))
_ID_OF_NAME = sa.select(Bookmark.id).where(_OF_DASHBOARD, Bookmark.name_key == _BP("name_key"))
_COUNT_AND_TOP = sa.select(sa.func.count(), sa.func.max(Bookmark.position)).where(_OF_DASHBOARD)
_DELETE = sa.delete(_B).where(_B.c.id == _BP("bookmark_id"))
_DELETE_AT_VERSION = sa.delete(_B).where(_B.c.id == _BP("bookmark_id"), _B.c.version == _BP("expected"))
_CLOSE_GAP = (sa.update(_B).where(_B.c.user_id == _BP("of_user"), _B.c.dashboard == _BP("of_dashboard"),
                                  _B.c.position > _BP("after")).values(position=_B.c.position - 1))
# What a rename or update writes besides its values, and reads back (``change``).
_CHANGED = ("name", "name_key", "state", "version", "updated_at")
_CHANGES: dict[tuple[str, ...], sa.Update] = {}


def _change_statement(columns: tuple[str, ...], returning: bool) -> sa.Update:
    """``UPDATE … SET <columns>, version = version + 1, updated_at WHERE id AND version`` (and ``RETURNING``
    what changed, where the database can), built once per set of columns."""
    key = (*columns, "returning") if returning else columns
    statement = _CHANGES.get(key)
    if statement is None:
        statement = (sa.update(_B).where(_B.c.id == _BP("bookmark_id"), _B.c.version == _BP("expected"))
                     .values(version=_B.c.version + 1, updated_at=_BP("new_updated_at"),
                             **{c: _BP(f"new_{c}") for c in columns}))
        if returning:
            statement = statement.returning(*(_B.c[c] for c in _CHANGED))
        _CHANGES[key] = statement
    return statement


@dataclass(frozen=True)
class SavedBookmark:
    id: int
    dashboard: str
    name: str
    # The state as saved (canonical); the bookmark service re-validates it for the current dashboard.
    state: dict
    position: int
    version: int
    is_default: bool
    created_at: datetime
    updated_at: datetime

    def as_dict(self) -> dict:
        return {"id": self.id, "dashboard": self.dashboard, "name": self.name, "state": self.state,
                "position": self.position, "is_default": self.is_default, "version": self.version,
                "created_at": iso(self.created_at), "updated_at": iso(self.updated_at)}


class BookmarkRepository:
    """One user's bookmarks of one dashboard, or one bookmark by id, in the session ``s``."""

    def __init__(self, s: Session):
        self.s = s
        # The default bookmark id of each row's dashboard as ``row`` read it (the defaults do not change in
        # the session: setting one reads no row afterwards).
        self._defaults: dict[int, int | None] = {}

    # Reading ------------------------------------------------------------------------------------------

    def listing(self, user_id: int, dashboard_id: str) -> list[SavedBookmark]:
        where = {"user_id": user_id, "dashboard": dashboard_id}
        default = DefaultView(self.s.scalar(_DEFAULT_ID, where))
        return [saved(b, default) for b in self.s.scalars(_LISTING, where)]

    def row(self, user_id: int, bookmark_id: int) -> Bookmark | None:
        found = self.s.execute(_ROW, {"bookmark_id": bookmark_id, "user_id": user_id}).one_or_none()
        if found is None:
            return None
        row, default_id = found
        # Read with the row, for ``saved``: the default of the row's dashboard.
        self._defaults[row.id] = default_id
        return row

    def saved(self, row: Bookmark) -> SavedBookmark:
        if row.id in self._defaults:
            default_id = self._defaults[row.id]
        else:
            default_id = self.s.scalar(_DEFAULT_ID, {"user_id": row.user_id, "dashboard": row.dashboard})
        return saved(row, DefaultView(default_id))

    def id_of_name(self, user_id: int, dashboard_id: str, key: str) -> int | None:
        return self.s.scalar(_ID_OF_NAME, {"user_id": user_id, "dashboard": dashboard_id, "name_key": key})

    def count_and_top(self, user_id: int, dashboard_id: str) -> tuple[int, int | None]:
        """How many bookmarks the user has on the dashboard, and the highest position."""
        count, top = self.s.execute(_COUNT_AND_TOP, {"user_id": user_id, "dashboard": dashboard_id}).one()
        return count, top

    def states_by_name_key(self, user_id: int, dashboard_id: str) -> dict[str, str]:
        return dict(self.s.execute(sa.select(Bookmark.name_key, Bookmark.state).where(
            Bookmark.user_id == user_id, Bookmark.dashboard == dashboard_id)).all())

    def ids(self, user_id: int, dashboard_id: str) -> list[int]:
        return list(self.s.scalars(sa.select(Bookmark.id).where(Bookmark.user_id == user_id,
                                                                Bookmark.dashboard == dashboard_id)))

    # Writing ------------------------------------------------------------------------------------------

    def add(self, rows: list[Bookmark], clash_message: str) -> None:
        """Inserts new bookmarks; a name that another request took meanwhile is a ``Conflict``."""
        self.s.add_all(rows)
        try:
            self.s.flush()
        except IntegrityError as exc:
            raise conflict_or_raise(exc, clash_message) from None

    def change(self, row: Bookmark, version: int, values: dict[str, Any], clash_message: str) -> bool:
        """Writes ``values`` and the next version if the bookmark is still at ``version``.

        The version condition makes the write itself the check: of two racing writers that read the same
        version, the database lets exactly one match. ``False`` when it did not.
        """
        returning = self.s.get_bind().dialect.update_returning
        statement = _change_statement(tuple(sorted(values)), returning)
        params = {"bookmark_id": row.id, "expected": version, "new_updated_at": utcnow(),
                  **{f"new_{c}": v for c, v in values.items()}}
        try:
            # On the table, not the ORM class: ``row`` is brought up to date below, without a query where the
            # database returns what it wrote.
            result = self.s.connection().execute(statement, params)
            # SQLite may report the violation only as the returned row is read.
            written = result.one_or_none() if returning else None
        except IntegrityError as exc:
            raise conflict_or_raise(exc, clash_message) from None
        if not returning:
            if result.rowcount != 1:
                return False
            self.s.refresh(row)
            return True
        if written is None:
            return False
        for column, value in zip(_CHANGED, written, strict=True):
            set_committed_value(row, column, value)
        return True

    def delete(self, row: Bookmark, version: int | None) -> bool:
        """Deletes the bookmark (only at ``version`` when given) and closes the gap in the positions."""
        connection = self.s.connection()
        if version is None:
            result = connection.execute(_DELETE, {"bookmark_id": row.id})
        else:
            result = connection.execute(_DELETE_AT_VERSION, {"bookmark_id": row.id, "expected": version})
        if result.rowcount != 1:
            return False
        # Keep positions contiguous, so ``position`` reads as the place in the user's order.
        connection.execute(_CLOSE_GAP, {"of_user": row.user_id, "of_dashboard": row.dashboard, "after": row.position})
        return True

    def set_positions(self, ids: list[int]) -> None:
        if ids:
            self.s.execute(sa.update(Bookmark), [{"id": b, "position": p} for p, b in enumerate(ids)])


# Helpers ----------------------------------------------------------------------------------------------

def saved(bookmark: Bookmark, default: DefaultView) -> SavedBookmark:
    return SavedBookmark(
        id=bookmark.id, dashboard=bookmark.dashboard, name=bookmark.name, state=json.loads(bookmark.state),
        position=bookmark.position, version=bookmark.version, is_default=default.bookmark_id == bookmark.id,
        created_at=aware(bookmark.created_at), updated_at=aware(bookmark.updated_at))


def is_unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def conflict_or_raise(exc: IntegrityError, message: str) -> Exception:
    """A unique-name violation (two requests raced past the check) is a conflict; anything else is a bug."""
    return Conflict(message, "name") if is_unique_violation(exc) else exc


def aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; every timestamp here was written in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def iso(value: datetime) -> str:
    return aware(value).astimezone(UTC).isoformat().replace("+00:00", "Z")
