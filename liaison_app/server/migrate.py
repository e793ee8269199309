"""Bring the server database up to date: schema, built-in reference data, keys, sequence."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import Connection, Engine

from liaison_app.models.reference import builtin_rows
from liaison_app.server import keys, meta
from liaison_app.server.schema import REFERENCE_TABLES, server_sequence

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HEAD = "s0010"


def _config() -> Config:
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
    """Built-in reference codes (the same as every client's), the signing key file, the server id.

    On a new database the built-in rows are stamped 0, "never changed": every client has them.
    Built-ins that a later version adds to an existing server get a new sequence value and raise
    the reference version, so clients seeded by an older app fetch them too.
    """
    from liaison_app.server.sequence import next_seq

    new_server = conn.execute(select(server_sequence.c.id)).first() is None
    if new_server:
        conn.execute(insert(server_sequence), [{"id": 1, "value": 0}])
    later: int | None = None
    for kind, table in REFERENCE_TABLES.items():
        have = set(conn.execute(select(table.c.code)).scalars())
        rows = [row for row in builtin_rows(kind) if row["code"] not in have]
        if not rows:
            continue
        if not new_server and later is None:
            later = next_seq(conn)
            meta.write(conn, meta.REFERENCE_VERSION, later)
        conn.execute(insert(table), [{**row, "seq": later or 0} for row in rows])
    keys.ensure(conn)  # generated on the first start and kept, in a file of its own
    if meta.read(conn, meta.SERVER_ID) is None:
        meta.write(conn, meta.SERVER_ID, uuid.uuid4())


def is_current(engine: Engine) -> bool:
    if "server_alembic_version" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return (
            conn.exec_driver_sql("SELECT version_num FROM server_alembic_version").scalar() == HEAD
        )
