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

from bookmarks.models import Bookmark
from core.errors import Conflict
from db.base import utcnow
from views.preferences import DefaultView, read_default


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

    # Reading ------------------------------------------------------------------------------------------

    def listing(self, user_id: int, dashboard_id: str) -> list[SavedBookmark]:
        default = read_default(self.s, user_id, dashboard_id)
        rows = self.s.scalars(sa.select(Bookmark).where(Bookmark.user_id == user_id,
                                                        Bookmark.dashboard == dashboard_id)
                              .order_by(Bookmark.position, Bookmark.id))
        return [saved(b, default) for b in rows]

    def row(self, user_id: int, bookmark_id: int) -> Bookmark | None:
        return self.s.scalar(sa.select(Bookmark).where(Bookmark.id == bookmark_id, Bookmark.user_id == user_id))

    def saved(self, row: Bookmark) -> SavedBookmark:
        return saved(row, read_default(self.s, row.user_id, row.dashboard))

    def id_of_name(self, user_id: int, dashboard_id: str, key: str) -> int | None:
        return self.s.scalar(sa.select(Bookmark.id).where(Bookmark.user_id == user_id,
                                                          Bookmark.dashboard == dashboard_id,
                                                          Bookmark.name_key == key))

    def count_and_top(self, user_id: int, dashboard_id: str) -> tuple[int, int | None]:
        """How many bookmarks the user has on the dashboard, and the highest position."""
        count, top = self.s.execute(sa.select(sa.func.count(), sa.func.max(Bookmark.position)).where(
            Bookmark.user_id == user_id, Bookmark.dashboard == dashboard_id)).one()
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
        values = {**values, "version": Bookmark.version + 1, "updated_at": utcnow()}
        statement = (sa.update(Bookmark).where(Bookmark.id == row.id, Bookmark.version == version)
                     .values(**values).execution_options(synchronize_session=False))
        try:
            result = self.s.execute(statement)
        except IntegrityError as exc:
            raise conflict_or_raise(exc, clash_message) from None
        if result.rowcount != 1:
            return False
        self.s.refresh(row)
        return True

    def delete(self, row: Bookmark, version: int | None) -> bool:
        """Deletes the bookmark (only at ``version`` when given) and closes the gap in the positions."""
        condition = Bookmark.id == row.id
        if version is not None:
            condition = condition & (Bookmark.version == version)
        result = self.s.execute(sa.delete(Bookmark).where(condition).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return False
        # Keep positions contiguous, so ``position`` reads as the place in the user's order.
        self.s.execute(sa.update(Bookmark)
                       .where(Bookmark.user_id == row.user_id, Bookmark.dashboard == row.dashboard,
                              Bookmark.position > row.position)
                       .values(position=Bookmark.position - 1).execution_options(synchronize_session=False))
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
