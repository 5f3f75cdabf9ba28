"""What the request handlers of accounts share: the signed-in user of a request, the accounts service of
the app, and where to go after signing in. ``accounts.web`` wires these into the app; the pages
(``accounts.pages``) and the API (``accounts.api``) use them — so neither imports the wiring.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from accounts.service import Account, Accounts, viewer_for
from accounts.viewer import Viewer

EXTENSION = "viewmark.accounts"
CSRF_COOKIE = "_csrf_token"  # the cookie dash-renderer reads (Dash's ``csrf_token_name`` default)
# Where a signed-in session keeps its own random key, by which signing out ends it (``Accounts.end_session``).
SESSION_KEY = "vm_session_key"


class SignedInUser:
    """The Flask-Login user of one request. ``via`` is how it was authenticated: session, token or proxy."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, account: Account, via: str):
        self.account = account
        self.via = via
        self.viewer: Viewer = viewer_for(account)

    def get_id(self) -> str:
        return self.account.session_id


def accounts() -> Accounts:
    return current_app.extensions[EXTENSION]


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another site (no open redirect)."""
    if not target or not isinstance(target, str):
        return "/"
    target = target.strip()
    parts = urlsplit(target)
    if (not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme
            or parts.netloc or any(ord(c) < 32 for c in target)):
        return "/"
    return target
