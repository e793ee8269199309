"""Conflicts to resolve, per-scope verification, and figures across all officers."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from liaison_app.domain.figures import Figures
from liaison_app.domain.labels import SATISFIED_GRADES
from liaison_app.domain.lifecycle import OPEN_STATUSES, RESOLVED_STATUSES
from liaison_app.errors import LiaisonError, NotFoundError
from liaison_app.server.audit import audit, utcnow
from liaison_app.server.db import reading
from liaison_app.server.pull import conflict_scope, scope_filter
from liaison_app.server.schema import conflicts, records
from liaison_app.server.sequence import head, next_seq
from liaison_app.server.sync_types import Caller
from liaison_app.server.wire import MAX_CONFLICT_ID


class Forbidden(LiaisonError):
    """The record exists but is outside the caller's scope (HTTP 403, no data)."""

    code = "forbidden"


def list_conflicts(
    engine: Engine, caller: Caller, include_resolved: bool = False
) -> list[dict[str, Any]]:
    q = select(conflicts).where(conflict_scope(caller)).order_by(conflicts.c.id)
    if not include_resolved:
        q = q.where(conflicts.c.resolved_at.is_(None))
    with reading(engine) as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def resolve_conflict(
    engine: Engine, caller: Caller, conflict_id: int, note: str | None
) -> dict[str, Any]:
    """Mark a conflict settled (the person has merged or re-entered what was needed): the same
    as a pushed ``resolve-conflict`` with ``dismiss``, so pulls carry it to everyone."""
    if not 1 <= conflict_id <= MAX_CONFLICT_ID:
        raise NotFoundError("conflict", str(conflict_id))
    with engine.begin() as conn:
        # Out of scope answers exactly as unknown: no existence oracle.
        row = conn.execute(
            select(conflicts)
            .where(conflicts.c.id == conflict_id, conflict_scope(caller))
            .with_for_update(of=conflicts)
        ).first()
        if row is None:
            raise NotFoundError("conflict", str(conflict_id))
        if row.resolved_at is None:
            conn.execute(
                update(conflicts)
                .where(conflicts.c.id == conflict_id)
                .values(
                    resolved_at=utcnow(),
                    resolved_by=caller.author,
                    resolution={"resolution": "dismiss", "value": None},
                    resolved_seq=next_seq(conn),
                )
            )
            audit(conn, caller.user, "conflict.resolve", conflict=conflict_id, note=note or "")
        out = dict(
            conn.execute(select(conflicts).where(conflicts.c.id == conflict_id)).mappings().one()
        )
    return out


def verify(engine: Engine, caller: Caller) -> dict[str, Any]:
    """Counts and a checksum of (id, version, deleted) over the caller's scope, per entity.

    A client computes the same over its base copies; a difference means a resync is due.
    """
    out: dict[str, Any] = {}
    with reading(engine) as conn:
        rows = conn.execute(
            select(records.c.entity, records.c.id, records.c.version, records.c.deleted)
            .where(scope_filter(caller))
            .order_by(records.c.entity, records.c.id)
        )
        digests: dict[str, Any] = {}
        for entity, rid, version, deleted in rows:
            entry = digests.setdefault(entity, [0, hashlib.sha256()])
            entry[0] += 1
            entry[1].update(f"{rid}:{version}:{int(bool(deleted))}\n".encode())
        for entity, (count, digest) in digests.items():
            out[entity] = {"count": count, "checksum": digest.hexdigest()}
        return {"entities": out, "head": head(conn)}


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def figures(engine: Engine, today: dt.date | None = None) -> Figures:
    """Received, resolved and companions over every problem on the server.

    Robust to whatever is stored: a value of the wrong type (legacy data, written before
    transitions were validated) counts as absent, never as a crash.
    """
    today_iso = (today or utcnow().date()).isoformat()
    counts: Counter[str] = Counter()
    with reading(engine) as conn:
        for (data,) in conn.execute(
            select(records.c.data).where(
                records.c.entity == "problem", records.c.deleted.is_(False)
            )
        ):
            if not isinstance(data, dict):
                data = {}
            status, deadline = _text(data, "status"), _text(data, "deadline")
            counts["received"] += 1
            if status in RESOLVED_STATUSES:
                counts["resolved"] += 1
                if not deadline or (_text(data, "resolved_on") or "") <= deadline:
                    counts["resolved_on_time"] += 1
            if status in OPEN_STATUSES and deadline and deadline < today_iso:
                counts["overdue"] += 1
            if status in ("called_back", "closed"):
                counts["called_back"] += 1
            grade = _text(data, "satisfaction")
            if grade:
                counts["rated"] += 1
                counts["satisfied"] += grade in SATISFIED_GRADES
    return Figures(
        key=None,
        received=counts["received"],
        resolved=counts["resolved"],
        resolved_on_time=counts["resolved_on_time"],
        overdue=counts["overdue"],
        called_back=counts["called_back"],
        rated=counts["rated"],
        satisfied=counts["satisfied"],
    )
