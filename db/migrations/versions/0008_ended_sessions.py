"""Sessions signed out of (accounts.models.EndedSession): a copy of a signed-out session's cookie signs nobody in.

Revision ID: 0008_ended_sessions
Revises: 0007_request_keys
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_ended_sessions"
down_revision = "0007_request_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_sessions",
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_ended_sessions")),
    )
    op.create_index(op.f("ix_ended_sessions_ended_at"), "ended_sessions", ["ended_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ended_sessions_ended_at"), table_name="ended_sessions")
    op.drop_table("ended_sessions")
