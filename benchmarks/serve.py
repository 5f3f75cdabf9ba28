"""The app as production runs it, for load runs: gunicorn against a fresh application database, with users
made for the run, and its workers' memory sampled from ``/proc``.

``benchmarks.soak`` uses it; so can any HTTP benchmark:

    with fresh_database("postgresql://postgres@127.0.0.1:5432/postgres", run_dir) as url:
        roster = make_users(url, 20)
        with Gunicorn(url, data_url, run_dir, workers=2) as app:
            ...  # requests to app.base; app.memory.samples
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa

from accounts import crypto
from accounts.demo import PARTNER_BRAND
from accounts.service import Accounts
from db.database import Database
from settings import ROOT

START_TIMEOUT_S = 90
# Of every ten users: six browse both dashboards, two browse the iGaming one restricted to one brand,
# two are scripts with API tokens.
MIX = ("browser",) * 6 + ("restricted",) * 2 + ("api",) * 2


# The application database ----------------------------------------------------------------------------------

def sqlalchemy_url(url: str) -> str:
    """``postgresql://…`` (libpq's spelling) with the driver the app uses."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@contextlib.contextmanager
def fresh_database(server: str, run_dir: Path) -> Iterator[str]:
    """A new, migrated application database for one run: ``sqlite`` (a file in ``run_dir``) or a database
    created on the PostgreSQL server ``server`` names (and dropped afterwards, whatever happens)."""
    if server == "sqlite":
        url = f"sqlite:///{run_dir / 'viewmark.db'}"
        _migrate(url)
        yield url
        return
    admin_url = sa.make_url(sqlalchemy_url(server))
    name = f"viewmark_soak_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        _migrate(url)
        yield url
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    database = Database(url)
    try:
        database.migrate()  # what `python -m db upgrade` does
    finally:
        database.dispose()


def database_server(url: str) -> str:
    """What the database is, for the report: ``PostgreSQL 15.8`` or ``SQLite 3.45.1``."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            if engine.dialect.name == "postgresql":
                return "PostgreSQL " + con.execute(sa.text("SHOW server_version")).scalar().split()[0]
            return "SQLite " + con.execute(sa.text("SELECT sqlite_version()")).scalar()
    finally:
        engine.dispose()


# Users ------------------------------------------------------------------------------------------------------

def make_users(url: str, count: int, mix: tuple[str, ...] = MIX, prefix: str = "load") -> list[dict]:
    """``count`` users of the run, in the proportions of ``mix``; API users get a token.

    Returns the roster the scenario reads: ``{username, password, kind, dashboards, token?}``. Every user
    gets the same password, hashed once: hashing is slow on purpose, and the run needs no more.
    """
    password = secrets.token_urlsafe(12)
    password_hash = crypto.hash_password(password)
    database = Database(url)
    accounts = Accounts(database)
    roster = []
    try:
        for n in range(count):
            persona = mix[n % len(mix)]
            username = f"{prefix}{n:03d}"
            dashboards = ["gaming"] if persona == "restricted" else ["restaurant", "gaming"]
            brands = [PARTNER_BRAND] if persona == "restricted" else None
            account = accounts.create_user(username, dashboards=dashboards, brands=brands,
                                           password_hash=password_hash)
            entry = {"username": username, "password": password, "dashboards": dashboards,
                     "kind": "api" if persona == "api" else "browser", "persona": persona, "user_id": account.id}
            if persona == "api":
                entry["token"] = accounts.create_token(account.id, "load run")[1]
            roster.append(entry)
    finally:
        database.dispose()
    return roster


# The app under gunicorn --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
                # The command name (2nd field) is in parentheses and may hold spaces: split after it.
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process (``VmRSS``), in MB; None once it is gone."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


@dataclass
class MemorySampler:
    """Samples the RSS of every worker of a gunicorn master, every ``interval_s``, on a thread."""

    master: int
    interval_s: float = 1.0
    samples: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # pid -> [(monotonic, MB)]
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for pid in children_of(self.master):
                mb = rss_mb(pid)
                if mb is not None:
                    self.samples.setdefault(pid, []).append((now, mb))
            self._stop.wait(self.interval_s)


def _control_socket_flag() -> list[str]:
    """gunicorn 25 and later open a control socket at one fixed path by default; two runs at once (or a
    test's gunicorn beside this one) would share it."""
    from gunicorn.config import Config

    return ["--no-control-socket"] if "control_socket_disable" in Config().settings else []


# What production runs (README, "Production"): gunicorn reads it from the folder it starts in.
CONFIG = ROOT / "gunicorn.conf.py"


def worker_kind(config: Path = CONFIG) -> str:
    """The workers as ``gunicorn.conf.py`` makes them, for reports: ``gthread (4 threads)`` or ``sync``."""
    settings: dict = {}
    exec(compile(config.read_text(), str(config), "exec"), settings)  # noqa: S102 (our own config file)
    kind = settings.get("worker_class", "sync")
    return f"{kind} ({settings.get('threads', 1)} threads)" if kind == "gthread" else kind


class Gunicorn:
    """``gunicorn app:server`` with ``workers`` workers on a free local port, its log in ``run_dir``; the
    workers as production runs them (``gunicorn.conf.py``)."""

    def __init__(self, database_url: str, data_url: str, run_dir: Path, *, workers: int = 2,
                 cache_url: str | None = None, sample_interval_s: float = 1.0):
        self.run_dir = run_dir
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = run_dir / "gunicorn.log"
        self.env = {**os.environ, "DATABASE_URL": database_url, "DATA_URL": data_url,
                    "SECRET_KEY": secrets.token_hex(32), "VIEWMARK_INSTANCE_PATH": str(run_dir / "instance"),
                    "VIEWMARK_DEMO_USERS": "0"}
        self.env.pop("CACHE_URL", None)
        if cache_url:
            self.env["CACHE_URL"] = cache_url
        self.sample_interval_s = sample_interval_s
        self.process: subprocess.Popen | None = None
        self.memory: MemorySampler | None = None
        self.booted: list[int] = []

    def __enter__(self) -> Gunicorn:
        command = [str(Path(sys.executable).with_name("gunicorn")), "--config", str(CONFIG),
                   "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "10",
                   *_control_socket_flag(), "app:server"]
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.booted = children_of(self.process.pid)
        self.memory = MemorySampler(self.process.pid, self.sample_interval_s)
        self.memory.start()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(requests.RequestException):
                if (requests.get(f"{self.base}/readyz", timeout=5).status_code == 200
                        and len(children_of(self.process.pid)) == self.workers):
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn was not ready within {START_TIMEOUT_S} s; see {self.log_path}")
            time.sleep(0.25)

    def workers_now(self) -> list[int]:
        return children_of(self.process.pid) if self.process is not None else []

    def __exit__(self, *_exc) -> None:
        if self.memory is not None:
            self.memory.stop()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log_problems(self) -> list[str]:
        """Lines of the app's log that report a problem: a warning (a service not answering, a request
        refused), an error, a traceback, a failed or killed worker."""
        markers = ("Traceback", "[WARNING]", "[ERROR]", "[CRITICAL]", "WORKER TIMEOUT")
        with open(self.log_path, errors="replace") as log:
            return [line.rstrip() for line in log if any(m in line for m in markers)]
