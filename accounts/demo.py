"""The demo users of the embedded default (the README's "Demo users"), all with the password ``viewmark-demo``.

Created on first run only: a demo user that already exists is left as it is (its password or grants may
have been changed on purpose). Production databases (``DATABASE_URL`` set) never get them.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts import crypto
from accounts.service import Accounts
from core.errors import Conflict
from data.schema import GAMING_BRANDS

DEMO_PASSWORD = "viewmark-demo"
#: The brand the demo partner is restricted to: the first brand of the iGaming data (brand_id 1).
PARTNER_BRAND = GAMING_BRANDS[0][0]


@dataclass(frozen=True)
class DemoUser:
    username: str
    dashboards: tuple[str, ...]
    brands: tuple[str, ...] | None
    description: str


DEMO_USERS = (
    DemoUser("analyst", ("restaurant", "gaming"), None, "both dashboards, every brand"),
    DemoUser("manager", ("restaurant",), None, "Restaurant Operations only"),
    DemoUser("partner", ("gaming",), (PARTNER_BRAND,), f"iGaming only, brand “{PARTNER_BRAND}” only"),
)


def ensure_demo_users(accounts: Accounts) -> list[str]:
    """Creates the demo users that do not exist yet; returns the names created."""
    existing = {a.username.lower() for a in accounts.list_users()}
    missing = [u for u in DEMO_USERS if u.username not in existing]
    # One hash for all: they share the published demo password anyway, and argon2 is slow on purpose.
    password_hash = crypto.hash_password(DEMO_PASSWORD) if missing else None
    created = []
    for user in missing:
        try:
            accounts.create_user(user.username, password_hash=password_hash, dashboards=user.dashboards,
                                 brands=user.brands)
            created.append(user.username)
        except Conflict:  # another app process created it first
            pass
    return created
