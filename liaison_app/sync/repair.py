"""After a full re-pull: what to do with the records the server did not send.

``sweep`` (the scope changed, or the cursor was older than the tombstone horizon): they left
this user's scope or were deleted and cleaned up on the server — drop them, unless something
local is pending for them. ``resurrect`` (the server went back in time): the server lost them
and the sent log no longer holds their creates — create them again from what this folder shows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from liaison_app.domain.lifecycle import lifecycle_state
from liaison_app.models import search_index
from liaison_app.models.sync_tables import BaseCopy, OutboxEntry
from liaison_app.sync.apply import MODELS, ORDER, Applier
from liaison_app.sync.capture import capture, wire
from liaison_app.sync.protocol import SYNCED_FIELDS

_BUSY = ("pending", "held", "rejected")


def _busy(s: Session, record_id: str) -> bool:
    return (
        s.scalar(
            select(OutboxEntry.id)
            .where(OutboxEntry.record_id == record_id, OutboxEntry.state.in_(_BUSY))
            .limit(1)
        )
        is not None
    )


def sweep(s: Session, applier: Applier) -> int:
    dropped = 0
    for enterprise in applier.unseen_enterprises():
        dropped += applier.drop_enterprise(enterprise)
    unseen = applier.unseen_records()
    for entity in reversed(ORDER):
        model = MODELS[entity]
        for base in (b for b in unseen if b.entity == entity):
            if _busy(s, base.record_id):
                continue
            search_index.remove(s, [base.record_id])
            s.execute(delete(model).where(model.id == base.record_id))
            s.execute(delete(BaseCopy).where(BaseCopy.record_id == base.record_id))
            dropped += 1
    return dropped


def _create_fields(entity: str, row: Any) -> dict[str, Any]:
    return {k: wire(getattr(row, k)) for k in SYNCED_FIELDS[entity] if hasattr(row, k)}


def resurrect(s: Session, applier: Applier) -> int:
    """Send again the creates of records the server lost beyond the sent log's reach."""
    unseen = [*(s.get(BaseCopy, e) for e in applier.unseen_enterprises())]
    unseen += applier.unseen_records()
    n = 0
    for entity in ORDER:
        model = MODELS[entity]
        for base in (b for b in unseen if b is not None and b.entity == entity):
            row = s.get(model, base.record_id)
            s.execute(delete(BaseCopy).where(BaseCopy.record_id == base.record_id))
            if row is None or getattr(row, "deleted_at", None) is not None:
                continue
            extra: dict[str, Any] = {}
            if entity == "problem":
                extra["lifecycle"] = lifecycle_state(row)
            enterprise_id = row.id if entity == "enterprise" else base.enterprise_id
            if hasattr(row, "sync_version"):
                row.sync_version = 0
            capture(
                s,
                entity,
                row.id,
                "create",
                fields=_create_fields(entity, row),
                enterprise_id=enterprise_id,
                **extra,
            )
            n += 1
    return n
