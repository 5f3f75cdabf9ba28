"""The route table: one path template per page, matched in order (no chain of ``if``s).

A template's ``<name>`` parts match one path segment each and reach the page as keyword arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from views.url import normalized

Page = Callable[..., Any]


@dataclass(frozen=True)
class Route:
    template: str  # "/dashboards/<dashboard_id>"
    page: Page
    pattern: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = re.split(r"<([a-z_]+)>", self.template)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.match(path)
        return None if found is None else found.groupdict()


def resolve(routes: Sequence[Route], pathname: str | None) -> tuple[Page, dict[str, str]] | None:
    """The first route matching the path (a trailing slash does not count), with its parameters."""
    path = normalized(pathname)
    for route in routes:
        params = route.match(path)
        if params is not None:
            return route.page, params
    return None
