"""Push: apply a client's mutations exactly once, in its sequence order, merging field by field.

Each mutation is one transaction: lock the record, decide, take the next server sequence last
(so commit order equals sequence order), write the record, its conflicts and the ledger entry.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from liaison_app.domain import validation
from liaison_app.domain.lifecycle import TRANSITIONS
from liaison_app.errors import InputError, LiaisonError, ValidationError
from liaison_app.server.accounts import utcnow
from liaison_app.server.schema import (
    REFERENCE_TABLES,
    conflicts,
    memberships,
    mutation_ledger,
    records,
    sequence_tags,
    server_sequence,
)
from liaison_app.sync.protocol import LIFECYCLE_FIELDS, MAX_PUSH, OPS, SYNCED_FIELDS


class SyncRefused(LiaisonError):
    """The batch cannot go on (HTTP 409): a sequence gap, a reused id, a client gone back in time."""

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
    """The next server sequence value; taken last in the transaction, with its random tag."""
    seq = conn.execute(
        update(server_sequence)
        .where(server_sequence.c.id == 1)
        .values(value=server_sequence.c.value + 1)
        .returning(server_sequence.c.value)
    ).scalar_one()
    conn.execute(insert(sequence_tags).values(seq=seq, tag=secrets.token_hex(4)))
    return seq


def head(conn: Connection) -> int:
    return conn.execute(
        select(server_sequence.c.value).where(server_sequence.c.id == 1)
    ).scalar_one()


def high_water_mark(conn: Connection, client_id: str) -> int:
    return (
        conn.execute(
            select(func.max(mutation_ledger.c.client_seq)).where(
                mutation_ledger.c.client_id == client_id
            )
        ).scalar()
        or 0
    )


def in_scope(conn: Connection, caller: Caller, enterprise: Any) -> bool:
    if caller.role == "admin":
        return True
    if caller.role == "supervisor":
        return enterprise.district is not None and enterprise.district == caller.district
    if enterprise.created_by == caller.user_id:
        return True
    return (
        conn.execute(
            select(memberships.c.user_id).where(
                memberships.c.user_id == caller.user_id,
                memberships.c.enterprise_id == enterprise.id,
            )
        ).first()
        is not None
    )


def _check_shape(m: Any) -> None:
    ok = (
        isinstance(m, dict)
        and isinstance(m.get("id"), str)
        and 8 <= len(m["id"]) <= 36
        and isinstance(m.get("seq"), int)
        and m["seq"] >= 1
        and m.get("entity") in SYNCED_FIELDS
        and isinstance(m.get("record_id"), str)
        and 8 <= len(m["record_id"]) <= 36
        and m.get("op") in OPS
        and isinstance(m.get("fields", {}), dict)
        and isinstance(m.get("base_version", 0), int)
        and isinstance(m.get("base", {}), dict)
    )
    if not ok:
        raise InputError("malformed mutation: needs id, seq ≥ 1, entity, record_id, op, fields")


def _codes(conn: Connection):  # type: ignore[no-untyped-def]
    cache: dict[str, frozenset[str]] = {}

    def codes(kind: str) -> frozenset[str]:
        if kind not in cache:
            table = REFERENCE_TABLES[kind]
            cache[kind] = frozenset(conn.execute(select(table.c.code)).scalars())
        return cache[kind]

    return codes


def _validate(
    conn: Connection, entity: str, fields: dict[str, Any], creating: bool
) -> dict[str, Any]:
    """The domain's own validation, as on the client; returns the cleaned values."""
    user = {k: v for k, v in fields.items() if k in SYNCED_FIELDS[entity]}
    codes = _codes(conn)
    today = utcnow().date()
    if entity == "enterprise":
        cleaned, _warnings = validation.clean_enterprise(user, codes, creating=creating)
    elif entity == "visit":
        cleaned = validation.clean_visit(user, codes, creating=creating, today=today)
    elif entity == "problem":
        cleaned = validation.clean_problem(user, codes, creating=creating, today=today)
    else:
        cleaned = {}
    out = dict(user)
    for key, value in cleaned.items():
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def push(engine: Engine, caller: Caller, mutations: list[Any]) -> dict[str, Any]:
    if not isinstance(mutations, list) or len(mutations) > MAX_PUSH:
        raise InputError(f"a push carries a list of at most {MAX_PUSH} mutations")
    for m in mutations:
        _check_shape(m)
    results = [apply_one(engine, caller, m) for m in mutations]
    with engine.connect() as conn:
        now = head(conn)
    return {"results": results, "head": now}


def apply_one(engine: Engine, caller: Caller, m: dict[str, Any]) -> dict[str, Any]:
    digest = payload_hash(m)
    with engine.begin() as conn:
        done = conn.execute(
            select(mutation_ledger).where(mutation_ledger.c.mutation_id == m["id"])
        ).first()
        if done is not None:
            if done.payload_hash != digest or done.client_id != caller.client_id:
                raise SyncRefused(
                    "mutation_reused", f"mutation {m['id']} was sent before with other content"
                )
            return {**done.result, "replayed": True}
        mark = high_water_mark(conn, caller.client_id)
        if m["seq"] <= mark:
            raise SyncRefused(
                "client_behind",
                "this client's sequence went back: its data folder was "
                "restored from an older copy; renumber pending changes after the mark",
                high_water_mark=mark,
            )
        if m["seq"] != mark + 1:
            raise SyncRefused(
                "sequence_gap",
                f"expected mutation number {mark + 1}, got {m['seq']}",
                expected=mark + 1,
            )
        try:
            result, seq = _decide_and_write(conn, caller, m)
        except ValidationError as exc:
            result, seq = (
                {
                    "id": m["id"],
                    "status": "rejected",
                    "reason": str(exc),
                    "errors": [
                        {"field": e.field, "code": e.code, "message": e.message} for e in exc.errors
                    ],
                },
                None,
            )
        except InputError as exc:
            result, seq = {"id": m["id"], "status": "rejected", "reason": str(exc)}, None
        conn.execute(
            insert(mutation_ledger).values(
                mutation_id=m["id"],
                client_id=caller.client_id,
                client_seq=m["seq"],
                payload_hash=digest,
                result=result,
                seq=seq,
                at=utcnow(),
            )
        )
        return result


def _lock(conn: Connection, record_id: str) -> Any:
    q = select(records).where(records.c.id == record_id)
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()  # SQLite's BEGIN IMMEDIATE already serialises writers
    return conn.execute(q).first()


def _decide_and_write(
    conn: Connection, caller: Caller, m: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    entity, op, rid = m["entity"], m["op"], m["record_id"]
    fields = dict(m.get("fields") or {})
    rec = _lock(conn, rid)
    if rec is not None and rec.entity != entity:
        raise InputError(f"record {rid} is a {rec.entity}, not a {entity}")
    anchor_id = (
        rid if entity == "enterprise" else (rec.enterprise_id if rec else m.get("enterprise_id"))
    )
    if not anchor_id:
        raise InputError("a new visit, problem or action needs its enterprise_id")
    anchor = (
        rec
        if entity == "enterprise"
        else conn.execute(
            select(records).where(records.c.id == anchor_id, records.c.entity == "enterprise")
        ).first()
    )
    if entity == "enterprise" and rec is None:
        if caller.role == "supervisor" and fields.get("district_code") != caller.district:
            raise InputError("a supervisor creates enterprises in their own district only")
    elif anchor is None:
        raise InputError(f"unknown enterprise {anchor_id}")
    elif not in_scope(conn, caller, anchor):
        raise InputError("permission: this enterprise is outside your scope")
    found: list[dict[str, Any]] = []
    if rec is None:
        if op not in ("create", "update"):
            raise InputError(f"cannot {op} record {rid}: the server has no such record")
        data = _validate(conn, entity, fields, creating=True)
        if entity == "problem":
            data.setdefault("status", "received")
        if entity == "enterprise":
            found += _duplicates(conn, rid, data)
        if anchor is not None and anchor.deleted:
            found.append(
                {
                    "kind": "deleted",
                    "field": None,
                    "base": None,
                    "applied": data,
                    "losing": {"enterprise_deleted": anchor_id},
                }
            )
        seq = next_seq(conn)
        meta = {f: [seq, caller.client_id] for f in data}
        conn.execute(
            insert(records).values(
                id=rid,
                entity=entity,
                enterprise_id=anchor_id,
                district=data.get("district_code") if entity == "enterprise" else None,
                natural_key=natural_key(data) if entity == "enterprise" else None,
                data=data,
                field_meta=meta,
                version=seq,
                deleted=False,
                created_by=caller.user_id,
            )
        )
        return _finish(conn, caller, m, seq, found, anchor_id)
    if entity == "action" and op != "create":
        raise InputError("follow-up actions are append-only")
    data, meta = dict(rec.data), dict(rec.field_meta)
    deleted = bool(rec.deleted)
    if op == "delete":
        deleted = True
    elif op == "restore":
        deleted = False
    elif rec.deleted:
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
        fields = _transition(rec, fields, m, found)
    elif fields:
        fields = _validate(conn, entity, fields, creating=False)
        if entity == "problem":
            fields = {
                k: v
                for k, v in fields.items()
                if k not in LIFECYCLE_FIELDS or k in ("lead_department", "deadline")
            }
    base_version = int(m.get("base_version") or 0)
    current = head(conn)
    changes: dict[str, Any] = {}
    for field, value in fields.items():
        last = meta.get(field)
        untouched = (
            last is None
            or last[0] <= base_version
            or last[1] == caller.client_id
            or base_version > current
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
    if not changes and deleted == bool(rec.deleted) and not found:
        return {"id": m["id"], "status": "applied", "seq": rec.version, "noop": True}, rec.version
    seq = next_seq(conn)
    for field, value in changes.items():
        data[field] = value
        meta[field] = [seq, caller.client_id]
    values: dict[str, Any] = {"data": data, "field_meta": meta, "version": seq, "deleted": deleted}
    if entity == "enterprise" and changes.keys() & {"district_code", "uscc", "name"}:
        values["district"] = data.get("district_code")
        values["natural_key"] = natural_key(data)
    conn.execute(update(records).where(records.c.id == rid).values(**values))
    return _finish(conn, caller, m, seq, found, rec.enterprise_id)


def _transition(
    rec: Any, fields: dict[str, Any], m: dict[str, Any], found: list[dict[str, Any]]
) -> dict[str, Any]:
    """A lifecycle step applies only from the status the client saw; otherwise it is a conflict."""
    step = m.get("step")
    move = m.get("transition") or {}
    before, after = move.get("from"), move.get("to")
    if rec.entity != "problem" or step not in TRANSITIONS or TRANSITIONS[step].get(before) != after:
        raise InputError("a transition needs a known step with a legal from → to")
    current = rec.data.get("status")
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


def natural_key(data: dict[str, Any]) -> str:
    """USCC; else name + district identify a firm (domain.md)."""
    if data.get("uscc"):
        return f"uscc:{data['uscc']}"
    return f"name:{data.get('district_code') or ''}:{data.get('name') or ''}"


def _duplicates(conn: Connection, rid: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Another live enterprise with the same natural key: applied, flagged for a person to merge."""
    others = conn.execute(
        select(records.c.id).where(
            records.c.natural_key == natural_key(data),
            records.c.deleted.is_(False),
            records.c.id != rid,
        )
    ).scalars()
    return [
        {"kind": "duplicate", "field": None, "base": None, "applied": rid, "losing": other}
        for other in others
    ]


def _finish(
    conn: Connection,
    caller: Caller,
    m: dict[str, Any],
    seq: int,
    found: list[dict[str, Any]],
    enterprise_id: str,
) -> tuple[dict[str, Any], int]:
    for c in found:
        conn.execute(
            insert(conflicts).values(
                seq=seq,
                kind=c["kind"],
                entity=m["entity"],
                record_id=m["record_id"],
                enterprise_id=enterprise_id,
                field=c["field"],
                base=c["base"],
                applied=c["applied"],
                losing=c["losing"],
                mutation_id=m["id"],
                client_id=caller.client_id,
            )
        )
    status = "conflict" if found else "applied"
    return {
        "id": m["id"],
        "status": status,
        "seq": seq,
        "conflicts": [{"kind": c["kind"], "field": c["field"]} for c in found],
    }, seq
