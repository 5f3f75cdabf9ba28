"""Where the analytical data lives.

On the embedded default the data is a DuckDB file in the instance folder. A refresh never rewrites the
file in use (readers hold it open read-only): it writes a new versioned file and then moves the
``CURRENT`` pointer to it, which app processes read when they start.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

POINTER = "CURRENT"


@dataclass(frozen=True)
class Dataset:
    url: str
    version: str


def current_file(data_dir: Path) -> Path | None:
    pointer = data_dir / POINTER
    if not pointer.exists():
        return None
    path = data_dir / pointer.read_text().strip()
    return path if path.exists() else None


def publish(data_dir: Path, file: Path) -> None:
    """Points ``CURRENT`` at ``file`` atomically."""
    tmp = data_dir / (POINTER + ".tmp")
    tmp.write_text(file.name + "\n")
    os.replace(tmp, data_dir / POINTER)


def duckdb_url(path: Path) -> str:
    return f"duckdb:///{path}"


@contextmanager
def generation_lock(data_dir: Path):
    """Serialises first-run generation between processes (several gunicorn workers start at once)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_dataset(data_url: str | None, data_dir: Path, scale: float = 1.0) -> Dataset:
    """The dataset to serve: ``DATA_URL`` when set, else the embedded file, generated on first run."""
    if data_url:
        return Dataset(url=data_url, version="external")
    path = current_file(data_dir)
    if path is None:
        from data.generate import generate_dataset

        with generation_lock(data_dir):
            path = current_file(data_dir)
            if path is None:
                path = generate_dataset(data_dir, scale=scale)
    return Dataset(url=duckdb_url(path), version=path.stem)
