"""Conflicts to resolve, per-scope verification, and figures across all officers."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from liaison_app.domain.figures import Figures
from liaison_app.domain.labels import SATISFIED_GRADES
from liaison_app.domain.lifecycle import OPEN_STATUSES, RESOLVED_STATUSES
from liaison_app.errors import LiaisonError, NotFoundError
from liaison_app.server.accounts import audit, utcnow
from liaison_app.server.db import reading
from liaison_app.server.pull import scope_filter
from liaison_app.server.push import Caller, head
from liaison_app.server.schema import conflicts, records


class Forbidden(LiaisonError):
    """The record exists but is outside the caller's scope (HTTP 403, no data)."""

    code = "forbidden"


def list_conflicts(
    engine: Engine, caller: Caller, include_resolved: bool = False
) -> list[dict[str, Any]]:
    q = (
        select(conflicts)
        .where(scope_filter(caller, conflicts.c.enterprise_id))
        .order_by(conflicts.c.id)
    )
    if not include_resolved:
        q = q.where(conflicts.c.resolved_at.is_(None))
    with reading(engine) as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def resolve_conflict(
    engine: Engine, caller: Caller, conflict_id: int, note: str | None
) -> dict[str, Any]:
    """Mark a conflict settled (the person has merged or re-entered what was needed)."""
    with engine.begin() as conn:
        row = conn.execute(select(conflicts).where(conflicts.c.id == conflict_id)).first()
        if row is None:
            raise NotFoundError("conflict", str(conflict_id))
        visible = conn.execute(
            select(conflicts.c.id).where(
                conflicts.c.id == conflict_id, scope_filter(caller, conflicts.c.enterprise_id)
            )
        ).first()
        if visible is None:
            raise Forbidden("this conflict belongs to an enterprise outside your scope")
        if row.resolved_at is None:
            conn.execute(
                update(conflicts).where(conflicts.c.id == conflict_id).values(resolved_at=utcnow())
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


def figures(engine: Engine, today: dt.date | None = None) -> Figures:
    """Received, resolved and companions over every problem on the server."""
    today = (today or utcnow().date()).isoformat()
    counts = dict(
        received=0, resolved=0, resolved_on_time=0, overdue=0, called_back=0, rated=0, satisfied=0
    )
    with reading(engine) as conn:
        for (data,) in conn.execute(
            select(records.c.data).where(
                records.c.entity == "problem", records.c.deleted.is_(False)
            )
        ):
            status, deadline = data.get("status"), data.get("deadline")
            counts["received"] += 1
            if status in RESOLVED_STATUSES:
                counts["resolved"] += 1
                if not deadline or (data.get("resolved_on") or "") <= deadline:
                    counts["resolved_on_time"] += 1
            if status in OPEN_STATUSES and deadline and deadline < today:
                counts["overdue"] += 1
            if status in ("called_back", "closed"):
                counts["called_back"] += 1
            if data.get("satisfaction"):
                counts["rated"] += 1
                counts["satisfied"] += data["satisfaction"] in SATISFIED_GRADES
    return Figures(key=None, **counts)
