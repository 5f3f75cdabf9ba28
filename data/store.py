"""Where the analytical data lives.

On the embedded default the data is a DuckDB file in the instance folder. A refresh never rewrites the
file in use (readers hold it open read-only): it writes a new versioned file and then moves the
``CURRENT`` pointer to it, which app processes read when they start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.locks import file_lock

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


def ensure_dataset(data_url: str | None, data_dir: Path, scale: float = 1.0) -> Dataset:
    """The dataset to serve: ``DATA_URL`` when set, else the embedded file, generated on first run."""
    if data_url:
        return Dataset(url=data_url, version="external")
    path = current_file(data_dir)
    if path is None:
        from data.generate import generate_dataset

        # Several gunicorn workers may start at once: one generates, the others wait and reuse it.
        with file_lock(data_dir / ".lock"):
            path = current_file(data_dir)
            if path is None:
                path = generate_dataset(data_dir, scale=scale)
    return Dataset(url=duckdb_url(path), version=path.stem)
