"""Generic test harness for Viewmark.

Only infrastructure lives here (browser-test ports, automatic markers, the servers tests need).
Application fixtures belong in their own conftest files or in clearly separated sections below.
"""

from __future__ import annotations

import functools
import os
import socket

import pytest
from dash.testing.application_runners import BaseDashRunner, MultiProcessRunner, ThreadedRunner
from hypothesis import HealthCheck, settings

from tests import servers

# Application-database fixtures (``database``: SQLite and PostgreSQL).
pytest_plugins = ["tests.persistence_fixtures"]

# --------------------------------------------------------------------------------------------
# Generated tests (hypothesis)
#
# "ci" (CI=true) is bounded and deterministic: the same examples on every run, no deadline (two shared
# cores make timings noisy), no example database. "dev" is the same size but random, remembering failures
# in .hypothesis/; "thorough" is for a long hunt:  HYPOTHESIS_PROFILE=thorough pytest -n 0 -k hostile
# Tests whose examples are expensive (a request, a database round trip) scale their own ``max_examples``
# from the loaded profile's (``tests.hostile.scaled``).
# --------------------------------------------------------------------------------------------

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", settings.get_profile("ci"), derandomize=False,
                          database=settings.default.database)
settings.register_profile("thorough", settings.get_profile("dev"), max_examples=2_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if servers.running_in_ci() else "dev"))

# --------------------------------------------------------------------------------------------
# dash_duo server ports under pytest-xdist
#
# dash's ThreadedRunner (dash_duo) takes ports from the class counter ``BaseDashRunner._next_port``
# (58050, then +1 per server), so every xdist worker would start at 58050 and collide; its
# MultiProcessRunner (dash_duo_mp) always uses 8050. Give worker N its own block of ports, skip ports
# already taken, and set ``runner.port`` *before* the server starts (ThreadedRunner sets it inside
# its thread, so it would first poll the default port 8050).
# --------------------------------------------------------------------------------------------

PORT_BASE = 58050
PORTS_PER_WORKER = 500


def xdist_worker_index() -> int:
    """0 for the main process or xdist worker ``gw0``, N for ``gwN``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = worker.removeprefix("gw")
    return int(digits) if digits.isdigit() else 0


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _worker_port_range() -> range:
    start = PORT_BASE + (xdist_worker_index() * PORTS_PER_WORKER) % (65000 - PORT_BASE)
    return range(start, start + PORTS_PER_WORKER)


def _take_port() -> int:
    """Next free port of this worker's block (wraps around inside the block)."""
    ports = _worker_port_range()
    for _ in range(len(ports)):
        port = BaseDashRunner._next_port
        if port not in ports:
            port = ports.start
        BaseDashRunner._next_port = port + 1 if port + 1 in ports else ports.start
        if _port_is_free(port):
            return port
    raise RuntimeError(f"no free port for dash test servers in {ports.start}-{ports.stop - 1}")


def _start_on_worker_port(original_start):
    @functools.wraps(original_start)
    def start(self, app, start_timeout=3, **kwargs):
        if "port" not in kwargs:
            kwargs["port"] = _take_port()
        self.port = kwargs["port"]
        return original_start(self, app, start_timeout=start_timeout, **kwargs)

    return start


ThreadedRunner.start = _start_on_worker_port(ThreadedRunner.start)
MultiProcessRunner.start = _start_on_worker_port(MultiProcessRunner.start)
BaseDashRunner._next_port = _worker_port_range().start


# --------------------------------------------------------------------------------------------
# Markers
# --------------------------------------------------------------------------------------------

BROWSER_FIXTURES = {"dash_duo", "dash_duo_mp", "dash_br", "dash_thread_server", "dash_process_server"}


def pytest_collection_modifyitems(config, items):
    """Mark every test that drives a browser or a dash test server as ``browser``, and every test on the
    PostgreSQL variant of the database fixtures as ``postgres``.

    So ``pytest -m "not browser"`` runs the fast tests only, and ``-m "not postgres and not redis"`` the
    ones that need no server.
    """
    for item in items:
        fixturenames = getattr(item, "fixturenames", ())
        if BROWSER_FIXTURES.intersection(fixturenames):
            item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        for marker in sorted(servers.needed_servers(fixturenames, callspec.params if callspec else {})):
            if item.get_closest_marker(marker) is None:
                item.add_marker(marker)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test marked ``postgres`` or ``redis`` is skipped when that server does not answer — failed in CI.

    Runs before the test's fixtures are set up; see ``tests/servers.py``.
    """
    for marker, server in servers.SERVERS.items():
        if item.get_closest_marker(marker) is not None:
            servers.require(server)
