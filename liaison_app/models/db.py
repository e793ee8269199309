"""The engine for one data folder: SQLite pragmas, BEGIN IMMEDIATE writes, session factories."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _json_loads(value: Any) -> Any:
    """A JSON column's value. SQLite gives a JSON number back as a number (the column has
    numeric affinity, so the text "5" was stored as the integer 5): it is the value already."""
    if isinstance(value, int | float):
        return value
    return orjson.loads(value)


def make_engine(path: Path) -> Engine:
    """An engine for a SQLite file with WAL, synchronous=FULL (NORMAL for refetchable writes),
    foreign keys and a busy timeout."""
    # Background workers use their own pooled connection; the pool never shares one at a time.
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"check_same_thread": False},
        # orjson: several times faster than the stdlib for the sync tables' JSON columns.
        json_serializer=_json_dumps,
        json_deserializer=_json_loads,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the driver so BEGIN IMMEDIATE is ours to issue.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if not options.get("liaison_read"):
            # Set per transaction: the pool hands a connection back as the last user left it.
            sync = "NORMAL" if options.get("liaison_refetchable") else "FULL"
            conn.exec_driver_sql(f"PRAGMA synchronous={sync}")
        # Writers take the write lock up front: no deadlock-prone lock upgrade mid-transaction.
        mode = "DEFERRED" if options.get("liaison_read") else "IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """One data folder's database: a write and a read session factory over one engine."""

    def __init__(self, path: Path, engine: Engine | None = None) -> None:
        self.path = path
        self.engine = engine or make_engine(path)
        self._write = sessionmaker(self.engine, expire_on_commit=False)
        self._read = sessionmaker(
            self.engine.execution_options(liaison_read=True), expire_on_commit=False
        )
        self._refetchable = sessionmaker(
            self.engine.execution_options(liaison_refetchable=True), expire_on_commit=False
        )

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One unit of work: BEGIN IMMEDIATE, commit on success, roll back on any error."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def writing_refetchable(self) -> Iterator[Session]:
        """A unit of work whose data can be fetched again, such as a pulled page with its
        cursor: committed without waiting for the disk (WAL with synchronous=NORMAL). A power
        cut may undo the last such commits, never half of one, and the pull fetches them
        again; the next ordinary commit (synchronous=FULL) makes them durable with itself."""
        with self._refetchable() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
