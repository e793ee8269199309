"""The five invariants of design.md §3, checked after the dust settles."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
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
    here, there = local_checksums(folder), verify(folder)
    assert here == there, f"base copies differ from the scope: here {here}, server {there}"
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


# ---- the randomized proof (tests/sync/test_stateful.py, bench/sync_soak.py) -----------------
#
# The checks above look at one folder or at the ledger's bookkeeping; the ones below take what
# a whole run did — every mutation ever seen in an outbox, every admin step with its sequence —
# and check the five invariants of design.md §3 against it, the fourth by replaying the
# ledger into a fresh server database.


@dataclass(frozen=True)
class Sent:
    """One mutation as it was committed to a folder's outbox (the wire form, without seq)."""

    folder: int
    client_id: str | None
    wire: dict[str, Any]
    state: str
    result: dict[str, Any] | None


@dataclass(frozen=True)
class ScopeEvent:
    """An administrator's assign / unassign, with the server sequence it took."""

    seq: int
    kind: str  # assign | unassign
    enterprise_id: str
    user: str


def _in(server: SyncServer, sql: str, values: Iterable[Any], **params: Any) -> list[Any]:
    """``sql`` with ``IN (:in)`` run over ``values`` in chunks."""
    values = sorted(set(values))
    out: list[Any] = []
    for i in range(0, len(values), 400):
        chunk = values[i : i + 400]
        marks = ", ".join(f":v{n}" for n in range(len(chunk)))
        out += server.query(
            sql.replace(":in", marks), **params, **{f"v{n}": v for n, v in enumerate(chunk)}
        )
    return out


def ledger_rows(server: SyncServer, client_ids: Iterable[str]) -> list[Any]:
    return _in(
        server,
        "SELECT mutation_id, client_id, client_seq, seq, payload_hash, result "
        "FROM mutation_ledger WHERE client_id IN (:in) ORDER BY client_id, client_seq",
        client_ids,
    )


def example_records(server: SyncServer, enterprises: Iterable[str]) -> dict[str, Any]:
    rows = _in(
        server,
        "SELECT id, entity, enterprise_id, data, field_meta, version, deleted "
        "FROM records WHERE enterprise_id IN (:in)",
        enterprises,
    )
    return {
        r[0]: {
            "entity": r[1],
            "enterprise_id": r[2],
            "data": _data(r[3]),
            "field_meta": _data(r[4]),
            "version": int(r[5]),
            "deleted": bool(r[6]),
        }
        for r in rows
    }


_CONFLICT_COLUMNS = (
    "id, kind, entity, record_id, enterprise_id, field, base, applied, losing, mutation_id, "
    "client_id, losing_client_id, other_enterprise_id, seq, resolved_seq, resolution, resolved_at"
)


def example_conflicts(server: SyncServer, enterprises: Iterable[str]) -> list[dict[str, Any]]:
    rows = _in(
        server,
        f"SELECT {_CONFLICT_COLUMNS} FROM conflicts WHERE enterprise_id IN (:in) ORDER BY id",
        enterprises,
    )
    names = [c.strip() for c in _CONFLICT_COLUMNS.split(",")]
    out = []
    for r in rows:
        row = dict(zip(names, r, strict=True))
        if server.db_url.startswith("sqlite"):  # PostgreSQL's driver decodes JSON already
            for k in ("base", "applied", "losing", "resolution"):
                row[k] = _data(row[k])
        out.append(row)
    return out


def check_conflicts_agree(server: SyncServer, folder: Folder, client_id: str) -> None:
    """Part of invariant 1: every conflict this folder holds is open or resolved as on the
    server, and every open conflict this client is a party to (in its scope) is shown here."""
    from liaison_app.models.sync_tables import SyncConflict

    with folder.store.db.reading() as s:
        local = {c.id: c for c in s.scalars(select(SyncConflict))}
        scope = {
            b.record_id for b in s.scalars(select(BaseCopy).where(BaseCopy.entity == "enterprise"))
        }
    assert all(c.pending_mutation is None for c in local.values()), "a resolution was never sent"
    rows = {
        r[0]: r
        for r in _in(server, "SELECT id, resolved_at FROM conflicts WHERE id IN (:in)", local)
    }
    for cid, c in local.items():
        assert cid in rows, f"conflict {cid} is not on the server"
        assert (c.resolved_at is None) == (rows[cid][1] is None), (
            f"conflict {cid}: open here {c.resolved_at is None}, on the server "
            f"{rows[cid][1] is None}"
        )
    parties = server.query(
        "SELECT id, enterprise_id, other_enterprise_id FROM conflicts WHERE resolved_at IS NULL "
        "AND (client_id = :c OR losing_client_id = :c)",
        c=client_id,
    )
    for cid, enterprise, other in parties:
        if enterprise in scope and (other is None or other in scope):
            assert cid in local, f"open conflict {cid} of this client is not shown here"


def check_files_arrived(folder: Folder) -> None:
    """Part of invariant 1: every attachment this folder shows has its file here."""
    from liaison_app.models.entities import Attachment

    with folder.store.db.reading() as s:
        live = list(s.scalars(select(Attachment).where(Attachment.deleted_at.is_(None))))
    blobs = folder.store.attachments.blobs
    missing = [a.id for a in live if not blobs.has(a.sha256)]
    assert not missing, f"attachments without their file: {missing}"


def check_reflected(
    server: SyncServer, sent: dict[str, Sent], enterprises: set[str], ledger: list[Any]
) -> None:
    """Invariant 2: every mutation ever committed to an outbox is on the server (applied, or
    in a conflict), or refused with a reason the folder keeps."""
    by_id = {r[0]: r for r in ledger}
    with_conflicts = {
        r[0]
        for r in _in(server, "SELECT mutation_id FROM conflicts WHERE mutation_id IN (:in)", by_id)
    }
    records = example_records(server, enterprises)
    for mid, m in sent.items():
        what = f"{m.wire['op']} {m.wire['entity']} {m.wire['record_id']} ({mid})"
        assert m.state in ("sent", "rejected", "held", "discarded"), f"{what} is {m.state}"
        status = (m.result or {}).get("status")
        row = by_id.get(mid)
        if m.state == "sent":
            assert row is not None, f"{what} was acknowledged but is not on the server's ledger"
            assert status in ("applied", "conflict"), what
            assert _data(row[5])["status"] == status, f"{what}: the folder and the ledger differ"
            if status == "conflict":
                assert mid in with_conflicts, f"{what}: the conflict it met is not recorded"
            if m.wire["op"] == "create":
                assert m.wire["record_id"] in records, f"{what}: the record is not on the server"
        elif m.state == "discarded":
            assert status in ("rejected", "held"), f"{what} was discarded without being refused"
        elif row is not None:  # rejected by the server: the ledger says so too
            assert _data(row[5])["status"] == "rejected", f"{what}: refused here, not there"
        else:  # refused before it reached the ledger: too large (held), or a 400/413
            assert (m.result or {}).get("reason"), f"{what} was refused without a reason"
            assert "another change" not in m.result.get("reason", ""), f"{what}: id reused"


def check_exactly_once(
    server: SyncServer, sent: dict[str, Sent], enterprises: set[str], ledger: list[Any]
) -> None:
    """Invariant 3: each mutation took effect once — one ledger row per mutation and per
    client sequence, and no record the clients did not create (one action per create)."""
    ids = [r[0] for r in ledger]
    assert len(ids) == len(set(ids)), "a mutation is on the ledger twice"
    numbers = [(r[1], int(r[2])) for r in ledger]
    assert len(numbers) == len(set(numbers)), "a client sequence number was used twice"
    created = {
        m.wire["record_id"]: m.wire["entity"]
        for m in sent.values()
        if m.wire["op"] == "create" and m.state == "sent"
    }
    records = example_records(server, enterprises)
    strays = sorted(set(records) - {m.wire["record_id"] for m in sent.values()})
    assert not strays, f"records on the server that no folder created: {strays}"
    for rid, entity in created.items():
        assert records[rid]["entity"] == entity, rid
    # Follow-up actions are append-only: one per create, however often it was sent.
    per_problem: dict[str, set[str]] = {}
    for rid, r in records.items():
        if r["entity"] == "action":
            per_problem.setdefault(r["data"]["problem_id"], set()).add(rid)
    expected: dict[str, set[str]] = {}
    for m in sent.values():
        if m.wire["entity"] == "action" and m.wire["op"] == "create" and m.state == "sent":
            expected.setdefault(m.wire["fields"]["problem_id"], set()).add(m.wire["record_id"])
    assert per_problem == expected, "follow-up actions on the server differ from those created"
    problem_numbers = [
        r["data"].get("number") for r in records.values() if r["entity"] == "problem"
    ]
    assert all(problem_numbers), "a problem on the server has no number"
    assert len(problem_numbers) == len(set(problem_numbers)), "two problems share a number"


class MonotonicReads:
    """Invariant 5: no folder shows an older version of a record than one it already showed
    (base copies, read after every sync); waived across a sync that detected a restore."""

    def __init__(self) -> None:
        self.shown: dict[int, dict[str, int]] = {}
        self.violations: list[str] = []

    def observe(self, key: int, folder: Folder, restored: bool = False) -> None:
        now = {rid: int(b.version) for rid, b in bases(folder).items()}
        seen = self.shown.setdefault(key, {})
        if restored:
            seen.clear()
        for rid, version in now.items():
            before = seen.get(rid)
            if before is not None and version < before:
                self.violations.append(f"folder {key}: {rid} went back from {before} to {version}")
            seen[rid] = max(version, before or 0)


# ---- invariant 4: the server equals a replay of its ledger ----------------------------------


def check_replay(
    server: SyncServer,
    *,
    template: Any,
    workdir: Any,
    users: dict[str, tuple[str, str | None]],
    client_users: dict[str, str],
    sent: dict[str, Sent],
    events: list[ScopeEvent],
    enterprises: set[str],
    ledger: list[Any],
) -> dict[str, int]:
    """Replay every mutation the server applied, in its sequence order, into a fresh server
    database (the same ``push`` the server runs), with the administrators' scope changes at
    their sequences, and compare the example's records and conflicts.

    The ledger has no payloads: they come from the folders' outboxes (the payload hash proves
    each is what was sent). Rejections and stand-alone no-ops changed nothing and took no
    sequence, so they are not replayed. Before each group the replay's sequence is set to the
    group's sequence less one, and the problem-number counters to the numbers it was given,
    so versions, field metadata and numbers must come out identical. Conflict ids differ
    between the two databases: resolutions are mapped by the mutation that made the conflict.
    """
    import shutil
    from collections import defaultdict

    from sqlalchemy import insert, update

    from liaison_app.server import scopes
    from liaison_app.server.db import make_engine
    from liaison_app.server.push import payload_hash, push
    from liaison_app.server.schema import clients, problem_numbers, server_sequence
    from liaison_app.server.schema import users as users_table
    from liaison_app.server.sync_types import Caller

    path = workdir / "replay.sqlite3"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite+pysqlite:///{path}")
    try:
        registered = {
            r[0]: _when(r[1])
            for r in _in(
                server, "SELECT id, created_at FROM clients WHERE id IN (:in)", client_users
            )
        }
        user_ids: dict[str, int] = {}
        with engine.begin() as conn:
            for name, (role, district) in users.items():
                user_ids[name] = conn.execute(
                    insert(users_table)
                    .values(
                        name=name,
                        role=role,
                        district=district,
                        display_name=name,
                        password_hash="-",
                        disabled=False,
                        created_at=min(registered.values(), default=None) or _now(),
                    )
                    .returning(users_table.c.id)
                ).scalar_one()
            for client, name in client_users.items():
                when = registered.get(client) or _now()
                conn.execute(
                    insert(clients).values(
                        id=client, user_id=user_ids[name], created_at=when, last_seen=when
                    )
                )
        callers = {
            client: Caller(
                user_ids[name], name, users[name][0], users[name][1], client, display_name=name
            )
            for client, name in client_users.items()
        }
        groups: dict[int, list[Any]] = defaultdict(list)
        for row in ledger:
            if row[3] is not None:
                groups[int(row[3])].append(row)
        steps: list[tuple[int, str, Any]] = [(seq, "push", rows) for seq, rows in groups.items()]
        steps += [(e.seq, e.kind, e) for e in events]
        seqs = [s[0] for s in steps]
        assert len(seqs) == len(set(seqs)), "two writes share a server sequence"
        replay_seq: dict[str, int] = defaultdict(int)
        conflict_map: dict[int, int] = {}
        real_conflicts = example_conflicts(server, enterprises)
        replayed = 0
        for seq, kind, item in sorted(steps, key=lambda s: s[0]):
            with engine.begin() as conn:
                conn.execute(update(server_sequence).values(value=seq - 1))
            if kind == "assign":
                got = scopes.assign_enterprise(engine, item.enterprise_id, item.user)
                assert got == seq, f"replayed assignment took {got}, not {seq}"
                continue
            if kind == "unassign":
                got = scopes.unassign_enterprise(engine, item.enterprise_id, item.user)
                assert got == seq, f"replayed withdrawal took {got}, not {seq}"
                continue
            rows = sorted(item, key=lambda r: int(r[2]))
            client = rows[0][1]
            assert all(r[1] == client for r in rows), f"seq {seq} holds two clients' pushes"
            mutations = []
            for r in rows:
                m = sent.get(r[0])
                assert m is not None, f"the ledger holds {r[0]}, which no outbox ever had"
                assert payload_hash(m.wire) == r[4], f"{r[0]} was sent with another payload"
                wire = dict(m.wire)
                if wire["op"] == "resolve-conflict":
                    wire["conflict_id"] = conflict_map.get(wire["conflict_id"], 10**9)
                replay_seq[client] += 1
                mutations.append({**wire, "seq": replay_seq[client]})
            with engine.begin() as conn:
                _align_numbers(conn, problem_numbers, [_data(r[5]) for r in rows])
                answer, refused = push(conn, callers[client], mutations)
            assert refused is None, f"the replay refused seq {seq}: {refused}"
            assert answer["head"] == seq, f"the replay of seq {seq} took {answer['head']}"
            for r, result in zip(rows, answer["results"], strict=True):
                real = _data(r[5])
                assert result["status"] == real["status"], (r[0], result, real)
                assert result.get("number") == real.get("number"), (r[0], result, real)
                assert sorted(map(str, result.get("conflicts") or [])) == sorted(
                    map(str, real.get("conflicts") or [])
                ), (r[0], result, real)
            replayed += len(rows)
            _map_conflicts(engine, real_conflicts, conflict_map, seq)
        mine = example_records(server, enterprises)
        theirs = _records_of(engine, enterprises)
        assert set(mine) == set(theirs), (
            f"records only on the server: {sorted(set(mine) - set(theirs))}; "
            f"only in the replay: {sorted(set(theirs) - set(mine))}"
        )
        for rid, row in mine.items():
            assert row == theirs[rid], f"{row['entity']} {rid}: server {row} ≠ replay {theirs[rid]}"
        _compare_conflicts(real_conflicts, _conflicts_of(engine, enterprises), conflict_map)
        return {"replayed": replayed, "groups": len(groups), "events": len(events)}
    finally:
        engine.dispose()


def _when(value: Any) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _align_numbers(conn: Any, table: Any, results: list[dict[str, Any]]) -> None:
    """Set the replay's problem-number counters so this push gives the numbers it gave."""
    from sqlalchemy.dialects.sqlite import insert

    first: dict[tuple[str, int], int] = {}
    for result in results:
        number = result.get("number")
        if isinstance(number, str):
            city, year, n = number.rsplit("-", 2)
            key = (city, int(year))
            first[key] = min(first.get(key, int(n)), int(n))
    for (city, year), n in first.items():
        stmt = insert(table).values(city=city, year=year, last=n - 1)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["city", "year"], set_={"last": n - 1})
        )


def _records_of(engine: Any, enterprises: set[str]) -> dict[str, Any]:
    from sqlalchemy import select as sql_select

    from liaison_app.server.schema import records

    out = {}
    with engine.connect() as conn:
        for r in conn.execute(
            sql_select(records).where(records.c.enterprise_id.in_(sorted(enterprises)))
        ):
            out[r.id] = {
                "entity": r.entity,
                "enterprise_id": r.enterprise_id,
                "data": _data(r.data),
                "field_meta": _data(r.field_meta),
                "version": int(r.version),
                "deleted": bool(r.deleted),
            }
    return out


def _conflicts_of(engine: Any, enterprises: set[str]) -> list[dict[str, Any]]:
    from sqlalchemy import select as sql_select

    from liaison_app.server.schema import conflicts

    with engine.connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                sql_select(conflicts)
                .where(conflicts.c.enterprise_id.in_(sorted(enterprises)))
                .order_by(conflicts.c.id)
            )
        ]  # fmt: skip


def _conflict_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["mutation_id"], c["kind"], c["field"], c["record_id"], c["other_enterprise_id"])


def _map_conflicts(
    engine: Any, real: list[dict[str, Any]], mapping: dict[int, int], seq: int
) -> None:
    """Real conflict id → replay conflict id, for the conflicts this sequence made."""
    from sqlalchemy import select as sql_select

    from liaison_app.server.schema import conflicts

    made = [c for c in real if int(c["seq"]) == seq]
    if not made:
        return
    with engine.connect() as conn:
        rows = conn.execute(sql_select(conflicts).where(conflicts.c.seq == seq)).all()
    replayed = {_conflict_key(dict(r._mapping)): r.id for r in rows}
    for c in made:
        key = _conflict_key(c)
        assert key in replayed, f"conflict {c['id']} ({c['kind']}) was not made by the replay"
        mapping[c["id"]] = replayed[key]


_COMPARED = (
    "kind",
    "entity",
    "record_id",
    "enterprise_id",
    "field",
    "base",
    "applied",
    "losing",
    "mutation_id",
    "client_id",
    "losing_client_id",
    "other_enterprise_id",
    "seq",
    "resolved_seq",
    "resolution",
)


def _compare_conflicts(
    real: list[dict[str, Any]], replay: list[dict[str, Any]], mapping: dict[int, int]
) -> None:
    by_id = {c["id"]: c for c in replay}
    assert len(real) == len(replay), f"{len(real)} conflicts on the server, {len(replay)} replayed"
    for c in real:
        other = by_id.get(mapping.get(c["id"], -1))
        assert other is not None, f"conflict {c['id']} has no replayed twin"
        for k in _COMPARED:
            assert c[k] == other[k], f"conflict {c['id']}: {k} {c[k]!r} ≠ replay {other[k]!r}"
