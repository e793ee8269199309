"""The server's database: a URL from --db or LIAISON_SERVER_DB, SQLite by default."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

from liaison_app.server.private import private_dir, private_file, tighten

ENV_DB = "LIAISON_SERVER_DB"
REQUEST_THREADS = 24  # per serving process; 2 workers stay well inside max_connections=100
ENV_DATA = "LIAISON_SERVER_DATA"


def server_data_dir() -> Path:
    override = os.environ.get(ENV_DATA)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("LiaisonServer", appauthor=False))


def database_url(explicit: str | None = None) -> str:
    if explicit:
        return explicit
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB]
    folder = private_dir(server_data_dir())
    return f"sqlite+pysqlite:///{folder / 'server.sqlite3'}"


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _loads(value: Any) -> Any:
    """A JSON column's value. SQLite gives a JSON number back as a number (the column has
    numeric affinity, so the text "5" was stored as the integer 5): it is the value already."""
    if isinstance(value, int | float):
        return value
    return orjson.loads(value)


def make_engine(url: str) -> Engine:
    """PostgreSQL through psycopg 3; SQLite with WAL, a busy timeout and BEGIN IMMEDIATE."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    json = {"json_serializer": _dumps, "json_deserializer": _loads}  # ≈7× the stdlib
    if not url.startswith("sqlite"):
        # A pool as large as a worker's request threads (app.py): connections beyond the pool
        # are opened and closed per request, and each costs PostgreSQL a new backend process.
        return create_engine(
            url, pool_pre_ping=True, pool_size=REQUEST_THREADS, max_overflow=8, **json
        )
    memory = url.rstrip("/").endswith(("sqlite:", "pysqlite:")) or ":memory:" in url
    if not memory:
        _private_database(make_url(url).database)
    pool = {} if memory else {"pool_size": REQUEST_THREADS, "max_overflow": 8}
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, **pool, **json
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("liaison_read"):
            conn.exec_driver_sql("BEGIN")  # one snapshot, no write lock
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # commit order = sequence order (design.md §3)

    return engine


def _private_database(database: str | None) -> None:
    """The database file and its WAL companions readable by the server's user only (SQLite
    gives the companions the database file's own permissions when it creates them)."""
    if not database or database.startswith("file:"):
        return
    path = Path(database)
    if path.parent.is_dir():
        private_file(path)
        for suffix in ("-wal", "-shm", "-journal"):
            tighten(path.with_name(path.name + suffix))


def reading(engine: Engine) -> Connection:
    """A connection for reads only, used as ``with reading(engine) as conn``.

    PostgreSQL: autocommit. Its READ COMMITTED takes a snapshot per statement inside a
    transaction too, so this reads the same and saves the BEGIN and ROLLBACK round trips.
    SQLite: a deferred transaction, one snapshot, without taking the write lock.
    """
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn.execution_options(liaison_read=True)
