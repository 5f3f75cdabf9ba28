"""Sign-in throttling, counted in the application database so that every app server sees the same counts.

An account is locked after ``account_limit`` failures within ``window`` (a successful sign-in starts its
count afresh); an address after ``address_limit`` failures within ``window``, whatever the accounts tried.
Failures are recorded for unknown user names too, so a lock reveals nothing about who exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from accounts.models import SignInAttempt
from db.base import utcnow

ADDRESS_MAX = 64


@dataclass
class SignInThrottle:
    clock: Callable[[], datetime] = utcnow
    account_limit: int = 5
    address_limit: int = 20
    window: timedelta = timedelta(minutes=15)
    # Attempts older than this are deleted as new ones come in.
    keep: timedelta = field(default=timedelta(days=1))

    def blocked(self, s: Session, username_key: str, address: str) -> bool:
        since = self.clock() - self.window
        failed = sa.select(sa.func.count()).select_from(SignInAttempt).where(
            SignInAttempt.succeeded.is_(False), SignInAttempt.attempted_at >= since)
        last_success = sa.select(sa.func.max(SignInAttempt.attempted_at)).where(
            SignInAttempt.username_key == username_key, SignInAttempt.succeeded.is_(True)).scalar_subquery()
        by_account = failed.where(SignInAttempt.username_key == username_key,
                                  sa.or_(last_success.is_(None), SignInAttempt.attempted_at > last_success))
        if s.scalar(by_account) >= self.account_limit:
            return True
        return s.scalar(failed.where(SignInAttempt.address == _address(address))) >= self.address_limit

    def record(self, s: Session, username_key: str, address: str, succeeded: bool) -> None:
        now = self.clock()
        s.add(SignInAttempt(username_key=username_key, address=_address(address), succeeded=succeeded,
                            attempted_at=now))
        if not succeeded:
            s.execute(sa.delete(SignInAttempt).where(SignInAttempt.attempted_at < now - self.keep))


def _address(address: str | None) -> str:
    return (address or "unknown")[:ADDRESS_MAX]
