"""The load and soak run, short: 20 users for 60 s against gunicorn (2 workers) on a fresh PostgreSQL
database, with the result cache in Redis as production runs it (README, "Operations"), then the run's own
checks — no failed request, no error in the app's log, no bookmark lost or duplicated, worker memory flat
after warm-up (``benchmarks.soak``). Timings are printed, not asserted: the machine running CI is shared.

The full soak is a separate command (README, "Load and soak"): ``python -m benchmarks.soak --users 50
--minutes 10``.
"""

from __future__ import annotations

import pytest

from benchmarks import soak
from tests.servers import POSTGRES_URL, REDIS_URL

# With a result cache in each worker, a worker's memory grows with the cache's entries for as long as the
# first ones live (ten minutes): a minute's run could not tell that growth from a leak.
pytestmark = [pytest.mark.postgres, pytest.mark.redis]

USERS = 20
SECONDS = 60


def test_soak001_twenty_users_for_a_minute_lose_nothing(small_dataset_url):
    report = soak.run(soak.Options(users=USERS, seconds=SECONDS, database=POSTGRES_URL,
                                   data_url=small_dataset_url, cache_url=REDIS_URL))
    table = soak.render(report)
    print(table)
    assert report.passed, table
    # The run did what the scenario says: pages, callbacks, the API, bookmarks made and removed both ways.
    kinds = {name for name, stats in report.requests.items() if stats["count"]}
    assert {"sign in", "page /dashboards/[d]", "dash route", "dash view", "dash bookmark add",
            "api data", "api bookmark create"} <= kinds, table
    assert report.bookmarks["told_created"] > 0 and report.bookmarks["told_deleted"] > 0, table
