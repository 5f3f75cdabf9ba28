"""Idempotency keys of create requests (db.request_keys).

Revision ID: 0007_request_keys
Revises: 0006_share_kinds
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_request_keys"
down_revision = "0006_share_kinds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_keys",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request", sa.String(64), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_request_keys_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_request_keys")),
    )
    op.create_index(op.f("ix_request_keys_created_at"), "request_keys", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_request_keys_created_at"), table_name="request_keys")
    op.drop_table("request_keys")
