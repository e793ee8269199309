"""Passwords (argon2), signed access tokens, rotating refresh tokens bound to a client."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ACCESS_TTL = dt.timedelta(minutes=15)
REFRESH_TTL = dt.timedelta(days=60)
# A rotated refresh token stays good for one more use this long, so a client killed between
# rotation and saving the new token is not locked out (design.md §3, Auth).
ROTATION_GRACE = dt.timedelta(minutes=5)
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_ok(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


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


def issue_access(key: str, claims: AccessClaims) -> str:
    body = {
        "uid": claims.user_id,
        "sub": claims.user,
        "role": claims.role,
        "cid": claims.client_id,
        "exp": int(claims.expires.timestamp()),
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
            int(body["uid"]), str(body["sub"]), str(body["role"]), str(body["cid"]), expires
        )
    except (ValueError, KeyError, TypeError):
        return None


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, hash to store): the server never keeps the token itself."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
