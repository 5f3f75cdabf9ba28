"""Where the analytical data lives: ``DATA_URL``, or on the embedded default a DuckDB file in the instance
folder (``data.files``), generated on the first run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.locks import file_lock
from data.files import current_file, duckdb_url


@dataclass(frozen=True)
class Dataset:
    url: str
    version: str


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
