"""The viewer of a request: which dashboards they may open and which rows they may see."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    username: str | None
    # Dashboard ids this viewer may open; None means every dashboard.
    dashboards: frozenset[str] | None = None
    # Brand codes this viewer is restricted to; None means unrestricted.
    brands: tuple[str, ...] | None = None
    user_id: int | None = None

    def can_view(self, dashboard_id: str) -> bool:
        return self.dashboards is None or dashboard_id in self.dashboards

    @property
    def restrictions(self) -> dict[str, tuple]:
        """Row restrictions by control id, applied by ``QueryContext.values``."""
        return {"brand": self.brands} if self.brands is not None else {}


FULL_ACCESS = Viewer(username=None)
# Anyone who is not signed in: every check fails closed.
NO_ACCESS = Viewer(username=None, dashboards=frozenset(), brands=())


def current_viewer() -> Viewer:
    """The viewer of the signed-in user of this request (see ``accounts.web``); ``NO_ACCESS`` otherwise."""
    from flask import current_app, has_request_context
    from flask_login import current_user

    if not has_request_context() or getattr(current_app, "login_manager", None) is None:
        return NO_ACCESS
    return getattr(current_user, "viewer", None) or NO_ACCESS
