"""The bookmarks file: what ``export`` writes and ``import`` reads, and how imported names are placed.

    {"format": "viewmark-bookmarks", "version": 1, "dashboard": "restaurant", "exported_at": "…Z",
     "bookmarks": [{"name": "…", "state": {…view state…}}, …]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bookmarks.models import NAME_MAX
from bookmarks.names import name_key
from core.errors import BadRequest, Invalid
from declarations.model import Dashboard

if TYPE_CHECKING:
    from bookmarks.service import SavedBookmark

EXPORT_FORMAT = "viewmark-bookmarks"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 2_000_000
MAX_ENTRIES = 500


@dataclass(frozen=True)
class ImportReport:
    created: tuple[SavedBookmark, ...]
    # (name in the file, name given) for every name that clashed with an existing one.
    renamed: tuple[tuple[str, str], ...]
    # Names left out because a bookmark of that name and the very same state already exists.
    skipped: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"created": [b.as_dict() for b in self.created],
                "renamed": [{"from": a, "to": b} for a, b in self.renamed],
                "skipped": list(self.skipped)}

    def summary(self) -> str:
        parts = [f"{len(self.created)} bookmark{'s' if len(self.created) != 1 else ''} imported"]
        if self.renamed:
            parts.append("renamed: " + ", ".join(f"“{a}” → “{b}”" for a, b in self.renamed))
        if self.skipped:
            parts.append(f"{len(self.skipped)} already present")
        return "; ".join(parts) + "."


def read_entries(board: Dashboard, document: Any) -> list:
    """The entries of an exported document (JSON text, bytes or decoded), after checking its envelope."""
    if isinstance(document, (bytes, str)):
        if len(document) > MAX_IMPORT_BYTES:
            raise BadRequest(f"The file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB.", "file")
        try:
            document = json.loads(document)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
            raise BadRequest("The file is not valid JSON.", "file") from None
    if not isinstance(document, dict):
        raise Invalid("This is not a Viewmark bookmarks file (expected a JSON object).", "format")
    if document.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
        raise Invalid("This is not a Viewmark bookmarks file.", "format")
    version = document.get("version", EXPORT_VERSION)
    if type(version) is not int or version != EXPORT_VERSION:  # ``true`` and ``1.0`` are not version 1
        raise Invalid(f"This file is of another version of the bookmarks format; version {EXPORT_VERSION} is "
                      "read here.", "version")
    if document.get("dashboard", board.id) != board.id:
        raise Invalid(f"These bookmarks belong to another dashboard (“{document['dashboard']}”), "
                      f"not “{board.id}”.", "dashboard")
    entries = document.get("bookmarks")
    if not isinstance(entries, list):
        raise Invalid("“bookmarks” must be a list.", "bookmarks")
    if len(entries) > MAX_ENTRIES:
        raise Invalid(f"The file holds more than {MAX_ENTRIES} bookmarks.", "bookmarks")
    return entries


def free_name(name: str, taken: dict[str, str], state: str) -> str | None:
    """``name``, or the first of “name (2)”, “name (3)” … that is free (shortened to fit); ``None`` when
    one of those names already holds this very state (the entry was imported before)."""
    number = 1
    while True:
        suffix = f" ({number})" if number > 1 else ""
        candidate = name[: NAME_MAX - len(suffix)].rstrip() + suffix
        key = name_key(candidate)
        if key not in taken:
            return candidate
        if taken[key] == state:
            return None
        number += 1
