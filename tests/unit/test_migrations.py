"""The Alembic migrations (db/migrations) on SQLite and PostgreSQL, each test on a database of its own.

* From an empty database to the head, the schema is the models' (autogenerate finds nothing to do).
* Up the chain with data in it: at every revision, rows are added to each table it created; every later
  revision keeps every row as it was (columns added later take their defaults).
* Down the chain again (every revision can be downgraded): the rows of the tables a revision keeps stay as
  they were, and upgrading once more reaches the models' schema.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from db import models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from db.database import alembic_config
from tests.servers import POSTGRES_URL

DIALECTS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

# One or two rows for every table, by table name; each revision gets those of the tables it creates, with the
# columns it gives them. Text that is easy to damage on the way (non-ASCII, quotes, JSON) on purpose.
ROWS: dict[str, list[dict]] = {
    "users": [dict(id=7, username="Ann", username_key="ann", password_hash="$argon2id$x", disabled=False,
                   brands_restricted=True, session_version=3, created_at=AT, updated_at=AT, last_sign_in_at=None),
              dict(id=9, username="bob", username_key="bob", password_hash=None, disabled=True,
                   brands_restricted=False, session_version=1, created_at=AT, updated_at=AT, last_sign_in_at=AT)],
    "dashboard_grants": [dict(user_id=7, dashboard_id="gaming", created_at=AT),
                         dict(user_id=9, dashboard_id="restaurant", created_at=AT)],
    "brand_restrictions": [dict(user_id=7, brand="aurora")],
    "api_tokens": [dict(id=3, user_id=7, name="reporting “job”", prefix="vmk_abcdefgh", token_hash="f" * 64,
                        created_at=AT, last_used_at=None)],
    "sign_in_attempts": [dict(id=5, username_key="ann", address="203.0.113.9", succeeded=False, attempted_at=AT)],
    "bookmarks": [dict(id=11, user_id=7, dashboard="gaming", name="Ünïcode ✓ 'q'", name_key="ünïcode ✓ 'q'",
                       state='{"dashboard":"gaming","sheet":"kpis","filters":{"brand":["aurora"]}}', position=0,
                       version=2, created_at=AT, updated_at=AT),
                  dict(id=12, user_id=7, dashboard="gaming", name="Second", name_key="second", state="{}",
                       position=1, version=1, created_at=AT, updated_at=AT)],
    "dashboard_preferences": [dict(user_id=7, dashboard="gaming", default_bookmark_id=11, default_is_original=False,
                                   last_state='{"sheet":"kpis"}', updated_at=AT)],
    "shares": [dict(id=13, token="t" * 32, owner_id=7, dashboard="gaming", name="Ünïcode ✓ 'q'", state="{}",
                    created_at=AT, expires_at=None, revoked_at=None, open_count=4)],
    "presentations": [dict(id=17, owner_id=7, name="Deck", name_key="deck", version=1, created_at=AT,
                           updated_at=AT)],
    "presentation_items": [dict(id=19, presentation_id=17, position=0, bookmark_id=11, share_token=None,
                                name="Ünïcode ✓ 'q'"),
                           dict(id=20, presentation_id=17, position=1, bookmark_id=None, share_token="t" * 32,
                                name="Shared")],
    "request_keys": [dict(user_id=7, key="2f6c…", request="bookmark", target="11", created_at=AT)],
    "ended_sessions": [dict(key_hash="e" * 64, ended_at=AT)],
}
# What rows inserted before a column existed hold in it afterwards.
ADDED_LATER = {("shares", "kind"): "view"}


@pytest.fixture
def database_url(request, tmp_path):
    """The URL of a new, empty database on the test's dialect (dropped afterwards on PostgreSQL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"viewmark_mig_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def revisions(url: str) -> list[str]:
    """Every revision, from the first to the head (one line of history: no branches)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    assert len(script.get_heads()) == 1, "the migrations have more than one head"
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def differences(engine: sa.Engine) -> list:
    with engine.connect() as con:
        context = MigrationContext.configure(con, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, Base.metadata)


def snapshot(engine: sa.Engine, tables) -> dict[str, list[dict]]:
    """Each table's rows, as dicts of the columns it has now, in primary-key order."""
    found = {}
    with engine.connect() as con:
        for name in tables:
            table = sa.Table(name, sa.MetaData(), autoload_with=con)
            key = list(table.primary_key.columns) or list(table.columns)
            found[name] = [dict(r._mapping) for r in con.execute(sa.select(table).order_by(*key))]
    return found


def table_names(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


@pytest.mark.parametrize("database_url", DIALECTS, indirect=True)
def test_mig001_an_empty_database_is_migrated_to_the_models_schema(database_url):
    command.upgrade(alembic_config(database_url), "head")
    engine = sa.create_engine(database_url)
    try:
        assert table_names(engine) == set(Base.metadata.tables)
        assert differences(engine) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("database_url", DIALECTS, indirect=True)
def test_mig002_rows_added_at_each_revision_survive_every_later_upgrade_and_the_downgrades(database_url):
    config = alembic_config(database_url)
    chain = revisions(database_url)
    assert set(ROWS) == set(Base.metadata.tables), "give ROWS a row for every table"
    engine = sa.create_engine(database_url)
    try:
        expected: dict[str, list[dict]] = {}
        kept_at: dict[str, dict[str, list[dict]]] = {}
        for revision in chain:
            command.upgrade(config, revision)
            assert_kept(snapshot(engine, expected), expected, revision)
            new = sorted(table_names(engine) - set(expected), key=_creation_order)
            with engine.begin() as con:
                for name in new:
                    table = sa.Table(name, sa.MetaData(), autoload_with=con)
                    con.execute(table.insert(), [{k: v for k, v in row.items() if k in table.c} for row in ROWS[name]])
            expected.update(snapshot(engine, new))
            kept_at[revision] = snapshot(engine, expected)
        assert differences(engine) == []

        for revision in reversed(chain[:-1]):
            command.downgrade(config, revision)
            assert table_names(engine) == set(kept_at[revision])
            assert snapshot(engine, kept_at[revision]) == kept_at[revision], f"downgraded to {revision}"
        command.downgrade(config, "base")
        assert table_names(engine) == set()
        command.upgrade(config, "head")
        assert differences(engine) == []
    finally:
        engine.dispose()


def assert_kept(now: dict[str, list[dict]], before: dict[str, list[dict]], revision: str) -> None:
    """Every row as it was (in the columns it had), and columns added since hold their defaults."""
    for table, rows in before.items():
        assert len(now[table]) == len(rows), f"{table}: rows lost or added by {revision}"
        for old, new in zip(rows, now[table], strict=True):
            assert {k: new[k] for k in old} == old, f"{table}: a row changed by {revision}"
            for column in set(new) - set(old):
                assert new[column] == ADDED_LATER[(table, column)], f"{table}.{column} after {revision}"


def _creation_order(name: str) -> int:
    """Tables in the order their foreign keys need (a user before their bookmarks)."""
    return [t.name for t in Base.metadata.sorted_tables].index(name)
