"""Shared links of presentations: a link's kind (a view, or a presentation's slides).

Revision ID: 0006_share_kinds
Revises: 0005_presentations
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_share_kinds"
down_revision = "0005_presentations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shares") as table:
        table.add_column(sa.Column("kind", sa.String(16), server_default="view", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("shares") as table:
        table.drop_column("kind")
