"""Where the analytical data lives: ``DATA_URL``, or on the embedded default a DuckDB file in the instance
folder (``data.files``), generated on the first run."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from core.locks import file_lock
from data.files import POINTER, DataFileError, check_file, duckdb_url, named_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dataset:
    url: str
    version: str


def ensure_dataset(data_url: str | None, data_dir: Path, scale: float = 1.0) -> Dataset:
    """The dataset to serve: ``DATA_URL`` when set, else the embedded file, generated on first run.

    A file that was published but is now missing or unreadable is ``DataFileError``, with the command that
    writes a new one: replacing it with generated demo data unasked could pass that off as the real data.
    """
    if data_url:
        return Dataset(url=data_url, version="external")
    path = named_file(data_dir)
    if path is None:
        from data.generate import generate_dataset

        # Several gunicorn workers may start at once: one generates, the others wait and reuse it.
        with file_lock(data_dir / ".lock"):
            path = named_file(data_dir)
            if path is None:
                path = generate_dataset(data_dir, scale=scale)
    check_file(path, data_dir, scale)
    return _dataset(path)


class Published:
    """The dataset ``CURRENT`` names now: what a data refresh published, read again when the pointer changes.

    A newly published file that does not open is not served: the one before it stays, and the log says why.
    """

    def __init__(self, data_dir: Path, serving: Dataset, scale: float = 1.0):
        self.data_dir = data_dir
        self.scale = scale
        self._lock = threading.Lock()
        self._dataset = serving
        self._seen: tuple | None = self._stamp()

    def __call__(self) -> Dataset:
        stamp = self._stamp()
        if stamp == self._seen or stamp is None:
            return self._dataset
        with self._lock:
            if stamp != self._seen:
                self._seen = stamp
                self._dataset = self._read() or self._dataset
        return self._dataset

    def _stamp(self) -> tuple | None:
        # ``publish`` replaces the pointer file, so a new pointer is a new inode: a stat call per request.
        try:
            st = os.stat(self.data_dir / POINTER)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _read(self) -> Dataset | None:
        path = named_file(self.data_dir)
        if path is None or _dataset(path) == self._dataset:
            return None
        try:
            check_file(path, self.data_dir, self.scale)
        except DataFileError as exc:
            log.error("A new dataset was published but is not served, %s is served still: %s",
                      self._dataset.version, exc)
            return None
        log.info("Serving the dataset %s from now on (was %s)", path.stem, self._dataset.version)
        return _dataset(path)


def _dataset(path: Path) -> Dataset:
    return Dataset(url=duckdb_url(path), version=path.stem)
