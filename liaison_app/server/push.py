"""Push: apply a client's mutations exactly once, in its sequence order, merging field by field.

One push is one transaction: the touched records are locked in id order, every mutation is
decided in memory in sequence order (a later one sees an earlier one's effect), then the next
server sequence is taken last and all rows are written with it (stamp.py) — so commit order
equals sequence order and the global lock is held for the few statements of the write.

The pieces: wire.py checks shapes and types, access.py says who may write where, merge.py
decides (pure), transitions.py checks lifecycle steps, duplicates.py finds natural-key twins,
resolve.py settles conflicts, numbers.py gives problem numbers.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from liaison_app.errors import InputError, ValidationError
from liaison_app.server.access import Access
from liaison_app.server.audit import audit
from liaison_app.server.recorder import Recorder
from liaison_app.server.schema import clients, mutation_ledger
from liaison_app.server.sequence import PENDING, head, next_seq
from liaison_app.server.stamp import Writes, flush
from liaison_app.server.sync_types import Caller, SyncRefused
from liaison_app.server.wire import check_batch, check_mutation

__all__ = ["Caller", "SyncRefused", "head", "next_seq", "payload_hash", "push"]

log = logging.getLogger(__name__)
MAX_REASON = 500  # characters of a rejection's reason or message: never an echo of the input


def payload_hash(mutation: dict[str, Any]) -> str:
    """The hash of what a mutation means: its sequence number is transport, not content."""
    content = {k: v for k, v in mutation.items() if k != "seq"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def push(
    conn: Connection, caller: Caller, mutations: list[Any]
) -> tuple[dict[str, Any], SyncRefused | None]:
    """Apply a push inside the caller's write transaction (``engine.begin()``).

    Returns the answer and, when the batch stopped early, the refusal to raise once the
    transaction is over: the mutations before the refused one are committed. On PostgreSQL the
    commit happens here already (see ``stamp.flush``).
    """
    check_batch(mutations)
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
    now = flush(conn, batch.writes)  # on PostgreSQL this commits, with the stamp
    return {"results": results, "head": now}, refused


_DONE = (
    select(
        mutation_ledger,
        clients.c.user_id.label("owner_user"),
        clients.c.revoked_at.label("owner_revoked"),
    )
    .join(clients, clients.c.id == mutation_ledger.c.client_id)
    .where(mutation_ledger.c.mutation_id.in_(bindparam("ids", expanding=True)))
)
_CLIENT_LOCK = select(clients.c.id).where(clients.c.id == bindparam("client")).with_for_update()
_MARK = select(mutation_ledger.c.client_seq).where(
    mutation_ledger.c.client_id == bindparam("client")
)


def _rejection(m: dict[str, Any], exc: InputError) -> dict[str, Any]:
    result: dict[str, Any] = {"id": m["id"], "status": "rejected", "reason": str(exc)[:MAX_REASON]}
    if isinstance(exc, ValidationError):
        result["errors"] = [
            {"field": e.field[:60], "code": e.code[:40], "message": e.message[:MAX_REASON]}
            for e in exc.errors[:50]
        ]
    return result


class _Batch:
    """The decisions of one push, made in memory and written at flush."""

    def __init__(self, conn: Connection, caller: Caller, mutations: list[dict[str, Any]]) -> None:
        self.conn, self.caller = conn, caller
        if conn.dialect.name == "postgresql":
            # One push at a time per client: a copy of this push sent again while the first is
            # still running (a retry after a lost answer) waits, then reads the first one's
            # ledger rows and answers as a replay.
            conn.execute(_CLIENT_LOCK, {"client": caller.client_id})
        self.access = Access(conn, caller, mutations)
        self.writes = Writes(self.access.rows)
        self.recorder = Recorder(conn, caller, self.access, self.writes)
        # Read under the locks: what an earlier copy of this push committed is seen here.
        ids = [m["id"] for m in mutations]
        self.done = {r.mutation_id: r for r in conn.execute(_DONE, {"ids": ids})}
        self.mark = self.access.mark
        self.in_batch: dict[str, tuple[str, dict[str, Any]]] = {}

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
            if owner != self.caller.client_id and self._adopts(earlier, digest):
                return self._adopt(m, earlier)
            if stored_hash != digest or owner != self.caller.client_id:
                raise SyncRefused(
                    "mutation_reused", f"mutation {m['id']} was sent before with other content"
                )
            replay = {**stored, "replayed": True}
            if earlier is not None and replay.get("seq") == PENDING:
                replay["seq"] = earlier.seq
            return replay
        self._check_number(m)
        self.mark = m["seq"]
        try:
            check_mutation(m)
            result = self.recorder.decide(m)
        except InputError as exc:
            result = _rejection(m, exc)
        except Exception:  # noqa: BLE001 - one mutation's surprise never fails the batch
            log.exception("push: mutation %s could not be decided", m["id"])
            result = _rejection(m, InputError("the server could not apply this change"))
        self.in_batch[m["id"]] = (digest, result)
        self.writes.ledger.append(
            {
                "mutation_id": m["id"],
                "client_id": self.caller.client_id,
                "client_seq": m["seq"],
                "payload_hash": digest,
                "result": result,
            }
        )
        return result

    def _check_number(self, m: dict[str, Any]) -> None:
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

    def _adopts(self, earlier: Any, digest: str) -> bool:
        """A mutation the server applied for this user's revoked registration of the folder
        (its answer lost), sent again by the folder registered anew: the same change."""
        return (
            earlier.payload_hash == digest
            and earlier.owner_user == self.caller.user_id
            and earlier.owner_revoked is not None
        )

    def _adopt(self, m: dict[str, Any], earlier: Any) -> dict[str, Any]:
        """Answer it as a replay, and let it take its number in the new client's sequence
        (its ledger row moves over), so the mutations after it follow without a gap."""
        self._check_number(m)
        self.conn.execute(
            update(mutation_ledger)
            .where(mutation_ledger.c.mutation_id == m["id"])
            .values(client_id=self.caller.client_id, client_seq=m["seq"])
        )
        self.mark = m["seq"]
        replay = {**earlier.result, "replayed": True}
        if replay.get("seq") == PENDING:
            replay["seq"] = earlier.seq
        return replay
