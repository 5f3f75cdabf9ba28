"""The bookmark table: saved view states per user and dashboard.

The database enforces what must hold even when two requests race: one name per user and dashboard
(case-insensitively, through ``name_key``), and no bookmark outliving its user. Each user's default and
last view are the view layer's (``views.preferences``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, ids_never_reused, utcnow
from views.preferences import DASHBOARD_ID_MAX

NAME_MAX = 100
# ``name_key`` is the casefolded name; casefolding can triple a character (“ΐ” → three code points).
NAME_KEY_MAX = 3 * NAME_MAX


class Bookmark(Base):
    __tablename__ = "bookmarks"
    # Ids are never reused: a tab still showing a deleted bookmark must get 404, not change a newer one.
    __table_args__ = ids_never_reused(
        sa.UniqueConstraint("user_id", "dashboard", "name_key", name="uq_bookmarks_user_dashboard_name"),
        sa.Index("ix_bookmarks_user_dashboard_position", "user_id", "dashboard", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    dashboard: Mapped[str] = mapped_column(sa.String(DASHBOARD_ID_MAX))
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    name_key: Mapped[str] = mapped_column(sa.String(NAME_KEY_MAX))
    # The canonical JSON of the view state (views.state), exactly as validated when it was written.
    state: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int]
    # Optimistic concurrency: every rename or update is ``UPDATE … WHERE version = <the version read>``.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
