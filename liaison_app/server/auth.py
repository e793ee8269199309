"""Passwords (argon2), signed access tokens, rotating refresh tokens bound to a client."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ACCESS_TTL = dt.timedelta(minutes=15)
REFRESH_TTL = dt.timedelta(days=60)
# A rotated refresh token stays good for one more use this long, so a client killed between
# rotation and saving the new token is not locked out (design.md §3, Auth).
ROTATION_GRACE = dt.timedelta(minutes=5)
# Failed password attempts (accounts.py explains the three counts): five per account and
# source address; beyond that, from a source that never signed in to the account, fifty per
# account and fifty per source, all within the window.
MAX_FAILURES = 5
MAX_ACCOUNT_FAILURES = 50
MAX_SOURCE_FAILURES = 50
FAILURE_WINDOW = dt.timedelta(minutes=15)
KNOWN_SOURCE_FOR = dt.timedelta(days=30)

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    """A hash with the same parameters as every real one, of a password nobody knows."""
    return _hasher.hash(secrets.token_urlsafe(32))


def password_ok(stored_hash: str | None, password: str) -> bool:
    """One argon2 verification whatever the user: an unknown one (``None``) is checked
    against a dummy hash, so it takes as long as a known one and always fails."""
    try:
        ok = _hasher.verify(stored_hash or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    user: str
    role: str
    client_id: str
    expires: dt.datetime
    epoch: int = 0  # the user's token epoch when issued (users.token_epoch)


def issue_access(key: str, claims: AccessClaims) -> str:
    body = {
        "uid": claims.user_id,
        "sub": claims.user,
        "role": claims.role,
        "cid": claims.client_id,
        "exp": int(claims.expires.timestamp()),
        "ep": claims.epoch,
    }
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    signature = _b64(hmac.new(bytes.fromhex(key), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def read_access(key: str, token: str, now: dt.datetime) -> AccessClaims | None:
    """The claims of a valid, unexpired token; None for anything else."""
    try:
        payload, signature = token.split(".")
        expected = _b64(hmac.new(bytes.fromhex(key), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature):
            return None
        body = json.loads(_unb64(payload))
        expires = dt.datetime.fromtimestamp(body["exp"], dt.UTC).replace(tzinfo=None)
        if expires <= now:
            return None
        return AccessClaims(
            int(body["uid"]),
            str(body["sub"]),
            str(body["role"]),
            str(body["cid"]),
            expires,
            int(body.get("ep", 0)),  # tokens from before epochs: epoch 0
        )
    except (ValueError, KeyError, TypeError, OverflowError, AttributeError):
        return None


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, hash to store): the server never keeps the token itself."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
