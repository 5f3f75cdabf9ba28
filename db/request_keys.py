"""Idempotency keys: a create request sent with ``Idempotency-Key`` is done once, however often it is sent.

A client whose request was answered by nothing — the connection dropped, the app's worker was killed
mid-request — cannot tell whether it was done. Sent again with the same key, it gets the first request's
answer: the same bookmark, link or presentation, never a second one. The key is written in the transaction
that creates the object, so both are committed or neither is.

A key is the client's (any string of 1 to 255 visible ASCII characters, a UUID is usual), scoped to the
user, and kept for a day. Sent again with a different request (another path or body) it is refused, since
the answer of the first would not answer the second.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.errors import BadRequest, Conflict, Invalid
from db.base import Base, utcnow

HEADER = "Idempotency-Key"
KEY_MAX = 255
KEPT = timedelta(days=1)


class RequestKey(Base):
    __tablename__ = "request_keys"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_MAX), primary_key=True)
    # What the first request asked (a digest of its method, path and body).
    request: Mapped[str] = mapped_column(sa.String(64))
    # What it made: a bookmark's or presentation's id, a link's token.
    target: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)


@dataclass(frozen=True)
class Once:
    """A request's key and what it asks for."""

    key: str
    request: str

    @classmethod
    def of(cls, key: str, method: str, path: str, body: Any) -> Once:
        if not 1 <= len(key) <= KEY_MAX or not all(" " < c <= "~" for c in key):
            raise BadRequest(f"The {HEADER} header must be 1 to {KEY_MAX} visible ASCII characters.", HEADER)
        asked = json.dumps([method, path, body], sort_keys=True, ensure_ascii=True, default=str)
        return cls(key, hashlib.sha256(asked.encode()).hexdigest())


def claim(s: Session, user_id: int, once: Once | None) -> str | None:
    """What an earlier request with this key made (its id or token); else ``None``, and the key is this
    request's from now on — ``settle`` it in the same transaction with what the request made.

    Two requests with one key at once (a client that gave up waiting and sent it again): the database lets
    one claim it; the other is a ``Conflict`` and, sent again, gets the first one's answer.
    """
    if once is None:
        return None
    row = s.execute(sa.select(RequestKey.request, RequestKey.target, RequestKey.created_at)
                    .where(RequestKey.user_id == user_id, RequestKey.key == once.key)).one_or_none()
    if row is not None and not _expired(row.created_at):
        if row.request != once.request:
            raise Invalid(f"This {HEADER} was sent before with another request: use a new key for a new "
                          "request.", HEADER)
        return row.target
    s.execute(sa.delete(RequestKey).where(RequestKey.user_id == user_id, RequestKey.created_at < utcnow() - KEPT))
    s.add(RequestKey(user_id=user_id, key=once.key, request=once.request, target="", created_at=utcnow()))
    try:
        s.flush()
    except IntegrityError:
        raise Conflict(f"A request with this {HEADER} is under way: send it again in a moment.", HEADER) from None
    return None


def settle(s: Session, user_id: int, once: Once | None, target: Any) -> None:
    if once is not None:
        s.execute(sa.update(RequestKey).where(RequestKey.user_id == user_id, RequestKey.key == once.key)
                  .values(target=str(target)))


def _expired(created_at: datetime) -> bool:
    if created_at.tzinfo is None:  # SQLite returns naive datetimes; every one was written in UTC
        return created_at < (utcnow() - KEPT).replace(tzinfo=None)
    return created_at < utcnow() - KEPT
