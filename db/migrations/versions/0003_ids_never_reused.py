"""Ids are never reused: users, API tokens and bookmarks become AUTOINCREMENT tables on SQLite.

SQLite gave a new row max(id) + 1, so deleting the newest bookmark handed its id to the next one, and a
tab still showing the deleted bookmark (same id, version 1) renamed the new one. A reused user id would
let a deleted user's session ("<id>:<session_version>") sign in as the next user, and a reused token id
would let a stale listing revoke a newer token. SQLite cannot add AUTOINCREMENT to a table, so the tables
are recreated (rows, ids, constraints and indexes are copied). PostgreSQL's sequences never hand out a
value twice: nothing to do there. New tables get the same from ``db.base.NEVER_REUSED_IDS``.

Revision ID: 0003_ids_never_reused
Revises: 0002_bookmarks
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003_ids_never_reused"
down_revision = "0002_bookmarks"
branch_labels = None
depends_on = None

# The tables whose ids leave the database (sign_in_attempts' ids never do).
TABLES = ("users", "api_tokens", "bookmarks")


def _recreate_on_sqlite(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # Recreating a table drops the old one; with foreign keys enforced, SQLite would run the ON DELETE
    # actions of every row referring to it (deleting a user's bookmarks, clearing defaults). Alembic's
    # connection (db/migrations/env.py) does not turn them on; refuse rather than lose data if it ever does.
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migration 0003 must run with PRAGMA foreign_keys=OFF (it recreates tables)")
    for table in TABLES:
        # An AUTOINCREMENT key is declared on its column, without a constraint name; the naming convention
        # gives the name back (pk_<table>, as db.base.NAMING) when a downgrade makes it a constraint again.
        with op.batch_alter_table(table, recreate="always", naming_convention={"pk": "pk_%(table_name)s"},
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"foreign keys broken after recreating {', '.join(TABLES)}: {broken[:5]}")


def upgrade() -> None:
    _recreate_on_sqlite(autoincrement=True)


def downgrade() -> None:
    _recreate_on_sqlite(autoincrement=False)
