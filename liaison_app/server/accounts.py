"""Users, clients (devices) and sign-in: the operations behind the admin CLI and /v1/auth."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from liaison_app.errors import InputError, LiaisonError, NotFoundError, ValidationError
from liaison_app.server import auth, keys, meta, throttle
from liaison_app.server.audit import audit, utcnow
from liaison_app.server.db import reading
from liaison_app.server.schema import (
    clients,
    districts,
    refresh_tokens,
    users,
)

ROLES = ("officer", "supervisor", "admin")
CLIENT_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._:-]{7,35}")  # api_models.CLIENT_ID


class AuthError(LiaisonError):
    """Wrong credentials, a disabled user, a revoked client or an expired token (HTTP 401)."""

    code = "unauthorized"


class DeviceRevoked(AuthError):
    """This client was revoked by an administrator (``device revoke``): its tokens are refused
    for good, and signing in again under its id is refused too. A distinct code (a 401 all
    the same, so older apps read it as any refusal) lets the app say so and register the
    folder anew once the officer gives the password (docs/sync-protocol.md, Auth)."""

    code = "device_revoked"


REVOKED = "this device was disabled by an administrator; sign in again to register it anew"


class RateLimited(LiaisonError):
    """Too many failed password attempts (HTTP 429 with Retry-After)."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _wrong_credentials() -> AuthError:
    return AuthError("wrong user name or password, or the user is disabled")


# Where a failed sign-in names no user: what was typed may be a password, so it is never kept;
# its keyed hash (``name_key``) lets an administrator see repeated attempts at one name.
UNKNOWN_USER = "(unknown user)"


def signing_key(conn: Connection | Engine) -> str:
    """The key access tokens are signed with (a file of its own: keys.py)."""
    return keys.signing_key(conn)


def server_id(conn: Connection) -> str:
    return meta.read(conn, meta.SERVER_ID) or ""


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    role: str
    district: str | None
    disabled: bool
    display_name: str | None = None
    unit: str | None = None


def _user(conn: Connection, name: str) -> Any:
    row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        raise NotFoundError("user", name)
    return row


def add_user(
    engine: Engine,
    name: str,
    role: str,
    password: str,
    district: str | None = None,
    actor: str = "admin-cli",
    display_name: str | None = None,
    unit: str | None = None,
) -> UserRow:
    name = (name or "").strip()
    display_name = (display_name or "").strip() or name
    unit = (unit or "").strip() or None
    errors = _label_errors(display_name, unit)
    if not name:
        errors.append(("name", "required", "is required"))
    if role not in ROLES:
        errors.append(("role", "unknown", f"unknown role {role!r}; roles: {', '.join(ROLES)}"))
    if len(password or "") < 8:
        errors.append(("password", "too_short", "must be at least 8 characters"))
    if role == "supervisor" and not district:
        errors.append(("district", "required", "a supervisor needs --district"))
    if errors:
        from liaison_app.errors import FieldError

        raise ValidationError([FieldError(*e) for e in errors])
    # argon2 takes a good fraction of a second: never inside a transaction (on SQLite that
    # would hold the one write lock every push waits for).
    hashed = auth.hash_password(password)
    with engine.begin() as conn:
        if (
            district
            and conn.execute(select(districts.c.code).where(districts.c.code == district)).first()
            is None
        ):
            raise ValidationError.single(
                "district", "unknown_code", f"unknown district code {district!r}"
            )
        if conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
            raise InputError(f"user {name!r} exists already")
        uid = conn.execute(
            insert(users)
            .values(
                name=name,
                role=role,
                district=district,
                password_hash=hashed,
                disabled=False,
                created_at=utcnow(),
                display_name=display_name,
                unit=unit,
            )
            .returning(users.c.id)
        ).scalar_one()
        audit(conn, actor, "user.add", user=name, role=role, district=district)
    return UserRow(uid, name, role, district, False, display_name, unit)


_MAX_LABEL = 200


def _label_errors(display_name: str | None, unit: str | None) -> list[tuple[str, str, str]]:
    """A display name and a unit are printable text of at most 200 characters."""
    errors = []
    for field, value in (("display_name", display_name), ("unit", unit)):
        if value is None:
            continue
        if len(value) > _MAX_LABEL:
            errors.append((field, "too_long", f"at most {_MAX_LABEL} characters"))
        elif not value.isprintable():
            errors.append((field, "bad_text", "must be printable text"))
    return errors


def edit_user(
    engine: Engine,
    name: str,
    *,
    display_name: str | None = None,
    unit: str | None = None,
    actor: str = "admin-cli",
) -> UserRow:
    """Change a user's display name and/or unit (an empty unit clears it). Authorship already
    written keeps the name it was written with."""
    display_name = None if display_name is None else display_name.strip()
    unit = None if unit is None else unit.strip()
    errors = _label_errors(display_name, unit)
    if display_name == "":
        errors.append(("display_name", "required", "may not be blank"))
    if errors:
        from liaison_app.errors import FieldError

        raise ValidationError([FieldError(*e) for e in errors])
    values: dict[str, Any] = {}
    if display_name is not None:
        values["display_name"] = display_name
    if unit is not None:
        values["unit"] = unit or None
    with engine.begin() as conn:
        row = _user(conn, name)
        if values:
            conn.execute(update(users).where(users.c.id == row.id).values(**values))
            audit(conn, actor, "user.edit", user=name, **values)
        row = _user(conn, name)
    return _user_row(row)


def _user_row(r: Any) -> UserRow:
    return UserRow(
        r.id, r.name, r.role, r.district, bool(r.disabled), r.display_name or r.name, r.unit
    )


def set_password(engine: Engine, name: str, password: str, actor: str = "admin-cli") -> None:
    if len(password or "") < 8:
        raise ValidationError.single("password", "too_short", "must be at least 8 characters")
    hashed = auth.hash_password(password)  # outside the transaction, as in add_user
    with engine.begin() as conn:
        row = _user(conn, name)
        conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(password_hash=hashed, token_epoch=users.c.token_epoch + 1)
        )
        # A new password signs every device out: refresh tokens go, access tokens of the old
        # epoch are refused from the next request on.
        ids = select(clients.c.id).where(clients.c.user_id == row.id)
        conn.execute(delete(refresh_tokens).where(refresh_tokens.c.client_id.in_(ids)))
        audit(conn, actor, "user.passwd", user=name)


def disable_user(engine: Engine, name: str, actor: str = "admin-cli") -> None:
    with engine.begin() as conn:
        row = _user(conn, name)
        conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(disabled=True, token_epoch=users.c.token_epoch + 1)
        )
        ids = select(clients.c.id).where(clients.c.user_id == row.id)
        conn.execute(delete(refresh_tokens).where(refresh_tokens.c.client_id.in_(ids)))
        audit(conn, actor, "user.disable", user=name)


def list_users(engine: Engine) -> list[UserRow]:
    with reading(engine) as conn:
        return [_user_row(r) for r in conn.execute(select(users).order_by(users.c.name))]


def list_devices(engine: Engine) -> list[dict[str, Any]]:
    q = (
        select(clients, users.c.name.label("user"))
        .join(users, users.c.id == clients.c.user_id)
        .order_by(users.c.name, clients.c.created_at)
    )
    with reading(engine) as conn:
        return [
            {
                "id": r.id,
                "user": r.user,
                "name": r.name,
                "created_at": r.created_at,
                "last_seen": r.last_seen,
                "revoked_at": r.revoked_at,
            }
            for r in conn.execute(q)
        ]


def revoke_device(engine: Engine, client_id: str, actor: str = "admin-cli") -> None:
    with engine.begin() as conn:
        if conn.execute(select(clients.c.id).where(clients.c.id == client_id)).first() is None:
            raise NotFoundError("device", client_id)
        # Its refresh tokens are kept, dead: refresh() refuses them for the revoked client, so
        # the app hears "revoked" rather than "expired" (the one hint that it must register anew).
        conn.execute(update(clients).where(clients.c.id == client_id).values(revoked_at=utcnow()))
        audit(conn, actor, "device.revoke", client=client_id)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    client_id: str
    user: str
    role: str


def _tokens(conn: Connection, user: Any, client_id: str, now: dt.datetime) -> Tokens:
    key = signing_key(conn)
    claims = auth.AccessClaims(
        user.id, user.name, user.role, client_id, now + auth.ACCESS_TTL, user.token_epoch
    )
    refresh, digest = auth.new_refresh_token()
    conn.execute(
        insert(refresh_tokens).values(
            token_hash=digest,
            client_id=client_id,
            issued_at=now,
            expires_at=now + auth.REFRESH_TTL,
            grace_used=False,
        )
    )
    return Tokens(
        auth.issue_access(key, claims),
        refresh,
        int(auth.ACCESS_TTL.total_seconds()),
        client_id,
        user.name,
        user.role,
    )


def login(
    engine: Engine,
    name: str,
    password: str,
    client_id: str | None,
    device: str | None,
    now: dt.datetime | None = None,
    address: str = "",
) -> Tokens:
    """Username + password once → tokens for this client. Only failures are rate-limited,
    per account and source ``address`` (throttle.py); the password is checked outside any
    transaction, and an unknown user costs the same argon2 verification as a known one."""
    now = now or utcnow()
    if client_id is not None and not CLIENT_ID.fullmatch(client_id):
        # The API refuses it already (a 422); callers in-process are held to the same rule,
        # so no database ever stores a NUL or a stray character in a client id.
        raise ValidationError.single("client_id", "invalid", "8 to 36 of 0-9 A-Z a-z . _ : -")
    found = throttle.Keys.of(signing_key(engine), name, address)
    with reading(engine) as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    # Never the name as typed unless it is a user's: it may be a password.
    who: dict[str, Any] = (
        {"actor": name}
        if row is not None
        else {
            "actor": UNKNOWN_USER,
            "name_key": found.account[:16],
        }
    )
    with engine.begin() as conn:
        wait = throttle.reserve(conn, found, now)
        if wait:
            _audit_login(conn, who, "login.rate_limited")
    if wait:
        raise RateLimited("too many failed attempts; wait a few minutes and try again", wait)
    ok = auth.password_ok(row.password_hash if row is not None else None, password)
    if not ok or row is None or row.disabled:
        with engine.begin() as conn:  # the reserved attempt stays, as the failure it was
            _audit_login(conn, who, "login.failed")
        raise _wrong_credentials()
    refusal: AuthError | None = None
    client_id = client_id or str(uuid.uuid4())
    with engine.begin() as conn:
        # The user as of now, locked: a password change or a disable in flight waits, then
        # signs out what this issues. The password was checked against the hash read before
        # argon2; a sign-in with the old password must not outlive its change.
        current = conn.execute(_LOCKED_USER, {"id": row.id}).first()
        if current is None or current.disabled or _credentials(current) != _credentials(row):
            _audit_login(conn, who, "login.failed")  # the reserved attempt stays a failure
            refusal = _wrong_credentials()
        else:
            throttle.succeeded(conn, found, now)
            existing = conn.execute(select(clients).where(clients.c.id == client_id)).first()
            if existing is None:
                conn.execute(
                    insert(clients).values(
                        id=client_id, user_id=row.id, name=device, created_at=now, last_seen=now
                    )
                )
            elif existing.user_id != row.id:
                # A folder's outbox belongs to the user who wrote it (design.md §3).
                refusal = AuthError("this client belongs to another user; use a new data folder")
            elif existing.revoked_at is not None:
                # Said only after the right password: the folder registers anew under a new id.
                refusal = DeviceRevoked(REVOKED)
            else:
                conn.execute(update(clients).where(clients.c.id == client_id).values(last_seen=now))
        if refusal is None:
            audit(conn, name, "login", client=client_id)
            return _tokens(conn, current, client_id, now)
    raise refusal  # after the commit: the right password still cleared this pair's failures


# On PostgreSQL row locks, always the user's before the client's: password changes and disables
# (UPDATE users) wait for a sign-in or refresh holding the user's, and a refresh waits for
# theirs. SQLite's BEGIN IMMEDIATE serialises them already (FOR UPDATE is not rendered there).
_LOCKED_USER = select(users).where(users.c.id == bindparam("id")).with_for_update(read=True)


def _credentials(user: Any) -> tuple[Any, Any]:
    return user.password_hash, user.token_epoch


def _audit_login(conn: Connection, who: dict[str, Any], action: str) -> None:
    detail = {k: v for k, v in who.items() if k != "actor"}
    audit(conn, who["actor"], action, **detail)


_ROTATE = (
    update(refresh_tokens)
    .where(
        refresh_tokens.c.token_hash == bindparam("digest"),
        refresh_tokens.c.rotated_at.is_(None),
        refresh_tokens.c.expires_at > bindparam("now"),
    )
    .values(rotated_at=bindparam("now"))
)
_GRACE = (
    update(refresh_tokens)
    .where(
        refresh_tokens.c.token_hash == bindparam("digest"),
        refresh_tokens.c.rotated_at.isnot(None),
        refresh_tokens.c.rotated_at >= bindparam("grace_since"),
        refresh_tokens.c.grace_used.is_(False),
        refresh_tokens.c.expires_at > bindparam("now"),
    )
    .values(grace_used=True)
)


def refresh(engine: Engine, token: str, now: dt.datetime | None = None) -> Tokens:
    """Exchange a refresh token; the old one stays good for one more use within the grace.

    Each exchange is one conditional UPDATE, so of any number of concurrent exchanges of one
    token exactly one rotates it and at most one more spends the grace (PostgreSQL re-checks
    the WHERE clause of an UPDATE that waited on the row's lock; SQLite runs one at a time).
    """
    now = now or utcnow()
    params = {
        "digest": auth.token_hash(token),
        "now": now,
        "grace_since": now - auth.ROTATION_GRACE,
    }
    expired = AuthError("the sign-in has expired; sign in again")
    with engine.begin() as conn:
        # The token's user and client, locked (in that order, as sign-in does) before the token
        # is rotated: a password change, a disable or a revocation in flight either finishes
        # first (and this finds the token gone) or waits, then deletes what this issues too.
        owner = conn.execute(_TOKEN_OWNER, params).first()
        if owner is None:
            raise expired
        user = conn.execute(_LOCKED_USER, {"id": owner.user_id}).one()
        client = conn.execute(_LOCKED_CLIENT, {"id": owner.client_id}).one()
        if not conn.execute(_ROTATE, params).rowcount and not conn.execute(_GRACE, params).rowcount:
            raise expired
        if client.revoked_at is not None:
            raise DeviceRevoked(REVOKED)  # rolled back: the token stays as it was, refused
        if user.disabled:
            raise AuthError("this device was signed out by an administrator")
        conn.execute(update(clients).where(clients.c.id == client.id).values(last_seen=now))
        return _tokens(conn, user, client.id, now)


_TOKEN_OWNER = (
    select(refresh_tokens.c.client_id, clients.c.user_id)
    .join(clients, clients.c.id == refresh_tokens.c.client_id)
    .where(refresh_tokens.c.token_hash == bindparam("digest"))
)
_LOCKED_CLIENT = select(clients).where(clients.c.id == bindparam("id")).with_for_update()


@dataclass(frozen=True)
class Identity:
    """A signed-in caller as of this request (revocation and district read fresh each time)."""

    claims: auth.AccessClaims
    district: str | None
    display_name: str = ""
    unit: str | None = None


def read_token(key: str, token: str, now: dt.datetime | None = None) -> auth.AccessClaims:
    """The claims of a well-signed, unexpired access token (no database needed)."""
    claims = auth.read_access(key, token, now or utcnow())
    if claims is None:
        raise AuthError("missing, invalid or expired access token")
    return claims


_IDENTITY = (
    select(
        clients.c.revoked_at,
        users.c.disabled,
        users.c.district,
        users.c.display_name,
        users.c.name,
        users.c.unit,
        users.c.token_epoch,
    )
    .join(users, users.c.id == clients.c.user_id)
    .where(clients.c.id == bindparam("client"))
)


def identify(conn: Connection, claims: auth.AccessClaims) -> Identity:
    """The caller as of now, read on the request's own connection (one statement): a revoked
    client, a disabled user or a token from before a password change is refused, a changed
    district applies at once."""
    row = conn.execute(_IDENTITY, {"client": claims.client_id}).first()
    if row is not None and row.revoked_at is not None:
        raise DeviceRevoked(REVOKED)
    if row is None or row.disabled:
        raise AuthError("this device was signed out by an administrator")
    if row.token_epoch != claims.epoch:
        raise AuthError("the password changed since this sign-in; sign in again")
    return Identity(claims, row.district, row.display_name or row.name, row.unit)
