"""The shares table: one immutable snapshot of a view state per row, addressed by an opaque token.

The token is the only way in: 192 random bits from ``secrets``, unique, never derived from the id. The
state is a copy of the canonical JSON taken when the link was made, so changing or deleting the bookmark
it came from never changes what the link shows.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, ids_never_reused, utcnow
from views.preferences import DASHBOARD_ID_MAX

TOKEN_MAX = 64
NAME_MAX = 100
# What a link shows: one view of a dashboard, or a presentation (its slides' views, copied when shared).
VIEW = "view"
PRESENTATION = "presentation"


class Share(Base):
    __tablename__ = "shares"
    __table_args__ = ids_never_reused(
        sa.Index("ix_shares_owner_created", "owner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(TOKEN_MAX), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default=VIEW, server_default=VIEW)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    dashboard: Mapped[str] = mapped_column(sa.String(DASHBOARD_ID_MAX))
    # The bookmark's name when a bookmark was shared (a copy: renaming the bookmark leaves it).
    name: Mapped[str | None] = mapped_column(sa.String(NAME_MAX))
    # The canonical JSON of the view state (views.state) as validated for the owner when shared; for a
    # presentation, ``{"slides": [{"dashboard", "name", "state"}, …]}`` and ``dashboard`` is "presentation".
    state: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    open_count: Mapped[int] = mapped_column(default=0, server_default="0")
