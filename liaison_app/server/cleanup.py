"""Tombstones older than a horizon are removed; cursors older than it get 410 (design.md §3)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection, Engine

from liaison_app.server import meta
from liaison_app.server.audit import audit, utcnow
from liaison_app.server.schema import records, sequence_tags


def horizon(conn: Connection) -> int:
    return int(meta.read(conn, meta.HORIZON) or 0)


def clean_tombstones(
    engine: Engine, older_than: dt.timedelta, actor: str = "admin-cli"
) -> dict[str, int]:
    """Delete records deleted before ``now - older_than`` and raise the horizon to there."""
    cutoff = utcnow() - older_than
    with engine.begin() as conn:
        new_horizon = (
            conn.execute(
                select(func.max(sequence_tags.c.seq)).where(sequence_tags.c.at <= cutoff)
            ).scalar()
            or 0
        )
        old = horizon(conn)
        if new_horizon <= old:
            return {"removed": 0, "horizon": old}
        removed = conn.execute(
            delete(records).where(records.c.deleted.is_(True), records.c.version <= new_horizon)
        ).rowcount
        meta.write(conn, meta.HORIZON, new_horizon)
        audit(conn, actor, "tombstones.clean", removed=removed, horizon=new_horizon)
    return {"removed": removed, "horizon": new_horizon}
