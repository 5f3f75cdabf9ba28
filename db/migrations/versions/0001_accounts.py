"""Accounts: users, dashboard grants, brand restrictions, API tokens and sign-in attempts.

Revision ID: 0001_accounts
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_accounts"
down_revision = None
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("username_key", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("brands_restricted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("session_version", sa.Integer(), server_default="1", nullable=False),
        _at("created_at"),
        _at("updated_at"),
        _at("last_sign_in_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username_key", name=op.f("uq_users_username_key")),
    )
    op.create_table(
        "dashboard_grants",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("dashboard_id", sa.String(64), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_dashboard_grants_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "dashboard_id", name=op.f("pk_dashboard_grants")),
    )
    op.create_table(
        "brand_restrictions",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_brand_restrictions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "brand", name=op.f("pk_brand_restrictions")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _at("created_at"),
        _at("last_used_at", nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username_key", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        _at("attempted_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    op.create_index(op.f("ix_sign_in_attempts_attempted_at"), "sign_in_attempts", ["attempted_at"])
    op.create_index("ix_sign_in_attempts_username_key_at", "sign_in_attempts",
                    ["username_key", "attempted_at"])
    op.create_index("ix_sign_in_attempts_address_at", "sign_in_attempts", ["address", "attempted_at"])


def downgrade() -> None:
    op.drop_table("sign_in_attempts")
    op.drop_table("api_tokens")
    op.drop_table("brand_restrictions")
    op.drop_table("dashboard_grants")
    op.drop_table("users")
