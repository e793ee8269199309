"""Push: apply a client's mutations exactly once, in its sequence order, merging field by field.

One push is one transaction: the touched records are locked in id order, every mutation is
decided in memory in sequence order (a later one sees an earlier one's effect), then the next
server sequence is taken last and all rows are written with it — so commit order equals sequence
order and the global lock is held for the few statements of the write.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    bindparam,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.engine import Connection

from liaison_app.domain import validation
from liaison_app.domain.lifecycle import TRANSITIONS
from liaison_app.errors import InputError, LiaisonError, ValidationError
from liaison_app.server.accounts import audit, utcnow
from liaison_app.server.schema import (
    REFERENCE_TABLES,
    clients,
    conflicts,
    memberships,
    mutation_ledger,
    records,
    scope_removals,
    sequence_tags,
    server_sequence,
)
from liaison_app.sync.protocol import LIFECYCLE_FIELDS, MAX_PUSH, OPS, SYNCED_FIELDS

# Field metadata stores PENDING for "written at the record's own version": the rows are written
# before the sequence is taken, so only one short UPDATE runs while the global lock is held.
PENDING = -1


class SyncRefused(LiaisonError):
    """The batch cannot go on (HTTP 409): a sequence gap, a reused id, a client gone back in time.

    Mutations before the refused one are committed; sending them again replays their results.
    """

    code = "sync_refused"

    def __init__(self, code: str, message: str, **detail: Any) -> None:
        super().__init__(message, code=code)
        self.detail = detail


@dataclass(frozen=True)
class Caller:
    user_id: int
    user: str
    role: str
    district: str | None
    client_id: str


def payload_hash(mutation: dict[str, Any]) -> str:
    """The hash of what a mutation means: its sequence number is transport, not content."""
    content = {k: v for k, v in mutation.items() if k != "seq"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def next_seq(conn: Connection) -> int:
    """The next server sequence value with its random tag; take it last in the transaction."""
    seq = conn.execute(
        update(server_sequence)
        .where(server_sequence.c.id == 1)
        .values(value=server_sequence.c.value + 1)
        .returning(server_sequence.c.value)
    ).scalar_one()
    conn.execute(insert(sequence_tags).values(seq=seq, tag=secrets.token_hex(4), at=utcnow()))
    return seq


def head(conn: Connection) -> int:
    return conn.execute(
        select(server_sequence.c.value).where(server_sequence.c.id == 1)
    ).scalar_one()


def natural_key(data: dict[str, Any]) -> str:
    """USCC; else name + district identify a firm (domain.md)."""
    if data.get("uscc"):
        return f"uscc:{data['uscc']}"
    return f"name:{data.get('district_code') or ''}:{data.get('name') or ''}"


def _check_shape(m: Any) -> None:
    ok = (
        isinstance(m, dict)
        and isinstance(m.get("id"), str)
        and 8 <= len(m["id"]) <= 36
        and isinstance(m.get("seq"), int)
        and not isinstance(m.get("seq"), bool)
        and m["seq"] >= 1
        and m.get("entity") in SYNCED_FIELDS
        and isinstance(m.get("record_id"), str)
        and 8 <= len(m["record_id"]) <= 36
        and m.get("op") in OPS
        and isinstance(m.get("fields", {}), dict)
        and isinstance(m.get("base_version", 0), int)
        and isinstance(m.get("base", {}), dict)
        and isinstance(m.get("enterprise_id", ""), str | None)
    )
    if not ok:
        raise InputError("malformed mutation: needs id, seq ≥ 1, entity, record_id, op, fields")


def push(
    conn: Connection, caller: Caller, mutations: list[Any]
) -> tuple[dict[str, Any], SyncRefused | None]:
    """Apply a push inside the caller's write transaction (``engine.begin()``).

    Returns the answer and, when the batch stopped early, the refusal to raise once the
    transaction is over: the mutations before the refused one are committed. On PostgreSQL the
    commit happens here already (see ``_Batch.flush``).
    """
    if not isinstance(mutations, list) or len(mutations) > MAX_PUSH:
        raise InputError(f"a push carries a list of at most {MAX_PUSH} mutations")
    for m in mutations:
        _check_shape(m)
    refused: SyncRefused | None = None
    batch = _Batch(conn, caller, mutations)
    results = []
    for m in mutations:
        try:
            results.append(batch.apply(m))
        except SyncRefused as exc:
            refused = exc  # the ones before it are committed
            break
    if results:
        tally = {
            k: sum(r["status"] == k for r in results) for k in ("applied", "conflict", "rejected")
        }
        audit(conn, caller.user, "push", client=caller.client_id, **tally)
    now = batch.flush()  # on PostgreSQL this commits, in the same round trip as the stamp
    return {"results": results, "head": now}, refused


# The statements of a push are built once, with bind parameters (building them cost more CPU
# than running them).
_DONE = select(mutation_ledger).where(
    mutation_ledger.c.mutation_id.in_(bindparam("ids", expanding=True))
)
_CLIENT_LOCK = select(clients.c.id).where(clients.c.id == bindparam("client")).with_for_update()
_TOUCHED = select(records).where(records.c.id.in_(bindparam("ids", expanding=True)))
_LOCKED = {
    # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL locks in id order.
    "sqlite": _TOUCHED.order_by(records.c.id),
    "postgresql": _TOUCHED.order_by(records.c.id).with_for_update(),
}
# One round trip: the client's high-water mark, and for the enterprises in the batch, the
# caller's withdrawn assignments and memberships.
_MARK_AND_SCOPE = union_all(
    select(
        literal("mark").label("kind"),
        null().cast(String).label("enterprise_id"),
        func.max(mutation_ledger.c.client_seq).cast(BigInteger).label("seq"),
    ).where(mutation_ledger.c.client_id == bindparam("client")),
    select(literal("removed"), scope_removals.c.enterprise_id, scope_removals.c.seq).where(
        scope_removals.c.user_id == bindparam("uid"),
        scope_removals.c.enterprise_id.in_(bindparam("enterprises", expanding=True)),
    ),
    select(literal("member"), memberships.c.enterprise_id, null().cast(BigInteger)).where(
        memberships.c.user_id == bindparam("uid"),
        memberships.c.enterprise_id.in_(bindparam("enterprises", expanding=True)),
    ),
)


class _Batch:
    """The decisions of one push, made in memory and written at flush."""

    def __init__(self, conn: Connection, caller: Caller, mutations: list[dict[str, Any]]) -> None:
        self.conn, self.caller = conn, caller
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            # One push at a time per client: a copy of this push sent again while the first is
            # still running (a retry after a lost answer) waits, then reads the first one's
            # ledger rows and answers as a replay.
            conn.execute(_CLIENT_LOCK, {"client": caller.client_id})
        touched = sorted(
            {m["record_id"] for m in mutations}
            | {m["enterprise_id"] for m in mutations if m.get("enterprise_id")}
        )
        locked = _LOCKED["postgresql" if postgres else "sqlite"]
        self.rows: dict[str, dict[str, Any]] = {
            r.id: dict(r._mapping) for r in conn.execute(locked, {"ids": touched})
        }
        # Read under the locks: what an earlier copy of this push committed is seen here.
        ids = [m["id"] for m in mutations]
        self.done = {r.mutation_id: r for r in conn.execute(_DONE, {"ids": ids})}
        anchors = {r["enterprise_id"] for r in self.rows.values()} - self.rows.keys()
        if anchors:
            for r in conn.execute(_TOUCHED, {"ids": sorted(anchors)}):
                self.rows[r.id] = dict(r._mapping)
        enterprises = sorted(set(touched) | {r["enterprise_id"] for r in self.rows.values()})
        self.mark = 0
        self.removed: dict[str, int] = {}
        self.members: set[str] = set()
        reads = conn.execute(
            _MARK_AND_SCOPE,
            {"client": caller.client_id, "uid": caller.user_id, "enterprises": enterprises},
        )
        for kind, enterprise_id, seq in reads:
            if kind == "mark":
                self.mark = seq or 0
            elif kind == "removed":
                self.removed[enterprise_id] = seq
            else:
                self.members.add(enterprise_id)
        self.codes_cache: dict[str, frozenset[str]] = {}
        self.new: set[str] = set()
        self.dirty: set[str] = set()
        self.conflicts: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []
        self.applied: list[dict[str, Any]] = []  # results whose seq is set at flush
        self.in_batch: dict[str, tuple[str, dict[str, Any]]] = {}

    # ---- per mutation ------------------------------------------------------------------------
    def apply(self, m: dict[str, Any]) -> dict[str, Any]:
        digest = payload_hash(m)
        earlier = self.done.get(m["id"])
        if earlier is not None or m["id"] in self.in_batch:
            stored_hash, stored = (
                (earlier.payload_hash, earlier.result)
                if earlier is not None
                else self.in_batch[m["id"]]
            )
            owner = earlier.client_id if earlier is not None else self.caller.client_id
            if stored_hash != digest or owner != self.caller.client_id:
                raise SyncRefused(
                    "mutation_reused", f"mutation {m['id']} was sent before with other content"
                )
            replay = {**stored, "replayed": True}
            if earlier is not None and replay.get("seq") == PENDING:
                replay["seq"] = earlier.seq
            return replay
        if m["seq"] <= self.mark:
            raise SyncRefused(
                "client_behind",
                "this client's sequence went back: its data folder was "
                "restored from an older copy; renumber pending changes after the mark",
                high_water_mark=self.mark,
            )
        if m["seq"] != self.mark + 1:
            raise SyncRefused(
                "sequence_gap",
                f"expected mutation number {self.mark + 1}, got {m['seq']}",
                expected=self.mark + 1,
            )
        self.mark = m["seq"]
        try:
            result = self._decide(m)
        except ValidationError as exc:
            result = {
                "id": m["id"],
                "status": "rejected",
                "reason": str(exc),
                "errors": [
                    {"field": e.field, "code": e.code, "message": e.message} for e in exc.errors
                ],
            }
        except InputError as exc:
            result = {"id": m["id"], "status": "rejected", "reason": str(exc)}
        self.in_batch[m["id"]] = (digest, result)
        self.ledger.append(
            {
                "mutation_id": m["id"],
                "client_id": self.caller.client_id,
                "client_seq": m["seq"],
                "payload_hash": digest,
                "result": result,
            }
        )
        return result

    def _in_scope(self, enterprise: dict[str, Any]) -> bool:
        c = self.caller
        if c.role == "admin":
            return True
        if c.role == "supervisor":
            return enterprise["district"] is not None and enterprise["district"] == c.district
        return enterprise["created_by"] == c.user_id or enterprise["id"] in self.members

    def _edited_before_removal(self, enterprise_id: str, m: dict[str, Any]) -> bool:
        """An edit whose base predates losing the enterprise is still accepted (design.md §3)."""
        removed_at = self.removed.get(enterprise_id)
        return removed_at is not None and int(m.get("base_version") or 0) < removed_at

    def _codes(self, kind: str) -> frozenset[str]:
        if kind not in self.codes_cache:
            table = REFERENCE_TABLES[kind]
            self.codes_cache[kind] = frozenset(self.conn.execute(select(table.c.code)).scalars())
        return self.codes_cache[kind]

    def _validate(self, entity: str, fields: dict[str, Any], creating: bool) -> dict[str, Any]:
        """The domain's own validation, as on the client; returns the cleaned values."""
        user = {k: v for k, v in fields.items() if k in SYNCED_FIELDS[entity]}
        today = utcnow().date()
        if entity == "enterprise":
            cleaned, _warnings = validation.clean_enterprise(user, self._codes, creating=creating)
        elif entity == "visit":
            cleaned = validation.clean_visit(user, self._codes, creating=creating, today=today)
        elif entity == "problem":
            cleaned = validation.clean_problem(user, self._codes, creating=creating, today=today)
        else:
            cleaned = {}
        out = dict(user)
        for key, value in cleaned.items():
            out[key] = value.isoformat() if hasattr(value, "isoformat") else value
        return out

    def _decide(self, m: dict[str, Any]) -> dict[str, Any]:
        c = self.caller
        entity, op, rid = m["entity"], m["op"], m["record_id"]
        fields = dict(m.get("fields") or {})
        rec = self.rows.get(rid)
        if rec is not None and rec["entity"] != entity:
            raise InputError(f"record {rid} is a {rec['entity']}, not a {entity}")
        anchor_id = (
            rid
            if entity == "enterprise"
            else (rec["enterprise_id"] if rec else m.get("enterprise_id"))
        )
        if not anchor_id:
            raise InputError("a new visit, problem or action needs its enterprise_id")
        anchor = rec if entity == "enterprise" else self.rows.get(anchor_id)
        if anchor is not None and anchor["entity"] != "enterprise":
            anchor = None
        if entity == "enterprise" and rec is None:
            if c.role == "supervisor" and fields.get("district_code") != c.district:
                raise InputError("a supervisor creates enterprises in their own district only")
        elif anchor is None:
            raise InputError(f"unknown enterprise {anchor_id}")
        elif not self._in_scope(anchor) and not self._edited_before_removal(anchor["id"], m):
            raise InputError("permission: this enterprise is outside your scope")
        found: list[dict[str, Any]] = []
        if rec is None:
            if op not in ("create", "update"):
                raise InputError(f"cannot {op} record {rid}: the server has no such record")
            data = self._validate(entity, fields, creating=True)
            if entity == "problem":
                data.setdefault("status", "received")
            if entity == "enterprise":
                found += self._duplicates(rid, data)
            if anchor is not None and anchor["deleted"]:
                found.append(
                    {
                        "kind": "deleted",
                        "field": None,
                        "base": None,
                        "applied": data,
                        "losing": {"enterprise_deleted": anchor_id},
                    }
                )
            self.rows[rid] = {
                "id": rid,
                "entity": entity,
                "enterprise_id": anchor_id,
                "district": data.get("district_code") if entity == "enterprise" else None,
                "natural_key": natural_key(data) if entity == "enterprise" else None,
                "blob_sha256": data.get("sha256") if entity == "attachment" else None,
                "data": data,
                "field_meta": {f: [PENDING, c.client_id] for f in data},
                "version": PENDING,
                "deleted": False,
                "created_by": c.user_id,
            }
            self.new.add(rid)
            return self._result(m, found, anchor_id)
        if entity == "action" and op != "create":
            raise InputError("follow-up actions are append-only")
        data, meta = dict(rec["data"]), dict(rec["field_meta"])
        deleted = bool(rec["deleted"])
        if op == "delete":
            deleted = True
        elif op == "restore":
            deleted = False
        elif rec["deleted"]:
            # An edit to a deleted record is kept whole as a restorable conflict; the delete stands.
            found.append(
                {
                    "kind": "deleted",
                    "field": None,
                    "base": m.get("base"),
                    "applied": fields,
                    "losing": None,
                }
            )
            fields = {}
        if op == "transition":
            fields = self._transition(rec, fields, m, found)
        elif fields:
            fields = self._validate(entity, fields, creating=False)
        base_version = int(m.get("base_version") or 0)
        changes: dict[str, Any] = {}
        for field, value in fields.items():
            last = meta.get(field)
            if last is not None and last[0] == PENDING:
                last = [rec["version"], last[1]]
            untouched = (
                last is None
                or last[1] == c.client_id
                or last[0] <= base_version
                or base_version > self.head_now()
            )
            if untouched:
                changes[field] = value
            elif data.get(field) == value:
                continue
            else:  # both changed it: the later arrival wins, the overwritten value is kept
                found.append(
                    {
                        "kind": "field",
                        "field": field,
                        "base": (m.get("base") or {}).get(field),
                        "applied": value,
                        "losing": data.get(field),
                    }
                )
                changes[field] = value
        if not changes and deleted == bool(rec["deleted"]) and not found:
            noop = {"id": m["id"], "status": "applied", "seq": rec["version"], "noop": True}
            if rec["version"] == PENDING:  # written earlier in this push: stamped with it
                self.applied.append(noop)
            return noop
        for field, value in changes.items():
            data[field] = value
            meta[field] = [PENDING, c.client_id]
        rec.update(data=data, field_meta=meta, deleted=deleted, version=PENDING)
        if entity == "enterprise":
            rec.update(district=data.get("district_code"), natural_key=natural_key(data))
        if rid not in self.new:
            self.dirty.add(rid)
        return self._result(m, found, rec["enterprise_id"])

    _head: int | None = None

    def head_now(self) -> int:
        if self._head is None:
            self._head = head(self.conn)
        return self._head

    def _transition(
        self,
        rec: dict[str, Any],
        fields: dict[str, Any],
        m: dict[str, Any],
        found: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """A lifecycle step applies only from the status the client saw; otherwise a conflict."""
        step = m.get("step")
        move = m.get("transition") or {}
        before, after = move.get("from"), move.get("to")
        if (
            rec["entity"] != "problem"
            or step not in TRANSITIONS
            or TRANSITIONS[step].get(before) != after
        ):
            raise InputError("a transition needs a known step with a legal from → to")
        current = rec["data"].get("status")
        if current != before:
            found.append(
                {
                    "kind": "lifecycle",
                    "field": "status",
                    "base": before,
                    "applied": after,
                    "losing": current,
                }
            )
            return {}
        out = {k: v for k, v in fields.items() if k in LIFECYCLE_FIELDS}
        out["status"] = after
        return out

    def _duplicates(self, rid: str, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Another live enterprise with the same natural key: applied, flagged for a person."""
        key = natural_key(data)
        others = set(
            self.conn.execute(
                select(records.c.id).where(
                    records.c.natural_key == key, records.c.deleted.is_(False), records.c.id != rid
                )
            ).scalars()
        )
        others |= {
            i
            for i, r in self.rows.items()
            if i != rid and r.get("natural_key") == key and not r["deleted"]
        }
        return [
            {"kind": "duplicate", "field": None, "base": None, "applied": rid, "losing": other}
            for other in sorted(others)
        ]

    def _result(
        self, m: dict[str, Any], found: list[dict[str, Any]], enterprise_id: str
    ) -> dict[str, Any]:
        for f in found:
            self.conflicts.append(
                {
                    **f,
                    "entity": m["entity"],
                    "record_id": m["record_id"],
                    "enterprise_id": enterprise_id,
                    "mutation_id": m["id"],
                    "client_id": self.caller.client_id,
                }
            )
        result = {
            "id": m["id"],
            "status": "conflict" if found else "applied",
            "seq": PENDING,
            "conflicts": [{"kind": f["kind"], "field": f["field"]} for f in found],
        }
        self.applied.append(result)
        return result

    # ---- write ---------------------------------------------------------------------------------
    def flush(self) -> int:
        """Write everything, then take the sequence last and stamp it; returns the head.

        On PostgreSQL the stamp and the COMMIT go to the server in one pipeline: the sequence
        row stays locked only while the server runs them, never while this process waits for
        its turn on the GIL (which, under load, made every other push queue behind it).
        """
        changed = sorted(self.new | self.dirty)
        if self.new:
            self.conn.execute(
                insert(records),
                [
                    {
                        k: self.rows[r].get(k)
                        for k in (
                            "id",
                            "entity",
                            "enterprise_id",
                            "district",
                            "natural_key",
                            "blob_sha256",
                            "data",
                            "field_meta",
                            "version",
                            "deleted",
                            "created_by",
                        )
                    }
                    for r in sorted(self.new)
                ],
            )
        if self.dirty:
            self.conn.execute(
                update(records)
                .where(records.c.id == bindparam("rid"))
                .values(
                    data=bindparam("data"),
                    field_meta=bindparam("field_meta"),
                    deleted=bindparam("deleted"),
                    district=bindparam("district"),
                    natural_key=bindparam("natural_key"),
                ),
                [
                    {
                        "rid": r,
                        **{
                            k: self.rows[r][k]
                            for k in ("data", "field_meta", "deleted", "district", "natural_key")
                        },
                    }
                    for r in sorted(self.dirty)
                ],
            )
        if self.ledger:
            now = utcnow()
            self.conn.execute(
                insert(mutation_ledger), [{**row, "seq": None, "at": now} for row in self.ledger]
            )
        if self.conflicts:
            self.conn.execute(insert(conflicts), [{**c, "seq": PENDING} for c in self.conflicts])
        if not (changed or self.conflicts):
            return head(self.conn)
        stamped = [r["id"] for r in self.applied if r["seq"] == PENDING]
        if self.conn.dialect.name == "postgresql":
            seq = _stamp_and_commit(self.conn, changed, stamped)
        else:
            seq = next_seq(self.conn)  # taken last, after every read and the bulk writes
            if changed:
                self.conn.execute(
                    update(records).where(records.c.id.in_(changed)).values(version=seq)
                )
            if stamped:
                self.conn.execute(
                    update(mutation_ledger)
                    .where(mutation_ledger.c.mutation_id.in_(stamped))
                    .values(seq=seq)
                )
            if self.conflicts:
                self.conn.execute(
                    update(conflicts)
                    .where(conflicts.c.mutation_id.in_(stamped))
                    .where(conflicts.c.seq == PENDING)
                    .values(seq=seq)
                )
        for result in self.applied:
            if result["seq"] == PENDING:
                result["seq"] = seq
        for rid in changed:
            self.rows[rid]["version"] = seq
        return seq


# Takes the next sequence value and stamps this push's rows, ledger entries and conflicts with it.
_STAMP = (
    "WITH s AS (UPDATE server_sequence SET value = value + 1 WHERE id = 1 RETURNING value),"
    " t AS (INSERT INTO sequence_tags (seq, tag, at) SELECT value, %(tag)s, %(at)s FROM s),"
    " r AS (UPDATE records SET version = (SELECT value FROM s) WHERE id = ANY(%(ids)s)),"
    " l AS (UPDATE mutation_ledger SET seq = (SELECT value FROM s)"
    " WHERE mutation_id = ANY(%(mids)s)),"
    " c AS (UPDATE conflicts SET seq = (SELECT value FROM s)"
    " WHERE mutation_id = ANY(%(mids)s) AND seq = -1)"
    " SELECT value FROM s"
)


def _stamp_and_commit(conn: Connection, ids: list[str], mids: list[str]) -> int:
    """PostgreSQL: the stamp and COMMIT in one pipeline, so the global lock is held only while
    the server executes them (plus the commit's WAL flush). SQLAlchemy's own commit at the end
    of the block then finds the connection idle and does nothing."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    params = {"tag": secrets.token_hex(4), "at": utcnow(), "ids": ids, "mids": mids}
    try:
        if _PIPELINE:
            with raw.pipeline():
                cur = raw.cursor()
                cur.execute(_STAMP, params)
                raw.commit()
        else:  # libpq < 14: two round trips, the lock held a little longer
            cur = raw.cursor()
            cur.execute(_STAMP, params)
            raw.commit()
        row = cur.fetchone()
    except Exception:
        # Raised by psycopg itself, past SQLAlchemy's error handling: never hand this
        # connection (maybe broken, maybe mid-transaction) to another request.
        conn.invalidate()
        raise
    assert row is not None
    return int(row[0])


def _pipeline_supported() -> bool:
    try:
        import psycopg

        return bool(psycopg.Pipeline.is_supported())
    except ImportError:
        return False


_PIPELINE = _pipeline_supported()
