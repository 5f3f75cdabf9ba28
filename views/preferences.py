"""Each user's view preferences per dashboard: the default view and the last view they left it in.

The default is a bookmark, the Original, or nothing (then the last view opens). The bookmark is named by
id only: which bookmarks exist is the bookmark layer's business, and the database clears a default whose
bookmark is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from db.base import Base, utcnow
from db.database import Database
from views.state import ViewState

DASHBOARD_ID_MAX = 64


class DashboardPreference(Base):
    """One user's settings for one dashboard: the default view and the last state they left it in."""

    __tablename__ = "dashboard_preferences"
    __table_args__ = (
        sa.CheckConstraint("NOT (default_is_original AND default_bookmark_id IS NOT NULL)",
                           name="one_default"),
    )

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    dashboard: Mapped[str] = mapped_column(sa.String(DASHBOARD_ID_MAX), primary_key=True)
    # Deleting the default bookmark leaves no default (not a dangling id).
    default_bookmark_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bookmarks.id", ondelete="SET NULL"), index=True)
    # “The Original is my default” differs from “no default” (which restores the last state).
    default_is_original: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    last_state: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True)
class DefaultView:
    bookmark_id: int | None = None
    original: bool = False

    @property
    def is_set(self) -> bool:
        return self.original or self.bookmark_id is not None

    def as_dict(self) -> dict:
        return {"bookmark_id": self.bookmark_id, "original": self.original}


# Inside a caller's session (the bookmark layer reads a default with its bookmarks in one transaction) ----

def read_default(s: Session, user_id: int, dashboard_id: str) -> DefaultView:
    row = s.execute(sa.select(DashboardPreference.default_bookmark_id, DashboardPreference.default_is_original)
                    .where(DashboardPreference.user_id == user_id,
                           DashboardPreference.dashboard == dashboard_id)).first()
    return DefaultView(row[0], bool(row[1])) if row else DefaultView()


def read_last(s: Session, user_id: int, dashboard_id: str) -> str | None:
    return s.scalar(sa.select(DashboardPreference.last_state).where(
        DashboardPreference.user_id == user_id, DashboardPreference.dashboard == dashboard_id))


def write(s: Session, user_id: int, dashboard_id: str, **values: Any) -> None:
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


# On their own --------------------------------------------------------------------------------------------

class ViewPreferences:
    """The preferences as the view sources read them, and the last view as the page remembers it."""

    def __init__(self, database: Database):
        self.db = database

    def default(self, user_id: int, dashboard_id: str) -> DefaultView:
        with self.db.session() as s:
            return read_default(s, user_id, dashboard_id)

    def last(self, user_id: int, dashboard_id: str) -> str | None:
        with self.db.session() as s:
            return read_last(s, user_id, dashboard_id)

    def remember(self, user_id: int, state: ViewState) -> bool:
        """Saves the user's last view of the state's dashboard; ``False`` when it already was the saved one.

        A ``ViewState`` only: what is remembered has been validated for this user.
        """
        text = state.to_json()
        with self.db.session() as s:
            if read_last(s, user_id, state.dashboard) == text:
                return False
            write(s, user_id, state.dashboard, last_state=text)
            return True
