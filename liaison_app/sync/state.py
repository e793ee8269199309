"""This folder's sync state: the signed-in account, the cursor, versions and last results."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

from liaison_app.models.base import utcnow
from liaison_app.models.entities import AppMeta
from liaison_app.models.sync_tables import OutboxEntry, SyncAccount, SyncMeta
from liaison_app.sync.capture import CLIENT_KEY, forget_client_cache

# sync_meta keys
ACCOUNT = "account_id"
CURSOR = "cursor"
# Why the next pull starts from scratch, and what the end of it does with records it did not
# see: "scope" (scopes changed) and "gone" (older than the horizon) drop them, "restore"
# (the server went back in time) sends them again; "" is an ordinary pull.
FULL_PULL = "full_pull"
GENERATION = "generation"
REFERENCE_VERSION = "reference_version"
SCOPES = "scopes"
SERVER_ID = "server_id"
LAST_SYNC = "last_sync_at"
LAST_ATTEMPT = "last_attempt_at"
LAST_ERROR = "last_error"
HEAD = "head_seen"
FORMER_CLIENTS = "former_clients"  # ids this folder had before a re-registration (JSON list)


def get(s: Session, key: str) -> str | None:
    return s.scalar(select(SyncMeta.value).where(SyncMeta.key == key))


def put(s: Session, key: str, value: Any) -> None:
    text = None if value is None else value if isinstance(value, str) else json.dumps(value)
    row = s.get(SyncMeta, key)
    if row is None:
        s.add(SyncMeta(key=key, value=text))
    else:
        row.value = text
    s.flush()


def get_int(s: Session, key: str, default: int = 0) -> int:
    value = get(s, key)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def account(s: Session) -> SyncAccount | None:
    """The account this folder is signed in as, if any."""
    ident = get(s, ACCOUNT)
    return s.get(SyncAccount, int(ident)) if ident else None


def account_for(s: Session, server_url: str, user: str) -> SyncAccount:
    """The client identity for (server, user): continued if this folder had it before."""
    found = s.scalar(
        select(SyncAccount).where(SyncAccount.server_url == server_url, SyncAccount.user == user)
    )
    if found is None:
        found = SyncAccount(
            server_url=server_url,
            user=user,
            client_id=str(uuid.uuid4()),
            last_seq=0,
            created_at=utcnow(),
        )
        s.add(found)
        s.flush()
    return found


@dataclass(frozen=True)
class Adoption:
    adopted: int  # changes made before any sign-in, now this user's
    others_pending: int  # unsent changes of other users of this folder, kept for them


def activate(s: Session, acct: SyncAccount, hello: dict[str, Any]) -> Adoption:
    """Make ``acct`` this folder's signed-in account: adopt changes made before any sign-in,
    take the server's name for the officer, and start the pull over if the user changed."""
    previous = get(s, ACCOUNT)
    put(s, ACCOUNT, str(acct.id))
    put(s, CLIENT_KEY, acct.client_id)
    forget_client_cache(s)
    acct.display_name = hello.get("display_name") or acct.display_name or acct.user
    acct.unit = hello.get("unit") or acct.unit
    acct.role = hello.get("role") or acct.role
    adopted = cast(
        "CursorResult[Any]",
        s.execute(
            update(OutboxEntry)
            .where(OutboxEntry.client_id.is_(None), OutboxEntry.state == "pending")
            .values(client_id=acct.client_id)
        ),
    ).rowcount
    others = (
        s.scalar(
            select(func.count()).where(
                OutboxEntry.state == "pending",
                OutboxEntry.client_id.isnot(None),
                OutboxEntry.client_id != acct.client_id,
            )
        )
        or 0
    )
    if previous != str(acct.id):
        put(s, CURSOR, None)
        put(s, FULL_PULL, "scope" if previous else "")
    _set_officer(s, acct.display_name or acct.user, acct.unit)
    return Adoption(adopted or 0, others)


def reregister(s: Session, acct: SyncAccount) -> str:
    """An administrator revoked this folder's client id: take a new one for the account. Its
    unsent work moves to the new id, numbered from 1 again (the server has nothing of the new
    client yet), in the order it was written; what was sent stays in the sent log under the
    old id, which is remembered so conflicts naming it are still known as this folder's."""
    old = acct.client_id
    former = json.loads(get(s, FORMER_CLIENTS) or "[]")
    put(s, FORMER_CLIENTS, [*former, old])
    acct.client_id = str(uuid.uuid4())
    s.execute(
        update(OutboxEntry)
        .where(OutboxEntry.client_id == old, OutboxEntry.state == "pending")
        .values(client_id=acct.client_id, seq=None)
    )
    acct.last_seq = 0
    if get(s, CLIENT_KEY) == old:
        put(s, CLIENT_KEY, acct.client_id)
        forget_client_cache(s)
    s.flush()
    return acct.client_id


def former_clients(s: Session) -> list[str]:
    return [str(c) for c in json.loads(get(s, FORMER_CLIENTS) or "[]")]


def deactivate(s: Session) -> None:
    """Sign out: unsent work stays (and is pushed only when this user signs in again)."""
    put(s, ACCOUNT, None)
    put(s, CLIENT_KEY, None)
    forget_client_cache(s)


def _set_officer(s: Session, name: str, unit: str | None) -> None:
    """The officer's name and unit on this folder's records and forms: the server's."""
    for key, value in (("officer_name", name), ("officer_unit", unit)):
        if value is None:
            continue  # the server knows no unit for the user: the folder's own stays
        row = s.get(AppMeta, key)
        if row is None:
            s.add(AppMeta(key=key, value=value))
        else:
            row.value = value


def pending_count(s: Session, client_id: str | None) -> int:
    q = select(func.count()).where(OutboxEntry.state == "pending")
    if client_id is not None:
        q = q.where((OutboxEntry.client_id == client_id) | OutboxEntry.client_id.is_(None))
    return s.scalar(q) or 0


def stamp(s: Session, key: str, when: dt.datetime | None = None) -> None:
    put(s, key, (when or utcnow()).isoformat())


def unclaimed_count(s: Session) -> int:
    """Pending changes made under no sign-in (adopted by the next user who signs in)."""
    return (
        s.scalar(
            select(func.count()).where(
                OutboxEntry.state == "pending", OutboxEntry.client_id.is_(None)
            )
        )
        or 0
    )
