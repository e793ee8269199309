"""Pull: every change in the caller's scopes since an opaque cursor, a page at a time.

Rows come in (version, id) order, so a page may end inside one transaction's rows. The cursor
carries the sequence and its tag: a cursor beyond the head, or whose tag differs, means the
server was restored from an older copy and the client must re-pull its scopes from scratch.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

from sqlalchemy import bindparam, literal, select, tuple_, union_all
from sqlalchemy.engine import Connection

from liaison_app.errors import LiaisonError
from liaison_app.server import meta
from liaison_app.server.push import Caller, SyncRefused
from liaison_app.server.schema import (
    conflicts,
    memberships,
    records,
    scope_removals,
    sequence_tags,
    server_sequence,
)
from liaison_app.sync.protocol import MAX_PULL


class CursorTooOld(LiaisonError):
    """Deleted records the cursor has not seen may be gone (HTTP 410)."""

    code = "cursor_expired"


def encode_cursor(seq: int, tag: str, record_id: str) -> str:
    raw = json.dumps({"s": seq, "t": tag, "i": record_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str, str]:
    try:
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        seq, tag, record_id = int(body["s"]), str(body["t"]), str(body["i"])
        if not 0 <= seq < 2**63 or len(tag) > 16 or len(record_id) > 36:
            raise ValueError("out of range")
        return seq, tag, record_id
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncRefused(
            "cursor_invalid", "this cursor is not one of ours; pull from the start"
        ) from exc


def _tag(conn: Connection, seq: int) -> str:
    return (
        conn.execute(select(sequence_tags.c.tag).where(sequence_tags.c.seq == seq)).scalar() or ""
    )


def scope_filter(caller: Caller, column: Any = None) -> Any:
    """A WHERE clause on an enterprise-id column (records by default) for the caller's scope."""
    column = records.c.enterprise_id if column is None else column
    role = _role(caller)
    if role == "admin":
        return column.isnot(None)
    return column.in_(_SCOPE[role].params(uid=caller.user_id, district=caller.district))


def _row(r: Any, snapshot: bool = False) -> dict[str, Any]:
    out = {
        "entity": r.entity,
        "id": r.id,
        "enterprise_id": r.enterprise_id,
        "version": r.version,
        "deleted": bool(r.deleted),
        "data": r.data,
    }
    if snapshot:
        out["snapshot"] = True
    return out


# The statements of a pull are built once, with bind parameters: building SQLAlchemy statements
# cost more CPU than running them (bench/server.py).
_SEQ = server_sequence
_POSITION = select(
    _SEQ.c.value,
    select(sequence_tags.c.tag).where(sequence_tags.c.seq == _SEQ.c.value).scalar_subquery(),
    select(sequence_tags.c.tag).where(sequence_tags.c.seq == bindparam("after")).scalar_subquery(),
    meta.value_of(meta.HORIZON),
).where(_SEQ.c.id == 1)

_SCOPE_ENTERPRISE = records.alias("scope_enterprise")
_SCOPE: dict[str, Any] = {
    "supervisor": select(_SCOPE_ENTERPRISE.c.id).where(
        _SCOPE_ENTERPRISE.c.entity == "enterprise",
        _SCOPE_ENTERPRISE.c.district == bindparam("district"),
    ),
    "officer": select(_SCOPE_ENTERPRISE.c.id)
    .where(
        _SCOPE_ENTERPRISE.c.entity == "enterprise",
        _SCOPE_ENTERPRISE.c.created_by == bindparam("uid"),
    )
    .union(select(memberships.c.enterprise_id).where(memberships.c.user_id == bindparam("uid"))),
}


def _role(caller: Caller) -> str:
    return caller.role if caller.role in ("admin", "supervisor") else "officer"


def _in_scope(role: str, column: Any) -> Any:
    return column.isnot(None) if role == "admin" else column.in_(_SCOPE[role])


@cache
def _changes(role: str, keyed: bool) -> Any:
    """Records in scope after the cursor, in (version, id) order; keyed: the cursor has an id."""
    after = (
        tuple_(records.c.version, records.c.id) > tuple_(bindparam("after"), bindparam("after_id"))
        if keyed
        else records.c.version > bindparam("after")
    )
    return (
        select(records)
        .where(_in_scope(role, records.c.enterprise_id), after)
        .order_by(records.c.version, records.c.id)
        .limit(bindparam("limit"))
    )


# An officer's assignments since the cursor (sent whole) and withdrawals (scope removes).
_OFFICER_SCOPE_CHANGES = union_all(
    select(literal("fresh").label("kind"), memberships.c.enterprise_id).where(
        memberships.c.user_id == bindparam("uid"),
        memberships.c.seq > bindparam("after"),
        memberships.c.seq <= bindparam("now"),
    ),
    select(literal("removed").label("kind"), scope_removals.c.enterprise_id).where(
        scope_removals.c.user_id == bindparam("uid"),
        scope_removals.c.seq > bindparam("after"),
        scope_removals.c.seq <= bindparam("last"),
    ),
)


@cache
def _conflicts(role: str) -> Any:
    return (
        select(conflicts)
        .where(
            conflicts.c.seq > bindparam("after"),
            conflicts.c.seq <= bindparam("last"),
            conflicts.c.resolved_at.is_(None),
            _in_scope(role, conflicts.c.enterprise_id),
        )
        .order_by(conflicts.c.id)
    )


def pull(
    conn: Connection, caller: Caller, cursor: str | None, limit: int = MAX_PULL
) -> dict[str, Any]:
    """One page of changes, read on a ``reading()`` connection."""
    limit = max(1, min(int(limit), MAX_PULL))
    after_seq, tag, after_id = decode_cursor(cursor) if cursor else (0, "", "")
    role = _role(caller)
    params: dict[str, Any] = {
        "uid": caller.user_id,
        "district": caller.district,
        "after": after_seq,
        "after_id": after_id,
        "limit": limit + 1,
    }
    # One round trip: the head and its tag, the cursor's tag, the tombstone horizon.
    now, head_tag, cursor_tag, oldest = conn.execute(_POSITION, params).one()
    if cursor:
        if after_seq < int(oldest or 0):
            raise CursorTooOld(
                "this cursor is older than the tombstone horizon: pull a fresh "
                "snapshot of your scopes (from no cursor), keeping pending edits"
            )
        if after_seq > now or (after_seq and (cursor_tag or "") != tag):
            raise SyncRefused(
                "cursor_invalid",
                "the server's data went back in time (restored "
                "from a copy); drop the cursors and pull every scope again",
                head=now,
            )
    # An empty id in the cursor means "everything up to that sequence was sent".
    rows = conn.execute(_changes(role, bool(after_id)), params).all()
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [_row(r) for r in rows]
    # The next cursor: after the last row sent, or at the head when nothing is left.
    last_seq, last_id = (rows[-1].version, rows[-1].id) if more else (now, "")
    params.update(now=now, last=last_seq)
    if role == "officer":
        fresh, removed = [], []
        for kind, enterprise_id in conn.execute(_OFFICER_SCOPE_CHANGES, params):
            (fresh if kind == "fresh" else removed).append(enterprise_id)
        if fresh:
            # An enterprise assigned since the cursor arrives whole, whatever the age of
            # its records.
            sent = {r.id for r in rows}
            older = conn.execute(
                select(records).where(
                    records.c.enterprise_id.in_(fresh), records.c.version <= after_seq
                )
            ).all()
            changes += [_row(r, snapshot=True) for r in older if r.id not in sent]
        # Withdrawn assignments: the client drops the enterprise unless it has pending edits.
        changes += [{"entity": "scope_remove", "id": e, "enterprise_id": e} for e in removed]
    found = conn.execute(_conflicts(role), params).mappings().all()
    last_tag = head_tag if last_seq == now else _tag(conn, last_seq)
    next_cursor = encode_cursor(last_seq, last_tag or "", last_id)
    return {
        "changes": changes,
        "conflicts": [dict(c) for c in found],
        "cursor": next_cursor,
        "more": more,
        "head": now,
    }
