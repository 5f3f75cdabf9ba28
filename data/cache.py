"""The result cache: a shared cache (Redis) when it answers, this process's own meanwhile.

Query results are a convenience: losing the shared cache must cost speed, never an answer. When Redis does
not answer, ``FallbackCache`` logs one warning, keeps results in the process, and asks Redis again every
``retry_s`` seconds; once it answers, it is used again (and that is logged too).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from cachelib import SimpleCache

from data.engine import ResultCache

log = logging.getLogger(__name__)

RETRY_S = 10.0
LOCAL_ENTRIES = 2000
# A cache slower than a second is no help; and the client's own retries (three, backing off up to seconds)
# would make a request wait for a Redis that is down instead of falling back at once.
REDIS_TIMEOUT_S = 1.0


def redis_options() -> dict[str, Any]:
    """Options of the Redis client (Flask-Caching's ``CACHE_OPTIONS``)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S,
            "retry": Retry(NoBackoff(), 0)}


class FallbackCache:
    def __init__(self, shared: ResultCache, local: ResultCache | None = None, *, retry_s: float = RETRY_S,
                 clock: Callable[[], float] = time.monotonic):
        self.shared = shared
        self.local = local if local is not None else SimpleCache(threshold=LOCAL_ENTRIES)
        self.retry_s = retry_s
        self.clock = clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._last_failure = 0.0

    @property
    def shared_in_use(self) -> bool:
        return self._down_since is None

    def get(self, key: str) -> Any:
        return self._call("get", key)

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        return self._call("set", key, value, timeout=timeout)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self._down_since is not None and self.clock() - self._last_failure < self.retry_s:
            return getattr(self.local, method)(*args, **kwargs)
        try:
            result = getattr(self.shared, method)(*args, **kwargs)
        except Exception as exc:  # whatever the client raises (refused, timed out, reset), it is not an answer
            self._failed(exc)
            return getattr(self.local, method)(*args, **kwargs)
        self._answered()
        return result

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = self.clock()
            self._last_failure = self.clock()
        if first:
            log.warning("The shared result cache is not answering (%s: %s): caching in this process, asking it "
                        "again every %.0f s", type(exc).__name__, str(exc).partition("\n")[0], self.retry_s)

    def _answered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            down_for = self.clock() - self._down_since
            self._down_since = None
        # What was kept here meanwhile would only take memory: the shared cache has the results from now on.
        self.local.clear()
        log.info("The shared result cache answers again after %.0f s: using it again", down_for)
