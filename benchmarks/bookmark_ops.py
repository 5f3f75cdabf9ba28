"""Bookmark operations as fast as the API answers them, for locust: the bookmark phase of ``benchmarks.http``.

    locust -f benchmarks/bookmark_ops.py --headless -H http://127.0.0.1:8050 -u 20 -t 30s

Every user is a script with a personal API token (the roster in ``VIEWMARK_LOAD_ROSTER``, written by the
runner) and, without pausing, goes round one bookmark's life on the restaurant dashboard: create it, list
the dashboard's bookmarks, rename it, update its view, delete it. Each of those is one operation; a status
other than the one the API documents is a failure. At the end every request's timing goes to
``requests.json`` in ``VIEWMARK_LOAD_OUT``, in the form ``benchmarks.soak`` reads.

The scripts use locust's ``FastHttpUser`` (geventhttpclient): locust runs on the machine it measures, and
at a few hundred requests a second ``requests``' own work would take a good part of a core from the app.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from pathlib import Path

from locust import FastHttpUser, constant, events, task

ROSTER = Path(os.environ.get("VIEWMARK_LOAD_ROSTER", "roster.json"))
OUT = Path(os.environ.get("VIEWMARK_LOAD_OUT", "."))
DASHBOARD = "restaurant"
# Two views a person might save, told apart by their metric: an update switches between them.
STATES = ({"sheet": "overview", "parameters": {"metric": "revenue"}},
          {"sheet": "overview", "parameters": {"metric": "orders"}})
TIMEOUT_S = 30

_roster = json.loads(ROSTER.read_text()) if ROSTER.exists() else {"users": []}
_unclaimed = deque(u for u in _roster["users"] if u.get("token"))
# (start, name, ms, problem or None), as ``benchmarks.scenario`` records them.
TIMINGS: list[tuple[float, str, float | None, str | None]] = []


@events.request.add_listener
def _timing(request_type, name, response_time, response_length, exception=None, start_time=None, **_kwargs):
    TIMINGS.append((start_time or time.time(), name, response_time,
                    None if exception is None else str(exception)[:300]))


@events.quitting.add_listener
def _write(environment, **_kwargs):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "requests.json").write_text(json.dumps(TIMINGS))


class Failed(Exception):
    """An answer with another status than the API documents for the operation."""


class BookmarkScript(FastHttpUser):
    wait_time = constant(0)
    network_timeout = TIMEOUT_S
    connection_timeout = TIMEOUT_S
    max_redirects = 0  # a redirect (to the sign-in page) is an answer of its own, never followed

    def on_start(self) -> None:
        self.me = _unclaimed.popleft()
        self.headers = {"Authorization": f"Bearer {self.me['token']}"}
        self.counter = 0

    def send(self, method: str, path: str, name: str, expect: int, **kwargs) -> dict | None:
        with self.client.request(method, path, name=name, catch_response=True, headers=self.headers,
                                 **kwargs) as response:
            if response.status_code != expect:
                body = (response.content or b"")[:300].decode(errors="replace")
                response.failure(f"{response.status_code} (expected {expect}): {body}")
                raise Failed(name)
            response.success()
        return json.loads(response.content) if response.content else None

    @task
    def life_of_a_bookmark(self):
        self.counter += 1
        name = f"ops {self.me['username']} {self.counter}"
        try:
            made = self.send("POST", f"/api/v1/dashboards/{DASHBOARD}/bookmarks", "bookmark create", 201,
                             json={"name": name, "state": STATES[0]})
            self.send("GET", f"/api/v1/dashboards/{DASHBOARD}/bookmarks", "bookmark list", 200)
            path = f"/api/v1/bookmarks/{made['id']}"
            renamed = self.send("PATCH", path, "bookmark rename", 200,
                                json={"name": name + " renamed", "version": made["version"]})
            self.send("PATCH", path, "bookmark update", 200, json={"state": STATES[1], "version": renamed["version"]})
            self.send("DELETE", path, "bookmark delete", 204)
        except Failed:
            return
