"""Query-result reuse: identical queries within the maximum age reuse the earlier result, in process or
shared through Redis; other parameters, another dataset version or an expired entry run the query."""

from __future__ import annotations

import time
import uuid

import pytest
from flask import Flask
from flask_caching import Cache

from data.engine import DataEngine
from data.files import duckdb_url
from tests.servers import REDIS_URL

SQL = "SELECT COUNT(*) AS n FROM r_stores WHERE state IN :states"
CACHES = {
    "in-process": {"CACHE_TYPE": "SimpleCache"},
    "redis": {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL},
}


@pytest.fixture(params=[pytest.param(name, marks=[pytest.mark.redis] if name == "redis" else [])
                        for name in sorted(CACHES)])
def cache(request):
    config = {**CACHES[request.param], "CACHE_KEY_PREFIX": f"viewmark-test-{uuid.uuid4().hex}:"}
    cache = Cache(Flask(__name__), config=config)
    yield cache
    cache.clear()


def counting_engine(path, cache, version="v1", seconds=60) -> tuple[DataEngine, list]:
    engine = DataEngine(duckdb_url(path), version=version, cache=cache, cache_seconds=seconds)
    executed: list[str] = []
    engine.listen(lambda sql, params: executed.append(sql))
    return engine, executed


def test_qcache001_an_identical_query_reuses_the_result(small_data, cache):
    engine, executed = counting_engine(small_data.path, cache)
    first = engine.query(SQL, {"states": ["Pennsylvania"]})
    again = engine.query(SQL, {"states": ["Pennsylvania"]})
    assert len(executed) == 1
    assert first.equals(again) and int(again.iat[0, 0]) == 2
    engine.dispose()


def test_qcache002_other_parameters_or_dataset_version_run_again(small_data, cache):
    engine, executed = counting_engine(small_data.path, cache)
    engine.query(SQL, {"states": ["Pennsylvania"]})
    engine.query(SQL, {"states": ["Pennsylvania", "Ohio"]})
    assert len(executed) == 2
    refreshed, executed_after_refresh = counting_engine(small_data.path, cache, version="v2")
    refreshed.query(SQL, {"states": ["Pennsylvania"]})
    assert len(executed_after_refresh) == 1
    engine.dispose()
    refreshed.dispose()


def test_qcache003_an_expired_result_is_not_reused(small_data, cache):
    engine, executed = counting_engine(small_data.path, cache, seconds=1)
    engine.query(SQL, {"states": ["Pennsylvania"]})
    time.sleep(2.1)
    engine.query(SQL, {"states": ["Pennsylvania"]})
    assert len(executed) == 2
    engine.dispose()


def test_qcache004_a_caller_changing_its_frame_does_not_change_the_cache(small_data, cache):
    engine, _ = counting_engine(small_data.path, cache)
    frame = engine.query(SQL, {"states": ["Pennsylvania"]})
    frame.iat[0, 0] = 999
    assert int(engine.query(SQL, {"states": ["Pennsylvania"]}).iat[0, 0]) == 2
    engine.dispose()
