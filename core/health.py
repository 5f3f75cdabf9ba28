"""``/healthz`` and ``/readyz``: whether the process answers, and whether what it serves from answers.

Probes for load balancers and orchestrators (the README's "Health"). Both are public — the sign-in gate
lets them through — so they say no more than the names of the checks and ``ok`` or ``failed``: never an
address, a user name or the message of a failed connection (it may name a host), never a count of
anything. Why a check failed goes to the log.

* ``/healthz`` — 200 while the process serves requests; it touches nothing else.
* ``/readyz`` — 200 when every check passes, 503 naming the required ones that failed. A check the app
  can do without (the shared result cache: each process then caches for itself) fails as ``degraded``
  with 200, so that a load balancer does not take every instance out because Redis went away. The
  checks run side by side with one deadline, so a service that hangs (not refusing, just silent) cannot
  hang the probe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from typing import Any, Protocol

from flask import Blueprint, Flask, current_app, jsonify

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
PATHS = frozenset({HEALTH_PATH, READY_PATH})
EXTENSION = "viewmark.health"
DEADLINE_S = 3.0  # below the usual probe timeouts of load balancers (5 s and more)

#: A check returns when its service answers and raises (or takes too long) when it does not.
Check = Callable[[], Any]

bp = Blueprint("health", __name__)


class Cache(Protocol):
    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


def init_app(server: Flask, checks: Mapping[str, Check], optional: frozenset[str] = frozenset()) -> None:
    """``optional``: the checks whose failure leaves the app serving (``degraded``, not ``not ready``)."""
    server.extensions[EXTENSION] = (dict(checks), optional)
    server.register_blueprint(bp)


def cache_check(cache: Cache) -> Check:
    """A round trip through the result cache: a shared cache (Redis) that is down fails it."""

    def check() -> None:
        cache.set("viewmark:ready", "1", timeout=60)
        if cache.get("viewmark:ready") != "1":
            raise RuntimeError("the cache did not return what was just stored")

    return check


@bp.get(HEALTH_PATH)
def healthz():
    return _answer({"status": "ok"}, 200)


@bp.get(READY_PATH)
def readyz():
    checks, optional = current_app.extensions[EXTENSION]
    results = run_checks(checks)
    failed = sorted(name for name, ok in results.items() if not ok)
    required = [name for name in failed if name not in optional]
    status = "not ready" if required else "degraded" if failed else "ready"
    body: dict[str, Any] = {"status": status,
                            "checks": {name: "ok" if ok else "failed" for name, ok in results.items()}}
    if failed:
        body["failed"] = failed
    return _answer(body, 503 if required else 200)


def run_checks(checks: Mapping[str, Check], deadline_s: float = DEADLINE_S) -> dict[str, bool]:
    """Each check's outcome: ``True`` when it returned within the deadline."""
    pool = ThreadPoolExecutor(max_workers=max(1, len(checks)), thread_name_prefix="readyz")
    try:
        futures = {name: pool.submit(check) for name, check in checks.items()}
        wait_for(futures.values(), timeout=deadline_s)
        results = {}
        for name, future in futures.items():
            if not future.done():
                log.warning("Readiness check %r did not answer within %.0f s", name, deadline_s)
                results[name] = False
            elif (error := future.exception()) is not None:
                # One line: the driver's own error (SQLAlchemy wraps it), without its hints on further lines.
                cause = getattr(error, "orig", None) or error
                log.warning("Readiness check %r failed: %s: %s", name, type(cause).__name__,
                            str(cause).partition("\n")[0])
                results[name] = False
            else:
                results[name] = True
        return results
    finally:
        # A check still waiting on a silent service finishes in the background; the answer does not wait.
        pool.shutdown(wait=False, cancel_futures=True)


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    # A cached "ready" would hide an outage from the next probe.
    response.headers["Cache-Control"] = "no-store"
    return response
