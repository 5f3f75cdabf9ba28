"""Ids are never reused (db.base.NEVER_REUSED_IDS), on SQLite and PostgreSQL, for every table whose ids
leave the database: its model says so, its migration does it, and a deleted newest row frees no id."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from accounts.models import User
from accounts.service import Accounts
from core.errors import NotFound
from db import models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from db.database import Database, alembic_config

# Tables with an integer id that never leaves the database (not in URLs, API answers, sessions or the CLI).
IDS_STAY_INSIDE = {"sign_in_attempts"}


def tables_with_integer_ids() -> list[sa.Table]:
    return [table for table in Base.metadata.sorted_tables
            if [type(c.type) for c in table.primary_key.columns] in ([sa.Integer], [sa.BigInteger])]


def test_dbid001_every_table_with_integer_ids_never_reuses_them():
    tables = {table.name: table for table in tables_with_integer_ids()}
    assert {"users", "api_tokens", "bookmarks"} <= set(tables)
    assert set(tables) >= IDS_STAY_INSIDE, "an exception for a table that no longer exists"
    reusing = sorted(name for name, table in tables.items()
                     if name not in IDS_STAY_INSIDE and not table.dialect_options["sqlite"]["autoincrement"])
    assert reusing == [], "use __table_args__ = ids_never_reused(...) (db.base) and **NEVER_REUSED_IDS in the migration"


def test_dbid002_the_migrations_make_those_tables_autoincrement_on_sqlite(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'ids.db'}")
    try:
        database.migrate()
        with database.engine.connect() as con:
            sql = dict(con.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all())
    finally:
        database.dispose()
    for table in tables_with_integer_ids():
        expected = table.name not in IDS_STAY_INSIDE
        assert ("AUTOINCREMENT" in sql[table.name]) is expected, table.name


def test_dbid003_a_deleted_users_session_does_not_sign_in_the_next_user(database):
    accounts = Accounts(database)
    first = accounts.create_user("first", password_hash="not-used")
    deleted = accounts.create_user("deleted", password_hash="not-used")
    with database.session() as s:
        s.execute(sa.delete(User).where(User.id == deleted.id))
    newer = accounts.create_user("newer", password_hash="not-used")
    assert newer.id > max(first.id, deleted.id)
    assert accounts.for_session(deleted.session_id) is None


def test_dbid004_a_revoked_tokens_id_does_not_revoke_the_next_token(database):
    accounts = Accounts(database)
    user = accounts.create_user("tokens", password_hash="not-used")
    first, _ = accounts.create_token(user.id, "first")
    revoked, _ = accounts.create_token(user.id, "revoked")
    accounts.revoke_token(user.id, revoked.id)
    newer, secret = accounts.create_token(user.id, "newer")
    assert newer.id > max(first.id, revoked.id)
    with pytest.raises(NotFound):
        accounts.revoke_token(user.id, revoked.id)
    assert accounts.for_token(secret) is not None


def test_dbid005_migration_0003_keeps_every_row_and_continues_after_the_highest_id(tmp_path):
    url = f"sqlite:///{tmp_path / 'upgrade.db'}"
    database = Database(url)
    rows = {
        "users": "(id, username, username_key, created_at, updated_at) VALUES (1, 'a', 'a', 'x', 'x'), "
                 "(7, 'b', 'b', 'x', 'x')",
        "api_tokens": "(id, user_id, name, prefix, token_hash, created_at) VALUES (3, 7, 't', 'p', 'h', 'x')",
        "bookmarks": "(id, user_id, dashboard, name, name_key, state, position, created_at, updated_at) "
                     "VALUES (5, 7, 'restaurant', 'n', 'n', '{}', 0, 'x', 'x')",
        "dashboard_preferences": "(user_id, dashboard, default_bookmark_id, updated_at) "
                                 "VALUES (7, 'restaurant', 5, 'x')",
        "dashboard_grants": "(user_id, dashboard_id, created_at) VALUES (7, 'restaurant', 'x')",
    }

    def contents() -> dict[str, list]:
        with database.engine.connect() as con:
            return {table: con.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").all() for table in rows}

    try:
        database.migrate("0002_bookmarks")
        with database.engine.begin() as con:
            for table, values in rows.items():
                con.exec_driver_sql(f"INSERT INTO {table} {values}")
        before = contents()
        database.migrate()
        # Recreating the tables ran no ON DELETE action: the grant, the bookmark and the default are kept.
        assert contents() == before
        command.downgrade(alembic_config(url), "0002_bookmarks")
        assert contents() == before
        database.migrate()
        assert contents() == before
        with database.engine.begin() as con:
            con.exec_driver_sql("DELETE FROM users WHERE id = 7")
            con.exec_driver_sql("INSERT INTO users (username, username_key, created_at, updated_at) "
                                "VALUES ('c', 'c', 'x', 'x')")
            assert con.exec_driver_sql("SELECT id FROM users WHERE username = 'c'").scalar() > 7
    finally:
        database.dispose()
