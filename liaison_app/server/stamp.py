"""Writing a push: records, ledger, conflicts and resolutions first, the sequence last.

Every row is written carrying PENDING; then the next server sequence is taken and stamped on
them in one statement. On PostgreSQL the stamp and the COMMIT go to the server in one pipeline:
the sequence row stays locked only while the server runs them, never while this process waits
for its turn on the GIL (which, under load, made every other push queue behind it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from liaison_app.server.audit import utcnow
from liaison_app.server.numbers import take_numbers
from liaison_app.server.schema import (
    clients,
    conflicts,
    mutation_ledger,
    record_moves,
    records,
    users,
)
from liaison_app.server.scopes import district_moves
from liaison_app.server.sequence import PENDING, head, next_seq

RECORD_COLUMNS = (
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
CONFLICT_COLUMNS = (
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
    "applied_by",
    "losing_client_id",
    "other_enterprise_id",
)


@dataclass
class Writes:
    """What one push decided, to write at flush."""

    rows: dict[str, dict[str, Any]]  # record id → the record as it will be
    new: set[str] = field(default_factory=set)
    dirty: set[str] = field(default_factory=set)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    resolutions: list[dict[str, Any]] = field(default_factory=list)  # conflict id + columns
    applied: list[dict[str, Any]] = field(default_factory=list)  # results whose seq is set here
    numbers: list[tuple[str, tuple[str, int], dict[str, Any]]] = field(default_factory=list)
    # (record, entity, enterprise before, enterprise now) of each record this push moved to
    # another enterprise (recorder._move): the scope column changes with it.
    relocations: list[tuple[str, str, str, str]] = field(default_factory=list)
    # Each enterprise's district as read, before this push: a change of it moves the firm
    # between supervisors' scopes (scopes.district_moves).
    districts: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.districts = {
            rid: r["district"] for rid, r in self.rows.items() if r["entity"] == "enterprise"
        }

    def moves(self) -> list[tuple[str, str | None, str | None]]:
        """(enterprise, district before, district now) of the enterprises this push moved;
        the district column follows the data whichever path changed it (an edit or a
        conflict resolved with a value)."""
        out = []
        for rid in sorted(self.dirty):
            row = self.rows[rid]
            if row["entity"] != "enterprise" or not isinstance(row["data"], dict):
                continue
            row["district"] = row["data"].get("district_code")
            before = self.districts.get(rid)
            if row["district"] != before:
                out.append((rid, before, row["district"]))
        return out


_UPDATE_RECORD = (
    update(records)
    .where(records.c.id == bindparam("rid"))
    .values(
        data=bindparam("data"),
        field_meta=bindparam("field_meta"),
        deleted=bindparam("deleted"),
        district=bindparam("district"),
        enterprise_id=bindparam("enterprise_id"),
        natural_key=bindparam("natural_key"),
        blob_sha256=bindparam("blob_sha256"),
    )
)
_RESOLVE = (
    update(conflicts)
    .where(conflicts.c.id == bindparam("cid"))
    .values(
        resolved_at=bindparam("resolved_at"),
        resolved_by=bindparam("resolved_by"),
        resolution=bindparam("resolution"),
        resolved_seq=PENDING,
    )
)


def _names(conn: Connection, found: list[dict[str, Any]]) -> None:
    """Fill each conflict's losing_by: the display name of who wrote the losing side."""
    client_ids = {c["losing_client_id"] for c in found if c.get("losing_client_id")}
    user_ids = {c["losing_user_id"] for c in found if c.get("losing_user_id") is not None}
    by_client: dict[str, str] = {}
    by_user: dict[int, str] = {}
    if client_ids:
        q = (
            select(clients.c.id, users.c.display_name, users.c.name)
            .join(users, users.c.id == clients.c.user_id)
            .where(clients.c.id.in_(sorted(client_ids)))
        )
        by_client = {r.id: r.display_name or r.name for r in conn.execute(q)}
    if user_ids:
        q = select(users.c.id, users.c.display_name, users.c.name).where(
            users.c.id.in_(sorted(user_ids))
        )
        by_user = {r.id: r.display_name or r.name for r in conn.execute(q)}
    for c in found:
        c["losing_by"] = by_client.get(c.get("losing_client_id") or "") or by_user.get(
            c.get("losing_user_id") or -1
        )


def flush(conn: Connection, w: Writes) -> int:
    """Write everything, then take the sequence last and stamp it; returns the head."""
    if w.numbers:
        given = take_numbers(conn, [(rid, key) for rid, key, _ in w.numbers])
        for rid, _key, result in w.numbers:
            w.rows[rid]["data"]["number"] = result["number"] = given[rid]
    changed = sorted(w.new | w.dirty)
    moves = w.moves()
    if w.new:
        conn.execute(
            insert(records),
            [{k: w.rows[r].get(k) for k in RECORD_COLUMNS} for r in sorted(w.new)],
        )
    if w.dirty:
        conn.execute(
            _UPDATE_RECORD,
            [
                {
                    "rid": r,
                    **{
                        k: w.rows[r].get(k)
                        for k in (
                            "data",
                            "field_meta",
                            "deleted",
                            "district",
                            "enterprise_id",
                            "natural_key",
                            "blob_sha256",
                        )
                    },
                }
                for r in sorted(w.dirty)
            ],
        )
    now = utcnow()
    if w.ledger:
        conn.execute(insert(mutation_ledger), [{**row, "seq": None, "at": now} for row in w.ledger])
    if w.conflicts:
        _names(conn, w.conflicts)
        conn.execute(
            insert(conflicts),
            [
                {
                    **{k: c.get(k) for k in CONFLICT_COLUMNS},
                    "losing_by": c["losing_by"],
                    "seq": PENDING,
                    "created_at": now,
                }
                for c in w.conflicts
            ],
        )
    if w.resolutions:
        conn.execute(_RESOLVE, [{**r, "resolved_at": now} for r in w.resolutions])
    if not (changed or w.conflicts or w.resolutions):
        return head(conn)
    stamped = [r["id"] for r in w.applied if r["seq"] == PENDING]
    resolved = [r["cid"] for r in w.resolutions]
    if conn.dialect.name == "postgresql" and not moves and not w.relocations:
        seq = _stamp_and_commit(conn, changed, stamped, resolved)
    else:
        # (PostgreSQL comes here only for the rare push that moves a firm to another
        # district, or a record to another firm: its scope changes need the sequence inside
        # the same transaction.)
        seq = next_seq(conn)  # taken last, after every read and the bulk writes
        if changed:
            conn.execute(update(records).where(records.c.id.in_(changed)).values(version=seq))
        if stamped:
            conn.execute(
                update(mutation_ledger)
                .where(mutation_ledger.c.mutation_id.in_(stamped))
                .values(seq=seq)
            )
        if w.conflicts:
            conn.execute(
                update(conflicts)
                .where(conflicts.c.mutation_id.in_(stamped))
                .where(conflicts.c.seq == PENDING)
                .values(seq=seq)
            )
        if resolved:
            conn.execute(
                update(conflicts).where(conflicts.c.id.in_(resolved)).values(resolved_seq=seq)
            )
        if moves:
            district_moves(conn, moves, seq)
        if w.relocations:
            _record_moves(conn, w, seq)
    for result in w.applied:
        if result["seq"] == PENDING:
            result["seq"] = seq
    for rid in changed:
        w.rows[rid]["version"] = seq
    return seq


def _record_moves(conn: Connection, w: Writes, seq: int) -> None:
    """Remember each record's move (the last one, if a push moved it twice): pulls tell those
    who saw it only through the enterprise it left, and a client's edit made before it knew
    still lands (access.moved_away)."""
    first: dict[str, str] = {}
    last: dict[str, tuple[str, str]] = {}
    for rid, entity, before, after in w.relocations:
        first.setdefault(rid, before)
        last[rid] = (entity, after)
    rows = [
        {
            "record_id": rid,
            "seq": seq,
            "entity": entity,
            "from_enterprise_id": first[rid],
            "to_enterprise_id": after,
        }
        for rid, (entity, after) in sorted(last.items())
        if first[rid] != after and rid not in w.new
    ]
    if rows:
        conn.execute(insert(record_moves), rows)


# Takes the next sequence value and stamps this push's rows, ledger entries, new conflicts and
# resolutions with it.
_STAMP = (
    "WITH s AS (UPDATE server_sequence SET value = value + 1 WHERE id = 1 RETURNING value),"
    " t AS (INSERT INTO sequence_tags (seq, tag, at) SELECT value, %(tag)s, %(at)s FROM s),"
    " r AS (UPDATE records SET version = (SELECT value FROM s) WHERE id = ANY(%(ids)s)),"
    " l AS (UPDATE mutation_ledger SET seq = (SELECT value FROM s)"
    " WHERE mutation_id = ANY(%(mids)s)),"
    " c AS (UPDATE conflicts SET seq = (SELECT value FROM s)"
    " WHERE mutation_id = ANY(%(mids)s) AND seq = -1),"
    " rc AS (UPDATE conflicts SET resolved_seq = (SELECT value FROM s)"
    " WHERE id = ANY(%(cids)s))"
    " SELECT value FROM s"
)


def _stamp_and_commit(conn: Connection, ids: list[str], mids: list[str], cids: list[int]) -> int:
    """PostgreSQL: the stamp and COMMIT in one pipeline, so the global lock is held only while
    the server executes them (plus the commit's WAL flush). SQLAlchemy's own commit at the end
    of the block then finds the connection idle and does nothing."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    params = {
        "tag": secrets.token_hex(4),
        "at": utcnow(),
        "ids": ids,
        "mids": mids,
        "cids": cids,
    }
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
