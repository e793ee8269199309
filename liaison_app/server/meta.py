"""The server's own named values in server_meta: signing key, server id, tombstone horizon,
reference version. One place reads and writes them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from liaison_app.server.schema import server_meta

SIGNING_KEY = "signing_key"  # before s0008 only: the key now lives in a file (keys.py)
SERVER_ID = "server_id"  # written on the first start, never changed
HORIZON = "tombstone_horizon"  # deletes up to this sequence may be gone (cleanup.py)
REFERENCE_VERSION = "reference_version"  # raised by every reference change (hello tells it)


def value_of(key: str) -> Any:
    """The value as a scalar subquery (NULL when unset), to read inside a larger statement."""
    return select(server_meta.c.value).where(server_meta.c.key == key).scalar_subquery()


def read(conn: Connection, key: str) -> str | None:
    return conn.execute(select(value_of(key))).scalar()


def write(conn: Connection, key: str, value: object) -> None:
    where = server_meta.c.key == key
    if conn.execute(select(server_meta.c.key).where(where)).first() is None:
        conn.execute(insert(server_meta).values(key=key, value=str(value)))
    else:
        conn.execute(update(server_meta).where(where).values(value=str(value)))


def remove(conn: Connection, key: str) -> None:
    conn.execute(delete(server_meta).where(server_meta.c.key == key))
