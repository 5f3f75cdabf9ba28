"""The presentations tables: a user's named presentations and their ordered items.

An item references one of the owner's bookmarks or a shared link's token, never a copy of a state: the
slide follows its bookmark. Deleting the bookmark leaves the item with no reference (``ON DELETE SET
NULL``) and the copy of the name it had when added, so the deck can say which slide it skipped. The database
enforces what must hold when two requests race: one name per owner (case-insensitively, through
``name_key``), one item per place, and no presentation outliving its owner.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, ids_never_reused, utcnow

NAME_MAX = 100
# ``name_key`` is the casefolded name; casefolding can triple a character (“ΐ” → three code points).
NAME_KEY_MAX = 3 * NAME_MAX
TOKEN_MAX = 64


class Presentation(Base):
    __tablename__ = "presentations"
    # Ids are never reused: a tab still showing a deleted presentation must get 404, not change a newer one.
    __table_args__ = ids_never_reused(
        sa.UniqueConstraint("owner_id", "name_key", name="uq_presentations_owner_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    name_key: Mapped[str] = mapped_column(sa.String(NAME_KEY_MAX))
    # Optimistic concurrency: every change is ``UPDATE … WHERE version = <the version read>``.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PresentationItem(Base):
    __tablename__ = "presentation_items"
    __table_args__ = ids_never_reused(
        sa.UniqueConstraint("presentation_id", "position", name="uq_presentation_items_position"),
        # Exactly one of the two is set when an item is added; a deleted bookmark then leaves neither.
        sa.CheckConstraint("bookmark_id IS NULL OR share_token IS NULL", name="not_both"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(sa.ForeignKey("presentations.id", ondelete="CASCADE"))
    position: Mapped[int]
    bookmark_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookmarks.id", ondelete="SET NULL"),
                                                    index=True)
    share_token: Mapped[str | None] = mapped_column(sa.String(TOKEN_MAX))
    # The bookmark's or link's name when the item was added (a copy: it names a slide that is gone).
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
