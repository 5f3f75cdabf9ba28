"""Password and token hashing, and the app's secret key.

Passwords: argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile). API tokens: 256 random bits,
stored as their SHA-256 — a slow hash protects guessable secrets, and these cannot be guessed.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the user does not exist, so an unknown name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

TOKEN_PREFIX = "vmk_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_or_create_secret_key(instance_path: Path) -> str:
    """The secret key kept in the instance folder (mode 0600), generated on first use.

    Several processes may start at once: each writes a complete candidate file and links it into place,
    which only one can do; the others read the winner's key.
    """
    path = instance_path / "secret_key"
    if not path.exists():
        candidate = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it to have a new one generated")
    return key
