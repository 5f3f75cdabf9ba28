"""The dataset's files: versioned DuckDB files in a folder, and the ``CURRENT`` pointer to the one served.

A refresh never rewrites the file in use (readers hold it open read-only): it writes a new versioned file
and then moves the pointer to it. App processes follow the pointer (``data.store.Published``): each request
runs on the file named when it began, so no answer mixes two versions, and no process keeps an older version
than the others for longer than a request.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

POINTER = "CURRENT"


class DataFileError(Exception):
    """The data file is missing or unreadable; the message says which, and how to write a new one."""


def named_file(data_dir: Path) -> Path | None:
    """The file ``CURRENT`` names — which may be missing — or None before a dataset was ever published."""
    pointer = data_dir / POINTER
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    return data_dir / name


def current_file(data_dir: Path) -> Path | None:
    path = named_file(data_dir)
    return path if path is not None and path.exists() else None


def check_file(path: Path, data_dir: Path, scale: float = 1.0) -> None:
    """Raises ``DataFileError`` unless ``path`` opens as a DuckDB database with tables in it."""
    rebuild = f"Write a new one with: python -m data.generate --data-dir {data_dir} --scale {scale:g}"
    if not path.is_file():
        raise DataFileError(f"The data file {path} (named by {data_dir / POINTER}) is missing. {rebuild}")
    # Opened as the query engine opens it: DuckDB refuses a second connection to a file that this process
    # holds open with other settings.
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            tables = connection.execute("SELECT count(*) FROM information_schema.tables").fetchone()[0]
    except duckdb.Error as exc:
        reason = str(exc).partition("\n")[0]
        raise DataFileError(f"The data file {path} cannot be read ({reason}). {rebuild}") from None
    if not tables:
        raise DataFileError(f"The data file {path} holds no tables. {rebuild}")


def publish(data_dir: Path, file: Path) -> None:
    """Points ``CURRENT`` at ``file`` atomically."""
    tmp = data_dir / (POINTER + ".tmp")
    tmp.write_text(file.name + "\n")
    os.replace(tmp, data_dir / POINTER)


def duckdb_url(path: Path) -> str:
    return f"duckdb:///{path}"
