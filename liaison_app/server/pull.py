"""Pull: every change in the caller's scopes since an opaque cursor, a page at a time.

Rows come in (version, id) order, so a page may end inside one transaction's rows. The cursor
carries the sequence and its tag: a cursor beyond the head, or whose tag differs, means the
server was restored from an older copy and the client must re-pull its scopes from scratch.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.engine import Connection, Engine

from liaison_app.errors import LiaisonError
from liaison_app.server.cleanup import horizon
from liaison_app.server.push import Caller, SyncRefused, head
from liaison_app.server.schema import (
    conflicts,
    memberships,
    records,
    scope_removals,
    sequence_tags,
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
        return int(body["s"]), str(body["t"]), str(body["i"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncRefused(
            "cursor_invalid", "this cursor is not one of ours; pull from the start"
        ) from exc


def _tag(conn: Connection, seq: int) -> str:
    return (
        conn.execute(select(sequence_tags.c.tag).where(sequence_tags.c.seq == seq)).scalar() or ""
    )


def scope_enterprises(caller: Caller) -> Any:
    """The ids of the enterprises the caller may see (None: everything, for an admin)."""
    if caller.role == "admin":
        return None
    enterprises = records.alias("scope_enterprise")
    if caller.role == "supervisor":
        return select(enterprises.c.id).where(
            enterprises.c.entity == "enterprise", enterprises.c.district == caller.district
        )
    created = select(enterprises.c.id).where(
        enterprises.c.entity == "enterprise", enterprises.c.created_by == caller.user_id
    )
    assigned = select(memberships.c.enterprise_id).where(memberships.c.user_id == caller.user_id)
    return created.union(assigned)


def scope_filter(caller: Caller, column: Any = None) -> Any:
    """A WHERE clause on an enterprise-id column (records by default) for the caller's scope."""
    column = records.c.enterprise_id if column is None else column
    ids = scope_enterprises(caller)
    return column.isnot(None) if ids is None else column.in_(ids)


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


def pull(
    engine: Engine, caller: Caller, cursor: str | None, limit: int = MAX_PULL
) -> dict[str, Any]:
    limit = max(1, min(int(limit), MAX_PULL))
    with engine.connect() as conn:
        now = head(conn)
        after_seq, after_id = 0, ""
        if cursor:
            after_seq, tag, after_id = decode_cursor(cursor)
            if after_seq < horizon(conn):
                raise CursorTooOld(
                    "this cursor is older than the tombstone horizon: pull a fresh "
                    "snapshot of your scopes (from no cursor), keeping pending edits"
                )
            if after_seq > now or (after_seq and _tag(conn, after_seq) != tag):
                raise SyncRefused(
                    "cursor_invalid",
                    "the server's data went back in time (restored "
                    "from a copy); drop the cursors and pull every scope again",
                    head=now,
                )
        # An empty id in the cursor means "everything up to that sequence was sent".
        after = (
            records.c.version > after_seq
            if not after_id
            else tuple_(records.c.version, records.c.id) > tuple_(after_seq, after_id)
        )
        rows = conn.execute(
            select(records)
            .where(scope_filter(caller), after)
            .order_by(records.c.version, records.c.id)
            .limit(limit + 1)
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        changes = [_row(r) for r in rows]
        # An enterprise assigned since the cursor arrives whole, whatever the age of its records.
        if caller.role == "officer":
            fresh = (
                conn.execute(
                    select(memberships.c.enterprise_id).where(
                        memberships.c.user_id == caller.user_id,
                        memberships.c.seq > after_seq,
                        memberships.c.seq <= now,
                    )
                )
                .scalars()
                .all()
            )
            if fresh:
                sent = {r.id for r in rows}
                older = conn.execute(
                    select(records).where(
                        records.c.enterprise_id.in_(fresh), records.c.version <= after_seq
                    )
                ).all()
                changes += [_row(r, snapshot=True) for r in older if r.id not in sent]
        # The next cursor: after the last row sent, or at the head when nothing is left.
        last_seq, last_id = (rows[-1].version, rows[-1].id) if more else (now, "")
        if caller.role == "officer":
            # Withdrawn assignments: the client drops the enterprise unless it has pending edits.
            removed = conn.execute(
                select(scope_removals.c.enterprise_id).where(
                    scope_removals.c.user_id == caller.user_id,
                    scope_removals.c.seq > after_seq,
                    scope_removals.c.seq <= last_seq,
                )
            ).scalars()
            changes += [{"entity": "scope_remove", "id": e, "enterprise_id": e} for e in removed]
        found = (
            conn.execute(
                select(conflicts)
                .where(
                    conflicts.c.seq > after_seq,
                    conflicts.c.seq <= last_seq,
                    conflicts.c.resolved_at.is_(None),
                    conflicts.c.enterprise_id.in_(
                        select(records.c.enterprise_id).where(scope_filter(caller))
                    ),
                )
                .order_by(conflicts.c.id)
            )
            .mappings()
            .all()
        )
        next_cursor = encode_cursor(last_seq, _tag(conn, last_seq), last_id)
    return {
        "changes": changes,
        "conflicts": [dict(c) for c in found],
        "cursor": next_cursor,
        "more": more,
        "head": now,
    }
