"""The bookmark tables: saved view states per user and dashboard, and each user's dashboard preferences.

The database enforces what must hold even when two requests race: one name per user and dashboard
(case-insensitively, through ``name_key``), a default that is a bookmark *or* the Original, never both,
and no bookmark or preference outliving its user.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow

NAME_MAX = 100
# ``name_key`` is the casefolded name; casefolding can triple a character (“ΐ” → three code points).
NAME_KEY_MAX = 3 * NAME_MAX
DASHBOARD_ID_MAX = 64


class Bookmark(Base):
    __tablename__ = "bookmarks"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dashboard", "name_key", name="uq_bookmarks_user_dashboard_name"),
        sa.Index("ix_bookmarks_user_dashboard_position", "user_id", "dashboard", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    dashboard: Mapped[str] = mapped_column(sa.String(DASHBOARD_ID_MAX))
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    name_key: Mapped[str] = mapped_column(sa.String(NAME_KEY_MAX))
    # The canonical JSON of the view state (bookmarks.state), exactly as validated when it was written.
    state: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int]
    # Optimistic concurrency: every rename or update is ``UPDATE … WHERE version = <the version read>``.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


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
