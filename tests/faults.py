"""Faults between the app and a server it needs, without touching the server itself.

PostgreSQL and Redis are shared by every test running at once, so a test never stops them: it points the
app at a ``TcpProxy`` instead and cuts that. The proxy forwards a local port to the real server until told
otherwise:

* ``cut()`` — a stopped server: open connections are reset and new ones refused.
* ``silence()`` — a server that hangs: connections are accepted and nothing is forwarded either way.
* ``restore()`` — forwarding again, on the same port (clients keep their URL).
* ``hold_reply(*patterns)`` — on the first connection whose client sends each pattern in turn, the
  server's answer to the last one is kept back: the server has done the work, the client never hears.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa

from db.database import Database
from tests.persistence_fixtures import scratch_database

FORWARD, REFUSE, SILENT = "forward", "refuse", "silent"


@dataclass
class HeldReply:
    """The answer kept back on one connection; ``held`` is set once the server has sent it."""

    patterns: tuple[bytes, ...]
    held: threading.Event = field(default_factory=threading.Event)
    client_port: int | None = None  # the app's end of the held connection (its local port)


class _Pair:
    def __init__(self, client: socket.socket, server: socket.socket | None):
        self.client, self.server = client, server
        self.hold: HeldReply | None = None
        self.seen = 0  # how many of ``hold``'s patterns this client has sent so far, in turn
        self.holding = False

    def close(self, reset: bool = False) -> None:
        for sock in (self.client, self.server):
            if sock is not None:
                _close(sock, reset)


def _close(sock: socket.socket, reset: bool = False) -> None:
    """Closes ``sock`` for good: a thread blocked in its ``recv`` or ``accept`` would otherwise keep the
    connection (or the listening port) open, since closing a descriptor does not wake it."""
    if reset:  # RST instead of FIN: what a client sees when the server's process dies
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD if reset else socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class TcpProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.mode = FORWARD
        self._lock = threading.Lock()
        self._pairs: set[_Pair] = set()
        self._hold: HeldReply | None = None
        self._listener: socket.socket | None = None
        self.port = 0
        self._listen()

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    # What a test does -------------------------------------------------------------------------------

    def cut(self) -> None:
        with self._lock:
            self.mode = REFUSE
            listener, self._listener = self._listener, None
            pairs, self._pairs = self._pairs, set()
        if listener is not None:
            _close(listener)
        for pair in pairs:
            pair.close(reset=True)

    def silence(self) -> None:
        """Keeps listening, forwards nothing: connections made from now on hang."""
        self.cut()
        with self._lock:
            self.mode = SILENT
        self._listen()

    def restore(self) -> None:
        self.cut()
        with self._lock:
            self.mode = FORWARD
            self._hold = None
        self._listen()

    def hold_reply(self, *patterns: bytes) -> HeldReply:
        hold = HeldReply(patterns)
        with self._lock:
            self._hold = hold
        return hold

    def close(self) -> None:
        self.cut()

    # Forwarding -------------------------------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True, name="proxy-accept").start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by cut()
            with self._lock:
                mode = self.mode
            if mode == SILENT:
                pair = _Pair(client, None)
                with self._lock:
                    self._pairs.add(pair)
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            pair = _Pair(client, server)
            with self._lock:
                self._pairs.add(pair)
            threading.Thread(target=self._pump, args=(pair, True), daemon=True, name="proxy-up").start()
            threading.Thread(target=self._pump, args=(pair, False), daemon=True, name="proxy-down").start()

    def _pump(self, pair: _Pair, upstream: bool) -> None:
        source, sink = (pair.client, pair.server) if upstream else (pair.server, pair.client)
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if upstream:
                    self._watch(pair, data)
                elif pair.holding:
                    pair.hold.held.set()
                    continue  # the answer is swallowed: the client waits until it is killed
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._pairs.discard(pair)
            pair.close()

    def _watch(self, pair: _Pair, data: bytes) -> None:
        with self._lock:
            hold = self._hold
            if hold is None or hold.client_port is not None:
                return
            if pair.hold is not hold:
                pair.hold, pair.seen = hold, 0
            while pair.seen < len(hold.patterns) and hold.patterns[pair.seen] in data:
                pair.seen += 1
            if pair.seen == len(hold.patterns):
                hold.client_port = pair.client.getpeername()[1]
                pair.holding = True


def pid_holding_port(port: int, pids: list[int]) -> int | None:
    """Which of ``pids`` has the local TCP port ``port`` open (Linux: ``/proc``)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        return pid
    return None


@contextlib.contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A migrated PostgreSQL database of the test's own (dropped afterwards): other tests' cleanups of the
    shared per-worker database cannot reach it."""
    with scratch_database(prefix) as url:
        database = Database(url)
        try:
            database.migrate()
        finally:
            database.dispose()
        yield url


def through(proxy: TcpProxy, url: str) -> str:
    """``url`` with the proxy's address in place of the server's."""
    return sa.make_url(url).set(host=proxy.address[0], port=proxy.port).render_as_string(hide_password=False)
