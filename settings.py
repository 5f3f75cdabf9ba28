"""Runtime settings, read from environment variables with safe defaults.

The embedded default needs no configuration at all: the analytical data lives in a DuckDB file and the
application database in a SQLite file, both inside the instance folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
# Admits a bookmarks file at the import limit (2 MB), which the browser's upload sends base64-encoded (a
# third larger) inside a Dash callback's JSON.
MAX_REQUEST_BYTES = 4_000_000


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in _TRUE


def _keys(value: str | None) -> tuple[str, ...]:
    """Secret keys separated by commas or spaces (generated keys hold neither)."""
    return tuple(key for key in (value or "").replace(",", " ").split() if key)


@dataclass(frozen=True)
class Settings:
    instance_path: Path = ROOT / "instance"
    # SQLAlchemy URL of the analytical store; None means the embedded DuckDB file in the instance folder.
    data_url: str | None = None
    # Fact-row multiplier for the generated dataset written on first run.
    data_scale: float = 1.0
    # SQLAlchemy URL of the application database; None means a SQLite file in the instance folder.
    database_url: str | None = None
    secret_key: str | None = None
    # Keys being retired: what they signed (sessions, CSRF tokens) is still accepted; nothing new is signed
    # with them (README, "Rotating the secret key").
    secret_key_fallbacks: tuple[str, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    demo_users: bool = True
    cookie_secure: bool = False
    # Name of a request header carrying the user name, set by a trusted reverse proxy; off unless set.
    proxy_user_header: str | None = None
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none). Sign-in
    # throttling counts per client address, so behind a proxy this must be set.
    trusted_proxies: int = 0
    # Seconds a query result is reused for identical queries (0 disables the cache).
    query_cache_seconds: int = 600
    cache_url: str | None = None
    # The largest request body read, in bytes; a larger request is refused with 413 before it is parsed.
    max_request_bytes: int = MAX_REQUEST_BYTES
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: os._Environ | dict | None = None) -> Settings:
        env = os.environ if env is None else env
        instance = Path(env.get("VIEWMARK_INSTANCE_PATH") or ROOT / "instance")
        return cls(
            instance_path=instance,
            data_url=env.get("DATA_URL") or None,
            data_scale=float(env.get("VIEWMARK_DATA_SCALE") or 1.0),
            database_url=env.get("DATABASE_URL") or None,
            secret_key=env.get("SECRET_KEY") or None,
            secret_key_fallbacks=_keys(env.get("SECRET_KEY_FALLBACKS")),
            host=env.get("VIEWMARK_HOST") or "127.0.0.1",
            port=int(env.get("VIEWMARK_PORT") or env.get("PORT") or 8050),
            debug=_flag(env.get("VIEWMARK_DEBUG"), False),
            demo_users=_flag(env.get("VIEWMARK_DEMO_USERS"), True),
            cookie_secure=_flag(env.get("VIEWMARK_COOKIE_SECURE"), False),
            proxy_user_header=env.get("VIEWMARK_PROXY_USER_HEADER") or None,
            trusted_proxies=int(env.get("VIEWMARK_TRUSTED_PROXIES") or 0),
            query_cache_seconds=int(env.get("VIEWMARK_QUERY_CACHE_SECONDS") or 600),
            cache_url=env.get("CACHE_URL") or None,
            max_request_bytes=int(env.get("VIEWMARK_MAX_REQUEST_BYTES") or MAX_REQUEST_BYTES),
        )

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    @property
    def data_dir(self) -> Path:
        return self.instance_path / "data"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_path / 'viewmark.db'}"
