"""Bookmarks and per-user dashboard preferences (default view, last state).

Revision ID: 0002_bookmarks
Revises: 0001_accounts
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_bookmarks"
down_revision = "0001_accounts"
branch_labels = None
depends_on = None


def _at(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "bookmarks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("dashboard", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_bookmarks_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookmarks")),
        sa.UniqueConstraint("user_id", "dashboard", "name_key", name="uq_bookmarks_user_dashboard_name"),
    )
    op.create_index("ix_bookmarks_user_dashboard_position", "bookmarks", ["user_id", "dashboard", "position"])
    op.create_table(
        "dashboard_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("dashboard", sa.String(64), nullable=False),
        sa.Column("default_bookmark_id", sa.Integer(), nullable=True),
        sa.Column("default_is_original", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_state", sa.Text(), nullable=True),
        _at("updated_at"),
        sa.CheckConstraint("NOT (default_is_original AND default_bookmark_id IS NOT NULL)",
                           name=op.f("ck_dashboard_preferences_one_default")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_dashboard_preferences_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["default_bookmark_id"], ["bookmarks.id"],
                                name=op.f("fk_dashboard_preferences_default_bookmark_id_bookmarks"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("user_id", "dashboard", name=op.f("pk_dashboard_preferences")),
    )
    op.create_index(op.f("ix_dashboard_preferences_default_bookmark_id"), "dashboard_preferences",
                    ["default_bookmark_id"])


def downgrade() -> None:
    op.drop_table("dashboard_preferences")
    op.drop_table("bookmarks")
