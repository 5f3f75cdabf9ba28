"""The application database (users, grants, bookmarks, shares): SQLAlchemy 2 models and Alembic migrations.

``DATABASE_URL`` chooses it: a SQLite file in the instance folder by default, PostgreSQL in production.
"""

from db.base import Base
from db.database import Database

__all__ = ["Base", "Database"]
