"""The one server sequence: every write transaction takes its next value last, with a tag."""

from __future__ import annotations

import secrets

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from liaison_app.server.audit import utcnow
from liaison_app.server.merge import PENDING
from liaison_app.server.schema import sequence_tags, server_sequence

# Field metadata, ledger rows and conflicts carry PENDING until the push that wrote them takes
# its sequence value: rows are written before it, so only one short statement runs while the
# global lock is held.
__all__ = ["PENDING", "head", "next_seq"]


def next_seq(conn: Connection) -> int:
    """The next server sequence value with its random tag; take it last in the transaction."""
    seq = conn.execute(
        update(server_sequence)
        .where(server_sequence.c.id == 1)
        .values(value=server_sequence.c.value + 1)
        .returning(server_sequence.c.value)
    ).scalar_one()
    conn.execute(insert(sequence_tags).values(seq=seq, tag=secrets.token_hex(4), at=utcnow()))
    return int(seq)


def head(conn: Connection) -> int:
    return int(
        conn.execute(select(server_sequence.c.value).where(server_sequence.c.id == 1)).scalar_one()
    )
