"""An app worker killed mid-request (SIGKILL) under gunicorn, during a burst of bookmark creates.

The worst moment is chosen on purpose: the database has committed the bookmark, the worker has not answered
yet. The ``TcpProxy`` in front of PostgreSQL (``tests/faults.py``) keeps the commit's answer from the worker
and tells the test, which kills that worker. Its client hears nothing back and sends the request again with
the same ``Idempotency-Key`` (``db.request_keys``), as every client here does after a dropped connection, an
answer cut short (a worker killed while it sent one) or a server error (5xx, in the API's JSON shape).
Afterwards the database must hold exactly the bookmarks the clients were told of: none lost, none twice.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from accounts.service import Accounts
from benchmarks.serve import children_of
from db.database import Database
from settings import ROOT
from tests.faults import TcpProxy, pid_holding_port, scratch_postgres, through
from tests.servers import POSTGRES

pytestmark = pytest.mark.postgres

CLIENTS = 6
CREATES = 5  # per client
KILLS = 2
TEXAS = {"filters": {"state": ["Texas"]}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory, small_dataset_url):
    """gunicorn with two workers on a scratch PostgreSQL database behind a proxy; a user and their token."""
    proxy = TcpProxy(POSTGRES.address)
    with scratch_postgres("viewmark_flt_kill") as url:
        database = Database(url)
        user = Accounts(database).create_user("burst", "burst-password", dashboards=["restaurant"])
        _, token = Accounts(database).create_token(user.id, "burst")
        port = free_port()
        env = {**os.environ, "DATABASE_URL": through(proxy, url), "DATA_URL": small_dataset_url,
               "VIEWMARK_INSTANCE_PATH": str(tmp_path_factory.mktemp("gunicorn")), "SECRET_KEY": "burst",
               "VIEWMARK_DEMO_USERS": "0", "VIEWMARK_QUERY_CACHE_SECONDS": "0"}
        log = tmp_path_factory.mktemp("gunicorn-log") / "gunicorn.log"
        log_file = log.open("w")
        # --preload: a killed worker is replaced by a fork at once, not by a fresh start of the app.
        master = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--preload",
                                   "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "2",
                                   # Each gunicorn of its own: the default control socket is one per user.
                                   "--no-control-socket", "app:server"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                assert master.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
            yield {"base": base, "token": token, "master": master, "proxy": proxy, "database": database,
                   "user_id": user.id, "log": log}
        finally:
            master.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                master.wait(10)
            except subprocess.TimeoutExpired:
                master.kill()
            database.dispose()
            proxy.close()
            log_file.close()


def create(base: str, token: str, name: str, told: dict, retried: list) -> None:
    """One bookmark, as a careful client makes it: one key, the request sent again until it is answered in full."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    for _attempt in range(10):
        try:
            response = requests.post(f"{base}/api/v1/dashboards/restaurant/bookmarks",
                                     json={"name": name, "state": TEXAS}, headers=headers, timeout=30)
        except requests.ConnectionError:  # the worker died under the request: nothing came back
            retried.append(name)
            time.sleep(0.2)
            continue
        if len(response.content) < int(response.headers.get("Content-Length", 0)):
            # The answer broke off: gunicorn writes a response's head and its body apart, and a worker killed
            # in between (answering another request on its other thread) leaves the head alone. This requests'
            # urllib3 (1.26) does not check the length, so the client does, and takes it as no answer.
            retried.append(f"{name}: {response.status_code}, {len(response.content)} of "
                           f"{response.headers['Content-Length']} bytes")
            time.sleep(0.2)
            continue
        if response.status_code >= 500:  # 503: the worker's replacement is still connecting; any other, a fault
            if response.status_code != 503:
                retried.append(f"{name}: {response.status_code} {response.text[:200]}")
            time.sleep(0.2)
            continue
        json_answer = response.headers.get("Content-Type", "").startswith("application/json")
        told[name] = (response.status_code, response.json().get("id") if json_answer else response.text[:200])
        return
    told[name] = (None, None)


def test_kill001_a_killed_worker_loses_and_doubles_no_bookmark(served):
    proxy, master = served["proxy"], served["master"]
    told: dict[str, tuple] = {}
    retried: list[str] = []
    killed: list[int] = []

    def killer():
        for _ in range(KILLS):
            hold = proxy.hold_reply(b"INSERT INTO bookmarks", b"COMMIT")
            if not hold.held.wait(20):
                return
            pid = pid_holding_port(hold.client_port, children_of(master.pid))
            if pid is None:
                return
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    threads = [threading.Thread(target=killer)]
    for c in range(CLIENTS):
        names = [f"client {c} bookmark {i}" for i in range(CREATES)]
        threads.append(threading.Thread(target=lambda names=names: [
            create(served["base"], served["token"], n, told, retried) for n in names]))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(killed) == KILLS, "no worker was killed at the commit"
    assert retried, "no client saw its request dropped"
    with served["database"].engine.connect() as con:
        stored = dict(con.execute(sa.text("SELECT name, id FROM bookmarks WHERE user_id = :u"),
                                  {"u": served["user_id"]}).all())
    log = served["log"].read_text(encoding="utf-8")[-3000:]  # what the app said, should something be amiss
    assert sorted(told) == sorted(stored), f"a bookmark the clients were told of is missing, or one they were " \
                                           f"not; retried: {retried}; the app's log ends:\n{log}"
    assert {name: answer for name, answer in told.items() if answer != (201, stored[name])} == {}, \
        f"retried: {retried}; the app's log ends:\n{log}"
    assert master.poll() is None
