"""The dataset's files: versioned DuckDB files in a folder, and the ``CURRENT`` pointer to the one served.

A refresh never rewrites the file in use (readers hold it open read-only): it writes a new versioned file
and then moves the pointer to it, which app processes read when they start.
"""

from __future__ import annotations

import os
from pathlib import Path

POINTER = "CURRENT"


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
