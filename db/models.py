"""Imports every model module, so that ``Base.metadata`` knows all tables (Alembic, tests)."""

from accounts import models as accounts_models  # noqa: F401
from bookmarks import models as bookmarks_models  # noqa: F401
from db import request_keys  # noqa: F401
from presentations import models as presentations_models  # noqa: F401
from shares import models as shares_models  # noqa: F401
from views import preferences as views_preferences  # noqa: F401
