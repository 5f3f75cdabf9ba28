"""Every accounts operation, for the command line, the web layer and the tests alike.

Each method is one unit of work on the application database and returns plain frozen objects, never
ORM instances, so callers cannot lazily touch the database after the session has closed.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from accounts import crypto
from accounts.models import USERNAME_MAX, ApiToken, BrandRestriction, DashboardGrant, EndedSession, User
from accounts.recent import Recent
from accounts.throttle import SignInThrottle
from accounts.viewer import Viewer
from core.errors import Conflict, Invalid, NotFound, ServiceError, Unauthorized, Unavailable
from db.base import utcnow
from db.database import Database

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
TOKEN_NAME_MAX = 100
MAX_ID = 2**31 - 1
# A token's last use is written at most this often, so API reads do not each cost a write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)

SIGN_IN_REFUSED = "Wrong user name or password."


class SignInRefused(Unauthorized):
    """Wrong user name, wrong password or disabled account — deliberately one message for all."""

    def __init__(self):
        super().__init__(SIGN_IN_REFUSED)


class SignInThrottled(ServiceError):
    status = 429

    def __init__(self):
        super().__init__("Too many failed sign-in attempts. Wait a few minutes and try again.")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    disabled: bool
    dashboards: tuple[str, ...]
    # None: every brand.
    brands: tuple[str, ...] | None
    session_version: int
    created_at: datetime
    last_sign_in_at: datetime | None

    @property
    def session_id(self) -> str:
        """What the session cookie names: changes when the password changes or the user is disabled."""
        return f"{self.id}:{self.session_version}"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "prefix": self.prefix,
                "created_at": _iso(self.created_at), "last_used_at": _iso(self.last_used_at)}


def _is_id(value: object) -> bool:
    # Ids beyond a 32-bit integer cannot exist, and the database would raise rather than find nothing.
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def username_key(username: str) -> str:
    return username.strip().lower()


def viewer_for(account: Account | None) -> Viewer:
    """What the account may see. A missing or disabled account sees nothing."""
    if account is None or account.disabled:
        return Viewer(username=None, dashboards=frozenset(), brands=(), user_id=None)
    return Viewer(username=account.username, dashboards=frozenset(account.dashboards),
                  brands=account.brands, user_id=account.id)


class Accounts:
    def __init__(self, database: Database, clock: Callable[[], datetime] = utcnow,
                 throttle: SignInThrottle | None = None):
        self.db = database
        self.clock = clock
        self.throttle = throttle or SignInThrottle(clock=clock)
        # Who signed-in requests were lately, for while the database does not answer (accounts.recent).
        self.recent: Recent[Account] = Recent()

    # Users ------------------------------------------------------------------------------------------

    def create_user(self, username: str, password: str | None = None, *, dashboards: Iterable[str] = (),
                    brands: Iterable[str] | None = None, password_hash: str | None = None) -> Account:
        username = _valid_username(username)
        if password is not None:
            password_hash = crypto.hash_password(_valid_password(password))
        with self.db.session() as s:
            if s.scalar(sa.select(User.id).where(User.username_key == username_key(username))) is not None:
                raise Conflict(f"A user named “{username}” already exists.", "username")
            user = User(username=username, username_key=username_key(username), password_hash=password_hash,
                        created_at=self.clock(), updated_at=self.clock())
            user.grants = [DashboardGrant(dashboard_id=d, created_at=self.clock())
                           for d in _valid_names(dashboards, "dashboard")]
            if brands is not None:
                user.brands_restricted = True
                user.brands = [BrandRestriction(brand=b) for b in _valid_names(brands, "brand")]
            s.add(user)
            try:
                s.flush()
            except sa.exc.IntegrityError:  # created meanwhile by another process
                raise Conflict(f"A user named “{username}” already exists.", "username") from None
            return _account(user)

    def get(self, username: str) -> Account:
        with self.db.session() as s:
            return _account(self._user(s, username))

    def list_users(self) -> list[Account]:
        with self.db.session() as s:
            return [_account(u) for u in s.scalars(sa.select(User).order_by(User.username_key))]

    def set_password(self, username: str, password: str) -> Account:
        password_hash = crypto.hash_password(_valid_password(password))
        with self.db.session() as s:
            user = self._user(s, username)
            user.password_hash = password_hash
            user.session_version += 1
            return _account(user)

    def set_disabled(self, username: str, disabled: bool) -> Account:
        """Disabling ends the user's sessions at once (their tokens are refused while disabled)."""
        with self.db.session() as s:
            user = self._user(s, username)
            if user.disabled != disabled:
                user.disabled = disabled
                user.session_version += 1
            return _account(user)

    # Grants and restrictions ------------------------------------------------------------------------

    def grant(self, username: str, dashboards: Iterable[str]) -> Account:
        with self.db.session() as s:
            user = self._user(s, username)
            have = {g.dashboard_id for g in user.grants}
            for dashboard_id in _valid_names(dashboards, "dashboard"):
                if dashboard_id not in have:
                    user.grants.append(DashboardGrant(dashboard_id=dashboard_id, created_at=self.clock()))
            s.flush()
            return _account(user)

    def revoke(self, username: str, dashboards: Iterable[str]) -> Account:
        drop = set(dashboards)
        with self.db.session() as s:
            user = self._user(s, username)
            user.grants = [g for g in user.grants if g.dashboard_id not in drop]
            s.flush()
            return _account(user)

    def restrict_brands(self, username: str, brands: Iterable[str] | None) -> Account:
        """Restricts the user to ``brands``; ``None`` lifts the restriction (every brand)."""
        with self.db.session() as s:
            user = self._user(s, username)
            if brands is None:
                user.brands_restricted = False
                user.brands = []
            else:
                wanted = _valid_names(brands, "brand")
                user.brands_restricted = True
                user.brands = [b for b in user.brands if b.brand in wanted]
                kept = {b.brand for b in user.brands}
                user.brands.extend(BrandRestriction(brand=b) for b in wanted if b not in kept)
            s.flush()
            return _account(user)

    # Sign-in ----------------------------------------------------------------------------------------

    def authenticate(self, username: str, password: str, address: str) -> Account:
        """The account for a correct user name and password — or ``SignInRefused`` / ``SignInThrottled``.

        Refused before the password is even checked once the account or the address has too many recent
        failures, and counted the same whether the user exists or not (so throttling reveals nothing).
        """
        key = username_key(username or "")[:USERNAME_MAX]
        with self.db.session() as s:
            if self.throttle.blocked(s, key, address):
                raise SignInThrottled()
            user = s.scalar(sa.select(User).where(User.username_key == key)) if key else None
            password = password if isinstance(password, str) and len(password) <= PASSWORD_MAX else ""
            ok = crypto.verify_password(user.password_hash if user else None, password)
            ok = ok and user is not None and not user.disabled
            self.throttle.record(s, key, address, succeeded=ok)
            account = None
            if ok:
                user.last_sign_in_at = self.clock()
                if crypto.password_needs_rehash(user.password_hash):
                    user.password_hash = crypto.hash_password(password)
                account = _account(user)
        # Raised after the unit of work: the failed attempt must be committed, not rolled back.
        if account is None:
            raise SignInRefused()
        return account

    def start_session(self, account: Account) -> str:
        """The random key of a new session of ``account``, by which it can be signed out of for good."""
        key = secrets.token_urlsafe(24)
        self.recent.remember(("session", account.session_id, key), account)
        return key

    def for_session(self, session_id: str, key: str | None = None) -> Account | None:
        """The signed-in account named by a session, unless it was disabled or its password changed since —
        or, given the session's own ``key``, unless that session was signed out of (``end_session``).

        While the database is unreachable: the account as last read, if that was a moment ago.
        """
        return self._recently(("session", session_id, key), lambda: self._session_account(session_id, key))

    def _session_account(self, session_id: str, key: str | None = None) -> Account | None:
        user_id, _, version = (session_id or "").partition(":")
        if not user_id.isdigit() or not version.isdigit() or not _is_id(int(user_id)):
            return None
        with self.db.connection() as con:
            if key is None:
                rows = con.execute(_BY_ID, {"user_id": int(user_id)}).all()
            else:  # whether the session was signed out of, asked in the same statement
                rows = con.execute(_BY_ID_UNLESS_ENDED, {"user_id": int(user_id),
                                                         "key_hash": crypto.token_digest(key)}).all()
        account = _account_of(rows)
        if account is None or account.disabled or account.session_version != int(version):
            return None
        return None if key is not None and rows[0].ended else account

    def end_session(self, session_id: str, key: str, kept_for: timedelta) -> None:
        """Signs the session with this ``key`` out for good: a copy of its cookie signs nobody in again.

        Sessions ended longer ago than ``kept_for`` (the session lifetime) are forgotten: their cookies
        have expired by then, whatever anyone kept of them.
        """
        now = self.clock()
        with self.db.session() as s:
            s.execute(sa.delete(EndedSession).where(EndedSession.ended_at < now - kept_for))
            s.merge(EndedSession(key_hash=crypto.token_digest(key), ended_at=now))
        self.recent.remember(("session", session_id, key), None)

    def for_username(self, username: str) -> Account | None:
        """An enabled account by name (the trusted reverse proxy names users this way).

        While the database is unreachable: the account as last read, if that was a moment ago.
        """
        key = username_key(username or "")
        return self._recently(("name", key), lambda: self._named_account(key))

    def _named_account(self, key: str) -> Account | None:
        with self.db.connection() as con:
            account = _account_of(con.execute(_BY_NAME, {"key": key}).all())
        return None if account is None or account.disabled else account

    # API tokens -------------------------------------------------------------------------------------

    def create_token(self, user_id: int, name: str) -> tuple[TokenInfo, str]:
        """A new token for the user: its description and the token itself, which is never stored."""
        name = (name or "").strip() if isinstance(name, str) else ""
        if not name or len(name) > TOKEN_NAME_MAX:
            raise Invalid(f"A token name has 1 to {TOKEN_NAME_MAX} characters.", "name")
        if any("\ud800" <= c <= "\udfff" for c in name):
            # JSON can spell a lone surrogate ("\ud800"); it is no character and cannot be stored as UTF-8.
            raise Invalid("The token name holds an invalid character (an unpaired surrogate).", "name")
        secret = crypto.new_api_token()
        with self.db.session() as s:
            if s.get(User, user_id) is None:
                raise NotFound("No such user.", "user")
            token = ApiToken(user_id=user_id, name=name, prefix=secret[:12],
                             token_hash=crypto.token_digest(secret), created_at=self.clock())
            s.add(token)
            s.flush()
            return _token(token), secret

    def list_tokens(self, user_id: int) -> list[TokenInfo]:
        with self.db.session() as s:
            tokens = s.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
            return [_token(t) for t in tokens]

    def revoke_token(self, user_id: int, token_id: int) -> None:
        """Deletes one of the user's tokens; another user's token is ``NotFound``, like a missing one."""
        with self.db.session() as s:
            token = s.get(ApiToken, token_id) if _is_id(token_id) else None
            if token is None or token.user_id != user_id:
                raise NotFound("No such token.", "token")
            s.delete(token)

    def for_token(self, secret: str) -> Account | None:
        """The enabled account a bearer token belongs to, or ``None``.

        While the database is unreachable: the account as last read, if that was a moment ago.
        """
        if not secret or not secret.startswith(crypto.TOKEN_PREFIX) or len(secret) > 200:
            return None
        digest = crypto.token_digest(secret)
        return self._recently(("token", digest), lambda: self._token_account(digest))

    def _token_account(self, digest: str) -> Account | None:
        with self.db.connection() as con:
            rows = con.execute(_BY_TOKEN, {"digest": digest}).all()
        account = _account_of(rows)
        if account is None or account.disabled:
            return None
        now = self.clock()
        used_at = rows[0].token_used_at
        if used_at is None or _aware(used_at) < now - TOKEN_TOUCH_INTERVAL:
            with self.db.session() as s:
                s.execute(sa.update(ApiToken).where(ApiToken.id == rows[0].token_id).values(last_used_at=now))
        return account

    def _recently(self, key: tuple, read: Callable[[], Account | None]) -> Account | None:
        if self.db.recently_unreachable():
            # Asked again only every few seconds: a database that hangs would make each request wait the
            # connect timeout first, visuals included.
            account = self.recent.recall(key)
            if account is not None:
                return account
        try:
            account = read()
        except Unavailable:
            account = self.recent.recall(key)
            if account is None:
                raise
            return account
        self.recent.remember(key, account)
        return account

    # ------------------------------------------------------------------------------------------------

    @staticmethod
    def _user(s: Session, username: str) -> User:
        user = s.scalar(sa.select(User).where(User.username_key == username_key(username or "")))
        if user is None:
            raise NotFound(f"No user named “{username}”.", "username")
        return user


def _account(user: User) -> Account:
    return Account(
        id=user.id, username=user.username, disabled=user.disabled,
        dashboards=tuple(sorted(g.dashboard_id for g in user.grants)),
        brands=tuple(sorted(b.brand for b in user.brands)) if user.brands_restricted else None,
        session_version=user.session_version, created_at=_aware(user.created_at),
        last_sign_in_at=_aware(user.last_sign_in_at),
    )


def _account_query(source: sa.FromClause, *columns: sa.ColumnElement) -> sa.Select:
    """The account as plain rows, in one statement: the user's columns and ``columns``, one row per grant
    and — for a restricted user — per brand restriction (outer joins, so a user without either still has a
    row), from ``source`` (``users``, or a join to it)."""
    return (sa.select(User.id, User.username, User.disabled, User.brands_restricted, User.session_version,
                      User.created_at, User.last_sign_in_at, DashboardGrant.dashboard_id.label("granted"),
                      BrandRestriction.brand.label("brand"), *columns)
            .select_from(source)
            .outerjoin(DashboardGrant, DashboardGrant.user_id == User.id)
            .outerjoin(BrandRestriction, sa.and_(BrandRestriction.user_id == User.id, User.brands_restricted)))


# Every request's sign-in check asks one of these: built once (building and keying a statement costs more
# than running it), each one round trip, with no ORM objects loaded.
_BY_ID = _account_query(User.__table__).where(User.id == sa.bindparam("user_id"))
_BY_ID_UNLESS_ENDED = _account_query(
    User.__table__, sa.exists().where(EndedSession.key_hash == sa.bindparam("key_hash")).label("ended"),
).where(User.id == sa.bindparam("user_id"))
_BY_NAME = _account_query(User.__table__).where(User.username_key == sa.bindparam("key"))
_BY_TOKEN = _account_query(
    sa.join(ApiToken.__table__, User.__table__, ApiToken.user_id == User.id),
    ApiToken.id.label("token_id"), ApiToken.last_used_at.label("token_used_at"),
).where(ApiToken.token_hash == sa.bindparam("digest"))


def _account_of(rows: Sequence[sa.Row]) -> Account | None:
    """The account of ``_account_query``'s rows (all of one user); None without rows."""
    if not rows:
        return None
    user = rows[0]
    return Account(id=user.id, username=user.username, disabled=user.disabled,
                   dashboards=tuple(sorted({r.granted for r in rows if r.granted is not None})),
                   brands=tuple(sorted({r.brand for r in rows if r.brand is not None}))
                   if user.brands_restricted else None,
                   session_version=user.session_version, created_at=_aware(user.created_at),
                   last_sign_in_at=_aware(user.last_sign_in_at))


def _token(token: ApiToken) -> TokenInfo:
    return TokenInfo(id=token.id, name=token.name, prefix=token.prefix, created_at=_aware(token.created_at),
                     last_used_at=_aware(token.last_used_at))


def _valid_username(username: str) -> str:
    username = (username or "").strip() if isinstance(username, str) else ""
    if not (1 <= len(username) <= USERNAME_MAX) or not USERNAME_RE.match(username):
        raise Invalid(f"A user name has 1 to {USERNAME_MAX} letters, digits or . _ @ - and starts with a "
                      "letter or digit.", "username")
    return username


def _valid_password(password: str) -> str:
    if not isinstance(password, str) or not (PASSWORD_MIN <= len(password) <= PASSWORD_MAX):
        raise Invalid(f"A password has at least {PASSWORD_MIN} characters.", "password")
    return password


def _valid_names(values: Iterable[str], field: str) -> list[str]:
    out: list[str] = []
    for value in values:
        value = value.strip() if isinstance(value, str) else ""
        if not value or len(value) > 64:
            raise Invalid(f"A {field} id has 1 to 64 characters.", field)
        if value not in out:
            out.append(value)
    return out


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; every stored datetime is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _iso(value: datetime | None) -> str | None:
    return None if value is None else _aware(value).isoformat()
