"""Users, clients (devices) and sign-in: the operations behind the admin CLI and /v1/auth."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from liaison_app.errors import InputError, LiaisonError, NotFoundError, ValidationError
from liaison_app.server import auth, meta
from liaison_app.server.audit import audit, utcnow
from liaison_app.server.db import reading
from liaison_app.server.schema import (
    clients,
    districts,
    login_failures,
    refresh_tokens,
    users,
)

ROLES = ("officer", "supervisor", "admin")


class AuthError(LiaisonError):
    """Wrong credentials, a disabled user, a revoked client or an expired token (HTTP 401)."""

    code = "unauthorized"


class RateLimited(LiaisonError):
    """Too many failed password attempts (HTTP 429)."""

    code = "rate_limited"


_KEYS: dict[str, str] = {}  # database URL → signing key: written once at first start, never changed


def signing_key(conn: Connection) -> str:
    url = str(conn.engine.url)
    if url not in _KEYS:
        key = meta.read(conn, meta.SIGNING_KEY)
        assert key is not None, "the schema is brought up to date (and the key made) first"
        _KEYS[url] = key
    return _KEYS[url]


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
                password_hash=auth.hash_password(password),
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
    with engine.begin() as conn:
        row = _user(conn, name)
        conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(password_hash=auth.hash_password(password))
        )
        # A new password signs every device out.
        ids = select(clients.c.id).where(clients.c.user_id == row.id)
        conn.execute(delete(refresh_tokens).where(refresh_tokens.c.client_id.in_(ids)))
        audit(conn, actor, "user.passwd", user=name)


def disable_user(engine: Engine, name: str, actor: str = "admin-cli") -> None:
    with engine.begin() as conn:
        row = _user(conn, name)
        conn.execute(update(users).where(users.c.id == row.id).values(disabled=True))
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
        conn.execute(update(clients).where(clients.c.id == client_id).values(revoked_at=utcnow()))
        conn.execute(delete(refresh_tokens).where(refresh_tokens.c.client_id == client_id))
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
    claims = auth.AccessClaims(user.id, user.name, user.role, client_id, now + auth.ACCESS_TTL)
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
) -> Tokens:
    """Username + password once → tokens for this client. Only failures are rate-limited."""
    now = now or utcnow()
    refusal: LiaisonError | None = None
    # Failures are committed before the refusal is raised: a raise inside the transaction
    # would roll back the very record that rate-limits the next attempt.
    with engine.begin() as conn:
        recent = conn.execute(
            select(func.count())
            .select_from(login_failures)
            .where(login_failures.c.name == name, login_failures.c.at > now - auth.FAILURE_WINDOW)
        ).scalar_one()
        row = conn.execute(select(users).where(users.c.name == name)).first()
        if recent >= auth.MAX_FAILURES:
            audit(conn, name, "login.rate_limited")
            refusal = RateLimited("too many failed attempts; wait a few minutes and try again")
        elif row is None or row.disabled or not auth.password_ok(row.password_hash, password):
            conn.execute(insert(login_failures).values(name=name, at=now))
            audit(conn, name, "login.failed")
            refusal = AuthError("wrong user name or password, or the user is disabled")
    if refusal is not None:
        raise refusal
    with engine.begin() as conn:
        client_id = client_id or str(uuid.uuid4())
        existing = conn.execute(select(clients).where(clients.c.id == client_id)).first()
        if existing is None:
            conn.execute(
                insert(clients).values(
                    id=client_id, user_id=row.id, name=device, created_at=now, last_seen=now
                )
            )
        elif existing.user_id != row.id or existing.revoked_at is not None:
            # A folder's outbox belongs to the user who wrote it (design.md §3).
            raise AuthError(
                "this client belongs to another user or was revoked; use a new data folder"
            )
        else:
            conn.execute(update(clients).where(clients.c.id == client_id).values(last_seen=now))
        conn.execute(delete(login_failures).where(login_failures.c.name == name))
        audit(conn, name, "login", client=client_id)
        return _tokens(conn, row, client_id, now)


def refresh(engine: Engine, token: str, now: dt.datetime | None = None) -> Tokens:
    """Exchange a refresh token; the old one stays good for one more use within the grace."""
    now = now or utcnow()
    digest = auth.token_hash(token)
    with engine.begin() as conn:
        stored = conn.execute(
            select(refresh_tokens).where(refresh_tokens.c.token_hash == digest)
        ).first()
        if stored is None or stored.expires_at <= now:
            raise AuthError("the sign-in has expired; sign in again")
        if stored.rotated_at is not None:
            if stored.grace_used or now - stored.rotated_at > auth.ROTATION_GRACE:
                raise AuthError("the sign-in has expired; sign in again")
            conn.execute(
                update(refresh_tokens)
                .where(refresh_tokens.c.token_hash == digest)
                .values(grace_used=True)
            )
        else:
            conn.execute(
                update(refresh_tokens)
                .where(refresh_tokens.c.token_hash == digest)
                .values(rotated_at=now)
            )
        client = conn.execute(select(clients).where(clients.c.id == stored.client_id)).first()
        user = conn.execute(select(users).where(users.c.id == client.user_id)).first()
        if client.revoked_at is not None or user.disabled:
            raise AuthError("this device was signed out by an administrator")
        conn.execute(update(clients).where(clients.c.id == client.id).values(last_seen=now))
        return _tokens(conn, user, client.id, now)


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
    )
    .join(users, users.c.id == clients.c.user_id)
    .where(clients.c.id == bindparam("client"))
)


def identify(conn: Connection, claims: auth.AccessClaims) -> Identity:
    """The caller as of now, read on the request's own connection (one statement): a revoked
    client or disabled user is refused, a changed district applies at once."""
    row = conn.execute(_IDENTITY, {"client": claims.client_id}).first()
    if row is None or row.revoked_at is not None or row.disabled:
        raise AuthError("this device was signed out by an administrator")
    return Identity(claims, row.district, row.display_name or row.name, row.unit)
