"""The outbox and the sent log: batches within the server's caps, numbering, results.

A mutation gets its sequence number when it is first put in a batch, and the number is stored
before the batch is sent: a resend after a lost answer carries the same numbers (the server
replays), and a change held back as too large never leaves a gap. Acknowledged mutations stay
90 days as the sent log, so a server restored from an older copy can be given them again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

from liaison_app.models import bulk
from liaison_app.models.base import utcnow
from liaison_app.models.sync_tables import OutboxEntry, SyncAccount, SyncConflict
from liaison_app.sync.protocol import MAX_PUSH, MAX_PUSH_BYTES

SENT_LOG_DAYS = 90
# Room for {"mutations": [...]} and the separators around each mutation.
ENVELOPE = 64
LIVE = ("pending", "held", "rejected")  # changes whose values the visible rows still show


def to_wire(entry: OutboxEntry) -> dict[str, Any]:
    """The mutation as the server reads it (docs/sync-protocol.md)."""
    out: dict[str, Any] = {
        "id": entry.mutation_id,
        "seq": entry.seq,
        "entity": entry.entity,
        "record_id": entry.record_id,
        "op": entry.op,
    }
    if entry.enterprise_id:
        out["enterprise_id"] = entry.enterprise_id
    out.update(entry.body)
    return out


def encoded_size(entry: OutboxEntry) -> int:
    return len(orjson.dumps(to_wire(entry))) + 2


@dataclass
class Batch:
    entries: list[OutboxEntry] = field(default_factory=list)
    held: list[OutboxEntry] = field(default_factory=list)  # too large for any push


def next_batch(
    s: Session, acct: SyncAccount, max_count: int = MAX_PUSH, max_bytes: int = MAX_PUSH_BYTES
) -> Batch:
    """The oldest pending mutations of this client that fit one push; numbers them."""
    rows = s.scalars(
        select(OutboxEntry)
        .where(OutboxEntry.state == "pending", OutboxEntry.client_id == acct.client_id)
        .order_by(OutboxEntry.id)
        .limit(max_count)
    ).all()
    batch = Batch()
    budget = max_bytes - ENVELOPE
    for entry in rows:
        # A mutation not numbered yet is sized as if it were (a number is at most 20 bytes).
        size = encoded_size(entry) + (20 if entry.seq is None else 0)
        if size > max_bytes - ENVELOPE:
            entry.state = "held"
            entry.seq = None
            entry.result = {
                "status": "held",
                "reason": f"this change is {size:,} bytes of JSON, more than one push may "
                f"carry ({max_bytes:,}); shorten the texts and save again",
            }
            batch.held.append(entry)
            continue
        if size > budget:
            break
        budget -= size
        batch.entries.append(entry)
    for entry in batch.entries:
        if entry.seq is None:
            acct.last_seq += 1
            entry.seq = acct.last_seq
    s.flush()
    return batch


def renumber(s: Session, acct: SyncAccount, first: int) -> int:
    """Number every pending mutation of this client again from ``first`` on, in order (the
    server holds other mutations below it); returns how many were renumbered."""
    rows = s.scalars(
        select(OutboxEntry)
        .where(OutboxEntry.state == "pending", OutboxEntry.client_id == acct.client_id)
        .where(OutboxEntry.seq.isnot(None))
        .order_by(OutboxEntry.id)
    ).all()
    # Two passes: clear first, since (client, seq) must stay unique on the server side only,
    # but a clean sequence here keeps the next batch contiguous.
    n = first - 1
    for entry in rows:
        n += 1
        entry.seq = n
    acct.last_seq = max(n, first - 1)
    s.flush()
    return len(rows)


def resend_after(s: Session, acct: SyncAccount, mark: int) -> int:
    """The server lost what came after ``mark`` (restored from an older copy): everything this
    client still has from beyond it goes out again, numbered after the mark."""
    rows = s.scalars(
        select(OutboxEntry)
        .where(
            OutboxEntry.client_id == acct.client_id,
            OutboxEntry.seq > mark,
            OutboxEntry.state.in_(("sent", "rejected", "pending")),
        )
        .order_by(OutboxEntry.id)
    ).all()
    n = mark
    for entry in rows:
        n += 1
        entry.seq = n
        if entry.state != "pending":
            entry.state = "pending"
            entry.result = None
            entry.server_seq = None
    acct.last_seq = n
    s.flush()
    return len(rows)


@dataclass
class Outcome:
    applied: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    conflicts: int = 0
    # Records the server left as they were (see ``left_alone``): their visible rows show the
    # base again, and no pull will come to replace them.
    unchanged: list[str] = field(default_factory=list)


def record_results(
    s: Session, entries: Sequence[OutboxEntry], results: Iterable[dict[str, Any]]
) -> Outcome:
    """Store the server's answer for each mutation of a push, in the same transaction."""
    by_id = {e.mutation_id: e for e in entries}
    now = utcnow()
    out = Outcome()
    for result in results:
        entry = by_id.get(str(result.get("id")))
        if entry is None:
            continue
        status = result.get("status")
        entry.result = result
        entry.sent_at = now
        seq = result.get("seq")
        entry.server_seq = seq if isinstance(seq, int) and seq >= 0 else None
        summary = {"id": entry.mutation_id, "entity": entry.entity, "record_id": entry.record_id}
        if status == "rejected":
            entry.state = "rejected"
            out.rejected.append(
                {
                    **summary,
                    "op": entry.op,
                    "reason": result.get("reason"),
                    "errors": result.get("errors") or [],
                }
            )
        else:
            entry.state = "sent"
            out.applied.append(summary)
            out.conflicts += len(result.get("conflicts") or ())
            if left_alone(entry):
                out.unchanged.append(entry.record_id)
        if entry.op == "resolve-conflict":
            conflict = s.get(SyncConflict, entry.body.get("conflict_id"))
            if conflict is not None and conflict.pending_mutation == entry.mutation_id:
                conflict.pending_mutation = None
                if status != "rejected" and conflict.resolved_at is None:
                    conflict.resolved_at = now
    s.flush()
    return out


def reject_locally(s: Session, entry: OutboxEntry, reason: str) -> None:
    """Refuse a mutation the server cannot take at all, without blocking the rest."""
    entry.state = "rejected"
    entry.result = {"status": "rejected", "reason": reason}
    entry.sent_at = utcnow()
    s.flush()


def prune_sent_log(s: Session, now: dt.datetime | None = None) -> int:
    cutoff = (now or utcnow()) - dt.timedelta(days=SENT_LOG_DAYS)
    done = s.execute(
        delete(OutboxEntry).where(
            OutboxEntry.state.in_(("sent", "discarded")), OutboxEntry.sent_at < cutoff
        )
    )
    return cast("CursorResult[Any]", done).rowcount or 0


def overlays(s: Session, record_ids: Sequence[str]) -> dict[str, list[OutboxEntry]]:
    """Local changes still shown on top of each record's base copy: unsent, held back or not
    accepted, and sent ones whose version no pulled base has reached yet (checked by the
    caller against the base version)."""
    out: dict[str, list[OutboxEntry]] = {}
    if record_ids:
        for row in s.scalars(_OVERLAYS, {"ids": bulk.ids(record_ids)}).all():
            out.setdefault(row.record_id, []).append(row)
    return out


_OVERLAYS = (
    select(OutboxEntry)
    .where(bulk.among(OutboxEntry.record_id), OutboxEntry.state != "discarded")
    .order_by(OutboxEntry.id)
)


def left_alone(entry: OutboxEntry) -> bool:
    """Whether the server kept this change in a conflict without applying any of it: an edit
    or a step that met a delete ("deleted"), a step from a status the problem no longer had
    ("lifecycle"). The record keeps its version then, so no pulled base would ever reach the
    acknowledging sequence. (A create under a deleted parent is applied: it is not this.)"""
    if entry.op == "create":
        return False
    met = (entry.result or {}).get("conflicts") or ()
    return any(isinstance(c, dict) and c.get("kind") in ("deleted", "lifecycle") for c in met)


def shown(entry: OutboxEntry, base_version: int) -> bool:
    """Whether a change still overlays a base copy of ``base_version``."""
    if entry.state in LIVE:
        return not (entry.state == "rejected" and entry.op == "resolve-conflict")
    if entry.state == "sent" and left_alone(entry):
        return False  # the conflict holds it; the row shows what the server kept
    return entry.state == "sent" and (entry.server_seq or 0) > base_version


def discard(s: Session, mutation_id: str) -> OutboxEntry | None:
    entry = s.scalar(select(OutboxEntry).where(OutboxEntry.mutation_id == mutation_id))
    if entry is None or entry.state not in ("rejected", "held"):
        return None
    entry.state = "discarded"
    entry.sent_at = utcnow()
    s.flush()
    return entry


def mark_pending_for(s: Session, client_id: str) -> None:
    """Unsent changes made under no sign-in become this client's (adoption)."""
    s.execute(
        update(OutboxEntry)
        .where(OutboxEntry.client_id.is_(None), OutboxEntry.state == "pending")
        .values(client_id=client_id)
    )
