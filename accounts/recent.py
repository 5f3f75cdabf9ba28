"""The accounts this process looked up lately, to keep serving their users while the database is unreachable.

Every request looks up its user in the application database. When that database does not answer, a user
who was seen a moment ago is still the same user: the last answer is used, so dashboards keep rendering
(their data comes from the data engine) while only what needs the database fails. An answer is used for at
most ``max_age`` after it was read, and only when the database cannot be asked: while it answers, every
request asks it, so a disabled user or a changed password takes effect at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_AGE_S = 15 * 60
MAX_ENTRIES = 10_000


class Recent(Generic[T]):
    def __init__(self, max_age_s: float = MAX_AGE_S, max_entries: int = MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic):
        self.max_age_s = max_age_s
        self.max_entries = max_entries
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()

    def remember(self, key: Hashable, value: T | None) -> None:
        """Records the database's answer; ``None`` (no such user, disabled, signed out) forgets the key."""
        with self._lock:
            self._seen.pop(key, None)
            if value is None:
                return
            self._seen[key] = (self.clock(), value)
            while len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)

    def recall(self, key: Hashable) -> T | None:
        with self._lock:
            seen = self._seen.get(key)
        if seen is None or self.clock() - seen[0] > self.max_age_s:
            return None
        return seen[1]
