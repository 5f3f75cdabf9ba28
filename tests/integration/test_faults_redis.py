"""The shared result cache (Redis) goes away while users work, and comes back.

The app reaches Redis through a ``TcpProxy`` (``tests/faults.py``) that the test cuts and restores. Users
notice nothing but speed: the same answers, from this process's own cache meanwhile (``data.cache``), one
warning in the log, ``/readyz`` naming the cache; once Redis answers again it is used again.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from datetime import timedelta

import pytest
import redis

from core.runtime import EXTENSION
from data.schema import RESTAURANT_END, RESTAURANT_START
from tests.faults import TcpProxy
from tests.integration.conftest import Api, sign_in_client
from tests.servers import REDIS

pytestmark = pytest.mark.redis

DATA = "/api/v1/dashboards/restaurant/data"


@pytest.fixture(scope="module")
def proxy():
    proxy = TcpProxy(REDIS.address)
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def app(make_app, proxy):
    db = redis.Redis.from_url(REDIS.url).connection_pool.connection_kwargs.get("db", 0)
    return make_app(cache_url=f"redis://127.0.0.1:{proxy.port}/{db}", query_cache_seconds=600)


@pytest.fixture(scope="module")
def analyst(app):
    client = app.server.test_client()
    assert sign_in_client(client, "analyst").status_code == 303
    return Api(client)


def cached_keys() -> set[bytes]:
    with redis.Redis.from_url(REDIS.url) as direct:
        return set(direct.scan_iter(match="viewmark:vmq:*", count=1000))


def rounded(value):
    """``value`` with floats to 10 significant digits: DuckDB sums doubles in parallel, in no fixed order,
    so the same query may differ in the last bits from one run to the next."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def unseen(**filters) -> str:
    """A state no other test asks for (a date range drawn at random): its results cannot be in Redis already,
    however the tests sharing it ran before."""
    days = (RESTAURANT_END - RESTAURANT_START).days
    start = RESTAURANT_START + timedelta(days=random.randrange(days // 3))
    end = RESTAURANT_END - timedelta(days=random.randrange(days // 3))
    return json.dumps({"filters": {"date_range": [start.isoformat(), end.isoformat()], **filters}})


def data(api, state: str | None = None) -> dict:
    response = api.get(DATA if state is None else f"{DATA}?state={state}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_rdflt001_users_notice_nothing_but_speed_and_one_warning(app, analyst, proxy, caplog):
    engine = app.server.extensions[EXTENSION].engine
    before = cached_keys()
    everywhere, texas, california = unseen(), unseen(state=["Texas"]), unseen(state=["California"])
    served = data(analyst, everywhere)
    assert cached_keys() - before, "the results did not reach Redis"
    caplog.set_level(logging.INFO)
    proxy.cut()
    try:
        for _ in range(3):
            assert rounded(data(analyst, everywhere)) == rounded(served)
        assert data(analyst, texas) == data(analyst, texas)
        ready = app.server.test_client().get("/readyz")
        assert ready.status_code == 200 and ready.json["status"] == "degraded"
        assert ready.json["failed"] == ["cache"]
    finally:
        proxy.restore()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("data")]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "cache" in warnings[0].getMessage()

    # Back: asked again after its retry interval, and used for new results.
    engine.cache.retry_s = 0.2
    time.sleep(0.3)
    before = cached_keys()
    assert data(analyst, california)["visuals"]
    assert cached_keys() - before, "Redis is not used again after it came back"
    assert any("again" in r.getMessage() for r in caplog.records if r.name.startswith("data"))
    assert app.server.test_client().get("/readyz").status_code == 200


def test_rdflt002_a_redis_that_hangs_costs_a_second_not_the_request(app, analyst, proxy):
    """Connections accepted, nothing answered: the client's timeouts (data.cache) end the wait."""
    engine = app.server.extensions[EXTENSION].engine
    engine.cache.retry_s = 60
    proxy.silence()
    answers = []
    reader = threading.Thread(target=lambda: answers.extend(
        data(analyst, '{"filters":{"state":["Florida"]}}') for _ in range(3)), daemon=True)
    try:
        started = time.monotonic()
        reader.start()
        reader.join(10)
        elapsed = time.monotonic() - started
    finally:
        proxy.restore()
    assert len(answers) == 3, "still waiting for Redis after 10 s"
    assert all(a["visuals"] for a in answers) and elapsed < 4
