"""Who may write where, read once per push: the records a push touches (locked), the caller's
memberships and withdrawals among their enterprises, and how far this client has pulled.

A record outside the caller's scope answers exactly as an unknown one. A withdrawn enterprise
stays writable only by a client that existed before the withdrawal and has not yet pulled past
it (its edits were made offline, before it could know); the server decides from the cursors
the client presented, never from the ``base_version`` it claims.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    String,
    bindparam,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.engine import Connection

from liaison_app.server.schema import (
    clients,
    conflicts,
    memberships,
    mutation_ledger,
    record_moves,
    records,
    scope_removals,
    sequence_tags,
)
from liaison_app.server.sync_types import Caller
from liaison_app.server.wire import ID, MAX_CONFLICT_ID

_TOUCHED = select(records).where(records.c.id.in_(bindparam("ids", expanding=True)))
_LOCKED = {
    # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL locks in id order.
    "sqlite": _TOUCHED.order_by(records.c.id),
    "postgresql": _TOUCHED.order_by(records.c.id).with_for_update(),
}
_UNDER = select(records).where(
    records.c.enterprise_id == bindparam("enterprise"),
    records.c.entity.in_(("action", "attachment")),
)
_CHILDREN = {
    "sqlite": _UNDER.order_by(records.c.id),
    "postgresql": _UNDER.order_by(records.c.id).with_for_update(),
}
_MOVES = (
    select(record_moves.c.from_enterprise_id, record_moves.c.seq, sequence_tags.c.at)
    .select_from(record_moves.outerjoin(sequence_tags, sequence_tags.c.seq == record_moves.c.seq))
    .where(record_moves.c.record_id == bindparam("rid"))
    .order_by(record_moves.c.seq.desc())
)
_CONFLICTS = select(conflicts).where(conflicts.c.id.in_(bindparam("ids", expanding=True)))
_CONFLICTS_LOCKED = {
    "sqlite": _CONFLICTS.order_by(conflicts.c.id),
    "postgresql": _CONFLICTS.order_by(conflicts.c.id).with_for_update(),
}
# One round trip: the client's high-water mark and pull position, and for the enterprises in
# the batch, the caller's withdrawals (with their time) and memberships.
_MARK_AND_SCOPE = union_all(
    select(
        literal("mark").label("kind"),
        null().cast(String).label("enterprise_id"),
        func.max(mutation_ledger.c.client_seq).cast(BigInteger).label("seq"),
        null().cast(DateTime).label("at"),
    ).where(mutation_ledger.c.client_id == bindparam("client")),
    select(
        literal("client"), null().cast(String), clients.c.pulled_seq, clients.c.created_at
    ).where(clients.c.id == bindparam("client")),
    select(
        literal("removed"), scope_removals.c.enterprise_id, scope_removals.c.seq, sequence_tags.c.at
    )
    .select_from(
        scope_removals.outerjoin(sequence_tags, sequence_tags.c.seq == scope_removals.c.seq)
    )
    .where(
        scope_removals.c.user_id == bindparam("uid"),
        scope_removals.c.enterprise_id.in_(bindparam("enterprises", expanding=True)),
    ),
    select(
        literal("member"),
        memberships.c.enterprise_id,
        null().cast(BigInteger),
        null().cast(DateTime),
    ).where(
        memberships.c.user_id == bindparam("uid"),
        memberships.c.enterprise_id.in_(bindparam("enterprises", expanding=True)),
    ),
)
_MEMBER = select(memberships.c.enterprise_id).where(
    memberships.c.user_id == bindparam("uid"),
    memberships.c.enterprise_id.in_(bindparam("ids", expanding=True)),
)


def _ids(values: Any) -> set[str]:
    return {v for v in values if isinstance(v, str) and ID.fullmatch(v)}


class Access:
    """The rows a push touches and the caller's rights over them."""

    def __init__(self, conn: Connection, caller: Caller, mutations: list[dict[str, Any]]) -> None:
        self.conn, self.caller = conn, caller
        dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
        # Conflicts first, then records, each in id order: every push locks in that order.
        wanted = sorted(
            {
                m["conflict_id"]
                for m in mutations
                if m.get("op") == "resolve-conflict"
                and isinstance(m.get("conflict_id"), int)
                and not isinstance(m.get("conflict_id"), bool)
                and 1 <= m["conflict_id"] <= MAX_CONFLICT_ID
            }
        )
        self.conflicts: dict[int, Any] = {}
        if wanted:
            self.conflicts = {
                r.id: r for r in conn.execute(_CONFLICTS_LOCKED[dialect], {"ids": wanted})
            }
        touched = _ids(m.get("record_id") for m in mutations) | _ids(
            m.get("enterprise_id") for m in mutations
        )
        # The enterprise a record moves to, and the parents new actions and attachments hang
        # from (they follow a parent that moved): read and locked with the rest.
        touched |= _ids(
            f.get(name)
            for m in mutations
            if isinstance(f := m.get("fields"), dict)
            for name in ("enterprise_id", "problem_id", "owner_id")
        )
        for c in self.conflicts.values():
            touched |= _ids([c.record_id, c.enterprise_id, c.other_enterprise_id])
        self.rows: dict[str, dict[str, Any]] = {
            r.id: dict(r._mapping) for r in conn.execute(_LOCKED[dialect], {"ids": sorted(touched)})
        }
        anchors = {r["enterprise_id"] for r in self.rows.values()} - self.rows.keys()
        if anchors:
            for r in conn.execute(_TOUCHED, {"ids": sorted(anchors)}):
                self.rows[r.id] = dict(r._mapping)
        enterprises = sorted(touched | {r["enterprise_id"] for r in self.rows.values()})
        # Each firm's district before this push: a push that moves a firm out of its
        # supervisor's district may still carry their later edits of it (made, like the move,
        # before they could know it took the firm away).
        self.district_before = {
            rid: r.get("district") for rid, r in self.rows.items() if r["entity"] == "enterprise"
        }
        self.mark = 0
        self.pulled: int | None = None
        self.registered: dt.datetime | None = None
        self.removed: dict[str, tuple[int, dt.datetime | None]] = {}
        self.members: set[str] = set()
        self._read_children: set[str] = set()
        reads = conn.execute(
            _MARK_AND_SCOPE,
            {"client": caller.client_id, "uid": caller.user_id, "enterprises": enterprises},
        )
        for kind, enterprise_id, seq, at in reads:
            if kind == "mark":
                self.mark = int(seq or 0)
            elif kind == "client":
                self.pulled, self.registered = seq, at
            elif kind == "removed":
                self.removed[enterprise_id] = (int(seq), at)
            else:
                self.members.add(enterprise_id)

    def sees(self, enterprise: dict[str, Any]) -> bool:
        """The enterprise is in the caller's scope now (its own, assigned, district, all)."""
        c = self.caller
        if c.role == "admin":
            return True
        if c.role == "supervisor":
            return enterprise["district"] is not None and enterprise["district"] == c.district
        if enterprise["created_by"] == c.user_id:
            return True
        if enterprise["id"] not in self.members and enterprise["id"] not in self.rows:
            # Not read with the batch (a duplicate's twin): ask.
            found = self.conn.execute(_MEMBER, {"uid": c.user_id, "ids": [enterprise["id"]]})
            self.members |= set(found.scalars())
        return enterprise["id"] in self.members

    def may_write(self, enterprise: dict[str, Any] | None) -> bool:
        """In scope, or withdrawn while this client could not yet know (design.md §3)."""
        if enterprise is None or enterprise["entity"] != "enterprise":
            return False
        if self.sees(enterprise):
            return True
        c = self.caller
        before = self.district_before.get(enterprise["id"])
        if c.role == "supervisor" and c.district is not None and before == c.district:
            return True
        removal = self.removed.get(enterprise["id"])
        if removal is None:
            return False
        seq, at = removal
        passed = self.pulled is not None and self.pulled >= seq
        newer = self.registered is not None and at is not None and self.registered > at
        return not passed and not newer

    def load(self, record_id: str) -> dict[str, Any] | None:
        """A record not read with the batch (it stays unlocked: it is only looked at)."""
        if record_id not in self.rows:
            for r in self.conn.execute(_TOUCHED, {"ids": [record_id]}):
                self.rows[r.id] = dict(r._mapping)
        return self.rows.get(record_id)

    def children(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """The actions and attachments that hang from a visit or problem (and from its
        actions), locked: they move with it."""
        dialect = "postgresql" if self.conn.dialect.name == "postgresql" else "sqlite"
        if record["enterprise_id"] not in self._read_children:
            self._read_children.add(record["enterprise_id"])
            q = _CHILDREN[dialect]
            for r in self.conn.execute(q, {"enterprise": record["enterprise_id"]}):
                self.rows.setdefault(r.id, dict(r._mapping))
        under = [
            r
            for r in self.rows.values()
            if r["entity"] in ("action", "attachment")
            and r["enterprise_id"] == record["enterprise_id"]
            and isinstance(r.get("data"), dict)
        ]
        owners = {record["id"]}
        out = []
        if record["entity"] == "problem":
            actions = [r for r in under if r["data"].get("problem_id") == record["id"]]
            out += actions
            owners |= {a["id"] for a in actions}
        out += [
            r for r in under if r["entity"] == "attachment" and r["data"].get("owner_id") in owners
        ]
        return out

    def moved_away(self, record: dict[str, Any]) -> bool:
        """The record moved away from an enterprise the caller may write to, and this client
        could not know yet (it has not pulled past the move, and existed before it): an edit
        made offline before a merge still lands, like one before a withdrawal."""
        moves = self.conn.execute(_MOVES, {"rid": record["id"]}).all()
        for source, seq, at in moves:
            if not self.may_write(self.rows.get(source) or self.load(source)):
                continue
            passed = self.pulled is not None and self.pulled >= seq
            newer = self.registered is not None and at is not None and self.registered > at
            if not passed and not newer:
                return True
        return False

    def anchor(self, record: dict[str, Any]) -> dict[str, Any] | None:
        return (
            record if record["entity"] == "enterprise" else self.rows.get(record["enterprise_id"])
        )
