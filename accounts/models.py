"""The accounts tables: users, their dashboard grants and brand restrictions, API tokens, sessions signed out
of, sign-in attempts.

Secrets are stored only as hashes: passwords with argon2, API tokens as the SHA-256 of a 256-bit random
token (a slow hash adds nothing to a secret that cannot be guessed).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, ids_never_reused, utcnow

USERNAME_MAX = 64


class User(Base):
    __tablename__ = "users"
    # Never reused: a session id is "<id>:<session_version>", so a deleted user's session must not sign
    # in as the next user created.
    __table_args__ = ids_never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    # As typed when the account was made; ``username_key`` (lower case) makes it unique case-insensitively.
    username: Mapped[str] = mapped_column(sa.String(USERNAME_MAX))
    username_key: Mapped[str] = mapped_column(sa.String(USERNAME_MAX), unique=True)
    # None: no password sign-in (for example, a user who only comes through the trusted proxy).
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    disabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # When true the user sees only the brands in ``brands`` (none at all if it is empty): restriction is
    # explicit, so losing the brand rows never widens what a user sees.
    brands_restricted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Part of the session id: raising it (new password, disabled) ends every session of the user.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    grants: Mapped[list[DashboardGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        order_by="DashboardGrant.dashboard_id")
    brands: Mapped[list[BrandRestriction]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        order_by="BrandRestriction.brand")


class DashboardGrant(Base):
    __tablename__ = "dashboard_grants"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    dashboard_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants")


class BrandRestriction(Base):
    __tablename__ = "brand_restrictions"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    brand: Mapped[str] = mapped_column(sa.String(64), primary_key=True)

    user: Mapped[User] = relationship(back_populates="brands")


class ApiToken(Base):
    __tablename__ = "api_tokens"
    # Never reused: tokens are revoked by id (API, CLI), so a stale id must not revoke a newer token.
    __table_args__ = ids_never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # The first characters of the token, so a user can tell their tokens apart; not secret on its own.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class EndedSession(Base):
    """A session signed out of. The session lives in the browser's cookie, which a copy (or a replayed
    request) would keep presenting: signing out records the session here, and a session recorded here signs
    nobody in. Kept as long as a cookie from before it could still be accepted (the session lifetime)."""

    __tablename__ = "ended_sessions"

    # The SHA-256 of the session's random key (``accounts.requests.SESSION_KEY``), never the key itself.
    key_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)


class SignInAttempt(Base):
    """One sign-in attempt, kept for a day so every app server throttles from the same counts."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        sa.Index("ix_sign_in_attempts_username_key_at", "username_key", "attempted_at"),
        sa.Index("ix_sign_in_attempts_address_at", "address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username_key: Mapped[str] = mapped_column(sa.String(USERNAME_MAX))
    address: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool]
    attempted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
