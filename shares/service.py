"""Shared links, for the Dash callbacks, the ``/s/<token>`` page and the JSON API alike.

A share is a snapshot: the state is validated for the owner and copied when the link is made. Opening one
checks, on every read, that the token is live (known, not revoked, not expired) and that the viewer may
view its dashboard; the state is then read for the viewer — their own row restrictions apply, and what
the dashboard no longer has is dropped with a notice. An unknown, revoked or expired token, and the token of
a disabled user, are one and the same ``LinkGone``: which it was is never told.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from accounts.models import User
from accounts.viewer import Viewer
from bookmarks.repository import aware, iso
from bookmarks.service import BookmarkService, SavedBookmark
from core.errors import Forbidden, Invalid, NotFound, ServiceError, TooMany, Unauthorized
from dashboards.service import DashboardService
from db import request_keys
from db.base import utcnow
from db.database import Database
from db.request_keys import Once
from declarations.model import Dashboard
from shares.models import NAME_MAX, PRESENTATION, VIEW, Share
from views.resolve import ViewResolver
from views.sources import Found, OpenRequest
from views.state import Notice, ViewState

TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
GONE = "This link is no longer available."
NARROWED = "{label}: the shared view is narrowed to what you may see."
MAX_EXPIRY = timedelta(days=365)
# Creating links is throttled per user, counted in the database so every app server sees the same count.
CREATE_LIMIT = 120
CREATE_WINDOW = timedelta(hours=1)
# The expiry choices the share dialog offers (the API takes any number of seconds up to MAX_EXPIRY).
EXPIRY_CHOICES = {"never": None, "1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}


class LinkGone(NotFound):
    def __init__(self):
        super().__init__(GONE, "token")


class NoAccess(Forbidden):
    """A live link to a dashboard this viewer may not view."""

    def __init__(self, dashboard_id: str):
        super().__init__("You have no access to the dashboard of this link.", "dashboard")
        self.dashboard_id = dashboard_id


@dataclass(frozen=True)
class ShareInfo:
    token: str
    kind: str  # VIEW or PRESENTATION
    dashboard: str
    name: str | None
    owner: str
    state: dict
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    open_count: int

    @property
    def url(self) -> str:
        return f"/s/{self.token}"

    def live(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def as_dict(self) -> dict:
        return {"token": self.token, "kind": self.kind, "url": self.url, "dashboard": self.dashboard,
                "name": self.name,
                "owner": self.owner, "state": self.state, "created_at": iso(self.created_at),
                "expires_at": iso(self.expires_at) if self.expires_at else None,
                "revoked_at": iso(self.revoked_at) if self.revoked_at else None,
                "open_count": self.open_count, "live": self.live()}


@dataclass(frozen=True)
class OpenedShare:
    share: ShareInfo
    state: ViewState  # as this viewer sees it
    notices: list[Notice] = field(default_factory=list)
    # Those of the notices that say the viewer's row restrictions hide rows the owner saw.
    narrowed: list[Notice] = field(default_factory=list)


class ShareService:
    def __init__(self, database: Database, dashboards: DashboardService, bookmarks: BookmarkService,
                 views: ViewResolver | None = None):
        self.db = database
        self.dashboards = dashboards
        self.bookmarks = bookmarks
        self.views = views or bookmarks.views

    # The owner ----------------------------------------------------------------------------------------

    def create(self, viewer: Viewer, dashboard_id: str, state: Any = None, *, bookmark_id: Any = None,
               expires_in_s: Any = None, once: Once | None = None) -> ShareInfo:
        """Shares ``state`` — or, given ``bookmark_id``, that bookmark's state and name — as a new link.

        Sharing the same view again, with no expiry, gives the same link back; sent again with the same
        ``once`` (``db.request_keys``), any request gives the link it made then.
        """
        user_id = _user_id(viewer)
        board = self.dashboards.get(dashboard_id, viewer)
        name = None
        if bookmark_id is not None:
            try:
                saved = self.bookmarks.get(viewer, bookmark_id)  # the viewer's own, or NotFound
            except NotFound:
                saved = None
            if saved is None or saved.dashboard != board.id:
                raise NotFound("No such bookmark.", "bookmark_id")
            name = saved.name
            if state is None:
                state = saved.state
            elif self._canonical(board, state, viewer) != self._canonical(board, saved.state, viewer, lenient=True):
                name = None  # another view than the bookmark's: the link must not carry its name
        if state is None:
            raise Invalid("“state” is required (or a bookmark_id).", "state")
        text = self._canonical(board, state, viewer)
        expires = _expiry(expires_in_s)
        now = utcnow()
        with self.db.session() as s:
            made = request_keys.claim(s, user_id, once)
            if made is not None:
                return self._made(s, made, viewer)
            if expires is None:
                same = s.scalar(sa.select(Share).where(
                    Share.owner_id == user_id, Share.dashboard == board.id, Share.state == text,
                    Share.revoked_at.is_(None), Share.expires_at.is_(None),
                    (Share.name == name) if name is not None else Share.name.is_(None)).limit(1))
                if same is not None:
                    request_keys.settle(s, user_id, once, same.token)
                    return _info(same, viewer.username or "")
            _check_rate(s, user_id, now)
            share = Share(token=secrets.token_urlsafe(TOKEN_BYTES), owner_id=user_id, dashboard=board.id,
                          name=name[:NAME_MAX] if name else None, state=text, created_at=now,
                          expires_at=now + expires if expires else None, open_count=0)
            s.add(share)
            s.flush()
            request_keys.settle(s, user_id, once, share.token)
            return _info(share, viewer.username or "")

    @staticmethod
    def _made(s, token: str, viewer: Viewer) -> ShareInfo:
        """The link an earlier request with the same key made: as it is now (revoked since, perhaps)."""
        share = _by_token(s, token)
        if share is None:
            raise NotFound("The link this request made no longer exists.", "token")
        return _info(share, viewer.username or "")

    def _canonical(self, board: Dashboard, state: Any, viewer: Viewer, *, lenient: bool = False) -> str | None:
        """The state's canonical JSON, validated strictly (``lenient``: ``None`` when it is not valid)."""
        try:
            return self.views.parse(board, state, viewer, strict=True)[0].to_json()
        except ServiceError:
            if lenient:
                return None
            raise

    def list_mine(self, viewer: Viewer) -> list[ShareInfo]:
        """The viewer's own links, newest first, revoked and expired ones included (marked as such)."""
        user_id = _user_id(viewer)
        with self.db.session() as s:
            rows = s.scalars(sa.select(Share).where(Share.owner_id == user_id)
                             .order_by(Share.created_at.desc(), Share.id.desc()))
            return [_info(r, viewer.username or "") for r in rows]

    def revoke(self, viewer: Viewer, token: Any) -> ShareInfo:
        """Ends the link for everyone; revoking it again changes nothing. Another user's token is NotFound."""
        user_id = _user_id(viewer)
        with self.db.session() as s:
            share = _by_token(s, token)
            if share is None or share.owner_id != user_id:
                raise NotFound("No such link.", "token")
            if share.revoked_at is None:
                share.revoked_at = utcnow()
                s.flush()
            return _info(share, viewer.username or "")

    # The viewer ---------------------------------------------------------------------------------------

    def open(self, viewer: Viewer, token: Any, *, count: bool = False) -> OpenedShare:
        """The shared view as this viewer sees it; ``count`` records one more opening of the link."""
        info, owner = self._live_info(viewer, token)
        if info.kind != VIEW:
            raise LinkGone()
        try:
            board = self.dashboards.get(info.dashboard, viewer)
        except NotFound:
            raise NoAccess(info.dashboard) from None
        if count:  # only an opening that shows the view counts (not one refused for want of access)
            info = self._count(info)
        state, notices = self.views.read(board, info.state, viewer, "The shared view")
        narrowed = self._narrowed(board, state, viewer, owner, notices)
        return OpenedShare(info, state, notices + narrowed, narrowed)

    def check(self, viewer: Viewer, token: Any) -> ShareInfo:
        """The link's details if it still opens for this viewer (``LinkGone`` or ``NoAccess`` otherwise).

        A presentation's link opens for anyone signed in: each slide is checked as it is shown.
        """
        info, _ = self._live_info(viewer, token)
        return info if info.kind == PRESENTATION else self.open(viewer, token).share

    def _live_info(self, viewer: Viewer, token: Any) -> tuple[ShareInfo, Viewer]:
        if viewer.user_id is None:
            raise Unauthorized("Sign in to open shared links.")
        with self.db.session() as s:
            share = _by_token(s, token)
            owner = _owner(s, share.owner_id) if share is not None and _live(share) else None
            if owner is None:
                raise LinkGone()
            return _info(share, owner.username or ""), owner

    # Presentations --------------------------------------------------------------------------------------

    def create_deck(self, viewer: Viewer, name: str, slides: list[dict], *,
                    expires_in_s: Any = None, once: Once | None = None) -> ShareInfo:
        """A link to a presentation: its slides (``{"dashboard", "name", "state"}``, as the owner's
        presentation service reads them now) are copied, so later changes to the bookmarks never show."""
        user_id = _user_id(viewer)
        expires = _expiry(expires_in_s)
        now = utcnow()
        text = json.dumps({"slides": slides}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        with self.db.session() as s:
            made = request_keys.claim(s, user_id, once)
            if made is not None:
                return self._made(s, made, viewer)
            _check_rate(s, user_id, now)
            share = Share(token=secrets.token_urlsafe(TOKEN_BYTES), kind=PRESENTATION, owner_id=user_id,
                          dashboard=PRESENTATION, name=name[:NAME_MAX], state=text, created_at=now,
                          expires_at=now + expires if expires else None, open_count=0)
            s.add(share)
            s.flush()
            request_keys.settle(s, user_id, once, share.token)
            return _info(share, viewer.username or "")

    def open_deck(self, viewer: Viewer, token: Any, *, count: bool = False) -> tuple[ShareInfo, list[dict]]:
        """A presentation's link: its details and its slides as copied (``LinkGone`` for anything else)."""
        info, _ = self._live_info(viewer, token)
        if info.kind != PRESENTATION:
            raise LinkGone()
        if count:
            info = self._count(info)
        slides = info.state.get("slides") if isinstance(info.state, dict) else None
        return info, [s for s in slides or [] if isinstance(s, dict)]

    def save(self, viewer: Viewer, token: Any, name: Any, *, once: Once | None = None) -> SavedBookmark:
        """Keeps the shared view, as this viewer sees it, as one of their own bookmarks."""
        opened = self.open(viewer, token)
        return self.bookmarks.add(viewer, opened.share.dashboard, name, opened.state.to_dict(), once=once)

    def snapshot(self, token: str, request: OpenRequest) -> Found | None:
        """The view sources' question (``views.sources.Snapshots``); counts the opening."""
        opened = self.open(request.viewer, token)
        if opened.share.dashboard != request.board.id:  # another dashboard's page: no answer, no opening
            return None
        share = self._count(opened.share)
        return Found("shared", share.state, "The shared view",
                     details={"token": share.token, "owner": share.owner, "name": share.name,
                              "created_at": share.created_at},
                     # what the view sources' lenient reading cannot tell: rows the owner saw
                     notices=tuple(opened.narrowed))

    def _narrowed(self, board: Dashboard, state: ViewState, viewer: Viewer, owner: Viewer,
                  notices: list[Notice]) -> list[Notice]:
        """A notice for each row restriction that shows this viewer fewer rows than the link's owner saw —
        also when the owner selected nothing (all), so nothing had to be dropped from the state."""
        told = {n.field for n in notices}
        mine, theirs = self.views.context(board, state, viewer), self.views.context(board, state, owner)
        found = []
        for control in board.controls:
            where = f"filters.{control.id}"
            if control.id not in viewer.restrictions or where in told:
                continue
            owner_sees = theirs.values(control.id)
            if owner_sees is None or set(owner_sees) - set(mine.values(control.id) or ()):
                found.append(Notice(where, NARROWED.format(label=control.label)))
        return found

    def _count(self, info: ShareInfo) -> ShareInfo:
        """Records one more opening of the link; the details with the new count."""
        with self.db.session() as s:
            s.execute(sa.update(Share).where(Share.token == info.token)
                      .values(open_count=Share.open_count + 1).execution_options(synchronize_session=False))
            count = s.scalar(sa.select(Share.open_count).where(Share.token == info.token))
        return replace(info, open_count=count)


# Helpers ----------------------------------------------------------------------------------------------

def _user_id(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise Unauthorized("Sign in to share views.")
    return viewer.user_id


def valid_token(token: Any) -> bool:
    # fullmatch: ``$`` would also let a trailing newline through.
    return isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) is not None


def _by_token(s, token: Any) -> Share | None:
    # A malformed or over-long token cannot exist: refused without a query, like an unknown one.
    if not valid_token(token):
        return None
    return s.scalar(sa.select(Share).where(Share.token == token))


def _check_rate(s, user_id: int, now: datetime) -> None:
    """Creating links is throttled per user, counted in the database so every app server sees one count."""
    recent = s.scalar(sa.select(sa.func.count()).select_from(Share).where(
        Share.owner_id == user_id, Share.created_at >= now - CREATE_WINDOW))
    if recent >= CREATE_LIMIT:
        raise TooMany(f"You have made {CREATE_LIMIT} links within the last hour; try again later.")


def _live(share: Share) -> bool:
    return share.revoked_at is None and (share.expires_at is None or aware(share.expires_at) > utcnow())


def _expiry(expires_in_s: Any) -> timedelta | None:
    if expires_in_s is None:
        return None
    if not isinstance(expires_in_s, int) or isinstance(expires_in_s, bool) or expires_in_s <= 0:
        raise Invalid("“expires_in_s” must be a positive number of seconds, or null for no expiry.",
                      "expires_in_s")
    if expires_in_s > MAX_EXPIRY.total_seconds():
        raise Invalid(f"A link can live at most {MAX_EXPIRY.days} days.", "expires_in_s")
    return timedelta(seconds=expires_in_s)


def _owner(s, user_id: int) -> Viewer | None:
    """The owner's name and current row restrictions (what the link shows them); ``None`` while the owner is
    disabled: their links speak for them, so they are gone with their sessions and tokens (until enabled)."""
    user = s.get(User, user_id)
    if user is None or user.disabled:
        return None
    brands = tuple(sorted(b.brand for b in user.brands)) if user.brands_restricted else None
    return Viewer(username=user.username, brands=brands, user_id=user.id)


def _info(share: Share, owner: str) -> ShareInfo:
    return ShareInfo(token=share.token, kind=share.kind or VIEW, dashboard=share.dashboard, name=share.name,
                     owner=owner,
                     state=json.loads(share.state), created_at=aware(share.created_at),
                     expires_at=aware(share.expires_at) if share.expires_at else None,
                     revoked_at=aware(share.revoked_at) if share.revoked_at else None,
                     open_count=share.open_count)


def share_service() -> ShareService:
    """The service of the current app (from ``core.runtime``)."""
    from bookmarks.service import bookmark_service
    from core.runtime import runtime

    rt = runtime()
    return ShareService(rt.db, rt.dashboards, bookmark_service(), rt.views)
