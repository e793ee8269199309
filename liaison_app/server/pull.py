"""Pull: every change in the caller's scopes since an opaque cursor, a page at a time.

Rows come in (version, id) order, so a page may end inside one transaction's rows; a page
stays under MAX_PULL rows and MAX_PULL_BYTES of JSON. The cursor carries the position, the
sequence the client had reached before a snapshot began (``b``) and how far scope additions
are taken into account (``f``), and the tag of ``b``: a cursor beyond the head, or whose tag
differs, means the server was restored from an older copy and the client must re-pull.

When the caller's scope grew after the cursor (an officer's assignment, a supervisor's new
district) the pull rescans from the start, sending besides what is new every older record of
the enterprises that came into scope, flagged ``snapshot`` — paged like any other pull.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Text, and_, bindparam, cast, func, or_, select, tuple_, update
from sqlalchemy.engine import Connection

from liaison_app.errors import LiaisonError
from liaison_app.server import meta
from liaison_app.server.schema import (
    clients,
    conflicts,
    memberships,
    record_moves,
    records,
    scope_removals,
    sequence_tags,
    server_sequence,
    users,
)
from liaison_app.server.sync_types import Caller, SyncRefused
from liaison_app.sync.protocol import MAX_PULL, MAX_PULL_BYTES

_ENVELOPE = 4_096  # bytes kept for the page's own keys and cursor


class CursorTooOld(LiaisonError):
    """Deleted records the cursor has not seen may be gone (HTTP 410)."""

    code = "cursor_expired"


def encode_cursor(
    seq: int, tag: str, record_id: str, base: int | None = None, floor: int | None = None
) -> str:
    body: dict[str, Any] = {"s": seq, "t": tag, "i": record_id}
    if base is not None and (base, floor) != (seq, seq):
        body.update(b=base, f=floor if floor is not None else base)
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_position(cursor: str) -> tuple[int, str, str, int, int]:
    """(seq, tag, record id, base, floor) of a cursor; refused when it is not one of ours."""
    try:
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        seq, tag, record_id = int(body["s"]), str(body["t"]), str(body["i"])
        base, floor = int(body.get("b", seq)), int(body.get("f", body.get("b", seq)))
        if (
            not all(0 <= n < 2**63 for n in (seq, base, floor))
            or len(tag) > 16
            or len(record_id) > 36
            or floor < base
        ):
            raise ValueError("out of range")
        return seq, tag, record_id, base, floor
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SyncRefused(
            "cursor_invalid", "this cursor is not one of ours; pull from the start"
        ) from exc


def decode_cursor(cursor: str) -> tuple[int, str, str]:
    seq, tag, record_id, _base, _floor = decode_position(cursor)
    return seq, tag, record_id


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


def conflict_scope(caller: Caller) -> Any:
    """Conflicts the caller may see: their record in scope, and a duplicate's twin too."""
    return and_(
        scope_filter(caller, conflicts.c.enterprise_id),
        or_(
            conflicts.c.other_enterprise_id.is_(None),
            scope_filter(caller, conflicts.c.other_enterprise_id),
        ),
    )


def _row(r: Any, snapshot: bool = False) -> dict[str, Any]:
    # The data goes out as the JSON text it is stored as: never decoded and encoded again.
    out = {
        "entity": r.entity,
        "id": r.id,
        "enterprise_id": r.enterprise_id,
        "version": r.version,
        "deleted": bool(r.deleted),
        "data": orjson.Fragment(r.data) if isinstance(r.data, str | bytes) else r.data,
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
    select(sequence_tags.c.tag).where(sequence_tags.c.seq == bindparam("base")).scalar_subquery(),
    meta.value_of(meta.HORIZON),
    # How far this client is known to have pulled, and the last withdrawal it has now passed.
    select(clients.c.pulled_seq).where(clients.c.id == bindparam("client")).scalar_subquery(),
    select(func.max(scope_removals.c.seq))
    .where(
        scope_removals.c.user_id == bindparam("uid"), scope_removals.c.seq <= bindparam("proven")
    )
    .scalar_subquery(),
    select(users.c.district_seq).where(users.c.id == bindparam("uid")).scalar_subquery(),
    # The last record move the client has now passed (it may no longer write to what moved
    # away from it once it has pulled past: access.moved_away).
    select(func.max(record_moves.c.seq))
    .where(record_moves.c.seq <= bindparam("proven"))
    .scalar_subquery(),
    # The latest assignment after the rescan's floor (the same statement sees the same head).
    select(func.max(memberships.c.seq))
    .where(memberships.c.user_id == bindparam("uid"), memberships.c.seq > bindparam("grow_lo"))
    .scalar_subquery(),
).where(_SEQ.c.id == 1)
_PULLED = (
    update(clients)
    .where(clients.c.id == bindparam("client"))
    .where(or_(clients.c.pulled_seq.is_(None), clients.c.pulled_seq < bindparam("proven")))
    .values(pulled_seq=bindparam("proven"))
)

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


# An officer's enterprises assigned in (lo, hi]: what a snapshot sends whole.
_ASSIGNED = select(memberships.c.enterprise_id).where(
    memberships.c.user_id == bindparam("uid"),
    memberships.c.seq > bindparam("fresh_lo"),
    memberships.c.seq <= bindparam("fresh_hi"),
)


# What a pull sends of each record (field_meta stays on the server; data stays JSON text).
_SENT = (
    records.c.entity,
    records.c.id,
    records.c.enterprise_id,
    records.c.version,
    records.c.deleted,
    cast(records.c.data, Text).label("data"),
)


@cache
def _changes(role: str, keyed: bool, snapshot: str, dialect: str = "") -> Any:
    """Records in scope after the position, in (version, id) order; keyed: the cursor has an
    id; snapshot: "" (none), "assigned" (an officer's new enterprises) or "all" (a supervisor's
    new district)."""
    after = (
        tuple_(records.c.version, records.c.id) > tuple_(bindparam("after"), bindparam("after_id"))
        if keyed
        else records.c.version > bindparam("after")
    )
    anchor: Any = records.c.enterprise_id
    if dialect == "sqlite":
        # SQLite would otherwise fetch the whole scope by enterprise and sort it for every
        # page (25 ms a page for 16,000 records); walking (version, id) from the cursor and
        # testing the scope per row reads only what the page needs (4 ms).
        anchor = anchor.concat("")
    q = select(*_SENT).where(_in_scope(role, anchor), after)
    if snapshot == "assigned":
        q = q.where(
            or_(records.c.version > bindparam("base"), records.c.enterprise_id.in_(_ASSIGNED))
        )
    return q.order_by(records.c.version, records.c.id).limit(bindparam("limit"))


_REMOVED = select(scope_removals.c.enterprise_id).where(
    scope_removals.c.user_id == bindparam("uid"),
    scope_removals.c.seq > bindparam("lo"),
    scope_removals.c.seq <= bindparam("last"),
)


@cache
def _moved_away(role: str) -> Any:
    """Records moved in (lo, last] away from an enterprise in scope to one outside it (and
    still outside: a record moved back is simply sent)."""
    return (
        select(record_moves.c.record_id, record_moves.c.entity, record_moves.c.from_enterprise_id)
        .join(records, records.c.id == record_moves.c.record_id)
        .where(
            record_moves.c.seq > bindparam("lo"),
            record_moves.c.seq <= bindparam("last"),
            _in_scope(role, record_moves.c.from_enterprise_id),
            ~_in_scope(role, records.c.enterprise_id),
        )
        .order_by(record_moves.c.record_id, record_moves.c.seq)
    )


def _conflict_visible(role: str) -> list[Any]:
    """A conflict the role sees in a pull: its record in scope, and a duplicate's twin too."""
    visible = [_in_scope(role, conflicts.c.enterprise_id)]
    if role != "admin":
        visible.append(
            or_(
                conflicts.c.other_enterprise_id.is_(None),
                _in_scope(role, conflicts.c.other_enterprise_id),
            )
        )
    return visible


@cache
def _conflicts(role: str) -> Any:
    """Conflicts in scope created or resolved in (lo, last], with their resolution."""
    return (
        select(conflicts)
        .where(
            or_(
                and_(conflicts.c.seq > bindparam("lo"), conflicts.c.seq <= bindparam("last")),
                and_(
                    conflicts.c.resolved_seq > bindparam("lo"),
                    conflicts.c.resolved_seq <= bindparam("last"),
                ),
            ),
            *_conflict_visible(role),
        )
        .order_by(conflicts.c.id)
    )


@cache
def _conflicts_of(role: str) -> Any:
    """Conflicts on the records of a rescan's page that were open when the rescan began (at
    ``base``): a firm that comes (back) into scope brings its open conflicts, which the pulls
    before it skipped or the client dropped when the firm left."""
    ids: Any = bindparam("ids", expanding=True)
    q = select(conflicts).where(
        or_(conflicts.c.record_id.in_(ids), conflicts.c.other_enterprise_id.in_(ids)),
        conflicts.c.seq <= bindparam("base"),
        or_(conflicts.c.resolved_seq.is_(None), conflicts.c.resolved_seq > bindparam("base")),
        *_conflict_visible(role),
    )
    return q.order_by(conflicts.c.id)


def _size(value: Any) -> int:
    return len(orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS))


def pull(
    conn: Connection, caller: Caller, cursor: str | None, limit: int = MAX_PULL
) -> dict[str, Any]:
    """One page of changes, read on a ``reading()`` connection."""
    limit = max(1, min(int(limit), MAX_PULL))
    after, tag, after_id, base, floor = decode_position(cursor) if cursor else (0, "", "", 0, 0)
    role = _role(caller)
    proven = max(after, base)  # presenting the cursor proves the client has all up to there
    params: dict[str, Any] = {
        "uid": caller.user_id,
        "client": caller.client_id,
        "district": caller.district,
        "base": base,
        "proven": proven,
        "grow_lo": max(base, floor),
    }
    # One round trip: the head and its tag, the cursor's tag, the tombstone horizon, and what
    # the client's pull position means for its withdrawals and a supervisor's district.
    (now, head_tag, cursor_tag, oldest, pulled, passed, district_seq, moved, assigned) = (
        conn.execute(_POSITION, params).one()
    )
    if cursor:
        if base < int(oldest or 0):
            raise CursorTooOld(
                "this cursor is older than the tombstone horizon: pull a fresh "
                "snapshot of your scopes (from no cursor), keeping pending edits"
            )
        if max(after, floor) > now or (base and (cursor_tag or "") != tag):
            raise SyncRefused(
                "cursor_invalid",
                "the server's data went back in time (restored "
                "from a copy); drop the cursors and pull every scope again",
                head=now,
            )
    if (passed is not None or (moved is not None and (pulled is None or pulled < moved))) and (
        pulled is None or pulled < proven
    ):
        _record_pulled(conn, caller.client_id, proven)
    snapshot = _snapshot_kind(role, base, floor, district_seq)
    if role == "officer":
        grown = "assigned" if assigned is not None else ""
    else:
        grown = _snapshot_kind(role, max(base, floor), now, district_seq)
    if grown and cursor:
        # The scope grew since the cursor: rescan from the start (records newer than ``base``
        # and everything of what came into scope), taking additions up to now into account.
        after, after_id, floor = 0, "", now
        snapshot = _snapshot_kind(role, base, floor, district_seq)
    params.update(
        after=after,
        after_id=after_id,
        limit=limit + 1,
        fresh_lo=base,
        fresh_hi=floor,
    )
    rows = conn.execute(_changes(role, bool(after_id), snapshot, conn.dialect.name), params).all()
    more = len(rows) > limit
    rows = rows[:limit]
    in_snapshot = bool(snapshot)
    changes = [_row(r, snapshot=in_snapshot and r.version <= base) for r in rows]
    budget = MAX_PULL_BYTES - _ENVELOPE
    used, keep = 0, 0
    for change in changes:
        size = _size(change)
        if keep and used + size > budget:
            break  # a single row larger than a page still goes, alone
        used, keep = used + size, keep + 1
    if keep < len(changes):
        changes, rows, more = changes[:keep], rows[:keep], True
    while True:
        # The next cursor: after the last row sent, or at the head when nothing is left.
        last_seq, last_id = (rows[-1].version, rows[-1].id) if more else (now, "")
        extra = _events(conn, role, params, lo=max(after, base), last=last_seq)
        extra_size = sum(_size(x) for x in extra[0]) + sum(_size(x) for x in extra[1])
        if used + extra_size <= budget or len(rows) <= 1:
            break
        keep = max(1, len(rows) // 2)
        changes, rows, more = changes[:keep], rows[:keep], True
        used = sum(_size(c) for c in changes)
    removed, found = extra
    if in_snapshot and base and rows:
        known = {c["id"] for c in found}
        for c in conn.execute(
            _conflicts_of(role), {**params, "ids": [r.id for r in rows]}
        ).mappings():
            if c["id"] not in known:
                found.append(dict(c))
    if more and in_snapshot:  # the rescan goes on: keep what it is a rescan of
        next_base, next_floor = base, floor
        last_tag = _tag(conn, base) if base else ""
    else:
        next_base = next_floor = last_seq
        last_tag = (head_tag if last_seq == now else _tag(conn, last_seq)) or ""
    return {
        "changes": changes + removed,
        "conflicts": found,
        "cursor": encode_cursor(last_seq, last_tag, last_id, next_base, next_floor),
        "more": more,
        "head": now,
    }


def _events(
    conn: Connection, role: str, params: dict[str, Any], *, lo: int, last: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Scope removes and conflicts in (lo, last]."""
    window = {**params, "lo": lo, "last": last}
    removed: list[dict[str, Any]] = []
    if role != "admin" and last > lo:
        removed = [
            {"entity": "scope_remove", "id": e, "enterprise_id": e}
            for e in conn.execute(_REMOVED, window).scalars()
        ]
        seen: set[str] = set()
        for rid, entity, source in conn.execute(_moved_away(role), window):
            if rid not in seen:
                seen.add(rid)
                removed.append(
                    {
                        "entity": "record_remove",
                        "id": rid,
                        "enterprise_id": source,
                        "record_entity": entity,
                    }
                )
    found: list[dict[str, Any]] = []
    if last > lo:
        found = [dict(c) for c in conn.execute(_conflicts(role), window).mappings()]
    return removed, found


def _snapshot_kind(role: str, lo: int, hi: int, district_seq: int | None) -> str:
    """What a rescan over additions in (lo, hi] sends whole: "" nothing, "assigned" (an
    officer's enterprises assigned then) or "all" (a supervisor's district, changed then)."""
    if hi <= lo or role == "admin":
        return ""
    if role == "supervisor":
        return "all" if district_seq is not None and lo < district_seq <= hi else ""
    return "assigned"  # a floor above the base was set because of an assignment


def _record_pulled(conn: Connection, client_id: str, proven: int) -> None:
    """Remember how far this client has pulled: past a withdrawal, it may no longer write
    there. Only written when it passes one, so a pull at the head stays a read."""
    params = {"client": client_id, "proven": proven}
    if conn.dialect.name == "postgresql":
        conn.execute(_PULLED, params)  # an autocommit connection: this is its own transaction
        return
    with conn.engine.begin() as write:  # SQLite: the read snapshot never takes the write lock
        write.execute(_PULLED, params)
