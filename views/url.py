"""The state's URL form: ``?state=<canonical JSON>`` (docs/view-state.md)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote

PARAM = "state"


def state_search(state_json: str) -> str:
    """``?state=<canonical JSON>``, percent-encoded but for a few characters that keep it readable."""
    return f"?{PARAM}=" + quote(state_json, safe=":,")


def search_state(search: str | None) -> str | None:
    """The state text of a query string (``?state=…``), or ``None`` when it has none."""
    # The address comes from the browser: a forged request may send anything else, which has no state.
    values = parse_qs(search.lstrip("?")).get(PARAM) if isinstance(search, str) else None
    return values[0] if values else None


def normalized(pathname: str | None) -> str:
    """A path as pages are told apart: a trailing slash does not count (and what is not text is no path)."""
    return (pathname if isinstance(pathname, str) and pathname else "/").rstrip("/") or "/"
