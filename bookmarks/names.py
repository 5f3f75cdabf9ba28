"""Names of what users save (bookmarks, presentations): what a valid name is, and when two names are the same
one."""

from __future__ import annotations

import unicodedata
from typing import Any

from bookmarks.models import NAME_MAX
from core.errors import Invalid


def clean_name(name: Any, field: str = "name", what: str = "bookmark") -> str:
    """The name as stored: trimmed, 1–100 characters, no control characters. ``what`` is named in errors."""
    if not isinstance(name, str):
        raise Invalid(f"The {what} name must be text.", field)
    name = unicodedata.normalize("NFC", name).strip()
    if not name:
        raise Invalid(f"Enter a name for the {what}.", field)
    if len(name) > NAME_MAX:
        raise Invalid(f"The name is {len(name)} characters long; at most {NAME_MAX} are allowed.", field)
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise Invalid("The name must not contain line breaks or control characters.", field)
    if any(unicodedata.category(c) == "Cs" for c in name):
        # JSON can spell a lone surrogate ("\ud800"); it is no character and cannot be stored as UTF-8.
        raise Invalid("The name holds an invalid character (an unpaired surrogate).", field)
    return name


def name_key(name: str) -> str:
    """What makes two names the same: case and runs of spaces do not count."""
    return unicodedata.normalize("NFC", " ".join(name.casefold().split()))


def name_taken(name: str) -> str:
    return f"You already have a bookmark named “{name}” on this dashboard (names ignore case)."
