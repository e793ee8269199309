"""The five invariants of design.md §3, checked after the dust settles."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from liaison_app.models.sync_tables import BaseCopy, OutboxEntry
from liaison_app.sync.apply import MODELS, SHAPES
from tests.sync.harness import Folder, SyncServer


def _data(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def server_records(server: SyncServer, ids: Iterable[str]) -> dict[str, tuple[Any, int, bool]]:
    ids = list(ids)
    out: dict[str, tuple[Any, int, bool]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        rows = server.query(
            f"SELECT id, data, version, deleted FROM records WHERE id IN ({marks})",
            **{f"i{n}": r for n, r in enumerate(chunk)},
        )
        out.update({r[0]: (_data(r[1]), int(r[2]), bool(r[3])) for r in rows})
    return out


def bases(folder: Folder) -> dict[str, BaseCopy]:
    with folder.store.db.reading() as s:
        return {b.record_id: b for b in s.scalars(select(BaseCopy))}


def outbox(folder: Folder) -> list[OutboxEntry]:
    with folder.store.db.reading() as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)))


def verify(folder: Folder) -> dict[str, Any]:
    """The server's per-entity count and checksum over this folder's scope."""
    import httpx

    engine = folder.store.sync.engine()
    with folder.store.db.reading() as s:
        from liaison_app.sync import state

        acct = state.account(s)
        assert acct is not None
        client_id, user = acct.client_id, acct.user
    tokens = engine.tokens.load(client_id, user)
    assert tokens is not None
    r = httpx.post(
        f"{folder.server.url}/v1/verify",
        headers={"Authorization": f"Bearer {tokens[0]}"},
        timeout=30,
    )
    if r.status_code == 401:  # the access token expired: a sync refreshes it
        folder.sync()
        tokens = engine.tokens.load(client_id, user)
        assert tokens is not None
        r = httpx.post(
            f"{folder.server.url}/v1/verify",
            headers={"Authorization": f"Bearer {tokens[0]}"},
            timeout=30,
        )
    assert r.status_code == 200, r.text
    return r.json()["entities"]


def local_checksums(folder: Folder) -> dict[str, Any]:
    import hashlib

    out: dict[str, Any] = {}
    for b in sorted(bases(folder).values(), key=lambda b: (b.entity, b.record_id)):
        entry = out.setdefault(b.entity, [0, hashlib.sha256()])
        entry[0] += 1
        entry[1].update(f"{b.record_id}:{b.version}:{int(bool(b.deleted))}\n".encode())
    return {k: {"count": v[0], "checksum": v[1].hexdigest()} for k, v in out.items()}


def check_equal_to_server(server: SyncServer, folder: Folder) -> None:
    """Invariant 1: the folder equals the server for its scope (bases, and visible rows)."""
    assert folder.store.sync.status().pending == 0, "changes are still waiting to be sent"
    assert local_checksums(folder) == verify(folder), "base copies differ from the scope"
    mine = bases(folder)
    theirs = server_records(server, mine)
    for rid, b in mine.items():
        data, version, deleted = theirs[rid]
        assert (b.data, b.version, b.deleted) == (data, version, deleted), rid
    # Visible rows = base copies, once nothing local is left on top (rejections aside).
    held = {e.record_id for e in outbox(folder) if e.state in ("rejected", "held")}
    with folder.store.db.reading() as s:
        for rid, b in mine.items():
            if rid in held or not b.materialized:
                continue
            row = s.get(MODELS[b.entity], rid)
            assert row is not None, f"{b.entity} {rid} has a base copy but no row"
            for name, convert in SHAPES[b.entity].synced.items():
                if name in b.data:
                    assert getattr(row, name) == convert(b.data[name]), (b.entity, rid, name)
            if hasattr(row, "deleted_at"):
                assert (row.deleted_at is not None) == b.deleted, (b.entity, rid, "deleted")


def check_every_mutation_reflected(server: SyncServer, folders: Iterable[Folder]) -> None:
    """Invariants 2 and 3: every mutation ever queued is on the server's ledger exactly once,
    with the result this folder recorded (applied, conflict or rejected)."""
    for folder in folders:
        sent = [e for e in outbox(folder) if e.state in ("sent", "rejected", "pending")]
        assert all(e.state != "pending" for e in sent), "a change was never sent"
        remote = [e for e in sent if (e.result or {}).get("status") != "held"]
        ids = [e.mutation_id for e in remote if e.client_id is not None]
        ledger: dict[str, Any] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ", ".join(f":i{n}" for n in range(len(chunk)))
            for mid, result in server.query(
                f"SELECT mutation_id, result FROM mutation_ledger WHERE mutation_id IN ({marks})",
                **{f"i{n}": r for n, r in enumerate(chunk)},
            ):
                assert mid not in ledger
                ledger[mid] = _data(result)
        for e in remote:
            if e.client_id is None or (e.result or {}).get("status") is None:
                continue
            if e.result.get("reason", "").startswith("the server holds another change"):
                continue
            assert e.mutation_id in ledger, f"{e.op} {e.entity} {e.record_id} is not on the server"
            assert ledger[e.mutation_id]["status"] == e.result["status"], e.mutation_id
