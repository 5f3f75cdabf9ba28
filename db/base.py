from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# An integer ``id`` that leaves the database (in URLs and API answers, session ids, CLI arguments) must never
# be given out twice: a stale reference to a deleted row (an open tab, a listed token, a deleted user's
# session) would otherwise reach the row created after it. PostgreSQL's sequences never hand out a value
# twice; SQLite gives a new row max(id) + 1, so deleting the newest row frees its id, unless the table is
# declared AUTOINCREMENT. So every such table, now and to come:
#
#   * in its model:      __table_args__ = ids_never_reused(<its constraints and indexes>…)
#   * in its migration:  op.create_table("name", …columns and constraints…, **NEVER_REUSED_IDS)
#
# tests/unit/test_db_ids.py checks both for every table with a single integer primary key (rows whose ids
# never leave the database, like sign_in_attempts, are listed there as exceptions).
NEVER_REUSED_IDS: Mapping[str, Any] = MappingProxyType({"sqlite_autoincrement": True})


def ids_never_reused(*table_args: Any) -> tuple:
    """``__table_args__`` for a table whose ids are never reused on any database (see NEVER_REUSED_IDS)."""
    return (*table_args, dict(NEVER_REUSED_IDS))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(UTC)
