"""Named presentations: ordered items referencing the owner's bookmarks or shared links' tokens.

Revision ID: 0005_presentations
Revises: 0004_shares
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.base import NEVER_REUSED_IDS

revision = "0005_presentations"
down_revision = "0004_shares"
branch_labels = None
depends_on = None


def _at(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "presentations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_presentations_owner_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presentations")),
        sa.UniqueConstraint("owner_id", "name_key", name="uq_presentations_owner_name"),
        **NEVER_REUSED_IDS,
    )
    op.create_table(
        "presentation_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("presentation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("bookmark_id", sa.Integer(), nullable=True),
        sa.Column("share_token", sa.String(64), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.CheckConstraint("bookmark_id IS NULL OR share_token IS NULL",
                           name=op.f("ck_presentation_items_not_both")),
        sa.ForeignKeyConstraint(["presentation_id"], ["presentations.id"],
                                name=op.f("fk_presentation_items_presentation_id_presentations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["bookmark_id"], ["bookmarks.id"],
                                name=op.f("fk_presentation_items_bookmark_id_bookmarks"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presentation_items")),
        sa.UniqueConstraint("presentation_id", "position", name="uq_presentation_items_position"),
        **NEVER_REUSED_IDS,
    )
    op.create_index(op.f("ix_presentation_items_bookmark_id"), "presentation_items", ["bookmark_id"])


def downgrade() -> None:
    op.drop_table("presentation_items")
    op.drop_table("presentations")
