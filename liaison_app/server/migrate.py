"""Bring the server database up to date: schema, built-in reference data, keys, sequence."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import Connection, Engine

from liaison_app.models.reference import builtin_rows
from liaison_app.server.schema import REFERENCE_TABLES, server_meta, server_sequence

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HEAD = "s0006"


def _config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema, then seed what a new server needs (idempotent)."""
    from alembic import command

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.begin() as conn:
        seed(conn)


def seed(conn: Connection) -> None:
    """Built-in reference codes (the same as every client's), the signing key, the server id."""
    for kind, table in REFERENCE_TABLES.items():
        have = set(conn.execute(select(table.c.code)).scalars())
        # The very rows every client database is seeded with, stamped as never changed.
        rows = [{**row, "seq": 0} for row in builtin_rows(kind) if row["code"] not in have]
        if rows:
            conn.execute(insert(table), rows)
    meta = dict(conn.execute(select(server_meta.c.key, server_meta.c.value)).all())
    fresh = {}
    if "signing_key" not in meta:
        fresh["signing_key"] = secrets.token_hex(32)  # generated on first start, kept
    if "server_id" not in meta:
        fresh["server_id"] = str(uuid.uuid4())
    if fresh:
        conn.execute(insert(server_meta), [{"key": k, "value": v} for k, v in fresh.items()])
    if conn.execute(select(server_sequence.c.id)).first() is None:
        conn.execute(insert(server_sequence), [{"id": 1, "value": 0}])


def is_current(engine: Engine) -> bool:
    if "server_alembic_version" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return (
            conn.exec_driver_sql("SELECT version_num FROM server_alembic_version").scalar() == HEAD
        )
