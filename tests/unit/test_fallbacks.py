"""What stands in for a server while it does not answer: the process's own result cache (``data.cache``)
and the accounts seen a moment ago (``accounts.recent``)."""

from __future__ import annotations

import logging

from accounts.recent import Recent
from data.cache import FallbackCache


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Flaky:
    """A cache that answers until ``down`` is set, and counts what it was asked."""

    def __init__(self):
        self.down = False
        self.calls = 0
        self.data = {}

    def get(self, key):
        self.calls += 1
        if self.down:
            raise ConnectionError("refused")
        return self.data.get(key)

    def set(self, key, value, timeout=None):
        self.calls += 1
        if self.down:
            raise ConnectionError("refused")
        self.data[key] = value
        return True


def test_fall001_one_warning_per_outage_and_the_shared_cache_asked_again_after_the_interval(caplog):
    shared, clock = Flaky(), Clock()
    cache = FallbackCache(shared, retry_s=10, clock=clock)
    shared.down = True
    with caplog.at_level(logging.INFO, logger="data.cache"):
        cache.set("k", 1)
        assert cache.get("k") == 1  # kept in the process meanwhile
        asked = shared.calls
        clock.now = 9
        cache.get("k")
        assert shared.calls == asked  # not asked again within the interval
        clock.now = 11
        cache.get("k")
        assert shared.calls == asked + 1
        shared.down = False
        clock.now = 22
        cache.set("k", 2)
        assert shared.data == {"k": 2} and cache.shared_in_use
    levels = [r.levelname for r in caplog.records]
    assert levels == ["WARNING", "INFO"], [r.getMessage() for r in caplog.records]


def test_fall002_a_recent_account_is_recalled_for_a_while_and_a_refusal_forgets_it():
    clock = Clock()
    recent = Recent(max_age_s=60, clock=clock)
    recent.remember("s1", "alice")
    clock.now = 59
    assert recent.recall("s1") == "alice"
    clock.now = 61
    assert recent.recall("s1") is None
    recent.remember("s1", "alice")
    recent.remember("s1", None)  # the database said: no longer signed in
    assert recent.recall("s1") is None


def test_fall003_recent_accounts_are_bounded():
    recent = Recent(max_entries=2)
    for key in ("a", "b", "c"):
        recent.remember(key, key)
    assert [recent.recall(k) for k in ("a", "b", "c")] == [None, "b", "c"]
